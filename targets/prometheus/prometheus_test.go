package prometheus

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	promparser "github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/yaml"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/promtest"
	"github.com/tinysystems/obsc/targets"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// variantModule exercises the branches the seed does not: a 28d window, a
// page-only SLO with a lower objective, a latency threshold of 1 (le="1"),
// alerts without by labels, without for and with several error values, a
// quantile threshold between buckets, and no team or runbook.
func variantModule() *ir.Module {
	m := seedModule()
	m.Name = "orders"
	m.Team = ""
	m.RunbookBase = ""
	m.ObjectLabels = nil
	m.Kubernetes.RuleLabels = nil
	m.RateWindow = 8 * time.Minute
	m.LabelDefs = append(m.LabelDefs, &ir.Label{Name: "code", Values: []string{"200", "429", "500", "503"}})
	m.Metrics = append(m.Metrics,
		&ir.Metric{Name: "orders_requests_total", Type: ir.Counter, Help: "Requests", Labels: []string{"code"}},
		&ir.Metric{Name: "orders_latency_seconds", Type: ir.Histogram, Help: "Latency", Labels: []string{"component", "port"}, Buckets: []float64{0.1, 0.5, 1, 2}},
	)
	sortMetrics(m)
	m.Alerts = []*ir.Alert{
		{
			Name: "OrdersErrors", Kind: ir.AlertErrorRatio, Metric: "orders_requests_total",
			Errors: []ir.Matcher{{Label: "code", Values: []string{"500", "503"}}},
			Above:  0.2, Severity: "critical", Summary: "Orders fail: {{ $value }}",
		},
		{
			Name: "OrdersSlow", Kind: ir.AlertQuantile, Metric: "orders_latency_seconds",
			By: []string{"port", "component"}, Q: 0.5, Above: 0.7, For: time.Minute, Severity: "warning",
			Summary: "p50 of {{ $labels.component }}/{{ $labels.port }} is {{ $value | humanizeDuration }}",
		},
	}
	avail := sloFixture("availability", 99.5, 28*24*time.Hour, ir.SLI{
		Kind: ir.SLIRatio, Metric: "orders_requests_total", Errors: []ir.Matcher{{Label: "code", Values: []string{"429", "500", "503"}}},
	})
	avail.BurnRates = ir.BurnRates(avail.Window, true, false)
	avail.Ticket = nil
	avail.Page = &ir.Tier{Name: "OrdersAvailabilityPage", Severity: "page", Labels: map[string]string{"channel": "oncall"},
		Annotations: map[string]string{"dashboard": "https://grafana.example.com/d/orders"}}
	latency := sloFixture("fast-orders", 95, 7*24*time.Hour, ir.SLI{
		Kind: ir.SLILatency, Metric: "orders_latency_seconds", Threshold: 1, ThresholdLE: "1",
	})
	m.SLOs = []*ir.SLO{avail, latency}
	return m
}

func sortMetrics(m *ir.Module) {
	ms := m.Metrics
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].Name < ms[j-1].Name; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// mustRender renders m; under targets.SelfCheck (TestMain) Render has put
// the rule file through rulefmt, so every rule file a test renders is
// proven loadable.
func mustRender(t *testing.T, m *ir.Module) targets.FileSet {
	t.Helper()
	fs, err := Render(m)
	if err != nil {
		t.Fatalf("Render(%s) error: %v", m.Name, err)
	}
	return fs
}

func TestMain(m *testing.M) {
	targets.SelfCheck = true
	os.Exit(m.Run())
}

// TestSelfCheckCatches: what Render re-checks only under SelfCheck (a
// template, which compile checks) is caught then, and only then.
func TestSelfCheckCatches(t *testing.T) {
	m := seedModule()
	m.Alerts[0].Summary = "{{ $labels.component"
	if _, err := Render(m); err == nil || !strings.Contains(err.Error(), "template") {
		t.Errorf("Render() under SelfCheck = %v, want a template error", err)
	}
	targets.SelfCheck = false
	defer func() { targets.SelfCheck = true }()
	if _, err := Render(m); err != nil {
		t.Errorf("Render() without SelfCheck = %v, want the rules rendered unchecked", err)
	}
}

func TestRenderFiles(t *testing.T) {
	tests := map[string]*ir.Module{
		"the seed module":        seedModule(),
		"a variant module":       variantModule(),
		"a module with no rules": {Name: "empty", Namespace: "ns"},
	}
	for name, m := range tests {
		t.Run(name, func(t *testing.T) {
			fs := mustRender(t, m)
			want := []string{m.Name + "/" + PrometheusRuleFile, m.Name + "/" + RulesFile, m.Name + "/" + RulesTestFile}
			if diff := cmp.Diff(want, fs.Paths()); diff != "" {
				t.Errorf("Render() paths mismatch (-want +got):\n%s", diff)
			}
			for _, p := range fs.Paths() {
				if !bytes.HasPrefix(fs[p], targets.YAMLHeader(m.Name)) || !targets.IsGenerated(fs[p]) {
					t.Errorf("%s does not start with the generated-file header", p)
				}
			}
			again := mustRender(t, m)
			if diff := cmp.Diff(fs, again); diff != "" {
				t.Errorf("Render() is not deterministic (-first +second):\n%s", diff)
			}
		})
	}
}

// TestPrometheusRuleMatchesRuleFile proves the two rule files hold the same
// groups, and checks the object's identity.
func TestPrometheusRuleMatchesRuleFile(t *testing.T) {
	m := seedModule()
	fs := mustRender(t, m)
	var rf ruleFileDoc
	if err := yaml.UnmarshalStrict(fs[m.Name+"/"+RulesFile], &rf); err != nil {
		t.Fatal(err)
	}
	var pr monitoringv1.PrometheusRule
	if err := yaml.UnmarshalStrict(fs[m.Name+"/"+PrometheusRuleFile], &pr); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rf.Groups, pr.Spec.Groups); diff != "" {
		t.Errorf("PrometheusRule groups mismatch (-rules.yaml +prometheusrule.yaml):\n%s", diff)
	}
	wantMeta := map[string]any{
		"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
		"name": "http-module", "namespace": "tinysystems",
		"labels": map[string]string{
			"app.kubernetes.io/managed-by": "obsc",
			"app.kubernetes.io/part-of":    "tinysystems",
			"release":                      "kube-prometheus-stack",
		},
	}
	gotMeta := map[string]any{
		"apiVersion": pr.APIVersion, "kind": pr.Kind, "name": pr.Name, "namespace": pr.Namespace, "labels": pr.Labels,
	}
	if diff := cmp.Diff(wantMeta, gotMeta); diff != "" {
		t.Errorf("PrometheusRule metadata mismatch (-want +got):\n%s", diff)
	}
	var names []string
	for _, g := range rf.Groups {
		names = append(names, g.Name)
	}
	wantNames := []string{"http-module-alerts", "http-module-slo-availability", "http-module-slo-latency"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("group names mismatch (-want +got):\n%s", diff)
	}
}

// burnCondition is one `long > (f * budget) and short > (f * budget)` of a
// generated SLO alert, read back from the rendered expression.
type burnCondition struct {
	Long, Short string
	Factor      float64
	Budget      float64
}

// conditions parses an SLO alert expression back into its conditions.
func conditions(t *testing.T, expr string) []burnCondition {
	t.Helper()
	e, err := promparser.NewParser(promparser.Options{}).ParseExpr(expr)
	if err != nil {
		t.Fatalf("ParseExpr(%q): %v", expr, err)
	}
	var out []burnCondition
	var walk func(e promparser.Expr)
	walk = func(e promparser.Expr) {
		switch e := e.(type) {
		case *promparser.ParenExpr:
			walk(e.Expr)
		case *promparser.BinaryExpr:
			switch e.Op {
			case promparser.LOR:
				walk(e.LHS)
				walk(e.RHS)
			case promparser.LAND:
				l, s := comparison(t, e.LHS), comparison(t, e.RHS)
				if l.Factor != s.Factor || l.Budget != s.Budget {
					t.Errorf("windows of one condition have different thresholds: %v, %v", l, s)
				}
				out = append(out, burnCondition{Long: l.Long, Short: s.Long, Factor: l.Factor, Budget: l.Budget})
			default:
				t.Fatalf("unexpected operator %s in %q", e.Op, expr)
			}
		default:
			t.Fatalf("unexpected node %T in %q", e, expr)
		}
	}
	walk(e)
	return out
}

// comparison reads `slo:sli_error:ratio_rate<w>{...} > (f * budget)`.
func comparison(t *testing.T, e promparser.Expr) burnCondition {
	t.Helper()
	if p, ok := e.(*promparser.ParenExpr); ok {
		e = p.Expr
	}
	b, ok := e.(*promparser.BinaryExpr)
	if !ok || b.Op != promparser.GTR {
		t.Fatalf("want a > comparison, got %s", e)
	}
	vs := b.LHS.(*promparser.VectorSelector)
	th := b.RHS.(*promparser.ParenExpr).Expr.(*promparser.BinaryExpr)
	return burnCondition{
		Long:   strings.TrimPrefix(vs.Name, "slo:sli_error:ratio_rate"),
		Factor: th.LHS.(*promparser.NumberLiteral).Val,
		Budget: th.RHS.(*promparser.NumberLiteral).Val,
	}
}

// TestBurnRateThresholds reads the rendered alerts back and checks the
// workbook thresholds: 14.4/6 (page) and 3/1 (ticket) for 30d, the same
// share of the budget for 28d.
func TestBurnRateThresholds(t *testing.T) {
	tests := map[string]struct {
		window    time.Duration
		objective float64
		budget    float64
		page      []burnCondition
		ticket    []burnCondition
	}{
		"30 days, 99.9%": {
			window: 30 * 24 * time.Hour, objective: 99.9, budget: 0.001,
			page:   []burnCondition{{"1h", "5m", 14.4, 0.001}, {"6h", "30m", 6, 0.001}},
			ticket: []burnCondition{{"1d", "2h", 3, 0.001}, {"3d", "6h", 1, 0.001}},
		},
		"28 days, 99.5%": {
			window: 28 * 24 * time.Hour, objective: 99.5, budget: 0.005,
			page:   []burnCondition{{"1h", "5m", 13.44, 0.005}, {"6h", "30m", 5.6, 0.005}},
			ticket: []burnCondition{{"1d", "2h", 2.8, 0.005}, {"3d", "6h", 0.933333333, 0.005}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := &ir.Module{Name: "m", Namespace: "ns", RateWindow: 5 * time.Minute,
				Metrics: []*ir.Metric{{Name: "requests_total", Type: ir.Counter, Labels: []string{"code"}}}}
			s := sloFixture("avail", tc.objective, tc.window, ir.SLI{Kind: ir.SLIRatio, Metric: "requests_total",
				Errors: []ir.Matcher{{Label: "code", Values: []string{"500"}}}})
			s.Page.Name, s.Ticket.Name = "AvailPage", "AvailTicket"
			m.SLOs = []*ir.SLO{s}
			var rf ruleFileDoc
			if err := yaml.Unmarshal(mustRender(t, m)["m/"+RulesFile], &rf); err != nil {
				t.Fatal(err)
			}
			got := map[string][]burnCondition{}
			for _, r := range rf.Groups[0].Rules {
				if r.Alert != "" {
					got[r.Alert+"/"+r.Labels[ir.LabelTier]] = conditions(t, r.Expr.StrVal)
				}
			}
			want := map[string][]burnCondition{"AvailPage/page": tc.page, "AvailTicket/ticket": tc.ticket}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("burn-rate conditions mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGolden(t *testing.T) {
	for _, m := range []*ir.Module{seedModule(), variantModule()} {
		t.Run(m.Name, func(t *testing.T) {
			fs := mustRender(t, m)
			for _, p := range fs.Paths() {
				golden := filepath.Join("testdata", filepath.FromSlash(p))
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, fs[p], 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if diff := cmp.Diff(string(want), string(fs[p])); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", p, diff)
				}
			}
		})
	}
}

// writeModule writes a rendered FileSet under dir and returns the module
// directory.
func writeModule(t *testing.T, dir string, fs targets.FileSet, module string) string {
	t.Helper()
	for _, p := range fs.Paths() {
		f := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, fs[p], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, module)
}

// TestPromtool runs `promtool check rules` and `promtool test rules` on the
// rendered files: the rules load, and every generated unit test passes,
// i.e. each alert fires and stays quiet where the spec says.
func TestPromtool(t *testing.T) {
	promtest.Promtool(t)
	for _, m := range []*ir.Module{seedModule(), variantModule(), {Name: "empty", Namespace: "ns"}} {
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			dir := writeModule(t, t.TempDir(), mustRender(t, m), m.Name)
			promtest.CheckAndTestRules(t, dir, RulesFile, RulesTestFile)
		})
	}
}

// TestGeneratedTestsCover checks rules_test.yaml has a firing test for every
// errorRatio and quantile alert, for the seed's expr alert (a sum compared
// with a number) and for the page and ticket tiers of every SLO, and a
// quiet test for every alert.
func TestGeneratedTestsCover(t *testing.T) {
	m := seedModule()
	var tf testFile
	if err := yaml.UnmarshalStrict(mustRender(t, m)[m.Name+"/"+RulesTestFile], &tf); err != nil {
		t.Fatal(err)
	}
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, tg := range tf.Tests {
		for _, at := range tg.AlertRuleTests {
			if len(at.ExpAlerts) == 0 {
				quiet[at.Alertname] = true
			}
			for _, a := range at.ExpAlerts {
				key := at.Alertname
				if tier := a.ExpLabels[ir.LabelTier]; tier != "" {
					key += "/" + tier
				}
				fires[key] = true
			}
		}
	}
	wantFires := map[string]bool{
		"HighErrorRate": true, "HighLatency": true, "NoReplicas": true, // an expr alert: see TestExprFireTests
		"AvailabilityErrorBudgetBurn/page": true, "AvailabilityErrorBudgetBurn/ticket": true,
		"LatencyErrorBudgetBurn/page": true, "LatencyErrorBudgetBurn/ticket": true,
	}
	if diff := cmp.Diff(wantFires, fires); diff != "" {
		t.Errorf("alerts with a firing test mismatch (-want +got):\n%s", diff)
	}
	wantQuiet := map[string]bool{"HighErrorRate": true, "HighLatency": true, "NoReplicas": true,
		"AvailabilityErrorBudgetBurn": true, "LatencyErrorBudgetBurn": true}
	if diff := cmp.Diff(wantQuiet, quiet); diff != "" {
		t.Errorf("alerts with a quiet test mismatch (-want +got):\n%s", diff)
	}
}

// TestRenderInternalErrors: a rule that cannot be built is an error and no
// file is returned.
func TestRenderInternalErrors(t *testing.T) {
	tests := map[string]struct {
		mutate func(m *ir.Module)
		errMsg string
	}{
		"an alert of unknown kind": {
			mutate: func(m *ir.Module) { m.Alerts[0].Kind = "bogus" },
			errMsg: `internal error: alert HighErrorRate has unknown kind "bogus"`,
		},
		"a module without a rate window": {
			mutate: func(m *ir.Module) { m.RateWindow = 0 },
			errMsg: "internal error: module http-module has no rate window",
		},
		"an expression that does not parse": {
			mutate: func(m *ir.Module) { m.Alerts[2].Expr = "sum(" },
			errMsg: "internal error: module http-module: generated expression does not parse",
		},
		"a ratio SLO without error matchers": {
			mutate: func(m *ir.Module) { m.SLOs[0].SLI.Errors = nil },
			errMsg: "internal error: ratio SLO availability has no error matchers",
		},
		"a label name Prometheus rejects": {
			mutate: func(m *ir.Module) { m.Alerts[0].Labels = map[string]string{"bad-label": "x"} },
			errMsg: "internal error: module http-module: generated rules.yaml is invalid",
		},
		"an annotation template that does not parse": {
			mutate: func(m *ir.Module) { m.Alerts[0].Summary = "{{ $labels.component" },
			errMsg: "internal error: module http-module: generated rules.yaml is invalid",
		},
		"an annotation name Prometheus rejects": {
			mutate: func(m *ir.Module) { m.Alerts[0].Annotations = map[string]string{"bad-name": "x"} },
			errMsg: `rule HighErrorRate: invalid annotation name "bad-name"`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := seedModule()
			tc.mutate(m)
			fs, err := Render(m)
			if err == nil {
				t.Fatalf("Render() succeeded, want error %q", tc.errMsg)
			}
			if !strings.Contains(err.Error(), tc.errMsg) {
				t.Errorf("Render() error = %q, want it to contain %q", err, tc.errMsg)
			}
			if fs != nil {
				t.Errorf("Render() returned files with an error: %v", fs.Paths())
			}
		})
	}
}
