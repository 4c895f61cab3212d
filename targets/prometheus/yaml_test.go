package prometheus

import (
	"bytes"
	"math"
	"testing"

	"github.com/tinysystems/obsc/internal/yamlx"
)

// TestYAMLWriterString: a string, a map of strings and a list of strings
// written by yamlWriter, as a member of a nested mapping, are what
// encoding/json and yamlx write of them, invalid UTF-8 included.
func TestYAMLWriterString(t *testing.T) {
	for _, s := range []string{
		"", "plain", `"quoted" \back\slash/`, "line\nbreak\r\ttab\b\f", "\x00\x01\x1f\x7f", "é 日本 🎉 \u00a0",
		"\u2028\u2029\ufeff", "bad \xff utf8 \xc3", "\xed\xa0\x80 surrogate", "<b>&amp;</b>", "{{ $labels.x }}",
		"two\nlines\n", "  indented\nblock", "yes", "1.5", "a: b", "x #y",
	} {
		var w yamlWriter
		w.raw("a:\n")
		w.strings(2, "l", []string{s, s})
		w.stringMap(2, "m", map[string]string{s: s, "k": s})
		w.string(2, "s", s)
		want, err := yamlx.Marshal(map[string]any{"a": map[string]any{
			"s": s, "m": map[string]string{s: s, "k": s}, "l": []string{s, s},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w.b, want) {
			t.Errorf("%q written as\n%s\nnot as encoding/json and yamlx write it:\n%s", s, w.b, want)
		}
	}
}

// TestYAMLWriterFloat: numbers are encoding/json's, and one JSON cannot
// hold is an error, as it is for encoding/json.
func TestYAMLWriterFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 0.001, 0.999, 1e-9, 1e-7, 1.5e-300, 1e21, -1e21, 123456789, math.MaxFloat64} {
		var w yamlWriter
		w.float(0, "v", f)
		want, _ := yamlx.Marshal(map[string]float64{"v": f})
		if w.err != nil || !bytes.Equal(w.b, want) {
			t.Errorf("float(%v) = %s, %v; want %s", f, w.b, w.err, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1)} {
		var w yamlWriter
		if w.float(0, "v", f); w.err == nil {
			t.Errorf("float(%v) = %s, want an error", f, w.b)
		}
	}
}

// TestIndentLines: the rule file document, indented, is the spec of the
// PrometheusRule as yamlx writes it, block scalars with empty lines
// included.
func TestIndentLines(t *testing.T) {
	doc := map[string]any{"groups": []any{map[string]any{
		"name": "g", "x": "one\n\ntwo\n", "y": "  lead\n\n", "z": []string{"a\n\nb"},
	}}}
	y, err := yamlx.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	want, err := yamlx.Marshal(map[string]any{"spec": doc})
	if err != nil {
		t.Fatal(err)
	}
	if got := indentLines([]byte("spec:\n"), y); !bytes.Equal(got, want) {
		t.Errorf("indentLines =\n%s\nwant\n%s", got, want)
	}
}
