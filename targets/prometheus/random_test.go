package prometheus

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/irtest"
	"github.com/tinysystems/obsc/internal/promtest"
)

// TestRandomAlertsPassPromtool renders alerts of every kind, and SLOs,
// with thresholds, objectives, windows, tiers, for, keepFiringFor and
// rate windows drawn at random (from a
// fixed seed, so every run draws the same) and requires promtool to pass
// every test obsc wrote for them: the models and searches must hold for
// more than the hand-picked cases, near bucket bounds and thresholds
// included.
func TestRandomAlertsPassPromtool(t *testing.T) {
	promtest.Promtool(t)
	r := rand.New(rand.NewPCG(7, 2026))
	durations := []time.Duration{0, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 17 * time.Minute}
	pick := func() time.Duration { return durations[r.IntN(len(durations))] }
	bounds := irtest.DefBuckets()
	exprs := []string{
		`sum(tinysystems_active_operations) > %d`,
		`max by (component) (tinysystems_active_operations) >= %d`,
		`sum(rate(tinysystems_errors_total[5m])) > %d`,
		`sum(tinysystems_active_operations) == %d`,
		`min(tinysystems_active_operations) < %d and sum(rate(tinysystems_messages_total[5m])) > 1`,
		`time() - max(tinysystems_active_operations) > %d`,
	}
	for _, window := range []time.Duration{2 * time.Minute, 5 * time.Minute} {
		t.Run(fmt.Sprint(window), func(t *testing.T) {
			m := irtest.Seed()
			m.Name, m.SLOs, m.Alerts = "random", nil, nil
			m.RateWindow = window
			for i := range 3 { // a ratio, a latency and a raw SLO: promtool's hours of data cost seconds each
				objective := []float64{90, 95, 99, 99.5, 99.9, 99.95, 99.99}[r.IntN(7)]
				sloWindow := []time.Duration{7, 14, 28, 30}[r.IntN(4)] * 24 * time.Hour
				sli := ir.SLI{Kind: ir.SLIRatio, Metric: "tinysystems_messages_total", Errors: []ir.Matcher{{Label: "status", Values: []string{"error"}}}}
				switch i {
				case 1:
					le := bounds[r.IntN(len(bounds))]
					sli = ir.SLI{Kind: ir.SLILatency, Metric: "tinysystems_duration_seconds", Threshold: le, ThresholdLE: ir.FormatFloat(le)}
				case 2:
					sli = ir.SLI{Kind: ir.SLIRaw,
						ErrorQuery: `sum(rate(tinysystems_messages_total{status="error"}[{{.window}}]))`,
						TotalQuery: `sum(rate(tinysystems_messages_total[{{.window}}]))`}
				}
				page, ticket := r.IntN(4) > 0, r.IntN(4) > 0
				s := &ir.SLO{Name: fmt.Sprintf("slo%d", i), Objective: objective, Window: sloWindow, SLI: sli, BurnRates: ir.BurnRates(sloWindow, page, ticket)}
				if page {
					s.Page = &ir.Tier{Name: ir.SLOAlertName(s.Name), Severity: "critical"}
				}
				if ticket {
					s.Ticket = &ir.Tier{Name: ir.SLOAlertName(s.Name), Severity: "warning"}
				}
				m.SLOs = append(m.SLOs, s)
			}
			for i := range 12 {
				by := []string{"component"}[:r.IntN(2)]
				m.Alerts = append(m.Alerts,
					&ir.Alert{
						Name: fmt.Sprintf("Ratio%d", i), Kind: ir.AlertErrorRatio, Metric: "tinysystems_messages_total",
						Errors: []ir.Matcher{{Label: "status", Values: []string{"error"}}}, By: by,
						Above: []float64{0.001, 0.01, 0.02, 0.05, 0.1, 0.25, 0.33, 0.5}[r.IntN(8)],
						For:   pick(), KeepFiringFor: pick(), Severity: "warning",
					},
					&ir.Alert{
						Name: fmt.Sprintf("Quantile%d", i), Kind: ir.AlertQuantile, Metric: "tinysystems_duration_seconds", By: by,
						Q:     []float64{0.5, 0.9, 0.95, 0.99}[r.IntN(4)],
						Above: bounds[r.IntN(len(bounds))] * []float64{0.5, 0.9, 1, 1.1}[r.IntN(4)],
						For:   pick(), KeepFiringFor: pick(), Severity: "warning",
					},
					&ir.Alert{
						Name: fmt.Sprintf("Expr%d", i), Kind: ir.AlertExpr,
						Expr: fmt.Sprintf(exprs[r.IntN(len(exprs))], r.IntN(300)),
						For:  pick(), KeepFiringFor: pick(), Severity: "warning", Summary: "{{ $labels.component }}",
					})
			}
			fs := mustRender(t, m)
			dir := writeModule(t, t.TempDir(), fs, m.Name)
			promtest.CheckAndTestRules(t, dir, RulesFile, RulesTestFile)
		})
	}
}
