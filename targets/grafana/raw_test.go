package grafana

import (
	"strings"
	"testing"

	"github.com/tinysystems/obsc/compile/ir"
)

// TestRawSLO: an SLO with a raw SLI gets the same SLO row as any other,
// reading the recording rules, and its description names the queries.
func TestRawSLO(t *testing.T) {
	m := seedModule()
	for _, s := range m.SLOs {
		s.SLI = ir.SLI{
			Kind:       ir.SLIRaw,
			ErrorQuery: `sum(rate(x_total{module="m",code="500"}[{{.window}}]))`,
			TotalQuery: `sum(rate(x_total{module="m"}[{{.window}}]))`,
		}
	}
	fs, err := Render(m)
	if err != nil {
		t.Fatalf("Render() error: %v", err)
	}
	dash := string(fs[m.Name+"/"+DashboardFile])
	for _, s := range m.SLOs {
		for _, want := range []string{"SLO " + s.Name + ": error budget remaining", ir.RecBudgetRemaining, ir.SLIErrorRecord(s.Window)} {
			if !strings.Contains(dash, want) {
				t.Errorf("dashboard has no %q", want)
			}
		}
	}
	if !strings.Contains(dash, `events not counted by sum(rate(x_total{module=\"m\",code=\"500\"}[w]))`) {
		t.Errorf("dashboard does not describe the raw SLI")
	}
}
