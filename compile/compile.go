// Package compile turns module.cue packages into checked ir.Modules.
//
// It loads one CUE package per module directory, unifies it with the
// embedded schema, decodes it, expands `standard:`, runs every semantic
// check and builds the IR. A module of plain data skips CUE's evaluation:
// its syntax is decoded along a plan of the schema (see fast.go). All problems of a module are collected, sorted
// by position and returned together; a module with errors yields no IR.
package compile

import (
	"path/filepath"
	"sort"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/compile/ir"
)

// Module compiles the module in dir. Every error it returns has a
// position: one CUE gives none for is blamed on the module's first file.
func (c *Compiler) Module(dir string) (*ir.Module, Errors) { return c.ModuleFiles(dir, nil) }

// ModuleFiles is Module with the .cue files of dir as the caller read
// them (nil: read them): a build cache that keyed a module by its files
// has it compiled from those very bytes.
func (c *Compiler) ModuleFiles(dir string, files []SourceFile) (*ir.Module, Errors) {
	m, errs := c.module(dir, files)
	for _, e := range errs {
		if !e.Pos.IsValid() {
			e.Pos = firstFile(dir)
		}
	}
	return m, errs.Sort()
}

// firstFile is line 1, column 1 of the first .cue file of dir.
func firstFile(dir string) ir.Pos {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	files, _ := filepath.Glob(filepath.Join(abs, "*.cue"))
	if len(files) == 0 {
		return ir.Pos{File: abs, Line: 1, Col: 1}
	}
	sort.Strings(files)
	return ir.Pos{File: files[0], Line: 1, Col: 1}
}

func (c *Compiler) module(dir string, files []SourceFile) (*ir.Module, Errors) {
	inst, plain, errs := c.instance(dir, files)
	if len(errs) > 0 {
		return nil, errs
	}
	if plain {
		if m := c.fast(dir, inst); m != nil {
			if SelfCheck {
				if errs := c.checkFast(dir, inst, m); len(errs) > 0 {
					return nil, errs
				}
			}
			return m, nil
		}
	}
	return c.slow(dir, inst)
}

// slow evaluates the instance with CUE, unified with #Module, and builds
// the IR from the unified value.
func (c *Compiler) slow(dir string, inst *build.Instance) (*ir.Module, Errors) {
	user, unified, errs := c.evaluate(inst)
	var dead Errors // optional fields obsc cannot see, which may explain the other errors
	if user.Exists() && user.Err() == nil {
		dead = deadOptionals(inst.Files, user)
	}
	if len(errs) == 0 {
		var m *ir.Module
		if m, errs = c.check(dir, user, unified); len(dead) == 0 {
			return m, errs
		}
	}
	return nil, append(errs, dead...).Sort()
}

// fast builds the IR of a plain-data module from its syntax (see
// decodeSyntax), or returns nil for the slow path to take over: it also
// declines a module the checks find errors in, so that every error is
// reported the one way.
func (c *Compiler) fast(dir string, inst *build.Instance) *ir.Module {
	var top []*ast.Field
	for _, f := range inst.Files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.Package, *ast.CommentGroup:
			case *ast.Field:
				top = append(top, d)
			default:
				return nil
			}
		}
	}
	var s spec
	if !c.decodeSyntax(top, &s) {
		return nil
	}
	src := &source{dir: dir, top: top, fast: true}
	b := &builder{src: src, spec: &s, templates: c.templates}
	m := b.build()
	m.Dir = dir
	if len(b.errs) > 0 || src.ambiguous {
		return nil
	}
	return m
}

// checkFast compiles the module again the slow way and reports an
// internal error unless both ways agree.
func (c *Compiler) checkFast(dir string, inst *build.Instance, m *ir.Module) Errors {
	slow, errs := c.slow(dir, inst)
	if len(errs) > 0 {
		return Errors{Errorf(m.Pos, "", "internal error: the fast path compiled the module, CUE reports: %v", errs[0])}
	}
	if d := cmp.Diff(slow, m); d != "" {
		return Errors{Errorf(m.Pos, "", "internal error: the fast path's IR differs from CUE's (-cue +fast):\n%s", d)}
	}
	return nil
}

// check decodes the unified value, runs every check and builds the IR.
func (c *Compiler) check(dir string, user, unified cue.Value) (*ir.Module, Errors) {
	var s spec
	if !decodeSpec(unified, &s) {
		// Something decodeSpec leaves to the checks that report it.
		if errs := numberRange(user, unified); len(errs) > 0 {
			return nil, errs
		}
		s = spec{}
		if err := unified.Decode(&s); err != nil {
			return nil, c.cueErrors(err, user)
		}
	}
	src := &source{user: user, unified: unified, dir: dir}
	b := &builder{src: src, spec: &s, templates: c.templates}
	m := b.build()
	m.Dir = dir
	if len(b.errs) > 0 {
		return nil, b.errs.Sort()
	}
	return m, nil
}

// Result is the outcome of compiling several modules.
type Result struct {
	Modules []*ir.Module // sorted by name; nil when Errors is not empty
	Errors  Errors       // sorted by position
	// KnownDirs are the indexes of the directories AllCached did not
	// compile because the caller had them; nil when Errors is not empty.
	KnownDirs []int
	// Libraries are the directories that failed to compile and hold no
	// module but shared CUE (see library), sorted; their errors are not
	// in Errors. Result.Named reports the ones a pattern named itself.
	Libraries []string
}

// All compiles every directory with up to GOMAXPROCS workers (each with its
// own CUE context) and checks what only a set of modules can get wrong:
// two modules with the same name. Modules come back sorted by name, so the
// result does not depend on the order of dirs or on scheduling.
func All(dirs []string) (*Result, error) { return AllCached(dirs, nil, nil) }

// AllMatching is All of the directories patterns expand to (Dirs), with
// the libraries a pattern names itself reported (Result.Named).
func AllMatching(patterns []string) (*Result, error) {
	dirs, err := Dirs(patterns)
	if err != nil {
		return nil, err
	}
	res, err := All(dirs)
	if err != nil {
		return nil, err
	}
	return res, res.Named(patterns)
}

// builder accumulates the IR and the errors of one module.
type builder struct {
	src  *source
	spec *spec
	m    *ir.Module
	errs Errors
	// templates caches parseTemplate across modules; nil caches nothing.
	templates map[string]error
}

func (b *builder) errorf(pos ir.Pos, hint, format string, args ...any) {
	b.errs = append(b.errs, Errorf(pos, hint, format, args...))
}

// at is shorthand for the position of a path in the user's value.
func (b *builder) at(path ...any) ir.Pos { return b.src.pos(path...) }
