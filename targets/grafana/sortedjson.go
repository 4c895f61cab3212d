package grafana

import (
	"cmp"
	"encoding"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/tinysystems/obsc/internal/yamlx"
)

// sortedJSON writes v as yamlx.IndentJSON(json.Marshal(v)) does, in one
// pass: object keys sorted bytewise, two-space indentation, no HTML
// escaping, a trailing newline. It walks v by reflection, with a plan per
// type (cached in encoders) that has the struct fields already sorted by
// their JSON names, so the JSON is neither re-parsed nor re-sorted.
//
// It follows encoding/json's rules for field names, embedding, omitempty,
// nil and empty values and number formatting. What it does not write
// itself goes through encoding/json and yamlx.IndentJSON as a fragment:
// values with a MarshalJSON or MarshalText of their own (but the SDK's
// one-of wrappers, see oneOfTypes), json.Number, byte slices, maps without
// string keys, structs with ",string" or ",omitzero" fields. An error
// means that v may not be written so; the caller then takes the slow path,
// which reports encoding/json's own error if there is one.
//
// It also returns the same JSON compacted, as compactJSON compacts it
// (json.Compact's bytes and a newline): the indented JSON copied around
// the whitespace the encoder recorded putting in, rather than scanned
// again; compact is nil where the encoder could not record all of it (a
// fragment re-indented by yamlx).
func sortedJSON(v any, sizeHint int) (pretty, compact []byte, err error) {
	gaps := gapsPool.Get().(*[]uint32)
	e := encoder{gaps: (*gaps)[:0]}
	defer func() { *gaps = e.gaps; gapsPool.Put(gaps) }()
	out := make([]byte, 0, sizeHint)
	if v == nil {
		out = append(out, "null"...)
	} else {
		rv := reflect.ValueOf(v)
		out = encoderOf(rv.Type())(&e, out, rv, 0)
	}
	if e.err != nil {
		return nil, nil, e.err
	}
	out = append(out, '\n')
	if !e.unrecorded {
		compact = dropGaps(out, e.gaps)
	}
	return out, compact, nil
}

// gapsPool recycles the encoders' gap lists (a few thousand offsets per
// dashboard), which never leave sortedJSON.
var gapsPool = sync.Pool{New: func() any { return new([]uint32) }}

// dropGaps is pretty without the byte ranges gaps lists ([start, end)
// pairs, in order).
func dropGaps(pretty []byte, gaps []uint32) []byte {
	n := len(pretty)
	for i := 0; i+1 < len(gaps); i += 2 {
		n -= int(gaps[i+1] - gaps[i])
	}
	out := make([]byte, 0, n)
	at := uint32(0)
	for i := 0; i+1 < len(gaps); i += 2 {
		out = append(out, pretty[at:gaps[i]]...)
		at = gaps[i+1]
	}
	return append(out, pretty[at:]...)
}

// errUnsupported: a value sortedJSON does not write.
var errUnsupported = errors.New("grafana: value not written by the sorted JSON writer")

type encoder struct {
	err error
	// ptrs counts the pointers being followed: a cycle stops there.
	ptrs int
	// gaps are the whitespace the encoder put between tokens (each line
	// break and its indentation, the space after each key's colon), as
	// [start, end) offsets into the output, in order: without them the
	// output is compact. unrecorded says some is missing (a fragment).
	gaps       []uint32
	unrecorded bool
}

// gap records that out[start:len(out)] is whitespace between tokens.
// Past 4 GiB of output (never a dashboard) the offsets stop fitting and
// the output counts as unrecorded.
func (e *encoder) gap(out []byte, start int) {
	if len(out) > math.MaxUint32 {
		e.unrecorded = true
		return
	}
	e.gaps = append(e.gaps, uint32(start), uint32(len(out)))
}

// maxNesting bounds the containers and the pointers followed; beyond it
// sortedJSON gives up and leaves the value to the slow path (which may
// report a cycle, or a document nested too deep).
const maxNesting = 1000

func (e *encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// spaces is copied from to indent.
const spaces = "                                                                "

// newline appends a line break and depth levels of indentation, and
// records them as a gap.
func (e *encoder) newline(out []byte, depth int) []byte {
	start := len(out)
	out = append(out, '\n')
	if n := 2 * depth; n <= len(spaces) {
		out = append(out, spaces[:n]...)
	} else {
		out = yamlx.AppendIndent(out, 2*depth)
	}
	e.gap(out, start)
	return out
}

// An encFunc appends v, whose type it was made for, at depth to out.
// (The buffer goes through arguments and results, not the encoder: no
// write barrier on every append.)
type encFunc func(e *encoder, out []byte, v reflect.Value, depth int) []byte

// encoders caches each type's encFunc.
var encoders sync.Map // reflect.Type → encFunc

func encoderOf(t reflect.Type) encFunc {
	if f, ok := encoders.Load(t); ok {
		return f.(encFunc)
	}
	// A recursive type reaches itself while its encoder is made: it
	// gets an indirection that waits for it (as encoding/json does).
	var (
		wg sync.WaitGroup
		f  encFunc
	)
	wg.Add(1)
	fi, loaded := encoders.LoadOrStore(t, encFunc(func(e *encoder, out []byte, v reflect.Value, depth int) []byte {
		wg.Wait()
		return f(e, out, v, depth)
	}))
	if loaded {
		return fi.(encFunc)
	}
	f = newEncoder(t)
	wg.Done()
	encoders.Store(t, f)
	return f
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	numberType        = reflect.TypeFor[json.Number]()
)

// oneOfTypes are the SDK's one-of wrappers: their MarshalJSON marshals the
// first of their fields that is not nil, or writes null. Written so here
// rather than through their MarshalJSON and a re-parse.
var oneOfTypes = map[reflect.Type]bool{
	reflect.TypeFor[dashboard.PanelOrRowPanel]():                               true,
	reflect.TypeFor[dashboard.ValueMapOrRangeMapOrRegexMapOrSpecialValueMap](): true,
	reflect.TypeFor[dashboard.StringOrMap]():                                   true,
	reflect.TypeFor[dashboard.StringOrArrayOfString]():                         true,
	reflect.TypeFor[common.BoolOrFloat64]():                                    true,
	reflect.TypeFor[common.TableAutoCellOptionsOrTableSparklineCellOptionsOrTableBarGaugeCellOptionsOrTableColoredBackgroundCellOptionsOrTableColorTextCellOptionsOrTableImageCellOptionsOrTableDataLinksCellOptionsOrTableActionsCellOptionsOrTableJsonViewCellOptions](): true,
}

func newEncoder(t reflect.Type) encFunc {
	if oneOfTypes[t] {
		if f := oneOfEncoder(t); f != nil {
			return f
		}
	}
	if t.Kind() == reflect.Interface {
		switch {
		case t.Implements(marshalerType):
			return marshalerInterfaceEncoder
		case t.Implements(textMarshalerType):
			return unsupported
		}
		return interfaceEncoder
	}
	if t.Kind() == reflect.Pointer {
		// Nil is null, with or without a marshaler, and a pointer's
		// (value or pointer) method is its element's, which its
		// element's encoder calls since the element has an address.
		return pointerEncoder(t)
	}
	if t == numberType || t.Implements(marshalerType) || t.Implements(textMarshalerType) ||
		reflect.PointerTo(t).Implements(marshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) {
		return viaJSON
	}
	switch t.Kind() {
	case reflect.Bool:
		return boolEncoder
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intEncoder
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return uintEncoder
	case reflect.Float32:
		return float32Encoder
	case reflect.Float64:
		return float64Encoder
	case reflect.String:
		return stringEncoder
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return viaJSON // base64, or bytes with a marshaler of their own
		}
		return sliceEncoder(t)
	case reflect.Array:
		return sliceEncoder(t)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return viaJSON
		}
		return mapEncoder(t)
	case reflect.Struct:
		return structEncoder(t)
	}
	return viaJSON // encoding/json's error for channels, functions, complex numbers
}

// viaJSON writes v through encoding/json and yamlx.IndentJSON. Taking its
// address when it has one keeps to encoding/json's choice between a
// pointer method and the plain encoding.
func viaJSON(e *encoder, out []byte, v reflect.Value, depth int) []byte {
	if !v.CanInterface() {
		e.fail(errUnsupported)
		return out
	}
	var x any
	if v.CanAddr() {
		x = v.Addr().Interface()
	} else {
		x = v.Interface()
	}
	raw, err := json.Marshal(x)
	if err != nil {
		e.fail(err)
		return out
	}
	return e.fragment(out, raw, depth)
}

func unsupported(e *encoder, out []byte, _ reflect.Value, _ int) []byte {
	e.fail(errUnsupported)
	return out
}

// marshalerInterfaceEncoder writes an interface value whose interface
// type has MarshalJSON as encoding/json does: null when nil, else what its
// MarshalJSON returns.
func marshalerInterfaceEncoder(e *encoder, out []byte, v reflect.Value, depth int) []byte {
	if v.IsNil() {
		return append(out, "null"...)
	}
	if !v.CanInterface() {
		e.fail(errUnsupported)
		return out
	}
	raw, err := v.Interface().(json.Marshaler).MarshalJSON()
	if err != nil {
		e.fail(err)
		return out
	}
	return e.fragment(out, raw, depth)
}

// fragment writes the JSON raw, re-printed by yamlx.IndentJSON and
// indented to depth.
func (e *encoder) fragment(out, raw []byte, depth int) []byte {
	ind, err := yamlx.IndentJSON(raw)
	if err != nil {
		e.fail(err)
		return out
	}
	ind = ind[:len(ind)-1]                      // its newline
	e.unrecorded = e.unrecorded || len(ind) > 0 // its own indentation and key spaces
	for {
		i := slices.Index(ind, '\n')
		if i < 0 {
			return append(out, ind...)
		}
		out = append(out, ind[:i]...)
		out = e.newline(out, depth)
		ind = ind[i+1:]
	}
}

// oneOfEncoder writes the first field of a one-of wrapper that is not nil,
// or null; nil when t is not shaped so.
func oneOfEncoder(t reflect.Type) encFunc {
	if t.Kind() != reflect.Struct {
		return nil
	}
	n := t.NumField()
	for i := range n {
		switch f := t.Field(i); f.Type.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Slice:
			if !f.IsExported() {
				return nil
			}
		default:
			return nil
		}
	}
	encs := make([]encFunc, n)
	for i := range n {
		encs[i] = encoderOf(t.Field(i).Type)
	}
	return func(e *encoder, out []byte, v reflect.Value, depth int) []byte {
		for i, enc := range encs {
			if fv := v.Field(i); !fv.IsNil() {
				return enc(e, out, fv, depth)
			}
		}
		return append(out, "null"...)
	}
}

func boolEncoder(e *encoder, out []byte, v reflect.Value, _ int) []byte {
	return strconv.AppendBool(out, v.Bool())
}

func intEncoder(e *encoder, out []byte, v reflect.Value, _ int) []byte {
	return strconv.AppendInt(out, v.Int(), 10)
}

func uintEncoder(e *encoder, out []byte, v reflect.Value, _ int) []byte {
	return strconv.AppendUint(out, v.Uint(), 10)
}

func float32Encoder(e *encoder, out []byte, v reflect.Value, _ int) []byte {
	return e.float(out, v.Float(), 32)
}

func float64Encoder(e *encoder, out []byte, v reflect.Value, _ int) []byte {
	return e.float(out, v.Float(), 64)
}

// float writes f as encoding/json does: the shortest text that reads back
// as f, with an exponent only below 1e-6 or from 1e21 on, e-07 cut to
// e-7.
func (e *encoder) float(out []byte, f float64, bits int) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		e.fail(errUnsupported)
		return out
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b := strconv.AppendFloat(out, f, format, -1, bits)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

func stringEncoder(e *encoder, out []byte, v reflect.Value, _ int) []byte {
	return appendJSONString(out, v.String())
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s quoted as encoding/json does with HTML
// escaping off, and as IndentJSON writes that back: \" \\ \b \f \n \r
// \t, \u00xx for the other control characters, \u2028 and \u2029, and a
// U+FFFD for each byte that is not UTF-8 (encoding/json's \ufffd, which
// IndentJSON decodes).
func appendJSONString(out []byte, s string) []byte {
	out = append(out, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' {
				i++
				continue
			}
			out = append(out, s[start:i]...)
			switch c {
			case '"', '\\':
				out = append(out, '\\', c)
			case '\b':
				out = append(out, '\\', 'b')
			case '\f':
				out = append(out, '\\', 'f')
			case '\n':
				out = append(out, '\\', 'n')
			case '\r':
				out = append(out, '\\', 'r')
			case '\t':
				out = append(out, '\\', 't')
			default:
				out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, s[start:i]...)
			out = append(out, "\uFFFD"...)
		case r == '\u2028' || r == '\u2029':
			out = append(out, s[start:i]...)
			out = append(out, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	out = append(out, s[start:]...)
	return append(out, '"')
}

func interfaceEncoder(e *encoder, out []byte, v reflect.Value, depth int) []byte {
	if v.IsNil() {
		return append(out, "null"...)
	}
	ev := v.Elem()
	return encoderOf(ev.Type())(e, out, ev, depth)
}

func pointerEncoder(t reflect.Type) encFunc {
	elem := encoderOf(t.Elem())
	return func(e *encoder, out []byte, v reflect.Value, depth int) []byte {
		if v.IsNil() {
			return append(out, "null"...)
		}
		if e.ptrs++; e.ptrs > maxNesting {
			e.fail(errUnsupported)
			return out
		}
		out = elem(e, out, v.Elem(), depth)
		e.ptrs--
		return out
	}
}

// sliceEncoder writes slices and arrays: null for a nil slice, [] when
// empty, else an element a line.
func sliceEncoder(t reflect.Type) encFunc {
	elem := encoderOf(t.Elem())
	isSlice := t.Kind() == reflect.Slice
	return func(e *encoder, out []byte, v reflect.Value, depth int) []byte {
		if isSlice && v.IsNil() {
			return append(out, "null"...)
		}
		n := v.Len()
		if n == 0 {
			return append(out, "[]"...)
		}
		if depth >= maxNesting {
			e.fail(errUnsupported)
			return out
		}
		out = append(out, '[')
		for i := range n {
			if i > 0 {
				out = append(out, ',')
			}
			out = e.newline(out, depth+1)
			out = elem(e, out, v.Index(i), depth+1)
		}
		out = e.newline(out, depth)
		return append(out, ']')
	}
}

type mapEntry struct {
	key string // as written: not UTF-8 bytes made U+FFFD
	raw string // the map's key
	val reflect.Value
}

// mapEncoder writes maps with string keys sorted by key as written. Keys
// that are the same once their bytes that are not UTF-8 are replaced keep
// one member, the value of the greatest key: encoding/json writes them in
// the order of the keys and IndentJSON keeps the last.
func mapEncoder(t reflect.Type) encFunc {
	elem := encoderOf(t.Elem())
	return func(e *encoder, out []byte, v reflect.Value, depth int) []byte {
		if v.IsNil() {
			return append(out, "null"...)
		}
		if v.Len() == 0 {
			return append(out, "{}"...)
		}
		if depth >= maxNesting {
			e.fail(errUnsupported)
			return out
		}
		entries := make([]mapEntry, 0, v.Len())
		valid := true
		for it := v.MapRange(); it.Next(); {
			k := it.Key().String()
			valid = valid && utf8.ValidString(k)
			entries = append(entries, mapEntry{key: k, raw: k, val: it.Value()})
		}
		if !valid {
			for i := range entries {
				entries[i].key = validUTF8(entries[i].key)
			}
		}
		slices.SortFunc(entries, func(a, b mapEntry) int {
			return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.raw, b.raw))
		})
		out = append(out, '{')
		first := true
		for i, en := range entries {
			if i+1 < len(entries) && entries[i+1].key == en.key {
				continue
			}
			if !first {
				out = append(out, ',')
			}
			first = false
			out = e.newline(out, depth+1)
			out = appendJSONString(out, en.key)
			out = append(out, ':', ' ')
			e.gap(out, len(out)-1)
			out = elem(e, out, en.val, depth+1)
		}
		out = e.newline(out, depth)
		return append(out, '}')
	}
}

// validUTF8 replaces each byte of s that is not UTF-8 with U+FFFD.
func validUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// A fieldPlan is one member a struct may write.
type fieldPlan struct {
	name      string
	tagged    bool
	index     []int
	key       []byte // the quoted name, a colon and a space
	omitEmpty bool
	kind      reflect.Kind // the field's, for omitempty
	enc       encFunc
}

// structEncoder writes the fields encoding/json writes, in the order of
// their names.
func structEncoder(t reflect.Type) encFunc {
	fields, ok := structFields(t)
	if !ok {
		return viaJSON
	}
	for i := range fields {
		f := &fields[i]
		f.key = append(appendJSONString(nil, f.name), ':', ' ')
		f.enc = encoderOf(typeByIndex(t, f.index))
	}
	return func(e *encoder, out []byte, v reflect.Value, depth int) []byte {
		if depth >= maxNesting {
			e.fail(errUnsupported)
			return out
		}
		first := true
	fields:
		for i := range fields {
			f := &fields[i]
			var fv reflect.Value
			if len(f.index) == 1 {
				fv = v.Field(f.index[0])
			} else {
				fv = v
				for _, x := range f.index {
					if fv.Kind() == reflect.Pointer {
						if fv.IsNil() {
							continue fields
						}
						fv = fv.Elem()
					}
					fv = fv.Field(x)
				}
			}
			if f.omitEmpty && isEmpty(fv, f.kind) {
				continue
			}
			if first {
				out = append(out, '{')
				first = false
			} else {
				out = append(out, ',')
			}
			out = e.newline(out, depth+1)
			out = append(out, f.key...)
			e.gap(out, len(out)-1) // the space of `": "`
			out = f.enc(e, out, fv, depth+1)
		}
		if first {
			return append(out, "{}"...)
		}
		out = e.newline(out, depth)
		return append(out, '}')
	}
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value, k reflect.Kind) bool {
	switch k {
	case reflect.Pointer, reflect.Interface: // most of the SDK's fields
		return v.IsNil()
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return v.IsZero()
	}
	return false
}

func typeByIndex(t reflect.Type, index []int) reflect.Type {
	for _, i := range index {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		t = t.Field(i).Type
	}
	return t
}

// structFields are the fields encoding/json writes of t (its typeFields),
// sorted by name; false when t has a field with the string or omitzero
// option, which sortedJSON leaves to encoding/json.
func structFields(t reflect.Type) ([]fieldPlan, bool) {
	type queued struct {
		typ   reflect.Type
		index []int
	}
	var current []queued
	next := []queued{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	var fields []fieldPlan

	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, q := range current {
			if visited[q.typ] {
				continue
			}
			visited[q.typ] = true
			for i := range q.typ.NumField() {
				sf := q.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTag(name) {
					name = ""
				}
				if tagOption(opts, "string") || tagOption(opts, "omitzero") {
					return nil, false
				}
				index := append(slices.Clip(q.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					tagged := name != ""
					if name == "" {
						name = sf.Name
					}
					f := fieldPlan{name: name, tagged: tagged, index: index, omitEmpty: tagOption(opts, "omitempty"), kind: sf.Type.Kind()}
					fields = append(fields, f)
					if count[q.typ] > 1 {
						// Several at this depth: a duplicate, so
						// that none of them is chosen below.
						fields = append(fields, f)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, queued{typ: ft, index: index})
				}
			}
		}
	}

	slices.SortFunc(fields, func(a, b fieldPlan) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return +1
		}
		return slices.Compare(a.index, b.index)
	})
	// Of the fields of one name the shallowest wins, a tagged one before
	// one that is not; a tie hides them all.
	out := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		if j-i == 1 || len(fields[i].index) != len(fields[i+1].index) || fields[i].tagged != fields[i+1].tagged {
			out = append(out, fields[i])
		}
		i = j
	}
	return out, true
}

// tagOption reports whether the comma-separated opts has o.
func tagOption(opts, o string) bool {
	for opts != "" {
		var s string
		s, opts, _ = strings.Cut(opts, ",")
		if s == o {
			return true
		}
	}
	return false
}

// validTag is encoding/json's isValidTag.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
