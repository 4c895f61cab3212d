package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/internal/treetest"
)

// killModule is a module with every kind of output; %[1]s is its name and
// %[2]s its scrape interval.
const killModule = `package obs

module: {name: %[1]q, namespace: "ns", team: "core", runbookBase: "https://runbooks.example.com/%[1]s"}
scrape: {selector: app: %[1]q, portNumber: 8080, interval: %[2]q}
standard: components: {router: ports: ["in", "out"], server: ports: ["request"]}
labels: queue: values: ["a", "b"]
metrics: jobs_pending: {type: "gauge", help: "Jobs waiting", labels: ["queue"]}
slos: availability: {objective: 99.9, ratio: {metric: "tinysystems_messages_total", errors: status: "error"}}
slos: latency: {objective: 99, latency: {metric: "tinysystems_duration_seconds", threshold: 0.5}}
alerts: HighErrorRate: {errorRatio: {metric: "tinysystems_messages_total", errors: status: "error", by: ["component"]}, above: 0.05, for: "5m"}
alerts: Backlog: {expr: "sum(jobs_pending) > 100", for: "15m", severity: "critical"}
probes: liveness: {path: "/healthz", port: 8080}
probes: readiness: {path: "/readyz", port: 8080}
dashboard: panels: [{title: "Pending", expr: "sum by (queue) (jobs_pending)"}]
`

// writeKillSpecs writes modules names[i] with the given interval below dir.
func writeKillSpecs(t *testing.T, dir, interval string, names []string) {
	for _, n := range names {
		writeFile(t, filepath.Join(dir, n, "module.cue"), fmt.Sprintf(killModule, n, interval))
	}
}

// TestKillBuild interrupts `obsc build` of many modules at random points
// (SIGKILL, SIGINT, SIGTERM; half the time with every staged file slowed
// down, so the signal lands in the write phase) and checks after each
// that the output directory holds exactly the old tree or exactly the new
// one, foreign files included. After SIGINT/SIGTERM no temporary
// directory may remain; after SIGKILL the next build must clean it up.
func TestKillBuild(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	work := t.TempDir()
	var v1, v2 []string
	for i := range 12 {
		v1 = append(v1, fmt.Sprintf("svc-%02d", i))
		v2 = append(v2, fmt.Sprintf("svc-%02d", i+1)) // svc-00 removed, svc-12 added
	}
	writeKillSpecs(t, filepath.Join(work, "v1"), "15s", v1)
	writeKillSpecs(t, filepath.Join(work, "v2"), "30s", v2)

	// The reference trees, with a foreign file that must survive.
	build := func(out, specs string, env ...string) (int, string) {
		code, _, stderr := obscExec(t, work, env, "build", "-o", out, specs+"/...")
		return code, stderr
	}
	for _, v := range []string{"v1", "v2"} {
		if code, stderr := build("ref-"+v, v); code != 0 {
			t.Fatalf("build %s: exit %d\n%s", v, code, stderr)
		}
		writeFile(t, filepath.Join(work, "ref-"+v, "README.md"), "not obsc's\n")
		writeFile(t, filepath.Join(work, "ref-"+v, "svc-03", "notes.txt"), "not obsc's either\n")
	}
	oldTree, newTree := treetest.Snapshot(t, filepath.Join(work, "ref-v1")), treetest.Snapshot(t, filepath.Join(work, "ref-v2"))
	if cmp.Equal(oldTree, newTree) {
		t.Fatal("old and new trees are the same")
	}

	// How long an uninterrupted build takes, slowed and not.
	const delay = "OBSC_TEST_WRITE_DELAY=2ms"
	durations := map[bool]time.Duration{}
	for _, slow := range []bool{false, true} {
		parent := filepath.Join(work, fmt.Sprintf("time-%v", slow))
		copyDir(t, filepath.Join(work, "ref-v1"), filepath.Join(parent, "out"))
		env := []string{}
		if slow {
			env = append(env, delay)
		}
		start := time.Now()
		if code, stderr := build(filepath.Join(parent, "out"), "v2", env...); code != 0 {
			t.Fatalf("build: exit %d\n%s", code, stderr)
		}
		durations[slow] = time.Since(start)
		if diff := cmp.Diff(newTree, treetest.Snapshot(t, filepath.Join(parent, "out"))); diff != "" {
			t.Fatalf("uninterrupted build differs from the new tree (-want +got):\n%s", diff)
		}
	}
	t.Logf("build takes %v, %v with slowed writes", durations[false], durations[true])

	runs := 12
	if testing.Short() {
		runs = 4
	}
	signals := []syscall.Signal{syscall.SIGKILL, syscall.SIGINT, syscall.SIGTERM}
	outcomes := map[string]int{}
	for i := range runs {
		sig := signals[i%len(signals)]
		slow := i%2 == 0
		parent := filepath.Join(work, fmt.Sprintf("run-%d", i))
		out := filepath.Join(parent, "out")
		copyDir(t, filepath.Join(work, "ref-v1"), out)

		cmd := exec.Command("obsc", "build", "-o", out, "v2/...")
		cmd.Dir = work
		cmd.Env = os.Environ()
		if slow {
			cmd.Env = append(cmd.Env, delay)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		d := durations[slow]
		// From the start to a little after the build would have ended, so
		// some signals land in the compile phase, some while staging and
		// some after the swap.
		wait := time.Duration(rng.Int64N(int64(d) * 13 / 10))
		time.Sleep(wait)
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		if strings.Contains(stderr.String(), "panic:") {
			t.Fatalf("run %d: obsc panicked:\n%s", i, stderr.String())
		}

		got := treetest.Snapshot(t, out)
		state := ""
		switch {
		case cmp.Equal(got, oldTree):
			state = "old"
		case cmp.Equal(got, newTree):
			state = "new"
		default:
			t.Fatalf("run %d (%v after %v, err %v): the tree is neither the old nor the new one (-new +got):\n%s\nstderr:\n%s",
				i, sig, wait, err, cmp.Diff(newTree, got), stderr.String())
		}
		outcomes[fmt.Sprintf("%v/%s", sig, state)]++
		if strings.Contains(stderr.String(), "interrupted;") {
			outcomes["stopped while staging"]++
		}
		leftovers := listDir(t, parent)
		if sig != syscall.SIGKILL {
			if diff := cmp.Diff([]string{"out"}, leftovers); diff != "" {
				t.Errorf("run %d (%v after %v): left beside the output (-want +got):\n%s\nstderr:\n%s", i, sig, wait, diff, stderr.String())
			}
			continue
		}
		if len(leftovers) > 1 {
			outcomes["SIGKILL left a temporary directory"]++
			if code, stderr := build(out, "v2"); code != 0 {
				t.Fatalf("run %d: rebuild after SIGKILL: exit %d\n%s", i, code, stderr)
			}
			if diff := cmp.Diff(newTree, treetest.Snapshot(t, out)); diff != "" {
				t.Fatalf("run %d: rebuild after SIGKILL (-want +got):\n%s", i, diff)
			}
			if diff := cmp.Diff([]string{"out"}, listDir(t, parent)); diff != "" {
				t.Errorf("run %d: the rebuild left the killed run's temporary directory (-want +got):\n%s", i, diff)
			}
		}
	}
	t.Logf("outcomes of %d interrupted builds: %v", runs, outcomes)
}
