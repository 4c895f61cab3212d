package prometheus

import (
	"time"

	"github.com/tinysystems/obsc/compile/ir"
)

// defBuckets is prometheus.DefBuckets.
var defBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// seedModule is built by hand to match what compile makes of the seed page
// (the TinySystems "Observability" guide) as a module.cue: the standard
// metric set, the two seed alerts written correctly, two SLOs and an expr
// alert. compile/ is written in parallel; golden tests over the real
// examples replace this once it lands.
func seedModule() *ir.Module {
	m := &ir.Module{
		Name:         "http-module",
		Namespace:    "tinysystems",
		Team:         "platform",
		RunbookBase:  "https://runbooks.example.com/http-module",
		ObjectLabels: map[string]string{"app.kubernetes.io/part-of": "tinysystems"},
		Scrape: ir.Scrape{
			Selector:   map[string]string{"app": "http-module"},
			Port:       "metrics",
			PortNumber: 8080,
			Path:       "/metrics",
			Interval:   15 * time.Second,
			Mode:       ir.ScrapeServiceMonitor,
		},
		Target: ir.Workload{Deployment: "http-module", Container: "http-module"},
		Standard: &ir.Standard{
			Prefix: "tinysystems",
			Components: []ir.Component{
				{Name: "http_server", Ports: []string{"request", "response"}},
				{Name: "router", Ports: []string{"input", "output", "error"}},
			},
		},
		LabelDefs: []*ir.Label{
			{Name: "component", Values: []string{"http_server", "router"}},
			{Name: "error_type", MaxValues: 8},
			{Name: "port", Values: []string{"request", "response", "input", "output", "error"}},
			{Name: "status", Values: []string{"success", "error"}},
		},
		Metrics: []*ir.Metric{
			{Name: "tinysystems_active_operations", Type: ir.Gauge, Help: "In-flight operations", Labels: []string{"component"}, Standard: true, Series: 2},
			{Name: "tinysystems_duration_seconds", Type: ir.Histogram, Help: "Processing time", Labels: []string{"component", "port"}, Buckets: defBuckets, Standard: true, Pairs: true, Series: 5 * 14},
			{Name: "tinysystems_errors_total", Type: ir.Counter, Help: "Errors by type", Labels: []string{"component", "error_type"}, Standard: true, Series: 16},
			{Name: "tinysystems_messages_total", Type: ir.Counter, Help: "Messages processed", Labels: []string{"component", "port", "status"}, Standard: true, Pairs: true, Series: 10},
		},
		External:   []string{"kube_deployment_status_replicas_available"},
		RateWindow: 5 * time.Minute,
		Kubernetes: ir.Kubernetes{
			RuleLabels:      map[string]string{"release": "kube-prometheus-stack"},
			DashboardLabels: map[string]string{"grafana_dashboard": "1"},
		},
	}
	statusError := []ir.Matcher{{Label: "status", Values: []string{"error"}}}
	m.Alerts = []*ir.Alert{
		{
			Name:     "HighErrorRate",
			Kind:     ir.AlertErrorRatio,
			Metric:   "tinysystems_messages_total",
			Errors:   statusError,
			By:       []string{"component"},
			Above:    0.05,
			For:      5 * time.Minute,
			Severity: "warning",
			Summary:  "High error rate in {{ $labels.component }}",
			Description: "{{ $value | humanizePercentage }} of the messages of " +
				"{{ $labels.component }} failed over the last 5m.",
		},
		{
			Name:     "HighLatency",
			Kind:     ir.AlertQuantile,
			Metric:   "tinysystems_duration_seconds",
			By:       []string{"component"},
			Q:        0.99,
			Above:    5,
			For:      10 * time.Minute,
			Severity: "warning",
			Summary:  "High latency in {{ $labels.component }}",
		},
		{
			Name:        "NoReplicas",
			Kind:        ir.AlertExpr,
			Expr:        `sum(kube_deployment_status_replicas_available{deployment="http-module"}) < 1`,
			For:         15 * time.Minute,
			Severity:    "critical",
			Summary:     "http-module has no available replica",
			Labels:      map[string]string{"page": "true"},
			Annotations: map[string]string{"dashboard": "https://grafana.example.com/d/obsc-http-module"},
		},
	}
	m.SLOs = []*ir.SLO{
		sloFixture("availability", 99.9, 30*24*time.Hour, ir.SLI{
			Kind: ir.SLIRatio, Metric: "tinysystems_messages_total", Errors: statusError,
		}),
		sloFixture("latency", 99, 30*24*time.Hour, ir.SLI{
			Kind: ir.SLILatency, Metric: "tinysystems_duration_seconds", Threshold: 0.5, ThresholdLE: "0.5",
		}),
	}
	m.SLOs[0].Description = "Messages are processed without error."
	return m
}

// sloFixture is an SLO with both tiers at their defaults.
func sloFixture(name string, objective float64, window time.Duration, sli ir.SLI) *ir.SLO {
	return &ir.SLO{
		Name:      name,
		Objective: objective,
		Window:    window,
		SLI:       sli,
		BurnRates: ir.BurnRates(window, true, true),
		Page:      &ir.Tier{Name: ir.SLOAlertName(name), Severity: "critical"},
		Ticket:    &ir.Tier{Name: ir.SLOAlertName(name), Severity: "warning"},
	}
}
