package main

import (
	"path/filepath"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/load"
	"cuelang.org/go/encoding/json"
	"cuelang.org/go/encoding/jsonschema"

	"github.com/tinysystems/obsc/schema"
)

// TestJSONSchemaValidatesExamples: the JSON Schema `obsc schema --format
// jsonschema` prints accepts every example module (as JSON, with the
// schema's defaults filled in, as an editor sees a complete document) and
// refuses a misspelt field, as the CUE schema does.
func TestJSONSchemaValidatesExamples(t *testing.T) {
	data, err := jsonSchema()
	if err != nil {
		t.Fatal(err)
	}
	ctx := cuecontext.New()
	expr, err := json.Extract("schema.json", data)
	if err != nil {
		t.Fatal(err)
	}
	f, err := jsonschema.Extract(ctx.BuildExpr(expr), &jsonschema.Config{})
	if err != nil {
		t.Fatalf("the generated JSON Schema does not decode: %v", err)
	}
	js := ctx.BuildFile(f)
	if err := js.Err(); err != nil {
		t.Fatal(err)
	}
	def, err := schema.Module(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dirs, _ := filepath.Glob("../../examples/*")
	if len(dirs) == 0 {
		t.Fatal("no examples")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			insts := load.Instances([]string{"."}, &load.Config{Dir: dir})
			v := ctx.BuildInstance(insts[0])
			full := def.Unify(v)
			raw, err := full.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			doc, err := json.Extract("example.json", raw)
			if err != nil {
				t.Fatal(err)
			}
			if err := js.Unify(ctx.BuildExpr(doc)).Validate(cue.Concrete(true)); err != nil {
				t.Errorf("JSON Schema refuses %s: %v", dir, err)
			}
			bad := ctx.BuildExpr(doc).FillPath(cue.ParsePath("module.nmae"), "x")
			if err := js.Unify(bad).Validate(cue.Concrete(true)); err == nil {
				t.Errorf("JSON Schema accepts the unknown field module.nmae")
			}
		})
	}
}
