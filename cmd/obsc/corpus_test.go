package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/tinysystems/obsc/internal/treetest"
)

const (
	compileBadDir = "../../compile/testdata/bad" // one module per compile check; want: the error lines
	cliBadDir     = "../../testdata/bad"         // CLI-level cases; want: all of stderr
)

// compileBaseModule reads baseModule from compile/bad_test.go, the valid
// module a compile case is added to when it brings no module.cue, so the
// two corpora share one definition.
func compileBaseModule(t *testing.T) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../../compile/bad_test.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			if len(vs.Names) == 1 && vs.Names[0].Name == "baseModule" {
				if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
					v, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					return v
				}
			}
		}
	}
	t.Fatal("baseModule not found in compile/bad_test.go")
	return ""
}

// TestBadCorpus runs every invalid module of compile/testdata/bad and
// testdata/bad through the CLI, as a separate process: `obsc build -o OUT
// ARGS` run in the case's directory must exit 1, print exactly the
// positioned errors of the case's want section (compile cases: followed by
// the error count), print nothing on stdout, never panic, and write
// nothing — OUT must not exist afterwards, and nothing may appear beside
// it or in the case directory.
//
// A testdata/bad case is a txtar archive: the module files (in
// subdirectories for several modules), an optional `args` file (the
// patterns, default "."), and `want`, the whole of stderr.
// `go test ./cmd/obsc -run TestBadCorpus -update` rewrites the want
// sections of testdata/bad.
func TestBadCorpus(t *testing.T) {
	compileCases, _ := filepath.Glob(filepath.Join(compileBadDir, "*.txtar"))
	cliCases, _ := filepath.Glob(filepath.Join(cliBadDir, "*.txtar"))
	if len(compileCases) == 0 || len(cliCases) == 0 {
		t.Fatalf("found %d compile cases and %d CLI cases", len(compileCases), len(cliCases))
	}
	base := compileBaseModule(t)
	run := func(t *testing.T, file string, cli bool) {
		t.Parallel()
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		work := t.TempDir()
		dir := filepath.Join(work, "case")
		args, want, hasModule := []string{"."}, "", false
		for _, f := range ar.Files {
			switch f.Name {
			case "want":
				want = string(f.Data)
			case "args":
				args = strings.Fields(string(f.Data))
			default:
				if f.Name == "module.cue" {
					hasModule = true
				}
				full := filepath.Join(dir, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if !cli && !hasModule {
			writeFile(t, filepath.Join(dir, "module.cue"), base)
		}
		if !cli {
			want += "obsc: " + count(strings.Count(want, "\n"), "error") + "; nothing written\n"
		}
		before := treetest.Snapshot(t, dir)
		out := filepath.Join(work, "out")
		code, stdout, stderr := obscExec(t, dir, nil, append([]string{"build", "-o", out}, args...)...)
		if cli && *update {
			for i := range ar.Files {
				if ar.Files[i].Name == "want" {
					ar.Files[i].Data = []byte(stderr)
				}
			}
			if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
			want = stderr
		}
		if code != exitFail {
			t.Errorf("exit status %d, want %d", code, exitFail)
		}
		if diff := cmp.Diff(want, stderr); diff != "" {
			t.Errorf("stderr mismatch (-want +got):\n%s", diff)
		}
		if stdout != "" {
			t.Errorf("stdout = %q, want nothing", stdout)
		}
		if diff := cmp.Diff([]string{"case"}, listDir(t, work)); diff != "" {
			t.Errorf("written beside the case (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(before, treetest.Snapshot(t, dir)); diff != "" {
			t.Errorf("the case directory changed (-before +after):\n%s", diff)
		}
	}
	for _, f := range compileCases {
		t.Run("compile/"+strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) { run(t, f, false) })
	}
	for _, f := range cliCases {
		t.Run("cli/"+strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) { run(t, f, true) })
	}
}
