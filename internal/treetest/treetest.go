// Package treetest snapshots directory trees for tests that must prove a
// tree is exactly the old one or the new one.
package treetest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Snapshot describes every entry below dir: file contents, "dir/" for
// directories, "-> target" for symlinks and "special <mode>" for anything
// else. A missing dir is nil.
func Snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	if _, err := os.Lstat(dir); os.IsNotExist(err) {
		return nil
	}
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case rel == ".":
		case d.IsDir():
			out[rel] = "dir/"
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out[rel] = "-> " + target
		case !d.Type().IsRegular():
			out[rel] = "special " + d.Type().String()
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
