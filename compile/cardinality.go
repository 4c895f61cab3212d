package compile

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/tinysystems/obsc/compile/ir"
)

// factor is one multiplier of a metric's series count, for error messages.
type factor struct {
	what string
	n    int
}

// seriesFactors returns what a metric's series count is the product of:
// replicas, each label's value count ((component, port) counted as the
// declared pairs under `standard:`), and buckets+3 for histograms.
func seriesFactors(m *ir.Module, mt *ir.Metric, replicas int) []factor {
	fs := []factor{{"replicas", replicas}}
	for _, l := range mt.Labels {
		if mt.Pairs && l == "port" {
			continue
		}
		if mt.Pairs && l == "component" {
			pairs := 0
			for _, c := range m.Standard.Components {
				pairs += len(c.Ports)
			}
			fs = append(fs, factor{"(component, port) pairs", pairs})
			continue
		}
		if d := m.Label(l); d != nil {
			fs = append(fs, factor{"label " + l, d.Count()})
		}
	}
	if mt.Type == ir.Histogram {
		fs = append(fs, factor{"buckets+3", len(mt.Buckets) + 3})
	}
	return fs
}

// mulSat multiplies without overflowing: the result saturates at MaxInt32,
// far above any budget.
func mulSat(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt32/b {
		return math.MaxInt32
	}
	return a * b
}

func (b *builder) cardinality() {
	s, m := b.spec.Cardinality, b.m
	c := ir.Cardinality{Replicas: int(s.Replicas), MaxSeriesPerMetric: int(s.MaxSeriesPerMetric), MaxSeries: int(s.MaxSeries)}
	for _, f := range []struct {
		name string
		v    int64
	}{{"replicas", s.Replicas}, {"maxSeriesPerMetric", s.MaxSeriesPerMetric}, {"maxSeries", s.MaxSeries}} {
		if f.v < 1 || f.v > math.MaxInt32 {
			b.errorf(b.at("cardinality", f.name), "", "cardinality.%s must be at least 1, got %d", f.name, f.v)
		}
	}
	if c.Replicas < 1 {
		c.Replicas = 1
	}
	for _, mt := range m.Metrics {
		fs := seriesFactors(m, mt, c.Replicas)
		n := 1
		for _, f := range fs {
			n = mulSat(n, f.n)
		}
		mt.Series = n
		c.Series = min(c.Series+n, math.MaxInt32)
		if c.MaxSeriesPerMetric >= 1 && n > c.MaxSeriesPerMetric {
			parts := make([]string, len(fs))
			for i, f := range fs {
				parts[i] = fmt.Sprintf("%s %d", f.what, f.n)
			}
			big := biggestLabel(fs)
			hint := "raise cardinality.maxSeriesPerMetric if this is intended"
			if big.what != "" {
				hint = fmt.Sprintf("bound %s (%d values) tighter, drop it from the metric, or raise cardinality.maxSeriesPerMetric", strings.TrimPrefix(big.what, "label "), big.n)
			}
			b.errorf(mt.Pos, hint, "metric %s has %d series (%s), over maxSeriesPerMetric %d",
				mt.Name, n, strings.Join(parts, " x "), c.MaxSeriesPerMetric)
		}
	}
	if c.MaxSeries >= 1 && c.Series > c.MaxSeries {
		top := append([]*ir.Metric{}, m.Metrics...)
		sort.SliceStable(top, func(i, j int) bool { return top[i].Series > top[j].Series })
		if len(top) > 3 {
			top = top[:3]
		}
		parts := make([]string, len(top))
		for i, mt := range top {
			parts[i] = fmt.Sprintf("%s %d", mt.Name, mt.Series)
		}
		b.errorf(b.at("cardinality", "maxSeries"), "reduce the biggest metrics or raise cardinality.maxSeries",
			"module %s has %d series, over maxSeries %d; biggest: %s", m.Name, c.Series, c.MaxSeries, strings.Join(parts, ", "))
	}
	m.Cardinality = c
}

func biggestLabel(fs []factor) factor {
	var big factor
	for _, f := range fs {
		if strings.HasPrefix(f.what, "label ") && f.n > big.n {
			big = f
		}
	}
	return big
}
