package prometheus

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	promparser "github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/storage"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/memseries"
)

// Data that makes a hand-written expression fire.
//
// obsc cannot know in general what makes an expr alert fire, but the
// common shape, a vector compared with a number (sum by (queue)
// (queue_depth) > 1000, rate(x_total[5m]) < 1), it can search for: every
// series the expression selects gets the same synthetic value x (a gauge
// holds x, a counter grows by x per second), and obsc evaluates the
// alert's expression with Prometheus' own engine for a few values of x
// until one makes it hold through the alert's `for` and one leaves it
// quiet while the series are there. The expected alerts are the engine's
// result series, with the rule's labels and annotations expanded as the
// rule manager does. Comparisons joined by and, or and unless are
// searched alike, each decided on the data (leavesOf).
//
// The tests run on promtool 2.42 while the engine is Prometheus 3's, so
// the search keeps to what both evaluate alike on constant and linear
// series (exprFuncs, exprAggs; no @, no negative offset), never takes a
// value within a millionth of the threshold, and gives up on a template
// that prints $value over a function whose arithmetic differs by the
// number of samples in the window (rate and the like: Prometheus 3's
// windows are left-open, so they hold one sample fewer), and decides a
// comparison of a function that reads its window's oldest sample
// (windowed: changes(), count_over_time, ...) only where Prometheus 2
// reads it alike (asPrometheus2). Anything else keeps the one test obsc
// can always write, quiet without data.

// exprFuncs are the functions the search evaluates: their value on
// constant gauges and linear counters is the same in Prometheus 2 and 3,
// but for those of windowed.
var exprFuncs = map[string]bool{
	"abs": true, "ceil": true, "floor": true, "round": true, "sqrt": true, "exp": true, "ln": true,
	"log2": true, "log10": true, "sgn": true, "clamp": true, "clamp_min": true, "clamp_max": true,
	"rate": true, "irate": true, "increase": true, "delta": true, "idelta": true, "deriv": true, "predict_linear": true,
	"avg_over_time": true, "min_over_time": true, "max_over_time": true, "last_over_time": true, "quantile_over_time": true,
	"label_replace": true, "label_join": true, "sort": true, "sort_desc": true, "scalar": true,
	"time":    true,
	"changes": true, "resets": true, "count_over_time": true, "sum_over_time": true, "stddev_over_time": true, "stdvar_over_time": true,
	"present_over_time": true,
}

// windowed are the functions of exprFuncs whose value depends on the
// oldest sample of their window, which Prometheus 2 ([t-w, t]) holds and
// 3 ((t-w, t]) does not: count_ and sum_over_time of any series; min_,
// avg_, quantile_, stddev_ and stdvar_over_time of a growing counter;
// changes() of any moving series (a gauge changes() reads changes at
// every sample: it grows as a counter would); resets() of a falling one
// (the series resets() reads fall at every sample). The search evaluates a
// comparison of them twice, as the engine does and with each of their
// ranges a sample longer, as Prometheus 2 does (asPrometheus2), decides
// it only where both agree, and expects a $value only where both read the
// same (sameInPrometheus2). Over a subquery, whose steps it does not
// lengthen, they may read only series that hold (underWindowedSubquery).
var windowed = map[string]bool{
	"changes": true, "resets": true, "min_over_time": true, "avg_over_time": true, "quantile_over_time": true,
	"count_over_time": true, "sum_over_time": true, "stddev_over_time": true, "stdvar_over_time": true,
}

// extrapolating are the functions of exprFuncs whose floating-point
// result may differ in the last bit between Prometheus 2 and 3.
var extrapolating = map[string]bool{"rate": true, "increase": true, "delta": true, "deriv": true, "predict_linear": true}

// exprAggs are the aggregations the search evaluates.
var exprAggs = map[promparser.ItemType]bool{
	promparser.SUM: true, promparser.AVG: true, promparser.MIN: true, promparser.MAX: true,
	promparser.COUNT: true, promparser.GROUP: true, promparser.TOPK: true, promparser.BOTTOMK: true,
	promparser.QUANTILE: true, promparser.STDDEV: true, promparser.STDVAR: true,
}

// pairGrid are the values the search gives the first selector's series
// and the others when one value for all cannot both fire and stay quiet.
var pairGrid = []int64{0, 1, 10, 100, 1000}

// maxExprLookback bounds how far back an expression may read (ranges,
// offsets, subqueries) for the search: a day of offset and an hour more.
// maxSubquerySteps bounds the steps of a subquery, the engine's work.
// maxSearchSteps bounds the evaluations of one query of the search.
const (
	maxExprLookback  = 25 * time.Hour
	maxSubquerySteps = 1500
	maxSearchSteps   = 20000
)

// exprShape is an alert expression the search handles: vector op number.
type exprShape struct {
	op        promparser.ItemType // GTR, GTE, LSS, LTE, EQLC or NEQ, as if the vector were on the left
	threshold float64
	vector    promparser.Expr
	selectors []*promparser.VectorSelector
	reader    []string // per selector: changes or resets when that reads its range (its series move at every sample), else ""
	holding   []bool   // per selector: under a windowed function's subquery, its series must hold
	lookback  time.Duration
	extrap    bool // uses a function of extrapolating
	p2        bool // reads a windowed function: Prometheus 2 reads a sample more (asPrometheus2)
	clock     bool // reads time(): its value grows with the evaluation time
	firstN    int  // the first selectors, whose series get the first value (see exprSeries.at)
	rewritten bool // vector is not the rule's but one equivalent to compare (clockShape)

	subquerySteps int // the steps of its subqueries, each evaluated at every step of a query
}

// flip is the comparison with its sides swapped: 10 < x is x > 10.
var flip = map[promparser.ItemType]promparser.ItemType{
	promparser.GTR: promparser.LSS, promparser.LSS: promparser.GTR,
	promparser.GTE: promparser.LTE, promparser.LTE: promparser.GTE,
	promparser.EQLC: promparser.EQLC, promparser.NEQ: promparser.NEQ,
}

// printsValue reports whether a template of an alert's labels or
// annotations prints its value.
func printsValue(texts ...map[string]string) bool {
	for _, m := range texts {
		for _, text := range m {
			if strings.Contains(text, "$value") || strings.Contains(text, ".Value") {
				return true
			}
		}
	}
	return false
}

// maxExprLeaves bounds the comparisons of an expression: each is
// evaluated for every value the search tries.
const maxExprLeaves = 4

// setOps are the operators that join two comparisons.
var setOps = map[promparser.ItemType]bool{promparser.LAND: true, promparser.LOR: true, promparser.LUNLESS: true}

// unparen is e without the parentheses around it.
func unparen(e promparser.Expr) promparser.Expr {
	for {
		p, ok := e.(*promparser.ParenExpr)
		if !ok {
			return e
		}
		e = p.Expr
	}
}

// leavesOf returns the comparisons of an alert expression the search
// handles, left to right: e itself, a vector compared with a number
// (shapeOf), or those of expressions joined by and, or or unless
// (rate(x_errors_total[5m]) > 1 and rate(x_total[5m]) > 10, a guard
// against alerting on too little traffic), which the engine evaluates.
// false when the search does not handle one, or there are more than
// maxExprLeaves.
func (g *testGen) leavesOf(e promparser.Expr) ([]*exprShape, bool) {
	ls, ok := g.appendLeaves(nil, e)
	return ls, ok && len(ls) <= maxExprLeaves
}

func (g *testGen) appendLeaves(out []*exprShape, e promparser.Expr) ([]*exprShape, bool) {
	if b, ok := unparen(e).(*promparser.BinaryExpr); ok && setOps[b.Op] {
		out, ok := g.appendLeaves(out, b.LHS)
		if !ok {
			return nil, false
		}
		return g.appendLeaves(out, b.RHS)
	}
	sh, ok := g.shapeOf(e)
	return append(out, sh), ok
}

// joined is one shape of the selectors of every comparison, in order,
// the first selector's series first (see exprSeries.at): what the search
// fills with data.
func joined(ls []*exprShape) *exprShape {
	if len(ls) == 1 {
		return ls[0]
	}
	all := &exprShape{firstN: 1}
	for _, l := range ls {
		all.selectors = append(all.selectors, l.selectors...)
		all.lookback = max(all.lookback, l.lookback)
		all.extrap = all.extrap || l.extrap
		all.p2 = all.p2 || l.p2
		all.reader = append(all.reader, l.reader...)
		all.holding = append(all.holding, l.holding...)
		all.subquerySteps += l.subquerySteps
	}
	return all
}

// candidates are the values of x the search tries: each comparison's, in
// turn (exprShape.candidates).
func candidates(ls []*exprShape) []int64 {
	var xs []int64
	for _, l := range ls {
		for _, x := range l.candidates() {
			if !slices.Contains(xs, x) {
				xs = append(xs, x)
			}
		}
	}
	return xs
}

// shapeOf returns e's shape, or false when the search does not handle e.
func (g *testGen) shapeOf(e promparser.Expr) (*exprShape, bool) {
	e = unparen(e)
	b, ok := e.(*promparser.BinaryExpr)
	if !ok || b.ReturnBool {
		return nil, false
	}
	if _, ok := flip[b.Op]; !ok {
		return nil, false
	}
	sh := &exprShape{op: b.Op, vector: b.LHS}
	n, ok := numberOf(b.RHS)
	if !ok {
		if n, ok = numberOf(b.LHS); !ok {
			return clockShape(b)
		}
		sh.op, sh.vector = flip[b.Op], b.RHS
	}
	sh.threshold = n
	return sh.complete()
}

// complete fills sh from its vector, op and threshold, or returns false
// when the search does not handle it: a vector compared with a finite
// number, and no equality of a windowed function.
func (sh *exprShape) complete() (*exprShape, bool) {
	n := sh.threshold
	if sh.vector.Type() != promparser.ValueTypeVector || math.IsNaN(n) || math.IsInf(n, 0) || math.Abs(n) > 1e12 {
		return nil, false
	}
	if !sh.add(sh.vector) || sh.p2 && (sh.op == promparser.EQLC || sh.op == promparser.NEQ) {
		return nil, false
	}
	sh.firstN = 1
	return sh, true
}

// clockShape is the shape of a vector compared with time() minus a
// number, an age written the other way round: last_success_seconds <
// time() - 3600 holds where time() - last_success_seconds > 3600 does,
// and is searched as that (rewritten: the engine evaluates what the rule
// does for the alerts' labels and values).
func clockShape(b *promparser.BinaryExpr) (*exprShape, bool) {
	op, vector := b.Op, b.LHS
	n, ok := timeMinus(b.RHS)
	if !ok {
		if n, ok = timeMinus(b.LHS); !ok {
			return nil, false
		}
		op, vector = flip[b.Op], b.RHS
	}
	// v op time() - n  is  time() - v flip[op] n, a vector where v is one
	sh := &exprShape{op: flip[op], threshold: n, rewritten: true, vector: &promparser.BinaryExpr{
		Op:  promparser.SUB,
		LHS: &promparser.Call{Func: promparser.Functions["time"], Args: promparser.Expressions{}},
		RHS: &promparser.ParenExpr{Expr: vector},
	}}
	return sh.complete()
}

// timeMinus is n of time() - n, possibly in parentheses.
func timeMinus(e promparser.Expr) (float64, bool) {
	b, ok := unparen(e).(*promparser.BinaryExpr)
	if !ok || b.Op != promparser.SUB {
		return 0, false
	}
	c, ok := unparen(b.LHS).(*promparser.Call)
	if !ok || c.Func.Name != "time" {
		return 0, false
	}
	return numberOf(b.RHS)
}

// add adds e's selectors to sh and reports whether the search handles e:
// only functions, aggregations and modifiers Prometheus 2 and 3
// evaluate alike on constant and linear series, and a lookback it can
// fill with data.
func (sh *exprShape) add(e promparser.Expr) bool {
	handled, n := true, len(sh.selectors)
	promparser.Inspect(e, func(node promparser.Node, path []promparser.Node) error {
		switch x := node.(type) {
		case *promparser.Call:
			handled = handled && exprFuncs[x.Func.Name]
			sh.extrap = sh.extrap || extrapolating[x.Func.Name]
			sh.clock = sh.clock || x.Func.Name == "time"
			if windowed[x.Func.Name] {
				_, ranged := unparen(windowArg(x)).(*promparser.MatrixSelector)
				sh.p2 = sh.p2 || ranged
				// changes() or resets() of a subquery would count its steps'
				handled = handled && (ranged || !rangeReaders[x.Func.Name])
			}
		case *promparser.AggregateExpr:
			handled = handled && exprAggs[x.Op]
		case *promparser.VectorSelector:
			if x.Timestamp != nil || x.StartOrEnd != 0 || x.OriginalOffset < 0 || strings.Contains(x.Name, ":") || x.Name == "" {
				handled = false
			}
			sh.selectors = append(sh.selectors, x)
			sh.reader = append(sh.reader, rangeReader(path))
			sh.holding = append(sh.holding, underWindowedSubquery(path))
		case *promparser.SubqueryExpr:
			step := x.Step
			if step == 0 {
				step = testInterval // promtool's evaluation interval, as the engine's below
			}
			if x.Timestamp != nil || x.StartOrEnd != 0 || x.OriginalOffset < 0 || x.Range/step > maxSubquerySteps {
				handled = false
			}
			sh.subquerySteps += int(x.Range / step)
		}
		return nil
	})
	sh.lookback = max(sh.lookback, lookback(e))
	return handled && len(sh.selectors) > n && sh.lookback <= maxExprLookback
}

// windowArg is the range argument of a windowed function.
func windowArg(c *promparser.Call) promparser.Expr {
	for _, a := range c.Args {
		if a.Type() == promparser.ValueTypeMatrix {
			return a
		}
	}
	return c.Args[len(c.Args)-1]
}

// underWindowedSubquery reports whether the selector at the end of path
// is read through a subquery of a windowed function, and not through a
// rate or the like, which is steady on a steadily growing counter.
func underWindowedSubquery(path []promparser.Node) bool {
	for i, n := range path {
		if c, ok := n.(*promparser.Call); ok && windowed[c.Func.Name] && i+1 < len(path) {
			if _, ok := path[i+1].(*promparser.SubqueryExpr); ok {
				for _, inner := range path[i+2:] {
					if c, ok := inner.(*promparser.Call); ok && steadyOnCounters[c.Func.Name] {
						return false
					}
				}
				return true
			}
		}
	}
	return false
}

// steadyOnCounters are the functions of a range whose value on a counter
// growing at a steady rate does not change with time.
var steadyOnCounters = map[string]bool{"rate": true, "irate": true, "increase": true, "delta": true, "idelta": true, "deriv": true}

// rangeReaders are the functions whose selectors' series move at every
// sample: up for changes(), down for resets().
var rangeReaders = map[string]bool{"changes": true, "resets": true}

// rangeReader is the function of rangeReaders whose range is the
// selector at the end of path, or "".
func rangeReader(path []promparser.Node) string {
	for i := len(path) - 1; i >= 0; i-- {
		switch x := path[i].(type) {
		case *promparser.Call:
			if rangeReaders[x.Func.Name] {
				return x.Func.Name
			}
			return ""
		case *promparser.MatrixSelector:
			continue
		default:
			return ""
		}
	}
	return ""
}

// asPrometheus2 is the expression text with the range of every windowed
// function a sample longer: on the search's data, sampled every minute
// and evaluated on the minute, the engine then reads the samples of
// Prometheus 2's closed window [t-w, t] (its own is (t-w, t]).
func (g *testGen) asPrometheus2(text string) (string, bool) {
	e, err := g.p.ParseExpr(text)
	if err != nil {
		return "", false
	}
	promparser.Inspect(e, func(node promparser.Node, _ []promparser.Node) error {
		if c, ok := node.(*promparser.Call); ok && windowed[c.Func.Name] {
			if ms, ok := unparen(windowArg(c)).(*promparser.MatrixSelector); ok {
				ms.Range += testInterval
			}
		}
		return nil
	})
	return e.String(), true
}

// sameInPrometheus2 reports whether the expression text reads the same
// series and values at t evaluated as the engine does and as Prometheus 2
// does, p2 being its asPrometheus2.
func sameInPrometheus2(q storage.Queryable, text, p2 string, t time.Duration) bool {
	m3, err3 := eval(q, text, t, t)
	m2, err2 := eval(q, p2, t, t)
	if err3 != nil || err2 != nil || len(m3) != len(m2) {
		return false
	}
	values := map[string]float64{}
	for _, s := range m3 {
		values[s.Metric.String()] = s.Floats[len(s.Floats)-1].F
	}
	for _, s := range m2 {
		if v, ok := values[s.Metric.String()]; !ok || v != s.Floats[len(s.Floats)-1].F {
			return false
		}
	}
	return true
}

// fireAt is when the search evaluates an alert on the comparisons of sh:
// once their lookback is filled, its for has passed and 5m more.
func (sh *exprShape) fireAt(a *ir.Alert) time.Duration {
	return ceilStep(sh.lookback) + a.For + 5*time.Minute
}

// numberOf is the value of a number literal, possibly negated or in
// parentheses.
func numberOf(e promparser.Expr) (float64, bool) {
	switch x := e.(type) {
	case *promparser.NumberLiteral:
		return x.Val, true
	case *promparser.ParenExpr:
		return numberOf(x.Expr)
	case *promparser.UnaryExpr:
		if n, ok := numberOf(x.Expr); ok && x.Op == promparser.SUB {
			return -n, true
		}
	case *promparser.StepInvariantExpr:
		return numberOf(x.Expr)
	}
	return 0, false
}

// lookback is how far back before the evaluation time e reads samples.
func lookback(e promparser.Expr) time.Duration {
	switch x := e.(type) {
	case *promparser.VectorSelector:
		return x.OriginalOffset + 5*time.Minute // the lookback delta
	case *promparser.MatrixSelector:
		vs, _ := x.VectorSelector.(*promparser.VectorSelector)
		if vs == nil {
			return maxExprLookback + 1
		}
		return x.Range + vs.OriginalOffset
	case *promparser.SubqueryExpr:
		return x.Range + x.OriginalOffset + lookback(x.Expr)
	}
	var longest time.Duration
	for _, c := range promparser.Children(e) {
		if ce, ok := c.(promparser.Expr); ok {
			longest = max(longest, lookback(ce))
		}
	}
	return longest
}

// holds reports whether v op threshold holds with a margin of a
// millionth, so that a last-bit difference between engines cannot turn it.
func (sh *exprShape) holds(v float64) bool {
	margin := 1e-6 * math.Max(1, math.Abs(sh.threshold))
	switch sh.op {
	case promparser.GTR, promparser.GTE:
		return v > sh.threshold+margin
	case promparser.EQLC:
		return sh.exactly(v)
	case promparser.NEQ:
		return math.Abs(v-sh.threshold) > margin
	default:
		return v < sh.threshold-margin
	}
}

// fails is the opposite of holds, with the same margin.
func (sh *exprShape) fails(v float64) bool {
	margin := 1e-6 * math.Max(1, math.Abs(sh.threshold))
	switch sh.op {
	case promparser.GTR, promparser.GTE:
		return v < sh.threshold-margin
	case promparser.EQLC:
		return math.Abs(v-sh.threshold) > margin
	case promparser.NEQ:
		return sh.exactly(v)
	default:
		return v > sh.threshold+margin
	}
}

// exactly reports whether v is the threshold, to the bit, where both
// engines surely compute it so: an integer, and 0 alone over a function
// whose last bit may differ (rate of a counter that does not grow is 0
// in both; rate of one that does may be off by a bit).
func (sh *exprShape) exactly(v float64) bool {
	if v != sh.threshold || v != math.Trunc(v) || math.Abs(v) > 1<<52 {
		return false
	}
	return !sh.extrap || v == 0
}

// candidates are the values of x the search tries, integers around and
// far from the threshold, alternating between those likelier to make the
// alert fire and those likelier to keep it quiet, nearer ones first.
func (sh *exprShape) candidates() []int64 {
	t := math.Abs(sh.threshold)
	above := []int64{int64(math.Ceil(2*t)) + 1, int64(math.Ceil(10*t)) + 10, 1000, 1000000}
	below := []int64{int64(t / 4), int64(t / 10), 1, 0}
	switch sh.op {
	case promparser.LSS, promparser.LTE:
		above, below = below, above
	case promparser.EQLC, promparser.NEQ:
		// The threshold itself, and halves of it (a sum over replicas),
		// first: the values likeliest to read as it.
		eq := []int64{int64(t), int64(t / replicas), 0, 1}
		if sh.op == promparser.EQLC {
			above, below = eq, above
		} else {
			below = eq
		}
	}
	var xs []int64
	for i := range above {
		for _, x := range []int64{above[i], below[i]} {
			if !slices.Contains(xs, x) {
				xs = append(xs, x)
			}
		}
	}
	return xs
}

var (
	exprEngineOnce sync.Once
	exprEngine     *promql.Engine
)

// engine is the PromQL engine the search evaluates with, one per process.
func engine() *promql.Engine {
	exprEngineOnce.Do(func() {
		exprEngine = promql.NewEngine(promql.EngineOpts{
			MaxSamples: 1 << 20, Timeout: 5 * time.Second, LookbackDelta: 5 * time.Minute,
			// A subquery without a step steps at the evaluation
			// interval, as in promtool's tests (and the engine needs it
			// set: it has no default).
			NoStepSubqueryIntervalFn: func(int64) int64 { return testInterval.Milliseconds() },
		})
	})
	return exprEngine
}

// exprSeries are the synthetic series of one scenario: every selected
// series of every replica at x.
type exprSeries struct {
	text    []string // promtool's series notation
	series  []labels.Labels
	counter []bool // grows by x per second; else holds x
	falling []bool // falls by x per second to 0 (resets() reads it)
	first   []bool // made for the first selectors (exprShape.firstN)
	sel     string // the first selector, for the tests' names
	// stepping: a gauge grows as a counter does, changes() reading it
	stepping bool
}

// seriesFor builds the series the selectors of sh select, for replicas
// pods, or returns false when a matcher admits no value obsc can name.
func (g *testGen) seriesFor(sh *exprShape) (*exprSeries, bool) {
	out := &exprSeries{sel: sh.selectors[0].String()}
	seen := map[string]int{} // series text -> its index in out
	for i, vs := range sh.selectors {
		// A gauge read by changes() changes at every sample: it grows as
		// a counter does. A series resets() reads falls at every sample.
		falling := sh.reader[i] == "resets"
		counter := !falling && (g.counterLike(vs.Name) || sh.reader[i] == "changes")
		out.stepping = out.stepping || sh.reader[i] == "changes" && !g.counterLike(vs.Name)
		if (counter || falling) && sh.holding[i] {
			return nil, false
		}
		fixed := map[string]string{}
		for _, m := range vs.LabelMatchers {
			if m.Name == prommodel.MetricNameLabel {
				continue
			}
			v, ok := g.matching(m)
			if !ok {
				return nil, false
			}
			fixed[m.Name] = v
		}
		for r := 0; r < replicas; r++ {
			l := g.seriesLabels(vs.Name, fixed, r)
			ls := labels.FromMap(l)
			ls = labels.NewBuilder(ls).Set(prommodel.MetricNameLabel, vs.Name).Labels()
			for _, m := range vs.LabelMatchers {
				if !m.Matches(ls.Get(m.Name)) {
					return nil, false
				}
			}
			text := seriesText(vs.Name, l)
			if j, ok := seen[text]; ok {
				if out.counter[j] != counter || out.falling[j] != falling {
					return nil, false // a series both held and moving, or growing and falling
				}
				continue
			}
			seen[text] = len(out.text)
			out.text = append(out.text, text)
			out.series = append(out.series, ls)
			out.counter = append(out.counter, counter)
			out.falling = append(out.falling, falling)
			out.first = append(out.first, i < sh.firstN)
		}
	}
	return out, true
}

// matching is a value of m's label that m selects.
func (g *testGen) matching(m *labels.Matcher) (string, bool) {
	if m.Type == labels.MatchEqual {
		return m.Value, true
	}
	for i := 0; i < 16; i++ {
		if v := g.value(m.Name, i); m.Matches(v) {
			return v, true
		}
	}
	for _, v := range []string{"obsc", "x", "0"} {
		if m.Matches(v) {
			return v, true
		}
	}
	return "", false
}

// counterLike reports whether metric grows as a counter: a declared
// counter, a histogram's series, or an undeclared name that says so.
func (g *testGen) counterLike(metric string) bool {
	if md := g.m.Metric(metric); md != nil {
		return md.Type == ir.Counter
	}
	for _, suf := range []string{"_bucket", "_count", "_sum"} {
		if md := g.m.Metric(strings.TrimSuffix(metric, suf)); md != nil && md.Type == ir.Histogram && strings.HasSuffix(metric, suf) {
			return true
		}
	}
	return strings.HasSuffix(metric, "_total")
}

// at renders the scenario over minutes with the series of the first
// selector at x and the others at y: gauges hold their value, counters
// grow by it per second.
func (s *exprSeries) at(x, y int64, minutes int) ([]inputSeries, storage.Queryable) {
	in := make([]inputSeries, len(s.text))
	list := make([]memseries.Series, len(s.text))
	for i := range s.text {
		v := s.value(i, [2]int64{x, y})
		inc, start := int64(0), v
		switch {
		case s.counter[i]:
			inc, start = 60*v, 0
		case s.falling[i]:
			inc, start = -60*v, 60*v*int64(minutes)
		}
		in[i] = inputSeries{Series: s.text[i], Values: linearValues(start, inc, minutes)}
		list[i] = s.memSeries(i, minutes, func(m int) int64 { return start + inc*int64(m) })
	}
	return in, memseries.New(list...)
}

// linearValues is promtool's notation of minutes+1 samples from start,
// each inc more than the one before: "0+60x10", "600-60x10".
func linearValues(start, inc int64, minutes int) string {
	sign := "+"
	if inc < 0 {
		sign, inc = "-", -inc
	}
	return strconv.FormatInt(start, 10) + sign + strconv.FormatInt(inc, 10) + "x" + strconv.Itoa(minutes)
}

// value is series i's value of xy: the first selector's series', or the
// others'.
func (s *exprSeries) value(i int, xy [2]int64) int64 {
	if s.first[i] {
		return xy[0]
	}
	return xy[1]
}

// memSeries is series i over minutes, its sample at minute m value(m).
func (s *exprSeries) memSeries(i, minutes int, value func(m int) int64) memseries.Series {
	ms := memseries.Series{Labels: s.series[i], T: make([]int64, minutes+1), F: make([]float64, minutes+1)}
	for m := range ms.T {
		ms.T[m], ms.F[m] = int64(m)*testInterval.Milliseconds(), float64(value(m))
	}
	return ms
}

// switched renders the scenario over minutes with the series at on
// (the first selector's, the others') until the minute stop and at off
// from then on: gauges only, each holding its value.
func (s *exprSeries) switched(on, off [2]int64, stop, minutes int) ([]inputSeries, storage.Queryable) {
	in := make([]inputSeries, len(s.text))
	list := make([]memseries.Series, len(s.text))
	for i := range s.text {
		a, b := s.value(i, on), s.value(i, off)
		in[i] = inputSeries{Series: s.text[i], Values: fmt.Sprintf("%d+0x%d %d+0x%d", a, stop-1, b, minutes-stop)}
		list[i] = s.memSeries(i, minutes, func(m int) int64 {
			if m >= stop {
				return b
			}
			return a
		})
	}
	return in, memseries.New(list...)
}

// eval evaluates text from `from` to `to`, a step a minute, and returns
// a copy of the result.
func eval(q storage.Queryable, text string, from, to time.Duration) (promql.Matrix, error) {
	start, end := time.Unix(0, 0).Add(from), time.Unix(0, 0).Add(to)
	qry, err := engine().NewRangeQuery(context.Background(), q, nil, text, start, end, testInterval)
	if err != nil {
		return nil, err
	}
	defer qry.Close() // hands the result's points back to the engine's pools
	res := qry.Exec(context.Background())
	if res.Err != nil {
		return nil, res.Err
	}
	m, err := res.Matrix()
	if err != nil {
		return nil, err
	}
	// A copy, then: another query may take the points once this one is
	// closed (the race detector caught reading them after Close).
	out := make(promql.Matrix, len(m))
	for i, s := range m {
		out[i] = promql.Series{Metric: s.Metric, Floats: slices.Clone(s.Floats)}
	}
	return out, nil
}

// exprFireTests searches data on which alert a, of tree e, fires and data
// on which it stays quiet (see the top of the file); it returns the test
// groups it could prove, none when the search does not handle e.
func (g *testGen) exprFireTests(a *ir.Alert, e promparser.Expr) []testGroup {
	leaves, ok := g.leavesOf(e)
	if !ok {
		return nil
	}
	sh := joined(leaves)
	rl, an := alertLabels(g.m, a), alertAnnotations(g.m, a)
	if sh.extrap && printsValue(rl, an) {
		return nil
	}
	ss, ok := g.seriesFor(sh)
	if !ok {
		return nil
	}
	// The engine's work grows with the steps through `for` times the
	// subqueries' steps: bounded, so no alert makes a build slow.
	if (int(a.For/testInterval)+1)*(1+sh.subquerySteps) > maxSearchSteps {
		return nil
	}
	fireAt := sh.fireAt(a)
	// time() - last_success_seconds > 3600 holds once the clock is past
	// the threshold (a series at 0 is a success at time 0): evaluated
	// that much later, when the threshold is a time that bounds it.
	var later time.Duration
	for _, l := range leaves {
		if th := time.Duration(l.threshold * float64(time.Second)); l.clock && th > 0 && th <= maxExprLookback {
			later = max(later, ceilStep(th))
		}
	}
	fireAt += later
	minutes := int(fireAt / testInterval)
	steps := int(a.For/testInterval) + 1
	vectorTexts, p2Texts := make([]string, len(leaves)), make([]string, len(leaves))
	for i, l := range leaves {
		vectorTexts[i] = l.vector.String()
		if l.p2 {
			if p2Texts[i], ok = g.asPrometheus2(vectorTexts[i]); !ok {
				return nil
			}
		}
	}
	// The rule's expression, and where a template prints $value over a
	// windowed function, as Prometheus 2 reads it.
	text, valueP2 := e.String(), ""
	if sh.p2 && printsValue(rl, an) {
		if valueP2, ok = g.asPrometheus2(text); !ok {
			return nil
		}
	}

	// Every series at one value first; where that cannot both fire and
	// stay quiet (a ratio of the expression's own series reads the same
	// at any value), the first selector's series at one value and the
	// others at another.
	type pair struct{ x, y int64 }
	var pairs []pair
	for _, x := range candidates(leaves) {
		pairs = append(pairs, pair{x, x})
	}
	if slices.Contains(ss.first, false) && slices.Contains(ss.first, true) {
		for _, x := range pairGrid {
			for _, y := range pairGrid {
				if x != y {
					pairs = append(pairs, pair{x, y})
				}
			}
		}
	}
	// A join is best proven quiet where one of its comparisons holds
	// (the traffic guard keeps the alert quiet on a high error ratio):
	// searched for as long as no such data is found, the data where
	// none holds taken otherwise.
	var fire, quiet, quietNone *testGroup
	var firePair, quietPair, quietNonePair pair
pairs:
	for _, p := range pairs {
		if fire != nil && (quiet != nil || quietNone != nil && len(leaves) == 1) {
			break
		}
		in, q := ss.at(p.x, p.y, minutes)
		// Every series of each compared vector must be on one side of
		// its threshold at every step through `for`: the comparison
		// keeps all of them, or none.
		var vec promql.Matrix
		holds, anyHolds := true, false
		for i, l := range leaves {
			v, err := eval(q, vectorTexts[i], fireAt-a.For, fireAt)
			if err != nil || len(v) == 0 {
				continue pairs
			}
			// Windowed functions as Prometheus 2 reads them: decided
			// where both agree.
			both := v
			if p2Texts[i] != "" {
				v2, err := eval(q, p2Texts[i], fireAt-a.For, fireAt)
				if err != nil || len(v2) != len(v) {
					continue pairs
				}
				both = append(slices.Clip(v), v2...)
			}
			allHold, allFail := true, true
			for _, s := range both {
				if len(s.Floats) != steps {
					allHold = false // a gap: not continuously active
				}
				for _, pt := range s.Floats {
					allHold = allHold && l.holds(pt.F)
					allFail = allFail && l.fails(pt.F)
				}
			}
			if !allHold && !allFail {
				continue pairs
			}
			vec, holds, anyHolds = v, allHold, anyHolds || allHold
		}
		// One comparison filters its vector by the threshold: where
		// every series holds, the result is the vector, labels and
		// values; where every one fails, it is empty. Joined ones, and
		// one compared in another form (clockShape), are the engine's
		// to evaluate, each comparison being decided.
		if len(leaves) > 1 || leaves[0].rewritten {
			res, err := eval(q, text, fireAt-a.For, fireAt)
			if err != nil {
				continue
			}
			vec, holds = res, len(res) > 0
			for _, s := range res {
				holds = holds && len(s.Floats) == steps
			}
			if !holds && len(res) > 0 {
				continue // active at some steps only
			}
		}
		switch {
		case holds && fire == nil:
			if valueP2 != "" && !sameInPrometheus2(q, text, valueP2, fireAt) {
				continue // $value would read another number in promtool
			}
			if tg, ok := g.exprFired(a, vec, rl, an, in, ss.scenario(p.x, p.y), fireAt); ok {
				fire, firePair = tg, p
			}
		case !holds && (anyHolds && quiet == nil || !anyHolds && quietNone == nil):
			tg := &testGroup{
				Name: fmt.Sprintf("%s: quiet with %s", a.Name, ss.scenario(p.x, p.y)), Interval: testIntervalText,
				InputSeries:    in,
				AlertRuleTests: []alertTest{g.newAlertTest(fireAt, a.Name, nil)},
			}
			if anyHolds {
				quiet, quietPair = tg, p
			} else {
				quietNone, quietNonePair = tg, p
			}
		}
	}
	if quiet == nil {
		quiet, quietPair = quietNone, quietNonePair
	}
	var out []testGroup
	for _, tg := range []*testGroup{fire, quiet} {
		if tg != nil {
			out = append(out, *tg)
		}
	}
	if fire != nil && quiet != nil && a.KeepFiringFor > 0 {
		if tg, ok := g.keepFiringTest(a, e, sh, ss, fire, fireAt, [2]int64{firePair.x, firePair.y}, [2]int64{quietPair.x, quietPair.y}); ok {
			out = append(out, *tg)
		}
	}
	return out
}

// keepFiringTest proves an alert's keep_firing_for: on the fire test's
// data until a minute after the alert fires, then on the quiet test's,
// it still fires a minute before keep_firing_for has passed since its
// condition stopped holding, as it did, and is quiet once it has. Only
// for expressions without ranges or subqueries over gauges: the step at
// which the condition stops holding is then the switch's in both
// engines (a range would end it a sample apart in Prometheus 2 and 3).
func (g *testGen) keepFiringTest(a *ir.Alert, e promparser.Expr, sh *exprShape, ss *exprSeries, fire *testGroup, fireAt time.Duration, on, off [2]int64) (*testGroup, bool) {
	if sh.lookback != 5*time.Minute || slices.Contains(ss.counter, true) || sh.clock {
		return nil, false
	}
	stop := fireAt + testInterval // the first step on the quiet data
	end := stop + ceilStep(a.KeepFiringFor)
	in, q := ss.switched(on, off, int(stop/testInterval), int(end/testInterval))
	m, err := eval(q, e.String(), fireAt, end)
	if err != nil {
		return nil, false
	}
	// Active at fireAt, on the fire data, and never again after.
	for _, s := range m {
		for _, pt := range s.Floats {
			if time.Duration(pt.T)*time.Millisecond >= stop {
				return nil, false
			}
		}
	}
	if len(m) == 0 {
		return nil, false
	}
	tg := g.keepFiringGroup(a, fmt.Sprintf("after it stops holding (%s, then %s)", ss.scenario(on[0], on[1]), ss.scenario(off[0], off[1])),
		in, fire.AlertRuleTests[len(fire.AlertRuleTests)-1].ExpAlerts, end)
	return &tg, true
}

// exprFired is the test in which alert a fires on the data in, on which
// its vector evaluated to m through its `for`: m's series are the alerts
// promtool must see.
func (g *testGen) exprFired(a *ir.Alert, m promql.Matrix, rl, an map[string]string, in []inputSeries, scenario string, fireAt time.Duration) (*testGroup, bool) {
	exps := make([]expAlert, 0, len(m))
	for _, s := range m {
		exp, ok := g.expected(a.Name, s.Metric.Map(), rl, an, s.Floats[len(s.Floats)-1].F, fireAt)
		if !ok {
			return nil, false
		}
		exps = append(exps, exp)
	}
	return &testGroup{
		Name: a.Name + ": fires with " + scenario, Interval: testIntervalText,
		InputSeries:    in,
		AlertRuleTests: []alertTest{g.newAlertTest(fireAt, a.Name, exps)},
	}, true
}

// scenario says what the series hold: gauges their value, counters
// growing by it per second; the first selector's series x, the others y.
func (s *exprSeries) scenario(x, y int64) string {
	var gauges, counters, falling bool
	for i, c := range s.counter {
		switch {
		case s.falling[i]:
			falling = true
		case c:
			counters = true
		default:
			gauges = true
		}
	}
	if falling && !gauges && !counters {
		if x != y {
			return fmt.Sprintf("the series of %s falling %d/s and the others %d/s, a reset at every sample", s.sel, x, y)
		}
		if x == 0 {
			return "every selected series steady at 0, no reset"
		}
		return fmt.Sprintf("every selected series falling %d/s, a reset at every sample", x)
	}
	out := s.held(x, y, gauges, counters)
	if falling {
		out += " (those resets() reads falling instead, a reset at every sample)"
	}
	return out
}

// held is scenario of series that hold or grow.
func (s *exprSeries) held(x, y int64, gauges, counters bool) string {
	at := func(v int64) string {
		switch {
		case gauges && counters:
			return fmt.Sprintf("%d (counters: %d/s)", v, v)
		case counters:
			return fmt.Sprintf("%d/s", v)
		}
		return fmt.Sprint(v)
	}
	if x != y {
		return fmt.Sprintf("the series of %s at %s and the others at %s", s.sel, at(x), at(y))
	}
	growing := "counter" // what grows: a gauge too, where changes() reads it
	if s.stepping {
		growing = "series changing at every sample,"
	}
	switch {
	case gauges && counters:
		return fmt.Sprintf("every selected gauge at %d and %s growing %d/s", x, growing, x)
	case counters:
		return fmt.Sprintf("every selected %s growing %d/s", growing, x)
	}
	return fmt.Sprintf("every selected series at %d", x)
}
