package k8s

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/tinysystems/obsc/internal/yamlx"
	"github.com/tinysystems/obsc/targets"
)

// render renders obj as YAML behind the generated-file header of source:
// what marshal writes, written directly (yamlWriter) for the documents
// obsc writes, without encoding/json's reflection over the API types and
// the JSON round trip. Under targets.SelfCheck the result is compared with
// marshal's; a difference is an internal error.
func render(source string, obj any) ([]byte, error) {
	header := targets.YAMLHeader(source)
	w := yamlWriter{b: append(make([]byte, 0, 1024), header...)}
	switch o := obj.(type) {
	case *monitoringv1.ServiceMonitor:
		writeMonitor(&w, o.TypeMeta, o.ObjectMeta, "endpoints", o.Spec.Endpoints, (*yamlWriter).endpoint, o.Spec.Selector)
	case *monitoringv1.PodMonitor:
		writeMonitor(&w, o.TypeMeta, o.ObjectMeta, "podMetricsEndpoints", o.Spec.PodMetricsEndpoints, (*yamlWriter).podMetricsEndpoint, o.Spec.Selector)
	case *appsv1.Deployment:
		w.deployment(o)
	case kustomization:
		w.kustomization(o)
	case scrapeConfigFile:
		w.scrapeConfigFile(o)
	default:
		return marshal(source, obj)
	}
	if targets.SelfCheck {
		want, err := marshal(source, obj)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(w.b, want) {
			return nil, fmt.Errorf("internal error: %T written as\n%s\nnot as encoding/json and yamlx write it:\n%s", obj, w.b, want)
		}
	}
	return w.b, nil
}

// marshal renders obj as YAML behind the generated-file header of source.
//
// The Kubernetes API types marshal zero values that omitempty cannot drop:
// `creationTimestamp: null`, `selector: null`, `containers: null`,
// `strategy: {}`, `resources: {}`. In a strategic-merge patch a null is
// not harmless, it deletes the field from the patched object, so every
// null and every empty map or list is pruned (yamlx.FromJSONPruned)
// before the YAML is written. Nothing obsc writes means anything by an
// empty value.
//
// yamlx sorts keys, so the output is deterministic.
func marshal(source string, obj any) ([]byte, error) {
	j, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	y, err := yamlx.FromJSONPruned(j)
	if errors.Is(err, yamlx.ErrEmpty) {
		return nil, fmt.Errorf("internal error: %T rendered empty", obj)
	}
	if err != nil {
		return nil, err
	}
	return append(targets.YAMLHeader(source), y...), nil
}

// yamlWriter appends YAML to b in yamlx.FromJSONPruned's style: the keys
// of every mapping in bytewise order, what omitempty drops and what
// pruning drops (empty strings are kept unless omitempty drops them;
// empty maps and lists go) left out, keys and strings through yamlx's
// writers. It writes only the members obsc sets; the SelfCheck comparison
// catches one set but not written here.
//
// A mapping that is an item of a sequence at column col has its members
// at col+2, and "- " replaces the last two spaces of its first line's
// indentation (item).
type yamlWriter struct {
	b    []byte
	keys []string // stringMap's, reused
}

// key starts a member of a mapping at column col: its indentation, key
// and colon. k is a fixed member name, plain.
func (w *yamlWriter) key(col int, k string) {
	w.b = yamlx.AppendIndent(w.b, col)
	w.b = append(w.b, k...)
	w.b = append(w.b, ':')
}

// open starts a member holding a mapping or a list, on the next lines.
func (w *yamlWriter) open(col int, k string) {
	w.key(col, k)
	w.b = append(w.b, '\n')
}

// string writes a member holding a string, even an empty one.
func (w *yamlWriter) string(col int, k, v string) {
	w.key(col, k)
	w.b = append(w.b, ' ')
	w.b = yamlx.AppendString(w.b, v, col)
}

// omitEmpty writes a member holding a string that omitempty drops when
// empty.
func (w *yamlWriter) omitEmpty(col int, k, v string) {
	if v != "" {
		w.string(col, k, v)
	}
}

// int writes a member holding a number that omitempty drops when zero.
func (w *yamlWriter) int(col int, k string, n int64) {
	if n == 0 {
		return
	}
	w.key(col, k)
	w.b = append(w.b, ' ')
	w.b = strconv.AppendInt(w.b, n, 10)
	w.b = append(w.b, '\n')
}

// stringMap writes a member holding a map of strings, left out when
// empty.
func (w *yamlWriter) stringMap(col int, k string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	w.open(col, k)
	w.b, w.keys = yamlx.AppendStringMap(w.b, m, col+2, w.keys)
}

// strings writes a member holding a list of strings, left out when empty.
func (w *yamlWriter) strings(col int, k string, ss []string) {
	if len(ss) == 0 {
		return
	}
	w.open(col, k)
	for _, s := range ss {
		w.b = yamlx.AppendIndent(w.b, col)
		w.b = append(w.b, '-', ' ')
		w.b = yamlx.AppendString(w.b, s, col)
	}
}

// item writes, with elem, a mapping that is an item of a sequence at
// column col; elem writes its members at col+2 and at least one.
func item[T any](w *yamlWriter, col int, x T, elem func(*yamlWriter, int, T)) {
	start := len(w.b)
	elem(w, col+2, x)
	w.b[start+col] = '-'
}

// typeMeta writes apiVersion and kind; metadata follows them.
func (w *yamlWriter) typeMeta(t metav1.TypeMeta) {
	w.omitEmpty(0, "apiVersion", t.APIVersion)
	w.omitEmpty(0, "kind", t.Kind)
}

// objectMeta writes metadata's labels, name and namespace, or annotations
// alone (a pod template's).
func (w *yamlWriter) objectMeta(col int, m metav1.ObjectMeta) {
	if len(m.Annotations) == 0 && len(m.Labels) == 0 && m.Name == "" && m.Namespace == "" {
		return
	}
	w.open(col, "metadata")
	w.stringMap(col+2, "annotations", m.Annotations)
	w.stringMap(col+2, "labels", m.Labels)
	w.omitEmpty(col+2, "name", m.Name)
	w.omitEmpty(col+2, "namespace", m.Namespace)
}

func (w *yamlWriter) selector(col int, s metav1.LabelSelector) {
	if len(s.MatchLabels) == 0 {
		return
	}
	w.open(col, "selector")
	w.stringMap(col+2, "matchLabels", s.MatchLabels)
}

func (w *yamlWriter) relabelings(col int, rs []monitoringv1.RelabelConfig) {
	if len(rs) == 0 {
		return
	}
	w.open(col, "relabelings")
	for _, r := range rs {
		item(w, col, r, (*yamlWriter).relabeling)
	}
}

func (w *yamlWriter) relabeling(col int, r monitoringv1.RelabelConfig) {
	w.omitEmpty(col, "action", r.Action)
	if r.Replacement != nil {
		w.string(col, "replacement", *r.Replacement)
	}
	w.omitEmpty(col, "targetLabel", r.TargetLabel)
}

// ---- ServiceMonitor and PodMonitor ----

// writeMonitor writes a ServiceMonitor or a PodMonitor: the objects differ in
// the type of their endpoints and the key that lists them.
func writeMonitor[E any](w *yamlWriter, tm metav1.TypeMeta, om metav1.ObjectMeta, key string, endpoints []E, elem func(*yamlWriter, int, E), sel metav1.LabelSelector) {
	w.typeMeta(tm)
	w.objectMeta(0, om)
	w.open(0, "spec")
	if len(endpoints) > 0 {
		w.open(2, key)
		for _, e := range endpoints {
			item(w, 2, e, elem)
		}
	}
	w.selector(2, sel)
}

func (w *yamlWriter) endpoint(col int, e monitoringv1.Endpoint) {
	w.omitEmpty(col, "interval", string(e.Interval))
	w.omitEmpty(col, "path", e.Path)
	w.omitEmpty(col, "port", e.Port)
	w.relabelings(col, e.RelabelConfigs)
}

func (w *yamlWriter) podMetricsEndpoint(col int, e monitoringv1.PodMetricsEndpoint) {
	w.omitEmpty(col, "interval", string(e.Interval))
	w.omitEmpty(col, "path", e.Path)
	if e.Port != nil {
		w.string(col, "port", *e.Port)
	}
	w.relabelings(col, e.RelabelConfigs)
}

// ---- the Deployment patches ----

func (w *yamlWriter) deployment(d *appsv1.Deployment) {
	w.typeMeta(d.TypeMeta)
	w.objectMeta(0, d.ObjectMeta)
	t := d.Spec.Template
	if len(t.Annotations) == 0 && len(t.Spec.Containers) == 0 {
		return
	}
	w.open(0, "spec")
	w.open(2, "template")
	w.objectMeta(4, t.ObjectMeta)
	if len(t.Spec.Containers) > 0 {
		w.open(4, "spec")
		w.open(6, "containers")
		for _, c := range t.Spec.Containers {
			item(w, 6, c, (*yamlWriter).container)
		}
	}
}

func (w *yamlWriter) container(col int, c corev1.Container) {
	w.probe(col, "livenessProbe", c.LivenessProbe)
	w.string(col, "name", c.Name)
	w.probe(col, "readinessProbe", c.ReadinessProbe)
	w.probe(col, "startupProbe", c.StartupProbe)
}

func (w *yamlWriter) probe(col int, k string, p *corev1.Probe) {
	if p == nil {
		return
	}
	w.open(col, k)
	col += 2
	w.int(col, "failureThreshold", int64(p.FailureThreshold))
	if g := p.HTTPGet; g != nil {
		w.open(col, "httpGet")
		w.omitEmpty(col+2, "path", g.Path)
		if g.Port.Type == intstr.Int {
			w.key(col+2, "port")
			w.b = append(w.b, ' ')
			w.b = strconv.AppendInt(w.b, int64(g.Port.IntVal), 10)
			w.b = append(w.b, '\n')
		} else {
			w.string(col+2, "port", g.Port.StrVal)
		}
	}
	w.int(col, "initialDelaySeconds", int64(p.InitialDelaySeconds))
	w.int(col, "periodSeconds", int64(p.PeriodSeconds))
	w.int(col, "timeoutSeconds", int64(p.TimeoutSeconds))
}

// ---- kustomizations ----

func (w *yamlWriter) kustomization(k kustomization) {
	w.string(0, "apiVersion", k.APIVersion)
	w.strings(0, "components", k.Components)
	w.string(0, "kind", k.Kind)
	if len(k.Patches) > 0 {
		w.open(0, "patches")
		for _, p := range k.Patches {
			item(w, 0, p, (*yamlWriter).patch)
		}
	}
	w.strings(0, "resources", k.Resources)
}

func (w *yamlWriter) patch(col int, p patch) {
	w.string(col, "path", p.Path)
	if t := p.Target; t != nil && *t != (patchSelector{}) {
		w.open(col, "target")
		w.omitEmpty(col+2, "group", t.Group)
		w.omitEmpty(col+2, "kind", t.Kind)
		w.omitEmpty(col+2, "name", t.Name)
		w.omitEmpty(col+2, "version", t.Version)
	}
}

// ---- the scrape configuration ----

func (w *yamlWriter) scrapeConfigFile(f scrapeConfigFile) {
	if len(f.ScrapeConfigs) == 0 {
		return
	}
	w.open(0, "scrape_configs")
	for _, j := range f.ScrapeConfigs {
		item(w, 0, j, (*yamlWriter).scrapeJob)
	}
}

func (w *yamlWriter) scrapeJob(col int, j scrapeJob) {
	w.string(col, "job_name", j.JobName)
	if len(j.KubernetesSDConfigs) > 0 {
		w.open(col, "kubernetes_sd_configs")
		for _, sd := range j.KubernetesSDConfigs {
			item(w, col, sd, (*yamlWriter).kubernetesSD)
		}
	}
	w.string(col, "metrics_path", j.MetricsPath)
	if len(j.RelabelConfigs) > 0 {
		w.open(col, "relabel_configs")
		for _, r := range j.RelabelConfigs {
			item(w, col, r, (*yamlWriter).relabelRule)
		}
	}
	w.omitEmpty(col, "scrape_interval", j.ScrapeInterval)
}

func (w *yamlWriter) kubernetesSD(col int, sd kubernetesSD) {
	if sd.Namespaces != nil && len(sd.Namespaces.Names) > 0 {
		w.open(col, "namespaces")
		w.strings(col+2, "names", sd.Namespaces.Names)
	}
	w.string(col, "role", sd.Role)
}

func (w *yamlWriter) relabelRule(col int, r relabelRule) {
	w.string(col, "action", r.Action)
	w.omitEmpty(col, "regex", r.Regex)
	w.omitEmpty(col, "replacement", r.Replacement)
	w.strings(col, "source_labels", r.SourceLabels)
	w.omitEmpty(col, "target_label", r.TargetLabel)
}
