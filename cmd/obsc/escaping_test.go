package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/yaml"
)

// escapeModule declares label values full of PromQL and regexp syntax:
// quotes, braces, newlines, backslashes, alternation and wildcards. They
// are legal Prometheus label values, so obsc accepts them; what it must
// get right is the escaping.
const escapeModule = `package obs

module: {name: "esc", namespace: "ns"}
scrape: {selector: app: "esc", portNumber: 8080}
labels: status: values: ["ok", "err\"or}", "a\nb", "c\\d", "x|y", ".*", "{x=\"y\"}", "ok2"]
metrics: requests_total: {type: "counter", help: "Requests", labels: ["status"]}
alerts: Errors: {errorRatio: {metric: "requests_total", errors: status: ["err\"or}", "a\nb", "c\\d", "x|y", ".*"]}, above: 0.05, for: "5m"}
slos: avail: {objective: 99.9, ratio: {metric: "requests_total", errors: status: "{x=\"y\"}"}}
`

// TestLabelValueEscaping builds a module whose declared label values are
// PromQL and regexp syntax, parses every expression of the generated rules
// and dashboard, and checks that each matcher on the label selects exactly
// the error values it was written for (or exactly the others), never more
// or fewer: the values were escaped, not glued in. With promtool present,
// the rule file and its unit tests must pass too.
func TestLabelValueEscaping(t *testing.T) {
	work := t.TempDir()
	writeFile(t, filepath.Join(work, "esc", "module.cue"), escapeModule)
	if code, _, stderr := obscExec(t, work, nil, "build", "-o", "out", "esc"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	declared := []string{"ok", `err"or}`, "a\nb", `c\d`, "x|y", ".*", `{x="y"}`, "ok2"}
	errorSets := [][]string{
		{`err"or}`, "a\nb", `c\d`, "x|y", ".*"},
		{`{x="y"}`},
	}
	var allowed []string
	for _, set := range errorSets {
		allowed = append(allowed, strings.Join(set, "|"), strings.Join(complement(declared, set), "|"))
	}

	var exprs []string
	var rules struct {
		Groups []struct {
			Rules []struct {
				Expr string `json:"expr"`
			} `json:"rules"`
		} `json:"groups"`
	}
	data, err := os.ReadFile(filepath.Join(work, "out", "esc", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &rules); err != nil {
		t.Fatal(err)
	}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			exprs = append(exprs, r.Expr)
		}
	}
	data, err = os.ReadFile(filepath.Join(work, "out", "esc", "dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash any
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatal(err)
	}
	collectExprs(dash, &exprs)

	p := parser.NewParser(parser.Options{})
	checked := 0
	for _, e := range exprs {
		if strings.Contains(e, "$__") {
			e = strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$__range", "1h").Replace(e)
		}
		ast, err := p.ParseExpr(e)
		if err != nil {
			t.Errorf("generated expression does not parse: %v\n%s", err, e)
			continue
		}
		parser.Inspect(ast, func(n parser.Node, _ []parser.Node) error {
			vs, ok := n.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			for _, m := range vs.LabelMatchers {
				if m.Name != "status" {
					continue
				}
				var sel []string
				for _, v := range declared {
					if m.Matches(v) {
						sel = append(sel, v)
					}
				}
				checked++
				if got := strings.Join(sel, "|"); !contains(allowed, got) {
					t.Errorf("matcher %s selects %q, want one of the error sets or their complements\nin %s", m, sel, e)
				}
			}
			return nil
		})
	}
	if checked < 4 {
		t.Errorf("only %d status matchers in %d expressions; want the SLO and alert selectors checked", checked, len(exprs))
	}
	if _, err := exec.LookPath("promtool"); err == nil {
		for _, args := range [][]string{{"check", "rules", "rules.yaml"}, {"test", "rules", "rules_test.yaml"}} {
			cmd := exec.Command("promtool", args...)
			cmd.Dir = filepath.Join(work, "out", "esc")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
	}
}

func complement(all, set []string) []string {
	var out []string
	for _, v := range all {
		if !contains(set, v) {
			out = append(out, v)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// collectExprs appends every "expr" string of a decoded JSON document.
func collectExprs(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if s, ok := v[k].(string); ok && k == "expr" && s != "" {
				*out = append(*out, s)
				continue
			}
			collectExprs(v[k], out)
		}
	case []any:
		for _, e := range v {
			collectExprs(e, out)
		}
	}
}
