package compile

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"cuelang.org/go/cue/build"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/tinysystems/obsc/bench/corpus"
	"github.com/tinysystems/obsc/compile/ir"
)

// plainCases are modules made of several files, or with what
// plainInstance must leave to cue/load (plain is false). The module is in
// dir below the files' root.
var plainCases = []struct {
	name  string
	dir   string
	files map[string]string
	plain bool
}{
	{"split", "", map[string]string{
		"a.cue": "package obs\n\n// The module.\nmodule: {name: _name, namespace: \"ns\"}\n_name: \"split\"\n",
		"b.cue": "package obs\n\nlet app = \"split\"\nscrape: {selector: {\"app\": app}, portNumber: 8080}\n#Port: 8080\n",
		"c.cue": "package obs\n\nalerts: {for n in [\"A\", \"B\"] {(n): {expr: \"vector(1) > 0\", for: \"5m\", summary: \"mail a@b\"}}}\n",
	}, true},
	{"conflict", "", map[string]string{
		"a.cue": baseModule + "scrape: portNumber: 1\n",
		"b.cue": "package obs\n\nscrape: portNumber: 2\n",
	}, true},
	{"undefined", "", map[string]string{"module.cue": baseModule + "module: team: nobody\n"}, true},
	{"syntax", "", map[string]string{"module.cue": baseModule + "alerts: {\n"}, false},
	{"underscore", "", map[string]string{"module.cue": baseModule, "_skip.cue": "package obs\n\nmodule: team: 1\n"}, false},
	{"dot", "", map[string]string{"module.cue": baseModule, ".skip.cue": "package obs\n\nmodule: team: 1\n"}, false},
	{"test", "", map[string]string{"module.cue": baseModule, "x_test.cue": "package obs\n\nmodule: team: 1\n"}, false},
	{"tool", "", map[string]string{"module.cue": baseModule, "x_tool.cue": "package obs\n\nmodule: team: 1\n"}, false},
	{"if", "", map[string]string{"module.cue": baseModule, "x.cue": "@if(extra)\npackage obs\n\nmodule: team: 1\n"}, false},
	{"tag", "", map[string]string{"module.cue": baseModule + "module: team: string @tag(team)\n"}, false},
	{"bom", "", map[string]string{"module.cue": "\uFEFF" + baseModule}, false},
	{"import", "", map[string]string{"module.cue": "package obs\n\nimport \"strings\"\n\n" + baseModule[len("package obs\n"):] + "module: team: strings.ToLower(\"T\")\n"}, false},
	{"anonymous", "", map[string]string{"module.cue": "package _\n\n" + baseModule[len("package obs\n"):]}, false},
	{"cue.mod", "", map[string]string{"module.cue": baseModule, "cue.mod/module.cue": "module: \"example.com/m\"\n"}, false},
	{"cue.mod above", "svc", map[string]string{"svc/module.cue": baseModule, "cue.mod/module.cue": "module: \"example.com/m\"\n"}, false},
}

// TestPlainInstance checks plainInstance against cue/load: wherever it
// builds the instance, compiling it gives the very same IR or the very
// same errors as compiling what cue/load builds.
func TestPlainInstance(t *testing.T) {
	c, err := NewCompiler()
	if err != nil {
		t.Fatal(err)
	}
	type module struct {
		name, dir string
		want      string // "plain" or "load" where the test knows which
	}
	var mods []module
	for _, pc := range plainCases {
		root := t.TempDir()
		for name, data := range pc.files {
			writeFile(t, filepath.Join(root, name), data)
		}
		want := map[bool]string{true: "plain", false: "load"}[pc.plain]
		mods = append(mods, module{name: pc.name, dir: filepath.Join(root, pc.dir), want: want})
	}
	for i := range 5 {
		root := t.TempDir()
		if err := corpus.Write(root, i, false); err != nil {
			t.Fatal(err)
		}
		mods = append(mods, module{name: corpus.Name(i), dir: filepath.Join(root, "modules", corpus.Name(i)), want: "plain"})
	}
	examples, _ := filepath.Glob("../examples/*")
	for _, dir := range examples {
		mods = append(mods, module{name: dir, dir: dir})
	}
	cases, _ := filepath.Glob("testdata/bad/*.txtar")
	cli, _ := filepath.Glob("../testdata/bad/*.txtar")
	for _, file := range append(cases, cli...) {
		dirs, err := Dirs([]string{caseDir(t, file) + "/..."})
		if err != nil {
			t.Fatal(err)
		}
		for _, dir := range dirs {
			mods = append(mods, module{name: file, dir: dir})
		}
	}

	plain := 0
	for _, m := range mods {
		abs, err := filepath.Abs(m.dir)
		if err != nil {
			t.Fatal(err)
		}
		files, errs := checkFiles(abs, nil)
		if len(errs) > 0 {
			continue
		}
		inst := c.plainInstance(abs, files)
		if got := map[bool]string{true: "plain", false: "load"}[inst != nil]; m.want != "" && got != m.want {
			t.Errorf("%s: instance built by %s, want %s", m.name, got, m.want)
		}
		if inst == nil {
			continue
		}
		plain++
		loaded, errs := loadInstance(abs)
		if len(errs) > 0 {
			t.Errorf("%s: plainInstance builds what cue/load fails on: %v", m.name, errs)
			continue
		}
		gotM, gotErrs := compileInstance(c, abs, inst)
		wantM, wantErrs := compileInstance(c, abs, loaded)
		if gotErrs.Error() != wantErrs.Error() {
			t.Errorf("%s: errors differ:\nplain:\n%v\ncue/load:\n%v", m.name, gotErrs, wantErrs)
		}
		if !reflect.DeepEqual(gotM, wantM) {
			t.Errorf("%s: IR differs:\nplain:    %+v\ncue/load: %+v", m.name, gotM, wantM)
		}
	}
	t.Logf("plainInstance builds %d of %d instances", plain, len(mods))
	if plain < len(mods)/2 {
		t.Errorf("plainInstance builds only %d of %d instances", plain, len(mods))
	}
}

// compileInstance is Compiler.module for an instance already built.
func compileInstance(c *Compiler, dir string, inst *build.Instance) (*ir.Module, Errors) {
	user, unified, errs := c.evaluate(inst)
	if len(errs) > 0 {
		return nil, errs
	}
	return c.check(dir, user, unified)
}

// caseDir writes the files of a bad case to a new directory, with
// baseModule as module.cue unless the case brings its own.
func caseDir(t *testing.T, file string) string {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	hasModule := false
	for _, f := range ar.Files {
		if f.Name == "want" {
			continue
		}
		hasModule = hasModule || f.Name == "module.cue"
		writeFile(t, filepath.Join(dir, f.Name), string(f.Data))
	}
	if !hasModule {
		writeFile(t, filepath.Join(dir, "module.cue"), baseModule)
	}
	return dir
}

// writeFile writes data to path, making its directory.
func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
