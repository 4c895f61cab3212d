package importer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
)

// sli sets the indicator of s from an error query and a total query, both
// with {{.window}} placeholders:
//
//   - sum(rate(m{sel,err}[w])) / sum(rate(m{sel}[w])) with m a counter,
//     sel only target labels (job, namespace, ...) and err plain values
//     becomes ratio: {metric: m, errors: err};
//   - sum(rate(m_count{sel}[w])) - sum(rate(m_bucket{sel,le="x"}[w])) over
//     sum(rate(m_count{sel}[w])) becomes latency: {metric: m, threshold: x};
//   - anything else is kept exactly as raw: {errorQuery, totalQuery}.
//
// sel is dropped from the first two: obsc selects module="<name>", which
// its ServiceMonitor attaches, where the input selected the service.
func (m *Module) sli(e *errs, s *SLO, errNode, totalNode node, errText, totalText string) {
	before := len(e.list)
	errNorm, ee := parseTemplate(e, errNode, errText, true)
	totalNorm, te := parseTemplate(e, totalNode, totalText, true)
	if len(e.list) > before {
		return
	}
	for _, x := range []struct {
		n node
		e parser.Expr
	}{{errNode, ee}, {totalNode, te}} {
		if x.e.Type() != parser.ValueTypeVector {
			e.at(x.n, "an SLI query returns an instant vector, e.g. sum(rate(...[{{.window}}]))", "query returns a %s", x.e.Type())
		}
	}
	if len(e.list) > before {
		return
	}
	if r, sel, ok := ratioShape(ee, te); ok {
		s.Ratio = r
		m.declare(ee)
		if len(sel) > 0 {
			s.Comments = append(s.Comments, fmt.Sprintf("The input selected %s; obsc selects module=%q instead.", matchersText(sel), m.Name))
		}
		return
	}
	if l, sel, ok := latencyShape(ee, te); ok {
		s.Latency = l
		m.declare(ee)
		if len(sel) > 0 {
			s.Comments = append(s.Comments, fmt.Sprintf("The input selected %s; obsc selects module=%q instead.", matchersText(sel), m.Name))
		}
		return
	}
	s.Raw = &Raw{ErrorQuery: errNorm, TotalQuery: totalNorm}
	m.declare(ee)
	m.declare(te)
	s.Comments = append(s.Comments, "Kept as written (raw); obsc adds module=\""+m.Name+"\" to the selectors of declared metrics.")
}

func ratioShape(ee, te parser.Expr) (*Ratio, []*labels.Matcher, bool) {
	ev, er, eby, ok1 := sumRate(ee)
	tv, tr, tby, ok2 := sumRate(te)
	if !ok1 || !ok2 || er != sentinel || tr != sentinel || len(eby) > 0 || len(tby) > 0 ||
		ev.Name != tv.Name || !strings.HasSuffix(ev.Name, "_total") {
		return nil, nil, false
	}
	base := matcherSet(tv)
	common, extra, ok := split(matcherSet(ev), base)
	if !ok || !onlyTarget(common) {
		return nil, nil, false
	}
	errs, ok := errorMatchers(extra)
	if !ok {
		return nil, nil, false
	}
	return &Ratio{Metric: ev.Name, Errors: errs}, common, true
}

func latencyShape(ee, te parser.Expr) (*Latency, []*labels.Matcher, bool) {
	b, ok := compile.Unwrap(ee).(*parser.BinaryExpr)
	if !ok || b.Op != parser.SUB || b.ReturnBool {
		return nil, nil, false
	}
	if vm := b.VectorMatching; vm != nil && (len(vm.MatchingLabels) > 0 || len(vm.Include) > 0 || vm.Card != parser.CardOneToOne) {
		return nil, nil, false
	}
	cv, cr, cby, ok1 := sumRate(b.LHS)
	bv, br, bby, ok2 := sumRate(b.RHS)
	tv, tr, tby, ok3 := sumRate(te)
	if !ok1 || !ok2 || !ok3 || cr != sentinel || br != sentinel || tr != sentinel || len(cby)+len(bby)+len(tby) > 0 {
		return nil, nil, false
	}
	metric, ok := strings.CutSuffix(tv.Name, "_count")
	if !ok || cv.Name != tv.Name || bv.Name != metric+"_bucket" || strings.HasSuffix(metric, "_total") {
		return nil, nil, false
	}
	sel := matcherSet(tv)
	if !onlyTarget(sel) {
		return nil, nil, false
	}
	if _, extra, ok := split(matcherSet(cv), sel); !ok || len(extra) > 0 {
		return nil, nil, false
	}
	_, extra, ok := split(matcherSet(bv), sel)
	if !ok || len(extra) != 1 || extra[0].Name != "le" || extra[0].Type != labels.MatchEqual {
		return nil, nil, false
	}
	th, err := strconv.ParseFloat(extra[0].Value, 64)
	if err != nil || !(th > 0) || th > 1e300 {
		return nil, nil, false
	}
	return &Latency{Metric: metric, Threshold: th}, sel, true
}

// addSLO adds s, refusing a second SLO of the same name in one module.
func (m *Module) addSLO(e *errs, s *SLO, at node) {
	if prev, dup := m.sloPos[s.Name]; dup {
		e.list = append(e.list, &compile.Error{Pos: at.pos(), Msg: fmt.Sprintf("duplicate SLO name %q in service %s", s.Name, m.Name),
			Hint: "SLO names are unique per service", Related: []ir.Pos{prev}})
		return
	}
	m.sloPos[s.Name] = at.pos()
	m.SLOs = append(m.SLOs, s)
}

// sloName makes an input's SLO name an obsc SLO name ([a-z][a-z0-9_-]*).
func sloName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-_")
	if out == "" || out[0] < 'a' || out[0] > 'z' {
		out = "slo-" + out
	}
	return out
}

// moduleName makes a service name a DNS-1123 label.
func moduleName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	for strings.Contains(out, "--") {
		out = strings.ReplaceAll(out, "--", "-")
	}
	if len(out) > 63 {
		out = strings.Trim(out[:63], "-")
	}
	return out
}

// alertName makes an alert name valid ([A-Za-z][A-Za-z0-9_]*).
func alertName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || !(out[0] >= 'a' && out[0] <= 'z' || out[0] >= 'A' && out[0] <= 'Z') {
		out = "Alert" + out
	}
	return out
}
