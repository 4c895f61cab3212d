package prometheus

import (
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/irtest"
)

// seedModule is examples/http-module (irtest.Seed) with what the seed does
// not exercise and these tests pin: an expr alert on an external metric
// with extra labels and annotations (NoReplicas), an alert description,
// and a ticket tier on the latency SLO so every SLO has both tiers.
func seedModule() *ir.Module {
	m := irtest.Seed()
	m.External = []string{"kube_deployment_status_replicas_available"}
	m.Alerts[0].Description = "{{ $value | humanizePercentage }} of the messages of " +
		"{{ $labels.component }} failed over the last 5m."
	m.Alerts = append(m.Alerts, &ir.Alert{
		Name:        "NoReplicas",
		Kind:        ir.AlertExpr,
		Expr:        `sum(kube_deployment_status_replicas_available{deployment="http-module"}) < 1`,
		For:         15 * time.Minute,
		Severity:    "critical",
		Summary:     "http-module has no available replica",
		Labels:      map[string]string{"page": "true"},
		Annotations: map[string]string{"dashboard": "https://grafana.example.com/d/obsc-http-module"},
	})
	latency := m.SLOs[1]
	latency.BurnRates = ir.BurnRates(latency.Window, true, true)
	latency.Ticket = &ir.Tier{Name: ir.SLOAlertName(latency.Name), Severity: "warning"}
	return m
}

// sloFixture is an SLO with both tiers at their defaults.
func sloFixture(name string, objective float64, window time.Duration, sli ir.SLI) *ir.SLO {
	return &ir.SLO{
		Name:      name,
		Objective: objective,
		Window:    window,
		SLI:       sli,
		BurnRates: ir.BurnRates(window, true, true),
		Page:      &ir.Tier{Name: ir.SLOAlertName(name), Severity: "critical"},
		Ticket:    &ir.Tier{Name: ir.SLOAlertName(name), Severity: "warning"},
	}
}

// ruleFileDoc decodes a rendered rules.yaml with the operator's types.
type ruleFileDoc struct {
	Groups []monitoringv1.RuleGroup `json:"groups"`
}
