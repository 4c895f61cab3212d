package yamlx

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// TestSameAsSigsYAML checks Marshal against sigs.k8s.io/yaml.Marshal on
// hand-picked values, the golden dashboards and random documents.
func TestSameAsSigsYAML(t *testing.T) {
	tests := map[string]any{
		"Scalars that YAML would read as other types stay strings.": map[string]any{
			"a": "true", "b": "1", "c": "1.5", "d": "null", "e": "~", "f": "0x1F", "g": "1e3", "h": "2001-12-14", "i": "",
			"j": "yes", "k": "on", "l": ".inf", "m": "-", "n": "a: b", "o": "# x", "p": "multi\nline\n", "q": " lead", "r": "trail ",
		},
		"Numbers keep their kind.": map[string]any{
			"int": 3, "neg": -7, "big": int64(math.MaxInt64), "ubig": uint64(math.MaxUint64), "float": 0.25, "exp": 1e21,
			"tiny": 1e-9, "whole": 2.0, "zero": 0, "negzero": math.Copysign(0, -1),
		},
		"Keys sort as yaml/v2 sorts them.": map[string]any{"a10": 1, "a9": 2, "B": 3, "b": 4, "_x": 5, "1": 6, "10": 7, "2": 8},
		"Nesting, empties and nulls.": map[string]any{
			"list": []any{1, "two", nil, []any{}, map[string]any{}, map[string]any{"x": []any{map[string]any{"y": true}}}},
			"nil":  nil, "empty": map[string]any{},
		},
		"Long strings fold as yaml/v2 folds them.": map[string]any{
			"expr": strings.Repeat("sum by (component) (rate(tinysystems_messages_total{module=\"svc\"}[5m])) ", 4),
		},
		"A top-level list.":   []any{"a", 1, false},
		"A top-level scalar.": "just text",
		"Null.":               nil,
		"Unicode and escapes": map[string]any{"s": "Größe \u2028 \t tab \x01 ctl \"q\" 'q' \\"},
	}
	for name, v := range tests {
		t.Run(name, func(t *testing.T) { same(t, v) })
	}
	golden, _ := filepath.Glob("../../golden/*/dashboard.json")
	for _, f := range golden {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := yaml.JSONToYAML(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := FromJSON(data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("FromJSON() mismatch (-want +got):\n%s", diff)
			}
			same(t, map[string]any{"data": map[string]string{"dashboard.json": string(data)}})
		})
	}
	lines := []string{"{", "  \"a\": 1,", "  \"b\": \"x y\"", "}", "", " lead", "trail ", "\ttab", "é", "- item", "k: v", "#", "|", "  "}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		var b strings.Builder
		for b.Len() < 1100+r.IntN(200) {
			b.WriteString(lines[r.IntN(len(lines))])
			if r.IntN(10) > 0 {
				b.WriteByte('\n')
			}
		}
		for range r.IntN(3) {
			b.WriteByte('\n')
		}
		t.Run("long string", func(t *testing.T) {
			t.Logf("case %d", i)
			same(t, map[string]any{"k": map[string]any{"data": b.String(), "other": b.String()[:10]}, "list": []any{b.String()}})
		})
	}
	for i := range 300 {
		v := randomValue(r, 4)
		t.Run("random", func(t *testing.T) {
			t.Logf("case %d", i)
			same(t, v)
		})
	}
}

func same(t *testing.T, v any) {
	t.Helper()
	want, werr := yaml.Marshal(v)
	got, gerr := Marshal(v)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("errors differ: sigs %v, yamlx %v", werr, gerr)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		j, _ := json.Marshal(v)
		t.Errorf("Marshal(%s) mismatch (-want +got):\n%s", j, diff)
	}
}

var words = []string{"a", "true", "0", "1.5", "x y", "- z", "null", "{a}", "[b]", "k: v", "#c", "line\nline", " s", "e ", "%", "@", "`", "é", "'", "\"", "&x", "*y", "!t", "|", ">", "?"}

func randomValue(r *rand.Rand, depth int) any {
	switch n := r.IntN(9); {
	case depth > 0 && n < 2:
		m := map[string]any{}
		for range r.IntN(5) {
			m[words[r.IntN(len(words))]+words[r.IntN(len(words))]] = randomValue(r, depth-1)
		}
		return m
	case depth > 0 && n < 4:
		var s []any
		for range r.IntN(5) {
			s = append(s, randomValue(r, depth-1))
		}
		return s
	case n < 5:
		return r.IntN(1000) - 500
	case n < 6:
		return r.Float64() * math.Pow(10, float64(r.IntN(40)-20))
	case n < 7:
		return r.IntN(2) == 0
	default:
		var b strings.Builder
		for range r.IntN(30) {
			b.WriteString(words[r.IntN(len(words))])
			if r.IntN(3) == 0 {
				b.WriteByte(' ')
			}
		}
		return b.String()
	}
}

// TestSpliceUsed makes sure the golden dashboards take the fast path, so
// TestSameAsSigsYAML covers it.
func TestSpliceUsed(t *testing.T) {
	golden, _ := filepath.Glob("../../golden/*/dashboard.json")
	if len(golden) == 0 {
		t.Skip("no golden dashboards")
	}
	for _, f := range golden {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var lits []string
		literals(map[any]any{"d": string(data)}, &lits)
		if len(lits) != 1 {
			t.Errorf("%s: dashboard not spliced as a literal block", f)
		}
	}
}
