package prometheus

import (
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/tinysystems/obsc/internal/promtest"
)

// TestPrometheusLoadsRules starts a real Prometheus server with the
// generated rules.yaml and waits until every rule of every group has been
// evaluated with health "ok" (no evaluation error, e.g. duplicate series).
func TestPrometheusLoadsRules(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Prometheus server; skipped with -short")
	}
	m := seedModule()
	fs := mustRender(t, m)
	var rf ruleFileDoc
	if err := yaml.Unmarshal(fs[m.Name+"/"+RulesFile], &rf); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, g := range rf.Groups {
		want[g.Name] = len(g.Rules)
	}
	s := promtest.Start(t, map[string][]byte{RulesFile: fs[m.Name+"/"+RulesFile]}, "")
	s.WaitRulesHealthy(t, want, 60*time.Second)
}
