package compile

import "regexp"

// The facts the checks rely on, each in one place.

// defBuckets is prometheus.DefBuckets, the client libraries' default.
var defBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// highCardinality are label names that almost always hold unbounded
// values; a metric label with one of these names needs `allow: "<why>"`.
var highCardinality = map[string]bool{
	"user_id": true, "userid": true, "user": true, "username": true, "customer_id": true,
	"account_id": true, "request_id": true, "requestid": true, "trace_id": true,
	"traceid": true, "span_id": true, "spanid": true, "session_id": true,
	"sessionid": true, "correlation_id": true, "email": true, "ip": true,
	"ip_address": true, "client_ip": true, "remote_addr": true, "url": true,
	"uri": true, "path": true, "query": true, "uuid": true, "id": true,
	"order_id": true, "message_id": true, "timestamp": true, "token": true,
}

// reservedLabels may not be declared on metrics: le and quantile belong to
// histograms and summaries, job and instance are attached by Prometheus at
// scrape time, and module is the target label obsc's scrape configs add.
var reservedLabels = map[string]string{
	"le":       "Prometheus uses it for histogram buckets",
	"quantile": "Prometheus uses it for summary quantiles",
	"job":      "Prometheus attaches it at scrape time",
	"instance": "Prometheus attaches it at scrape time",
	"module":   "obsc attaches it at scrape time to tell modules apart",
}

// targetLabels are labels a PromQL expression may match or group by
// although no metric declares them: Prometheus and the operator attach
// them at scrape time.
var targetLabels = map[string]bool{
	"job": true, "instance": true, "module": true, "namespace": true, "pod": true,
	"service": true, "container": true, "endpoint": true, "node": true,
}

// maxLabelValues bounds the values one label may declare or allow.
const maxLabelValues = 10000

var (
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	alertNameRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	sloNameRE    = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
)

// TargetLabel reports whether a PromQL expression may use label name
// without any metric declaring it (Prometheus or the operator attach it at
// scrape time). For tools that write specs, such as obsc import.
func TargetLabel(name string) bool { return targetLabels[name] }

// ReservedLabel reports whether label name may not be declared.
func ReservedLabel(name string) bool {
	return reservedLabels[name] != "" || len(name) >= 2 && name[:2] == "__"
}

// HighCardinalityLabel reports whether a declared label called name needs
// `allow: "<why>"`.
func HighCardinalityLabel(name string) bool { return highCardinality[name] }

// DefBuckets returns the default histogram buckets (Prometheus DefBuckets).
func DefBuckets() []float64 { return append([]float64(nil), defBuckets...) }
