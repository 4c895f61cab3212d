package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/examples/http-module/demo/metrics"
	"github.com/tinysystems/obsc/internal/compiletest"
	"github.com/tinysystems/obsc/targets/gogen"
)

var update = flag.Bool("update", false, "rewrite metrics/ from ../module.cue")

// TestGeneratedMetricsUpToDate fails when metrics/ is not what `obsc gen
// go` writes for ../module.cue today; -update (make golden) rewrites it,
// as `go generate` does.
func TestGeneratedMetricsUpToDate(t *testing.T) {
	m := compiletest.Module(t, "..")
	fs, err := gogen.Render(m, "metrics")
	if err != nil {
		t.Fatal(err)
	}
	name := gogen.FileName(m.Name)
	if *update {
		if err := os.WriteFile(filepath.Join("metrics", name), fs[name], 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	onDisk, err := os.ReadFile(filepath.Join("metrics", name))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(fs[name]), string(onDisk)); diff != "" {
		t.Errorf("metrics/%s is out of date (-generated +committed); run `go generate ./examples/http-module/demo` (or go test -update):\n%s", name, diff)
	}
}

func TestFailuresAreDeterministicAndBounded(t *testing.T) {
	tests := map[string]struct {
		ratio     float64
		n         int
		wantFails int
		wantFirst int
	}{
		"No failures at ratio 0":               {ratio: 0, n: 1000, wantFails: 0},
		"Every message fails at ratio 1":       {ratio: 1, n: 50, wantFails: 50, wantFirst: 1},
		"One in ten at 0.1, the tenth first":   {ratio: 0.1, n: 1000, wantFails: 100, wantFirst: 10},
		"One in 200 at 0.005, late enough":     {ratio: 0.005, n: 1000, wantFails: 5, wantFirst: 200},
		"A third rounds down at every message": {ratio: 1.0 / 3, n: 10, wantFails: 3, wantFirst: 3},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			failed, first := 0, 0
			for n := 1; n <= tc.n; n++ {
				if fails(n, tc.ratio) {
					failed++
					if first == 0 {
						first = n
					}
				}
				if float64(failed) > tc.ratio*float64(n)+1e-9 {
					t.Fatalf("after %d messages %d failed, over the ratio %v", n, failed, tc.ratio)
				}
			}
			if failed != tc.wantFails || first != tc.wantFirst {
				t.Errorf("%d failures, first at %d; want %d, first at %d", failed, first, tc.wantFails, tc.wantFirst)
			}
		})
	}
}

func TestFlags(t *testing.T) {
	tests := map[string]struct {
		args      []string
		component metrics.Component
		expErr    bool
	}{
		"Defaults":                          {args: nil},
		"One component fails":               {args: []string{"-error-ratio", "0.1", "-error-component", "router"}, component: metrics.ComponentRouter},
		"An undeclared component":           {args: []string{"-error-component", "routr"}, expErr: true},
		"An error ratio above one":          {args: []string{"-error-ratio", "1.5"}, expErr: true},
		"A rate of zero":                    {args: []string{"-rate", "0"}, expErr: true},
		"A stray argument":                  {args: []string{"extra"}, expErr: true},
		"A negative latency":                {args: []string{"-latency", "-1s"}, expErr: true},
		"Latency and rate are accepted too": {args: []string{"-latency", "1.5s", "-rate", "50"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, err := parseFlags(tc.args)
			if (err != nil) != tc.expErr {
				t.Fatalf("parseFlags(%q) error = %v, want error %v", tc.args, err, tc.expErr)
			}
			if err == nil && cfg.errorComponent != tc.component {
				t.Errorf("error component %v, want %v", cfg.errorComponent, tc.component)
			}
		})
	}
}
