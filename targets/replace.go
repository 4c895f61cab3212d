package targets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// ErrInterrupted is returned by Replace when its context is cancelled
// before the new tree is in place; the output directory is then unchanged.
var ErrInterrupted = errors.New("interrupted; nothing written")

// A Result says what Replace did.
type Result struct {
	Changes []Change // what differed, in path order; empty when nothing was written
	// InPlace is why the tree was written file by file instead of swapped
	// in whole ("" when it was swapped, or when nothing changed).
	InPlace string
}

// writeDelay slows every file Replace stages, so tests can interrupt a
// build in the middle of its write phase. Set only by the
// OBSC_TEST_WRITE_DELAY environment variable (a Go duration).
var writeDelay, _ = time.ParseDuration(os.Getenv("OBSC_TEST_WRITE_DELAY"))

// Replace makes dir hold exactly fs among obsc's files, all at once.
//
// The new tree is staged in a temporary directory beside dir (same parent,
// so the same filesystem): the files of fs, plus every entry of the old
// tree that is not obsc's (foreign files are hard-linked, or copied when
// they cannot be, symlinks recreated, foreign directories rebuilt).
// Generated files fs no longer has are simply not carried over, and
// neither are directories left with nothing in them. The staged tree then
// replaces dir in one step: on Linux renameat2(RENAME_EXCHANGE) swaps the
// two directories atomically and the old tree is removed; elsewhere dir is
// renamed away and the staged tree renamed in (a crash between the two
// renames is repaired by the next run). A reader, or an interrupted build,
// sees the old tree or the new one, never a mix.
//
// When dir is a symlink, the directory it points to is replaced and the
// link kept. When dir cannot be swapped — it is the working directory or
// one of its parents, or a mount point — the files are written in place
// one by one (each file atomically, the tree not) as Write does, and
// Result.InPlace says why.
//
// When nothing differs nothing is written, not even the temporary
// directory. When ctx is cancelled before the swap, the temporary
// directory is removed and Replace returns ErrInterrupted.
func Replace(ctx context.Context, dir string, files FileSet, t *Tree) (*Result, error) {
	if err := t.conflicts(dir, files); err != nil {
		return nil, err
	}
	res := &Result{Changes: compare(t, files, false)}
	target, err := resolveDir(dir)
	if err != nil {
		return nil, err
	}
	parent, base := filepath.Dir(target), filepath.Base(target)
	if len(res.Changes) == 0 {
		// Nothing to write; but a run killed after its swap may have left
		// the old tree beside this one.
		if _, err := os.Stat(parent); err != nil {
			return res, nil
		}
		unlock, err := lockDir(parent)
		if err != nil {
			return nil, err
		}
		defer unlock()
		_, err = recoverLeftovers(parent, base)
		return res, err
	}
	if why := unswappable(target); why != "" {
		res.InPlace = why
		_, err := Write(dir, files, t)
		return res, err
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockDir(parent)
	if err != nil {
		return nil, err
	}
	defer unlock()
	restored, err := recoverLeftovers(parent, base)
	if err != nil {
		return nil, err
	}
	if restored {
		// t described no tree; the old one is back, so judge against it.
		if t, err = ReadTree(target); err != nil {
			return nil, err
		}
		if err := t.conflicts(dir, files); err != nil {
			return nil, err
		}
		res.Changes = compare(t, files, false)
	}

	staging, err := os.MkdirTemp(parent, stagingPrefix(base))
	if err != nil {
		return nil, err
	}
	swapped := false
	defer func() {
		if !swapped {
			os.RemoveAll(staging)
		}
	}()
	mode := fs.FileMode(0o755)
	if info, err := os.Stat(target); err == nil {
		mode = info.Mode().Perm()
	}
	if err := os.Chmod(staging, mode); err != nil {
		return nil, err
	}
	for _, p := range files.Paths() {
		if err := ctx.Err(); err != nil {
			return nil, ErrInterrupted
		}
		if !linkUnchanged(target, staging, p, files[p], t) {
			if err := stageFile(staging, p, files[p]); err != nil {
				return nil, err
			}
		}
		if writeDelay > 0 {
			time.Sleep(writeDelay)
		}
	}
	if err := carryForeign(ctx, target, staging, files, t); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, ErrInterrupted
	}

	if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
		// Nothing to swap with: a rename makes the whole tree appear at once.
		if err := os.Rename(staging, target); err != nil {
			return nil, err
		}
		swapped = true
		return res, nil
	}
	old, err := exchange(staging, target)
	if errors.Is(err, errNotSwappable) {
		res.InPlace = fmt.Sprintf("%s cannot be renamed (a mount point?)", dir)
		_, err := Write(dir, files, t)
		return res, err
	}
	if err != nil {
		return nil, err
	}
	swapped = true
	// old holds the previous tree now; removing it is housekeeping, and a
	// failure here (or a kill) leaves garbage the next run removes.
	os.RemoveAll(old)
	return res, nil
}

// conflicts refuses, before anything is written, to overwrite a file or
// directory that is not obsc's.
func (t *Tree) conflicts(dir string, fs FileSet) error {
	for _, p := range fs.Paths() {
		if data, foreign := t.Foreign[p]; foreign && (data == nil || !t.owned(path.Dir(p))) {
			return fmt.Errorf("%s exists and was not written by obsc (no %q header); move it away or delete it", filepath.Join(dir, filepath.FromSlash(p)), Header)
		}
		if d := path.Dir(p); d != "." {
			if _, foreign := t.Foreign[d]; foreign {
				return fmt.Errorf("%s exists and is not a directory obsc owns", filepath.Join(dir, filepath.FromSlash(d)))
			}
		}
		if t.Dirs[p] {
			return fmt.Errorf("%s is a directory, where obsc writes a file; move it away", filepath.Join(dir, filepath.FromSlash(p)))
		}
	}
	return nil
}

// resolveDir returns the directory Replace must swap: dir itself, or what
// it points to when it is a symlink (the link stays).
func resolveDir(dir string) (string, error) {
	info, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return filepath.Abs(dir)
	}
	if err != nil {
		return "", err
	}
	if info.Mode()&os.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return "", fmt.Errorf("output %s is a symlink that does not resolve: %w", dir, err)
		}
		dir = real
	}
	return filepath.Abs(dir)
}

// unswappable says why target cannot be renamed: a process's working
// directory would move with it.
func unswappable(target string) string {
	cwd, err := os.Getwd()
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(cwd); err == nil {
		cwd = real
	}
	if cwd == target || strings.HasPrefix(cwd, target+string(filepath.Separator)) {
		return fmt.Sprintf("%s is the working directory or one of its parents", target)
	}
	return ""
}

func stagingPrefix(base string) string { return "." + base + ".obsc-tmp-" }
func oldPrefix(base string) string     { return "." + base + ".obsc-old-" }

// recoverLeftovers cleans up after a run that was killed: staging
// directories are removed, and an old tree renamed away by the non-Linux
// swap is put back when the new one never arrived. The caller holds the
// lock on parent, so no other obsc is using them.
func recoverLeftovers(parent, base string) (restored bool, err error) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return false, err
	}
	target := filepath.Join(parent, base)
	for _, e := range entries {
		name := e.Name()
		full := filepath.Join(parent, name)
		switch {
		case strings.HasPrefix(name, stagingPrefix(base)):
			if err := os.RemoveAll(full); err != nil {
				return restored, err
			}
		case strings.HasPrefix(name, oldPrefix(base)):
			if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
				if err := os.Rename(full, target); err != nil {
					return restored, err
				}
				restored = true
				continue
			}
			if err := os.RemoveAll(full); err != nil {
				return restored, err
			}
		}
	}
	return restored, nil
}

// stageFile writes data at slash path p below root, creating p's
// directory. It never creates root itself: if root vanished, the staging
// is void and writing fails.
func stageFile(root, p string, data []byte) error {
	full := filepath.Join(root, filepath.FromSlash(p))
	if d := path.Dir(p); d != "." {
		if err := mkdirBelow(root, d, nil); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// linkUnchanged stages p as a hard link to the old tree's file when that
// holds exactly data with the mode stageFile would give it: a rebuild
// after a small edit then writes only what changed. It reports whether
// it did; on any failure the caller writes the file.
func linkUnchanged(old, staging, p string, data []byte, t *Tree) bool {
	if prev, ok := t.Generated[p]; !ok || !bytes.Equal(prev, data) {
		return false
	}
	src := filepath.Join(old, filepath.FromSlash(p))
	info, err := os.Lstat(src)
	if err != nil || !info.Mode().IsRegular() || info.Mode().Perm() != 0o644 || info.Size() != int64(len(data)) {
		return false
	}
	if d := path.Dir(p); d != "." {
		if err := mkdirBelow(staging, d, nil); err != nil {
			return false
		}
	}
	return os.Link(src, filepath.Join(staging, filepath.FromSlash(p))) == nil
}

// mkdirBelow creates the slash directory d below root and any missing
// parents between, with the mode of the same directory in from (the old
// tree) when from is set and has it, else 0755.
func mkdirBelow(root, d string, from *string) error {
	parts := strings.Split(d, "/")
	for i := range parts {
		rel := filepath.FromSlash(strings.Join(parts[:i+1], "/"))
		mode := fs.FileMode(0o755)
		if from != nil {
			if info, err := os.Lstat(filepath.Join(*from, rel)); err == nil && info.IsDir() {
				mode = info.Mode().Perm()
			}
		}
		err := os.Mkdir(filepath.Join(root, rel), mode)
		if err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		if err == nil && from != nil {
			// Mkdir applies the umask; the old tree's mode is what counts.
			if err := os.Chmod(filepath.Join(root, rel), mode); err != nil {
				return err
			}
		}
	}
	return nil
}

// carryForeign recreates in staging every entry of the old tree that is
// not obsc's: obsc's files (Tree.Generated) are replaced by fs or pruned,
// and a headerless file at a path of fs is a hand edit fs overwrites.
// Directories are created only for what they carry, so a directory that
// held nothing but stale generated files disappears; a directory that was
// empty stays.
func carryForeign(ctx context.Context, old, staging string, fset FileSet, t *Tree) error {
	if _, err := os.Lstat(old); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return filepath.WalkDir(old, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ErrInterrupted
		}
		rel, _ := filepath.Rel(old, p)
		if rel == "." {
			return nil
		}
		slash := filepath.ToSlash(rel)
		if _, ours := t.Generated[slash]; ours && d.Type().IsRegular() {
			return nil
		}
		if _, ours := fset[slash]; ours {
			return nil
		}
		if dp := path.Dir(slash); dp != "." {
			if err := mkdirBelow(staging, dp, &old); err != nil {
				return err
			}
		}
		dst := filepath.Join(staging, rel)
		switch {
		case d.IsDir():
			entries, err := os.ReadDir(p)
			if err != nil {
				return err
			}
			if len(entries) == 0 {
				return mkdirBelow(staging, slash, &old)
			}
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		case d.Type().IsRegular():
			if err := os.Link(p, dst); err == nil {
				return nil
			}
			return copyFile(p, dst)
		default:
			return fmt.Errorf("%s is a %s, which obsc cannot carry into the new tree; move it out of the output directory", p, d.Type())
		}
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm())
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// errNotSwappable is returned by exchange when the directory cannot be
// renamed at all (another filesystem, a mount point).
var errNotSwappable = errors.New("directory cannot be renamed")
