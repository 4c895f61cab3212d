package k8s

import (
	"os"
	"testing"
	"time"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/irtest"
	"github.com/tinysystems/obsc/targets"
)

// TestMain turns targets.SelfCheck on: every document the direct YAML
// writer writes is compared with what encoding/json and yamlx write.
func TestMain(m *testing.M) {
	targets.SelfCheck = true
	os.Exit(m.Run())
}

// seedModule is examples/http-module as compile builds it (irtest.Seed):
// the ServiceMonitor, the prometheus.io annotations and the /healthz and
// /readyz endpoints of the TinySystems documentation page.
func seedModule() *ir.Module { return irtest.Seed() }

// podMonitorModule is examples/orders (irtest.Orders) changed to exercise
// the branches the examples do not: module.labels with a label the monitor
// labels override and one that tries to claim managed-by, a selector with
// a prefixed label name, a non-default metrics path, a probes.target that
// differs from the module name (with a dot, which kustomize would read as
// a wildcard) and probes with initial delay, timeout and their own ports.
func podMonitorModule() *ir.Module {
	m := irtest.Orders()
	m.ObjectLabels = map[string]string{
		"env":                          "prod",
		"release":                      "ignored-by-monitor-labels",
		"app.kubernetes.io/managed-by": "helm",
	}
	m.Scrape.Selector = map[string]string{"app.kubernetes.io/name": "orders", "tier": "backend"}
	m.Scrape.Path = "/internal/metrics"
	m.Target = ir.Workload{Deployment: "orders.api", Container: "app"}
	m.Probes = &ir.Probes{
		Liveness: &ir.Probe{
			Path: "/livez", Port: 9090, Period: 20 * time.Second, FailureThreshold: 5,
			InitialDelay: 10 * time.Second, Timeout: 2 * time.Second,
		},
		Readiness: &ir.Probe{Path: "/readyz", Port: 9090, Period: 5 * time.Second},
		Startup:   &ir.Probe{Path: "/startupz", Port: 9091, Period: 10 * time.Second, FailureThreshold: 30},
	}
	return m
}

// noProbesModule has no `probes:` block: no probes patch is written.
func noProbesModule() *ir.Module {
	m := seedModule()
	m.Name = "quiet"
	m.Scrape.Selector = map[string]string{"app": "quiet"}
	m.Target = ir.Workload{Deployment: "quiet", Container: "quiet"}
	m.Probes = nil
	return m
}

// fixtures are the modules with golden output, by golden directory name.
var fixtures = map[string]func() *ir.Module{
	"seed":       seedModule,
	"podmonitor": podMonitorModule,
	"noprobes":   noProbesModule,
}
