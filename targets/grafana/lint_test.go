package grafana

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/prometheus/model/labels"
	promparser "github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/targets"
)

// The lint rules follow the habits of the Grafana community's dashboard
// linters (grafana/dashboard-linter: template-datasource, panel-datasource,
// panel-title-description, panel-units, target-promql, target-rate-interval)
// plus obsc's own: every query confined to the module, uid within Grafana's
// limit, the generated-file header. One line per rule.
var lintRules = []struct {
	name  string
	check func(*lintCtx) []string
}{
	{"uid-length", lintUID},                         // uid set, at most 40 characters
	{"dashboard-generated", lintGenerated},          // description carries the DO NOT EDIT header
	{"template-datasource", lintTemplateDatasource}, // exactly one Prometheus datasource variable, named datasource
	{"panel-title", lintPanelTitle},                 // every panel and row has a title
	{"panel-description", lintPanelDescription},     // every panel has a description
	{"panel-units", lintPanelUnits},                 // every panel showing numbers has a unit
	{"panel-datasource", lintPanelDatasource},       // Prometheus panels and queries read ${datasource}
	{"panel-unique-ids", lintUniqueIDs},             // panel ids are set and unique
	{"target-promql", lintTargetPromQL},             // every Prometheus query parses
	{"target-rate-interval", lintRateInterval},      // rate/irate/increase of generated queries use $__rate_interval
	{"target-module-selector", lintModuleSelector},  // every module series is selected with module="<name>"
}

// lintCtx is what the rules look at: the module, its dashboard as JSON and
// its Prometheus queries.
type lintCtx struct {
	m       *ir.Module
	d       *jsonDashboard
	queries []promQuery
}

// unitPanels are the panel types that show numbers and need a unit.
var unitPanels = []string{"timeseries", "stat", "gauge", "heatmap", "bargauge", "table"}

// rateSentinel stands for $__rate_interval while linting, so the rule can
// tell it from a fixed window after parsing.
const rateSentinel = 1717 * time.Second

func lintParse(c *lintCtx, expr string) (promparser.Expr, error) {
	s := strings.ReplaceAll(expr, rateInterval, ir.FormatDuration(rateSentinel))
	return promparser.NewParser(promparser.Options{}).ParseExpr(substitute(c.m, s))
}

func lintUID(c *lintCtx) []string {
	if c.d.UID == "" || len(c.d.UID) > 40 {
		return []string{fmt.Sprintf("uid %q is empty or longer than 40 characters", c.d.UID)}
	}
	return nil
}

func lintGenerated(c *lintCtx) []string {
	if !strings.Contains(c.d.Description, targets.Header) {
		return []string{"description lacks the generated-file header"}
	}
	return nil
}

func lintTemplateDatasource(c *lintCtx) []string {
	var n int
	for _, v := range c.d.Templating.List {
		if v.Type == "datasource" && v.Query == "prometheus" {
			n++
			if v.Name != datasourceVar {
				return []string{fmt.Sprintf("Prometheus datasource variable is named %q, want %q", v.Name, datasourceVar)}
			}
		}
	}
	if n != 1 {
		return []string{fmt.Sprintf("%d Prometheus datasource variables, want 1", n)}
	}
	return nil
}

func lintPanelTitle(c *lintCtx) []string {
	var out []string
	for _, p := range c.d.allPanels() {
		if strings.TrimSpace(p.Title) == "" {
			out = append(out, fmt.Sprintf("panel %d (%s) has no title", p.ID, p.Type))
		}
	}
	return out
}

func lintPanelDescription(c *lintCtx) []string {
	var out []string
	for _, p := range c.d.allPanels() {
		if p.Type != "row" && strings.TrimSpace(p.Description) == "" {
			out = append(out, fmt.Sprintf("panel %q has no description", p.Title))
		}
	}
	return out
}

func lintPanelUnits(c *lintCtx) []string {
	var out []string
	for _, p := range c.d.allPanels() {
		if slices.Contains(unitPanels, p.Type) && p.FieldConfig.Defaults.Unit == "" {
			out = append(out, fmt.Sprintf("panel %q has no unit", p.Title))
		}
	}
	return out
}

func lintPanelDatasource(c *lintCtx) []string {
	want := "${" + datasourceVar + "}"
	var out []string
	for _, p := range c.d.allPanels() {
		if p.Type == "row" || p.Type == "alertlist" || (p.Datasource != nil && p.Datasource.Type != "prometheus") {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != want {
			out = append(out, fmt.Sprintf("panel %q does not read %s", p.Title, want))
		}
		for _, t := range p.Targets {
			if t.Datasource == nil || t.Datasource.UID != want {
				out = append(out, fmt.Sprintf("panel %q query %s does not read %s", p.Title, t.RefID, want))
			}
		}
	}
	return out
}

func lintUniqueIDs(c *lintCtx) []string {
	seen := map[int]bool{}
	var out []string
	for _, p := range c.d.allPanels() {
		if p.ID == 0 || seen[p.ID] {
			out = append(out, fmt.Sprintf("panel %q has id %d, missing or taken", p.Title, p.ID))
		}
		seen[p.ID] = true
	}
	return out
}

func lintTargetPromQL(c *lintCtx) []string {
	var out []string
	for _, q := range c.queries {
		if _, err := lintParse(c, q.Expr); err != nil {
			out = append(out, fmt.Sprintf("%s: %q does not parse: %v", q.Where, q.Expr, err))
		}
	}
	return out
}

// lintRateInterval exempts the user's expressions (extra panels, expr
// alerts): their text is theirs, and compile already printed it.
func lintRateInterval(c *lintCtx) []string {
	var out []string
	for _, q := range c.queries {
		e, err := lintParse(c, q.Expr)
		if err != nil || q.User {
			continue
		}
		promparser.Inspect(e, func(n promparser.Node, _ []promparser.Node) error {
			call, ok := n.(*promparser.Call)
			if !ok || !slices.Contains([]string{"rate", "irate", "increase"}, call.Func.Name) {
				return nil
			}
			for _, arg := range call.Args {
				if ms, ok := arg.(*promparser.MatrixSelector); ok && ms.Range != rateSentinel {
					out = append(out, fmt.Sprintf("%s: %q: %s() over a fixed window", q.Where, q.Expr, call.Func.Name))
				}
			}
			return nil
		})
	}
	return out
}

// lintModuleSelector: every selector of the module's series (declared
// metrics, recording rules, ALERTS) carries module="<name>", and every
// generated query has one. Only external metrics go without, and expr
// alerts, which are plotted exactly as the alert evaluates them.
func lintModuleSelector(c *lintCtx) []string {
	var out []string
	for _, q := range c.queries {
		e, err := lintParse(c, q.Expr)
		if err != nil {
			continue
		}
		confined := 0
		if q.User && strings.HasPrefix(q.Where, "Alert ") {
			continue
		}
		for _, vs := range selectors(e) {
			if !ownMetric(c.m, vs.Name) && !strings.Contains(vs.Name, ":") && vs.Name != "ALERTS" {
				continue
			}
			if !slices.ContainsFunc(vs.LabelMatchers, func(lm *labels.Matcher) bool {
				return lm.Name == ir.LabelModule && lm.Type == labels.MatchEqual && lm.Value == c.m.Name
			}) {
				out = append(out, fmt.Sprintf("%s: %q: %s lacks %s", q.Where, q.Expr, vs.Name, c.m.ModuleMatcher()))
				continue
			}
			confined++
		}
		if confined == 0 && !q.User {
			out = append(out, fmt.Sprintf("%s: %q reads nothing of the module", q.Where, q.Expr))
		}
	}
	return out
}

// lint runs every rule and returns the failures by rule name.
func lint(m *ir.Module, d *jsonDashboard) map[string][]string {
	c := &lintCtx{m: m, d: d, queries: d.promQueries(m)}
	out := map[string][]string{}
	for _, r := range lintRules {
		if msgs := r.check(c); len(msgs) > 0 {
			out[r.name] = msgs
		}
	}
	return out
}

func TestLint(t *testing.T) {
	for name, m := range fixtures() {
		t.Run(name, func(t *testing.T) {
			d, _ := renderDashboard(t, m)
			for rule, msgs := range lint(m, d) {
				for _, msg := range msgs {
					t.Errorf("%s: %s", rule, msg)
				}
			}
		})
	}
}

// TestLintCatches proves the rules are not vacuous: each breaks a rendered
// dashboard in one way and expects exactly the rule that should notice.
func TestLintCatches(t *testing.T) {
	firstOf := func(d *jsonDashboard, typ string) *jsonPanel {
		for i := range d.Panels {
			if d.Panels[i].Type == typ {
				return &d.Panels[i]
			}
		}
		t.Fatalf("no %s panel", typ)
		return nil
	}
	tests := map[string]struct {
		breakIt func(d *jsonDashboard)
		expRule string
	}{
		"a long uid is reported": {
			breakIt: func(d *jsonDashboard) { d.UID = strings.Repeat("x", 41) },
			expRule: "uid-length",
		},
		"a missing header is reported": {
			breakIt: func(d *jsonDashboard) { d.Description = "hand-made" },
			expRule: "dashboard-generated",
		},
		"a second Prometheus datasource variable is reported": {
			breakIt: func(d *jsonDashboard) {
				d.Templating.List = append(d.Templating.List, d.Templating.List[0])
			},
			expRule: "template-datasource",
		},
		"a panel without title is reported": {
			breakIt: func(d *jsonDashboard) { firstOf(d, "stat").Title = "" },
			expRule: "panel-title",
		},
		"a panel without description is reported": {
			breakIt: func(d *jsonDashboard) { firstOf(d, "gauge").Description = "" },
			expRule: "panel-description",
		},
		"a panel without unit is reported": {
			breakIt: func(d *jsonDashboard) { firstOf(d, "heatmap").FieldConfig.Defaults.Unit = "" },
			expRule: "panel-units",
		},
		"a hard-coded datasource is reported": {
			breakIt: func(d *jsonDashboard) { firstOf(d, "timeseries").Targets[0].Datasource.UID = "prometheus" },
			expRule: "panel-datasource",
		},
		"a duplicate panel id is reported": {
			breakIt: func(d *jsonDashboard) { firstOf(d, "heatmap").ID = firstOf(d, "stat").ID },
			expRule: "panel-unique-ids",
		},
		"a broken query is reported": {
			breakIt: func(d *jsonDashboard) {
				p := firstOf(d, "gauge")
				p.Targets[0].Expr += " +"
			},
			expRule: "target-promql",
		},
		"a fixed rate window is reported": {
			breakIt: func(d *jsonDashboard) {
				p := firstOf(d, "heatmap")
				p.Targets[0].Expr = strings.ReplaceAll(p.Targets[0].Expr, rateInterval, "5m")
			},
			expRule: "target-rate-interval",
		},
		"a query outside the module is reported": {
			breakIt: func(d *jsonDashboard) {
				p := firstOf(d, "heatmap")
				p.Targets[0].Expr = strings.ReplaceAll(p.Targets[0].Expr, `module="http-module", `, "")
			},
			expRule: "target-module-selector",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			m := seedModule()
			broken, _ := renderDashboard(t, m)
			tt.breakIt(broken)
			var got []string
			for rule := range lint(m, broken) {
				got = append(got, rule)
			}
			slices.Sort(got)
			if diff := cmp.Diff([]string{tt.expRule}, got); diff != "" {
				t.Errorf("lint() rules mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
