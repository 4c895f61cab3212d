package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/tinysystems/obsc/targets"
)

func newBuildCmd(c *cli) *command {
	fs := pflag.NewFlagSet("build", pflag.ContinueOnError)
	out := fs.StringP("out", "o", "out", "output directory")
	check := fs.Bool("check", false, "write nothing: diff the output directory against what would be written and exit 1 on drift")
	cmd := &command{name: "build", args: "[-o DIR] [--check] [--cache DIR|off] [PATTERN...]", short: "compile modules and write their output to DIR (default ./out)", flags: fs}
	cacheDir := fs.String("cache", "", "build cache directory, or \"off\" (default $OBSC_CACHE, else $XDG_CACHE_HOME/obsc)")
	cmd.run = func(args []string) int {
		// The tree is read first: the build cache takes unchanged
		// modules' files from it. Its error is reported after the
		// spec errors, as before.
		tree, treeErr := targets.ReadTree(*out)
		files, nmods, ok := c.build(args, c.openCache(*cacheDir), tree)
		if !ok {
			return exitFail
		}
		if treeErr != nil {
			fmt.Fprintln(c.stderr, "obsc:", treeErr)
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
			fmt.Fprintf(c.stderr, "obsc: %s is up to date (%d modules, %d files)\n", *out, nmods, len(files))
			return exitOK
		}
		// From here on an interrupt must not leave the staging directory
		// behind: Replace stops before the swap and removes it.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		res, err := targets.Replace(ctx, *out, files, tree)
		if errors.Is(err, targets.ErrInterrupted) {
			fmt.Fprintf(c.stderr, "obsc: interrupted; %s left as it was\n", *out)
			return exitFail
		}
		if err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		if res.InPlace != "" {
			fmt.Fprintf(c.stderr, "obsc: wrote %s file by file, not as a whole: %s\n", *out, res.InPlace)
		}
		counts := map[string]int{}
		for _, ch := range res.Changes {
			counts[ch.Kind]++
		}
		fmt.Fprintf(c.stderr, "obsc: %d modules, %d files in %s (%d new, %d changed, %d removed)\n",
			nmods, len(files), *out, counts["missing"], counts["changed"], counts["stale"])
		return exitOK
	}
	return cmd
}
