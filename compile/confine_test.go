package compile

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/compile/ir"
)

func TestConfine(t *testing.T) {
	m := &ir.Module{Name: "orders", Metrics: []*ir.Metric{
		{Name: "order_value_dollars", Type: ir.Histogram},
		{Name: "orders_created_total", Type: ir.Counter},
		{Name: "orders_pending", Type: ir.Gauge},
	}}
	tests := map[string]struct {
		expr string
		exp  string
	}{
		"A declared metric gets the module matcher": {
			expr: "sum(orders_pending)",
			exp:  `sum(orders_pending{module="orders"})`,
		},
		"Histogram series get it too": {
			expr: "rate(order_value_dollars_count[5m])",
			exp:  `rate(order_value_dollars_count{module="orders"}[5m])`,
		},
		"SLO recording rules get it too": {
			expr: "slo:sli_error:ratio_rate5m > 0.1",
			exp:  `slo:sli_error:ratio_rate5m{module="orders"} > 0.1`,
		},
		"External metrics are left alone": {
			expr: `kube_deployment_status_replicas_available{deployment="orders"}`,
			exp:  `kube_deployment_status_replicas_available{deployment="orders"}`,
		},
		"An existing module matcher is kept": {
			expr: `orders_pending{module="orders"}`,
			exp:  `orders_pending{module="orders"}`,
		},
		"Both sides of a binary expression are confined": {
			expr: "orders_pending / on() group_left() sum(orders_created_total)",
			exp:  `orders_pending{module="orders"} / on () group_left () sum(orders_created_total{module="orders"})`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e, err := promParser.ParseExpr(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			confine(m, e)
			if diff := cmp.Diff(tt.exp, e.String()); diff != "" {
				t.Errorf("confine() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
