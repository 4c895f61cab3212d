package k8s

import (
	"regexp"
	"sort"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/tinysystems/obsc/compile/ir"
)

// The kustomization kinds obsc writes.
const (
	kustomizeV1beta1  = "kustomize.config.k8s.io/v1beta1"
	kustomizeV1alpha1 = "kustomize.config.k8s.io/v1alpha1"
	kindKustomization = "Kustomization"
	kindComponent     = "Component"
)

// kustomization is the subset of kustomize's Kustomization (and Component)
// that obsc writes. A local type keeps kustomize's module graph out of obsc.
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources,omitempty"`
	Components []string `json:"components,omitempty"`
	Patches    []patch  `json:"patches,omitempty"`
}

// patch is one entry of `patches:`: a file applied to the resources the
// target selects.
type patch struct {
	Path   string         `json:"path"`
	Target *patchSelector `json:"target,omitempty"`
}

// patchSelector is kustomize's resource selector. Name is an anchored
// regular expression.
type patchSelector struct {
	Group   string `json:"group,omitempty"`
	Version string `json:"version,omitempty"`
	Kind    string `json:"kind,omitempty"`
	Name    string `json:"name,omitempty"`
}

// moduleKustomization renders the module's Component: the monitoring
// objects as resources and the Deployment patches (see the package
// documentation for why it is a Component).
func moduleKustomization(m *ir.Module) ([]byte, error) {
	resources := []string{FileMonitor, FilePrometheusRule, FileDashboardConfigMap}
	sort.Strings(resources)

	target := &patchSelector{
		Group:   appsv1.SchemeGroupVersion.Group,
		Version: appsv1.SchemeGroupVersion.Version,
		Kind:    "Deployment",
		// kustomize anchors the name as a regular expression; quoting
		// keeps a dot in the name from matching other Deployments.
		Name: regexp.QuoteMeta(m.Target.Deployment),
	}
	patches := []patch{{Path: FilePodAnnotations, Target: target}}
	if m.Probes != nil {
		patches = append(patches, patch{Path: FileProbesPatch, Target: target})
	}
	return render(m.Name, kustomization{
		APIVersion: kustomizeV1alpha1,
		Kind:       kindComponent,
		Resources:  resources,
		Patches:    patches,
	})
}
