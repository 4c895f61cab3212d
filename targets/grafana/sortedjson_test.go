//lint:file-ignore SA1019 the Foundation SDK deprecates its dashboard v1 types for dashboardv2; the sidecar and file provisioning load v1 JSON, which obsc writes

package grafana

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/tinysystems/obsc/targets"
)

// checkSorted fails when sortedJSON writes v other than marshalIndented
// does, or writes it where marshalIndented fails. It reports whether sortedJSON wrote v.
//
// Where sortedJSON also returns the compact JSON, it must be
// json.Compact's (and a newline): the ConfigMap's dashboard is that.
func checkSorted(t *testing.T, v any) bool {
	t.Helper()
	got, compact, err := sortedJSON(v, 0)
	want, slowErr := marshalIndented(v)
	switch {
	case err != nil:
		return false
	case slowErr != nil:
		t.Errorf("sortedJSON wrote %#v, encoding/json fails: %v", v, slowErr)
	case !bytes.Equal(got, want):
		t.Errorf("sortedJSON(%#v):\n%s\nwant:\n%s", v, got, want)
	case compact != nil && string(compact) != compactRef(t, got):
		t.Errorf("sortedJSON(%#v) compact:\n%s\nwant:\n%s", v, compact, compactRef(t, got))
	}
	return true
}

// dashboards are the fixtures' dashboards, as Render builds them.
func dashboards(t testing.TB) map[string]dashboard.Dashboard {
	out := map[string]dashboard.Dashboard{}
	for name, m := range fixtures() {
		d, err := newRenderer(m).dashboard().Build()
		if err != nil {
			t.Fatalf("%s: Build() error: %v", name, err)
		}
		out[name] = d
	}
	return out
}

// TestSortedJSONDashboards: the fixtures' dashboards are written by
// sortedJSON, not left to the slow path, and as encoding/json writes them.
func TestSortedJSONDashboards(t *testing.T) {
	for name, d := range dashboards(t) {
		if !checkSorted(t, d) {
			t.Errorf("%s: sortedJSON() did not write the dashboard", name)
		}
		if _, compact, _ := sortedJSON(d, 0); compact == nil {
			t.Errorf("%s: sortedJSON() did not compact the dashboard as it wrote it", name)
		}
	}
}

// oddStrings are strings encoding/json escapes, replaces or leaves alone.
var oddStrings = []string{
	"", "a", `<b>&amp;</b>`, "quote\" back\\slash", "\x00\x01\x1f\x7f", "\b\f\n\r\t",
	"\u2028\u2029", "\ufffd", "caf\xe9", "\xff\xfe", "\xe2\x80", "é日本🎉", "\\u003c", "{{x}} $__rate_interval",
}

// oddFloats are floats at encoding/json's format boundaries.
var oddFloats = []float64{
	0, math.Copysign(0, -1), 1, -1.5, 0.1, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 123456789012345678, 1e300, 5e-324,
	math.MaxFloat64, float64(float32(0.1)), 3.4028234663852886e38, 1e-45,
}

type embedA struct {
	Name  string `json:"name"`
	Dup   int
	Inner string `json:"inner,omitempty"`
}

type embedB struct {
	Name string `json:"name"`
	Dup  int
	Only bool `json:"only"`
}

type deep struct {
	embedA
	Other string `json:"Dup"`
}

type hidden struct {
	embedA
	*embedB
	Name  string `json:"-"`
	Extra any    `json:"extra,omitempty"`
	skip  int
}

type textKey string

func (k textKey) MarshalText() ([]byte, error) { return []byte("k-" + string(k)), nil }

type ptrMarshaler struct{ N int }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`{"b":%d,"a":[1,{"z":1,"y":"<"}]}`, p.N)), nil
}

type holder struct {
	Val   ptrMarshaler            `json:"val"`
	Ptr   *ptrMarshaler           `json:"ptr"`
	Vals  []ptrMarshaler          `json:"vals"`
	Map   map[string]ptrMarshaler `json:"map"`
	Iface json.Marshaler          `json:"iface"`
	Text  textKey                 `json:"text"`
	TMap  map[textKey]int         `json:"tmap"`
	IMap  map[int]string          `json:"imap"`
	Num   json.Number             `json:"num"`
	Raw   json.RawMessage         `json:"raw"`
	Bytes []byte                  `json:"bytes"`
	Arr   [2]float32              `json:"arr"`
	Quote int                     `json:"quote,string"`
	Zero  int                     `json:"zero,omitzero"`
	Neg   float64                 `json:"neg,omitempty"`
	U     uint8                   `json:"u,omitempty"`
}

// TestSortedJSONValues: values of every shape sortedJSON meets, odd
// strings and floats, embedding, marshalers and what it leaves to
// encoding/json.
func TestSortedJSONValues(t *testing.T) {
	values := []any{
		nil, true, 42, int8(-3), uint64(math.MaxUint64), "x", []string(nil), []string{}, map[string]any{},
		map[string]any(nil), []any{nil, 1.5, "a", []int{}}, [0]int{}, (*int)(nil),
		deep{embedA: embedA{Name: "a", Dup: 1}, Other: "o"},
		hidden{embedA: embedA{Name: "a", Dup: 1, Inner: "i"}, embedB: &embedB{Name: "b", Dup: 2, Only: true}, Name: "n", skip: 3},
		hidden{embedA: embedA{Name: "a"}},
		holder{},
		holder{
			Val: ptrMarshaler{1}, Ptr: &ptrMarshaler{2}, Vals: []ptrMarshaler{{3}}, Map: map[string]ptrMarshaler{"x": {4}},
			Iface: &ptrMarshaler{5}, Text: "t", TMap: map[textKey]int{"b": 1, "a": 2}, IMap: map[int]string{10: "x", 9: "y"},
			Num: "1.50", Raw: json.RawMessage(`{"z": [ ], "a" :"\u003c"}`), Bytes: []byte("hi"), Arr: [2]float32{0.1, 1e-7},
			Quote: 7, Zero: 0, Neg: math.Copysign(0, -1), U: 1,
		},
		&holder{Val: ptrMarshaler{6}},
		map[string]int{"b": 1, "a": 2, "\xff": 3, "\xfe": 4, "\ufffd": 5, "é": 6},
		math.NaN(), math.Inf(1), []float64{math.Inf(-1)},
		dashboard.StringOrMap{}, dashboard.StringOrMap{Map: map[string]any{}}, &dashboard.StringOrArrayOfString{ArrayOfString: []string{}},
		common.BoolOrFloat64{Float64: new(float64)}, []dashboard.PanelOrRowPanel{{}, {RowPanel: &dashboard.RowPanel{}}},
	}
	for _, s := range oddStrings {
		values = append(values, s, map[string]string{s: s, "k": s}, dashboard.StringOrMap{String: &s})
	}
	for _, f := range oddFloats {
		values = append(values, f, -f, float32(f), []any{f, float32(f)}, common.BoolOrFloat64{Float64: &f})
	}
	for _, v := range values {
		checkSorted(t, v)
	}
	// What sortedJSON takes on itself it must write.
	for _, v := range []any{deep{}, hidden{embedB: &embedB{}}, map[string]int{"\xff": 1, "\xfe": 2}, oddStrings, oddFloats} {
		if !checkSorted(t, v) {
			t.Errorf("sortedJSON(%#v) did not write it", v)
		}
	}
}

// gen builds values of a type at random: every field set or not, odd
// strings and floats, the SDK's interfaces filled with types that
// implement them.
type gen struct {
	r       *rand.Rand
	strs    []string
	floats  []float64
	depth   int
	anyOpts []func() any
}

func newGen(seed uint64, s string, f float64) *gen {
	g := &gen{
		r:      rand.New(rand.NewPCG(seed, seed>>1|1)),
		strs:   append(append([]string{}, oddStrings...), s),
		floats: append(append([]float64{}, oddFloats...), f),
	}
	g.anyOpts = []func() any{
		func() any { return nil },
		func() any { return g.str() },
		func() any { return g.float() },
		func() any { return g.r.IntN(2) == 0 },
		func() any { return map[string]any{g.str(): g.str(), "n": g.float()} },
		func() any { return []any{g.str(), g.float(), nil} },
		func() any { return g.value(reflect.TypeFor[*timeseries.Options]()).Interface() },
		func() any { return g.value(reflect.TypeFor[table.Options]()).Interface() },
		func() any { return g.value(reflect.TypeFor[*common.VizLegendOptions]()).Interface() },
	}
	return g
}

func (g *gen) str() string { return g.strs[g.r.IntN(len(g.strs))] }

func (g *gen) float() float64 {
	if g.r.IntN(2) == 0 {
		return g.floats[g.r.IntN(len(g.floats))]
	}
	return g.r.NormFloat64() * math.Pow(10, float64(g.r.IntN(40)-20))
}

var dataqueryType = reflect.TypeFor[variants.Dataquery]()

// value is a random value of t; containers and pointers thin out with
// depth.
func (g *gen) value(t reflect.Type) reflect.Value {
	v := reflect.New(t).Elem()
	if g.depth > 6 {
		return v
	}
	g.depth++
	defer func() { g.depth-- }()
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(g.r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(g.r.IntN(2001) - 1000))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(g.r.IntN(256)))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(g.float())
	case reflect.String:
		v.SetString(g.str())
	case reflect.Pointer:
		if g.r.IntN(3) > 0 {
			v.Set(g.value(t.Elem()).Addr())
		}
	case reflect.Slice:
		if n := g.r.IntN(4) - 1; n >= 0 {
			s := reflect.MakeSlice(t, n, n)
			for i := range n {
				s.Index(i).Set(g.value(t.Elem()))
			}
			v.Set(s)
		}
	case reflect.Array:
		for i := range v.Len() {
			v.Index(i).Set(g.value(t.Elem()))
		}
	case reflect.Map:
		if n := g.r.IntN(4) - 1; n >= 0 && t.Key().Kind() == reflect.String {
			m := reflect.MakeMapWithSize(t, n)
			for range n {
				m.SetMapIndex(g.value(t.Key()), g.value(t.Elem()))
			}
			v.Set(m)
		}
	case reflect.Interface:
		switch {
		case t == dataqueryType:
			if g.r.IntN(3) > 0 {
				v.Set(g.value(reflect.TypeFor[*prometheus.Dataquery]()))
			}
		case t.NumMethod() == 0:
			if x := g.anyOpts[g.r.IntN(len(g.anyOpts))](); x != nil {
				v.Set(reflect.ValueOf(x))
			}
		}
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && g.r.IntN(3) > 0 {
				v.Field(i).Set(g.value(f.Type))
			}
		}
	}
	return v
}

// dashboardFrom is a random dashboard, with panels of the kinds Render
// writes.
func dashboardFrom(g *gen) dashboard.Dashboard {
	d := g.value(reflect.TypeFor[dashboard.Dashboard]()).Interface().(dashboard.Dashboard)
	for range g.r.IntN(4) {
		p := g.value(reflect.TypeFor[dashboard.Panel]()).Interface().(dashboard.Panel)
		d.Panels = append(d.Panels, dashboard.PanelOrRowPanel{Panel: &p})
	}
	return d
}

// TestSortedJSONRandom: random dashboards and SDK values are written as
// the slow path writes them.
func TestSortedJSONRandom(t *testing.T) {
	written := 0
	for seed := range uint64(300) {
		g := newGen(seed, "", 0)
		for _, v := range []any{dashboardFrom(g), g.value(reflect.TypeFor[dashboard.Panel]()).Interface()} {
			if checkSorted(t, v) {
				written++
			}
		}
	}
	if written < 300 {
		t.Errorf("sortedJSON wrote %d of 600 random values; want most", written)
	}
}

func FuzzSortedJSON(f *testing.F) {
	f.Add(uint64(1), "\xff<a>", 1e21)
	f.Add(uint64(2), "\u2028", math.Copysign(0, -1)) // negative zero
	f.Fuzz(func(t *testing.T, seed uint64, s string, x float64) {
		g := newGen(seed, s, x)
		checkSorted(t, dashboardFrom(g))
		checkSorted(t, map[string]any{s: x, strings.ToUpper(s): []string{s}})
	})
}

// BenchmarkMarshalJSON compares marshalJSON's one pass with the slow
// path on the seed module's dashboard.
func BenchmarkMarshalJSON(b *testing.B) {
	d := dashboards(b)["seed"]
	defer func(on bool) { targets.SelfCheck = on }(targets.SelfCheck)
	targets.SelfCheck = false // the slow path alone
	b.Run("sorted", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := marshalJSON(d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("slow", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := marshalIndented(d); err != nil {
				b.Fatal(err)
			}
		}
	})
}
