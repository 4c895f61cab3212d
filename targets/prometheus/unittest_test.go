package prometheus

import (
	"math"
	"strconv"
	"testing"
	"time"
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
