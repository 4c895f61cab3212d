package grafana

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/targets"
)

// compactRef is what compactJSON must return: json.Compact and a newline.
func compactRef(t *testing.T, pretty []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, pretty); err != nil {
		t.Fatalf("json.Compact: %v", err)
	}
	return b.String() + "\n"
}

func TestCompactJSON(t *testing.T) {
	defer func(on bool) { targets.SelfCheck = on }(targets.SelfCheck)
	targets.SelfCheck = false // compactJSON alone, against json.Compact here
	values := map[string]any{
		"a key: with a colon": `a value": {"with": "JSON", "in": ["it"]}`,
		"escapes":             "quote \" backslash \\ \"\\\" newline \n tab \t end\\",
		"spaces":              "  leading, inner   and trailing  ",
		"unicode":             "µ ≤ 0.5s — \u2028 \u00e9 😀",
		"html":                `rate(x[5m]) > 0 && y < 1`,
		"empty":               "",
		"nested": map[string]any{
			"list":   []any{1, 2.5, -3e-7, true, false, nil, "x", []any{}, map[string]any{}},
			"object": map[string]any{"k": "v"},
		},
	}
	for _, indent := range []string{"", "  ", "\t", "    "} {
		pretty, err := json.MarshalIndent(values, "", indent)
		if err != nil {
			t.Fatal(err)
		}
		got, err := compactJSON(pretty)
		if err != nil {
			t.Fatalf("indent %q: %v", indent, err)
		}
		if diff := cmp.Diff(compactRef(t, pretty), string(got)); diff != "" {
			t.Errorf("indent %q: compactJSON differs from json.Compact (-want +got):\n%s", indent, diff)
		}
	}
	// and every dashboard of the fixtures, as marshalJSON prints them
	for name, m := range map[string]func() []byte{
		"seed":   func() []byte { _, data := renderDashboard(t, seedModule()); return data },
		"orders": func() []byte { _, data := renderDashboard(t, ordersModule()); return data },
	} {
		pretty := m()
		got, err := compactJSON(pretty)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := compactRef(t, pretty); string(got) != want {
			t.Errorf("%s: compactJSON differs from json.Compact:\n%s", name, cmp.Diff(want, string(got)))
		}
	}
}

func TestCompactJSONUnterminated(t *testing.T) {
	for _, in := range []string{`{"a": "b`, `{"a": "b\`, `["\"`} {
		if got, err := compactJSON([]byte(in)); err == nil || !strings.Contains(err.Error(), "ends inside a string") {
			t.Errorf("compactJSON(%q) = %q, %v; want an error", in, got, err)
		}
	}
}

func BenchmarkCompactJSON(b *testing.B) {
	fs, err := Render(ordersModule())
	if err != nil {
		b.Fatal(err)
	}
	pretty := fs[ordersModule().Name+"/"+DashboardFile]
	defer func(on bool) { targets.SelfCheck = on }(targets.SelfCheck)
	targets.SelfCheck = false
	b.SetBytes(int64(len(pretty)))
	for b.Loop() {
		if _, err := compactJSON(pretty); err != nil {
			b.Fatal(err)
		}
	}
}
