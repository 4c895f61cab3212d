package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tinysystems/obsc/compile"
)

func newCheckCmd(c *cli) *command {
	fs := pflag.NewFlagSet("check", pflag.ContinueOnError)
	format := fs.String("format", "text", "how to print diagnostics: text (stderr), json (stdout, for editors and CI) or github (stdout, GitHub Actions ::error annotations)")
	cmd := &command{name: "check", args: "[--format text|json|github] [PATTERN...]", short: "compile modules and run every check; write nothing", flags: fs}
	cmd.run = func(args []string) int {
		switch *format {
		case "text", "json", "github":
		default:
			return c.usageErr("check", "--format must be text, json or github, not %q", *format)
		}
		if *format == "text" {
			mods, ok := c.compileAll(args)
			if !ok {
				return exitFail
			}
			if err := render(mods); err != nil {
				fmt.Fprintln(c.stderr, "obsc:", err)
				return exitFail
			}
			fmt.Fprintf(c.stderr, "obsc: %s OK\n", count(len(mods), "module"))
			return exitOK
		}
		res, err := compile.AllMatching(args)
		if err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		errs := res.Errors.Relative(c.cwd)
		if len(errs) == 0 {
			if err := render(res.Modules); err != nil {
				fmt.Fprintln(c.stderr, "obsc:", err)
				return exitFail
			}
		}
		if *format == "json" {
			writeJSONDiagnostics(c.stdout, errs, len(res.Modules))
		} else {
			writeGitHubDiagnostics(c.stdout, errs)
		}
		if len(errs) > 0 {
			fmt.Fprintf(c.stderr, "obsc: %s\n", count(len(errs), "error"))
			return exitFail
		}
		fmt.Fprintf(c.stderr, "obsc: %s OK\n", count(len(res.Modules), "module"))
		return exitOK
	}
	return cmd
}

// diagnostic is one error as `obsc check --format json` prints it.
type diagnostic struct {
	File     string     `json:"file"`
	Line     int        `json:"line"`
	Column   int        `json:"column"`
	Severity string     `json:"severity"`
	Message  string     `json:"message"`
	Fix      string     `json:"suggestedFix,omitempty"`
	Related  []location `json:"related,omitempty"`
}

type location struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// checkReport is the JSON document `obsc check --format json` prints.
type checkReport struct {
	OK          bool         `json:"ok"`
	Modules     int          `json:"modules"`
	Diagnostics []diagnostic `json:"diagnostics"`
}

func writeJSONDiagnostics(w io.Writer, errs compile.Errors, modules int) {
	r := checkReport{OK: len(errs) == 0, Modules: modules, Diagnostics: []diagnostic{}}
	for _, e := range errs {
		d := diagnostic{File: e.Pos.File, Line: e.Pos.Line, Column: e.Pos.Col, Severity: "error", Message: e.Msg, Fix: e.Hint}
		for _, p := range e.Related {
			d.Related = append(d.Related, location{File: p.File, Line: p.Line, Column: p.Col})
		}
		r.Diagnostics = append(r.Diagnostics, d)
	}
	data, _ := json.MarshalIndent(r, "", "  ")
	fmt.Fprintf(w, "%s\n", data)
}

// writeGitHubDiagnostics prints GitHub Actions workflow commands, which
// annotate the file and line in the pull request.
func writeGitHubDiagnostics(w io.Writer, errs compile.Errors) {
	for _, e := range errs {
		msg := e.Msg
		if e.Hint != "" {
			msg += "; " + e.Hint
		}
		for _, p := range e.Related {
			msg += " (see also " + p.String() + ")"
		}
		var props []string
		if e.Pos.File != "" {
			props = append(props, "file="+ghProp(e.Pos.File))
		}
		if e.Pos.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", e.Pos.Line))
		}
		if e.Pos.Col > 0 {
			props = append(props, fmt.Sprintf("col=%d", e.Pos.Col))
		}
		props = append(props, "title=obsc")
		fmt.Fprintf(w, "::error %s::%s\n", strings.Join(props, ","), ghData(msg))
	}
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
