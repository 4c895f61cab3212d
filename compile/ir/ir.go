// Package ir is the typed intermediate representation obsc compiles a
// module.cue into. It is the one seam between compile/ and targets/: every
// target renders an *ir.Module and nothing else, so it never sees CUE.
//
// Everything here is already checked and defaulted: names are valid, labels
// are bounded, references resolve, durations are parsed. Slices are sorted
// by name so targets can range over them and stay deterministic. Maps are
// for lookups and for small label sets; targets sort their keys (SortedKeys).
//
// ir imports only the standard library.
package ir

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Pos is a position in a source file, copied from cue.Value.Pos() while
// decoding. File is as the loader saw it (absolute or relative); printing
// makes it relative to the working directory.
type Pos struct {
	File string
	Line int
	Col  int
}

// IsValid reports whether p points into a file.
func (p Pos) IsValid() bool { return p.File != "" && p.Line > 0 }

func (p Pos) String() string {
	if !p.IsValid() {
		return "-"
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// MetricType is the Prometheus metric type of a declared metric.
type MetricType string

// The metric types a spec may declare.
const (
	Counter   MetricType = "counter"
	Gauge     MetricType = "gauge"
	Histogram MetricType = "histogram"
)

// Module is one compiled module.cue package.
type Module struct {
	Name         string // DNS-1123 label, also the output directory name
	Namespace    string
	Team         string            // "" when unset; alerts get a team label when set
	RunbookBase  string            // "" when unset
	ObjectLabels map[string]string // module.labels: extra labels on every generated k8s object
	Dir          string            // source directory as given on the command line
	Pos          Pos               // position of module.name

	Scrape   Scrape
	Target   Workload  // the Deployment/container patches apply to
	Standard *Standard // nil when the module has no `standard:` block

	LabelDefs   []*Label  // every declared label, sorted by name
	Metrics     []*Metric // every metric incl. the standard ones, sorted by name
	External    []string  // metric names declared elsewhere, sorted
	Cardinality Cardinality

	// RateWindow is the range used by generated rate() in threshold alerts:
	// max(5m, 4 x scrape interval) rounded up to a whole minute, so every
	// window holds at least four samples.
	RateWindow time.Duration

	SLOs   []*SLO   // sorted by name
	Alerts []*Alert // sorted by name

	Probes     *Probes    // nil when the module has no `probes:` block
	Dashboard  *Dashboard // always set: a module without `dashboard:` gets the defaults
	Kubernetes Kubernetes
}

// Metric returns the metric called name, or nil.
func (m *Module) Metric(name string) *Metric {
	i := sort.Search(len(m.Metrics), func(i int) bool { return m.Metrics[i].Name >= name })
	if i < len(m.Metrics) && m.Metrics[i].Name == name {
		return m.Metrics[i]
	}
	return nil
}

// Label returns the declared label called name, or nil.
func (m *Module) Label(name string) *Label {
	for _, l := range m.LabelDefs {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// Scrape says how Prometheus finds the module's pods.
type Scrape struct {
	Selector   map[string]string // matchLabels
	Port       string            // named port
	PortNumber int               // for prometheus.io/port
	Path       string
	Interval   time.Duration
	Mode       string // ScrapeServiceMonitor or ScrapePodMonitor
}

// Scrape modes.
const (
	ScrapeServiceMonitor = "serviceMonitor"
	ScrapePodMonitor     = "podMonitor"
)

// Workload names the Deployment and container the kustomize patches target.
// Defaults: probes.target if given, else the module name for both.
type Workload struct {
	Deployment string
	Container  string
}

// Standard is the TinySystems standard metric set (already expanded into
// Metrics; kept for targets that know its shape, e.g. dashboards).
type Standard struct {
	Prefix     string
	Components []Component // sorted by name
}

// Standard metric name suffixes; the full name is Prefix + suffix.
const (
	StdMessages = "_messages_total"
	StdDuration = "_duration_seconds"
	StdErrors   = "_errors_total"
	StdActive   = "_active_operations"
)

// Component is a TinySystems component and its declared ports.
type Component struct {
	Name  string
	Ports []string // in declaration order
}

// Label is a declared label and its bound.
type Label struct {
	Name      string
	Values    []string // the exact value set, in declaration order; nil when only bounded
	MaxValues int      // bound when Values is nil
	Allow     string   // reason a known high-cardinality name is allowed; "" otherwise
	Pos       Pos
}

// Count is the number of values the label can take.
func (l *Label) Count() int {
	if l.Values != nil {
		return len(l.Values)
	}
	return l.MaxValues
}

// HasValue reports whether v is one of the declared values. A label bounded
// only by MaxValues accepts any value.
func (l *Label) HasValue(v string) bool {
	if l.Values == nil {
		return true
	}
	for _, x := range l.Values {
		if x == v {
			return true
		}
	}
	return false
}

// Metric is one exposed metric.
type Metric struct {
	Name     string
	Type     MetricType
	Help     string
	Labels   []string  // label names in declaration order
	Buckets  []float64 // histograms only: upper bounds without +Inf
	Standard bool      // expanded from `standard:`
	// Pairs is set when the (component, port) label pair is restricted to
	// the declared pairs of `standard:` rather than the full product.
	Pairs bool
	// Series is the number of series this metric exposes across all
	// replicas (histograms: len(Buckets)+3 per label combination).
	Series int
	Pos    Pos
}

// HasLabel reports whether the metric carries label name.
func (m *Metric) HasLabel(name string) bool {
	for _, l := range m.Labels {
		if l == name {
			return true
		}
	}
	return false
}

// Cardinality holds the budgets and the module's series total.
type Cardinality struct {
	Replicas           int
	MaxSeriesPerMetric int
	MaxSeries          int
	Series             int // sum of Metric.Series
}

// Matcher selects series whose Label is one of Values (one value: `=`,
// several: `=~` over the regexp-quoted alternatives).
type Matcher struct {
	Label  string
	Values []string // in declaration order
}

// SLIKind says how an SLO's error ratio is computed.
type SLIKind string

// SLI kinds.
const (
	SLIRatio   SLIKind = "ratio"   // rate(metric{errors}) / rate(metric)
	SLILatency SLIKind = "latency" // 1 - rate(metric_bucket{le=threshold}) / rate(metric_count)
	SLIRaw     SLIKind = "raw"     // (ErrorQuery) / (TotalQuery > 0), the window substituted
)

// GrafanaRangeVar matches Grafana's range variables, which a panel's
// Expr may read where a range goes: $__rate_interval, $__interval and
// $__range, or with braces (${__range}). compile keeps them as written.
var GrafanaRangeVar = regexp.MustCompile(`\$(?:__rate_interval|__interval|__range)\b|\$\{(?:__rate_interval|__interval|__range)\}`)

// WindowPlaceholder is what a raw SLI query writes where the range of the
// window goes, as in Sloth: rate(x[{{.window}}]).
const WindowPlaceholder = "{{.window}}"

// RawQuery substitutes window (e.g. "5m") for every WindowPlaceholder of a
// raw SLI query template.
func RawQuery(tmpl, window string) string {
	return strings.ReplaceAll(tmpl, WindowPlaceholder, window)
}

// SLI is the service level indicator of an SLO.
type SLI struct {
	Kind      SLIKind
	Metric    string    // a counter (ratio) or histogram (latency)
	Errors    []Matcher // ratio: selects bad events; sorted by label
	Threshold float64   // latency: a bucket upper bound, seconds
	// ThresholdLE is the `le` label value of Threshold as the client
	// libraries expose it (e.g. "0.5", "1", "2.5").
	ThresholdLE string
	// ErrorQuery and TotalQuery (raw only) are PromQL templates, checked,
	// confined to the module like Alert.Expr and re-printed, with
	// WindowPlaceholder where the range goes: substitute with RawQuery.
	ErrorQuery string
	TotalQuery string
}

// SLO is one service level objective.
type SLO struct {
	Name        string
	Objective   float64 // percent, 0 < Objective < 100
	Window      time.Duration
	Description string
	SLI         SLI
	// BurnRates are the multi-window alert conditions (page tiers first,
	// then ticket), with factors scaled to Window. Disabled tiers are absent.
	BurnRates []BurnRate
	Page      *Tier // nil when alerting.page is false
	Ticket    *Tier // nil when alerting.ticket is false
	Pos       Pos
}

// ObjectiveRatio is the objective as a ratio, Objective/100, rounded to 12
// significant digits (RoundSig): 0.999 for 99.9, not 0.9990000000000001.
func (s *SLO) ObjectiveRatio() float64 { return RoundSig(s.Objective / 100) }

// ErrorBudget is the allowed error ratio, 1 - Objective/100, rounded to 12
// significant digits (RoundSig): 0.001 for 99.9, not 0.0010000000000000009.
// Every target and check reads the budget here, so a rule, its promtool
// test and the dashboard's threshold line all print the same number.
func (s *SLO) ErrorBudget() float64 { return RoundSig(1 - s.Objective/100) }

// Tier is the configuration of the page or ticket alert of an SLO.
type Tier struct {
	Name        string            // alert name; default SLOAlertName(slo name)
	Severity    string            // severity label
	Labels      map[string]string // extra labels
	Annotations map[string]string // extra annotations
}

// Alert is one threshold alert from `alerts:`.
type Alert struct {
	Name string
	Kind AlertKind

	// errorRatio and quantile
	Metric string
	Errors []Matcher // errorRatio: sorted by label
	By     []string  // aggregation labels, in declaration order
	Q      float64   // quantile: 0 < Q < 1

	// expr: the user's PromQL re-printed from the parsed AST, with
	// module="<name>" added to every selector of the module's own series
	// (external metrics are left as written).
	Expr string

	Above         float64 // errorRatio / quantile threshold
	For           time.Duration
	KeepFiringFor time.Duration // how long the alert keeps firing after its condition stops holding; 0: not at all
	Severity      string
	Summary       string // already defaulted
	Description   string // "" when unset
	Labels        map[string]string
	Annotations   map[string]string
	Pos           Pos
}

// AlertKind says which of errorRatio, quantile or expr an alert uses.
type AlertKind string

// Alert kinds.
const (
	AlertErrorRatio AlertKind = "errorRatio"
	AlertQuantile   AlertKind = "quantile"
	AlertExpr       AlertKind = "expr"
)

// Probes are the container health probes.
type Probes struct {
	Liveness  *Probe
	Readiness *Probe
	Startup   *Probe // nil when unset
}

// Probe is one httpGet probe.
type Probe struct {
	Path             string
	Port             int
	Period           time.Duration
	FailureThreshold int
	InitialDelay     time.Duration // 0 when unset
	Timeout          time.Duration // 0 when unset (Kubernetes default 1s)
}

// Dashboard is the intent for the module's Grafana dashboard.
type Dashboard struct {
	UID     string // DashboardUID(module name)
	Title   string
	Folder  string // "" when unset
	Tags    []string
	Refresh string // Prometheus-style duration text, e.g. "30s"
	Logs    *Logs
	Traces  *Traces
	Panels  []Panel // the user's extra panels, in declaration order
}

// Logs configures the Loki logs panel.
type Logs struct {
	Datasource string
	Selector   string // LogQL stream selector; default {namespace="<ns>", app=...}
}

// Traces configures Tempo links and exemplars.
type Traces struct {
	Datasource string
	Query      string // TraceQL of the links; "{}" when the spec gives none
}

// Panel is a user-defined dashboard panel.
type Panel struct {
	Title string
	Expr  string // re-printed from the parsed AST, confined to the module like Alert.Expr; may read GrafanaRangeVar
	Unit  string // Grafana unit id; "" lets the target choose
	Kind  string // timeseries | stat | gauge | table
	Pos   Pos
}

// Kubernetes holds labels for generated objects.
type Kubernetes struct {
	RuleLabels      map[string]string
	MonitorLabels   map[string]string
	DashboardLabels map[string]string // default {grafana_dashboard: "1"}
}

// SortedKeys returns the keys of m in order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
