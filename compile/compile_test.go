package compile

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/compile/ir"
)

func compileDir(t *testing.T, dir string) *ir.Module {
	t.Helper()
	c, err := NewCompiler()
	if err != nil {
		t.Fatal(err)
	}
	m, errs := c.Module(dir)
	if len(errs) > 0 {
		t.Fatalf("compile %s:\n%v", dir, errs)
	}
	return m
}

// TestSeriesCounts checks the series arithmetic of SPEC.md on the seed
// example: declared (component, port) pairs, buckets+3, times replicas.
func TestSeriesCounts(t *testing.T) {
	m := compileDir(t, "../examples/http-module")
	got := map[string]int{}
	for _, mt := range m.Metrics {
		got[mt.Name] = mt.Series
	}
	exp := map[string]int{
		"tinysystems_messages_total":    2 * 5 * 2,        // replicas x 5 pairs x status
		"tinysystems_duration_seconds":  2 * 5 * (11 + 3), // replicas x pairs x (DefBuckets + 3)
		"tinysystems_errors_total":      2 * 2 * 8,        // replicas x components x errorTypes
		"tinysystems_active_operations": 2 * 2,            // replicas x components
	}
	if diff := cmp.Diff(exp, got); diff != "" {
		t.Errorf("series mismatch (-want +got):\n%s", diff)
	}
	if m.Cardinality.Series != 20+140+32+4 {
		t.Errorf("module series = %d, want 196", m.Cardinality.Series)
	}
}

func TestExampleFacts(t *testing.T) {
	m := compileDir(t, "../examples/orders")
	if m.RateWindow != 5*time.Minute {
		t.Errorf("RateWindow = %v, want 5m (30s interval x 4 is under the 5m floor)", m.RateWindow)
	}
	slo := m.SLOs[1]
	if slo.Name != "order-success" || slo.Window != 28*24*time.Hour {
		t.Fatalf("unexpected SLO %s window %v", slo.Name, slo.Window)
	}
	if slo.Page == nil || slo.Page.Name != "OrdersFailing" || slo.Page.Severity != "critical" {
		t.Errorf("page tier = %+v, want OrdersFailing/critical", slo.Page)
	}
	if slo.Ticket == nil || slo.Ticket.Name != "OrderSuccessErrorBudgetBurn" || slo.Ticket.Severity != "warning" {
		t.Errorf("ticket tier = %+v, want the defaults", slo.Ticket)
	}
	if got := m.SLOs[0]; got.Name != "checkout" || got.Page != nil || len(got.BurnRates) != 2 {
		t.Errorf("checkout SLO: page %+v, %d burn rates; want page disabled and 2 ticket burn rates", got.Page, len(got.BurnRates))
	}
	var backlog *ir.Alert
	for _, a := range m.Alerts {
		if a.Name == "QueueBacklog" {
			backlog = a
		}
	}
	if backlog == nil || backlog.Expr != `sum(orders_pending{module="orders"}) > 100` {
		t.Errorf("QueueBacklog expr = %q, want it re-printed and confined to the module", backlog.Expr)
	}
}

// TestRateWindow: threshold alerts rate over at least four scrapes.
func TestRateWindow(t *testing.T) {
	for interval, exp := range map[string]time.Duration{"15s": 5 * time.Minute, "1m": 5 * time.Minute, "2m": 8 * time.Minute, "90s": 6 * time.Minute} {
		dir := t.TempDir()
		src := `package obs
module: {name: "w", namespace: "ns"}
scrape: {selector: app: "w", portNumber: 8080, interval: "` + interval + `"}
`
		if err := os.WriteFile(filepath.Join(dir, "module.cue"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := compileDir(t, dir).RateWindow; got != exp {
			t.Errorf("interval %s: RateWindow = %v, want %v", interval, got, exp)
		}
	}
}

// TestDirs expands patterns the way the go tool does.
func TestDirs(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"a", "a/b", "c/d", "testdata/x", ".hidden", "_skip", "empty"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
		if d != "empty" {
			os.WriteFile(filepath.Join(root, d, "module.cue"), []byte("package obs\n"), 0o644)
		}
	}
	got, err := Dirs([]string{root + "/..."})
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i], _ = filepath.Rel(root, got[i])
	}
	if diff := cmp.Diff([]string{"a", "a/b", "c/d"}, got); diff != "" {
		t.Errorf("Dirs mismatch (-want +got):\n%s", diff)
	}
	if _, err := Dirs([]string{filepath.Join(root, "empty")}); err == nil {
		t.Error("a directory without .cue files compiled as a module")
	}
	if _, err := Dirs([]string{filepath.Join(root, "empty") + "/..."}); err == nil {
		t.Error("a pattern matching nothing was accepted")
	}
}
