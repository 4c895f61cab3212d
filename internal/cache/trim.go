package cache

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tinysystems/obsc/targets"
)

// The cache holds two files per output directory ever built (its entries
// and its State), so a CI that builds into a new temporary directory each
// time would grow it forever. Trim removes the files of output
// directories no build has used for MaxAge, as the go command trims its
// build cache: a build marks the files it used (Used), and Trim looks at
// most once per trimEvery, the time it last did kept in v1/trim.txt.
// Removing a cache file never changes an output, only how much the next
// build of that directory compiles.
const (
	// MaxAge is how long the cache keeps the files of an output
	// directory that no build used.
	MaxAge = 30 * 24 * time.Hour
	// trimEvery is how often Trim looks.
	trimEvery = 24 * time.Hour
	// usedEvery is how stale a file's time may be before Used sets it:
	// a no-op build should not write to the cache every time.
	usedEvery = time.Hour
	// leftoverAge is the age after which a temporary file of an
	// interrupted write (targets.AtomicFile: WriteAtomic, the entries a
	// Recorder was writing when the build was killed) is removed.
	leftoverAge = 24 * time.Hour
)

// Used marks the cache files of the output directory out as used at now,
// unless they were within the last hour, so that Trim keeps them. A build
// that found its entries and State unchanged did not rewrite them.
func (c *Cache) Used(out string, now time.Time) {
	for _, f := range []string{c.EntriesFile(out), c.StateFile(out)} {
		if info, err := os.Stat(f); err == nil && now.Sub(info.ModTime()) > usedEvery {
			_ = os.Chtimes(f, now, now)
		}
	}
}

// Trim removes the entries and States not used for MaxAge, and the
// leftovers of interrupted writes, unless it already looked in the last
// trimEvery before now. It reports how many files it removed. Errors are
// ignored: a file that stays costs disk, never correctness.
func (c *Cache) Trim(now time.Time) int {
	mark := filepath.Join(c.dir, "v1", "trim.txt")
	if data, err := os.ReadFile(mark); err == nil {
		if sec, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil {
			// A mark in the future (the clock was set back) is stale.
			if since := now.Sub(time.Unix(sec, 0)); since >= 0 && since < trimEvery {
				return 0
			}
		}
	}
	removed := 0
	for _, sub := range []string{"entries", "state"} {
		dir := filepath.Join(c.dir, "v1", sub)
		des, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, de := range des {
			info, err := de.Info()
			if err != nil || !info.Mode().IsRegular() {
				continue
			}
			age := now.Sub(info.ModTime())
			if age > MaxAge || (strings.HasPrefix(de.Name(), ".obsc-") && age > leftoverAge) {
				if os.Remove(filepath.Join(dir, de.Name())) == nil {
					removed++
				}
			}
		}
	}
	_ = targets.WriteAtomic(mark, fmt.Appendf(nil, "%d\n", now.Unix()))
	return removed
}
