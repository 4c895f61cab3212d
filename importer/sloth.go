package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
)

// Sloth spec versions obsc imports.
const (
	SlothVersion    = "prometheus/v1"
	SlothAPIVersion = "sloth.slok.dev/v1"
	SlothKind       = "PrometheusServiceLevel"
)

// Input is one file to import.
type Input struct {
	Name string // as the user gave it; errors and comments use it
	Data []byte
}

// Sloth imports Sloth specs (prometheus/v1, and sloth.slok.dev/v1
// PrometheusServiceLevel objects): one module per service, SLOs in input
// order. Any error means no module.
func Sloth(inputs []Input) ([]*Module, compile.Errors) {
	e := &errs{}
	mods := map[string]*Module{}
	var order []string
	for _, in := range inputs {
		docs, perr := documents(in.Name, in.Data)
		e.list = append(e.list, perr...)
		for _, d := range docs {
			slothDoc(e, d, in.Name, mods, &order)
		}
	}
	if len(e.list) > 0 {
		return nil, e.list.Sort()
	}
	out := make([]*Module, 0, len(order))
	for _, name := range order {
		out = append(out, mods[name])
	}
	return out, nil
}

func slothDoc(e *errs, d node, file string, mods map[string]*Module, order *[]string) {
	if !d.isMap() {
		e.at(d, "", "a Sloth spec is a mapping, not %s", describe(d))
		return
	}
	spec, namespace, camel := d, "", false
	switch {
	case d.get("version").ok():
		v := e.str(d.get("version"), "version", true, d)
		if v != SlothVersion {
			e.at(d.get("version"), fmt.Sprintf("obsc imports %q specs and %s %s objects", SlothVersion, SlothAPIVersion, SlothKind), "unknown Sloth version %q", v)
			return
		}
	case d.get("apiVersion").ok():
		v := e.str(d.get("apiVersion"), "apiVersion", true, d)
		k := e.str(d.get("kind"), "kind", true, d)
		if v != SlothAPIVersion || k != SlothKind {
			e.at(d.get("apiVersion"), fmt.Sprintf("obsc imports %s %s objects", SlothAPIVersion, SlothKind), "unknown Sloth object %s %s", v, k)
			return
		}
		spec, camel = d.get("spec"), true
		namespace = e.str(d.get("metadata").get("namespace"), "metadata.namespace", false, d)
		if !spec.isMap() {
			e.at(d, "", "field 'spec' must be set")
			return
		}
	default:
		e.at(d, fmt.Sprintf("a Sloth spec starts with version: %q", SlothVersion), "not a Sloth spec: no version or apiVersion")
		return
	}
	key := func(snake, camelCase string) string {
		if camel {
			return camelCase
		}
		return snake
	}
	service := e.str(spec.get("service"), "service", true, spec)
	if service == "" {
		return
	}
	name := moduleName(service)
	if name == "" {
		e.at(spec.get("service"), "", "service %q has no letters or digits to name a module after", service)
		return
	}
	m := mods[name]
	if m == nil {
		m = newModule(name, "Sloth specs")
		mods[name] = m
		*order = append(*order, name)
	}
	m.addSource(file)
	if namespace != "" && m.Namespace == "" {
		m.Namespace = namespace
	}
	specLabels := e.strMap(spec.get("labels"), "labels")
	slos := spec.get("slos")
	if !slos.isSeq() {
		e.at(spec, "", "field 'slos' must be a list")
		return
	}
	for _, sn := range slos.items() {
		slothSLO(e, m, sn, specLabels, key)
	}
}

func slothSLO(e *errs, m *Module, sn node, specLabels map[string]string, key func(string, string) string) {
	before := len(e.list)
	raw := e.str(sn.get("name"), "name", true, sn)
	obj, _ := e.num(sn.get("objective"), "objective", true, sn)
	s := &SLO{Name: sloName(raw), Objective: obj}
	if s.Name != raw && raw != "" {
		s.Comments = append(s.Comments, fmt.Sprintf("Sloth name %q.", raw))
	}
	s.Description = e.str(sn.get("description"), "description", false, sn)
	sloLabels := ir.MergeLabels(specLabels, e.strMap(sn.get("labels"), "labels"))

	sli := sn.get("sli")
	switch {
	case !sli.ok():
		e.at(sn, "", "field 'sli' must be set")
	case sli.get("events").ok():
		ev := sli.get("events")
		en, tn := ev.get(key("error_query", "errorQuery")), ev.get(key("total_query", "totalQuery"))
		eq := e.str(en, key("error_query", "errorQuery"), true, ev)
		tq := e.str(tn, key("total_query", "totalQuery"), true, ev)
		if eq != "" && tq != "" {
			m.sli(e, s, en, tn, eq, tq)
		}
	case sli.get("raw").ok():
		rn := sli.get("raw").get(key("error_ratio_query", "errorRatioQuery"))
		rq := e.str(rn, key("error_ratio_query", "errorRatioQuery"), true, sli.get("raw"))
		if rq != "" {
			slothRaw(e, m, s, rn, rq)
		}
	case sli.get("plugin").ok():
		e.at(sli.get("plugin"), "write the SLI as events: {error_query, total_query}", "Sloth SLI plugins cannot be imported: obsc cannot see their queries")
	default:
		e.at(sli, "", "sli needs events or raw")
	}

	al := sn.get("alerting")
	if al.ok() {
		base := &Tier{Labels: ir.MergeLabels(sloLabels, e.strMap(al.get("labels"), "alerting.labels")), Annotations: e.strMap(al.get("annotations"), "alerting.annotations")}
		if n := e.str(al.get("name"), "alerting.name", false, al); n != "" {
			base.Name = alertName(n)
			if base.Name != n {
				s.Comments = append(s.Comments, fmt.Sprintf("Alert name %q is not a valid Prometheus alert name.", n))
			}
		}
		s.Page, s.PageOff = slothTier(e, s, base, sloLabels, al.get(key("page_alert", "pageAlert")), "page")
		s.Ticket, s.TicketOff = slothTier(e, s, base, sloLabels, al.get(key("ticket_alert", "ticketAlert")), "ticket")
	} else if len(sloLabels) > 0 {
		base := &Tier{Labels: sloLabels}
		s.Page, _ = slothTier(e, s, base, sloLabels, node{}, "page")
		s.Ticket, _ = slothTier(e, s, base, sloLabels, node{}, "ticket")
	}
	if len(e.list) > before {
		return
	}
	m.addSLO(e, s, sn.get("name"))
}

// slothRaw imports a raw SLI, error_ratio_query: it must be a division,
// errors / total, which obsc keeps as the two queries of raw.
func slothRaw(e *errs, m *Module, s *SLO, n node, text string) {
	_, ex := parseTemplate(e, n, text, true)
	if ex == nil {
		return
	}
	b, ok := compile.Unwrap(ex).(*parser.BinaryExpr)
	if !ok || b.Op != parser.DIV || b.ReturnBool {
		e.at(n, "write it as events: {error_query, total_query}", "raw SLI query is not a division (errors / total), which obsc needs to split into errorQuery and totalQuery")
		return
	}
	if vm := b.VectorMatching; vm != nil && (len(vm.MatchingLabels) > 0 || len(vm.Include) > 0 || vm.Card != parser.CardOneToOne) {
		if !(labelless(b.LHS) && labelless(b.RHS)) {
			e.at(n, "write it as events: {error_query, total_query} with both sides aggregated alike", "raw SLI query divides with a vector-matching modifier (on/ignoring/group), which obsc's raw SLI cannot keep")
			return
		}
		s.Comments = append(s.Comments, "The division's on/ignoring modifier is dropped: both sides are sums without labels.")
	}
	s.Comments = append(s.Comments, "Sloth raw error_ratio_query, split at its division.")
	m.sli(e, s, n, n, print(b.LHS), print(b.RHS))
}

// labelless reports whether e is a sum without grouping: it returns one
// series without labels, so vector matching modifiers do nothing.
func labelless(e parser.Expr) bool {
	a, ok := compile.Unwrap(e).(*parser.AggregateExpr)
	return ok && !a.Without && len(a.Grouping) == 0 && a.Op != parser.TOPK && a.Op != parser.BOTTOMK && a.Op != parser.COUNT_VALUES && a.Op != parser.QUANTILE
}

// slothTier builds a page or ticket tier from the SLO's alerting block and
// its page_alert / ticket_alert.
func slothTier(e *errs, s *SLO, base *Tier, seriesLabels map[string]string, tn node, tier string) (*Tier, bool) {
	if e.boolean(tn.get("disable"), tier+".disable") {
		return nil, true
	}
	t := &Tier{Name: base.Name,
		Labels:      ir.MergeLabels(base.Labels, e.strMap(tn.get("labels"), tier+".labels")),
		Annotations: ir.MergeLabels(base.Annotations, e.strMap(tn.get("annotations"), tier+".annotations")),
	}
	if sev, ok := t.Labels["severity"]; ok {
		t.Severity = sev
		delete(t.Labels, "severity")
	}
	for _, k := range ir.SortedKeys(t.Labels) {
		switch k {
		case ir.LabelModule, ir.LabelSLO, ir.LabelTier, "alertname":
			s.Comments = append(s.Comments, fmt.Sprintf("Label %s=%q of the %s alert dropped: obsc sets %s itself.", k, t.Labels[k], tier, k))
			delete(t.Labels, k)
		default:
			if !labelNameRE.MatchString(k) || strings.HasPrefix(k, "__") {
				s.Comments = append(s.Comments, fmt.Sprintf("Label %q of the %s alert dropped: not a valid label name.", k, tier))
				delete(t.Labels, k)
			}
		}
	}
	// What $labels reads in Sloth's alerts that obsc's SLI series do not
	// carry: sloth_severity (empty in Sloth too) and the spec's and
	// SLO's labels, which Sloth records on its SLI series and obsc puts
	// on the alert. Each is the same for every series: its value.
	consts := ir.MergeLabels(seriesLabels, map[string]string{"sloth_severity": tier})
	// Any other label but obsc's own read empty in Sloth too: left out.
	var empty []string
	for _, m := range []map[string]string{t.Labels, t.Annotations} {
		for _, k := range ir.SortedKeys(m) {
			for _, l := range templateLabels(m[k]) {
				_, known := consts[l]
				_, renamed := slothLabelRefs[l]
				if !known && !renamed && l != ir.LabelModule && l != ir.LabelSLO && !slices.Contains(empty, l) {
					empty = append(empty, l)
					consts[l] = ""
				}
			}
		}
	}
	var used []string
	for _, m := range []map[string]string{t.Labels, t.Annotations} {
		for k, v := range m {
			var u []string
			m[k], u = slothTemplate(v, consts)
			for _, l := range u {
				if !slices.Contains(used, l) {
					used = append(used, l)
				}
			}
		}
	}
	slices.Sort(used)
	for _, l := range used {
		if slices.Contains(empty, l) {
			s.Comments = append(s.Comments, fmt.Sprintf("TODO(import): $labels.%s in the %s alert's templates read empty in Sloth's rules too (%s is not a label of Sloth's SLI series) and is left out.", l, tier, l))
			continue
		}
		if l == "sloth_severity" {
			s.Comments = append(s.Comments, fmt.Sprintf("$labels.sloth_severity in the %s alert's templates is written as %s: it read empty in Sloth's rules too, "+
				"since Prometheus fills $labels from the series the alert's expression returns, and sloth_severity is a label of the rule, not of those series.", tier, tier))
			continue
		}
		s.Comments = append(s.Comments, fmt.Sprintf("$labels.%s in the %s alert's templates is written as its value, %s: Sloth records the spec's labels on its SLI series, obsc sets them on the alert.", l, tier, consts[l]))
	}
	return t, false
}

// slothLabelRefs maps Sloth's identity labels in alert templates to
// obsc's: the labels of the SLI series the burn-rate alerts select.
var slothLabelRefs = map[string]string{"sloth_service": "module", "sloth_slo": "slo", "sloth_id": "slo"}

// slothTemplate rewrites a Sloth alert template for obsc: Sloth's identity
// labels become obsc's (slothLabelRefs), and each label of consts, the
// same for every series of the alert, becomes its value, as text where an
// action prints it alone, else as a string. It returns the labels of
// consts it wrote.
func slothTemplate(v string, consts map[string]string) (string, []string) {
	return rewriteLabelRefs(v, consts, slothLabelRefs)
}
