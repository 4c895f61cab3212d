package targets

import (
	"os"
	"path/filepath"
	"strings"
)

// renameSwap replaces target with staging by two renames, for platforms
// and filesystems without an atomic exchange: target goes to a sibling
// named by oldPrefix, staging takes its place. If the second rename fails,
// the first is undone.
func renameSwap(staging, target string) (string, error) {
	base := filepath.Base(target)
	suffix := strings.TrimPrefix(filepath.Base(staging), stagingPrefix(base))
	old := filepath.Join(filepath.Dir(target), oldPrefix(base)+suffix)
	if err := os.Rename(target, old); err != nil {
		return "", errNotSwappable
	}
	if err := os.Rename(staging, target); err != nil {
		if rerr := os.Rename(old, target); rerr != nil {
			return "", rerr
		}
		return "", err
	}
	return old, nil
}
