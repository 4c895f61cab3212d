package importer

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
)

// Rules imports Prometheus rule files (groups: [...]) and PrometheusRule
// objects: one module per file (named after the PrometheusRule, else the
// file), every alerting rule an alert. Error-ratio and quantile alerts
// become errorRatio and quantile, including the two broken shapes of the
// TinySystems seed page (rewritten correctly, with a comment saying what
// was fixed); any other expression is kept as expr. Recording rules are
// not imported (a comment lists them).
func Rules(inputs []Input) ([]*Module, compile.Errors) {
	e := &errs{}
	var out []*Module
	for _, in := range inputs {
		docs, perr := documents(in.Name, in.Data)
		e.list = append(e.list, perr...)
		for i, d := range docs {
			if m := rulesDoc(e, d, in.Name, i, len(docs)); m != nil {
				out = append(out, m)
			}
		}
	}
	if len(e.list) > 0 {
		return nil, e.list.Sort()
	}
	return out, nil
}

func rulesDoc(e *errs, d node, file string, idx, n int) *Module {
	before := len(e.list)
	if !d.isMap() {
		e.at(d, "", "a rule file is a mapping, not %s", describe(d))
		return nil
	}
	base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(file), ".yaml"), ".yml")
	if n > 1 {
		base = fmt.Sprintf("%s-%d", base, idx+1)
	}
	groups, namespace, from := d.get("groups"), "", "a Prometheus rule file"
	if v := d.get("apiVersion"); v.ok() {
		av := e.str(v, "apiVersion", true, d)
		k := e.str(d.get("kind"), "kind", true, d)
		if !strings.HasPrefix(av, "monitoring.coreos.com/") || k != "PrometheusRule" {
			e.at(v, "obsc imports rule files and monitoring.coreos.com/v1 PrometheusRule objects", "unknown object %s %s", av, k)
			return nil
		}
		if nm := e.str(d.get("metadata").get("name"), "metadata.name", false, d); nm != "" {
			base = nm
		}
		namespace = e.str(d.get("metadata").get("namespace"), "metadata.namespace", false, d)
		groups, from = d.get("spec").get("groups"), "a PrometheusRule"
	}
	if !groups.isSeq() {
		e.at(d, "", "field 'groups' must be a list of rule groups")
		return nil
	}
	m := newModule(moduleName(base), from)
	if m.Name == "" {
		m.Name = "imported"
	}
	m.Namespace = namespace
	m.addSource(file)
	var records []string
	teams := map[string]bool{}
	for _, g := range groups.items() {
		rules := g.get("rules")
		if !rules.isSeq() {
			e.at(g, "", "field 'rules' must be a list")
			continue
		}
		for _, r := range rules.items() {
			if rec := r.get("record"); rec.ok() {
				records = append(records, e.str(rec, "record", true, r))
				continue
			}
			if a := rulesAlert(e, m, r, teams); a != nil {
				name := r.get("alert")
				if prev, dup := m.alertPos[a.Name]; dup {
					e.list = append(e.list, &compile.Error{Pos: name.pos(), Msg: fmt.Sprintf("duplicate alert name %q", a.Name),
						Hint: "obsc alerts are named uniquely per module; rename one", Related: []ir.Pos{prev}})
					continue
				}
				m.alertPos[a.Name] = name.pos()
				m.Alerts = append(m.Alerts, a)
			}
		}
	}
	if len(records) > 0 {
		m.Notes = append(m.Notes, "Recording rules not imported (obsc writes its own): "+strings.Join(records, ", ")+".")
	}
	if len(teams) == 1 {
		for t := range teams {
			m.Team = t
		}
	}
	if len(e.list) > before {
		return nil
	}
	return m
}

func rulesAlert(e *errs, m *Module, r node, teams map[string]bool) *Alert {
	before := len(e.list)
	raw := e.str(r.get("alert"), "alert", true, r)
	exprNode := r.get("expr")
	text := strings.TrimSpace(e.str(exprNode, "expr", true, r))
	if len(e.list) > before {
		return nil
	}
	a := &Alert{Name: alertName(raw)}
	if a.Name != raw {
		a.Comments = append(a.Comments, fmt.Sprintf("Alert %q renamed: not a valid alert name.", raw))
	}
	a.For = e.duration(r, "for", "5m")
	a.KeepFiringFor = e.duration(r, "keep_firing_for", "10m")
	lbls := e.strMap(r.get("labels"), "labels")
	ann := e.strMap(r.get("annotations"), "annotations")
	ex, err := promParser.ParseExpr(text)
	if err != nil {
		e.at(exprNode, "", "invalid PromQL: %s", parseErrMsg(err))
	}
	if len(e.list) > before {
		return nil
	}
	a.Severity = lbls["severity"]
	delete(lbls, "severity")
	if t, ok := lbls[ir.LabelTeam]; ok {
		teams[t] = true
		if len(teams) > 1 {
			a.Comments = append(a.Comments, fmt.Sprintf("TODO(import): label team=%q dropped: obsc sets one team per module.", t))
		}
		delete(lbls, ir.LabelTeam)
	}
	for _, k := range ir.SortedKeys(lbls) {
		switch k {
		case ir.LabelModule, ir.LabelSLO, ir.LabelTier, "alertname":
			a.Comments = append(a.Comments, fmt.Sprintf("Label %s=%q dropped: obsc sets %s itself.", k, lbls[k], k))
			delete(lbls, k)
		}
	}
	a.Summary, a.Description = ann["summary"], ann["description"]
	delete(ann, "summary")
	delete(ann, "description")
	if u, ok := ann["runbook_url"]; ok {
		a.Comments = append(a.Comments, fmt.Sprintf("TODO(import): runbook_url %q dropped: set module.runbookBase (obsc links <base>#<alert>).", u))
		delete(ann, "runbook_url")
	}
	if len(lbls) > 0 {
		a.Labels = lbls
	}
	if len(ann) > 0 {
		a.Annotations = ann
	}
	refs := templateLabels(a.Summary, a.Description)
	for _, v := range ann {
		refs = append(refs, templateLabels(v)...)
	}
	if !recognize(m, a, ex, refs) {
		a.Expr = text
		m.declare(ex)
	}
	unreadable(a, ex)
	return a
}

// unreadable rewrites every $labels reference of a's templates to a label
// its condition's result cannot carry, which Prometheus printed empty and
// obsc refuses: a label every selector of the input selects with = one
// value becomes that value (what the text evidently meant), any other
// becomes nothing, as Prometheus printed it, with a TODO.
func unreadable(a *Alert, ex parser.Expr) {
	var e parser.Expr
	var by []string
	switch {
	case a.ErrorRatio != nil:
		by = a.ErrorRatio.By
	case a.Quantile != nil:
		by = a.Quantile.By
	default:
		e = ex
	}
	// Every template of the alert, as a way to read and to write it.
	type text struct {
		get func() string
		set func(string)
	}
	texts := []text{
		{func() string { return a.Summary }, func(s string) { a.Summary = s }},
		{func() string { return a.Description }, func(s string) { a.Description = s }},
	}
	for _, m := range []map[string]string{a.Labels, a.Annotations} {
		for _, k := range ir.SortedKeys(m) {
			texts = append(texts, text{func() string { return m[k] }, func(s string) { m[k] = s }})
		}
	}
	var names []string
	consts := map[string]string{}
	for _, t := range texts {
		for _, l := range compile.UnreadableLabels(e, by, t.get()) {
			if _, ok := consts[l]; !ok {
				consts[l] = selectedValue(ex, l)
				names = append(names, l)
			}
		}
	}
	if len(names) == 0 {
		return
	}
	for _, t := range texts {
		s, _ := rewriteLabelRefs(t.get(), consts, nil)
		t.set(s)
	}
	for _, l := range names {
		if v := consts[l]; v != "" {
			a.Comments = append(a.Comments, fmt.Sprintf("Fixed: $labels.%s read empty, since the condition's result has no %s label; written as %q, the value every selector of the input selects.", l, l, v))
		} else {
			a.Comments = append(a.Comments, fmt.Sprintf("TODO(import): $labels.%s read empty, since the condition's result has no %s label, and is left out; keep %s in the condition (by) if the text should name it.", l, l, l))
		}
	}
}

// selectedValue is the value every selector of e matches label l with =,
// or "" when they do not all select one.
func selectedValue(e parser.Expr, l string) string {
	value, all := "", true
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		v := ""
		for _, m := range vs.LabelMatchers {
			if m.Name == l && m.Type == labels.MatchEqual {
				v = m.Value
			}
		}
		if v == "" || (value != "" && v != value) {
			all = false
		}
		value = v
		return nil
	})
	if !all {
		return ""
	}
	return value
}

// recognize turns `ratio > x` and `histogram_quantile(...) > x` into
// errorRatio and quantile alerts, fixing the seed page's two mistakes.
// It reports false when the expression has another shape.
func recognize(m *Module, a *Alert, ex parser.Expr, refs []string) bool {
	cmp, ok := compile.Unwrap(ex).(*parser.BinaryExpr)
	if !ok || cmp.Op != parser.GTR || cmp.ReturnBool || cmp.VectorMatching != nil && len(cmp.VectorMatching.MatchingLabels) > 0 {
		return false
	}
	th, ok := compile.Unwrap(cmp.RHS).(*parser.NumberLiteral)
	if !ok {
		return false
	}
	switch lhs := compile.Unwrap(cmp.LHS).(type) {
	case *parser.BinaryExpr:
		return recognizeRatio(m, a, lhs, th.Val, refs)
	case *parser.Call:
		return recognizeQuantile(m, a, lhs, th.Val, refs)
	}
	return false
}

func recognizeRatio(m *Module, a *Alert, div *parser.BinaryExpr, above float64, refs []string) bool {
	if div.Op != parser.DIV || div.ReturnBool || !(above > 0 && above < 1) {
		return false
	}
	if vm := div.VectorMatching; vm != nil && (len(vm.MatchingLabels) > 0 || len(vm.Include) > 0 || vm.Card != parser.CardOneToOne) {
		return false
	}
	var ev, tv *parser.VectorSelector
	var er, tr = window, window
	var by []string
	broken := false
	if v, r, g, ok := sumRate(div.LHS); ok {
		v2, r2, g2, ok2 := sumRate(div.RHS)
		if !ok2 || !sameSet(g, g2) {
			return false
		}
		ev, er, tv, tr, by = v, r, v2, r2, g
	} else if v, r, ok := rateOf(div.LHS); ok {
		v2, r2, ok2 := rateOf(div.RHS)
		if !ok2 {
			return false
		}
		ev, er, tv, tr, broken = v, r, v2, r2, true
	} else {
		return false
	}
	if er != window || tr != window || ev.Name != tv.Name || !strings.HasSuffix(ev.Name, "_total") {
		return false
	}
	common, extra, ok := split(matcherSet(ev), matcherSet(tv))
	if !ok || !onlyTarget(common) {
		return false
	}
	errs, ok := errorMatchers(extra)
	if !ok {
		return false
	}
	if broken {
		for _, l := range refs {
			if _, isErr := errs[l]; !isErr && l != ir.LabelModule && labelNameRE.MatchString(l) {
				by = append(by, l)
			}
		}
		a.Comments = append(a.Comments, fmt.Sprintf(
			"Fixed: the input divided rate(%s{%s}) by rate(%s) series by series; one-to-one matching keeps %s, so each error series was divided by itself and the ratio always read 1. Both sides are now summed by (%s).",
			ev.Name, strings.Join(matcherStrings(extra), ", "), ev.Name, strings.Join(ir.SortedKeys(errs), ", "), strings.Join(by, ", ")))
	}
	for _, l := range by {
		if _, isErr := errs[l]; isErr {
			return false // compile refuses it; keep the expression as written
		}
	}
	if len(common) > 0 {
		a.Comments = append(a.Comments, fmt.Sprintf("The input selected %s; obsc selects module=%q instead.", matchersText(common), m.Name))
	}
	a.ErrorRatio = &ErrorRatio{Metric: ev.Name, Errors: errs, By: by}
	a.Above = above
	m.declareSelector(ev.Name, ev, true)
	for _, l := range by {
		m.declareByLabel(ev.Name, l)
	}
	return true
}

func recognizeQuantile(m *Module, a *Alert, c *parser.Call, above float64, refs []string) bool {
	if c.Func.Name != "histogram_quantile" || len(c.Args) != 2 {
		return false
	}
	ql, ok := compile.Unwrap(c.Args[0]).(*parser.NumberLiteral)
	if !ok || !(ql.Val > 0 && ql.Val < 1) {
		return false
	}
	var vs *parser.VectorSelector
	var rng time.Duration
	var by []string
	if agg, isAgg := compile.Unwrap(c.Args[1]).(*parser.AggregateExpr); isAgg {
		v, r, g, ok := sumRate(agg)
		if !ok || !contains(g, "le") {
			return false
		}
		vs, rng = v, r
		for _, l := range g {
			if l != "le" {
				by = append(by, l)
			}
		}
	} else if v, r, ok := rateOf(c.Args[1]); ok {
		vs, rng = v, r
		for _, l := range refs {
			if l != "le" && l != ir.LabelModule && labelNameRE.MatchString(l) {
				by = append(by, l)
			}
		}
		a.Comments = append(a.Comments, fmt.Sprintf(
			"Fixed: the input applied histogram_quantile to rate(%s) per series, one quantile per pod and label set; the buckets are now summed by (le%s) first.",
			vs.Name, prefixed(by)))
	} else {
		return false
	}
	metric, ok := strings.CutSuffix(vs.Name, "_bucket")
	if !ok || rng != window || strings.HasSuffix(metric, "_total") {
		return false
	}
	sel := matcherSet(vs)
	if !onlyTarget(sel) {
		return false
	}
	if len(sel) > 0 {
		a.Comments = append(a.Comments, fmt.Sprintf("The input selected %s; obsc selects module=%q instead.", matchersText(sel), m.Name))
	}
	mt := m.declareHistogram(metric)
	if mt == nil {
		return false
	}
	// histogram_quantile never exceeds the largest finite bucket: make sure
	// the placeholder buckets reach above the threshold, as the real ones must.
	if above >= defBuckets[len(defBuckets)-1] {
		if mt.LEs == nil {
			mt.LEs = map[float64]bool{}
		}
		mt.LEs[above*2] = true
	}
	a.Quantile = &Quantile{Metric: metric, Q: ql.Val, By: by}
	a.Above = above
	for _, l := range by {
		m.declareByLabel(metric, l)
	}
	return true
}

// declareHistogram declares metric as a histogram (nil if it cannot be).
func (m *Module) declareHistogram(metric string) *Metric {
	m.declareSelector(metric+"_bucket", &parser.VectorSelector{Name: metric + "_bucket"}, true)
	mt := m.Metrics[metric]
	if mt == nil || mt.Type != ir.Histogram {
		return nil
	}
	return mt
}

// declareByLabel declares an aggregation label of an errorRatio or
// quantile alert on its metric (compile checks by against the metric).
func (m *Module) declareByLabel(metric, l string) {
	mt := m.Metrics[metric]
	if mt == nil || compile.TargetLabel(l) || compile.ReservedLabel(l) {
		return
	}
	mt.Labels[l] = true
	if m.Labels[l] == nil {
		m.Labels[l] = &Label{Allow: compile.HighCardinalityLabel(l)}
	}
}

func matcherStrings(ms []*labels.Matcher) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.String()
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !contains(b, x) {
			return false
		}
	}
	return true
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func prefixed(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return ", " + strings.Join(xs, ", ")
}
