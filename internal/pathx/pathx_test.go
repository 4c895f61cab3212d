package pathx

import (
	"path/filepath"
	"testing"
)

// TestAbsIsFilepathAbs: Of gives what filepath.Abs gives, for relative and
// absolute paths, with and without a working directory read.
func TestAbsIsFilepathAbs(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, a := range []Abs{NewAbs(), {}} {
		for _, p := range []string{".", "a", "a/../b", "./x/y/", "..", "/abs/./p", "/"} {
			got, err := a.Of(p)
			want, werr := filepath.Abs(p)
			if got != want || (err == nil) != (werr == nil) {
				t.Errorf("Abs{%q}.Of(%q) = %q, %v; filepath.Abs = %q, %v", a.cwd, p, got, err, want, werr)
			}
		}
	}
}
