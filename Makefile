# CloudCafe: `make run` starts the daemon with the café stack; `make test` runs every test.
SWIFT   ?= swift
PYTHON  ?= python3
VENV    := .venv
PORT    ?= 4566
APT_PACKAGES := libsqlite3-dev sqlite3 tzdata

.PHONY: all deps pydeps build run test unit-test client-test generate check-generated bench format clean

all: build

# System packages: installed only when missing, so repeated runs stay fast.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Python test clients (pytest, boto3, the aws CLI) in a virtual environment.
pydeps: $(VENV)/.installed
$(VENV)/.installed: Tests/ClientTests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r Tests/ClientTests/requirements.txt
	touch $@

# The wire surface (Sources/API, docs/api-coverage.md) from a pinned botocore, in its own venv.
BOTOCORE_VERSION := 1.43.11
GENVENV := .venv-generate
$(GENVENV)/.installed:
	$(PYTHON) -m venv $(GENVENV)
	$(GENVENV)/bin/pip install -q --disable-pip-version-check botocore==$(BOTOCORE_VERSION)
	touch $@

generate: $(GENVENV)/.installed
	$(GENVENV)/bin/python scripts/generate.py

# Fails when the committed generated files differ from what the pinned botocore gives.
check-generated: $(GENVENV)/.installed
	$(GENVENV)/bin/python scripts/generate.py --check

build: deps
	$(SWIFT) build

run: build
	$(SWIFT) run cloudcafe serve --port $(PORT)

test: check-generated unit-test client-test

unit-test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

client-test: build pydeps
	CLOUDCAFE_BIN="$$($(SWIFT) build --show-bin-path)/cloudcafe" $(VENV)/bin/pytest -q Tests/ClientTests

bench: deps pydeps
	@command -v wrk >/dev/null || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk; }
	$(VENV)/bin/pip install -q --disable-pip-version-check -r Benchmarks/requirements.txt
	$(SWIFT) build -c release
	CLOUDCAFE_BIN="$$($(SWIFT) build -c release --show-bin-path)/cloudcafe" $(VENV)/bin/python Benchmarks/bench.py
	CLOUDCAFE_BIN="$$($(SWIFT) build -c release --show-bin-path)/cloudcafe" $(VENV)/bin/python Benchmarks/compare.py
	"$$($(SWIFT) build -c release --show-bin-path)/cloudcafe-bench"

# Formats the sources with the checked-in .swift-format; generated code (Sources/API) is left as generated.
format:
	$(SWIFT) format -i -r $$(ls -d Sources/* | grep -v '^Sources/API$$') Tests Benchmarks/CloudCafeBench

clean:
	rm -rf .build $(VENV)
