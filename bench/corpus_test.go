package bench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tinysystems/obsc/bench/corpus"
	"github.com/tinysystems/obsc/internal/compiletest"
	"github.com/tinysystems/obsc/internal/promtest"
	"github.com/tinysystems/obsc/targets/prometheus"
)

// TestCorpusPassesPromtool compiles the first modules of the benchmark
// corpus (their components, ports, thresholds and objectives vary with i)
// and requires promtool to pass the rules and tests obsc writes for each:
// make bench times output that is proven, not just produced.
func TestCorpusPassesPromtool(t *testing.T) {
	promtest.Promtool(t)
	root := t.TempDir()
	for i := range 2 { // promtool takes about 10 s a module: hours of SLO data, every rule each minute
		if err := corpus.Write(root, i, false); err != nil {
			t.Fatal(err)
		}
		m := compiletest.Module(t, filepath.Join(root, "modules", corpus.Name(i)))
		fs, err := prometheus.Render(m)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), m.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{prometheus.RulesFile, prometheus.RulesTestFile} {
			if err := os.WriteFile(filepath.Join(dir, f), fs[m.Name+"/"+f], 0o644); err != nil {
				t.Fatal(err)
			}
		}
		promtest.CheckAndTestRules(t, dir, prometheus.RulesFile, prometheus.RulesTestFile)
	}
}
