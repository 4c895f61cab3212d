package compile

import (
	"path/filepath"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/load"

	"github.com/tinysystems/obsc/schema"
)

// cueVet is what a cue user runs without obsc:
//
//	cue export ./module --out json | cue vet -c -d '#Module' schema.cue json: -
//
// done through the CUE API: export the user's package to JSON on its own,
// then validate that data against #Module of the schema file. It returns
// the error messages.
func cueVet(t *testing.T, dir string) []string {
	t.Helper()
	ctx := cuecontext.New()
	inst := load.Instances([]string{"."}, &load.Config{Dir: dir})[0]
	var err error
	if inst.Err != nil {
		err = inst.Err
	} else if v := ctx.BuildInstance(inst); v.Err() != nil {
		err = v.Err()
	} else if data, jerr := v.MarshalJSON(); jerr != nil {
		err = jerr // cue export fails on a non-concrete value
	} else {
		def := ctx.CompileBytes(schema.Source).LookupPath(cue.ParsePath("#Module"))
		err = def.Unify(ctx.CompileBytes(data)).Validate(cue.Concrete(true))
	}
	var out []string
	for _, e := range cueerrors.Errors(err) {
		out = append(out, e.Error())
	}
	return out
}

// TestCueVetAgrees: on every bad case and example, `cue vet` with the
// schema fails exactly when obsc reports a syntax or type error (obsc
// runs its semantic checks only on a well-typed spec).
func TestCueVetAgrees(t *testing.T) {
	c, err := NewCompiler()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/bad/*.txtar")
	dirs := map[string]string{"examples/http-module": "../examples/http-module", "examples/orders": "../examples/orders"}
	for _, file := range files {
		dirs[file] = caseDir(t, file)
	}
	schemaErrors := 0
	for name, dir := range dirs {
		t.Run(name, func(t *testing.T) {
			_, _, errs := c.load(dir)
			vet := cueVet(t, dir)
			if (len(errs) > 0) != (len(vet) > 0) {
				t.Fatalf("obsc schema errors %v, cue vet errors %v: they disagree", errs, vet)
			}
			if len(errs) > 0 {
				schemaErrors++
			}
		})
	}
	if schemaErrors < 5 {
		t.Errorf("only %d cases exercise schema errors", schemaErrors)
	}
}
