package targets

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAtomicFile: a reader sees the old file until Commit, the new one
// after; Abort leaves the old one; neither leaves a temporary file.
func TestAtomicFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sub") // created by CreateAtomic
	file := filepath.Join(dir, "f")
	if err := WriteAtomic(file, []byte("old\n")); err != nil {
		t.Fatal(err)
	}
	read := func() string {
		t.Helper()
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	noTemp := func() {
		t.Helper()
		if tmp, _ := filepath.Glob(filepath.Join(dir, ".obsc-*")); len(tmp) != 0 {
			t.Errorf("temporary files left: %v", tmp)
		}
	}

	a, err := CreateAtomic(file)
	if err != nil {
		t.Fatal(err)
	}
	a.Write([]byte("new, "))
	a.Write([]byte("in pieces\n"))
	if got := read(); got != "old\n" {
		t.Errorf("before Commit: %q, want the old file", got)
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := read(); got != "new, in pieces\n" {
		t.Errorf("after Commit: %q", got)
	}
	if info, _ := os.Stat(file); info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", info.Mode().Perm())
	}
	noTemp()

	a, err = CreateAtomic(file)
	if err != nil {
		t.Fatal(err)
	}
	a.Write([]byte("dropped\n"))
	a.Abort()
	if got := read(); got != "new, in pieces\n" {
		t.Errorf("after Abort: %q, want the file as it was", got)
	}
	noTemp()
}
