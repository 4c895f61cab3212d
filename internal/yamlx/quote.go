package yamlx

import "unicode/utf8"

// A quoting is how a double-quoted string is escaped: JSON's or YAML's.
type quoting struct {
	ascii  [utf8.RuneSelf]string // each ASCII byte's escape, "" for none
	escape func(r rune) bool     // whether \uXXXX is written for r
	hex    string                // the digits of \uXXXX
}

// jsonQuoting is encoding/json's with EscapeHTML off: \" \\ \b \f \n \r
// \t, \u00xx for the other control characters, \u2028 and \u2029.
var jsonQuoting = newQuoting("0123456789abcdef", "\b\f\n\r\t", "bfnrt", func(r rune) bool {
	return r == '\u2028' || r == '\u2029'
})

// yamlQuoting is what both YAML parsers read: \" \\ \n \r \t, \u00XX for
// the other control characters and DEL, and every non-printable rune.
var yamlQuoting = func() *quoting {
	q := newQuoting("0123456789ABCDEF", "\n\r\t", "nrt", func(r rune) bool { return !printable(r) })
	q.ascii[0x7f] = `\u007F`
	return q
}()

func newQuoting(hex, short, letters string, escape func(rune) bool) *quoting {
	q := &quoting{escape: escape, hex: hex}
	for c := range ' ' {
		q.ascii[c] = `\u00` + hex[c>>4:c>>4+1] + hex[c&0xF:c&0xF+1]
	}
	for i := range short {
		q.ascii[short[i]] = `\` + letters[i:i+1]
	}
	q.ascii['"'], q.ascii['\\'] = `\"`, `\\`
	return q
}

// appendQuoted writes s double-quoted, escaped as q says. Bytes that are
// not UTF-8 are written as \uFFFD.
func appendQuoted(out, s []byte, q *quoting) []byte {
	out = append(out, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if esc := q.ascii[c]; esc != "" {
				out = append(out, s[start:i]...)
				out = append(out, esc...)
				start = i + 1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:]) // size 1: not UTF-8, r is U+FFFD
		if size == 1 || q.escape(r) {
			out = append(out, s[start:i]...)
			out = append(out, '\\', 'u', q.hex[r>>12&0xF], q.hex[r>>8&0xF], q.hex[r>>4&0xF], q.hex[r&0xF])
			start = i + size
		}
		i += size
	}
	out = append(out, s[start:]...)
	return append(out, '"')
}
