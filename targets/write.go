package targets

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/tinysystems/obsc/compile/ir"
)

// A Change is one difference between a FileSet and the tree on disk.
type Change struct {
	Path string // slash path relative to the output directory
	Kind string // "changed", "missing" or "stale"
	Diff string // unified diff, old (disk) to new (generated)
}

// Tree is what obsc owns in an output directory: the generated files of
// the module directories it wrote before, and foreign files it must leave
// alone.
type Tree struct {
	Generated map[string][]byte // slash path -> content, files carrying Header
	Foreign   map[string][]byte // files without Header (symlinks: nil content)
	Dirs      map[string]bool   // directories one or two levels down, which obsc never writes as files
}

// owned reports whether obsc wrote some file in directory d ("." for the
// top level): a headerless file at a generated path there is a hand edit
// of obsc's own file, not someone else's.
func (t *Tree) owned(d string) bool {
	for p := range t.Generated {
		if path.Dir(p) == d {
			return true
		}
	}
	return false
}

// ForeignPaths lists the files obsc leaves alone, sorted.
func (t *Tree) ForeignPaths() []string { return ir.SortedKeys(t.Foreign) }

// ReadTree scans dir. Top-level files and the files of every top-level
// directory are read; a file counts as obsc's when IsGenerated says so.
// Symlinks inside dir are never followed: they are reported as foreign.
// dir itself may be a symlink to a directory (see Replace).
func ReadTree(dir string) (*Tree, error) {
	t := &Tree{Generated: map[string][]byte{}, Foreign: map[string][]byte{}, Dirs: map[string]bool{}}
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Lstat(dir); lerr == nil {
			return nil, fmt.Errorf("output %s is a symlink that does not resolve", dir)
		}
		return t, nil
	}
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("output %s is not a directory", dir)
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." {
				t.Dirs[rel] = true
			}
			if strings.Count(rel, "/") >= 1 {
				return filepath.SkipDir // obsc writes two levels at most
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 || !d.Type().IsRegular() {
			t.Foreign[rel] = nil
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if IsGenerated(data) {
			t.Generated[rel] = data
		} else {
			t.Foreign[rel] = data
		}
		return nil
	})
	return t, err
}

// Compare lists how the tree differs from fs, in path order.
func Compare(t *Tree, fs FileSet) []Change { return compare(t, fs, true) }

// compare is Compare; without diffs, Change.Diff is left empty (writing
// needs only the paths and kinds, and a diff of every new file of a
// large tree costs more than writing it).
func compare(t *Tree, fs FileSet, diffs bool) []Change {
	unified := unified
	if !diffs {
		unified = func(string, []byte, []byte) string { return "" }
	}
	var out []Change
	for _, p := range fs.Paths() {
		old, ok := t.Generated[p]
		if !ok && t.Foreign[p] != nil {
			old, ok = t.Foreign[p], true // a hand edit that dropped the header
		}
		switch {
		case !ok:
			out = append(out, Change{Path: p, Kind: "missing", Diff: unified(p, nil, fs[p])})
		case !bytes.Equal(old, fs[p]):
			out = append(out, Change{Path: p, Kind: "changed", Diff: unified(p, old, fs[p])})
		}
	}
	for _, p := range ir.SortedKeys(t.Generated) {
		if _, ok := fs[p]; !ok {
			out = append(out, Change{Path: p, Kind: "stale", Diff: unified(p, t.Generated[p], nil)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func unified(p string, a, b []byte) string {
	from, to := "a/"+p, "b/"+p
	if a == nil {
		from = "/dev/null"
	}
	if b == nil {
		to = "/dev/null"
	}
	d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(a)), B: difflib.SplitLines(string(b)),
		FromFile: from, ToFile: to, Context: 3,
	})
	return d
}

// Write makes dir hold exactly fs among obsc's files: new and changed
// files are written (each through a temporary file renamed into place, so
// no reader sees half a file), and generated files that fs no longer has
// are removed, with directories left empty by that. Foreign files are left
// alone. A headerless file at a generated path is overwritten only in a
// directory obsc owns (it is a hand edit of obsc's file); elsewhere it is
// someone else's file, and Write fails before writing anything.
//
// Write is for directories that hold other code (obsc gen); the output
// tree of obsc build is replaced as a whole by Replace.
func Write(dir string, fs FileSet, t *Tree) ([]Change, error) {
	if err := t.conflicts(dir, fs); err != nil {
		return nil, err
	}
	changes := compare(t, fs, false)
	for _, c := range changes {
		full := filepath.Join(dir, filepath.FromSlash(c.Path))
		switch c.Kind {
		case "missing", "changed":
			if err := writeAtomic(full, fs[c.Path]); err != nil {
				return nil, err
			}
		case "stale":
			if err := os.Remove(full); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, err
			}
			_ = os.Remove(filepath.Dir(full)) // only succeeds when empty
		}
	}
	return changes, nil
}

func writeAtomic(file string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(file), ".obsc-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, file)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
