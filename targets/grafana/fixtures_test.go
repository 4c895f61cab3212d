package grafana

import (
	"os"
	"testing"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/irtest"
	"github.com/tinysystems/obsc/targets"
)

// seedModule is examples/http-module as compile builds it (irtest.Seed)
// plus one extra panel: the example has none, and the tests look for a
// user panel and break its expression.
func seedModule() *ir.Module {
	m := irtest.Seed()
	m.Dashboard.Panels = []ir.Panel{{
		Title: "Top error types",
		Expr:  `topk(5, sum by (component, error_type) (rate(tinysystems_errors_total{module="http-module"}[5m])))`,
		Kind:  "table",
	}}
	return m
}

// ordersModule is examples/orders (irtest.Orders): no standard block,
// custom metrics, an expr alert, no logs or traces. Added on top: module
// labels, which the ConfigMap must keep, a panel reading an external
// metric, which queries may name although the module does not declare it,
// and one reading Grafana's $__rate_interval, which must stay as written.
func ordersModule() *ir.Module {
	m := irtest.Orders()
	m.ObjectLabels = map[string]string{"team": "checkout"}
	m.External = []string{"kube_deployment_status_replicas_available"}
	m.Dashboard.Panels = append(m.Dashboard.Panels, ir.Panel{
		Title: "Available replicas",
		Expr:  `sum(kube_deployment_status_replicas_available{deployment="orders"})`,
		Kind:  "stat",
	}, ir.Panel{
		Title: "Orders per second",
		Expr:  `sum by (status) (rate(orders_created_total{module="orders"}[$__rate_interval]))`,
	})
	return m
}

// fixtures are the modules every test renders.
func fixtures() map[string]*ir.Module {
	return map[string]*ir.Module{
		"seed":   seedModule(),
		"orders": ordersModule(),
	}
}

// TestMain turns targets.SelfCheck on: every query of every dashboard a
// test renders is parsed.
func TestMain(m *testing.M) {
	targets.SelfCheck = true
	os.Exit(m.Run())
}
