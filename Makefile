# obsc: `make demo` builds obsc and compiles examples/ into out/;
# `make test` installs the test tools it needs and runs every test.

GO      ?= go
BIN     := bin/obsc
OUT     ?= out
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Sloth, for the import faithfulness test (importer/faithful_test.go):
# installed outside the repository when missing, never committed.
SLOTH_VERSION := v0.16.0
SLOTH_GOBIN   ?= $(or $(TMPDIR),/tmp)/obsc-tools/sloth-$(SLOTH_VERSION)

.PHONY: all build demo test tools vet lint golden check-golden fuzz clean e2e bench bench-go

all: build

build:
	$(GO) build -o $(BIN) ./cmd/obsc

demo: build
	./$(BIN) build -o $(OUT) examples/...
	@echo "--- written to $(OUT)/:"
	@find $(OUT) -type f | sort

# promtool and the Prometheus server (Debian package `prometheus`) are
# what the rule tests and the integration test run; kubectl renders the
# kustomize tree. Installed here when missing, so a fresh machine needs
# nothing but `make test`.
tools:
	@command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || \
		{ echo "installing prometheus (promtool + server) from Debian"; \
		  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null; }
	@command -v kubectl >/dev/null 2>&1 || echo "note: kubectl not found; kustomize render tests will be skipped"
	@command -v sloth >/dev/null 2>&1 || [ -x "$(SLOTH_GOBIN)/sloth" ] || \
		{ echo "installing sloth $(SLOTH_VERSION) into $(SLOTH_GOBIN) (import faithfulness test)"; \
		  GOBIN="$(SLOTH_GOBIN)" GOFLAGS=-mod=mod $(GO) install github.com/slok/sloth/cmd/sloth@$(SLOTH_VERSION); }
	@promtool --version 2>&1 | head -1

vet:
	$(GO) vet ./...

# staticcheck's default checks (bugs, dead code, deprecations), fetched at a
# fixed version through the Go module proxy like Sloth, never in go.mod.
STATICCHECK_VERSION := v0.8.2
lint:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

# The packages that run goroutines (the build pipeline: compile's workers,
# the writer, the cache's recorder) or that the workers share state through
# (the PromQL engine of the expr-alert search) are tested under the race
# detector;
# cmd/obsc's scripts and exec tests run the race-built test binary as
# obsc, so a race in any subcommand fails them.
RACE_PKGS := ./cmd/obsc ./compile ./targets ./targets/prometheus ./internal/cache ./internal/par

test: tools vet lint
	OBSC_REQUIRE_SLOTH=1 $(GO) test -count=1 $$($(GO) list ./... | grep -v -x $(foreach p,$(RACE_PKGS),-e '.*$(patsubst .%,%,$(p))'))
	$(GO) test -race -count=1 $(RACE_PKGS)

# The end-to-end proof (e2e/): the demo, built on the Go package `obsc gen
# go` writes, scraped every second by a real Prometheus evaluating the
# generated rules; checks alerts, series against the cardinality budget and
# every dashboard query. About 30s. `make test` runs it too (go test ./...;
# -short skips it).
e2e: tools
	$(GO) test -count=1 -v ./e2e/

# Fuzz the CUE->IR loader (then every target on what compiles), the
# PromQL checks, the expr search and the readers of the State and the
# cache's entries, FUZZTIME each. Crashers land in the package's
# testdata/fuzz/ and stay there as regression cases run by every `go test`.
FUZZTIME ?= 30s
fuzz:
	$(GO) test ./compile/ -run '^$$' -fuzz '^FuzzModule$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./compile/ -run '^$$' -fuzz '^FuzzPromQL$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./targets/prometheus/ -run '^$$' -fuzz '^FuzzExprTests$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./targets/ -run '^$$' -fuzz '^FuzzParseState$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./internal/cache/ -run '^$$' -fuzz '^FuzzDecodeEntries$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s

# The benchmark (bench/README.md): generates N modules, times obsc build
# and build --check (cold, cached, after one edit) against sloth generate
# and cue export of the same specs, writes bench/RESULTS.md. Not part of
# `make test`. Quicker, without the 10000 run: make bench N="100 1000".
N ?= 100 1000 10000
bench:
	bash bench/run.sh $(N)

# The per-stage Go benchmarks: CUE load/unify, checks, each target, writing.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./bench/ ./compile/

# Rewrite golden files from the current code. Review the diff as code.
golden:
	$(GO) test ./... -update

clean:
	rm -rf bin $(OUT)
