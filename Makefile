# openmap — see README.md. `bash dev.sh TARGET` installs what is missing first.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  = -X main.version=$(VERSION)
BIN      = bin/openmap
DEMO_PBF = testdata/monaco-and-french-border-2016-03-04.osm.pbf
DEMO_DB  = data/demo.db
ADDR    ?= :8080

.PHONY: demo build import-demo test test-go lint bench clean

## demo: build, import the bundled extract and show its statistics
demo: import-demo
	$(BIN) stats --db $(DEMO_DB)

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/openmap

import-demo: build
	@mkdir -p data
	$(BIN) import --db $(DEMO_DB) --source demo $(DEMO_PBF)

## test: every test (vet, unit, system, browser), with the race detector
test: lint test-go

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

test-go:
	$(GO) test -race -count=1 -timeout 30m ./...

## bench: Go benchmarks, then the system benchmarks in scripts/bench-*.sh
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...
	@for s in scripts/bench-*.sh; do echo "== $$s"; bash $$s || exit 1; done

clean:
	rm -rf bin data/demo.db*
