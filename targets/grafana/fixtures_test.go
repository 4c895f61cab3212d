package grafana

import (
	"time"

	"github.com/tinysystems/obsc/compile/ir"
)

// The IR fixtures are built by hand: compile/ is written in parallel, and
// golden tests on the real examples will take over once it lands. They
// hold exactly what compile promises (sorted slices, defaults resolved).

// defBuckets is prometheus.DefBuckets.
var defBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// seedModule is the seed page's module ("Observability" in the TinySystems
// docs) written as a module.cue would declare it.
func seedModule() *ir.Module {
	const name = "http-module"
	m := &ir.Module{
		Name:        name,
		Namespace:   "tinysystems",
		Team:        "platform",
		RunbookBase: "https://runbooks.example.com/http-module",
		Scrape: ir.Scrape{
			Selector:   map[string]string{"app": name},
			Port:       "metrics",
			PortNumber: 8080,
			Path:       "/metrics",
			Interval:   15 * time.Second,
			Mode:       ir.ScrapeServiceMonitor,
		},
		Target: ir.Workload{Deployment: name, Container: name},
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
			{Name: "tinysystems_duration_seconds", Type: ir.Histogram, Help: "Processing time", Labels: []string{"component", "port"}, Buckets: defBuckets, Standard: true, Pairs: true, Series: 70},
			{Name: "tinysystems_errors_total", Type: ir.Counter, Help: "Errors by type", Labels: []string{"component", "error_type"}, Standard: true, Series: 16},
			{Name: "tinysystems_messages_total", Type: ir.Counter, Help: "Messages processed", Labels: []string{"component", "port", "status"}, Standard: true, Pairs: true, Series: 10},
		},
		Cardinality: ir.Cardinality{Replicas: 1, MaxSeriesPerMetric: 1000, MaxSeries: 10000, Series: 98},
		RateWindow:  5 * time.Minute,
		SLOs: []*ir.SLO{
			{
				Name:      "availability",
				Objective: 99.9,
				Window:    30 * 24 * time.Hour,
				SLI: ir.SLI{
					Kind:   ir.SLIRatio,
					Metric: "tinysystems_messages_total",
					Errors: []ir.Matcher{{Label: "status", Values: []string{"error"}}},
				},
				BurnRates: ir.BurnRates(30*24*time.Hour, true, true),
				Page:      &ir.Tier{Name: "AvailabilityErrorBudgetBurn", Severity: "critical"},
				Ticket:    &ir.Tier{Name: "AvailabilityErrorBudgetBurn", Severity: "warning"},
			},
			{
				Name:      "latency",
				Objective: 99,
				Window:    30 * 24 * time.Hour,
				SLI: ir.SLI{
					Kind:        ir.SLILatency,
					Metric:      "tinysystems_duration_seconds",
					Threshold:   0.5,
					ThresholdLE: "0.5",
				},
				BurnRates: ir.BurnRates(30*24*time.Hour, true, true),
				Page:      &ir.Tier{Name: "LatencyErrorBudgetBurn", Severity: "critical"},
				Ticket:    &ir.Tier{Name: "LatencyErrorBudgetBurn", Severity: "warning"},
			},
		},
		Alerts: []*ir.Alert{
			{
				Name:     "HighErrorRate",
				Kind:     ir.AlertErrorRatio,
				Metric:   "tinysystems_messages_total",
				Errors:   []ir.Matcher{{Label: "status", Values: []string{"error"}}},
				By:       []string{"component"},
				Above:    0.05,
				For:      5 * time.Minute,
				Severity: "warning",
				Summary:  "High error rate in {{ $labels.component }}",
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
		},
		Dashboard: &ir.Dashboard{
			UID:     ir.DashboardUID(name),
			Title:   "HTTP module",
			Folder:  "TinySystems",
			Tags:    []string{"tinysystems"},
			Refresh: "30s",
			Logs:    &ir.Logs{Datasource: "loki"},
			Traces:  &ir.Traces{Datasource: "tempo"},
			Panels: []ir.Panel{{
				Title: "Top error types",
				Expr:  `topk(5, sum by (component, error_type) (rate(tinysystems_errors_total{module="http-module"}[5m])))`,
				Kind:  "table",
			}},
		},
		Kubernetes: ir.Kubernetes{
			RuleLabels:      map[string]string{"release": "kube-prometheus-stack"},
			DashboardLabels: map[string]string{"grafana_dashboard": "1"},
		},
	}
	return m
}

// ordersModule is a module without the standard block: custom metrics, an
// expr alert and no SLOs, logs or traces.
func ordersModule() *ir.Module {
	const name = "orders"
	return &ir.Module{
		Name:         name,
		Namespace:    "shop",
		ObjectLabels: map[string]string{"team": "checkout"},
		Scrape: ir.Scrape{
			Selector:   map[string]string{"app.kubernetes.io/name": name},
			Port:       "http-metrics",
			PortNumber: 9090,
			Path:       "/metrics",
			Interval:   30 * time.Second,
			Mode:       ir.ScrapePodMonitor,
		},
		Target: ir.Workload{Deployment: name, Container: "api"},
		LabelDefs: []*ir.Label{
			{Name: "region", Values: []string{"eu", "us"}},
			{Name: "status", Values: []string{"success", "failed"}},
		},
		Metrics: []*ir.Metric{
			{Name: "order_value_dollars", Type: ir.Histogram, Help: "Order value", Labels: []string{"region"}, Buckets: []float64{10, 50, 100, 500, 1000}, Series: 16},
			{Name: "orders_created_total", Type: ir.Counter, Help: "Orders created", Labels: []string{"region", "status"}, Series: 4},
			{Name: "orders_pending", Type: ir.Gauge, Help: "Orders waiting for payment", Series: 1},
		},
		External:    []string{"kube_deployment_status_replicas_available"},
		Cardinality: ir.Cardinality{Replicas: 1, MaxSeriesPerMetric: 1000, MaxSeries: 10000, Series: 21},
		RateWindow:  2 * time.Minute,
		Alerts: []*ir.Alert{{
			Name:     "QueueBacklog",
			Kind:     ir.AlertExpr,
			Expr:     `sum(orders_pending{module="orders"}) > 100`,
			For:      15 * time.Minute,
			Severity: "critical",
			Summary:  "Order backlog above 100",
		}},
		Dashboard: &ir.Dashboard{
			UID:     ir.DashboardUID(name),
			Title:   name,
			Refresh: "1m",
			Panels: []ir.Panel{{
				Title: "Available replicas",
				Expr:  `sum(kube_deployment_status_replicas_available{deployment="orders"})`,
				Kind:  "stat",
			}},
		},
		Kubernetes: ir.Kubernetes{
			DashboardLabels: map[string]string{"grafana_dashboard": "1"},
		},
	}
}

// fixtures are the modules every test renders.
func fixtures() map[string]*ir.Module {
	return map[string]*ir.Module{
		"seed":   seedModule(),
		"orders": ordersModule(),
	}
}
