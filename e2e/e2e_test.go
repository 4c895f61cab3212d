package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/compiletest"
	"github.com/tinysystems/obsc/internal/promtest"
	"github.com/tinysystems/obsc/targets/gogen"
	"github.com/tinysystems/obsc/targets/grafana"
	"github.com/tinysystems/obsc/targets/prometheus"
)

// The module under test: examples/http-module with short durations (see
// its module.cue), and the demo built on the package generated from the
// example.
const (
	variantDir = "testdata/http-module"
	exampleDir = "../examples/http-module"
	demoPkg    = "../examples/http-module/demo"
	promBinary = "/usr/bin/prometheus"
)

// update is accepted so `go test ./... -update` (make golden) runs; this
// package has no golden files.
var _ = flag.Bool("update", false, "no effect: e2e has no golden files")

// budget bounds the whole test; every wait stops at the deadline it sets.
const budget = 110 * time.Second

// seedRule is the HighErrorRate of the TinySystems documentation page,
// with its `for` shortened like the variant's: the unaggregated ratio
// matches every error series with itself, so it reads 1 wherever a single
// error happened. obsc refuses to compile it; here it is loaded by hand to
// show the harness catches it.
const seedRule = `groups:
- name: seed-docs
  rules:
  - alert: SeedHighErrorRate
    expr: rate(tinysystems_messages_total{status="error"}[1m]) / rate(tinysystems_messages_total[1m]) > 0.05
    for: 2s
    labels:
      severity: warning
`

// The demo's traffic in each phase. Healthy traffic is not error-free:
// 0.2% of messages fail everywhere, as in a real service, which is what
// tells a correct error ratio from the seed's. Not more: the demo fails
// every 500th message of each pair, all pairs at the same tick, and a
// rate window that starts at Prometheus' first scrape, just before such
// a failure, reads 2 failures in 501 messages a few seconds later (0.4%),
// twice the long-run ratio. At 0.5% that was 2 in 201, a hair under the
// ticket tier's 1%, which fired once on a loaded machine. 100 messages
// per second per pair, so that errors still show within 5 seconds.
var (
	healthyTraffic = []string{"-rate", "100", "-error-ratio", "0.002", "-latency", "10ms"}
	routerErrors   = []string{"-rate", "50", "-error-ratio", "0.1", "-error-component", "router", "-latency", "10ms"}
	slowTraffic    = []string{"-rate", "20", "-latency", "1500ms"}
)

// fixture is what every phase shares.
type fixture struct {
	m         *ir.Module
	rules     []byte // rules.yaml
	dashboard []byte // dashboard.json
	demo      string // demo binary
	deadline  time.Time
	started   time.Time
}

// TestEndToEnd runs the demo (built on the generated Go package) and a
// real Prometheus (scraping it every second and evaluating the generated
// rules.yaml) in three independent phases, in parallel, each with a fresh
// demo and a fresh Prometheus so that no phase's history dilutes another's
// 5m rate windows:
//
//   - healthy: no generated alert is pending or firing while 0.2% of
//     messages fail; every declared metric is in Prometheus with declared
//     label values only and no more series than `obsc cardinality`
//     predicts; every Prometheus panel query of the generated dashboard
//     returns data; the probes answer. The seed's broken HighErrorRate,
//     loaded next to the generated rules, fires for every component under
//     the same traffic, and the same quietness check rejects it.
//   - errors on one component: 10% of router's messages fail, and
//     HighErrorRate fires for router and never, not even pending, for
//     http_server.
//   - slow: every message takes 1.5s, and HighLatency fires.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: starts Prometheus and the demo; skipped with -short")
	}
	if _, err := os.Stat(promBinary); err != nil {
		t.Skipf("end-to-end test skipped: %s not found (install the Debian package prometheus, or run make tools)", promBinary)
	}
	f := &fixture{started: time.Now(), deadline: time.Now().Add(budget)}
	f.m = compileModule(t, variantDir)
	fs, err := prometheus.Render(f.m)
	if err != nil {
		t.Fatal(err)
	}
	f.rules = fs[f.m.Name+"/"+prometheus.RulesFile]
	gfs, err := grafana.Render(f.m)
	if err != nil {
		t.Fatal(err)
	}
	f.dashboard = gfs[f.m.Name+"/"+grafana.DashboardFile]
	if f.rules == nil || f.dashboard == nil {
		t.Fatalf("rules.yaml or dashboard.json missing from the rendered files")
	}
	f.demo = buildDemo(t)
	t.Logf("compiled the module and built the demo in %v", time.Since(f.started).Round(time.Millisecond))
	t.Cleanup(func() { t.Logf("end-to-end run took %v", time.Since(f.started).Round(time.Millisecond)) })

	t.Run("healthy traffic", func(t *testing.T) { t.Parallel(); f.healthy(t) })
	t.Run("errors on one component", func(t *testing.T) { t.Parallel(); f.errorsOnRouter(t) })
	t.Run("slow responses", func(t *testing.T) { t.Parallel(); f.slow(t) })
}

// TestVariantMatchesExample: the e2e module must generate the same Go
// package as examples/http-module, or the demo would not expose what the
// variant's rules and dashboard read.
func TestVariantMatchesExample(t *testing.T) {
	render := func(dir string) []byte {
		m := compileModule(t, dir)
		fs, err := gogen.Render(m, "metrics")
		if err != nil {
			t.Fatal(err)
		}
		return fs[gogen.FileName(m.Name)]
	}
	if diff := cmp.Diff(string(render(exampleDir)), string(render(variantDir))); diff != "" {
		t.Errorf("the e2e variant's Go instrumentation differs from the example's (-example +variant):\n%s", diff)
	}
}

func (f *fixture) healthy(t *testing.T) {
	start := time.Now()
	st := f.start(t, healthyTraffic, map[string][]byte{"seed.yaml": []byte(seedRule)})
	st.waitRulesHealthy(t, f, map[string]int{"seed-docs": 1})

	// Wait until the data is all there: every metric scraped, the SLO
	// rules recording, and errors seen on every component (the seed rule
	// firing everywhere). Meanwhile, and for a while after, no generated
	// alert may even be pending.
	generated := generatedAlerts(f.m)
	var quietErr error
	seedFiring := map[string]bool{}
	f.waitFor(t, st, "healthy data", 60*time.Second, func() error {
		alerts, err := st.alerts()
		if err != nil {
			return err
		}
		if err := quiet(alerts, generated); err != nil {
			quietErr = err
			return nil // stop waiting: fail below
		}
		for _, a := range alerts {
			if a.Labels["alertname"] == "SeedHighErrorRate" && a.State == "firing" {
				seedFiring[a.Labels["component"]] = true
			}
		}
		if err := checkSeries(st, f.m); err != nil {
			return err
		}
		if n, err := st.count(`slo:sli_error:ratio_rate5m{module="http-module"}`); err != nil || n != len(f.m.SLOs) {
			return fmt.Errorf("SLO recording rules: %d series (%v), want %d", n, err, len(f.m.SLOs))
		}
		for _, c := range f.m.Standard.Components {
			if !seedFiring[c.Name] {
				return fmt.Errorf("the seed rule is not firing for component %s yet", c.Name)
			}
		}
		return nil
	})
	if quietErr != nil {
		t.Fatalf("under healthy traffic: %v", quietErr)
	}
	// Every generated alert holds for 2s: 5 more evaluations would turn a
	// condition that is true into pending and then firing.
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(500 * time.Millisecond) {
		alerts, err := st.alerts()
		if err != nil {
			t.Fatal(err)
		}
		if err := quiet(alerts, generated); err != nil {
			t.Fatalf("under healthy traffic: %v", err)
		}
	}
	t.Logf("no generated alert pending or firing over %v of healthy traffic (0.2%% errors)", time.Since(start).Round(time.Second))

	// The broken rule, judged by the same check, fails it, for every
	// component: the unaggregated ratio reads 1, not 0.002.
	alerts, err := st.alerts()
	if err != nil {
		t.Fatal(err)
	}
	err = quiet(alerts, map[string]bool{"SeedHighErrorRate": true})
	if err == nil {
		t.Fatal("the seed's broken HighErrorRate passes the quietness check under healthy traffic; the harness cannot tell it from the generated rule")
	}
	for _, c := range f.m.Standard.Components {
		if !strings.Contains(err.Error(), `component="`+c.Name+`"`) {
			t.Errorf("the broken rule is not active for component %s: %v", c.Name, err)
		}
	}
	t.Logf("the seed's broken rule is caught: %v", err)
	if v, err := st.value(`max(rate(tinysystems_messages_total{status="error"}[1m]) / rate(tinysystems_messages_total[1m]))`); err != nil || v != 1 {
		t.Errorf("the seed's ratio reads %v (%v), want exactly 1 (each error series divided by itself)", v, err)
	}

	if err := checkSeries(st, f.m); err != nil {
		t.Error(err)
	} else {
		t.Logf("series within the cardinality budget: %s", seriesSummary(st, f.m))
	}
	f.checkDashboard(t, st)
	for _, probe := range []string{f.m.Probes.Liveness.Path, f.m.Probes.Readiness.Path} {
		if code, err := st.getDemo(probe); err != nil || code != http.StatusOK {
			t.Errorf("GET %s = %d (%v), want 200", probe, code, err)
		}
	}
	t.Logf("healthy phase took %v", time.Since(start).Round(time.Millisecond))
}

func (f *fixture) errorsOnRouter(t *testing.T) {
	start := time.Now()
	st := f.start(t, routerErrors, nil)
	var wrong error
	f.waitFor(t, st, "HighErrorRate firing for router", 45*time.Second, func() error {
		alerts, err := st.alerts()
		if err != nil {
			return err
		}
		if wrong = onlyFor(alerts, "HighErrorRate", "component", "router"); wrong != nil {
			return nil
		}
		return firing(alerts, "HighErrorRate", "component", "router")
	})
	if wrong != nil {
		t.Fatal(wrong)
	}
	// A few more evaluations: http_server must stay out of it.
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(500 * time.Millisecond) {
		alerts, err := st.alerts()
		if err != nil {
			t.Fatal(err)
		}
		if err := onlyFor(alerts, "HighErrorRate", "component", "router"); err != nil {
			t.Fatal(err)
		}
	}
	alerts, _ := st.alerts()
	t.Logf("HighErrorRate fires for router only after %v; active: %s", time.Since(start).Round(time.Millisecond), describe(alerts))
}

func (f *fixture) slow(t *testing.T) {
	start := time.Now()
	st := f.start(t, slowTraffic, nil)
	f.waitFor(t, st, "HighLatency firing", 45*time.Second, func() error {
		alerts, err := st.alerts()
		if err != nil {
			return err
		}
		for _, c := range f.m.Standard.Components {
			if err := firing(alerts, "HighLatency", "component", c.Name); err != nil {
				return err
			}
		}
		return nil
	})
	alerts, _ := st.alerts()
	for _, a := range alerts {
		if a.Labels["alertname"] == "HighErrorRate" {
			t.Errorf("slow but error-free traffic: %s", a)
		}
	}
	t.Logf("HighLatency fires after %v; active: %s", time.Since(start).Round(time.Millisecond), describe(alerts))
}

// stack is one phase's demo and Prometheus.
type stack struct {
	prom *promtest.Server
	demo string // host:port
	logs func() string
}

// start runs the demo with args and a Prometheus scraping it with the
// generated rules plus extra rule files.
func (f *fixture) start(t *testing.T, args []string, extraRules map[string][]byte) *stack {
	t.Helper()
	addr, demoLogs := startDemo(t, f.demo, args)
	rules := map[string][]byte{prometheus.RulesFile: f.rules}
	for k, v := range extraRules {
		rules[k] = v
	}
	// A static job in place of the ServiceMonitor, attaching the module
	// label the ServiceMonitor's relabeling attaches.
	scrape := fmt.Sprintf(`scrape_configs:
- job_name: %s
  metrics_path: %s
  static_configs:
  - targets: ['%s']
    labels:
      %s: %s
`, f.m.Name, f.m.Scrape.Path, addr, ir.LabelModule, f.m.Name)
	prom := promtest.Start(t, rules, scrape)
	st := &stack{prom: prom, demo: addr, logs: func() string {
		return "--- prometheus:\n" + prom.Logs() + "\n--- demo:\n" + demoLogs()
	}}
	f.waitFor(t, st, "prometheus ready", 20*time.Second, func() error {
		code, err := get("http://" + prom.Addr + "/-/ready")
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("/-/ready: %d", code)
		}
		return err
	})
	return st
}

// waitRulesHealthy waits until the generated groups plus extra are loaded
// and every rule evaluated without error.
func (st *stack) waitRulesHealthy(t *testing.T, f *fixture, extra map[string]int) {
	t.Helper()
	var rf struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []any  `json:"rules"`
		} `json:"groups"`
	}
	if err := yaml.Unmarshal(f.rules, &rf); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, g := range rf.Groups {
		want[g.Name] = len(g.Rules)
	}
	for k, v := range extra {
		want[k] = v
	}
	st.prom.WaitRulesHealthy(t, want, time.Until(f.deadline))
}

// poll calls cond every 500ms until it returns nil, and returns its last
// error at timeout or at the test's deadline, whichever comes first.
func (f *fixture) poll(timeout time.Duration, cond func() error) error {
	deadline := time.Now().Add(timeout)
	if f.deadline.Before(deadline) {
		deadline = f.deadline
	}
	for {
		err := cond()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// waitFor is poll that fails the test, with both processes' logs.
func (f *fixture) waitFor(t *testing.T, st *stack, what string, timeout time.Duration, cond func() error) {
	t.Helper()
	began := time.Now()
	if err := f.poll(timeout, cond); err != nil {
		t.Fatalf("%s: not reached within %v: %v\n%s", what, time.Since(began).Round(time.Millisecond), err, st.logs())
	}
}

// alert is one entry of /api/v1/alerts.
type alert struct {
	Labels map[string]string `json:"labels"`
	State  string            `json:"state"`
	Value  string            `json:"value"`
}

func (a alert) String() string {
	keys := ir.SortedKeys(a.Labels)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if k != "alertname" {
			parts = append(parts, fmt.Sprintf("%s=%q", k, a.Labels[k]))
		}
	}
	return fmt.Sprintf("%s{%s} %s (value %s)", a.Labels["alertname"], strings.Join(parts, ", "), a.State, a.Value)
}

func (st *stack) alerts() ([]alert, error) {
	var resp struct {
		Status string `json:"status"`
		Data   struct {
			Alerts []alert `json:"alerts"`
		} `json:"data"`
	}
	if err := st.prom.Get("/api/v1/alerts", &resp); err != nil {
		return nil, err
	}
	if resp.Status != "success" {
		return nil, fmt.Errorf("/api/v1/alerts: status %q", resp.Status)
	}
	sort.Slice(resp.Data.Alerts, func(i, j int) bool { return resp.Data.Alerts[i].String() < resp.Data.Alerts[j].String() })
	return resp.Data.Alerts, nil
}

// generatedAlerts are the names of every alert obsc generates for m.
func generatedAlerts(m *ir.Module) map[string]bool {
	names := map[string]bool{}
	for _, a := range m.Alerts {
		names[a.Name] = true
	}
	for _, s := range m.SLOs {
		for _, tier := range []*ir.Tier{s.Page, s.Ticket} {
			if tier != nil {
				names[tier.Name] = true
			}
		}
	}
	return names
}

// quiet is the healthy-traffic check: it returns an error naming every
// pending or firing alert whose name is in names.
func quiet(alerts []alert, names map[string]bool) error {
	var active []string
	for _, a := range alerts {
		if names[a.Labels["alertname"]] && (a.State == "pending" || a.State == "firing") {
			active = append(active, a.String())
		}
	}
	if len(active) > 0 {
		return fmt.Errorf("%d alert(s) active under healthy traffic:\n  %s", len(active), strings.Join(active, "\n  "))
	}
	return nil
}

// firing returns nil when alert name is firing with label=value.
func firing(alerts []alert, name, label, value string) error {
	for _, a := range alerts {
		if a.Labels["alertname"] == name && a.Labels[label] == value && a.State == "firing" {
			return nil
		}
	}
	return fmt.Errorf("%s{%s=%q} is not firing; active: %s", name, label, value, describe(alerts))
}

// onlyFor returns an error when alert name is active (pending or firing)
// with label set to anything but value.
func onlyFor(alerts []alert, name, label, value string) error {
	for _, a := range alerts {
		if a.Labels["alertname"] == name && a.Labels[label] != value {
			return fmt.Errorf("%s is %s for %s=%q, want it only for %q: %s", name, a.State, label, a.Labels[label], value, a)
		}
	}
	return nil
}

func describe(alerts []alert) string {
	if len(alerts) == 0 {
		return "none"
	}
	s := make([]string, len(alerts))
	for i, a := range alerts {
		s[i] = a.String()
	}
	return strings.Join(s, "; ")
}

// query runs an instant PromQL query and returns the sample values.
func (st *stack) query(q string) ([]string, error) {
	var resp struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := st.prom.Get("/api/v1/query?"+url.Values{"query": {q}}.Encode(), &resp); err != nil {
		return nil, err
	}
	if resp.Status != "success" {
		return nil, fmt.Errorf("query %s: %s", q, resp.Error)
	}
	switch resp.Data.ResultType {
	case "vector":
		var v []struct {
			Value [2]any `json:"value"`
		}
		if err := json.Unmarshal(resp.Data.Result, &v); err != nil {
			return nil, err
		}
		out := make([]string, len(v))
		for i, s := range v {
			out[i] = fmt.Sprint(s.Value[1])
		}
		return out, nil
	case "scalar":
		var s [2]any
		if err := json.Unmarshal(resp.Data.Result, &s); err != nil {
			return nil, err
		}
		return []string{fmt.Sprint(s[1])}, nil
	}
	return nil, fmt.Errorf("query %s: result type %s", q, resp.Data.ResultType)
}

func (st *stack) count(q string) (int, error) {
	v, err := st.query(q)
	return len(v), err
}

func (st *stack) value(q string) (float64, error) {
	v, err := st.query(q)
	if err != nil {
		return 0, err
	}
	if len(v) != 1 {
		return 0, fmt.Errorf("query %s: %d samples, want 1", q, len(v))
	}
	var f float64
	_, err = fmt.Sscan(v[0], &f)
	return f, err
}

// series returns every series the demo's scrape job produced, by name.
func (st *stack) series(m *ir.Module) (map[string][]map[string]string, error) {
	var resp struct {
		Status string              `json:"status"`
		Data   []map[string]string `json:"data"`
	}
	sel := fmt.Sprintf(`{job=%q}`, m.Name)
	if err := st.prom.Get("/api/v1/series?"+url.Values{"match[]": {sel}}.Encode(), &resp); err != nil {
		return nil, err
	}
	if resp.Status != "success" {
		return nil, fmt.Errorf("/api/v1/series: status %q", resp.Status)
	}
	out := map[string][]map[string]string{}
	for _, s := range resp.Data {
		out[s["__name__"]] = append(out[s["__name__"]], s)
	}
	return out, nil
}

// notScraped are series the job has that the demo did not expose: the
// scrape's own health and the alerts of rules that keep the job label.
var notScraped = map[string]bool{
	"up": true, "scrape_duration_seconds": true, "scrape_samples_scraped": true,
	"scrape_samples_post_metric_relabeling": true, "scrape_series_added": true,
	"ALERTS": true, "ALERTS_FOR_STATE": true,
}

// checkSeries checks what Prometheus stored against the spec: every
// declared metric is present; nothing undeclared is; every label is one
// the metric declares, with a declared value (and a declared (component,
// port) pair); bounded labels stay within maxValues; and each metric has
// at most the series `obsc cardinality` predicts (Metric.Series).
func checkSeries(st *stack, m *ir.Module) error {
	byName, err := st.series(m)
	if err != nil {
		return err
	}
	return judgeSeries(byName, m)
}

// judgeSeries is checkSeries on series already fetched, by name.
func judgeSeries(byName map[string][]map[string]string, m *ir.Module) error {
	pairs := map[string]bool{}
	if m.Standard != nil {
		for _, c := range m.Standard.Components {
			for _, p := range c.Ports {
				pairs[c.Name+"/"+p] = true
			}
		}
	}
	counts := map[string]int{}
	seen := map[string]map[string]bool{} // bounded label -> values
	var problems []string
	for name, list := range byName {
		if notScraped[name] {
			continue
		}
		mt, suffix := familyOf(m, name)
		if mt == nil {
			problems = append(problems, fmt.Sprintf("undeclared metric %s", name))
			continue
		}
		counts[mt.Name] += len(list)
		for _, s := range list {
			if s[ir.LabelModule] != m.Name {
				problems = append(problems, fmt.Sprintf("%s without module=%q: %v", name, m.Name, s))
			}
			for l, v := range s {
				switch {
				case l == "__name__" || l == "job" || l == "instance" || l == ir.LabelModule:
				case l == "le" && suffix == "_bucket":
				case !mt.HasLabel(l):
					problems = append(problems, fmt.Sprintf("%s has undeclared label %s=%q", name, l, v))
				default:
					d := m.Label(l)
					if !d.HasValue(v) {
						problems = append(problems, fmt.Sprintf("%s has undeclared value %s=%q", name, l, v))
					}
					if d.Values == nil {
						if seen[l] == nil {
							seen[l] = map[string]bool{}
						}
						seen[l][v] = true
					}
				}
			}
			if mt.Pairs && !pairs[s["component"]+"/"+s["port"]] {
				problems = append(problems, fmt.Sprintf("%s has undeclared (component, port) pair %s/%s", name, s["component"], s["port"]))
			}
		}
	}
	for l, vs := range seen {
		if d := m.Label(l); len(vs) > d.MaxValues {
			problems = append(problems, fmt.Sprintf("label %s has %d values, over its bound of %d", l, len(vs), d.MaxValues))
		}
	}
	total := 0
	for _, mt := range m.Metrics {
		n := counts[mt.Name]
		total += n
		switch {
		case n == 0:
			problems = append(problems, fmt.Sprintf("declared metric %s has no series", mt.Name))
		case n > mt.Series:
			problems = append(problems, fmt.Sprintf("%s has %d series, over the %d obsc cardinality predicts", mt.Name, n, mt.Series))
		}
	}
	if total > m.Cardinality.Series {
		problems = append(problems, fmt.Sprintf("module has %d series, over the %d predicted", total, m.Cardinality.Series))
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return errors.New("series do not match the spec:\n  " + strings.Join(problems, "\n  "))
	}
	return nil
}

// familyOf maps an exposed series name to its declared metric: a
// histogram's _bucket, _sum and _count belong to it.
func familyOf(m *ir.Module, name string) (*ir.Metric, string) {
	if mt := m.Metric(name); mt != nil {
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

func seriesSummary(st *stack, m *ir.Module) string {
	byName, err := st.series(m)
	if err != nil {
		return err.Error()
	}
	var parts []string
	total := 0
	for _, mt := range m.Metrics {
		n := 0
		for name, list := range byName {
			if fm, _ := familyOf(m, name); fm == mt {
				n += len(list)
			}
		}
		total += n
		parts = append(parts, fmt.Sprintf("%s %d/%d", mt.Name, n, mt.Series))
	}
	return fmt.Sprintf("%s; module %d/%d", strings.Join(parts, ", "), total, m.Cardinality.Series)
}

// panelQuery is one target of a dashboard panel.
type panelQuery struct {
	Panel      string
	Expr       string
	Datasource string // datasource type
}

// skippedDatasources are queried by panels but not part of this test,
// which runs Prometheus only.
var skippedDatasources = map[string]string{
	"loki":  "the logs panel queries Loki, which this test does not run",
	"tempo": "trace queries go to Tempo, which this test does not run",
}

// checkDashboard runs every Prometheus query of the generated dashboard,
// with its template variables substituted, and requires data from each.
// No panel is excluded: the SLO panels read recording rules over windows
// up to 30d, but rate() over a window needs only two samples inside it,
// so they have data after a few seconds too.
func (f *fixture) checkDashboard(t *testing.T, st *stack) {
	t.Helper()
	queries, vars, err := dashboardQueries(f.dashboard)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, q := range queries {
		if why, skip := skippedDatasources[q.Datasource]; skip {
			t.Logf("dashboard: skipping %q: %s", q.Panel, why)
			continue
		}
		if q.Datasource != "prometheus" {
			t.Errorf("dashboard: panel %q queries datasource type %q", q.Panel, q.Datasource)
			continue
		}
		expr, err := substitute(q.Expr, vars)
		if err != nil {
			t.Errorf("dashboard: panel %q: %v", q.Panel, err)
			continue
		}
		// Recording rules and 1m rates may still be a scrape behind.
		err = f.poll(10*time.Second, func() error {
			values, err := st.query(expr)
			if err == nil && len(values) == 0 {
				err = errors.New("no data")
			}
			return err
		})
		if err != nil {
			t.Errorf("dashboard: panel %q: %v: %s", q.Panel, err, expr)
		}
		ran++
	}
	if ran == 0 {
		t.Fatal("dashboard: no Prometheus query found")
	}
	t.Logf("dashboard: all %d Prometheus panel queries return data", ran)
}

// dashboardQueries walks the dashboard JSON (rows nest panels) and
// returns every query with the values its template variables take.
func dashboardQueries(data []byte) ([]panelQuery, map[string]string, error) {
	var d struct {
		Panels     []json.RawMessage `json:"panels"`
		Templating struct {
			List []struct {
				Name     string `json:"name"`
				Type     string `json:"type"`
				Multi    bool   `json:"multi"`
				All      bool   `json:"includeAll"`
				AllValue string `json:"allValue"`
				Query    any    `json:"query"`
				Current  struct {
					Value any `json:"value"`
				} `json:"current"`
				Options []struct {
					Value string `json:"value"`
				} `json:"options"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, nil, err
	}
	vars := map[string]string{
		// Grafana's built-ins, at values a 1s-scrape Prometheus can answer.
		"__rate_interval": "1m",
		"__interval":      "1m",
		"__range":         "5m",
	}
	for _, v := range d.Templating.List {
		switch {
		case v.Type == "datasource":
			vars[v.Name] = "prometheus"
		case v.Multi || v.All:
			// "All": Grafana sends the allValue, or a regex of every option.
			vars[v.Name] = v.AllValue
			if v.AllValue == "" {
				vars[v.Name] = ".*"
			}
		case fmt.Sprint(v.Current.Value) != "" && v.Current.Value != nil:
			vars[v.Name] = fmt.Sprint(v.Current.Value)
		case len(v.Options) > 0:
			vars[v.Name] = v.Options[0].Value
		default:
			return nil, nil, fmt.Errorf("template variable %s has no value to substitute", v.Name)
		}
	}
	type panel struct {
		Title      string `json:"title"`
		Datasource *struct {
			Type string `json:"type"`
		} `json:"datasource"`
		Targets []struct {
			Expr       string `json:"expr"`
			Datasource *struct {
				Type string `json:"type"`
			} `json:"datasource"`
		} `json:"targets"`
		Panels []json.RawMessage `json:"panels"`
	}
	var out []panelQuery
	var walk func([]json.RawMessage) error
	walk = func(raw []json.RawMessage) error {
		for _, r := range raw {
			var p panel
			if err := json.Unmarshal(r, &p); err != nil {
				return err
			}
			for _, tg := range p.Targets {
				ds := ""
				if p.Datasource != nil {
					ds = p.Datasource.Type
				}
				if tg.Datasource != nil && tg.Datasource.Type != "" {
					ds = tg.Datasource.Type
				}
				if tg.Expr != "" {
					out = append(out, panelQuery{Panel: p.Title, Expr: tg.Expr, Datasource: ds})
				}
			}
			if err := walk(p.Panels); err != nil {
				return err
			}
		}
		return nil
	}
	return out, vars, walk(d.Panels)
}

var varRE = regexp.MustCompile(`\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)`)

// substitute replaces Grafana template variables ($x, ${x}, ${x:fmt},
// [[x]]) in expr; an unknown variable is an error.
func substitute(expr string, vars map[string]string) (string, error) {
	var missing []string
	out := varRE.ReplaceAllStringFunc(expr, func(s string) string {
		m := varRE.FindStringSubmatch(s)
		name := m[1] + m[2] + m[3]
		v, ok := vars[name]
		if !ok {
			missing = append(missing, name)
			return s
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("unknown template variable(s) %v in %s", missing, expr)
	}
	return out, nil
}

func (st *stack) getDemo(path string) (int, error) {
	return get("http://" + st.demo + path)
}

func get(u string) (int, error) {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func compileModule(t *testing.T, dir string) *ir.Module { return compiletest.Module(t, dir) }

// buildDemo builds the demo into a temporary directory.
func buildDemo(t *testing.T) string {
	t.Helper()
	// go test puts its own GOROOT/bin first in the test's PATH.
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("no go command to build the demo with")
	}
	bin := filepath.Join(t.TempDir(), "demo")
	cmd := exec.Command(goBin, "build", "-o", bin, demoPkg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", demoPkg, err, out)
	}
	return bin
}

// syncBuffer collects a process's output for failure messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) WriteLine(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.WriteString(s + "\n")
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startDemo runs the demo on a free port (it prints the address it got)
// and stops it when the test ends: SIGTERM, then SIGKILL after 5s. It
// checks the port is free again afterwards.
func startDemo(t *testing.T, bin string, args []string) (string, func() string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-listen", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatalf("could not start the demo: %v", err)
	}
	logs := &syncBuffer{}
	addrCh := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			logs.WriteLine(line)
			if a, ok := strings.CutPrefix(line, "demo: listening on http://"); ok {
				addrCh <- a
			}
		}
	}()
	exited := make(chan error, 1)
	go func() {
		<-scanned // Wait closes the pipe: read it to the end first
		exited <- cmd.Wait()
	}()
	var addr string
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("the demo did not stop within 5s of SIGTERM; killed it")
		}
		if addr != "" {
			if l, err := net.Listen("tcp", addr); err != nil {
				t.Errorf("the demo's port %s is still in use after it stopped: %v", addr, err)
			} else {
				l.Close()
			}
		}
	})
	select {
	case addr = <-addrCh:
	case err := <-exited:
		exited <- err // for the cleanup
		t.Fatalf("the demo exited before listening: %v\n%s", err, logs.String())
	case <-time.After(10 * time.Second):
		t.Fatalf("the demo did not print its address within 10s\n%s", logs.String())
	}
	return addr, logs.String
}
