# CloudCafe: `make run` starts the daemon with the café stack; `make test` runs every test.
SWIFT   ?= swift
PYTHON  ?= python3
VENV    := .venv
PORT    ?= 4566
APT_PACKAGES := libsqlite3-dev zlib1g-dev sqlite3 tzdata gcc curl chromium chromium-driver

.PHONY: all deps pydeps build release runtimes run test unit-test client-test generate check-generated bench fuzz format clean

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

# What functions' own code runs on (awslambdaric with boto3, the clock shim), in the per-user
# cache ~/.cache/cloudcafe/runtimes; quick when already there.
runtimes: build
	"$$($(SWIFT) build --show-bin-path)/cloudcafe" runtimes install

run: runtimes
	$(SWIFT) run cloudcafe serve --port $(PORT)

test: check-generated unit-test client-test

# Tests make their engines' folders under TMPDIR: one folder per run, removed when they pass.
TEST_TMP = $(CURDIR)/.build/test-tmp
unit-test: deps
	$(SWIFT) build --build-tests
	rm -rf $(TEST_TMP) && mkdir -p $(TEST_TMP)
	TMPDIR=$(TEST_TMP) $(SWIFT) test --skip-build
	rm -rf $(TEST_TMP)

# The pytest plugin (clients/python) into the same environment, reinstalled when it changes.
$(VENV)/.plugin-installed: $(VENV)/.installed clients/python/pyproject.toml $(wildcard clients/python/pytest_cloudcafe/*.py)
	$(VENV)/bin/pip install -q --disable-pip-version-check ./clients/python
	touch $@

# The client tests, the plugin's own tests, and the documented example suite (docs/testing.md).
client-test: runtimes pydeps $(VENV)/.plugin-installed
	CLOUDCAFE_BIN="$$($(SWIFT) build --show-bin-path)/cloudcafe" $(VENV)/bin/pytest -q Tests/ClientTests clients/python/tests clients/python/examples

# The release binary links the Swift runtime and Foundation statically (no dynamic symbol
# binding at start, about 7 ms, and no shared-library pages it does not use), and reaches
# type metadata through accessors rather than mangled names the runtime must decode and
# check against every conformance at first use (a third of start-up). It links with lld
# through scripts/ld-release, which takes SQLite, zlib and libstdc++ from their static
# archives (5,900 symbol lookups fewer at every start), as a position-dependent executable:
# the type metadata's 130,000 absolute pointers are written by the linker instead of being
# relocated at every start, each relocated page a copy-on-write fault (the two: main() at
# 1.6 ms after exec instead of 3.7). No dynamic symbol table beyond libc's needs (the static
# runtime's -export-dynamic put 46,000 symbols in it), and the functions a running daemon
# touches placed side by side in the order Benchmarks/profile/order.py recorded (Swift emits
# one section per function; C targets are asked to), so they fill a few MB of pages rather
# than most of the 30 MB text segment.
# Exclusive-access checks stay in debug builds (every test runs with them) and are left out
# of the release: they were 4% of every request's instructions. docs/benchmarks.md.
RELEASE_FLAGS := --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors -Xswiftc -enforce-exclusivity=unchecked \
	-Xcc -ffunction-sections -Xswiftc -use-ld=lld -Xswiftc -Xclang-linker -Xswiftc --ld-path=$(CURDIR)/scripts/ld-release \
	-Xswiftc -Xclang-linker -Xswiftc -no-pie -Xlinker --no-export-dynamic \
	-Xlinker --symbol-ordering-file=$(CURDIR)/Benchmarks/profile/cloudcafe.order -Xlinker --no-warn-symbol-ordering

# SwiftPM does not know the link order and the linker script are inputs: a newer one relinks.
RELINK_IF_ORDER_CHANGED = bin="$$($(SWIFT) build -c release --show-bin-path)/cloudcafe"; \
	[ ! -e "$$bin" ] || { [ "$$bin" -nt Benchmarks/profile/cloudcafe.order ] && [ "$$bin" -nt scripts/ld-release ]; } || rm -f "$$bin"

release: deps
	@$(RELINK_IF_ORDER_CHANGED)
	$(SWIFT) build -c release $(RELEASE_FLAGS)

# The side-by-side comparison (compare.py) runs first: after bench.py's soak this VM serves new
# processes' page faults slower for minutes, and CloudCafe's start-up is mostly page faults.
bench: deps pydeps
	@command -v wrk >/dev/null || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk; }
	$(VENV)/bin/pip install -q --disable-pip-version-check -r Benchmarks/requirements.txt
	@$(RELINK_IF_ORDER_CHANGED)
	$(SWIFT) build -c release $(RELEASE_FLAGS)
	CLOUDCAFE_BIN="$$($(SWIFT) build -c release --show-bin-path)/cloudcafe" $(VENV)/bin/python Benchmarks/compare.py
	CLOUDCAFE_BIN="$$($(SWIFT) build -c release --show-bin-path)/cloudcafe" $(VENV)/bin/python Benchmarks/bench.py
	"$$($(SWIFT) build -c release --show-bin-path)/cloudcafe-bench"

# Runs every fuzz target under libFuzzer and the address sanitizer for FUZZ_SECONDS each,
# starting from the committed corpus (Fuzz/Corpus/<target>); new inputs go to a scratch
# corpus, crashes to Fuzz/Crashes/<target>/ (commit them once fixed: make test replays them).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := json event-pattern filter-policy log-filter schedule policy query sigv4 input-transformer admin-body
fuzz: deps
	$(SWIFT) build --product cloudcafe-fuzz --build-path .build/fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p .build/fuzz-corpus/$$t Fuzz/Crashes/$$t; \
		echo "== $$t"; \
		LSAN_OPTIONS=suppressions=Fuzz/lsan.supp CLOUDCAFE_FUZZ_TARGET=$$t .build/fuzz/debug/cloudcafe-fuzz .build/fuzz-corpus/$$t Fuzz/Corpus/$$t \
			-max_total_time=$(FUZZ_SECONDS) -artifact_prefix=Fuzz/Crashes/$$t/ -print_final_stats=1 2>&1 | grep -E "DONE|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|ERROR|SUMMARY" || exit 1; \
	done

# Formats the sources with the checked-in .swift-format; generated code (Sources/API) is left as generated.
format:
	$(SWIFT) format -i -r $$(ls -d Sources/* | grep -v '^Sources/API$$') Tests Benchmarks/CloudCafeBench

clean:
	rm -rf .build $(VENV)
