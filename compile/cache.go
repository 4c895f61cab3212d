package compile

import (
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/tinysystems/obsc/compile/ir"
)

// Known is what the checks across modules need of a module compiled by an
// earlier run (see cmd/obsc's build cache): its name and where it is set.
type Known struct {
	Name string
	Pos  ir.Pos // position of module.name
}

// compilerReuse is how many modules one Compiler evaluates with CUE
// before the worker starts a fresh CUE context (about 1 ms,
// BenchmarkNewCompiler); modules the fast path compiles leave the context
// as it was and do not count.
// Measured on 1,000 bench modules (obsc build, 2 cores): 16 took the
// least CPU, 8 and 64 about 5% more, 1 about 20% more (a schema compiled
// per module) and 512 40% more, with 5x the memory.
const compilerReuse = 16

// AllCached is All for a build that already has some of the modules:
// lookup, when not nil, is asked for each directory, on a worker, before
// it is compiled; a Known it returns stands for dirs[i] compiled earlier,
// and files, when not nil, are the directory's .cue files as the caller
// read them, which the module is then compiled from (ModuleFiles).
// Those are not compiled again but take part in the checks across modules
// exactly as if they had been, so the errors are the ones All reports.
// Modules holds only the modules compiled now; KnownDirs the indexes of
// dirs that were not (both only when there are no errors).
//
// each, when not nil, gets every module as soon as it compiles without
// errors, on the worker that compiled it (so each is called
// concurrently), before the checks across modules have run: a caller can
// render and write a module while others compile, and drop the work when
// Errors turns out not empty. The modules of Result are then stand-ins
// holding only Name, Pos and Dir, so that a build of thousands of modules
// does not hold every module's IR at once.
func AllCached(dirs []string, lookup func(i int) (k *Known, files []SourceFile), each func(i int, m *ir.Module)) (*Result, error) {
	mods := make([]*ir.Module, len(dirs))
	errs := make([]Errors, len(dirs))
	known := make([]bool, len(dirs))
	libs := make([]bool, len(dirs))
	workers := min(runtime.GOMAXPROCS(0), len(dirs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var initErr error
	var once sync.Once
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One CUE context and one compiled schema per worker, reused
			// for compilerReuse modules (see BenchmarkNewCompiler): a CUE
			// context keeps what every evaluation allocated, so a context
			// reused for thousands of modules makes each one slower.
			var c *Compiler
			for i := range jobs {
				var files []SourceFile
				if lookup != nil {
					var k *Known
					if k, files = lookup(i); k != nil {
						mods[i] = &ir.Module{Name: k.Name, Pos: k.Pos, Dir: dirs[i]}
						known[i] = true
						continue
					}
				}
				if c == nil || c.evaluated >= compilerReuse {
					var err error
					if c, err = NewCompiler(); err != nil {
						once.Do(func() { initErr = err })
						for range jobs {
						}
						return
					}
				}
				mods[i], errs[i] = c.ModuleFiles(dirs[i], files)
				if len(errs[i]) > 0 {
					lib, typos := library(dirs[i], files)
					if lib {
						libs[i], errs[i] = true, nil
					}
					errs[i] = append(errs[i], typos...)
				}
				if each != nil && mods[i] != nil {
					each(i, mods[i])
					mods[i] = &ir.Module{Name: mods[i].Name, Pos: mods[i].Pos, Dir: mods[i].Dir}
				}
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
		if libs[i] {
			res.Libraries = append(res.Libraries, dirs[i])
		}
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
		if known[i] {
			res.KnownDirs = append(res.KnownDirs, i)
			continue
		}
		res.Modules = append(res.Modules, m)
	}
	res.Errors = res.Errors.Sort()
	if len(res.Errors) > 0 {
		res.Modules, res.KnownDirs = nil, nil
		return res, nil
	}
	sort.Slice(res.Modules, func(i, j int) bool { return res.Modules[i].Name < res.Modules[j].Name })
	return res, nil
}
