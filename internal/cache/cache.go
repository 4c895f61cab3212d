// Package cache remembers, per module, what obsc build wrote for it, so an
// unchanged module is neither compiled nor rendered again.
//
// An entry is keyed by the SHA-256 of everything the module's output
// depends on: the obsc binary (its Go build ID, which changes with any
// change to obsc, its dependencies or the embedded schema), the schema
// source, and the module's .cue files (names and contents). It records the
// module's name and the position of module.name (for the checks across
// modules) and the digest (targets.Digest, XXH3-128) of every file the
// module rendered to — not the files themselves. The output directory is
// the content store: a module is taken from the cache only when every one
// of its files is in the output tree with exactly that digest, and then
// the tree's bytes are the output.
// Anything else (no entry, a corrupt or truncated entry, a file missing,
// changed or hand-edited in the tree, another obsc binary) is a miss, and
// the module is compiled and rendered as without a cache. A cache can make
// a build faster, never different.
//
// The entries of the modules built into one output directory are one
// file, v1/entries/<SHA-256 of the directory's path>, beside the
// directory's targets.State (v1/state/...). Both are replaced atomically
// (the entries written as the build goes, see Recorder); a damaged one is
// a miss for every module. The files of an output
// directory no build used for MaxAge are removed (Trim); deleting the
// directory is always safe.
package cache

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/pathx"
	"github.com/tinysystems/obsc/internal/sealed"
	"github.com/tinysystems/obsc/schema"
	"github.com/tinysystems/obsc/targets"
)

// format names the entry layout; bump it when the layout or the meaning
// of a key changes.
const format = "obsc-cache v3"

// Digest is the digest the output tree knows its files by (XXH3-128).
type Digest = targets.Digest

// Key identifies a module's inputs: a SHA-256.
type Key [sha256.Size]byte

// Entry is what the cache knows of a module built before.
type Entry struct {
	Name  string
	Pos   ir.Pos            // position of module.name; File relative to the module directory
	Files map[string]Digest // output path (slash, below the output directory) -> its digest
}

// Cache is a directory of entries. It is safe for concurrent use.
type Cache struct {
	dir  string
	salt []byte // what every key shares: format, obsc binary, schema
	abs  pathx.Abs

	mu    sync.Mutex
	roots map[string]string // directory -> CUE module root above it ("" for none)
}

// DefaultDir is $XDG_CACHE_HOME/obsc (os.UserCacheDir).
func DefaultDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "obsc"), nil
}

// Open returns the cache in dir, creating it. It fails when obsc cannot
// tell which binary it is (then nothing may be cached).
func Open(dir string) (*Cache, error) {
	id, err := binaryID()
	if err != nil {
		return nil, fmt.Errorf("cache disabled: %w", err)
	}
	return open(dir, id)
}

func open(dir string, binary []byte) (*Cache, error) {
	if err := os.MkdirAll(filepath.Join(dir, "v1"), 0o755); err != nil {
		return nil, fmt.Errorf("cache disabled: %w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", format, runtime.Version(), len(binary))
	h.Write(binary)
	fmt.Fprintf(h, "\x00%d\x00", len(schema.Source))
	h.Write(schema.Source)
	return &Cache{dir: dir, salt: h.Sum(nil), roots: map[string]string{}, abs: pathx.NewAbs()}, nil
}

// binaryID identifies the running obsc: its Go build ID, which the go
// command derives from every input of the build, and the module version.
// A binary without a build ID (unusual) is identified by its SHA-256.
func binaryID() ([]byte, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(exe)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	version := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Path + "@" + bi.Main.Version
		for _, s := range bi.Settings {
			version += " " + s.Key + "=" + s.Value
		}
	}
	// The go command writes the build ID into an ELF note
	// (.note.go.buildid: "Go\x00\x00" then the ID), or on other formats
	// near the start of the binary, as cmd/internal/buildid reads it:
	// \xff Go build ID: "..."\n \xff.
	if id := elfBuildID(f); id != nil {
		return append([]byte(version+"\x00"), id...), nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	const pre, post = "\xff Go build ID: \"", "\"\n \xff"
	if i := bytes.Index(head, []byte(pre)); i >= 0 {
		rest := head[i+len(pre):]
		if j := bytes.Index(rest, []byte(post)); j > 0 && j < 1024 {
			return append([]byte(version+"\x00"), rest[:j]...), nil
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return append([]byte(version+"\x00"), h.Sum(nil)...), nil
}

// elfBuildID returns the Go build ID from the .note.go.buildid section of
// an ELF binary, or nil.
func elfBuildID(f *os.File) []byte {
	ef, err := elf.NewFile(f)
	if err != nil {
		return nil
	}
	sec := ef.Section(".note.go.buildid")
	if sec == nil || sec.Size > 4096 {
		return nil
	}
	note, err := sec.Data()
	// namesz, descsz, type (4 bytes each), "Go\x00\x00", then the ID.
	if err != nil || len(note) < 16 || string(note[12:16]) != "Go\x00\x00" {
		return nil
	}
	descsz := int(ef.ByteOrder.Uint32(note[4:8]))
	if descsz == 0 || 16+descsz > len(note) {
		return nil
	}
	return note[16 : 16+descsz]
}

// Key computes the key of the module in dir. ok is false when the module
// cannot be cached: its files cannot be read, or it lives in a CUE module
// (a cue.mod directory above it) and imports packages, whose files the
// key would not cover.
func (c *Cache) Key(dir string) (k Key, ok bool) {
	k, _, ok = c.KeyFiles(dir)
	return k, ok
}

// File is a .cue file of a module directory as KeyFiles read it.
type File struct {
	Name    string // base name
	Data    []byte
	Regular bool // a regular file, not a symbolic link or device
}

// KeyFiles is Key, and the .cue files of dir it read for it, in the order
// of their names: compiling those very bytes, rather than reading the
// files again, is what makes the key true of the output (a file edited
// in between cannot slip in). files is nil for a module in a CUE module,
// whose key covers files of other directories too.
func (c *Cache) KeyFiles(dir string) (k Key, files []File, ok bool) {
	abs, err := c.abs.Of(dir)
	if err != nil {
		return k, nil, false
	}
	h := sha256.New()
	h.Write(c.salt)
	root := c.moduleRoot(abs)
	// Without a CUE module, the package is the .cue files of dir. Inside
	// one, CUE adds the files of the same package in the directories up
	// to the module root, and reads cue.mod/module.cue: hash them all.
	dirs := []string{abs}
	if root != "" {
		for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
			if !strings.HasPrefix(d, root) {
				break
			}
			dirs = append(dirs, d)
			if d == root || d == filepath.Dir(d) {
				break
			}
		}
	}
	for n, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			return k, nil, false
		}
		fmt.Fprintf(h, "dir\x00%d\x00", n)
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".cue") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(d, e.Name()))
			if err != nil {
				return k, nil, false
			}
			if root != "" && bytes.Contains(data, []byte("import")) {
				return k, nil, false
			}
			fmt.Fprintf(h, "file\x00%s\x00%d\x00", e.Name(), len(data))
			h.Write(data)
			if root == "" {
				files = append(files, File{Name: e.Name(), Data: data, Regular: e.Type().IsRegular()})
			}
		}
	}
	if root != "" {
		data, err := os.ReadFile(filepath.Join(root, "cue.mod", "module.cue"))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return k, nil, false
		}
		fmt.Fprintf(h, "cue.mod\x00%d\x00", len(data))
		h.Write(data)
	}
	copy(k[:], h.Sum(nil))
	if root == "" && files == nil {
		files = []File{} // read, and none there
	}
	return k, files, true
}

// moduleRoot returns the nearest directory at or above dir holding
// cue.mod, or "".
func (c *Cache) moduleRoot(dir string) string {
	c.mu.Lock()
	r, ok := c.roots[dir]
	c.mu.Unlock()
	if ok {
		return r
	}
	if _, err := os.Stat(filepath.Join(dir, "cue.mod")); err == nil {
		r = dir
	} else if parent := filepath.Dir(dir); parent != dir {
		r = c.moduleRoot(parent)
	}
	c.mu.Lock()
	c.roots[dir] = r
	c.mu.Unlock()
	return r
}

// Entries are the entries of the modules built into one output
// directory, as the last build left them. They are kept together in one
// file beside the directory's State (EntriesFile), read once at the start
// of a build and replaced at its end (see Recorder): an entry is of use
// only for the tree it describes, and one file per module would cost a
// file creation per module on a cold build and a file read per module on
// a warm one. Safe for concurrent use.
type Entries struct {
	mu sync.Mutex
	m  map[Key]*Entry
}

// NewEntries returns an empty set.
func NewEntries() *Entries { return &Entries{m: map[Key]*Entry{}} }

// Get returns the entry stored under k.
func (s *Entries) Get(k Key) (*Entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[k]
	return e, ok
}

// Len is the number of entries.
func (s *Entries) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// EntriesFile is where the Entries of the output directory out are kept.
func (c *Cache) EntriesFile(out string) string {
	return filepath.Join(c.dir, "v1", "entries", outID(out))
}

// LoadEntries reads the Entries of the output directory out. A missing,
// unreadable or damaged file is an empty set (every module a miss), and a
// damaged one is removed. It never returns nil.
func (c *Cache) LoadEntries(out string) *Entries {
	file := c.EntriesFile(out)
	data, err := os.ReadFile(file)
	if err != nil {
		return NewEntries()
	}
	s, err := decodeEntries(data)
	if err != nil {
		os.Remove(file)
		return NewEntries()
	}
	return s
}

// appendEntry appends the lines of entry e under k to b, as the entries
// file holds them (see Recorder):
//
//	entry <key>
//	name <module name>
//	pos <line> <col> <file>
//	file <digest> <path>     (one per file, in path order)
func appendEntry(b []byte, k Key, e *Entry) []byte {
	b = hex.AppendEncode(append(b, "entry "...), k[:])
	b = append(append(append(b, "\nname "...), e.Name...), "\npos "...)
	b = strconv.AppendInt(b, int64(e.Pos.Line), 10)
	b = strconv.AppendInt(append(b, ' '), int64(e.Pos.Col), 10)
	b = append(append(append(b, ' '), e.Pos.File...), '\n')
	for _, p := range ir.SortedKeys(e.Files) {
		d := e.Files[p]
		b = hex.AppendEncode(append(b, "file "...), d[:])
		b = append(append(append(b, ' '), p...), '\n')
	}
	return b
}

var errCorrupt = errors.New("corrupt cache entries")

// decodeEntries reads what a Recorder writes. Any flaw in any entry
// makes the whole file corrupt.
func decodeEntries(data []byte) (*Entries, error) {
	body, ok := sealed.Open(data)
	if !ok {
		return nil, errCorrupt
	}
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if len(lines) == 0 || lines[0] != format {
		return nil, errCorrupt
	}
	s := NewEntries()
	for i := 1; i < len(lines); {
		k, e, n, err := decodeEntry(lines[i:])
		if err != nil {
			return nil, err
		}
		if _, dup := s.m[k]; dup {
			return nil, errCorrupt
		}
		s.m[k] = e
		i += n
	}
	return s, nil
}

// decodeEntry reads the entry that starts lines and returns it with the
// number of lines it took.
func decodeEntry(lines []string) (Key, *Entry, int, error) {
	var k Key
	if len(lines) < 3 {
		return k, nil, 0, errCorrupt
	}
	hexKey, ok := strings.CutPrefix(lines[0], "entry ")
	if !ok || len(hexKey) != hex.EncodedLen(len(k)) {
		return k, nil, 0, errCorrupt
	}
	if _, err := hex.Decode(k[:], []byte(hexKey)); err != nil {
		return k, nil, 0, errCorrupt
	}
	e := &Entry{Files: map[string]Digest{}}
	e.Name, ok = strings.CutPrefix(lines[1], "name ")
	if !ok || e.Name == "" || strings.ContainsAny(e.Name, "/\\") {
		return k, nil, 0, errCorrupt
	}
	rest, ok := strings.CutPrefix(lines[2], "pos ")
	f := strings.SplitN(rest, " ", 3)
	if !ok || len(f) != 3 {
		return k, nil, 0, errCorrupt
	}
	l, err1 := strconv.Atoi(f[0])
	c, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return k, nil, 0, errCorrupt
	}
	e.Pos = ir.Pos{Line: l, Col: c, File: f[2]}
	n := 3
	for ; n < len(lines) && !strings.HasPrefix(lines[n], "entry "); n++ {
		rest, ok := strings.CutPrefix(lines[n], "file ")
		d, p, found := strings.Cut(rest, " ")
		ok = ok && found && strings.HasPrefix(p, e.Name+"/") && path.Clean(p) == p && !strings.Contains(p, "..")
		var dg Digest
		if ok {
			dg, ok = targets.ParseDigest(d)
		}
		if _, dup := e.Files[p]; !ok || dup {
			return k, nil, 0, errCorrupt
		}
		e.Files[p] = dg
	}
	if len(e.Files) == 0 {
		return k, nil, 0, errCorrupt
	}
	return k, e, n, nil
}

// StateFile is where obsc keeps the targets.State of the output directory
// out (resolved to an absolute path, symlinks followed): one file per
// output directory, beside the entries.
func (c *Cache) StateFile(out string) string {
	return filepath.Join(c.dir, "v1", "state", outID(out))
}

// outID names the files of the output directory out in the cache: the
// SHA-256 of its absolute path, symbolic links followed.
func outID(out string) string {
	abs, err := filepath.Abs(out)
	if err == nil {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
	}
	sum := sha256.Sum256([]byte(abs))
	return hex.EncodeToString(sum[:])
}
