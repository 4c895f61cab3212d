// Package irtest holds the IR fixtures the target tests share: the two
// examples (examples/http-module and examples/orders) as compile builds
// them, written out by hand so targets can be tested without compile.
// cmd/obsc's TestIRFixturesMatchExamples keeps them equal to what compile
// really produces.
//
// Every function returns a fresh value: tests mutate what they get.
package irtest

import (
	"time"

	"github.com/tinysystems/obsc/compile/ir"
)

// DefBuckets is prometheus.DefBuckets, the buckets of the standard
// duration histogram.
func DefBuckets() []float64 {
	return []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
}

// Seed is examples/http-module (the TinySystems "Observability" page as a
// module) compiled: the standard metric set on two replicas, the page's two
// alerts, an availability SLO and a page-only latency SLO, probes, and a
// dashboard with logs and traces.
func Seed() *ir.Module {
	const name = "http-module"
	const month = 30 * 24 * time.Hour
	statusError := func() []ir.Matcher { return []ir.Matcher{{Label: "status", Values: []string{"error"}}} }
	return &ir.Module{
		Name:         name,
		Namespace:    "tinysystems",
		Team:         "platform",
		RunbookBase:  "https://runbooks.example.com/http-module",
		ObjectLabels: map[string]string{"app.kubernetes.io/part-of": "tinysystems"},
		Scrape: ir.Scrape{
			Selector:   map[string]string{"app": name},
			Port:       "metrics",
			PortNumber: 8080,
			Path:       "/metrics",
			Interval:   15 * time.Second,
			Mode:       ir.ScrapeServiceMonitor,
		},
		Target: ir.Workload{Deployment: name, Container: "module"},
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
			{Name: "port", Values: []string{"error", "input", "output", "request", "response"}},
			{Name: "status", Values: []string{"success", "error"}},
		},
		Metrics: []*ir.Metric{
			{Name: "tinysystems_active_operations", Type: ir.Gauge, Help: "In-flight operations, by component", Labels: []string{"component"}, Standard: true, Series: 4},
			{Name: "tinysystems_duration_seconds", Type: ir.Histogram, Help: "Message processing duration in seconds", Labels: []string{"component", "port"}, Buckets: DefBuckets(), Standard: true, Pairs: true, Series: 140},
			{Name: "tinysystems_errors_total", Type: ir.Counter, Help: "Errors, by component and error type", Labels: []string{"component", "error_type"}, Standard: true, Series: 32},
			{Name: "tinysystems_messages_total", Type: ir.Counter, Help: "Messages processed, by component, port and status", Labels: []string{"component", "port", "status"}, Standard: true, Pairs: true, Series: 20},
		},
		Cardinality: ir.Cardinality{Replicas: 2, MaxSeriesPerMetric: 1000, MaxSeries: 10000, Series: 196},
		RateWindow:  5 * time.Minute,
		SLOs: []*ir.SLO{
			{
				Name:        "availability",
				Objective:   99.9,
				Window:      month,
				Description: "Messages are processed without error",
				SLI:         ir.SLI{Kind: ir.SLIRatio, Metric: "tinysystems_messages_total", Errors: statusError()},
				BurnRates:   ir.BurnRates(month, true, true),
				Page:        &ir.Tier{Name: "AvailabilityErrorBudgetBurn", Severity: "critical"},
				Ticket:      &ir.Tier{Name: "AvailabilityErrorBudgetBurn", Severity: "warning"},
			},
			{
				Name:        "latency",
				Objective:   99,
				Window:      month,
				Description: "Messages are processed within 500ms",
				SLI:         ir.SLI{Kind: ir.SLILatency, Metric: "tinysystems_duration_seconds", Threshold: 0.5, ThresholdLE: "0.5"},
				BurnRates:   ir.BurnRates(month, true, false), // alerting: ticket: false
				Page:        &ir.Tier{Name: "LatencyErrorBudgetBurn", Severity: "critical"},
			},
		},
		Alerts: []*ir.Alert{
			{
				Name:     "HighErrorRate",
				Kind:     ir.AlertErrorRatio,
				Metric:   "tinysystems_messages_total",
				Errors:   statusError(),
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
		Probes: &ir.Probes{
			Liveness:  &ir.Probe{Path: "/healthz", Port: 8080, Period: 10 * time.Second, FailureThreshold: 3},
			Readiness: &ir.Probe{Path: "/readyz", Port: 8080, Period: 5 * time.Second, FailureThreshold: 3},
		},
		Dashboard: &ir.Dashboard{
			UID:     ir.DashboardUID(name),
			Title:   "HTTP module",
			Folder:  "TinySystems",
			Tags:    []string{"tinysystems"},
			Refresh: "30s",
			Logs:    &ir.Logs{Datasource: "loki", Selector: `{namespace="tinysystems", app="http-module"}`},
			Traces:  &ir.Traces{Datasource: "tempo", Query: `{ resource.service.name = "http-module" }`},
		},
		Kubernetes: ir.Kubernetes{
			RuleLabels:      map[string]string{"release": "kube-prometheus-stack"},
			DashboardLabels: map[string]string{"grafana_dashboard": "1"},
		},
	}
}

// Orders is examples/orders compiled: a module outside TinySystems with
// custom metrics on three replicas, PodMonitor scraping, a 28d page+ticket
// SLO and a ticket-only latency SLO, one alert of each kind, a startup
// probe and two extra dashboard panels.
func Orders() *ir.Module {
	const name = "orders"
	statusFailed := func() []ir.Matcher { return []ir.Matcher{{Label: "status", Values: []string{"failed"}}} }
	return &ir.Module{
		Name:        name,
		Namespace:   "shop",
		Team:        "checkout",
		RunbookBase: "https://runbooks.example.com/orders",
		Scrape: ir.Scrape{
			Selector:   map[string]string{"app": name, "tier": "backend"},
			Port:       "http-metrics",
			PortNumber: 9090,
			Path:       "/metrics",
			Interval:   30 * time.Second,
			Mode:       ir.ScrapePodMonitor,
		},
		Target: ir.Workload{Deployment: name, Container: name},
		LabelDefs: []*ir.Label{
			{Name: "payment_method", Values: []string{"card", "invoice", "wallet"}},
			{Name: "region", MaxValues: 6},
			{Name: "status", Values: []string{"created", "paid", "failed"}},
		},
		Metrics: []*ir.Metric{
			{Name: "checkout_duration_seconds", Type: ir.Histogram, Help: "Checkout request duration in seconds", Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5}, Series: 27},
			{Name: "order_value_dollars", Type: ir.Histogram, Help: "Order value in US dollars", Labels: []string{"payment_method"}, Buckets: []float64{10, 50, 100, 500, 1000}, Series: 72},
			{Name: "orders_created_total", Type: ir.Counter, Help: "Orders placed, by final status and payment method", Labels: []string{"status", "payment_method"}, Series: 27},
			{Name: "orders_pending", Type: ir.Gauge, Help: "Orders waiting for payment confirmation, by region", Labels: []string{"region"}, Series: 18},
		},
		Cardinality: ir.Cardinality{Replicas: 3, MaxSeriesPerMetric: 200, MaxSeries: 1000, Series: 144},
		RateWindow:  5 * time.Minute,
		SLOs: []*ir.SLO{
			{
				Name:      "checkout",
				Objective: 99,
				Window:    30 * 24 * time.Hour,
				SLI:       ir.SLI{Kind: ir.SLILatency, Metric: "checkout_duration_seconds", Threshold: 1, ThresholdLE: "1"},
				BurnRates: ir.BurnRates(30*24*time.Hour, false, true), // alerting: page: false
				Ticket:    &ir.Tier{Name: "CheckoutErrorBudgetBurn", Severity: "warning"},
			},
			{
				Name:        "order-success",
				Objective:   99.5,
				Window:      28 * 24 * time.Hour,
				Description: "Orders that are not failed",
				SLI:         ir.SLI{Kind: ir.SLIRatio, Metric: "orders_created_total", Errors: statusFailed()},
				BurnRates:   ir.BurnRates(28*24*time.Hour, true, true),
				Page:        &ir.Tier{Name: "OrdersFailing", Severity: "critical"},
				Ticket:      &ir.Tier{Name: "OrderSuccessErrorBudgetBurn", Severity: "warning"},
			},
		},
		Alerts: []*ir.Alert{
			{
				Name:     "OrdersStopped",
				Kind:     ir.AlertExpr,
				Expr:     `sum(rate(orders_created_total{module="orders"}[15m])) == 0`,
				For:      30 * time.Minute,
				Severity: "warning",
				Summary:  "No orders created in the last 15 minutes",
			},
			{
				Name:     "PaymentFailures",
				Kind:     ir.AlertErrorRatio,
				Metric:   "orders_created_total",
				Errors:   statusFailed(),
				By:       []string{"payment_method"},
				Above:    0.02,
				For:      10 * time.Minute,
				Severity: "warning",
				Summary:  "Error ratio of orders_created_total above 2% in {{ $labels.payment_method }}",
				Labels:   map[string]string{"channel": "payments"},
			},
			{
				Name:          "QueueBacklog",
				Kind:          ir.AlertExpr,
				Expr:          `sum(orders_pending{module="orders"}) > 100`,
				For:           15 * time.Minute,
				KeepFiringFor: 10 * time.Minute,
				Severity:      "critical",
				Summary:       "{{ $value }} orders waiting for payment",
				Description:   "More than 100 orders have waited for payment confirmation for 15 minutes.",
			},
			{
				Name:     "SlowCheckout",
				Kind:     ir.AlertQuantile,
				Metric:   "checkout_duration_seconds",
				Q:        0.95,
				Above:    1,
				For:      10 * time.Minute,
				Severity: "warning",
				Summary:  "p95 of checkout_duration_seconds above 1 in module orders",
			},
		},
		Probes: &ir.Probes{
			Liveness:  &ir.Probe{Path: "/live", Port: 9090, Period: 10 * time.Second, FailureThreshold: 3},
			Readiness: &ir.Probe{Path: "/ready", Port: 9090, Period: 10 * time.Second, FailureThreshold: 3},
			Startup:   &ir.Probe{Path: "/live", Port: 9090, Period: 5 * time.Second, FailureThreshold: 30},
		},
		Dashboard: &ir.Dashboard{
			UID:     ir.DashboardUID(name),
			Title:   "Orders",
			Refresh: "1m",
			Panels: []ir.Panel{
				{Title: "Pending orders by region", Expr: `sum by (region) (orders_pending{module="orders"})`, Unit: "short", Kind: "timeseries"},
				{Title: "Revenue per second", Expr: `sum(rate(order_value_dollars_sum{module="orders"}[5m]))`, Unit: "currencyUSD", Kind: "stat"},
			},
		},
		Kubernetes: ir.Kubernetes{
			RuleLabels:      map[string]string{"release": "kube-prometheus-stack"},
			MonitorLabels:   map[string]string{"release": "kube-prometheus-stack"},
			DashboardLabels: map[string]string{"grafana_dashboard": "1"},
		},
	}
}
