package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/cache"
	"github.com/tinysystems/obsc/internal/par"
	"github.com/tinysystems/obsc/internal/pathx"
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
	res, err := compile.AllMatching(patterns)
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
		fmt.Fprintf(c.stderr, "obsc: %s; nothing written\n", count(len(res.Errors), "error"))
		return nil, false
	}
	return res.Modules, true
}

// render renders every module with every target and returns the first
// error, to check that rendering works; nothing is kept.
func render(mods []*ir.Module) error {
	if err := renderModules(mods); err != nil {
		return err
	}
	_, err := k8s.RenderRoot(mods)
	return err
}

// renderModules renders mods on up to GOMAXPROCS workers and drops the
// files. The error returned is the one of the first module in order, so
// it does not depend on scheduling.
func renderModules(mods []*ir.Module) error {
	errs := make([]error, len(mods))
	parallel(len(mods), func(i int) {
		_, errs[i] = renderModule(mods[i])
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// renderModule renders m with every target.
func renderModule(m *ir.Module) (targets.FileSet, error) {
	fs := targets.FileSet{}
	for _, r := range renderers {
		out, err := r.render(m)
		if err == nil {
			err = fs.Merge(out)
		}
		if err != nil {
			return nil, fmt.Errorf("module %s: %s target: %w", m.Name, r.name, err)
		}
	}
	return fs, nil
}

// renderErrors collects the errors of modules rendered concurrently.
type renderErrors struct {
	mu   sync.Mutex
	name string
	err  error
}

// add records err of the module named name, if not nil.
func (r *renderErrors) add(name string, err error) {
	if err == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil || name < r.name {
		r.name, r.err = name, err
	}
}

// first is the error of the first module by name, so that it does not
// depend on scheduling; nil when there was none.
func (r *renderErrors) first() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// A sink takes the files of a build as they are rendered: a
// targets.Output writes them, a targets.Checker compares them.
type sink interface {
	Add(targets.FileSet) error                                  // files rendered now
	AddSummed(targets.FileSet, map[string]targets.Digest) error // the same, their digests known
	Keep(p string, d targets.Digest) error                      // a file the tree holds as the cache recorded
}

// parallel calls f(0..n-1) on up to GOMAXPROCS goroutines.
func parallel(n int, f func(i int)) { par.Do(n, runtime.GOMAXPROCS(0), f) }

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

// buildCache is the build cache as one build of the output directory out
// uses it: the State of out and the entries of its modules as the last
// build left them, and the Recorder of the entries this build leaves.
type buildCache struct {
	cc    *cache.Cache
	out   string
	state *targets.State // nil when there is none
	prev  *cache.Entries
	rec   *cache.Recorder
	abs   pathx.Abs
}

// openBuildCache is openCache (dir as --cache names it) readied for a
// build of out; nil when the cache is off or cannot be opened. The build
// must end with save or abort.
func (c *cli) openBuildCache(dir, out string) *buildCache {
	cc := c.openCache(dir)
	if cc == nil {
		return nil
	}
	// The State and the entries are two files of their own, each
	// decoded on its own core (at 1,000 modules, 10,000 lines and
	// 11,000 lines: 50 ms and 25 ms of a no-op build's 400).
	entries := make(chan *cache.Entries, 1)
	go func() { entries <- cc.LoadEntries(out) }()
	state := targets.LoadState(cc.StateFile(out))
	prev := <-entries
	return &buildCache{
		cc:    cc,
		out:   out,
		state: state,
		prev:  prev,
		rec:   cc.Record(out, prev),
		abs:   pathx.NewAbs(),
	}
}

// abort drops the entries recorded by a build that failed; after save,
// it does nothing.
func (bc *buildCache) abort() {
	if bc != nil {
		bc.rec.Abort()
	}
}

// save keeps the State of out and this build's entries in the cache,
// each unless it did not change: a shortcut for the next run, no more,
// so a failure to save is ignored. Then it marks them used and lets the
// cache drop the files of output directories unused for a month (at most
// once a day; see cache.Trim).
func (bc *buildCache) save(state func() *targets.State) {
	if bc == nil {
		return
	}
	s := state()
	timing.stage("state")
	if !s.Equal(bc.state) {
		_ = s.Save(bc.cc.StateFile(bc.out))
	}
	timing.stage("save state")
	_ = bc.rec.Commit()
	timing.stage("save entries")
	now := time.Now()
	bc.cc.Used(bc.out, now)
	bc.cc.Trim(now)
	timing.stage("used, trim")
}

// build is compileAll followed by render, every module's files going to
// out as soon as they are rendered, through the build cache when there is
// one (bc not nil): a module whose inputs match a cache entry, and whose
// files are all in tree exactly as that entry recorded them, is neither
// compiled nor rendered; its files are kept as they are. Every other
// module is compiled and rendered, and recorded in the cache. The checks
// across modules see every module either way. It prints errors itself and
// returns the number of modules.
func (c *cli) build(patterns []string, bc *buildCache, tree *targets.Tree, out sink) (int, bool) {
	timing.stage("start")
	dirs, err := compile.Dirs(patterns)
	if err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return 0, false
	}
	keys := make([]cache.Key, len(dirs))
	cacheable := make([]bool, len(dirs))
	// recheck[i]: compile reads the files of dirs[i] itself (a module in
	// a CUE module), so they must be keyed again after (see unchanged).
	recheck := make([]bool, len(dirs))
	entries := make([]*cache.Entry, len(dirs))
	// lookup runs on compile's workers, right before a module would be
	// compiled: it keys the module's files and, when the cache has an
	// entry for the key whose files are all in tree as recorded, the
	// module is taken as compiled (see AllCached), its files kept.
	// Otherwise the module is compiled from the very bytes it was keyed
	// by, so its entry cannot record the output of other ones.
	var lookup func(i int) (*compile.Known, []compile.SourceFile)
	if bc != nil {
		lookup = func(i int) (*compile.Known, []compile.SourceFile) {
			var read []cache.File
			keys[i], read, cacheable[i] = bc.cc.KeyFiles(dirs[i])
			if afterKeys != nil {
				afterKeys(i)
			}
			if !cacheable[i] {
				return nil, nil
			}
			if e, ok := bc.prev.Get(keys[i]); ok && inTree(e, tree) {
				if abs, err := bc.abs.Of(dirs[i]); err == nil {
					pos := e.Pos
					pos.File = filepath.Join(abs, filepath.FromSlash(pos.File))
					entries[i] = e
					return &compile.Known{Name: e.Name, Pos: pos}, nil
				}
			}
			if read == nil {
				recheck[i] = true
				return nil, nil
			}
			files := make([]compile.SourceFile, len(read))
			for j, f := range read {
				files[j] = compile.SourceFile{Name: f.Name, Data: f.Data, Regular: f.Regular}
			}
			return nil, files
		}
	}
	timing.stage("cache")
	// Each module is rendered as soon as it compiles, on the worker that
	// compiled it, while other modules still compile, and its files go to
	// one writer goroutine, which hands them to out and records them in
	// the cache: the module is dropped right after, so memory does not
	// grow with the number of modules (the queue holds a few). One writer
	// rather than one per worker: creating files from several threads at
	// once costs the kernel more in all (ext4 here: 10-20% more wall time
	// for a cold build of 1,000 modules), and the writer waiting on the
	// filesystem leaves its core to the workers; but a worker that finds
	// the queue full writes its module itself rather than wait. When any
	// module fails, out is not committed.
	var claimed sync.Map
	var helped atomic.Int64 // modules their worker wrote
	var rendered renderErrors
	type written struct {
		i      int
		m      *ir.Module
		fs     targets.FileSet
		sums   map[string]targets.Digest
		record bool // in the cache, its files unchanged since keyed
	}
	write := func(w written) {
		err := out.AddSummed(w.fs, w.sums)
		if err == nil && w.record {
			bc.store(keys[w.i], dirs[w.i], w.m, w.sums)
		}
		rendered.add(w.m.Name, err)
	}
	writes := make(chan written, 2*runtime.GOMAXPROCS(0))
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for w := range writes {
			write(w)
		}
	}()
	res, err := compile.AllCached(dirs, lookup, func(i int, m *ir.Module) {
		if _, dup := claimed.LoadOrStore(m.Name, true); dup {
			return // compile reports the duplicate name
		}
		fs, err := renderModule(m)
		if err != nil {
			rendered.add(m.Name, err)
			return
		}
		// Hashed here, on the workers, once for the output and the cache
		// entry (and the files of a module compile read itself keyed
		// again, see unchanged): the writer's thread is the one that
		// cannot be shared.
		record := bc != nil && cacheable[i] && (!recheck[i] || bc.unchanged(keys[i], dirs[i]))
		w := written{i: i, m: m, fs: fs, sums: fs.Sums(), record: record}
		select {
		case writes <- w:
		default:
			// The writer is behind: rather than wait for it with its core
			// idle, the worker writes this module itself. Where writing
			// keeps up (the usual case) there is one writer; where it
			// does not (on this VM, page cache written past about a
			// gigabyte costs 20x more: bench/README.md), the cores left
			// idle write too.
			helped.Add(1)
			write(w)
		}
	})
	close(writes)
	<-writerDone
	if err == nil {
		err = res.Named(patterns)
	}
	if err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return 0, false
	}
	mods, ok := c.compiled(res)
	if !ok {
		return 0, false
	}
	if err := rendered.first(); err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return 0, false
	}
	timing.stage("compile, render")
	timing.note("modules written by their worker, the writer behind: %d", helped.Load())
	names := make([]*ir.Module, 0, len(dirs))
	names = append(names, mods...)
	for _, i := range res.KnownDirs {
		bc.rec.Keep(keys[i]) // still true of the tree
		for _, p := range ir.SortedKeys(entries[i].Files) {
			if err := out.Keep(p, entries[i].Files[p]); err != nil {
				fmt.Fprintln(c.stderr, "obsc:", err)
				return 0, false
			}
		}
		names = append(names, &ir.Module{Name: entries[i].Name})
	}
	sort.Slice(names, func(i, j int) bool { return names[i].Name < names[j].Name })
	root, err := k8s.RenderRoot(names)
	if err == nil {
		err = out.Add(root)
	}
	if err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return 0, false
	}
	timing.stage("cached, root")
	timing.note("modules from the cache: %d of %d", len(res.KnownDirs), len(names))
	return len(names), true
}

// afterKeys, when set (by tests), runs between the cache key's reading of
// the files of dirs[i] and compile's.
var afterKeys func(i int)

// unchanged reports whether dir's files, read again after compiling,
// still have k, the key they had before, for a module compile read the
// files of itself: if they changed in between, compile may have read
// either version, and an entry keyed by the old one but holding output of
// the new one would be taken as up to date once the change is undone, so
// store must not record it.
func (bc *buildCache) unchanged(k cache.Key, dir string) bool {
	now, ok := bc.cc.Key(dir)
	return ok && now == k
}

// store records in the entries this build leaves what m, built from dir,
// rendered to: the digests of its files, under k, the key of dir's files
// as read before compiling (and after: see unchanged). The entry goes to
// the cache now; the build keeps nothing of it.
func (bc *buildCache) store(k cache.Key, dir string, m *ir.Module, sums map[string]cache.Digest) {
	abs, err := bc.abs.Of(dir)
	if err != nil {
		return
	}
	rel, err := filepath.Rel(abs, m.Pos.File)
	if err != nil {
		return
	}
	e := &cache.Entry{Name: m.Name, Pos: m.Pos, Files: sums}
	e.Pos.File = filepath.ToSlash(rel)
	bc.rec.Add(k, e)
}

// inTree reports whether every file of e is in tree with the digest e
// recorded.
func inTree(e *cache.Entry, tree *targets.Tree) bool {
	for p, want := range e.Files {
		f, ok := tree.Generated[p]
		if !ok || f.Digest != want {
			return false
		}
	}
	return true
}
