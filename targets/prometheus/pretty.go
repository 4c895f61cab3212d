package prometheus

import (
	"bytes"
	"slices"
	"strconv"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	promparser "github.com/prometheus/prometheus/promql/parser"
)

// maxLineLength is promparser's maxCharactersPerLine: Prettify splits a
// node whose text is longer.
const maxLineLength = 100

// A printer prints expressions as promparser.Prettify does, faster.
//
// Prettify asks every node it reaches for its text (String) to decide
// whether to split it, and prints the node's text again when it does not;
// each String prints the node's whole subtree, and an aggregation's
// allocates a kilobyte buffer. A printer works out the length of each
// node's text once, from its children's, by the same rules as String
// (info), splits nodes as Prettify does (pretty), and writes the text of
// a node it does not split straight into the output (write). Leaves, and
// nodes of other kinds, which obsc's expressions rarely hold, are printed
// by promparser, as Prettify would print them and their subtrees. Under
// targets.SelfCheck every printed expression is compared with Prettify's
// (builder.prettify).
type printer struct {
	texts map[promparser.Node]nodeText // of the expression being printed
	b     []byte
	// selectors holds the text of every vector selector printed, which
	// nothing modifies (rangedExpr sets the range of matrix selectors
	// only): the selectors the rules of an SLO share are printed once.
	selectors map[*promparser.VectorSelector]string
	scratch   []byte // selectorText's
}

// nodeText is what a printer knows of a node's text.
type nodeText struct {
	n int // the length of n.String()
	// text is n.String() for a node that promparser prints (whole); short
	// is the ShortString of a binary expression or an aggregation: the
	// operator and its modifiers.
	text, short string
	whole       bool
}

// prettify returns e as promparser.Prettify prints it.
func (p *printer) prettify(e promparser.Expr) string {
	if p.texts == nil {
		p.texts = map[promparser.Node]nodeText{}
	}
	// The tree may have changed since the last expression (rangedExpr
	// sets its ranges): nothing is kept.
	clear(p.texts)
	p.b = p.b[:0]
	p.pretty(e, 0)
	return string(p.b)
}

// info returns what the printer knows of n's text, working it out from
// its children's as n's String method puts it together.
func (p *printer) info(n promparser.Node) nodeText {
	if t, ok := p.texts[n]; ok {
		return t
	}
	var t nodeText
	switch n := n.(type) {
	case *promparser.BinaryExpr:
		t.short = binaryShort(n) // the operator, bool and the vector matching
		t.n = p.info(n.LHS).n + 1 + len(t.short) + 1 + p.info(n.RHS).n
	case *promparser.ParenExpr:
		t.n = 1 + p.info(n.Expr).n + 1
	case *promparser.Call:
		if n.Func == nil {
			t = whole(n)
			break
		}
		t.n = len(n.Func.Name) + 2
		for i, a := range n.Args {
			if i > 0 {
				t.n += 2 // ", "
			}
			t.n += p.info(a).n
		}
	case *promparser.AggregateExpr:
		if !wellFormed(n) {
			t = whole(n)
			break
		}
		t.short = aggregateShort(n) // the operator and its grouping
		t.n = len(t.short) + 1 + p.info(n.Expr).n + 1
		if n.Op.IsAggregatorWithParam() {
			t.n += p.info(n.Param).n + 2
		}
	case *promparser.VectorSelector:
		s, ok := p.selectors[n]
		if !ok {
			s = p.selectorText(n)
		}
		t = nodeText{n: len(s), text: s, whole: true}
	case *promparser.MatrixSelector:
		t = p.matrixText(n)
	case *promparser.NumberLiteral:
		if n.Duration {
			t = whole(n)
			break
		}
		s := strconv.FormatFloat(n.Val, 'f', -1, 64) // as String
		t = nodeText{n: len(s), text: s, whole: true}
	default:
		t = whole(n)
	}
	p.texts[n] = t
	return t
}

// binaryShort is n.ShortString(), without its buffer when n has no
// vector matching to print.
func binaryShort(n *promparser.BinaryExpr) string {
	if vm := n.VectorMatching; vm != nil && (len(vm.MatchingLabels) > 0 || vm.On ||
		vm.Card == promparser.CardManyToOne || vm.Card == promparser.CardOneToMany ||
		vm.FillValues.LHS != nil || vm.FillValues.RHS != nil) {
		return n.ShortString()
	}
	if n.ReturnBool {
		return n.Op.String() + " bool"
	}
	return n.Op.String()
}

// aggregateShort is n.ShortString() (which allocates a kilobyte buffer)
// when its grouping labels need no quoting.
func aggregateShort(n *promparser.AggregateExpr) string {
	if n.Without || len(n.Grouping) == 0 {
		return n.ShortString()
	}
	size := len(n.Op.String()) + len(" by () ")
	for _, l := range n.Grouping {
		if !prommodel.LegacyValidation.IsValidLabelName(l) {
			return n.ShortString()
		}
		size += len(l) + 2
	}
	b := make([]byte, 0, size)
	b = append(b, n.Op.String()...)
	b = append(b, " by ("...)
	for i, l := range n.Grouping {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, l...)
	}
	return string(append(b, ") "...))
}

// plainSelector reports whether n has no modifier (@, offset, anchored,
// smoothed): its text is the name and the matchers.
func plainSelector(n *promparser.VectorSelector) bool {
	return n.Timestamp == nil && n.StartOrEnd == 0 && !n.Anchored && !n.Smoothed &&
		n.OriginalOffset == 0 && n.OriginalOffsetExpr == nil
}

// selectorText returns n.String(), and keeps it: the name, then the
// matchers but the name's, sorted by their text, each name, operator and
// quoted value. Selectors with modifiers or label names to quote are left
// to String.
func (p *printer) selectorText(n *promparser.VectorSelector) string {
	s, ok := p.appendSelector(n)
	if !ok {
		s = n.String()
	}
	if p.selectors == nil {
		p.selectors = map[*promparser.VectorSelector]string{}
	}
	p.selectors[n] = s
	return s
}

func (p *printer) appendSelector(n *promparser.VectorSelector) (string, bool) {
	if !plainSelector(n) {
		return "", false
	}
	// The matchers' texts, one after another in scratch, by their ends.
	var endsBuf [8]int
	ends := endsBuf[:0]
	b := p.scratch[:0]
	for _, m := range n.LabelMatchers {
		if m == nil || m.Name == prommodel.MetricNameLabel && m.Type == labels.MatchEqual && m.Value == n.Name && m.Value != "" {
			continue
		}
		if !prommodel.LegacyValidation.IsValidLabelName(m.Name) {
			return "", false
		}
		b = append(b, m.Name...)
		b = append(b, m.Type.String()...)
		b = strconv.AppendQuote(b, m.Value)
		ends = append(ends, len(b))
	}
	p.scratch = b
	text := func(i int) []byte {
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		return b[start:ends[i]]
	}
	var orderBuf [8]int
	order := orderBuf[:0]
	size := len(n.Name) + 2
	for i := range ends {
		order = append(order, i)
		size += len(text(i)) + 1
	}
	slices.SortFunc(order, func(i, j int) int { return bytes.Compare(text(i), text(j)) })
	out := make([]byte, 0, size)
	out = append(out, n.Name...)
	if len(order) > 0 {
		out = append(out, '{')
		for k, i := range order {
			if k > 0 {
				out = append(out, ',')
			}
			out = append(out, text(i)...)
		}
		out = append(out, '}')
	}
	return string(out), true
}

// matrixText is what the printer knows of a range selector's text: its
// selector's and its range, when neither has modifiers.
func (p *printer) matrixText(n *promparser.MatrixSelector) nodeText {
	vs, ok := n.VectorSelector.(*promparser.VectorSelector)
	if !ok || n.RangeExpr != nil || !plainSelector(vs) {
		return whole(n)
	}
	sel := p.info(vs).text
	r := prommodel.Duration(n.Range).String()
	s := make([]byte, 0, len(sel)+len(r)+2)
	s = append(s, sel...)
	s = append(s, '[')
	s = append(s, r...)
	s = append(s, ']')
	return nodeText{n: len(s), text: string(s), whole: true}
}

// whole is the text of a node promparser prints.
func whole(n promparser.Node) nodeText {
	s := n.String()
	return nodeText{n: len(s), text: s, whole: true}
}

// write appends n.String().
func (p *printer) write(n promparser.Node) {
	t := p.info(n)
	if t.whole {
		p.b = append(p.b, t.text...)
		return
	}
	switch n := n.(type) {
	case *promparser.BinaryExpr:
		p.write(n.LHS)
		p.b = append(p.b, ' ')
		p.b = append(p.b, t.short...)
		p.b = append(p.b, ' ')
		p.write(n.RHS)
	case *promparser.ParenExpr:
		p.b = append(p.b, '(')
		p.write(n.Expr)
		p.b = append(p.b, ')')
	case *promparser.Call:
		p.b = append(p.b, n.Func.Name...)
		p.b = append(p.b, '(')
		for i, a := range n.Args {
			if i > 0 {
				p.b = append(p.b, ", "...)
			}
			p.write(a)
		}
		p.b = append(p.b, ')')
	case *promparser.AggregateExpr:
		p.b = append(p.b, t.short...)
		p.b = append(p.b, '(')
		if n.Op.IsAggregatorWithParam() {
			p.write(n.Param)
			p.b = append(p.b, ", "...)
		}
		p.write(n.Expr)
		p.b = append(p.b, ')')
	}
}

// wellFormed reports whether an aggregation has the operands its
// operator takes, as every parsed one has.
func wellFormed(n *promparser.AggregateExpr) bool {
	return n.Expr != nil && (n.Param != nil || !n.Op.IsAggregatorWithParam())
}

// pretty appends n as n.Pretty(level) prints it.
func (p *printer) pretty(n promparser.Node, level int) {
	switch n.(type) {
	case *promparser.VectorSelector, *promparser.MatrixSelector, *promparser.NumberLiteral, *promparser.StringLiteral:
		p.indent(level) // never split
		p.write(n)
		return
	case *promparser.AggregateExpr, *promparser.BinaryExpr, *promparser.Call, *promparser.ParenExpr:
	default:
		p.b = append(p.b, n.Pretty(level)...)
		return
	}
	t := p.info(n)
	switch {
	case t.whole: // a call or aggregation a failed parse left incomplete
		p.b = append(p.b, n.Pretty(level)...)
		return
	case t.n <= maxLineLength:
		p.indent(level)
		p.write(n)
		return
	}
	switch n := n.(type) {
	case *promparser.AggregateExpr:
		p.indent(level)
		p.b = append(p.b, t.short...)
		p.b = append(p.b, "(\n"...)
		if n.Op.IsAggregatorWithParam() {
			p.pretty(n.Param, level+1)
			p.b = append(p.b, ",\n"...)
		}
		p.pretty(n.Expr, level+1)
		p.close(level)
	case *promparser.BinaryExpr:
		p.pretty(n.LHS, level+1)
		p.b = append(p.b, '\n')
		p.indent(level)
		p.b = append(p.b, t.short...)
		p.b = append(p.b, '\n')
		p.pretty(n.RHS, level+1)
	case *promparser.Call:
		p.indent(level)
		p.b = append(p.b, n.Func.Name...)
		p.b = append(p.b, "(\n"...)
		for i, a := range n.Args {
			if i > 0 {
				p.b = append(p.b, ",\n"...)
			}
			p.pretty(a, level+1)
		}
		p.close(level)
	case *promparser.ParenExpr:
		p.indent(level)
		p.b = append(p.b, "(\n"...)
		p.pretty(n.Expr, level+1)
		p.close(level)
	}
}

// indent appends level levels of two-space indentation.
func (p *printer) indent(level int) {
	for range level {
		p.b = append(p.b, "  "...)
	}
}

// close ends a split node's operands: a line break and its closing
// parenthesis on a line of its own.
func (p *printer) close(level int) {
	p.b = append(p.b, '\n')
	p.indent(level)
	p.b = append(p.b, ')')
}
