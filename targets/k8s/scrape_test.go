package k8s

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
	yamlv2 "go.yaml.in/yaml/v2"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/promtest"
)

// promJob is the part of Prometheus' ScrapeConfig the generated job uses,
// decoded strictly with Prometheus' own relabel.Config (which validates
// every rule while unmarshalling). Prometheus' config package itself would
// pull every service discovery's SDK into go.mod; TestScrapeConfigPromtool
// has the real Prometheus parse the whole file instead.
type promJob struct {
	JobName             string            `yaml:"job_name"`
	ScrapeInterval      string            `yaml:"scrape_interval"`
	MetricsPath         string            `yaml:"metrics_path"`
	KubernetesSDConfigs []promKubeSD      `yaml:"kubernetes_sd_configs"`
	RelabelConfigs      []*relabel.Config `yaml:"relabel_configs"`
}

type promKubeSD struct {
	Role       string `yaml:"role"`
	Namespaces struct {
		Names []string `yaml:"names"`
	} `yaml:"namespaces"`
}

func scrapeJobOf(t *testing.T, m *ir.Module) (promJob, []byte) {
	t.Helper()
	fs, err := Render(m)
	if err != nil {
		t.Fatal(err)
	}
	data, ok := fs[m.Name+"/"+FileScrapeConfig]
	if !ok {
		t.Fatalf("%s not written", FileScrapeConfig)
	}
	var file struct {
		ScrapeConfigs []promJob `yaml:"scrape_configs"`
	}
	if err := yamlv2.UnmarshalStrict(data, &file); err != nil {
		t.Fatalf("%s does not decode strictly: %v\n%s", FileScrapeConfig, err, data)
	}
	if len(file.ScrapeConfigs) != 1 {
		t.Fatalf("%d scrape configs, want 1:\n%s", len(file.ScrapeConfigs), data)
	}
	for i, rc := range file.ScrapeConfigs[0].RelabelConfigs {
		if err := rc.Validate(prommodel.UTF8Validation); err != nil {
			t.Errorf("relabel rule %d: %v", i, err)
		}
	}
	return file.ScrapeConfigs[0], data
}

// TestScrapeConfig runs the job's relabel rules, as Prometheus does on
// every discovered pod, over targets that should and should not be
// scraped: the job must select what the ServiceMonitor/PodMonitor selects
// and attach the module label the rules and dashboards select on.
func TestScrapeConfig(t *testing.T) {
	pod := func(m *ir.Module) map[string]string {
		l := map[string]string{
			"__address__":                               "10.0.0.7:8080",
			"__meta_kubernetes_namespace":               m.Namespace,
			"__meta_kubernetes_pod_name":                "pod-1",
			"__meta_kubernetes_pod_container_name":      "main",
			"__meta_kubernetes_pod_container_port_name": m.Scrape.Port,
			"__meta_kubernetes_pod_phase":               "Running",
			"__meta_kubernetes_pod_label_other":         "x",
		}
		for k, v := range m.Scrape.Selector {
			l["__meta_kubernetes_pod_label_"+sanitizeLabelName(k)] = v
		}
		return l
	}
	with := func(l map[string]string, k, v string) map[string]string {
		out := map[string]string{}
		for a, b := range l {
			out[a] = b
		}
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
		return out
	}
	tests := map[string]struct {
		module     *ir.Module
		wantJob    string
		wantPath   string
		wantEvery  string
		firstLabel string // a selector label to break
	}{
		"The seed module scrapes pods labelled app=http-module": {
			module: seedModule(), wantJob: "tinysystems/http-module", wantPath: "/metrics", wantEvery: "15s",
			firstLabel: "__meta_kubernetes_pod_label_app",
		},
		"Selector labels with dots and slashes are sanitised as Prometheus does": {
			module: podMonitorModule(), wantJob: "shop/orders", wantPath: "/internal/metrics", wantEvery: "30s",
			firstLabel: "__meta_kubernetes_pod_label_app_kubernetes_io_name",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := tc.module
			job, data := scrapeJobOf(t, m)
			if job.JobName != tc.wantJob || job.MetricsPath != tc.wantPath || job.ScrapeInterval != tc.wantEvery {
				t.Errorf("job %q path %q interval %q, want %q %q %q", job.JobName, job.MetricsPath, job.ScrapeInterval, tc.wantJob, tc.wantPath, tc.wantEvery)
			}
			if len(job.KubernetesSDConfigs) != 1 || job.KubernetesSDConfigs[0].Role != "pod" ||
				!cmp.Equal(job.KubernetesSDConfigs[0].Namespaces.Names, []string{m.Namespace}) {
				t.Errorf("kubernetes_sd_configs = %+v, want pod role in namespace %s only", job.KubernetesSDConfigs, m.Namespace)
			}
			good := pod(m)
			targets := map[string]struct {
				in   map[string]string
				keep bool
			}{
				"matching pod":             {good, true},
				"other selector value":     {with(good, tc.firstLabel, "something-else"), false},
				"selector label missing":   {with(good, tc.firstLabel, ""), false},
				"another container port":   {with(good, "__meta_kubernetes_pod_container_port_name", "grpc"), false},
				"container without a port": {with(good, "__meta_kubernetes_pod_container_port_name", ""), false},
				"finished pod":             {with(good, "__meta_kubernetes_pod_phase", "Succeeded"), false},
				"failed pod":               {with(good, "__meta_kubernetes_pod_phase", "Failed"), false},
				"pending pod":              {with(good, "__meta_kubernetes_pod_phase", "Pending"), true},
			}
			for what, tg := range targets {
				lb := labels.NewBuilder(labels.FromMap(tg.in))
				keep := relabel.ProcessBuilder(lb, job.RelabelConfigs...)
				if keep != tg.keep {
					t.Errorf("%s: keep = %v, want %v\n%s", what, keep, tg.keep, data)
					continue
				}
				if !keep {
					continue
				}
				got := lb.Labels()
				for l, want := range map[string]string{
					ir.LabelModule: m.Name, "namespace": m.Namespace, "pod": "pod-1", "container": "main",
				} {
					if v := got.Get(l); v != want {
						t.Errorf("%s: label %s = %q, want %q", what, l, v, want)
					}
				}
			}
		})
	}
}

// TestScrapeConfigNotAKustomizeResource: the file is Prometheus
// configuration, and kustomize would reject it as a resource.
func TestScrapeConfigNotAKustomizeResource(t *testing.T) {
	for name, fixture := range fixtures {
		fs, err := Render(fixture())
		if err != nil {
			t.Fatal(err)
		}
		for p, data := range fs {
			if strings.HasSuffix(p, "/"+FileKustomization) && strings.Contains(string(data), FileScrapeConfig) {
				t.Errorf("%s: %s lists %s", name, p, FileScrapeConfig)
			}
		}
	}
}

// TestScrapeConfigPromtool has the real Prometheus configuration parser
// (promtool check config) load each generated file. The file is a
// configuration of its own, global defaults plus the one job, so the same
// check holds whether it is loaded through scrape_config_files (2.43+) or
// its job is pasted under scrape_configs.
//
// Debian's Prometheus (the one `make tools` installs) is built without
// Kubernetes discovery and rejects kubernetes_sd_configs as an unknown
// field. With such a promtool the job is checked with its discovery block
// swapped for a static target, so Prometheus still parses the name, path,
// interval and every relabel rule; the discovery block itself is decoded
// strictly against Prometheus' field names in scrapeJobOf.
func TestScrapeConfigPromtool(t *testing.T) {
	promtool := promtest.Promtool(t)
	check := func(t *testing.T, data []byte) (string, error) {
		file := filepath.Join(t.TempDir(), "prometheus.yml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(promtool, "check", "config", "--syntax-only", file).CombinedOutput()
		return string(out), err
	}
	for name, fixture := range fixtures {
		t.Run(name, func(t *testing.T) {
			m := fixture()
			_, data := scrapeJobOf(t, m)
			out, err := check(t, data)
			if err != nil && strings.Contains(out, "field kubernetes_sd_configs not found") {
				t.Logf("this promtool has no Kubernetes discovery; checking the job with a static target instead")
				var file yamlv2.MapSlice
				if err := yamlv2.Unmarshal(data, &file); err != nil {
					t.Fatal(err)
				}
				jobs := file[0].Value.([]any)
				job := jobs[0].(yamlv2.MapSlice)
				for i := range job {
					if job[i].Key == "kubernetes_sd_configs" {
						job[i] = yamlv2.MapItem{Key: "static_configs", Value: []any{
							yamlv2.MapSlice{{Key: "targets", Value: []string{"127.0.0.1:8080"}}},
						}}
					}
				}
				jobs[0] = job
				swapped, merr := yamlv2.Marshal(file)
				if merr != nil {
					t.Fatal(merr)
				}
				data = swapped
				out, err = check(t, data)
			}
			if err != nil || !strings.Contains(out, "SUCCESS") {
				t.Fatalf("promtool check config: %v\n%s\n--- checked:\n%s", err, out, data)
			}
		})
	}
}
