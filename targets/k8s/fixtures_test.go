package k8s

import (
	"time"

	"github.com/tinysystems/obsc/compile/ir"
)

// The fixtures are hand-built IR (compile/ is developed separately), shaped
// like what compile/ produces for the inputs described on each.

// seedModule is the TinySystems documentation page as a module: the
// http-module ServiceMonitor, the prometheus.io annotations and the
// /healthz and /readyz endpoints with the spec's defaults.
func seedModule() *ir.Module {
	return &ir.Module{
		Name:      "http-module",
		Namespace: "tinysystems",
		Scrape: ir.Scrape{
			Selector:   map[string]string{"app": "http-module"},
			Port:       "metrics",
			PortNumber: 8080,
			Path:       "/metrics",
			Interval:   15 * time.Second,
			Mode:       ir.ScrapeServiceMonitor,
		},
		Target: ir.Workload{Deployment: "http-module", Container: "module"},
		Probes: &ir.Probes{
			Liveness:  &ir.Probe{Path: "/healthz", Port: 8080, Period: 10 * time.Second, FailureThreshold: 3},
			Readiness: &ir.Probe{Path: "/readyz", Port: 8080, Period: 5 * time.Second},
		},
		Kubernetes: ir.Kubernetes{
			DashboardLabels: map[string]string{"grafana_dashboard": "1"},
		},
	}
}

// podMonitorModule exercises the other branches: podMonitor mode, a
// startup probe with initial delay and timeout, module.labels, monitor
// labels overriding a module label, a module label that tries to claim
// managed-by, a probes.target that differs from the
// module name (with a dot, which kustomize would read as a wildcard) and
// a sub-minute interval.
func podMonitorModule() *ir.Module {
	return &ir.Module{
		Name:      "orders",
		Namespace: "shop",
		ObjectLabels: map[string]string{
			"env":                          "prod",
			"release":                      "ignored-by-monitor-labels",
			"app.kubernetes.io/managed-by": "helm",
		},
		Scrape: ir.Scrape{
			Selector:   map[string]string{"app.kubernetes.io/name": "orders", "tier": "backend"},
			Port:       "http-metrics",
			PortNumber: 9090,
			Path:       "/internal/metrics",
			Interval:   30 * time.Second,
			Mode:       ir.ScrapePodMonitor,
		},
		Target: ir.Workload{Deployment: "orders.api", Container: "app"},
		Probes: &ir.Probes{
			Liveness: &ir.Probe{
				Path: "/livez", Port: 9090, Period: 20 * time.Second, FailureThreshold: 5,
				InitialDelay: 10 * time.Second, Timeout: 2 * time.Second,
			},
			Readiness: &ir.Probe{Path: "/readyz", Port: 9090, Period: 5 * time.Second},
			Startup:   &ir.Probe{Path: "/startupz", Port: 9091, Period: 10 * time.Second, FailureThreshold: 30},
		},
		Kubernetes: ir.Kubernetes{
			RuleLabels:      map[string]string{"release": "kube-prometheus-stack"},
			MonitorLabels:   map[string]string{"release": "kube-prometheus-stack"},
			DashboardLabels: map[string]string{"grafana_dashboard": "1"},
		},
	}
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
