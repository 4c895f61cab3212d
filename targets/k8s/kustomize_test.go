package k8s

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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

// These tests run the real `kubectl kustomize` (offline) on the rendered
// tree, in the two ways the package documentation says a user consumes
// it. prometheusrule.yaml and dashboard-configmap.yaml, which the other
// targets write, are replaced by small valid stand-ins.

func kubectl(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not found in PATH: skipping the kustomize render tests")
	}
	return bin
}

// kustomize runs `kubectl kustomize dir` and returns its objects.
func kustomize(t *testing.T, dir string) []object {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), kubectl(t), "kustomize", dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v\n%s", dir, err, stderr.Bytes())
	}
	var objs []object
	for _, doc := range strings.Split(string(out), "\n---\n") {
		var meta struct {
			metav1.TypeMeta   `json:",inline"`
			metav1.ObjectMeta `json:"metadata"`
		}
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatalf("kubectl kustomize %s printed invalid YAML: %v\n%s", dir, err, doc)
		}
		objs = append(objs, object{
			id:   meta.Kind + " " + meta.Namespace + "/" + meta.Name,
			data: []byte(doc),
		})
	}
	return objs
}

type object struct {
	id   string // "Kind namespace/name"
	data []byte
}

func ids(objs []object) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.id
	}
	return out
}

func find(t *testing.T, objs []object, id string) []byte {
	t.Helper()
	for _, o := range objs {
		if o.id == id {
			return o.data
		}
	}
	t.Fatalf("%s not in kustomize output %v", id, ids(objs))
	return nil
}

// writeOut writes the rendered tree of modules plus the stand-ins for the
// other targets' files into dir/out and returns that path.
func writeOut(t *testing.T, dir string, modules ...*ir.Module) string {
	t.Helper()
	fs := renderTree(t, modules...)
	for _, m := range modules {
		rule := monitoringv1.PrometheusRule{
			TypeMeta:   metav1.TypeMeta{APIVersion: "monitoring.coreos.com/v1", Kind: "PrometheusRule"},
			ObjectMeta: metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace},
			Spec: monitoringv1.PrometheusRuleSpec{Groups: []monitoringv1.RuleGroup{{
				Name:  m.Name,
				Rules: []monitoringv1.Rule{{Record: "module:up:sum", Expr: intstr.FromString(`sum(up{module="` + m.Name + `"})`)}},
			}}},
		}
		cm := corev1.ConfigMap{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: metav1.ObjectMeta{Name: m.Name + "-dashboard", Namespace: m.Namespace},
			Data:       map[string]string{m.Name + ".json": "{}"},
		}
		for file, obj := range map[string]any{FilePrometheusRule: rule, FileDashboardConfigMap: cm} {
			data, err := yaml.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			if err := fs.Add(m.Name+"/"+file, append(targets.YAMLHeader(m.Name), data...)); err != nil {
				t.Fatal(err)
			}
		}
	}
	out := filepath.Join(dir, "out")
	writeTree(t, out, fs)
	return out
}

func writeFile(t *testing.T, file, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestKustomizeRoot: `kubectl kustomize out/` renders every monitoring
// object of every module and nothing else; the patches, whose Deployments
// are not in the tree, are skipped without error.
func TestKustomizeRoot(t *testing.T) {
	kubectl(t)
	out := writeOut(t, t.TempDir(), seedModule(), podMonitorModule(), noProbesModule())
	objs := kustomize(t, out)

	want := []string{
		"ConfigMap shop/orders-dashboard",
		"ConfigMap tinysystems/http-module-dashboard",
		"ConfigMap tinysystems/quiet-dashboard",
		"PodMonitor shop/orders",
		"PrometheusRule shop/orders",
		"PrometheusRule tinysystems/http-module",
		"PrometheusRule tinysystems/quiet",
		"ServiceMonitor tinysystems/http-module",
		"ServiceMonitor tinysystems/quiet",
	}
	got := ids(objs)
	if diff := cmp.Diff(want, got, cmpSorted); diff != "" {
		t.Errorf("kubectl kustomize out/ objects mismatch (-want +got):\n%s", diff)
	}

	// What kustomize printed still decodes strictly and equals what
	// Render wrote: kustomize did not drop or reshape any field.
	for _, m := range []*ir.Module{seedModule(), noProbesModule()} {
		var rendered, printed monitoringv1.ServiceMonitor
		decodeStrict(t, readFile(t, filepath.Join(out, m.Name, FileMonitor)), &rendered)
		decodeStrict(t, find(t, objs, "ServiceMonitor "+m.Namespace+"/"+m.Name), &printed)
		if diff := cmp.Diff(rendered, printed); diff != "" {
			t.Errorf("ServiceMonitor %s changed by kustomize (-rendered +printed):\n%s", m.Name, diff)
		}
	}
	var rendered, printed monitoringv1.PodMonitor
	decodeStrict(t, readFile(t, filepath.Join(out, "orders", FileMonitor)), &rendered)
	decodeStrict(t, find(t, objs, "PodMonitor shop/orders"), &printed)
	if diff := cmp.Diff(rendered, printed); diff != "" {
		t.Errorf("PodMonitor changed by kustomize (-rendered +printed):\n%s", diff)
	}
}

var cmpSorted = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
})

func readFile(t *testing.T, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func decodeStrict(t *testing.T, data []byte, into any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(data, into); err != nil {
		t.Fatalf("does not decode strictly into %T: %v\n%s", into, err, data)
	}
}

// userDeployment is a Deployment as a user writes it: obsc must add to it,
// never take anything away (selector, replicas, image, its own annotation,
// a sidecar).
const userDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
NAMESPACE
spec:
  replicas: 2
  selector:
    matchLabels: {app: NAME}
  template:
    metadata:
      labels: {app: NAME}
      annotations: {team.example.com/owner: payments}
    spec:
      containers:
      - name: CONTAINER
        image: example.com/NAME:1.0
        ports: [{name: metrics, containerPort: 8080}]
      - name: sidecar
        image: example.com/sidecar:1.0
`

func deploymentYAML(name, namespace, container string) string {
	ns := ""
	if namespace != "" {
		ns = "  namespace: " + namespace + "\n"
	}
	return strings.NewReplacer("NAMESPACE\n", ns, "NAME", name, "CONTAINER", container).Replace(userDeployment)
}

// TestKustomizeComponent: a user kustomization that declares the
// Deployment and includes the module directory as a component gets the
// monitoring objects and the Deployment with annotations and probes
// merged in.
func TestKustomizeComponent(t *testing.T) {
	kubectl(t)
	tests := map[string]struct {
		module *ir.Module
		// user's kustomization: its namespace field and Deployments
		namespace   string
		deployments []string
		want        []string // objects by id
		patched     string   // id of the Deployment obsc patches
		untouched   string   // id of a Deployment obsc must not touch ("" none)
	}{
		"The seed module patches the http-module Deployment": {
			module:      seedModule(),
			deployments: []string{deploymentYAML("http-module", "tinysystems", "module")},
			want: []string{
				"ConfigMap tinysystems/http-module-dashboard",
				"Deployment tinysystems/http-module",
				"PrometheusRule tinysystems/http-module",
				"ServiceMonitor tinysystems/http-module",
			},
			patched: "Deployment tinysystems/http-module",
		},
		"The namespace field of the user's kustomization does not defeat the patch target": {
			module:    podMonitorModule(),
			namespace: "shop",
			deployments: []string{
				deploymentYAML("orders.api", "", "app"),
				// "orders.api" as an unquoted regexp would match this one.
				deploymentYAML("orders-api", "", "app"),
			},
			want: []string{
				"ConfigMap shop/orders-dashboard",
				"Deployment shop/orders-api",
				"Deployment shop/orders.api",
				"PodMonitor shop/orders",
				"PrometheusRule shop/orders",
			},
			patched:   "Deployment shop/orders.api",
			untouched: "Deployment shop/orders-api",
		},
		"Without probes only the annotations are added": {
			module:      noProbesModule(),
			deployments: []string{deploymentYAML("quiet", "tinysystems", "quiet")},
			want: []string{
				"ConfigMap tinysystems/quiet-dashboard",
				"Deployment tinysystems/quiet",
				"PrometheusRule tinysystems/quiet",
				"ServiceMonitor tinysystems/quiet",
			},
			patched: "Deployment tinysystems/quiet",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeOut(t, dir, tc.module)
			app := filepath.Join(dir, "app")
			k := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
			if tc.namespace != "" {
				k += "namespace: " + tc.namespace + "\n"
			}
			k += "resources: [deployment.yaml]\ncomponents: [../out/" + tc.module.Name + "]\n"
			writeFile(t, filepath.Join(app, "kustomization.yaml"), k)
			writeFile(t, filepath.Join(app, "deployment.yaml"), strings.Join(tc.deployments, "---\n"))

			objs := kustomize(t, app)
			if diff := cmp.Diff(tc.want, ids(objs), cmpSorted); diff != "" {
				t.Fatalf("objects mismatch (-want +got):\n%s", diff)
			}

			var got appsv1.Deployment
			decodeStrict(t, find(t, objs, tc.patched), &got)
			want := expectedDeployment(t, tc.module, tc.deployments[0], tc.namespace)
			if diff := cmp.Diff(want, &got); diff != "" {
				t.Errorf("patched Deployment mismatch (-want +got):\n%s", diff)
			}

			if tc.untouched != "" {
				var before, after appsv1.Deployment
				decodeStrict(t, []byte(tc.deployments[1]), &before)
				before.Namespace = tc.namespace
				decodeStrict(t, find(t, objs, tc.untouched), &after)
				if diff := cmp.Diff(&before, &after); diff != "" {
					t.Errorf("%s was patched (-before +after):\n%s", tc.untouched, diff)
				}
			}
		})
	}
}

// expectedDeployment is the user's Deployment with what the IR asks for
// added by hand, independently of the renderer.
func expectedDeployment(t *testing.T, m *ir.Module, user, namespace string) *appsv1.Deployment {
	t.Helper()
	var d appsv1.Deployment
	decodeStrict(t, []byte(user), &d)
	if namespace != "" {
		d.Namespace = namespace
	}
	d.Spec.Template.Annotations["prometheus.io/scrape"] = "true"
	d.Spec.Template.Annotations["prometheus.io/port"] = strconv.Itoa(m.Scrape.PortNumber)
	d.Spec.Template.Annotations["prometheus.io/path"] = m.Scrape.Path
	if m.Probes == nil {
		return &d
	}
	conv := func(p *ir.Probe) *corev1.Probe {
		if p == nil {
			return nil
		}
		return &corev1.Probe{
			ProbeHandler:        corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: p.Path, Port: intstr.FromInt32(int32(p.Port))}},
			PeriodSeconds:       int32(p.Period.Seconds()),
			FailureThreshold:    int32(p.FailureThreshold),
			InitialDelaySeconds: int32(p.InitialDelay.Seconds()),
			TimeoutSeconds:      int32(p.Timeout.Seconds()),
		}
	}
	for i := range d.Spec.Template.Spec.Containers {
		c := &d.Spec.Template.Spec.Containers[i]
		if c.Name != m.Target.Container {
			continue
		}
		c.LivenessProbe = conv(m.Probes.Liveness)
		c.ReadinessProbe = conv(m.Probes.Readiness)
		c.StartupProbe = conv(m.Probes.Startup)
		return &d
	}
	t.Fatalf("user Deployment has no container %s", m.Target.Container)
	return nil
}
