// Package memseries is an in-memory storage.Queryable of float series,
// for evaluating PromQL with Prometheus' engine over synthetic data: obsc's
// search for data that makes an expr alert fire, and the tests that check
// obsc's model of result labels against the engine.
package memseries

import (
	"context"
	"slices"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
	"github.com/prometheus/prometheus/tsdb/chunks"
	"github.com/prometheus/prometheus/util/annotations"
)

// Series is one float series: its labels and a value per timestamp.
type Series struct {
	Labels labels.Labels
	T      []int64 // milliseconds, increasing
	F      []float64
}

// Queryable serves the series it holds, sorted by labels, to every
// querier and time range (the engine picks the samples it needs).
type Queryable []storage.Series

// New returns a Queryable of series.
func New(series ...Series) Queryable {
	out := make(Queryable, len(series))
	for i, s := range series {
		samples := make([]chunks.Sample, len(s.T))
		for j := range s.T {
			samples[j] = sample{t: s.T[j], f: s.F[j]}
		}
		out[i] = storage.NewListSeries(s.Labels, samples)
	}
	slices.SortFunc(out, func(a, b storage.Series) int { return labels.Compare(a.Labels(), b.Labels()) })
	return out
}

// Querier implements storage.Queryable.
func (q Queryable) Querier(_, _ int64) (storage.Querier, error) { return querier(q), nil }

type querier []storage.Series

func (q querier) Select(_ context.Context, _ bool, _ *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
	set := &seriesSet{}
	for _, s := range q {
		if matchesAll(s.Labels(), ms) {
			set.list = append(set.list, s)
		}
	}
	return set
}

func (querier) LabelValues(context.Context, string, *storage.LabelHints, ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	return nil, nil, nil
}

func (querier) LabelNames(context.Context, *storage.LabelHints, ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	return nil, nil, nil
}

func (querier) Close() error { return nil }

func matchesAll(ls labels.Labels, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(ls.Get(m.Name)) {
			return false
		}
	}
	return true
}

// seriesSet is a storage.SeriesSet over a slice.
type seriesSet struct {
	list []storage.Series
	i    int
}

func (s *seriesSet) Next() bool                        { s.i++; return s.i <= len(s.list) }
func (s *seriesSet) At() storage.Series                { return s.list[s.i-1] }
func (s *seriesSet) Err() error                        { return nil }
func (s *seriesSet) Warnings() annotations.Annotations { return nil }

// sample is a float sample.
type sample struct {
	t int64
	f float64
}

func (s sample) T() int64                      { return s.t }
func (s sample) ST() int64                     { return 0 }
func (s sample) F() float64                    { return s.f }
func (s sample) H() *histogram.Histogram       { return nil }
func (s sample) FH() *histogram.FloatHistogram { return nil }
func (s sample) Type() chunkenc.ValueType      { return chunkenc.ValFloat }
func (s sample) Copy() chunks.Sample           { return s }
