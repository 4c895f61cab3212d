package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tinysystems/obsc/bench/corpus"
	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/compiletest"
	"github.com/tinysystems/obsc/targets"
	"github.com/tinysystems/obsc/targets/grafana"
	"github.com/tinysystems/obsc/targets/k8s"
	"github.com/tinysystems/obsc/targets/prometheus"
)

// The per-module stages of obsc build, one benchmark module each (see
// package corpus). compile/compile_bench_test.go splits the compile stage
// into CUE load/unify and obsc's decode and checks.

func benchModule(b *testing.B) *ir.Module {
	b.Helper()
	root := b.TempDir()
	if err := corpus.Write(root, 1, false); err != nil {
		b.Fatal(err)
	}
	return compiletest.Module(b, filepath.Join(root, "modules", corpus.Name(1)))
}

var renderers = map[string]func(*ir.Module) (targets.FileSet, error){
	"k8s":        k8s.Render,
	"prometheus": prometheus.Render,
	"grafana":    grafana.Render,
}

// BenchmarkRender is each target rendering one module.
func BenchmarkRender(b *testing.B) {
	m := benchModule(b)
	for _, name := range []string{"k8s", "prometheus", "grafana"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := renderers[name](m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func renderAll(b *testing.B, m *ir.Module) targets.FileSet {
	all := targets.FileSet{}
	for _, r := range renderers {
		fs, err := r(m)
		if err != nil {
			b.Fatal(err)
		}
		if err := all.Merge(fs); err != nil {
			b.Fatal(err)
		}
	}
	return all
}

// BenchmarkWrite is writing one module's files into a fresh output tree.
func BenchmarkWrite(b *testing.B) {
	files := renderAll(b, benchModule(b))
	tmp := b.TempDir()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		out := filepath.Join(tmp, "out", string(rune('a'+i%26)), filepath.Base(os.DevNull)+string(rune('0'+i%10)))
		os.RemoveAll(out)
		tree, err := targets.ReadTree(out)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := targets.Replace(context.Background(), out, files, tree); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck is build --check of one module against an up-to-date
// tree: read it back and compare.
func BenchmarkCheck(b *testing.B) {
	files := renderAll(b, benchModule(b))
	out := filepath.Join(b.TempDir(), "out")
	tree, err := targets.ReadTree(out)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := targets.Replace(context.Background(), out, files, tree); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tree, err := targets.ReadTree(out)
		if err != nil {
			b.Fatal(err)
		}
		if ch, err := targets.Compare(tree, files); err != nil || len(ch) != 0 {
			b.Fatalf("%d changes, %v", len(ch), err)
		}
	}
}
