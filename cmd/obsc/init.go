package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"
)

func newInitCmd(c *cli) *command {
	flags := pflag.NewFlagSet("init", pflag.ContinueOnError)
	namespace := flags.String("namespace", "default", "Kubernetes namespace of the module")
	cmd := &command{name: "init", args: "NAME [DIR] [--namespace NS]", short: "scaffold a commented module.cue in DIR (default ./NAME)", flags: flags}
	cmd.run = func(args []string) int {
		if len(args) < 1 || len(args) > 2 {
			return c.usageErr("init", "want NAME [DIR]")
		}
		name := args[0]
		if len(validation.IsDNS1123Label(name)) > 0 {
			return c.usageErr("init", "module name %q is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)", name)
		}
		// The namespace goes into the scaffold as a CUE string: refuse what
		// the module would be refused for (and any quote), not write it.
		if ns := *namespace; len(validation.IsDNS1123Label(ns)) > 0 {
			return c.usageErr("init", "namespace %q is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)", ns)
		}
		dir := name
		if len(args) == 2 {
			dir = args[1]
		}
		file := filepath.Join(dir, "module.cue")
		if _, err := os.Stat(file); err == nil {
			fmt.Fprintf(c.stderr, "obsc: %s already exists; not overwriting it\n", file)
			return exitFail
		} else if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		text := strings.NewReplacer("NAME_UNDERSCORE", strings.ReplaceAll(name, "-", "_"), "NAMESPACE", *namespace, "NAME", name).Replace(scaffold)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		fmt.Fprintf(c.stderr, "obsc: wrote %s; next: obsc build %s\n", file, dir)
		return exitOK
	}
	return cmd
}

// scaffold is the module `obsc init` writes: it compiles as is and shows
// every section with the common choices.
const scaffold = `// Monitoring spec of NAME, compiled by obsc (obsc build).
// Reference: the README's spec reference section.
package obs

module: {
	name:      "NAME"
	namespace: "NAMESPACE"
	// team:        "platform"                      // team label on every alert
	// runbookBase: "https://runbooks.example.com/NAME" // runbook_url = runbookBase#<alert>
}

// How Prometheus finds the pods: a ServiceMonitor (or podMonitor) plus
// prometheus.io annotations.
scrape: {
	selector: app: "NAME"
	port:       "metrics" // named container/service port
	portNumber: 8080
	// path: "/metrics", interval: "15s", mode: "serviceMonitor" are the defaults
}

// Every label a metric uses, each bounded by its values or maxValues.
labels: {
	status: values: ["success", "error"]
}

// Metric keys are the exact exposed names.
metrics: {
	NAME_UNDERSCORE_requests_total: {
		type: "counter"
		help: "Requests handled, by status"
		labels: ["status"]
	}
	NAME_UNDERSCORE_request_duration_seconds: {
		type: "histogram"
		help: "Request duration in seconds"
		// buckets default to Prometheus' DefBuckets
	}
}

// Series budgets; replicas multiplies every count.
cardinality: {
	replicas: 1
}

// SLOs become SLI recording rules and multi-window multi-burn-rate alerts.
slos: availability: {
	objective: 99.9 // percent over window (default 30d)
	ratio: {
		metric: "NAME_UNDERSCORE_requests_total"
		errors: status: "error"
	}
}

alerts: HighErrorRate: {
	errorRatio: {
		metric: "NAME_UNDERSCORE_requests_total"
		errors: status: "error"
	}
	above:    0.05
	for:      "5m"
	severity: "warning"
}

probes: {
	liveness: {path: "/healthz", port: 8080}
	readiness: {path: "/readyz", port: 8080}
}

dashboard: {
	tags: ["NAME"]
}
`
