package yamlx

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"sigs.k8s.io/yaml"
)

// benchInputs are the JSON of realistic documents: a promtool test file
// (many short strings and small objects) and the dashboard ConfigMap (one
// 50 KB multi-line string).
func benchInputs(b *testing.B) map[string][]byte {
	in := map[string][]byte{}
	for name, f := range map[string]string{
		"rules_test": "../../golden/http-module/rules_test.yaml",
		"configmap":  "../../golden/http-module/dashboard-configmap.yaml",
	} {
		y, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		j, err := yaml.YAMLToJSON(y)
		if err != nil {
			b.Fatal(err)
		}
		in[name] = j
	}
	return in
}

func BenchmarkFromJSON(b *testing.B) { benchEach(b, benchInputs(b), FromJSON) }

// BenchmarkFromJSONOld is sigs.k8s.io/yaml.JSONToYAML, whose output the
// previous FromJSON reproduced, with yaml/v2's emitter.
func BenchmarkFromJSONOld(b *testing.B) { benchEach(b, benchInputs(b), yaml.JSONToYAML) }

func BenchmarkIndentJSON(b *testing.B) { benchEach(b, dashboardJSON(b), IndentJSON) }

// BenchmarkIndentJSONOld is the encoding/json round trip IndentJSON
// replaces.
func BenchmarkIndentJSONOld(b *testing.B) { benchEach(b, dashboardJSON(b), indentOld) }

// benchEach runs f on each input, a sub-benchmark each.
func benchEach(b *testing.B, inputs map[string][]byte, f func([]byte) ([]byte, error)) {
	for name, in := range inputs {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// dashboardJSON is a golden dashboard as json.Marshal writes it: compact.
func dashboardJSON(b *testing.B) map[string][]byte {
	data, err := os.ReadFile("../../golden/http-module/dashboard.json")
	if err != nil {
		b.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		b.Fatal(err)
	}
	return map[string][]byte{"dashboard": compact.Bytes()}
}

// BenchmarkBlock is the dashboard, indented, as the literal block of its
// ConfigMap.
func BenchmarkBlock(b *testing.B) {
	data, err := os.ReadFile("../../golden/http-module/dashboard.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := Block(data, 4); !ok {
			b.Fatal("not a block")
		}
	}
}
