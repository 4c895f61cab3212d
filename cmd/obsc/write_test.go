package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/bench/corpus"
	"github.com/tinysystems/obsc/internal/treetest"
)

// TestWorkersWrite: a worker that finds the writer's queue full writes its
// module itself. Slowed down (every file staged 10 ms late: a module takes
// longer to write than to render even under -race), the build has
// its workers write, and must write the same tree as a build that keeps
// up, record cache entries as good: a build --check with that cache finds
// nothing to do, and a rebuild changes nothing.
func TestWorkersWrite(t *testing.T) {
	work := t.TempDir()
	const n = 24
	for i := range n {
		if err := corpus.Write(work, i, false); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := obscExec(t, work, []string{"GOMAXPROCS=1"}, "build", "--cache", "off", "-o", "ref", "modules/...")
	if code != 0 {
		t.Fatalf("reference build: exit %d\n%s", code, stderr)
	}
	want := treetest.Snapshot(t, filepath.Join(work, "ref"))

	code, _, stderr = obscExec(t, work, []string{"GOMAXPROCS=4", "OBSC_TIMING=1", "OBSC_TEST_WRITE_DELAY=10ms"},
		"build", "--cache", "cache", "-o", "out", "modules/...")
	if code != 0 {
		t.Fatalf("slowed build: exit %d\n%s", code, stderr)
	}
	m := regexp.MustCompile(`modules written by their worker, the writer behind: (\d+)`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("OBSC_TIMING does not say how many modules the workers wrote:\n%s", stderr)
	}
	if helped, _ := strconv.Atoi(m[1]); helped == 0 || helped > n {
		t.Errorf("workers wrote %d of %d modules with the writer slowed down, want some", helped, n)
	}
	if diff := cmp.Diff(want, treetest.Snapshot(t, filepath.Join(work, "out"))); diff != "" {
		t.Errorf("output written partly by the workers differs (-writer alone +with the workers):\n%s", diff)
	}
	code, _, stderr = obscExec(t, work, []string{"OBSC_TIMING=1"}, "build", "--check", "--cache", "cache", "-o", "out", "modules/...")
	if code != 0 {
		t.Errorf("build --check after it: exit %d\n%s", code, stderr)
	}
	if want := "modules from the cache: " + strconv.Itoa(n) + " of " + strconv.Itoa(n); !strings.Contains(stderr, want) {
		t.Errorf("build --check after it: want every module's entry recorded, whoever wrote it (%q):\n%s", want, stderr)
	}
	code, _, stderr = obscExec(t, work, []string{"OBSC_TIMING=1"}, "build", "--cache", "cache", "-o", "out", "modules/...")
	if code != 0 || !regexp.MustCompile(`\(0 new, 0 changed, 0 removed\)`).MatchString(stderr) {
		t.Errorf("rebuild after it: exit %d, want nothing changed:\n%s", code, stderr)
	}
}
