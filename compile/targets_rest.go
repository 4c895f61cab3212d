package compile

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/tinysystems/obsc/compile/ir"
)

func (b *builder) external() {
	seen := map[string]bool{}
	for i, name := range b.spec.External {
		pos := b.at("external", i)
		switch {
		case !metricNameRE.MatchString(strings.ReplaceAll(name, ":", "_")):
			b.errorf(pos, "", "external metric %q is not a valid metric name", name)
		case b.m.Metric(name) != nil:
			b.errorf(pos, "remove it from external", "external metric %s is declared in this module", name)
		case seen[name]:
			b.errorf(pos, "", "external metric %s is listed twice", name)
		}
		seen[name] = true
	}
	b.m.External = ir.SortedKeys(seen)
}

func (b *builder) probes() {
	ps := b.spec.Probes
	m := b.m
	m.Target = ir.Workload{Deployment: m.Name, Container: m.Name}
	if ps == nil {
		return
	}
	if t := ps.Target; t != nil {
		if t.Deployment != "" {
			m.Target.Deployment = t.Deployment
			if errs := validation.IsDNS1123Subdomain(t.Deployment); len(errs) > 0 {
				b.errorf(b.at("probes", "target", "deployment"), "", "deployment name %q is not valid: %s", t.Deployment, errs[0])
			}
		}
		if t.Container != "" {
			m.Target.Container = t.Container
			if errs := validation.IsDNS1123Label(t.Container); len(errs) > 0 {
				b.errorf(b.at("probes", "target", "container"), "", "container name %q is not valid: %s", t.Container, errs[0])
			}
		}
	}
	probe := func(p *probeSpec, name string) *ir.Probe {
		if p == nil {
			return nil
		}
		out := &ir.Probe{Path: p.Path, Port: b.port(p.Port, "probes", name, "port"), FailureThreshold: int(p.FailureThreshold)}
		b.httpPath(p.Path, "probes", name, "path")
		wholeSeconds := func(text, field string) time.Duration {
			d, ok := b.duration(text, "probes", name, field)
			if ok && d%time.Second != 0 {
				b.errorf(b.at("probes", name, field), "Kubernetes counts probe times in whole seconds", "%s %s is not a whole number of seconds", field, text)
			}
			return d
		}
		out.Period = wholeSeconds(p.Period, "period")
		if p.FailureThreshold < 1 || p.FailureThreshold > 1000 {
			b.errorf(b.at("probes", name, "failureThreshold"), "", "failureThreshold must be 1..1000, got %d", p.FailureThreshold)
		}
		if p.InitialDelay != "" {
			out.InitialDelay = wholeSeconds(p.InitialDelay, "initialDelay")
		}
		if p.Timeout != "" {
			out.Timeout = wholeSeconds(p.Timeout, "timeout")
		}
		return out
	}
	m.Probes = &ir.Probes{
		Liveness:  probe(ps.Liveness, "liveness"),
		Readiness: probe(ps.Readiness, "readiness"),
		Startup:   probe(ps.Startup, "startup"),
	}
	if ps.Liveness == nil && ps.Readiness == nil && ps.Startup == nil {
		b.errorf(b.at("probes"), "add liveness, readiness or startup, or remove probes", "probes declares no probe")
	}
}

func (b *builder) dashboard() {
	m := b.m
	d := &ir.Dashboard{UID: ir.DashboardUID(m.Name), Title: m.Name, Refresh: "30s"}
	m.Dashboard = d
	ds := b.spec.Dashboard
	if ds == nil {
		return
	}
	if ds.Title != "" {
		d.Title = ds.Title
	}
	d.Folder, d.Tags = ds.Folder, ds.Tags
	if r, ok := b.duration(ds.Refresh, "dashboard", "refresh"); ok {
		d.Refresh = ir.FormatDuration(r)
	}
	if l := ds.Logs; l != nil {
		if strings.TrimSpace(l.Datasource) == "" {
			b.errorf(b.at("dashboard", "logs", "datasource"), "", "logs.datasource must name the Loki datasource")
		}
		sel := strings.TrimSpace(l.Selector)
		if sel != "" && (!strings.HasPrefix(sel, "{") || !strings.Contains(sel, "}")) {
			b.errorf(b.at("dashboard", "logs", "selector"), `e.g. {namespace="tinysystems", app="http-module"}`, "logs.selector %q is not a LogQL stream selector", sel)
		}
		if sel == "" {
			sel = defaultLogSelector(m)
		}
		d.Logs = &ir.Logs{Datasource: l.Datasource, Selector: sel}
	}
	if t := ds.Traces; t != nil {
		if strings.TrimSpace(t.Datasource) == "" {
			b.errorf(b.at("dashboard", "traces", "datasource"), "", "traces.datasource must name the Tempo datasource")
		}
		query := strings.TrimSpace(t.Query)
		switch {
		case t.Query != "" && !strings.Contains(query, "{"):
			b.errorf(b.at("dashboard", "traces", "query"), `e.g. { resource.service.name = "http-module" }`, "traces.query %q is not a TraceQL query", t.Query)
		case query == "":
			query = "{}"
		}
		d.Traces = &ir.Traces{Datasource: t.Datasource, Query: query}
	}
	for i, p := range ds.Panels {
		if strings.TrimSpace(p.Title) == "" {
			b.errorf(b.at("dashboard", "panels", i, "title"), "", "panel title must not be empty")
		}
		expr := b.promql(p.Expr, exprPanel, "dashboard", "panels", i, "expr")
		d.Panels = append(d.Panels, ir.Panel{Title: p.Title, Expr: expr, Unit: p.Unit, Kind: p.Kind, Pos: b.at("dashboard", "panels", i)})
	}
}

// defaultLogSelector selects the module's pods by namespace and the scrape
// selector's labels.
func defaultLogSelector(m *ir.Module) string {
	parts := []string{fmt.Sprintf("namespace=%q", m.Namespace)}
	for _, k := range ir.SortedKeys(m.Scrape.Selector) {
		parts = append(parts, fmt.Sprintf("%s=%q", strings.NewReplacer(".", "_", "/", "_", "-", "_").Replace(k), m.Scrape.Selector[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (b *builder) kubernetes() {
	k := b.spec.Kubernetes
	b.k8sLabels(k.RuleLabels, "kubernetes", "ruleLabels")
	b.k8sLabels(k.MonitorLabels, "kubernetes", "monitorLabels")
	b.k8sLabels(k.DashboardLabels, "kubernetes", "dashboardLabels")
	b.m.Kubernetes = ir.Kubernetes{RuleLabels: k.RuleLabels, MonitorLabels: k.MonitorLabels, DashboardLabels: k.DashboardLabels}
}
