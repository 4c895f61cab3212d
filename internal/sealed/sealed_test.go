package sealed

import "testing"

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
