// Package schema embeds the obsc module language as a CUE package.
//
// module.cue is the machine form of SPEC.md: #Module and its parts, closed
// so that a misspelt field is an error, carrying the documented defaults.
package schema

import (
	_ "embed"
	"fmt"

	"cuelang.org/go/cue"
)

// Source is the CUE text of the schema (package obs).
//
//go:embed module.cue
var Source []byte

// Filename is the name schema positions are reported under.
const Filename = "obsc/schema/module.cue"

// Module compiles the schema in ctx and returns #Module. Compile it once per
// context and reuse the value: it is immutable.
func Module(ctx *cue.Context) (cue.Value, error) {
	v := ctx.CompileBytes(Source, cue.Filename(Filename))
	if err := v.Err(); err != nil {
		return cue.Value{}, fmt.Errorf("internal error: embedded schema: %w", err)
	}
	def := v.LookupPath(cue.ParsePath("#Module"))
	if err := def.Err(); err != nil {
		return cue.Value{}, fmt.Errorf("internal error: embedded schema: %w", err)
	}
	return def, nil
}
