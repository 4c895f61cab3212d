package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	examplesDir = "../../examples"
	goldenDir   = "../../golden"
)

// buildExamples runs `obsc build -o DIR examples/...` in process and
// returns the tree it wrote.
func buildExamples(t *testing.T, args ...string) map[string][]byte {
	t.Helper()
	out := t.TempDir()
	var stderr bytes.Buffer
	c := &cli{stdout: &bytes.Buffer{}, stderr: &stderr, cwd: mustGetwd(t)}
	argv := append([]string{"build", "-o", out}, args...)
	argv = append(argv, examplesDir+"/...")
	if code := c.main(argv); code != exitOK {
		t.Fatalf("obsc build: exit %d\n%s", code, stderr.String())
	}
	return readTree(t, out)
}

func mustGetwd(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestGolden compares obsc build of examples/ with golden/ byte for byte.
// `go test ./... -update` (make golden) rewrites golden/; review the diff.
func TestGolden(t *testing.T) {
	got := buildExamples(t)
	if *update {
		if err := os.RemoveAll(goldenDir); err != nil {
			t.Fatal(err)
		}
		for p, data := range got {
			full := filepath.Join(goldenDir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := readTree(t, goldenDir)
	paths := map[string]bool{}
	for p := range got {
		paths[p] = true
	}
	for p := range want {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	for _, p := range sorted {
		g, inGot := got[p]
		w, inWant := want[p]
		switch {
		case !inGot:
			t.Errorf("%s: in golden/ but no longer generated", p)
		case !inWant:
			t.Errorf("%s: generated but not in golden/ (run go test ./cmd/obsc -update)", p)
		default:
			if diff := cmp.Diff(string(w), string(g)); diff != "" {
				t.Errorf("%s mismatch (-golden +generated):\n%s", p, diff)
			}
		}
	}
}

// TestBuildDeterministic builds the examples twice, and with the module
// directories given in reverse order, and wants identical trees.
func TestBuildDeterministic(t *testing.T) {
	first := buildExamples(t)
	second := buildExamples(t)
	if diff := cmp.Diff(first, second); diff != "" {
		t.Fatalf("two builds differ (-first +second):\n%s", diff)
	}
}
