// Package compiletest compiles a module directory for tests that need the
// real IR of an example or a generated module.
package compiletest

import (
	"testing"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
)

// Module compiles the module in dir and fails the test on any error.
func Module(tb testing.TB, dir string) *ir.Module {
	tb.Helper()
	c, err := compile.NewCompiler()
	if err != nil {
		tb.Fatal(err)
	}
	m, errs := c.Module(dir)
	if len(errs) > 0 {
		tb.Fatalf("compile %s:\n%v", dir, errs)
	}
	return m
}
