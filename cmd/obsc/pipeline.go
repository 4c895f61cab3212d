package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/cache"
	"github.com/tinysystems/obsc/targets"
	"github.com/tinysystems/obsc/targets/grafana"
	"github.com/tinysystems/obsc/targets/k8s"
	"github.com/tinysystems/obsc/targets/prometheus"
)

// renderers are the targets every module is rendered with.
var renderers = []struct {
	name   string
	render func(*ir.Module) (targets.FileSet, error)
}{
	{"kubernetes", k8s.Render},
	{"prometheus", prometheus.Render},
	{"grafana", grafana.Render},
}

// compileAll expands patterns and compiles every module. It prints errors
// itself and returns nil modules when there were any.
func (c *cli) compileAll(patterns []string) ([]*ir.Module, bool) {
	dirs, err := compile.Dirs(patterns)
	if err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return nil, false
	}
	res, err := compile.All(dirs)
	if err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return nil, false
	}
	return c.compiled(res)
}

// compiled prints the errors of res, if any.
func (c *cli) compiled(res *compile.Result) ([]*ir.Module, bool) {
	if len(res.Errors) > 0 {
		for _, e := range res.Errors.Relative(c.cwd) {
			fmt.Fprintln(c.stderr, e.Error())
		}
		fmt.Fprintf(c.stderr, "obsc: %d error(s); nothing written\n", len(res.Errors))
		return nil, false
	}
	return res.Modules, true
}

// render renders every module with every target, all in memory, so a
// failure anywhere writes nothing.
func render(mods []*ir.Module) (targets.FileSet, error) {
	all, err := renderModules(mods, nil)
	if err != nil {
		return nil, err
	}
	return all, renderRoot(all, mods)
}

// renderModules renders mods on up to GOMAXPROCS workers and merges the
// files in module order, so the result and the first error reported do not
// depend on scheduling. done, when set, is called (concurrently) with each
// module and its files.
func renderModules(mods []*ir.Module, done func(*ir.Module, targets.FileSet)) (targets.FileSet, error) {
	sets := make([]targets.FileSet, len(mods))
	errs := make([]error, len(mods))
	parallel(len(mods), func(i int) {
		m := mods[i]
		fs := targets.FileSet{}
		for _, r := range renderers {
			out, err := r.render(m)
			if err == nil {
				err = fs.Merge(out)
			}
			if err != nil {
				errs[i] = fmt.Errorf("module %s: %s target: %w", m.Name, r.name, err)
				return
			}
		}
		sets[i] = fs
		if done != nil {
			done(m, fs)
		}
	})
	all := targets.FileSet{}
	for i := range mods {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if err := all.Merge(sets[i]); err != nil {
			return nil, err
		}
		sets[i] = nil
	}
	return all, nil
}

func renderRoot(all targets.FileSet, mods []*ir.Module) error {
	root, err := k8s.RenderRoot(mods)
	if err != nil {
		return err
	}
	return all.Merge(root)
}

// parallel calls f(0..n-1) on up to GOMAXPROCS goroutines.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= n {
					return
				}
				f(j)
			}
		}()
	}
	wg.Wait()
}

// openCache opens the build cache named by --cache: "" for the default
// directory ($OBSC_CACHE, else $XDG_CACHE_HOME/obsc), "off" for none.
// A cache that cannot be opened is skipped, with a note when its directory
// was named; the build goes on without it.
func (c *cli) openCache(dir string) *cache.Cache {
	explicit := dir != ""
	if dir == "" {
		dir = os.Getenv("OBSC_CACHE")
		explicit = dir != ""
	}
	if dir == "off" {
		return nil
	}
	if dir == "" {
		d, err := cache.DefaultDir()
		if err != nil {
			return nil
		}
		dir = d
	}
	cc, err := cache.Open(dir)
	if err != nil {
		if explicit {
			fmt.Fprintln(c.stderr, "obsc: note:", err)
		}
		return nil
	}
	return cc
}

// build is compileAll followed by render, through the build cache when
// there is one (cc and tree not nil): a module whose inputs match a cache
// entry, and whose files are all in tree exactly as that entry recorded
// them, is neither compiled nor rendered; its files are the tree's. Every
// other module is compiled and rendered, and recorded in the cache. The
// checks across modules see every module either way. It prints errors
// itself and returns the files and the number of modules.
func (c *cli) build(patterns []string, cc *cache.Cache, tree *targets.Tree) (targets.FileSet, int, bool) {
	timing.stage("start")
	dirs, err := compile.Dirs(patterns)
	if err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return nil, 0, false
	}
	keys := make([]cache.Key, len(dirs))
	cacheable := make([]bool, len(dirs))
	entries := make([]*cache.Entry, len(dirs))
	known := make([]*compile.Known, len(dirs))
	if cc != nil && tree != nil {
		parallel(len(dirs), func(i int) {
			keys[i], cacheable[i] = cc.Key(dirs[i])
			if !cacheable[i] {
				return
			}
			e, ok := cc.Get(keys[i])
			if !ok || !inTree(e, tree) {
				return
			}
			abs, err := filepath.Abs(dirs[i])
			if err != nil {
				return
			}
			pos := e.Pos
			pos.File = filepath.Join(abs, filepath.FromSlash(pos.File))
			entries[i], known[i] = e, &compile.Known{Name: e.Name, Pos: pos}
		})
	}
	timing.stage("cache")
	res, err := compile.AllCached(dirs, known)
	if err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return nil, 0, false
	}
	mods, ok := c.compiled(res)
	if !ok {
		return nil, 0, false
	}
	timing.stage("compile")
	index := map[string]int{}
	for i, d := range dirs {
		index[d] = i
	}
	var store func(*ir.Module, targets.FileSet)
	if cc != nil {
		store = func(m *ir.Module, fs targets.FileSet) {
			i := index[m.Dir]
			if !cacheable[i] {
				return
			}
			abs, err := filepath.Abs(dirs[i])
			if err != nil {
				return
			}
			rel, err := filepath.Rel(abs, m.Pos.File)
			if err != nil {
				return
			}
			e := &cache.Entry{Name: m.Name, Pos: m.Pos, Files: map[string]cache.Digest{}}
			e.Pos.File = filepath.ToSlash(rel)
			for p, data := range fs {
				e.Files[p] = sha256.Sum256(data)
			}
			_ = cc.Put(keys[i], e) // a cache that cannot be written only costs time
		}
	}
	all, err := renderModules(mods, store)
	if err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return nil, 0, false
	}
	names := make([]*ir.Module, 0, len(dirs))
	names = append(names, mods...)
	for _, i := range res.KnownDirs {
		for p := range entries[i].Files {
			if err := all.Add(p, tree.Generated[p]); err != nil {
				fmt.Fprintln(c.stderr, "obsc:", err)
				return nil, 0, false
			}
		}
		names = append(names, &ir.Module{Name: entries[i].Name})
	}
	sort.Slice(names, func(i, j int) bool { return names[i].Name < names[j].Name })
	if err := renderRoot(all, names); err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return nil, 0, false
	}
	timing.stage("render")
	return all, len(names), true
}

// inTree reports whether every file of e is in tree with the digest e
// recorded.
func inTree(e *cache.Entry, tree *targets.Tree) bool {
	for p, want := range e.Files {
		data, ok := tree.Generated[p]
		if !ok || sha256.Sum256(data) != want {
			return false
		}
	}
	return true
}
