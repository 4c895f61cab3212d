package targets

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tinysystems/obsc/internal/sealed"
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

// TestSealedFile: Commit puts in place what sealed.Seal makes of all that
// was written, however it was split; Abort leaves the file as it was.
func TestSealedFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sub")
	file := filepath.Join(dir, "f")
	body := strings.Repeat("a line of the body\n", 10000) // past the buffer
	f, err := CreateSealed(file)
	if err != nil {
		t.Fatal(err)
	}
	for rest := body; rest != ""; {
		n := min(len(rest), 7777)
		if _, err := f.Write([]byte(rest[:n])); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("before Commit: %v, want no file yet", err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if want := sealed.Seal([]byte(body)); !bytes.Equal(data, want) {
		t.Errorf("committed %d bytes, want sealed.Seal's %d", len(data), len(want))
	}
	if got, ok := sealed.Open(data); !ok || string(got) != body {
		t.Errorf("sealed.Open of the file: ok %v, body intact %v", ok, string(got) == body)
	}

	f, err = CreateSealed(file)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("dropped\n"))
	f.Abort()
	if after, _ := os.ReadFile(file); !bytes.Equal(after, data) {
		t.Error("after Abort: the file changed")
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".obsc-*")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}
