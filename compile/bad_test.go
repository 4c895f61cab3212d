package compile

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/bad/*.txtar and other golden files")

// baseModule is the valid module a bad case is added to unless the case
// brings its own module.cue. A case file only adds what makes it bad.
const baseModule = `package obs

module: {name: "base", namespace: "ns"}
scrape: {selector: app: "base", portNumber: 8080}
labels: status: values: ["ok", "error"]
metrics: requests_total: {type: "counter", help: "Requests", labels: ["status"]}
metrics: latency_seconds: {type: "histogram", help: "Latency", buckets: [0.1, 0.5, 1]}
metrics: queue_depth: {type: "gauge", help: "Queue depth"}
`

// TestBadInputs compiles every testdata/bad/*.txtar case and compares the
// errors, printed as obsc prints them, with the case's want section.
// Each case must fail, with every error positioned in a user file.
func TestBadInputs(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad cases: %v", err)
	}
	c, err := NewCompiler()
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			hasModule, want := false, ""
			for _, f := range ar.Files {
				if f.Name == "want" {
					want = string(f.Data)
					continue
				}
				if f.Name == "module.cue" {
					hasModule = true
				}
				if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if !hasModule {
				if err := os.WriteFile(filepath.Join(dir, "module.cue"), []byte(baseModule), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			m, errs := c.Module(dir)
			if len(errs) == 0 {
				t.Fatalf("module compiled without errors (%s); want errors:\n%s", m.Name, want)
			}
			var got strings.Builder
			for _, e := range errs.Relative(dir) {
				if !e.Pos.IsValid() {
					t.Errorf("error without a position: %v", e)
				}
				got.WriteString(e.Error() + "\n")
			}
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "want" {
						ar.Files[i].Data = []byte(got.String())
					}
				}
				if want == "" && !hasWant(ar) {
					ar.Files = append(ar.Files, txtar.File{Name: "want", Data: []byte(got.String())})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(want, got.String()); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func hasWant(ar *txtar.Archive) bool {
	for _, f := range ar.Files {
		if f.Name == "want" {
			return true
		}
	}
	return false
}
