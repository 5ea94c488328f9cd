# fraiseql-http: every action runs per module (one go.mod per domain, see docs/architecture.md).
# `make help` lists the targets.

SHELL := /bin/bash
MODULES := $(sort $(patsubst ./%/go.mod,%,$(shell find . -name go.mod -not -path './.git/*' -not -path './.cache/*')))
GO ?= go
export GOFLAGS ?= -buildvcs=false

HOST ?= 127.0.0.1
PORT ?= 8000
SCHEMA ?= examples/blog/app.graphql
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
bin/fraiseql-http:
	cd httpcore && $(GO) build -o ../bin/fraiseql-http ./cmd/fraiseql-http
bin/fraiseql-compat:
	cd compat && $(GO) build -o ../bin/fraiseql-compat ./cmd/fraiseql-compat

.PHONY: db
db: ## start the local PostgreSQL if needed and load the demo app (prints its URL)
	@scripts/devdb.sh

.PHONY: db-reload
db-reload: ## drop and reload the demo database
	@scripts/devdb.sh --reload

.PHONY: run
run: bin/fraiseql-http ## build, prepare the database, and serve the demo app on $(HOST):$(PORT)
	@url=$$(scripts/devdb.sh) && exec bin/fraiseql-http serve --schema $(SCHEMA) \
		--database-url "$${FRAISEQL_DATABASE_URL:-$$url}" --host $(HOST) --port $(PORT) --environment $(ENVIRONMENT)

.PHONY: test
test: ## run every module's tests (GOWORK=off, -race) against a freshly loaded demo database, compat included
	@url=$${FRAISEQL_TEST_DATABASE_URL:-$$(FRAISEQL_DEMO_DB=fraiseql_test scripts/devdb.sh --reload)} && \
		$(MAKE) --no-print-directory FRAISEQL_TEST_DATABASE_URL="$$url" $(addprefix test/,$(MODULES))

test/%: ## test one module (e.g. test/graphqlexec)
	cd $* && GOWORK=off $(GO) test $(TESTFLAGS) ./...

.PHONY: compat
compat: bin/fraiseql-http bin/fraiseql-compat ## replay the FastAPI goldens against our server and print the tally
	@url=$${FRAISEQL_TEST_DATABASE_URL:-$$(scripts/devdb.sh)} && \
		bin/fraiseql-compat replay --goldens compat/testdata/goldens --server-bin bin/fraiseql-http \
		--schema $(SCHEMA) --database-url "$$url" \
		--pending compat/pending.txt --divergences compat/divergences

.PHONY: bench bench-full
bench: ## quick side-by-side benchmark (at most 3 minutes), results in perf/results/
	perf/bench.sh quick

bench-full: ## full benchmark: FastAPI baseline, larger dataset, 1M-request leak check, 20k connections
	perf/bench.sh full

.PHONY: vet
vet: $(addprefix vet/,$(MODULES)) ## go vet every module
vet/%:
	cd $* && GOWORK=off $(GO) vet ./...

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

.PHONY: clean
clean: ## remove build outputs
	rm -rf bin
