// Package gogen renders a module's metric catalog as typed Go
// instrumentation on github.com/prometheus/client_golang, so the code that
// exposes the metrics is generated from the same spec as the rules and
// dashboards that read them.
//
// # Layout
//
// Render writes one file per module, <module name with - as _>.go (e.g.
// http_module.go), in the package the caller names. `obsc gen go -o DIR
// --package NAME MODULE` writes it to DIR. Two modules in one package
// would declare the same identifiers (Metrics, New, Component, ...), so
// every module gets its own package directory.
//
// # The generated API
//
//   - A Go type with one constant per declared value for every label with
//     `values` (StatusSuccess, StatusError, ComponentRouter, ...). The types
//     are integers, so passing a string, or a misspelt constant, does not
//     compile; the zero value and out-of-range conversions are not
//     declared values and panic when used, as client_golang panics on a
//     wrong label count. Labels bounded only by `maxValues` take a string:
//     their values are not known statically.
//   - With `standard:`, a ComponentPort type whose constants are exactly
//     the declared (component, port) pairs (RouterInput, HttpServerRequest,
//     ...), so a port a component does not have does not compile.
//   - Metrics: one collector per metric with the declared name, help,
//     labels and buckets, registered by New on the prometheus.Registerer
//     the caller passes (no global state). Each metric has a method taking
//     one typed argument per label and returning the child
//     (prometheus.Counter, Gauge or Observer). New initialises every series
//     whose label values are all declared, so rates and ratios exist from
//     the first scrape.
//   - With `standard:`, the seed's pattern as helpers: CountMessage,
//     ObserveDuration, CountError and Track (in-flight gauge, duration and
//     status-counted message in one deferred call).
//   - With `probes:`, Health: liveness and readiness http.Handlers that
//     report healthy until SetLive(false) or SetReady(false), and Register
//     to mount them at the declared paths.
//
// Render reads only the IR and its output is gofmt'd and deterministic.
package gogen

import (
	"bytes"
	"fmt"
	"go/format"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/targets"
)

// defBuckets is prometheus.DefBuckets; histograms with exactly these bounds
// are generated with the client library's variable.
var defBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// FileName is the name of the Go file Render writes for module: the module
// name with '-' replaced by '_', plus ".go".
func FileName(module string) string {
	return strings.ReplaceAll(module, "-", "_") + ".go"
}

// Render renders the typed instrumentation of m as one Go file in package
// pkg. The FileSet holds FileName(m.Name).
func Render(m *ir.Module, pkg string) (targets.FileSet, error) {
	if m == nil || m.Name == "" {
		return nil, fmt.Errorf("internal error: module without a name")
	}
	if !token.IsIdentifier(pkg) || pkg == "_" || token.IsKeyword(pkg) {
		return nil, fmt.Errorf("package name %q is not a Go identifier", pkg)
	}
	f, err := build(m, pkg)
	if err != nil {
		return nil, fmt.Errorf("module %s: %w", m.Name, err)
	}
	var buf bytes.Buffer
	if err := fileTmpl.Execute(&buf, f); err != nil {
		return nil, fmt.Errorf("module %s: could not render Go code: %w", m.Name, err)
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("module %s: internal error: generated Go code does not parse: %w", m.Name, err)
	}
	fs := targets.FileSet{}
	if err := fs.Add(FileName(m.Name), src); err != nil {
		return nil, err
	}
	return fs, nil
}

// file is what the template renders.
type file struct {
	Header  string
	Name    string // module name, for comments
	Module  string // module name as a Go string literal
	Package string
	Std     []string // standard library imports
	Imports []string // other imports

	MetricsPath string
	MetricsPort int

	Enums   []*enum
	Pairs   *pairs // nil without standard:
	Metrics []*metric
	Helpers *std    // nil without standard:
	Health  *health // nil without probes:
}

// enum is the Go type of a label with declared values.
type enum struct {
	Type   string // exported type name, e.g. Status
	Table  string // unexported table of values, e.g. statusValues
	Label  string
	Values []enumValue
}

type enumValue struct {
	Const string
	Value string // the label value
	Quote string // Value as a Go string literal
}

// pairs is the ComponentPort type of standard:.
type pairs struct {
	Type          string
	Table         string
	ComponentType string
	Items         []pair
}

type pair struct {
	Const     string
	Component string // constant of the component type
	Port      string // Go string literal
	Value     string // "component/port", for comments
}

// metric is one collector.
type metric struct {
	Name      string
	Quote     string // Name as a Go string literal
	Help      string // Go string literal
	HelpDoc   string // help for comments
	Field     string // unexported struct field
	Method    string // exported accessor
	Opts      string // CounterOpts, GaugeOpts, HistogramOpts
	New       string // prometheus.NewCounterVec etc.
	Vec       bool
	FieldType string
	Returns   string // prometheus.Counter, Gauge, Observer
	Buckets   string // histograms: Go expression
	Labels    string // []string{...} literal
	Params    []param
	ParamList string   // "port ComponentPort, status Status"
	Args      []string // WithLabelValues arguments, in label order
	ArgList   string
	// Init lists the enumerable parameters New loops over to initialise
	// every series; nil when a label is bounded only by maxValues.
	Init   []param
	Timer  bool // a histogram in seconds: also a Timer method
	Kind   string
	Doc    string   // what the accessor's arguments select, "" without labels
	Bounds []string // doc lines for labels bounded only by maxValues
}

type param struct {
	Name   string
	Type   string
	Values string // function returning every value, for Init
}

// std names what the standard helpers call.
type std struct {
	PairType      string
	ComponentType string
	Messages      string // accessor methods
	Duration      string
	Errors        string
	Active        string
	MessagesName  string // metric names, for comments
	DurationName  string
	ErrorsName    string
	ActiveName    string
	StatusSuccess string
	StatusError   string
	ErrorTypeMax  int
	Example       string // a ComponentPort constant for the doc example
}

// health is the probe handler set.
type health struct {
	Consts []healthConst
	Mounts []mount
}

type healthConst struct {
	Name  string
	Value string
	Doc   string
}

type mount struct {
	Path    string // the constant holding the path
	Handler string // LivenessHandler or ReadinessHandler
}

// builder collects the top-level identifiers so a clash is reported
// instead of producing code that does not compile.
type builder struct {
	m     *ir.Module
	names map[string]string // identifier -> what declared it
	enums map[string]*enum  // label name -> enum
	err   error
}

func build(m *ir.Module, pkg string) (*file, error) {
	b := &builder{m: m, names: map[string]string{}, enums: map[string]*enum{}}
	for _, fixed := range []string{"Module", "MetricsPath", "MetricsPort", "Metrics", "New"} {
		b.declare(fixed, "the generated API")
	}
	f := &file{
		Header:      targets.Header,
		Name:        m.Name,
		Module:      strconv.Quote(m.Name),
		Package:     pkg,
		MetricsPath: strconv.Quote(m.Scrape.Path),
		MetricsPort: m.Scrape.PortNumber,
	}
	imports := map[string]bool{"fmt": true}
	f.Imports = []string{"github.com/prometheus/client_golang/prometheus"}
	// A type for every label with declared values that some metric takes
	// as a parameter of its own (with standard:, component and port travel
	// together as a ComponentPort; component is also a parameter alone).
	param := map[string]bool{}
	for _, mt := range m.Metrics {
		for _, l := range mt.Labels {
			if !(mt.Pairs && (l == "component" || l == "port")) {
				param[l] = true
			}
		}
	}
	if m.Standard != nil {
		param["component"] = true
	}
	for _, l := range m.LabelDefs {
		if l.Values == nil || !param[l.Name] {
			continue
		}
		e := b.enum(l)
		f.Enums = append(f.Enums, e)
		b.enums[l.Name] = e
	}
	if m.Standard != nil {
		f.Pairs = b.pairs()
	}
	methods := map[string]string{}
	for _, mt := range m.Metrics {
		x := b.metric(mt, f.Pairs)
		if prev, ok := methods[x.Method]; ok {
			b.fail("metrics %s and %s both become method %s", prev, mt.Name, x.Method)
		}
		methods[x.Method] = mt.Name
		if x.Timer {
			methods[x.Method+"Timer"] = mt.Name
		}
		f.Metrics = append(f.Metrics, x)
	}
	if m.Standard != nil {
		f.Helpers = b.std(f.Pairs)
		for _, h := range []string{"CountMessage", "ObserveDuration", "CountError", "Track"} {
			if prev, ok := methods[h]; ok {
				b.fail("metric %s becomes method %s, which the standard helpers use", prev, h)
			}
		}
		imports["time"] = true
	}
	if m.Probes != nil {
		f.Health = b.health()
		imports["net/http"] = true
		imports["sync/atomic"] = true
	}
	f.Std = ir.SortedKeys(imports)
	return f, b.err
}

func (b *builder) fail(format string, args ...any) {
	if b.err == nil {
		b.err = fmt.Errorf("cannot generate Go code: "+format, args...)
	}
}

// declare reserves a top-level identifier.
func (b *builder) declare(name, what string) {
	if prev, ok := b.names[name]; ok {
		b.fail("%s and %s both become the Go identifier %s; rename one of them", prev, what, name)
		return
	}
	b.names[name] = what
}

func (b *builder) enum(l *ir.Label) *enum {
	typ := exported(l.Name, "Label")
	e := &enum{Type: typ, Table: unexported(typ) + "Values", Label: l.Name}
	what := "label " + l.Name
	b.declare(typ, what)
	b.declare(e.Table, what)
	b.declare(typ+"Values", what)
	b.declare("Parse"+typ, what)
	used := map[string]bool{}
	for i, v := range l.Values {
		c := typ + suffix(v)
		if suffix(v) == "" || used[c] {
			c = fmt.Sprintf("%sValue%d", typ, i+1)
		}
		used[c] = true
		b.declare(c, fmt.Sprintf("value %q of label %s", v, l.Name))
		e.Values = append(e.Values, enumValue{Const: c, Value: v, Quote: strconv.Quote(v)})
	}
	return e
}

// constOf returns the constant of value v of label l.
func (b *builder) constOf(l, v string) string {
	if e := b.enums[l]; e != nil {
		for _, x := range e.Values {
			if x.Value == v {
				return x.Const
			}
		}
	}
	b.fail("internal error: label %s has no value %q", l, v)
	return "0"
}

func (b *builder) pairs() *pairs {
	comp := b.enums["component"]
	if comp == nil {
		b.fail("internal error: standard: without a component label")
		return nil
	}
	p := &pairs{Type: "ComponentPort", Table: "componentPorts", ComponentType: comp.Type}
	for _, n := range []string{p.Type, p.Table, "ComponentPortValues", "ParseComponentPort"} {
		b.declare(n, "the standard (component, port) pairs")
	}
	for _, c := range b.m.Standard.Components {
		for _, port := range c.Ports {
			name := exported(c.Name, "Component") + suffix(port)
			b.declare(name, fmt.Sprintf("port %q of component %q", port, c.Name))
			p.Items = append(p.Items, pair{
				Const:     name,
				Component: b.constOf("component", c.Name),
				Port:      strconv.Quote(port),
				Value:     c.Name + "/" + port,
			})
		}
	}
	return p
}

func (b *builder) metric(mt *ir.Metric, pr *pairs) *metric {
	x := &metric{
		Name:    mt.Name,
		Quote:   strconv.Quote(mt.Name),
		Help:    strconv.Quote(mt.Help),
		HelpDoc: oneLine(mt.Help),
		Field:   unexported(exported(mt.Name, "Metric")),
		Method:  exported(mt.Name, "Metric"),
		Vec:     len(mt.Labels) > 0,
		Kind:    string(mt.Type),
	}
	var kind string
	switch mt.Type {
	case ir.Counter:
		kind, x.Returns = "Counter", "prometheus.Counter"
	case ir.Gauge:
		kind, x.Returns = "Gauge", "prometheus.Gauge"
	case ir.Histogram:
		kind, x.Returns = "Histogram", "prometheus.Observer"
		x.Buckets = bucketsExpr(mt.Buckets)
		x.Timer = strings.HasSuffix(mt.Name, "_seconds")
	default:
		b.fail("internal error: metric %s has type %q", mt.Name, mt.Type)
		return x
	}
	x.Opts = "prometheus." + kind + "Opts"
	x.New = "prometheus.New" + kind
	x.FieldType = "prometheus." + kind
	if x.Vec {
		x.New += "Vec"
		x.FieldType = "*prometheus." + kind + "Vec"
	}
	quoted := make([]string, len(mt.Labels))
	for i, l := range mt.Labels {
		quoted[i] = strconv.Quote(l)
	}
	x.Labels = "[]string{" + strings.Join(quoted, ", ") + "}"

	// Parameters in label order; a (component, port) pair restricted to the
	// declared pairs is one ComponentPort at the position of the first.
	isPair := func(l string) bool { return mt.Pairs && pr != nil && (l == "component" || l == "port") }
	enumerable := true
	pairParam := -1
	var docs []string
	for _, l := range mt.Labels {
		switch e := b.enums[l]; {
		case isPair(l):
			if pairParam < 0 {
				pairParam = len(x.Params)
				x.Params = append(x.Params, param{Name: "port", Type: pr.Type, Values: pr.Type + "Values"})
				docs = append(docs, "(component, port) pair")
			}
		case e != nil:
			x.Params = append(x.Params, param{Name: paramName(l), Type: e.Type, Values: e.Type + "Values"})
			docs = append(docs, l)
		default:
			enumerable = false
			x.Params = append(x.Params, param{Name: paramName(l), Type: "string"})
			docs = append(docs, l)
			if lb := b.m.Label(l); lb != nil {
				x.Bounds = append(x.Bounds, fmt.Sprintf("%s is bounded, not enumerated: pass at most %d distinct values.", l, lb.MaxValues))
			}
		}
	}
	// Two labels could map to the same parameter name (a_b and aB).
	seen := map[string]bool{}
	for i := range x.Params {
		for seen[x.Params[i].Name] {
			x.Params[i].Name += "_"
		}
		seen[x.Params[i].Name] = true
	}
	// WithLabelValues arguments, in label order.
	next := 0
	for _, l := range mt.Labels {
		if isPair(l) {
			pn := x.Params[pairParam].Name
			if l == "component" {
				x.Args = append(x.Args, pn+".component()")
			} else {
				x.Args = append(x.Args, pn+".port()")
			}
			if next == pairParam {
				next++
			}
			continue
		}
		p := x.Params[next]
		next++
		if p.Type == "string" {
			x.Args = append(x.Args, p.Name)
		} else {
			x.Args = append(x.Args, p.Name+".value()")
		}
	}
	ps := make([]string, len(x.Params))
	for i, p := range x.Params {
		ps[i] = p.Name + " " + p.Type
	}
	x.ParamList = strings.Join(ps, ", ")
	x.ArgList = strings.Join(x.Args, ", ")
	if x.Vec && enumerable {
		x.Init = x.Params
	}
	if n := len(docs); n > 0 {
		x.Doc = " of one " + docs[0]
		if n > 1 {
			x.Doc = " of one " + strings.Join(docs[:n-1], ", ") + " and " + docs[n-1]
		}
	}
	return x
}

func (b *builder) std(pr *pairs) *std {
	st := b.m.Standard
	s := &std{PairType: pr.Type, ComponentType: pr.ComponentType}
	method := func(suffix string) (string, string) {
		name := st.Prefix + suffix
		if b.m.Metric(name) == nil {
			b.fail("internal error: standard metric %s missing", name)
		}
		return exported(name, "Metric"), name
	}
	s.Messages, s.MessagesName = method(ir.StdMessages)
	s.Duration, s.DurationName = method(ir.StdDuration)
	s.Errors, s.ErrorsName = method(ir.StdErrors)
	s.Active, s.ActiveName = method(ir.StdActive)
	if len(pr.Items) > 0 {
		s.Example = pr.Items[0].Const
	}
	s.StatusSuccess = b.constOf("status", "success")
	s.StatusError = b.constOf("status", "error")
	if l := b.m.Label("error_type"); l != nil {
		s.ErrorTypeMax = l.Count()
	}
	return s
}

func (b *builder) health() *health {
	p := b.m.Probes
	h := &health{}
	for _, n := range []string{"Health", "NewHealth", "probeReply"} {
		b.declare(n, "the probe handlers")
	}
	add := func(prefix, what string, pr *ir.Probe) {
		if pr == nil {
			return
		}
		b.declare(prefix+"Path", "the "+what+" probe")
		b.declare(prefix+"Port", "the "+what+" probe")
		h.Consts = append(h.Consts,
			healthConst{Name: prefix + "Path", Value: strconv.Quote(pr.Path), Doc: fmt.Sprintf("%sPath is the path of the %s probe.", prefix, what)},
			healthConst{Name: prefix + "Port", Value: strconv.Itoa(pr.Port), Doc: fmt.Sprintf("%sPort is the container port the %s probe connects to.", prefix, what)})
	}
	add("Liveness", "liveness", p.Liveness)
	add("Readiness", "readiness", p.Readiness)
	add("Startup", "startup", p.Startup)

	// One handler per distinct path: a path shared with readiness answers
	// for readiness (which also requires liveness); the startup probe
	// shares the liveness handler, since a started process is a live one.
	handlers := map[string]string{}
	consts := map[string]string{} // path -> the first constant naming it
	var order []string
	use := func(pr *ir.Probe, handler, constant string) {
		if pr == nil {
			return
		}
		if prev, ok := handlers[pr.Path]; ok {
			if handler == "ReadinessHandler" && prev != handler {
				handlers[pr.Path] = handler
			}
			return
		}
		handlers[pr.Path] = handler
		consts[pr.Path] = constant
		order = append(order, pr.Path)
	}
	use(p.Liveness, "LivenessHandler", "LivenessPath")
	use(p.Readiness, "ReadinessHandler", "ReadinessPath")
	use(p.Startup, "LivenessHandler", "StartupPath")
	for _, path := range order {
		h.Mounts = append(h.Mounts, mount{Path: consts[path], Handler: handlers[path]})
	}
	return h
}

// bucketsExpr is prometheus.DefBuckets for the default bounds, else a
// literal.
func bucketsExpr(bs []float64) string {
	if slices.Equal(bs, defBuckets) {
		return "prometheus.DefBuckets"
	}
	s := make([]string, len(bs))
	for i, f := range bs {
		s[i] = ir.FormatFloat(f)
	}
	return "[]float64{" + strings.Join(s, ", ") + "}"
}

// exported turns a label, metric or value name into an exported Go
// identifier: every run of characters other than ASCII letters and digits
// separates words, and each word starts upper-case ("http_server" ->
// "HttpServer", as ir.CamelCase). A result that does not start with a
// letter gets prefix.
func exported(s, prefix string) string {
	out := suffix(s)
	if out == "" || !isLetter(out[0]) {
		out = prefix + out
	}
	return out
}

// suffix is exported without the leading-letter guarantee, for joining to
// a type name ("2xx" -> "2xx", "not-found" -> "NotFound").
func suffix(s string) string {
	var b strings.Builder
	up := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !(c >= '0' && c <= '9') {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteByte(c)
	}
	return b.String()
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// unexported lower-cases the first letter of an exported identifier.
func unexported(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// reservedParams are names a parameter must not take: keywords, the
// predeclared identifiers a generated body may use, the imported packages
// and the receiver.
var reservedParams = map[string]bool{
	"m": true, "fmt": true, "prometheus": true, "time": true, "http": true, "atomic": true,
	"string": true, "int": true, "error": true, "len": true, "panic": true, "true": true,
	"false": true, "nil": true, "append": true, "bool": true, "float64": true,
}

// paramName is the lowerCamel parameter name of label l ("error_type" ->
// "errorType").
func paramName(l string) string {
	n := unexported(exported(l, "label"))
	if token.IsKeyword(n) || reservedParams[n] {
		n += "Label"
	}
	return n
}

// oneLine flattens text for a // comment.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

var fileTmpl = template.Must(template.New("go").Option("missingkey=error").Parse(goTemplate))
