package yamlx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// A tree is one JSON document, parsed: every value is a node; the
// children of an object (key, value, key, value, …, keys sorted bytewise,
// duplicates dropped as encoding/json drops them: the last one wins) or of
// an array are consecutive in nodes. Scalars keep their text: a number its
// JSON text, a string its decoded bytes, a slice of the input when the
// JSON text had no escape, else of buf.
//
// Trees are pooled; a parse allocates nothing once the pool is warm.
type tree struct {
	in    []byte
	pos   int
	nodes []node
	stack []node // children of the containers being parsed
	buf   []byte // decoded strings that had escapes
	// size estimates the indented output: the input plus, for every
	// value, its indentation, a line break and a separator.
	size int
}

type kind uint8

const (
	kindNull kind = iota
	kindFalse
	kindTrue
	kindNumber
	kindString
	kindObject
	kindArray
)

// words are the literals, JSON's and YAML's alike.
var words = [...]string{kindNull: "null", kindFalse: "false", kindTrue: "true"}

const (
	// inBuf: the node's text is in tree.buf, not in the input.
	inBuf uint8 = 1 << iota
	// verbatim: the string's JSON text (between the quotes) is what
	// encoding/json writes for its decoded value with EscapeHTML off: no
	// escape, valid UTF-8, no U+2028 or U+2029.
	verbatim
)

type node struct {
	kind  kind
	flags uint8
	off   int32 // scalar: offset of its text; container: index in nodes of its first child
	n     int32 // scalar: length of its text; object: members; array: elements
}

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

var treePool = sync.Pool{New: func() any { return new(tree) }}

func getTree() *tree { return treePool.Get().(*tree) }

func putTree(t *tree) {
	if cap(t.nodes) > 1<<20 || cap(t.buf) > 16<<20 {
		return // do not keep an outsized document's buffers alive
	}
	t.in = nil
	t.nodes, t.stack, t.buf = t.nodes[:0], t.stack[:0], t.buf[:0]
	treePool.Put(t)
}

// A syntaxError is JSON that encoding/json would not accept.
type syntaxError struct {
	msg string
	at  int
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("yamlx: invalid JSON at offset %d: %s", e.at, e.msg)
}

func (t *tree) fail(msg string) error { return &syntaxError{msg, t.pos} }

var errTooDeep = errors.New("yamlx: JSON nested too deep")

// parse parses in, which must be exactly one JSON value, optionally
// surrounded by white space.
func (t *tree) parse(in []byte) (node, error) {
	if len(in) > math.MaxInt32/4 { // offsets are int32; decoding can triple a string
		return node{}, errors.New("yamlx: JSON document too large")
	}
	t.in, t.pos, t.size = in, 0, len(in)
	t.nodes, t.stack, t.buf = t.nodes[:0], t.stack[:0], t.buf[:0]
	v, err := t.value(0)
	if err != nil {
		return node{}, err
	}
	t.space()
	if t.pos != len(in) {
		return node{}, t.fail("data after the top-level value")
	}
	return v, nil
}

// text is a scalar's text.
func (t *tree) text(n node) []byte {
	if n.flags&inBuf != 0 {
		return t.buf[n.off : n.off+n.n]
	}
	return t.in[n.off : n.off+n.n]
}

// children are a container's children: 2×n for an object.
func (t *tree) children(n node) []node {
	c := int(n.n)
	if n.kind == kindObject {
		c *= 2
	}
	return t.nodes[n.off : int(n.off)+c]
}

func (t *tree) space() {
	for t.pos < len(t.in) {
		switch t.in[t.pos] {
		case ' ', '\t', '\n', '\r':
			t.pos++
		default:
			return
		}
	}
}

func (t *tree) value(depth int) (node, error) {
	t.space()
	if t.pos >= len(t.in) {
		return node{}, t.fail("unexpected end of input")
	}
	t.size += 2*depth + 3
	switch c := t.in[t.pos]; c {
	case '{':
		return t.container(kindObject, depth+1)
	case '[':
		return t.container(kindArray, depth+1)
	case '"':
		return t.string()
	case 't':
		return t.literal(kindTrue)
	case 'f':
		return t.literal(kindFalse)
	case 'n':
		return t.literal(kindNull)
	default:
		if c == '-' || c >= '0' && c <= '9' {
			return t.number()
		}
		return node{}, t.fail(fmt.Sprintf("unexpected %q", c))
	}
}

func (t *tree) literal(k kind) (node, error) {
	word := words[k]
	if len(t.in)-t.pos < len(word) || string(t.in[t.pos:t.pos+len(word)]) != word {
		return node{}, t.fail("invalid literal")
	}
	t.pos += len(word)
	return node{kind: k}, nil
}

func (t *tree) number() (node, error) {
	start := t.pos
	in := t.in
	i := t.pos
	if in[i] == '-' {
		i++
	}
	digits := func() int {
		s := i
		for i < len(in) && in[i] >= '0' && in[i] <= '9' {
			i++
		}
		return i - s
	}
	switch {
	case i < len(in) && in[i] == '0':
		i++
	case digits() == 0:
		t.pos = i
		return node{}, t.fail("invalid number")
	}
	if i < len(in) && in[i] == '.' {
		i++
		if digits() == 0 {
			t.pos = i
			return node{}, t.fail("invalid number")
		}
	}
	if i < len(in) && (in[i] == 'e' || in[i] == 'E') {
		i++
		if i < len(in) && (in[i] == '+' || in[i] == '-') {
			i++
		}
		if digits() == 0 {
			t.pos = i
			return node{}, t.fail("invalid number")
		}
	}
	t.pos = i
	return node{kind: kindNumber, off: int32(start), n: int32(i - start)}, nil
}

// string parses a JSON string and decodes it as encoding/json does:
// invalid UTF-8 and unpaired surrogates become U+FFFD.
func (t *tree) string() (node, error) {
	in := t.in
	start := t.pos + 1
	i := start
	flags := verbatim
	for {
		for i+8 <= len(in) && asIs8(binary.LittleEndian.Uint64(in[i:])) {
			i += 8
		}
		for i < len(in) && asIs[in[i]] {
			i++
		}
		if i >= len(in) {
			t.pos = i
			return node{}, t.fail("unterminated string")
		}
		c := in[i]
		if c == '"' {
			t.pos = i + 1
			return node{kind: kindString, flags: flags, off: int32(start), n: int32(i - start)}, nil
		}
		if c == '\\' {
			break
		}
		if c < ' ' {
			t.pos = i
			return node{}, t.fail("control character in string")
		}
		r, size := utf8.DecodeRune(in[i:]) // c >= utf8.RuneSelf
		if r == utf8.RuneError && size == 1 {
			break // to be coerced to valid UTF-8
		}
		if r == '\u2028' || r == '\u2029' {
			flags = 0
		}
		i += size
	}
	// The slow way: decode into buf.
	off := len(t.buf)
	buf, end, msg := unquote(append(t.buf, in[start:i]...), in, i)
	t.buf, t.pos = buf, end
	if msg != "" {
		return node{}, t.fail(msg)
	}
	return node{kind: kindString, flags: inBuf, off: int32(off), n: int32(len(buf) - off)}, nil
}

// unquote decodes the rest of a JSON string, from in[i] to its closing
// quote, onto buf, as encoding/json does: invalid UTF-8 and unpaired
// surrogates become U+FFFD. It returns the offset past the quote, or of
// the error msg explains.
func unquote(buf, in []byte, i int) (_ []byte, end int, msg string) {
	// The string decodes to at most what is left of in, bar U+FFFD for
	// invalid bytes, which writeRune makes room for: write into b, past w.
	b := slices.Grow(buf, len(in)-i+8)
	b, w := b[:cap(b)], len(buf)
	for {
		for i+8 <= len(in) { // eight bytes at a time
			x := binary.LittleEndian.Uint64(in[i:])
			if !asIs8(x) {
				break
			}
			binary.LittleEndian.PutUint64(b[w:], x)
			i, w = i+8, w+8
		}
		for i < len(in) && asIs[in[i]] {
			b[w] = in[i]
			i, w = i+1, w+1
		}
		if i >= len(in) {
			return b[:w], i, "unterminated string"
		}
		switch c := in[i]; {
		case c == '"':
			return b[:w], i + 1, ""
		case c == '\\':
			if i+1 >= len(in) {
				return b[:w], i, "unterminated string"
			}
			if d := unescape[in[i+1]]; d != 0 {
				b[w] = d
				i, w = i+2, w+1
				continue
			}
			if in[i+1] != 'u' {
				return b[:w], i, "invalid escape"
			}
			r := hex4(in[i+2:])
			if r < 0 {
				return b[:w], i, "invalid \\u escape"
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if d := utf16.DecodeRune(r, u4(in[i:])); d != utf8.RuneError {
					i += 6
					r = d
				} else {
					r = utf8.RuneError
				}
			}
			b, w = writeRune(b, w, r)
		case c < ' ':
			return b[:w], i, "control character in string"
		default:
			r, size := utf8.DecodeRune(in[i:])
			b, w = writeRune(b, w, r)
			i += size
		}
	}
}

// writeRune writes r into b at w, growing b when the rune (up to four
// bytes) and eight bytes more do not fit.
func writeRune(b []byte, w int, r rune) ([]byte, int) {
	if w+utf8.UTFMax+8 > len(b) {
		b = slices.Grow(b[:w], len(b))
		b = b[:cap(b)]
	}
	return b, w + utf8.EncodeRune(b[w:], r)
}

// unescape are the one-character JSON escapes, decoded.
var unescape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// printable8 reports whether all eight bytes of x are printable ASCII,
// 0x20 to 0x7e.
func printable8(x uint64) bool {
	return ((x-ones*0x20)&^x|(x+ones)|x)&highs == 0
}

// asIs8 reports whether all eight bytes of x are asIs: printable ASCII
// but " and \.
func asIs8(x uint64) bool {
	q, bs := x^(ones*'"'), x^(ones*'\\')
	return printable8(x) && ((q-ones)&^q|(bs-ones)&^bs)&highs == 0
}

// asIs are the bytes a JSON string holds as they are and encoding/json
// writes as they are: ASCII from the space on, but for " and \.
var asIs = func() (set [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		set[c] = c != '"' && c != '\\'
	}
	return set
}()

// hex4 decodes four hex digits, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// u4 decodes a \uXXXX escape, or returns -1.
func u4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	return hex4(b[2:])
}

// container parses an object or an array. Its children go on the stack
// as they are parsed, and to nodes, together, once it is closed.
func (t *tree) container(k kind, depth int) (node, error) {
	if depth > maxDepth {
		return node{}, errTooDeep
	}
	end := byte(']')
	if k == kindObject {
		end = '}'
	}
	t.pos++ // { or [
	mark := len(t.stack)
	t.space()
	if t.pos < len(t.in) && t.in[t.pos] == end {
		t.pos++
		return node{kind: k, off: int32(len(t.nodes))}, nil
	}
	for {
		if k == kindObject {
			key, err := t.key()
			if err != nil {
				return node{}, err
			}
			t.stack = append(t.stack, key)
		}
		v, err := t.value(depth)
		if err != nil {
			return node{}, err
		}
		t.stack = append(t.stack, v)
		t.space()
		if t.pos < len(t.in) && t.in[t.pos] == ',' {
			t.pos++
			continue
		}
		if t.pos >= len(t.in) || t.in[t.pos] != end {
			return node{}, t.fail("expected ',' or '" + string(end) + "'")
		}
		t.pos++
		children, n := t.stack[mark:], len(t.stack)-mark
		if k == kindObject {
			children = t.sortMembers(children)
			n = len(children) / 2
		}
		first := len(t.nodes)
		t.nodes = append(t.nodes, children...)
		t.stack = t.stack[:mark]
		return node{kind: k, off: int32(first), n: int32(n)}, nil
	}
}

// key parses an object member's key and the colon after it.
func (t *tree) key() (node, error) {
	t.space()
	if t.pos >= len(t.in) || t.in[t.pos] != '"' {
		return node{}, t.fail("expected a string key")
	}
	k, err := t.string()
	if err != nil {
		return node{}, err
	}
	t.space()
	if t.pos >= len(t.in) || t.in[t.pos] != ':' {
		return node{}, t.fail("expected ':'")
	}
	t.pos++
	return k, nil
}

// prune drops nulls and empty objects and arrays from n, recursively,
// compacting children in place; it reports whether anything is left.
func (t *tree) prune(n node) (node, bool) {
	switch n.kind {
	case kindNull:
		return n, false
	case kindObject:
		c, w := t.children(n), 0
		for i := 0; i < len(c); i += 2 {
			if v, ok := t.prune(c[i+1]); ok {
				c[w], c[w+1] = c[i], v
				w += 2
			}
		}
		n.n = int32(w / 2)
		return n, w > 0
	case kindArray:
		c, w := t.children(n), 0
		for _, x := range c {
			if v, ok := t.prune(x); ok {
				c[w] = v
				w++
			}
		}
		n.n = int32(w)
		return n, w > 0
	}
	return n, true
}

// sortMembers sorts key/value pairs by key, bytewise, as encoding/json
// sorts map keys, and drops all but the last of equal keys, as decoding
// into a map does.
func (t *tree) sortMembers(m []node) []node {
	n := len(m) / 2
	sorted := true
	for i := 1; i < n; i++ {
		if bytes.Compare(t.text(m[2*i-2]), t.text(m[2*i])) >= 0 {
			sorted = false
			break
		}
	}
	if sorted { // maps, which encoding/json writes sorted
		return m
	}
	ms := members{t, m}
	if n <= 12 {
		for i := 1; i < n; i++ { // insertion sort: stable
			for j := i; j > 0 && ms.Less(j, j-1); j-- {
				ms.Swap(j, j-1)
			}
		}
	} else {
		sort.Stable(ms)
	}
	w := 0
	for i := range n {
		if i+1 < n && bytes.Equal(t.text(m[2*i]), t.text(m[2*i+2])) {
			continue // a later duplicate wins
		}
		m[2*w], m[2*w+1] = m[2*i], m[2*i+1]
		w++
	}
	return m[:2*w]
}

type members struct {
	t *tree
	m []node
}

func (s members) Len() int { return len(s.m) / 2 }
func (s members) Less(i, j int) bool {
	return bytes.Compare(s.t.text(s.m[2*i]), s.t.text(s.m[2*j])) < 0
}
func (s members) Swap(i, j int) {
	s.m[2*i], s.m[2*j] = s.m[2*j], s.m[2*i]
	s.m[2*i+1], s.m[2*j+1] = s.m[2*j+1], s.m[2*i+1]
}
