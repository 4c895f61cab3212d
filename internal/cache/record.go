package cache

import (
	"errors"
	"sync"

	"github.com/tinysystems/obsc/targets"
)

// A Recorder writes the entries of one build of an output directory as
// the build makes them. The entry of each module compiled goes to a
// temporary file in the cache when it is added, and is not kept in
// memory: 10,000 entries held to the end (their digests, 12 MB in small
// maps) made a cold build of 10,000 modules 10% slower, with a larger
// heap for the collector to trace and for the kernel to fault in. Commit
// adds the entries of the modules taken from the cache, seals the file
// and puts it in place of the entries the build started from, unless it
// holds the same ones.
//
// The file is the entries, in no particular order, each as appendEntry
// writes it, after the format line and closed by sealed's line:
//
//	obsc-cache v3
//	entry <key>
//	...
//	end <sha256 of all that precedes>
//
// A Recorder is safe for concurrent use.
type Recorder struct {
	c    *Cache
	out  string
	prev *Entries

	mu   sync.Mutex
	keys map[Key]bool        // every entry added or kept
	kept []Key               // taken from prev: written by Commit
	f    *targets.SealedFile // the file, from the first Add
	buf  []byte
	err  error // the first failure: then Commit writes nothing
}

// Record returns a Recorder of the entries of a build of out, which
// started from prev (never nil; see LoadEntries).
func (c *Cache) Record(out string, prev *Entries) *Recorder {
	return &Recorder{c: c, out: out, prev: prev, keys: map[Key]bool{}}
}

// Add records e, the entry of a module just compiled, under k, its key.
func (r *Recorder) Add(k Key, e *Entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil || r.keys[k] {
		return
	}
	if r.f == nil && !r.open() {
		return
	}
	r.keys[k] = true
	r.buf = appendEntry(r.buf[:0], k, e)
	_, r.err = r.f.Write(r.buf)
}

// open starts the file, its format line written.
func (r *Recorder) open() bool {
	if r.f, r.err = targets.CreateSealed(r.c.EntriesFile(r.out)); r.err != nil {
		return false
	}
	_, r.err = r.f.Write([]byte(format + "\n"))
	return r.err == nil
}

// Keep records that the module keyed k was taken from the cache: its
// entry, from the Entries the build started from, stays.
func (r *Recorder) Keep(k Key) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.prev.Get(k); ok && !r.keys[k] {
		r.keys[k] = true
		r.kept = append(r.kept, k)
	}
}

// unchanged reports whether the entries recorded are those the build
// started from: a key fixes what its module renders to, so the same keys
// are the same entries.
func (r *Recorder) unchanged() bool {
	if len(r.keys) != r.prev.Len() {
		return false
	}
	for k := range r.keys {
		if _, ok := r.prev.Get(k); !ok {
			return false
		}
	}
	return true
}

// Commit puts the entries recorded in place of those the build started
// from, atomically (a reader sees the old file, the new one or none),
// unless they are the same. After Commit, or Abort, the Recorder records
// nothing.
func (r *Recorder) Commit() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	defer r.abort()
	if r.err != nil || r.unchanged() {
		return r.err
	}
	if r.f == nil && !r.open() {
		return r.err
	}
	for _, k := range r.kept {
		e, _ := r.prev.Get(k)
		r.buf = appendEntry(r.buf[:0], k, e)
		if _, r.err = r.f.Write(r.buf); r.err != nil {
			return r.err
		}
	}
	r.err = r.f.Commit()
	r.f = nil // in place, or removed: nothing for abort to do
	return r.err
}

// Abort drops what was recorded: the entries the build started from stay.
func (r *Recorder) Abort() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.abort()
}

var errDone = errors.New("cache entries already committed or dropped")

func (r *Recorder) abort() {
	if r.f != nil {
		r.f.Abort()
		r.f = nil
	}
	if r.err == nil {
		r.err = errDone
	}
}
