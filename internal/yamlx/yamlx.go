// Package yamlx prints JSON documents as YAML, and as indented JSON, fast.
//
// Marshal encodes a value with encoding/json, as sigs.k8s.io/yaml does;
// FromJSON parses that JSON into a compact tree and writes YAML straight
// from it, in obsc's own style, one that both YAML parsers obsc's output
// meets read back as the very same value: go.yaml.in/yaml/v2 (YAML 1.1,
// inside sigs.k8s.io/yaml and so Kubernetes tooling) and go.yaml.in/yaml/v3
// (YAML 1.2, Prometheus' rulefmt and promtool). TestRoundTrip and
// FuzzFromJSON check that under both.
//
// The style, close to what yaml/v2 wrote before, minus its line folding:
//
//   - Block style, two-space indentation. Mapping keys sorted bytewise.
//     A sequence inside a mapping is written at its key's indentation
//     ("key:\n- a"); a mapping or sequence inside a sequence starts on the
//     line of its "- ". Empty containers are {} and [].
//   - null, true, false; numbers as their JSON text (an integer, or a float
//     that both parsers read with strconv.ParseFloat; a number that does not
//     fit a float64 is an error rather than a string).
//   - A string is plain when that is certainly read back as that string by
//     both parsers: it is one line of printable ASCII and Unicode letters,
//     marks, numbers, punctuation and symbols, with spaces inside only; it
//     starts with an ASCII letter or digit, one of _ / ( $ \ or a non-ASCII
//     character; it has no ": ", " #", trailing ":" nor tab; and it does
//     not look like anything YAML 1.1 or 1.2 resolves to another type:
//     null, ~, y/n/yes/no/on/off/true/false in any case, <<, and strings
//     that start with a digit, sign or dot and either consist of digits and
//     "_.+-:eEtTzZ " only (numbers, base-60 numbers, timestamps) or spell a
//     0x/0o/0b number, an infinity or a NaN. Those look-alikes, and the
//     empty string, are double-quoted ("1", "yes", ""), as yaml/v2 did.
//   - Any other one-line string of printable characters (no tab) is
//     single-quoted, ' doubled.
//   - A string with line breaks is a literal block scalar when every
//     character is printable (tabs allowed) and no line ends in a space or
//     a tab: "|" when it ends in one newline, "|-" in none, "|+" in more;
//     with the indentation indicator 2 ("|2-") when it starts with a space,
//     a tab or a newline. Its lines are indented two spaces past the key
//     or "- " that owns it; empty lines are empty. Mapping keys and a
//     string that is the whole document are never block scalars.
//   - Everything else is double-quoted, escaping \" \\ \n \t \r and, as
//     \uXXXX, every other control character, DEL, C1 controls, U+2028,
//     U+2029, U+FEFF, U+FFFE and U+FFFF.
//   - No line is ever folded, however long.
//   - A key longer than 128 bytes is written as an explicit key ("? key"
//     then ": value"): YAML parsers reject simple keys over 1024
//     characters.
//
// FromJSONPruned drops nulls and empty objects and arrays first, which
// Kubernetes objects are full of. IndentJSON re-prints JSON with sorted
// keys and two-space indentation, byte for byte as a round trip through
// encoding/json would.
package yamlx

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Marshal encodes v as JSON, with encoding/json, and that as YAML.
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

// FromJSON converts one JSON document to YAML in the package's style.
func FromJSON(j []byte) ([]byte, error) {
	return fromJSON(j, false)
}

// ErrEmpty is FromJSONPruned's error for a document of which nothing is
// left.
var ErrEmpty = errors.New("yamlx: nothing left of the document once pruned")

// FromJSONPruned is FromJSON after dropping every null and every empty
// object or array, recursively: a member or element left empty goes too.
func FromJSONPruned(j []byte) ([]byte, error) {
	return fromJSON(j, true)
}

func fromJSON(j []byte, prune bool) ([]byte, error) {
	t := getTree()
	defer putTree(t)
	root, err := t.parse(j)
	if err != nil {
		return nil, err
	}
	if prune {
		var ok bool
		if root, ok = t.prune(root); !ok {
			return nil, ErrEmpty
		}
	}
	e := emitter{t: t}
	out := make([]byte, 0, t.size+t.size/8+16)
	switch {
	case root.kind == kindObject && root.n > 0:
		out = e.mapping(out, root, 0)
	case root.kind == kindArray && root.n > 0:
		out = e.sequence(out, root, 0)
	default:
		out = e.scalar(out, root, -1)
	}
	if e.err != nil {
		return nil, e.err
	}
	return out, nil
}

// An emitter writes a tree as YAML. Its methods append to and return the
// output rather than keep it: a slice in a local variable is updated
// without the write barriers a field behind a pointer costs.
type emitter struct {
	t   *tree
	err error
}

const spaces = "                                                                "

// appendIndent appends n spaces.
func appendIndent(out []byte, n int) []byte {
	for ; n > 0; n -= len(spaces) {
		out = append(out, spaces[:min(n, len(spaces))]...)
	}
	return out
}

// maxSimpleKey is the longest key written as a simple key (yaml/v2's
// limit for them too).
const maxSimpleKey = 128

// mapping writes a non-empty object whose first key goes where the output
// is; the others, and the keys of nested objects, are indented by col.
func (e *emitter) mapping(out []byte, obj node, col int) []byte {
	c := e.t.children(obj)
	for i := 0; i < len(c); i += 2 {
		if i > 0 {
			out = appendIndent(out, col)
		}
		k, v := c[i], c[i+1]
		out = appendKey(out, e.t.text(k), col)
		switch {
		case v.kind == kindObject && v.n > 0:
			out = append(out, '\n')
			out = appendIndent(out, col+2)
			out = e.mapping(out, v, col+2)
		case v.kind == kindArray && v.n > 0:
			out = append(out, '\n')
			out = appendIndent(out, col)
			out = e.sequence(out, v, col)
		default:
			out = append(out, ' ')
			out = e.scalar(out, v, col)
		}
	}
	return out
}

// sequence writes a non-empty array whose first "- " goes where the output
// is; the others are indented by col.
func (e *emitter) sequence(out []byte, arr node, col int) []byte {
	for i, v := range e.t.children(arr) {
		if i > 0 {
			out = appendIndent(out, col)
		}
		out = append(out, '-', ' ')
		switch {
		case v.kind == kindObject && v.n > 0:
			out = e.mapping(out, v, col+2)
		case v.kind == kindArray && v.n > 0:
			out = e.sequence(out, v, col+2)
		default:
			out = e.scalar(out, v, col)
		}
	}
	return out
}

// scalar writes a scalar or an empty container and a newline; a block
// scalar's lines are indented by col+2. col is -1 for the whole document.
func (e *emitter) scalar(out []byte, v node, col int) []byte {
	switch v.kind {
	case kindNull, kindFalse, kindTrue:
		out = append(out, words[v.kind]...)
		return append(out, '\n')
	case kindObject:
		return append(out, "{}\n"...)
	case kindArray:
		return append(out, "[]\n"...)
	case kindNumber:
		// Both parsers read a JSON number as an int64, a uint64 or, with
		// strconv.ParseFloat, a float64; yaml/v2 reads it as a string
		// when ParseFloat fails, which only an exponent or some 309
		// digits make it do (it rounds underflows to zero).
		num := e.t.text(v)
		if len(num) > 300 || bytes.ContainsAny(num, "eE") {
			if _, err := strconv.ParseFloat(string(num), 64); err != nil && e.err == nil {
				e.err = fmt.Errorf("yamlx: number %s does not fit a float64", num)
			}
		}
		out = append(out, num...)
		return append(out, '\n')
	}
	out, block := appendStr(out, e.t.text(v), col, col >= 0)
	if !block {
		out = append(out, '\n')
	}
	return out
}

// appendKey writes a mapping key at column col and its colon: a simple
// key, or an explicit one ("? key", then ":" on the next line) when it is
// too long for a simple key.
func appendKey(out, k []byte, col int) []byte {
	if len(k) > maxSimpleKey {
		out = append(out, '?', ' ')
		out, _ = appendStr(out, k, col, false)
		out = append(out, '\n')
		out = appendIndent(out, col)
	} else {
		out, _ = appendStr(out, k, col, false)
	}
	return append(out, ':')
}

// appendStr writes a string in the style chooseStyle picks; only a block
// scalar ends its line, and then appendStr returns true.
func appendStr(out, s []byte, col int, blockOK bool) ([]byte, bool) {
	return appendStyled(out, s, col, chooseStyle(s, blockOK))
}

// appendStyled writes a string in style st, as appendStr does.
func appendStyled(out, s []byte, col int, st style) ([]byte, bool) {
	switch st {
	case stylePlain:
		return append(out, s...), false
	case styleSingle:
		return appendSingle(out, s), false
	case styleLiteral:
		return appendLiteral(out, s, col+2), true
	}
	return appendQuoted(out, s, yamlQuoting), false
}

// appendLiteral writes s as a literal block scalar, its lines indented by
// col.
func appendLiteral(out, s []byte, col int) []byte {
	out, _ = appendLines(out, s, col, false)
	return out
}

// appendLines writes s as a literal block scalar, its lines indented by
// col. It grows out once, to what the block takes at most, and copies s
// a line at a time. With check set it checks each line with blockable as
// it goes, which is chooseStyle's check that s is blockable without a pass
// of its own, and returns nil and false at a line a block cannot hold,
// having overwritten bytes in the capacity of out past its length.
func appendLines(out, s []byte, col int, check bool) ([]byte, bool) {
	out = slices.Grow(out, BlockLen(s, col))
	out = append(out, '|')
	if s[0] == ' ' || s[0] == '\t' || s[0] == '\n' {
		out = append(out, '2')
	}
	switch n := len(s); {
	case s[n-1] != '\n':
		out = append(out, '-')
	case n == 1 || s[n-2] == '\n':
		out = append(out, '+')
	}
	out = append(out, '\n')
	w := len(out)
	out = out[:cap(out)]
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n')
		if i < 0 {
			i = len(s) // the last line, with no newline; one is written
		}
		if i > 0 {
			line := s[:i]
			if check && !asciiLine(line) && !blockable(line) {
				return nil, false
			}
			if col <= 8 {
				// Eight spaces in one store, the line overwriting
				// those past col (BlockLen leaves room for them).
				binary.LittleEndian.PutUint64(out[w:], ones*' ')
				w += col
			} else {
				w = len(appendIndent(out[:w], col))
			}
			w += copy(out[w:], line)
		}
		out[w] = '\n'
		w++
		s = s[min(i+1, len(s)):]
	}
	return out[:w], true
}

// asciiLine reports whether line is at least 8 bytes of printable ASCII
// that do not end in a space: most lines of a block, which blockable
// accepts, checked 8 bytes at a time, the last 8 whatever the length.
func asciiLine(line []byte) bool {
	n := len(line)
	if n < 8 || line[n-1] == ' ' {
		return false
	}
	for i := 0; i < n-8; i += 8 {
		if !printable8(binary.LittleEndian.Uint64(line[i:])) {
			return false
		}
	}
	return printable8(binary.LittleEndian.Uint64(line[n-8:]))
}

var newlineSep = []byte{'\n'}

// Block returns s as FromJSON writes it as the value of a mapping key at
// column col-2 — a literal block scalar, lines indented by col, ending in
// a newline — and true; or false when FromJSON would not write s as a
// block (it is one line, or has a character or a line end a block cannot
// carry). It lets a caller place a long text, such as a dashboard in a
// ConfigMap, without a JSON round trip of it.
func Block(s []byte, col int) ([]byte, bool) {
	return AppendBlock(nil, s, col)
}

// BlockLen is at least the length of the block Block returns for s, so
// that a caller can size a buffer for AppendBlock and what follows.
func BlockLen(s []byte, col int) int {
	// The header is at most 4 bytes ("|2+\n"); each of the at most
	// Count+1 lines takes col more than it does in s, and a newline when
	// the last one has none; appendLines needs 8 bytes of room past the
	// end, as it writes a line's indentation 8 bytes at once.
	return 4 + len(s) + (bytes.Count(s, newlineSep)+1)*col + 1 + 8
}

// AppendBlock is Block appending the block to dst; it returns dst as it is
// and false when s is no block.
//
// It checks what chooseStyle(s, true) does for a literal, but the lines
// as it writes them (see appendLines).
func AppendBlock(dst, s []byte, col int) ([]byte, bool) {
	if len(s) == 0 || resolvesAsNonString(s) || bytes.IndexByte(s, '\n') < 0 {
		return dst, false
	}
	out, ok := appendLines(dst, s, col, true)
	if !ok {
		return dst, false
	}
	return out, true
}
