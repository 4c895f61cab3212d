package compile

import (
	"slices"
	"sort"
	"strings"
	"text/template/parse"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// labelSet is what the series of a PromQL expression's result may carry
// as labels. A closed set lists every label they can have: an
// aggregation keeps its by labels and nothing else. An open set is a
// selector's series, which carry whatever the target and the exporter
// gave them; it lists only the labels they surely lack (those an
// aggregation's without dropped). Prometheus fills an alert template's
// $labels from these labels alone, not from the rule's own labels.
type labelSet struct {
	closed bool
	names  map[string]bool // closed: the labels it may have; open: the labels it surely lacks
}

func openSet() labelSet { return labelSet{names: map[string]bool{}} }

func closedSet(ls ...string) labelSet {
	s := labelSet{closed: true, names: make(map[string]bool, len(ls))}
	for _, l := range ls {
		s.names[l] = true
	}
	return s
}

// may reports whether a series of the result can carry label l.
func (s labelSet) may(l string) bool {
	if s.closed {
		return s.names[l]
	}
	return !s.names[l]
}

// sorted lists a closed set's labels.
func (s labelSet) sorted() []string {
	out := make([]string, 0, len(s.names))
	for l := range s.names {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// keepOnly is s with only the labels ls (Prometheus' on(...) matching).
func (s labelSet) keepOnly(ls []string) labelSet {
	out := closedSet()
	for _, l := range ls {
		if s.may(l) {
			out.names[l] = true
		}
	}
	return out
}

// drop is s without the labels ls (without(...), ignoring(...)).
func (s labelSet) drop(ls ...string) labelSet { return s.with(false, ls) }

// add is s with the labels ls (label_replace, group_left(...)).
func (s labelSet) add(ls ...string) labelSet { return s.with(true, ls) }

// with is s with the labels ls present or absent: a closed set lists the
// present ones, an open set the absent ones.
func (s labelSet) with(present bool, ls []string) labelSet {
	out := labelSet{closed: s.closed, names: make(map[string]bool, len(s.names)+len(ls))}
	for l := range s.names {
		out.names[l] = true
	}
	for _, l := range ls {
		if present == s.closed {
			out.names[l] = true
		} else {
			delete(out.names, l)
		}
	}
	return out
}

// union is what a series of either set may carry (or).
func union(a, b labelSet) labelSet {
	if a.closed && b.closed {
		return a.add(b.sorted()...)
	}
	out := openSet()
	for _, s := range []labelSet{a, b} {
		if s.closed {
			continue
		}
		for l := range s.names {
			if !a.may(l) && !b.may(l) {
				out.names[l] = true
			}
		}
	}
	return out
}

// labelPreserving are the functions whose result keeps the labels of
// their vector argument (less __name__, which templates are not checked
// for). A function not listed, and not handled in resultLabels, makes the
// result open: obsc does not guess.
var labelPreserving = map[string]bool{
	"abs": true, "ceil": true, "floor": true, "round": true, "exp": true, "ln": true, "log2": true, "log10": true,
	"sqrt": true, "sgn": true, "clamp": true, "clamp_min": true, "clamp_max": true,
	"rate": true, "irate": true, "increase": true, "delta": true, "idelta": true, "deriv": true, "predict_linear": true,
	"resets": true, "changes": true, "timestamp": true, "sort": true, "sort_desc": true,
	"sort_by_label": true, "sort_by_label_desc": true, "holt_winters": true, "double_exponential_smoothing": true,
	"avg_over_time": true, "min_over_time": true, "max_over_time": true, "sum_over_time": true, "count_over_time": true,
	"quantile_over_time": true, "stddev_over_time": true, "stdvar_over_time": true, "last_over_time": true,
	"present_over_time": true, "mad_over_time": true, "first_over_time": true,
	"day_of_month": true, "day_of_week": true, "day_of_year": true, "days_in_month": true,
	"hour": true, "minute": true, "month": true, "year": true,
	"acos": true, "acosh": true, "asin": true, "asinh": true, "atan": true, "atanh": true,
	"cos": true, "cosh": true, "sin": true, "sinh": true, "tan": true, "tanh": true, "deg": true, "rad": true,
}

// resultLabels is the label set of e's result, as Prometheus computes it
// (promql.resultMetric and the aggregations): exact where e says
// (aggregations, on/ignoring, group_left/right), open for selectors and
// for anything obsc does not model.
func resultLabels(e parser.Expr) labelSet {
	switch x := e.(type) {
	case *parser.ParenExpr:
		return resultLabels(x.Expr)
	case *parser.StepInvariantExpr:
		return resultLabels(x.Expr)
	case *parser.UnaryExpr:
		return resultLabels(x.Expr)
	case *parser.SubqueryExpr:
		return resultLabels(x.Expr)
	case *parser.MatrixSelector, *parser.VectorSelector:
		return openSet()
	case *parser.NumberLiteral, *parser.StringLiteral:
		return closedSet()
	case *parser.AggregateExpr:
		switch x.Op {
		case parser.TOPK, parser.BOTTOMK, parser.LIMITK, parser.LIMIT_RATIO:
			return resultLabels(x.Expr) // they pick series, labels and all
		case parser.COUNT_VALUES:
			lit, ok := x.Param.(*parser.StringLiteral)
			if !ok {
				return openSet()
			}
			if x.Without {
				return resultLabels(x.Expr).drop(x.Grouping...).add(lit.Val)
			}
			return closedSet(append(slices.Clone(x.Grouping), lit.Val)...)
		}
		if x.Without {
			return resultLabels(x.Expr).drop(x.Grouping...)
		}
		return closedSet(x.Grouping...)
	case *parser.Call:
		return callLabels(x)
	case *parser.BinaryExpr:
		lt, rt := x.LHS.Type(), x.RHS.Type()
		switch {
		case lt != parser.ValueTypeVector && rt != parser.ValueTypeVector:
			return closedSet()
		case lt != parser.ValueTypeVector:
			return resultLabels(x.RHS)
		case rt != parser.ValueTypeVector:
			return resultLabels(x.LHS)
		}
		vm := x.VectorMatching
		if vm == nil || vm.FillValues.LHS != nil || vm.FillValues.RHS != nil {
			return openSet()
		}
		switch x.Op {
		case parser.LAND, parser.LUNLESS:
			return resultLabels(x.LHS)
		case parser.LOR:
			return union(resultLabels(x.LHS), resultLabels(x.RHS))
		}
		switch vm.Card {
		case parser.CardOneToOne:
			if vm.On {
				return resultLabels(x.LHS).keepOnly(vm.MatchingLabels)
			}
			return resultLabels(x.LHS).drop(vm.MatchingLabels...)
		case parser.CardManyToOne:
			return resultLabels(x.LHS).add(vm.Include...)
		case parser.CardOneToMany:
			return resultLabels(x.RHS).add(vm.Include...)
		}
	}
	return openSet()
}

// callLabels is resultLabels of a function call.
func callLabels(x *parser.Call) labelSet {
	if x.Type() == parser.ValueTypeScalar {
		return closedSet()
	}
	name := x.Func.Name
	switch name {
	case "vector":
		return closedSet()
	case "label_replace", "label_join":
		if len(x.Args) > 1 {
			if dst, ok := x.Args[1].(*parser.StringLiteral); ok {
				return resultLabels(x.Args[0]).add(dst.Val)
			}
		}
		return openSet()
	case "absent", "absent_over_time":
		if len(x.Args) == 1 {
			return absentLabels(x.Args[0])
		}
		return openSet()
	case "histogram_quantile":
		if len(x.Args) == 2 {
			return resultLabels(x.Args[1]).drop("le")
		}
		return openSet()
	}
	if !labelPreserving[name] {
		return openSet()
	}
	for _, a := range x.Args {
		if t := a.Type(); t == parser.ValueTypeVector || t == parser.ValueTypeMatrix {
			return resultLabels(a)
		}
	}
	return closedSet() // day_of_week() and the like: vector(time())
}

// absentLabels is resultLabels of absent(arg) and absent_over_time(arg):
// the labels of the selector's = matchers with a value, each the only
// matcher of its label, and none when arg is not a selector (promql's
// createLabelsForAbsentFunction).
func absentLabels(arg parser.Expr) labelSet {
	out := closedSet()
	var vs *parser.VectorSelector
	switch a := arg.(type) {
	case *parser.VectorSelector:
		vs = a
	case *parser.MatrixSelector:
		vs, _ = a.VectorSelector.(*parser.VectorSelector)
	}
	if vs == nil {
		return out
	}
	matchers := map[string]int{}
	for _, m := range vs.LabelMatchers {
		matchers[m.Name]++
	}
	for _, m := range vs.LabelMatchers {
		if m.Name != prommodel.MetricNameLabel && m.Type == labels.MatchEqual && m.Value != "" && matchers[m.Name] == 1 {
			out.names[m.Name] = true
		}
	}
	return out
}

// UnreadableLabels lists the labels text reads from $labels ($labels.x,
// index $labels "x") that no series of an alert's result can carry, so
// that Prometheus prints them empty: the result of e, or, when e is nil,
// of an aggregation by exactly by (errorRatio, quantile).
func UnreadableLabels(e parser.Expr, by []string, text string) []string {
	r := closedSet(by...)
	if e != nil {
		r = resultLabels(e)
	}
	return r.unreadable(text)
}

// unreadable lists the labels text reads from $labels that no series of
// s may carry.
func (s labelSet) unreadable(text string) []string {
	var out []string
	for _, l := range templateLabels(text) {
		if !s.may(l) {
			out = append(out, l)
		}
	}
	return out
}

// templateLabels lists, once each and in order, the labels text reads
// from $labels ($labels.name, index $labels "name"), found in the
// template's parse tree, so that comments and string literals do not
// count. Text that does not parse lists none (its error is reported on
// its own).
func templateLabels(text string) []string {
	if !strings.Contains(text, "{{") {
		return nil
	}
	tree := parse.New("obsc")
	tree.Mode = parse.SkipFuncCheck
	if _, err := tree.Parse(templateDefs+text, "{{", "}}", map[string]*parse.Tree{}); err != nil {
		return nil
	}
	var out []string
	found := func(l string) {
		if l != "__name__" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch x := n.(type) {
		case *parse.ListNode:
			if x != nil {
				for _, c := range x.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(x.Pipe)
		case *parse.IfNode:
			walk(x.Pipe)
			walk(x.List)
			walk(x.ElseList)
		case *parse.RangeNode:
			walk(x.Pipe)
			walk(x.List)
			walk(x.ElseList)
		case *parse.WithNode:
			walk(x.Pipe)
			walk(x.List)
			walk(x.ElseList)
		case *parse.TemplateNode:
			walk(x.Pipe)
		case *parse.PipeNode:
			if x == nil {
				return
			}
			for _, c := range x.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			if len(x.Args) >= 3 {
				if id, ok := x.Args[0].(*parse.IdentifierNode); ok && id.Ident == "index" {
					if v, ok := x.Args[1].(*parse.VariableNode); ok && len(v.Ident) == 1 && v.Ident[0] == "$labels" {
						if s, ok := x.Args[2].(*parse.StringNode); ok {
							found(s.Text)
						}
					}
				}
			}
			for _, a := range x.Args {
				walk(a)
			}
		case *parse.ChainNode:
			// ($labels).name
			if p, ok := x.Node.(*parse.PipeNode); ok && len(p.Cmds) == 1 && len(p.Cmds[0].Args) == 1 && len(x.Field) > 0 {
				if v, ok := p.Cmds[0].Args[0].(*parse.VariableNode); ok && len(v.Ident) == 1 && v.Ident[0] == "$labels" {
					found(x.Field[0])
				}
			}
			walk(x.Node)
		case *parse.VariableNode:
			if len(x.Ident) > 1 && x.Ident[0] == "$labels" {
				found(x.Ident[1])
			}
		}
	}
	walk(tree.Root)
	return out
}
