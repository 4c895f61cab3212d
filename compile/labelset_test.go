package compile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// resultLabelCases pin the label set of an expression's result: which
// labels a series may carry (may) and which it surely lacks (lacks), as
// Prometheus' engine computes them (promql.resultMetric and the
// aggregations; the group_left and on cases were checked with promtool).
type resultLabelCase struct {
	expr       string
	closed     bool
	may, lacks []string
	wantClosed []string // the closed set itself
}

var resultLabelCases = []resultLabelCase{
	{expr: `up == 0`, may: []string{"job", "instance", "anything"}},
	{expr: `rate(x_total[5m]) > 0`, may: []string{"job", "status"}},
	{expr: `sum(rate(x_total[5m])) > 0`, closed: true, lacks: []string{"job"}, wantClosed: []string{}},
	{expr: `sum by (job, status) (rate(x_total[5m]))`, closed: true, may: []string{"job", "status"}, lacks: []string{"instance"}, wantClosed: []string{"job", "status"}},
	{expr: `sum without (instance) (rate(x_total[5m]))`, may: []string{"job"}, lacks: []string{"instance"}},
	{expr: `max without (pod) (sum without (instance) (x))`, may: []string{"job"}, lacks: []string{"instance", "pod"}},
	{expr: `topk(3, sum by (job) (x))`, closed: true, may: []string{"job"}, lacks: []string{"pod"}, wantClosed: []string{"job"}},
	{expr: `topk by (job) (3, x)`, may: []string{"pod"}},
	{expr: `count_values("version", build_info)`, closed: true, may: []string{"version"}, lacks: []string{"job"}, wantClosed: []string{"version"}},
	{expr: `count_values by (job) ("version", build_info)`, closed: true, wantClosed: []string{"job", "version"}},
	{expr: `quantile by (job) (0.9, x)`, closed: true, wantClosed: []string{"job"}},
	{expr: `histogram_quantile(0.9, sum by (le, job) (rate(h_bucket[5m]))) > 0`, closed: true, may: []string{"job"}, lacks: []string{"le"}, wantClosed: []string{"job"}},
	{expr: `histogram_quantile(0.9, rate(h_bucket[5m]))`, may: []string{"job"}, lacks: []string{"le"}},
	{expr: `label_replace(sum(x), "team", "$1", "", "")`, closed: true, wantClosed: []string{"team"}},
	{expr: `label_join(sum by (a) (x), "ab", "-", "a", "b")`, closed: true, wantClosed: []string{"a", "ab"}},
	{expr: `abs(sum by (job) (x))`, closed: true, wantClosed: []string{"job"}},
	{expr: `sum_over_time(sum by (job) (x)[1h:5m])`, closed: true, wantClosed: []string{"job"}},
	{expr: `absent(nope{job="x"})`, closed: true, lacks: []string{"other"}, wantClosed: []string{"job"}},
	{expr: `absent_over_time(nope{job="a", pod=~"p.*"}[5m])`, closed: true, lacks: []string{"pod"}, wantClosed: []string{"job"}},
	{expr: `absent(nope{job="a", job=~"a|b", team="", pod="p"})`, closed: true, wantClosed: []string{"pod"}},
	{expr: `absent(sum by (job) (nope{job="a"}))`, closed: true, wantClosed: []string{}},
	{expr: `vector(1) > 0`, closed: true, wantClosed: []string{}},
	{expr: `day_of_week() >= 0`, closed: true, wantClosed: []string{}},
	{expr: `1 - sum by (job) (x)`, closed: true, wantClosed: []string{"job"}},
	{expr: `(sum by (job) (x)) > bool 1`, closed: true, wantClosed: []string{"job"}},
	{expr: `-sum by (job) (x)`, closed: true, wantClosed: []string{"job"}},
	{expr: `sum by (job, pod) (x_total) / on (job) sum by (job) (y)`, closed: true, wantClosed: []string{"job"}},
	{expr: `sum by (job, pod) (x_total) / ignoring (pod) sum by (job) (y)`, closed: true, wantClosed: []string{"job"}},
	{expr: `x_total / on (job) y`, closed: true, may: []string{"job"}, lacks: []string{"pod"}, wantClosed: []string{"job"}},
	{expr: `x_total / ignoring (pod, instance, status, team) y`, may: []string{"job"}, lacks: []string{"pod", "instance", "status"}},
	{expr: `sum by (job, pod) (x) / on (job) group_left (team) sum by (job, team) (y)`, closed: true, wantClosed: []string{"job", "pod", "team"}},
	{expr: `sum by (job, team) (y) * on (job) group_right (team) sum by (job, pod) (x)`, closed: true, wantClosed: []string{"job", "pod", "team"}},
	{expr: `sum by (job) (x) and on () sum by (pod) (y)`, closed: true, wantClosed: []string{"job"}},
	{expr: `sum by (job) (x) unless sum by (pod) (y)`, closed: true, wantClosed: []string{"job"}},
	{expr: `sum by (job) (x) or sum by (pod) (y)`, closed: true, wantClosed: []string{"job", "pod"}},
	{expr: `sum by (job) (x) or y`, may: []string{"job", "pod"}},
	{expr: `sum without (pod) (x) or sum by (job) (y)`, may: []string{"job", "instance"}, lacks: []string{"pod"}},
	{expr: `sum without (pod) (x) or y`, may: []string{"pod"}},
}

func TestResultLabels(t *testing.T) {
	for _, tc := range resultLabelCases {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := promParser.ParseExpr(tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			got := resultLabels(e)
			if got.closed != tc.closed {
				t.Fatalf("closed = %v, want %v (set %v)", got.closed, tc.closed, got.sorted())
			}
			if tc.wantClosed != nil {
				if diff := cmp.Diff(tc.wantClosed, got.sorted()); diff != "" {
					t.Errorf("labels (-want +got):\n%s", diff)
				}
			}
			for _, l := range tc.may {
				if !got.may(l) {
					t.Errorf("may(%s) = false, want true", l)
				}
			}
			for _, l := range tc.lacks {
				if got.may(l) {
					t.Errorf("may(%s) = true, want false", l)
				}
			}
		})
	}
}

func TestTemplateLabels(t *testing.T) {
	for text, want := range map[string][]string{
		`{{ $labels.job }} on {{ $labels.instance }}, {{ $labels.job }}`: {"job", "instance"},
		`{{ index $labels "pod" }} {{ $labels.__name__ }}`:               {"pod"},
		`$labels.job outside an action {{ $value }}`:                     nil,
		`{{ with $labels.team }}{{ . }}{{ end }}`:                        {"team"},
		`{{ $labels.job`: nil,
		`{{ "$labels.job" }} {{ printf "%s" $labels.pod }} {{ if eq $labels.status "x" }}{{ end }}`: {"pod", "status"},
		`{{ range $i, $v := $labels }}{{ $v }}{{ end }}{{ template "x" $labels.team }}`:             {"team"},
		`{{ ($labels).job }}`: {"job"},
		`{{/* $labels.job */}}{{- /* $labels.pod */ -}}{{ $labels.team }}`: {"team"},
	} {
		if diff := cmp.Diff(want, templateLabels(text)); diff != "" {
			t.Errorf("templateLabels(%q) (-want +got):\n%s", text, diff)
		}
	}
}
