package compile

import (
	"testing"

	"github.com/tinysystems/obsc/compile/ir"
)

func TestConventionalName(t *testing.T) {
	for _, c := range []struct {
		name string
		typ  ir.MetricType
		want string
		unit string
	}{
		{"latency_ms", ir.Histogram, "latency_seconds", "seconds"},
		{"request_duration_milliseconds", ir.Histogram, "request_duration_seconds", "seconds"},
		{"cache_size_kb", ir.Gauge, "cache_size_bytes", "bytes"},
		{"ordersCreated_total", ir.Counter, "orders_created_total", ""},
		{"HTTPRequests_total", ir.Counter, "http_requests_total", ""},
		{"apiHTTPErrors_total", ir.Counter, "api_http_errors_total", ""},
		{"queue_counter_total", ir.Counter, "queue_total", ""},
		{"queue_depth_gauge", ir.Gauge, "queue_depth", ""},
		{"s_total", ir.Counter, "s_total", ""}, // a first word is a name, not a unit
		{"fine_seconds", ir.Histogram, "fine_seconds", ""},
	} {
		got, unit := conventionalName(c.name, string(c.typ))
		if got != c.want || unit != c.unit {
			t.Errorf("conventionalName(%s) = %s, %q; want %s, %q", c.name, got, unit, c.want, c.unit)
		}
		// What it suggests for a name promlint refuses, promlint takes.
		if len(NamingProblems(c.name, c.typ)) > 0 {
			if p := NamingProblems(got, c.typ); len(p) > 0 {
				t.Errorf("suggestion %s for %s has problems too: %v", got, c.name, p)
			}
		}
	}
}
