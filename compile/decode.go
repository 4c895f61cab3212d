package compile

import (
	"reflect"
	"strings"
	"sync"

	"cuelang.org/go/cue"
)

// decodeSpec fills s from the unified value in one pass. It does what
// numberRange followed by cue.Value.Decode does for a module without
// problems, at a fraction of the cost: Decode has CUE sort the fields of
// every struct and make an evaluation context for almost every value, and
// numberRange walks the whole value again, sorting every struct again.
//
// It reports false, with s partly filled, when it meets anything it does
// not handle the way Decode would — a number that does not fit its Go
// type, a kind the Go type cannot hold — so that the caller takes the slow
// path, which reports those problems with positions.
func decodeSpec(unified cue.Value, s *spec) bool {
	return decodeValue(reflect.ValueOf(s).Elem(), unified)
}

// decodeValue decodes v into x. Like numberRange it checks the number v
// itself holds; like Decode it then decodes v's default.
func decodeValue(x reflect.Value, v cue.Value) bool {
	if !numberFits(v) {
		return false
	}
	v, _ = v.Default()
	switch x.Kind() {
	case reflect.Pointer:
		p := reflect.New(x.Type().Elem())
		if !decodeValue(p.Elem(), v) {
			return false
		}
		x.Set(p)
		return true
	case reflect.Struct:
		return decodeStruct(x, v)
	case reflect.Map:
		return decodeMap(x, v)
	case reflect.Slice:
		return decodeSlice(x, v)
	case reflect.Interface:
		a, ok := anyValue(v)
		if ok {
			x.Set(reflect.ValueOf(a))
		}
		return ok
	}
	return decodeScalar(x, v)
}

// decodeScalar decodes a string or a number into a Go string, int64 or
// float64, given the kind Decode accepts for each.
func decodeScalar(x reflect.Value, v cue.Value) bool {
	var err error
	switch k := v.Kind(); {
	case x.Kind() == reflect.String && k == cue.StringKind:
		var s string
		s, err = v.String()
		x.SetString(s)
	case x.Kind() == reflect.Int64 && k == cue.IntKind:
		var i int64
		i, err = v.Int64()
		x.SetInt(i)
	case x.Kind() == reflect.Float64 && (k == cue.IntKind || k == cue.FloatKind):
		var f float64
		f, err = v.Float64()
		x.SetFloat(f)
	default:
		return false
	}
	return err == nil
}

// numberFits is numberRange's test of one value: a number must fit a
// 64-bit integer or float, according to its kind.
func numberFits(v cue.Value) bool {
	switch v.Kind() {
	case cue.IntKind:
		_, err := v.Int64()
		return err == nil
	case cue.FloatKind:
		_, err := v.Float64()
		return err == nil
	}
	return true
}

// decodeStruct decodes a CUE struct into a Go struct by the fields' json
// tags. It looks each Go field up rather than iterating the CUE fields,
// which would have CUE sort them, the most expensive part of decoding.
// That visits every field Decode and numberRange visit because the unified
// value has passed validation against the closed #Module, so it has no
// field the schema does not declare, and every field the schema declares
// has a Go field (TestSpecCoversSchema).
func decodeStruct(x reflect.Value, v cue.Value) bool {
	if v.Kind() != cue.StructKind {
		return false
	}
	for _, f := range structFields(x.Type()) {
		fv := v.LookupPath(f.path)
		if !fv.Exists() {
			continue // absent, or optional and not set
		}
		if !decodeValue(x.Field(f.index), fv) {
			return false
		}
	}
	return true
}

// decodeMap decodes a CUE struct into a map with string keys. Like Decode,
// it makes the map even when the struct is empty.
func decodeMap(x reflect.Value, v cue.Value) bool {
	t := x.Type()
	if v.Kind() != cue.StructKind || t.Key().Kind() != reflect.String {
		return false
	}
	it, err := v.Fields()
	if err != nil {
		return false
	}
	m := reflect.MakeMap(t)
	for it.Next() {
		elem := reflect.New(t.Elem()).Elem()
		if !decodeValue(elem, it.Value()) {
			return false
		}
		m.SetMapIndex(reflect.ValueOf(it.Selector().Unquoted()).Convert(t.Key()), elem)
	}
	x.Set(m)
	return true
}

// decodeSlice decodes a CUE list into a slice. Like Decode, it makes the
// slice even when the list is empty.
func decodeSlice(x reflect.Value, v cue.Value) bool {
	if v.Kind() != cue.ListKind {
		return false
	}
	var elems []cue.Value
	it, err := v.List()
	if err != nil {
		return false
	}
	for it.Next() {
		elems = append(elems, it.Value())
	}
	s := reflect.MakeSlice(x.Type(), len(elems), len(elems))
	for i, e := range elems {
		if !decodeValue(s.Index(i), e) {
			return false
		}
	}
	x.Set(s)
	return true
}

// anyValue is the Go value Decode stores in an interface for v: bool,
// string, int64, float64, []any or map[string]any. The schema allows no
// null or bytes, and a number too big for int64 or float64 (which Decode
// would store as a *big.Int or *big.Float) is numberRange's to report.
func anyValue(v cue.Value) (any, bool) {
	if !numberFits(v) {
		return nil, false
	}
	v, _ = v.Default()
	var a any
	var err error
	switch v.Kind() {
	case cue.BoolKind:
		a, err = v.Bool()
	case cue.StringKind:
		a, err = v.String()
	case cue.IntKind:
		a, err = v.Int64()
	case cue.FloatKind:
		a, err = v.Float64()
	case cue.ListKind:
		return anyList(v)
	case cue.StructKind:
		return anyMap(v)
	default:
		return nil, false
	}
	return a, err == nil
}

// anyList is anyValue for a list; like Decode, it never returns nil.
func anyList(v cue.Value) (any, bool) {
	it, err := v.List()
	if err != nil {
		return nil, false
	}
	l := []any{}
	for it.Next() {
		a, ok := anyValue(it.Value())
		if !ok {
			return nil, false
		}
		l = append(l, a)
	}
	return l, true
}

// anyMap is anyValue for a struct.
func anyMap(v cue.Value) (any, bool) {
	it, err := v.Fields()
	if err != nil {
		return nil, false
	}
	m := map[string]any{}
	for it.Next() {
		a, ok := anyValue(it.Value())
		if !ok {
			return nil, false
		}
		m[it.Selector().Unquoted()] = a
	}
	return m, true
}

// goField is a field of a Go struct and the CUE path of its json name.
type goField struct {
	index int
	name  string
	path  cue.Path
}

// fieldCache maps a struct type to its goFields.
var fieldCache sync.Map // reflect.Type -> []goField

// structFields returns the fields of struct type t that have a json name.
func structFields(t reflect.Type) []goField {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]goField)
	}
	var fs []goField
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			fs = append(fs, goField{index: i, name: name, path: cue.MakePath(cue.Str(name))})
		}
	}
	fieldCache.Store(t, fs)
	return fs
}
