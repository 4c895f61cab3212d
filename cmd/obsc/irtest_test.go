package main

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/irtest"
)

// TestIRFixturesMatchExamples keeps the hand-written fixtures the target
// tests share (internal/irtest) equal to what compile builds from the
// examples, so a target test starting from irtest.Seed() renders what
// users of examples/http-module get. Positions and the source directory
// are left out (they depend on the checkout), and nil and empty slices or
// maps count as equal (targets range over them).
func TestIRFixturesMatchExamples(t *testing.T) {
	tests := map[string]struct {
		dir  string
		want *ir.Module
	}{
		"irtest.Seed is examples/http-module": {"http-module", irtest.Seed()},
		"irtest.Orders is examples/orders":    {"orders", irtest.Orders()},
	}
	c, err := compile.NewCompiler()
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, errs := c.Module(filepath.Join(examplesDir, tc.dir))
			if len(errs) > 0 {
				t.Fatalf("compile %s: %v", tc.dir, errs)
			}
			opts := cmp.Options{
				cmpopts.EquateEmpty(),
				cmpopts.IgnoreTypes(ir.Pos{}),
				cmpopts.IgnoreFields(ir.Module{}, "Dir"),
			}
			if diff := cmp.Diff(tc.want, got, opts); diff != "" {
				t.Errorf("compile %s mismatch (-irtest +compile):\n%s", tc.dir, diff)
			}
		})
	}
}
