package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

// Diagnostics for performance work, off unless their environment variable
// is set (see bench/README.md):
//
//	OBSC_CPUPROFILE=FILE  write a CPU profile of the whole run (go tool pprof)
//	OBSC_MEMPROFILE=FILE  write a heap profile (allocations) at exit
//	OBSC_TIMING=1         print the duration of each stage (and how many modules
//	                      came from the cache or were written by a worker) to stderr
//
// They are environment variables rather than flags so they apply to every
// subcommand and stay out of the usage text.
func profiled(run func() int) int {
	if f := os.Getenv("OBSC_CPUPROFILE"); f != "" {
		out, err := os.Create(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "obsc:", err)
			return exitFail
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			fmt.Fprintln(os.Stderr, "obsc:", err)
			return exitFail
		}
		defer pprof.StopCPUProfile()
	}
	if f := os.Getenv("OBSC_MEMPROFILE"); f != "" {
		runtime.MemProfileRate = 64 << 10
		defer func() {
			out, err := os.Create(f)
			if err != nil {
				fmt.Fprintln(os.Stderr, "obsc:", err)
				return
			}
			defer out.Close()
			_ = pprof.Lookup("allocs").WriteTo(out, 0)
		}()
	}
	return run()
}

// timing reports stage durations when OBSC_TIMING is set.
var timing = stageTimer{on: os.Getenv("OBSC_TIMING") != "", w: os.Stderr, last: time.Now()}

type stageTimer struct {
	on   bool
	w    io.Writer
	last time.Time
}

// note prints a fact of the build among the stages.
func (t *stageTimer) note(format string, args ...any) {
	if t.on {
		fmt.Fprintf(t.w, "obsc: timing: "+format+"\n", args...)
	}
}

// stage prints how long the stage that just ended took.
func (t *stageTimer) stage(name string) {
	if !t.on {
		return
	}
	now := time.Now()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(t.w, "obsc: timing: %-10s %8.3fs  heap %4d MiB  sys %4d MiB\n", name, now.Sub(t.last).Seconds(), ms.HeapAlloc>>20, ms.Sys>>20)
	t.last = now
}
