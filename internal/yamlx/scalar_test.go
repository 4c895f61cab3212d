package yamlx

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAppendStringKey: AppendKey and AppendString write a key and a
// string as FromJSON writes them, in a mapping nested in a sequence, for
// strings of every style, invalid UTF-8 and keys too long for a simple
// key included.
func TestAppendStringKey(t *testing.T) {
	more := []string{
		"two\nlines", "  lead\nblock\n", "ends\n\n", "bad \xff utf8 \xc3", "\xed\xa0\x80", "tab\tin\nblock",
		strings.Repeat("k", maxSimpleKey), strings.Repeat("k", maxSimpleKey+1), strings.Repeat("é", 100),
	}
	for _, s := range append(append([]string{}, nasty...), more...) {
		j, err := json.Marshal(map[string]any{"a": []map[string]string{{s: s}}})
		if err != nil {
			t.Fatal(err)
		}
		want, err := FromJSON(j)
		if err != nil {
			t.Fatal(err)
		}
		got := []byte("a:\n- ")
		got = AppendKey(got, s, 2)
		got = append(got, ' ')
		got = AppendString(got, s, 2)
		if string(got) != string(want) {
			t.Errorf("%q written as\n%s\nnot as FromJSON writes it:\n%s", s, got, want)
		}
	}
}
