package compile

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tinysystems/obsc/compile/ir"
)

// Error is one problem in a module spec: where, what is wrong and, when
// obsc can tell, what would be right.
type Error struct {
	Pos     ir.Pos
	Msg     string   // what is wrong, lowercase, no final period
	Hint    string   // what would be right; "" when there is nothing to add
	Related []ir.Pos // other places that contributed (the other side of a conflict)
}

func (e *Error) Error() string {
	s := e.Pos.String() + ": " + e.Msg
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	for i, p := range e.Related {
		if i == 0 {
			s += " (see also "
		} else {
			s += ", "
		}
		s += p.String()
		if i == len(e.Related)-1 {
			s += ")"
		}
	}
	return s
}

// Errorf builds an Error at pos. hint may be empty.
func Errorf(pos ir.Pos, hint, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// Errors is a list of spec errors. Sort orders it by position and drops
// duplicates; the compiler returns it sorted.
type Errors []*Error

func (l Errors) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Sort orders the list by file, line, column and message and removes exact
// duplicates.
func (l Errors) Sort() Errors {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.Error() < b.Error()
	})
	out := l[:0]
	for i, e := range l {
		if i > 0 && e.Error() == l[i-1].Error() {
			continue
		}
		out = append(out, e)
	}
	return out
}

// Relative returns a copy of the list with file names relative to cwd
// (slash-separated, "./" kept off), as obsc prints them.
func (l Errors) Relative(cwd string) Errors {
	out := make(Errors, len(l))
	for i, e := range l {
		c := *e
		c.Pos.File = RelPath(cwd, c.Pos.File)
		c.Related = make([]ir.Pos, len(e.Related))
		for j, p := range e.Related {
			p.File = RelPath(cwd, p.File)
			c.Related[j] = p
		}
		out[i] = &c
	}
	return out
}

// RelPath makes an absolute file name relative to cwd when it lies below
// it, and slash-separated.
func RelPath(cwd, file string) string {
	if file == "" || !filepath.IsAbs(file) {
		return filepath.ToSlash(file)
	}
	if rel, err := filepath.Rel(cwd, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(file)
}

// suggest returns `did you mean "x"?` for the candidate closest to s, when
// one is close enough to be a likely typo.
func suggest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := levenshtein(strings.ToLower(s), strings.ToLower(c))
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	limit := 2
	if len(s) > 8 {
		limit = 3
	}
	if best == "" || bestD > limit || bestD >= len(s) {
		return ""
	}
	return fmt.Sprintf("did you mean %q?", best)
}

// oneOf renders the allowed values for a hint, e.g. `one of "a", "b"`.
func oneOf(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return "one of " + strings.Join(q, ", ")
}

// suggestOrList hints at a near miss, or else lists what is allowed.
func suggestOrList(s string, candidates []string) string {
	if h := suggest(s, candidates); h != "" {
		return h
	}
	if len(candidates) == 0 {
		return ""
	}
	if len(candidates) > 12 {
		return "declared: " + oneOf(candidates[:12])[len("one of "):] + ", ..."
	}
	return "must be " + oneOf(candidates)
}

// labelsHint hints at a near miss among a metric's labels, or lists them.
func labelsHint(l string, labels []string) string {
	if h := suggest(l, labels); h != "" {
		return h
	}
	if len(labels) == 0 {
		return "it has no labels"
	}
	return "its labels: " + strings.Join(labels, ", ")
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
