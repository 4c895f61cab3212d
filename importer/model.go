// Package importer turns existing Sloth SLO specs, OpenSLO documents and
// Prometheus rule files into obsc modules (module.cue), so a team adopts
// obsc without rewriting what it has.
//
// Every importer reads YAML with node positions: a problem in the input is
// reported at file:line:col of the node, and an input with any problem
// yields no module at all. What obsc needs but the input cannot say (label
// bounds, the scrape port, help texts) is filled with a safe placeholder
// marked `// TODO(import)`, so the module compiles as written; Write checks
// that by compiling every module before it writes anything.
package importer

import (
	"sort"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
)

var defBuckets = compile.DefBuckets()

// placeholderValues bounds every imported label: the input says which
// labels a query uses, never how many values they take.
const placeholderValues = 10

// Module is one module an importer produces.
type Module struct {
	Name      string
	Namespace string // "" writes the placeholder "default"
	Team      string
	From      string   // what was imported, e.g. "Sloth prometheus/v1"
	Sources   []string // input files, in the order read
	Notes     []string // comments for the top of the file

	Labels   map[string]*Label
	Metrics  map[string]*Metric
	External map[string]string // metric name -> why it is external
	SLOs     []*SLO
	Alerts   []*Alert

	sloPos   map[string]ir.Pos // where each SLO name came from, for duplicates
	alertPos map[string]ir.Pos
}

// Label is an imported label: bounded by a placeholder.
type Label struct {
	Allow bool // a known high-cardinality name: needs allow
}

// Metric is a metric an imported query selects.
type Metric struct {
	Type    ir.MetricType
	Labels  map[string]bool
	Buckets []float64 // histograms: nil for the default buckets
	// Extra bucket bounds the input's le matchers need.
	LEs map[float64]bool
}

// SLO is an imported SLO; exactly one of Ratio, Latency and Raw is set.
type SLO struct {
	Name        string
	Comments    []string
	Objective   float64
	Window      string // "" for the default 30d
	Description string
	Ratio       *Ratio
	Latency     *Latency
	Raw         *Raw
	Page        *Tier // nil with PageOff: disabled
	Ticket      *Tier
	PageOff     bool
	TicketOff   bool
}

// Ratio is ratio: {metric, errors}.
type Ratio struct {
	Metric string
	Errors map[string][]string
}

// Latency is latency: {metric, threshold}.
type Latency struct {
	Metric    string
	Threshold float64
}

// Raw is raw: {errorQuery, totalQuery}, with {{.window}} placeholders.
type Raw struct {
	ErrorQuery, TotalQuery string
}

// Tier is an SLO alert tier.
type Tier struct {
	Name        string
	Severity    string
	Labels      map[string]string
	Annotations map[string]string
}

func (t *Tier) empty() bool {
	return t == nil || t.Name == "" && t.Severity == "" && len(t.Labels) == 0 && len(t.Annotations) == 0
}

// Alert is an imported threshold alert; exactly one of ErrorRatio,
// Quantile and Expr is set.
type Alert struct {
	Name          string
	Comments      []string
	ErrorRatio    *ErrorRatio
	Quantile      *Quantile
	Expr          string
	Above         float64
	For           string
	KeepFiringFor string
	Severity      string
	Summary       string
	Description   string
	Labels        map[string]string
	Annotations   map[string]string
}

// ErrorRatio is errorRatio: {metric, errors, by}.
type ErrorRatio struct {
	Metric string
	Errors map[string][]string
	By     []string
}

// Quantile is quantile: {metric, q, by}.
type Quantile struct {
	Metric string
	Q      float64
	By     []string
}

func newModule(name, from string) *Module {
	return &Module{
		Name: name, From: from,
		Labels: map[string]*Label{}, Metrics: map[string]*Metric{}, External: map[string]string{},
		sloPos: map[string]ir.Pos{}, alertPos: map[string]ir.Pos{},
	}
}

func (m *Module) addSource(file string) {
	for _, s := range m.Sources {
		if s == file {
			return
		}
	}
	m.Sources = append(m.Sources, file)
}

// series is the number of series metric mt exposes under the placeholder
// bounds, as compile counts them (one replica).
func (m *Module) series(mt *Metric) int {
	n := 1
	for range mt.Labels {
		n *= placeholderValues
	}
	if mt.Type == ir.Histogram {
		b := len(defBuckets)
		if bs := m.buckets(mt); bs != nil {
			b = len(bs)
		}
		n *= b + 3
	}
	return n
}

// buckets are the histogram's bounds: the default ones plus every bound an
// le matcher of the input names.
func (m *Module) buckets(mt *Metric) []float64 {
	if len(mt.LEs) == 0 {
		return nil
	}
	set := map[float64]bool{}
	for _, b := range defBuckets {
		set[b] = true
	}
	for b := range mt.LEs {
		set[b] = true
	}
	out := make([]float64, 0, len(set))
	for b := range set {
		out = append(out, b)
	}
	sort.Float64s(out)
	return out
}
