// Package k8s renders the Kubernetes side of a module: how Prometheus
// scrapes it (a ServiceMonitor or PodMonitor), the pod annotations and
// container probes its Deployment needs (strategic-merge patches), and the
// kustomizations that tie the generated files together.
//
// # Layout
//
// For each module Render writes, under <module>/:
//
//	servicemonitor.yaml      ServiceMonitor, or PodMonitor in podMonitor mode
//	pod-annotations.yaml     prometheus.io/scrape, /port, /path on the pod template
//	probes-patch.yaml        liveness/readiness/startup probes (only with `probes:`)
//	kustomization.yaml       a kustomize Component (see below)
//	scrape-config.yaml       the same scrape as a plain Prometheus job
//	                         (kubernetes_sd_configs), for clusters without
//	                         the operator; not a Kubernetes object, so no
//	                         kustomization lists it
//
// prometheusrule.yaml and dashboard-configmap.yaml in the same directory are
// written by the prometheus and grafana targets; the kustomization lists
// them as resources.
//
// RenderRoot writes <out>/kustomization.yaml, a plain Kustomization that
// lists every module directory under `components:`.
//
// # Why the module kustomization is a Component
//
// The two patches modify the user's Deployment, which obsc does not own and
// never sees. A kustomize patch only reaches resources of the kustomization
// that declares it, so a plain per-module Kustomization could never patch a
// Deployment declared next to it. A Component can: its resources are added
// to, and its patches applied to, the resources of the kustomization that
// includes it. Each patch selects its Deployment with a target selector
// (group apps, version v1, kind Deployment, exact name) rather than by the
// patch's own metadata. That has two consequences:
//
//   - a patch whose Deployment is absent matches nothing and is skipped
//     (kustomize fails only for patches without a target), so
//     `kubectl kustomize <out>` renders every monitoring object of every
//     module without any Deployment in sight;
//   - the selector carries no namespace, so it still matches when the
//     user's kustomization sets the namespace with its `namespace:` field,
//     which kustomize applies after the components.
//
// A user consumes the output in one of two ways, never both for the same
// module (the monitoring objects would then be declared twice):
//
//  1. Monitoring objects only: apply or reference <out> itself
//     (`kubectl apply -k out/`, or `resources: [out]` in a parent
//     kustomization, an Argo CD application or a Flux Kustomization). The
//     Deployments are left alone; the patches are no-ops.
//
//  2. Monitoring objects plus patched Deployment: include the module
//     directory as a component of the kustomization that declares the
//     Deployment.
//
// For the second way, the user's kustomization reads:
//
//	apiVersion: kustomize.config.k8s.io/v1beta1
//	kind: Kustomization
//	resources:  [deployment.yaml]
//	components: [../../out/http-module]
//
// Because the patch is a strategic merge keyed by container name, the
// Deployment must have a container called Module.Target.Container, or
// kustomize adds an image-less container of that name; and because it
// selects by name, a Deployment called differently is silently left
// unpatched. Both names come from `probes.target` (default: module name).
//
// The ServiceMonitor/PodMonitor sets no namespaceSelector: it watches its
// own namespace, which follows the Deployment when a kustomization moves
// both with `namespace:`.
package k8s

import (
	"fmt"
	"path"
	"sort"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/targets"
)

// Names of the files Render writes into the module directory, and of the
// files the prometheus and grafana targets write next to them.
const (
	FileMonitor        = "servicemonitor.yaml"
	FilePodAnnotations = "pod-annotations.yaml"
	FileProbesPatch    = "probes-patch.yaml"
	FileKustomization  = "kustomization.yaml"

	FilePrometheusRule     = "prometheusrule.yaml"
	FileDashboardConfigMap = "dashboard-configmap.yaml"
)

// rootSource names the source of the top-level kustomization in its header.
const rootSource = "all modules"

// Render renders the Kubernetes files of one module.
func Render(m *ir.Module) (targets.FileSet, error) {
	if err := checkModule(m); err != nil {
		return nil, err
	}
	files := []struct {
		name   string
		render func(*ir.Module) ([]byte, error)
	}{
		{FileMonitor, monitor},
		{FilePodAnnotations, podAnnotations},
		{FileProbesPatch, probesPatch},
		{FileKustomization, moduleKustomization},
		{FileScrapeConfig, scrapeConfig},
	}
	fs := targets.FileSet{}
	for _, f := range files {
		data, err := f.render(m)
		if err != nil {
			return nil, fmt.Errorf("module %s: could not render %s: %w", m.Name, f.name, err)
		}
		if data == nil { // not applicable to this module (probes-patch.yaml)
			continue
		}
		if err := fs.Add(path.Join(m.Name, f.name), data); err != nil {
			return nil, err
		}
	}
	return fs, nil
}

// RenderRoot renders <out>/kustomization.yaml, which includes every module
// directory so that `kubectl kustomize <out>` renders all monitoring
// objects.
func RenderRoot(modules []*ir.Module) (targets.FileSet, error) {
	names := make([]string, 0, len(modules))
	seen := map[string]bool{}
	for _, m := range modules {
		if m == nil || m.Name == "" {
			return nil, fmt.Errorf("internal error: module without a name")
		}
		if seen[m.Name] {
			return nil, fmt.Errorf("internal error: module %s listed twice", m.Name)
		}
		seen[m.Name] = true
		names = append(names, m.Name)
	}
	sort.Strings(names)
	data, err := render(rootSource, kustomization{
		APIVersion: kustomizeV1beta1,
		Kind:       kindKustomization,
		Components: names,
	})
	if err != nil {
		return nil, fmt.Errorf("could not render %s: %w", FileKustomization, err)
	}
	fs := targets.FileSet{}
	if err := fs.Add(FileKustomization, data); err != nil {
		return nil, err
	}
	return fs, nil
}

// checkModule guards the invariants the renderers rely on. compile/
// guarantees them; a violation here is an internal error, not a spec error.
func checkModule(m *ir.Module) error {
	switch {
	case m == nil:
		return fmt.Errorf("internal error: nil module")
	case m.Name == "":
		return fmt.Errorf("internal error: module without a name")
	case m.Namespace == "":
		return fmt.Errorf("internal error: module %s has no namespace", m.Name)
	case len(m.Scrape.Selector) == 0:
		// An empty selector would select every Service or pod in the namespace.
		return fmt.Errorf("internal error: module %s has an empty scrape selector", m.Name)
	case m.Scrape.Port == "":
		return fmt.Errorf("internal error: module %s has no scrape port", m.Name)
	case m.Scrape.PortNumber < 1 || m.Scrape.PortNumber > 65535:
		return fmt.Errorf("internal error: module %s has scrape port number %d, want 1..65535", m.Name, m.Scrape.PortNumber)
	case m.Scrape.Mode != ir.ScrapeServiceMonitor && m.Scrape.Mode != ir.ScrapePodMonitor:
		return fmt.Errorf("internal error: module %s has scrape mode %q, want %q or %q",
			m.Name, m.Scrape.Mode, ir.ScrapeServiceMonitor, ir.ScrapePodMonitor)
	case m.Target.Deployment == "" || m.Target.Container == "":
		return fmt.Errorf("internal error: module %s has no target deployment or container", m.Name)
	}
	return nil
}
