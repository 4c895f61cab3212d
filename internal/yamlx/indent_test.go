package yamlx

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// indentOld is what IndentJSON replaces: targets/grafana's marshalJSON
// after json.Marshal, a round trip through encoding/json.
func indentOld(raw []byte) ([]byte, error) {
	v, err := decodeNumbers(raw)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeNumbers decodes one JSON value into generic values, numbers as
// json.Number.
func decodeNumbers(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// sameIndent checks IndentJSON(raw) against indentOld(raw), byte for byte;
// raw must be one valid JSON value.
func sameIndent(t *testing.T, raw []byte) {
	t.Helper()
	want, err := indentOld(raw)
	if err != nil {
		t.Fatalf("encoding/json: %v\ninput: %q", err, raw)
	}
	got, err := IndentJSON(raw)
	if err != nil {
		t.Fatalf("IndentJSON: %v\ninput: %q", err, raw)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("IndentJSON(%q):\n got %q\nwant %q", raw, got, want)
	}
}

type unsorted struct {
	Zeta  string            `json:"zeta"`
	Alpha int               `json:"alpha"`
	Mid   []any             `json:"mid,omitempty"`
	Map   map[string]string `json:"map,omitempty"`
	B     bool              `json:"B"`
}

// indentCases are values whose JSON the table tests print.
var indentCases = map[string]any{
	"null":      nil,
	"scalars":   []any{true, false, 0, -1, 1.5, 1e21, 1e-7, math.MaxInt64, uint64(math.MaxUint64), math.Copysign(0, -1), "s"},
	"empties":   map[string]any{"o": map[string]any{}, "a": []any{}, "s": "", "n": nil, "nested": []any{[]any{}, map[string]any{}}},
	"struct":    unsorted{Zeta: "z", Alpha: 1, Mid: []any{unsorted{}}, Map: map[string]string{"b": "1", "a": "2"}},
	"html":      map[string]string{"<key&>": `a < b && c > d`, "q": `"quoted" \ back\slash`},
	"controls":  "\x00\x01\b\f\n\r\t\x1f\x7f end",
	"separator": "line\u2028sep\u2029para",
	"invalid":   "bad \xff\xfe utf8 \xe2\x82",
	"unicode":   "Größe 日本語 🎉 \ufeff \ufffd",
	"keys":      map[string]any{"b": 1, "a": 2, "B": 3, "": 4, "é": 5, "a\u2028": 6, "10": 7, "9": 8},
	"deep":      map[string]any{"a": []any{map[string]any{"b": []any{[]any{1, map[string]any{"c": "d"}}}}}},
}

// indentRaw are JSON texts encoding/json would not write but may read.
var indentRaw = []string{
	`{"b":1,"a":2,"b":3}`, // duplicate keys: the last wins
	`{"z":1,"y":2,"x":3,"w":4,"v":5,"u":6,"t":7,"s":8,"r":9,"q":10,"p":11,"o":12,"n":13,"o":14,"n":15}`, // sort.Stable path
	` { "a" : [ 1 , 2 ] , "b" : { } , "c" : [ ] } ` + "\n",                                              // white space
	`[1E5, -0, 0.50, 1e+05, 12345678901234567890123, -1.0e-10]`,
	`"\u003cscript\u003e \/ \u00e9 \ud83c\udf89 \ud800 \udc00x \ud800\u0041 \uD83D\uDE00"`,
	`{"\u0061":1,"a":2}`,
	`"raw ` + "\u2028" + ` separator"`,
	"\"raw \xff invalid\"",
	`"\"\\\/\b\f\n\r\t"`,
}

func TestIndentJSON(t *testing.T) {
	for name, v := range indentCases {
		t.Run(name, func(t *testing.T) {
			raw, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			sameIndent(t, raw)
		})
	}
	for _, raw := range indentRaw {
		t.Run("raw", func(t *testing.T) { sameIndent(t, []byte(raw)) })
	}
	dashboards, _ := filepath.Glob("../../golden/*/dashboard.json")
	if len(dashboards) == 0 {
		t.Fatal("no golden dashboards")
	}
	for _, f := range dashboards {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, data); err != nil {
				t.Fatal(err)
			}
			sameIndent(t, compact.Bytes())
			got, err := IndentJSON(compact.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Errorf("IndentJSON does not reproduce %s", f)
			}
		})
	}
}

// TestIndentJSONInvalid: what encoding/json rejects is an error, never a
// panic.
func TestIndentJSONInvalid(t *testing.T) {
	for _, raw := range []string{
		"", " ", "{", "}", "[", "[1,]", "{,}", `{"a"}`, `{"a":}`, `{"a":1,}`, `{1:2}`, "nul", "tru", "falsey", "01", "-", "1.", ".5",
		"1e", "1e+", "+1", "0x10", `"abc`, `"\x"`, `"\u12"`, `"\u12g4"`, "\"a\x01b\"", "\"\\n\x01\"", `"\n`, "\"\\n\xff", `"\'"`, "1 2", "[1] x", "NaN",
		strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
	} {
		if json.Valid([]byte(raw)) {
			t.Fatalf("%q is valid JSON", raw)
		}
		if _, err := IndentJSON([]byte(raw)); err == nil {
			t.Errorf("IndentJSON(%q): no error", raw)
		}
		if _, err := FromJSON([]byte(raw)); err == nil {
			t.Errorf("FromJSON(%q): no error", raw)
		}
	}
	deep := []byte(strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth))
	if _, err := FromJSON(deep); err != nil {
		t.Errorf("FromJSON at the depth limit: %v", err)
	}
	sameIndent(t, deep[maxDepth-500:maxDepth+500]) // deeper takes seconds: the indentation is quadratic
}

func FuzzIndentJSON(f *testing.F) {
	for _, v := range indentCases {
		raw, err := json.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, raw := range indentRaw {
		f.Add([]byte(raw))
	}
	f.Add([]byte{0x03, 0x41, 0x9c, 0xff, 0x00, 0x12, 0x5c, 0x3c})
	f.Fuzz(func(t *testing.T, data []byte) {
		// data as JSON text: the same bytes when valid, an error if not.
		if json.Valid(data) {
			sameIndent(t, data)
		} else if _, err := IndentJSON(data); err == nil {
			t.Errorf("IndentJSON(%q): no error on invalid JSON", data)
		}
		// data as the recipe of a value, as json.Marshal writes it.
		raw, err := json.Marshal(generate(data))
		if err != nil {
			t.Fatal(err)
		}
		sameIndent(t, raw)
	})
}
