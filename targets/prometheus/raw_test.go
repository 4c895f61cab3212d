package prometheus

import (
	"strings"
	"testing"
	"time"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/promtest"
)

// rawModule has one raw SLO, as `obsc import sloth` writes for an SLI that
// is not a plain error ratio.
func rawModule() *ir.Module {
	m := seedModule()
	m.Name = "raw-module"
	m.Alerts = nil
	m.SLOs = []*ir.SLO{sloFixture("probes", 99.5, 28*24*time.Hour, ir.SLI{
		Kind:       ir.SLIRaw,
		ErrorQuery: `sum(rate(tinysystems_messages_total{module="raw-module",status="error"}[{{.window}}])) + sum(rate(tinysystems_errors_total{module="raw-module"}[{{.window}}]))`,
		TotalQuery: `sum(rate(tinysystems_messages_total{module="raw-module"}[{{.window}}]))`,
	})}
	return m
}

// TestRawSLI: a raw SLI records (error) / (total > 0) with each window
// substituted, the rules load, and the generated (no-data) tests pass.
func TestRawSLI(t *testing.T) {
	m := rawModule()
	fs := mustRender(t, m)
	rules := string(fs[m.Name+"/"+RulesFile])
	for _, w := range []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d", "4w"} {
		want := `tinysystems_errors_total{module="raw-module"}[` + w + `]`
		if !strings.Contains(rules, want) {
			t.Errorf("rules.yaml has no %s", want)
		}
	}
	if strings.Contains(rules, ir.WindowPlaceholder) {
		t.Errorf("rules.yaml still holds the placeholder %s", ir.WindowPlaceholder)
	}
	if !strings.Contains(rules, "> 0") {
		t.Errorf("the total of a raw SLI is not filtered with > 0:\n%s", rules)
	}
	dir := writeModule(t, t.TempDir(), fs, m.Name)
	promtest.CheckAndTestRules(t, dir, RulesFile, RulesTestFile)
}
