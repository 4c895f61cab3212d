package grafana

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	promparser "github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/targets"
)

// rateInterval is the range every generated rate() uses: Grafana picks it
// from the scrape interval and the panel's step, so a rate never spans
// fewer than four samples and never skips one.
const rateInterval = "$__rate_interval"

// quantiles are the percentiles every histogram panel plots.
var quantiles = []float64{0.5, 0.9, 0.99}

// labelVar is a dashboard variable filtering one bounded label, so one
// dashboard serves every instance (component) of the module.
type labelVar struct {
	Label  string
	Values []string
}

// Matcher is the PromQL matcher that applies the variable. Custom
// variables with "All" expand to a regexp, hence =~.
func (v labelVar) Matcher() string { return v.Label + `=~"$` + v.Label + `"` }

// labelVars returns the label variables of m: `component` (from the
// declared components) for TinySystems modules, otherwise every label
// with a declared value set that at least one metric carries and that no
// alert or SLO uses to select errors (status=error is what the error-ratio
// panels compute, so filtering it away would empty them).
//
// `port` is left out of TinySystems modules on purpose: its values depend
// on the component (Metric.Pairs), and a static variable cannot chain.
func labelVars(m *ir.Module) []labelVar {
	if m.Standard != nil {
		v := labelVar{Label: "component"}
		for _, c := range m.Standard.Components {
			v.Values = append(v.Values, c.Name)
		}
		if len(v.Values) == 0 {
			return nil
		}
		return []labelVar{v}
	}
	errLabels := errorLabels(m)
	var out []labelVar
	for _, l := range m.LabelDefs {
		if len(l.Values) < 2 || errLabels[l.Name] || !usedByAnyMetric(m, l.Name) {
			continue
		}
		out = append(out, labelVar{Label: l.Name, Values: l.Values})
	}
	return out
}

// errorLabels returns the labels any alert or SLO matches bad events on.
func errorLabels(m *ir.Module) map[string]bool {
	out := map[string]bool{}
	for _, a := range m.Alerts {
		for _, e := range a.Errors {
			out[e.Label] = true
		}
	}
	for _, s := range m.SLOs {
		for _, e := range s.SLI.Errors {
			out[e.Label] = true
		}
	}
	return out
}

// metricErrorLabels returns the labels alerts and SLOs on metric use to
// select errors; the rate panel sums them away and the error-ratio panels
// show them instead.
func metricErrorLabels(m *ir.Module, metric string) map[string]bool {
	out := map[string]bool{}
	for _, a := range m.Alerts {
		if a.Metric == metric {
			for _, e := range a.Errors {
				out[e.Label] = true
			}
		}
	}
	for _, s := range m.SLOs {
		if s.SLI.Metric == metric {
			for _, e := range s.SLI.Errors {
				out[e.Label] = true
			}
		}
	}
	return out
}

func usedByAnyMetric(m *ir.Module, label string) bool {
	for _, mt := range m.Metrics {
		if mt.HasLabel(label) {
			return true
		}
	}
	return false
}

// filters returns the variable matchers that apply to metric: only the
// labels it carries, since a matcher on a missing label would hide it
// whenever a value is picked.
func (r *renderer) filters(mt *ir.Metric) []string {
	var out []string
	for _, v := range r.vars {
		if mt.HasLabel(v.Label) {
			out = append(out, v.Matcher())
		}
	}
	return out
}

// mainLabels are the labels a metric is broken down by: all of them but
// the ones its alerts and SLOs select errors on.
func (r *renderer) mainLabels(mt *ir.Metric) []string {
	errs := metricErrorLabels(r.m, mt.Name)
	var out []string
	for _, l := range mt.Labels {
		if !errs[l] {
			out = append(out, l)
		}
	}
	return out
}

// legend renders a legend such as "{{component}} - {{port}}" (the seed's
// format); fallback names the single series of an unlabelled query.
func legend(by []string, fallback string) string {
	if len(by) == 0 {
		return fallback
	}
	parts := make([]string, len(by))
	for i, l := range by {
		parts[i] = "{{" + l + "}}"
	}
	return strings.Join(parts, " - ")
}

// sumBy is `sum by (labels) (inner)`, or `sum(inner)` without labels.
func sumBy(by []string, inner string) string {
	if len(by) == 0 {
		return "sum(" + inner + ")"
	}
	return "sum by (" + strings.Join(by, ", ") + ") (" + inner + ")"
}

// sloText are the strings the panels of one SLO repeat, worked out once.
type sloText struct {
	matchers string // what sloSelector writes after the record's name
	desc     string // sloDescription
}

func (r *renderer) sloText(slo *ir.SLO) *sloText {
	if t, ok := r.slos[slo]; ok {
		return t
	}
	// m.Selector writes the metric name as it is, then the matchers.
	t := &sloText{matchers: r.m.Selector("", sloMatcher(slo)), desc: sloDescription(r.m, slo)}
	r.slos[slo] = t
	return t
}

func sloMatcher(slo *ir.SLO) string {
	return ir.MatcherString(ir.Matcher{Label: ir.LabelSLO, Values: []string{slo.Name}})
}

// sloSelector selects one SLO's recording rule of the module.
func (r *renderer) sloSelector(record string, slo *ir.SLO) string {
	sel := record + r.sloText(slo).matchers
	if targets.SelfCheck {
		if want := r.m.Selector(record, sloMatcher(slo)); sel != want {
			r.errs = append(r.errs, fmt.Errorf("internal error: SLO selector %q, want %q", sel, want))
		}
	}
	return sel
}

// burnRateExpr is the burn rate of slo over w: the error ratio over w
// divided by the error budget, both from the recording rules the burn
// rate alerts read.
func (r *renderer) burnRateExpr(slo *ir.SLO, w time.Duration) string {
	return r.sloSelector(ir.SLIErrorRecord(w), slo) + " / on (" + ir.LabelModule + ", " + ir.LabelSLO + ") " +
		r.sloSelector(ir.RecErrorBudget, slo)
}

// burnWindows are the windows the burn-rate alerts of slo look at, short
// to long. An SLO with alerting disabled still gets the 5m and 1h views.
func burnWindows(slo *ir.SLO) []time.Duration {
	seen := map[time.Duration]bool{}
	for _, b := range slo.BurnRates {
		seen[b.Short] = true
		seen[b.Long] = true
	}
	if len(seen) == 0 {
		seen[5*time.Minute] = true
		seen[time.Hour] = true
	}
	out := make([]time.Duration, 0, len(seen))
	for w := range seen {
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// burnFactors are the distinct burn-rate factors of slo, ascending.
func burnFactors(slo *ir.SLO) []float64 {
	seen := map[float64]bool{}
	var out []float64
	for _, b := range slo.BurnRates {
		if !seen[b.Factor] {
			seen[b.Factor] = true
			out = append(out, b.Factor)
		}
	}
	sort.Float64s(out)
	return out
}

// placeholders substitutes the dashboard variables with sample values so
// the Prometheus parser can read a panel query. Grafana interpolates them
// before the query reaches Prometheus.
func placeholders(vars []labelVar) *strings.Replacer {
	// Longest names first: the replacer tries pairs in argument order, and
	// $port must not eat the start of $port_group.
	vs := append([]labelVar(nil), vars...)
	sort.SliceStable(vs, func(i, j int) bool { return len(vs[i].Label) > len(vs[j].Label) })
	pairs := []string{rateInterval, "5m", "${__rate_interval}", "5m", "$__interval", "1m", "${__interval}", "1m", "$__range", "1h", "${__range}", "1h"}
	for _, v := range vs {
		pairs = append(pairs, "$"+v.Label, regexpAlt(v.Values))
	}
	return strings.NewReplacer(pairs...)
}

func regexpAlt(values []string) string {
	if len(values) == 0 {
		return ".*"
	}
	return values[0]
}

// parser is the PromQL parser every query goes through before it is written.
var parser = promparser.NewParser(promparser.Options{})

// checkQuery parses a generated query (with the variables substituted)
// under targets.SelfCheck: a query Grafana cannot run is an internal
// error, never an output file.
func (r *renderer) checkQuery(expr string) error {
	if !targets.SelfCheck {
		return nil
	}
	if _, err := parser.ParseExpr(r.subst.Replace(expr)); err != nil {
		return fmt.Errorf("internal error: generated query %q does not parse: %w", expr, err)
	}
	return nil
}

// ownMetric reports whether name is a declared metric of m or a series a
// declared histogram exposes.
func ownMetric(m *ir.Module, name string) bool {
	if m.Metric(name) != nil {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok {
			if mt := m.Metric(base); mt != nil && mt.Type == ir.Histogram {
				return true
			}
		}
	}
	return false
}

// thresholdOf splits `lhs > N` (or N < lhs) into lhs and N, so an expr
// alert can be plotted as its value with the threshold as a line.
func thresholdOf(e promparser.Expr) (promparser.Expr, float64, bool) {
	b, ok := e.(*promparser.BinaryExpr)
	if !ok || !b.Op.IsComparisonOperator() {
		return nil, 0, false
	}
	if n, ok := b.RHS.(*promparser.NumberLiteral); ok {
		return b.LHS, n.Val, true
	}
	if n, ok := b.LHS.(*promparser.NumberLiteral); ok {
		return b.RHS, n.Val, true
	}
	return nil, 0, false
}

// logsSelector is the LogQL stream selector of the logs panel: the user's,
// or the module's namespace plus the scrape selector's pod labels (names
// sanitised the way Promtail and Alloy map Kubernetes labels).
func logsSelector(m *ir.Module) string {
	if m.Dashboard.Logs != nil && m.Dashboard.Logs.Selector != "" {
		return m.Dashboard.Logs.Selector
	}
	parts := []string{`namespace=` + strconv.Quote(m.Namespace)}
	for _, k := range ir.SortedKeys(m.Scrape.Selector) {
		name := lokiLabel(k)
		if name == "namespace" {
			continue
		}
		parts = append(parts, name+"="+strconv.Quote(m.Scrape.Selector[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func lokiLabel(k string) string {
	var b strings.Builder
	for i, c := range k {
		ok := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			c = '_'
		}
		b.WriteRune(c)
	}
	return b.String()
}
