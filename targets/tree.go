package targets

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/zeebo/xxh3"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/par"
)

// Digest is the XXH3-128 of a file's content: what the State and the
// cache's entries know an output file by, to tell whether the file on disk
// is the one obsc would write. It detects change, not tampering: a file
// someone crafted to collide could pass for obsc's, as a hand edit that
// kept the file's times and size could already. XXH3 hashes the 2.2 GB
// a build of 10,000 modules writes in a fraction of the 1.3 s of CPU
// SHA-256 took (bench/README.md). What the cache is keyed by (the modules'
// inputs, obsc, the schema) stays SHA-256.
type Digest [16]byte

func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// ParseDigest reads a Digest as String writes it; ok is false for any
// other text (hex.Decode would panic on text too long for it).
func ParseDigest(s string) (d Digest, ok bool) {
	if len(s) != hex.EncodedLen(len(d)) {
		return d, false
	}
	_, err := hex.Decode(d[:], []byte(s))
	return d, err == nil
}

// Sum is the Digest of data.
func Sum(data []byte) Digest { return xxh3.Hash128(data).Bytes() }

// Sums returns the Digest of every file of fs.
func (fs FileSet) Sums() map[string]Digest {
	out := make(map[string]Digest, len(fs))
	for p, data := range fs {
		out[p] = Sum(data)
	}
	return out
}

// Tree is what obsc owns in an output directory: the generated files of
// the module directories it wrote before, and foreign files it must leave
// alone.
//
// A generated file is known by its digest; its content is read only when
// asked for (Content), so a tree whose files all match the State of the
// previous build is scanned without reading a single file.
type Tree struct {
	Generated map[string]*File  // slash path -> files carrying Header
	Foreign   map[string][]byte // files without Header (symlinks: nil content)
	Dirs      map[string]bool   // directories one or two levels down, which obsc never writes as files

	root  string          // the directory scanned, symlinks resolved; "" when it does not exist
	owned map[string]bool // directories holding a generated file ("." for the top level)
	stats map[string]Stat // what Scan saw of every generated file
}

// A File is a generated file of a Tree.
type File struct {
	Digest Digest
	Size   int64
	data   []byte // nil until read
}

// NewTree returns an empty tree, as of an output directory that does not
// exist yet.
func NewTree() *Tree {
	return &Tree{Generated: map[string]*File{}, Foreign: map[string][]byte{}, Dirs: map[string]bool{}, owned: map[string]bool{}, stats: map[string]Stat{}}
}

// Content returns the content of the generated file p, reading it from
// disk the first time.
func (t *Tree) Content(p string) ([]byte, error) {
	f, ok := t.Generated[p]
	if !ok {
		return nil, fmt.Errorf("%s is not a generated file of the tree", p)
	}
	if f.data != nil {
		return f.data, nil
	}
	data, err := os.ReadFile(filepath.Join(t.root, filepath.FromSlash(p)))
	if err != nil {
		return nil, err
	}
	if Sum(data) != f.Digest {
		return nil, fmt.Errorf("%s changed while obsc was running", filepath.Join(t.root, filepath.FromSlash(p)))
	}
	f.data = data
	return data, nil
}

// Subset returns the tree restricted to the files at paths (obsc gen owns
// only the files it writes in a directory of the user's code).
func (t *Tree) Subset(paths []string) *Tree {
	s := NewTree()
	s.root = t.root
	for _, p := range paths {
		if f, ok := t.Generated[p]; ok {
			s.Generated[p] = f
			s.owned[path.Dir(p)] = true
		}
		if data, ok := t.Foreign[p]; ok {
			s.Foreign[p] = data
		}
	}
	return s
}

// ForeignPaths lists the files obsc leaves alone, sorted.
func (t *Tree) ForeignPaths() []string { return ir.SortedKeys(t.Foreign) }

// ReadTree scans dir reading every file; see Scan.
func ReadTree(dir string) (*Tree, error) { return Scan(dir, nil) }

// Scan scans dir. Top-level files and the files of every top-level
// directory are looked at; a file counts as obsc's when IsGenerated says
// so. A file whose Stat matches what prev recorded of it is taken to hold
// what it held then and is not read; every other file is read. Symlinks
// inside dir are never followed: they are reported as foreign. dir itself
// may be a symlink to a directory (see Replace).
func Scan(dir string, prev *State) (*Tree, error) {
	t := NewTree()
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
	if t.root, err = filepath.Abs(dir); err != nil {
		return nil, err
	}

	// Directories first (two levels, as obsc writes), then the files of
	// all of them on a few goroutines: reading is syscall-bound.
	type file struct {
		rel string
		d   fs.DirEntry
	}
	var files []file
	var walk func(rel string, depth int) error
	walk = func(rel string, depth int) error {
		entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		for _, e := range entries {
			p := path.Join(rel, e.Name())
			if e.IsDir() {
				t.Dirs[p] = true
				if depth == 0 {
					if err := walk(p, 1); err != nil {
						return err
					}
				}
				continue
			}
			files = append(files, file{p, e})
		}
		return nil
	}
	if err := walk(".", 0); err != nil {
		return nil, err
	}

	type result struct {
		gen     *File
		stat    Stat
		foreign []byte
		isGen   bool
		err     error
	}
	results := make([]result, len(files))
	parallelIO(len(files), func(i int) {
		f, r := files[i], &results[i]
		if f.d.Type()&fs.ModeSymlink != 0 || !f.d.Type().IsRegular() {
			return // foreign, no content
		}
		full := filepath.Join(dir, filepath.FromSlash(f.rel))
		info, err := os.Lstat(full)
		if err != nil {
			r.err = err
			return
		}
		r.stat = statOf(info)
		if rec, ok := prev.lookup(f.rel); ok && rec.Stat == r.stat {
			r.isGen, r.gen = true, &File{Digest: rec.Digest, Size: info.Size()}
			return
		}
		data, err := os.ReadFile(full)
		if err != nil {
			r.err = err
			return
		}
		if IsGenerated(data) {
			// Only the digest is kept: a tree of 10,000 modules holds
			// gigabytes, and a file's content is needed again only for
			// the diff of a change (Content reads it then). The stat is
			// taken before the read: a write in between shows as a
			// mismatch next time, never as a stale match.
			r.isGen, r.gen = true, &File{Digest: Sum(data), Size: int64(len(data))}
		} else {
			r.foreign = data
		}
	})
	t.Generated = make(map[string]*File, len(files))
	t.stats = make(map[string]Stat, len(files))
	for i, f := range files {
		r := results[i]
		switch {
		case r.err != nil:
			return nil, r.err
		case r.isGen:
			t.Generated[f.rel] = r.gen
			t.stats[f.rel] = r.stat
			t.owned[path.Dir(f.rel)] = true
		default:
			t.Foreign[f.rel] = r.foreign
		}
	}
	return t, nil
}

// parallelIO calls f(0..n-1) on a few goroutines: enough to overlap
// filesystem calls, which block, whatever GOMAXPROCS is.
func parallelIO(n int, f func(i int)) { par.Do(n, 8, f) }
