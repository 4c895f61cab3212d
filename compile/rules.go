package compile

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/compile/ir"
)

// matchers checks an error-matcher set against metric mt and returns it as
// IR matchers sorted by label. path points at the matcher map.
func (b *builder) matchers(ms matchersSpec, mt *ir.Metric, path ...any) []ir.Matcher {
	at := func(p ...any) ir.Pos { return b.at(append(append([]any{}, path...), p...)...) }
	if len(ms) == 0 {
		b.errorf(b.at(path...), `e.g. errors: {status: "error"}`, "errors must select at least one label")
		return nil
	}
	var out []ir.Matcher
	for _, l := range ir.SortedKeys(ms) {
		if !mt.HasLabel(l) {
			b.errorf(at(l), labelsHint(l, mt.Labels), "metric %s has no label %s", mt.Name, l)
			continue
		}
		var values []string
		switch v := ms[l].(type) {
		case string:
			values = []string{v}
		case []any:
			for _, x := range v {
				values = append(values, fmt.Sprint(x))
			}
		}
		if len(values) == 0 {
			b.errorf(at(l), "", "matcher %s must list at least one value", l)
			continue
		}
		decl := b.m.Label(l)
		ok := true
		for i, v := range values {
			if decl != nil && !decl.HasValue(v) {
				p := at(l)
				if _, isList := ms[l].([]any); isList {
					p = at(l, i)
				}
				b.errorf(p, suggestOrList(v, decl.Values), "%q is not a declared value of label %s", v, l)
				ok = false
			}
		}
		if ok && decl != nil && decl.Values != nil && len(values) >= len(decl.Values) {
			b.errorf(at(l), "select only the bad values", "errors match every declared value of %s: the error ratio would always be 1", l)
		}
		out = append(out, ir.Matcher{Label: l, Values: values})
	}
	return out
}

// metricRef resolves a metric reference that must be of type want.
func (b *builder) metricRef(name string, want ir.MetricType, path ...any) *ir.Metric {
	mt := b.m.Metric(name)
	if mt == nil {
		names := make([]string, 0, len(b.m.Metrics))
		for _, x := range b.m.Metrics {
			if x.Type == want {
				names = append(names, x.Name)
			}
		}
		b.errorf(b.at(path...), suggestOrList(name, names), "metric %s is not declared", name)
		return nil
	}
	if mt.Type != want {
		b.errorf(b.at(path...), "", "metric %s is a %s; this needs a %s", name, mt.Type, want)
		return nil
	}
	return mt
}

func (b *builder) byLabels(by []string, mt *ir.Metric, path ...any) {
	for i, l := range by {
		if !mt.HasLabel(l) && !targetLabels[l] {
			b.errorf(b.at(append(append([]any{}, path...), i)...), labelsHint(l, mt.Labels), "metric %s has no label %s to aggregate by", mt.Name, l)
		}
	}
}

func (b *builder) slos() {
	for _, name := range ir.SortedKeys(b.spec.SLOs) {
		ss := b.spec.SLOs[name]
		pos := b.at("slos", name)
		if !sloNameRE.MatchString(name) {
			b.errorf(pos, "SLO names match [a-z][a-z0-9_-]*", "SLO name %q is not valid", name)
		}
		slo := &ir.SLO{Name: name, Objective: ss.Objective, Description: ss.Description, Pos: pos}
		if !(ss.Objective > 0 && ss.Objective < 100) {
			b.errorf(b.at("slos", name, "objective"), "objectives are percentages, e.g. 99.9", "objective %s must be between 0 and 100 (exclusive)", ir.FormatFloat(ss.Objective))
		}
		slo.Window, _ = b.duration(ss.Window, "slos", name, "window")
		var kinds []string
		var errQuery parser.Expr // a raw SLI's errorQuery, parsed
		for _, k := range []struct {
			name string
			set  bool
		}{{"ratio", ss.Ratio != nil}, {"latency", ss.Latency != nil}, {"raw", ss.Raw != nil}} {
			if k.set {
				kinds = append(kinds, k.name)
			}
		}
		switch {
		case len(kinds) > 1:
			if len(kinds) == 2 {
				b.errorf(pos, "split it into two SLOs", "SLO %s declares both %s", name, strings.Join(kinds, " and "))
			} else {
				b.errorf(pos, "split it into one SLO per indicator", "SLO %s declares %s", name, strings.Join(kinds, ", "))
			}
		case ss.Raw != nil:
			slo.SLI = ir.SLI{Kind: ir.SLIRaw}
			slo.SLI.ErrorQuery, errQuery = b.rawQuery(ss.Raw.ErrorQuery, "slos", name, "raw", "errorQuery")
			slo.SLI.TotalQuery, _ = b.rawQuery(ss.Raw.TotalQuery, "slos", name, "raw", "totalQuery")
		case ss.Ratio != nil:
			slo.SLI = ir.SLI{Kind: ir.SLIRatio, Metric: ss.Ratio.Metric}
			if mt := b.metricRef(ss.Ratio.Metric, ir.Counter, "slos", name, "ratio", "metric"); mt != nil {
				slo.SLI.Errors = b.matchers(ss.Ratio.Errors, mt, "slos", name, "ratio", "errors")
			}
		case ss.Latency != nil:
			th := ss.Latency.Threshold
			slo.SLI = ir.SLI{Kind: ir.SLILatency, Metric: ss.Latency.Metric, Threshold: th, ThresholdLE: ir.FormatFloat(th)}
			if mt := b.metricRef(ss.Latency.Metric, ir.Histogram, "slos", name, "latency", "metric"); mt != nil {
				if !contains(mt.Buckets, th) {
					hint := nearestBuckets(mt.Buckets, th)
					if ms := th / 1000; inSeconds(mt) && th > mt.Buckets[len(mt.Buckets)-1] && contains(mt.Buckets, ms) {
						hint += fmt.Sprintf("; if %s was milliseconds, write threshold: %s (seconds, the unit of %s)", ir.FormatFloat(th), ir.FormatFloat(ms), mt.Name)
					}
					b.errorf(b.at("slos", name, "latency", "threshold"), hint,
						"latency threshold %s is not a bucket bound of %s, so no series counts requests under it", ir.FormatFloat(th), mt.Name)
				}
			}
		default:
			b.errorf(pos, `add ratio: {metric, errors}, latency: {metric, threshold} or raw: {errorQuery, totalQuery}`, "SLO %s has no indicator", name)
		}
		// What $labels can hold in the burn-rate alerts' templates: the
		// labels of the SLI series they select, which are the SLI
		// ratio's (the error query's for a raw SLI: a one-to-one
		// division keeps its left side's labels; none for ratio and
		// latency, which sum) plus module and slo, set by the recording
		// rule.
		var result *labelSet
		switch {
		case len(kinds) != 1:
		case ss.Raw != nil:
			if errQuery != nil {
				r := resultLabels(errQuery).add(ir.LabelModule, ir.LabelSLO)
				result = &r
			}
		default:
			r := closedSet(ir.LabelModule, ir.LabelSLO)
			result = &r
		}
		refs := sloRefs{b: b, slo: name, result: result, raw: ss.Raw != nil}
		slo.Page = b.tier(ss.Alerting.Page, name, ir.TierPage, "critical", refs)
		slo.Ticket = b.tier(ss.Alerting.Ticket, name, ir.TierTicket, "warning", refs)
		slo.BurnRates = ir.BurnRates(slo.Window, slo.Page != nil, slo.Ticket != nil)
		b.template([]any{"slos", name, "description"}, ss.Description)
		refs.check("", ss.Description, "slos", name, "description")
		for _, br := range slo.BurnRates {
			// A burn-rate alert compares an error ratio (at most 1) with
			// factor x budget: at or above 1 it can never fire.
			if limit := br.Factor * slo.ErrorBudget(); limit >= 1 && ss.Objective > 0 && ss.Objective < 100 {
				hint := fmt.Sprintf("raise the objective, or set alerting: %s: false", br.Tier)
				if ss.Objective < 1 {
					// Most likely a ratio written where a percent goes.
					pct := ir.FormatFloat(roundTo(ss.Objective*100, 6))
					hint = fmt.Sprintf("objective is a percent: %s means %s%%; for %s%% write objective: %s",
						ir.FormatFloat(ss.Objective), ir.FormatFloat(ss.Objective), pct, pct)
				}
				b.errorf(b.at("slos", name, "objective"), hint,
					"the %s alert can never fire: burn rate %s x error budget %s = %s, and an error ratio cannot exceed 1",
					br.Tier, ir.FormatFloat(br.Factor), ir.FormatFloat(roundTo(slo.ErrorBudget(), 6)), ir.FormatFloat(roundTo(limit, 6)))
				break
			}
		}
		// A burn-rate window rates the SLI's counters: under two scrape
		// intervals it mostly holds one sample and returns nothing.
		if iv := b.m.Scrape.Interval; iv > 0 {
			for _, br := range slo.BurnRates {
				if br.Short < 2*iv {
					b.errorf(pos, fmt.Sprintf("scrape at least every %s, or set alerting: %s: false", ir.FormatDuration(br.Short/2), br.Tier),
						"the %s alert of SLO %s reads a %s window, under two scrapes at scrape.interval %s: it mostly holds one sample, so the alert misses",
						br.Tier, name, ir.FormatDuration(br.Short), ir.FormatDuration(iv))
					break
				}
			}
		}
		longest := 24 * time.Hour
		for _, br := range slo.BurnRates {
			longest = max(longest, br.Long)
		}
		if slo.Window > 0 && slo.Window < longest {
			b.errorf(b.at("slos", name, "window"), fmt.Sprintf("use at least %s", ir.FormatDuration(longest)),
				"SLO window %s is shorter than its longest alerting window %s", ir.FormatDuration(slo.Window), ir.FormatDuration(longest))
		}
		b.m.SLOs = append(b.m.SLOs, slo)
	}
}

// tier decodes alerting.page / alerting.ticket: false, or a struct whose
// severity, name, labels and annotations are known and whose other string
// fields are extra labels.
func (b *builder) tier(v any, slo, tier, severity string, refs sloRefs) *ir.Tier {
	path := []any{"slos", slo, "alerting", tier}
	switch v := v.(type) {
	case bool:
		return nil // the schema allows only false
	case map[string]any:
		t := &ir.Tier{Name: ir.SLOAlertName(slo), Severity: severity, Labels: map[string]string{}, Annotations: map[string]string{}}
		for _, k := range ir.SortedKeys(v) {
			p := append(append([]any{}, path...), k)
			switch k {
			case "severity":
				t.Severity, _ = v[k].(string)
			case "name":
				t.Name, _ = v[k].(string)
				if !alertNameRE.MatchString(t.Name) {
					b.errorf(b.at(p...), "alert names match [A-Za-z][A-Za-z0-9_]*", "alert name %q is not valid", t.Name)
				}
			case "labels", "annotations":
				mm, _ := v[k].(map[string]any)
				for _, lk := range ir.SortedKeys(mm) {
					s, _ := mm[lk].(string)
					if k == "labels" {
						b.extraLabel(append(p, lk), lk, s)
						t.Labels[lk] = s
					} else {
						b.template(append(p, lk), s)
						t.Annotations[lk] = s
					}
					refs.check(tier, s, append(p, lk)...)
				}
			default:
				s, _ := v[k].(string)
				b.extraLabel(p, k, s)
				t.Labels[k] = s
				refs.check(tier, s, p...)
			}
		}
		return t
	}
	return &ir.Tier{Name: ir.SLOAlertName(slo), Severity: severity}
}

// extraLabel checks a user label set on an alert.
func (b *builder) extraLabel(path []any, k, v string) {
	if !labelNameRE.MatchString(k) || strings.HasPrefix(k, "__") {
		b.errorf(b.at(path...), "label names match [a-zA-Z_][a-zA-Z0-9_]*", "%q is not a valid label name", k)
		return
	}
	switch k {
	case ir.LabelModule, ir.LabelSLO, ir.LabelTier, "alertname":
		b.errorf(b.at(path...), "choose another name", "label %s is set by obsc", k)
		return
	}
	b.template(path, v)
}

func roundTo(f float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(f*p) / p
}

func contains(xs []float64, x float64) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// inSeconds reports whether histogram mt measures seconds by its name
// (Prometheus' base unit), so that a threshold past its buckets that
// would fit them divided by 1000 may have been written in milliseconds.
func inSeconds(mt *ir.Metric) bool {
	return strings.HasSuffix(mt.Name, "_seconds") && len(mt.Buckets) > 0
}

// nearestBuckets names the bucket bounds around x.
func nearestBuckets(bs []float64, x float64) string {
	i := sort.SearchFloat64s(bs, x)
	var near []string
	if i > 0 {
		near = append(near, ir.FormatFloat(bs[i-1]))
	}
	if i < len(bs) {
		near = append(near, ir.FormatFloat(bs[i]))
	}
	if len(near) == 0 {
		return ""
	}
	return "nearest bucket bounds: " + strings.Join(near, ", ")
}

func (b *builder) alerts() {
	sloAlerts := map[string]string{}
	for _, s := range b.m.SLOs {
		for _, t := range []*ir.Tier{s.Page, s.Ticket} {
			if t != nil {
				sloAlerts[t.Name] = s.Name
			}
		}
	}
	for _, name := range ir.SortedKeys(b.spec.Alerts) {
		as := b.spec.Alerts[name]
		pos := b.at("alerts", name)
		if !alertNameRE.MatchString(name) {
			b.errorf(pos, "alert names match [A-Za-z][A-Za-z0-9_]*, e.g. HighErrorRate", "alert name %q is not valid", name)
		}
		if slo, ok := sloAlerts[name]; ok {
			b.errorf(pos, "rename the alert", "alert %s has the name of SLO %s's burn-rate alert", name, slo)
		}
		a := &ir.Alert{Name: name, Severity: as.Severity, Description: as.Description, Labels: as.Labels, Annotations: as.Annotations, Pos: pos}
		kinds := 0
		for _, set := range []bool{as.ErrorRatio != nil, as.Quantile != nil, as.Expr != nil} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			b.errorf(pos, "give exactly one of errorRatio, quantile or expr", "alert %s declares %d conditions", name, kinds)
		}
		var by []string
		var parsed parser.Expr
		switch {
		case as.ErrorRatio != nil:
			a.Kind, a.Metric, a.By = ir.AlertErrorRatio, as.ErrorRatio.Metric, as.ErrorRatio.By
			by = a.By
			if mt := b.metricRef(a.Metric, ir.Counter, "alerts", name, "errorRatio", "metric"); mt != nil {
				a.Errors = b.matchers(as.ErrorRatio.Errors, mt, "alerts", name, "errorRatio", "errors")
				b.byLabels(a.By, mt, "alerts", name, "errorRatio", "by")
				for i, l := range a.By {
					if _, ok := as.ErrorRatio.Errors[l]; ok {
						b.errorf(b.at("alerts", name, "errorRatio", "by", i), "drop it from by",
							"aggregating by %s, which errors also matches, compares errors with themselves: the ratio would always be 1", l)
					}
				}
			}
			if as.Above == nil {
				b.errorf(pos, "e.g. above: 0.05 for 5%", "alert %s needs above: the error ratio threshold", name)
			} else if !(*as.Above > 0 && *as.Above < 1) {
				b.errorf(b.at("alerts", name, "above"), "a ratio, e.g. 0.05 for 5%", "error ratio threshold %s must be between 0 and 1 (exclusive)", ir.FormatFloat(*as.Above))
			}
		case as.Quantile != nil:
			a.Kind, a.Metric, a.By, a.Q = ir.AlertQuantile, as.Quantile.Metric, as.Quantile.By, as.Quantile.Q
			by = a.By
			if !(a.Q > 0 && a.Q < 1) {
				b.errorf(b.at("alerts", name, "quantile", "q"), "e.g. 0.99 for p99", "quantile %s must be between 0 and 1 (exclusive)", ir.FormatFloat(a.Q))
			}
			if mt := b.metricRef(a.Metric, ir.Histogram, "alerts", name, "quantile", "metric"); mt != nil {
				b.byLabels(a.By, mt, "alerts", name, "quantile", "by")
				// histogram_quantile never returns more than the largest
				// finite bucket bound: a threshold at or above it never fires.
				if top := mt.Buckets[len(mt.Buckets)-1]; as.Above != nil && *as.Above >= top {
					hint := fmt.Sprintf("add a bucket above %s, or lower the threshold", ir.FormatFloat(*as.Above))
					if ms := *as.Above / 1000; inSeconds(mt) && *as.Above > top && ms >= mt.Buckets[0] && ms < top {
						hint += fmt.Sprintf("; if %s was milliseconds, write above: %s (seconds, the unit of %s)", ir.FormatFloat(*as.Above), ir.FormatFloat(ms), mt.Name)
					}
					b.errorf(b.at("alerts", name, "above"), hint,
						"the alert can never fire: %s is at or above the largest bucket bound %s of %s, the most histogram_quantile can return",
						ir.FormatFloat(*as.Above), ir.FormatFloat(top), mt.Name)
				}
				for i, l := range a.By {
					if l == "le" {
						b.errorf(b.at("alerts", name, "quantile", "by", i), "drop it: obsc always keeps le", "by must not list le")
					}
				}
			}
			if as.Above == nil {
				b.errorf(pos, "e.g. above: 0.5 for 500ms", "alert %s needs above: the quantile threshold", name)
			}
		case as.Expr != nil:
			a.Kind = ir.AlertExpr
			a.Expr, parsed = b.promqlExpr(*as.Expr, exprAlert, "alerts", name, "expr")
			if as.Above != nil {
				b.errorf(b.at("alerts", name, "above"), "write the comparison into expr", "above applies to errorRatio and quantile alerts, not expr")
			}
		}
		if as.Above != nil {
			a.Above = *as.Above
		}
		a.For = b.alertDuration(as.For, "5m", "alerts", name, "for")
		a.KeepFiringFor = b.alertDuration(as.KeepFiringFor, "10m", "alerts", name, "keepFiringFor")
		if strings.TrimSpace(a.Severity) == "" {
			b.errorf(b.at("alerts", name, "severity"), `e.g. "critical", "warning" or "info"`, "severity must not be empty")
		}
		// What $labels can hold: the labels of the expression's result.
		var result *labelSet
		switch {
		case kinds != 1:
		case a.Kind == ir.AlertErrorRatio || a.Kind == ir.AlertQuantile:
			r := closedSet(by...)
			result = &r
		case parsed != nil:
			r := resultLabels(parsed)
			result = &r
		}
		a.Summary = as.Summary
		if a.Summary == "" {
			a.Summary = defaultSummary(b.m, a, by)
		} else {
			b.template([]any{"alerts", name, "summary"}, a.Summary)
			b.labelRefs(result, parsed, a, a.Summary, "alerts", name, "summary")
		}
		b.template([]any{"alerts", name, "description"}, a.Description)
		b.labelRefs(result, parsed, a, a.Description, "alerts", name, "description")
		for _, k := range ir.SortedKeys(a.Labels) {
			b.extraLabel([]any{"alerts", name, "labels", k}, k, a.Labels[k])
			b.labelRefs(result, parsed, a, a.Labels[k], "alerts", name, "labels", k)
			if k == ir.LabelSeverity || k == ir.LabelTeam {
				b.errorf(b.at("alerts", name, "labels", k), "use the alert's "+k+" field", "label %s is set by obsc", k)
			}
		}
		for _, k := range ir.SortedKeys(a.Annotations) {
			b.template([]any{"alerts", name, "annotations", k}, a.Annotations[k])
			b.labelRefs(result, parsed, a, a.Annotations[k], "alerts", name, "annotations", k)
			switch k {
			case "summary", "description", "runbook_url":
				b.errorf(b.at("alerts", name, "annotations", k), "use the alert's field, or module.runbookBase", "annotation %s is set by obsc", k)
			}
		}
		b.m.Alerts = append(b.m.Alerts, a)
	}
}

// alertDuration is an alert's optional duration (for, keepFiringFor):
// zero when unset, and zero, with an error naming example, when text is
// not a Prometheus duration.
func (b *builder) alertDuration(text, example string, path ...any) time.Duration {
	if text == "" {
		return 0
	}
	d, err := parseNonNegDuration(text)
	if err != nil {
		b.errorf(b.at(path...), fmt.Sprintf("use a Prometheus duration such as %q", example), "%q is not a duration", text)
		return 0
	}
	return d
}

// labelRefs reports every label text reads from $labels that a series
// of the alert's result cannot have: Prometheus fills $labels from the
// result alone, so the text would always read "" there. result is nil
// when the alert has no condition obsc could read; text that does not
// parse as a template has had its error already.
func (b *builder) labelRefs(result *labelSet, parsed parser.Expr, a *ir.Alert, text string, path ...any) {
	b.readsDropped(result, text, specField(path[2:])+" of alert "+a.Name, func(l string) string {
		switch a.Kind {
		case ir.AlertErrorRatio, ir.AlertQuantile:
			return fmt.Sprintf("add %s to %s.by, or take it out of the text", l, a.Kind)
		}
		if c, ok := Unwrap(parsed).(*parser.Call); ok && (c.Func.Name == "absent" || c.Func.Name == "absent_over_time") {
			return fmt.Sprintf(`%s labels its sample only with its selector's = matchers: match %s with = (%s="..."), or take it out of the text`, c.Func.Name+"()", l, l)
		}
		return fmt.Sprintf("aggregate by it too (sum by (..., %s)), or take it out of the text", l)
	}, path...)
}

// sloRefs checks the templates of an SLO's burn-rate alerts (its
// description, its tiers' labels and annotations) as labelRefs does an
// alert's.
type sloRefs struct {
	b      *builder
	slo    string
	result *labelSet // nil when the SLO has no indicator obsc could read
	raw    bool      // a raw SLI, whose labels its errorQuery decides
}

// check checks text, of the tier's alert ("" for every tier's: the
// description) at path.
func (r sloRefs) check(tier, text string, path ...any) {
	what, field := "the burn-rate alerts of SLO "+r.slo, specField(path[2:]) // slos.<name>.<field>
	if tier != "" {
		what, field = fmt.Sprintf("the %s alert of SLO %s", tier, r.slo), specField(path[4:]) // slos.<name>.alerting.<tier>.<field>
	}
	r.b.readsDropped(r.result, text, field+" of "+what, func(l string) string {
		if r.raw {
			return fmt.Sprintf("keep %s in raw.errorQuery (sum by (..., %s)), or take it out of the text", l, l)
		}
		return fmt.Sprintf("an SLO's alerts are per module and SLO, with no %s; take it out of the text", l)
	}, path...)
}

// readsDropped reports every label text reads from $labels that a
// series of result cannot have; what names the text ("summary of alert
// X") and hint says what to do about label l when the result is closed.
func (b *builder) readsDropped(result *labelSet, text, what string, hint func(l string) string, path ...any) {
	if result == nil || (!result.closed && len(result.names) == 0) || b.templateErr(text) != nil {
		return // an open set that drops nothing allows every label: no need to read the text
	}
	for _, l := range result.unreadable(text) {
		var has, h string
		switch {
		case !result.closed:
			has = fmt.Sprintf("its expression drops %s", l)
			h = fmt.Sprintf("keep %s in the expression, or take it out of the text", l)
		case len(result.names) == 0:
			has = "its expression's result has no labels"
		default:
			has = "its expression's result has only " + strings.Join(result.sorted(), ", ")
		}
		if h == "" {
			h = hint(l)
		}
		b.errorf(b.at(path...), h,
			"%s reads $labels.%s, which is always empty: %s (Prometheus fills $labels from the expression's result, not the rule's labels)",
			what, l, has)
	}
}

// specField names the spec field at path, below its owner ("summary",
// "labels.team").
func specField(path []any) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}

// defaultSummary writes a summary from the alert's definition.
func defaultSummary(m *ir.Module, a *ir.Alert, by []string) string {
	where := "module " + m.Name
	if len(by) > 0 {
		parts := make([]string, len(by))
		for i, l := range by {
			parts[i] = "{{ $labels." + l + " }}"
		}
		where = strings.Join(parts, "/")
	}
	switch a.Kind {
	case ir.AlertErrorRatio:
		return fmt.Sprintf("Error ratio of %s above %s%% in %s", a.Metric, ir.FormatFloat(a.Above*100), where)
	case ir.AlertQuantile:
		return fmt.Sprintf("p%s of %s above %s in %s", ir.FormatFloat(a.Q*100), a.Metric, ir.FormatFloat(a.Above), where)
	}
	return fmt.Sprintf("%s in module %s", a.Name, m.Name)
}
