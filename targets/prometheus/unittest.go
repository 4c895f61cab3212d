package prometheus

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql"
	promparser "github.com/prometheus/prometheus/promql/parser"
	promtemplate "github.com/prometheus/prometheus/template"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/targets"
)

// This file writes rules_test.yaml, promtool unit tests that prove each
// generated alert means what the spec says: it fires on data that breaks the
// rule, with the exact labels and annotations, and stays quiet just under the
// threshold, on healthy traffic and without traffic.
//
// Synthetic data is chosen so that every rate is an exact integer per second
// (counter increments per minute are multiples of 60 and windows are whole
// minutes), which makes the alert $value predictable to the last bit and the
// expected annotations exact, even when they print {{ $value }}.
//
// promtool 2.42 compares sample values exactly, so recording rules that hold
// computed ratios are checked with `abs(x - want) < bool tolerance`.

// testFile is the promtool test file format.
type testFile struct {
	RuleFiles          []string    `json:"rule_files"`
	EvaluationInterval string      `json:"evaluation_interval"`
	Tests              []testGroup `json:"tests"`
}

type testGroup struct {
	Name            string        `json:"name"`
	Interval        string        `json:"interval"`
	InputSeries     []inputSeries `json:"input_series"`
	AlertRuleTests  []alertTest   `json:"alert_rule_test,omitempty"`
	PromQLExprTests []exprTest    `json:"promql_expr_test,omitempty"`
}

type inputSeries struct {
	Series string `json:"series"`
	Values string `json:"values"`
}

type alertTest struct {
	EvalTime  string     `json:"eval_time"`
	Alertname string     `json:"alertname"`
	ExpAlerts []expAlert `json:"exp_alerts"`

	at time.Duration
}

type expAlert struct {
	ExpLabels      map[string]string `json:"exp_labels"`
	ExpAnnotations map[string]string `json:"exp_annotations,omitempty"`
}

type exprTest struct {
	Expr       string      `json:"expr"`
	EvalTime   string      `json:"eval_time"`
	ExpSamples []expSample `json:"exp_samples"`

	at time.Duration
}

type expSample struct {
	Labels string  `json:"labels"`
	Value  float64 `json:"value"`
}

// testInterval is both the series interval and the evaluation interval.
const testInterval = time.Minute

// testIntervalText is testInterval as the test file writes it.
var testIntervalText = ir.FormatDuration(testInterval)

// ceilStep is d rounded up to a whole evaluation interval.
func ceilStep(d time.Duration) time.Duration {
	return (d + testInterval - 1) / testInterval * testInterval
}

// Synthetic traffic per replica and minute. Multiples of 60 keep every
// per-second rate an integer.
const (
	thresholdPerPod = 300000 // events per minute: 5000/s, error ratio resolution 1/5000
	quantilePerPod  = 6000   // observations per minute: 100/s
	sloPerPod       = 600000 // events per minute: SLO ratio resolution 1/600000
	replicas        = 2      // every scenario spreads traffic over two replicas
)

type testGen struct {
	*derived
	p       promparser.Parser
	err     error                // the first internal error of a check under targets.SelfCheck
	samples map[sampleKey]string // sampleLabels'
}

func newTestGen(d *derived, p promparser.Parser) *testGen {
	return &testGen{derived: d, p: p, samples: map[sampleKey]string{}}
}

// file builds the test file: threshold alerts first, then SLOs, each in IR
// order.
func (g *testGen) file() (*testFile, error) {
	f := &testFile{
		RuleFiles:          []string{RulesFile},
		EvaluationInterval: testIntervalText,
		Tests:              []testGroup{},
	}
	for _, a := range g.m.Alerts {
		var (
			tgs []testGroup
			err error
		)
		switch a.Kind {
		case ir.AlertErrorRatio:
			tgs, err = g.errorRatioTests(a)
		case ir.AlertQuantile:
			tgs, err = g.quantileTests(a)
		case ir.AlertExpr:
			tgs, err = g.exprTests(a)
		default:
			err = fmt.Errorf("internal error: alert %s has unknown kind %q", a.Name, a.Kind)
		}
		if err != nil {
			return nil, err
		}
		f.Tests = append(f.Tests, tgs...)
	}
	var slo mergedSLOTests
	for _, s := range g.m.SLOs {
		tgs, err := g.sloTests(s)
		if err != nil {
			return nil, err
		}
		for _, tg := range tgs {
			slo.add(s.Name, tg)
		}
	}
	f.Tests = append(f.Tests, slo.groups...)
	for i := range f.Tests {
		sortTests(&f.Tests[i])
		for _, et := range f.Tests[i].PromQLExprTests {
			if !targets.SelfCheck {
				break
			}
			if _, err := g.p.ParseExpr(et.Expr); err != nil {
				return nil, fmt.Errorf("internal error: module %s: generated test expression does not parse: %w\n%s", g.m.Name, err, et.Expr)
			}
		}
	}
	if g.err != nil {
		return nil, g.err
	}
	return f, nil
}

// mergedSLOTests are the SLOs' test groups, those of different SLOs that
// play the same scenario on the same timeline run as one group when
// their series and alert names are apart: promtool evaluates every rule
// at every step of every group, and an SLO scenario runs hours (a
// module's three SLOs took promtool 8 of its 10 s, one group each).
// The SLOs' rules and alerts select their own series by the slo label,
// so the scenarios do not meet.
type mergedSLOTests struct {
	groups []testGroup
	keys   []string          // per group: the scenario and its last evaluation
	series []map[string]bool // per group: its input series
	alerts []map[string]bool // per group: the alert names it tests
}

func (mt *mergedSLOTests) add(slo string, tg testGroup) {
	scenario := strings.TrimPrefix(tg.Name, "SLO "+slo+": ")
	var last time.Duration
	alerts := map[string]bool{}
	for _, at := range tg.AlertRuleTests {
		last = max(last, at.at)
		alerts[at.Alertname] = true
	}
	for _, et := range tg.PromQLExprTests {
		last = max(last, et.at)
	}
	key := fmt.Sprintf("%s %s %s", tg.Interval, last, scenario)
	series := make(map[string]bool, len(tg.InputSeries))
	for _, in := range tg.InputSeries {
		series[in.Series] = true
	}
	for i, k := range mt.keys {
		if k != key || overlaps(mt.series[i], series) || overlaps(mt.alerts[i], alerts) {
			continue
		}
		m := &mt.groups[i]
		m.Name = strings.Replace(m.Name, ": "+scenario, ", "+slo+": "+scenario, 1)
		m.InputSeries = append(m.InputSeries, tg.InputSeries...)
		m.AlertRuleTests = append(m.AlertRuleTests, tg.AlertRuleTests...)
		m.PromQLExprTests = append(m.PromQLExprTests, tg.PromQLExprTests...)
		maps.Copy(mt.series[i], series)
		maps.Copy(mt.alerts[i], alerts)
		return
	}
	mt.groups = append(mt.groups, tg)
	mt.keys = append(mt.keys, key)
	mt.series = append(mt.series, series)
	mt.alerts = append(mt.alerts, alerts)
}

// overlaps reports whether a and b share a key.
func overlaps(a, b map[string]bool) bool {
	for k := range b {
		if a[k] {
			return true
		}
	}
	return false
}

// sortTests keeps both lists in eval_time order: promtool 2.42 evaluates the
// rules forward in time and misreports entries that go back.
func sortTests(tg *testGroup) {
	slices.SortStableFunc(tg.AlertRuleTests, func(a, b alertTest) int { return cmp.Compare(a.at, b.at) })
	slices.SortStableFunc(tg.PromQLExprTests, func(a, b exprTest) int { return cmp.Compare(a.at, b.at) })
}

func (d *derived) newAlertTest(at time.Duration, name string, exp []expAlert) alertTest {
	if exp == nil {
		exp = []expAlert{}
	}
	return alertTest{EvalTime: d.duration(at), Alertname: name, ExpAlerts: exp, at: at}
}

func (d *derived) newExprTest(at time.Duration, expr string, exp []expSample) exprTest {
	if exp == nil {
		exp = []expSample{}
	}
	return exprTest{Expr: expr, EvalTime: d.duration(at), ExpSamples: exp, at: at}
}

// ---- synthetic series ----

// phase is a stretch of a counter growing by inc per minute.
type phase struct {
	minutes int
	inc     int64
}

// counterValues renders phases in promtool's expanding notation, starting
// at 0: "0+5x10 55+7x4" is 0, 5, ..., 50, then 55, 62, ..., 76.
func counterValues(phases []phase) string {
	b := make([]byte, 0, 64) // on the stack, unless the values are longer
	cur := int64(0)
	for _, p := range phases {
		if p.minutes <= 0 {
			continue
		}
		start, steps := cur, p.minutes // the first phase starts at 0, the others one step in
		if len(b) > 0 {
			b = append(b, ' ')
			start, steps = cur+p.inc, p.minutes-1
		}
		b = strconv.AppendInt(b, start, 10)
		b = append(b, '+')
		b = strconv.AppendInt(b, p.inc, 10)
		b = append(b, 'x')
		b = strconv.AppendInt(b, int64(steps), 10)
		cur += p.inc * int64(p.minutes)
	}
	if len(b) == 0 {
		return "0"
	}
	return string(b)
}

func constant(minutes int, inc int64) []phase { return []phase{{minutes: minutes, inc: inc}} }

// seriesText renders metric{labels} with sorted label names.
func seriesText(metric string, labels map[string]string) string {
	var names [16]string // on the stack for the usual few labels
	keys := names[:0]
	for k := range labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var buf [256]byte // likewise
	b := append(buf[:0], metric...)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, k...)
		b = append(b, '=')
		b = appendQuote(b, labels[k])
	}
	return string(append(b, '}'))
}

// appendQuote appends s as strconv.AppendQuote does, which writes
// printable ASCII as it is, but for " and \.
func appendQuote(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// replicaLabel names the replica of a synthetic series, as the scrape's
// target labels would; the rules must sum it away.
func (g *testGen) replicaLabel(metric string) string {
	if md := g.m.Metric(metric); md != nil && md.HasLabel("instance") {
		return "obsc_replica"
	}
	return "instance"
}

// seriesLabels returns the labels of a synthetic series of metric: the module
// label, a replica, the fixed labels, and the first declared value of every
// other label of the metric. With the standard set's declared (component,
// port) pairs, port follows component.
func (g *testGen) seriesLabels(metric string, fixed map[string]string, replica int) map[string]string {
	l := map[string]string{
		ir.LabelModule:         g.m.Name,
		g.replicaLabel(metric): g.m.Name + "-" + strconv.Itoa(replica),
	}
	md := g.m.Metric(metric)
	if md != nil {
		for _, n := range md.Labels {
			l[n] = g.value(n, 0)
		}
	}
	for k, v := range fixed {
		l[k] = v
	}
	if _, ok := fixed["port"]; !ok && md != nil && md.Pairs && md.HasLabel("port") && g.m.Standard != nil {
		for _, c := range g.m.Standard.Components {
			if c.Name == l["component"] && len(c.Ports) > 0 {
				l["port"] = c.Ports[0]
			}
		}
	}
	return l
}

// value is the i-th declared value of a label, or a made-up one when the
// label is only bounded.
func (g *testGen) value(label string, i int) string {
	if l := g.m.Label(label); l != nil && i < len(l.Values) {
		return l.Values[i]
	}
	if label == "component" && g.m.Standard != nil && i < len(g.m.Standard.Components) {
		return g.m.Standard.Components[i].Name
	}
	return fmt.Sprintf("%s_%d", label, i+1)
}

// goodValue is a value of a matcher's label that the matcher does not select.
func (g *testGen) goodValue(mt ir.Matcher) string {
	bad := map[string]bool{}
	for _, v := range mt.Values {
		bad[v] = true
	}
	if l := g.m.Label(mt.Label); l != nil {
		for _, v := range l.Values {
			if !bad[v] {
				return v
			}
		}
	}
	for i := 0; ; i++ {
		v := fmt.Sprintf("obsc_ok_%d", i)
		if !bad[v] {
			return v
		}
	}
}

// errorLabels returns the labels that make a series bad (every matcher's
// first value) or good (the first matcher's label set to a value it does not
// select).
func (g *testGen) errorLabels(errs []ir.Matcher, bad bool) map[string]string {
	l := map[string]string{}
	for i, mt := range errs {
		switch {
		case bad || i > 0:
			l[mt.Label] = mt.Values[0]
		default:
			l[mt.Label] = g.goodValue(mt)
		}
	}
	return l
}

// byLabels are the aggregation labels of group i: the first label takes its
// i-th value, so groups differ in it.
func (g *testGen) byLabels(by []string, i int) map[string]string {
	l := map[string]string{}
	for j, b := range by {
		v := 0
		if j == 0 {
			v = i
		}
		l[b] = g.value(b, v)
	}
	return l
}

// ---- expected alerts ----

// expected is an alert as promtool will see it: labels and annotations
// expanded with the expression's output labels and value, as the rule
// manager does. ok is false when a template cannot be predicted (it runs a
// query, or fails at run time).
func (g *testGen) expected(name string, outLabels, ruleLabels, annotations map[string]string, value float64, at time.Duration) (expAlert, bool) {
	exp := expAlert{ExpLabels: make(map[string]string, len(outLabels)+len(ruleLabels))}
	for k, v := range outLabels {
		if k != prommodel.MetricNameLabel {
			exp.ExpLabels[k] = v
		}
	}
	for k, text := range ruleLabels {
		v, ok := g.expand(name, text, outLabels, value, at)
		if !ok {
			return exp, false
		}
		exp.ExpLabels[k] = v
	}
	if len(annotations) > 0 {
		exp.ExpAnnotations = make(map[string]string, len(annotations))
	}
	for k, text := range annotations {
		v, ok := g.expand(name, text, outLabels, value, at)
		if !ok {
			return exp, false
		}
		exp.ExpAnnotations[k] = v
	}
	return exp, true
}

// templateDefs are the variables Prometheus defines for alert templates.
const templateDefs = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

// expand expands an alert template as Prometheus does. Most templates only
// print labels and the value, which expandSimple expands; the others go
// through Prometheus' own expander, which costs much more (it builds its
// function map and parses the template every time). Under
// targets.SelfCheck expandSimple's result must be the expander's.
func (g *testGen) expand(name, text string, labels map[string]string, value float64, at time.Duration) (string, bool) {
	if !strings.Contains(text, "{{") {
		return text, true
	}
	if strings.Contains(text, "query") {
		return "", false
	}
	out, ok := expandSimple(text, labels, value)
	if !ok {
		return expandTemplate(name, text, labels, value, at)
	}
	if targets.SelfCheck && g.err == nil {
		if want, ok := expandTemplate(name, text, labels, value, at); !ok || want != out {
			g.err = fmt.Errorf("internal error: module %s: alert %s: template %q expanded as %q, not as Prometheus expands it (%q, %v)", g.m.Name, name, text, out, want, ok)
		}
	}
	return out, true
}

// expandTemplate runs an alert template through Prometheus' own expander.
func expandTemplate(name, text string, labels map[string]string, value float64, at time.Duration) (string, bool) {
	noQuery := func(context.Context, string, time.Time) (promql.Vector, error) {
		return nil, fmt.Errorf("queries are not predictable")
	}
	data := promtemplate.AlertTemplateData(labels, map[string]string{}, "", promql.Sample{F: value})
	tmpl := promtemplate.NewTemplateExpander(context.Background(), templateDefs+text, "__alert_"+name, data,
		prommodel.Time(at.Milliseconds()), noQuery, &url.URL{}, nil)
	out, err := tmpl.Expand()
	if err != nil {
		return "", false
	}
	return out, true
}

// expandSimple expands a template whose every action prints a label,
// {{ $labels.<name> }}, or the value, {{ $value }}, spaces inside the
// braces allowed, as text/template runs it with Prometheus' data and
// options: a label the alert lacks prints nothing (missingkey=zero), the
// value prints as fmt prints a float64. ok is false for any other
// template, a "{{" that opens no such action included.
func expandSimple(text string, labels map[string]string, value float64) (string, bool) {
	b := make([]byte, 0, len(text)+32)
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			return string(append(b, text...)), true
		}
		b = append(b, text[:i]...)
		action, rest, ok := strings.Cut(text[i+2:], "}}")
		if !ok {
			return "", false
		}
		action = strings.Trim(action, " ")
		if action == "$value" {
			b = fmt.Append(b, value)
		} else if label, ok := strings.CutPrefix(action, "$labels."); ok && isFieldName(label) {
			b = append(b, labels[label]...)
		} else {
			return "", false
		}
		text = rest
	}
}

// isFieldName reports whether s is an ASCII identifier, which
// text/template reads as the name of a field or map key.
func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '_' && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z') && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// ---- threshold alerts ----

// thresholdTimes are the evaluation times of a threshold alert test: the
// expression first holds at 1m (rate needs two samples), so the alert fires
// at 1m + for; fireAt leaves a full rate window and a margin after that.
func (g *testGen) thresholdTimes(a *ir.Alert) (pendingAt, fireAt time.Duration) {
	fireAt = g.m.RateWindow + a.For + 2*time.Minute
	if a.For >= 2*time.Minute {
		pendingAt = a.For // pending for for-1m: not firing yet
	}
	return pendingAt, fireAt
}

// errorRatioTests: per group (the first by label takes two values), each of
// two replicas sends good and bad series. The alert must fire for the group
// above the threshold only, and stay quiet just under it, on healthy traffic
// and without traffic (0/0 is NaN, which never compares true).
func (g *testGen) errorRatioTests(a *ir.Alert) ([]testGroup, error) {
	if len(a.Errors) == 0 {
		return nil, fmt.Errorf("internal error: errorRatio alert %s has no error matchers", a.Name)
	}
	pendingAt, fireAt := g.thresholdTimes(a)
	minutes := int(fireAt / testInterval)
	const perSec = thresholdPerPod / 60

	// Bad events per replica and second.
	under := int64(math.Ceil(a.Above*perSec)) - 1 // ratio (under/perSec) < above
	fire := int64(math.Min(perSec, math.Ceil(2*a.Above*perSec)))
	canFire := a.Above < 1 && fire > 0 && float64(fire)/perSec > a.Above

	groups := 1
	if len(a.By) > 0 {
		groups = 2
	}
	// Every scenario has the same series, a good and a bad one per group
	// and replica, with other values: their text is rendered once.
	var all []ratioSeries
	for gi := 0; gi < groups; gi++ {
		by := g.byLabels(a.By, gi)
		for r := 0; r < replicas; r++ {
			for _, isBad := range []bool{false, true} {
				l := g.seriesLabels(a.Metric, ir.MergeLabels(by, g.errorLabels(a.Errors, isBad)), r)
				all = append(all, ratioSeries{text: seriesText(a.Metric, l), group: gi, bad: isBad})
			}
		}
	}
	input := func(bad []int64, total int64) []inputSeries {
		out := make([]inputSeries, len(all))
		for i, s := range all {
			out[i] = inputSeries{Series: s.text, Values: counterValues(constant(minutes, s.inc(bad, total)))}
		}
		return out
	}
	uniform := func(v int64) []int64 {
		out := make([]int64, groups)
		for i := range out {
			out[i] = v
		}
		return out
	}
	quiet := func(name string, bad []int64, total int64) testGroup {
		return testGroup{
			Name: a.Name + ": " + name, Interval: testIntervalText,
			InputSeries:    input(bad, total),
			AlertRuleTests: []alertTest{g.newAlertTest(fireAt, a.Name, nil)},
		}
	}

	var out []testGroup
	if canFire {
		bad := uniform(0)
		bad[0] = fire
		if groups > 1 && under > 0 {
			bad[1] = under
		}
		value := float64(replicas*fire) / float64(replicas*perSec)
		exp, ok := g.expected(a.Name, g.byLabels(a.By, 0), alertLabels(g.m, a), alertAnnotations(g.m, a), value, fireAt)
		if ok {
			tg := testGroup{
				Name: a.Name + ": " + g.fireName(a), Interval: testIntervalText,
				InputSeries:    input(bad, perSec),
				AlertRuleTests: []alertTest{g.newAlertTest(fireAt, a.Name, []expAlert{exp})},
			}
			if pendingAt > 0 {
				tg.AlertRuleTests = append(tg.AlertRuleTests, g.newAlertTest(pendingAt, a.Name, nil))
			}
			out = append(out, tg)
			if keep, ok := g.errorRatioKeepFiring(a, tg, bad, perSec, fireAt, all); ok {
				out = append(out, keep)
			}
		}
	}
	if under > 0 {
		out = append(out, quiet("quiet just under the threshold", uniform(under), perSec))
	}
	out = append(out, quiet("quiet on healthy traffic", uniform(0), perSec))
	out = append(out, quiet("quiet without traffic", uniform(0), 0))
	return out, nil
}

// ratioSeries is a series of an errorRatio alert's tests: the good or
// the bad one of a group and replica.
type ratioSeries struct {
	text  string
	group int
	bad   bool
}

// inc is what s grows by a minute when each replica of group g sends
// total events a second, bad[g] of them bad.
func (s ratioSeries) inc(bad []int64, total int64) int64 {
	if s.bad {
		return bad[s.group] * 60
	}
	return (total - bad[s.group]) * 60
}

// errorRatioKeepFiring proves an errorRatio alert's keep_firing_for: on
// the fire test's data (fired, bad events per group) until fireAt, then
// with the firing group's errors gone, the alert keeps firing a minute
// short of keep_firing_for after its ratio falls to the threshold, and is
// resolved once it has passed. When the ratio falls below it is the
// window's arithmetic, as promtool's Prometheus 2 computes rate (the
// samples of [t-w, t]: sloHistory).
func (g *testGen) errorRatioKeepFiring(a *ir.Alert, fired testGroup, bad []int64, perSec int64, fireAt time.Duration, all []ratioSeries) (testGroup, bool) {
	w := g.m.RateWindow
	h := sloHistory{{minutes: int(fireAt / testInterval), total: perSec, bad: bad[0]}, {minutes: int(w / testInterval), total: perSec}}
	end, ok := g.keepFiringEnd(a, fireAt, func(t time.Duration) (float64, bool) { return h.ratio(t, w) })
	if !ok {
		return testGroup{}, false
	}
	stopped := slices.Clone(bad)
	stopped[0] = 0
	after := int((end - fireAt) / testInterval)
	in := make([]inputSeries, len(all))
	for i, s := range all {
		in[i] = inputSeries{Series: s.text, Values: counterValues([]phase{{minutes: int(fireAt / testInterval), inc: s.inc(bad, perSec)}, {minutes: after, inc: s.inc(stopped, perSec)}})}
	}
	return g.keepFiringGroup(a, fmt.Sprintf("after its ratio falls under %s (errors stop at %s)", num(a.Above), g.duration(fireAt)),
		in, fired.AlertRuleTests[0].ExpAlerts, end), true
}

// keepFiringEnd is when a threshold alert (value above a.Above) that
// fires at fireAt, its data then changing so that its value falls, is
// resolved: keep_firing_for after the first step its value is under
// the threshold, value saying what it is at t as promtool computes it.
// false without keep_firing_for, when no step within a rate window after
// fireAt is under, a step lands
// within 2% of the threshold, or a template prints $value, which is the
// value of the last step the alert held.
func (g *testGen) keepFiringEnd(a *ir.Alert, fireAt time.Duration, value func(t time.Duration) (float64, bool)) (time.Duration, bool) {
	if a.KeepFiringFor <= 0 || printsValue(alertLabels(g.m, a), alertAnnotations(g.m, a)) {
		return 0, false
	}
	for t := fireAt; t <= fireAt+g.m.RateWindow; t += testInterval {
		v, ok := value(t)
		switch {
		case !ok || math.Abs(v-a.Above) <= 0.02*math.Abs(a.Above):
			return 0, false
		case v < a.Above:
			return t + ceilStep(a.KeepFiringFor), true
		}
	}
	return 0, false
}

// keepFiringGroup is the keep-firing test of alert a on the data in, its
// condition having stopped holding keep_firing_for before end: firing a
// minute before end with exps, as it fired, and resolved at end.
func (g *testGen) keepFiringGroup(a *ir.Alert, how string, in []inputSeries, exps []expAlert, end time.Duration) testGroup {
	return testGroup{
		Name:        fmt.Sprintf("%s: keeps firing for %s %s", a.Name, g.duration(a.KeepFiringFor), how),
		Interval:    testIntervalText,
		InputSeries: in,
		AlertRuleTests: []alertTest{
			g.newAlertTest(end-testInterval, a.Name, exps),
			g.newAlertTest(end, a.Name, nil),
		},
	}
}

// bucketQuantile is histogram_quantile (Prometheus 2.42, classic buckets)
// when every observation falls into bucket j (j == len(bounds): +Inf) and
// there are total observations per second.
func bucketQuantile(q float64, bounds []float64, j int, total float64) float64 {
	cum := make([]float64, len(bounds)+1)
	for i := j; i < len(cum); i++ {
		cum[i] = total
	}
	return histogramQuantile(q, bounds, cum)
}

// histogramQuantile is histogram_quantile (Prometheus 2.42, classic
// buckets) of the cumulative counts cum, one per bound and the last for
// +Inf: the rank's bucket, interpolated linearly within it.
func histogramQuantile(q float64, bounds, cum []float64) float64 {
	n := len(cum)
	rank := q * cum[n-1]
	b := sort.Search(n-1, func(i int) bool { return cum[i] >= rank })
	if b == n-1 {
		return bounds[n-2]
	}
	if b == 0 && bounds[0] <= 0 {
		return bounds[0]
	}
	start, count := 0.0, cum[b]
	if b > 0 {
		start, count, rank = bounds[b-1], cum[b]-cum[b-1], rank-cum[b-1]
	}
	return start + (bounds[b]-start)*(rank/count)
}

// quantileTests: every observation of a group falls into one bucket. The
// alert fires for the group whose quantile lands just above the threshold,
// stays quiet in the bucket just under it and without traffic.
func (g *testGen) quantileTests(a *ir.Alert) ([]testGroup, error) {
	md := g.m.Metric(a.Metric)
	pendingAt, fireAt := g.thresholdTimes(a)
	minutes := int(fireAt / testInterval)
	noData := testGroup{
		Name: a.Name + ": quiet without traffic", Interval: testIntervalText,
		InputSeries:    []inputSeries{},
		AlertRuleTests: []alertTest{g.newAlertTest(fireAt, a.Name, nil)},
	}
	if md == nil || len(md.Buckets) == 0 {
		return []testGroup{noData}, nil
	}
	bounds := md.Buckets
	total := float64(replicas * quantilePerPod / 60)
	fireJ, underJ := -1, -1
	for j := 0; j <= len(bounds); j++ {
		v := bucketQuantile(a.Q, bounds, j, total)
		if v > a.Above && fireJ < 0 {
			fireJ = j
		}
		if v <= a.Above {
			underJ = j
		}
	}

	groups := 1
	if len(a.By) > 0 {
		groups = 2
	}
	// Every scenario has the same series, a bucket series per group, replica
	// and bound, with other values: their text is rendered once.
	// The series of a group and replica differ in le alone, which
	// seriesLabels would set last, as it sets every fixed label.
	all := make([]bucketSeries, 0, groups*replicas*(len(bounds)+1))
	les := make([]string, len(bounds)+1)
	for i := range les {
		les[i] = "+Inf"
		if i < len(bounds) {
			les[i] = ir.FormatFloat(bounds[i])
		}
	}
	bucketMetric := a.Metric + "_bucket"
	for gi := 0; gi < groups; gi++ {
		by := g.byLabels(a.By, gi)
		for r := 0; r < replicas; r++ {
			l := g.seriesLabels(a.Metric, ir.MergeLabels(by, map[string]string{"le": les[0]}), r)
			for i, le := range les {
				l["le"] = le
				all = append(all, bucketSeries{text: seriesText(bucketMetric, l), group: gi, bucket: i})
			}
		}
	}
	// bucket[gi] is the bucket group gi's observations fall into; -1: no traffic.
	input := func(bucket []int) []inputSeries {
		var out []inputSeries
		for _, s := range all {
			if bucket[s.group] < 0 {
				continue
			}
			out = append(out, inputSeries{Series: s.text, Values: counterValues(constant(minutes, s.inc(bucket)))})
		}
		return out
	}

	var out []testGroup
	if fireJ >= 0 {
		bucket := []int{fireJ, underJ}[:groups]
		value := bucketQuantile(a.Q, bounds, fireJ, total)
		exp, ok := g.expected(a.Name, g.byLabels(a.By, 0), alertLabels(g.m, a), alertAnnotations(g.m, a), value, fireAt)
		if ok {
			tg := testGroup{
				Name: a.Name + ": " + g.fireName(a), Interval: testIntervalText,
				InputSeries:    input(bucket),
				AlertRuleTests: []alertTest{g.newAlertTest(fireAt, a.Name, []expAlert{exp})},
			}
			if pendingAt > 0 {
				tg.AlertRuleTests = append(tg.AlertRuleTests, g.newAlertTest(pendingAt, a.Name, nil))
			}
			out = append(out, tg)
			if keep, ok := g.quantileKeepFiring(a, tg, bounds, bucket, minutes, fireAt, all); ok {
				out = append(out, keep)
			}
		}
	}
	if underJ >= 0 {
		bucket := []int{underJ, underJ}[:groups]
		out = append(out, testGroup{
			Name: a.Name + ": quiet just under the threshold", Interval: testIntervalText,
			InputSeries:    input(bucket),
			AlertRuleTests: []alertTest{g.newAlertTest(fireAt, a.Name, nil)},
		})
	}
	out = append(out, noData)
	return out, nil
}

// bucketSeries is a series of a quantile alert's tests: a bucket of a
// group and replica.
type bucketSeries struct {
	text          string
	group, bucket int // bucket: the index of its bound, len(bounds) for +Inf
}

// inc is what s grows by a minute when group g's observations fall into
// bucket[g] (-1: none).
func (s bucketSeries) inc(bucket []int) int64 {
	if b := bucket[s.group]; b >= 0 && s.bucket >= b {
		return quantilePerPod
	}
	return 0
}

// quantileKeepFiring proves a quantile alert's keep_firing_for as
// errorRatioKeepFiring does an errorRatio alert's: on the fire test's
// data (fired, the bucket of each group) until fireAt, then with the
// firing group's observations in the lowest bucket, whose quantile is
// the farthest under the threshold, its quantile falling as the rate
// window slides past them.
func (g *testGen) quantileKeepFiring(a *ir.Alert, fired testGroup, bounds []float64, bucket []int, minutes int, fireAt time.Duration, all []bucketSeries) (testGroup, bool) {
	moved := slices.Clone(bucket)
	moved[0] = 0
	w := g.m.RateWindow
	end, ok := g.keepFiringEnd(a, fireAt, func(t time.Duration) (float64, bool) {
		late := min(max(t-fireAt, 0), w) // of the window, after the move
		cum := make([]float64, len(bounds)+1)
		for i := range cum {
			if i >= bucket[0] {
				cum[i] += float64(w - late)
			}
			if i >= moved[0] {
				cum[i] += float64(late)
			}
		}
		return histogramQuantile(a.Q, bounds, cum), true
	})
	if !ok {
		return testGroup{}, false
	}
	after := int((end - fireAt) / testInterval)
	var in []inputSeries
	for _, s := range all {
		if bucket[s.group] < 0 {
			continue
		}
		in = append(in, inputSeries{Series: s.text, Values: counterValues([]phase{{minutes: minutes, inc: s.inc(bucket)}, {minutes: after, inc: s.inc(moved)}})})
	}
	return g.keepFiringGroup(a, fmt.Sprintf("after its observations move to the lowest bucket (at %s)", g.duration(fireAt)),
		in, fired.AlertRuleTests[0].ExpAlerts, end), true
}

// needsData reports whether e's result is empty when no series exist,
// so that "quiet without data" holds for the alert whatever its
// threshold: false for what makes samples from nothing (absent(),
// vector(), time(), a number, or anything joined to one by or), and for
// what obsc does not model.
func needsData(e promparser.Expr) bool {
	switch x := e.(type) {
	case *promparser.ParenExpr:
		return needsData(x.Expr)
	case *promparser.StepInvariantExpr:
		return needsData(x.Expr)
	case *promparser.UnaryExpr:
		return needsData(x.Expr)
	case *promparser.SubqueryExpr:
		return needsData(x.Expr)
	case *promparser.VectorSelector, *promparser.MatrixSelector:
		return true
	case *promparser.AggregateExpr:
		return needsData(x.Expr)
	case *promparser.Call:
		switch x.Func.Name {
		case "absent", "absent_over_time", "vector", "scalar":
			return false // samples, or a scalar, from nothing
		}
		for _, a := range x.Args {
			if t := a.Type(); t == promparser.ValueTypeVector || t == promparser.ValueTypeMatrix {
				return needsData(a) // rate(v[5m]), label_replace(v, ...), day_of_week(v)
			}
		}
		return false // time(), pi(), day_of_week() of now
	case *promparser.BinaryExpr:
		lv, rv := x.LHS.Type() == promparser.ValueTypeVector, x.RHS.Type() == promparser.ValueTypeVector
		switch {
		case lv && rv && x.Op == promparser.LOR:
			return needsData(x.LHS) && needsData(x.RHS)
		case lv && rv && x.Op == promparser.LUNLESS:
			return needsData(x.LHS)
		case lv && rv:
			return needsData(x.LHS) || needsData(x.RHS) // and, arithmetic, comparisons: both sides must match
		case lv:
			return needsData(x.LHS)
		case rv:
			return needsData(x.RHS)
		}
	}
	return false
}

// exprTests: obsc cannot know in general what data makes a hand-written
// expression fire. It always proves the alert stays quiet without data,
// and for a vector compared with a number it searches for data on which
// the alert fires and data on which it stays quiet (exprFireTests).
// Expressions that may produce samples from nothing (needsData: absent(),
// vector(), ... or vector(0)) get no test at all, the user owning their
// tests, but for absent() of one selector, which fires without data
// (absentTests).
func (g *testGen) exprTests(a *ir.Alert) ([]testGroup, error) {
	e, ok := g.alertTrees[a] // parsed by the builder, when it ran first
	if !ok {
		var err error
		if e, err = g.p.ParseExpr(a.Expr); err != nil {
			return nil, fmt.Errorf("internal error: alert %s: expression does not parse: %w", a.Name, err)
		}
	}
	if !needsData(e) {
		return g.absentTests(a, e), nil
	}
	at := a.For + 5*time.Minute
	return append(g.exprFireTests(a, e), testGroup{
		Name: a.Name + ": quiet without data", Interval: testIntervalText,
		InputSeries:    []inputSeries{},
		AlertRuleTests: []alertTest{g.newAlertTest(at, a.Name, nil)},
	}), nil
}

// fireName names the test in which a threshold alert fires: for the one
// group of its `by` labels that crosses the threshold, when it has any.
func (g *testGen) fireName(a *ir.Alert) string {
	if len(a.By) == 0 {
		return "fires"
	}
	return fmt.Sprintf("fires for %s only", seriesText("", g.byLabels(a.By, 0)))
}
