// Package compile turns module.cue packages into checked ir.Modules.
//
// It loads one CUE package per module directory, unifies it with the
// embedded schema, decodes it, expands `standard:`, runs every semantic
// check and builds the IR. All problems of a module are collected, sorted
// by position and returned together; a module with errors yields no IR.
package compile

import (
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/tinysystems/obsc/compile/ir"
)

// Module compiles the module in dir.
func (c *Compiler) Module(dir string) (*ir.Module, Errors) {
	user, unified, errs := c.load(dir)
	if len(errs) > 0 {
		return nil, errs
	}
	var s spec
	if err := unified.Decode(&s); err != nil {
		return nil, c.cueErrors(err, user)
	}
	src := &source{user: user, unified: unified, dir: dir}
	b := &builder{src: src, spec: &s}
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
}

// All compiles every directory with up to GOMAXPROCS workers (each with its
// own CUE context) and checks what only a set of modules can get wrong:
// two modules with the same name. Modules come back sorted by name, so the
// result does not depend on the order of dirs or on scheduling.
func All(dirs []string) (*Result, error) {
	workers := min(runtime.GOMAXPROCS(0), len(dirs))
	mods := make([]*ir.Module, len(dirs))
	errs := make([]Errors, len(dirs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var initErr error
	var once sync.Once
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := NewCompiler()
			if err != nil {
				once.Do(func() { initErr = err })
				for range jobs {
				}
				return
			}
			for i := range jobs {
				mods[i], errs[i] = c.Module(dirs[i])
			}
		}()
	}
	for i := range dirs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if initErr != nil {
		return nil, initErr
	}
	res := &Result{}
	byName := map[string]*ir.Module{}
	for i, m := range mods {
		res.Errors = append(res.Errors, errs[i]...)
		if m == nil {
			continue
		}
		if prev, dup := byName[m.Name]; dup {
			a, b := prev, m
			res.Errors = append(res.Errors, Errorf(b.Pos, "module names must be unique: they name the output directory",
				"module name %q is already used by %s", m.Name, filepath.ToSlash(a.Dir)))
			continue
		}
		byName[m.Name] = m
		res.Modules = append(res.Modules, m)
	}
	res.Errors = res.Errors.Sort()
	if len(res.Errors) > 0 {
		res.Modules = nil
		return res, nil
	}
	sort.Slice(res.Modules, func(i, j int) bool { return res.Modules[i].Name < res.Modules[j].Name })
	return res, nil
}

// builder accumulates the IR and the errors of one module.
type builder struct {
	src  *source
	spec *spec
	m    *ir.Module
	errs Errors
}

func (b *builder) errorf(pos ir.Pos, hint, format string, args ...any) {
	b.errs = append(b.errs, Errorf(pos, hint, format, args...))
}

// at is shorthand for the position of a path in the user's value.
func (b *builder) at(path ...any) ir.Pos { return b.src.pos(path...) }
