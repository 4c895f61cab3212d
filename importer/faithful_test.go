package importer

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/targets/prometheus"
)

// SlothVersion is the Sloth release the faithfulness test compares with.
const slothRelease = "v0.16.0"

// lookSloth finds the sloth binary: $SLOTH, then PATH, then a copy
// installed earlier under the temp directory; else it installs Sloth with
// `go install` into that directory (never into the repository). Without
// network the test is skipped, unless OBSC_REQUIRE_SLOTH is set (make test).
func lookSloth(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SLOTH"); p != "" {
		return p
	}
	if p, err := exec.LookPath("sloth"); err == nil {
		return p
	}
	gobin := filepath.Join(os.TempDir(), "obsc-tools", "sloth-"+slothRelease)
	bin := filepath.Join(gobin, "sloth")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	t.Logf("installing sloth %s into %s", slothRelease, gobin)
	cmd := exec.Command("go", "install", "github.com/slok/sloth/cmd/sloth@"+slothRelease)
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=-mod=mod")
	cmd.Dir = os.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		if os.Getenv("OBSC_REQUIRE_SLOTH") != "" {
			t.Fatalf("go install sloth: %v\n%s", err, out)
		}
		t.Skipf("sloth is not installed and go install failed (%v); set SLOTH=/path/to/sloth", err)
	}
	return bin
}

// faithCase is one imported Sloth SLO and the series that feed it: per
// minute, good events go to the good series and bad ones to the bad series
// (latency SLIs: good to the threshold bucket, all to _count).
type faithCase struct {
	spec, service, slo string
	objective          float64
	latency            bool
	good, bad          string // series; for latency: the bucket and the _count
}

var faithCases = []faithCase{
	{spec: "02-checkout.yaml", service: "checkout", slo: "availability", objective: 99.9,
		good: `http_requests_total{job="checkout",module="checkout",code="200"}`,
		bad:  `http_requests_total{job="checkout",module="checkout",code="502"}`},
	{spec: "03-checkout-latency.yaml", service: "checkout", slo: "latency", objective: 99, latency: true,
		good: `http_request_duration_seconds_bucket{job="checkout",module="checkout",le="0.3"}`,
		bad:  `http_request_duration_seconds_count{job="checkout",module="checkout"}`},
	{spec: "01-myservice.yaml", service: "myservice", slo: "requests-availability", objective: 99.9,
		good: `http_request_duration_seconds_count{job="myservice",module="myservice",code="200"}`,
		bad:  `http_request_duration_seconds_count{job="myservice",module="myservice",code="503"}`},
	{spec: "04-payments-k8s.yaml", service: "payments", slo: "charge-success", objective: 99.95,
		good: `payments_charges_total{module="payments",status="ok"}`,
		bad:  `payments_charges_total{module="payments",status="failed"}`},
}

// The multi-window burn-rate table for a 30d window, the same in Sloth and
// obsc (Google SRE workbook).
var burnTable = []struct {
	tier        string
	long, short time.Duration
	factor      float64
}{
	{"page", time.Hour, 5 * time.Minute, 14.4},
	{"page", 6 * time.Hour, 30 * time.Minute, 6},
	{"ticket", 24 * time.Hour, 2 * time.Hour, 3},
	{"ticket", 72 * time.Hour, 6 * time.Hour, 1},
}

const perMinute = 100000 // events per minute

type faithPhase struct {
	minutes int
	ratio   float64
}

type faithScenario struct {
	name   string
	phases []faithPhase
	at     []time.Duration
}

func scenarios() []faithScenario {
	var out []faithScenario
	for _, mult := range []float64{0.5, 1.5, 4, 8, 20} {
		out = append(out, faithScenario{
			name:   fmt.Sprintf("steady burn at %gx the budget", mult),
			phases: []faithPhase{{minutes: 180, ratio: -mult}}, // negative: times the budget
			at:     []time.Duration{10 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour},
		})
	}
	day := 24 * time.Hour
	var at []time.Duration
	for _, m := range []int{-1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 30, 45, 60, 90} {
		at = append(at, day+time.Duration(m)*time.Minute)
	}
	out = append(out, faithScenario{
		name:   "a 10 minute burst at 20% errors after a clean day",
		phases: []faithPhase{{minutes: 1440, ratio: 0}, {minutes: 10, ratio: 0.2}, {minutes: 90, ratio: 0}},
		at:     at,
	})
	return out
}

// badPerMinute resolves a phase's ratio (negative: a multiple of budget).
func (p faithPhase) bad(budget float64) int64 {
	r := p.ratio
	if r < 0 {
		r = -r * budget
	}
	return int64(math.Round(r * perMinute))
}

// windowRatio is the error ratio over (t-w, t] as rate() sees it with
// one-minute samples: extrapolation scales both sides alike.
func windowRatio(ph []faithPhase, budget float64, t, w time.Duration) float64 {
	end := int(t / time.Minute)
	start := max(int((t-w)/time.Minute), 0)
	var bad, total int64
	for k := start + 1; k <= end; k++ {
		n := k
		for _, p := range ph {
			if n <= p.minutes {
				bad += p.bad(budget)
				total += perMinute
				break
			}
			n -= p.minutes
		}
	}
	if total == 0 {
		return 0
	}
	return float64(bad) / float64(total)
}

// expected returns the tiers that fire at t, and whether any window is
// within 2% of a threshold (then the time is not a fair test).
func expected(ph []faithPhase, budget float64, t time.Duration) (fires map[string]bool, fragile bool) {
	fires = map[string]bool{}
	for _, b := range burnTable {
		th := b.factor * budget
		l, s := windowRatio(ph, budget, t, b.long), windowRatio(ph, budget, t, b.short)
		for _, r := range []float64{l, s} {
			if r > 0 && math.Abs(r-th) <= 0.02*th {
				fragile = true
			}
		}
		if l > th && s > th {
			fires[b.tier] = true
		}
	}
	return fires, fragile
}

// counterValues writes promtool's expanding notation for per-minute
// increments.
func counterValues(ph []faithPhase, budget float64, pick func(bad int64) int64) string {
	var parts []string
	v := int64(0)
	first := true
	for _, p := range ph {
		inc := pick(p.bad(budget))
		n := p.minutes
		if first {
			parts = append(parts, fmt.Sprintf("%d+%dx%d", v, inc, n))
			first = false
		} else {
			parts = append(parts, fmt.Sprintf("%d+%dx%d", v+inc, inc, n-1))
		}
		v += inc * int64(n)
	}
	return strings.Join(parts, " ")
}

// TestSlothFaithful builds the imported Sloth SLOs with obsc and generates
// Sloth's own rules for the same specs, then runs the same promtool
// scenarios against both: the same alerts (name and tier) must fire at
// the same evaluation times, and both must match the burn-rate model.
//
// Scenarios use steady total traffic, where obsc's direct long windows and
// Sloth's (which, for the alert windows, are also computed from the raw
// counters; only Sloth's 30d period ratio averages 5m ratios) agree.
// Evaluation times where a window's ratio is within 2% of a threshold are
// left out: Sloth writes budgets as 1-0.999 = 0.000999...943, obsc as 0.001.
func TestSlothFaithful(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (apt-get install prometheus)")
	}
	sloth := lookSloth(t)
	for _, fc := range faithCases {
		t.Run(fc.slo, func(t *testing.T) {
			t.Parallel()
			c, err := compile.NewCompiler()
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			spec := filepath.Join(testdata, "sloth", fc.spec)
			slothRules := filepath.Join(dir, "sloth.yaml")
			if out, err := exec.Command(sloth, "generate", "--no-log", "-i", spec, "-o", slothRules).CombinedOutput(); err != nil {
				t.Fatalf("sloth generate: %v\n%s", err, out)
			}
			unwrapPrometheusRule(t, slothRules)

			inputs, err := ReadInputs([]string{spec})
			if err != nil {
				t.Fatal(err)
			}
			mods, errs := Sloth(inputs)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			files, errs, err := Files(mods, filepath.Join(dir, "modules"))
			if err != nil || len(errs) > 0 {
				t.Fatalf("%v %v", err, errs)
			}
			for p, data := range files {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			m, cerrs := c.Module(filepath.Join(dir, "modules", fc.service))
			if len(cerrs) > 0 {
				t.Fatal(cerrs)
			}
			fs, err := prometheus.Render(m)
			if err != nil {
				t.Fatal(err)
			}
			obscRules := filepath.Join(dir, "obsc.yaml")
			if err := os.WriteFile(obscRules, fs[m.Name+"/"+prometheus.RulesFile], 0o644); err != nil {
				t.Fatal(err)
			}

			budget := 1 - fc.objective/100
			for _, rs := range []struct{ name, file, sloLabel, tierLabel string }{
				{"sloth", slothRules, "sloth_slo", "sloth_severity"},
				{"obsc", obscRules, "slo", "slo_tier"},
			} {
				testFile := filepath.Join(dir, rs.name+"_test.yaml")
				data, n := faithTests(fc, budget, rs.file, rs.sloLabel, rs.tierLabel, alertNames(mods[0], fc.slo))
				if err := os.WriteFile(testFile, data, 0o644); err != nil {
					t.Fatal(err)
				}
				out, err := exec.Command(promtool, "test", "rules", testFile).CombinedOutput()
				if err != nil {
					t.Errorf("%s rules disagree with the burn-rate model (%d checks):\n%s", rs.name, n, out)
				}
			}
		})
	}
}

// alertNames returns the page and ticket alert names of an imported SLO.
func alertNames(m *Module, slo string) map[string]string {
	out := map[string]string{}
	for _, s := range m.SLOs {
		if s.Name != slo {
			continue
		}
		for tier, t := range map[string]*Tier{"page": s.Page, "ticket": s.Ticket} {
			if t != nil && t.Name != "" {
				out[tier] = t.Name
			}
		}
	}
	return out
}

type ptFile struct {
	RuleFiles          []string  `json:"rule_files"`
	EvaluationInterval string    `json:"evaluation_interval"`
	Tests              []ptGroup `json:"tests"`
}

type ptGroup struct {
	Name        string     `json:"name"`
	Interval    string     `json:"interval"`
	InputSeries []ptSeries `json:"input_series"`
	ExprTests   []ptExpr   `json:"promql_expr_test"`
}

type ptSeries struct {
	Series string `json:"series"`
	Values string `json:"values"`
}

type ptExpr struct {
	Expr       string     `json:"expr"`
	EvalTime   string     `json:"eval_time"`
	ExpSamples []ptSample `json:"exp_samples"`
}

type ptSample struct {
	Labels string  `json:"labels"`
	Value  float64 `json:"value"`
}

// faithTests writes a promtool test file: every scenario, and at each of
// its times the firing alerts of the SLO, by name and tier.
func faithTests(fc faithCase, budget float64, rules, sloLabel, tierLabel string, names map[string]string) ([]byte, int) {
	f := ptFile{RuleFiles: []string{rules}, EvaluationInterval: "1m"}
	query := fmt.Sprintf(`count by (alertname, tier) (label_replace(ALERTS{alertstate="firing",%s=%q}, "tier", "$1", %q, "(.+)"))`, sloLabel, fc.slo, tierLabel)
	n := 0
	for _, sc := range scenarios() {
		g := ptGroup{Name: sc.name, Interval: "1m"}
		if fc.latency {
			g.InputSeries = []ptSeries{
				{Series: fc.good, Values: counterValues(sc.phases, budget, func(bad int64) int64 { return perMinute - bad })},
				{Series: fc.bad, Values: counterValues(sc.phases, budget, func(int64) int64 { return perMinute })},
			}
		} else {
			g.InputSeries = []ptSeries{
				{Series: fc.good, Values: counterValues(sc.phases, budget, func(bad int64) int64 { return perMinute - bad })},
				{Series: fc.bad, Values: counterValues(sc.phases, budget, func(bad int64) int64 { return bad })},
			}
		}
		for _, at := range sc.at {
			fires, fragile := expected(sc.phases, budget, at)
			// Sloth writes its recordings and its alerts in separate groups,
			// which Prometheus (and promtool, in no fixed order) evaluates
			// independently: Sloth's alerts may read the recordings of the
			// previous evaluation. obsc keeps both in one group, in order. A
			// time where one minute of lag changes the outcome tests that
			// scheduling, not the rules: leave it out.
			before, fragileBefore := expected(sc.phases, budget, at-time.Minute)
			if fragile || fragileBefore || !sameTiers(fires, before) {
				continue
			}
			samples := []ptSample{}
			for _, tier := range []string{"page", "ticket"} {
				if fires[tier] && names[tier] != "" {
					samples = append(samples, ptSample{Labels: fmt.Sprintf(`{alertname=%q, tier=%q}`, names[tier], tier), Value: 1})
				}
			}
			g.ExprTests = append(g.ExprTests, ptExpr{Expr: query, EvalTime: promDuration(at), ExpSamples: samples})
			n++
		}
		f.Tests = append(f.Tests, g)
	}
	data, _ := yaml.Marshal(f)
	return data, n
}

func promDuration(d time.Duration) string {
	return fmt.Sprintf("%dm", int(d/time.Minute))
}

// unwrapPrometheusRule rewrites a PrometheusRule (what Sloth generates for
// its Kubernetes CRD) as the plain rule file promtool reads.
func unwrapPrometheusRule(t *testing.T, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var obj struct {
		Kind string `json:"kind"`
		Spec struct {
			Groups []any `json:"groups"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &obj); err != nil || obj.Kind != "PrometheusRule" {
		return
	}
	out, err := yaml.Marshal(map[string]any{"groups": obj.Spec.Groups})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sameTiers(a, b map[string]bool) bool {
	return a["page"] == b["page"] && a["ticket"] == b["ticket"]
}
