package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1 // spec errors, drift, failed writes
	exitUsage = 2
)

// cli carries what every subcommand needs.
type cli struct {
	stdout, stderr io.Writer
	cwd            string
}

// command is one subcommand: its flags and what it runs.
type command struct {
	name  string
	args  string // usage after the name
	short string
	flags *pflag.FlagSet
	run   func(args []string) int
}

func (c *cli) commands() []*command {
	return []*command{
		newBuildCmd(c),
		newCheckCmd(c),
		newCardinalityCmd(c),
		newGenCmd(c),
		newImportCmd(c),
		newInitCmd(c),
		newSchemaCmd(c),
		newVersionCmd(c),
	}
}

// Main runs obsc with os.Args and returns the exit status.
func Main() int {
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "obsc:", err)
		return exitFail
	}
	return (&cli{stdout: os.Stdout, stderr: os.Stderr, cwd: cwd}).main(os.Args[1:])
}

func (c *cli) main(args []string) int {
	cmds := c.commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		c.usage(cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, cmd := range cmds {
		if cmd.name != args[0] {
			continue
		}
		cmd.flags.SetOutput(c.stderr)
		cmd.flags.Usage = func() {
			fmt.Fprintf(c.stderr, "usage: obsc %s %s\n\n%s\n\nflags:\n%s", cmd.name, cmd.args, cmd.short, cmd.flags.FlagUsages())
		}
		if err := cmd.flags.Parse(args[1:]); err != nil {
			if errors.Is(err, pflag.ErrHelp) {
				return exitOK
			}
			fmt.Fprintf(c.stderr, "obsc %s: %v\n", cmd.name, err)
			return exitUsage
		}
		return cmd.run(cmd.flags.Args())
	}
	fmt.Fprintf(c.stderr, "obsc: unknown command %q\n", args[0])
	c.usage(cmds)
	return exitUsage
}

func (c *cli) usage(cmds []*command) {
	var b strings.Builder
	b.WriteString("obsc compiles module.cue monitoring specs into Prometheus rules, Grafana dashboards\nand Kubernetes scrape and probe configuration.\n\nusage:\n")
	for _, cmd := range cmds {
		fmt.Fprintf(&b, "  obsc %s %s\n        %s\n", cmd.name, cmd.args, cmd.short)
	}
	b.WriteString("\nA PATTERN is a module directory, or DIR/... for every module directory below DIR (default ./...).\n")
	fmt.Fprint(c.stderr, b.String())
}

// usageErr prints a usage error for cmd and returns exitUsage.
func (c *cli) usageErr(cmd, format string, args ...any) int {
	fmt.Fprintf(c.stderr, "obsc %s: %s\n", cmd, fmt.Sprintf(format, args...))
	return exitUsage
}

// count is n and the noun, in the plural unless n is 1: "1 module",
// "3 errors".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
