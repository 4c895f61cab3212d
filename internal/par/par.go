// Package par runs a loop's iterations on a few goroutines.
package par

import "sync"

// Do calls f(0..n-1) on up to workers goroutines and returns when all
// calls have. Which goroutine runs which i is unspecified.
func Do(n, workers int, f func(i int)) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
