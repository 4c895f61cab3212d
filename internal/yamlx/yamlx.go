// Package yamlx renders YAML exactly as sigs.k8s.io/yaml does, faster.
//
// sigs.k8s.io/yaml.Marshal encodes a value as JSON, parses that JSON with
// the YAML parser of go.yaml.in/yaml/v2 (JSON is YAML) into maps, slices
// and scalars, and emits those with the same library. The YAML parser is
// the slow half: FromJSON builds the very same values with encoding/json's
// tokenizer, resolving numbers as the YAML parser resolves plain scalars,
// and leaves the emitting to yaml/v2, so the bytes are the same (see
// TestSameAsSigsYAML).
package yamlx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v2"
)

// Marshal is sigs.k8s.io/yaml.Marshal.
func Marshal(v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("error marshaling into JSON: %v", err)
	}
	y, err := FromJSON(j)
	if err != nil {
		return nil, fmt.Errorf("error converting JSON to YAML: %v", err)
	}
	return y, nil
}

// FromJSON is sigs.k8s.io/yaml.JSONToYAML for one JSON document.
func FromJSON(j []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("yamlx: trailing data after JSON document")
	}
	v, err := convert(raw)
	if err != nil {
		return nil, err
	}
	var lits []string
	if !bytes.Contains(j, []byte(placeholder)) {
		v = literals(v, &lits)
	}
	out, err := yaml.Marshal(v)
	if err != nil || len(lits) == 0 {
		return out, err
	}
	return splice(out, lits)
}

// convert turns what encoding/json decoded into what yaml/v2 decodes the
// same JSON to when unmarshalling into an interface{}:
// map[interface{}]interface{}, []interface{}, string, bool, nil, and int,
// int64, uint64 or float64.
func convert(v any) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[any]any, len(v))
		for k, x := range v {
			c, err := convert(x)
			if err != nil {
				return nil, err
			}
			m[k] = c
		}
		return m, nil
	case []any:
		for i, x := range v {
			c, err := convert(x)
			if err != nil {
				return nil, err
			}
			v[i] = c
		}
		return v, nil
	case json.Number:
		return number(string(v))
	default: // string, bool, nil
		return v, nil
	}
}

// Long multi-line strings (a dashboard in a ConfigMap) are emitted as
// literal block scalars, and yaml/v2 examines them byte by byte to decide
// so. When a string is plain enough that the outcome is certain (see
// literalSafe), it is emitted as a short placeholder of the same shape
// and its lines are spliced in afterwards, as yaml/v2 would have written
// them: each line behind the block's indentation.
const placeholder = "yamlx-literal-placeholder-"

const minLiteral = 1024

// literalSafe reports whether yaml/v2 writes s as a literal block scalar
// with clip chomping ("|") and no indentation indicator, each line as it
// is: s is printable ASCII, ends in exactly one newline, has no empty
// line, no line ending in a space, and does not start with a space.
func literalSafe(s string) bool {
	if len(s) < 2 || s[0] == ' ' || s[0] == '\n' || s[len(s)-1] != '\n' || s[len(s)-2] == '\n' || s[len(s)-2] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			if s[i-1] == ' ' || s[i-1] == '\n' {
				return false
			}
			continue
		}
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// literals replaces, in place, every long string literalSafe accepts by a
// placeholder naming its index in lits.
func literals(v any, lits *[]string) any {
	switch v := v.(type) {
	case map[any]any:
		for k, x := range v {
			v[k] = literals(x, lits)
		}
	case []any:
		for i, x := range v {
			v[i] = literals(x, lits)
		}
	case string:
		if len(v) >= minLiteral && literalSafe(v) {
			p := fmt.Sprintf("%s%d\n%s%d\n", placeholder, len(*lits), placeholder, len(*lits))
			*lits = append(*lits, v)
			return p
		}
	}
	return v
}

// splice puts the strings back in place of their placeholders.
func splice(out []byte, lits []string) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(out) + len(lits)*minLiteral*2)
	rest := out
	for i, lit := range lits {
		line := fmt.Sprintf("%s%d\n", placeholder, i)
		at := bytes.Index(rest, []byte(line))
		if at < 0 {
			return nil, fmt.Errorf("yamlx: internal error: placeholder %d not emitted", i)
		}
		start := bytes.LastIndexByte(rest[:at], '\n') + 1
		indent := rest[start:at]
		if len(bytes.Trim(indent, " ")) != 0 || !bytes.HasPrefix(rest[at+len(line):], append(append([]byte{}, indent...), line...)) {
			return nil, fmt.Errorf("yamlx: internal error: placeholder %d not emitted as a literal block", i)
		}
		b.Write(rest[:start])
		for len(lit) > 0 {
			l, after, _ := strings.Cut(lit, "\n")
			b.Write(indent)
			b.WriteString(l)
			b.WriteByte('\n')
			lit = after
		}
		rest = rest[at+len(line)+len(indent)+len(line):]
	}
	b.Write(rest)
	return b.Bytes(), nil
}

// value decodes the next JSON value into what yaml/v2 decodes it to when
// unmarshalling into an interface{}: map[interface{}]interface{},
// []interface{}, string, bool, nil, and int, uint64 or float64.
func value(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := map[any]any{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := value(dec)
				if err != nil {
					return nil, err
				}
				m[k.(string)] = v
			}
			_, err := dec.Token() // }
			return m, err
		case '[':
			s := []any{}
			for dec.More() {
				v, err := value(dec)
				if err != nil {
					return nil, err
				}
				s = append(s, v)
			}
			_, err := dec.Token() // ]
			return s, err
		}
		return nil, fmt.Errorf("yamlx: unexpected %v", t)
	case json.Number:
		return number(string(t))
	default: // string, bool, nil
		return t, nil
	}
}

// number resolves a JSON number as yaml/v2 resolves a plain scalar: an
// int when it fits, else a uint64, else a float64.
func number(s string) (any, error) {
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		if i == int64(int(i)) {
			return int(i), nil
		}
		return i, nil
	}
	if u, err := strconv.ParseUint(s, 0, 64); err == nil {
		return u, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("yamlx: bad number %q", s)
	}
	return f, nil
}
