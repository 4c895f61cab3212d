package prometheus

import (
	"fmt"
	"math"
	"time"

	prommodel "github.com/prometheus/common/model"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/targets"
)

// SLO unit tests. Each scenario is a traffic history (events per minute and
// the share of them that fail). The expected alerts come from a small model
// of the rules: the error ratio of a window is bad events / all events in
// it, and a tier fires when, for one of its conditions, both windows exceed
// factor x budget. promtool then checks Prometheus agrees. Scenarios whose
// ratios land within 2% of a threshold are not emitted: they would test
// float rounding, not meaning.

// sloPhase is a stretch of traffic: per replica and minute, total events of
// which bad failed.
type sloPhase struct {
	minutes    int
	total, bad int64
}

type sloHistory []sloPhase

// ratio is the error ratio over the window w ending at t: the increments of
// the samples inside [t-w, t], as rate() sees them. ok is false without
// traffic (the rules then record nothing).
func (h sloHistory) ratio(t, w time.Duration) (r float64, ok bool) {
	end := int(t / time.Minute)
	start := max(int((t-w)/time.Minute), 0)
	// The sum over the minutes (start, end], phase by phase: phase p holds
	// the minutes (from, from+p.minutes].
	var bad, total int64
	from := 0
	for _, p := range h {
		if n := min(end, from+p.minutes) - max(start, from); n > 0 {
			bad += int64(n) * p.bad
			total += int64(n) * p.total
		}
		from += p.minutes
	}
	if total == 0 {
		return 0, false
	}
	return float64(bad) / float64(total), true
}

func steady(minutes int, ratio float64) sloHistory {
	return sloHistory{{minutes: minutes, total: sloPerPod, bad: badPerMinute(ratio)}}
}

func badPerMinute(ratio float64) int64 { return int64(math.Round(ratio * sloPerPod)) }

// sloCount is what a synthetic series of an SLI counts.
type sloCount int

const (
	countGood sloCount = iota
	countBad
	countTotal
)

// sloSeries is a synthetic series of an SLI. Every scenario of an SLO has
// the same series with other values, so their text is rendered once.
type sloSeries struct {
	text  string
	count sloCount
}

// sloSeries returns the series of an SLI, per replica: for ratio SLIs a good
// and a bad series, for latency SLIs the threshold bucket (good events) and
// the _count series.
func (g *testGen) sloSeries(s *ir.SLO) []sloSeries {
	var out []sloSeries
	add := func(metric string, fixed map[string]string, r int, c sloCount) {
		out = append(out, sloSeries{text: seriesText(metric, g.seriesLabels(s.SLI.Metric, fixed, r)), count: c})
	}
	for r := 0; r < replicas; r++ {
		switch s.SLI.Kind {
		case ir.SLIRatio:
			add(s.SLI.Metric, g.errorLabels(s.SLI.Errors, false), r, countGood)
			add(s.SLI.Metric, g.errorLabels(s.SLI.Errors, true), r, countBad)
		case ir.SLILatency:
			add(s.SLI.Metric+"_bucket", map[string]string{"le": s.SLI.ThresholdLE}, r, countGood)
			add(s.SLI.Metric+"_count", nil, r, countTotal)
		}
	}
	return out
}

// sloInput renders a history as the values of series. Without withBad the
// bad series are left out: a ratio SLI then has no error series at all.
// The values depend on the count alone, so every replica's series of a
// count shares them: they are rendered once per count.
func sloInput(series []sloSeries, h sloHistory, withBad bool) []inputSeries {
	var (
		out    = make([]inputSeries, 0, len(series))
		values [countTotal + 1]string
		done   [countTotal + 1]bool
		ph     []phase
	)
	for _, ss := range series {
		if ss.count == countBad && !withBad {
			continue
		}
		if !done[ss.count] {
			ph = ph[:0]
			for _, p := range h {
				inc := p.total
				switch ss.count {
				case countGood:
					inc = p.total - p.bad
				case countBad:
					inc = p.bad
				}
				ph = append(ph, phase{minutes: p.minutes, inc: inc})
			}
			values[ss.count], done[ss.count] = counterValues(ph), true
		}
		out = append(out, inputSeries{Series: ss.text, Values: values[ss.count]})
	}
	return out
}

// tierVerdict evaluates a tier on the model at t: whether it fires, the
// value Prometheus reports (the long window of the first condition that
// holds, as `or` keeps its left side), and whether any ratio is too close
// to a threshold to be a fair test.
type tierVerdict struct {
	fires, fragile bool
	value          float64
	long           time.Duration
}

func tierAt(s *ir.SLO, t sloTier, h sloHistory, at time.Duration) tierVerdict {
	var v tierVerdict
	b := s.ErrorBudget()
	for _, br := range t.burnRates {
		th := br.Factor * b
		rl, okl := h.ratio(at, br.Long)
		rs, oks := h.ratio(at, br.Short)
		for _, x := range []struct {
			r  float64
			ok bool
		}{{rl, okl}, {rs, oks}} {
			if x.ok && math.Abs(x.r-th) <= 0.02*th {
				v.fragile = true
			}
		}
		if okl && oks && rl > th && rs > th && !v.fires {
			v.fires, v.value, v.long = true, rl, br.Long
		}
	}
	return v
}

// sloAlertTests are the alert tests of a scenario at each time, one per
// alert name (page and ticket usually share it). ok is false when the
// scenario is fragile or an annotation cannot be predicted.
func (g *testGen) sloAlertTests(s *ir.SLO, tiers []sloTier, h sloHistory, ats ...time.Duration) ([]alertTest, bool) {
	var out []alertTest
	for _, at := range ats {
		var names []string
		exps := map[string][]expAlert{}
		for _, t := range tiers {
			if _, seen := exps[t.tier.Name]; !seen {
				names = append(names, t.tier.Name)
				exps[t.tier.Name] = []expAlert{}
			}
			v := tierAt(s, t, h, at)
			if v.fragile {
				return nil, false
			}
			if !v.fires {
				continue
			}
			outLabels := map[string]string{ // sloLabels and the name
				ir.LabelModule:            g.m.Name,
				ir.LabelSLO:               s.Name,
				prommodel.MetricNameLabel: g.sliRecord(v.long),
			}
			exp, ok := g.expected(t.tier.Name, outLabels, t.labels, t.annotations, v.value, at)
			if !ok {
				return nil, false
			}
			exps[t.tier.Name] = append(exps[t.tier.Name], exp)
		}
		for _, n := range names {
			out = append(out, g.newAlertTest(at, n, exps[n]))
		}
	}
	return out, true
}

func sloGroupTest(s *ir.SLO, name string, series []sloSeries, h sloHistory, withBad bool) testGroup {
	return testGroup{
		Name:        "SLO " + s.Name + ": " + name,
		Interval:    testIntervalText,
		InputSeries: sloInput(series, h, withBad),
	}
}

// sloTests writes, for one SLO:
//
//   - page fast burn: a clean history as long as the slowest page window,
//     then a burst over the fastest page window just above its factor. The
//     fast condition alone must page; the model says what the other tiers do.
//   - slowest burn: a steady error ratio between the smallest factor
//     (ticket 3d/6h by default) and the next one. Only that tier fires. The
//     same scenario checks every recording rule's value.
//   - just under: a steady ratio at 90% of the smallest factor: quiet.
//   - healthy: no errors (for ratio SLIs no error series at all, which the
//     SLI reads as 0, not as no data): quiet, SLI and budget rules exact.
//   - no traffic: counters flat: quiet, and no SLI sample rather than NaN.
func (g *testGen) sloTests(s *ir.SLO) ([]testGroup, error) {
	if s.SLI.Kind == ir.SLIRaw {
		return g.rawSLOTests(s), nil
	}
	if s.SLI.Kind != ir.SLIRatio && s.SLI.Kind != ir.SLILatency {
		return nil, fmt.Errorf("internal error: SLO %s has unknown SLI kind %q", s.Name, s.SLI.Kind)
	}
	tiers := g.sloTiers(s)
	series := g.sloSeries(s)
	b := s.ErrorBudget()
	var out []testGroup

	for _, t := range tiers {
		if t.name != ir.TierPage {
			continue
		}
		pf := t.burnRates[0]
		var clean time.Duration
		for _, br := range t.burnRates {
			clean = max(clean, br.Long)
		}
		for _, mult := range fastBurnMults {
			x := math.Min(1, mult*pf.Factor*b)
			h := sloHistory{
				{minutes: int(clean / time.Minute), total: sloPerPod},
				{minutes: int(pf.Long / time.Minute), total: sloPerPod, bad: badPerMinute(x)},
			}
			at := clean + pf.Long
			if v := tierAt(s, t, h, at); !v.fires || v.long != pf.Long {
				continue
			}
			tests, ok := g.sloAlertTests(s, tiers, h, clean, at)
			if !ok {
				continue
			}
			tg := sloGroupTest(s, g.fastBurnName(pf)+" after "+g.duration(clean)+" clean", series, h, true)
			tg.AlertRuleTests = tests
			out = append(out, tg)
			break
		}
	}

	if slowest, r, ok := slowBurn(tiers, b); ok {
		at := slowest.Short
		h := steady(int(at/time.Minute), r)
		if tests, ok := g.sloAlertTests(s, tiers, h, at); ok {
			tg := sloGroupTest(s, g.slowBurnName(*slowest), series, h, true)
			tg.AlertRuleTests = tests
			exact, _ := h.ratio(at, at)
			tg.PromQLExprTests = g.sloRecordTests(s, at, exact)
			out = append(out, tg)
		}

		h = steady(int(at/time.Minute), 0.9*slowest.Factor*b)
		if tests, ok := g.sloAlertTests(s, tiers, h, at); ok {
			tg := sloGroupTest(s, justUnderName(*slowest), series, h, true)
			tg.AlertRuleTests = tests
			out = append(out, tg)
		}
	}

	const short = time.Hour
	h := steady(int(short/time.Minute), 0)
	tg := sloGroupTest(s, "quiet on healthy traffic", series, h, false)
	tg.AlertRuleTests, _ = g.sloAlertTests(s, tiers, h, short)
	tg.PromQLExprTests = []exprTest{
		g.recordSample(s, short, g.sliRecord(sliShortWindow), false, 0),
		g.recordSample(s, short, g.sliRecord(s.Window), false, 0),
		g.recordSample(s, short, ir.RecObjective, true, s.ObjectiveRatio()),
		g.recordSample(s, short, ir.RecErrorBudget, true, b),
		g.recordSample(s, short, ir.RecBudgetRemaining, true, 1),
	}
	out = append(out, tg)

	h = sloHistory{{minutes: int(short / time.Minute)}}
	tg = sloGroupTest(s, "quiet without traffic, and no SLI sample rather than NaN", series, h, true)
	tg.AlertRuleTests, _ = g.sloAlertTests(s, tiers, h, short)
	tg.PromQLExprTests = []exprTest{
		g.newExprTest(short, g.sloSelector(g.sliRecord(sliShortWindow), s), nil),
		g.newExprTest(short, g.sloSelector(ir.RecBurnRate, s), nil),
	}
	out = append(out, tg)
	return out, nil
}

// fastBurnMults are the multiples of the page tier's fastest factor a
// fast-burn scenario tries for its error ratio, in turn.
var fastBurnMults = []float64{1.4, 1.2, 1.7, 1.1, 2}

// fastBurnName, slowBurnName and justUnderName name the burn scenarios
// of burn rate br, for ratio and raw SLIs alike.
func (g *testGen) fastBurnName(br ir.BurnRate) string {
	return "page tier fires on a fast burn (" + g.burnText(br) + ")"
}

func (g *testGen) slowBurnName(br ir.BurnRate) string {
	return br.Tier + " tier fires on a slow burn (" + g.burnText(br) + ")"
}

func justUnderName(br ir.BurnRate) string {
	return "quiet just under the smallest burn rate (" + num(br.Factor) + "x the budget)"
}

// burnText is "14.4x the budget over 1h and 5m".
func (g *testGen) burnText(br ir.BurnRate) string {
	return num(br.Factor) + "x the budget over " + g.duration(br.Long) + " and " + g.duration(br.Short)
}

// slowBurn is the slow-burn scenario of an SLO's tiers: the burn rate
// with the smallest factor, and a steady error ratio between it and the
// next factor (or twice it), under which only that burn rate's tier
// fires. ok is false when no tier is enabled or the smallest factor
// cannot be exceeded (factor x budget >= 1).
func slowBurn(tiers []sloTier, budget float64) (slowest *ir.BurnRate, ratio float64, ok bool) {
	for _, t := range tiers {
		for i := range t.burnRates {
			if br := &t.burnRates[i]; slowest == nil || br.Factor <= slowest.Factor {
				slowest = br
			}
		}
	}
	if slowest == nil || slowest.Factor*budget >= 1 {
		return nil, 0, false
	}
	next := math.Inf(1)
	for _, t := range tiers {
		for _, br := range t.burnRates {
			if br.Factor > slowest.Factor {
				next = math.Min(next, br.Factor)
			}
		}
	}
	ratio = 2 * slowest.Factor * budget
	if !math.IsInf(next, 1) {
		ratio = math.Sqrt(slowest.Factor*next) * budget
	}
	if ratio >= 1 {
		ratio = (slowest.Factor*budget + 1) / 2
	}
	return slowest, ratio, true
}

// recordSample expects one exact sample of an SLO recording rule,
// labelled with the SLO's window when window is set.
func (g *testGen) recordSample(s *ir.SLO, at time.Duration, record string, window bool, want float64) exprTest {
	return g.newExprTest(at, g.sloSelector(record, s), []expSample{{Labels: g.sampleLabels(s, record, window), Value: want}})
}

// recordClose expects a recording rule to be within a relative 1e-9 of
// want: `abs(x - want) < bool tol` is 1 with the rule's labels. want is
// written to 12 significant digits (1.732, not the 1.7319999999999998 of
// its arithmetic), far inside the tolerance, and a negative want as
// `x + 0.732`.
func (g *testGen) recordClose(s *ir.SLO, at time.Duration, record string, window bool, want float64) exprTest {
	want = ir.RoundSig(want)
	tol := ir.RoundSig(1e-9 * math.Max(1, math.Abs(want)))
	sel := g.sloSelector(record, s)
	b := make([]byte, 0, len(sel)+64)
	b = append(b, "abs("...)
	b = append(b, sel...)
	if want < 0 {
		b = append(b, " + "...)
		b = appendNum(b, -want)
	} else {
		b = append(b, " - "...)
		b = appendNum(b, want)
	}
	b = append(b, ") < bool "...)
	b = appendNum(b, tol)
	return g.newExprTest(at, string(b), []expSample{{Labels: g.sampleLabels(s, "", window), Value: 1}})
}

// sampleLabels is the text of the labels of a sample of an SLO recording
// rule, as seriesText writes them: __name__ when record is set, module,
// slo, and slo_window when window is set. The texts are kept: every
// scenario expects the same samples.
func (g *testGen) sampleLabels(s *ir.SLO, record string, window bool) string {
	k := sampleKey{record, s.Name, window}
	if t, ok := g.samples[k]; ok {
		return t
	}
	// The label names, sorted: "__name__" < "module" < "slo" < "slo_window".
	b := make([]byte, 0, 64+len(record)+len(g.m.Name)+len(s.Name))
	b = append(b, '{')
	if record != "" {
		b = append(b, prommodel.MetricNameLabel+"="...)
		b = appendQuote(b, record)
		b = append(b, ", "...)
	}
	b = append(b, ir.LabelModule+"="...)
	b = appendQuote(b, g.m.Name)
	b = append(b, ", "+ir.LabelSLO+"="...)
	b = appendQuote(b, s.Name)
	if window {
		b = append(b, ", "+ir.LabelWindow+"="...)
		b = appendQuote(b, g.duration(s.Window))
	}
	t := string(append(b, '}'))
	if targets.SelfCheck && g.err == nil {
		l := sloLabels(g.m, s)
		if record != "" {
			l[prommodel.MetricNameLabel] = record
		}
		if window {
			l[ir.LabelWindow] = g.duration(s.Window)
		}
		if want := seriesText("", l); t != want {
			g.err = fmt.Errorf("internal error: module %s: SLO %s: sample labels written as %s, not as %s", g.m.Name, s.Name, t, want)
		}
	}
	g.samples[k] = t
	return t
}

type sampleKey struct {
	record, slo string
	window      bool
}

// sloRecordTests check every recording rule of an SLO under a steady error
// ratio r, where every window reads r.
func (g *testGen) sloRecordTests(s *ir.SLO, at time.Duration, r float64) []exprTest {
	var out []exprTest
	for _, w := range ir.SLIWindows(s) {
		out = append(out, g.recordClose(s, at, g.sliRecord(w), false, r))
	}
	b := s.ErrorBudget()
	out = append(out,
		g.recordSample(s, at, ir.RecObjective, true, s.ObjectiveRatio()),
		g.recordSample(s, at, ir.RecErrorBudget, true, b),
		g.recordClose(s, at, ir.RecBurnRate, true, r/b),
		g.recordClose(s, at, ir.RecPeriodBurnRate, true, r/b),
		g.recordClose(s, at, ir.RecBudgetRemaining, true, 1-r/b),
	)
	return out
}

// rawSLOTests are the tests of a raw SLI. It proves what holds for any
// query: without any series the SLI records nothing (not NaN), no tier
// fires, and the objective and budget rules hold their constants; and,
// where obsc's search finds data the queries read as the ratios it needs
// (rawBurnTests), that the page tier fires on a fast burn, the slowest
// tier on a slow burn, and that it stays quiet just under it.
func (g *testGen) rawSLOTests(s *ir.SLO) []testGroup {
	const short = time.Hour
	tg := sloGroupTest(s, "raw SLI: quiet without data, and no SLI sample rather than NaN", nil, nil, false)
	tg.InputSeries = []inputSeries{}
	tg.AlertRuleTests, _ = g.sloAlertTests(s, g.sloTiers(s), sloHistory{{minutes: int(short / time.Minute)}}, short)
	tg.PromQLExprTests = []exprTest{
		g.newExprTest(short, g.sloSelector(g.sliRecord(sliShortWindow), s), nil),
		g.newExprTest(short, g.sloSelector(ir.RecBurnRate, s), nil),
		g.recordSample(s, short, ir.RecObjective, true, s.ObjectiveRatio()),
		g.recordSample(s, short, ir.RecErrorBudget, true, s.ErrorBudget()),
	}
	return append([]testGroup{tg}, g.rawBurnTests(s, g.sloTiers(s))...)
}
