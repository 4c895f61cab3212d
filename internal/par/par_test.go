package par

import (
	"sync/atomic"
	"testing"
)

func TestDoCallsEachIndexOnce(t *testing.T) {
	for _, tc := range []struct{ n, workers int }{{0, 4}, {1, 4}, {100, 1}, {1000, 8}, {5, 100}} {
		calls := make([]atomic.Int32, tc.n)
		Do(tc.n, tc.workers, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if got := calls[i].Load(); got != 1 {
				t.Errorf("n=%d workers=%d: f(%d) called %d times, want 1", tc.n, tc.workers, i, got)
			}
		}
	}
}
