# refer: `make run` serves a made-up sample (1,000 synthetic services around
# Miami; SAMPLE=san-mateo: the bundled 19 real ones) on http://127.0.0.1:8080,
# `make test` is what CI runs.
GO       ?= go
DATA     ?= ./var
ADDR     ?= 127.0.0.1:8080
SAMPLE   ?= synthetic
BENCHTIME ?= 1s

.PHONY: run build test test-short bench bench-go eval lint fmt fuzz stress clean

run:
	$(GO) run ./cmd/refer serve --data $(DATA) --addr $(ADDR) --sample $(SAMPLE) --insecure-no-secret-key

build:
	$(GO) build -o bin/refer ./cmd/refer

test:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) test -race -count=1 -timeout 25m ./...

test-short:
	$(GO) test -short ./...

# The end-to-end table (BENCHMARKS.md): import, rebuild, start-up, memory,
# and search/match over HTTP at 10k and 100k services. BENCH_FLAGS=-1m adds
# a million. The Go benchmarks of the hot paths: make bench-go.
BENCH_FLAGS ?=
bench:
	$(GO) run ./internal/bench/cmd/benchrefer $(BENCH_FLAGS)

bench-go:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=$(BENCHTIME) ./...

# NDCG@10 and precision@5 of matching against a keyword baseline, over the
# Miami 211 directory and the San Mateo sample in ../shared/data: per need,
# per directory, by codes and from words in English and Spanish
# (internal/eval/testdata). EVAL_CASES=1 adds a row per case.
eval:
	$(GO) test -count=1 -run TestEval -v ./internal/eval | grep -v '^=== RUN'

lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }

fmt:
	gofmt -w $$(git ls-files '*.go')

# Each fuzzer for FUZZTIME; new crashers land in testdata/fuzz.
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=10x $$pkg || exit 1; \
	  done; \
	done

# RELIABILITY.md's evidence: SIGKILL 20 times during imports and writes
# (every acknowledged write kept, the index at the store's last change),
# 32 clients for STRESS_SECONDS mixing searches, matches, listing
# updates and referrals (no error, none lost or doubled; p50/p99 in the log), then every
# fuzzer for STRESS_FUZZTIME. About 5 minutes; CI runs it after make test.
# STRESS_FUZZTIME is a count of inputs, not a time: with a time, Go 1.26's
# fuzzing coordinator can fail a target with a bare "context deadline
# exceeded" as the time runs out, when a worker is slow to stop on a busy
# machine (golang/go#75804, fixed in Go 1.27; it failed CI once on
# FuzzReadLegacy). A count has no deadline to race. 20,000 inputs take each
# target 2 to 50 s here, about 3 minutes for all.
STRESS_SECONDS ?= 60
STRESS_FUZZTIME ?= 20000x
stress:
	@REFER_STRESS_SECONDS=$(STRESS_SECONDS) $(GO) test -count=1 -v -run '^(TestKilledAgainAndAgain|TestMixedLoad|TestImportOf100kUnder1GB)$$' ./cmd/refer > stress.log 2>&1; \
	  rc=$$?; grep -vE '^=== (RUN|PAUSE|CONT)' stress.log; rm -f stress.log; exit $$rc
	$(MAKE) fuzz FUZZTIME=$(STRESS_FUZZTIME)

clean:
	rm -rf bin var
