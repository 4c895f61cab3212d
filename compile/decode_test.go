package compile

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"cuelang.org/go/cue"

	"github.com/tinysystems/obsc/bench/corpus"
)

// decodeCases put numbers at the edges of int64 and float64, in fields
// and in defaults, and add required, optional, hidden and definition
// fields, which decodeSpec must treat as Decode and numberRange do.
var decodeCases = []string{
	"cardinality: replicas: 9223372036854775807\n",
	"cardinality: replicas: 9223372036854775808\n",
	"cardinality: replicas: -9223372036854775809\n",
	"cardinality: maxSeries: *100000000000000000000 | int\n",
	"standard: {components: a: ports: [\"x\"], errorTypes: *100000000000000000000 | int}\n",
	"metrics: h: {type: \"histogram\", help: \"h\", buckets: [1e400]}\n",
	"metrics: h: {type: \"histogram\", help: \"h\", buckets: [1e-400, 1]}\n",
	"metrics: h: {type: \"histogram\", help: \"h\", buckets: [-1e400]}\n",
	"metrics: h: {type: \"histogram\", help: \"h\", buckets: [100000000000000000000]}\n",
	"metrics: h: {type: \"histogram\", help: \"h\", buckets: [0.0, 1.5, 2]}\n",
	"slos: s: {objective: 1e400, raw: {errorQuery: \"a\", totalQuery: \"b\"}}\n",
	"alerts: A: {expr: \"sum(queue_depth) > 1\", above: 100000000000000000000}\n",
	"alerts: A: {quantile: {metric: \"latency_seconds\", q: 0.5}, above: *1e400 | number}\n",
	"slos: s: {objective: 99, raw: {errorQuery: \"a\", totalQuery: \"b\"}, alerting: page: {x: \"y\"}, alerting: ticket: false}\n",
	"module: team!: string\n",
	"module: team!: \"x\", module: team: \"x\"\n",
	"probes: liveness: {path: \"/\", port: 1, timeout?: \"1s\"}\n",
	"module: #extra: 1e400, module: _hidden: 1e400\n",
}

// TestDecodeSpec checks decodeSpec against what it stands for: on every
// module it accepts, numberRange finds nothing and cue.Value.Decode
// yields the very same spec. The benchmark modules must take the fast
// path, or the build is slow for no visible reason.
func TestDecodeSpec(t *testing.T) {
	type module struct {
		src  []byte
		fast bool // must take the fast path
	}
	var mods []module
	for _, s := range seedModules(t) {
		mods = append(mods, module{src: s})
	}
	for _, s := range decodeCases {
		mods = append(mods, module{src: []byte(baseModule + s)})
	}
	for i := range 20 {
		mods = append(mods, module{src: []byte(corpus.ModuleCUE(i, 99.9)), fast: true})
	}
	c, err := NewCompiler()
	if err != nil {
		t.Fatal(err)
	}
	nfast := 0
	for i, m := range mods {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "module.cue"), m.src, 0o644); err != nil {
			t.Fatal(err)
		}
		user, unified, errs := c.load(dir)
		if len(errs) > 0 {
			continue
		}
		var fast, slow spec
		ok := decodeSpec(unified, &fast)
		if m.fast && !ok {
			t.Errorf("module %d: decodeSpec takes the slow path:\n%s", i, m.src)
		}
		if !ok {
			continue
		}
		nfast++
		if errs := numberRange(user, unified); len(errs) > 0 {
			t.Errorf("module %d: decodeSpec accepts what numberRange reports: %v\n%s", i, errs, m.src)
		}
		if err := unified.Decode(&slow); err != nil {
			t.Errorf("module %d: decodeSpec accepts what Decode fails on: %v\n%s", i, err, m.src)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("module %d: decodeSpec and Decode differ:\nfast %+v\nslow %+v\n%s", i, fast, slow, m.src)
		}
	}
	t.Logf("%d of %d modules decoded on the fast path", nfast, len(mods))
}

// TestSpecCoversSchema: at every level, the Go struct decodeSpec fills
// has a field for each field #Module declares, and no other. decodeSpec
// looks the Go fields up, so a schema field without one would go
// unchecked and undecoded.
func TestSpecCoversSchema(t *testing.T) {
	c, err := NewCompiler()
	if err != nil {
		t.Fatal(err)
	}
	checkCovers(t, "#Module", c.schema, reflect.TypeFor[spec]())
}

func checkCovers(t *testing.T, path string, v cue.Value, typ reflect.Type) {
	t.Helper()
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	switch typ.Kind() {
	case reflect.Struct:
		it, err := v.Fields(cue.Optional(true))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return
		}
		fields := map[string]int{}
		for _, f := range structFields(typ) {
			fields[f.name] = f.index
		}
		for it.Next() {
			name := it.Selector().Unquoted()
			if i, ok := fields[name]; ok {
				checkCovers(t, path+"."+name, it.Value(), typ.Field(i).Type)
				delete(fields, name)
			} else {
				t.Errorf("%s.%s: the schema declares it, %v has no field for it", path, name, typ)
			}
		}
		for name := range fields {
			t.Errorf("%s.%s: %v has a field the schema does not declare", path, name, typ)
		}
	case reflect.Map:
		checkCovers(t, path+".[string]", v.LookupPath(cue.MakePath(cue.AnyString)), typ.Elem())
	case reflect.Slice:
		checkCovers(t, path+".[int]", v.LookupPath(cue.MakePath(cue.AnyIndex)), typ.Elem())
	}
}
