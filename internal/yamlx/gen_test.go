package yamlx

import (
	"encoding/json"
	"math"
	"strings"
)

// fragments are what generated strings are made of: YAML indicators,
// words YAML 1.1 or 1.2 read as other types, numbers, timestamps, line
// breaks, spaces and characters YAML cannot hold as they are.
var fragments = []string{
	"", " ", "  ", "a", "Z", "word", "x y", ":", ": ", "a:", "#", " #", "-", "- ", "?", "? ", "*", "&", "!", "|", ">",
	"%", "@", "`", "'", `"`, `\`, ",", "[", "]", "{", "}", "{{ $labels.x }}", "_", "/", "(", "$", ".", "+", "=",
	"yes", "No", "ON", "off", "y", "n", "Y", "N", "~", "null", "Null", "NULL", "true", "False", "<<",
	"0", "1", "-1", "+1", "007", "0x1F", "0X1f", "0o17", "0b101", "0_x1", "1_000", "1:20", "190:20:30.15", "2001-12-14",
	"2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", ".inf", "-.Inf", "+infinity", "-Inf", ".NaN", "nan",
	"1e3", "1E+3", "1.5", ".5", "5.", "5m", "30d", "1h30m", "v1.2.3", "12345678901234567890",
	"\n", "\n\n", "\r", "\r\n", "\t", " \n", "\t\n", "\x00", "\x1b", "\x7f", "\u0085", "\u00a0", "\u2028", "\u2029",
	"\ufeff", "\ufffe", "\ufffd", "é", "日本", "🎉", "\u200b", "\u3000", "\ue000",
	"---", "...", "--- ", "... ", "\n---\n", "\n...\n", "\n# c\n", "\n  - x\n",
	`sum(rate(x{a="b"}[5m])) > 0`, "https://example.com/a#b", "<b>&amp;</b>",
}

// numbers are the values generated numbers are taken from.
var numbers = []any{
	0, 1, -1, 42, -7, 8080, 1.5, 0.02, -0.25, 1e21, 1e-7, 1e300, -1e-300, math.MaxInt64, math.MinInt64,
	uint64(math.MaxUint64), math.MaxFloat64, math.SmallestNonzeroFloat64, math.Copysign(0, -1), 2.0, 1 << 53,
	json.Number("1E5"), json.Number("1e+05"), json.Number("-0.0"), json.Number("12345678901234567890123"),
	json.Number("-9223372036854775809"), json.Number("18446744073709551616"), json.Number("1e-400"),
}

// A recipe turns bytes (a fuzzer's) into a JSON-able value, deterministically.
type recipe struct {
	data []byte
	i    int
}

func (r *recipe) next() int {
	if r.i >= len(r.data) {
		return 0
	}
	b := r.data[r.i]
	r.i++
	return int(b)
}

// generate builds a value of up to 4 levels from data.
func generate(data []byte) any {
	r := &recipe{data: data}
	return r.value(4)
}

func (r *recipe) value(depth int) any {
	switch b := r.next(); {
	case depth > 0 && b%8 == 0:
		m := map[string]any{}
		for range r.next() % 6 {
			m[r.string()] = r.value(depth - 1)
		}
		return m
	case depth > 0 && b%8 == 1:
		s := []any{}
		for range r.next() % 6 {
			s = append(s, r.value(depth-1))
		}
		return s
	case b%8 == 2:
		return numbers[r.next()%len(numbers)]
	case b%8 == 3:
		return []any{nil, true, false}[r.next()%3]
	default:
		return r.string()
	}
}

func (r *recipe) string() string {
	var b strings.Builder
	for range r.next() % 7 {
		c := r.next()
		if c < 2*len(fragments) && c%2 == 0 {
			b.WriteString(fragments[c/2])
		} else { // a raw byte: maybe not UTF-8, which json.Marshal replaces
			b.WriteByte(byte(r.next()))
		}
	}
	return b.String()
}
