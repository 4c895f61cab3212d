package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/targets"
)

var update = flag.Bool("update", false, "rewrite golden files and testscript expectations")

// TestMain turns targets.SelfCheck on, in process and in every obsc the
// tests run (testscript, the kill test): every file a test renders is put
// through the real parsers.
func TestMain(m *testing.M) {
	os.Setenv("OBSC_SELFCHECK", "1")
	targets.SelfCheck = true
	compile.SelfCheck = true
	testscript.Main(m, map[string]func(){
		"obsc": func() { os.Exit(Main()) },
	})
}

// TestScript runs the CLI scripts in testdata/script: the command line,
// exit codes and the exact error output are part of obsc's contract.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": exitsCmd,
		},
	})
}

// exitsCmd is `exits N PROG ARGS...`: run PROG (like exec) and require
// exit status N, so scripts can tell spec errors (1) from usage errors (2).
func exitsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad status %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}
