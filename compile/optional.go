package compile

import (
	"slices"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"
)

// deadOptionals reports every field of the module's data written with
// CUE's optional marker (team?: "platform") and a value in it, where the
// module has no regular field of that name: CUE reads x?: v as a
// constraint on a field that may be set elsewhere, not as the field, so
// obsc never sees v. Copying the spec reference, which marks optional
// fields with ?, does exactly that. Definitions, hidden fields and
// pattern constraints, where x?: is what the author means, are not
// looked at; nor is a field whose value is only a type, an enum or a
// default (buckets?: [...number], refresh?: *"30s" | string), which says
// nothing obsc would miss.
func deadOptionals(files []*ast.File, user cue.Value) Errors {
	var errs Errors
	var walk func(decls []ast.Decl, path []cue.Selector)
	walk = func(decls []ast.Decl, path []cue.Selector) {
		for _, d := range decls {
			f, ok := d.(*ast.Field)
			if !ok {
				continue
			}
			name, ok := regularLabel(f.Label)
			if !ok {
				continue
			}
			p := append(slices.Clip(path), cue.Str(name))
			switch {
			case f.Constraint == token.OPTION:
				if !hasValue(f.Value) || user.LookupPath(cue.MakePath(p...)).Exists() {
					continue
				}
				where := cue.MakePath(p...).String()
				label := name
				if !ast.IsValidIdent(name) {
					label = literal.String.Quote(name)
				}
				errs = append(errs, Errorf(toPos(f.Pos()), "write "+label+": without the ?",
					"%s is written as an optional field (%s?:), which CUE reads as a constraint, not a value: the module has no %s, and obsc ignores what it says",
					where, label, where))
			case f.Constraint == token.ILLEGAL:
				if st, ok := f.Value.(*ast.StructLit); ok {
					walk(st.Elts, p)
				}
			}
		}
	}
	for _, f := range files {
		walk(f.Decls, nil)
	}
	return errs
}

// regularLabel is the name of a field label that is a plain identifier or
// string: not a definition, a hidden field, a pattern or an interpolation.
func regularLabel(l ast.Label) (string, bool) {
	switch l := l.(type) {
	case *ast.Ident:
		if strings.HasPrefix(l.Name, "#") || strings.HasPrefix(l.Name, "_") {
			return "", false
		}
		return l.Name, true
	case *ast.BasicLit:
		if l.Kind != token.STRING {
			return "", false
		}
		s, err := literal.Unquote(l.Value)
		return s, err == nil
	}
	return "", false
}

// hasValue reports whether e holds a literal outside a default (*v) and
// a disjunction (a | b): a value, as opposed to a type or an enum.
func hasValue(e ast.Expr) bool {
	found := false
	ast.Walk(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.UnaryExpr:
			return n.Op != token.MUL
		case *ast.BinaryExpr:
			return n.Op != token.OR
		case *ast.BasicLit:
			found = true
		case *ast.Ident:
			found = found || n.Name == "true" || n.Name == "false"
		}
		return !found
	}, nil)
	return found
}
