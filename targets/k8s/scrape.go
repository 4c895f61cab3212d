package k8s

import (
	"regexp"
	"strings"

	"github.com/tinysystems/obsc/compile/ir"
)

// FileScrapeConfig is the plain Prometheus scrape job for clusters without
// the Prometheus operator. It is not a Kubernetes object, so no
// kustomization lists it.
const FileScrapeConfig = "scrape-config.yaml"

// scrapeConfigFile is a Prometheus configuration fragment holding only
// scrape_configs: a file Prometheus loads through scrape_config_files
// (2.43+), or whose one job is pasted under scrape_configs. Local types
// with Prometheus' YAML field names keep the output small and ordered.
type scrapeConfigFile struct {
	ScrapeConfigs []scrapeJob `json:"scrape_configs"`
}

type scrapeJob struct {
	JobName             string         `json:"job_name"`
	ScrapeInterval      string         `json:"scrape_interval,omitempty"`
	MetricsPath         string         `json:"metrics_path"`
	KubernetesSDConfigs []kubernetesSD `json:"kubernetes_sd_configs"`
	RelabelConfigs      []relabelRule  `json:"relabel_configs"`
}

type kubernetesSD struct {
	Role       string      `json:"role"`
	Namespaces *namespaces `json:"namespaces,omitempty"`
}

type namespaces struct {
	Names []string `json:"names"`
}

type relabelRule struct {
	Action       string   `json:"action"`
	SourceLabels []string `json:"source_labels,omitempty"`
	Regex        string   `json:"regex,omitempty"`
	TargetLabel  string   `json:"target_label,omitempty"`
	Replacement  string   `json:"replacement,omitempty"`
}

// scrapeConfig renders the job that scrapes what the ServiceMonitor or
// PodMonitor scrapes, with Prometheus' own Kubernetes discovery:
//
//   - pod role, limited to the module's namespace;
//   - one keep rule per selector label on the pod's labels (in
//     serviceMonitor mode the selector is the Service's, which by
//     convention, and in the seed, equals the pods' labels);
//   - keep the container port with the scrape port's name, and drop pods
//     that have finished (as the operator does for PodMonitors);
//   - the namespace, pod and container target labels the operator adds,
//     and module="<name>", which every generated rule and dashboard
//     selects (ir.Module.ModuleMatcher).
//
// The job is named <namespace>/<module>, the operator's job label of a
// PodMonitor.
func scrapeConfig(m *ir.Module) ([]byte, error) {
	var rules []relabelRule
	for _, k := range ir.SortedKeys(m.Scrape.Selector) {
		rules = append(rules, relabelRule{
			Action:       "keep",
			SourceLabels: []string{"__meta_kubernetes_pod_label_" + sanitizeLabelName(k)},
			Regex:        regexp.QuoteMeta(m.Scrape.Selector[k]), // relabel regexes are anchored
		})
	}
	rules = append(rules,
		relabelRule{Action: "keep", SourceLabels: []string{"__meta_kubernetes_pod_container_port_name"}, Regex: regexp.QuoteMeta(m.Scrape.Port)},
		relabelRule{Action: "drop", SourceLabels: []string{"__meta_kubernetes_pod_phase"}, Regex: "(Failed|Succeeded)"},
	)
	targetLabels := map[string]string{
		"namespace": "__meta_kubernetes_namespace",
		"pod":       "__meta_kubernetes_pod_name",
		"container": "__meta_kubernetes_pod_container_name",
	}
	for _, l := range ir.SortedKeys(targetLabels) {
		rules = append(rules, relabelRule{Action: "replace", SourceLabels: []string{targetLabels[l]}, TargetLabel: l})
	}
	rules = append(rules, relabelRule{Action: "replace", TargetLabel: ir.LabelModule, Replacement: m.Name})

	job := scrapeJob{
		JobName:             m.Namespace + "/" + m.Name,
		MetricsPath:         m.Scrape.Path,
		KubernetesSDConfigs: []kubernetesSD{{Role: "pod", Namespaces: &namespaces{Names: []string{m.Namespace}}}},
		RelabelConfigs:      rules,
	}
	if m.Scrape.Interval > 0 {
		job.ScrapeInterval = ir.FormatDuration(m.Scrape.Interval)
	}
	return render(m.Name, scrapeConfigFile{ScrapeConfigs: []scrapeJob{job}})
}

// sanitizeLabelName is how Prometheus' Kubernetes discovery turns a
// Kubernetes label name into the suffix of __meta_kubernetes_pod_label_:
// every character outside [a-zA-Z0-9_] becomes '_'
// ("app.kubernetes.io/name" -> "app_kubernetes_io_name").
func sanitizeLabelName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}
