package sealed

import (
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	body := []byte("format v1\nline two\n")
	data := Seal(append([]byte{}, body...))
	got, ok := Open(data)
	if !ok || string(got) != string(body) {
		t.Fatalf("Open(Seal(body)) = %q, %v; want the body", got, ok)
	}
	for name, bad := range map[string][]byte{
		"empty":           nil,
		"truncated":       data[:len(data)-10],
		"no newline":      data[:len(data)-1],
		"a byte changed":  append([]byte("f"+"X"), data[2:]...),
		"body only":       body,
		"one line":        []byte("end 00\n"),
		"a line appended": append(append([]byte{}, data...), "more\n"...),
	} {
		if _, ok := Open(bad); ok {
			t.Errorf("%s: Open() accepted it", name)
		}
	}
}

// TestWriter: a Writer writes what Seal returns for the same body, in
// whatever pieces it is given.
func TestWriter(t *testing.T) {
	body := "format v1\nline two\nline three\n"
	var b strings.Builder
	w := NewWriter(&b)
	for _, piece := range []string{"format v1\nli", "", "ne two\n", "line three\n"} {
		if _, err := w.Write([]byte(piece)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if want := string(Seal([]byte(body))); b.String() != want {
		t.Errorf("Writer wrote %q, want %q", b.String(), want)
	}
	if got, ok := Open([]byte(b.String())); !ok || string(got) != body {
		t.Errorf("Open() = %q, %v", got, ok)
	}
}
