// Copied by TestGeneratedCode into a temporary module next to the code
// generated for examples/orders (package orders), and run there.
package orders_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"example.com/gogentest/orders"
)

func TestOrders(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m, err := orders.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.OrdersCreatedTotal(orders.StatusPaid, orders.PaymentMethodCard).Inc()
	m.OrderValueDollars(orders.PaymentMethodWallet).Observe(42)
	m.OrdersPending("eu-west").Set(3)
	m.CheckoutDurationSecondsTimer().ObserveDuration()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, mf := range mfs {
		got[mf.GetName()] = len(mf.GetMetric())
	}
	want := map[string]int{
		"orders_created_total":      9, // 3 statuses x 3 payment methods, initialised by New
		"order_value_dollars":       3,
		"orders_pending":            1, // region is bounded only: the one value used
		"checkout_duration_seconds": 1,
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s: %d series, want %d", name, got[name], n)
		}
	}
	for _, mf := range mfs {
		if mf.GetName() == "order_value_dollars" {
			if n := len(mf.GetMetric()[0].GetHistogram().GetBucket()); n != 5 {
				t.Errorf("order_value_dollars has %d buckets, want the 5 declared", n)
			}
		}
	}
}

func TestOrdersProbesShareAPath(t *testing.T) {
	// startup and liveness are both /live: Register mounts it once.
	h := orders.NewHealth()
	mux := http.NewServeMux()
	h.Register(mux)
	h.SetReady(false)
	for _, c := range []struct {
		path string
		want int
	}{{orders.LivenessPath, 200}, {orders.StartupPath, 200}, {orders.ReadinessPath, 503}} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
		if rec.Code != c.want {
			t.Errorf("%s = %d, want %d", c.path, rec.Code, c.want)
		}
	}
}
