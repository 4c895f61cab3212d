// Package grafana renders a module's Grafana dashboard with the Grafana
// Foundation SDK: <module>/dashboard.json, and the same JSON in a
// ConfigMap the Grafana sidecar loads (<module>/dashboard-configmap.yaml).
//
// The dashboard is derived from the IR only: one row per metric of the
// catalog (rates, error ratios, percentiles and heatmaps, gauges), the
// SLO status read from the recording rules the Prometheus target writes,
// the module's alerts, its logs and the user's extra panels. Every
// Prometheus query reads the datasource variable, uses $__rate_interval
// and is confined to the module's own series with module="<name>".
package grafana

//lint:file-ignore SA1019 the Foundation SDK deprecates its dashboard v1 types for dashboardv2; the sidecar and file provisioning load v1 JSON, which obsc writes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/yamlx"
	"github.com/tinysystems/obsc/targets"
)

// Output file names inside the module directory.
const (
	DashboardFile = "dashboard.json"
	ConfigMapFile = "dashboard-configmap.yaml"
)

// folderAnnotation names the folder a dashboard goes to (the sidecar
// convention of kube-prometheus-stack's Grafana chart).
const folderAnnotation = "grafana_folder"

// Default time range of the dashboard.
const (
	timeFrom = "now-6h"
	timeTo   = "now"
)

// Render renders the dashboard of m and its sidecar ConfigMap.
func Render(m *ir.Module) (targets.FileSet, error) {
	if m.Dashboard == nil {
		return nil, fmt.Errorf("internal error: module %s has no dashboard intent", m.Name)
	}
	r := newRenderer(m)
	d, err := r.dashboard().Build()
	if err != nil {
		return nil, fmt.Errorf("could not build the dashboard of module %s: %w", m.Name, err)
	}
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	data, compact, err := marshalJSON(d)
	if err != nil {
		return nil, fmt.Errorf("could not marshal the dashboard of module %s: %w", m.Name, err)
	}
	cm, err := configMap(m, data, compact)
	if err != nil {
		return nil, fmt.Errorf("could not marshal the dashboard ConfigMap of module %s: %w", m.Name, err)
	}
	fs := targets.FileSet{}
	if err := fs.Add(m.Name+"/"+DashboardFile, data); err != nil {
		return nil, err
	}
	if err := fs.Add(m.Name+"/"+ConfigMapFile, cm); err != nil {
		return nil, err
	}
	return fs, nil
}

// renderer holds what the panel helpers share while one dashboard is
// built: the module, its label variables and the next panel id. Query
// errors are collected, not returned, so the builder chains stay chains.
type renderer struct {
	m      *ir.Module
	vars   []labelVar
	subst  *strings.Replacer
	nextID uint32
	errs   []error
	// traceURL is traceLinks' URL once it has worked it out, slos the
	// sloText of each SLO once worked out.
	traceURL string
	slos     map[*ir.SLO]*sloText
}

func newRenderer(m *ir.Module) *renderer {
	vars := labelVars(m)
	return &renderer{m: m, vars: vars, subst: placeholders(vars), slos: map[*ir.SLO]*sloText{}}
}

// id numbers panels and rows in the order they are added, so ids are
// stable across runs.
func (r *renderer) id() uint32 {
	r.nextID++
	return r.nextID
}

// dashboard assembles the whole dashboard; Render calls its Build once.
func (r *renderer) dashboard() *dashboard.DashboardBuilder {
	m, d := r.m, r.m.Dashboard
	b := dashboard.NewDashboardBuilder(d.Title).
		Uid(d.UID).
		Description(targets.Header+" Source: module "+m.Name+" (namespace "+m.Namespace+").").
		Tags(tags(m)).
		Refresh(d.Refresh).
		Time(timeFrom, timeTo).
		Timezone(common.TimeZoneBrowser).
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Readonly().
		Annotation(builtinAnnotation()).
		Annotation(r.alertsAnnotation()).
		WithVariable(datasourceVariable())
	for _, v := range r.vars {
		b = b.WithVariable(labelVariable(v))
	}
	if m.RunbookBase != "" {
		b = b.Link(dashboard.NewDashboardLinkBuilder("Runbooks").
			Type(dashboard.DashboardLinkTypeLink).
			Icon("doc").
			Url(m.RunbookBase).
			TargetBlank(true))
	}

	if len(m.SLOs) > 0 {
		b = b.WithRow(r.row("Service level objectives"))
		for _, slo := range m.SLOs {
			b = b.WithPanel(r.sloAvailabilityStat(slo)).
				WithPanel(r.sloBudgetGauge(slo)).
				WithPanel(r.sloBurnRate(slo))
		}
	}

	b = b.WithRow(r.row("Alerts")).WithPanel(r.alertList())
	for _, a := range m.Alerts {
		if a.Kind == ir.AlertExpr {
			b = b.WithPanel(r.exprAlert(a))
		}
	}

	// Counters first (traffic and errors), then histograms, then gauges:
	// the RED order an on-call reads a service in.
	for _, typ := range []ir.MetricType{ir.Counter, ir.Histogram, ir.Gauge} {
		for _, mt := range m.Metrics {
			if mt.Type == typ {
				b = r.metricRow(b, mt)
			}
		}
	}

	if d.Logs != nil {
		b = b.WithRow(r.row("Logs")).WithPanel(r.logsPanel())
	}
	if len(d.Panels) > 0 {
		b = b.WithRow(r.row("Custom panels"))
		for _, p := range d.Panels {
			b = b.WithPanel(r.customPanel(p))
		}
	}
	return b
}

// metricRow adds the row of one metric of the catalog.
func (r *renderer) metricRow(b *dashboard.DashboardBuilder, mt *ir.Metric) *dashboard.DashboardBuilder {
	b = b.WithRow(r.row(humanName(r.m, mt) + " (" + mt.Name + ")"))
	switch mt.Type {
	case ir.Counter:
		b = b.WithPanel(r.counterRate(mt))
		for _, a := range r.m.Alerts {
			if a.Kind == ir.AlertErrorRatio && a.Metric == mt.Name {
				b = b.WithPanel(r.errorRatioAlert(mt, a))
			}
		}
		for _, slo := range r.m.SLOs {
			if slo.SLI.Kind == ir.SLIRatio && slo.SLI.Metric == mt.Name {
				b = b.WithPanel(r.errorRatioSLO(mt, slo))
			}
		}
	case ir.Histogram:
		b = b.WithPanel(r.histogramP99(mt)).
			WithPanel(r.histogramQuantiles(mt))
		for _, a := range r.m.Alerts {
			if a.Kind == ir.AlertQuantile && a.Metric == mt.Name {
				b = b.WithPanel(r.quantileAlert(mt, a))
			}
		}
		b = b.WithPanel(r.histogramHeatmap(mt))
	case ir.Gauge:
		b = b.WithPanel(r.gaugeTimeseries(mt)).
			WithPanel(r.gaugeStat(mt))
	}
	return b
}

func (r *renderer) row(title string) *dashboard.RowBuilder {
	return dashboard.NewRowBuilder(title).Id(r.id())
}

// tags are the user's tags plus "obsc" and the module name.
func tags(m *ir.Module) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, t := range append(append([]string{}, m.Dashboard.Tags...), "obsc", m.Name) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// builtinAnnotation is Grafana's own "Annotations & Alerts" entry, which
// Grafana adds to every dashboard it saves; writing it keeps the JSON
// stable when someone exports the dashboard again.
func builtinAnnotation() *dashboard.AnnotationQueryBuilder {
	return dashboard.NewAnnotationQueryBuilder().
		Name("Annotations & Alerts").
		Datasource(common.DataSourceRef{Type: cog.ToPtr("grafana"), Uid: cog.ToPtr("-- Grafana --")}).
		Type("dashboard").
		BuiltIn(1).
		Enable(true).
		Hide(true).
		IconColor("rgba(0, 211, 255, 1)")
}

// alertsAnnotation marks on every graph when one of the module's alerts
// fires (Prometheus' ALERTS series, which keeps the rules' module label).
func (r *renderer) alertsAnnotation() *dashboard.AnnotationQueryBuilder {
	expr := r.m.Selector("ALERTS", `alertstate="firing"`)
	if err := r.checkQuery(expr); err != nil {
		r.errs = append(r.errs, err)
	}
	return dashboard.NewAnnotationQueryBuilder().
		Name("Firing alerts").
		Datasource(promDatasource()).
		Enable(true).
		IconColor("red").
		Expr(expr).
		Step("60s").
		TitleFormat("{{alertname}}").
		TextFormat("{{severity}}").
		TagKeys("severity")
}

// datasourceVariable lets the viewer pick the Prometheus datasource; every
// metric panel reads ${datasource}.
func datasourceVariable() *dashboard.DatasourceVariableBuilder {
	return dashboard.NewDatasourceVariableBuilder(datasourceVar).
		Label("Data source").
		Type("prometheus")
}

// labelVariable filters one bounded label by its declared values.
func labelVariable(v labelVar) *dashboard.CustomVariableBuilder {
	all := "All"
	allValue := "$__all"
	options := []dashboard.VariableOption{{
		Selected: cog.ToPtr(true),
		Text:     dashboard.StringOrArrayOfString{String: &all},
		Value:    dashboard.StringOrArrayOfString{String: &allValue},
	}}
	for _, val := range v.Values {
		options = append(options, dashboard.VariableOption{
			Selected: cog.ToPtr(false),
			Text:     dashboard.StringOrArrayOfString{String: cog.ToPtr(val)},
			Value:    dashboard.StringOrArrayOfString{String: cog.ToPtr(val)},
		})
	}
	return dashboard.NewCustomVariableBuilder(v.Label).
		Label(v.Label).
		Values(dashboard.StringOrMap{String: cog.ToPtr(joinValues(v.Values))}).
		Multi(true).
		IncludeAll(true).
		AllValue(".*").
		Current(dashboard.VariableOption{
			Text:  dashboard.StringOrArrayOfString{ArrayOfString: []string{all}},
			Value: dashboard.StringOrArrayOfString{ArrayOfString: []string{allValue}},
		}).
		Options(options)
}

// joinValues renders a custom variable's query: comma-separated values,
// with commas inside a value escaped as Grafana expects.
func joinValues(values []string) string {
	var buf bytes.Buffer
	for i, v := range values {
		if i > 0 {
			buf.WriteString(",")
		}
		for _, c := range v {
			if c == ',' || c == '\\' {
				buf.WriteByte('\\')
			}
			buf.WriteRune(c)
		}
	}
	return buf.String()
}

// marshalJSON prints the dashboard deterministically: object keys sorted,
// two-space indent, no HTML escaping (PromQL is full of < > &), and a
// trailing newline: what yamlx.IndentJSON makes of json.Marshal(d)
// (marshalIndented), written in one pass by sortedJSON. A dashboard
// sortedJSON gives up on takes the slow path, which reports encoding/json's
// own error if it has one. Under targets.SelfCheck the result is compared
// with the slow path's.
//
// compact is the same JSON as compactJSON compacts it, or nil for the
// caller to compact it.
func marshalJSON(d dashboard.Dashboard) (pretty, compact []byte, err error) {
	out, compact, err := sortedJSON(d, int(dashboardSize.Load()))
	if err != nil {
		out, err := marshalIndented(d)
		return out, nil, err
	}
	dashboardSize.Store(int64(len(out) + len(out)/8))
	out, err = selfChecked(out, func() ([]byte, error) { return marshalIndented(d) },
		"the dashboard written by sortedJSON differs from it marshalled by encoding/json and re-indented")
	return out, compact, err
}

// selfChecked is out, or under targets.SelfCheck an internal error saying
// what when ref's bytes differ from it.
func selfChecked(out []byte, ref func() ([]byte, error), what string) ([]byte, error) {
	if !targets.SelfCheck {
		return out, nil
	}
	want, err := ref()
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(out, want) {
		return nil, errors.New("internal error: " + what)
	}
	return out, nil
}

// dashboardSize is the size of the buffer sortedJSON starts with: that of
// the last dashboard, and some.
var dashboardSize atomic.Int64

// marshalIndented is v marshalled by encoding/json and re-printed by
// yamlx.IndentJSON: what marshalJSON writes for a dashboard.
func marshalIndented(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return yamlx.IndentJSON(raw)
}

// configMap wraps the dashboard JSON in the ConfigMap the Grafana sidecar
// watches: labelled with Kubernetes.DashboardLabels (the sidecar's label
// selector), the module's object labels and managed-by obsc, and placed in
// Dashboard.Folder through the sidecar's folder annotation.
//
// The ConfigMap carries the dashboard compacted, on one line: the same
// JSON as dashboard.json, which stays indented for review and import, in
// 40% fewer bytes. A ConfigMap is applied, not read: client-side kubectl
// apply copies the whole object into its last-applied-configuration
// annotation, which the API server limits to 256 KiB, and a ConfigMap
// holds at most 1 MiB, so the indentation would count against both (as
// kube-prometheus-stack's chart, which minifies its dashboards too).
func configMap(m *ir.Module, pretty, compact []byte) ([]byte, error) {
	data := compact
	if data == nil || targets.SelfCheck {
		slow, err := compactJSON(pretty)
		if err != nil {
			return nil, err
		}
		if data != nil && !bytes.Equal(data, slow) {
			return nil, fmt.Errorf("internal error: module %s: the dashboard compacted as written differs from it compacted again", m.Name)
		}
		data = slow
	}
	lbls := m.ObjectLabelsWith(m.Kubernetes.DashboardLabels)
	var annotations map[string]string
	if m.Dashboard.Folder != "" {
		annotations = map[string]string{folderAnnotation: m.Dashboard.Folder}
	}
	key := m.Name + ".json"
	cm := corev1.ConfigMap{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        m.Name + "-dashboard",
			Namespace:   m.Namespace,
			Labels:      lbls,
			Annotations: annotations,
		},
	}
	header := targets.YAMLHeader(m.Name)
	out, err := spliceDashboard(header, cm, key, data)
	if err != nil {
		return nil, err
	}
	if targets.SelfCheck {
		cm.Data = map[string]string{key: string(data)}
		whole, err := yamlx.Marshal(cm)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(out[len(header):], whole) {
			return nil, fmt.Errorf("internal error: module %s: the ConfigMap with the dashboard spliced in differs from it marshalled whole", m.Name)
		}
	}
	return out, nil
}

// spliceDashboard writes header and then cm, its Data being key: data, as
// yamlx.Marshal does, the dashboard becoming a literal block, without
// escaping 50 KB of JSON into a JSON string and parsing it back: cm is
// marshalled with a one-letter stand-in for the dashboard, whose line is
// then replaced by the block (yamlx.AppendBlock), all in one buffer sized
// up front. A dashboard yamlx would not write as a block is marshalled
// whole.
func spliceDashboard(header []byte, cm corev1.ConfigMap, key string, data []byte) ([]byte, error) {
	cm.Data = map[string]string{key: "x"}
	out, err := yamlx.Marshal(cm)
	if err != nil {
		return nil, err
	}
	line := []byte("\n  " + key + ": x\n")
	at := bytes.Index(out, line)
	if at < 0 || bytes.Count(out, line) != 1 {
		return nil, fmt.Errorf("internal error: the dashboard's line %q is not in the ConfigMap once", bytes.TrimSpace(line))
	}
	head, tail := out[:at+len(line)-len("x\n")], out[at+len(line):]
	spliced := make([]byte, 0, len(header)+len(head)+yamlx.BlockLen(data, 4)+len(tail))
	spliced = append(append(spliced, header...), head...)
	spliced, ok := yamlx.AppendBlock(spliced, data, 4)
	if !ok {
		cm.Data = map[string]string{key: string(data)}
		whole, err := yamlx.Marshal(cm)
		if err != nil {
			return nil, err
		}
		return append(header, whole...), nil
	}
	return append(spliced, tail...), nil
}
