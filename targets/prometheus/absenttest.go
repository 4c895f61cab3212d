package prometheus

import (
	promparser "github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/memseries"
)

// absentTests proves an alert on absent(v) or absent_over_time(v[d]),
// the "metrics are missing" alert: it fires without data, with the labels
// absent() takes from v's equality matchers (Prometheus' engine says
// which), and stays quiet while v's series are there. None when the
// expression is anything else, or v is not one selector the search can
// fill (exprShape.add).
func (g *testGen) absentTests(a *ir.Alert, e promparser.Expr) []testGroup {
	c, ok := unparen(e).(*promparser.Call)
	if !ok || c.Func.Name != "absent" && c.Func.Name != "absent_over_time" || len(c.Args) != 1 {
		return nil
	}
	sh := &exprShape{firstN: 1}
	if !sh.add(c.Args[0]) || len(sh.selectors) != 1 {
		return nil
	}
	ss, ok := g.seriesFor(sh)
	if !ok {
		return nil
	}
	rl, an := alertLabels(g.m, a), alertAnnotations(g.m, a)
	fireAt := sh.fireAt(a)
	steps := int(a.For/testInterval) + 1
	text := e.String()

	none, err := eval(memseries.New(), text, fireAt-a.For, fireAt)
	if err != nil || len(none) != 1 || len(none[0].Floats) != steps {
		return nil
	}
	fire, ok := g.expected(a.Name, none[0].Metric.Map(), rl, an, none[0].Floats[steps-1].F, fireAt)
	if !ok {
		return nil
	}
	const x = 1
	in, q := ss.at(x, x, int(fireAt/testInterval))
	if there, err := eval(q, text, fireAt-a.For, fireAt); err != nil || len(there) != 0 {
		return nil
	}
	return []testGroup{{
		Name: a.Name + ": fires without data", Interval: testIntervalText,
		InputSeries:    []inputSeries{},
		AlertRuleTests: []alertTest{g.newAlertTest(fireAt, a.Name, []expAlert{fire})},
	}, {
		Name: a.Name + ": quiet with " + ss.scenario(x, x), Interval: testIntervalText,
		InputSeries:    in,
		AlertRuleTests: []alertTest{g.newAlertTest(fireAt, a.Name, nil)},
	}}
}
