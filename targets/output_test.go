package targets

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/internal/sealed"
	"github.com/tinysystems/obsc/internal/treetest"
)

// build runs one build through an Output, as obsc build does: Open, Scan
// with prev, Add, Commit. It returns the result and the State after.
func build(t *testing.T, dir string, files FileSet, prev *State) (*Result, *State) {
	t.Helper()
	o, res := commit(t, dir, files, prev)
	defer o.Close()
	state := o.State()
	// Every Stat of the State is the file's now, whether State took it
	// by lstat or kept the one stage had when it created the file: one
	// that differs costs the next build a read of the file.
	for p, f := range state.Files {
		if got := statOf(stat(t, filepath.Join(dir, filepath.FromSlash(p)))); got != f.Stat {
			t.Errorf("State() of %s: %+v, but the file's is %+v", p, f.Stat, got)
		}
	}
	return res, state
}

// commit is build up to Commit: it returns the Output, which the caller
// closes (a build holds the output directory's lock until then), and the
// result.
func commit(t *testing.T, dir string, files FileSet, prev *State) (*Output, *Result) {
	t.Helper()
	o, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Scan(prev); err != nil {
		t.Fatal(err)
	}
	if err := o.Add(files); err != nil {
		t.Fatal(err)
	}
	res, err := o.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return o, res
}

func stat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	info, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// TestOutputSwapsOnlyTheEntryThatChanged: a change inside one top-level
// entry swaps that entry alone (the other module directories are the very
// same directories afterwards), carries its foreign files, and the tree is
// exactly the new one; changes in two entries swap the whole tree.
func TestOutputSwapsOnlyTheEntryThatChanged(t *testing.T) {
	v1 := FileSet{
		"kustomization.yaml": gen("root v1"),
		"a/rules.yaml":       gen("a v1"),
		"a/dashboard.json":   gen("a dashboard"),
		"b/rules.yaml":       gen("b v1"),
		"d/rules.yaml":       gen("d v1"),
	}
	tests := map[string]struct {
		change  func(FileSet)
		swapped []string // top-level entries that must be new directories
	}{
		"one file of one module": {
			change:  func(fs FileSet) { fs["a/rules.yaml"] = gen("a v2") },
			swapped: []string{"a"},
		},
		"the top-level kustomization only": {
			change: func(fs FileSet) { fs["kustomization.yaml"] = gen("root v2") },
		},
		"a new module": {
			change:  func(fs FileSet) { fs["c/rules.yaml"] = gen("c new") },
			swapped: []string{"c"},
		},
		"a removed module": {
			change: func(fs FileSet) { delete(fs, "d/rules.yaml") },
		},
		"a file removed from a module": {
			change:  func(fs FileSet) { delete(fs, "a/dashboard.json") },
			swapped: []string{"a"},
		},
		"two modules: the whole tree": {
			change: func(fs FileSet) {
				fs["a/rules.yaml"] = gen("a v2")
				fs["b/rules.yaml"] = gen("b v2")
			},
			swapped: []string{"a", "b", "d"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			_, state := build(t, out, v1, nil)
			writeFiles(t, out, map[string]string{"a/notes.txt": "foreign\n", "README.md": "foreign\n"})
			before := map[string]os.FileInfo{}
			for _, e := range []string{"a", "b", "d"} {
				before[e] = stat(t, filepath.Join(out, e))
			}
			v2 := FileSet{}
			for p, d := range v1 {
				v2[p] = d
			}
			tc.change(v2)
			res, _ := build(t, out, v2, state)
			if len(res.Changes) == 0 || res.InPlace != "" {
				t.Fatalf("Commit() = %+v, want changes swapped in", res)
			}
			want := map[string]string{"a/notes.txt": "foreign\n", "README.md": "foreign\n"}
			for p, d := range v2 {
				want[p] = string(d)
				want[topEntry(p)] = "dir/"
			}
			want["a"], want["kustomization.yaml"] = "dir/", string(v2["kustomization.yaml"])
			if diff := cmp.Diff(want, treetest.Snapshot(t, out)); diff != "" {
				t.Errorf("tree mismatch (-want +got):\n%s", diff)
			}
			for e, info := range before {
				now, err := os.Lstat(filepath.Join(out, e))
				if err != nil {
					continue // removed
				}
				swapped := !os.SameFile(info, now)
				want := false
				for _, s := range tc.swapped {
					want = want || s == e
				}
				if swapped != want {
					t.Errorf("%s/ swapped = %v, want %v", e, swapped, want)
				}
			}
			if diff := cmp.Diff([]string{"out"}, siblings(t, out)); diff != "" {
				t.Errorf("leftovers beside the output (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScanTrustsTheState: a file whose Stat matches the State is not
// read (its digest is the State's, even a wrong one planted there); a file
// touched since is read.
func TestScanTrustsTheState(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	files := FileSet{"a/rules.yaml": gen("a"), "a/other.yaml": gen("other"), "kustomization.yaml": gen("root")}
	_, state := build(t, out, files, nil)
	if len(state.Files) != len(files) {
		t.Fatalf("State() has %d files, want %d", len(state.Files), len(files))
	}
	for p, f := range state.Files {
		if f.Digest != Sum(files[p]) {
			t.Errorf("State() digest of %s is not its content's", p)
		}
	}

	planted := Sum([]byte("not what the file holds"))
	f := state.Files["a/other.yaml"]
	f.Digest = planted
	state.Files["a/other.yaml"] = f
	writeFiles(t, out, map[string]string{"a/rules.yaml": string(gen("edited"))})

	tree, err := Scan(out, state)
	if err != nil {
		t.Fatal(err)
	}
	if got := tree.Generated["a/other.yaml"]; got.Digest != planted || got.data != nil {
		t.Errorf("an untouched file was read (digest %v), want the State trusted", got.Digest)
	}
	if got := tree.Generated["a/rules.yaml"]; got.Digest != Sum(gen("edited")) {
		t.Errorf("an edited file kept the State's digest, want it read")
	}
	if got := tree.Generated["kustomization.yaml"]; got.Digest != Sum(files["kustomization.yaml"]) || got.data != nil {
		t.Errorf("kustomization.yaml: digest %v, read %v; want the State's, unread", got.Digest, got.data != nil)
	}
}

// TestStateSaveLoad: a saved State loads back equal; a damaged one loads
// as nil (no shortcut), never as a wrong State.
func TestStateSaveLoad(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	_, state := build(t, out, FileSet{"a/rules.yaml": gen("a"), "kustomization.yaml": gen("root")}, nil)
	file := filepath.Join(t.TempDir(), "state", "x")
	if err := state.Save(file); err != nil {
		t.Fatal(err)
	}
	got := LoadState(file)
	if !state.Equal(got) {
		t.Fatalf("LoadState() = %+v, want %+v", got, state)
	}
	if ents, err := os.ReadDir(filepath.Dir(file)); err != nil || len(ents) != 1 || ents[0].Name() != "x" {
		t.Errorf("the state's directory holds %v (%v), want only x (no temporary file)", ents, err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"truncated":      data[:len(data)/2],
		"a byte changed": append(append([]byte{}, data[:20]...), append([]byte{data[20] ^ 1}, data[21:]...)...),
		"empty":          nil,
		"another format": []byte("obsc-state v0\nend x\n"),
		"no final end":   data[:len(data)-1],
		// sealed, but by an obsc that knew files by their SHA-256
		"v1, SHA-256 digests": sealed.Seal([]byte("obsc-state v1\n" + strings.Repeat("ab", 32) + " 7 1 2 3 4 420 a/rules.yaml\n")),
		// the current format, with a digest of the old length
		"a SHA-256 digest": sealed.Seal([]byte(stateFormat + "\n" + strings.Repeat("ab", 32) + " 7 1 2 3 4 420 a/rules.yaml\n")),
	} {
		if err := os.WriteFile(file, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := LoadState(file); got != nil {
			t.Errorf("%s: LoadState() = %+v, want nil", name, got)
		}
	}
	if got := LoadState(filepath.Join(t.TempDir(), "missing")); got != nil {
		t.Errorf("LoadState(missing) = %+v, want nil", got)
	}
}

// TestOutputKeepAndClose: Keep refuses a file the tree does not hold as
// recorded; a build closed without Commit leaves the tree and nothing
// beside it.
func TestOutputKeepAndClose(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	build(t, out, FileSet{"a/rules.yaml": gen("a")}, nil)
	before := treetest.Snapshot(t, out)

	o, err := Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Scan(nil); err != nil {
		t.Fatal(err)
	}
	if err := o.Keep("a/rules.yaml", Sum(gen("a"))); err != nil {
		t.Errorf("Keep() of a file as recorded = %v", err)
	}
	if err := o.Keep("a/rules.yaml", Sum(gen("a"))); err == nil {
		t.Errorf("Keep() twice succeeded, want an error")
	}
	if err := o.Keep("a/dashboard.json", Sum(gen("a"))); err == nil {
		t.Errorf("Keep() of a file the tree lacks succeeded, want an error")
	}
	if err := o.Add(FileSet{"b/rules.yaml": gen("b")}); err != nil {
		t.Fatal(err)
	}
	o.Close()
	if diff := cmp.Diff(before, treetest.Snapshot(t, out)); diff != "" {
		t.Errorf("tree changed without Commit (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"out"}, siblings(t, out)); diff != "" {
		t.Errorf("leftovers beside the output (-want +got):\n%s", diff)
	}

	ctx, cancel := context.WithCancel(context.Background())
	o, err = Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if _, err := o.Scan(nil); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := o.Add(FileSet{"b/rules.yaml": gen("b")}); !errors.Is(err, ErrInterrupted) {
		t.Errorf("Add() after cancel = %v, want ErrInterrupted", err)
	}
	if _, err := o.Commit(); !errors.Is(err, ErrInterrupted) {
		t.Errorf("Commit() after cancel = %v, want ErrInterrupted", err)
	}
}

// TestStateKeepsCreatedStats: State takes the Stat of a file stage
// created, swapped in with its directory, from the creation, not from an
// lstat after Commit (which is one system call per file written): a file
// removed between Commit and State is still in the State, with the Stat
// it had. A top-level file swapped by itself is taken again (the rename
// changed its ctime).
func TestStateKeepsCreatedStats(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("createFile knows the Stat on Linux only")
	}
	out := filepath.Join(t.TempDir(), "out")
	files := FileSet{"a/rules.yaml": gen("a"), "kustomization.yaml": gen("root")}
	o, _ := commit(t, out, files, nil)
	defer o.Close()
	before := statOf(stat(t, filepath.Join(out, "a", "rules.yaml")))
	if err := os.Remove(filepath.Join(out, "a", "rules.yaml")); err != nil {
		t.Fatal(err)
	}
	got, ok := o.State().Files["a/rules.yaml"]
	if !ok || got.Stat != before {
		t.Errorf("State() of a/rules.yaml = %+v, %v; want the Stat it was created with, %+v", got.Stat, ok, before)
	}

	// Only the top-level file changes: Commit swaps it by itself, and
	// build checks the State against lstat.
	out2 := filepath.Join(t.TempDir(), "out")
	_, state := build(t, out2, files, nil)
	files["kustomization.yaml"] = gen("root, edited")
	_, state = build(t, out2, files, state)
	if _, ok := state.Files["kustomization.yaml"]; !ok {
		t.Errorf("State() has no kustomization.yaml after it was swapped alone")
	}
}
