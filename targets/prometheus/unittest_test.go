package prometheus

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	promparser "github.com/prometheus/prometheus/promql/parser"

	"github.com/tinysystems/obsc/compile/ir"
)

// TestExpandSimple: the templates expandSimple expands, it expands as
// Prometheus does; the others it leaves to Prometheus.
func TestExpandSimple(t *testing.T) {
	labels := map[string]string{"component": "api", "queue": "q{{1}}"}
	for _, text := range []string{
		"{{ $labels.component }}", "{{$labels.component}} and {{ $labels.queue }}", "{{ $labels.missing }}!",
		"{{ $value }} jobs", "{{$value}}}}", "}} {{ $value  }}", "a {{ $labels.component }}{{ $value }} b",
	} {
		for _, v := range []float64{0, 0.5, 1e6, 123456789, 1e-7, 1.0 / 3, math.Inf(1), math.NaN()} {
			got, ok := expandSimple(text, labels, v)
			want, wok := expandTemplate("A", text, labels, v, time.Minute)
			if !ok || !wok || got != want {
				t.Errorf("expandSimple(%q, %v) = %q, %v; Prometheus expands %q, %v", text, v, got, ok, want, wok)
			}
		}
	}
	for _, text := range []string{
		"{{- $value }}", "{{ $value -}}", "{{ $labels.component | toUpper }}", "{{ $labels.0x }}", "{{ $labels. }}",
		"{{ .Value }}", "{{ $value", "{{/* c */}}", "{{\t$value }}", "{{ $labels.a.b }}", "{{ humanize $value }}",
	} {
		if got, ok := expandSimple(text, labels, 1); ok {
			t.Errorf("expandSimple(%q) = %q, want it left to Prometheus", text, got)
		}
	}
}

// TestAppendQuote: appendQuote quotes as strconv.Quote does.
func TestAppendQuote(t *testing.T) {
	for _, s := range []string{"", "plain", "svc-00001", `a"b`, `a\b`, "tab\t", "\x00\x1f\x7f", "é 日本", "\xff", "~ {}[]'"} {
		if got, want := string(appendQuote(nil, s)), strconv.Quote(s); got != want {
			t.Errorf("appendQuote(%q) = %s, want %s", s, got, want)
		}
	}
}

// TestRecordClose: an SLO recording rule's expected value is written to
// 12 significant digits (no binary tail), a negative one as `x + v`, and
// the value the arithmetic gave still passes the test's own comparison.
func TestRecordClose(t *testing.T) {
	g := newTestGen(newDerived(&ir.Module{Name: "m"}), promparser.NewParser(promparser.Options{}))
	s := &ir.SLO{Name: "s"}
	for _, c := range []struct {
		want     float64
		op, text string
		tol      string
	}{
		{1.7319999999999998, " - ", "1.732", "1.732e-09"},
		{-0.7319999999999998, " + ", "0.732", "1e-09"},
		{0.020206666666666668, " - ", "0.0202066666667", "1e-09"},
		{0.001, " - ", "0.001", "1e-09"},
		{2500, " - ", "2500", "2.5e-06"},
	} {
		e := g.recordClose(s, time.Hour, "slo:x:ratio", false, c.want)
		suffix := c.op + c.text + ") < bool " + c.tol
		if !strings.HasPrefix(e.Expr, "abs(slo:x:ratio{") || !strings.HasSuffix(e.Expr, suffix) {
			t.Errorf("recordClose(%v) = %q, want abs(slo:x:ratio{...}%s", c.want, e.Expr, suffix)
			continue
		}
		if _, err := g.p.ParseExpr(e.Expr); err != nil {
			t.Errorf("recordClose(%v) = %q: %v", c.want, e.Expr, err)
		}
		written, _ := strconv.ParseFloat(c.text, 64)
		if c.op == " + " {
			written = -written
		}
		tol, _ := strconv.ParseFloat(c.tol, 64)
		if math.Abs(c.want-written) >= tol {
			t.Errorf("recordClose(%v): the exact value is %g from the written %s, not within %s", c.want, math.Abs(c.want-written), c.text, c.tol)
		}
	}
}
