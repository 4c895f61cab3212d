// Copied by TestGeneratedCode into a temporary module next to the code
// generated for examples/http-module (package metrics), and run there.
package metrics_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"example.com/gogentest/metrics"
)

// families gathers reg into name -> metrics.
func families(t *testing.T, reg *prometheus.Registry) map[string][]*dto.Metric {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*dto.Metric{}
	for _, mf := range mfs {
		out[mf.GetName()] = mf.GetMetric()
	}
	return out
}

// find returns the metric of name with exactly labels, or nil.
func find(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) *dto.Metric {
	t.Helper()
	for _, m := range families(t, reg)[name] {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		ok := true
		for _, l := range m.GetLabel() {
			if labels[l.GetName()] != l.GetValue() {
				ok = false
			}
		}
		if ok {
			return m
		}
	}
	return nil
}

func TestNewInitialisesEveryDeclaredSeries(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	if _, err := metrics.New(reg); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for name, ms := range families(t, reg) {
		got[name] = len(ms)
	}
	// 5 declared (component, port) pairs, 2 statuses, 2 components;
	// error_type is only bounded, so it has no series until used.
	want := map[string]int{
		"tinysystems_messages_total":    10,
		"tinysystems_duration_seconds":  5,
		"tinysystems_active_operations": 2,
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s: %d series, want %d", name, got[name], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("families %v, want %v", got, want)
	}
	h := find(t, reg, "tinysystems_duration_seconds", map[string]string{"component": "router", "port": "input"})
	if n := len(h.GetHistogram().GetBucket()); n != len(prometheus.DefBuckets) {
		t.Errorf("duration histogram has %d buckets, want prometheus.DefBuckets", n)
	}
}

func TestNewTwiceOnOneRegistryFailsCleanly(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := metrics.New(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := metrics.New(reg); err == nil {
		t.Fatal("second New on the same registry succeeded")
	}
	// Each New uses the registry it is given: a second registry works.
	if _, err := metrics.New(prometheus.NewRegistry()); err != nil {
		t.Fatal(err)
	}
}

func TestSeedPatternHelpers(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	done := m.Track(metrics.RouterInput)
	if g := find(t, reg, "tinysystems_active_operations", map[string]string{"component": "router"}); g.GetGauge().GetValue() != 1 {
		t.Errorf("in-flight gauge = %v during Track, want 1", g.GetGauge().GetValue())
	}
	done(errors.New("boom"))
	m.CountMessage(metrics.HttpServerRequest, nil)
	m.ObserveDuration(metrics.HttpServerResponse, 30*time.Millisecond)
	m.CountError(metrics.ComponentRouter, "timeout")
	defer m.TinysystemsDurationSecondsTimer(metrics.RouterOutput).ObserveDuration()

	checks := []struct {
		name   string
		labels map[string]string
		value  func(*dto.Metric) float64
		want   float64
	}{
		{"tinysystems_active_operations", map[string]string{"component": "router"}, func(m *dto.Metric) float64 { return m.GetGauge().GetValue() }, 0},
		{"tinysystems_messages_total", map[string]string{"component": "router", "port": "input", "status": "error"}, func(m *dto.Metric) float64 { return m.GetCounter().GetValue() }, 1},
		{"tinysystems_messages_total", map[string]string{"component": "router", "port": "input", "status": "success"}, func(m *dto.Metric) float64 { return m.GetCounter().GetValue() }, 0},
		{"tinysystems_messages_total", map[string]string{"component": "http_server", "port": "request", "status": "success"}, func(m *dto.Metric) float64 { return m.GetCounter().GetValue() }, 1},
		{"tinysystems_duration_seconds", map[string]string{"component": "router", "port": "input"}, func(m *dto.Metric) float64 { return float64(m.GetHistogram().GetSampleCount()) }, 1},
		{"tinysystems_duration_seconds", map[string]string{"component": "http_server", "port": "response"}, func(m *dto.Metric) float64 { return m.GetHistogram().GetSampleSum() }, 0.03},
		{"tinysystems_errors_total", map[string]string{"component": "router", "error_type": "timeout"}, func(m *dto.Metric) float64 { return m.GetCounter().GetValue() }, 1},
	}
	for _, c := range checks {
		got := find(t, reg, c.name, c.labels)
		if got == nil {
			t.Errorf("%s%v: no such series", c.name, c.labels)
			continue
		}
		if v := c.value(got); v != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, v, c.want)
		}
	}
}

func TestTypedValues(t *testing.T) {
	if metrics.RouterError.Component() != metrics.ComponentRouter || metrics.RouterError.Port() != "error" {
		t.Errorf("RouterError = %v/%v", metrics.RouterError.Component(), metrics.RouterError.Port())
	}
	if p, ok := metrics.ParseComponentPort(metrics.ComponentHttpServer, "request"); !ok || p != metrics.HttpServerRequest {
		t.Errorf("ParseComponentPort(http_server, request) = %v, %v", p, ok)
	}
	if _, ok := metrics.ParseComponentPort(metrics.ComponentRouter, "request"); ok {
		t.Error("router/request parsed, but router declares no port request")
	}
	if s, ok := metrics.ParseStatus("error"); !ok || s != metrics.StatusError || s.String() != "error" {
		t.Errorf("ParseStatus(error) = %v, %v", s, ok)
	}
	if _, ok := metrics.ParseStatus("sucess"); ok {
		t.Error("an undeclared status parsed")
	}
	if got := metrics.ComponentPort(99).String(); got != "ComponentPort(99)" {
		t.Errorf("String of an undeclared pair = %q", got)
	}
}

func TestUndeclaredValuesPanicInsteadOfExposingSeries(t *testing.T) {
	m, err := metrics.New(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(){
		"zero pair":        func() { m.CountMessage(0, nil) },
		"converted status": func() { m.TinysystemsMessagesTotal(metrics.RouterInput, metrics.Status(7)) },
		"zero component":   func() { m.CountError(0, "timeout") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestHealthReportsHealthyUntilToldOtherwise(t *testing.T) {
	h := metrics.NewHealth()
	mux := http.NewServeMux()
	h.Register(mux)
	get := func(path string) int {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}
	steps := []struct {
		do                  func()
		wantLive, wantReady int
	}{
		{func() {}, 200, 200},
		{func() { h.SetReady(false) }, 200, 503},
		{func() { h.SetReady(true) }, 200, 200},
		{func() { h.SetLive(false) }, 503, 503},
	}
	for i, s := range steps {
		s.do()
		if got := get(metrics.LivenessPath); got != s.wantLive {
			t.Errorf("step %d: %s = %d, want %d", i, metrics.LivenessPath, got, s.wantLive)
		}
		if got := get(metrics.ReadinessPath); got != s.wantReady {
			t.Errorf("step %d: %s = %d, want %d", i, metrics.ReadinessPath, got, s.wantReady)
		}
	}
}
