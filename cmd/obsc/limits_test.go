package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tinysystems/obsc/compile"
)

// TestLimits feeds obsc inputs too big to be specs — a 5 MiB module file
// and a pattern matching more module directories than compile.MaxModuleDirs
// — and wants a clear message, exit 1 and nothing written, not a machine
// brought to its knees.
func TestLimits(t *testing.T) {
	t.Run("a 5 MiB module file", func(t *testing.T) {
		work := t.TempDir()
		var b strings.Builder
		b.WriteString("package obs\n\nmodule: {name: \"big\", namespace: \"ns\"}\nscrape: {selector: app: \"big\", portNumber: 8080}\n")
		for i := 0; b.Len() < 5<<20; i++ {
			fmt.Fprintf(&b, "// padding line %d of a generated file, far bigger than any spec\n", i)
		}
		writeFile(t, filepath.Join(work, "big", "module.cue"), b.String())
		code, _, stderr := obscExec(t, work, nil, "build", "-o", "out", "big")
		want := fmt.Sprintf("big/module.cue:1:1: file is %d bytes, over the %d-byte limit for a module file; split the module or move data out of it\nobsc: 1 error; nothing written\n", b.Len(), compile.MaxFileSize)
		if code != exitFail || stderr != want {
			t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and:\n%s", code, stderr, want)
		}
		if _, err := os.Lstat(filepath.Join(work, "out")); err == nil {
			t.Error("out was written")
		}
	})
	t.Run("a pattern matching more than MaxModuleDirs directories", func(t *testing.T) {
		if testing.Short() {
			t.Skip("creates 20001 directories")
		}
		work := t.TempDir()
		for i := range compile.MaxModuleDirs + 1 {
			dir := filepath.Join(work, "mods", fmt.Sprintf("%03d", i/1000), fmt.Sprintf("m%05d", i))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "module.cue"), []byte("package obs\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		code, _, stderr := obscExec(t, work, nil, "build", "-o", "out", "mods/...")
		want := fmt.Sprintf("obsc: pattern \"mods/...\": more than %d module directories; narrow the pattern\n", compile.MaxModuleDirs)
		if code != exitFail || stderr != want {
			t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and:\n%s", code, stderr, want)
		}
		if _, err := os.Lstat(filepath.Join(work, "out")); err == nil {
			t.Error("out was written")
		}
	})
}
