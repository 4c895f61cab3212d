package prometheus

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// rulesResponse is the part of /api/v1/rules the test reads.
type rulesResponse struct {
	Status string `json:"status"`
	Data   struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Name      string `json:"name"`
				Health    string `json:"health"`
				LastError string `json:"lastError"`
			} `json:"rules"`
		} `json:"groups"`
	} `json:"data"`
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestPrometheusLoadsRules starts a real Prometheus server with the
// generated rules.yaml and waits until every rule of every group has been
// evaluated with health "ok" (no evaluation error, e.g. duplicate series).
func TestPrometheusLoadsRules(t *testing.T) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("the prometheus server binary is not installed (apt-get install prometheus); skipping the integration test")
	}
	if testing.Short() {
		t.Skip("starts a Prometheus server; skipped with -short")
	}
	m := seedModule()
	fs := mustRender(t, m)
	var rf ruleFile
	if err := yaml.Unmarshal(fs[m.Name+"/"+RulesFile], &rf); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, g := range rf.Groups {
		want[g.Name] = len(g.Rules)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, RulesFile), fs[m.Name+"/"+RulesFile], 0o644); err != nil {
		t.Fatal(err)
	}
	config := "global:\n  evaluation_interval: 1s\nrule_files:\n- " + RulesFile + "\n"
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}

	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	ctx, cancel := context.WithCancel(context.Background())
	var logs bytes.Buffer
	cmd := exec.CommandContext(ctx, bin,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
	)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("could not start prometheus: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	var last rulesResponse
	var lastErr error
	for time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		if cmd.ProcessState != nil {
			break
		}
		resp, err := client.Get("http://" + addr + "/api/v1/rules")
		if err != nil {
			lastErr = err
			continue
		}
		last = rulesResponse{}
		lastErr = json.NewDecoder(resp.Body).Decode(&last)
		resp.Body.Close()
		if lastErr != nil || last.Status != "success" {
			continue
		}
		got := map[string]int{}
		healthy := true
		for _, g := range last.Data.Groups {
			got[g.Name] = len(g.Rules)
			for _, r := range g.Rules {
				if r.Health != "ok" {
					healthy = false
				}
			}
		}
		if healthy && cmp.Equal(want, got) {
			return
		}
	}
	var problems []string
	for _, g := range last.Data.Groups {
		for _, r := range g.Rules {
			if r.Health != "ok" {
				problems = append(problems, fmt.Sprintf("%s/%s: %s %s", g.Name, r.Name, r.Health, r.LastError))
			}
		}
	}
	sort.Strings(problems)
	t.Fatalf("rules did not all load with health ok within 60s (last error: %v)\nunhealthy: %v\ngroups: %+v\nprometheus log:\n%s",
		lastErr, problems, last.Data.Groups, logs.String())
}
