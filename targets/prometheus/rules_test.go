package prometheus

import (
	"strings"
	"testing"
	"time"

	promparser "github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/compile/ir"
)

// TestRangedExpr: an expression printed for one range after another is
// what parsing and printing it with that range gives, whatever the order
// of the ranges, when a label value holds a range's text, and for metric
// names that put the expression's nodes either side of Prettify's 100
// characters.
func TestRangedExpr(t *testing.T) {
	windows := []time.Duration{
		5 * time.Minute, 30 * 24 * time.Hour, time.Hour, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour,
		24 * time.Hour, 3 * 24 * time.Hour, 90 * time.Minute, 10 * time.Second, 1500 * time.Millisecond,
		400 * 24 * time.Hour, time.Minute, 7 * 24 * time.Hour,
	}
	templates := map[string]string{
		"a ratio SLI":                       `(sum(rate(M{module="m", status="error"}[{{.window}}])) or 0 * sum(rate(M{module="m"}[{{.window}}]))) / (sum(rate(M{module="m"}[{{.window}}])) > 0)`,
		"a latency SLI":                     `1 - sum(rate(M_bucket{module="m", le=~"1|1\\.0"}[{{.window}}])) / (sum(rate(M_count{module="m"}[{{.window}}])) > 0)`,
		"label values holding ranges' text": `sum(rate(M{module="m", path="[1h]", q="[30d] [5m]"}[{{.window}}])) / sum(rate(M{module="m", p="x[1h]"}[{{.window}}]))`,
	}
	for name, tmpl := range templates {
		for n := 1; n <= 90; n += 3 {
			metric := "m" + strings.Repeat("x", n)
			tmpl := strings.ReplaceAll(tmpl, "M", metric)
			b := newBuilder(newDerived(&ir.Module{Name: "m"}), promparser.NewParser(promparser.Options{}))
			tree, err := b.parse(ir.RawQuery(tmpl, ir.FormatDuration(windows[0])))
			if err != nil {
				t.Fatal(err)
			}
			ranged := newRangedExpr(tree, &printer{})
			for _, w := range windows {
				text := ir.RawQuery(tmpl, ir.FormatDuration(w))
				r, err := b.rangeOf(w)
				if err != nil {
					t.Fatal(err)
				}
				want, err := b.expr(text)
				if err != nil {
					t.Fatal(err)
				}
				if got := ranged.print(r); got != want.StrVal {
					t.Errorf("%s, metric %s, window %s: print() =\n%s\nwant\n%s", name, metric, ir.FormatDuration(w), got, want.StrVal)
				}
			}
		}
	}
}

// TestAppendNum: appendNum appends what num prints.
func TestAppendNum(t *testing.T) {
	for _, f := range []float64{0, 1, 14.4, 0.001, 1e-05, 1e-7, 0.1 + 0.2, 99.95, 1e21, 123456789012345678, -2.5} {
		if got, want := string(appendNum([]byte("x"), f)), "x"+num(f); got != want {
			t.Errorf("appendNum(%v) = %q, want %q", f, got, want)
		}
	}
}
