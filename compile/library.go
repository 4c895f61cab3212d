package compile

import (
	"fmt"
	"path/filepath"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

// library reports whether dir holds no module but shared CUE: each of its
// .cue files parses and has a package clause, none declares a field of
// data at its top level, and they declare something: definitions
// (#Module), hidden fields, let clauses or embedded definitions. An empty
// file is a module yet to be written, and gets its errors. A copy of
// `obsc schema` at the root of a CUE module (README, "Editor support") is
// a library, and so is a package of definitions the modules import. files
// are dir's .cue files as the caller read them, or nil to read them. Only
// a directory that failed to compile is asked, so a module pays nothing.
//
// A module whose `module:` was written `#module:` would read as a library
// and be passed by without a word. So a #module definition that names a
// module (a concrete name: "...", which no shared template sets) makes
// dir no library, and typos holds one error for each, to report with the
// module's own.
func library(dir string, files []SourceFile) (lib bool, typos Errors) {
	read, errs := checkFiles(dir, files)
	if len(errs) > 0 || len(read) == 0 {
		return false, nil
	}
	declares, data, hasModule := false, false, false
	for _, f := range read {
		syntax, err := parser.ParseFile(f.path, f.data)
		if err != nil {
			return false, nil
		}
		typos = append(typos, moduleTypos(syntax)...)
		hasModule = hasModule || len(topFields(syntax, "module")) > 0
		n, ok := definitions(syntax)
		data = data || !ok
		declares = declares || n > 0
	}
	if hasModule {
		// module: is there, so #module is a definition it may use
		// (module: #module & {...}), not a typo.
		typos = nil
	}
	return declares && !data && len(typos) == 0, typos
}

// topFields returns the top-level fields of f labelled with the
// identifier name.
func topFields(f *ast.File, name string) []*ast.Field {
	var out []*ast.Field
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.Field); ok {
			if id, ok := fd.Label.(*ast.Ident); ok && id.Name == name {
				out = append(out, fd)
			}
		}
	}
	return out
}

// moduleTypos reports the top-level #module definitions of f that set a
// concrete name: a module's `module:` field with a # too many.
func moduleTypos(f *ast.File) Errors {
	var errs Errors
	for _, fd := range topFields(f, "#module") {
		st, ok := fd.Value.(*ast.StructLit)
		if !ok {
			continue
		}
		for _, e := range st.Elts {
			nf, ok := e.(*ast.Field)
			if !ok {
				continue
			}
			id, ok := nf.Label.(*ast.Ident)
			lit, isLit := nf.Value.(*ast.BasicLit)
			if ok && id.Name == "name" && isLit && lit.Kind == token.STRING {
				errs = append(errs, Errorf(toPos(fd.Label.Pos()),
					"write module: without the #",
					"#module is a definition, not the module field"))
				break
			}
		}
	}
	return errs
}

// definitions counts the definitions, hidden fields, lets and embedded
// definitions at a file's top level; ok is false when it holds anything
// else (see library), which counts as data.
func definitions(f *ast.File) (n int, ok bool) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.Package, *ast.ImportDecl, *ast.Attribute, *ast.CommentGroup:
			continue
		case *ast.LetClause:
		case *ast.Field:
			id, ok := d.Label.(*ast.Ident)
			if !ok || !(strings.HasPrefix(id.Name, "#") || strings.HasPrefix(id.Name, "_")) {
				return n, false
			}
		case *ast.EmbedDecl:
			id, ok := d.Expr.(*ast.Ident)
			if !ok || !strings.HasPrefix(id.Name, "#") {
				return n, false
			}
		default:
			return n, false
		}
		n++
	}
	return n, true
}

// Named reports as errors of r the Libraries a pattern names itself
// ("dir", where "dir/..." looks for modules and passes libraries by), and
// fails when the patterns matched libraries and no module. AllMatching
// calls it; every other caller of All and AllCached calls it with the
// patterns it gave Dirs.
func (r *Result) Named(patterns []string) error {
	if len(r.Libraries) == 0 {
		return nil
	}
	patterns = orDefault(patterns)
	named := map[string]bool{}
	for _, p := range patterns {
		if root, recursive := splitPattern(p); !recursive {
			named[filepath.Clean(root)] = true
		}
	}
	for _, dir := range r.Libraries {
		if named[dir] {
			below := filepath.ToSlash(dir) + "/..."
			if dir == "." {
				below = "./..."
			}
			r.Errors = append(r.Errors, Errorf(firstFile(dir),
				"a module sets module: {name, namespace}; to build the modules in the directories below, give "+below,
				"%s holds no module: its .cue files declare only definitions (like #Module), hidden fields and lets", filepath.ToSlash(dir)))
		}
	}
	if len(r.Errors) > 0 {
		r.Errors = r.Errors.Sort()
		r.Modules, r.KnownDirs = nil, nil
		return nil
	}
	if len(r.Modules) == 0 && len(r.KnownDirs) == 0 {
		verb := "holds"
		if len(r.Libraries) > 1 {
			verb = "hold"
		}
		return fmt.Errorf("%s matched no module: %s %s only definitions (like #Module), hidden fields and lets; a module sets module: {name, namespace}",
			strings.Join(patterns, " "), strings.Join(slashed(r.Libraries), ", "), verb)
	}
	return nil
}

func slashed(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.ToSlash(p)
	}
	return out
}
