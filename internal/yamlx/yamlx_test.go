package yamlx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	yamlv2 "go.yaml.in/yaml/v2"
	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// TestStyle pins the style the package comment documents.
func TestStyle(t *testing.T) {
	dashboard := "{\n  \"a\": 1,\n  \"b\": [\n    \"x\"\n  ]\n}\n"
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nesting", map[string]any{
			"b":     map[string]any{"c": []any{1, map[string]any{"y": true, "x": nil}, []any{"p", []any{}}, map[string]any{}}},
			"a":     []any{[]any{"n"}},
			"empty": map[string]any{},
		}, `a:
- - "n"
b:
  c:
  - 1
  - x: null
    "y": true
  - - p
    - []
  - {}
empty: {}
`},
		{"sequence of scalars", []any{nil, "", "x", 1.5, "line\nline"}, `- null
- ""
- x
- 1.5
- |-
  line
  line
`},
		{"plain", map[string]any{
			"expr":   `sum by (x) (rate(m{a="b",c=~"d|e"}[5m])) > 0.5`,
			"url":    "https://runbooks.example.com/orders#PaymentFailures",
			"for":    "10m",
			"window": "30d",
			"text":   "Error ratio above 2% in {{ $labels.method }}, a:b#c, é",
			"path":   "/metrics",
			"quotes": `it's "q" \d`,
			"long":   strings.Repeat("word ", 40) + "end",
		}, `expr: sum by (x) (rate(m{a="b",c=~"d|e"}[5m])) > 0.5
for: 10m
long: ` + strings.Repeat("word ", 40) + `end
path: /metrics
quotes: it's "q" \d
text: Error ratio above 2% in {{ $labels.method }}, a:b#c, é
url: https://runbooks.example.com/orders#PaymentFailures
window: 30d
`},
		{"double-quoted look-alikes", []any{"1", "-1", "1.5", "1e3", "0x1F", "1_000", "1:20", "2001-12-14", ".inf", "+Inf",
			"yes", "No", "ON", "y", "~", "null", "true", "<<"}, `- "1"
- "-1"
- "1.5"
- "1e3"
- "0x1F"
- "1_000"
- "1:20"
- "2001-12-14"
- ".inf"
- "+Inf"
- "yes"
- "No"
- "ON"
- "y"
- "~"
- "null"
- "true"
- "<<"
`},
		{"single-quoted", []any{"{{ $value }} left", "- x", ": x", "a: b", "a #b", "a:", " lead", "trail ", "'it's'", "#", "-", "@x", "`x`", "%x", ".x", "é\u00a0é"},
			`- '{{ $value }} left'
- '- x'
- ': x'
- 'a: b'
- 'a #b'
- 'a:'
- ' lead'
- 'trail '
- '''it''s'''
- '#'
- '-'
- '@x'
- '` + "`x`" + `'
- '%x'
- '.x'
- 'é` + "\u00a0" + `é'
`},
		{"double-quoted", []any{"tab\there", "cr\r", "nul\x00", "del\x7f", "nel\u0085", "ls\u2028", "bom\ufeff", "q\"\\\t", "trailing \nspace", "a\r\nb", "\n"},
			`- "tab\there"
- "cr\r"
- "nul\u0000"
- "del\u007F"
- "nel\u0085"
- "ls\u2028"
- "bom\uFEFF"
- "q\"\\\t"
- "trailing \nspace"
- "a\r\nb"
- |2+

`},
		{"literal blocks", map[string]any{
			"clip":   "a\nb\n",
			"strip":  "a\n\n  b",
			"keep":   "a\n\n",
			"indent": "  a\nb\n",
			"tab":    "\ta\n\tb",
			"list":   []any{"x\ny", map[string]any{"k": "1\n2\n"}},
		}, `clip: |
  a
  b
indent: |2
    a
  b
keep: |+
  a

list:
- |-
  x
  y
- k: |
    1
    2
strip: |-
  a

    b
tab: |2-
  	a
  	b
`},
		{"keys", map[string]any{"1": 1, "a b": 2, "": 3, "k: v": 4, "multi\nline": 5, strings.Repeat("k", 129): map[string]any{"x": 1}}, `"": 3
"1": 1
a b: 2
'k: v': 4
? ` + strings.Repeat("k", 129) + `
:
  x: 1
"multi\nline": 5
`},
		{"dashboard ConfigMap", map[string]any{"data": map[string]string{"d.json": dashboard}}, `data:
  d.json: |
    {
      "a": 1,
      "b": [
        "x"
      ]
    }
`},
		{"document scalar", "a\nb", "\"a\\nb\"\n"},
		{"document null", nil, "null\n"},
		{"document empty", map[string]any{}, "{}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("Marshal mismatch (-want +got):\n%s", diff)
			}
			j, _ := json.Marshal(tt.in)
			roundTrip(t, j)
		})
	}
}

// nasty are strings YAML gets wrong when they are not quoted right.
var nasty = []string{
	"", " ", "  ", "a b", " lead", "trail ", "x\t", ":", ": x", "a: b", "a:", "a:b", "#", "# x", "a #b", "a#b",
	"-", "- x", "-x", "--- x", "---", "...", "?", "? x", "?x", "*x", "&x", "!x", "!!str x", "|", "| x", ">", "> x",
	"%YAML", "@x", "`x`", "'", "'x'", `"x"`, "{a}", "[a]", "{{ x }}", ",", "=", "<<", "~", "y", "Y", "n", "N",
	"yes", "Yes", "YES", "no", "No", "on", "ON", "off", "Off", "true", "True", "FALSE", "null", "Null", "NULL",
	"0", "-0", "+1", "007", "0x1F", "0X1F", "0o17", "0b101", "0_x1", "1_000", "1:20", "-1:20", "190:20:30.15",
	"2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2002-12-14 ", ".inf", "-.inf",
	"+.INF", ".nan", ".NaN", "inf", "+inf", "-Infinity", "nan", "+nan", "1e3", "1E3", "1e+3", "-1.5e-3", ".5", "5.",
	"1.2.3", "5m", "30d", "1d", "0.5s", "12345678901234567890", "Größe", "日本語", "🎉", "é x", "\u00a0", "a\u00a0",
	"\u3000x", "\u200bx", "\ufeffx", "\ufffe", "\ue000", "\x00", "\x01", "\x1b[0m", "\x7f", "\u0085", "\u2028", "\u2029",
	"\r", "a\rb", "\r\n", "a\r\nb", "\t", "\ta", "a\tb", "\n", "\n\n", "a\n", "a\n\n", "a\n\n\n", "\na", "\n\na\n",
	"a\nb", "a\nb\n", " a\nb", "  a\n  b\n", "a\n b", "a \nb", "a\t\nb", "a\n ", "a\n\t", "a\n\n b\n", "\t\na",
	"\ta\nb", "\n  a\n", "\n\n  a", " \n a", "a\n---\nb", "a\n...\n", "a\n# c", "a\n- x\n", "a\n  key: v\n", "line\u2028line\n", "x\n\x00", "é\nü\n",
	"#!/bin/sh\necho hi\n", "{\n  \"a\": 1\n}\n", strings.Repeat("long ", 50), strings.Repeat("x", 1100),
	strings.Repeat("line\n", 300),
}

// TestRoundTrip: YAML written for nasty strings, as values and as keys,
// in mappings and sequences at several depths, reads back as the same
// value under yaml/v2 (sigs.k8s.io/yaml) and yaml/v3.
func TestRoundTrip(t *testing.T) {
	for _, s := range nasty {
		v := map[string]any{
			"v":   s,
			s:     []any{s, map[string]any{s: s, "n": []any{[]any{s}}}},
			"seq": []any{s, []any{s}},
		}
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, j)
		for _, doc := range []any{s, []any{s}} {
			j, _ := json.Marshal(doc)
			roundTrip(t, j)
		}
	}
	for _, n := range numbers {
		j, _ := json.Marshal(map[string]any{"n": n, "l": []any{n}})
		roundTrip(t, j)
	}
	for _, j := range []string{"1e400", "-1e999", `{"a":[1e400]}`} {
		if _, err := FromJSON([]byte(j)); err == nil {
			t.Errorf("FromJSON(%s): no error for a number yaml/v2 would read as a string", j)
		}
	}
}

// roundTrip checks that FromJSON(j) reads back as the value of j under
// both YAML parsers.
func roundTrip(t *testing.T, j []byte) {
	t.Helper()
	y, err := FromJSON(j)
	if err != nil {
		t.Fatalf("FromJSON(%s): %v", j, err)
	}
	if err := sameData(j, y); err != nil {
		t.Errorf("%v\nJSON: %s\nYAML:\n%s", err, j, y)
	}
}

// sameData reports how YAML y does not decode to the value of JSON j under
// sigs.k8s.io/yaml (yaml/v2, compared as JSON), yaml/v2 itself (string
// keys, no time.Time) and yaml/v3.
func sameData(j, y []byte) error {
	var want any
	if err := json.Unmarshal(j, &want); err != nil {
		return err
	}
	sj, err := yaml.YAMLToJSON(y)
	if err != nil {
		return fmt.Errorf("sigs.k8s.io/yaml: %v", err)
	}
	var sigs any
	if err := json.Unmarshal(sj, &sigs); err != nil {
		return fmt.Errorf("sigs.k8s.io/yaml: %v", err)
	}
	if err := equal(want, sigs); err != nil {
		return fmt.Errorf("sigs.k8s.io/yaml reads another value: %v", err)
	}
	for name, unmarshal := range map[string]func([]byte, any) error{"yaml/v2": yamlv2.Unmarshal, "yaml/v3": yamlv3.Unmarshal} {
		var got any
		if err := unmarshal(y, &got); err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		got, err := normalize(got)
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		if err := equal(want, got); err != nil {
			return fmt.Errorf("%s reads another value: %v", name, err)
		}
	}
	return nil
}

// equal compares decoded documents. Not with cmp.Diff: its time grows
// exponentially with the nesting of interfaces, and fuzzing nests deep.
func equal(want, got any) error {
	if reflect.DeepEqual(want, got) {
		return nil
	}
	w, _ := json.Marshal(want)
	g, _ := json.Marshal(got)
	return fmt.Errorf("\nwant %s\n got %s", w, g)
}

// normalize turns what a YAML parser decodes into what encoding/json
// decodes: maps with string keys (only), float64 numbers.
func normalize(v any) (any, error) {
	var err error
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if v[k], err = normalize(x); err != nil {
				return nil, err
			}
		}
		return v, nil
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			s, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("key %#v is a %T", k, k)
			}
			if m[s], err = normalize(x); err != nil {
				return nil, err
			}
		}
		return m, nil
	case []any:
		for i, x := range v {
			if v[i], err = normalize(x); err != nil {
				return nil, err
			}
		}
		return v, nil
	case int:
		return float64(v), nil
	case int64:
		return float64(v), nil
	case uint64:
		return float64(v), nil
	case float64, string, bool, nil:
		return v, nil
	}
	return nil, fmt.Errorf("%#v is a %T", v, v)
}

func FuzzFromJSON(f *testing.F) {
	for _, s := range nasty {
		j, _ := json.Marshal(map[string]any{s: []any{s}})
		f.Add(j)
	}
	f.Add([]byte{0x08, 0x03, 0x46, 0x09, 0x00, 0x01, 0x02, 0x04, 0x11})
	f.Fuzz(func(t *testing.T, data []byte) {
		// data as JSON text.
		if y, err := FromJSON(data); !json.Valid(data) {
			if err == nil {
				t.Errorf("FromJSON(%q): no error on invalid JSON", data)
			}
		} else if err != nil {
			// Only a number no float64 holds, which encoding/json
			// rejects too, may fail.
			var v any
			if json.Unmarshal(data, &v) == nil {
				t.Errorf("FromJSON(%q): %v", data, err)
			}
		} else if err := sameData(data, y); err != nil {
			t.Errorf("%v\nJSON: %s\nYAML:\n%s", err, data, y)
		}
		// data as the recipe of a value.
		j, err := json.Marshal(generate(data))
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, j)
		samePruned(t, j)
	})
}

// TestGoldenFiles: every YAML file the targets' golden tests hold is what
// FromJSON writes for its data, and that data is what the old emitter
// (sigs.k8s.io/yaml) writes for it, read by yaml/v2 or yaml/v3.
func TestGoldenFiles(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../../golden/*.yaml", "../../golden/*/*.yaml", "../../targets/*/testdata/*/*.yaml",
		"../../targets/*/testdata/*/*/*.yaml", "../../targets/*/testdata/*/*/*/*.yaml"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	if len(files) < 20 {
		t.Fatalf("only %d golden YAML files", len(files))
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			body := data
			for bytes.HasPrefix(body, []byte("#")) { // the generated-file header
				_, body, _ = bytes.Cut(body, []byte("\n"))
			}
			j, err := yaml.YAMLToJSON(body)
			if err != nil {
				t.Fatal(err)
			}
			got, err := FromJSON(j)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(body), string(got)); diff != "" {
				t.Errorf("not what FromJSON writes (-file +FromJSON):\n%s", diff)
			}
			old, err := yaml.JSONToYAML(j)
			if err != nil {
				t.Fatal(err)
			}
			for name, unmarshal := range map[string]func([]byte, any) error{"yaml/v2": yamlv2.Unmarshal, "yaml/v3": yamlv3.Unmarshal} {
				var was, is any
				if err := unmarshal(old, &was); err != nil {
					t.Fatalf("%s, old style: %v", name, err)
				}
				if err := unmarshal(body, &is); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !reflect.DeepEqual(was, is) {
					diff := cmp.Diff(was, is)
					t.Errorf("%s reads the old style and the new differently (-old +new):\n%s", name, diff)
				}
			}
		})
	}
}

// prunedOld is what FromJSONPruned replaces (targets/k8s did it): decode,
// drop nulls and empty maps and lists, encode, FromJSON.
func prunedOld(j []byte) ([]byte, error) {
	v, err := decodeNumbers(j)
	if err != nil {
		return nil, err
	}
	var prune func(v any) any
	prune = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if p := prune(x); p == nil {
					delete(v, k)
				} else {
					v[k] = p
				}
			}
			if len(v) == 0 {
				return nil
			}
		case []any:
			out := v[:0]
			for _, x := range v {
				if p := prune(x); p != nil {
					out = append(out, p)
				}
			}
			if len(out) == 0 {
				return nil
			}
			return out
		}
		return v
	}
	if v = prune(v); v == nil {
		return nil, ErrEmpty
	}
	if j, err = json.Marshal(v); err != nil {
		return nil, err
	}
	return FromJSON(j)
}

func samePruned(t *testing.T, j []byte) {
	t.Helper()
	want, werr := prunedOld(j)
	got, gerr := FromJSONPruned(j)
	if werr != nil || gerr != nil {
		if !errors.Is(werr, ErrEmpty) || !errors.Is(gerr, ErrEmpty) {
			t.Fatalf("FromJSONPruned(%s): error %v, want %v", j, gerr, werr)
		}
		return
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("FromJSONPruned(%s) mismatch (-want +got):\n%s", j, diff)
	}
}

func TestFromJSONPruned(t *testing.T) {
	for _, j := range []string{
		`null`, `{}`, `[]`, `{"a":null,"b":{},"c":[],"d":[null,{},[[]]],"e":{"f":{"g":null}}}`, `[null]`,
		`{"keep":{"s":"","n":0,"f":false,"l":[null,1,{}]},"drop":{"x":null}}`, `"s"`, `0`,
		`{"metadata":{"creationTimestamp":null,"name":"x"},"spec":{"selector":null,"template":{"spec":{"containers":null}}}}`,
	} {
		samePruned(t, []byte(j))
	}
	y, err := FromJSONPruned([]byte(`{"a":null,"b":{"c":[],"d":[{},1]},"e":""}`))
	if want := "b:\n  d:\n  - 1\ne: \"\"\n"; err != nil || string(y) != want {
		t.Errorf("FromJSONPruned = %q, %v; want %q", y, err, want)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		data := make([]byte, 64)
		for k := range data {
			data[k] = byte(r.IntN(256))
		}
		j, _ := json.Marshal(generate(data))
		samePruned(t, j)
	}
}

// TestBlock: Block writes exactly what FromJSON writes for the same string
// as a mapping value, and refuses what FromJSON would not write as a block.
func TestBlock(t *testing.T) {
	for _, s := range []string{
		"{\n  \"a\": 1\n}\n", "two\nlines", "  indented\nfirst\n", "ends\n\n", "\nstarts empty\n",
		"one line", "", "trailing space \nx\n", "tab\tinside\nok\n", "bell\a\n",
		"\n", "\n\n", "a\n", "trailing tab\t\nx", "last line ends in a tab\nx\t", "x\ny ",
		"long lines: 0123456789abcdef\n        0123456789\tabcdef\n", "ctrl late in a long line 0123456789\x01\nz\n",
		"nel\u0085\nx", "é and 日本\nok\n", "bad UTF-8 \xff\nx", "x\u2028y\nz", "bom\ufeff\nz", "del\x7f 01234567\nz",
		"true\nfalse", "~\n", "123\n456",
	} {
		checkBlock(t, s)
	}
}

// FuzzBlock checks Block against FromJSON.
func FuzzBlock(f *testing.F) {
	f.Add("{\n  \"a\": 1\n}\n")
	f.Add("two\n\tlines ")
	f.Fuzz(checkBlock)
}

// checkBlock checks that Block(s, col) is what FromJSON writes for s as
// the value of a key at column col-2, for a col up to 8 and one past. A
// string that is not UTF-8 (which JSON cannot carry) is never a block.
func checkBlock(t *testing.T, s string) {
	if !utf8.ValidString(s) {
		if _, ok := Block([]byte(s), 4); ok {
			t.Errorf("Block(%q) ok = true for a string that is not UTF-8", s)
		}
		return
	}
	for _, depth := range []int{1, 5} {
		var j, prefix []byte
		for d := range depth {
			j = append(j, `{"a":`...)
			prefix = append(append(prefix, strings.Repeat("  ", d)...), "a:\n"...)
		}
		k, err := json.Marshal(map[string]string{"k": s})
		if err != nil {
			t.Fatal(err)
		}
		j = append(append(j, k...), strings.Repeat("}", depth)...)
		full, err := FromJSON(j)
		if err != nil {
			t.Fatal(err)
		}
		prefix = append(append(prefix, strings.Repeat("  ", depth)...), "k: "...)
		col := 2*depth + 2
		got, ok := Block([]byte(s), col)
		want, isBlock := strings.CutPrefix(string(full), string(prefix))
		isBlock = isBlock && strings.HasPrefix(want, "|")
		if ok != isBlock {
			t.Errorf("Block(%q, %d) ok = %v, FromJSON wrote %q", s, col, ok, full)
			continue
		}
		if ok && string(got) != want {
			t.Errorf("Block(%q, %d) = %q, want %q", s, col, got, want)
		}
	}
}
