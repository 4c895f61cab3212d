package main

import (
	"fmt"

	"github.com/spf13/pflag"
)

func newCheckCmd(c *cli) *command {
	fs := pflag.NewFlagSet("check", pflag.ContinueOnError)
	cmd := &command{name: "check", args: "[PATTERN...]", short: "compile modules and run every check; write nothing", flags: fs}
	cmd.run = func(args []string) int {
		mods, ok := c.compileAll(args)
		if !ok {
			return exitFail
		}
		if _, err := render(mods); err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		fmt.Fprintf(c.stderr, "obsc: %d module(s) OK\n", len(mods))
		return exitOK
	}
	return cmd
}
