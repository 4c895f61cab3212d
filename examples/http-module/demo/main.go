// Command demo is a stand-in TinySystems module built on the instrumentation
// obsc generates from ../module.cue (package metrics, written by `obsc gen
// go`). It handles synthetic messages on every declared (component, port)
// pair, the seed's way (in-flight gauge, duration, status-counted message,
// typed errors), and serves /metrics, /healthz and /readyz. The end-to-end
// test (e2e/) runs it against a real Prometheus; it is also a quick way to
// look at the generated dashboard with live data:
//
//	go run ./examples/http-module/demo -listen 127.0.0.1:8080 -error-ratio 0.1 -error-component router
//
// Failures are deterministic, not random: with -error-ratio r, the n-th
// message on a pair fails when floor(n*r) > floor((n-1)*r), so every pair
// has failed at most r of its messages at any moment.
//
//go:generate go run ../../../cmd/obsc gen go -o metrics --package metrics ..
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tinysystems/obsc/examples/http-module/demo/metrics"
)

// config is what the flags set.
type config struct {
	listen         string
	rate           float64
	errorRatio     float64
	errorComponent metrics.Component // 0: every component fails
	latency        time.Duration
	readyAfter     time.Duration
}

// errorTypes are the error_type values the demo reports; the spec bounds
// error_type to standard.errorTypes (8) values.
var errorTypes = []string{"timeout", "invalid_message"}

var errFailed = errors.New("demo: message failed")

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	cfg, err := parseFlags(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	return 0
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	cfg := config{}
	component := ""
	fs.StringVar(&cfg.listen, "listen", fmt.Sprintf(":%d", metrics.MetricsPort), "address to serve /metrics and the probes on (port 0: any free port; the address is printed)")
	fs.Float64Var(&cfg.rate, "rate", 20, "messages per second on each declared (component, port) pair")
	fs.Float64Var(&cfg.errorRatio, "error-ratio", 0, "share of messages that fail, 0..1")
	fs.StringVar(&component, "error-component", "", "fail messages of this component only (default: every component)")
	fs.DurationVar(&cfg.latency, "latency", 10*time.Millisecond, "how long handling one message takes")
	fs.DurationVar(&cfg.readyAfter, "ready-after", 0, "answer /readyz with 503 until this long after start")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.rate <= 0 || cfg.rate > 10000 || math.IsNaN(cfg.rate) {
		return cfg, fmt.Errorf("-rate must be in (0, 10000], got %v", cfg.rate)
	}
	if !(cfg.errorRatio >= 0 && cfg.errorRatio <= 1) {
		return cfg, fmt.Errorf("-error-ratio must be in [0, 1], got %v", cfg.errorRatio)
	}
	if cfg.latency < 0 {
		return cfg, fmt.Errorf("-latency must not be negative")
	}
	if component != "" {
		c, ok := metrics.ParseComponent(component)
		if !ok {
			var names []string
			for _, c := range metrics.ComponentValues() {
				names = append(names, c.String())
			}
			return cfg, fmt.Errorf("-error-component %q is not a declared component (%s)", component, strings.Join(names, ", "))
		}
		cfg.errorComponent = c
	}
	return cfg, nil
}

// serve runs the traffic and the HTTP server until ctx is done.
func serve(ctx context.Context, cfg config) error {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		return err
	}
	health := metrics.NewHealth()
	if cfg.readyAfter > 0 {
		health.SetReady(false)
		time.AfterFunc(cfg.readyAfter, func() { health.SetReady(true) })
	}
	mux := http.NewServeMux()
	// HandlerOpts.Registry is left unset: it would add the handler's own
	// promhttp_* metric, which the spec does not declare.
	mux.Handle(metrics.MetricsPath, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	health.Register(mux)

	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	// The e2e test reads this line to find the port.
	fmt.Fprintf(os.Stderr, "demo: listening on http://%s\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	var wg sync.WaitGroup
	for _, p := range metrics.ComponentPortValues() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			traffic(ctx, m, p, cfg)
		}()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	wg.Wait()
	return err
}

// traffic hands rate messages per second on pair p to handle.
func traffic(ctx context.Context, m *metrics.Metrics, p metrics.ComponentPort, cfg config) {
	tick := time.NewTicker(time.Duration(float64(time.Second) / cfg.rate))
	defer tick.Stop()
	ratio := cfg.errorRatio
	if cfg.errorComponent != 0 && p.Component() != cfg.errorComponent {
		ratio = 0
	}
	var n, failed int
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n++
		fail := fails(n, ratio)
		errorType := ""
		if fail {
			errorType = errorTypes[failed%len(errorTypes)]
			failed++
		}
		go handle(ctx, m, p, cfg.latency, errorType)
	}
}

// fails reports whether the n-th message (from 1) fails at ratio r.
func fails(n int, r float64) bool {
	return math.Floor(float64(n)*r) > math.Floor(float64(n-1)*r)
}

// handle is a component's message handler with the seed's instrumentation:
// Track raises the in-flight gauge and, when the handler returns, observes
// its duration and counts the message as success or error.
func handle(ctx context.Context, m *metrics.Metrics, p metrics.ComponentPort, latency time.Duration, errorType string) (err error) {
	done := m.Track(p)
	defer func() { done(err) }()
	select {
	case <-time.After(latency):
	case <-ctx.Done():
	}
	if errorType != "" {
		m.CountError(p.Component(), errorType)
		return errFailed
	}
	return nil
}
