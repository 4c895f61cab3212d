// Package e2e holds obsc's end-to-end test: the demo module built on the
// Go instrumentation obsc generates, scraped by a real Prometheus that
// evaluates the rules obsc generates, checked against the alerts, series
// budgets and dashboard queries obsc promises. See e2e_test.go; run it with
// `make e2e`.
package e2e
