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
			got, typos := library(t.TempDir(), []SourceFile{{Name: "x.cue", Data: []byte(tc.src), Regular: true}})
			if len(typos) > 0 {
				t.Errorf("typos = %v, want none", typos)
			}
			if got != tc.want {
				t.Errorf("library = %v, want %v for\n%s", got, tc.want, tc.src)
			}
		})
	}
	// A module whose module: was written #module: (a concrete name gives
	// it away) is no library, and each such definition is an error there.
	typos := []struct {
		name  string
		src   string
		lib   bool
		typos []string
	}{
		{"every field a definition", "package obs\n\n#module: {name: \"a\", namespace: \"b\"}\n#scrape: portNumber: 8080\n", false, []string{"x.cue:3:1"}},
		{"#module among data", "package obs\n\nscrape: portNumber: 8080\n#module: name: \"a\"\n", false, []string{"x.cue:4:1"}},
		{"two files' worth in one", "package obs\n\n#module: name: \"a\"\n#module: {team: \"t\", name: \"a\"}\n", false, []string{"x.cue:3:1", "x.cue:4:1"}},
		{"a template without a name", "package lib\n\n#module: {team: \"platform\", runbookBase: \"https://r\"}\n", true, nil},
		{"a template with a name constraint", "package lib\n\n#module: {name: string, namespace: \"payments\"}\n", true, nil},
		{"a capitalised definition", "package lib\n\n#Module: {name: \"a\"}\n", true, nil},
		{"a hidden field", "package lib\n\n_module: {name: \"a\"}\n", true, nil},
		{"a definition the module field uses", "package obs\n\n#module: {name: \"a\"}\nmodule: #module & {namespace: \"b\"}\n", false, nil},
	}
	for _, tc := range typos {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			lib, errs := library(dir, []SourceFile{{Name: "x.cue", Data: []byte(tc.src), Regular: true}})
			if lib != tc.lib {
				t.Errorf("library = %v, want %v", lib, tc.lib)
			}
			var at []string
			for _, e := range errs {
				at = append(at, strings.TrimPrefix(filepath.ToSlash(e.Pos.String()), filepath.ToSlash(dir)+"/"))
				if want := "#module is a definition, not the module field; write module: without the #"; !strings.HasSuffix(e.Error(), want) {
					t.Errorf("error %q, want it to end %q", e.Error(), want)
				}
			}
			if diff := cmp.Diff(tc.typos, at); diff != "" {
				t.Errorf("typos at (-want +got):\n%s", diff)
			}
		})
	}

	// Read from the directory, and every file must be one.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.cue"), "package obs\n\n#A: int\n")
	if lib, _ := library(dir, nil); !lib {
		t.Error("a directory of definitions read from disk: library = false")
	}
	writeFile(t, filepath.Join(dir, "b.cue"), baseModule)
	if lib, _ := library(dir, nil); lib {
		t.Error("a directory with a module file: library = true")
	}
	if lib, _ := library(t.TempDir(), nil); lib {
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
