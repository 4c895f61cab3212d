package compile

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"

	"github.com/tinysystems/obsc/schema"
)

// The fast path. Most module files are plain data: fields, strings,
// numbers, lists and structs, with no references, expressions or
// comprehensions. For such a module, unifying with #Module can only do
// three things: refuse a field the schema does not declare or a value of
// the wrong type (an error), or fill in a default. decodeSyntax does
// exactly that straight from the parsed files, guided by a plan derived
// once from #Module itself (not a second copy of the schema), and fills
// the same spec decodeSpec fills from the unified value, at a tenth of the
// cost: CUE's evaluation of the user's value, its unification with the
// schema and the lookups of decodeSpec are most of compiling a module.
//
// Whatever the fast path does not handle — any expression, a reference, a
// value other than a struct written twice, a field or value the schema
// would refuse, a number written in a form other than plain decimal, and
// any error the checks find afterwards — sends the module down the slow
// path, which reports with CUE's own words and positions. A part of the
// schema the plan cannot describe (a map with a default:
// kubernetes.dashboardLabels) is unified by CUE on its own, with the
// user's value for it alone. Under SelfCheck every module the fast path
// compiles is compiled by the slow path too and the two IRs, positions
// included, must be equal.

// SelfCheck has every module the fast path compiles compiled again by
// CUE and the results compared; tests switch it on (as does
// OBSC_SELFCHECK=1, like targets.SelfCheck).
var SelfCheck = os.Getenv("OBSC_SELFCHECK") == "1"

type planKind uint8

const (
	planScalar planKind = iota // string, int64 or float64
	planStruct                 // a closed struct: a Go struct
	planMap                    // a struct of any fields: a Go map
	planList                   // a list: a Go slice
	planPtr                    // a Go pointer to what elem decodes
	planUnion                  // a string or a list of strings: a Go any
	planAny                    // a Go any, decoded along an anyPlan
	planCUE                    // anything else: unified by CUE on its own
)

// plan says how to decode one value of the schema from syntax.
type plan struct {
	kind planKind
	typ  reflect.Type
	// planStruct
	fields []planField
	byName map[string]int
	// planMap, planList, planPtr
	elem *plan
	// planScalar
	scalar reflect.Kind // String, Int64 or Float64
	enum   []string     // the allowed strings; nil: any
	def    reflect.Value
	hasDef bool
	// planAny
	any *anyPlan
	// where the value is in #Module
	path cue.Path
}

type planField struct {
	name     string
	index    int // Go field index
	optional bool
	plan     *plan
}

var (
	rootPlanOnce sync.Once
	rootPlan     *plan
	rootPlanErr  error
)

// modulePlan is the plan for spec, derived once from #Module.
func modulePlan() (*plan, error) {
	rootPlanOnce.Do(func() {
		def, err := schema.Module(cuecontext.New())
		if err != nil {
			rootPlanErr = err
			return
		}
		rootPlan, rootPlanErr = newPlan(reflect.TypeFor[spec](), def, nil)
	})
	return rootPlan, rootPlanErr
}

// newPlan derives the plan for the Go type t from the schema value v at
// sels. It fails only if t and the schema disagree (TestSpecCoversSchema
// keeps them in step).
func newPlan(t reflect.Type, v cue.Value, sels []cue.Selector) (*plan, error) {
	p := &plan{typ: t, path: cue.MakePath(append([]cue.Selector(nil), sels...)...)}
	if t.Kind() == reflect.Pointer {
		elem, err := newPlan(t.Elem(), v, sels)
		if err != nil {
			return nil, err
		}
		p.kind, p.elem = planPtr, elem
		return p, nil
	}
	_, hasDef := v.Default()
	op, args := v.Expr()
	switch t.Kind() {
	case reflect.Struct:
		if hasDef || v.IncompleteKind() != cue.StructKind || !v.IsClosed() || v.LookupPath(cue.MakePath(cue.AnyString)).Exists() {
			return cuePlan(p, v), nil
		}
		p.kind, p.byName = planStruct, map[string]int{}
		goFields := map[string]int{}
		for _, f := range structFields(t) {
			goFields[f.name] = f.index
		}
		it, err := v.Fields(cue.Optional(true))
		if err != nil {
			return nil, err
		}
		for it.Next() {
			name := it.Selector().Unquoted()
			i, ok := goFields[name]
			if !ok {
				return nil, fmt.Errorf("%v.%s: no Go field in %v", p.path, name, t)
			}
			sel := cue.Str(name)
			if it.IsOptional() {
				sel = sel.Optional()
			}
			fp, err := newPlan(t.Field(i).Type, it.Value(), append(sels, sel))
			if err != nil {
				return nil, err
			}
			p.byName[name] = len(p.fields)
			p.fields = append(p.fields, planField{name: name, index: i, optional: it.IsOptional(), plan: fp})
		}
		return p, nil
	case reflect.Map:
		if hasDef || v.IncompleteKind() != cue.StructKind || t.Key().Kind() != reflect.String {
			return cuePlan(p, v), nil
		}
		if it, err := v.Fields(cue.Optional(true)); err != nil || it.Next() {
			return cuePlan(p, v), nil // named fields besides the pattern
		}
		elem, err := newPlan(t.Elem(), v.LookupPath(cue.MakePath(cue.AnyString)), append(sels, cue.AnyString))
		if err != nil {
			return nil, err
		}
		p.kind, p.elem = planMap, elem
		return p, nil
	case reflect.Slice:
		// An open list ([...T]) counts as concrete, with the empty list
		// as its default; anything but a plain one is CUE's.
		elemV := v.LookupPath(cue.MakePath(cue.AnyIndex))
		if op != cue.NoOp || v.IncompleteKind() != cue.ListKind || !elemV.Exists() {
			return cuePlan(p, v), nil
		}
		elem, err := newPlan(t.Elem(), elemV, append(sels, cue.AnyIndex))
		if err != nil {
			return nil, err
		}
		p.kind, p.elem = planList, elem
		return p, nil
	case reflect.Interface:
		// string | [...string]: a matcher's value.
		if !hasDef && op == cue.OrOp && len(args) == 2 &&
			args[0].IncompleteKind() == cue.StringKind && !args[0].IsConcrete() &&
			args[1].IncompleteKind() == cue.ListKind {
			if e := args[1].LookupPath(cue.MakePath(cue.AnyIndex)); e.Exists() && e.IncompleteKind() == cue.StringKind && !e.IsConcrete() {
				p.kind = planUnion
				return p, nil
			}
		}
		if a := newAnyPlan(v); a != nil {
			p.kind, p.any = planAny, a
			setAbsent(p, v)
			return p, nil
		}
		return cuePlan(p, v), nil
	case reflect.String, reflect.Int64, reflect.Float64:
		want := map[reflect.Kind]cue.Kind{reflect.String: cue.StringKind, reflect.Int64: cue.IntKind, reflect.Float64: cue.NumberKind}[t.Kind()]
		if v.IncompleteKind() != want {
			return cuePlan(p, v), nil
		}
		anyValue, enum, ok := scalarConstraint(v, 0)
		if !ok || (!anyValue && t.Kind() != reflect.String) {
			return cuePlan(p, v), nil
		}
		p.kind, p.scalar = planScalar, t.Kind()
		if !anyValue {
			p.enum = append([]string{}, enum...) // non-nil: only these
		}
		if d, ok := v.Default(); ok {
			x := reflect.New(t).Elem()
			if !decodeScalar(x, d) {
				return nil, fmt.Errorf("%v: cannot decode the default %v into %v", p.path, d, t)
			}
			p.def, p.hasDef = x, true
		}
		return p, nil
	}
	return cuePlan(p, v), nil
}

// cuePlan makes p a planCUE, with the value unification gives the field
// when the user does not write it (a concrete default).
// scalarConstraint reads a scalar's constraint from its expression: any
// value of its kind, or one of the strings enum. It handles the kind
// itself, string constants, and their disjunctions and conjunctions; ok
// is false for anything else (a bound, a regular expression).
func scalarConstraint(v cue.Value, depth int) (anyValue bool, enum []string, ok bool) {
	if depth > 8 {
		return false, nil, false
	}
	op, args := v.Expr()
	switch op {
	case cue.NoOp:
		if !v.IsConcrete() {
			return true, nil, true
		}
		s, err := v.String()
		return false, []string{s}, err == nil
	case cue.OrOp, cue.AndOp:
		for i, a := range args {
			aAny, aEnum, ok := scalarConstraint(a, depth+1)
			if !ok {
				return false, nil, false
			}
			switch {
			case i == 0:
				anyValue, enum = aAny, aEnum
			case op == cue.OrOp:
				anyValue = anyValue || aAny
				enum = append(enum, aEnum...)
			case anyValue: // AndOp: the narrower of the two
				anyValue, enum = aAny, aEnum
			case !aAny:
				var both []string
				for _, e := range enum {
					if slices.Contains(aEnum, e) {
						both = append(both, e)
					}
				}
				enum = both
			}
		}
		if anyValue {
			enum = nil
		}
		return anyValue, enum, true
	}
	return false, nil, false
}

func cuePlan(p *plan, v cue.Value) *plan {
	p.kind = planCUE
	setAbsent(p, v)
	return p
}

// setAbsent records in p.def the value v decodes to if it is concrete:
// what a required field the user does not write holds.
func setAbsent(p *plan, v cue.Value) {
	if v.Validate(cue.Concrete(true)) == nil {
		x := reflect.New(p.typ).Elem()
		if decodeValue(x, v) {
			p.def, p.hasDef = x, true
		}
	}
}

// deepCopy is a copy of x sharing no map, slice or pointer with it: a
// default is decoded once and handed to every module.
func deepCopy(x reflect.Value) reflect.Value {
	switch x.Kind() {
	case reflect.Map:
		if x.IsNil() {
			return x
		}
		m := reflect.MakeMapWithSize(x.Type(), x.Len())
		for it := x.MapRange(); it.Next(); {
			m.SetMapIndex(it.Key(), deepCopy(it.Value()))
		}
		return m
	case reflect.Slice:
		if x.IsNil() {
			return x
		}
		s := reflect.MakeSlice(x.Type(), x.Len(), x.Len())
		for i := range x.Len() {
			s.Index(i).Set(deepCopy(x.Index(i)))
		}
		return s
	case reflect.Pointer:
		if x.IsNil() {
			return x
		}
		p := reflect.New(x.Type().Elem())
		p.Elem().Set(deepCopy(x.Elem()))
		return p
	case reflect.Interface:
		if x.IsNil() {
			return x
		}
		c := reflect.New(x.Type()).Elem()
		c.Set(deepCopy(x.Elem()))
		return c
	case reflect.Struct:
		c := reflect.New(x.Type()).Elem()
		for i := range x.NumField() {
			c.Field(i).Set(deepCopy(x.Field(i)))
		}
		return c
	}
	return x
}

// syntaxDecoder decodes one module's syntax along a plan.
type syntaxDecoder struct {
	c *Compiler
	// unsure is set when an anyPlan fails on syntax it cannot judge, as
	// opposed to a value CUE would certainly refuse.
	unsure bool
}

// decodeSyntax fills s from the top-level fields of a module's files. It
// reports false when the module must take the slow path.
func (c *Compiler) decodeSyntax(top []*ast.Field, s *spec) bool {
	root, err := modulePlan()
	if err != nil {
		return false
	}
	d := syntaxDecoder{c: c}
	return d.fields(reflect.ValueOf(s).Elem(), root, top)
}

// fields decodes the fields of a struct literal (or of a file's top level)
// into the Go struct x.
func (d *syntaxDecoder) fields(x reflect.Value, p *plan, fields []*ast.Field) bool {
	var seen [64]bool
	if len(p.fields) > len(seen) {
		return false
	}
	fields, ok := mergeFields(fields)
	if !ok {
		return false
	}
	for _, f := range fields {
		name, _ := fieldName(f)
		i, ok := p.byName[name]
		if !ok {
			return false // not allowed: CUE says so
		}
		seen[i] = true
		pf := &p.fields[i]
		if !d.value(x.Field(pf.index), pf.plan, f.Value) {
			return false
		}
	}
	for i := range p.fields {
		if pf := &p.fields[i]; !seen[i] && !pf.optional {
			if !d.absent(x.Field(pf.index), pf.plan) {
				return false
			}
		}
	}
	return true
}

// absent fills x with what unification gives a required field the user
// did not write: its default, and for a struct, map or list the value
// with nothing in it. A required scalar without a default is an error.
func (d *syntaxDecoder) absent(x reflect.Value, p *plan) bool {
	switch p.kind {
	case planScalar:
		if !p.hasDef {
			return false
		}
		x.Set(p.def)
		return true
	case planStruct:
		return d.fields(x, p, nil)
	case planMap:
		x.Set(reflect.MakeMap(p.typ))
		return true
	case planList:
		x.Set(reflect.MakeSlice(p.typ, 0, 0))
		return true
	case planPtr:
		n := reflect.New(p.elem.typ)
		if !d.absent(n.Elem(), p.elem) {
			return false
		}
		x.Set(n)
		return true
	case planCUE, planAny:
		if !p.hasDef {
			return false
		}
		x.Set(deepCopy(p.def))
		return true
	}
	return false
}

// value decodes the expression e into x.
func (d *syntaxDecoder) value(x reflect.Value, p *plan, e ast.Expr) bool {
	switch p.kind {
	case planPtr:
		n := reflect.New(p.elem.typ)
		if !d.value(n.Elem(), p.elem, e) {
			return false
		}
		x.Set(n)
		return true
	case planStruct:
		fields, ok := structFieldsOf(e)
		return ok && d.fields(x, p, fields)
	case planMap:
		fields, ok := structFieldsOf(e)
		if ok {
			fields, ok = mergeFields(fields)
		}
		if !ok {
			return false
		}
		m := reflect.MakeMapWithSize(p.typ, len(fields))
		for _, f := range fields {
			name, _ := fieldName(f)
			k := reflect.ValueOf(name).Convert(p.typ.Key())
			elem := reflect.New(p.typ.Elem()).Elem()
			if !d.value(elem, p.elem, f.Value) {
				return false
			}
			m.SetMapIndex(k, elem)
		}
		x.Set(m)
		return true
	case planList:
		l, ok := e.(*ast.ListLit)
		if !ok {
			return false
		}
		s := reflect.MakeSlice(p.typ, len(l.Elts), len(l.Elts))
		for i, el := range l.Elts {
			if !d.value(s.Index(i), p.elem, el) {
				return false
			}
		}
		x.Set(s)
		return true
	case planUnion:
		if l, ok := e.(*ast.ListLit); ok {
			vals := make([]any, len(l.Elts))
			for i, el := range l.Elts {
				s, ok := stringLit(el)
				if !ok {
					return false
				}
				vals[i] = s
			}
			x.Set(reflect.ValueOf(vals))
			return true
		}
		s, ok := stringLit(e)
		if !ok {
			return false
		}
		x.Set(reflect.ValueOf(s))
		return true
	case planScalar:
		return scalarLit(x, p, e)
	case planAny:
		d.unsure = false
		v, ok := p.any.decode(d, e)
		if !ok {
			return false
		}
		x.Set(reflect.ValueOf(v))
		return true
	case planCUE:
		sv := d.c.planSchema(p)
		if !sv.Exists() {
			return false
		}
		d.c.evaluated++
		uv := d.c.ctx.BuildExpr(e)
		if uv.Err() != nil {
			return false
		}
		u := sv.Unify(uv)
		if u.Validate(cue.Concrete(true)) != nil {
			return false
		}
		return decodeValue(x, u)
	}
	return false
}

// planSchema is the schema value of a planCUE in c's context.
func (c *Compiler) planSchema(p *plan) cue.Value {
	if v, ok := c.planValues[p]; ok {
		return v
	}
	if c.planValues == nil {
		c.planValues = map[*plan]cue.Value{}
	}
	v := c.schema.LookupPath(p.path)
	c.planValues[p] = v
	return v
}

// scalarLit decodes a literal into a string, int64 or float64 as CUE
// would: an int literal fits a number, a float literal does not fit an
// int. Only plain decimal numbers are taken; anything else (1_000, 0x10,
// 1Ki, .5) is left to CUE.
func scalarLit(x reflect.Value, p *plan, e ast.Expr) bool {
	v, k, ok := literalValue(e)
	switch {
	case !ok:
		return false
	case p.scalar == reflect.String && k == cue.StringKind:
		if p.enum != nil && !slices.Contains(p.enum, v.(string)) {
			return false
		}
		x.SetString(v.(string))
	case p.scalar == reflect.Int64 && k == cue.IntKind:
		x.SetInt(v.(int64))
	case p.scalar == reflect.Float64 && k == cue.IntKind:
		x.SetFloat(float64(v.(int64)))
	case p.scalar == reflect.Float64 && k == cue.FloatKind:
		x.SetFloat(v.(float64))
	default:
		return false
	}
	return true
}

// plainInt: decimal digits without a leading zero or underscores.
func plainInt(s string) bool {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// plainFloat: digits '.' digits, with an optional exponent.
func plainFloat(s string) bool {
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	whole, frac, hasDot := strings.Cut(mant, ".")
	if !plainInt(whole) || (hasDot && frac == "") || (!hasDot && !hasExp) {
		return false
	}
	for i := 0; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return false
		}
	}
	if hasExp {
		exp = strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
		if exp == "" {
			return false
		}
		for i := 0; i < len(exp); i++ {
			if exp[i] < '0' || exp[i] > '9' {
				return false
			}
		}
	}
	return true
}

// stringLit is the value of a double-quoted string literal.
func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING || !strings.HasPrefix(lit.Value, `"`) {
		return "", false
	}
	s, err := literal.Unquote(lit.Value)
	return s, err == nil
}

// fieldName is the name of a regular field: an identifier or a quoted
// string, without alias, attribute or constraint marker. Hidden fields and
// definitions are not plain data.
func fieldName(f *ast.Field) (string, bool) {
	if f.Alias != nil || f.Constraint != token.ILLEGAL || len(f.Attrs) > 0 || f.Value == nil {
		return "", false
	}
	switch l := f.Label.(type) {
	case *ast.Ident:
		if l.Name == "" || l.Name[0] == '#' || l.Name[0] == '_' {
			return "", false
		}
		return l.Name, true
	case *ast.BasicLit:
		return stringLit(l)
	}
	return "", false
}

// mergeFields checks that every field is a plain one and merges the
// fields written more than once, as in
//
//	metrics: a: {...}
//	metrics: b: {...}
//
// into one field whose struct holds the fields of them all, which is what
// CUE's unification of the two makes of plain structs (fields written
// twice inside are merged the same way when decoded). A field written
// twice with anything but a struct literal each time is left to CUE.
func mergeFields(fields []*ast.Field) ([]*ast.Field, bool) {
	names := make([]string, len(fields))
	dup := false
	for i, f := range fields {
		name, ok := fieldName(f)
		if !ok {
			return nil, false
		}
		names[i] = name
		for j := range i {
			dup = dup || names[j] == name
		}
	}
	if !dup {
		return fields, true
	}
	var out []*ast.Field
	at := map[string]int{}
	for i, f := range fields {
		j, seen := at[names[i]]
		if !seen {
			at[names[i]] = len(out)
			out = append(out, f)
			continue
		}
		prev, ok1 := out[j].Value.(*ast.StructLit)
		next, ok2 := f.Value.(*ast.StructLit)
		if !ok1 || !ok2 {
			return nil, false
		}
		elts := append(append(make([]ast.Decl, 0, len(prev.Elts)+len(next.Elts)), prev.Elts...), next.Elts...)
		out[j] = &ast.Field{Label: out[j].Label, Value: &ast.StructLit{Elts: elts}}
	}
	return out, true
}

// structFieldsOf is the fields of a struct literal holding nothing else.
func structFieldsOf(e ast.Expr) ([]*ast.Field, bool) {
	s, ok := e.(*ast.StructLit)
	if !ok {
		return nil, false
	}
	return declFields(s.Elts)
}

// declFields is the fields of a declaration list holding only fields
// (and comments).
func declFields(decls []ast.Decl) ([]*ast.Field, bool) {
	fields := make([]*ast.Field, 0, len(decls))
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.Field:
			fields = append(fields, d)
		case *ast.CommentGroup:
		default:
			return nil, false
		}
	}
	return fields, true
}

// An anyPlan decodes a value of the schema into the Go values Decode
// stores in an interface (string, int64, float64, bool, []any,
// map[string]any), for the parts of the schema that are disjunctions of
// structs and constants, such as an SLO's alerting tiers
// (`*{severity: "critical"} | #Tier | false`). A disjunction is decided
// the way CUE decides it: every disjunct the value unifies with survives,
// equal results merge, and of several the default wins.
type anyPlan struct {
	kind anyKind
	val  any                 // aConst
	scal cue.Kind            // aScalar: the kinds allowed
	flds map[string]anyField // aStruct
	// aStruct: fields besides the named ones may be allowed (a pattern
	// constraint, or an open struct); the fast path cannot tell.
	open  bool
	elem  *anyPlan   // aMap, aList
	parts []*anyPlan // aDisj
	def   int        // aDisj: the default part, or -1
}

type anyKind uint8

const (
	aConst anyKind = iota
	aScalar
	aStruct
	aMap
	aList
	aDisj
)

type anyField struct {
	optional bool
	plan     *anyPlan
	// absent is the field's value when the user does not write it, if it
	// has a concrete one.
	absent    any
	hasAbsent bool
}

// newAnyPlan derives the anyPlan of v, or nil if v has a part it does not
// describe.
func newAnyPlan(v cue.Value) *anyPlan {
	op, args := v.Expr()
	if op == cue.OrOp {
		p := &anyPlan{kind: aDisj, def: -1}
		d, hasDef := v.Default()
		for i, a := range args {
			part := newAnyPlan(a)
			if part == nil {
				return nil
			}
			if hasDef && a.IsConcrete() && a.Equals(d) {
				if p.def >= 0 {
					return nil
				}
				p.def = i
			}
			p.parts = append(p.parts, part)
		}
		if hasDef && p.def < 0 {
			return nil
		}
		return p
	}
	switch k := v.IncompleteKind(); k {
	case cue.StructKind:
		// Every struct of #Module is closed: a definition closes the
		// structs in it (the CUE spec), which the disjuncts Expr returns
		// no longer show (IsClosed reports false for them).
		pattern := v.LookupPath(cue.MakePath(cue.AnyString))
		it, err := v.Fields(cue.Optional(true))
		if err != nil {
			return nil
		}
		p := &anyPlan{kind: aStruct, flds: map[string]anyField{}, open: pattern.Exists()}
		for it.Next() {
			fp := newAnyPlan(it.Value())
			if fp == nil {
				return nil
			}
			f := anyField{optional: it.IsOptional(), plan: fp}
			if it.Value().Validate(cue.Concrete(true)) == nil {
				f.absent, f.hasAbsent = anyValue(it.Value())
			}
			p.flds[it.Selector().Unquoted()] = f
		}
		if len(p.flds) == 0 && pattern.Exists() {
			elem := newAnyPlan(pattern)
			if elem == nil {
				return nil
			}
			return &anyPlan{kind: aMap, elem: elem}
		}
		return p
	case cue.ListKind:
		e := v.LookupPath(cue.MakePath(cue.AnyIndex))
		if !e.Exists() {
			return nil // a list of fixed length
		}
		elem := newAnyPlan(e)
		if elem == nil {
			return nil
		}
		return &anyPlan{kind: aList, elem: elem}
	case cue.StringKind, cue.IntKind, cue.FloatKind, cue.NumberKind, cue.BoolKind:
		if op != cue.NoOp {
			return nil // a constraint besides the kind
		}
		if v.IsConcrete() {
			c, ok := anyValue(v)
			if !ok {
				return nil
			}
			return &anyPlan{kind: aConst, val: c}
		}
		return &anyPlan{kind: aScalar, scal: k}
	}
	return nil
}

// decode is the value of e along p. On failure it sets d.unsure unless
// CUE would certainly refuse e here, which a disjunction needs to know.
func (p *anyPlan) decode(d *syntaxDecoder, e ast.Expr) (any, bool) {
	switch p.kind {
	case aConst, aScalar:
		v, k, ok := d.scalarAny(e)
		if !ok {
			return nil, false
		}
		if p.kind == aConst {
			return v, v == p.val
		}
		return v, k&p.scal != 0
	case aStruct, aMap:
		s, ok := e.(*ast.StructLit)
		if !ok {
			d.unsure = d.unsure || !isLiteral(e)
			return nil, false
		}
		fields, ok := declFields(s.Elts)
		if !ok {
			d.unsure = true
			return nil, false
		}
		m := make(map[string]any, len(fields))
		for _, f := range fields {
			name, ok := fieldName(f)
			if !ok {
				d.unsure = true
				return nil, false
			}
			if _, dup := m[name]; dup {
				d.unsure = true // CUE unifies the two
				return nil, false
			}
			fp := p.elem
			if p.kind == aStruct {
				pf, known := p.flds[name]
				if !known {
					d.unsure = d.unsure || p.open
					return nil, false
				}
				fp = pf.plan
			}
			v, ok := fp.decode(d, f.Value)
			if !ok {
				return nil, false
			}
			m[name] = v
		}
		for name, f := range p.flds {
			if _, written := m[name]; written || f.optional {
				continue
			}
			if !f.hasAbsent {
				d.unsure = true // incomplete: CUE would say so
				return nil, false
			}
			m[name] = deepCopy(reflect.ValueOf(f.absent)).Interface()
		}
		return m, true
	case aList:
		l, ok := e.(*ast.ListLit)
		if !ok {
			d.unsure = d.unsure || !isLiteral(e)
			return nil, false
		}
		vals := make([]any, len(l.Elts))
		for i, el := range l.Elts {
			v, ok := p.elem.decode(d, el)
			if !ok {
				return nil, false
			}
			vals[i] = v
		}
		return vals, true
	case aDisj:
		var got []any
		def := -1
		for i, part := range p.parts {
			v, ok := part.decode(d, e)
			if d.unsure {
				return nil, false
			}
			if !ok {
				continue
			}
			j := 0
			for j < len(got) && !reflect.DeepEqual(got[j], v) {
				j++
			}
			if j == len(got) {
				got = append(got, v)
			}
			if i == p.def {
				def = j
			}
		}
		switch {
		case len(got) == 1:
			return got[0], true
		case len(got) > 1 && def >= 0:
			return got[def], true
		}
		d.unsure = true // no disjunct, or several and no default: CUE's to report
		return nil, false
	}
	d.unsure = true
	return nil, false
}

// scalarAny is literalValue, for an anyPlan: a struct or list literal is
// a certain mismatch; any other syntax, or a number not in plain decimal,
// sets d.unsure.
func (d *syntaxDecoder) scalarAny(e ast.Expr) (any, cue.Kind, bool) {
	v, k, ok := literalValue(e)
	if !ok {
		_, isStruct := e.(*ast.StructLit)
		_, isList := e.(*ast.ListLit)
		d.unsure = d.unsure || !(isStruct || isList)
	}
	return v, k, ok
}

// literalValue is a scalar literal as Decode stores it in an interface
// (string, bool, int64 or float64), and its kind; ok is false for any
// other syntax, a number not in plain decimal, or one that does not fit
// 64 bits (numberRange's to report).
func literalValue(e ast.Expr) (v any, k cue.Kind, ok bool) {
	sign := ""
	if u, isUnary := e.(*ast.UnaryExpr); isUnary && u.Op == token.SUB {
		sign, e = "-", u.X
	}
	lit, isLit := e.(*ast.BasicLit)
	if !isLit {
		return nil, 0, false
	}
	switch {
	case lit.Kind == token.STRING && sign == "":
		if s, ok := stringLit(lit); ok {
			return s, cue.StringKind, true
		}
	case (lit.Kind == token.TRUE || lit.Kind == token.FALSE) && sign == "":
		return lit.Kind == token.TRUE, cue.BoolKind, true
	case lit.Kind == token.INT && plainInt(lit.Value):
		if i, err := strconv.ParseInt(sign+lit.Value, 10, 64); err == nil {
			return i, cue.IntKind, true
		}
	case lit.Kind == token.FLOAT && plainFloat(lit.Value):
		if f, err := strconv.ParseFloat(sign+lit.Value, 64); err == nil {
			return f, cue.FloatKind, true
		}
	}
	return nil, 0, false
}

// isLiteral reports whether e is a literal: a struct, list, string,
// number or boolean. Where another kind is wanted, CUE certainly refuses
// it; any other syntax the fast path cannot judge.
func isLiteral(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.StructLit, *ast.ListLit, *ast.BasicLit:
		return true
	case *ast.UnaryExpr:
		_, ok := e.X.(*ast.BasicLit)
		return ok && e.Op == token.SUB
	}
	return false
}
