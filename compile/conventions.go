package compile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint/validations"
	dto "github.com/prometheus/client_model/go"

	"github.com/tinysystems/obsc/compile/ir"
)

// namingLints are promlint's checks of a metric's name that obsc's own
// (metricName) do not make: base units, abbreviated units, the type in
// the name, camelCase. They are Prometheus' naming conventions, run by
// the linter Prometheus' client library ships.
var namingLints = []func(*dto.MetricFamily) []error{
	validations.LintMetricUnits,
	validations.LintUnitAbbreviations,
	validations.LintMetricTypeInName,
	validations.LintCamelCase,
}

// conventions reports where metric mt's name breaks Prometheus' naming
// conventions, unless the spec says why the name stays (allow: an
// existing metric that dashboards and alerts elsewhere read).
func (b *builder) conventions(mt *ir.Metric, allow *string) {
	problems := NamingProblems(mt.Name, mt.Type)
	switch {
	case allow != nil && strings.TrimSpace(*allow) == "":
		b.errorf(b.at("metrics", mt.Name, "allow"), "", "allow of metric %s must give a reason", mt.Name)
	case allow != nil && len(problems) == 0:
		b.errorf(b.at("metrics", mt.Name, "allow"), "remove allow", "metric %s follows Prometheus' naming conventions: there is nothing to allow", mt.Name)
	case allow != nil:
	case len(problems) > 0:
		hint := `rename it, or add allow: "<why the name stays>"`
		if s, unit := conventionalName(mt.Name, string(mt.Type)); s != mt.Name {
			also := ""
			if unit != "" {
				also = fmt.Sprintf(" and record %s", unit)
			}
			hint = fmt.Sprintf(`rename it to %s%s, or add allow: "<why the name stays>"`, s, also)
		}
		b.errorf(mt.Pos, hint, "metric name %s: %s (Prometheus naming conventions, as promlint checks them)", mt.Name, strings.Join(problems, "; "))
	}
}

// NamingProblems are promlint's naming problems with the name of a
// metric of type typ, each once (the importer marks such a metric).
func NamingProblems(name string, typ ir.MetricType) []string {
	var t dto.MetricType
	switch typ {
	case ir.Counter:
		t = dto.MetricType_COUNTER
	case ir.Gauge:
		t = dto.MetricType_GAUGE
	case ir.Histogram:
		t = dto.MetricType_HISTOGRAM
	default:
		return nil
	}
	return lintProblems(&dto.MetricFamily{Name: &name, Type: &t}, namingLints...)
}

// lintProblems are the problems lints find in mf, each once.
func lintProblems(mf *dto.MetricFamily, lints ...func(*dto.MetricFamily) []error) []string {
	var out []string
	for _, lint := range lints {
		for _, err := range lint(mf) {
			if s := err.Error(); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// LabelNamingProblems are promlint's problems with a label's name
// (camelCase), each once.
func LabelNamingProblems(name string) []string {
	metric, typ := "obsc_label_check", dto.MetricType_GAUGE
	mf := &dto.MetricFamily{Name: &metric, Type: &typ, Metric: []*dto.Metric{{Label: []*dto.LabelPair{{Name: &name}}}}}
	return lintProblems(mf, validations.LintCamelCase)
}

// labelAllow checks a declared label's name against what allow lets
// through: a known high-cardinality name, or one against Prometheus'
// naming conventions, needs allow with a reason; allow on any other name
// is an error too, as on a metric.
func (b *builder) labelAllow(pos ir.Pos, name string, allow *string) {
	problems := LabelNamingProblems(name)
	switch {
	case allow != nil && strings.TrimSpace(*allow) == "":
		b.errorf(b.at("labels", name, "allow"), "", "allow of label %s must give a reason", name)
	case allow != nil && !highCardinality[name] && len(problems) == 0:
		b.errorf(b.at("labels", name, "allow"), "remove allow",
			"label %s is neither a known high-cardinality name nor against Prometheus' naming conventions: there is nothing to allow", name)
	case allow != nil:
	case highCardinality[name]:
		b.errorf(pos, `use a bounded label, or add allow: "<why it is bounded>" with values or maxValues`,
			"label %s is a known high-cardinality name", name)
	case len(problems) > 0:
		fixed, _ := conventionalName(name, "")
		b.errorf(pos, fmt.Sprintf(`rename it to %s, or add allow: "<why the name stays>"`, fixed),
			"label %s: %s (Prometheus naming conventions, as promlint checks them)", name, strings.Join(problems, "; "))
	}
}

// baseUnits maps a unit word of a metric name to the base unit
// Prometheus asks for (the words and abbreviations promlint refuses);
// conventionalName uses it for its suggestion.
var baseUnits = map[string]string{
	"s": "seconds", "sec": "seconds", "ms": "seconds", "us": "seconds", "ns": "seconds", "m": "seconds", "h": "seconds", "d": "seconds",
	"minutes": "seconds", "hours": "seconds", "days": "seconds", "weeks": "seconds",
	"milliseconds": "seconds", "microseconds": "seconds", "nanoseconds": "seconds",
	"b": "bytes", "kb": "bytes", "mb": "bytes", "gb": "bytes", "tb": "bytes", "pb": "bytes", "bits": "bytes",
	"kilobytes": "bytes", "megabytes": "bytes", "gigabytes": "bytes", "terabytes": "bytes", "kibibytes": "bytes", "mebibytes": "bytes", "gibibytes": "bytes",
}

// conventionalName suggests a name for name in snake_case, in base units
// and without its type word (typ), and names the base unit when it
// changed one.
func conventionalName(name, typ string) (string, string) {
	lower := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	var sb strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			// A word starts at an upper-case letter after a lower-case
			// one (ordersCreated), or at the last of a run of capitals
			// before a lower-case one (HTTPRequests).
			if i > 0 && (lower(name[i-1]) || name[i-1] != '_' && i+1 < len(name) && lower(name[i+1]) && !lower(name[i-1])) {
				sb.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		sb.WriteByte(c)
	}
	var words []string
	unit := ""
	for i, w := range strings.Split(sb.String(), "_") {
		if base, ok := baseUnits[w]; ok && i > 0 {
			w, unit = base, base
		}
		if w == typ && i > 0 {
			continue
		}
		words = append(words, w)
	}
	return strings.Join(words, "_"), unit
}
