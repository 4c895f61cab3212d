package targets

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"os"
	"strconv"
	"strings"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/sealed"
)

// Stat is what the filesystem says of a file without reading it: enough
// to tell that it has not been touched since (size, modification and
// status-change times, inode, mode). A write, a rename over it, a chmod,
// a touch or a link all change it; the status-change time cannot be set
// back by a user.
type Stat struct {
	Size, Mtime, Ctime int64
	Ino, Dev           uint64
	Mode               uint32
}

// A State records, after a build, the Stat and Digest of every generated
// file of an output directory, so the next build or check scans it
// without reading the files that have not been touched since (as git's
// index does). It is only ever a shortcut: a file whose Stat differs is
// read, and a missing or damaged State reads everything.
type State struct {
	Files map[string]StateFile
}

// A StateFile is what a State knows of one file.
type StateFile struct {
	Stat   Stat
	Digest Digest
}

func (s *State) lookup(p string) (StateFile, bool) {
	if s == nil {
		return StateFile{}, false
	}
	f, ok := s.Files[p]
	return f, ok
}

const stateFormat = "obsc-state v2" // v2: XXH3-128 digests (v1: SHA-256)

// LoadState reads a State saved by Save. Any error — no file, a damaged
// or truncated one — gives nil: no shortcut.
func LoadState(file string) *State {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	return parseState(data)
}

// parseState is LoadState of the file's content.
func parseState(data []byte) *State {
	body, ok := sealed.Open(data)
	if !ok {
		return nil
	}
	s := &State{Files: make(map[string]StateFile, bytes.Count(body, []byte("\n")))}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 4096), 1<<20)
	if !sc.Scan() || sc.Text() != stateFormat {
		return nil
	}
	for sc.Scan() {
		// digest size mtime ctime ino dev mode path
		f := strings.SplitN(sc.Text(), " ", 8)
		if len(f) != 8 || checkPath(f[7]) != nil {
			return nil
		}
		var sf StateFile
		if sf.Digest, ok = ParseDigest(f[0]); !ok {
			return nil
		}
		var nums [6]uint64
		for i := range nums {
			v, err := strconv.ParseUint(f[i+1], 10, 64)
			if err != nil {
				return nil
			}
			nums[i] = v
		}
		sf.Stat = Stat{Size: int64(nums[0]), Mtime: int64(nums[1]), Ctime: int64(nums[2]), Ino: nums[3], Dev: nums[4], Mode: uint32(nums[5])}
		s.Files[f[7]] = sf
	}
	if sc.Err() != nil {
		return nil
	}
	return s
}

// Save writes s to file atomically, closed by the SHA-256 of what
// precedes, so a truncated or edited state is detected and ignored. It
// streams: a line at a time through a small buffer, never the whole file
// in memory (16 MB at 100,000 files, most of the memory a build's end
// would otherwise take).
func (s *State) Save(file string) error {
	f, err := CreateSealed(file)
	if err != nil {
		return err
	}
	_, err = f.Write([]byte(stateFormat + "\n"))
	line := make([]byte, 0, 256)
	for _, p := range ir.SortedKeys(s.Files) {
		if err != nil {
			break
		}
		sf := s.Files[p]
		st := sf.Stat
		line = hex.AppendEncode(line[:0], sf.Digest[:])
		for _, n := range [...]uint64{uint64(st.Size), uint64(st.Mtime), uint64(st.Ctime), st.Ino, st.Dev, uint64(st.Mode)} {
			line = strconv.AppendUint(append(line, ' '), n, 10)
		}
		line = append(append(append(line, ' '), p...), '\n')
		_, err = f.Write(line)
	}
	if err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// Equal reports whether s and other record the same files alike (then a
// saved s need not be written again).
func (s *State) Equal(other *State) bool {
	if s == nil || other == nil || len(s.Files) != len(other.Files) {
		return false
	}
	for p, f := range s.Files {
		if g, ok := other.Files[p]; !ok || g != f {
			return false
		}
	}
	return true
}

// State returns what t knows of its generated files: their Stat as Scan
// saw them (files it was given content for, but did not see on disk, are
// left out).
func (t *Tree) State() *State {
	s := &State{Files: make(map[string]StateFile, len(t.stats))}
	for p, st := range t.stats {
		if f, ok := t.Generated[p]; ok {
			s.Files[p] = StateFile{Stat: st, Digest: f.Digest}
		}
	}
	return s
}
