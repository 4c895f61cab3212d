package grafana

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/tinysystems/obsc/targets"
)

// compactJSON is the indented JSON pretty with every byte of whitespace
// between tokens dropped, and a trailing newline: what json.Compact makes
// of it, plus the newline. It is the dashboard the ConfigMap carries (see
// configMap): pretty is JSON this package printed, so it only has to
// tell strings, copied whole, from the whitespace around them, which it
// does a run at a time instead of a byte at a time through json.Compact's
// full scanner. Under targets.SelfCheck the result is compared with
// json.Compact's.
func compactJSON(pretty []byte) ([]byte, error) {
	out := make([]byte, 0, len(pretty)*2/3)
	s := pretty
	for len(s) > 0 {
		// Outside a string: keep the structural bytes up to the next
		// string, drop the whitespace.
		q := bytes.IndexByte(s, '"')
		if q < 0 {
			q = len(s)
		}
		for _, c := range s[:q] {
			if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
				out = append(out, c)
			}
		}
		s = s[q:]
		if len(s) == 0 {
			break
		}
		// A string, from its opening quote to its closing one.
		end := 1
		for {
			i := bytes.IndexAny(s[end:], "\"\\")
			if i < 0 {
				return nil, errors.New("internal error: the dashboard JSON ends inside a string")
			}
			end += i
			if s[end] == '"' {
				end++
				break
			}
			end += 2 // a backslash and the byte it escapes
			if end > len(s) {
				return nil, errors.New("internal error: the dashboard JSON ends inside a string")
			}
		}
		out = append(out, s[:end]...)
		s = s[end:]
	}
	out = append(out, '\n')
	if targets.SelfCheck {
		var want bytes.Buffer
		if err := json.Compact(&want, pretty); err != nil {
			return nil, err
		}
		want.WriteByte('\n')
		if !bytes.Equal(out, want.Bytes()) {
			return nil, errors.New("internal error: the compacted dashboard differs from json.Compact's")
		}
	}
	return out, nil
}
