package prometheus

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/tinysystems/obsc/internal/yamlx"
)

// The rule groups and the test file are written as YAML here, in
// yamlx.FromJSON's style, rather than marshalled by encoding/json and
// converted: reflection, the JSON text and its parse cost more than
// building them. The layout of these documents is fixed, so the writer
// knows every member's key, and writes them in FromJSON's order (sorted
// bytewise); yamlx.AppendKey and yamlx.AppendString write the keys and
// strings as FromJSON does.
//
// What is written is what FromJSON writes of encoding/json's JSON of the
// same values: the same members (omitempty as in the json tags, nil
// slices and maps as null), strings as encoding/json writes them and
// numbers as it prints them. Under targets.SelfCheck Render compares
// every document with exactly that (marshal).
//
// Every line is written with its indentation, a mapping's members at the
// column of its keys; a mapping that is an item of a sequence at column
// col has its members at col+2, and "- " then replaces the last two
// spaces of its first line's indentation (yamlList).

// yamlWriter appends YAML to b.
type yamlWriter struct {
	b    []byte
	keys []string // stringMap's, reused
	err  error    // the first error: a number JSON cannot hold
}

// raw appends YAML text.
func (w *yamlWriter) raw(s string) { w.b = append(w.b, s...) }

// key starts a member of a mapping at column col: its indentation, key
// and colon. k is one of the member names of the documents, which are
// plain (lower-case ASCII letters and underscores, none a word YAML
// resolves); the keys of maps go through yamlx.AppendKey (stringMap).
func (w *yamlWriter) key(col int, k string) {
	w.b = yamlx.AppendIndent(w.b, col)
	w.b = append(w.b, k...)
	w.b = append(w.b, ':')
}

// string writes a member holding a string.
func (w *yamlWriter) string(col int, k, v string) {
	w.key(col, k)
	w.b = append(w.b, ' ')
	w.b = yamlx.AppendString(w.b, v, col)
}

// float writes a member holding a number, as encoding/json prints it (its
// floatEncoder): the shortest text, in exponent form below 1e-6 and from
// 1e21 on, with a one-digit negative exponent unpadded. NaN and
// infinities are an error.
func (w *yamlWriter) float(col int, k string, f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if w.err == nil {
			w.err = fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
		}
		return
	}
	w.key(col, k)
	w.b = append(w.b, ' ')
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	start := len(w.b)
	w.b = strconv.AppendFloat(w.b, f, format, -1, 64)
	if format == 'e' { // 1e-07 as 1e-7
		if n := len(w.b); n-start >= 4 && w.b[n-4] == 'e' && w.b[n-3] == '-' && w.b[n-2] == '0' {
			w.b[n-2] = w.b[n-1]
			w.b = w.b[:n-1]
		}
	}
	w.b = append(w.b, '\n')
}

// stringMap writes a member holding a map of strings: null when nil, {}
// when empty.
func (w *yamlWriter) stringMap(col int, k string, m map[string]string) {
	w.key(col, k)
	switch {
	case m == nil:
		w.raw(" null\n")
		return
	case len(m) == 0:
		w.raw(" {}\n")
		return
	}
	w.raw("\n")
	w.b, w.keys = yamlx.AppendStringMap(w.b, m, col+2, w.keys)
}

// strings writes a member holding a list of strings: null when nil, []
// when empty.
func (w *yamlWriter) strings(col int, k string, ss []string) {
	if w.list(col, k, len(ss), ss == nil) {
		for _, s := range ss {
			w.b = yamlx.AppendIndent(w.b, col)
			w.b = append(w.b, '-', ' ')
			w.b = yamlx.AppendString(w.b, s, col)
		}
	}
}

// list starts a member holding a list of n elements: null when nil, []
// when empty. It reports whether the elements are to be written, on the
// following lines.
func (w *yamlWriter) list(col int, k string, n int, null bool) bool {
	w.key(col, k)
	switch {
	case null:
		w.raw(" null\n")
	case n == 0:
		w.raw(" []\n")
	default:
		w.raw("\n")
		return true
	}
	return false
}

// yamlList writes a member of a mapping at column col holding s, whose
// elements are mappings written by elem as items at col.
func yamlList[T any](w *yamlWriter, col int, k string, s []T, elem func(*yamlWriter, int, T)) {
	if w.list(col, k, len(s), s == nil) {
		for _, x := range s {
			start := len(w.b)
			elem(w, col+2, x) // every element has a member: a first line
			w.b[start+col] = '-'
		}
	}
}

// indentLines appends the lines of y, each indented by two more spaces but
// the empty ones: y, a document in FromJSON's style, as the value of a
// key at column 0. Only block scalars span lines, and their empty lines
// are empty at any indentation.
func indentLines(out, y []byte) []byte {
	for len(y) > 0 {
		line := y
		if i := slices.Index(y, '\n'); i >= 0 {
			line = y[:i+1]
		}
		if line[0] != '\n' {
			out = append(out, ' ', ' ')
		}
		out = append(out, line...)
		y = y[len(line):]
	}
	return out
}

// ---- rule groups ----

// ruleFile writes the rule file document, {groups: [...]}, at column 0.
// Only the members obsc sets are written: a group's name and rules, a
// rule's record, alert, expr, for, labels and annotations. The SelfCheck
// comparison catches a member set but not written here.
func (w *yamlWriter) ruleFile(groups []monitoringv1.RuleGroup) {
	yamlList(w, 0, "groups", groups, (*yamlWriter).ruleGroup)
}

func (w *yamlWriter) ruleGroup(col int, g monitoringv1.RuleGroup) {
	w.string(col, "name", g.Name)
	if len(g.Rules) > 0 {
		yamlList(w, col, "rules", g.Rules, (*yamlWriter).rule)
	}
}

func (w *yamlWriter) rule(col int, r monitoringv1.Rule) {
	if r.Alert != "" {
		w.string(col, "alert", r.Alert)
	}
	if len(r.Annotations) > 0 {
		w.stringMap(col, "annotations", r.Annotations)
	}
	if r.Expr.Type == intstr.Int {
		w.key(col, "expr")
		w.b = append(w.b, ' ')
		w.b = strconv.AppendInt(w.b, int64(r.Expr.IntVal), 10)
		w.b = append(w.b, '\n')
	} else {
		w.string(col, "expr", r.Expr.StrVal)
	}
	if r.For != nil {
		w.string(col, "for", string(*r.For))
	}
	if r.KeepFiringFor != nil {
		w.string(col, "keep_firing_for", string(*r.KeepFiringFor))
	}
	if len(r.Labels) > 0 {
		w.stringMap(col, "labels", r.Labels)
	}
	if r.Record != "" {
		w.string(col, "record", r.Record)
	}
}

// ---- the promtool test file ----

// testFile writes the test file document at column 0.
func (w *yamlWriter) testFile(f *testFile) {
	w.string(0, "evaluation_interval", f.EvaluationInterval)
	w.strings(0, "rule_files", f.RuleFiles)
	yamlList(w, 0, "tests", f.Tests, (*yamlWriter).testGroup)
}

func (w *yamlWriter) testGroup(col int, g testGroup) {
	if len(g.AlertRuleTests) > 0 {
		yamlList(w, col, "alert_rule_test", g.AlertRuleTests, (*yamlWriter).alertTest)
	}
	yamlList(w, col, "input_series", g.InputSeries, (*yamlWriter).inputSeries)
	w.string(col, "interval", g.Interval)
	w.string(col, "name", g.Name)
	if len(g.PromQLExprTests) > 0 {
		yamlList(w, col, "promql_expr_test", g.PromQLExprTests, (*yamlWriter).exprTest)
	}
}

func (w *yamlWriter) inputSeries(col int, s inputSeries) {
	w.string(col, "series", s.Series)
	w.string(col, "values", s.Values)
}

func (w *yamlWriter) alertTest(col int, t alertTest) {
	w.string(col, "alertname", t.Alertname)
	w.string(col, "eval_time", t.EvalTime)
	yamlList(w, col, "exp_alerts", t.ExpAlerts, (*yamlWriter).expAlert)
}

func (w *yamlWriter) expAlert(col int, a expAlert) {
	if len(a.ExpAnnotations) > 0 {
		w.stringMap(col, "exp_annotations", a.ExpAnnotations)
	}
	w.stringMap(col, "exp_labels", a.ExpLabels)
}

func (w *yamlWriter) exprTest(col int, t exprTest) {
	w.string(col, "eval_time", t.EvalTime)
	yamlList(w, col, "exp_samples", t.ExpSamples, (*yamlWriter).expSample)
	w.string(col, "expr", t.Expr)
}

func (w *yamlWriter) expSample(col int, s expSample) {
	w.string(col, "labels", s.Labels)
	w.float(col, "value", s.Value)
}
