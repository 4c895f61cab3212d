package grafana

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestGolden compares the rendered files of every fixture byte for byte
// with testdata/golden/<fixture>/<path>. Refresh with `go test -update`.
func TestGolden(t *testing.T) {
	for name, m := range fixtures() {
		t.Run(name, func(t *testing.T) {
			fs, err := Render(m)
			if err != nil {
				t.Fatalf("Render() error: %v", err)
			}
			dir := filepath.Join("testdata", "golden", name)
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range fs.Paths() {
				file := filepath.Join(dir, filepath.FromSlash(p))
				if *update {
					if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, fs[p], 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("missing golden file (run go test -update): %v", err)
				}
				if diff := cmp.Diff(string(want), string(fs[p])); diff != "" {
					t.Errorf("Render() %s mismatch (-want +got):\n%s", p, diff)
				}
			}
			// No stale golden files: the set of files is part of the output.
			var onDisk []string
			_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(dir, path)
					onDisk = append(onDisk, filepath.ToSlash(rel))
				}
				return err
			})
			if diff := cmp.Diff(onDisk, fs.Paths()); diff != "" {
				t.Errorf("Render() paths mismatch (-golden +got):\n%s", diff)
			}
		})
	}
}

// TestRenderDeterministic renders each fixture twice and expects the same bytes.
func TestRenderDeterministic(t *testing.T) {
	for name := range fixtures() {
		t.Run(name, func(t *testing.T) {
			a, err := Render(fixtures()[name])
			if err != nil {
				t.Fatal(err)
			}
			b, err := Render(fixtures()[name])
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(a, b); diff != "" {
				t.Errorf("Render() not deterministic (-first +second):\n%s", diff)
			}
		})
	}
}
