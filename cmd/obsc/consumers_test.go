//lint:file-ignore SA1019 the Foundation SDK deprecates its dashboard v1 types for dashboardv2; the sidecar and file provisioning load v1 JSON, which obsc writes

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/tinysystems/obsc/internal/promtest"
)

// The tests in this file feed the committed golden/ tree (what users get
// for examples/) to the real consumers: promtool, a Prometheus server,
// kubectl kustomize, the prometheus-operator types and the Grafana
// Foundation SDK. TestGolden proves golden/ is what obsc writes.

func goldenModules(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	var mods []string
	for _, e := range entries {
		if e.IsDir() {
			mods = append(mods, e.Name())
		}
	}
	if len(mods) < 2 {
		t.Fatalf("golden/ holds %d modules, want both examples", len(mods))
	}
	return mods
}

func need(t *testing.T, bin string) string {
	t.Helper()
	path, err := exec.LookPath(bin)
	if err != nil {
		t.Skipf("%s is not installed (kubectl comes with the machine image); skipping", bin)
	}
	return path
}

func run(t *testing.T, dir, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", bin, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

func TestGoldenPromtool(t *testing.T) {
	promtest.Promtool(t)
	for _, m := range goldenModules(t) {
		t.Run(m, func(t *testing.T) {
			promtest.CheckAndTestRules(t, filepath.Join(goldenDir, m), "rules.yaml", "rules_test.yaml")
		})
	}
}

// TestGoldenPrometheusServer loads every module's rules into one real
// Prometheus: all groups must load and evaluate with health ok (so the
// modules' rules do not collide either).
func TestGoldenPrometheusServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Prometheus server; skipped with -short")
	}
	files := map[string][]byte{}
	want := map[string]int{}
	for _, m := range goldenModules(t) {
		data, err := os.ReadFile(filepath.Join(goldenDir, m, "rules.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		files[m+"-rules.yaml"] = data
		var rf struct {
			Groups []struct {
				Name  string `json:"name"`
				Rules []any  `json:"rules"`
			} `json:"groups"`
		}
		if err := yaml.Unmarshal(data, &rf); err != nil {
			t.Fatal(err)
		}
		for _, g := range rf.Groups {
			want[g.Name] = len(g.Rules)
		}
	}
	s := promtest.Start(t, files, "")
	s.WaitRulesHealthy(t, want, 60*time.Second)
}

func TestGoldenKustomize(t *testing.T) {
	kubectl := need(t, "kubectl")
	out := run(t, goldenDir, kubectl, "kustomize", ".")
	counts := map[string]int{}
	for _, line := range strings.Split(out, "\n") {
		if k, ok := strings.CutPrefix(line, "kind: "); ok {
			counts[k]++
		}
	}
	// http-module: ServiceMonitor; orders: PodMonitor; each a PrometheusRule
	// and a dashboard ConfigMap.
	want := map[string]int{"ServiceMonitor": 1, "PodMonitor": 1, "PrometheusRule": 2, "ConfigMap": 2}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("kubectl kustomize golden/ rendered %d %s, want %d (all: %v)", counts[k], k, n, counts)
		}
	}
}

// TestGoldenOperatorTypes decodes the monitoring objects strictly (unknown
// fields rejected) into the prometheus-operator and core types.
func TestGoldenOperatorTypes(t *testing.T) {
	for _, m := range goldenModules(t) {
		t.Run(m, func(t *testing.T) {
			dir := filepath.Join(goldenDir, m)
			read := func(name string) []byte {
				data, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				return data
			}
			sm := read("servicemonitor.yaml")
			var kind struct{ Kind string }
			if err := yaml.Unmarshal(sm, &kind); err != nil {
				t.Fatal(err)
			}
			switch kind.Kind {
			case "ServiceMonitor":
				var o monitoringv1.ServiceMonitor
				if err := yaml.UnmarshalStrict(sm, &o); err != nil {
					t.Errorf("servicemonitor.yaml: %v", err)
				}
			case "PodMonitor":
				var o monitoringv1.PodMonitor
				if err := yaml.UnmarshalStrict(sm, &o); err != nil {
					t.Errorf("servicemonitor.yaml: %v", err)
				}
			default:
				t.Errorf("servicemonitor.yaml holds a %q", kind.Kind)
			}
			var pr monitoringv1.PrometheusRule
			if err := yaml.UnmarshalStrict(read("prometheusrule.yaml"), &pr); err != nil {
				t.Errorf("prometheusrule.yaml: %v", err)
			}
			if len(pr.Spec.Groups) == 0 {
				t.Error("prometheusrule.yaml has no groups")
			}
			var cm corev1.ConfigMap
			if err := yaml.UnmarshalStrict(read("dashboard-configmap.yaml"), &cm); err != nil {
				t.Errorf("dashboard-configmap.yaml: %v", err)
			}
			// dashboard.json, compacted on one line (see configMap)
			var compact bytes.Buffer
			if err := json.Compact(&compact, read("dashboard.json")); err != nil {
				t.Fatalf("dashboard.json: %v", err)
			}
			if cm.Data[m+".json"] != compact.String()+"\n" {
				t.Errorf("the ConfigMap does not hold dashboard.json, compacted, as %s.json", m)
			}
		})
	}
}

// TestGoldenDashboardsDecode decodes every dashboard strictly into the
// Foundation SDK's dashboard type: dashboard.json, and the one the
// ConfigMap carries to the Grafana sidecar.
func TestGoldenDashboardsDecode(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	for _, m := range goldenModules(t) {
		dir := filepath.Join(goldenDir, m)
		pretty, err := os.ReadFile(filepath.Join(dir, "dashboard.json"))
		if err != nil {
			t.Fatal(err)
		}
		cmData, err := os.ReadFile(filepath.Join(dir, "dashboard-configmap.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var cm corev1.ConfigMap
		if err := yaml.Unmarshal(cmData, &cm); err != nil {
			t.Fatal(err)
		}
		for name, data := range map[string][]byte{
			m + "/dashboard.json":                               pretty,
			m + "/dashboard-configmap.yaml data." + m + ".json": []byte(cm.Data[m+".json"]),
		} {
			t.Run(name, func(t *testing.T) {
				var strict dashboard.Dashboard
				if err := strict.UnmarshalJSONStrict(data); err != nil {
					// v0.0.22 returns an empty cog.BuildErrors as a non-nil error.
					var be cog.BuildErrors
					if !errors.As(err, &be) || len(be) > 0 {
						t.Fatalf("UnmarshalJSONStrict: %v", err)
					}
				}
				var d dashboard.Dashboard
				if err := json.Unmarshal(data, &d); err != nil {
					t.Fatal(err)
				}
				if d.Uid == nil || *d.Uid != "obsc-"+m || len(d.Panels) == 0 {
					t.Errorf("dashboard uid %v with %d panels, want obsc-%s with panels", d.Uid, len(d.Panels), m)
				}
			})
		}
	}
}
