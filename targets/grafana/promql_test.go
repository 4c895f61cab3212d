package grafana

import (
	"strings"
	"testing"

	promparser "github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/compile/ir"
)

// substitute replaces the dashboard variables the way Grafana would before
// a query reaches Prometheus: $__rate_interval by a duration, each label
// variable by one of its declared values.
func substitute(m *ir.Module, expr string) string {
	return placeholders(labelVars(m)).Replace(expr)
}

// allowedNames is every metric name a query of m may read: the declared
// metrics and the series of its histograms, the external metrics, the SLO
// recording rules the Prometheus target writes (named by ir), and
// Prometheus' own ALERTS series.
func allowedNames(m *ir.Module) map[string]bool {
	ok := map[string]bool{"ALERTS": true}
	for _, mt := range m.Metrics {
		ok[mt.Name] = true
		if mt.Type == ir.Histogram {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				ok[mt.Name+s] = true
			}
		}
	}
	for _, e := range m.External {
		ok[e] = true
	}
	if len(m.SLOs) > 0 {
		for _, r := range []string{ir.RecObjective, ir.RecErrorBudget, ir.RecBurnRate, ir.RecPeriodBurnRate, ir.RecBudgetRemaining} {
			ok[r] = true
		}
	}
	for _, s := range m.SLOs {
		for _, w := range ir.SLIWindows(s) {
			ok[ir.SLIErrorRecord(w)] = true
		}
	}
	return ok
}

// TestQueriesParseAndNameDeclaredSeries walks the rendered JSON: every
// Prometheus query (panel targets and annotations) parses, and names only
// series the module declares or the recording rules obsc generates.
func TestQueriesParseAndNameDeclaredSeries(t *testing.T) {
	parser := promparser.NewParser(promparser.Options{})
	for name, m := range fixtures() {
		t.Run(name, func(t *testing.T) {
			d, _ := renderDashboard(t, m)
			allowed := allowedNames(m)
			queries := d.promQueries(m)
			if len(queries) == 0 {
				t.Fatal("dashboard has no Prometheus query")
			}
			for _, q := range queries {
				e, err := parser.ParseExpr(substitute(m, q.Expr))
				if err != nil {
					t.Errorf("%s: query %q does not parse: %v", q.Where, q.Expr, err)
					continue
				}
				if strings.Contains(substitute(m, q.Expr), "$") {
					t.Errorf("%s: query %q keeps an unknown variable", q.Where, q.Expr)
				}
				for _, vs := range selectors(e) {
					if !allowed[vs.Name] {
						t.Errorf("%s: query %q reads %q, which is neither declared nor generated", q.Where, q.Expr, vs.Name)
					}
				}
			}
		})
	}
}

// TestSLOPanelsReadAlertRules checks that the SLO panels read the very
// recording rules the burn-rate alerts use, for each SLO by its labels.
func TestSLOPanelsReadAlertRules(t *testing.T) {
	m := seedModule()
	d, _ := renderDashboard(t, m)
	read := map[string]bool{}
	parser := promparser.NewParser(promparser.Options{})
	for _, q := range d.promQueries(m) {
		e, err := parser.ParseExpr(substitute(m, q.Expr))
		if err != nil {
			t.Fatal(err)
		}
		for _, vs := range selectors(e) {
			for _, lm := range vs.LabelMatchers {
				if lm.Name == ir.LabelSLO {
					read[vs.Name+"/"+lm.Value] = true
				}
			}
		}
	}
	for _, s := range m.SLOs {
		want := []string{ir.RecObjective, ir.RecErrorBudget, ir.RecPeriodBurnRate, ir.RecBudgetRemaining, ir.SLIErrorRecord(s.Window)}
		for _, b := range s.BurnRates {
			want = append(want, ir.SLIErrorRecord(b.Long), ir.SLIErrorRecord(b.Short))
		}
		for _, r := range want {
			if !read[r+"/"+s.Name] {
				t.Errorf("no panel reads %s{slo=%q}", r, s.Name)
			}
		}
	}
}

// selectors returns the vector selectors of e.
func selectors(e promparser.Expr) []*promparser.VectorSelector {
	var out []*promparser.VectorSelector
	promparser.Inspect(e, func(n promparser.Node, _ []promparser.Node) error {
		if vs, ok := n.(*promparser.VectorSelector); ok {
			out = append(out, vs)
		}
		return nil
	})
	return out
}
