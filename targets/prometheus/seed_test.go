package prometheus

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/tinysystems/obsc/internal/promtest"
)

// The seed page's HighErrorRate, as its users run it today (metric renamed
// to the standard set). Its ratio divides each error series by itself.
const seedRules = `groups:
- name: tinysystems
  rules:
  - alert: HighErrorRate
    expr: |
      rate(tinysystems_messages_total{status="error"}[5m])
      / rate(tinysystems_messages_total[5m]) > 0.05
    for: 5m
    labels:
      severity: warning
    annotations:
      summary: "High error rate in {{ $labels.component }}"
`

// seedPairs are the (component, port) pairs the seed's components expose.
var seedPairs = [][2]string{
	{"http_server", "request"}, {"http_server", "response"},
	{"router", "input"}, {"router", "output"}, {"router", "error"},
}

// seedTraffic is two pods sending 100 messages/s on every pair; errPct(c)
// percent of component c's messages fail.
func seedTraffic(errPct func(component string) int64) []inputSeries {
	var out []inputSeries
	for _, pod := range []string{"http-module-7d9f-abcde", "http-module-7d9f-fghij"} {
		for _, p := range seedPairs {
			bad := 60 * errPct(p[0]) // per minute, of 6000
			for _, st := range []struct {
				status string
				inc    int64
			}{{"success", 6000 - bad}, {"error", bad}} {
				out = append(out, inputSeries{
					Series: fmt.Sprintf(`tinysystems_messages_total{module="http-module", pod=%q, component=%q, port=%q, status=%q}`, pod, p[0], p[1], st.status),
					Values: fmt.Sprintf("0+%dx30", st.inc),
				})
			}
		}
	}
	return out
}

func onePercent(string) int64 { return 1 }

// TestSeedScenario replays the seed page's alert on realistic traffic with
// hand-written expectations: 1% errors spread over every pod and port keeps
// HighErrorRate quiet; 10% errors on the router fires it for the router
// only. The same 1% traffic fires the seed's own expression once per error
// series, which is the bug obsc makes impossible.
func TestSeedScenario(t *testing.T) {
	promtest.Promtool(t)
	m := seedModule()
	dir := writeModule(t, t.TempDir(), mustRender(t, m), m.Name)
	if err := os.WriteFile(filepath.Join(dir, "seed.yaml"), []byte(seedRules), 0o644); err != nil {
		t.Fatal(err)
	}

	quiet := []alertTest{{EvalTime: "20m", Alertname: "HighErrorRate", ExpAlerts: []expAlert{}}}
	routerFires := []alertTest{{EvalTime: "20m", Alertname: "HighErrorRate", ExpAlerts: []expAlert{{
		ExpLabels: map[string]string{"component": "router", "module": "http-module", "severity": "warning", "team": "platform"},
		ExpAnnotations: map[string]string{
			"summary":     "High error rate in router",
			"description": "10% of the messages of router failed over the last 5m.",
			"runbook_url": "https://runbooks.example.com/http-module#HighErrorRate",
		},
	}}}}
	obsc := testFile{RuleFiles: []string{RulesFile}, EvaluationInterval: "1m", Tests: []testGroup{
		{
			Name: "1% errors over every pod and port: quiet", Interval: "1m",
			InputSeries: seedTraffic(onePercent), AlertRuleTests: quiet,
		},
		{
			Name: "10% errors on the router: fires for the router only", Interval: "1m",
			InputSeries: seedTraffic(func(c string) int64 {
				if c == "router" {
					return 10
				}
				return 1
			}),
			AlertRuleTests: routerFires,
		},
	}}

	// The seed's expression: every error series reads 1.0 and alerts.
	var wrong []expAlert
	for _, pod := range []string{"http-module-7d9f-abcde", "http-module-7d9f-fghij"} {
		for _, p := range seedPairs {
			wrong = append(wrong, expAlert{
				ExpLabels: map[string]string{"component": p[0], "port": p[1], "status": "error",
					"pod": pod, "module": "http-module", "severity": "warning"},
				ExpAnnotations: map[string]string{"summary": "High error rate in " + p[0]},
			})
		}
	}
	seed := testFile{RuleFiles: []string{"seed.yaml"}, EvaluationInterval: "1m", Tests: []testGroup{{
		Name: "the seed's unaggregated ratio fires on 1% errors", Interval: "1m",
		InputSeries:    seedTraffic(onePercent),
		AlertRuleTests: []alertTest{{EvalTime: "20m", Alertname: "HighErrorRate", ExpAlerts: wrong}},
	}}}

	for name, tf := range map[string]testFile{"obsc_test.yaml": obsc, "seed_test.yaml": seed} {
		b, err := yaml.Marshal(tf)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		out := promtest.RunPromtool(t, dir, "test", "rules", name)
		if !strings.Contains(out, "SUCCESS") {
			t.Errorf("promtool test rules %s did not report SUCCESS:\n%s", name, out)
		}
	}
}
