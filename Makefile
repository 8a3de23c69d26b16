# cortensor-edge — the two commands:
#   make run    install what is missing (apt), build the release binary, fetch the fallback model, start the router (--dev)
#   make test   every test: the acceptance suite (pytest, real binary) and then `swift test`
.DEFAULT_GOAL := help
SHELL := /bin/bash

RELEASE_BIN := .build/release/cortensor-edge
ARGS ?=

.PHONY: help setup deps build release run test acceptance unit venv lint bench deb clean

help:
	@sed -n '2,3p' Makefile | sed 's/^# *//'
	@echo "  other targets: setup deps build release acceptance unit venv lint bench deb clean"

setup:  ## apt packages + release build + the fallback model (SmolLM2-135M, 98 MB) in ./.cortensor-edge/models
	./scripts/setup --model

deps:  ## apt packages only
	./scripts/setup --deps-only

build:
	swift build

release:
	swift build -c release --static-swift-stdlib --product cortensor-edge

run: setup
	$(RELEASE_BIN) serve --dev $(ARGS)

test:
	./scripts/test

venv:
	./scripts/python-env

acceptance: venv build  ## only the pytest suite; e.g. make acceptance ARGS="-k faults -x"
	EDGE_TEST_BINARY=$(CURDIR)/.build/debug/cortensor-edge .venv/bin/python -m pytest Tests/acceptance $(ARGS)

unit:
	swift test

lint:
	swift format lint --strict --recursive Package.swift Sources Tests

bench: release venv  ## not part of `make test`; prints numbers
	Benchmarks/footprint.sh
	Benchmarks/proxy_overhead.sh
	.venv/bin/python Benchmarks/streams.py

deb:  ## the Debian package in dist/ (needs: make deps)
	./Packaging/build-deb

clean:
	rm -rf .build .venv dist
