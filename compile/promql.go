package compile

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/template"

	"github.com/tinysystems/obsc/compile/ir"
)

// promParser is safe for concurrent use: each ParseExpr builds its own
// lexer state.
var promParser = parser.NewParser(parser.Options{})

// exprUse says where an expression is used, for messages.
type exprUse string

const (
	exprAlert exprUse = "alert"
	exprPanel exprUse = "panel"
)

// promql parses a user PromQL expression, checks it against the metric
// catalog and returns it re-printed from the AST. path points at the
// string in the spec.
func (b *builder) promql(expr string, use exprUse, path ...any) string {
	out, _ := b.promqlExpr(expr, use, path...)
	return out
}

// promqlExpr is promql, with the parsed expression (nil when it did not
// parse).
func (b *builder) promqlExpr(expr string, use exprUse, path ...any) (string, parser.Expr) {
	// The position is looked up only for an error.
	pos := func() ir.Pos { return b.at(path...) }
	if strings.TrimSpace(expr) == "" {
		b.errorf(pos(), "", "expr must not be empty")
		return "", nil
	}
	// A panel may read Grafana's range variables ($__rate_interval):
	// parsed with a sentinel duration for each, written back after.
	text, orig := expr, func(off int) int { return off }
	var vars bool
	if use == exprPanel {
		if locs := ir.GrafanaRangeVar.FindAllStringIndex(expr, -1); len(locs) > 0 {
			vars = true
			text, orig = substitute(expr, locs, func(v string) string {
				return prommodel.Duration(grafanaSentinels[strings.Trim(v, "${}")]).String()
			})
		}
	}
	e := b.parseUser(expr, text, orig, pos)
	if e == nil {
		return "", nil
	}
	if use == exprAlert && e.Type() != parser.ValueTypeVector && e.Type() != parser.ValueTypeScalar {
		b.errorf(pos(), "an alert expression must return an instant vector", "expr returns a %s", e.Type())
	}
	b.checkConfine(e, expr, orig, pos)
	out := e.String()
	if vars {
		for v, d := range grafanaSentinels {
			out = strings.ReplaceAll(out, prommodel.Duration(d).String(), "$"+v)
		}
	}
	return out, e
}

// parseUser parses text, what the user wrote (written) with spans
// substituted that orig maps back, and reports a syntax error at its
// place in written; it returns nil when text does not parse.
func (b *builder) parseUser(written, text string, orig func(int) int, pos func() ir.Pos) parser.Expr {
	e, err := promParser.ParseExpr(text)
	if err == nil {
		return e
	}
	var perrs parser.ParseErrors
	if errors.As(err, &perrs) && len(perrs) > 0 {
		pe := perrs[0]
		b.errorf(exprPos(pos(), written, orig(int(pe.PositionRange.Start))), "", "invalid PromQL: %s", pe.Err)
	} else {
		b.errorf(pos(), "", "invalid PromQL: %v", err)
	}
	return nil
}

// checkConfine runs the catalog checks on e, parsed from written as
// parseUser says, reporting each at its place in written, and confines e
// to the module.
func (b *builder) checkConfine(e parser.Expr, written string, orig func(int) int, pos func() ir.Pos) {
	for _, p := range checkExpr(b.m, b.externals(), e) {
		b.errorf(exprPos(pos(), written, orig(p.offset)), p.hint, "%s", p.msg)
	}
	confine(b.m, e)
}

// confine adds module="<name>" to every selector of the module's own
// series (its metrics, their histogram series and obsc's SLO recording
// rules), so a user expression reads this module's series only, like
// every generated rule and query. Selectors of external metrics are left
// as written, and so is a selector that already matches on module.
func confine(m *ir.Module, e parser.Expr) {
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := selectorName(vs)
		if mt, _ := resolve(m, name); mt == nil && !isGeneratedRule(name) {
			return nil
		}
		for _, lm := range vs.LabelMatchers {
			if lm.Name == ir.LabelModule {
				return nil
			}
		}
		vs.LabelMatchers = append(vs.LabelMatchers, labels.MustNewMatcher(labels.MatchEqual, ir.LabelModule, m.Name))
		return nil
	})
}

// exprPos points into a one-line string literal at byte offset off of its
// content; other strings are blamed as a whole.
func exprPos(pos ir.Pos, expr string, off int) ir.Pos {
	if strings.ContainsAny(expr, "\n\"\\") || off <= 0 || off > len(expr) {
		return pos
	}
	pos.Col += 1 + off
	return pos
}

type exprProblem struct {
	offset int
	msg    string
	hint   string
}

// checkExpr checks every selector and function call of e against the
// module's catalog: metrics exist, matchers name labels the metric has and
// values it can take, rate() is not applied to gauges, histogram_quantile
// reads buckets aggregated by le, and a ratio does not divide series by
// themselves.
func checkExpr(m *ir.Module, external map[string]bool, e parser.Expr) []exprProblem {
	var out []exprProblem
	add := func(n parser.Node, hint, format string, args ...any) {
		out = append(out, exprProblem{offset: int(n.PositionRange().Start), msg: fmt.Sprintf(format, args...), hint: hint})
	}
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		switch n := node.(type) {
		case *parser.VectorSelector:
			checkSelector(m, external, n, add)
		case *parser.Call:
			checkCall(m, n, add)
		case *parser.BinaryExpr:
			checkRatio(n, add)
		}
		return nil
	})
	return out
}

// resolve maps a selected series name to the declared metric it belongs to.
func resolve(m *ir.Module, name string) (mt *ir.Metric, suffix string) {
	if mt := m.Metric(name); mt != nil {
		if mt.Type == ir.Histogram {
			return mt, "" // a histogram's own name selects nothing
		}
		return mt, ""
	}
	for _, suf := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suf); ok {
			if mt := m.Metric(base); mt != nil && mt.Type == ir.Histogram {
				return mt, suf
			}
		}
	}
	return nil, ""
}

func selectorName(n *parser.VectorSelector) string {
	if n.Name != "" {
		return n.Name
	}
	for _, lm := range n.LabelMatchers {
		if lm.Name == prommodel.MetricNameLabel && lm.Type == labels.MatchEqual {
			return lm.Value
		}
	}
	return ""
}

func isGeneratedRule(name string) bool { return strings.HasPrefix(name, "slo:") }

func checkSelector(m *ir.Module, external map[string]bool, n *parser.VectorSelector, add func(parser.Node, string, string, ...any)) {
	name := selectorName(n)
	if name == "" {
		add(n, "select one metric by name", "selector %s does not name a metric, so obsc cannot check it", n.String())
		return
	}
	if external[name] || isGeneratedRule(name) {
		return
	}
	mt, suffix := resolve(m, name)
	if mt == nil {
		names := make([]string, 0, len(m.Metrics))
		for _, x := range m.Metrics {
			names = append(names, x.Name)
			if x.Type == ir.Histogram {
				names = append(names, x.Name+"_bucket", x.Name+"_sum", x.Name+"_count")
			}
		}
		hint := suggest(name, names)
		if hint == "" {
			hint = "declare it in metrics, or list it in external"
		}
		add(n, hint, "metric %s is not declared", name)
		return
	}
	if mt.Type == ir.Histogram && suffix == "" {
		add(n, fmt.Sprintf("select %s_bucket, %s_sum or %s_count", name, name, name), "histogram %s is exposed as %s_bucket, %s_sum and %s_count, not under its own name", name, name, name, name)
		return
	}
	for _, lm := range n.LabelMatchers {
		l := lm.Name
		if l == prommodel.MetricNameLabel || targetLabels[l] || (l == "le" && suffix == "_bucket") {
			continue
		}
		if !mt.HasLabel(l) {
			add(n, labelsHint(l, mt.Labels), "metric %s has no label %s", mt.Name, l)
			continue
		}
		decl := m.Label(l)
		if decl == nil || decl.Values == nil || (lm.Type != labels.MatchEqual && lm.Type != labels.MatchNotEqual) {
			continue
		}
		if !decl.HasValue(lm.Value) {
			add(n, suggestOrList(lm.Value, decl.Values), "%q is not a declared value of label %s", lm.Value, l)
		}
	}
}

// Unwrap strips parentheses (and the step-invariant wrapper the parser may
// add) from an expression, so shape checks see the operator underneath.
// The importer shares it to recognise the same shapes.
func Unwrap(e parser.Expr) parser.Expr {
	for {
		switch x := e.(type) {
		case *parser.ParenExpr:
			e = x.Expr
		case *parser.StepInvariantExpr:
			e = x.Expr
		default:
			return e
		}
	}
}

// rangeSelector returns the vector selector under a matrix argument.
func rangeSelector(e parser.Expr) *parser.VectorSelector {
	switch x := Unwrap(e).(type) {
	case *parser.MatrixSelector:
		vs, _ := x.VectorSelector.(*parser.VectorSelector)
		return vs
	case *parser.SubqueryExpr:
		vs, _ := Unwrap(x.Expr).(*parser.VectorSelector)
		return vs
	}
	return nil
}

var counterFuncs = map[string]bool{"rate": true, "irate": true, "increase": true, "resets": true}
var gaugeFuncs = map[string]bool{"delta": true, "idelta": true, "deriv": true, "predict_linear": true}

func checkCall(m *ir.Module, n *parser.Call, add func(parser.Node, string, string, ...any)) {
	name := n.Func.Name
	if counterFuncs[name] || gaugeFuncs[name] {
		for _, a := range n.Args {
			vs := rangeSelector(a)
			if vs == nil {
				continue
			}
			mt, suffix := resolve(m, selectorName(vs))
			if mt == nil {
				continue // scraped elsewhere: its type and interval are not obsc's to know
			}
			// Every function here but resets() needs two samples in its
			// range: over a range shorter than two scrape intervals it
			// mostly returns nothing.
			if ms, ok := Unwrap(a).(*parser.MatrixSelector); ok && name != "resets" && m.Scrape.Interval > 0 && ms.Range < 2*m.Scrape.Interval {
				iv := m.Scrape.Interval
				add(ms, fmt.Sprintf("use a range of at least 4 x the scrape interval: [%s]", prommodel.Duration(4*iv)),
					"%s() over [%s] needs two samples of %s, scraped every %s: a range under two intervals holds one at most evaluations, so it returns nothing there and the expression misses or flaps",
					name, prommodel.Duration(ms.Range), selectorName(vs), prommodel.Duration(iv))
			}
			isGauge := mt.Type == ir.Gauge
			if counterFuncs[name] && isGauge {
				add(n, "use deriv() or delta() for gauges", "%s() is for counters, but %s is a gauge", name, mt.Name)
			}
			if gaugeFuncs[name] && !isGauge && (mt.Type == ir.Counter || suffix != "") {
				add(n, "use rate() or increase() for counters", "%s() is for gauges, but %s is a counter", name, selectorName(vs))
			}
		}
	}
	if name == "histogram_quantile" && len(n.Args) == 2 {
		arg := Unwrap(n.Args[1])
		switch x := arg.(type) {
		case *parser.AggregateExpr:
			keepsLE := false
			for _, g := range x.Grouping {
				if g == "le" {
					keepsLE = true
				}
			}
			if x.Without {
				keepsLE = !keepsLE
			}
			if !keepsLE {
				add(n, "aggregate by le too: sum by (le, ...) (rate(..._bucket[5m]))", "histogram_quantile needs the le label, but the aggregation drops it")
			}
		case *parser.Call:
			if counterFuncs[x.Func.Name] {
				add(n, "aggregate the buckets first: histogram_quantile(q, sum by (le, ...) (rate(..._bucket[5m])))",
					"histogram_quantile over un-aggregated %s() computes one quantile per series (per pod and port), not for the service", x.Func.Name)
			}
		}
	}
}

// checkRatio catches a division whose numerator selects on a label the
// one-to-one match keeps: rate(x{status="error"}) / rate(x) pairs each
// error series only with itself and reads 1.
func checkRatio(n *parser.BinaryExpr, add func(parser.Node, string, string, ...any)) {
	if n.Op != parser.DIV {
		return
	}
	lm := vectorMatchers(n.LHS)
	if lm == nil {
		return
	}
	rname := ""
	if rm := vectorMatchers(n.RHS); rm != nil {
		rname = rm.name
	}
	if lm.name == "" || lm.name != rname {
		return
	}
	// The labels each side's series may carry, as the engine computes
	// them (resultLabels): a label one side's aggregation drops takes no
	// part in the match.
	lhs, rhs := resultLabels(n.LHS), resultLabels(n.RHS)
	for _, l := range lm.equal {
		if !lhs.may(l) || !rhs.may(l) {
			continue
		}
		if vm := n.VectorMatching; vm != nil && vm.On != containsStr(vm.MatchingLabels, l) {
			continue // on(...) without l, or ignoring(l)
		}
		add(n, fmt.Sprintf("aggregate both sides the same way, e.g. sum by (...) (rate(%s{%s=...}[5m])) / sum by (...) (rate(%s[5m])) without %s", lm.name, l, lm.name, l),
			"the ratio divides each %s series by itself (both sides keep label %s), so it always reads 1", lm.name, l)
		return
	}
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

type selInfo struct {
	name  string
	equal []string // labels the selector matches with =
}

// vectorMatchers finds the single selector under rate()/sum(...) chains.
func vectorMatchers(e parser.Expr) *selInfo {
	var vs *parser.VectorSelector
	count := 0
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		if v, ok := node.(*parser.VectorSelector); ok {
			vs = v
			count++
		}
		return nil
	})
	if count != 1 {
		return nil
	}
	info := &selInfo{name: selectorName(vs)}
	for _, lm := range vs.LabelMatchers {
		if lm.Name != prommodel.MetricNameLabel && (lm.Type == labels.MatchEqual || lm.Type == labels.MatchRegexp) {
			info.equal = append(info.equal, lm.Name)
		}
	}
	return info
}

// externals is the set of metric names from `external:`.
func (b *builder) externals() map[string]bool {
	out := make(map[string]bool, len(b.m.External))
	for _, e := range b.m.External {
		out[e] = true
	}
	return out
}

// template checks that an alert label or annotation parses as a
// Prometheus template, as Prometheus will when it loads the rule.
func (b *builder) template(path []any, text string) {
	if err := b.templateErr(text); err != nil {
		b.errorf(b.at(path...), "templates use Go text/template syntax, e.g. {{ $labels.component }}", "invalid template: %v", err)
	}
}

// templateErr is parseTemplate's error for text (nil for text without
// an action), from the builder's cache when it has one.
func (b *builder) templateErr(text string) error {
	if !strings.Contains(text, "{{") {
		return nil
	}
	err, ok := b.templates[text]
	if !ok {
		err = parseTemplate(text)
		if b.templates != nil {
			b.templates[text] = err
		}
	}
	return err
}

// templateDefs are the variables Prometheus defines before an alert
// template (rules/alerting.go), so that the template may use them.
const templateDefs = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

// parseTemplate parses text as Prometheus parses an alert template. Its
// error is Prometheus' message without the template's name. Prometheus
// builds its function map for every template, which makes this cost more
// than the rest of a module's checks; alerts repeat their templates, so
// builder.template caches the result.
func parseTemplate(text string) error {
	data := struct {
		Labels         map[string]string
		ExternalLabels map[string]string
		ExternalURL    string
		Value          float64
	}{}
	t := template.NewTemplateExpander(context.Background(), templateDefs+text, "__obsc", data, prommodel.Time(0), nil, nil, nil)
	err := t.ParseTest()
	if err == nil {
		return nil
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, "__obsc:"); i >= 0 {
		msg = msg[i+len("__obsc:"):]
	}
	return errors.New(strings.TrimSpace(msg))
}

// parseNonNegDuration parses a Prometheus duration that may be zero.
func parseNonNegDuration(s string) (time.Duration, error) {
	d, err := prommodel.ParseDuration(s)
	return time.Duration(d), err
}

// windowRE matches the window placeholder of a raw SLI query, with the
// spacing Go templates allow ({{ .window }}).
var windowRE = regexp.MustCompile(`\{\{-?\s*\.window\s*-?\}\}`)

// rawSentinel stands in for the window while a raw SLI query is parsed,
// checked and re-printed: a duration no one writes, which the printer
// writes back as rawSentinelText.
const rawSentinel = 1234567891 * time.Millisecond

var rawSentinelText = prommodel.Duration(rawSentinel).String()

// substitute replaces the spans locs of text by what with gives for
// each, and returns the result with a map from its offsets back to
// text's, so that an error found in the result points at what the user
// wrote.
func substitute(text string, locs [][]int, with func(string) string) (string, func(int) int) {
	var sb strings.Builder
	type shift struct{ at, delta int }
	var shifts []shift
	last := 0
	for _, l := range locs {
		sb.WriteString(text[last:l[0]])
		w := with(text[l[0]:l[1]])
		shifts = append(shifts, shift{at: sb.Len() + len(w), delta: (l[1] - l[0]) - len(w)})
		sb.WriteString(w)
		last = l[1]
	}
	sb.WriteString(text[last:])
	return sb.String(), func(off int) int {
		d := 0
		for _, s := range shifts {
			if off >= s.at {
				d += s.delta
			}
		}
		return off + d
	}
}

// grafanaSentinels stand in for Grafana's range variables while a panel
// query is parsed, checked and re-printed: durations no one writes, each
// written back as its variable (Grafana picks the range; obsc's checks
// take it as long enough).
var grafanaSentinels = map[string]time.Duration{
	"__rate_interval": 1234567892 * time.Millisecond,
	"__interval":      1234567893 * time.Millisecond,
	"__range":         1234567894 * time.Millisecond,
}

// rawQuery checks one query of a raw SLI: it must contain the window
// placeholder and nothing else of Go's template language, and with the
// window substituted it must parse as PromQL returning an instant vector
// and pass the same catalog checks as an alert's expr. It returns the
// query confined to the module and re-printed, with ir.WindowPlaceholder
// where the range goes, and its parsed expression (nil when it has an
// error).
func (b *builder) rawQuery(tmpl string, path ...any) (string, parser.Expr) {
	// The position is looked up only for an error.
	pos := func() ir.Pos { return b.at(path...) }
	if strings.TrimSpace(tmpl) == "" {
		b.errorf(pos(), "", "query must not be empty")
		return "", nil
	}
	locs := windowRE.FindAllStringIndex(tmpl, -1)
	if len(locs) == 0 {
		b.errorf(pos(), `write the range as [{{.window}}], e.g. sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))`,
			"query has no {{.window}} placeholder, so every SLI window would read the same range")
		return "", nil
	}
	text, orig := substitute(tmpl, locs, func(string) string { return rawSentinelText })
	if i := strings.Index(text, "{{"); i >= 0 {
		b.errorf(exprPos(pos(), tmpl, orig(i)), "the only template a raw query may use is {{.window}}", "query uses a template other than {{.window}}")
		return "", nil
	}
	e := b.parseUser(tmpl, text, orig, pos)
	if e == nil {
		return "", nil
	}
	if e.Type() != parser.ValueTypeVector {
		b.errorf(pos(), "an SLI query must return an instant vector, e.g. sum(rate(...[{{.window}}]))", "query returns a %s", e.Type())
		return "", nil
	}
	b.checkConfine(e, tmpl, orig, pos)
	return strings.ReplaceAll(e.String(), rawSentinelText, ir.WindowPlaceholder), e
}
