package ir

import (
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBurnRates(t *testing.T) {
	day := 24 * time.Hour
	tests := map[string]struct {
		window       time.Duration
		page, ticket bool
		exp          []float64
	}{
		"A 30d window uses the SRE workbook factors":  {window: 30 * day, page: true, ticket: true, exp: []float64{14.4, 6, 3, 1}},
		"A 28d window scales them to the same budget": {window: 28 * day, page: true, ticket: true, exp: []float64{13.44, 5.6, 2.8, 0.933333333}},
		"A 7d window scales them down":                {window: 7 * day, page: true, ticket: true, exp: []float64{3.36, 1.4, 0.7, 0.233333333}},
		"Disabling ticket keeps the page tiers":       {window: 30 * day, page: true, exp: []float64{14.4, 6}},
		"Disabling page keeps the ticket tiers":       {window: 30 * day, ticket: true, exp: []float64{3, 1}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var got []float64
			for _, b := range BurnRates(tt.window, tt.page, tt.ticket) {
				got = append(got, b.Factor)
			}
			if diff := cmp.Diff(tt.exp, got); diff != "" {
				t.Errorf("BurnRates() factors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBurnRateWindows(t *testing.T) {
	got := BurnRates(30*24*time.Hour, true, true)
	exp := []struct{ tier, long, short string }{
		{"page", "1h", "5m"}, {"page", "6h", "30m"}, {"ticket", "1d", "2h"}, {"ticket", "3d", "6h"},
	}
	if len(got) != len(exp) {
		t.Fatalf("got %d burn rates, want %d", len(got), len(exp))
	}
	for i, e := range exp {
		if got[i].Tier != e.tier || FormatDuration(got[i].Long) != e.long || FormatDuration(got[i].Short) != e.short {
			t.Errorf("burn rate %d = %s %s/%s, want %s %s/%s", i, got[i].Tier, FormatDuration(got[i].Long), FormatDuration(got[i].Short), e.tier, e.long, e.short)
		}
	}
}

func TestSLIWindows(t *testing.T) {
	s := &SLO{Window: 28 * 24 * time.Hour}
	var got []string
	for _, w := range SLIWindows(s) {
		got = append(got, FormatDuration(w))
	}
	exp := []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d", "28d"}
	if diff := cmp.Diff(exp, got); diff != "" {
		t.Errorf("SLIWindows() mismatch (-want +got):\n%s", diff)
	}
}

func TestFormatDuration(t *testing.T) {
	tests := map[time.Duration]string{
		0: "0s", 30 * 24 * time.Hour: "30d", 28 * 24 * time.Hour: "28d", 90 * time.Minute: "1h30m",
		1500 * time.Millisecond: "1s500ms", 15 * time.Second: "15s",
	}
	for d, exp := range tests {
		if got := FormatDuration(d); got != exp {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, exp)
		}
	}
}

func TestDashboardUID(t *testing.T) {
	long1 := strings.Repeat("a", 50) + "-one"
	long2 := strings.Repeat("a", 50) + "-two"
	if got := DashboardUID("http-module"); got != "obsc-http-module" {
		t.Errorf("DashboardUID(http-module) = %q", got)
	}
	u1, u2 := DashboardUID(long1), DashboardUID(long2)
	if len(u1) > 40 || len(u2) > 40 {
		t.Errorf("uids over 40 characters: %q (%d), %q (%d)", u1, len(u1), u2, len(u2))
	}
	if u1 == u2 {
		t.Errorf("two long module names share uid %q", u1)
	}
	if DashboardUID(long1) != u1 {
		t.Error("DashboardUID is not stable")
	}
}

func TestMatcherString(t *testing.T) {
	tests := map[string]struct {
		m   Matcher
		exp string
	}{
		"One value is an equality":             {Matcher{"status", []string{"error"}}, `status="error"`},
		"Several values are a quoted regexp":   {Matcher{"code", []string{"5.x", "429"}}, `code=~"5\\.x|429"`},
		"Quotes and newlines cannot break out": {Matcher{"l", []string{"a\"}\nb"}}, `l="a\"}\nb"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := MatcherString(tt.m); got != tt.exp {
				t.Errorf("MatcherString() = %s, want %s", got, tt.exp)
			}
		})
	}
}

// update is accepted so `go test ./... -update` runs here too; this
// package has no golden files.
var _ = flag.Bool("update", false, "no golden files in this package")

func TestLESpellings(t *testing.T) {
	for le, exp := range map[string][]string{"1": {"1", "1.0"}, "0.5": {"0.5"}, "10": {"10", "10.0"}, "1e-05": {"1e-05"}} {
		if diff := cmp.Diff(exp, LESpellings(le)); diff != "" {
			t.Errorf("LESpellings(%s) mismatch (-want +got):\n%s", le, diff)
		}
	}
}

func TestObjectLabelsWith(t *testing.T) {
	m := &Module{ObjectLabels: map[string]string{"team": "a", "tier": "web", LabelManagedBy: "helm"}}
	got := m.ObjectLabelsWith(map[string]string{"team": "b", "release": "kps"})
	exp := map[string]string{"team": "b", "tier": "web", "release": "kps", LabelManagedBy: "obsc"}
	if diff := cmp.Diff(exp, got); diff != "" {
		t.Errorf("ObjectLabelsWith() mismatch (-want +got):\n%s", diff)
	}
	if m.ObjectLabels[LabelManagedBy] != "helm" {
		t.Error("ObjectLabelsWith changed the module's own labels")
	}
}

// TestSLORatios: the objective and the error budget come out as the
// decimals the spec wrote, not their binary neighbours, since they are
// printed in rules, promtool tests and dashboard thresholds.
func TestSLORatios(t *testing.T) {
	for _, c := range []struct {
		objective, ratio, budget float64
	}{
		{99.9, 0.999, 0.001}, // 99.9/100 is 0.9990000000000001, 1 - that 0.0009999999999998899
		{99.5, 0.995, 0.005}, // 1 - 0.995 is 0.0050000000000000044
		{99.99, 0.9999, 0.0001},
		{90, 0.9, 0.1}, // 1 - 0.9 is 0.09999999999999998
		{99, 0.99, 0.01},
		{99.95, 0.9995, 0.0005},
		{0, 0, 1},
		{100, 1, 0},
	} {
		s := &SLO{Objective: c.objective}
		if got := s.ObjectiveRatio(); got != c.ratio {
			t.Errorf("objective %v: ObjectiveRatio() = %v, want %v", c.objective, got, c.ratio)
		}
		if got := s.ErrorBudget(); got != c.budget {
			t.Errorf("objective %v: ErrorBudget() = %v, want %v", c.objective, got, c.budget)
		}
	}
	if got := RoundSig(1.0 / 3); got != 0.333333333333 {
		t.Errorf("RoundSig(1/3) = %v, want 12 significant digits", got)
	}
}
