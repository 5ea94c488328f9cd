# fraiseql-http: every action runs per module (one go.mod per domain, see docs/architecture.md).
# `make help` lists the targets.

SHELL := /bin/bash
MODULES := $(sort $(patsubst ./%/go.mod,%,$(shell find . -name go.mod -not -path './.git/*' -not -path './.cache/*')))
GO ?= go
export GOFLAGS ?= -buildvcs=false

HOST ?= 127.0.0.1
PORT ?= 8000
SCHEMA ?= examples/blog/app.graphql
# What `make run` serves: the demo app with its subscriptions (the compat
# replay keeps SCHEMA alone: v1.9.7 had no subscription root).
RUN_SCHEMA ?= $(SCHEMA),examples/blog/subscriptions.graphql
# The SQL that goes with SCHEMA (the recorded demo-app/schema.sql plus the
# filter columns its @column declarations name).
SCHEMA_SQL ?= examples/blog/schema.sql
ENVIRONMENT ?= development
# go test flags for `make test`; -race and -count=1 keep CI honest.
TESTFLAGS ?= -race -count=1
FUZZTIME ?= 20s

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_%\/-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: bin/fraiseql-http bin/fraiseql-compat $(addprefix build/,$(MODULES)) ## build every module and the binaries in bin/

build/%: ## build one module (e.g. build/httpcore)
	cd $* && GOWORK=off $(GO) build ./...

.PHONY: bin/fraiseql-http bin/fraiseql-compat
# The commit the binary is built from (`fraiseql-http version` prints it;
# -buildvcs is off above, so it is stamped here), "-modified" when the tree
# has uncommitted changes.
VCS_REVISION ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo -modified)
# Static (CGO_ENABLED=0), as the Dockerfile ships it: no libc or loader mapped
# (about 1.8 MB less idle RSS, docs/performance.md), the pure-Go DNS resolver.
bin/fraiseql-http:
	cd httpcore && CGO_ENABLED=0 $(GO) build -ldflags '-X main.vcsRevision=$(VCS_REVISION)' -o ../bin/fraiseql-http ./cmd/fraiseql-http
bin/fraiseql-compat:
	cd compat && $(GO) build -o ../bin/fraiseql-compat ./cmd/fraiseql-compat

# The c-shared library goes inside the Python package, next to the loader.
PYBRIDGE_LIB := pybridge/python/fraiseql_http/libfraiseql.so

.PHONY: pybridge
pybridge: ## build the c-shared library into the Python package (then: pip install ./pybridge/python)
	cd pybridge && $(GO) build -buildmode=c-shared -ldflags='-s -w' -o python/fraiseql_http/libfraiseql.so ./cmd/libfraiseql
	rm -f pybridge/python/fraiseql_http/libfraiseql.h

# Interpreters for the bridge's Python tests: python3 and, when pyenv has
# one, 3.13 (PYTHONS="..." to choose). Under CI=true both 3.11 and 3.13 must
# have run (issue 9), so a machine without one fails instead of passing on one.
PYENV_ROOT_DIR := $(shell pyenv root 2>/dev/null || echo $$HOME/.pyenv)
PYTHONS ?= $(shell command -v python3) $(lastword $(sort $(wildcard $(PYENV_ROOT_DIR)/versions/3.13*/bin/python3)))

# graphql-core (pure Python) of python3, lent to interpreters without it so the
# schema-conversion tests run on each (tests/__main__.py).
GRAPHQL_CORE ?= $(shell python3 -c 'import graphql, os; print(os.path.dirname(graphql.__file__))' 2>/dev/null)

.PHONY: test-python
test-python: pybridge ## the Python bridge's tests (unittest) with every interpreter in PYTHONS, on a fresh database
	@url=$${FRAISEQL_TEST_DATABASE_URL:-$$(FRAISEQL_DEMO_DB=fraiseql_test scripts/devdb.sh --reload)} && \
		ran=""; for py in $(PYTHONS); do echo "== $$py"; \
			(cd pybridge/python && FRAISEQL_TEST_DATABASE_URL="$$url" FRAISEQL_TEST_GRAPHQL_CORE="$(GRAPHQL_CORE)" \
				$$py -m tests) || exit 1; \
			ran="$$ran $$($$py -c 'import sys; print("%d.%d" % sys.version_info[:2])')"; done; \
		echo "test-python: ran with Python$$ran"; \
		if [ "$$CI" = true ]; then for want in 3.11 3.13; do case " $$ran " in *" $$want "*) ;; \
			*) echo "test-python: Python $$want did not run (PYTHONS=$(PYTHONS)); CI needs both 3.11 and 3.13"; exit 1;; \
			esac; done; fi

.PHONY: db
db: ## start the local PostgreSQL if needed and load the demo app (prints its URL)
	@scripts/devdb.sh

.PHONY: db-reload
db-reload: ## drop and reload the demo database
	@scripts/devdb.sh --reload

.PHONY: run
run: bin/fraiseql-http ## build, prepare the database, and serve the demo app (subscriptions on ws://$(HOST):$(PORT)/graphql) on $(HOST):$(PORT)
	@url=$$(scripts/devdb.sh) && exec bin/fraiseql-http serve --schema $(RUN_SCHEMA) \
		--database-url "$${FRAISEQL_DATABASE_URL:-$$url}" --host $(HOST) --port $(PORT) --environment $(ENVIRONMENT)

.PHONY: test
test: ## run every module's tests (GOWORK=off, -race) against a freshly loaded demo database, compat included, then the Python bridge's, the browser test, the WebSocket clients' test, the GraphQL-over-HTTP audit and the container image check
	@url=$${FRAISEQL_TEST_DATABASE_URL:-$$(FRAISEQL_DEMO_DB=fraiseql_test scripts/devdb.sh --reload)} && \
		$(MAKE) --no-print-directory FRAISEQL_TEST_DATABASE_URL="$$url" $(addprefix test/,$(MODULES)) test-python test-browser test-ws test-graphql-http image-check

test/%: ## test one module (e.g. test/graphqlexec)
	cd $* && GOWORK=off $(GO) test $(TESTFLAGS) ./...

.PHONY: image-check
image-check: ## the container image without a Docker engine: the Dockerfile's build command on a clean export of HEAD, then two instances with the image's and compose file's settings as uid 65532 (HEALTHCHECK, query, /ready, /metrics, SIGTERM); about 15 s warm
	@scripts/image-check.sh $${FRAISEQL_TEST_DATABASE_URL:-}

.PHONY: compat
compat: bin/fraiseql-http bin/fraiseql-compat ## replay the FastAPI goldens in both --quirks modes (none, v1.9.7) and print both tallies
	@url=$${FRAISEQL_TEST_DATABASE_URL:-$$(scripts/devdb.sh)} && \
		bin/fraiseql-compat replay --goldens compat/testdata/goldens --server-bin bin/fraiseql-http \
		--schema $(SCHEMA) --sql $(SCHEMA_SQL) --database-url "$$url" \
		--pending compat/pending.txt --divergences compat/divergences --quirks none,v1.9.7

.PHONY: compat-record
compat-record: bin/fraiseql-http bin/fraiseql-compat ## record our bytes into every registered divergence (compat/divergences/README.md), then replay both modes
	@url=$${FRAISEQL_TEST_DATABASE_URL:-$$(scripts/devdb.sh)} && \
		bin/fraiseql-compat replay --goldens compat/testdata/goldens --server-bin bin/fraiseql-http \
		--schema $(SCHEMA) --sql $(SCHEMA_SQL) --database-url "$$url" \
		--pending compat/pending.txt --divergences compat/divergences --quirks none,v1.9.7 --record-divergences

.PHONY: test-ws
test-ws: ## real WebSocket clients (graphql-ws, subscriptions-transport-ws; npm, pinned, cached) against two `fraiseql-http serve` on a scratch demo database: a mutation through one reaches a subscriber of the other
	@scripts/test-ws-clients.sh

.PHONY: test-graphql-http
test-graphql-http: ## graphql-http's auditServer (GraphQL-over-HTTP conformance) against the demo app in development and production (installs the pinned graphql-http from npm once)
	@scripts/test-graphql-http.sh

.PHONY: test-browser
test-browser: ## the embedded GraphiQL page in headless chromium against the demo app (installs chromium and puppeteer-core when missing; 15-25 s warm)
	@scripts/test-browser.sh

.PHONY: graphiql-update
graphiql-update: ## refresh the embedded GraphiQL build from npm at the pins in scripts/graphiql-update.sh (writes httpcore/internal/graphiql/assets)
	@scripts/graphiql-update.sh

.PHONY: bench bench-full bench-smoke
bench: ## quick side-by-side benchmark (about 3-4 minutes), PostGraphile included, results in perf/results/
	perf/bench.sh quick

bench-smoke: ## short benchmark for a shared or loaded machine (1-2 minutes): fraiseql-http vs PostGraphile vs thinref, CPU split
	perf/bench.sh smoke

.PHONY: bench-idle
bench-idle: bin/fraiseql-http ## idle RSS (anon and file-backed) and exec → first 200 of bin/fraiseql-http on the demo app, production, 10 starts (about 10 s)
	@cd perf && $(GO) build -o ../bin/fraiseql-bench ./cmd/fraiseql-bench
	@url=$$(scripts/devdb.sh) && bin/fraiseql-bench proc --name fraiseql-http --startup-runs 10 --leak-small 0 --hold 0 \
		-- bin/fraiseql-http serve --schema $(SCHEMA) --database-url "$${FRAISEQL_DATABASE_URL:-$$url}" --host 127.0.0.1 --port 0 --environment production

.PHONY: bench-ws
bench-ws: bin/fraiseql-http ## subscriptions: 10,000 subscribed sockets (RSS per socket, fan-out p50/p99, 10 s at 1 event/s with CPU), 1,000 distinct groups, each against the gorilla+pgx LISTEN reference (about 3 minutes)
	@cd perf && $(GO) build -o ../bin/wsbench ./cmd/wsbench
	@url=$$(FRAISEQL_DEMO_DB=fraiseql_ws_bench scripts/devdb.sh --reload) && \
		for t in fraiseql ref; do bin/wsbench run --target $$t --database-url "$$url" --conns 10000 --events 5 --sustain 10; done && \
		for t in fraiseql ref; do bin/wsbench run --target $$t --database-url "$$url" --conns 1000 --groups 1000 --events 5 --sustain 10; done

.PHONY: bench-pybridge
bench-pybridge: ## users-20x3 from the server started by Python vs the binary, and await start() latency
	perf/pybridge/bench.sh

.PHONY: bench-pybridge-cpu
bench-pybridge-cpu: ## server CPU per request, binary vs started from Python (users-20x3; steady on a shared machine)
	perf/pybridge/cpu.sh

bench-full: ## full benchmark for a quiet machine: PostGraphile (1 process and 2 workers), FastAPI baseline, 1M-request leak check, 20k connections
	perf/bench.sh full

.PHONY: vet
vet: $(addprefix vet/,$(MODULES)) ## go vet every module
vet/%:
	cd $* && GOWORK=off $(GO) vet ./...

# Lint tools, pinned and installed once per machine into a cache outside the
# clone (CI clones afresh each run; the cache survives on the machine).
TOOLS_BIN ?= $(HOME)/.cache/fraiseql-http/tools
STATICCHECK_VERSION ?= v0.8.2
GOVULNCHECK_VERSION ?= v1.10.0
STATICCHECK := $(TOOLS_BIN)/staticcheck-$(STATICCHECK_VERSION)
GOVULNCHECK := $(TOOLS_BIN)/govulncheck-$(GOVULNCHECK_VERSION)

$(STATICCHECK):
	@mkdir -p $(TOOLS_BIN) && tmp=$$(mktemp -d) && GOFLAGS= GOBIN=$$tmp $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) && mv $$tmp/staticcheck $@ && rmdir $$tmp
$(GOVULNCHECK):
	@mkdir -p $(TOOLS_BIN) && tmp=$$(mktemp -d) && GOFLAGS= GOBIN=$$tmp $(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION) && mv $$tmp/govulncheck $@ && rmdir $$tmp

.PHONY: lint
lint: fmt-check vet staticcheck tidy-check vulncheck ## gofmt, go vet, staticcheck, go mod tidy -diff and govulncheck on every module

.PHONY: staticcheck
staticcheck: $(STATICCHECK) $(addprefix staticcheck/,$(MODULES)) ## staticcheck every module
staticcheck/%: $(STATICCHECK)
	cd $* && GOWORK=off $(STATICCHECK) ./...

.PHONY: tidy-check
tidy-check: $(addprefix tidy-check/,$(MODULES)) ## fail when go mod tidy would change a go.mod or go.sum
tidy-check/%:
	cd $* && GOWORK=off $(GO) mod tidy -diff

# govulncheck needs its vulnerability database (vuln.go.dev). Where that host
# cannot be reached (these build machines reach only the module proxy) the
# target says so loudly and fails unless VULNCHECK=optional, which .ci/run
# sets: an unreachable database is reported as NOT CHECKED, never as a pass.
VULNCHECK ?= required
.PHONY: vulncheck
vulncheck: $(GOVULNCHECK) ## govulncheck every module (VULNCHECK=optional tolerates an unreachable database)
	@set -e; out=$$(cd connlimit && GOWORK=off $(GOVULNCHECK) ./... 2>&1) || true; \
	if echo "$$out" | grep -q "fetching vulnerabilities"; then \
		echo "vulncheck: NOT CHECKED: the vulnerability database is unreachable from this machine ($$(echo "$$out" | head -1))"; \
		if [ "$(VULNCHECK)" = optional ]; then exit 0; else exit 1; fi; \
	fi; \
	for m in $(MODULES); do echo "== govulncheck $$m"; (cd $$m && GOWORK=off $(GOVULNCHECK) ./...); done

.PHONY: fmt-check
fmt-check: ## fail when gofmt would change a file
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

.PHONY: tidy
tidy: $(addprefix tidy/,$(MODULES)) ## go mod tidy every module
tidy/%:
	cd $* && GOWORK=off $(GO) mod tidy

.PHONY: fuzz
fuzz: ## run every fuzz target for FUZZTIME each (default 20s)
	@set -e; for m in $(MODULES); do \
		for pkg in $$(cd $$m && GOWORK=off $(GO) list ./...); do \
			for f in $$(cd $$m && GOWORK=off $(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
				echo "== $$pkg $$f"; (cd $$m && GOWORK=off $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg); \
			done; \
		done; \
	done

.PHONY: fuzz-long
fuzz-long: ## the long campaign before a release: every fuzz target for FUZZTIME_LONG (default 5m), new corpus inputs kept in testdata/fuzz (TARGETS=FuzzX to pick)
	@scripts/fuzz-long.sh

.PHONY: clean
clean: ## remove build outputs
	rm -rf bin $(PYBRIDGE_LIB) pybridge/python/dist
