package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"cuelang.org/go/cue/format"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
)

// Defaults of compile the rendered module must stay within.
const (
	defaultMaxSeriesPerMetric = 1000
	defaultMaxSeries          = 10000
)

// Render writes the module as a formatted, commented module.cue.
func (m *Module) Render() ([]byte, error) {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	comment := func(indent string, lines ...string) {
		for _, l := range lines {
			for _, x := range strings.Split(l, "\n") {
				w("%s// %s\n", indent, x)
			}
		}
	}

	comment("", fmt.Sprintf("Imported by `obsc import` from %s:", m.From))
	for _, s := range m.Sources {
		comment("", "  "+filepath.ToSlash(s))
	}
	comment("", "Placeholders obsc could not know from the input are marked TODO(import):",
		"review them, then delete the markers.")
	if len(m.Notes) > 0 {
		comment("", "")
		comment("", m.Notes...)
	}
	w("package obs\n\n")

	w("module: {\n\tname: %s\n", q(m.Name))
	if m.Namespace != "" {
		w("\tnamespace: %s\n", q(m.Namespace))
	} else {
		w("\tnamespace: \"default\" // TODO(import): the namespace of the monitoring objects\n")
	}
	if m.Team != "" {
		w("\tteam: %s\n", q(m.Team))
	}
	w("}\n\n")

	w("// TODO(import): how Prometheus finds the pods; obsc's ServiceMonitor also\n")
	w("// attaches module=%s to every series, which the rules below select.\n", q(m.Name))
	w("scrape: {\n\tselector: app: %s // TODO(import)\n\tportNumber: 8080 // TODO(import)\n}\n\n", q(m.Name))

	if len(m.Labels) > 0 {
		w("// TODO(import): bound every label: values: [...] when the set is known,\n")
		w("// else maxValues. The input names the labels, not their values.\n")
		w("labels: {\n")
		for _, l := range ir.SortedKeys(m.Labels) {
			var why []string
			if m.Labels[l].Allow {
				why = append(why, "TODO(import): confirm this label is bounded")
			}
			if problems := compile.LabelNamingProblems(l); len(problems) > 0 {
				why = append(why, "named as the input names it: "+strings.Join(problems, "; "))
			}
			if len(why) > 0 {
				w("\t%s: {maxValues: %d, allow: %s}\n", ident(l), placeholderValues, q("imported; "+strings.Join(why, "; ")))
			} else {
				w("\t%s: maxValues: %d\n", ident(l), placeholderValues)
			}
		}
		w("}\n\n")
	}

	perMetric, total := defaultMaxSeriesPerMetric, 0
	if len(m.Metrics) > 0 {
		w("metrics: {\n")
		for _, name := range ir.SortedKeys(m.Metrics) {
			mt := m.Metrics[name]
			n := m.series(mt)
			perMetric, total = max(perMetric, n), total+n
			w("\t%s: {\n\t\ttype: %s\n\t\thelp: \"TODO(import): what %s measures\"\n", ident(name), q(string(mt.Type)), name)
			if len(mt.Labels) > 0 {
				w("\t\tlabels: [%s] // TODO(import): every label it has, not only the ones the queries select on\n", strings.Join(quoteAll(ir.SortedKeys(mt.Labels)), ", "))
			}
			if problems := compile.NamingProblems(name, mt.Type); len(problems) > 0 {
				w("\t\tallow: %s // TODO(import): rename it in the instrumentation, or say why the name stays\n",
					q("imported as named: "+strings.Join(problems, "; ")))
			}
			if mt.Type == ir.Histogram {
				if bs := m.buckets(mt); bs != nil {
					w("\t\tbuckets: [%s] // TODO(import): the histogram's real buckets (these hold the thresholds the input uses)\n", floats(bs))
				} else {
					w("\t\t// TODO(import): buckets: the histogram's real buckets (default: Prometheus DefBuckets)\n")
				}
			}
			w("\t}\n")
		}
		w("}\n\n")
	}
	if perMetric > defaultMaxSeriesPerMetric || total > defaultMaxSeries {
		w("// TODO(import): budgets sized to the placeholder label bounds.\n")
		w("cardinality: {\n")
		if perMetric > defaultMaxSeriesPerMetric {
			w("\tmaxSeriesPerMetric: %d\n", perMetric)
		}
		if total > defaultMaxSeries {
			w("\tmaxSeries: %d\n", max(total, perMetric))
		}
		w("}\n\n")
	}

	if len(m.External) > 0 {
		w("// Metrics obsc does not declare: expressions read them as written,\n// without module confinement.\n")
		w("external: [\n")
		for _, name := range ir.SortedKeys(m.External) {
			w("\t%s, // %s\n", q(name), m.External[name])
		}
		w("]\n\n")
	}

	if len(m.SLOs) > 0 {
		w("slos: {\n")
		for _, s := range m.SLOs {
			comment("\t", s.Comments...)
			w("\t%s: {\n", ident(s.Name))
			w("\t\tobjective: %s\n", ir.FormatFloat(s.Objective))
			if s.Window != "" {
				w("\t\twindow: %s\n", q(s.Window))
			}
			if s.Description != "" {
				w("\t\tdescription: %s\n", q(s.Description))
			}
			switch {
			case s.Ratio != nil:
				w("\t\tratio: {\n\t\t\tmetric: %s\n\t\t\terrors: %s\n\t\t}\n", q(s.Ratio.Metric), matchers(s.Ratio.Errors))
			case s.Latency != nil:
				w("\t\tlatency: {\n\t\t\tmetric: %s\n\t\t\tthreshold: %s\n\t\t}\n", q(s.Latency.Metric), ir.FormatFloat(s.Latency.Threshold))
			case s.Raw != nil:
				w("\t\traw: {\n\t\t\terrorQuery: %s\n\t\t\ttotalQuery: %s\n\t\t}\n", q(s.Raw.ErrorQuery), q(s.Raw.TotalQuery))
			}
			page, ticket := tierText(s.Page, s.PageOff), tierText(s.Ticket, s.TicketOff)
			if page != "" || ticket != "" {
				w("\t\talerting: {\n")
				if page != "" {
					w("\t\t\tpage: %s\n", page)
				}
				if ticket != "" {
					w("\t\t\tticket: %s\n", ticket)
				}
				w("\t\t}\n")
			}
			w("\t}\n")
		}
		w("}\n\n")
	}

	if len(m.Alerts) > 0 {
		w("alerts: {\n")
		for _, a := range m.Alerts {
			comment("\t", a.Comments...)
			w("\t%s: {\n", ident(a.Name))
			switch {
			case a.ErrorRatio != nil:
				w("\t\terrorRatio: {\n\t\t\tmetric: %s\n\t\t\terrors: %s\n", q(a.ErrorRatio.Metric), matchers(a.ErrorRatio.Errors))
				if len(a.ErrorRatio.By) > 0 {
					w("\t\t\tby: [%s]\n", strings.Join(quoteAll(a.ErrorRatio.By), ", "))
				}
				w("\t\t}\n\t\tabove: %s\n", ir.FormatFloat(a.Above))
			case a.Quantile != nil:
				w("\t\tquantile: {\n\t\t\tmetric: %s\n\t\t\tq: %s\n", q(a.Quantile.Metric), ir.FormatFloat(a.Quantile.Q))
				if len(a.Quantile.By) > 0 {
					w("\t\t\tby: [%s]\n", strings.Join(quoteAll(a.Quantile.By), ", "))
				}
				w("\t\t}\n\t\tabove: %s\n", ir.FormatFloat(a.Above))
			default:
				w("\t\texpr: %s\n", q(a.Expr))
			}
			if a.For != "" {
				w("\t\tfor: %s\n", q(a.For))
			}
			if a.KeepFiringFor != "" {
				w("\t\tkeepFiringFor: %s\n", q(a.KeepFiringFor))
			}
			if a.Severity != "" {
				w("\t\tseverity: %s\n", q(a.Severity))
			}
			if a.Summary != "" {
				w("\t\tsummary: %s\n", q(a.Summary))
			}
			if a.Description != "" {
				w("\t\tdescription: %s\n", q(a.Description))
			}
			if len(a.Labels) > 0 {
				w("\t\tlabels: %s\n", strMap(a.Labels))
			}
			if len(a.Annotations) > 0 {
				w("\t\tannotations: %s\n", strMap(a.Annotations))
			}
			w("\t}\n")
		}
		w("}\n")
	}

	out, err := format.Source(b.Bytes(), format.Simplify())
	if err != nil {
		return nil, fmt.Errorf("internal error: module %s: generated CUE does not format: %w\n%s", m.Name, err, b.Bytes())
	}
	return out, nil
}

func tierText(t *Tier, off bool) string {
	if off {
		return "false"
	}
	if t.empty() {
		return ""
	}
	var parts []string
	if t.Name != "" {
		parts = append(parts, "name: "+q(t.Name))
	}
	if t.Severity != "" {
		parts = append(parts, "severity: "+q(t.Severity))
	}
	if len(t.Labels) > 0 {
		parts = append(parts, "labels: "+strMap(t.Labels))
	}
	if len(t.Annotations) > 0 {
		parts = append(parts, "annotations: "+strMap(t.Annotations))
	}
	return "{\n" + strings.Join(parts, "\n") + "\n}"
}

func matchers(ms map[string][]string) string {
	var parts []string
	for _, l := range ir.SortedKeys(ms) {
		vs := ms[l]
		if len(vs) == 1 {
			parts = append(parts, ident(l)+": "+q(vs[0]))
		} else {
			parts = append(parts, ident(l)+": ["+strings.Join(quoteAll(vs), ", ")+"]")
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func strMap(m map[string]string) string {
	var parts []string
	for _, k := range ir.SortedKeys(m) {
		parts = append(parts, ident(k)+": "+q(m[k]))
	}
	return "{\n" + strings.Join(parts, "\n") + "\n}"
}

// q quotes s as a CUE string. JSON string syntax is valid CUE, and JSON
// escapes the backslash that would start a CUE interpolation \( ... ).
func q(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func quoteAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = q(x)
	}
	return out
}

// ident writes a field name: bare when it is a plain identifier, quoted
// otherwise (CUE identifiers may not start with a digit, #, or _ for
// hidden fields, and may not be keywords).
func ident(s string) string {
	if s == "" {
		return q(s)
	}
	for i, r := range s {
		alpha := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !(alpha || r == '_' && i > 0 || r >= '0' && r <= '9' && i > 0) {
			return q(s)
		}
	}
	switch s {
	case "if", "for", "in", "let", "true", "false", "null", "package", "import", "func":
		return q(s)
	}
	return s
}

func floats(fs []float64) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = ir.FormatFloat(f)
	}
	return strings.Join(parts, ", ")
}
