package gogen

import (
	"bytes"
	"flag"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/compiletest"
	"github.com/tinysystems/obsc/targets"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// examples are the modules the golden files are built from, with the
// package each is generated into.
var examples = []struct {
	dir, pkg string
}{
	{"../../examples/http-module", "metrics"},
	{"../../examples/orders", "orders"},
}

func compileExample(t *testing.T, dir string) *ir.Module { return compiletest.Module(t, dir) }

func render(t *testing.T, m *ir.Module, pkg string) (string, []byte) {
	t.Helper()
	fs, err := Render(m, pkg)
	if err != nil {
		t.Fatalf("Render(%s) error: %v", m.Name, err)
	}
	paths := fs.Paths()
	if len(paths) != 1 {
		t.Fatalf("Render(%s) wrote %v, want one file", m.Name, paths)
	}
	return paths[0], fs[paths[0]]
}

// TestGolden compares the code generated for each example byte for byte
// with testdata/golden/<file>.golden; `go test ./targets/gogen -update`
// rewrites it.
func TestGolden(t *testing.T) {
	for _, ex := range examples {
		t.Run(filepath.Base(ex.dir), func(t *testing.T) {
			name, got := render(t, compileExample(t, ex.dir), ex.pkg)
			golden := filepath.Join("testdata", "golden", name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("missing golden file (run go test -update): %v", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
			}
		})
	}
}

func TestDeterministicAndGenerated(t *testing.T) {
	for _, ex := range examples {
		m := compileExample(t, ex.dir)
		name, first := render(t, m, ex.pkg)
		if want := strings.ReplaceAll(m.Name, "-", "_") + ".go"; name != want {
			t.Errorf("file name %q, want %q", name, want)
		}
		for range 10 {
			if _, again := render(t, m, ex.pkg); !bytes.Equal(first, again) {
				t.Fatalf("%s: output differs between runs", m.Name)
			}
		}
		if !bytes.HasPrefix(first, []byte("// "+targets.Header+"\n")) || !targets.IsGenerated(first) {
			t.Errorf("%s does not start with the generated-file header:\n%s", name, first[:80])
		}
		// The header is its own comment group, so go doc shows the
		// package comment.
		f, err := parser.ParseFile(token.NewFileSet(), name, first, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name.Name != ex.pkg {
			t.Errorf("package %s, want %s", f.Name.Name, ex.pkg)
		}
		if !strings.HasPrefix(f.Doc.Text(), "Package "+ex.pkg+" ") {
			t.Errorf("package doc %q does not start with %q", f.Doc.Text(), "Package "+ex.pkg)
		}
	}
}

// TestNaming covers the identifier rules on names no example has.
func TestNaming(t *testing.T) {
	tests := map[string]struct {
		in, exported, param string
	}{
		"Snake case becomes camel case":            {"http_server", "HttpServer", "httpServer"},
		"Dashes and dots separate words":           {"not-found.v2", "NotFoundV2", "notFoundV2"},
		"A leading digit gets the prefix":          {"2xx", "X2xx", "label2xx"},
		"A keyword parameter gets a suffix":        {"type", "Type", "typeLabel"},
		"A package name parameter gets a suffix":   {"time", "Time", "timeLabel"},
		"The receiver name is not a parameter":     {"m", "M", "mLabel"},
		"Non-ASCII characters separate words":      {"caf\u00e9_au_lait", "CafAuLait", "cafAuLait"},
		"Capitals inside a word are kept":          {"userAgent", "UserAgent", "userAgent"},
		"Only separators leaves just the prefix":   {"--", "X", "label"},
		"Digits inside stay where they are":        {"p99_latency", "P99Latency", "p99Latency"},
		"Underscores at the ends are dropped":      {"_x_", "X", "x"},
		"Upper case after a separator stays as is": {"a_B", "AB", "aB"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := exported(tc.in, "X"); got != tc.exported {
				t.Errorf("exported(%q) = %q, want %q", tc.in, got, tc.exported)
			}
			if got := paramName(tc.in); got != tc.param {
				t.Errorf("paramName(%q) = %q, want %q", tc.in, got, tc.param)
			}
		})
	}
}

// TestEnumValues checks values that are not Go identifiers still get
// distinct, valid constants.
func TestEnumValues(t *testing.T) {
	m := &ir.Module{
		Name: "edge", Scrape: ir.Scrape{Path: "/metrics", PortNumber: 8080},
		LabelDefs: []*ir.Label{
			{Name: "code", Values: []string{"2xx", "4xx", "5xx"}},
			{Name: "type", Values: []string{"a-b", "a_b", "", "GET"}},
		},
		Metrics: []*ir.Metric{{Name: "requests_total", Type: ir.Counter, Help: "Requests", Labels: []string{"code", "type"}}},
	}
	_, src := render(t, m, "edge")
	flat := []byte(strings.Join(strings.Fields(string(src)), " ")) // ignore gofmt's alignment
	for _, want := range []string{
		"Code2xx Code = iota + 1",
		`TypeAB Type = iota + 1 // "a-b"`,
		`TypeValue2 // "a_b"`,
		`TypeValue3 // ""`,
		`TypeGET // "GET"`,
		"func (m *Metrics) RequestsTotal(code Code, typeLabel Type) prometheus.Counter",
		"m.requestsTotal.WithLabelValues(code.value(), typeLabel.value())",
	} {
		if !bytes.Contains(flat, []byte(want)) {
			t.Errorf("generated code lacks %q:\n%s", want, src)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	clash := &ir.Module{
		Name: "clash", Scrape: ir.Scrape{Path: "/metrics", PortNumber: 8080},
		LabelDefs: []*ir.Label{
			{Name: "health", Values: []string{"x"}}, // type Health clashes with the probe handler type
		},
		Metrics: []*ir.Metric{{Name: "x_total", Type: ir.Counter, Help: "x", Labels: []string{"health"}}},
		Probes:  &ir.Probes{Liveness: &ir.Probe{Path: "/healthz", Port: 8080}, Readiness: &ir.Probe{Path: "/readyz", Port: 8080}},
	}
	tests := map[string]struct {
		module *ir.Module
		pkg    string
		errMsg string
	}{
		"A package name must be an identifier": {module: clash, pkg: "my-metrics", errMsg: `package name "my-metrics" is not a Go identifier`},
		"A keyword is not a package name":      {module: clash, pkg: "func", errMsg: `package name "func" is not a Go identifier`},
		"Identifiers that would clash are reported": {module: clash, pkg: "metrics",
			errMsg: "label health and the probe handlers both become the Go identifier Health"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Render(tc.module, tc.pkg)
			if err == nil || !strings.Contains(err.Error(), tc.errMsg) {
				t.Fatalf("Render() error = %v, want it to contain %q", err, tc.errMsg)
			}
		})
	}
}

// TestGeneratedCode builds the generated code of both examples in a
// temporary module that requires client_golang at the version obsc uses,
// runs the usage tests in testdata/usage against it (go test also vets),
// and checks every snippet in testdata/mustnotcompile fails to compile
// with the error its `// want:` line names.
func TestGeneratedCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds client_golang in a temporary module")
	}
	// go test puts its own GOROOT/bin first in the test's PATH.
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("no go command to build the generated code with")
	}
	version := clientGolangVersion(t)
	dir := t.TempDir()
	write := func(rel string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", []byte("module example.com/gogentest\n\ngo 1.26\n\nrequire github.com/prometheus/client_golang "+version+"\n"))
	// Seeding go.sum with obsc's own saves checksum lookups for the
	// versions both builds share.
	if sum, err := os.ReadFile("../../go.sum"); err == nil {
		write("go.sum", sum)
	}
	for _, ex := range examples {
		name, src := render(t, compileExample(t, ex.dir), ex.pkg)
		write(ex.pkg+"/"+name, src)
		usage, err := os.ReadFile(filepath.Join("testdata", "usage", strings.TrimSuffix(name, ".go")+"_test.go"))
		if err != nil {
			t.Fatal(err)
		}
		write(ex.pkg+"/usage_test.go", usage)
	}
	bad, err := filepath.Glob(filepath.Join("testdata", "mustnotcompile", "*.go"))
	if err != nil || len(bad) == 0 {
		t.Fatalf("no snippets in testdata/mustnotcompile: %v", err)
	}
	want := map[string]*regexp.Regexp{}
	for _, f := range bad {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(data), "\n")
		re, ok := strings.CutPrefix(first, "// want: ")
		if !ok {
			t.Fatalf("%s: first line must be // want: <regexp>", f)
		}
		pkg := strings.TrimSuffix(filepath.Base(f), ".go")
		want[pkg] = regexp.MustCompile(re)
		write("bad/"+pkg+"/bad.go", data)
	}

	run := func(args ...string) (string, error) {
		cmd := exec.Command(goBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("test", "-count=1", "./metrics", "./orders"); err != nil {
		t.Fatalf("generated code does not build or its usage tests fail: %v\n%s", err, out)
	}
	out, err := run("build", "./bad/...")
	if err == nil {
		t.Fatalf("snippets using undeclared values compiled:\n%s", out)
	}
	// go build prints "# example.com/gogentest/bad/<pkg>" then its errors.
	errs := map[string]string{}
	cur := ""
	for _, line := range strings.Split(out, "\n") {
		if p, ok := strings.CutPrefix(line, "# example.com/gogentest/bad/"); ok {
			cur = p
			continue
		}
		if cur != "" {
			errs[cur] += line + "\n"
		}
	}
	pkgs := make([]string, 0, len(want))
	for p := range want {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		if !want[p].MatchString(errs[p]) {
			t.Errorf("bad/%s: want a compile error matching %q, got:\n%s", p, want[p], errs[p])
		}
	}
}

// clientGolangVersion reads the client_golang version obsc's go.mod pins.
func clientGolangVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?github\.com/prometheus/client_golang\s+(v\S+)`).FindSubmatch(data)
	if m == nil {
		t.Fatal("go.mod does not require github.com/prometheus/client_golang")
	}
	return string(m[1])
}
