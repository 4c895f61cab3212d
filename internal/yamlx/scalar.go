package yamlx

import (
	"bytes"
	"encoding/binary"
	"slices"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

type style uint8

const (
	stylePlain style = iota
	styleSingle
	styleDouble
	styleLiteral
)

// chooseStyle picks how a string is written (see the package comment);
// blockOK says whether a literal block scalar may be used.
func chooseStyle(s []byte, blockOK bool) style {
	switch {
	case len(s) == 0 || resolvesAsNonString(s):
		return styleDouble
	case bytes.IndexByte(s, '\n') >= 0:
		if blockOK && blockable(s) {
			return styleLiteral
		}
		return styleDouble
	}
	plain := s[0] >= utf8.RuneSelf || plainStart[s[0]]
	single := true // printable, no tab
	for i := 0; i < len(s); {
		// Eight bytes at a time while they change nothing below.
		for i+8 <= len(s) && inPlain8(binary.LittleEndian.Uint64(s[i:])) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\t':
				plain, single = false, false
			case c < ' ' || c == 0x7f:
				return styleDouble
			case c == ':':
				if i+1 == len(s) || s[i+1] == ' ' {
					plain = false
				}
			case c == '#':
				if i > 0 && s[i-1] == ' ' {
					plain = false
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if size == 1 || !printable(r) {
			return styleDouble
		}
		if plain && !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S) {
			plain = false // spaces, format characters, private use
		}
		i += size
	}
	switch last := s[len(s)-1]; {
	case plain && last != ' ':
		return stylePlain
	case single:
		return styleSingle
	}
	return styleDouble
}

// inPlain8 reports whether all eight bytes of x are printable ASCII but
// ':' and '#': bytes that leave a string's style as it is.
func inPlain8(x uint64) bool {
	colon, hash := x^(ones*':'), x^(ones*'#')
	return printable8(x) && ((colon-ones)&^colon|(hash-ones)&^hash)&highs == 0
}

// blockable reports whether a literal block scalar holds s: it has only
// printable characters and tabs, and no line ends in a space or a tab.
func blockable(s []byte) bool {
	if last := s[len(s)-1]; last == ' ' || last == '\t' {
		return false
	}
	for i := 0; i < len(s); {
		for i+8 <= len(s) && printable8(binary.LittleEndian.Uint64(s[i:])) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if inLine[c] {
			i++
			continue
		}
		switch {
		case c == '\n':
			if i > 0 && (s[i-1] == ' ' || s[i-1] == '\t') {
				return false
			}
			i++
		case c < utf8.RuneSelf:
			return false // control characters, DEL
		default:
			r, size := utf8.DecodeRune(s[i:])
			if size == 1 || !printable(r) {
				return false
			}
			i += size
		}
	}
	return true
}

// inLine are the ASCII characters a line of a block scalar holds as they
// are: the printable ones and tab.
var inLine = func() (set [256]bool) {
	for c := ' '; c < 0x7f; c++ {
		set[c] = true
	}
	set['\t'] = true
	return set
}()

// plainStart are the ASCII characters a plain scalar may start with.
var plainStart = func() (set [utf8.RuneSelf]bool) {
	for c := 'a'; c <= 'z'; c++ {
		set[c] = true
		set[c-'a'+'A'] = true
	}
	for c := '0'; c <= '9'; c++ {
		set[c] = true
	}
	for _, c := range `_/($\` {
		set[c] = true
	}
	return set
}()

// printable reports whether a non-ASCII rune may appear as it is in a
// YAML stream, and is no line break (U+0085, U+2028, U+2029), byte order
// mark or non-character.
func printable(r rune) bool {
	switch {
	case r < 0xA0:
		return false // C1 controls, NEL
	case r == 0x2028, r == 0x2029, r == 0xFEFF:
		return false
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return false
	}
	return r <= unicode.MaxRune
}

// resolvesAsNonString reports whether a YAML 1.1 or 1.2 parser could read
// s, written plain, as anything but a string: null, a bool, a number, a
// timestamp or a merge key. It errs on the side of yes.
func resolvesAsNonString(s []byte) bool {
	switch s[0] {
	case '~':
		return len(s) == 1
	case '<':
		return string(s) == "<<"
	case '.', '+', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return numberLike(s)
	}
	if len(s) > 5 {
		return false
	}
	var lower [5]byte
	for i, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	switch string(lower[:len(s)]) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return true
	}
	return false
}

// numberLike reports whether s, which starts with a digit, a sign or a
// dot, could be a number or a timestamp: .inf, .nan, a signed infinity
// or NaN (strconv.ParseFloat reads those), a 0x, 0o or 0b number (with
// underscores, which the parsers drop), or digits mixed only with what
// decimal, exponent, base-60 and timestamp notations add.
func numberLike(s []byte) bool {
	t := s
	if t[0] == '+' || t[0] == '-' {
		t = t[1:]
	}
	word := t
	if len(word) > 0 && word[0] == '.' {
		word = word[1:]
	}
	if len(word) == 3 || len(word) == 8 {
		var lower [8]byte
		for i, c := range word {
			lower[i] = c | 0x20 // ASCII letters to lower case
		}
		switch string(lower[:len(word)]) {
		case "inf", "nan", "infinity":
			return true
		}
	}
	var prefix [2]byte // the first two characters of t but underscores
	n := 0
	for _, c := range t {
		if c != '_' {
			prefix[n] = c
			if n++; n == 2 {
				break
			}
		}
	}
	if n == 2 && prefix[0] == '0' {
		switch prefix[1] | 0x20 {
		case 'x', 'o', 'b':
			return true
		}
	}
	digits := false
	for _, c := range s {
		switch {
		case '0' <= c && c <= '9':
			digits = true
		case c == '_', c == '.', c == '+', c == '-', c == ':', c == ' ',
			c == 'e', c == 'E', c == 't', c == 'T', c == 'z', c == 'Z':
		default:
			return false
		}
	}
	return digits
}

// appendSingle writes s single-quoted.
func appendSingle(out, s []byte) []byte {
	out = append(out, '\'')
	for {
		i := bytes.IndexByte(s, '\'')
		if i < 0 {
			break
		}
		out = append(out, s[:i+1]...)
		out = append(out, '\'')
		s = s[i+1:]
	}
	out = append(out, s...)
	return append(out, '\'')
}

// The writers below let a package write YAML in FromJSON's style
// directly, without a JSON round trip, where the layout of its documents
// is fixed: each writes a piece of what FromJSON writes for the JSON that
// encoding/json writes of the same value. A string is taken as
// encoding/json writes it: each byte of invalid UTF-8 as U+FFFD.

// AppendIndent appends n spaces: the indentation of a line at column n.
func AppendIndent(out []byte, n int) []byte { return appendIndent(out, n) }

// AppendKey appends k as FromJSON writes a key of a mapping whose keys are
// at column col, and the colon after it. The caller writes what comes
// before (the indentation, or "- ") and after (" " and a scalar, or a
// line break).
func AppendKey(out []byte, k string, col int) []byte {
	if !utf8.ValidString(k) {
		k = validUTF8(k)
	}
	return appendKey(out, bytesOf(k), col)
}

// AppendString appends s as FromJSON writes a string that is the value of
// a key of a mapping at column col (after "key: ") or an item of a
// sequence at column col (after "- "), and the line break that ends it: a
// block scalar's lines are indented by col+2.
func AppendString(out []byte, s string, col int) []byte {
	b := bytesOf(s)
	st := chooseStyle(b, true)
	// chooseStyle double-quotes every string with invalid UTF-8, so only
	// those need the scan for it.
	if st == styleDouble && !utf8.Valid(b) {
		b = bytesOf(validUTF8(s))
		st = chooseStyle(b, true)
	}
	out, block := appendStyled(out, b, col, st)
	if !block {
		out = append(out, '\n')
	}
	return out
}

// AppendStringMap appends the members of m, keys sorted, as FromJSON
// writes a mapping of strings at column col: one "key: value" line each.
// keys is scratch space, returned for reuse.
func AppendStringMap(out []byte, m map[string]string, col int, keys []string) ([]byte, []string) {
	keys = keys[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = AppendIndent(out, col)
		out = AppendKey(out, k, col)
		out = append(out, ' ')
		out = AppendString(out, m[k], col)
	}
	return out, keys
}

// bytesOf is the bytes of s, not copied: what it is given must only read
// them, as the writers do.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// validUTF8 is s with each byte of invalid UTF-8 replaced by U+FFFD, as
// encoding/json writes it.
func validUTF8(s string) string {
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(b)
}
