package k8s

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/targets"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// renderTree renders modules and the root kustomization into one FileSet,
// as cmd/obsc merges them.
func renderTree(t *testing.T, modules ...*ir.Module) targets.FileSet {
	t.Helper()
	out := targets.FileSet{}
	for _, m := range modules {
		fs, err := Render(m)
		if err != nil {
			t.Fatalf("Render(%s) error: %v", m.Name, err)
		}
		if err := out.Merge(fs); err != nil {
			t.Fatal(err)
		}
	}
	root, err := RenderRoot(modules)
	if err != nil {
		t.Fatalf("RenderRoot error: %v", err)
	}
	if err := out.Merge(root); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGolden compares the output of every fixture byte for byte with
// testdata/golden/<fixture>/; `go test ./targets/k8s -update` rewrites it.
func TestGolden(t *testing.T) {
	for name, fixture := range fixtures {
		t.Run(name, func(t *testing.T) {
			got := renderTree(t, fixture())
			dir := filepath.Join("testdata", "golden", name)
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				writeTree(t, dir, got)
				return
			}
			want := readTree(t, dir)
			if diff := cmp.Diff(want.Paths(), got.Paths()); diff != "" {
				t.Errorf("file list mismatch (-want +got):\n%s", diff)
			}
			for _, p := range got.Paths() {
				if diff := cmp.Diff(string(want[p]), string(got[p])); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", p, diff)
				}
			}
		})
	}
}

func writeTree(t *testing.T, dir string, fs targets.FileSet) {
	t.Helper()
	for _, p := range fs.Paths() {
		file := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, fs[p], 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readTree(t *testing.T, dir string) targets.FileSet {
	t.Helper()
	out := targets.FileSet{}
	err := filepath.WalkDir(dir, func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, file)
		if err != nil {
			return err
		}
		return out.Add(filepath.ToSlash(rel), data)
	})
	if err != nil {
		t.Fatalf("could not read golden files (run with -update to create them): %v", err)
	}
	return out
}

// TestDeterministic renders each fixture repeatedly: map iteration order
// must never reach the output.
func TestDeterministic(t *testing.T) {
	for name, fixture := range fixtures {
		t.Run(name, func(t *testing.T) {
			first := renderTree(t, fixture())
			for range 20 {
				if diff := cmp.Diff(first, renderTree(t, fixture())); diff != "" {
					t.Fatalf("output differs between runs (-first +again):\n%s", diff)
				}
			}
		})
	}
}

// TestHeader checks every file starts with the generated-file header of
// its module, so cmd/obsc recognises it as its own.
func TestHeader(t *testing.T) {
	for name, fixture := range fixtures {
		m := fixture()
		fs := renderTree(t, m)
		for _, p := range fs.Paths() {
			source := m.Name
			if p == FileKustomization {
				source = rootSource
			}
			if !bytes.HasPrefix(fs[p], targets.YAMLHeader(source)) {
				t.Errorf("%s: %s does not start with the header of %q:\n%s", name, p, source, fs[p])
			}
			if !targets.IsGenerated(fs[p]) {
				t.Errorf("%s: %s is not recognised as generated", name, p)
			}
		}
	}
}

// TestMonitor decodes the monitor strictly (an unknown or misspelt field
// fails) into the prometheus-operator type and compares it with the object
// the spec describes.
func TestMonitor(t *testing.T) {
	str := func(s string) *string { return &s }
	seedLabels := map[string]string{
		"app.kubernetes.io/managed-by": "obsc",
		"app.kubernetes.io/part-of":    "tinysystems", // the example's module.labels
	}
	tests := map[string]struct {
		module         *ir.Module
		wantService    *monitoringv1.ServiceMonitor
		wantPodMonitor *monitoringv1.PodMonitor
	}{
		"The seed module gets the ServiceMonitor of the docs plus the module relabeling": {
			module: seedModule(),
			wantService: &monitoringv1.ServiceMonitor{
				TypeMeta:   metav1.TypeMeta{APIVersion: "monitoring.coreos.com/v1", Kind: "ServiceMonitor"},
				ObjectMeta: metav1.ObjectMeta{Name: "http-module", Namespace: "tinysystems", Labels: seedLabels},
				Spec: monitoringv1.ServiceMonitorSpec{
					Selector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "http-module"}},
					Endpoints: []monitoringv1.Endpoint{{
						Port:     "metrics",
						Path:     "/metrics",
						Interval: "15s",
						RelabelConfigs: []monitoringv1.RelabelConfig{
							{Action: "replace", TargetLabel: "module", Replacement: str("http-module")},
						},
					}},
				},
			},
		},
		"podMonitor mode gets a PodMonitor with module and monitor labels": {
			module: podMonitorModule(),
			wantPodMonitor: &monitoringv1.PodMonitor{
				TypeMeta: metav1.TypeMeta{APIVersion: "monitoring.coreos.com/v1", Kind: "PodMonitor"},
				ObjectMeta: metav1.ObjectMeta{Name: "orders", Namespace: "shop", Labels: map[string]string{
					"app.kubernetes.io/managed-by": "obsc", // always wins over module.labels
					"env":                          "prod",
					"release":                      "kube-prometheus-stack", // monitorLabels override module.labels
				}},
				Spec: monitoringv1.PodMonitorSpec{
					Selector: metav1.LabelSelector{MatchLabels: map[string]string{
						"app.kubernetes.io/name": "orders", "tier": "backend",
					}},
					PodMetricsEndpoints: []monitoringv1.PodMetricsEndpoint{{
						Port:     str("http-metrics"),
						Path:     "/internal/metrics",
						Interval: "30s",
						RelabelConfigs: []monitoringv1.RelabelConfig{
							{Action: "replace", TargetLabel: "module", Replacement: str("orders")},
						},
					}},
				},
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fs, err := Render(tc.module)
			if err != nil {
				t.Fatal(err)
			}
			data := fs[tc.module.Name+"/"+FileMonitor]
			if tc.wantService != nil {
				var got monitoringv1.ServiceMonitor
				if err := yaml.UnmarshalStrict(data, &got); err != nil {
					t.Fatalf("ServiceMonitor does not decode strictly: %v\n%s", err, data)
				}
				if diff := cmp.Diff(tc.wantService, &got); diff != "" {
					t.Errorf("ServiceMonitor mismatch (-want +got):\n%s", diff)
				}
			}
			if tc.wantPodMonitor != nil {
				var got monitoringv1.PodMonitor
				if err := yaml.UnmarshalStrict(data, &got); err != nil {
					t.Fatalf("PodMonitor does not decode strictly: %v\n%s", err, data)
				}
				if diff := cmp.Diff(tc.wantPodMonitor, &got); diff != "" {
					t.Errorf("PodMonitor mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestPatches decodes both patches strictly into apps/v1 Deployments and
// compares them with the minimal patch: nothing but what it sets.
func TestPatches(t *testing.T) {
	meta := func(name, ns string) (metav1.TypeMeta, metav1.ObjectMeta) {
		return metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}, metav1.ObjectMeta{Name: name, Namespace: ns}
	}
	annotations := func(name, ns string, a map[string]string) *appsv1.Deployment {
		tm, om := meta(name, ns)
		d := &appsv1.Deployment{TypeMeta: tm, ObjectMeta: om}
		d.Spec.Template.Annotations = a
		return d
	}
	probes := func(name, ns string, c corev1.Container) *appsv1.Deployment {
		tm, om := meta(name, ns)
		d := &appsv1.Deployment{TypeMeta: tm, ObjectMeta: om}
		d.Spec.Template.Spec.Containers = []corev1.Container{c}
		return d
	}
	httpGet := func(path string, port int32) corev1.ProbeHandler {
		return corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromInt32(port)}}
	}
	tests := map[string]struct {
		module          *ir.Module
		wantAnnotations *appsv1.Deployment
		wantProbes      *appsv1.Deployment // nil: no probes-patch.yaml
	}{
		"The seed module gets the documented annotations and probes": {
			module: seedModule(),
			wantAnnotations: annotations("http-module", "tinysystems", map[string]string{
				"prometheus.io/scrape": "true", "prometheus.io/port": "8080", "prometheus.io/path": "/metrics",
			}),
			wantProbes: probes("http-module", "tinysystems", corev1.Container{
				Name:           "module",
				LivenessProbe:  &corev1.Probe{ProbeHandler: httpGet("/healthz", 8080), PeriodSeconds: 10, FailureThreshold: 3},
				ReadinessProbe: &corev1.Probe{ProbeHandler: httpGet("/readyz", 8080), PeriodSeconds: 5, FailureThreshold: 3},
			}),
		},
		"A probes target and a startup probe with delay and timeout": {
			module: podMonitorModule(),
			wantAnnotations: annotations("orders.api", "shop", map[string]string{
				"prometheus.io/scrape": "true", "prometheus.io/port": "9090", "prometheus.io/path": "/internal/metrics",
			}),
			wantProbes: probes("orders.api", "shop", corev1.Container{
				Name: "app",
				LivenessProbe: &corev1.Probe{
					ProbeHandler: httpGet("/livez", 9090), PeriodSeconds: 20, FailureThreshold: 5,
					InitialDelaySeconds: 10, TimeoutSeconds: 2,
				},
				ReadinessProbe: &corev1.Probe{ProbeHandler: httpGet("/readyz", 9090), PeriodSeconds: 5},
				StartupProbe:   &corev1.Probe{ProbeHandler: httpGet("/startupz", 9091), PeriodSeconds: 10, FailureThreshold: 30},
			}),
		},
		"A module without probes gets no probes patch": {
			module: noProbesModule(),
			wantAnnotations: annotations("quiet", "tinysystems", map[string]string{
				"prometheus.io/scrape": "true", "prometheus.io/port": "8080", "prometheus.io/path": "/metrics",
			}),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fs, err := Render(tc.module)
			if err != nil {
				t.Fatal(err)
			}
			check := func(file string, want *appsv1.Deployment) {
				data, ok := fs[tc.module.Name+"/"+file]
				if want == nil {
					if ok {
						t.Errorf("%s written, want none:\n%s", file, data)
					}
					return
				}
				if !ok {
					t.Fatalf("%s not written", file)
				}
				var got appsv1.Deployment
				if err := yaml.UnmarshalStrict(data, &got); err != nil {
					t.Fatalf("%s does not decode strictly: %v\n%s", file, err, data)
				}
				if diff := cmp.Diff(want, &got); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", file, diff)
				}
				// In a strategic-merge patch a null deletes the field it
				// names, and empty values are noise; neither may appear.
				for _, junk := range []string{"null", "{}", "[]", "creationTimestamp", "strategy", "selector", "resources", "status"} {
					if bytes.Contains(data, []byte(junk)) {
						t.Errorf("%s contains %q:\n%s", file, junk, data)
					}
				}
			}
			check(FilePodAnnotations, tc.wantAnnotations)
			check(FileProbesPatch, tc.wantProbes)
		})
	}
}

// TestKustomization checks the module Component lists the monitoring
// resources and exactly the patches that were written.
func TestKustomization(t *testing.T) {
	target := &patchSelector{Group: "apps", Version: "v1", Kind: "Deployment"}
	withName := func(name string) *patchSelector { s := *target; s.Name = name; return &s }
	resources := []string{"dashboard-configmap.yaml", "prometheusrule.yaml", "servicemonitor.yaml"}
	tests := map[string]struct {
		module *ir.Module
		want   kustomization
	}{
		"The seed module patches its Deployment by exact name": {
			module: seedModule(),
			want: kustomization{
				APIVersion: "kustomize.config.k8s.io/v1alpha1", Kind: "Component", Resources: resources,
				Patches: []patch{
					{Path: "pod-annotations.yaml", Target: withName("http-module")},
					{Path: "probes-patch.yaml", Target: withName("http-module")},
				},
			},
		},
		"A dot in the Deployment name is quoted for kustomize's regexp": {
			module: podMonitorModule(),
			want: kustomization{
				APIVersion: "kustomize.config.k8s.io/v1alpha1", Kind: "Component", Resources: resources,
				Patches: []patch{
					{Path: "pod-annotations.yaml", Target: withName(`orders\.api`)},
					{Path: "probes-patch.yaml", Target: withName(`orders\.api`)},
				},
			},
		},
		"Without probes only the annotations patch is listed": {
			module: noProbesModule(),
			want: kustomization{
				APIVersion: "kustomize.config.k8s.io/v1alpha1", Kind: "Component", Resources: resources,
				Patches: []patch{{Path: "pod-annotations.yaml", Target: withName("quiet")}},
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fs, err := Render(tc.module)
			if err != nil {
				t.Fatal(err)
			}
			var got kustomization
			if err := yaml.UnmarshalStrict(fs[tc.module.Name+"/"+FileKustomization], &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("kustomization mismatch (-want +got):\n%s", diff)
			}
			for _, p := range got.Patches {
				if _, ok := fs[tc.module.Name+"/"+p.Path]; !ok {
					t.Errorf("patch %s is listed but not written", p.Path)
				}
			}
		})
	}
}

func TestRenderRoot(t *testing.T) {
	tests := map[string]struct {
		modules []*ir.Module
		want    []string
		expErr  bool
	}{
		"Module directories are listed sorted as components": {
			modules: []*ir.Module{podMonitorModule(), noProbesModule(), seedModule()},
			want:    []string{"http-module", "orders", "quiet"},
		},
		"No modules give an empty but valid kustomization": {
			modules: nil,
		},
		"A module listed twice is an internal error": {
			modules: []*ir.Module{seedModule(), seedModule()},
			expErr:  true,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fs, err := RenderRoot(tc.modules)
			if tc.expErr {
				if err == nil {
					t.Fatalf("RenderRoot() succeeded, want an error:\n%s", fs[FileKustomization])
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{FileKustomization}, fs.Paths()); diff != "" {
				t.Fatalf("RenderRoot() files mismatch (-want +got):\n%s", diff)
			}
			var got kustomization
			if err := yaml.UnmarshalStrict(fs[FileKustomization], &got); err != nil {
				t.Fatal(err)
			}
			want := kustomization{APIVersion: "kustomize.config.k8s.io/v1beta1", Kind: "Kustomization", Components: tc.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("RenderRoot() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRenderErrors feeds IR that compile/ never produces: Render must
// refuse it rather than write a monitor that selects everything or a
// probe Kubernetes rejects.
func TestRenderErrors(t *testing.T) {
	tests := map[string]struct {
		mutate func(m *ir.Module)
		errMsg string
	}{
		"An empty selector would select every Service":      {func(m *ir.Module) { m.Scrape.Selector = nil }, "empty scrape selector"},
		"A missing namespace":                               {func(m *ir.Module) { m.Namespace = "" }, "no namespace"},
		"A missing port name":                               {func(m *ir.Module) { m.Scrape.Port = "" }, "no scrape port"},
		"A port number out of range":                        {func(m *ir.Module) { m.Scrape.PortNumber = 70000 }, "port number 70000"},
		"An unknown scrape mode":                            {func(m *ir.Module) { m.Scrape.Mode = "probe" }, `scrape mode "probe"`},
		"A missing target container":                        {func(m *ir.Module) { m.Target.Container = "" }, "no target deployment or container"},
		"A probe period that is not whole seconds":          {func(m *ir.Module) { m.Probes.Liveness.Period = 1500 * time.Millisecond }, "liveness probe period 1.5s"},
		"A probe without a path":                            {func(m *ir.Module) { m.Probes.Readiness.Path = "" }, "readiness probe needs a path"},
		"A probes block without any probe":                  {func(m *ir.Module) { m.Probes = &ir.Probes{} }, "without any probe"},
		"A startup probe timeout that is not whole seconds": {func(m *ir.Module) { m.Probes.Startup = &ir.Probe{Path: "/s", Port: 1, Timeout: time.Millisecond} }, "startup probe timeout 1ms"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := seedModule()
			tc.mutate(m)
			fs, err := Render(m)
			if err == nil {
				t.Fatalf("Render() succeeded, want an error containing %q; files: %v", tc.errMsg, fs.Paths())
			}
			if !strings.Contains(err.Error(), tc.errMsg) {
				t.Errorf("Render() error = %q, want it to contain %q", err, tc.errMsg)
			}
		})
	}
}

// TestFilesPerModule pins the file list of each fixture (golden files
// would also catch it; this names the rule).
func TestFilesPerModule(t *testing.T) {
	for name, fixture := range fixtures {
		m := fixture()
		fs, err := Render(m)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{FileKustomization, FilePodAnnotations, FileMonitor, FileScrapeConfig}
		if m.Probes != nil {
			want = append(want, FileProbesPatch)
		}
		for i := range want {
			want[i] = m.Name + "/" + want[i]
		}
		sort.Strings(want)
		if diff := cmp.Diff(want, fs.Paths()); diff != "" {
			t.Errorf("%s: Render() files mismatch (-want +got):\n%s", name, diff)
		}
	}
}
