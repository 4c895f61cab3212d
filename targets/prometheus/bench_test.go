package prometheus

import (
	"path/filepath"
	"testing"

	promparser "github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/bench/corpus"
	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/compiletest"
	"github.com/tinysystems/obsc/targets"
)

// BenchmarkRender renders one benchmark module (bench/corpus: 4 alerts and
// 3 SLOs) as obsc build does, without SelfCheck, and its two halves apart:
// the rule groups and the promtool test file, before they are marshalled.
func BenchmarkRender(b *testing.B) {
	root := b.TempDir()
	if err := corpus.Write(root, 1, false); err != nil {
		b.Fatal(err)
	}
	m := compiletest.Module(b, filepath.Join(root, "modules", corpus.Name(1)))
	targets.SelfCheck = false
	b.Cleanup(func() { targets.SelfCheck = true })

	for name, f := range map[string]func(*ir.Module) error{
		"all": func(m *ir.Module) error { _, err := Render(m); return err },
		"groups": func(m *ir.Module) error {
			_, err := newBuilder(newDerived(m), promparser.NewParser(promparser.Options{})).groups()
			return err
		},
		"tests": func(m *ir.Module) error {
			_, err := newTestGen(newDerived(m), promparser.NewParser(promparser.Options{})).file()
			return err
		},
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := f(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
