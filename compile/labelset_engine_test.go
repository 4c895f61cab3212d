package compile

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/internal/memseries"
)

// TestResultLabelsAgainstTheEngine evaluates every expression of
// resultLabelCases with Prometheus' own engine, over series that carry
// every label the cases name, and requires every label of every result
// series to be one resultLabels says the result may have: a closed set
// must hold each label the engine keeps, and a label said to be dropped
// must be gone.
func TestResultLabelsAgainstTheEngine(t *testing.T) {
	series := []labels.Labels{
		labels.FromStrings("__name__", "x", "job", "a", "pod", "p1", "instance", "i1", "status", "ok", "team", "t"),
		labels.FromStrings("__name__", "x", "job", "a", "pod", "p2", "instance", "i2", "status", "error", "team", "t"),
		labels.FromStrings("__name__", "x_total", "job", "a", "pod", "p1", "instance", "i1", "status", "ok"),
		labels.FromStrings("__name__", "y", "job", "a", "pod", "p3", "instance", "i3", "team", "t"),
		labels.FromStrings("__name__", "up", "job", "x", "instance", "i1"),
		labels.FromStrings("__name__", "build_info", "job", "a", "instance", "i1", "version", "1.2"),
		labels.FromStrings("__name__", "h_bucket", "job", "a", "instance", "i1", "le", "0.5"),
		labels.FromStrings("__name__", "h_bucket", "job", "a", "instance", "i1", "le", "+Inf"),
	}
	// Counters that grow, a value per minute for an hour; up stays 0, the
	// rest grow by their index.
	var all []memseries.Series
	for i, ls := range series {
		s := memseries.Series{Labels: ls}
		for m := int64(0); m <= 60; m++ {
			v := float64((m + 1) * int64(i+1))
			if ls.Get("__name__") == "up" {
				v = 0
			}
			s.T, s.F = append(s.T, m*60000), append(s.F, v)
		}
		all = append(all, s)
	}
	queryable := memseries.New(all...)
	engine := promql.NewEngine(promql.EngineOpts{MaxSamples: 1e6, Timeout: time.Minute, LookbackDelta: 5 * time.Minute})
	for _, tc := range resultLabelCases {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := promParser.ParseExpr(tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			set := resultLabels(e)
			q, err := engine.NewInstantQuery(context.Background(), queryable, nil, tc.expr, time.Unix(3000, 0))
			if err != nil {
				t.Fatal(err)
			}
			res := q.Exec(context.Background())
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			if e.Type() == parser.ValueTypeScalar {
				return
			}
			vec, err := res.Vector()
			if err != nil {
				t.Fatal(err)
			}
			if len(vec) == 0 {
				t.Fatal("the engine returned no series: the case proves nothing here")
			}
			for _, s := range vec {
				s.Metric.Range(func(l labels.Label) {
					if l.Name != "__name__" && !set.may(l.Name) {
						t.Errorf("the engine's result %s has %s, which resultLabels says it cannot have", s.Metric, l.Name)
					}
				})
			}
		})
	}
}
