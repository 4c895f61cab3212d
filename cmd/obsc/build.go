package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/tinysystems/obsc/targets"
)

func newBuildCmd(c *cli) *command {
	fs := pflag.NewFlagSet("build", pflag.ContinueOnError)
	out := fs.StringP("out", "o", "out", "output directory")
	check := fs.Bool("check", false, "write nothing: diff the output directory against what would be written and exit 1 on drift")
	cmd := &command{name: "build", args: "[-o DIR] [--check] [PATTERN...]", short: "compile modules and write their output to DIR (default ./out)", flags: fs}
	cmd.run = func(args []string) int {
		mods, ok := c.compileAll(args)
		if !ok {
			return exitFail
		}
		files, err := render(mods)
		if err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		tree, err := targets.ReadTree(*out)
		if err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		for _, f := range tree.ForeignPaths() {
			if _, generated := files[f]; !generated {
				fmt.Fprintf(c.stderr, "obsc: leaving %s alone: not written by obsc\n", filepath.Join(*out, f))
			}
		}
		if *check {
			changes := targets.Compare(tree, files)
			for _, ch := range changes {
				fmt.Fprint(c.stdout, ch.Diff)
			}
			if len(changes) > 0 {
				fmt.Fprintf(c.stderr, "obsc: %s is out of date: %d file(s) differ; run obsc build -o %s\n", *out, len(changes), *out)
				return exitFail
			}
			fmt.Fprintf(c.stderr, "obsc: %s is up to date (%d modules, %d files)\n", *out, len(mods), len(files))
			return exitOK
		}
		changes, err := targets.Write(*out, files, tree)
		if err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		counts := map[string]int{}
		for _, ch := range changes {
			counts[ch.Kind]++
		}
		fmt.Fprintf(c.stderr, "obsc: %d modules, %d files in %s (%d new, %d changed, %d removed)\n",
			len(mods), len(files), *out, counts["missing"], counts["changed"], counts["stale"])
		return exitOK
	}
	return cmd
}
