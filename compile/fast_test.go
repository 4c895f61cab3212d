package compile

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/bench/corpus"
)

// fastSLO is an SLO with an alerting section to vary.
const fastSLO = `
slos: avail: {
	objective: 99.9
	ratio: {metric: "requests_total", errors: status: "error"}
	alerting: %s
}
`

// TestFastPath compiles modules both ways: the fast path (decodeSyntax)
// must take the plain-data ones and build exactly the IR CUE's way builds,
// positions included, and decline the rest.
func TestFastPath(t *testing.T) {
	slo := func(alerting string) string { return baseModule + fmt.Sprintf(fastSLO, alerting) }
	cases := []struct {
		name  string
		files map[string]string
		fast  bool
	}{
		{"base, metrics written twice and merged", map[string]string{"module.cue": baseModule}, true},
		{"tier defaults", map[string]string{"module.cue": slo("{}")}, true},
		{"page off", map[string]string{"module.cue": slo("{page: false}")}, true},
		{"empty page is the default", map[string]string{"module.cue": slo("{page: {}}")}, true},
		{"page with a name only", map[string]string{"module.cue": slo(`{page: {name: "Down"}}`)}, true},
		{"page severity and name", map[string]string{"module.cue": slo(`{page: {severity: "critical", name: "Down"}, ticket: {severity: "info"}}`)}, true},
		{"tier labels and annotations", map[string]string{"module.cue": slo(`{ticket: {labels: {channel: "x"}, annotations: {note: "y"}}}`)}, true},
		{"tier extra label: a pattern only CUE can judge", map[string]string{"module.cue": slo(`{ticket: {channel: "x"}}`)}, false},
		{"matcher lists", map[string]string{"module.cue": baseModule + `
alerts: Errors: {errorRatio: {metric: "requests_total", errors: status: ["error"], by: []}, above: 0.1, for: "5m"}
`}, true},
		{"numbers: int for a number, exponent", map[string]string{"module.cue": baseModule + `
slos: a: {objective: 99, latency: {metric: "latency_seconds", threshold: 5e-1}}
alerts: Slow: {quantile: {metric: "latency_seconds", q: 0.99, by: []}, above: 0.5, for: "10m"}
`}, true},
		{"quoted labels, escapes, multi-line string, comments", map[string]string{"module.cue": `package obs

// the module
module: {"name": "base", namespace: "ns", team: "caf\u00e9"} // trailing
scrape: {selector: {"app.kubernetes.io/name": "base"}, portNumber: 8080}
labels: status: values: ["ok", "error"]
metrics: requests_total: {
	type: "counter"
	help: """
		Requests
		served
		"""
	labels: ["status"]
}
`}, true},
		{"two files", map[string]string{"a.cue": "package obs\n\nmodule: {name: \"base\", namespace: \"ns\"}\nscrape: {selector: app: \"base\", portNumber: 8080}\n", "b.cue": "package obs\n\nmetrics: queue_depth: {type: \"gauge\", help: \"Queue depth\"}\n"}, true},
		{"probes with defaults, panels, dashboard labels", map[string]string{"module.cue": baseModule + `
probes: {liveness: {path: "/healthz", port: 8080}, startup: {path: "/healthz", port: 8080, period: "5s"}}
dashboard: panels: [{title: "Depth", expr: "sum(queue_depth)"}, {title: "p99", expr: "histogram_quantile(0.99, sum by (le) (rate(latency_seconds_bucket[5m])))", kind: "stat"}]
kubernetes: dashboardLabels: {grafana_dashboard: "1", team: "x"}
`}, true},
		{"a reference", map[string]string{"module.cue": baseModule + "\nmodule: team: module.namespace\n"}, false},
		{"an expression", map[string]string{"module.cue": baseModule + "\ncardinality: replicas: 1 + 1\n"}, false},
		{"an underscore in a number", map[string]string{"module.cue": baseModule + "\ncardinality: maxSeries: 10_000\n"}, false},
		{"a scalar written twice", map[string]string{"module.cue": baseModule + "\nmodule: namespace: \"ns\"\n"}, false},
		{"a let", map[string]string{"module.cue": baseModule + "\nlet n = \"ns\"\nmodule: team: n\n"}, false},
	}
	c, err := NewCompiler()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			inst, plain, errs := c.instance(dir, nil)
			if len(errs) > 0 || !plain {
				t.Fatalf("instance: plain=%v, %v", plain, errs)
			}
			fast := c.fast(dir, inst)
			slow, errs := c.slow(dir, inst)
			if len(errs) > 0 {
				t.Fatalf("the case must compile; CUE says: %v", errs)
			}
			if (fast != nil) != tc.fast {
				t.Fatalf("fast path taken = %v, want %v", fast != nil, tc.fast)
			}
			if fast != nil {
				if d := cmp.Diff(slow, fast); d != "" {
					t.Errorf("IR differs (-cue +fast):\n%s", d)
				}
			}
		})
	}
}

// TestFastPathExamples: the examples take the fast path, so a change to
// the schema or the plan that sends them down the slow one (5x the cost
// of compiling) fails here rather than only in make bench.
func TestFastPathExamples(t *testing.T) {
	dirs, err := filepath.Glob("../examples/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	c, err := NewCompiler()
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		inst, plain, errs := c.instance(dir, nil)
		if len(errs) > 0 || !plain {
			t.Fatalf("%s: plain=%v, %v", dir, plain, errs)
		}
		if c.fast(dir, inst) == nil {
			t.Errorf("%s: the fast path declined the example", dir)
		}
	}
}

// TestFastPlan: only the parts of #Module the plan cannot describe are
// left to CUE, each with a default for when the user does not write it.
func TestFastPlan(t *testing.T) {
	root, err := modulePlan()
	if err != nil {
		t.Fatal(err)
	}
	var cuePaths []string
	var walk func(p *plan)
	walk = func(p *plan) {
		switch p.kind {
		case planStruct:
			for _, f := range p.fields {
				walk(f.plan)
			}
		case planMap, planList, planPtr:
			walk(p.elem)
		case planCUE:
			cuePaths = append(cuePaths, p.path.String())
			if !p.hasDef {
				t.Errorf("%v: no default", p.path)
			}
		}
	}
	walk(root)
	if d := cmp.Diff([]string{"kubernetes.dashboardLabels"}, cuePaths); d != "" {
		t.Errorf("parts left to CUE (-want +got):\n%s", d)
	}
}

// TestFastPathBenchCorpus: the modules make bench generates take the fast
// path, and build the IR CUE's way builds.
func TestFastPathBenchCorpus(t *testing.T) {
	root := t.TempDir()
	c, err := NewCompiler()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		if err := corpus.Write(root, i, false); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(root, "modules", corpus.Name(i))
		inst, plain, errs := c.instance(dir, nil)
		if len(errs) > 0 || !plain {
			t.Fatalf("%s: plain=%v, %v", dir, plain, errs)
		}
		fast := c.fast(dir, inst)
		if fast == nil {
			t.Fatalf("%s: the fast path declined the module", corpus.Name(i))
		}
		if errs := c.checkFast(dir, inst, fast); len(errs) > 0 {
			t.Fatalf("%s: %v", corpus.Name(i), errs)
		}
	}
}
