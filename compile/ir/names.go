package ir

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// This file holds the facts every target shares: the burn-rate window
// table, recording-rule and label names, the dashboard uid and the
// formatting helpers. One fact, one place: the Prometheus target writes
// the rules the Grafana target reads, so both take the names from here.

// Labels every generated rule carries so rules stay unique across modules.
// LabelModule is also the target label the ServiceMonitor/PodMonitor
// attaches to every scraped series (see Module.ModuleMatcher).
const (
	LabelModule = "module"
	LabelSLO    = "slo"
	LabelTeam   = "team"
	// LabelTier is "page" or "ticket" on SLO burn-rate alerts.
	LabelTier = "slo_tier"
	// LabelWindow is the SLO window on the objective/budget rules.
	LabelWindow   = "slo_window"
	LabelSeverity = "severity"
)

// Recording rules of the SLO rule set. Names follow Prometheus'
// level:metric:operations convention; module and slo labels tell the
// modules' rules apart.
const (
	RecObjective       = "slo:objective:ratio"                     // objective as a ratio (0.999)
	RecErrorBudget     = "slo:error_budget:ratio"                  // 1 - objective
	RecBurnRate        = "slo:current_burn_rate:ratio"             // 5m error ratio / error budget
	RecPeriodBurnRate  = "slo:period_burn_rate:ratio"              // window error ratio / error budget
	RecBudgetRemaining = "slo:period_error_budget_remaining:ratio" // 1 - period burn rate
)

// SLIErrorRecord is the recording rule holding an SLO's error ratio over w.
func SLIErrorRecord(w time.Duration) string {
	return "slo:sli_error:ratio_rate" + FormatDuration(w)
}

// Tier names of SLO alerts.
const (
	TierPage   = "page"
	TierTicket = "ticket"
)

// BurnRate is one multi-window burn-rate condition: the alert fires when
// the error ratio over both Long and Short exceeds Factor x error budget.
type BurnRate struct {
	Tier          string // TierPage or TierTicket
	Long, Short   time.Duration
	BudgetPercent float64 // share of the whole window's budget consumed in Long
	Factor        float64 // BudgetPercent/100 x window / Long
}

// burnRateTable is the Google SRE workbook table (as Sloth and Pyrra use
// it) for a 30d window: page on 2% of the budget in 1h or 5% in 6h,
// ticket on 10% in 1d or 10% in 3d. Factors for other windows are scaled
// so the same share of the budget is consumed.
var burnRateTable = []BurnRate{
	{Tier: TierPage, Long: time.Hour, Short: 5 * time.Minute, BudgetPercent: 2},
	{Tier: TierPage, Long: 6 * time.Hour, Short: 30 * time.Minute, BudgetPercent: 5},
	{Tier: TierTicket, Long: 24 * time.Hour, Short: 2 * time.Hour, BudgetPercent: 10},
	{Tier: TierTicket, Long: 72 * time.Hour, Short: 6 * time.Hour, BudgetPercent: 10},
}

// LongestBurnWindow is the longest alert window of the table: an SLO
// window must be at least this long.
const LongestBurnWindow = 72 * time.Hour

// BurnRates returns the burn-rate conditions for an SLO window, page tier
// first, keeping only the enabled tiers. 30d gives 14.4, 6, 3 and 1.
func BurnRates(window time.Duration, page, ticket bool) []BurnRate {
	var out []BurnRate
	for _, b := range burnRateTable {
		if (b.Tier == TierPage && !page) || (b.Tier == TierTicket && !ticket) {
			continue
		}
		// Integer-valued operands keep the result the nearest float to the
		// exact factor (14.4, not 14.399999999999999).
		b.Factor = roundFactor(b.BudgetPercent * window.Hours() / (100 * b.Long.Hours()))
		out = append(out, b)
	}
	return out
}

func roundFactor(f float64) float64 {
	return math.Round(f*1e9) / 1e9
}

// SLIWindows returns every window an SLO needs an error-ratio recording
// rule for: the burn-rate windows and the SLO window itself, ascending and
// without duplicates. The 5m rule exists even with all tiers disabled,
// because the current burn rate reads it.
func SLIWindows(s *SLO) []time.Duration {
	seen := map[time.Duration]bool{5 * time.Minute: true, s.Window: true}
	for _, b := range burnRateTable {
		seen[b.Long] = true
		seen[b.Short] = true
	}
	out := make([]time.Duration, 0, len(seen))
	for w := range seen {
		out = append(out, w)
	}
	sortDurations(out)
	return out
}

func sortDurations(d []time.Duration) {
	for i := 1; i < len(d); i++ {
		for j := i; j > 0 && d[j] < d[j-1]; j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
}

// SLOAlertName is the default name of an SLO's burn-rate alerts (both tiers
// share it and differ in the slo_tier and severity labels, as in Sloth).
func SLOAlertName(slo string) string {
	return CamelCase(slo) + "ErrorBudgetBurn"
}

// CamelCase turns "http-module" or "p99_latency" into "HttpModule" and
// "P99Latency".
func CamelCase(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if r == '-' || r == '_' || r == '.' || r == ' ' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

// maxUIDLen is Grafana's limit for dashboard uids.
const maxUIDLen = 40

// DashboardUID is the stable dashboard uid of a module: "obsc-<name>", or
// when that exceeds Grafana's 40 characters, a prefix of it plus a hash of
// the whole name so distinct modules never share a uid.
func DashboardUID(module string) string {
	uid := "obsc-" + module
	if len(uid) <= maxUIDLen {
		return uid
	}
	sum := sha256.Sum256([]byte(module))
	h := hex.EncodeToString(sum[:])[:10]
	return strings.TrimRight(uid[:maxUIDLen-len(h)-1], "-") + "-" + h
}

// FormatDuration prints d as a Prometheus duration using d, h, m, s and
// ms only (30d stays "30d", never "4w2d"; 90m is "1h30m").
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	ms := d.Milliseconds()
	for _, u := range []struct {
		unit string
		mult int64
	}{{"d", 24 * 3600 * 1000}, {"h", 3600 * 1000}, {"m", 60 * 1000}, {"s", 1000}, {"ms", 1}} {
		if v := ms / u.mult; v > 0 {
			b.WriteString(strconv.FormatInt(v, 10))
			b.WriteString(u.unit)
			ms -= v * u.mult
		}
	}
	return b.String()
}

// RoundSig rounds f to 12 significant digits, removing the binary noise of
// decimal arithmetic (1 - 0.999 is 0.0010000000000000009) while keeping
// every digit a spec can meaningfully write.
func RoundSig(f float64) float64 {
	if f == 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return f
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 12, 64), 64)
	if err != nil {
		return f
	}
	return r
}

// FormatFloat prints a float the way Prometheus and the client libraries
// print bucket bounds and thresholds: shortest representation, no
// exponent for ordinary values ("0.005", "2.5", "10").
func FormatFloat(f float64) string {
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// MatcherString renders one matcher as PromQL: `l="v"` for one value and
// `l=~"v1|v2"` (regexp-quoted alternatives) for several. Values are quoted
// with PromQL string escaping, so quotes, backslashes, newlines and braces
// in label values can never break out of the selector.
func MatcherString(m Matcher) string {
	if len(m.Values) == 1 {
		return m.Label + "=" + strconv.Quote(m.Values[0])
	}
	alts := make([]string, len(m.Values))
	for i, v := range m.Values {
		alts[i] = regexp.QuoteMeta(v)
	}
	return m.Label + "=~" + strconv.Quote(strings.Join(alts, "|"))
}

// LESpellings returns the `le` label values a bucket bound can be exposed
// as: client libraries print 1 as "1", while Prometheus 3 normalises
// classic bucket bounds to float form ("1.0") when it scrapes. Matching
// both keeps a latency SLI from going silent on either version.
func LESpellings(le string) []string {
	if strings.ContainsAny(le, ".eEIN") {
		return []string{le}
	}
	return []string{le, le + ".0"}
}

// The label every Kubernetes object obsc generates carries.
const (
	LabelManagedBy = "app.kubernetes.io/managed-by"
	ManagedBy      = "obsc"
)

// ObjectLabels are the metadata labels of a generated Kubernetes object:
// module.labels, then extra (kubernetes.ruleLabels, monitorLabels or
// dashboardLabels, which the operator's or the sidecar's selectors key
// on) winning over them, and managed-by obsc, which states a fact and
// always wins. Every target labels its objects through this one rule.
func (m *Module) ObjectLabelsWith(extra map[string]string) map[string]string {
	out := MergeLabels(m.ObjectLabels, extra)
	out[LabelManagedBy] = ManagedBy
	return out
}

// MergeLabels returns a new map holding every label set in order, later
// sets winning.
func MergeLabels(sets ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, s := range sets {
		for k, v := range s {
			out[k] = v
		}
	}
	return out
}
