package compile

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/targets"
	"github.com/tinysystems/obsc/targets/gogen"
	"github.com/tinysystems/obsc/targets/grafana"
	"github.com/tinysystems/obsc/targets/k8s"
	"github.com/tinysystems/obsc/targets/prometheus"
)

// seedModules returns the examples and every module of the bad corpora
// (compile/testdata/bad, testdata/bad), each as one module file.
func seedModules(tb testing.TB) [][]byte {
	var seeds [][]byte
	examples, _ := filepath.Glob("../examples/*/*.cue")
	for _, f := range examples {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, data)
	}
	cases, _ := filepath.Glob("testdata/bad/*.txtar")
	cli, _ := filepath.Glob("../testdata/bad/*.txtar")
	for _, f := range append(cases, cli...) {
		ar, err := txtar.ParseFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var module, extra []byte
		for _, af := range ar.Files {
			switch {
			case af.Name == "module.cue":
				module = af.Data
			case filepath.Ext(af.Name) == ".cue":
				// A case file adds to the base module: append it without
				// its package clause.
				extra = append(extra, regexp.MustCompile(`(?m)^package \w+$`).ReplaceAll(af.Data, nil)...)
			}
		}
		if module == nil {
			module = []byte(baseModule)
		}
		seeds = append(seeds, append(append([]byte{}, module...), extra...))
	}
	if len(seeds) < 50 {
		tb.Fatalf("only %d seeds", len(seeds))
	}
	return seeds
}

// fuzzTimeout bounds compiling and rendering one fuzz input.
const fuzzTimeout = 20 * time.Second

// fuzzCompiler is reused across inputs (a fuzz worker calls the target
// serially) and renewed now and then, so one CUE context does not grow
// for the whole run.
var (
	fuzzCompiler *Compiler
	fuzzUses     int
)

func compilerForFuzz(t *testing.T) *Compiler {
	if fuzzCompiler == nil || fuzzUses > 200 {
		c, err := NewCompiler()
		if err != nil {
			t.Fatal(err)
		}
		fuzzCompiler, fuzzUses = c, 0
	}
	fuzzUses++
	return fuzzCompiler
}

// FuzzModule compiles arbitrary bytes as a module.cue. Compiling must not
// panic, every error must carry a position, and a module that compiles
// must render with every target without panic or error: the compiler's
// checks are what the targets rely on.
func FuzzModule(f *testing.F) {
	for _, s := range seedModules(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// A hang is exhaustion too: crash, so the fuzzer keeps the input.
		watchdog := time.AfterFunc(fuzzTimeout, func() {
			panic(fmt.Sprintf("compiling and rendering took over %v:\n%s", fuzzTimeout, src))
		})
		defer watchdog.Stop()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "module.cue"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		m, errs := compilerForFuzz(t).Module(dir)
		if len(errs) > 0 {
			_, _ = library(dir, nil) // what AllCached asks of a failed directory: no panic
			for _, e := range errs {
				if !e.Pos.IsValid() {
					t.Errorf("error without a position: %v", e)
				}
				// Under SelfCheck: the fast path and CUE disagree.
				if strings.Contains(e.Msg, "internal error") {
					t.Errorf("%v\nmodule:\n%s", e, src)
				}
			}
			return
		}
		renderAll(t, m)
	})
}

// TestMain turns targets.SelfCheck on, so that FuzzModule (and its seed
// corpus, run by every go test) also compares every target's fast paths
// with the slow ones they replace, on every module that compiles: a
// mismatch is an internal error, which renderAll reports.
func TestMain(m *testing.M) {
	targets.SelfCheck = true
	SelfCheck = true
	os.Exit(m.Run())
}

func renderAll(t *testing.T, m *ir.Module) {
	t.Helper()
	for name, render := range map[string]func(*ir.Module) (targets.FileSet, error){
		"k8s":        k8s.Render,
		"prometheus": prometheus.Render,
		"grafana":    grafana.Render,
		"gogen":      func(m *ir.Module) (targets.FileSet, error) { return gogen.Render(m, "metrics") },
		"k8s root":   func(m *ir.Module) (targets.FileSet, error) { return k8s.RenderRoot([]*ir.Module{m}) },
	} {
		fs, err := render(m)
		if err != nil {
			t.Errorf("%s target fails on a module that compiled: %v", name, err)
			continue
		}
		for _, p := range fs.Paths() {
			if !targets.IsGenerated(fs[p]) {
				t.Errorf("%s target: %s lacks the generated-file header", name, p)
			}
		}
	}
}

// exprSeeds are the expr strings of the examples and bad corpora.
func exprSeeds(tb testing.TB) []string {
	re := regexp.MustCompile(`expr:\s*("(?:[^"\\\n]|\\.)*")`)
	var out []string
	for _, s := range seedModules(tb) {
		for _, m := range re.FindAllSubmatch(s, -1) {
			if e, err := strconv.Unquote(string(m[1])); err == nil {
				out = append(out, e)
			}
		}
	}
	return append(out,
		`sum by (le) (rate(latency_seconds_bucket[5m]))`,
		`histogram_quantile(0.99, sum by (le) (rate(latency_seconds_bucket[5m]))) > 1`,
		`sum(rate(requests_total{status="error"}[5m])) / sum(rate(requests_total[5m])) > 0.05`,
		`requests_total{status=~"err.*|ok", module!="x"} offset 5m @ 100`,
		`{__name__=~"requests_total|queue_depth"}`,
		`label_replace(queue_depth, "a", "$1", "b", "(.*)")`,
		`max_over_time(queue_depth[1h:5m]) > 3`,
		`slo:sli_error:ratio_rate5m{slo="x"} > 0`,
	)
}

// FuzzPromQL runs arbitrary expressions through the checks of a user
// expr (parse, checkExpr against the catalog, confine to the module,
// re-print) on the base module of the bad corpus. It must not panic, an
// error position must lie inside the module file, and an accepted
// expression must re-print as PromQL that parses again — that string is
// what the rule files carry.
func FuzzPromQL(f *testing.F) {
	for _, s := range exprSeeds(f) {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Add(`sum(rate(requests_total[$__rate_interval])) / sum(rate(requests_total[${__interval}]))`)
	f.Add(`max_over_time(queue_depth[$__range]) > $__interval`)
	if err := os.WriteFile(filepath.Join(dir, "module.cue"), []byte(baseModule+"alerts: X: {expr: \"sum(queue_depth) > 1\"}\n"+
		"dashboard: panels: [{title: \"P\", expr: \"sum(queue_depth)\"}]\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	c, err := NewCompiler()
	if err != nil {
		f.Fatal(err)
	}
	user, unified, errs := c.load(dir)
	if len(errs) > 0 {
		f.Fatal(errs)
	}
	var s spec
	if err := unified.Decode(&s); err != nil {
		f.Fatal(err)
	}
	base := &builder{src: &source{user: user, unified: unified, dir: dir}, spec: &s}
	m := base.build()
	if len(base.errs) > 0 {
		f.Fatal(base.errs)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		// As an alert's expr, and as a panel's, which may read Grafana's
		// range variables (substituted here to parse what it printed).
		for _, use := range []struct {
			use  exprUse
			path []any
		}{{exprAlert, []any{"alerts", "X", "expr"}}, {exprPanel, []any{"dashboard", "panels", 0, "expr"}}} {
			b := &builder{src: base.src, spec: base.spec, m: m}
			out := b.promql(expr, use.use, use.path...)
			for _, e := range b.errs {
				if !e.Pos.IsValid() || e.Pos.File != filepath.Join(dir, "module.cue") {
					t.Errorf("error not positioned in the module file: %v", e)
				}
			}
			if len(b.errs) > 0 {
				continue
			}
			if _, err := promParser.ParseExpr(ir.GrafanaRangeVar.ReplaceAllString(out, "5m")); err != nil {
				t.Errorf("accepted expression re-prints as PromQL that does not parse: %v\n in: %q\nout: %q", err, expr, out)
			}
		}
	})
}
