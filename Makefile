# orderflow — see README.md. Every target runs from a clean checkout with Go
# only; the Docker path comes with docker-compose.yml.
SHELL := /bin/bash
GO ?= go
RUN_DIR ?= .run
FLOWCTL := $(RUN_DIR)/bin/flowctl
MODULES := platform order-svc inventory-svc invoicing-svc fraud-svc flowctl itest
PKGS := $(addprefix ./,$(addsuffix /...,$(MODULES)))

.PHONY: check-conflicts dashboard bench-e2e smoke-docker up-cluster help test test-short test-docker bench build vet demo demo-sync demo-events demo-orchestration up-sync up-events down status ps logs images-offline kafka-up kafka-down env-table tidy clean generate fuzz fuzz-short k8s-check

help: ## list targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

test: vet check-conflicts fuzz-short ## all tests: unit, handlers, integration (kfake, or Kafka at KAFKA_BROKERS), Docker end-to-end (skip without an engine), 10 s of each fuzz target
	@echo "integration tests broker: $${KAFKA_BROKERS:-embedded kfake (set KAFKA_BROKERS for a real Kafka)}"
	$(GO) test -count=1 -timeout 40m $(PKGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; fi

# Each fuzz target: package and function (go test fuzzes one at a time).
FUZZ_TARGETS := ./platform/events:FuzzDecode ./platform/reqvalidate:FuzzValidator
FUZZTIME ?= 5m

fuzz-short: ## 10 s of each fuzz target (the event decoder, the request validator); make test runs it
	@$(MAKE) --no-print-directory fuzz FUZZTIME=10s

fuzz: ## each fuzz target for FUZZTIME (default 5m); a failing input lands in the package's testdata/fuzz
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$fn ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; done

test-docker: ## the integration suite again, against a Kafka container (testcontainers; image KAFKA_IMAGE)
	@set -a; [ -f $(RUN_DIR)/images.env ] && . $(RUN_DIR)/images.env; set +a; \
	TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 ITEST_BROKER=docker KAFKA_BROKERS= \
	$(GO) test -count=1 -timeout 15m -v ./itest/... 2>&1 | grep -E '^(itest:|--- |ok|FAIL|PASS)|^ +[a-z_]+_test.go:[0-9]+: [^{]' | grep -v 'harness_test.go' ; exit $${PIPESTATUS[0]}

.PHONY: postgres-up postgres-down test-postgres

# The store tests run on PostgreSQL beside SQLite when TEST_DATABASE_URL is
# set (REQUIRE_POSTGRES=1 fails them when it is not); make test then runs the
# integration suite once more with every service on PostgreSQL.
test-postgres: ## the integration suite with every service on PostgreSQL (TEST_DATABASE_URL; make postgres-up gives one)
	@[ -n "$$TEST_DATABASE_URL" ] || { echo "test-postgres: TEST_DATABASE_URL is empty: make postgres-up, then export TEST_DATABASE_URL=\$$(scripts/postgres.sh url)"; exit 1; }
	@echo "integration tests store: PostgreSQL, a database per stack (ITEST_DATABASE_URL)"
	ITEST_DATABASE_URL="$$TEST_DATABASE_URL" $(GO) test -count=1 -timeout 20m ./itest/...

postgres-up: ## a throwaway PostgreSQL 15 (Debian's package) on 127.0.0.1:$${PG_PORT:-25432}; prints its URL
	scripts/postgres.sh start

postgres-down: ## stop it
	scripts/postgres.sh stop

check-conflicts: ## fail on a merge-conflict marker in any tracked file (the check tests itself first)
	@scripts/check-conflicts.sh --self-test
	@scripts/check-conflicts.sh

test-short: ## unit tests only
	$(GO) test -short -count=1 $(PKGS)

bench: ## Go benchmarks
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

vet: ## go vet, gofmt check, every module tidy and building on its own (GOWORK=off), service names only in platform/topology, flowctl's environment read only by stack.Stacks
	$(GO) vet $(PKGS)
	@for m in $(MODULES); do (cd $$m && GOWORK=off $(GO) mod tidy -diff >/dev/null && GOWORK=off $(GO) build ./...) || { echo "$$m: not tidy or does not build with GOWORK=off (run make tidy)"; exit 1; }; done
	@out=$$(gofmt -l $(MODULES) tools); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@bash scripts/check-shape.sh
	@bash scripts/check-env.sh

build: ## build the services and flowctl into bin/
	@mkdir -p bin
	for m in order-svc inventory-svc invoicing-svc fraud-svc flowctl; do $(GO) build -o bin/$$m ./$$m || exit 1; done

$(FLOWCTL): FORCE
	@mkdir -p $(RUN_DIR)/bin
	@$(GO) build -o $(FLOWCTL) ./flowctl

FORCE:

demo-sync: $(FLOWCTL) ## sync stack (REST) + guided walk-through (happy path, inventory down, one order's trace), then the dashboard's URL
	$(FLOWCTL) walkthrough --mode sync
	$(FLOWCTL) dashboard --detach

demo-events: $(FLOWCTL) ## events stack, choreographed saga (Kafka) + guided walk-through (happy path, inventory down, one order's trace), then the dashboard's URL
	$(FLOWCTL) walkthrough --mode events
	$(FLOWCTL) dashboard --detach

demo-orchestration: $(FLOWCTL) ## events stack, orchestrated saga (order-svc sends commands over Kafka) + the same guided walk-through, then the dashboard's URL
	$(FLOWCTL) walkthrough --mode events-orchestration
	$(FLOWCTL) dashboard --detach

demo: $(FLOWCTL) ## the three stacks at once (sync, events, events-orchestration) + every scenario on each; report under reports/ (COMPARE_FLAGS to size it, --mode both for two), then the dashboard's URL
	$(FLOWCTL) compare $(COMPARE_FLAGS)
	$(FLOWCTL) dashboard --detach

dashboard: $(FLOWCTL) ## the live dashboard on 127.0.0.1:8090 (FLOWCTL_DASHBOARD_ADDR): the stacks that run side by side, faults, scenarios, traces; Ctrl-C stops it
	$(FLOWCTL) dashboard

bench-e2e: $(FLOWCTL) ## each stack's highest sustainable rate and messages per order side by side (the three; BENCH_FLAGS="--mode both" for two), with Kafka and HTTP baselines; report under reports/ (BENCH_FLAGS to size it)
	$(FLOWCTL) bench $(BENCH_FLAGS)

up-sync: $(FLOWCTL) ## start the sync stack only
	$(FLOWCTL) up --mode sync

up-events: $(FLOWCTL) ## start the events stack only
	$(FLOWCTL) up --mode events

down: $(FLOWCTL) ## stop everything the demo started, the background dashboard included (and nothing else)
	$(FLOWCTL) down

status: $(FLOWCTL) ## what runs (native processes)
	$(FLOWCTL) status

ps: status ## what runs, Docker containers included
	@docker ps --filter label=com.docker.compose.project=orderflow --format 'table {{.Names}}\t{{.Status}}\t{{.Ports}}' 2>/dev/null || true

logs: $(FLOWCTL) ## the end of every log (containers or native processes)
	$(FLOWCTL) logs

images-offline: ## build every image docker-compose.yml needs without a registry (debootstrap, Maven, Go proxy; IMAGES_FLAGS=--force rebuilds)
	scripts/images-offline.sh $(IMAGES_FLAGS)

smoke-docker: ## compose: both stacks, one order each, trace check, down -v
	deploy/docker/smoke.sh all

up-cluster: ## three-broker Kafka (RF 3, min ISR 2) + events stack on 8381-8383
	deploy/docker/compose.sh --profile cluster up -d

k8s-check: ## render every deploy/k8s overlay and apply it with --dry-run=server to a real kube-apiserver + etcd on loopback (API server built once into ~/.cache/orderflow; etcd: apt-get install etcd-server)
	scripts/k8s-check.sh

kafka-up: ## real Apache Kafka (Maven jars, Java 17) on 127.0.0.1:$${KAFKA_PORT:-29092}
	scripts/kafka.sh start

kafka-down: ## stop it
	scripts/kafka.sh stop

env-table: $(FLOWCTL) ## print the env variable table the README embeds
	$(FLOWCTL) env --markdown

generate: ## regenerate the REST types, echo server interfaces and clients from docs/openapi.yaml (oapi-codegen via go tool)
	for m in $(MODULES); do (cd $$m && $(GO) generate ./...) || exit 1; done

tidy: ## go mod tidy in every module
	for m in $(MODULES); do (cd $$m && GOWORK=off $(GO) mod tidy) || exit 1; done

clean: down ## remove build output and the run directory (keeps the Jaeger build cache)
	rm -rf bin $(RUN_DIR)
