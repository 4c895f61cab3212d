// Command obsc compiles module.cue monitoring specs into Prometheus rules,
// Grafana dashboards and Kubernetes scrape and probe configuration.
package main

import (
	"os"
	"runtime/debug"
)

func main() {
	tuneGC()
	os.Exit(profiled(Main))
}

// tuneGC trades memory the build does not otherwise use for less garbage
// collection: obsc streams its output, so its live heap is small and the
// default GOGC=100 collects every few megabytes of rendering. A soft
// memory limit keeps the peak bounded all the same (the collector works
// harder as the heap nears it). GOGC and GOMEMLIMIT in the environment
// win, as for any Go program.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(768 << 20)
	}
}
