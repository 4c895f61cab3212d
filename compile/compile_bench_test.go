package compile

import (
	"path/filepath"
	"testing"

	"github.com/tinysystems/obsc/bench/corpus"
)

// benchDir writes benchmark module i (see bench/corpus) to a temporary
// directory and returns the module directory. It turns SelfCheck off for
// the benchmark (TestMain turns it on), which would compile every module
// twice.
func benchDir(b *testing.B, i int) string {
	b.Helper()
	noSelfCheck(b)
	root := b.TempDir()
	if err := corpus.Write(root, i, false); err != nil {
		b.Fatal(err)
	}
	return filepath.Join(root, "modules", corpus.Name(i))
}

// BenchmarkNewCompiler is the fixed cost of one worker: a CUE context and
// the embedded schema compiled in it.
func BenchmarkNewCompiler(b *testing.B) {
	for b.Loop() {
		if _, err := NewCompiler(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad is CUE's share of one module: read and parse the files,
// build the instance, unify with #Module and validate.
func BenchmarkLoad(b *testing.B) {
	dir := benchDir(b, 1)
	c, err := NewCompiler()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, errs := c.load(dir); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// BenchmarkDecodeAndCheck is obsc's own share: decode the unified value,
// expand standard, run every check and build the IR.
func BenchmarkDecodeAndCheck(b *testing.B) {
	dir := benchDir(b, 1)
	c, err := NewCompiler()
	if err != nil {
		b.Fatal(err)
	}
	user, unified, errs := c.load(dir)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	for b.Loop() {
		var s spec
		if !decodeSpec(unified, &s) {
			b.Fatal("decodeSpec takes the slow path")
		}
		bl := &builder{src: &source{user: user, unified: unified, dir: dir}, spec: &s, templates: c.templates}
		bl.build()
		if len(bl.errs) > 0 {
			b.Fatal(bl.errs)
		}
	}
}

// BenchmarkFastPath is what replaces BenchmarkLoad and
// BenchmarkDecodeAndCheck for a module of plain data: decode its syntax
// along the plan of #Module, expand standard, run every check, build the
// IR (the files are read and parsed once, outside the loop).
func BenchmarkFastPath(b *testing.B) {
	dir := benchDir(b, 1)
	c, err := NewCompiler()
	if err != nil {
		b.Fatal(err)
	}
	inst, plain, errs := c.instance(dir, nil)
	if len(errs) > 0 || !plain {
		b.Fatal(plain, errs)
	}
	for b.Loop() {
		if c.fast(dir, inst) == nil {
			b.Fatal("the fast path declined the module")
		}
	}
}

// BenchmarkModule is one module end to end through compile.
func BenchmarkModule(b *testing.B) {
	dir := benchDir(b, 1)
	c, err := NewCompiler()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, errs := c.Module(dir); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// noSelfCheck turns SelfCheck off for the rest of benchmark b.
func noSelfCheck(b *testing.B) {
	was := SelfCheck
	SelfCheck = false
	b.Cleanup(func() { SelfCheck = was })
}

// BenchmarkAll compiles 50 modules with All (parallel workers).
func BenchmarkAll(b *testing.B) {
	noSelfCheck(b)
	root := b.TempDir()
	var dirs []string
	for i := range 50 {
		if err := corpus.Write(root, i, false); err != nil {
			b.Fatal(err)
		}
		dirs = append(dirs, filepath.Join(root, "modules", corpus.Name(i)))
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := All(dirs)
		if err != nil || len(res.Errors) > 0 {
			b.Fatal(err, res.Errors)
		}
	}
	b.ReportMetric(float64(50*b.N)/b.Elapsed().Seconds(), "modules/s")
}
