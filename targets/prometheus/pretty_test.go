package prometheus

import (
	"strings"
	"testing"

	promparser "github.com/prometheus/prometheus/promql/parser"
)

// TestPrinter: a printer prints what promparser.Prettify prints, for
// every kind of node, either side of its 100 characters.
func TestPrinter(t *testing.T) {
	exprs := []string{
		`sum by (component) (rate(M{module="m",status="error"}[5m])) / sum by (component) (rate(M{module="m"}[5m])) > 0.05`,
		`histogram_quantile(0.99, sum by (component, le) (rate(M_bucket{module="m"}[5m]))) > 5`,
		`topk(3, sum without (pod) (rate(M[5m]))) * on (a) group_left (b) count_values("v", M) > bool 2 and on (c) M`,
		`quantile(0.9, M) - ignoring (x) group_right count(M{a=~"x|y"} offset 1h) or -sum(M @ 100)`,
		`max_over_time(rate(M[5m])[1h:5m]) / (1 - absent(M{a!="b"})) unless vector(1) * time()`,
		`label_replace(M, "dst", "$1", "src", "(.*)") + clamp(M, 0, 1) + round(M) + -(M + M) + +M`,
		`limitk(2, M) + count(M) + sum_over_time(sum(M)[5m:]) + (M)`,
	}
	var p printer
	for _, tmpl := range exprs {
		for n := 1; n <= 120; n += 7 {
			text := strings.ReplaceAll(tmpl, "M", "m"+strings.Repeat("x", n))
			e, err := promparser.NewParser(promparser.Options{EnableExperimentalFunctions: true}).ParseExpr(text)
			if err != nil {
				t.Fatalf("%s: %v", text, err)
			}
			if got, want := p.prettify(e), promparser.Prettify(e); got != want {
				t.Errorf("prettify(%s) =\n%s\nwant\n%s", text, got, want)
			}
		}
	}
}
