package k8s

import (
	"strings"
	"testing"

	"github.com/tinysystems/obsc/targets"
)

// TestRenderSelfCheck: a member the direct writer does not write is caught
// under targets.SelfCheck, and only then.
func TestRenderSelfCheck(t *testing.T) {
	sm := serviceMonitor(seedModule())
	sm.Spec.Endpoints[0].HonorLabels = true
	if _, err := render("x", sm); err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Errorf("render() under SelfCheck = %v, want an internal error", err)
	}
	targets.SelfCheck = false
	defer func() { targets.SelfCheck = true }()
	if _, err := render("x", sm); err != nil {
		t.Errorf("render() without SelfCheck = %v", err)
	}
	// Every document as marshal writes it, for the fixtures.
	targets.SelfCheck = true
	for name, mod := range fixtures {
		for _, obj := range []any{serviceMonitor(mod()), podMonitor(mod()), deploymentPatch(mod())} {
			got, err := render(name, obj)
			if err != nil {
				t.Fatalf("%s: render(%T) = %v", name, obj, err)
			}
			want, _ := marshal(name, obj)
			if string(got) != string(want) {
				t.Errorf("%s: render(%T) = %s, want %s", name, obj, got, want)
			}
		}
	}
}
