package prometheus

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/promtest"
)

// rawCases are raw SLIs over the seed module's metrics, with the burn
// scenarios obsc must find for each (besides the no-data test every raw
// SLI gets).
var rawCases = []struct {
	name, errorQuery, totalQuery string
	pageOnly, valueInTemplate    bool
	want                         []string
}{
	{name: "sums", errorQuery: `sum(rate(tinysystems_messages_total{status="error"}[{{.window}}]))`,
		totalQuery: `sum(rate(tinysystems_messages_total[{{.window}}]))`, want: []string{"fast burn", "slow burn", "just under"}},
	{name: "increases", errorQuery: `sum(increase(tinysystems_errors_total[{{.window}}]))`,
		totalQuery: `sum(increase(tinysystems_messages_total[{{.window}}]))`, want: []string{"fast burn", "slow burn", "just under"}},
	{name: "page-only", errorQuery: `sum(rate(tinysystems_messages_total{status="error"}[{{.window}}]))`,
		totalQuery: `sum(rate(tinysystems_messages_total[{{.window}}]))`, pageOnly: true, want: []string{"fast burn", "slow burn", "just under"}},
	// One SLI series per component: the alerts' labels are not the model's.
	{name: "by-component", errorQuery: `sum by (component) (rate(tinysystems_messages_total{status="error"}[{{.window}}]))`,
		totalQuery: `sum by (component) (rate(tinysystems_messages_total[{{.window}}]))`},
	// $value printed: the model's ratio is not the engine's to the last bit.
	{name: "value", errorQuery: `sum(rate(tinysystems_messages_total{status="error"}[{{.window}}]))`,
		totalQuery: `sum(rate(tinysystems_messages_total[{{.window}}]))`, valueInTemplate: true},
	// A function the search does not evaluate.
	{name: "count-over-time", errorQuery: `sum(count_over_time(tinysystems_active_operations[{{.window}}]))`,
		totalQuery: `sum(count_over_time(tinysystems_active_operations[{{.window}}])) * 100`},
}

// TestRawBurnTests checks which burn scenarios obsc writes for raw SLIs
// and that promtool passes them: the tier fires (or stays quiet) on the
// data obsc's search found, as the ratio SLIs' model says.
func TestRawBurnTests(t *testing.T) {
	m := seedModule()
	m.Name, m.Alerts, m.SLOs = "raws", nil, nil
	for _, c := range rawCases {
		s := sloFixture(c.name, 99.9, 30*24*time.Hour, ir.SLI{Kind: ir.SLIRaw, ErrorQuery: c.errorQuery, TotalQuery: c.totalQuery})
		if c.pageOnly {
			s.Ticket, s.BurnRates = nil, ir.BurnRates(s.Window, true, false)
		}
		if c.valueInTemplate {
			s.Page.Annotations = map[string]string{"burn": "{{ $value }}"}
		}
		m.SLOs = append(m.SLOs, s)
	}
	fs, tf := renderTests(t, m)
	got := map[string][]string{}
	fired := map[string]string{} // SLO/scenario -> the tiers that fire, as exp_labels say
	for _, tg := range tf.Tests {
		slo, rest, _ := strings.Cut(strings.TrimPrefix(tg.Name, "SLO "), ": raw SLI: ")
		for _, kind := range []string{"fast burn", "slow burn", "just under"} {
			if !strings.Contains(rest, kind) {
				continue
			}
			got[slo] = append(got[slo], kind)
			for _, at := range tg.AlertRuleTests {
				for _, a := range at.ExpAlerts {
					fired[slo+"/"+kind] += a.ExpLabels[ir.LabelTier]
				}
			}
		}
	}
	want := map[string][]string{}
	for _, c := range rawCases {
		if c.want != nil {
			want[c.name] = c.want
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("burn scenarios per raw SLO (-want +got):\n%s", d)
	}
	for _, c := range rawCases {
		if c.want == nil {
			continue
		}
		// The fast burn fires the page tier (and the ticket tier, whose
		// windows hold the same steady ratio); the slow burn the slowest
		// tier alone; just under, nothing.
		if f := fired[c.name+"/fast burn"]; !strings.Contains(f, ir.TierPage) {
			t.Errorf("%s: the fast burn fires %q, want the page tier", c.name, f)
		}
		tier := ir.TierTicket
		if c.pageOnly {
			tier = ir.TierPage
		}
		if f := fired[c.name+"/slow burn"]; f != tier {
			t.Errorf("%s: the slow burn fires %q, want the %s tier alone", c.name, f, tier)
		}
		if f := fired[c.name+"/just under"]; f != "" {
			t.Errorf("%s: just under the smallest burn rate, %q fires", c.name, f)
		}
	}
	promtest.Promtool(t)
	dir := writeModule(t, t.TempDir(), fs, m.Name)
	promtest.CheckAndTestRules(t, dir, RulesFile, RulesTestFile)
}
