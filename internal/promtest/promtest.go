// Package promtest runs the real Prometheus tools in tests: a Prometheus
// server (the Debian `prometheus` binary on a free 127.0.0.1 port with a
// temporary data directory, stopped when the test ends) and promtool.
package promtest

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
	"strings"
	"testing"
	"time"
)

// Server is a running Prometheus.
type Server struct {
	Addr string // host:port
	logs *bytes.Buffer
	cmd  *exec.Cmd
}

// Start runs prometheus with the given rule files (name -> content) and
// extra top-level config (e.g. scrape_configs), evaluating every second.
// It skips the test when the binary is not installed.
func Start(t testing.TB, ruleFiles map[string][]byte, extraConfig string) *Server {
	t.Helper()
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("the prometheus server binary is not installed (make test installs it: apt-get install prometheus); skipping")
	}
	dir := t.TempDir()
	names := make([]string, 0, len(ruleFiles))
	for name, data := range ruleFiles {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	config := "global:\n  evaluation_interval: 1s\n  scrape_interval: 1s\nrule_files:\n"
	for _, n := range names {
		config += "- " + n + "\n"
	}
	config += extraConfig
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: fmt.Sprintf("127.0.0.1:%d", FreePort(t)), logs: &bytes.Buffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	s.cmd = exec.CommandContext(ctx, bin,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+s.Addr,
	)
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	s.cmd.WaitDelay = 5 * time.Second
	if err := s.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("could not start prometheus: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = s.cmd.Wait()
	})
	return s
}

// Promtool returns the path of promtool. It skips the test when promtool
// is not installed.
func Promtool(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (make test installs it: apt-get install prometheus); skipping")
	}
	return p
}

// RunPromtool runs promtool with args in dir and returns what it printed.
// It fails the test when promtool exits with an error, and skips it when
// promtool is not installed.
func RunPromtool(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(Promtool(t), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// CheckAndTestRules runs `promtool check rules rules` and `promtool test
// rules tests` in dir: the rules must load and every unit test pass.
func CheckAndTestRules(t testing.TB, dir, rules, tests string) {
	t.Helper()
	RunPromtool(t, dir, "check", "rules", rules)
	if out := RunPromtool(t, dir, "test", "rules", tests); !strings.Contains(out, "SUCCESS") {
		t.Errorf("promtool test rules %s did not report SUCCESS:\n%s", tests, out)
	}
}

// FreePort returns a TCP port free on 127.0.0.1 right now.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Logs returns what the server printed so far.
func (s *Server) Logs() string { return s.logs.String() }

// Get decodes the JSON answer of an API path into v.
func (s *Server) Get(path string, v any) error {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + s.Addr + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// RulesResponse is the part of /api/v1/rules tests read.
type RulesResponse struct {
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

// WaitRulesHealthy waits until the loaded groups are exactly want (group
// name -> rule count) and every rule has been evaluated with health "ok".
func (s *Server) WaitRulesHealthy(t testing.TB, want map[string]int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last RulesResponse
	var lastErr error
	for time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		if s.cmd.ProcessState != nil {
			break
		}
		last = RulesResponse{}
		if lastErr = s.Get("/api/v1/rules", &last); lastErr != nil || last.Status != "success" {
			continue
		}
		got := map[string]int{}
		healthy := true
		for _, g := range last.Data.Groups {
			got[g.Name] = len(g.Rules)
			for _, r := range g.Rules {
				healthy = healthy && r.Health == "ok"
			}
		}
		if healthy && equal(want, got) {
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
	t.Fatalf("rules did not all load with health ok within %v (last error: %v)\nwant groups: %v\nunhealthy: %s\nprometheus log:\n%s",
		timeout, lastErr, want, strings.Join(problems, "\n"), s.Logs())
}

func equal(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
