package grafana

import (
	"math"
	"strings"

	"github.com/tinysystems/obsc/compile/ir"
)

// Grafana unit ids used by the generated panels.
const (
	unitPercent = "percentunit" // ratios 0..1 shown as percent
	unitSeconds = "s"
	unitShort   = "short"
	unitNone    = "none"
	unitOpsRate = "ops" // per-second rate of a counter of events
)

// unitSuffixes maps the base unit a metric name ends with (Prometheus
// naming conventions) to the Grafana unit of its value and of its rate.
var unitSuffixes = []struct {
	suffix      string
	value, rate string
}{
	{"_seconds", unitSeconds, "percentunit"}, // seconds per second: share of time
	{"_bytes", "bytes", "Bps"},
	{"_ratio", unitPercent, unitNone},
	{"_percent", "percent", unitNone},
	{"_celsius", "celsius", unitNone},
	{"_meters", "lengthm", unitNone},
	{"_dollars", "currencyUSD", unitNone},
	{"_euros", "currencyEUR", unitNone},
	{"_requests", unitShort, "reqps"},
}

// valueUnit is the Grafana unit of a gauge's value or a histogram's
// observations.
func valueUnit(mt *ir.Metric) string {
	for _, u := range unitSuffixes {
		if strings.HasSuffix(mt.Name, u.suffix) {
			return u.value
		}
	}
	return unitShort
}

// rateUnit is the Grafana unit of a counter's per-second rate.
func rateUnit(mt *ir.Metric) string {
	base := strings.TrimSuffix(mt.Name, "_total")
	for _, u := range unitSuffixes {
		if strings.HasSuffix(base, u.suffix) && u.rate != unitNone {
			return u.rate
		}
	}
	return unitOpsRate
}

// stdTitles are the panel names of the TinySystems standard metrics (the
// seed dashboard calls them "Messages/sec" and "Processing Latency p99").
var stdTitles = map[string]string{
	ir.StdMessages: "Messages",
	ir.StdDuration: "Processing latency",
	ir.StdErrors:   "Errors",
	ir.StdActive:   "Active operations",
}

// humanName turns a metric name into a panel name: the standard names,
// otherwise the name without _total and its unit suffix, in words
// ("orders_created_total" -> "Orders created").
func humanName(m *ir.Module, mt *ir.Metric) string {
	if mt.Standard && m.Standard != nil {
		if t, ok := stdTitles[strings.TrimPrefix(mt.Name, m.Standard.Prefix)]; ok {
			return t
		}
	}
	base := strings.TrimSuffix(mt.Name, "_total")
	for _, u := range unitSuffixes {
		if b, ok := strings.CutSuffix(base, u.suffix); ok && b != "" {
			base = b
			break
		}
	}
	s := strings.ReplaceAll(base, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// byPhrase renders " by component and port" for descriptions and titles.
func byPhrase(by []string) string {
	switch len(by) {
	case 0:
		return ""
	case 1:
		return " by " + by[0]
	}
	return " by " + strings.Join(by[:len(by)-1], ", ") + " and " + by[len(by)-1]
}

// sentence ends s with a period.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

// percent prints a ratio as a percentage ("0.05" -> "5%").
func percent(ratio float64) string {
	// Rounded: 1 - 0.999 is 0.0010000000000000009 in floating point.
	return ir.FormatFloat(math.Round(ratio*100*1e6)/1e6) + "%"
}

// withUnit prints a threshold with the unit of its panel where the unit
// has a short symbol ("5s"), else the bare number.
func withUnit(v float64, unit string) string {
	switch unit {
	case unitSeconds:
		return ir.FormatFloat(v) + "s"
	case unitPercent:
		return percent(v)
	}
	return ir.FormatFloat(v)
}
