# obsc: `make demo` builds obsc and compiles examples/ into out/;
# `make test` installs the test tools it needs and runs every test.

GO      ?= go
BIN     := bin/obsc
OUT     ?= out
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build demo test tools vet golden check-golden fuzz clean e2e

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
	@promtool --version 2>&1 | head -1

vet:
	$(GO) vet ./...

test: tools vet
	$(GO) test -count=1 ./...

# The end-to-end proof (e2e/): the demo, built on the Go package `obsc gen
# go` writes, scraped every second by a real Prometheus evaluating the
# generated rules; checks alerts, series against the cardinality budget and
# every dashboard query. About 30s. `make test` runs it too (go test ./...;
# -short skips it).
e2e: tools
	$(GO) test -count=1 -v ./e2e/

# Rewrite golden files from the current code. Review the diff as code.
golden:
	$(GO) test ./... -update

clean:
	rm -rf bin $(OUT)
