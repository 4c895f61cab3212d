package cache

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// cacheFiles lists the files below dir/v1/entries and dir/v1/state.
func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, sub := range []string{"entries", "state"} {
		des, err := os.ReadDir(filepath.Join(dir, "v1", sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, de := range des {
			out = append(out, sub+"/"+de.Name())
		}
	}
	sort.Strings(out)
	return out
}

// plant writes dir/v1/rel modified at mod.
func plant(t *testing.T, dir, rel string, mod time.Time) {
	t.Helper()
	p := filepath.Join(dir, "v1", filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mod, mod); err != nil {
		t.Fatal(err)
	}
}

// TestTrim: files unused for MaxAge go, younger ones stay, leftovers of
// interrupted writes go after a day; Trim looks once a day at most, and
// again when its mark lies in the future.
func TestTrim(t *testing.T) {
	dir := t.TempDir()
	c, err := open(dir, []byte("obsc-test"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	plant(t, dir, "entries/old", now.Add(-MaxAge-time.Minute))
	plant(t, dir, "state/old", now.Add(-MaxAge-time.Minute))
	plant(t, dir, "entries/recent", now.Add(-MaxAge+time.Hour))
	plant(t, dir, "state/today", now.Add(-time.Minute))
	plant(t, dir, "state/.obsc-123", now.Add(-25*time.Hour))  // an interrupted write
	plant(t, dir, "entries/.obsc-456", now.Add(-time.Minute)) // one that may be running
	if n := c.Trim(now); n != 3 {
		t.Errorf("Trim() removed %d files, want 3", n)
	}
	want := []string{"entries/.obsc-456", "entries/recent", "state/today"}
	if diff := cmp.Diff(want, cacheFiles(t, dir)); diff != "" {
		t.Errorf("after Trim (-want +got):\n%s", diff)
	}

	plant(t, dir, "entries/old", now.Add(-MaxAge-time.Minute))
	if n := c.Trim(now.Add(23 * time.Hour)); n != 0 {
		t.Errorf("Trim() 23 hours after the last removed %d files, want none (it looks once a day)", n)
	}
	// A day later, entries/recent is past MaxAge and .obsc-456 a leftover.
	if n := c.Trim(now.Add(25 * time.Hour)); n != 3 {
		t.Errorf("Trim() a day and an hour after removed %d files, want 3", n)
	}
	if diff := cmp.Diff([]string{"state/today"}, cacheFiles(t, dir)); diff != "" {
		t.Errorf("after the second Trim (-want +got):\n%s", diff)
	}
	plant(t, dir, "entries/old", now.Add(-MaxAge-time.Minute))
	if n := c.Trim(now); n != 1 {
		t.Errorf("Trim() with its mark in the future removed %d files, want entries/old", n)
	}
}

// TestUsedKeepsFromTrim: an output directory's files that a build used,
// without rewriting them, are kept however old they were.
func TestUsedKeepsFromTrim(t *testing.T) {
	dir := t.TempDir()
	c, err := open(dir, []byte("obsc-test"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	out := filepath.Join(t.TempDir(), "out")
	old := now.Add(-MaxAge - time.Hour)
	for _, f := range []string{c.EntriesFile(out), c.StateFile(out)} {
		rel, err := filepath.Rel(filepath.Join(dir, "v1"), f)
		if err != nil {
			t.Fatal(err)
		}
		plant(t, dir, filepath.ToSlash(rel), old)
	}
	plant(t, dir, "entries/other", old)
	c.Used(out, now)
	if n := c.Trim(now); n != 1 {
		t.Errorf("Trim() removed %d files, want only the unused entries/other", n)
	}
	for _, f := range []string{c.EntriesFile(out), c.StateFile(out)} {
		info, err := os.Stat(f)
		if err != nil {
			t.Fatalf("a used file was trimmed: %v", err)
		}
		if !info.ModTime().Equal(now) {
			t.Errorf("Used() left %s modified at %v, want %v", filepath.Base(filepath.Dir(f)), info.ModTime(), now)
		}
	}
}
