# openmap — see README.md. `bash dev.sh TARGET` installs what is missing first.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  = -X main.version=$(VERSION)
BIN      = bin/openmap
DEMO_PBF = testdata/monaco-and-french-border-2016-03-04.osm.pbf
DEMO_DB  = data/demo.db
ADDR    ?= :8080

.PHONY: demo build import-demo test test-go lint fuzz bench clean

## demo: build, import the bundled extract, show its statistics and serve the map
demo: import-demo
	$(BIN) stats --db $(DEMO_DB)
	@echo; echo "openmap is serving the demo map at http://localhost$(ADDR)/ (Ctrl-C stops it)"; echo
	$(BIN) serve --db $(DEMO_DB) --addr $(ADDR) --base-url http://localhost$(ADDR)

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/openmap

import-demo: build
	@mkdir -p data
	$(BIN) import --db $(DEMO_DB) --source demo $(DEMO_PBF)

## test: every test (vet, unit, system, browser), with the race detector
FUZZTIME ?= 20s

test: lint test-go fuzz

STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint:
	@out=$$(find . -name '*.go' -not -path '*/node_modules/*' -print0 | xargs -0 gofmt -l); \
	  test -z "$$out" || { echo "gofmt needed:"; echo "$$out"; exit 1; }
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## fuzz: a bounded run of the opening_hours parser fuzzer (part of make test).
## Minimizing a new input is capped at 3 s: at Go's default (60 s) the
## workers sat minimizing, not fuzzing, for most of a 20 s run.
fuzz:
	$(GO) test ./geo -run '^$$' -fuzz FuzzParseHours -fuzztime $(FUZZTIME) -fuzzminimizetime 3s

test-go:
	$(GO) test -race -count=1 -timeout 30m ./...

## bench: Go benchmarks, then the system benchmarks in scripts/bench-*.sh
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...
	@for s in scripts/bench-*.sh; do echo "== $$s"; bash $$s || exit 1; done

clean:
	rm -rf bin data/demo.db*
