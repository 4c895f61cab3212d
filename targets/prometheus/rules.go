package prometheus

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	promparser "github.com/prometheus/prometheus/promql/parser"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/targets"
)

// Annotation names obsc writes.
const (
	AnnotationSummary     = "summary"
	AnnotationDescription = "description"
	AnnotationRunbook     = "runbook_url"
)

// sliShortWindow is the window of the current burn rate. ir.SLIWindows always
// includes it.
const sliShortWindow = 5 * time.Minute

// AlertsGroup is the name of the group holding a module's threshold alerts.
func AlertsGroup(module string) string { return module + "-alerts" }

// SLOGroup is the name of the group holding one SLO's rules.
func SLOGroup(module, slo string) string { return module + "-slo-" + slo }

// builder turns the IR into rule groups. Every expression goes through
// expr, which parses it and prints it back in canonical form, but SLIs,
// whose windows share one parse (sliRules).
type builder struct {
	*derived
	p  promparser.Parser
	pr printer
}

func newBuilder(d *derived, p promparser.Parser) *builder {
	return &builder{derived: d, p: p}
}

// derived holds what the rules and the tests of a module both derive
// from it, each derived once: the tiers of its SLOs, and the selectors of
// their recorded series, which the rules and the tests select many times.
// What it holds is shared: it must not be modified.
type derived struct {
	m         *ir.Module
	tiers     map[*ir.SLO][]sloTier
	selectors map[selectorKey]string
}

type selectorKey struct{ record, slo string }

func newDerived(m *ir.Module) *derived {
	return &derived{m: m, tiers: map[*ir.SLO][]sloTier{}, selectors: map[selectorKey]string{}}
}

// sloTiers returns the enabled tiers of s that have conditions, page
// first.
func (d *derived) sloTiers(s *ir.SLO) []sloTier {
	t, ok := d.tiers[s]
	if !ok {
		t = sloTiers(d.m, s)
		d.tiers[s] = t
	}
	return t
}

// sloSelector selects one of the SLO's recorded series.
func (d *derived) sloSelector(record string, s *ir.SLO) string {
	k := selectorKey{record, s.Name}
	sel, ok := d.selectors[k]
	if !ok {
		sel = d.m.Selector(record, ir.MatcherString(ir.Matcher{Label: ir.LabelSLO, Values: []string{s.Name}}))
		d.selectors[k] = sel
	}
	return sel
}

// groups returns the threshold alert group (when the module has alerts)
// followed by one group per SLO, in the IR's order (sorted by name).
//
// Each SLO is one group, ordered SLI recordings, then budget recordings, then
// alerts: Prometheus evaluates a group's rules in order, so the alerts of an
// evaluation always read the recordings of the same evaluation.
func (b *builder) groups() ([]monitoringv1.RuleGroup, error) {
	out := []monitoringv1.RuleGroup{} // a module without rules writes `groups: []`
	if len(b.m.Alerts) > 0 {
		g := monitoringv1.RuleGroup{Name: AlertsGroup(b.m.Name)}
		for _, a := range b.m.Alerts {
			r, err := b.alertRule(a)
			if err != nil {
				return nil, err
			}
			g.Rules = append(g.Rules, r)
		}
		out = append(out, g)
	}
	for _, s := range b.m.SLOs {
		g, err := b.sloGroup(s)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// expr parses a generated expression and prints it back. A parse error is a
// bug in obsc, never the user's: compile already parsed every user string.
func (b *builder) expr(text string) (intstr.IntOrString, error) {
	e, err := b.parse(text)
	if err != nil {
		return intstr.IntOrString{}, err
	}
	s, err := b.prettify(e)
	if err != nil {
		return intstr.IntOrString{}, err
	}
	return intstr.FromString(s), nil
}

// prettify prints a parsed expression as promparser.Prettify does (by a
// printer, which under targets.SelfCheck must print what Prettify does).
func (b *builder) prettify(e promparser.Expr) (string, error) {
	s := b.pr.prettify(e)
	if targets.SelfCheck {
		if want := promparser.Prettify(e); s != want {
			return "", fmt.Errorf("internal error: module %s: expression printed as\n%s\nnot as Prettify prints it:\n%s", b.m.Name, s, want)
		}
	}
	return s, nil
}

// parse parses a generated expression.
func (b *builder) parse(text string) (promparser.Expr, error) {
	e, err := b.p.ParseExpr(text)
	if err != nil {
		return nil, fmt.Errorf("internal error: module %s: generated expression does not parse: %w\n%s", b.m.Name, err, text)
	}
	return e, nil
}

// rateWindow is the rate() range of threshold alerts.
func (b *builder) rateWindow() (string, error) {
	if b.m.RateWindow <= 0 {
		return "", fmt.Errorf("internal error: module %s has no rate window", b.m.Name)
	}
	return ir.FormatDuration(b.m.RateWindow), nil
}

// alertExpr is the PromQL text of a threshold alert.
func (b *builder) alertExpr(a *ir.Alert) (string, error) {
	switch a.Kind {
	case ir.AlertErrorRatio:
		w, err := b.rateWindow()
		if err != nil {
			return "", err
		}
		// Zero traffic makes the ratio 0/0 = NaN, and NaN > x is false:
		// the alert stays quiet without traffic, which is what it means.
		return b.m.ErrorRatioExpr(a.Metric, a.Errors, a.By, w) + " > " + num(a.Above), nil
	case ir.AlertQuantile:
		w, err := b.rateWindow()
		if err != nil {
			return "", err
		}
		// histogram_quantile of an empty histogram is NaN: quiet again.
		return b.m.QuantileExpr(a.Q, a.Metric, a.By, w) + " > " + num(a.Above), nil
	case ir.AlertExpr:
		return a.Expr, nil
	}
	return "", fmt.Errorf("internal error: alert %s has unknown kind %q", a.Name, a.Kind)
}

func (b *builder) alertRule(a *ir.Alert) (monitoringv1.Rule, error) {
	text, err := b.alertExpr(a)
	if err != nil {
		return monitoringv1.Rule{}, err
	}
	e, err := b.expr(text)
	if err != nil {
		return monitoringv1.Rule{}, err
	}
	r := monitoringv1.Rule{
		Alert:       a.Name,
		Expr:        e,
		For:         forDuration(a.For),
		Labels:      alertLabels(b.m, a),
		Annotations: alertAnnotations(b.m, a),
	}
	return r, nil
}

func forDuration(d time.Duration) *monitoringv1.Duration {
	if d <= 0 {
		return nil
	}
	v := monitoringv1.Duration(ir.FormatDuration(d))
	return &v
}

// alertLabels are the labels of a threshold alert: the user's extra labels,
// then severity and team, then module. The user may override team (route one
// alert elsewhere) but not module, which keeps alerts of modules apart.
func alertLabels(m *ir.Module, a *ir.Alert) map[string]string {
	l := map[string]string{}
	if m.Team != "" {
		l[ir.LabelTeam] = m.Team
	}
	if a.Severity != "" {
		l[ir.LabelSeverity] = a.Severity
	}
	for k, v := range a.Labels {
		l[k] = v
	}
	l[ir.LabelModule] = m.Name
	return l
}

// alertAnnotations are summary, description and runbook_url, overridden by
// the user's extra annotations.
func alertAnnotations(m *ir.Module, a *ir.Alert) map[string]string {
	an := map[string]string{}
	if a.Summary != "" {
		an[AnnotationSummary] = a.Summary
	}
	if a.Description != "" {
		an[AnnotationDescription] = a.Description
	}
	if m.RunbookBase != "" {
		an[AnnotationRunbook] = m.RunbookBase + "#" + a.Name
	}
	for k, v := range a.Annotations {
		an[k] = v
	}
	return an
}

// sloGroup builds the rules of one SLO:
//
//  1. slo:sli_error:ratio_rate<w> for every window of ir.SLIWindows: the
//     share of bad events over w.
//  2. objective, error budget, current burn rate (5m), period burn rate
//     (SLO window) and remaining budget, labelled with slo_window.
//  3. one alert per enabled tier, multi-window multi-burn-rate as in the
//     Google SRE workbook and Sloth.
//
// Every rule carries module and slo labels.
func (b *builder) sloGroup(s *ir.SLO) (monitoringv1.RuleGroup, error) {
	g := monitoringv1.RuleGroup{Name: SLOGroup(b.m.Name, s.Name)}
	ids := sloLabels(b.m, s)

	sli, err := b.sliRules(s, ids)
	if err != nil {
		return g, err
	}
	g.Rules = append(g.Rules, sli...)

	budget := num(budgetOf(s))
	meta := []struct{ record, text string }{
		{ir.RecObjective, "vector(" + num(roundSig(s.Objective/100)) + ")"},
		{ir.RecErrorBudget, "vector(" + budget + ")"},
		{ir.RecBurnRate, b.sloSelector(ir.SLIErrorRecord(sliShortWindow), s) + " / " + budget},
		{ir.RecPeriodBurnRate, b.sloSelector(ir.SLIErrorRecord(s.Window), s) + " / " + budget},
		{ir.RecBudgetRemaining, "1 - " + b.sloSelector(ir.RecPeriodBurnRate, s)},
	}
	// The rules share their labels, which nothing modifies.
	metaLabels := copyLabels(ids)
	metaLabels[ir.LabelWindow] = ir.FormatDuration(s.Window)
	for _, r := range meta {
		e, err := b.expr(r.text)
		if err != nil {
			return g, err
		}
		g.Rules = append(g.Rules, monitoringv1.Rule{Record: r.record, Expr: e, Labels: metaLabels})
	}

	for _, t := range b.sloTiers(s) {
		text := b.burnExpr(s, t.burnRates)
		e, err := b.expr(text)
		if err != nil {
			return g, err
		}
		g.Rules = append(g.Rules, monitoringv1.Rule{
			Alert:       t.tier.Name,
			Expr:        e,
			Labels:      t.labels,
			Annotations: t.annotations,
		})
	}
	return g, nil
}

// sliRules returns the SLI recordings of s, one per window of ir.SLIWindows.
//
// Parsing and printing are most of what a rule costs, and an SLO has eight
// windows. The expression of a ratio or latency SLI differs from window to
// window only in the range of its rate() selectors (sliExpr,
// ir.Module.RateSum), so it is parsed once and printed for each window by
// a rangedExpr. Under targets.SelfCheck every window's own text is parsed
// and printed too, and must give the same. A raw SLI holds the user's
// queries, in which the window may be anywhere (a subquery range, an
// offset), so each of its windows is parsed.
func (b *builder) sliRules(s *ir.SLO, ids map[string]string) ([]monitoringv1.Rule, error) {
	windows := ir.SLIWindows(s)
	out := make([]monitoringv1.Rule, 0, len(windows))
	var ranged *rangedExpr
	for _, w := range windows {
		text, err := b.sliExpr(s, w)
		if err != nil {
			return nil, err
		}
		var e intstr.IntOrString
		if s.SLI.Kind == ir.SLIRaw {
			if e, err = b.expr(text); err != nil {
				return nil, err
			}
		} else {
			if ranged == nil {
				tree, err := b.parse(text)
				if err != nil {
					return nil, err
				}
				ranged = newRangedExpr(tree, &b.pr)
			}
			r, err := b.rangeOf(w)
			if err != nil {
				return nil, err
			}
			e = intstr.FromString(ranged.print(r))
			if targets.SelfCheck {
				if err := b.checkSame(e, text); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, monitoringv1.Rule{Record: ir.SLIErrorRecord(w), Expr: e, Labels: ids}) // shared, as in sloGroup
	}
	return out, nil
}

// rangeOf returns the range selector `x[<w>]`, parsed: its range is what
// the parser makes of the window's text, rounding included. The windows
// of all modules' SLOs are mostly the same, so each is parsed once, and
// kept (ranges), read only.
func (b *builder) rangeOf(w time.Duration) (*promparser.MatrixSelector, error) {
	if r, ok := ranges.Load(w); ok {
		return r.(*promparser.MatrixSelector), nil
	}
	text := "x[" + ir.FormatDuration(w) + "]"
	e, err := b.parse(text)
	if err != nil {
		return nil, err
	}
	r, ok := e.(*promparser.MatrixSelector)
	if !ok {
		return nil, fmt.Errorf("internal error: module %s: %s parses as %T, not a range selector", b.m.Name, text, e)
	}
	ranges.Store(w, r)
	return r, nil
}

// ranges holds rangeOf's range selectors by window.
var ranges sync.Map // time.Duration → *promparser.MatrixSelector

// checkSame checks that an expression printed by a rangedExpr is what
// parsing and printing its own text gives.
func (b *builder) checkSame(e intstr.IntOrString, text string) error {
	want, err := b.expr(text)
	if err != nil {
		return err
	}
	if e.StrVal != want.StrVal {
		return fmt.Errorf("internal error: module %s: expression printed for another range\n%s\ndiffers from its text's\n%s", b.m.Name, e.StrVal, want.StrVal)
	}
	return nil
}

// rangedExpr prints an expression whose range selectors all have the same
// range for one range after another: each time what parsing the expression
// with that range and printing it (promparser.Prettify) gives.
//
// Setting a range on every range selector of the tree gives the tree that
// parsing with that range gives, and the first range of each length is
// printed from it. Prettify lays a tree out by the length of each node's
// text alone (it splits a node longer than 100 characters), and a range
// selector's range is in its text once, as "[<range>]". So ranges whose
// text is as long ("[1h]", "[3d]") give the same layout, differing only in
// that text: the expression for the second is that of the first with the
// text replaced, provided it occurs there once per range selector, that
// is, nowhere else (not in a label value).
type rangedExpr struct {
	tree   promparser.Expr
	pr     *printer
	ranges []*promparser.MatrixSelector // of tree
	// printed holds, by the length of a range's text, the last expression
	// printed with such a range and the range's text.
	printed map[int]printedRange
}

type printedRange struct{ rangeText, expr string }

func newRangedExpr(tree promparser.Expr, pr *printer) *rangedExpr {
	e := &rangedExpr{tree: tree, pr: pr, printed: map[int]printedRange{}}
	promparser.Inspect(tree, func(n promparser.Node, _ []promparser.Node) error {
		if ms, ok := n.(*promparser.MatrixSelector); ok {
			e.ranges = append(e.ranges, ms)
		}
		return nil
	})
	return e
}

// print prints the expression with the range of r, a range selector
// without modifiers: r.ShortString() is its range's text, "[<range>]".
func (e *rangedExpr) print(r *promparser.MatrixSelector) string {
	rangeText := r.ShortString()
	if p, ok := e.printed[len(rangeText)]; ok && strings.Count(p.expr, p.rangeText) == len(e.ranges) {
		return strings.ReplaceAll(p.expr, p.rangeText, rangeText)
	}
	for _, ms := range e.ranges {
		ms.Range, ms.RangeExpr = r.Range, r.RangeExpr
	}
	expr := e.pr.prettify(e.tree) // checked with the rest (builder.checkSame)
	e.printed[len(rangeText)] = printedRange{rangeText: rangeText, expr: expr}
	return expr
}

// sliExpr is the error ratio of an SLO over w, summed over the whole module.
//
// Every window, including 1d, 3d and the SLO window (30d), is computed
// directly from the raw counters rather than from shorter recordings (Sloth's
// "optimized" avg_over_time of the 5m ratio). Averaging 5m ratios weighs a
// quiet night the same as a busy day and is wrong whenever traffic varies,
// and it is only right after the recordings have a full window of history.
// The direct form is exact from the first evaluation; its cost is one range
// read over the window per evaluation, small for the bounded series a module
// declares.
//
// Zero traffic: the denominator is filtered with `> 0`, so a window without
// events has no sample instead of NaN. No events means no budget spent: the
// burn-rate alerts cannot fire and dashboards show a gap, not a misleading
// NaN. Ratio SLIs also fall back to 0 errors (`or 0 * total`) when the error
// series do not exist yet (client libraries create a series on its first
// increment), so a service that never failed reads 0, not "no data".
//
// Raw SLIs are (errorQuery) / (totalQuery > 0) with the window substituted.
func (b *builder) sliExpr(s *ir.SLO, w time.Duration) (string, error) {
	ws := ir.FormatDuration(w)
	switch s.SLI.Kind {
	case ir.SLIRatio:
		if len(s.SLI.Errors) == 0 {
			return "", fmt.Errorf("internal error: ratio SLO %s has no error matchers", s.Name)
		}
		bad := b.m.RateSum(s.SLI.Metric, nil, ws, ir.Matchers(s.SLI.Errors)...)
		total := b.m.RateSum(s.SLI.Metric, nil, ws)
		return "(" + bad + " or 0 * " + total + ") / (" + total + " > 0)", nil
	case ir.SLILatency:
		if s.SLI.ThresholdLE == "" {
			return "", fmt.Errorf("internal error: latency SLO %s has no threshold bucket", s.Name)
		}
		// Prometheus 3 rewrites classic bucket bounds to float form on
		// scrape (le="1" becomes le="1.0"): match every spelling.
		le := ir.MatcherString(ir.Matcher{Label: "le", Values: ir.LESpellings(s.SLI.ThresholdLE)})
		good := b.m.RateSum(s.SLI.Metric+"_bucket", nil, ws, le)
		total := b.m.RateSum(s.SLI.Metric+"_count", nil, ws)
		return "1 - " + good + " / (" + total + " > 0)", nil
	case ir.SLIRaw:
		// The user's queries, checked and confined by compile. Unlike ratio
		// SLIs there is no `or 0 * total` fallback: obsc cannot know which
		// series the error query would read as zero.
		if s.SLI.ErrorQuery == "" || s.SLI.TotalQuery == "" {
			return "", fmt.Errorf("internal error: raw SLO %s has no queries", s.Name)
		}
		return "(" + ir.RawQuery(s.SLI.ErrorQuery, ws) + ") / (" + ir.RawQuery(s.SLI.TotalQuery, ws) + " > 0)", nil
	}
	return "", fmt.Errorf("internal error: SLO %s has unknown SLI kind %q", s.Name, s.SLI.Kind)
}

// burnExpr is the multi-window multi-burn-rate condition of one tier:
//
//	(sli_long1 > f1 * budget and sli_short1 > f1 * budget) or (long2 ... )
//
// The SLI recordings of one SLO carry the same labels (module, slo), so `and`
// matches them one to one, and `or` (which ignores the metric name) keeps one
// series per SLO when several conditions hold.
func (b *builder) burnExpr(s *ir.SLO, brs []ir.BurnRate) string {
	budget := num(budgetOf(s))
	parts := make([]string, len(brs))
	for i, br := range brs {
		th := "(" + num(br.Factor) + " * " + budget + ")"
		parts[i] = "(" + b.sloSelector(ir.SLIErrorRecord(br.Long), s) + " > " + th +
			" and " + b.sloSelector(ir.SLIErrorRecord(br.Short), s) + " > " + th + ")"
	}
	return strings.Join(parts, " or ")
}

// sloTier is an enabled alert tier of an SLO with its conditions, and the
// labels and annotations of its alert, built once for the rule and the
// tests that expect it.
type sloTier struct {
	name      string // ir.TierPage or ir.TierTicket
	tier      *ir.Tier
	burnRates []ir.BurnRate

	labels, annotations map[string]string // sloAlertLabels, sloAlertAnnotations
}

// sloTiers returns the enabled tiers that have conditions, page first.
func sloTiers(m *ir.Module, s *ir.SLO) []sloTier {
	var out []sloTier
	for _, t := range []struct {
		name string
		tier *ir.Tier
	}{{ir.TierPage, s.Page}, {ir.TierTicket, s.Ticket}} {
		if t.tier == nil {
			continue
		}
		st := sloTier{name: t.name, tier: t.tier}
		for _, br := range s.BurnRates {
			if br.Tier == t.name {
				st.burnRates = append(st.burnRates, br)
			}
		}
		if len(st.burnRates) > 0 {
			st.labels, st.annotations = sloAlertLabels(m, s, st), sloAlertAnnotations(m, s, st)
			out = append(out, st)
		}
	}
	return out
}

// sloLabels are the identity labels of every SLO rule.
func sloLabels(m *ir.Module, s *ir.SLO) map[string]string {
	return map[string]string{ir.LabelModule: m.Name, ir.LabelSLO: s.Name}
}

// sloAlertLabels: team, the tier's extra labels, then severity and the
// identity labels (module, slo, slo_tier), which the user cannot override.
func sloAlertLabels(m *ir.Module, s *ir.SLO, t sloTier) map[string]string {
	l := map[string]string{}
	if m.Team != "" {
		l[ir.LabelTeam] = m.Team
	}
	for k, v := range t.tier.Labels {
		l[k] = v
	}
	if t.tier.Severity != "" {
		l[ir.LabelSeverity] = t.tier.Severity
	}
	for k, v := range sloLabels(m, s) {
		l[k] = v
	}
	l[ir.LabelTier] = t.name
	return l
}

// sloAlertAnnotations are a summary and a description naming the objective
// and the conditions, runbook_url, then the tier's extra annotations. The
// defaults are plain text (no templates), so they read the same in every
// notification.
func sloAlertAnnotations(m *ir.Module, s *ir.SLO, t sloTier) map[string]string {
	an := map[string]string{
		AnnotationSummary: fmt.Sprintf("SLO %s of module %s is burning its error budget too fast", s.Name, m.Name),
	}
	conds := make([]string, len(t.burnRates))
	for i, br := range t.burnRates {
		conds[i] = fmt.Sprintf("%sx the budget over %s and %s", num(br.Factor), ir.FormatDuration(br.Long), ir.FormatDuration(br.Short))
	}
	desc := fmt.Sprintf("Objective %s%% over %s. The %s alert fires when the error ratio exceeds %s.",
		num(s.Objective), ir.FormatDuration(s.Window), t.name, strings.Join(conds, ", or "))
	if s.Description != "" {
		desc = s.Description + "\n" + desc
	}
	an[AnnotationDescription] = desc
	if m.RunbookBase != "" {
		an[AnnotationRunbook] = m.RunbookBase + "#" + t.tier.Name
	}
	for k, v := range t.tier.Annotations {
		an[k] = v
	}
	return an
}

func copyLabels(l map[string]string) map[string]string {
	out := make(map[string]string, len(l))
	for k, v := range l {
		out[k] = v
	}
	return out
}

// budgetOf is the error budget rounded to 12 significant digits, so 99.9
// gives 0.001 and not 0.0010000000000000009.
func budgetOf(s *ir.SLO) float64 { return roundSig(s.ErrorBudget()) }

// roundSig rounds f to 12 significant digits, removing the binary noise of
// decimal arithmetic.
func roundSig(f float64) float64 {
	if f == 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return f
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 12, 64), 64)
	if err != nil {
		return f
	}
	return r
}

// num prints a number as a PromQL literal.
func num(f float64) string { return ir.FormatFloat(f) }
