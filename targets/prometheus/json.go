package prometheus

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The documents are written as JSON, which yamlx.FromJSON prints as YAML.
// The rule groups and the test file are written here rather than by
// encoding/json, whose reflection, sorting of map keys and compaction of
// every json.Marshaler's output (each rule's expression) and
// json.RawMessage (the groups, in both rule documents) cost as much as
// building them.
//
// What is written reads as what encoding/json writes of the same values:
// the same members (omitempty as in the json tags, nil slices and maps as
// null), strings of the same value (invalid UTF-8 as U+FFFD) and numbers
// as encoding/json prints them. Members and map entries are not sorted:
// FromJSON sorts every mapping. Under targets.SelfCheck Render compares
// the YAML of every document with that of encoding/json's JSON.

// jsonWriter appends JSON to b.
type jsonWriter struct {
	b   []byte
	err error // the first error: a number JSON cannot hold
}

// raw appends JSON text: punctuation and member names.
func (w *jsonWriter) raw(s string) { w.b = append(w.b, s...) }

// string appends s as a JSON string, escaping what JSON requires.
func (w *jsonWriter) string(s string) {
	b := append(w.b, '"')
	start := 0 // s[start:i] is yet to be copied
	for i := 0; i < len(s); {
		c := s[i]
		if jsonPlain[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			if r, size := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			if c >= utf8.RuneSelf { // a byte of invalid UTF-8
				b = append(b, `\ufffd`...)
			} else { // another control character
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	w.b = append(b, '"')
}

const hexDigits = "0123456789abcdef"

// jsonPlain are the bytes a JSON string holds as they are: printable
// ASCII but " and \.
var jsonPlain = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// float appends f as encoding/json prints it, which it alone decides
// (exponent or not, its spelling). NaN and infinities are an error.
func (w *jsonWriter) float(f float64) {
	j, err := json.Marshal(f)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.b = append(w.b, j...)
}

// strings appends a list of strings.
func (w *jsonWriter) strings(ss []string) { jsonArray(w, ss, (*jsonWriter).string) }

// stringMap appends a map of strings, null when nil.
func (w *jsonWriter) stringMap(m map[string]string) {
	if m == nil {
		w.raw("null")
		return
	}
	w.raw("{")
	first := true
	for k, v := range m {
		if !first {
			w.raw(",")
		}
		first = false
		w.string(k)
		w.raw(":")
		w.string(v)
	}
	w.raw("}")
}

// jsonArray appends s as a JSON array, null when nil.
func jsonArray[T any](w *jsonWriter, s []T, elem func(*jsonWriter, T)) {
	if s == nil {
		w.raw("null")
		return
	}
	w.raw("[")
	for i, x := range s {
		if i > 0 {
			w.raw(",")
		}
		elem(w, x)
	}
	w.raw("]")
}

// ---- rule groups ----

// ruleGroups appends rule groups. Only the members obsc sets are written:
// a group's name and rules, a rule's record, alert, expr, for, labels and
// annotations. The SelfCheck comparison catches a member set but not
// written here.
func (w *jsonWriter) ruleGroups(groups []monitoringv1.RuleGroup) {
	jsonArray(w, groups, (*jsonWriter).ruleGroup)
}

func (w *jsonWriter) ruleGroup(g monitoringv1.RuleGroup) {
	w.raw(`{"name":`)
	w.string(g.Name)
	if len(g.Rules) > 0 {
		w.raw(`,"rules":`)
		jsonArray(w, g.Rules, (*jsonWriter).rule)
	}
	w.raw("}")
}

func (w *jsonWriter) rule(r monitoringv1.Rule) {
	w.raw(`{"expr":`)
	if r.Expr.Type == intstr.Int {
		w.b = strconv.AppendInt(w.b, int64(r.Expr.IntVal), 10)
	} else {
		w.string(r.Expr.StrVal)
	}
	if r.Record != "" {
		w.raw(`,"record":`)
		w.string(r.Record)
	}
	if r.Alert != "" {
		w.raw(`,"alert":`)
		w.string(r.Alert)
	}
	if r.For != nil {
		w.raw(`,"for":`)
		w.string(string(*r.For))
	}
	if len(r.Labels) > 0 {
		w.raw(`,"labels":`)
		w.stringMap(r.Labels)
	}
	if len(r.Annotations) > 0 {
		w.raw(`,"annotations":`)
		w.stringMap(r.Annotations)
	}
	w.raw("}")
}

// ---- the promtool test file ----

func (w *jsonWriter) testFile(f *testFile) {
	w.raw(`{"rule_files":`)
	w.strings(f.RuleFiles)
	w.raw(`,"evaluation_interval":`)
	w.string(f.EvaluationInterval)
	w.raw(`,"tests":`)
	jsonArray(w, f.Tests, (*jsonWriter).testGroup)
	w.raw("}")
}

func (w *jsonWriter) testGroup(g testGroup) {
	w.raw(`{"name":`)
	w.string(g.Name)
	w.raw(`,"interval":`)
	w.string(g.Interval)
	w.raw(`,"input_series":`)
	jsonArray(w, g.InputSeries, (*jsonWriter).inputSeries)
	if len(g.AlertRuleTests) > 0 {
		w.raw(`,"alert_rule_test":`)
		jsonArray(w, g.AlertRuleTests, (*jsonWriter).alertTest)
	}
	if len(g.PromQLExprTests) > 0 {
		w.raw(`,"promql_expr_test":`)
		jsonArray(w, g.PromQLExprTests, (*jsonWriter).exprTest)
	}
	w.raw("}")
}

func (w *jsonWriter) inputSeries(s inputSeries) {
	w.raw(`{"series":`)
	w.string(s.Series)
	w.raw(`,"values":`)
	w.string(s.Values)
	w.raw("}")
}

func (w *jsonWriter) alertTest(t alertTest) {
	w.raw(`{"eval_time":`)
	w.string(t.EvalTime)
	w.raw(`,"alertname":`)
	w.string(t.Alertname)
	w.raw(`,"exp_alerts":`)
	jsonArray(w, t.ExpAlerts, (*jsonWriter).expAlert)
	w.raw("}")
}

func (w *jsonWriter) expAlert(a expAlert) {
	w.raw(`{"exp_labels":`)
	w.stringMap(a.ExpLabels)
	if len(a.ExpAnnotations) > 0 {
		w.raw(`,"exp_annotations":`)
		w.stringMap(a.ExpAnnotations)
	}
	w.raw("}")
}

func (w *jsonWriter) exprTest(t exprTest) {
	w.raw(`{"expr":`)
	w.string(t.Expr)
	w.raw(`,"eval_time":`)
	w.string(t.EvalTime)
	w.raw(`,"exp_samples":`)
	jsonArray(w, t.ExpSamples, (*jsonWriter).expSample)
	w.raw("}")
}

func (w *jsonWriter) expSample(s expSample) {
	w.raw(`{"labels":`)
	w.string(s.Labels)
	w.raw(`,"value":`)
	w.float(s.Value)
	w.raw("}")
}
