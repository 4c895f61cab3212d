package prometheus

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
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

// builder turns the IR into rule groups. An expression the user wrote
// (an AlertExpr alert, a raw SLI's queries) goes through expr, which
// parses it and prints it back in canonical form. The expressions obsc
// writes itself are built as the tree the parser would make of their text
// and printed (built, and rangedExpr for the windows of an SLI): parsing
// was most of what a rule cost. Under targets.SelfCheck each is compared
// with what parsing and printing its text gives.
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
	nodes     map[selectorKey]*promparser.VectorSelector
	// alertTrees holds the parsed expressions of the AlertExpr alerts,
	// which the builder parses and the tests inspect.
	alertTrees map[*ir.Alert]promparser.Expr
	// durations and records hold ir.FormatDuration and ir.SLIErrorRecord
	// of the windows and times the module's rules and tests name.
	durations, records map[time.Duration]string
	// err is the first internal error of a check under targets.SelfCheck.
	err error
}

type selectorKey struct{ record, slo string }

func newDerived(m *ir.Module) *derived {
	return &derived{
		m:          m,
		tiers:      map[*ir.SLO][]sloTier{},
		selectors:  map[selectorKey]string{},
		nodes:      map[selectorKey]*promparser.VectorSelector{},
		alertTrees: map[*ir.Alert]promparser.Expr{},
		durations:  map[time.Duration]string{},
		records:    map[time.Duration]string{},
	}
}

// duration is ir.FormatDuration(w).
func (d *derived) duration(w time.Duration) string { return memo(d.durations, w, ir.FormatDuration) }

// sliRecord is ir.SLIErrorRecord(w).
func (d *derived) sliRecord(w time.Duration) string { return memo(d.records, w, ir.SLIErrorRecord) }

// memo returns f(k), kept in m.
func memo[K comparable, V any](m map[K]V, k K, f func(K) V) V {
	v, ok := m[k]
	if !ok {
		v = f(k)
		m[k] = v
	}
	return v
}

// sloTiers returns the enabled tiers of s that have conditions, page
// first.
func (d *derived) sloTiers(s *ir.SLO) []sloTier {
	t, ok := d.tiers[s]
	if !ok {
		t = sloTiers(d, s)
		d.tiers[s] = t
	}
	return t
}

// sloSelector selects one of the SLO's recorded series.
func (d *derived) sloSelector(record string, s *ir.SLO) string {
	k := selectorKey{record, s.Name}
	sel, ok := d.selectors[k]
	if !ok {
		// ir.Module.Selector with the slo matcher, written into one buffer:
		// record{module="<m>", slo="<s>"}, each value as strconv.Quote
		// writes it (appendQuote).
		b := make([]byte, 0, len(record)+len(d.m.Name)+len(s.Name)+24)
		b = append(b, record...)
		b = append(b, "{"+ir.LabelModule+"="...)
		b = appendQuote(b, d.m.Name)
		b = append(b, ", "+ir.LabelSLO+"="...)
		b = appendQuote(b, s.Name)
		sel = string(append(b, '}'))
		if targets.SelfCheck && d.err == nil {
			if want := d.m.Selector(record, ir.MatcherString(ir.Matcher{Label: ir.LabelSLO, Values: []string{s.Name}})); sel != want {
				d.err = fmt.Errorf("internal error: module %s: SLO %s: selector written as %s, not as %s", d.m.Name, s.Name, sel, want)
			}
		}
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
	var e intstr.IntOrString
	if a.Kind == ir.AlertExpr {
		// The user's: parsed, and the tree kept for the tests.
		tree, err := b.parse(a.Expr)
		if err != nil {
			return monitoringv1.Rule{}, err
		}
		b.alertTrees[a] = tree
		s, err := b.prettify(tree)
		if err != nil {
			return monitoringv1.Rule{}, err
		}
		e = intstr.FromString(s)
	} else {
		tree, err := b.alertTree(a)
		if err != nil {
			return monitoringv1.Rule{}, err
		}
		if e, err = b.built(tree, func() string { text, _ := b.alertExpr(a); return text }); err != nil {
			return monitoringv1.Rule{}, err
		}
	}
	r := monitoringv1.Rule{
		Alert:       a.Name,
		Expr:        e,
		For:         forDuration(a.For),
		Labels:      alertLabels(b.m, a),
		Annotations: alertAnnotations(b.m, a),
	}
	if a.KeepFiringFor > 0 {
		d := monitoringv1.NonEmptyDuration(ir.FormatDuration(a.KeepFiringFor))
		r.KeepFiringFor = &d
	}
	return r, nil
}

// alertTree is the tree of alertExpr's text for the alerts obsc writes
// the expression of (not AlertExpr).
func (b *builder) alertTree(a *ir.Alert) (promparser.Expr, error) {
	if _, err := b.rateWindow(); err != nil {
		return nil, err
	}
	r, err := b.rangeOf(b.m.RateWindow)
	if err != nil {
		return nil, err
	}
	switch a.Kind {
	case ir.AlertErrorRatio:
		ratio := binary(promparser.DIV, b.rateSum(a.Metric, a.By, r, a.Errors...), b.rateSum(a.Metric, a.By, r))
		return binary(promparser.GTR, ratio, number(a.Above)), nil
	case ir.AlertQuantile:
		// QuantileExpr
		by := append(append(make([]string, 0, len(a.By)+1), a.By...), "le")
		q := &promparser.Call{Func: promparser.Functions["histogram_quantile"], Args: promparser.Expressions{
			number(a.Q), b.rateSum(a.Metric+"_bucket", by, r),
		}}
		return binary(promparser.GTR, q, number(a.Above)), nil
	}
	return nil, fmt.Errorf("internal error: alert %s has unknown kind %q", a.Name, a.Kind)
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

	// The rules below are obsc's own arithmetic on the SLO's recorded
	// series: their trees are built rather than parsed (built).
	budget := s.ErrorBudget()
	meta := []struct {
		record string
		tree   promparser.Expr
	}{
		{ir.RecObjective, vectorOf(s.ObjectiveRatio())},
		{ir.RecErrorBudget, vectorOf(budget)},
		{ir.RecBurnRate, binary(promparser.DIV, b.sloNode(b.sliRecord(sliShortWindow), s), number(budget))},
		{ir.RecPeriodBurnRate, binary(promparser.DIV, b.sloNode(b.sliRecord(s.Window), s), number(budget))},
		{ir.RecBudgetRemaining, binary(promparser.SUB, number(1), b.sloNode(ir.RecPeriodBurnRate, s))},
	}
	// The rules share their labels, which nothing modifies.
	metaLabels := copyLabels(ids)
	metaLabels[ir.LabelWindow] = b.duration(s.Window)
	for i, r := range meta {
		e, err := b.built(r.tree, func() string { return b.metaText(s, i) })
		if err != nil {
			return g, err
		}
		g.Rules = append(g.Rules, monitoringv1.Rule{Record: r.record, Expr: e, Labels: metaLabels})
	}

	for _, t := range b.sloTiers(s) {
		e, err := b.built(b.burnTree(s, t.burnRates), func() string { return b.burnExpr(s, t.burnRates) })
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

// metaText is the text of the i-th recording of an SLO after its SLIs,
// whose tree sloGroup builds.
func (b *builder) metaText(s *ir.SLO, i int) string {
	budget := num(s.ErrorBudget())
	return [...]string{
		"vector(" + num(s.ObjectiveRatio()) + ")",
		"vector(" + budget + ")",
		b.sloSelector(ir.SLIErrorRecord(sliShortWindow), s) + " / " + budget,
		b.sloSelector(ir.SLIErrorRecord(s.Window), s) + " / " + budget,
		"1 - " + b.sloSelector(ir.RecPeriodBurnRate, s),
	}[i]
}

// built prints tree, an expression obsc builds rather than parses, whose
// text is text(): under targets.SelfCheck what it prints must be what
// parsing and printing the text gives.
func (b *builder) built(tree promparser.Expr, text func() string) (intstr.IntOrString, error) {
	e := intstr.FromString(b.pr.prettify(tree))
	if targets.SelfCheck {
		if err := b.checkSame(e, text()); err != nil {
			return intstr.IntOrString{}, err
		}
	}
	return e, nil
}

// The nodes of built expressions, as the parser makes them of their text
// (for what the printer prints of them).

// number is a number literal: the parser's value of num(f) is f.
func number(f float64) *promparser.NumberLiteral { return &promparser.NumberLiteral{Val: f} }

// vectorOf is vector(f).
func vectorOf(f float64) promparser.Expr {
	return &promparser.Call{Func: promparser.Functions["vector"], Args: promparser.Expressions{number(f)}}
}

func binary(op promparser.ItemType, lhs, rhs promparser.Expr) *promparser.BinaryExpr {
	return &promparser.BinaryExpr{Op: op, LHS: lhs, RHS: rhs}
}

func paren(e promparser.Expr) *promparser.ParenExpr { return &promparser.ParenExpr{Expr: e} }

// sloNode is the selector of one of the SLO's recorded series
// (sloSelector), built once per module: metric{module="<m>", slo="<s>"}.
func (d *derived) sloNode(record string, s *ir.SLO) *promparser.VectorSelector {
	k := selectorKey{record, s.Name}
	if vs, ok := d.nodes[k]; ok {
		return vs
	}
	// The selector and its matchers in one allocation.
	n := &struct {
		vs  promparser.VectorSelector
		ptr [3]*labels.Matcher
		ms  [3]labels.Matcher
	}{ms: [3]labels.Matcher{
		{Type: labels.MatchEqual, Name: ir.LabelModule, Value: d.m.Name},
		{Type: labels.MatchEqual, Name: ir.LabelSLO, Value: s.Name},
		{Type: labels.MatchEqual, Name: prommodel.MetricNameLabel, Value: record},
	}}
	n.ptr = [3]*labels.Matcher{&n.ms[0], &n.ms[1], &n.ms[2]}
	n.vs = promparser.VectorSelector{Name: record, LabelMatchers: n.ptr[:]}
	d.nodes[k] = &n.vs
	return &n.vs
}

// burnTree is the tree of burnExpr's text.
func (b *builder) burnTree(s *ir.SLO, brs []ir.BurnRate) promparser.Expr {
	budget := s.ErrorBudget()
	var out promparser.Expr
	for _, br := range brs {
		th := paren(binary(promparser.MUL, number(br.Factor), number(budget)))
		part := paren(binary(promparser.LAND,
			binary(promparser.GTR, b.sloNode(b.sliRecord(br.Long), s), th),
			binary(promparser.GTR, b.sloNode(b.sliRecord(br.Short), s), th)))
		if out == nil {
			out = part
		} else {
			out = binary(promparser.LOR, out, part)
		}
	}
	return out
}

// rateSum is the tree of ir.Module.RateSum's text over the range of r:
// sum by (by) (rate(metric{module="<m>", matchers...}[<r>])).
func (b *builder) rateSum(metric string, by []string, r *promparser.MatrixSelector, matchers ...ir.Matcher) promparser.Expr {
	ms := make([]*labels.Matcher, 0, len(matchers)+2)
	ms = append(ms, matcherNode(ir.Matcher{Label: ir.LabelModule, Values: []string{b.m.Name}}))
	for _, m := range matchers {
		ms = append(ms, matcherNode(m))
	}
	ms = append(ms, &labels.Matcher{Type: labels.MatchEqual, Name: prommodel.MetricNameLabel, Value: metric})
	rate := &promparser.Call{Func: promparser.Functions["rate"], Args: promparser.Expressions{
		&promparser.MatrixSelector{
			VectorSelector: &promparser.VectorSelector{Name: metric, LabelMatchers: ms},
			Range:          r.Range,
		},
	}}
	return &promparser.AggregateExpr{Op: promparser.SUM, Grouping: by, Expr: rate}
}

// matcherNode is the matcher of ir.MatcherString's text. It is only
// printed: a regular expression is not compiled.
func matcherNode(m ir.Matcher) *labels.Matcher {
	if len(m.Values) == 1 {
		return &labels.Matcher{Type: labels.MatchEqual, Name: m.Label, Value: m.Values[0]}
	}
	alts := make([]string, len(m.Values))
	for i, v := range m.Values {
		alts[i] = regexp.QuoteMeta(v)
	}
	return &labels.Matcher{Type: labels.MatchRegexp, Name: m.Label, Value: strings.Join(alts, "|")}
}

// sliTree is the tree of sliExpr's text for a ratio or latency SLI.
func (b *builder) sliTree(s *ir.SLO, r *promparser.MatrixSelector) (promparser.Expr, error) {
	switch s.SLI.Kind {
	case ir.SLIRatio:
		if len(s.SLI.Errors) == 0 {
			return nil, fmt.Errorf("internal error: ratio SLO %s has no error matchers", s.Name)
		}
		bad := b.rateSum(s.SLI.Metric, nil, r, s.SLI.Errors...)
		errs := paren(binary(promparser.LOR, bad, binary(promparser.MUL, number(0), b.rateSum(s.SLI.Metric, nil, r))))
		return binary(promparser.DIV, errs, paren(binary(promparser.GTR, b.rateSum(s.SLI.Metric, nil, r), number(0)))), nil
	case ir.SLILatency:
		if s.SLI.ThresholdLE == "" {
			return nil, fmt.Errorf("internal error: latency SLO %s has no threshold bucket", s.Name)
		}
		le := ir.Matcher{Label: "le", Values: ir.LESpellings(s.SLI.ThresholdLE)}
		good := b.rateSum(s.SLI.Metric+"_bucket", nil, r, le)
		total := paren(binary(promparser.GTR, b.rateSum(s.SLI.Metric+"_count", nil, r), number(0)))
		return binary(promparser.SUB, number(1), binary(promparser.DIV, good, total)), nil
	}
	return nil, fmt.Errorf("internal error: SLO %s has SLI kind %q, which has no tree", s.Name, s.SLI.Kind)
}

// sliRules returns the SLI recordings of s, one per window of ir.SLIWindows.
//
// An SLO has eight windows. The expression of a ratio or latency SLI
// differs from window to window only in the range of its rate() selectors
// (sliExpr, ir.Module.RateSum), so its tree is built once (sliTree) and
// printed for each window by a rangedExpr. Under targets.SelfCheck every window's own text is parsed
// and printed too, and must give the same. A raw SLI holds the user's
// queries, in which the window may be anywhere (a subquery range, an
// offset), so each of its windows is parsed.
func (b *builder) sliRules(s *ir.SLO, ids map[string]string) ([]monitoringv1.Rule, error) {
	windows := ir.SLIWindows(s)
	out := make([]monitoringv1.Rule, 0, len(windows))
	var ranged *rangedExpr
	for _, w := range windows {
		var e intstr.IntOrString
		if s.SLI.Kind == ir.SLIRaw {
			text, err := b.sliExpr(s, w)
			if err != nil {
				return nil, err
			}
			if e, err = b.expr(text); err != nil {
				return nil, err
			}
		} else {
			r, err := b.rangeOf(w)
			if err != nil {
				return nil, err
			}
			if ranged == nil {
				tree, err := b.sliTree(s, r)
				if err != nil {
					return nil, err
				}
				ranged = newRangedExpr(tree, &b.pr)
			}
			e = intstr.FromString(ranged.print(r))
			if targets.SelfCheck {
				text, err := b.sliExpr(s, w)
				if err != nil {
					return nil, err
				}
				if err := b.checkSame(e, text); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, monitoringv1.Rule{Record: b.sliRecord(w), Expr: e, Labels: ids}) // shared, as in sloGroup
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

// checkSame checks that an expression printed from a built tree (built, a
// rangedExpr) is what parsing and printing its own text gives.
func (b *builder) checkSame(e intstr.IntOrString, text string) error {
	want, err := b.expr(text)
	if err != nil {
		return err
	}
	if e.StrVal != want.StrVal {
		return fmt.Errorf("internal error: module %s: expression printed from its tree\n%s\ndiffers from its text's\n%s", b.m.Name, e.StrVal, want.StrVal)
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
	budget := num(s.ErrorBudget())
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
func sloTiers(d *derived, s *ir.SLO) []sloTier {
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
			st.labels, st.annotations = sloAlertLabels(d.m, s, st), sloAlertAnnotations(d, s, st)
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
func sloAlertAnnotations(d *derived, s *ir.SLO, t sloTier) map[string]string {
	m := d.m
	an := make(map[string]string, 3+len(t.tier.Annotations))
	an[AnnotationSummary] = "SLO " + s.Name + " of module " + m.Name + " is burning its error budget too fast"
	var buf [512]byte // on the stack, unless the description is longer
	desc := buf[:0]
	if s.Description != "" {
		desc = append(append(desc, s.Description...), '\n')
	}
	desc = append(desc, "Objective "...)
	desc = appendNum(desc, s.Objective)
	desc = append(desc, "% over "...)
	desc = append(desc, d.duration(s.Window)...)
	desc = append(desc, ". The "...)
	desc = append(desc, t.name...)
	desc = append(desc, " alert fires when the error ratio exceeds "...)
	for i, br := range t.burnRates {
		if i > 0 {
			desc = append(desc, ", or "...)
		}
		desc = appendNum(desc, br.Factor)
		desc = append(desc, "x the budget over "...)
		desc = append(desc, d.duration(br.Long)...)
		desc = append(desc, " and "...)
		desc = append(desc, d.duration(br.Short)...)
	}
	an[AnnotationDescription] = string(append(desc, '.'))
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

// num prints a number as a PromQL literal.
func num(f float64) string { return ir.FormatFloat(f) }

// appendNum appends num(f).
func appendNum(b []byte, f float64) []byte { return strconv.AppendFloat(b, f, 'g', -1, 64) }
