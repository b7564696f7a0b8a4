# imagehub Makefile. `make help` lists the targets.

BIN ?= $(CURDIR)/bin
GOLANGCI_LINT_VERSION ?= v2.15.0
# Extra arguments for go test, for example GO_TEST_ARGS='-run TestDataPack -v'.
GO_TEST_ARGS ?=
# Catalog of Images that run-local loads at start; the labring catalog when
# ../shared is beside the checkout, else none.
CATALOG ?= $(wildcard ../shared/data/labring-cluster-images.yaml)
# Extra flags for imagehub run-local, for example
# RUN_LOCAL_ARGS='--data-dir bin/data --catalog catalog.yaml'.
RUN_LOCAL_ARGS ?=

CONTROLLER_GEN = go tool controller-gen

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z_-]+:.*##/ {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: ## Generate the CRDs and the RBAC role from the markers in api/ and internal/.
	$(CONTROLLER_GEN) crd paths=./api/... output:crd:artifacts:config=config/crd/bases
	$(CONTROLLER_GEN) rbac:roleName=imagehub-manager paths=./internal/... output:rbac:artifacts:config=config/rbac

.PHONY: generate
generate: ## Generate the DeepCopy methods of the API types.
	$(CONTROLLER_GEN) object paths=./api/...

.PHONY: fmt
fmt: ## Run gofmt on the code.
	gofmt -w $$(git ls-files '*.go')

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: lint
lint: vet ## Run gofmt's check, go vet and golangci-lint.
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "run make fmt"; exit 1; }
	GOBIN=$(BIN) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	$(BIN)/golangci-lint run ./...

.PHONY: control-plane
control-plane: ## Build etcd, kube-apiserver and kubectl into bin/ (minutes, once).
	hack/build-control-plane.sh $(BIN)

.PHONY: test
test: control-plane ## Run all tests against a real kube-apiserver and etcd.
	KUBEBUILDER_ASSETS=$(BIN) go test ./... $(GO_TEST_ARGS)

.PHONY: bench
bench: control-plane ## Run the benchmarks (see docs/benchmarks.md).
	KUBEBUILDER_ASSETS=$(BIN) go test ./... -run '^$$' -bench . -benchtime 20x $(GO_TEST_ARGS)

##@ Build and run

.PHONY: build
build: ## Build the imagehub binary into bin/.
	go build -o $(BIN)/imagehub ./cmd/imagehub

.PHONY: run-local
run-local: build control-plane ## Run imagehub on a local etcd and kube-apiserver (flags in RUN_LOCAL_ARGS).
	$(BIN)/imagehub run-local $(if $(CATALOG),--catalog $(CATALOG)) $(RUN_LOCAL_ARGS)
