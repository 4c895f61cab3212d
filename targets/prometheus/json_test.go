package prometheus

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/tinysystems/obsc/internal/yamlx"
)

// TestJSONWriterString: a string written by jsonWriter is valid JSON and
// reads, as JSON and through yamlx, as what encoding/json writes of it,
// invalid UTF-8 included.
func TestJSONWriterString(t *testing.T) {
	for _, s := range []string{
		"", "plain", `"quoted" \back\slash/`, "line\nbreak\r\ttab\b\f", "\x00\x01\x1f\x7f", "é 日本 🎉 \u00a0",
		"\u2028\u2029\ufeff", "bad \xff utf8 \xc3", "\xed\xa0\x80 surrogate", "<b>&amp;</b>", "{{ $labels.x }}",
	} {
		var w jsonWriter
		w.string(s)
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(w.b) {
			t.Errorf("string(%q) = %s, not valid JSON", s, w.b)
			continue
		}
		var got, exp string
		if err := json.Unmarshal(w.b, &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(want, &exp); err != nil {
			t.Fatal(err)
		}
		if got != exp {
			t.Errorf("string(%q) reads as %q, encoding/json's as %q", s, got, exp)
		}
		gotY, err := yamlx.FromJSON(w.b)
		if err != nil {
			t.Fatal(err)
		}
		wantY, err := yamlx.FromJSON(want)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(gotY, wantY) {
			t.Errorf("string(%q) prints as YAML %q, encoding/json's as %q", s, gotY, wantY)
		}
	}
}

// TestJSONWriterFloat: numbers are encoding/json's, and one JSON cannot
// hold is an error, as it is for encoding/json.
func TestJSONWriterFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 0.001, 0.999, 1e-9, 1e-7, 1e21, 123456789, math.MaxFloat64} {
		var w jsonWriter
		w.float(f)
		want, _ := json.Marshal(f)
		if w.err != nil || !bytes.Equal(w.b, want) {
			t.Errorf("float(%v) = %s, %v; want %s", f, w.b, w.err, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1)} {
		var w jsonWriter
		if w.float(f); w.err == nil {
			t.Errorf("float(%v) = %s, want an error", f, w.b)
		}
	}
}
