package importer

import (
	"fmt"
	"strconv"
	"strings"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
)

// OpenSLOVersion is the OpenSLO apiVersion obsc imports.
const OpenSLOVersion = "openslo/v1"

// OpenSLO imports OpenSLO v1 documents: every SLO (with an inline
// indicator or an indicatorRef to an SLI document of the inputs) whose
// indicator is a ratioMetric over Prometheus queries. One module per
// service; an SLO with several objectives becomes one obsc SLO per
// objective. Other kinds (Service, AlertPolicy, ...) are skipped.
func OpenSLO(inputs []Input) ([]*Module, compile.Errors) {
	e := &errs{}
	var docs []node
	for _, in := range inputs {
		ds, perr := documents(in.Name, in.Data)
		e.list = append(e.list, perr...)
		docs = append(docs, ds...)
	}
	slis := map[string]node{}
	var slos []node
	for _, d := range docs {
		if !d.isMap() {
			e.at(d, "", "an OpenSLO document is a mapping, not %s", describe(d))
			continue
		}
		v := e.str(d.get("apiVersion"), "apiVersion", true, d)
		if v == "" {
			continue
		}
		if v != OpenSLOVersion {
			e.at(d.get("apiVersion"), fmt.Sprintf("obsc imports %s documents", OpenSLOVersion), "unknown OpenSLO version %q", v)
			continue
		}
		switch e.str(d.get("kind"), "kind", true, d) {
		case "SLO":
			slos = append(slos, d)
		case "SLI":
			name := e.str(d.get("metadata").get("name"), "metadata.name", true, d)
			if prev, dup := slis[name]; dup {
				e.list = append(e.list, &compile.Error{Pos: d.get("metadata").get("name").pos(), Msg: fmt.Sprintf("duplicate SLI name %q", name), Related: []ir.Pos{prev.pos()}})
				continue
			}
			slis[name] = d
		}
	}
	mods := map[string]*Module{}
	var order []string
	for _, d := range slos {
		opensloSLO(e, d, slis, mods, &order)
	}
	if len(e.list) > 0 {
		return nil, e.list.Sort()
	}
	out := make([]*Module, 0, len(order))
	for _, n := range order {
		out = append(out, mods[n])
	}
	return out, nil
}

func opensloSLO(e *errs, d node, slis map[string]node, mods map[string]*Module, order *[]string) {
	before := len(e.list)
	meta, spec := d.get("metadata"), d.get("spec")
	rawName := e.str(meta.get("name"), "metadata.name", true, d)
	if !spec.isMap() {
		e.at(d, "", "field 'spec' must be set")
		return
	}
	service := e.str(spec.get("service"), "spec.service", true, spec)
	if len(e.list) > before {
		return
	}
	name := moduleName(service)
	if name == "" {
		e.at(spec.get("service"), "", "service %q has no letters or digits to name a module after", service)
		return
	}

	// The indicator: inline or a reference to an SLI document.
	ind := spec.get("indicator")
	if ref := spec.get("indicatorRef"); ref.ok() {
		r := e.str(ref, "indicatorRef", true, spec)
		sli, ok := slis[r]
		if !ok {
			e.at(ref, "", "indicatorRef %q names no SLI document of the inputs", r)
			return
		}
		ind = sli
	}
	if !ind.ok() {
		e.at(spec, "", "field 'indicator' or 'indicatorRef' must be set")
		return
	}
	sliSpec := ind.get("spec")
	ratio := sliSpec.get("ratioMetric")
	if !ratio.ok() {
		if t := sliSpec.get("thresholdMetric"); t.ok() {
			e.at(t, "an SLI obsc can import is a ratioMetric (good or bad over total)", "thresholdMetric SLIs cannot be imported")
		} else {
			e.at(sliSpec, "", "field 'ratioMetric' must be set")
		}
		return
	}
	counter := true
	if c := ratio.get("counter"); c.ok() {
		counter = e.boolean(c, "ratioMetric.counter")
	}
	var notes []string
	total, tn := opensloQuery(e, ratio.get("total"), "total", counter, ratio, &notes)
	var errQ string
	var en node
	switch {
	case ratio.get("bad").ok():
		errQ, en = opensloQuery(e, ratio.get("bad"), "bad", counter, ratio, &notes)
	case ratio.get("good").ok():
		good, gn := opensloQuery(e, ratio.get("good"), "good", counter, ratio, &notes)
		if good != "" && total != "" {
			errQ, en = total+" - "+good, gn
			notes = append(notes, "Errors are total - good.")
		}
	default:
		e.at(ratio, "", "ratioMetric needs good or bad")
	}
	if len(e.list) > before || errQ == "" || total == "" {
		return
	}

	var window string
	if tw := spec.get("timeWindow").items(); len(tw) > 0 {
		dn := tw[0].get("duration")
		window = e.str(dn, "timeWindow.duration", true, tw[0])
		if _, err := prommodel.ParseDuration(window); window != "" && err != nil {
			e.at(dn, `e.g. "28d"`, "timeWindow duration %q is not a duration", window)
		}
		if r := tw[0].get("isRolling"); r.ok() && !e.boolean(r, "isRolling") {
			notes = append(notes, "TODO(import): the input's calendar window is imported as a rolling window.")
		}
		if window == "30d" {
			window = ""
		}
	}
	if bm := e.str(spec.get("budgetingMethod"), "budgetingMethod", false, spec); bm != "" && bm != "Occurrences" {
		notes = append(notes, fmt.Sprintf("TODO(import): budgetingMethod %s imported as Occurrences (obsc counts events).", bm))
	}
	if spec.get("alertPolicies").ok() {
		notes = append(notes, "The input's alertPolicies are replaced by obsc's multi-window burn-rate alerts.")
	}
	objs := spec.get("objectives").items()
	if len(objs) == 0 {
		e.at(spec, "", "field 'objectives' must list at least one objective")
		return
	}
	if len(e.list) > before {
		return
	}

	m := mods[name]
	if m == nil {
		m = newModule(name, "OpenSLO documents")
		mods[name] = m
		*order = append(*order, name)
	}
	m.addSource(d.file)
	if ns := e.str(meta.get("namespace"), "metadata.namespace", false, meta); ns != "" && m.Namespace == "" {
		m.Namespace = ns
	}
	for i, o := range objs {
		var obj float64
		switch {
		case o.get("targetPercent").ok():
			obj, _ = e.num(o.get("targetPercent"), "targetPercent", true, o)
		default:
			t, ok := e.num(o.get("target"), "target", true, o)
			if ok && !(t > 0 && t < 1) {
				e.at(o.get("target"), "a ratio, e.g. 0.999", "target %s must be between 0 and 1 (exclusive)", ir.FormatFloat(t))
			}
			obj = roundPercent(t * 100)
		}
		s := &SLO{Name: sloName(rawName), Objective: obj, Window: window,
			Description: e.str(spec.get("description"), "description", false, spec)}
		if dn := e.str(meta.get("displayName"), "displayName", false, meta); dn != "" {
			s.Comments = append(s.Comments, dn+".")
		}
		if len(objs) > 1 {
			suffix := fmt.Sprint(i + 1)
			if dn := e.str(o.get("displayName"), "displayName", false, o); dn != "" {
				suffix = sloName(dn)
			}
			s.Name += "-" + suffix
		}
		s.Comments = append(s.Comments, notes...)
		m.sli(e, s, en, tn, errQ, total)
		if len(e.list) > before {
			return
		}
		m.addSLO(e, s, meta.get("name"))
	}
}

// roundPercent removes the binary noise of target x 100 (0.999 -> 99.9).
func roundPercent(f float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 12, 64), 64)
	if err != nil {
		return f
	}
	return r
}

// opensloQuery reads good, bad or total: a Prometheus metric source whose
// query becomes a windowed query. A query with {{.window}} is kept; a
// counter selector (optionally summed) becomes sum(rate(sel[{{.window}}]));
// a query with ranges gets {{.window}} for every range.
func opensloQuery(e *errs, n node, field string, counter bool, parent node, notes *[]string) (string, node) {
	if !n.ok() {
		e.at(parent, "", "field '%s' must be set", field)
		return "", n
	}
	src := n.get("metricSource")
	if t := e.str(src.get("type"), field+".metricSource.type", true, src); t != "" && !strings.EqualFold(t, "prometheus") {
		e.at(src.get("type"), "obsc imports Prometheus metric sources", "metric source type %q cannot be imported", t)
		return "", n
	}
	qn := src.get("spec").get("query")
	if !qn.ok() {
		qn = src.get("spec").get("promql")
	}
	text := e.str(qn, field+".metricSource.spec.query", true, src.get("spec"))
	if text == "" {
		return "", qn
	}
	if windowRE.MatchString(text) {
		return text, qn
	}
	ex, err := promParser.ParseExpr(strings.TrimSpace(text))
	if err != nil {
		e.at(qn, "", "invalid PromQL: %s", parseErrMsg(err))
		return "", qn
	}
	fn := "rate"
	if !counter {
		fn = "sum_over_time"
	}
	inner := compile.Unwrap(ex)
	if a, ok := inner.(*parser.AggregateExpr); ok && a.Op == parser.SUM && !a.Without && len(a.Grouping) == 0 {
		inner = compile.Unwrap(a.Expr)
	}
	if vs, ok := inner.(*parser.VectorSelector); ok {
		return "sum(" + fn + "(" + vs.String() + "[" + ir.WindowPlaceholder + "]))", qn
	}
	ranges := 0
	parser.Inspect(ex, func(x parser.Node, _ []parser.Node) error {
		switch r := x.(type) {
		case *parser.MatrixSelector:
			r.Range = sentinel
			ranges++
		case *parser.SubqueryExpr:
			r.Range = sentinel
			ranges++
		}
		return nil
	})
	if ranges == 0 {
		e.at(qn, "select a counter, e.g. http_requests_total{code=~\"5..\"}, or write the range as [{{.window}}]", "cannot tell how to compute the %s query over a window", field)
		return "", qn
	}
	*notes = append(*notes, fmt.Sprintf("The ranges of the %s query are replaced by the SLI window.", field))
	return print(ex), qn
}

func parseErrMsg(err error) string {
	var perrs parser.ParseErrors
	if pe, ok := err.(parser.ParseErrors); ok {
		perrs = pe
	}
	if len(perrs) > 0 {
		return perrs[0].Err.Error()
	}
	return err.Error()
}
