//go:build linux

package targets

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// exchange swaps the directories staging and target atomically with
// renameat2(RENAME_EXCHANGE) and returns where the old tree now is
// (staging's path). Filesystems without RENAME_EXCHANGE fall back to two
// renames.
func exchange(staging, target string) (string, error) {
	err := unix.Renameat2(unix.AT_FDCWD, staging, unix.AT_FDCWD, target, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return staging, nil
	case errors.Is(err, unix.EXDEV), errors.Is(err, unix.EBUSY):
		return "", errNotSwappable
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EOPNOTSUPP):
		return renameSwap(staging, target)
	}
	return "", &os.LinkError{Op: "renameat2", Old: staging, New: target, Err: err}
}

// lockDir takes an exclusive flock on dir, so two obsc runs writing the
// same output never clean up each other's staging directory.
func lockDir(dir string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		unix.Flock(int(f.Fd()), unix.LOCK_UN)
		f.Close()
	}, nil
}

// exchangeEntry swaps two entries of one filesystem atomically, and only
// that: without RENAME_EXCHANGE it returns errNotSwappable, since two
// renames would let a reader see the entry missing.
func exchangeEntry(staged, target string) error {
	err := unix.Renameat2(unix.AT_FDCWD, staged, unix.AT_FDCWD, target, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EXDEV), errors.Is(err, unix.EBUSY), errors.Is(err, unix.EINVAL),
		errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EOPNOTSUPP):
		return errNotSwappable
	}
	return &os.LinkError{Op: "renameat2", Old: staged, New: target, Err: err}
}
