package targets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// ErrInterrupted is returned when the context of an Output is cancelled
// before the new tree is in place; the output directory is then unchanged.
var ErrInterrupted = errors.New("interrupted; nothing written")

// A Result says what Commit did.
type Result struct {
	Changes []Change // what differed, in path order; empty when nothing was written
	// InPlace is why the tree was written file by file instead of swapped
	// in whole ("" when it was swapped, or when nothing changed).
	InPlace string
}

// writeDelay slows every file an Output stages, so tests can interrupt a
// build in the middle of its write phase. Set only by the
// OBSC_TEST_WRITE_DELAY environment variable (a Go duration).
var writeDelay, _ = time.ParseDuration(os.Getenv("OBSC_TEST_WRITE_DELAY"))

// An Output makes an output directory hold exactly the files added to it
// among obsc's files, all at once.
//
// Files are added as they are rendered (Add, Keep, safe for concurrent
// use), and every file that differs from the tree on disk is written at
// once into a staging directory beside the output (same parent, so the
// same filesystem); nothing is held in memory. Commit then puts the new
// tree in place in one step:
//
//   - when every change is inside one top-level entry of the output (one
//     module's directory, or the top-level kustomization.yaml), that
//     entry alone is completed in staging (unchanged files hard-linked,
//     foreign files carried) and swapped with renameat2(RENAME_EXCHANGE):
//     the rest of the tree is not touched, so a rebuild after editing one
//     module does work proportional to that module;
//   - otherwise the whole tree is completed in staging — unchanged files
//     hard-linked, every entry of the old tree that is not obsc's carried
//     over (foreign files hard-linked or copied, symlinks recreated,
//     foreign directories rebuilt), stale generated files and directories
//     left with nothing in them dropped — and swapped with the output
//     directory: on Linux with renameat2(RENAME_EXCHANGE); elsewhere the
//     output is renamed away and the staged tree renamed in (a crash
//     between the two renames is repaired by the next run).
//
// Either way a reader, or an interrupted build, sees the old tree or the
// new one, never a mix. When the output is a symlink, the directory it
// points to is replaced and the link kept. When it cannot be swapped — it
// is the working directory or one of its parents, or a mount point — the
// staged files are copied in place one by one (each file atomically, the
// tree not) and Result.InPlace says why.
//
// When nothing differs nothing is written, not even the staging
// directory. When the context is cancelled, or the build fails, before
// Commit, Close removes the staging directory and the output is as it
// was.
type Output struct {
	ctx          context.Context
	dir          string // as given, for messages
	target       string // the directory replaced: dir with symlinks resolved, absolute
	parent, base string
	inPlace      string
	restored     bool
	tree         *Tree
	unlock       func()
	staging      string   // "" until the first file is staged
	made         sync.Map // directories made in staging
	stagingErr   error
	mu           sync.Mutex
	files        map[string]outFile
	committed    bool
	touchedAll   bool   // Commit rewrote or relinked every file
	copied       bool   // Commit copied the changes in place: no Stat of staging holds
	touchedEntry string // the one top-level entry Commit swapped
}

type outFile struct {
	digest  Digest
	kind    string // "missing" or "changed" (then written to staging), or "" when the tree holds it
	stat    Stat   // when created: the file's Stat as written to staging
	created bool
}

func (f outFile) changed() bool { return f.kind != "" }

// Replace makes dir hold exactly files among obsc's files, all at once:
// Open, Add of files and Commit (see Output), with t the tree already
// read from dir.
func Replace(ctx context.Context, dir string, files FileSet, t *Tree) (*Result, error) {
	o, err := open(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	o.tree = t
	if o.restored {
		// t described no tree; the old one is back, so judge against it.
		if _, err := o.Scan(nil); err != nil {
			return nil, err
		}
	}
	if err := o.Add(files); err != nil {
		return nil, err
	}
	return o.Commit()
}

// Open prepares to replace dir: it takes the lock beside it, so two obsc
// runs never write the same output at once, and repairs what a killed run
// left behind. Scan the tree with Output.Scan next.
func Open(ctx context.Context, dir string) (*Output, error) { return open(ctx, dir) }

func open(ctx context.Context, dir string) (*Output, error) {
	target, err := resolveDir(dir)
	if err != nil {
		return nil, err
	}
	o := &Output{ctx: ctx, dir: dir, target: target, parent: filepath.Dir(target), base: filepath.Base(target),
		inPlace: unswappable(target), files: map[string]outFile{}, tree: NewTree()}
	if _, err := os.Stat(o.parent); err == nil {
		if err := o.lock(); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// lock takes the lock on the parent directory, creating it, and cleans
// up after a killed run.
func (o *Output) lock() error {
	if o.unlock != nil {
		return nil
	}
	if err := os.MkdirAll(o.parent, 0o755); err != nil {
		return err
	}
	unlock, err := lockDir(o.parent)
	if err != nil {
		return err
	}
	o.unlock = unlock
	o.restored, err = recoverLeftovers(o.parent, o.base)
	return err
}

// Scan reads the output directory as it is now (see Scan) and returns
// it; the files added next are judged against it.
func (o *Output) Scan(prev *State) (*Tree, error) {
	t, err := Scan(o.dir, prev)
	if err != nil {
		return nil, err
	}
	o.tree = t
	o.files = make(map[string]outFile, len(t.Generated))
	return t, nil
}

// Add adds the files of fs, writing those that differ from the tree into
// staging. It fails, before writing anything of fs, on a path that is not
// obsc's to write, and fails on a path added twice.
func (o *Output) Add(fs FileSet) error { return o.AddSummed(fs, fs.Sums()) }

// AddSummed is Add of fs whose digests, sums, the caller has already.
func (o *Output) AddSummed(fs FileSet, sums map[string]Digest) error {
	paths := fs.Paths()
	for _, p := range paths {
		if err := o.tree.conflict(o.dir, p); err != nil {
			return err
		}
	}
	for _, p := range paths {
		if o.ctx.Err() != nil {
			return ErrInterrupted
		}
		data, d := fs[p], sums[p]
		ch, err := o.tree.change(p, data, d, false)
		if err != nil {
			return err
		}
		f := outFile{digest: d}
		if ch != nil {
			f.kind = ch.Kind
		}
		if err := o.record(p, f); err != nil {
			return err
		}
		if f.changed() {
			st, known, err := o.stage(p, data)
			if err != nil {
				return err
			}
			if known {
				o.created(p, st)
			}
		}
	}
	return nil
}

// Keep adds a file the tree already holds with digest d (a module the
// build cache knows): it is carried into the new tree unread.
func (o *Output) Keep(p string, d Digest) error {
	if err := checkPath(p); err != nil {
		return err
	}
	if o.tree.differs(p, d) {
		return fmt.Errorf("internal error: %s kept but not in the tree as recorded", p)
	}
	return o.record(p, outFile{digest: d})
}

// Len is the number of files added.
func (o *Output) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.files)
}

func (o *Output) record(p string, f outFile) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, dup := o.files[p]; dup {
		return fmt.Errorf("internal error: %s generated twice", p)
	}
	o.files[p] = f
	return nil
}

// created records the Stat of p as stage created it.
func (o *Output) created(p string, st Stat) {
	o.mu.Lock()
	defer o.mu.Unlock()
	f := o.files[p]
	f.stat, f.created = st, true
	o.files[p] = f
}

// stage writes data at p in the staging directory, creating it first,
// and returns the Stat of the file it created, when known.
func (o *Output) stage(p string, data []byte) (Stat, bool, error) {
	staging, err := o.stagingDir()
	if err != nil {
		return Stat{}, false, err
	}
	if writeDelay > 0 {
		time.Sleep(writeDelay)
	}
	if d := path.Dir(p); d != "." {
		if _, made := o.made.Load(d); !made {
			if err := mkdirBelow(staging, d, nil); err != nil {
				return Stat{}, false, err
			}
			o.made.Store(d, true)
		}
	}
	return createFile(filepath.Join(staging, filepath.FromSlash(p)), data)
}

func (o *Output) stagingDir() (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.staging != "" || o.stagingErr != nil {
		return o.staging, o.stagingErr
	}
	o.staging, o.stagingErr = o.makeStaging()
	return o.staging, o.stagingErr
}

func (o *Output) makeStaging() (string, error) {
	if err := o.lock(); err != nil {
		return "", err
	}
	staging, err := os.MkdirTemp(o.parent, stagingPrefix(o.base))
	if err != nil {
		return "", err
	}
	mode := fs.FileMode(0o755)
	if info, err := os.Stat(o.target); err == nil {
		mode = info.Mode().Perm()
	}
	if err := os.Chmod(staging, mode); err != nil {
		os.RemoveAll(staging)
		return "", err
	}
	return staging, nil
}

// Close removes the staging directory unless Commit put it in place, and
// releases the lock. It is safe to call more than once.
func (o *Output) Close() {
	if o.staging != "" && !o.committed {
		os.RemoveAll(o.staging)
		o.staging = ""
	}
	if o.unlock != nil {
		o.unlock()
		o.unlock = nil
	}
}

// changes lists what differs, in path order.
func (o *Output) changes() []Change {
	var out []Change
	for p, f := range o.files {
		if f.changed() {
			out = append(out, Change{Path: p, Kind: f.kind})
		}
	}
	for p := range o.tree.Generated {
		if _, ok := o.files[p]; !ok {
			out = append(out, Change{Path: p, Kind: "stale"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// topEntry is the top-level entry of the output p lies in.
func topEntry(p string) string {
	top, _, _ := strings.Cut(p, "/")
	return top
}

// Commit puts the new tree in place (see Output) and says what changed.
func (o *Output) Commit() (*Result, error) {
	if o.ctx.Err() != nil {
		return nil, ErrInterrupted
	}
	if o.stagingErr != nil {
		return nil, o.stagingErr
	}
	res := &Result{Changes: o.changes()}
	if len(res.Changes) == 0 {
		return res, nil
	}
	if _, err := o.stagingDir(); err != nil {
		return nil, err
	}
	if o.inPlace != "" {
		res.InPlace = o.inPlace
		return res, o.copyInPlace(res.Changes)
	}
	entries := map[string]bool{}
	for _, c := range res.Changes {
		entries[topEntry(c.Path)] = true
	}
	if len(entries) == 1 && o.tree.root != "" {
		for e := range entries {
			done, err := o.swapEntry(e)
			if done || err != nil {
				return res, err
			}
		}
	}
	why, err := o.swapAll()
	if why != "" {
		res.InPlace = why
		return res, o.copyInPlace(res.Changes)
	}
	return res, err
}

// complete links into staging the unchanged files below entry ("" for
// all) and carries the foreign entries there.
func (o *Output) complete(entry string) error {
	var unchanged []string
	for p, f := range o.files {
		if !f.changed() && (entry == "" || topEntry(p) == entry) {
			unchanged = append(unchanged, p)
		}
	}
	sort.Strings(unchanged)
	errs := make([]error, len(unchanged))
	parallelIO(len(unchanged), func(i int) {
		if o.ctx.Err() != nil {
			errs[i] = ErrInterrupted
			return
		}
		errs[i] = o.linkUnchanged(unchanged[i])
	})
	if err := errors.Join(errs...); err != nil {
		if o.ctx.Err() != nil {
			return ErrInterrupted
		}
		return err
	}
	return o.carryForeign(entry)
}

// linkUnchanged stages p as a hard link to the old tree's file, which
// holds what p must hold. A file whose mode is not what stageFile gives
// (someone chmod-ed it), or that cannot be linked, is copied instead.
func (o *Output) linkUnchanged(p string) error {
	src := filepath.Join(o.target, filepath.FromSlash(p))
	dst := filepath.Join(o.staging, filepath.FromSlash(p))
	if d := path.Dir(p); d != "." {
		if err := mkdirBelow(o.staging, d, nil); err != nil {
			return err
		}
	}
	if writeDelay > 0 {
		time.Sleep(writeDelay)
	}
	if info, err := os.Lstat(src); err == nil && info.Mode().IsRegular() && info.Mode().Perm() == 0o644 {
		if err := os.Link(src, dst); err == nil || errors.Is(err, fs.ErrExist) {
			return nil
		}
	}
	data, err := o.tree.Content(p)
	if err != nil {
		return err
	}
	err = stageFile(o.staging, p, data)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	return err
}

// swapEntry swaps the one top-level entry that changed. It reports false
// when the filesystem cannot exchange it atomically; the caller then
// swaps the whole tree (what is staged so far stays useful).
func (o *Output) swapEntry(entry string) (bool, error) {
	if err := o.complete(entry); err != nil {
		return false, err
	}
	if o.ctx.Err() != nil {
		return false, ErrInterrupted
	}
	staged := filepath.Join(o.staging, entry)
	old := filepath.Join(o.target, entry)
	_, serr := os.Lstat(staged)
	_, oerr := os.Lstat(old)
	var err error
	switch {
	case serr == nil && oerr == nil:
		err = exchangeEntry(staged, old)
		if errors.Is(err, errNotSwappable) {
			return false, nil
		}
	case serr == nil:
		err = os.Rename(staged, old) // a new entry appears whole
	case oerr == nil:
		err = os.Rename(old, staged) // a removed entry disappears whole
	}
	if err != nil {
		return false, err
	}
	o.committed = true
	o.touchedEntry = entry
	os.RemoveAll(o.staging) // now the old entry: housekeeping
	o.staging = ""
	return true, nil
}

// swapAll swaps the whole tree. It returns a reason, and no error, when
// the output cannot be renamed and must be written in place.
func (o *Output) swapAll() (string, error) {
	if err := o.complete(""); err != nil {
		return "", err
	}
	if o.ctx.Err() != nil {
		return "", ErrInterrupted
	}
	o.touchedAll = true
	if _, err := os.Lstat(o.target); errors.Is(err, os.ErrNotExist) {
		// Nothing to swap with: a rename makes the whole tree appear at once.
		if err := os.Rename(o.staging, o.target); err != nil {
			return "", err
		}
		o.committed, o.staging = true, ""
		return "", nil
	}
	old, err := exchange(o.staging, o.target)
	if errors.Is(err, errNotSwappable) {
		return fmt.Sprintf("%s cannot be renamed (a mount point?)", o.dir), nil
	}
	if err != nil {
		return "", err
	}
	o.committed, o.staging = true, ""
	// old holds the previous tree now; removing it is housekeeping, and a
	// failure here (or a kill) leaves garbage the next run removes.
	os.RemoveAll(old)
	return "", nil
}

// copyInPlace writes the changes into the output file by file, each
// atomically, from staging.
func (o *Output) copyInPlace(changes []Change) error {
	o.touchedAll, o.copied = true, true
	for _, c := range changes {
		full := filepath.Join(o.target, filepath.FromSlash(c.Path))
		switch c.Kind {
		case "missing", "changed":
			data, err := os.ReadFile(filepath.Join(o.staging, filepath.FromSlash(c.Path)))
			if err != nil {
				return err
			}
			if err := WriteAtomic(full, data); err != nil {
				return err
			}
		case "stale":
			if err := os.Remove(full); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			_ = os.Remove(filepath.Dir(full)) // only succeeds when empty
		}
	}
	return nil
}

// State returns the State of the output after Commit: the Stat of every
// file it holds now. Files Commit did not touch keep what Scan saw.
func (o *Output) State() *State {
	s := &State{Files: make(map[string]StateFile, len(o.files))}
	// in no order: the State is a map, and Save sorts what it writes
	paths := make([]string, 0, len(o.files))
	for p := range o.files {
		paths = append(paths, p)
	}
	stats := make([]Stat, len(paths))
	ok := make([]bool, len(paths))
	parallelIO(len(paths), func(i int) {
		p := paths[i]
		touched := o.touchedAll || o.files[p].changed() || topEntry(p) == o.touchedEntry
		if st, seen := o.tree.stats[p]; seen && !touched {
			stats[i], ok[i] = st, true
			return
		}
		// A file created in staging and swapped in with its directory is
		// the inode stage created, as it left it: a rename of a directory
		// changes nothing of the files below it. A top-level file swapped
		// by itself got a new ctime from the rename.
		if f := o.files[p]; f.created && !o.copied && p != o.touchedEntry {
			stats[i], ok[i] = f.stat, true
			return
		}
		if info, err := os.Lstat(filepath.Join(o.target, filepath.FromSlash(p))); err == nil {
			stats[i], ok[i] = statOf(info), true
		}
	})
	for i, p := range paths {
		if ok[i] {
			s.Files[p] = StateFile{Stat: stats[i], Digest: o.files[p].digest}
		}
	}
	return s
}

// conflict refuses, before anything is written, to overwrite a file or
// directory that is not obsc's.
func (t *Tree) conflict(dir, p string) error {
	if data, foreign := t.Foreign[p]; foreign && (data == nil || !t.owned[path.Dir(p)]) {
		return fmt.Errorf("%s exists and was not written by obsc (no %q header); move it away or delete it", filepath.Join(dir, filepath.FromSlash(p)), Header)
	}
	if d := path.Dir(p); d != "." {
		if _, foreign := t.Foreign[d]; foreign {
			return fmt.Errorf("%s exists and is not a directory obsc owns", filepath.Join(dir, filepath.FromSlash(d)))
		}
	}
	if t.Dirs[p] {
		return fmt.Errorf("%s is a directory, where obsc writes a file; move it away", filepath.Join(dir, filepath.FromSlash(p)))
	}
	return nil
}

// conflicts is conflict for every path of fs.
func (t *Tree) conflicts(dir string, fs FileSet) error {
	for _, p := range fs.Paths() {
		if err := t.conflict(dir, p); err != nil {
			return err
		}
	}
	return nil
}

// differs reports whether the tree lacks p with digest d: a headerless
// hand edit at p differs.
func (t *Tree) differs(p string, d Digest) bool {
	f, ok := t.Generated[p]
	return !ok || f.Digest != d
}

// resolveDir returns the directory Replace must swap: dir itself, or what
// it points to when it is a symlink (the link stays).
func resolveDir(dir string) (string, error) {
	info, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return filepath.Abs(dir)
	}
	if err != nil {
		return "", err
	}
	if info.Mode()&os.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return "", fmt.Errorf("output %s is a symlink that does not resolve: %w", dir, err)
		}
		dir = real
	}
	return filepath.Abs(dir)
}

// unswappable says why target cannot be renamed: a process's working
// directory would move with it.
func unswappable(target string) string {
	cwd, err := os.Getwd()
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(cwd); err == nil {
		cwd = real
	}
	if cwd == target || strings.HasPrefix(cwd, target+string(filepath.Separator)) {
		return fmt.Sprintf("%s is the working directory or one of its parents", target)
	}
	return ""
}

func stagingPrefix(base string) string { return "." + base + ".obsc-tmp-" }
func oldPrefix(base string) string     { return "." + base + ".obsc-old-" }

// recoverLeftovers cleans up after a run that was killed: staging
// directories are removed, and an old tree renamed away by the non-Linux
// swap is put back when the new one never arrived. The caller holds the
// lock on parent, so no other obsc is using them.
func recoverLeftovers(parent, base string) (restored bool, err error) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return false, err
	}
	target := filepath.Join(parent, base)
	for _, e := range entries {
		name := e.Name()
		full := filepath.Join(parent, name)
		switch {
		case strings.HasPrefix(name, stagingPrefix(base)):
			if err := os.RemoveAll(full); err != nil {
				return restored, err
			}
		case strings.HasPrefix(name, oldPrefix(base)):
			if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
				if err := os.Rename(full, target); err != nil {
					return restored, err
				}
				restored = true
				continue
			}
			if err := os.RemoveAll(full); err != nil {
				return restored, err
			}
		}
	}
	return restored, nil
}

// stageFile writes data at slash path p below root, creating p's

// stageFile writes data at slash path p below root, creating p's
// directory. It never creates root itself: if root vanished, the staging
// is void and writing fails.
func stageFile(root, p string, data []byte) error {
	full := filepath.Join(root, filepath.FromSlash(p))
	if d := path.Dir(p); d != "." {
		if err := mkdirBelow(root, d, nil); err != nil {
			return err
		}
	}
	_, _, err := createFile(full, data)
	return err
}

// mkdirBelow creates the slash directory d below root and any missing
// parents between, with the mode of the same directory in from (the old
// tree) when from is set and has it, else 0755.
func mkdirBelow(root, d string, from *string) error {
	parts := strings.Split(d, "/")
	for i := range parts {
		rel := filepath.FromSlash(strings.Join(parts[:i+1], "/"))
		mode := fs.FileMode(0o755)
		if from != nil {
			if info, err := os.Lstat(filepath.Join(*from, rel)); err == nil && info.IsDir() {
				mode = info.Mode().Perm()
			}
		}
		err := os.Mkdir(filepath.Join(root, rel), mode)
		if err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		if err == nil && from != nil {
			// Mkdir applies the umask; the old tree's mode is what counts.
			if err := os.Chmod(filepath.Join(root, rel), mode); err != nil {
				return err
			}
		}
	}
	return nil
}

// carryForeign recreates in staging every entry of the old tree below
// entry ("" for the whole tree) that is not obsc's: obsc's files
// (Tree.Generated) are replaced by the new files or pruned, and a
// headerless file at a path of the new tree is a hand edit it overwrites.
// Directories are created only for what they carry, so a directory that
// held nothing but stale generated files disappears; a directory that was
// empty stays. Entries staged already are left as they are.
func (o *Output) carryForeign(entry string) error {
	old, staging, t := o.target, o.staging, o.tree
	start := filepath.Join(old, filepath.FromSlash(entry))
	if _, err := os.Lstat(start); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if o.ctx.Err() != nil {
			return ErrInterrupted
		}
		rel, _ := filepath.Rel(old, p)
		if rel == "." {
			return nil
		}
		slash := filepath.ToSlash(rel)
		if _, ours := t.Generated[slash]; ours && d.Type().IsRegular() {
			return nil
		}
		if _, ours := o.files[slash]; ours {
			return nil
		}
		if dp := path.Dir(slash); dp != "." {
			if err := mkdirBelow(staging, dp, &old); err != nil {
				return err
			}
		}
		dst := filepath.Join(staging, rel)
		var err2 error
		switch {
		case d.IsDir():
			entries, err := os.ReadDir(p)
			if err != nil {
				return err
			}
			if len(entries) == 0 {
				return mkdirBelow(staging, slash, &old)
			}
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			err2 = os.Symlink(target, dst)
		case d.Type().IsRegular():
			if err2 = os.Link(p, dst); err2 != nil && !errors.Is(err2, fs.ErrExist) {
				err2 = copyFile(p, dst)
			}
		default:
			return fmt.Errorf("%s is a %s, which obsc cannot carry into the new tree; move it out of the output directory", p, d.Type())
		}
		if errors.Is(err2, fs.ErrExist) {
			return nil
		}
		return err2
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm())
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// errNotSwappable is returned by exchange when the directory cannot be
// renamed at all (another filesystem, a mount point).
var errNotSwappable = errors.New("directory cannot be renamed")

// Has reports whether p was added.
func (o *Output) Has(p string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.files[p]
	return ok
}
