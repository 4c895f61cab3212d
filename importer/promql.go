package importer

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
	"time"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
)

var promParser = parser.NewParser(parser.Options{})

// windowRE matches Sloth's window placeholder, with the spacing Go
// templates allow.
var windowRE = regexp.MustCompile(`\{\{-?\s*\.window\s*-?\}\}`)

// sentinel stands in for the window while a query is parsed: a duration
// no one writes.
const sentinel = 1234567891 * time.Millisecond

var sentinelText = prommodel.Duration(sentinel).String()

// window is the range obsc's threshold alerts use with the default 15s
// scrape interval; a rule with another range is kept as expr.
const window = 5 * time.Minute

// parseTemplate checks a query with {{.window}} placeholders and parses it
// with the sentinel substituted. It returns the normalized template
// (placeholders spelt {{.window}}) and the AST.
func parseTemplate(e *errs, n node, text string, needWindow bool) (string, parser.Expr) {
	text = strings.TrimSpace(text)
	norm := windowRE.ReplaceAllString(text, ir.WindowPlaceholder)
	if needWindow && !strings.Contains(norm, ir.WindowPlaceholder) {
		e.at(n, "write the range as [{{.window}}]", "query has no {{.window}} placeholder")
		return "", nil
	}
	sub := strings.ReplaceAll(norm, ir.WindowPlaceholder, sentinelText)
	if i := strings.Index(sub, "{{"); i >= 0 {
		e.at(n, "the only template Sloth queries may use is {{.window}}", "invalid template in query: %s", snippet(sub[i:]))
		return "", nil
	}
	expr, err := promParser.ParseExpr(sub)
	if err != nil {
		var perrs parser.ParseErrors
		msg := err.Error()
		if errors.As(err, &perrs) && len(perrs) > 0 {
			msg = perrs[0].Err.Error()
		}
		e.at(n, "", "invalid PromQL: %s", strings.ReplaceAll(msg, sentinelText, ir.WindowPlaceholder))
		return "", nil
	}
	return norm, expr
}

func snippet(s string) string {
	if i := strings.Index(s, "}}"); i >= 0 {
		return s[:i+2]
	}
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}

// print re-prints an AST with the window placeholder back in place.
func print(e parser.Expr) string {
	return strings.ReplaceAll(e.String(), sentinelText, ir.WindowPlaceholder)
}

// rateOf matches rate(m{...}[r]) and returns the selector and range.
func rateOf(e parser.Expr) (*parser.VectorSelector, time.Duration, bool) {
	c, ok := compile.Unwrap(e).(*parser.Call)
	if !ok || c.Func.Name != "rate" || len(c.Args) != 1 {
		return nil, 0, false
	}
	ms, ok := compile.Unwrap(c.Args[0]).(*parser.MatrixSelector)
	if !ok {
		return nil, 0, false
	}
	vs, ok := ms.VectorSelector.(*parser.VectorSelector)
	if !ok || vs.OriginalOffset != 0 || vs.Timestamp != nil || vs.StartOrEnd != 0 || vs.Name == "" {
		return nil, 0, false
	}
	return vs, ms.Range, true
}

// sumRate matches sum [by (g)] (rate(m{...}[r])).
func sumRate(e parser.Expr) (vs *parser.VectorSelector, rng time.Duration, by []string, ok bool) {
	a, isAgg := compile.Unwrap(e).(*parser.AggregateExpr)
	if !isAgg || a.Op != parser.SUM || a.Without || a.Param != nil {
		return nil, 0, nil, false
	}
	vs, rng, ok = rateOf(a.Expr)
	return vs, rng, a.Grouping, ok
}

// matcherSet is the matchers of a selector other than the metric name.
func matcherSet(vs *parser.VectorSelector) []*labels.Matcher {
	var out []*labels.Matcher
	for _, m := range vs.LabelMatchers {
		if m.Name != prommodel.MetricNameLabel {
			out = append(out, m)
		}
	}
	return out
}

// split divides the matchers of sel into those the base selector also has
// (identical) and the rest. ok is false when base has a matcher sel lacks.
func split(sel, base []*labels.Matcher) (common, extra []*labels.Matcher, ok bool) {
	used := make([]bool, len(sel))
	for _, b := range base {
		found := false
		for i, s := range sel {
			if !used[i] && s.Name == b.Name && s.Type == b.Type && s.Value == b.Value {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return nil, nil, false
		}
		common = append(common, b)
	}
	for i, s := range sel {
		if !used[i] {
			extra = append(extra, s)
		}
	}
	return common, extra, true
}

// onlyTarget reports whether every matcher selects on a target label with
// equality: what identifies the service, and what obsc's module label
// replaces.
func onlyTarget(ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !compile.TargetLabel(m.Name) || m.Type != labels.MatchEqual || m.Name == ir.LabelModule {
			return false
		}
	}
	return true
}

// literals returns the values a matcher selects when it is `=` or `=~`
// over an alternation of literal strings, e.g. code=~"500|503".
func literals(m *labels.Matcher) ([]string, bool) {
	switch m.Type {
	case labels.MatchEqual:
		return []string{m.Value}, m.Value != ""
	case labels.MatchRegexp:
		re, err := syntax.Parse(m.Value, syntax.Perl)
		if err != nil {
			return nil, false
		}
		re = re.Simplify()
		for re.Op == syntax.OpCapture {
			re = re.Sub[0]
		}
		lit := func(r *syntax.Regexp) (string, bool) {
			for r.Op == syntax.OpCapture {
				r = r.Sub[0]
			}
			if r.Op == syntax.OpLiteral && r.Flags&syntax.FoldCase == 0 {
				return string(r.Rune), true
			}
			return "", false
		}
		if s, ok := lit(re); ok {
			return []string{s}, true
		}
		if re.Op != syntax.OpAlternate {
			// syntax factors common prefixes (500|503 -> 50[03]); read the
			// alternatives from the source instead when it is a plain list.
			return plainAlternation(m.Value)
		}
		var out []string
		for _, s := range re.Sub {
			v, ok := lit(s)
			if !ok {
				return plainAlternation(m.Value)
			}
			out = append(out, v)
		}
		return out, true
	}
	return nil, false
}

var plainAltRE = regexp.MustCompile(`^\(?([A-Za-z0-9_:/ -]+(\|[A-Za-z0-9_:/ -]+)*)\)?$`)

func plainAlternation(s string) ([]string, bool) {
	m := plainAltRE.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	return strings.Split(m[1], "|"), true
}

// errorMatchers turns the extra matchers of an error selector into obsc
// error matchers; ok is false when one cannot be (a negation, a regexp
// that is not a list of values, a target label).
func errorMatchers(extra []*labels.Matcher) (map[string][]string, bool) {
	if len(extra) == 0 {
		return nil, false
	}
	out := map[string][]string{}
	for _, m := range extra {
		if compile.TargetLabel(m.Name) || compile.ReservedLabel(m.Name) || !labelNameRE.MatchString(m.Name) {
			return nil, false
		}
		vs, ok := literals(m)
		if !ok {
			return nil, false
		}
		if _, dup := out[m.Name]; dup {
			return nil, false
		}
		out[m.Name] = vs
	}
	return out, true
}

var (
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// matchersText renders matchers for comments.
func matchersText(ms []*labels.Matcher) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// declare adds every metric an expression selects to the module: a name
// ending in _total is a counter; _bucket, _count and _sum are series of a
// histogram; other names are gauges unless a counter function reads them
// (a counter obsc cannot declare without _total) or they are recording
// rules (with ':'), which become external. Labels the selectors match on
// are declared with a placeholder bound.
func (m *Module) declare(e parser.Expr) {
	parser.Inspect(e, func(n parser.Node, path []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		if name == "" {
			for _, lm := range vs.LabelMatchers {
				if lm.Name == prommodel.MetricNameLabel && lm.Type == labels.MatchEqual {
					name = lm.Value
				}
			}
		}
		if name == "" {
			return nil // compile reports it at the expression
		}
		underCounterFunc := false
		for _, p := range path {
			if c, ok := p.(*parser.Call); ok {
				switch c.Func.Name {
				case "rate", "irate", "increase", "resets":
					underCounterFunc = true
				}
			}
		}
		m.declareSelector(name, vs, underCounterFunc)
		return nil
	})
}

func (m *Module) declareSelector(name string, vs *parser.VectorSelector, counterFunc bool) {
	if _, ext := m.External[name]; ext {
		return
	}
	external := func(why string) { m.External[name] = why }
	if strings.Contains(name, ":") {
		external("a recording rule")
		return
	}
	if !metricNameRE.MatchString(name) || strings.HasPrefix(name, "__") {
		external("not a name obsc can declare")
		return
	}
	base, typ := name, ir.Gauge
	switch {
	case strings.HasSuffix(name, "_bucket"), strings.HasSuffix(name, "_count"), strings.HasSuffix(name, "_sum"):
		base, typ = name[:strings.LastIndex(name, "_")], ir.Histogram
		if strings.HasSuffix(base, "_total") || base == "" {
			external("not a name obsc can declare")
			return
		}
	case strings.HasSuffix(name, "_total"):
		typ = ir.Counter
	case counterFunc:
		external("read with rate(); obsc declares counters only with a _total suffix")
		return
	}
	if _, ext := m.External[base]; ext {
		return
	}
	mt := m.Metrics[base]
	if mt == nil {
		mt = &Metric{Type: typ, Labels: map[string]bool{}}
	} else if mt.Type != typ {
		external(fmt.Sprintf("selected both as a %s and as a %s", mt.Type, typ))
		return
	}
	var les []float64
	var lbls []string
	for _, lm := range vs.LabelMatchers {
		l := lm.Name
		switch {
		case l == prommodel.MetricNameLabel || compile.TargetLabel(l):
			continue
		case l == "le" && typ == ir.Histogram && strings.HasSuffix(name, "_bucket"):
			if lm.Type == labels.MatchEqual {
				if f, err := strconv.ParseFloat(lm.Value, 64); err == nil && f > 0 && f < 1e300 {
					les = append(les, f)
				}
			}
			continue
		case l == "quantile":
			external("a summary: obsc does not declare summaries")
			return
		case compile.ReservedLabel(l) || !labelNameRE.MatchString(l):
			external(fmt.Sprintf("selected on label %s, which obsc reserves", l))
			return
		}
		lbls = append(lbls, l)
	}
	m.Metrics[base] = mt
	for _, l := range lbls {
		mt.Labels[l] = true
		if m.Labels[l] == nil {
			m.Labels[l] = &Label{Allow: compile.HighCardinalityLabel(l)}
		}
	}
	for _, f := range les {
		if mt.LEs == nil {
			mt.LEs = map[float64]bool{}
		}
		mt.LEs[f] = true
	}
}

// templateLabels returns the labels a Prometheus template reads as
// $labels.x, sorted.
func templateLabels(texts ...string) []string {
	set := map[string]bool{}
	for _, t := range texts {
		for _, m := range labelRefRE.FindAllStringSubmatch(t, -1) {
			set[m[1]] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var labelRefRE = regexp.MustCompile(`\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)`)
