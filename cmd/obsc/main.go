// Command obsc compiles module.cue monitoring specs into Prometheus rules,
// Grafana dashboards and Kubernetes scrape and probe configuration.
package main

import "os"

func main() { os.Exit(profiled(Main)) }
