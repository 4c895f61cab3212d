package e2e

import (
	"strings"
	"testing"
)

// The checks the end-to-end test relies on must be able to fail: these
// feed them what a wrong exporter or a wrong rule would produce.

// healthySeries is what the demo exposes after a while of healthy traffic
// (histogram buckets elided to one le per pair, which the budget allows).
func healthySeries() map[string][]map[string]string {
	out := map[string][]map[string]string{}
	add := func(name string, labels ...string) {
		s := map[string]string{"__name__": name, "job": "http-module", "instance": "127.0.0.1:1", "module": "http-module"}
		for i := 0; i < len(labels); i += 2 {
			s[labels[i]] = labels[i+1]
		}
		out[name] = append(out[name], s)
	}
	pairs := [][2]string{{"http_server", "request"}, {"http_server", "response"}, {"router", "input"}, {"router", "output"}, {"router", "error"}}
	for _, p := range pairs {
		for _, st := range []string{"success", "error"} {
			add("tinysystems_messages_total", "component", p[0], "port", p[1], "status", st)
		}
		add("tinysystems_duration_seconds_bucket", "component", p[0], "port", p[1], "le", "0.5")
		add("tinysystems_duration_seconds_sum", "component", p[0], "port", p[1])
		add("tinysystems_duration_seconds_count", "component", p[0], "port", p[1])
	}
	for _, c := range []string{"http_server", "router"} {
		add("tinysystems_active_operations", "component", c)
		add("tinysystems_errors_total", "component", c, "error_type", "timeout")
	}
	add("up")
	return out
}

func TestJudgeSeries(t *testing.T) {
	m := compileModule(t, variantDir)
	tests := map[string]struct {
		mutate func(map[string][]map[string]string)
		errMsg string // "" : passes
	}{
		"What the demo exposes passes": {mutate: func(map[string][]map[string]string) {}},
		"An undeclared status value": {
			mutate: func(s map[string][]map[string]string) { s["tinysystems_messages_total"][0]["status"] = "sucess" },
			errMsg: `undeclared value status="sucess"`,
		},
		"A port of another component": {
			mutate: func(s map[string][]map[string]string) { s["tinysystems_messages_total"][0]["component"] = "router" },
			errMsg: "undeclared (component, port) pair router/request",
		},
		"An undeclared label": {
			mutate: func(s map[string][]map[string]string) { s["tinysystems_active_operations"][0]["user_id"] = "42" },
			errMsg: `undeclared label user_id="42"`,
		},
		"An undeclared metric": {
			mutate: func(s map[string][]map[string]string) {
				s["go_goroutines"] = []map[string]string{{"__name__": "go_goroutines", "module": "http-module"}}
			},
			errMsg: "undeclared metric go_goroutines",
		},
		"A declared metric missing": {
			mutate: func(s map[string][]map[string]string) { delete(s, "tinysystems_errors_total") },
			errMsg: "declared metric tinysystems_errors_total has no series",
		},
		"A series without the module label": {
			mutate: func(s map[string][]map[string]string) { delete(s["tinysystems_active_operations"][0], "module") },
			errMsg: `without module="http-module"`,
		},
		"More series than predicted (a second replica)": {
			mutate: func(s map[string][]map[string]string) {
				for _, x := range s["tinysystems_active_operations"] {
					y := map[string]string{}
					for k, v := range x {
						y[k] = v
					}
					y["instance"] = "127.0.0.1:2"
					s["tinysystems_active_operations"] = append(s["tinysystems_active_operations"], y)
				}
			},
			errMsg: "tinysystems_active_operations has 4 series, over the 2 obsc cardinality predicts",
		},
		"A bounded label over its bound": {
			mutate: func(s map[string][]map[string]string) {
				for i := 0; i < 9; i++ {
					x := map[string]string{}
					for k, v := range s["tinysystems_errors_total"][0] {
						x[k] = v
					}
					x["error_type"] = "type" + string(rune('a'+i))
					x["component"] = []string{"router", "http_server"}[i%2]
					s["tinysystems_errors_total"] = append(s["tinysystems_errors_total"], x)
				}
			},
			errMsg: "label error_type has 10 values, over its bound of 8",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := healthySeries()
			tc.mutate(s)
			err := judgeSeries(s, m)
			switch {
			case tc.errMsg == "" && err != nil:
				t.Fatalf("judgeSeries() = %v, want nil", err)
			case tc.errMsg != "" && (err == nil || !strings.Contains(err.Error(), tc.errMsg)):
				t.Fatalf("judgeSeries() = %v, want an error containing %q", err, tc.errMsg)
			}
		})
	}
}

func TestAlertChecks(t *testing.T) {
	a := func(name, state string, labels ...string) alert {
		l := map[string]string{"alertname": name}
		for i := 0; i < len(labels); i += 2 {
			l[labels[i]] = labels[i+1]
		}
		return alert{Labels: l, State: state}
	}
	generated := map[string]bool{"HighErrorRate": true}
	if err := quiet([]alert{a("SeedHighErrorRate", "firing", "component", "router")}, generated); err != nil {
		t.Errorf("quiet() judged an alert it was not asked about: %v", err)
	}
	if err := quiet([]alert{a("HighErrorRate", "pending", "component", "router")}, generated); err == nil {
		t.Error("quiet() passed a pending generated alert")
	}
	routerOnly := []alert{a("HighErrorRate", "firing", "component", "router")}
	if err := onlyFor(routerOnly, "HighErrorRate", "component", "router"); err != nil {
		t.Error(err)
	}
	if err := firing(routerOnly, "HighErrorRate", "component", "router"); err != nil {
		t.Error(err)
	}
	both := append(routerOnly, a("HighErrorRate", "pending", "component", "http_server"))
	if err := onlyFor(both, "HighErrorRate", "component", "router"); err == nil {
		t.Error("onlyFor() passed HighErrorRate pending for http_server")
	}
	if err := firing([]alert{a("HighErrorRate", "pending", "component", "router")}, "HighErrorRate", "component", "router"); err == nil {
		t.Error("firing() accepted a pending alert")
	}
}

func TestSubstitute(t *testing.T) {
	vars := map[string]string{"component": ".*", "__rate_interval": "1m"}
	tests := map[string]struct {
		in, want string
		expErr   bool
	}{
		"All forms of a variable": {
			in:   `rate(x{component=~"$component"}[$__rate_interval]) + rate(x{component=~"${component}"}[${__rate_interval}]) + y{c=~"${component:regex}", d=~"[[component]]"}`,
			want: `rate(x{component=~".*"}[1m]) + rate(x{component=~".*"}[1m]) + y{c=~".*", d=~".*"}`,
		},
		"An unknown variable": {in: `x{a="$nope"}`, expErr: true},
		"No variables":        {in: `sum(x)`, want: `sum(x)`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := substitute(tc.in, vars)
			if (err != nil) != tc.expErr {
				t.Fatalf("substitute() error = %v, want error %v", err, tc.expErr)
			}
			if !tc.expErr && got != tc.want {
				t.Errorf("substitute() = %q, want %q", got, tc.want)
			}
		})
	}
}
