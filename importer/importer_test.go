package importer

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/tinysystems/obsc/compile"
)

var update = flag.Bool("update", false, "rewrite the golden module.cue files and the want sections of bad cases")

const testdata = "../testdata/import"

var kinds = map[string]func([]Input) ([]*Module, compile.Errors){
	"sloth":   Sloth,
	"openslo": OpenSLO,
	"rules":   Rules,
}

// TestImportGolden imports every fixture directory, proves each module
// compiles (Files compiles them) and compares module.cue with
// testdata/import/golden/<kind>/<module>/module.cue.
func TestImportGolden(t *testing.T) {
	for kind, imp := range kinds {
		t.Run(kind, func(t *testing.T) {
			// From testdata/import, so module.cue names its inputs as a
			// user running obsc import there would see them.
			t.Chdir(testdata)
			inputs, err := ReadInputs([]string{kind})
			if err != nil {
				t.Fatal(err)
			}
			mods, errs := imp(inputs)
			if len(errs) > 0 {
				t.Fatalf("import errors:\n%s", errs)
			}
			golden := filepath.Join("golden", kind)
			files, errs, err := Files(mods, golden)
			if err != nil {
				t.Fatal(err)
			}
			if len(errs) > 0 {
				t.Fatalf("imported modules do not compile:\n%s", errs)
			}
			if *update {
				if err := os.RemoveAll(golden); err != nil {
					t.Fatal(err)
				}
			}
			var paths []string
			for p := range files {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			for _, p := range paths {
				if *update {
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, files[p], 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(p)
				if err != nil {
					t.Fatalf("%v (run go test ./importer -update)", err)
				}
				if diff := cmp.Diff(string(want), string(files[p])); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", p, diff)
				}
			}
			if !*update {
				existing, _ := filepath.Glob(filepath.Join(golden, "*", ModuleFile))
				if len(existing) != len(paths) {
					t.Errorf("golden has %d modules, import wrote %d (run go test ./importer -update)", len(existing), len(paths))
				}
			}
		})
	}
}

// TestImportBad imports every testdata/import/bad/<kind>-*.txtar case: the
// input files of the archive must fail with the errors of its want section,
// each at file:line:col of the YAML node, and produce no module.
func TestImportBad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testdata, "bad", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad cases: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			kind, _, _ := strings.Cut(name, "-")
			imp := kinds[kind]
			if imp == nil {
				t.Fatalf("case name must start with one of sloth-, openslo-, rules-")
			}
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var inputs []Input
			want := ""
			for _, f := range ar.Files {
				if f.Name == "want" {
					want = string(f.Data)
					continue
				}
				inputs = append(inputs, Input{Name: f.Name, Data: f.Data})
			}
			mods, errs := imp(inputs)
			if len(errs) == 0 {
				_, errs, err = Files(mods, "out")
				if err != nil {
					t.Fatal(err)
				}
			}
			if len(errs) == 0 {
				t.Fatalf("import succeeded, want errors")
			}
			if mods != nil && len(errs) > 0 && errs[0].Pos.File != "" && !strings.HasPrefix(errs[0].Pos.File, "out") {
				t.Errorf("import returned modules along with errors")
			}
			got := errs.Error() + "\n"
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "want" {
						ar.Files[i].Data = []byte(got)
					}
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
