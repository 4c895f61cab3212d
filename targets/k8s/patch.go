package k8s

import (
	"fmt"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/tinysystems/obsc/compile/ir"
)

// Pod annotations read by annotation-based Prometheus discovery (the
// kubernetes-pods job of the Prometheus Helm chart and its relatives).
const (
	AnnotationScrape = "prometheus.io/scrape"
	AnnotationPort   = "prometheus.io/port"
	AnnotationPath   = "prometheus.io/path"
)

// podAnnotations renders the strategic-merge patch that adds the
// prometheus.io annotations to the target Deployment's pod template. The
// annotations map merges key by key, so the Deployment keeps its own.
func podAnnotations(m *ir.Module) ([]byte, error) {
	annotations := map[string]string{
		AnnotationScrape: "true",
		AnnotationPort:   strconv.Itoa(m.Scrape.PortNumber),
	}
	if m.Scrape.Path != "" {
		annotations[AnnotationPath] = m.Scrape.Path
	}
	d := deploymentPatch(m)
	d.Spec.Template.Annotations = annotations
	return render(m.Name, d)
}

// probesPatch renders the strategic-merge patch that sets the probes of
// the target container; nil without `probes:`. Containers merge by name,
// so the Deployment's other containers and fields stay as they are.
func probesPatch(m *ir.Module) ([]byte, error) {
	if m.Probes == nil {
		return nil, nil
	}
	c := corev1.Container{Name: m.Target.Container}
	var err error
	if c.LivenessProbe, err = probe("liveness", m.Probes.Liveness); err != nil {
		return nil, err
	}
	if c.ReadinessProbe, err = probe("readiness", m.Probes.Readiness); err != nil {
		return nil, err
	}
	if c.StartupProbe, err = probe("startup", m.Probes.Startup); err != nil {
		return nil, err
	}
	if c.LivenessProbe == nil && c.ReadinessProbe == nil && c.StartupProbe == nil {
		return nil, fmt.Errorf("internal error: probes block without any probe")
	}
	d := deploymentPatch(m)
	d.Spec.Template.Spec.Containers = []corev1.Container{c}
	return render(m.Name, d)
}

// deploymentPatch is the skeleton both patches share. Its name and
// namespace document the intended target; kustomize selects the
// Deployment by the patch target in kustomization.yaml.
func deploymentPatch(m *ir.Module) *appsv1.Deployment {
	return &appsv1.Deployment{
		TypeMeta: metav1.TypeMeta{
			APIVersion: appsv1.SchemeGroupVersion.String(),
			Kind:       "Deployment",
		},
		ObjectMeta: metav1.ObjectMeta{
			Name:      m.Target.Deployment,
			Namespace: m.Namespace,
		},
	}
}

// probe converts one IR probe; zero durations and thresholds are left out
// so Kubernetes applies its defaults.
func probe(kind string, p *ir.Probe) (*corev1.Probe, error) {
	if p == nil {
		return nil, nil
	}
	if p.Path == "" || p.Port < 1 || p.Port > 65535 {
		return nil, fmt.Errorf("internal error: %s probe needs a path and a port in 1..65535, have %q and %d", kind, p.Path, p.Port)
	}
	out := &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{
			HTTPGet: &corev1.HTTPGetAction{
				Path: p.Path,
				Port: intstr.FromInt32(int32(p.Port)),
			},
		},
		FailureThreshold: int32(p.FailureThreshold),
	}
	var err error
	if out.PeriodSeconds, err = seconds(kind, "period", p.Period); err != nil {
		return nil, err
	}
	if out.InitialDelaySeconds, err = seconds(kind, "initial delay", p.InitialDelay); err != nil {
		return nil, err
	}
	if out.TimeoutSeconds, err = seconds(kind, "timeout", p.Timeout); err != nil {
		return nil, err
	}
	return out, nil
}

// seconds converts a probe duration to the whole seconds Kubernetes takes.
// Rounding would silently change the user's value, so a fraction is an
// error (compile/ should have rejected it).
func seconds(kind, field string, d time.Duration) (int32, error) {
	if d < 0 || d%time.Second != 0 || d/time.Second > 1<<31-1 {
		return 0, fmt.Errorf("internal error: %s probe %s %s is not a whole number of seconds", kind, field, d)
	}
	return int32(d / time.Second), nil
}
