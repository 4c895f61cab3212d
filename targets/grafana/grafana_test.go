package grafana

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/targets"
)

func TestConfigMap(t *testing.T) {
	tests := map[string]struct {
		m              *ir.Module
		expLabels      map[string]string
		expAnnotations map[string]string
	}{
		"The seed module goes to its folder with the sidecar label": {
			m: seedModule(),
			expLabels: map[string]string{
				"grafana_dashboard":            "1",
				"app.kubernetes.io/part-of":    "tinysystems", // the example's module.labels
				"app.kubernetes.io/managed-by": "obsc",
			},
			expAnnotations: map[string]string{"grafana_folder": "TinySystems"},
		},
		"Object labels are kept and no folder means no annotation": {
			m: ordersModule(),
			expLabels: map[string]string{
				"grafana_dashboard":            "1",
				"team":                         "checkout",
				"app.kubernetes.io/managed-by": "obsc",
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			fs, err := Render(tt.m)
			if err != nil {
				t.Fatalf("Render() error: %v", err)
			}
			data := fs[tt.m.Name+"/"+ConfigMapFile]
			if !bytes.HasPrefix(data, targets.YAMLHeader(tt.m.Name)) {
				t.Errorf("ConfigMap does not start with the YAML header:\n%s", data[:80])
			}
			for _, p := range fs.Paths() {
				if !targets.IsGenerated(fs[p]) {
					t.Errorf("%s is not recognised as generated", p)
				}
			}
			var cm corev1.ConfigMap
			if err := yaml.UnmarshalStrict(data, &cm); err != nil {
				t.Fatalf("ConfigMap does not decode: %v", err)
			}
			if cm.APIVersion != "v1" || cm.Kind != "ConfigMap" {
				t.Errorf("apiVersion/kind = %s/%s, want v1/ConfigMap", cm.APIVersion, cm.Kind)
			}
			if got, want := cm.Name, tt.m.Name+"-dashboard"; got != want {
				t.Errorf("name = %q, want %q", got, want)
			}
			if got, want := cm.Namespace, tt.m.Namespace; got != want {
				t.Errorf("namespace = %q, want %q", got, want)
			}
			if diff := cmp.Diff(tt.expLabels, cm.Labels); diff != "" {
				t.Errorf("labels mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.expAnnotations, cm.Annotations); diff != "" {
				t.Errorf("annotations mismatch (-want +got):\n%s", diff)
			}
			// dashboard.json compacted by encoding/json, on one line
			var want bytes.Buffer
			if err := json.Compact(&want, fs[tt.m.Name+"/"+DashboardFile]); err != nil {
				t.Fatalf("dashboard.json: %v", err)
			}
			want.WriteByte('\n')
			if diff := cmp.Diff(map[string]string{tt.m.Name + ".json": want.String()}, cm.Data); diff != "" {
				t.Errorf("data mismatch (-want dashboard.json compacted +got):\n%s", diff)
			}
			if n := strings.Count(cm.Data[tt.m.Name+".json"], "\n"); n != 1 {
				t.Errorf("the ConfigMap's dashboard has %d lines, want 1", n)
			}
		})
	}
}

// TestConfigMapCompaction: the ConfigMap is the same whether the
// dashboard comes compacted as sortedJSON wrote it or is compacted again
// (the slow path's dashboards), and under SelfCheck a compacted dashboard
// that differs from the indented one is an internal error.
func TestConfigMapCompaction(t *testing.T) {
	m := seedModule()
	d, err := newRenderer(m).dashboard().Build()
	if err != nil {
		t.Fatalf("Build() error: %v", err)
	}
	pretty, compact, err := marshalJSON(d)
	if err != nil || compact == nil {
		t.Fatalf("marshalJSON() = compact %v, error %v; want it compacted", compact != nil, err)
	}
	fast, err := configMap(m, pretty, compact)
	if err != nil {
		t.Fatalf("configMap(compacted) error: %v", err)
	}
	slow, err := configMap(m, pretty, nil)
	if err != nil {
		t.Fatalf("configMap(nil) error: %v", err)
	}
	if diff := cmp.Diff(string(slow), string(fast)); diff != "" {
		t.Errorf("ConfigMap from the compacted dashboard differs (-compacted again +as written):\n%s", diff)
	}
	bad := bytes.Replace(compact, []byte(`"uid":`), []byte(`"uid": `), 1)
	if _, err := configMap(m, pretty, bad); err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Errorf("configMap(a wrong compaction) under SelfCheck = %v, want an internal error", err)
	}
}

func TestDashboardSettings(t *testing.T) {
	m := seedModule()
	d, data := renderDashboard(t, m)
	got := struct {
		UID, Title, Refresh, From, To string
		Tags                          []string
	}{d.UID, d.Title, d.Refresh, d.Time.From, d.Time.To, d.Tags}
	want := struct {
		UID, Title, Refresh, From, To string
		Tags                          []string
	}{"obsc-http-module", "HTTP module", "30s", "now-6h", "now", []string{"tinysystems", "obsc", "http-module"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dashboard settings mismatch (-want +got):\n%s", diff)
	}
	if !bytes.HasSuffix(data, []byte("}\n")) || !bytes.HasPrefix(data, []byte("{\n  \"")) {
		t.Errorf("dashboard.json is not 2-space indented with a trailing newline")
	}
	// PromQL comparison and matcher characters stay readable.
	if bytes.Contains(data, []byte(`\u003c`)) || bytes.Contains(data, []byte(`\u0026`)) || bytes.Contains(data, []byte(`\u003e`)) {
		t.Errorf("dashboard.json escapes HTML characters")
	}
	var titles []string
	for _, p := range d.allPanels() {
		titles = append(titles, p.Title)
	}
	for _, want := range []string{
		"Messages/sec", "Processing latency p99", "Processing latency p50 / p90 / p99", "Processing latency heatmap",
		"Error ratio by component (HighErrorRate)", "Error ratio (SLO availability)",
		"Processing latency p99 by component (HighLatency)", "Active operations", "Active operations (now)",
		"SLO availability: availability vs objective (30d)", "SLO availability: error budget remaining",
		"SLO availability: burn rate by window", "SLO latency: within 0.5s vs objective (30d)",
		"Alerts", "Logs", "Top error types",
	} {
		if !strings.Contains(strings.Join(titles, "\n")+"\n", want+"\n") {
			t.Errorf("no panel titled %q", want)
		}
	}
}

func TestRenderMinimalModule(t *testing.T) {
	long := strings.Repeat("a", 63)
	m := &ir.Module{
		Name:      long,
		Namespace: "default",
		Dashboard: &ir.Dashboard{UID: ir.DashboardUID(long), Title: long, Refresh: "30s"},
		Kubernetes: ir.Kubernetes{
			DashboardLabels: map[string]string{"grafana_dashboard": "1"},
		},
	}
	d, _ := renderDashboard(t, m)
	if len(d.UID) > 40 {
		t.Errorf("uid %q longer than 40 characters", d.UID)
	}
	for rule, msgs := range lint(m, d) {
		t.Errorf("%s: %v", rule, msgs)
	}
}

func TestRenderErrors(t *testing.T) {
	tests := map[string]struct {
		change func(m *ir.Module)
		errMsg string
	}{
		"A module without dashboard intent is an internal error": {
			change: func(m *ir.Module) { m.Dashboard = nil },
			errMsg: "internal error: module http-module has no dashboard intent",
		},
		"An extra panel whose expression does not parse is an internal error": {
			change: func(m *ir.Module) { m.Dashboard.Panels[0].Expr = "sum(" },
			errMsg: `internal error: expression "sum(" does not parse`,
		},
		"An expr alert that does not parse is an internal error": {
			change: func(m *ir.Module) {
				m.Alerts = append(m.Alerts, &ir.Alert{Name: "Broken", Kind: ir.AlertExpr, Expr: "up >"})
			},
			errMsg: `internal error: expression "up >" does not parse`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			m := seedModule()
			tt.change(m)
			_, err := Render(m)
			if err == nil {
				t.Fatal("Render() succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.errMsg) {
				t.Errorf("Render() error = %q, want it to contain %q", err, tt.errMsg)
			}
		})
	}
}

func TestLogsSelector(t *testing.T) {
	tests := map[string]struct {
		m   *ir.Module
		exp string
	}{
		"The default selects the namespace and the pod labels": {
			m:   seedModule(),
			exp: `{namespace="tinysystems", app="http-module"}`,
		},
		"Kubernetes label names are sanitised like Promtail does": {
			m: func() *ir.Module {
				m := ordersModule()
				m.Dashboard.Logs = &ir.Logs{Datasource: "loki"}
				// The example selects on app; use a name Loki cannot take.
				m.Scrape.Selector = map[string]string{"app.kubernetes.io/name": "orders"}
				return m
			}(),
			exp: `{namespace="shop", app_kubernetes_io_name="orders"}`,
		},
		"A user selector wins": {
			m: func() *ir.Module {
				m := seedModule()
				m.Dashboard.Logs.Selector = `{job="x"} |= "error"`
				return m
			}(),
			exp: `{job="x"} |= "error"`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tt.exp, logsSelector(tt.m)); diff != "" {
				t.Errorf("logsSelector() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNamesAndUnits(t *testing.T) {
	seed, orders := seedModule(), ordersModule()
	tests := map[string]struct {
		m                 *ir.Module
		metric            string
		expName           string
		expValue, expRate string
	}{
		"Standard messages read like the seed":    {seed, "tinysystems_messages_total", "Messages", "short", "ops"},
		"Standard duration is processing latency": {seed, "tinysystems_duration_seconds", "Processing latency", "s", "percentunit"},
		"A custom counter drops _total":           {orders, "orders_created_total", "Orders created", "short", "ops"},
		"A dollar histogram is in dollars":        {orders, "order_value_dollars", "Order value", "currencyUSD", "ops"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			mt := tt.m.Metric(tt.metric)
			got := []string{humanName(tt.m, mt), valueUnit(mt), rateUnit(mt)}
			if diff := cmp.Diff([]string{tt.expName, tt.expValue, tt.expRate}, got); diff != "" {
				t.Errorf("humanName/valueUnit/rateUnit mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLabelVars(t *testing.T) {
	tests := map[string]struct {
		m   *ir.Module
		exp []labelVar
	}{
		"TinySystems modules filter by component": {
			m:   seedModule(),
			exp: []labelVar{{Label: "component", Values: []string{"http_server", "router"}}},
		},
		"Other modules filter by every declared value set": {
			m: func() *ir.Module {
				// The example's alert and SLO select errors on status; drop
				// them so that every value set is a filter.
				m := ordersModule()
				m.Alerts, m.SLOs = nil, nil
				return m
			}(),
			exp: []labelVar{
				{Label: "payment_method", Values: []string{"card", "invoice", "wallet"}},
				{Label: "status", Values: []string{"created", "paid", "failed"}},
			},
		},
		"Labels that select errors are not filters": {
			m: func() *ir.Module {
				m := ordersModule()
				m.SLOs = nil // PaymentFailures alone selects errors on status
				return m
			}(),
			exp: []labelVar{{Label: "payment_method", Values: []string{"card", "invoice", "wallet"}}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tt.exp, labelVars(tt.m)); diff != "" {
				t.Errorf("labelVars() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTraceLinks: the "Traces in Tempo" link opens Explore on the traces
// datasource with the spec's TraceQL query, whatever it holds (quotes,
// spaces, the link's own placeholder names), and the time range left for
// Grafana to fill in.
func TestTraceLinks(t *testing.T) {
	for _, query := range []string{
		"{}",
		`{ resource.service.name = "http-module" }`,
		`{ span.note = "FROM_PLACEHOLDER TO_PLACEHOLDERX" && status = error }`,
	} {
		link := tempoExploreURL("tempo-eu", query)
		if strings.Contains(link, "+") {
			t.Errorf("query %s: link %q has a + (a space to some decoders, a plus to others)", query, link)
		}
		path, rawQuery, ok := strings.Cut(link, "?")
		if !ok || path != "/explore" {
			t.Fatalf("query %s: link %q is not an Explore link", query, link)
		}
		params, err := url.ParseQuery(rawQuery)
		if err != nil {
			t.Fatalf("query %s: link %q: %v", query, link, err)
		}
		var pane explorePane
		if err := json.Unmarshal([]byte(params.Get("panes")), &pane); err != nil {
			t.Fatalf("query %s: panes %q: %v", query, params.Get("panes"), err)
		}
		tr := pane.Traces
		if tr.Datasource != "tempo-eu" || len(tr.Queries) != 1 || tr.Queries[0].Query != query ||
			tr.Queries[0].Datasource.UID != "tempo-eu" || tr.Queries[0].QueryType != "traceql" {
			t.Errorf("query %s: the link's pane is %+v", query, tr)
		}
		if tr.Range.From != "${__from}" || tr.Range.To != "${__to}" {
			t.Errorf("query %s: range %+v, want ${__from} to ${__to}", query, tr.Range)
		}
	}
	m := seedModule()
	r := newRenderer(m)
	if got := traceTooltip(m.Dashboard.Traces); !strings.Contains(got, m.Dashboard.Traces.Query) {
		t.Errorf("tooltip %q does not say what the link searches", got)
	}
	if got := traceTooltip(&ir.Traces{Datasource: "tempo", Query: "{}"}); strings.Contains(got, "matching") {
		t.Errorf("tooltip %q for every trace says it filters", got)
	}
	if links := r.traceLinks(); len(links) != 1 {
		t.Errorf("seed module: %d trace links, want 1", len(links))
	}
}
