package ir

import (
	"strings"
)

// PromQL builders shared by the Prometheus and Grafana targets, so the
// dashboard plots exactly the expression the alert evaluates. They return
// text; every target parses what it generates with the Prometheus parser
// before writing it.

// ModuleMatcher is the matcher that confines a generated expression to the
// module's own series. The ServiceMonitor/PodMonitor obsc writes attaches
// the `module` target label at scrape time, so modules sharing metric
// names (every TinySystems module exposes tinysystems_messages_total)
// never mix in each other's rules or dashboards.
func (m *Module) ModuleMatcher() string {
	return MatcherString(Matcher{Label: LabelModule, Values: []string{m.Name}})
}

// Selector renders metric{module="<name>", matchers...}. Matchers are
// already rendered (MatcherString, or a dashboard variable matcher).
func (m *Module) Selector(metric string, matchers ...string) string {
	all := append([]string{m.ModuleMatcher()}, matchers...)
	return metric + "{" + strings.Join(all, ", ") + "}"
}

// Matchers renders a list of matchers.
func Matchers(ms []Matcher) []string {
	out := make([]string, len(ms))
	for i, x := range ms {
		out[i] = MatcherString(x)
	}
	return out
}

// by renders a `sum by (...)` aggregation prefix.
func sumBy(labels []string) string {
	return "sum by (" + strings.Join(labels, ", ") + ") "
}

// RateSum is sum by (by) (rate(metric{sel}[window])).
func (m *Module) RateSum(metric string, by []string, window string, matchers ...string) string {
	return sumBy(by) + "(rate(" + m.Selector(metric, matchers...) + "[" + window + "]))"
}

// ErrorRatioExpr is the error ratio of a counter with both sides summed by
// the same labels:
//
//	sum by (by) (rate(m{errors}[w])) / sum by (by) (rate(m[w]))
//
// Aggregating both sides is what makes the ratio mean something: the
// unaggregated rate(m{status="error"}) / rate(m) matches each error series
// with itself and always reads 1.
func (m *Module) ErrorRatioExpr(metric string, errors []Matcher, by []string, window string, matchers ...string) string {
	errSel := append(append([]string{}, matchers...), Matchers(errors)...)
	return m.RateSum(metric, by, window, errSel...) + " / " + m.RateSum(metric, by, window, matchers...)
}

// QuantileExpr is histogram_quantile over the bucket rates summed by le and
// the by labels (never a per-series quantile).
func (m *Module) QuantileExpr(q float64, metric string, by []string, window string, matchers ...string) string {
	labels := append(append([]string{}, by...), "le")
	return "histogram_quantile(" + FormatFloat(q) + ", " + m.RateSum(metric+"_bucket", labels, window, matchers...) + ")"
}
