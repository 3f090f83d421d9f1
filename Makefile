# The two commands of the README wrap cmake/ctest:
#   make run    install what is missing, build, extract the bundled sample as a table,
#               ingest it into a fresh casebook and print its counts
#   make check  install what is missing, build, run every test (and again under ASan+UBSan),
#               then every fuzz target for 60 s
BUILD      ?= build
ASAN_BUILD ?= build-asan
PREFIX     ?= /usr/local
JOBS       ?= 2

.PHONY: all run check deps build test asan bench fuzz fuzz-check robustness install clean

all: build

deps:
	@./scripts/deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJKB_WERROR=ON \
	      -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# the main job on the bundled sample: the records as a table, then a fresh
# casebook of them and its counts
run: build
	./$(BUILD)/jikenbo extract --format table sample/*.txt sample/*.html
	@rm -f $(BUILD)/sample.db $(BUILD)/sample.db-wal $(BUILD)/sample.db-shm
	./$(BUILD)/jikenbo ingest --db $(BUILD)/sample.db sample/
	./$(BUILD)/jikenbo stats --db $(BUILD)/sample.db --by category
	./$(BUILD)/jikenbo stats --db $(BUILD)/sample.db --by month
	@echo "casebook: $(BUILD)/sample.db  (try: ./$(BUILD)/jikenbo search --db $(BUILD)/sample.db 不正アクセス)"

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

$(ASAN_BUILD)/build.ninja:
	CC=clang cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DJKB_SANITIZE=ON \
	      -DJKB_WERROR=ON

asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --output-on-failure -j $(JOBS) -LE accuracy

# every libFuzzer target for 60 s, two at a time (the CI budget: about 7 minutes)
fuzz-check: deps
	JKB_FUZZ_PAR=2 ./fuzz/run.sh 60

check: test asan fuzz-check

bench: build
	./bench/run.sh $(BUILD)

fuzz: deps
	./fuzz/run.sh $(or $(SECONDS),60)

# fuzz (SECONDS a target, default 30), the ASan suite, valgrind, hostile
# inputs and fault tests as one table (bench/README.md, "Robustness")
robustness: build
	ASAN_BUILD=$(ASAN_BUILD) JOBS=$(JOBS) ./bench/robustness.sh $(BUILD) $(or $(SECONDS),30)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
