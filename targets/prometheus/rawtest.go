package prometheus

import (
	"fmt"
	"math"
	"time"

	"github.com/tinysystems/obsc/compile/ir"
)

// Burn scenarios for a raw SLI.
//
// obsc cannot know in general what data an arbitrary pair of queries
// reads as a given error ratio, but it can search for it as it does for
// expr alerts (exprtest.go): the series the error query selects grow at
// one rate, those only the total query selects at another, and
// Prometheus' engine evaluates errorQuery / totalQuery until the ratio
// lands where a scenario needs it. The ratio SLI tests' model (sloHistory,
// tierAt) then says what every tier does. Kept to queries the search
// handles, whose ratio has no labels (one SLI series, as the alerts
// expect) and whose tiers' templates do not print $value (the model's
// ratio is the engine's to a billionth, not to the last bit).

// rawBadRate is what the error query's series grow by, per second.
const rawBadRate = 60

// rawBurnTests are the fast-burn, slow-burn and just-under scenarios of a
// raw SLI (see sloTests), or those of them the search can find.
func (g *testGen) rawBurnTests(s *ir.SLO, tiers []sloTier) []testGroup {
	for _, t := range tiers {
		if printsValue(t.labels, t.annotations) {
			return nil
		}
	}
	errText, totalText := ir.RawQuery(s.SLI.ErrorQuery, "5m"), ir.RawQuery(s.SLI.TotalQuery, "5m")
	errExpr, err1 := g.p.ParseExpr(errText)
	totalExpr, err2 := g.p.ParseExpr(totalText)
	if err1 != nil || err2 != nil {
		return nil
	}
	sh := &exprShape{}
	if !sh.add(errExpr) {
		return nil
	}
	sh.firstN = len(sh.selectors)
	if !sh.add(totalExpr) {
		return nil
	}
	ss, ok := g.seriesFor(sh)
	if !ok {
		return nil
	}
	b := s.ErrorBudget()
	ratio := "(" + errText + ") / (" + totalText + ")"

	type scenario struct {
		name    string
		targets []float64 // error ratios to try, in turn
		at      time.Duration
		check   func(h sloHistory) bool // the model's verdict must be this scenario's
	}
	var scs []scenario
	// The page tier's fast burn rate, both its windows full: the ratio
	// steady from the start (a raw SLI's data cannot be made to change
	// ratio at a known time, as the ratio SLIs' clean-then-burn can).
	for _, t := range tiers {
		if t.name != ir.TierPage || len(t.burnRates) == 0 {
			continue
		}
		pf := t.burnRates[0]
		sc := scenario{
			name: g.fastBurnName(pf),
			at:   pf.Long,
			check: func(h sloHistory) bool {
				v := tierAt(s, t, h, pf.Long)
				return v.fires && v.long == pf.Long
			},
		}
		for _, mult := range fastBurnMults {
			if x := mult * pf.Factor * b; x < 1 {
				sc.targets = append(sc.targets, x)
			}
		}
		scs = append(scs, sc)
	}
	if slowest, fires, ok := slowBurn(tiers, b); ok {
		scs = append(scs,
			scenario{name: g.slowBurnName(*slowest), targets: []float64{fires}, at: slowest.Short},
			scenario{name: justUnderName(*slowest), targets: []float64{0.9 * slowest.Factor * b}, at: slowest.Short})
	}

	var out []testGroup
	for _, sc := range scs {
		minutes := int(sc.at / time.Minute)
		for _, target := range sc.targets {
			good, r, ok := g.rawSearch(ss, ratio, target, minutes, sc.at)
			if !ok {
				continue
			}
			// The model's history at the engine's ratio, to a billionth.
			const scale = 1e9
			h := sloHistory{{minutes: minutes, total: scale, bad: int64(math.Round(r * scale))}}
			if sc.check != nil && !sc.check(h) {
				continue
			}
			tests, ok := g.sloAlertTests(s, tiers, h, sc.at)
			if !ok {
				continue
			}
			in, _ := ss.at(rawBadRate, good, minutes)
			out = append(out, testGroup{
				Name: fmt.Sprintf("SLO %s: raw SLI: %s, the error query's series growing %d/s and the total query's others %d/s (error ratio %s)",
					s.Name, sc.name, rawBadRate, good, num(r)),
				Interval: testIntervalText, InputSeries: in, AlertRuleTests: tests,
			})
			break
		}
	}
	return out
}

// rawSearch finds how fast the total query's other series must grow for
// the ratio to read target (within 2%), the error query's growing
// rawBadRate/s: a bisection over whole rates, the ratio falling as they
// rise. It returns that rate and the ratio the engine reads, with false
// when no rate gives it or the ratio is not one series without labels.
func (g *testGen) rawSearch(ss *exprSeries, ratio string, target float64, minutes int, at time.Duration) (int64, float64, bool) {
	read := func(good int64) (float64, bool) {
		_, q := ss.at(rawBadRate, good, minutes)
		m, err := eval(q, ratio, at, at)
		if err != nil || len(m) != 1 || m[0].Metric.Len() > 0 || len(m[0].Floats) != 1 {
			return 0, false
		}
		f := m[0].Floats[0].F
		return f, !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	lo, hi := int64(0), int64(1)<<32
	for range 40 {
		mid := lo + (hi-lo)/2
		r, ok := read(mid)
		if !ok {
			return 0, 0, false
		}
		switch {
		case math.Abs(r-target) <= 0.02*target:
			return mid, r, true
		case r > target:
			lo = mid + 1
		default:
			hi = mid - 1
		}
		if lo > hi {
			break
		}
	}
	return 0, 0, false
}
