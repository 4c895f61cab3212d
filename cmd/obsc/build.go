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
		bc := c.openBuildCache(*cacheDir, *out)
		defer bc.abort()
		var prev *targets.State
		if bc != nil {
			prev = bc.state
		}
		if *check {
			return c.buildCheck(args, *out, bc, prev)
		}
		// An interrupt must not leave the staging directory behind: the
		// build stops writing and Close removes it.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		o, err := targets.Open(ctx, *out)
		if err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		defer o.Close()
		// The tree is read first: the build cache takes unchanged
		// modules' files from it. Its error is reported after the spec
		// errors, with nothing written.
		tree, treeErr := o.Scan(prev)
		var dst sink = o
		if treeErr != nil {
			tree = targets.NewTree()
			dst = tree.Checker(false)
		}
		nmods, ok := c.build(args, bc, tree, dst)
		if !ok {
			return exitFail
		}
		if treeErr != nil {
			fmt.Fprintln(c.stderr, "obsc:", treeErr)
			return exitFail
		}
		c.leavingAlone(*out, tree, o.Has)
		res, err := o.Commit()
		timing.stage("commit")
		if errors.Is(err, targets.ErrInterrupted) {
			fmt.Fprintf(c.stderr, "obsc: interrupted; %s left as it was\n", *out)
			return exitFail
		}
		if err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		bc.save(o.State)
		if res.InPlace != "" {
			fmt.Fprintf(c.stderr, "obsc: wrote %s file by file, not as a whole: %s\n", *out, res.InPlace)
		}
		counts := map[string]int{}
		for _, ch := range res.Changes {
			counts[ch.Kind]++
		}
		fmt.Fprintf(c.stderr, "obsc: %s, %s in %s (%d new, %d changed, %d removed)\n",
			count(nmods, "module"), count(o.Len(), "file"), *out, counts["missing"], counts["changed"], counts["stale"])
		return exitOK
	}
	return cmd
}

// buildCheck is build --check: it renders as build does and compares,
// writing nothing but, in the cache, the State that spares the next check
// reading unchanged files and the modules' entries.
func (c *cli) buildCheck(args []string, out string, bc *buildCache, prev *targets.State) int {
	tree, treeErr := targets.Scan(out, prev)
	if treeErr != nil {
		tree = targets.NewTree()
	}
	chk := tree.Checker(true)
	nmods, ok := c.build(args, bc, tree, chk)
	if !ok {
		return exitFail
	}
	if treeErr != nil {
		fmt.Fprintln(c.stderr, "obsc:", treeErr)
		return exitFail
	}
	bc.save(tree.State)
	c.leavingAlone(out, tree, chk.Has)
	changes, err := chk.Changes()
	if err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return exitFail
	}
	for _, ch := range changes {
		fmt.Fprint(c.stdout, ch.Diff)
	}
	if len(changes) > 0 {
		differ := count(len(changes), "file") + " differ"
		if len(changes) == 1 {
			differ += "s"
		}
		fmt.Fprintf(c.stderr, "obsc: %s is out of date: %s; run obsc build -o %s\n", out, differ, out)
		return exitFail
	}
	fmt.Fprintf(c.stderr, "obsc: %s is up to date (%s, %s)\n", out, count(nmods, "module"), count(chk.Len(), "file"))
	return exitOK
}

// leavingAlone notes the foreign files of tree that the build does not
// overwrite.
func (c *cli) leavingAlone(out string, tree *targets.Tree, generated func(string) bool) {
	for _, f := range tree.ForeignPaths() {
		if !generated(f) {
			fmt.Fprintf(c.stderr, "obsc: leaving %s alone: not written by obsc\n", filepath.Join(out, f))
		}
	}
}
