# Thin wrapper over CMake. `make` builds; `make demo` installs what is
# missing, builds and runs the demo; `make test` does the same set-up and
# runs every test tier, then the unit, integration and e2e tiers again
# under ASan+UBSan, and runs the libFuzzer harnesses briefly (clang).
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?= --output-on-failure

.PHONY: all deps build demo test test-main test-asan test-fuzz fuzz package screenshots clean format

all: build

deps:
	@sh scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

demo: deps
	@$(MAKE) --no-print-directory build
	./$(BUILD)/kpod --demo

test: deps
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory test-main
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory test-fuzz

test-main:
	cd $(BUILD) && ctest $(CTEST_ARGS) -j$(JOBS)

$(BUILD_ASAN)/CMakeCache.txt:
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DKPOD_SANITIZE=ON

test-asan: $(BUILD_ASAN)/CMakeCache.txt
	cmake --build $(BUILD_ASAN) -j$(JOBS)
	cd $(BUILD_ASAN) && ctest $(CTEST_ARGS) -j$(JOBS) -L 'unit|integration|e2e'

# libFuzzer harnesses (tests/fuzz/fuzz-*.c): clang, ASan+UBSan, ~10 s each.
$(BUILD_FUZZ)/CMakeCache.txt:
	CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=Debug \
		-DKPOD_FUZZ=ON -DKPOD_SANITIZE=ON

test-fuzz: $(BUILD_FUZZ)/CMakeCache.txt
	cmake --build $(BUILD_FUZZ) -j$(JOBS) --target fuzzers
	cd $(BUILD_FUZZ) && ctest $(CTEST_ARGS) -L fuzz

# The Debian package (CPack; Depends from dpkg-shlibdeps): $(BUILD)/kpod_*.deb
package: build
	cd $(BUILD) && cpack -G DEB

# screenshots/*.png from the real UI (tmux, aha, headless chromium).
screenshots:
	@sh scripts/install-deps.sh screenshots
	@$(MAKE) --no-print-directory build
	bash scripts/screenshots $(BUILD) screenshots

# Long fuzzing: each harness FUZZ_SECONDS (default 300) on its corpus in
# tests/fuzz/corpus/NAME, which keeps what it finds (commit the new inputs
# worth keeping). Crashes are written as $(BUILD_FUZZ)/crash-*.
FUZZ_SECONDS ?= 300
fuzz: $(BUILD_FUZZ)/CMakeCache.txt
	cmake --build $(BUILD_FUZZ) -j$(JOBS) --target fuzzers
	@set -e; for src in tests/fuzz/fuzz-*.c; do \
		name=$$(basename $$src .c); corpus=tests/fuzz/corpus/$${name#fuzz-}; \
		mkdir -p $$corpus; echo "== $$name ($(FUZZ_SECONDS) s, $$corpus)"; \
		(cd $(BUILD_FUZZ) && ./tests/$$name -max_total_time=$(FUZZ_SECONDS) \
			-rss_limit_mb=2048 -print_final_stats=1 $(CURDIR)/$$corpus); \
	done

format:
	clang-format -i src/*.c src/*.h src/*/*.c src/*/*.h ui/*.c ui/*.h

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
