package prometheus

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	promparser "github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/yaml"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/irtest"
	"github.com/tinysystems/obsc/internal/memseries"
	"github.com/tinysystems/obsc/internal/promtest"
)

// exprCases are expr alerts over the seed module's metrics, with the tests
// obsc must write for each: "fires" and "quiet" where its search finds
// data, "no data" whenever the expression needs data to produce a sample.
var exprCases = []struct {
	name, expr, summary string
	for_                time.Duration
	want                []string
}{
	{"GaugeAbove", `sum by (component) (tinysystems_active_operations) > 50`, "{{ $labels.component }} runs {{ $value }}", 0, []string{"fires", "quiet", "no data"}},
	{"NumberFirst", `10 > max(tinysystems_active_operations)`, "", 5 * time.Minute, []string{"fires", "quiet", "no data"}},
	{"CounterRate", `sum(rate(tinysystems_messages_total{status="error"}[5m])) > 2`, "errors", 5 * time.Minute, []string{"fires", "quiet", "no data"}},
	// rate's last bit may differ between Prometheus 3 (the search) and 2 (promtool): no $value over it.
	{"CounterRateValue", `sum(rate(tinysystems_messages_total{status="error"}[5m])) > 2`, "{{ $value }} errors/s", 0, []string{"no data"}},
	{"IrateValue", `sum(irate(tinysystems_errors_total[5m])) > 3`, "{{ $value }} errors/s", 0, []string{"fires", "quiet", "no data"}},
	{"PerPod", `tinysystems_active_operations{component=~"rou.*"} >= 5`, "{{ $labels.instance }} {{ $value }}", 2 * time.Minute, []string{"fires", "quiet", "no data"}},
	// Every series at x, the ratio is 1/2 for any x > 0 (and NaN at 0): the
	// error series at one value and the others at another make it quiet.
	{"Ratio", `sum(rate(tinysystems_messages_total{status="error"}[5m])) / sum(rate(tinysystems_messages_total[5m])) > 0.1`, "", 0, []string{"fires", "quiet", "no data"}},
	{"RatioTotalFirst", `sum(rate(tinysystems_messages_total[5m])) / sum(rate(tinysystems_messages_total{status="error"}[5m])) < 5`, "mostly errors", 5 * time.Minute, []string{"fires", "quiet", "no data"}},
	// The same series on both sides: one value for all, and no second one to find.
	{"SelfRatio", `sum(rate(tinysystems_messages_total[5m])) / sum(rate(tinysystems_messages_total[5m])) > 2`, "", 0, []string{"quiet", "no data"}},
	{"Subquery", `max_over_time(sum(tinysystems_active_operations)[30m:1m]) > 100`, "", 0, []string{"fires", "quiet", "no data"}},
	{"SubqueryNoStep", `avg_over_time(max(tinysystems_active_operations)[20m:]) < 3`, "", 0, []string{"fires", "quiet", "no data"}},
	{"SubqueryFineStep", `max_over_time(sum(tinysystems_active_operations)[1d:10s]) > 100`, "", 0, []string{"no data"}},
	// 61 steps through an hour's for, each evaluating a 1,440-step subquery: too much work for the search.
	{"SubqueryLongFor", `max_over_time(sum(tinysystems_active_operations)[1d:1m]) > 100`, "", time.Hour, []string{"no data"}},
	{"Offset", `sum(tinysystems_active_operations offset 1h) > 100`, "", 10 * time.Minute, []string{"fires", "quiet", "no data"}},
	{"Negated", `-sum(tinysystems_active_operations) < -10`, "", 0, []string{"fires", "quiet", "no data"}},
	// == and != decide on exact values: integers, and 0 alone over rate and the like.
	{"EqualZero", `tinysystems_active_operations == 0`, "{{ $labels.instance }} idle", 5 * time.Minute, []string{"fires", "quiet", "no data"}},
	{"SumEquals", `sum(tinysystems_active_operations) == 10`, "", 0, []string{"fires", "quiet", "no data"}},
	{"NotEqual", `max(tinysystems_active_operations) != 1`, "", 0, []string{"fires", "quiet", "no data"}},
	{"TrafficStopped", `sum(rate(tinysystems_messages_total[5m])) == 0`, "no traffic", 10 * time.Minute, []string{"fires", "quiet", "no data"}},
	{"RateEquals", `sum(rate(tinysystems_messages_total[5m])) == 4`, "", 0, []string{"quiet", "no data"}},
	// Comparisons joined by and, or, unless: each decided, the join the engine's.
	{"And", `sum(tinysystems_active_operations) > 1 and sum(tinysystems_active_operations) < 100`, "", 0, []string{"fires", "quiet", "no data"}},
	{"TrafficGuard", `sum(rate(tinysystems_messages_total{status="error"}[5m])) / sum(rate(tinysystems_messages_total[5m])) > 0.1 and sum(rate(tinysystems_messages_total[5m])) > 1`, "", 5 * time.Minute, []string{"fires", "quiet", "no data"}},
	{"Or", `max(tinysystems_active_operations) > 100 or sum(rate(tinysystems_errors_total[5m])) > 5`, "", 0, []string{"fires", "quiet", "no data"}},
	{"Unless", `sum by (component) (tinysystems_active_operations) > 10 unless on (component) sum by (component) (rate(tinysystems_errors_total[5m])) > 1000`, "{{ $labels.component }} busy", 2 * time.Minute, []string{"fires", "quiet", "no data"}},
	{"AndUnhandled", `sum(tinysystems_active_operations) > 1 and timestamp(tinysystems_errors_total) > 5`, "", 0, []string{"no data"}},
	{"FiveJoined", `max(tinysystems_active_operations) > 1 and min(tinysystems_active_operations) > 1 and sum(tinysystems_active_operations) > 1 and avg(tinysystems_active_operations) > 1 and count(tinysystems_active_operations) > 1`, "", 0, []string{"no data"}},
	// count_over_time counts the window's samples, whatever their values:
	// 10 in 10m for the engine, 11 for promtool.
	{"CountOverTime", `count_over_time(tinysystems_active_operations[10m]) > 5`, "", 0, []string{"fires", "no data"}},
	{"CountOverTimeAtWindow", `count_over_time(tinysystems_active_operations[10m]) > 10.5`, "", 0, []string{"no data"}},
	{"SumOverTime", `sum_over_time(tinysystems_active_operations[10m]) > 1000`, "", 0, []string{"fires", "quiet", "no data"}},
	{"StddevOverCounter", `stddev_over_time(tinysystems_errors_total[10m]) > 100`, "", 0, []string{"fires", "quiet", "no data"}},
	{"Bool", `sum(tinysystems_active_operations) > bool 5`, "", 0, []string{"no data"}},
	// absent() of one selector fires without data and is quiet with it;
	// other expressions that make samples from nothing get no test.
	{"Absent", `absent(tinysystems_active_operations)`, "", 0, []string{"fires", "quiet"}},
	{"AbsentMatchers", `absent(tinysystems_active_operations{component="http_server"})`, "{{ $labels.component }} reports nothing", 5 * time.Minute, []string{"fires", "quiet"}},
	{"AbsentOverTime", `absent_over_time(tinysystems_errors_total{component=~"rou.*"}[15m])`, "", 0, []string{"fires", "quiet"}},
	{"AbsentJoined", `absent(tinysystems_active_operations) or absent(tinysystems_errors_total)`, "", 0, nil},
	{"Vector", `vector(1) > 0`, "", 0, nil},
	{"OrVector", `sum(rate(tinysystems_errors_total[5m])) > 1 or vector(0) > 1`, "", 0, nil},
	// time() minus a selector needs the selector's data: quiet without
	// it; evaluated an hour later, a series at 0 fires it.
	{"SinceLastSuccessJoined", `time() - max(tinysystems_active_operations) > 1800 and sum(rate(tinysystems_errors_total[5m])) > 1`, "", 0, []string{"fires", "quiet", "no data"}},
	{"SinceLastSuccess", `time() - max(tinysystems_active_operations) > 3600`, "last success {{ $value }}s ago", 0, []string{"fires", "quiet", "no data"}},
	// The same age the other way round: searched as time() minus the
	// vector, the alerts and their values (the selector's) the rule's.
	{"OlderThan", `max(tinysystems_active_operations) < time() - 3600`, "last success at {{ $value }}", 0, []string{"fires", "quiet", "no data"}},
	{"OlderThanFlipped", `(time() - 1800) >= max by (component) (tinysystems_active_operations)`, "{{ $labels.component }} at {{ $value }}", 5 * time.Minute, []string{"fires", "quiet", "no data"}},
	{"NewerThan", `min(tinysystems_active_operations) > time() - 600`, "", 0, []string{"fires", "quiet", "no data"}},
	// changes() of a gauge: its series change at every sample, and
	// Prometheus 2 counts a sample more (14 changes in 15m for the
	// engine, 15 for promtool): decided where both agree.
	{"RestartLoop", `changes(tinysystems_active_operations[15m]) > 2`, "{{ $labels.instance }} restarts", 0, []string{"fires", "quiet", "no data"}},
	{"RestartsBy", `sum by (component) (changes(tinysystems_active_operations[10m])) >= 3`, "{{ $labels.component }}", 5 * time.Minute, []string{"fires", "quiet", "no data"}},
	{"FewChanges", `changes(tinysystems_active_operations[15m]) < 5`, "", 0, []string{"fires", "quiet", "no data"}},
	// min_ and avg_over_time of a growing counter read the window's
	// oldest sample in Prometheus 2 and not in 3: decided where both
	// agree, and a $value expected only where both read the same (a
	// counter that does not grow, here).
	{"MinOverCounter", `min_over_time(tinysystems_errors_total[5m]) > 100`, "", 0, []string{"fires", "quiet", "no data"}},
	{"AvgOverCounterValue", `avg_over_time(tinysystems_errors_total[10m]) < 5000`, "average {{ $value }}", 0, []string{"fires", "quiet", "no data"}},
	{"AvgOverGaugeValue", `avg_over_time(tinysystems_active_operations[10m]) > 50`, "average {{ $value }}", 0, []string{"fires", "quiet", "no data"}},
	{"QuantileOverCounter", `quantile_over_time(0.5, tinysystems_errors_total[10m]) > 1000`, "", 0, []string{"fires", "quiet", "no data"}},
	{"QuantileOverCounterValue", `quantile_over_time(0.5, tinysystems_errors_total[10m]) > 1000`, "{{ $value }}", 0, []string{"quiet", "no data"}},
	// over a subquery, whose steps it does not lengthen, gauges alone
	{"AvgOverCounterSubquery", `avg_over_time(sum(tinysystems_errors_total)[20m:1m]) > 100`, "", 0, []string{"no data"}},
	// a rate under the subquery holds on a counter growing steadily
	{"SmoothedRate", `avg_over_time(sum(rate(tinysystems_errors_total[5m]))[30m:1m]) > 5`, "", 0, []string{"fires", "quiet", "no data"}},
	// 14 changes in 15m for the engine, 15 for promtool on changing
	// series: undecided there; only a steady one proves it quiet.
	{"ChangesAtWindow", `changes(tinysystems_active_operations[15m]) > 14.5`, "", 0, []string{"quiet", "no data"}},
	// a count the engines read apart fires no test whose template prints it
	{"ChangesValue", `changes(tinysystems_active_operations[15m]) > 2`, "{{ $value }} restarts", 0, []string{"quiet", "no data"}},
	{"ChangesEqual", `changes(tinysystems_active_operations[15m]) == 0`, "", 0, []string{"no data"}},
	// resets() of a series falling at every sample: 14 resets in 15m for
	// the engine, 15 for promtool.
	{"CounterResets", `sum by (component) (resets(tinysystems_errors_total[15m])) > 2`, "{{ $labels.component }} restarted", 0, []string{"fires", "quiet", "no data"}},
	{"ResetsAtWindow", `resets(tinysystems_errors_total[15m]) > 14.5`, "", 0, []string{"quiet", "no data"}},
	// the same counter read falling by resets() and growing by rate(): no search
	{"ResetsAndRate", `resets(tinysystems_errors_total[15m]) > 2 and sum(rate(tinysystems_errors_total[5m])) > 1`, "", 0, []string{"no data"}},
	{"ChangesSubquery", `changes(sum(tinysystems_messages_total)[15m:1m]) > 2`, "", 0, []string{"no data"}},
}

func exprModule() *ir.Module {
	m := seedModule()
	m.Name = "exprs"
	m.SLOs = nil
	m.Alerts = nil
	for _, c := range exprCases {
		m.Alerts = append(m.Alerts, &ir.Alert{Name: c.name, Kind: ir.AlertExpr, Expr: c.expr, For: c.for_, Severity: "warning", Summary: c.summary})
	}
	return m
}

// TestExprFireTests checks which tests obsc writes for each expr alert,
// and that promtool passes them: the data obsc's search found with
// Prometheus 3's engine makes promtool 2.42's fire and stay quiet too.
func TestExprFireTests(t *testing.T) {
	m := exprModule()
	fs, tf := renderTests(t, m)
	got := map[string][]string{}
	for _, tg := range tf.Tests {
		for _, at := range tg.AlertRuleTests {
			kind := "quiet"
			switch {
			case len(at.ExpAlerts) > 0:
				kind = "fires"
			case len(tg.InputSeries) == 0:
				kind = "no data"
			}
			got[at.Alertname] = append(got[at.Alertname], kind)
		}
	}
	want := map[string][]string{}
	for _, c := range exprCases {
		if c.want != nil {
			want[c.name] = c.want
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("tests per alert (-want +got):\n%s", d)
	}
	for _, tg := range tf.Tests {
		for _, at := range tg.AlertRuleTests {
			if at.Alertname == "PerPod" && len(at.ExpAlerts) > 0 && len(at.ExpAlerts) != replicas {
				t.Errorf("PerPod fires %d times, want once per replica (%d)", len(at.ExpAlerts), replicas)
			}
			// Unless is quiet on data its left side holds on: the right
			// side's (2,000/s errors over 1,000) takes the alert away.
			if at.Alertname == "Unless" && len(at.ExpAlerts) == 0 && len(tg.InputSeries) > 0 && !strings.HasSuffix(tg.Name, "at 1000 and counter growing 1000/s") {
				t.Errorf("Unless is proven quiet by %q, want the data on which its left side holds", tg.Name)
			}
			// absent() labels its sample with the selector's equality
			// matchers, and the summary reads them.
			if at.Alertname == "AbsentMatchers" && len(at.ExpAlerts) > 0 {
				if got := at.ExpAlerts[0]; got.ExpLabels["component"] != "http_server" || got.ExpAnnotations[AnnotationSummary] != "http_server reports nothing" {
					t.Errorf("AbsentMatchers fires with labels %v and annotations %v, want component http_server in both", got.ExpLabels, got.ExpAnnotations)
				}
			}
			// Two replicas at 2 x 50 + 1 each, in the first component.
			if at.Alertname == "GaugeAbove" && len(at.ExpAlerts) > 0 && at.ExpAlerts[0].ExpAnnotations[AnnotationSummary] != "http_server runs 202" {
				t.Errorf("GaugeAbove's summary is %q, want %q", at.ExpAlerts[0].ExpAnnotations[AnnotationSummary], "http_server runs 202")
			}
		}
	}
	promtest.Promtool(t)
	dir := writeModule(t, t.TempDir(), fs, m.Name)
	promtest.CheckAndTestRules(t, dir, RulesFile, RulesTestFile)
}

// FuzzExprTests renders an expr alert of any expression that parses: the
// search for data must never panic, whatever the engine makes of it.
func FuzzExprTests(f *testing.F) {
	for _, c := range exprCases {
		f.Add(c.expr)
	}
	f.Add(`max_over_time(rate(tinysystems_messages_total[5m])[1h:]) > 1`)
	f.Add(`sum(tinysystems_active_operations @ 100) > 1`)
	f.Add(`label_replace(tinysystems_active_operations, "x", "$1", "component", "(.*)") > 1`)
	f.Add(`changes(max_over_time(tinysystems_active_operations[5m])[15m:1m]) > 1 and changes((tinysystems_active_operations)[10m]) < 3`)
	f.Add(`quantile_over_time(0.5, tinysystems_errors_total[10m]) > 5 or min_over_time(avg_over_time(tinysystems_active_operations[5m])[10m:]) < 2`)
	f.Add(`resets(tinysystems_errors_total[15m]) > 2 unless changes(tinysystems_active_operations[5m]) < 1`)
	f.Fuzz(func(t *testing.T, expr string) {
		e, err := promparser.NewParser(promparser.Options{}).ParseExpr(expr)
		if err != nil || e.Type() != promparser.ValueTypeVector || len(expr) > 300 {
			return
		}
		m := exprModule()
		m.Alerts = []*ir.Alert{
			{Name: "Fuzz", Kind: ir.AlertExpr, Expr: expr, Severity: "warning", Summary: "{{ $value }} {{ $labels.component }}"},
			{Name: "FuzzKeep", Kind: ir.AlertExpr, Expr: expr, For: 2 * time.Minute, KeepFiringFor: 3 * time.Minute, Severity: "warning"},
		}
		_, _ = Render(m) // errors are fine; a panic is not
	})
}

// TestExprFireTestsConcurrent renders the module from several goroutines
// at once, as obsc build's workers do: under the race detector (make
// test) the shared engine and its pools must not race, and every render
// must give the same bytes.
func TestExprFireTestsConcurrent(t *testing.T) {
	m := exprModule()
	want := mustRender(t, m)[m.Name+"/"+RulesTestFile]
	const n = 4
	got := make([][]byte, n)
	done := make(chan int)
	for i := range n {
		go func() {
			defer func() { done <- i }()
			fs, err := Render(exprModule())
			if err == nil {
				got[i] = fs[m.Name+"/"+RulesTestFile]
			}
		}()
	}
	for range n {
		<-done
	}
	for i := range n {
		if d := cmp.Diff(string(want), string(got[i])); d != "" {
			t.Errorf("render %d differs (-first +this):\n%s", i, d)
		}
	}
}

// TestNeedsData pins which expressions are empty without data, and
// checks each against the engine on no series at all: an expression
// needsData calls empty must be (else "quiet without data" would fail in
// promtool), and the others here do make a sample from nothing.
func TestNeedsData(t *testing.T) {
	for _, c := range []struct {
		expr string
		want bool
	}{
		{`up == 0`, true},
		{`sum(rate(x_total[5m])) > 1`, true},
		{`time() - max(last_success_seconds) > 3600`, true},
		{`x > scalar(y)`, true},
		{`day_of_week(x) == 6`, true},
		{`x and vector(1)`, true},
		{`vector(1) and x`, true},
		{`x unless vector(1)`, true},
		{`sum(x) or vector(0)`, false},
		{`vector(0) or sum(x)`, false},
		{`vector(1) unless x`, false},
		{`absent(x)`, false},
		{`absent_over_time(x[5m]) == 1`, false},
		{`day_of_week() >= 0`, false},
		{`vector(time()) > 0`, false},
		{`count(vector(1)) > 0`, false},
		{`scalar(x) + vector(1) != 0`, false},
	} {
		e, err := promparser.NewParser(promparser.Options{}).ParseExpr(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := needsData(e); got != c.want {
			t.Errorf("needsData(%s) = %v, want %v", c.expr, got, c.want)
		}
		res, err := eval(memseries.New(), c.expr, 10*time.Minute, 10*time.Minute)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if empty := len(res) == 0; empty != c.want {
			t.Errorf("%s on no data: the engine's result is empty: %v, needsData says %v", c.expr, empty, c.want)
		}
	}
}

// TestKeepFiringTests checks that an expr alert with keepFiringFor gets a
// test proving it keeps firing that long after its condition stops
// holding, and then resolves, where the step it stops holding at is the
// same in promtool's Prometheus 2 and the engine (no ranges, gauges);
// promtool must pass it.
func TestKeepFiringTests(t *testing.T) {
	m := exprModule()
	m.Alerts = []*ir.Alert{
		{Name: "KeepGauge", Kind: ir.AlertExpr, Expr: `sum(tinysystems_active_operations) > 50`, For: 5 * time.Minute, KeepFiringFor: 10 * time.Minute, Severity: "warning", Summary: "{{ $value }} operations"},
		{Name: "KeepJoined", Kind: ir.AlertExpr, Expr: `max(tinysystems_active_operations) > 5 unless min(tinysystems_active_operations) > 1000`, KeepFiringFor: 3 * time.Minute, Severity: "warning"},
		{Name: "KeepRate", Kind: ir.AlertExpr, Expr: `sum(rate(tinysystems_errors_total[5m])) > 2`, KeepFiringFor: 10 * time.Minute, Severity: "warning"},
		{Name: "NoKeep", Kind: ir.AlertExpr, Expr: `sum(tinysystems_active_operations) > 50`, Severity: "warning"},
	}
	fs, got := keepFiringEvals(t, m)
	// KeepGauge fires at 15m (5m lookback, 5m for, 5m more), stops
	// holding at 16m: firing through 25m, resolved at 26m; KeepJoined
	// fires at 10m, stops at 11m, keeps firing 3m.
	want := map[string][]string{
		"KeepGauge":  {"25m 1", "26m 0"},
		"KeepJoined": {"13m 1", "14m 0"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("keep-firing tests (-want +got):\n%s", d)
	}
	promtest.Promtool(t)
	dir := writeModule(t, t.TempDir(), fs, m.Name)
	promtest.CheckAndTestRules(t, dir, RulesFile, RulesTestFile)
}

// TestThresholdKeepFiring checks the keep-firing tests of errorRatio and
// quantile alerts: the firing group's errors stop (its observations move
// to the lowest bucket), its ratio (quantile) falls under the threshold
// as the rate window slides past them, and the alert keeps firing
// keepFiringFor from that step; promtool must pass them (and fails them
// a minute either way, as checked by hand).
func TestThresholdKeepFiring(t *testing.T) {
	m := irtest.Seed()
	m.Name = "keeps"
	a := m.Alerts[0] // HighErrorRate: errorRatio by component above 5%, for 5m
	a.KeepFiringFor = 10 * time.Minute
	noKeep := *a
	noKeep.Name, noKeep.KeepFiringFor = "NoKeep", 0
	value := *a
	value.Name, value.Summary = "PrintsValue", "{{ $value }} of messages failed"
	latency := m.Alerts[1] // HighLatency: p99 by component above 5s, for 10m
	latency.KeepFiringFor = 3 * time.Minute
	m.Alerts = []*ir.Alert{a, &noKeep, &value, latency}
	fs, got := keepFiringEvals(t, m)
	// Fires at 12m (5m window, 5m for, 2m more) at twice the threshold;
	// errors stop after it: the 5m window's ratio is 8%, 6%, then 4% at
	// 15m, under 5%. Firing through 24m, resolved at 25m. $value would be
	// the ratio of 14m, not predicted: no test.
	// HighLatency fires at 17m with every observation in (5, 10]; they
	// move to (0, 0.005]: p99 is 9.94, 9.92, 9.875, 9.75, then at 22m
	// 0.00495. Firing through 24m, resolved at 25m.
	want := map[string][]string{"HighErrorRate": {"24m 1", "25m 0"}, "HighLatency": {"24m 1", "25m 0"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("keep-firing tests (-want +got):\n%s", d)
	}
	promtest.Promtool(t)
	dir := writeModule(t, t.TempDir(), fs, m.Name)
	promtest.CheckAndTestRules(t, dir, RulesFile, RulesTestFile)
}

// keepFiringEvals renders m and lists, per alert, the evaluations of its
// keep-firing test: "eval_time alerts expected".
func keepFiringEvals(t *testing.T, m *ir.Module) (map[string][]byte, map[string][]string) {
	t.Helper()
	fs, tf := renderTests(t, m)
	got := map[string][]string{}
	for _, tg := range tf.Tests {
		if !strings.Contains(tg.Name, ": keeps firing for ") {
			continue
		}
		for _, at := range tg.AlertRuleTests {
			got[at.Alertname] = append(got[at.Alertname], fmt.Sprintf("%s %d", at.EvalTime, len(at.ExpAlerts)))
		}
	}
	return fs, got
}

// renderTests renders m and decodes its rules_test.yaml strictly.
func renderTests(t *testing.T, m *ir.Module) (map[string][]byte, testFile) {
	t.Helper()
	fs := mustRender(t, m)
	var tf testFile
	if err := yaml.UnmarshalStrict(fs[m.Name+"/"+RulesTestFile], &tf); err != nil {
		t.Fatal(err)
	}
	return fs, tf
}

// TestSLOGroupsMerge checks that the test groups of SLOs playing the same
// scenario run as one group where their series and alert names are
// apart, and apart where they share either; promtool must pass them.
func TestSLOGroupsMerge(t *testing.T) {
	m := irtest.Seed()
	m.Name, m.Alerts = "merges", nil
	errs := []ir.Matcher{{Label: "status", Values: []string{"error"}}}
	ratio := func(name string) *ir.SLO {
		return sloFixture(name, 99.9, 30*24*time.Hour, ir.SLI{Kind: ir.SLIRatio, Metric: "tinysystems_messages_total", Errors: errs})
	}
	latency := sloFixture("latency", 99.9, 30*24*time.Hour, ir.SLI{Kind: ir.SLILatency, Metric: "tinysystems_duration_seconds", Threshold: 0.5, ThresholdLE: "0.5"})
	same := ratio("same") // the availability SLO's series: apart from it
	named := sloFixture("named", 99.9, 30*24*time.Hour, ir.SLI{Kind: ir.SLIRatio, Metric: "tinysystems_errors_total",
		Errors: []ir.Matcher{{Label: "error_type", Values: []string{"error_type_1"}}}})
	named.Page.Name = latency.Page.Name // an alert name the latency SLO's tests name too
	m.SLOs = []*ir.SLO{ratio("availability"), latency, same, named}
	_, tf := renderTests(t, m)
	var names []string
	for _, tg := range tf.Tests {
		if strings.HasSuffix(tg.Name, ": quiet on healthy traffic") {
			names = append(names, tg.Name)
		}
	}
	want := []string{
		"SLO availability, latency: quiet on healthy traffic",
		"SLO same, named: quiet on healthy traffic",
	}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("merged groups (-want +got):\n%s", d)
	}
	promtest.Promtool(t)
	dir := writeModule(t, t.TempDir(), mustRender(t, m), m.Name)
	promtest.CheckAndTestRules(t, dir, RulesFile, RulesTestFile)
}
