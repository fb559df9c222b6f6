# Thin wrapper over CMake. `make` builds; `make demo` installs what is
# missing, builds and runs the demo; `make test` does the same set-up and
# runs every test tier, then the unit and integration tiers again under
# ASan+UBSan.
BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?= --output-on-failure

.PHONY: all deps build demo test test-main test-asan clean format

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

test-main:
	cd $(BUILD) && ctest $(CTEST_ARGS) -j$(JOBS)

$(BUILD_ASAN)/CMakeCache.txt:
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DKPOD_SANITIZE=ON

test-asan: $(BUILD_ASAN)/CMakeCache.txt
	cmake --build $(BUILD_ASAN) -j$(JOBS)
	cd $(BUILD_ASAN) && ctest $(CTEST_ARGS) -j$(JOBS) -L 'unit|integration'

format:
	clang-format -i src/*.c src/*.h src/*/*.c src/*/*.h ui/*.c ui/*.h

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
