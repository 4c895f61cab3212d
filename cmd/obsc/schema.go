package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/encoding/jsonschema"
	"github.com/spf13/pflag"

	"github.com/tinysystems/obsc/schema"
)

// newSchemaCmd prints the embedded module schema, as CUE for `cue vet` and
// the CUE language server, or as JSON Schema for editors that only know
// YAML/JSON tooling.
func newSchemaCmd(c *cli) *command {
	fs := pflag.NewFlagSet("schema", pflag.ContinueOnError)
	format := fs.String("format", "cue", "cue (the embedded schema, package obs) or jsonschema (JSON Schema 2020-12 of #Module)")
	cmd := &command{name: "schema", args: "[--format cue|jsonschema]", short: "print the module schema for editors and cue vet", flags: fs}
	cmd.run = func(args []string) int {
		if len(args) > 0 {
			return c.usageErr("schema", "takes no arguments")
		}
		switch *format {
		case "cue":
			c.stdout.Write(schema.Source)
			return exitOK
		case "jsonschema":
			data, err := jsonSchema()
			if err != nil {
				fmt.Fprintln(c.stderr, "obsc:", err)
				return exitFail
			}
			c.stdout.Write(data)
			return exitOK
		}
		return c.usageErr("schema", "--format must be cue or jsonschema, not %q", *format)
	}
	return cmd
}

// jsonSchema generates a JSON Schema of #Module from the embedded CUE
// schema, so both say the same by construction.
func jsonSchema() ([]byte, error) {
	ctx := cuecontext.New()
	def, err := schema.Module(ctx)
	if err != nil {
		return nil, err
	}
	expr, err := jsonschema.Generate(def, &jsonschema.GenerateConfig{})
	if err != nil {
		return nil, fmt.Errorf("internal error: JSON Schema generation: %w", err)
	}
	v := ctx.BuildExpr(expr)
	if err := v.Err(); err != nil {
		return nil, fmt.Errorf("internal error: JSON Schema generation: %w", err)
	}
	raw, err := v.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("internal error: JSON Schema generation: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	defs, _ := doc["$defs"].(map[string]any)
	inlineRefs(doc, defs)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// inlineRefs merges a $ref into a closed object schema that refines it
// (CUE's `#Probe & {period: *"10s" | string}`): the generator writes both
// `$ref` and `additionalProperties: false`, and in JSON Schema
// additionalProperties does not see the properties of the $ref, so it
// would refuse every field of #Probe.
func inlineRefs(n any, defs map[string]any) {
	switch x := n.(type) {
	case map[string]any:
		for _, v := range x {
			inlineRefs(v, defs)
		}
		ref, _ := x["$ref"].(string)
		props, hasProps := x["properties"].(map[string]any)
		name, ok := strings.CutPrefix(ref, "#/$defs/")
		def, _ := defs[name].(map[string]any)
		if !ok || !hasProps || def == nil || x["additionalProperties"] != false {
			return
		}
		if dp, ok := def["properties"].(map[string]any); ok {
			for k, v := range dp {
				if _, set := props[k]; !set {
					props[k] = v
				}
			}
		}
		req := map[string]bool{}
		for _, r := range append(asSlice(x["required"]), asSlice(def["required"])...) {
			if s, ok := r.(string); ok {
				req[s] = true
			}
		}
		if len(req) > 0 {
			var out []any
			for _, k := range sortedBool(req) {
				out = append(out, k)
			}
			x["required"] = out
		}
		delete(x, "$ref")
	case []any:
		for _, v := range x {
			inlineRefs(v, defs)
		}
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func sortedBool(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
