package importer

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// labelAction is a template action that prints one label and nothing
// else.
var labelAction = regexp.MustCompile(`\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}`)

// rewriteLabelRefs rewrites the $labels references of an alert template:
// a label of consts becomes the text given for it (where an action prints
// it alone, that text, else a string holding it), a label of rename
// another label. Whole names only: team_name is not team. It returns the
// labels of consts it wrote, in order.
func rewriteLabelRefs(v string, consts, rename map[string]string) (string, []string) {
	var used []string
	use := func(l string) {
		if !slices.Contains(used, l) {
			used = append(used, l)
		}
	}
	v = labelAction.ReplaceAllStringFunc(v, func(a string) string {
		l := labelAction.FindStringSubmatch(a)[1]
		c, ok := consts[l]
		if !ok || strings.Contains(c, "{{") {
			return a
		}
		use(l)
		return c
	})
	v = labelRefRE.ReplaceAllStringFunc(v, func(r string) string {
		l := r[len("$labels."):]
		if c, ok := consts[l]; ok {
			use(l)
			return strconv.Quote(c)
		}
		if to, ok := rename[l]; ok {
			return "$labels." + to
		}
		return r
	})
	return v, used
}
