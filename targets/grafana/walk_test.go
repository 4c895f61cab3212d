package grafana

import (
	"encoding/json"
	"testing"

	"github.com/tinysystems/obsc/compile/ir"
)

// The lint and query tests read the dashboard as Grafana does, from the
// JSON, not from the builders: these types hold the fields they check.

type jsonDS struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type jsonTarget struct {
	RefID      string  `json:"refId"`
	Expr       string  `json:"expr"`
	Datasource *jsonDS `json:"datasource"`
}

type jsonPanel struct {
	ID          int          `json:"id"`
	Type        string       `json:"type"`
	Title       string       `json:"title"`
	Description string       `json:"description"`
	Datasource  *jsonDS      `json:"datasource"`
	Targets     []jsonTarget `json:"targets"`
	Panels      []jsonPanel  `json:"panels"` // rows
	FieldConfig struct {
		Defaults struct {
			Unit string `json:"unit"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
}

type jsonDashboard struct {
	UID         string      `json:"uid"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Tags        []string    `json:"tags"`
	Refresh     string      `json:"refresh"`
	Panels      []jsonPanel `json:"panels"`
	Time        struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"time"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Query any    `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Annotations struct {
		List []struct {
			Name       string  `json:"name"`
			Expr       string  `json:"expr"`
			Datasource *jsonDS `json:"datasource"`
		} `json:"list"`
	} `json:"annotations"`
}

// allPanels returns every panel, rows included, with the panels of
// collapsed rows flattened in.
func (d *jsonDashboard) allPanels() []jsonPanel {
	var out []jsonPanel
	var walk func([]jsonPanel)
	walk = func(ps []jsonPanel) {
		for _, p := range ps {
			out = append(out, p)
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return out
}

// promQuery is one Prometheus query of the dashboard and where it sits.
type promQuery struct {
	Where string // panel title or annotation name
	Expr  string
	User  bool // the user's text (dashboard.panels, expr alerts), not generated
}

// promQueries returns every Prometheus query: panel targets and
// annotations.
func (d *jsonDashboard) promQueries(m *ir.Module) []promQuery {
	user := map[string]bool{}
	for _, p := range m.Dashboard.Panels {
		user[p.Title] = true
	}
	for _, a := range m.Alerts {
		if a.Kind == ir.AlertExpr {
			user["Alert "+a.Name] = true
		}
	}
	var out []promQuery
	for _, p := range d.allPanels() {
		for _, t := range p.Targets {
			if t.Datasource != nil && t.Datasource.Type == "prometheus" {
				out = append(out, promQuery{Where: p.Title, Expr: t.Expr, User: user[p.Title]})
			}
		}
	}
	for _, a := range d.Annotations.List {
		if a.Datasource != nil && a.Datasource.Type == "prometheus" {
			out = append(out, promQuery{Where: "annotation " + a.Name, Expr: a.Expr})
		}
	}
	return out
}

// renderDashboard renders m and decodes its dashboard.json.
func renderDashboard(t *testing.T, m *ir.Module) (*jsonDashboard, []byte) {
	t.Helper()
	fs, err := Render(m)
	if err != nil {
		t.Fatalf("Render() error: %v", err)
	}
	data := fs[m.Name+"/"+DashboardFile]
	var d jsonDashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("dashboard.json does not decode: %v", err)
	}
	return &d, data
}
