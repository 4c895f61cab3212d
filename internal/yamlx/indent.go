package yamlx

// IndentJSON re-prints a JSON document with its object keys sorted
// bytewise and two-space indentation, followed by a newline. The result is
// byte for byte what decoding raw with json.Decoder.UseNumber into an
// interface{} and encoding that with a json.Encoder with SetEscapeHTML(false)
// and SetIndent("", "  ") writes (see TestIndentJSON, FuzzIndentJSON):
// numbers keep their text, duplicate keys keep the last value, strings are
// re-escaped as encoding/json escapes them (so \u003c becomes <).
func IndentJSON(raw []byte) ([]byte, error) {
	t := getTree()
	defer putTree(t)
	root, err := t.parse(raw)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, t.size+t.size/8+16)
	out = t.indent(out, root, 0)
	return append(out, '\n'), nil
}

// newline appends a line break and depth levels of two-space indentation.
func newline(out []byte, depth int) []byte {
	return appendIndent(append(out, '\n'), 2*depth)
}

func (t *tree) indent(out []byte, n node, depth int) []byte {
	switch n.kind {
	case kindNull, kindFalse, kindTrue:
		return append(out, words[n.kind]...)
	case kindNumber:
		return append(out, t.text(n)...)
	case kindString:
		return t.appendJSONString(out, n)
	case kindObject:
		if n.n == 0 {
			return append(out, "{}"...)
		}
		out = append(out, '{')
		c := t.children(n)
		for i := 0; i < len(c); i += 2 {
			if i > 0 {
				out = append(out, ',')
			}
			out = newline(out, depth+1)
			out = t.appendJSONString(out, c[i])
			out = append(out, ':', ' ')
			out = t.indent(out, c[i+1], depth+1)
		}
		out = newline(out, depth)
		return append(out, '}')
	default: // kindArray
		if n.n == 0 {
			return append(out, "[]"...)
		}
		out = append(out, '[')
		for i, c := range t.children(n) {
			if i > 0 {
				out = append(out, ',')
			}
			out = newline(out, depth+1)
			out = t.indent(out, c, depth+1)
		}
		out = newline(out, depth)
		return append(out, ']')
	}
}

// appendJSONString writes a string node as encoding/json writes its
// decoded value with EscapeHTML off: its JSON text as it is when that is
// the same.
func (t *tree) appendJSONString(out []byte, n node) []byte {
	s := t.text(n)
	if n.flags&verbatim != 0 {
		out = append(out, '"')
		out = append(out, s...)
		return append(out, '"')
	}
	return appendQuoted(out, s, jsonQuoting)
}
