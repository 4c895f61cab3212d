package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/internal/treetest"
)

// splitModule cuts a module file into pieces — each top-level field, and
// each field of a top-level struct on its own (`slos: latency: {...}`) —
// shuffles them and deals them into n files of one package. CUE unifies
// the files to the same value, so obsc must write the same bytes.
func splitModule(t *testing.T, src []byte, n int, rng *rand.Rand) []string {
	t.Helper()
	f, err := parser.ParseFile("module.cue", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var pieces []string
	add := func(n ast.Node) {
		b, err := format.Node(n)
		if err != nil {
			t.Fatal(err)
		}
		pieces = append(pieces, string(b))
	}
	for _, d := range f.Decls {
		field, ok := d.(*ast.Field)
		if !ok {
			if _, pkg := d.(*ast.Package); !pkg {
				if _, imp := d.(*ast.ImportDecl); imp {
					t.Fatal("splitModule: imports are not supported")
				}
			}
			continue
		}
		st, ok := field.Value.(*ast.StructLit)
		split := ok && len(st.Elts) > 1
		if split {
			for _, e := range st.Elts {
				if _, ok := e.(*ast.Field); !ok {
					split = false
				}
			}
		}
		if !split {
			add(field)
			continue
		}
		for _, e := range st.Elts {
			add(&ast.Field{Label: field.Label, Value: &ast.StructLit{Elts: []ast.Decl{e}}})
		}
	}
	if len(pieces) < 2*n {
		t.Fatalf("splitModule: only %d pieces for %d files", len(pieces), n)
	}
	rng.Shuffle(len(pieces), func(i, j int) { pieces[i], pieces[j] = pieces[j], pieces[i] })
	files := make([]string, n)
	for i, p := range pieces {
		files[i%n] += p + "\n"
	}
	for i := range files {
		files[i] = "package obs\n\n" + files[i]
	}
	return files
}

// TestDeterminismShuffled builds the examples as given with GOMAXPROCS=1,
// then rebuilt from shuffled copies — every module split into several
// files with its fields in random order, under random directory and file
// names, the patterns given one by one in random order — with GOMAXPROCS
// 1, 2 and 4, and wants every tree byte-identical to the first.
func TestDeterminismShuffled(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	examples, err := filepath.Abs(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	mods, err := filepath.Glob(filepath.Join(examples, "*", "module.cue"))
	if err != nil || len(mods) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	work := t.TempDir()
	code, _, stderr := obscExec(t, work, []string{"GOMAXPROCS=1"}, "build", "-o", "ref", examples+"/...")
	if code != 0 {
		t.Fatalf("build examples: exit %d\n%s", code, stderr)
	}
	want := treetest.Snapshot(t, filepath.Join(work, "ref"))

	variants := 3
	if testing.Short() {
		variants = 1
	}
	for v := range variants {
		specs := filepath.Join(work, fmt.Sprintf("specs-%d", v))
		var patterns []string
		for _, m := range mods {
			src, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(specs, fmt.Sprintf("d%x", rng.Uint32()))
			files := splitModule(t, src, 2+rng.IntN(3), rng)
			if v == 0 {
				t.Logf("%s split into %d files", m, len(files))
			}
			for i, content := range files {
				writeFile(t, filepath.Join(dir, fmt.Sprintf("%c%d.cue", 'a'+rng.IntN(26), i)), content)
			}
			patterns = append(patterns, dir)
		}
		rng.Shuffle(len(patterns), func(i, j int) { patterns[i], patterns[j] = patterns[j], patterns[i] })
		for _, procs := range []int{1, 2, 4} {
			out := fmt.Sprintf("out-%d-%d", v, procs)
			args := append([]string{"build", "-o", out}, patterns...)
			if procs == 2 {
				args = []string{"build", "-o", out, specs + "/..."}
			}
			code, _, stderr := obscExec(t, work, []string{fmt.Sprintf("GOMAXPROCS=%d", procs)}, args...)
			if code != 0 {
				t.Fatalf("variant %d, GOMAXPROCS=%d: exit %d\n%s", v, procs, code, stderr)
			}
			if diff := cmp.Diff(want, treetest.Snapshot(t, filepath.Join(work, out))); diff != "" {
				t.Errorf("variant %d (%s), GOMAXPROCS=%d: output differs from the examples' (-want +got):\n%s",
					v, strings.Join(patterns, " "), procs, diff)
			}
		}
	}
}
