package main

import (
	"fmt"
	"go/token"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tinysystems/obsc/targets"
	"github.com/tinysystems/obsc/targets/gogen"
)

// newGenCmd is `obsc gen go`: typed instrumentation code from the spec.
// Its files go into a source tree, next to the user's own, so it writes
// only its own files and never removes anything.
func newGenCmd(c *cli) *command {
	fs := pflag.NewFlagSet("gen", pflag.ContinueOnError)
	out := fs.StringP("out", "o", "", "directory of the Go package to write (required)")
	pkg := fs.String("package", "", "Go package name (default: the base name of the -o directory)")
	check := fs.Bool("check", false, "write nothing: diff the generated file against DIR and exit 1 on drift")
	cmd := &command{
		name:  "gen",
		args:  "go -o DIR [--package NAME] [--check] [PATTERN...]",
		short: "generate typed Go instrumentation (client_golang) for a module into DIR/<module>.go",
		flags: fs,
	}
	cmd.run = func(args []string) int {
		if len(args) == 0 || args[0] != "go" {
			return c.usageErr("gen", "want a language: obsc gen go -o DIR [--package NAME] [PATTERN...]")
		}
		args = args[1:]
		if *out == "" {
			return c.usageErr("gen", "-o DIR is required")
		}
		name := *pkg
		if name == "" {
			abs, err := filepath.Abs(*out)
			if err != nil {
				return c.usageErr("gen", "%v", err)
			}
			name = strings.ReplaceAll(filepath.Base(abs), "-", "_")
		}
		if !token.IsIdentifier(name) || token.IsKeyword(name) || name == "_" {
			return c.usageErr("gen", "package name %q is not a Go identifier; set --package", name)
		}
		mods, ok := c.compileAll(args)
		if !ok {
			return exitFail
		}
		if len(mods) > 1 {
			names := make([]string, len(mods))
			for i, m := range mods {
				names[i] = m.Name
			}
			return c.usageErr("gen", "%d modules match (%s): each module needs a Go package of its own; run obsc gen go once per module with its own -o",
				len(mods), strings.Join(names, ", "))
		}
		files := targets.FileSet{}
		for _, m := range mods {
			f, err := gogen.Render(m, name)
			if err != nil {
				fmt.Fprintln(c.stderr, "obsc:", err)
				return exitFail
			}
			if err := files.Merge(f); err != nil {
				fmt.Fprintln(c.stderr, "obsc:", err)
				return exitFail
			}
		}
		tree, err := targets.ReadTree(*out)
		if err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		// Only the files of this run count: the package directory holds the
		// user's code too, and gen never prunes.
		own := tree.Subset(files.Paths())
		if *check {
			changes, err := targets.Compare(own, files)
			if err != nil {
				fmt.Fprintln(c.stderr, "obsc:", err)
				return exitFail
			}
			for _, ch := range changes {
				fmt.Fprint(c.stdout, ch.Diff)
			}
			if len(changes) > 0 {
				fmt.Fprintf(c.stderr, "obsc: %s is out of date; run obsc gen go -o %s --package %s %s\n",
					*out, *out, name, strings.Join(args, " "))
				return exitFail
			}
			fmt.Fprintf(c.stderr, "obsc: %s is up to date\n", *out)
			return exitOK
		}
		changes, err := targets.Write(*out, files, own)
		if err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		for _, p := range files.Paths() {
			state := "unchanged"
			for _, ch := range changes {
				if ch.Path == p {
					state = map[string]string{"missing": "new", "changed": "changed"}[ch.Kind]
				}
			}
			fmt.Fprintf(c.stderr, "obsc: %s (%s)\n", filepath.Join(*out, p), state)
		}
		return exitOK
	}
	return cmd
}
