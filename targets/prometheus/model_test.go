package prometheus

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCounterValues(t *testing.T) {
	tests := map[string]struct {
		phases []phase
		want   string
	}{
		"one steady phase":             {phases: []phase{{minutes: 10, inc: 5}}, want: "0+5x10"},
		"a clean stretch then a burst": {phases: []phase{{minutes: 3, inc: 0}, {minutes: 2, inc: 7}}, want: "0+0x3 7+7x1"},
		"three phases":                 {phases: []phase{{minutes: 2, inc: 1}, {minutes: 1, inc: 10}, {minutes: 2, inc: 2}}, want: "0+1x2 12+10x0 14+2x1"},
		"no phase at all":              {want: "0"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, counterValues(tc.phases)); diff != "" {
				t.Errorf("counterValues() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHistoryRatio checks the model the SLO tests expect alerts from.
func TestHistoryRatio(t *testing.T) {
	burst := sloHistory{{minutes: 360, total: 100}, {minutes: 60, total: 100, bad: 10}}
	tests := map[string]struct {
		h      sloHistory
		at, w  time.Duration
		want   float64
		wantOK bool
	}{
		"the burst window sees only the burst":   {h: burst, at: 7 * time.Hour, w: time.Hour, want: 0.1, wantOK: true},
		"a 6h window dilutes it":                 {h: burst, at: 7 * time.Hour, w: 6 * time.Hour, want: 60 * 10 / 36000.0, wantOK: true},
		"a window longer than the data sees all": {h: burst, at: 7 * time.Hour, w: 30 * 24 * time.Hour, want: 600 / 42000.0, wantOK: true},
		"before the burst it reads 0":            {h: burst, at: 6 * time.Hour, w: time.Hour, want: 0, wantOK: true},
		"no traffic has no ratio":                {h: sloHistory{{minutes: 60}}, at: time.Hour, w: 5 * time.Minute},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := tc.h.ratio(tc.at, tc.w)
			if diff := cmp.Diff([]any{tc.want, tc.wantOK}, []any{got, ok}); diff != "" {
				t.Errorf("ratio() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBucketQuantile pins the histogram_quantile model to values
// Prometheus computes (checked by the promtool tests of the golden files).
func TestBucketQuantile(t *testing.T) {
	bounds := []float64{0.1, 0.5, 1, 2}
	tests := map[string]struct {
		q    float64
		j    int
		want float64
	}{
		"first bucket interpolates from 0":       {q: 0.5, j: 0, want: 0.05},
		"a middle bucket interpolates its range": {q: 0.5, j: 2, want: 0.75},
		"+Inf reads the largest finite bound":    {q: 0.99, j: 4, want: 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, bucketQuantile(tc.q, bounds, tc.j, 200)); diff != "" {
				t.Errorf("bucketQuantile() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHistogramQuantile checks the general model against the one-bucket
// one and a mix: half the observations in (0.1, 0.5], half in (1, 2]; the
// 0.99 quantile is in the upper bucket (rank 0.99 of 1: 0.98 of its half).
func TestHistogramQuantile(t *testing.T) {
	bounds := []float64{0.1, 0.5, 1, 2}
	for j := 0; j <= len(bounds); j++ {
		cum := make([]float64, len(bounds)+1)
		for i := j; i < len(cum); i++ {
			cum[i] = 200
		}
		for _, q := range []float64{0.5, 0.9, 0.99} {
			if got, want := histogramQuantile(q, bounds, cum), bucketQuantile(q, bounds, j, 200); math.Abs(got-want) > 1e-12 {
				t.Errorf("all in bucket %d, q %v: histogramQuantile = %v, bucketQuantile = %v", j, q, got, want)
			}
		}
	}
	mix := []float64{0, 1, 1, 2, 2}
	if got, want := histogramQuantile(0.99, bounds, mix), 1.98; math.Abs(got-want) > 1e-12 {
		t.Errorf("mix: histogramQuantile(0.99) = %v, want %v", got, want)
	}
	if got, want := histogramQuantile(0.25, bounds, mix), 0.3; math.Abs(got-want) > 1e-12 {
		t.Errorf("mix: histogramQuantile(0.25) = %v, want %v", got, want)
	}
}
