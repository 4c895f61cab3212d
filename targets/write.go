package targets

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/sealed"
)

// A Change is one difference between a FileSet and the tree on disk.
type Change struct {
	Path string // slash path relative to the output directory
	Kind string // "changed", "missing" or "stale"
	Diff string // unified diff, old (disk) to new (generated)
}

// Compare lists how the tree differs from fs, in path order, with diffs.
// It fails only when an old file cannot be read for its diff.
func Compare(t *Tree, fs FileSet) ([]Change, error) {
	c := t.Checker(true)
	if err := c.Add(fs); err != nil {
		return nil, err
	}
	return c.Changes()
}

// A Checker compares files with a tree as they are rendered, without
// keeping them (obsc build --check). Add and Keep are safe for concurrent
// use.
type Checker struct {
	tree  *Tree
	diffs bool

	mu      sync.Mutex
	seen    map[string]bool
	changes []Change
}

// Checker returns a Checker of t; with diffs, every Change carries a
// unified diff.
func (t *Tree) Checker(diffs bool) *Checker {
	return &Checker{tree: t, diffs: diffs, seen: map[string]bool{}}
}

// Add compares the files of fs with the tree. A file whose digest matches
// is not read; the old content of a differing one is, for its diff.
func (c *Checker) Add(fs FileSet) error { return c.AddSummed(fs, fs.Sums()) }

// AddSummed is Add of fs whose digests, sums, the caller has already.
func (c *Checker) AddSummed(fs FileSet, sums map[string]Digest) error {
	for _, p := range fs.Paths() {
		ch, err := c.tree.change(p, fs[p], sums[p], c.diffs)
		if err != nil {
			return err
		}
		c.mu.Lock()
		c.seen[p] = true
		if ch != nil {
			c.changes = append(c.changes, *ch)
		}
		c.mu.Unlock()
	}
	return nil
}

// Keep records a file the tree holds with digest d (a module the build
// cache knows); it differs when the tree does not hold it so.
func (c *Checker) Keep(p string, d Digest) error {
	if c.tree.differs(p, d) {
		return fmt.Errorf("internal error: %s kept but not in the tree as recorded", p)
	}
	c.mu.Lock()
	c.seen[p] = true
	c.mu.Unlock()
	return nil
}

// Changes returns what differs, stale files included, in path order. It
// fails only when a stale file cannot be read for its diff.
func (c *Checker) Changes() ([]Change, error) {
	out := append([]Change(nil), c.changes...)
	for _, p := range ir.SortedKeys(c.tree.Generated) {
		if !c.seen[p] {
			ch := Change{Path: p, Kind: "stale"}
			if c.diffs {
				old, err := c.tree.Content(p)
				if err != nil {
					return nil, err
				}
				ch.Diff = unified(p, old, nil)
			}
			out = append(out, ch)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// change says how the tree's p differs from data, whose digest is d; nil
// when it does not.
func (t *Tree) change(p string, data []byte, d Digest, diffs bool) (*Change, error) {
	var old []byte
	switch f, ok := t.Generated[p]; {
	case ok && f.Digest == d:
		return nil, nil
	case ok:
		if !diffs {
			return &Change{Path: p, Kind: "changed"}, nil
		}
		var err error
		if old, err = t.Content(p); err != nil {
			return nil, err
		}
	case t.Foreign[p] != nil:
		old = t.Foreign[p] // a hand edit that dropped the header
		if bytes.Equal(old, data) {
			return nil, nil
		}
	default:
		ch := &Change{Path: p, Kind: "missing"}
		if diffs {
			ch.Diff = unified(p, nil, data)
		}
		return ch, nil
	}
	ch := &Change{Path: p, Kind: "changed"}
	if diffs {
		ch.Diff = unified(p, old, data)
	}
	return ch, nil
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
		A: diffLines(a), B: diffLines(b),
		FromFile: from, ToFile: to, Context: 3,
	})
	return d
}

// noNewline is what diff and git print after a last line that has no
// newline.
const noNewline = "\\ No newline at end of file\n"

// diffLines splits data into lines for difflib, each with its newline.
// difflib.SplitLines would add an empty line after the last one, which
// the diff then shows as context that no file has, and a patch made of it
// does not apply. A last line without a newline carries diff's marker, so
// that it differs from the same line with one, as it does on disk.
func diffLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(data), "\n")
	if last := lines[len(lines)-1]; last == "" {
		lines = lines[:len(lines)-1]
	} else {
		lines[len(lines)-1] = last + "\n" + noNewline
	}
	return lines
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
	c := t.Checker(false)
	if err := c.Add(fs); err != nil {
		return nil, err
	}
	changes, err := c.Changes()
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		full := filepath.Join(dir, filepath.FromSlash(c.Path))
		switch c.Kind {
		case "missing", "changed":
			if err := WriteAtomic(full, fs[c.Path]); err != nil {
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

// WriteAtomic writes data to file (mode 0644), creating its directory:
// through a temporary file renamed over it, so that a reader sees the old
// file, the new one or none.
func WriteAtomic(file string, data []byte) error {
	a, err := CreateAtomic(file)
	if err != nil {
		return err
	}
	if _, err := a.Write(data); err != nil {
		a.Abort()
		return err
	}
	return a.Commit()
}

// An AtomicFile is WriteAtomic for a file written piece by piece: a
// temporary file beside it (named .obsc-*), renamed over it by Commit.
type AtomicFile struct {
	f    *os.File
	file string
}

// CreateAtomic starts an AtomicFile that will be file, creating its
// directory.
func CreateAtomic(file string) (*AtomicFile, error) {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(file), ".obsc-*")
	if err != nil {
		return nil, err
	}
	return &AtomicFile{f: f, file: file}, nil
}

// Write writes p to the temporary file.
func (a *AtomicFile) Write(p []byte) (int, error) { return a.f.Write(p) }

// Commit puts what was written in place of the file (mode 0644). When it
// fails, the file is as it was and the temporary file is gone.
func (a *AtomicFile) Commit() error {
	err := a.f.Chmod(0o644)
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.f.Name(), a.file)
	}
	if err != nil {
		os.Remove(a.f.Name())
	}
	return err
}

// Abort drops what was written: the file stays as it was.
func (a *AtomicFile) Abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}

// A SealedFile is an AtomicFile written through a buffer and sealed as it
// goes (internal/sealed: closed by the SHA-256 of what precedes), for
// files too large to build in memory first: the State, the cache's
// entries.
type SealedFile struct {
	a *AtomicFile
	w *bufio.Writer
	s *sealed.Writer
}

// CreateSealed starts a SealedFile that will be file.
func CreateSealed(file string) (*SealedFile, error) {
	a, err := CreateAtomic(file)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(a, 64<<10)
	return &SealedFile{a: a, w: w, s: sealed.NewWriter(w)}, nil
}

// Write adds p to the body, which must end in a newline by Commit.
func (f *SealedFile) Write(p []byte) (int, error) { return f.s.Write(p) }

// Commit seals what was written and puts it in place of the file, as
// AtomicFile.Commit does. When it fails, the file is as it was.
func (f *SealedFile) Commit() error {
	err := f.s.Close()
	if err == nil {
		err = f.w.Flush()
	}
	if err != nil {
		f.a.Abort()
		return err
	}
	return f.a.Commit()
}

// Abort drops what was written: the file stays as it was.
func (f *SealedFile) Abort() { f.a.Abort() }

// Has reports whether p was added.
func (c *Checker) Has(p string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen[p]
}

// Len is the number of files added.
func (c *Checker) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
