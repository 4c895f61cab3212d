package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/pflag"
)

// version is set with -ldflags "-X main.version=..." for releases.
var version = ""

func newVersionCmd(c *cli) *command {
	fs := pflag.NewFlagSet("version", pflag.ContinueOnError)
	cmd := &command{name: "version", short: "print the obsc version", flags: fs}
	cmd.run = func(args []string) int {
		if len(args) > 0 {
			return c.usageErr("version", "takes no arguments")
		}
		v := version
		if v == "" {
			v = "(devel)"
			if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
				v = bi.Main.Version
			}
		}
		fmt.Fprintf(c.stdout, "obsc %s %s\n", v, runtime.Version())
		return exitOK
	}
	return cmd
}
