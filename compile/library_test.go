package compile

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/schema"
)

func TestLibrary(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want bool
	}{
		{"the schema", string(schema.Source), true},
		{"definitions, hidden fields, lets, imports", "package lib\n\nimport \"strings\"\n\n// shared\nlet x = 1\n#A: {a: x}\n_b: strings.ToLower(\"B\")\n_#C: int\n", true},
		{"an embedded definition", "package obs\n\n#Module\n", true},
		{"a module", baseModule, false},
		{"a module embedding #Module", "package obs\n\n#Module\n" + strings.TrimPrefix(baseModule, "package obs\n"), false},
		{"one field among definitions", "package obs\n\n#A: int\nmodule: name: \"x\"\n", false},
		{"a quoted label", "package obs\n\n\"#A\": 1\n", false},
		{"a pattern constraint", "package obs\n\n[string]: int\n", false},
		{"an embedded struct", "package obs\n\n{module: name: \"x\"}\n", false},
		{"an embedded expression", "package obs\n\n#Module & {}\n", false},
		{"a syntax error", "package obs\n\n#A: {\n", false},
		{"no package clause", "#A: int\n", false},
		{"an empty file", "", false},
		{"a package clause only", "package obs\n", false},
		{"imports only", "package obs\n\nimport \"strings\"\n", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := library(t.TempDir(), []SourceFile{{Name: "x.cue", Data: []byte(tc.src), Regular: true}})
			if got != tc.want {
				t.Errorf("library = %v, want %v for\n%s", got, tc.want, tc.src)
			}
		})
	}
	// Read from the directory, and every file must be one.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.cue"), "package obs\n\n#A: int\n")
	if !library(dir, nil) {
		t.Error("a directory of definitions read from disk: library = false")
	}
	writeFile(t, filepath.Join(dir, "b.cue"), baseModule)
	if library(dir, nil) {
		t.Error("a directory with a module file: library = true")
	}
	if library(t.TempDir(), nil) {
		t.Error("an empty directory: library = true")
	}
}

// TestNamed is the layout the README gives editors: a CUE module with a
// copy of the schema at its root and modules below, plus a package of
// shared definitions. "./..." finds the modules and passes the others by;
// naming the root itself is an error that says what to give instead.
func TestNamed(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "cue.mod/module.cue"), "module: \"example.com/m\"\nlanguage: version: \"v0.17.0\"\n")
	writeFile(t, filepath.Join(root, "obsc-schema.cue"), string(schema.Source))
	writeFile(t, filepath.Join(root, "svc/module.cue"), "package obs\n\n#Module\n"+strings.TrimPrefix(baseModule, "package obs\n"))
	writeFile(t, filepath.Join(root, "lib/defs.cue"), "package lib\n\n#Team: \"t\"\n")
	lib, svc := filepath.Join(root, "lib"), filepath.Join(root, "svc")

	compileNamed := func(patterns ...string) (*Result, error) {
		t.Helper()
		dirs, err := Dirs(patterns)
		if err != nil {
			t.Fatal(err)
		}
		res, err := All(dirs)
		if err != nil {
			t.Fatal(err)
		}
		return res, res.Named(patterns)
	}

	res, err := compileNamed(root + "/...")
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("%s/...: %v %v", root, err, res.Errors)
	}
	if len(res.Modules) != 1 || res.Modules[0].Name != "base" || res.Modules[0].Dir != svc {
		t.Fatalf("%s/...: modules %v, want base in %s", root, res.Modules, svc)
	}
	if diff := cmp.Diff([]string{root, lib}, res.Libraries); diff != "" {
		t.Errorf("libraries (-want +got):\n%s", diff)
	}

	res, err = compileNamed(root, svc)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(root, "obsc-schema.cue") + ":1:1: " + filepath.ToSlash(root) +
		" holds no module: its .cue files declare only definitions (like #Module), hidden fields and lets;" +
		" a module sets module: {name, namespace}; to build the modules in the directories below, give " + filepath.ToSlash(root) + "/..."
	if got := res.Errors.Error(); got != want {
		t.Errorf("naming the root:\n got %s\nwant %s", got, want)
	}
	if res.Modules != nil {
		t.Errorf("naming the root: modules %v alongside the error", res.Modules)
	}

	if _, err := compileNamed(lib + "/..."); err == nil || !strings.Contains(err.Error(), "matched no module: "+filepath.ToSlash(lib)+" holds only definitions") {
		t.Errorf("a pattern of libraries only: %v", err)
	}
	// A module with an error is reported, never passed by.
	writeFile(t, filepath.Join(svc, "module.cue"), "package obs\n\n#Module\nmodule: {name: \"base\"}\n")
	if res, err := compileNamed(root + "/..."); err != nil || len(res.Errors) == 0 {
		t.Errorf("a broken module below: err %v, errors %v", err, res.Errors)
	}
}
