# lkip — build, test and run. One hand-written Makefile; libraries through pkg-config.
#
#   make            build lkipd and lkip under build/
#   make run        set up everything (packages, private PostgreSQL under var/), start lkipd and
#                   play a demo round with one client per actor
#   make check      set up what is missing, build, run every test (unit + integration)
#   make check-asan the same tests built with AddressSanitizer + UndefinedBehaviorSanitizer
#   make check-tsan the same tests built with ThreadSanitizer (build/tsan; tests/tsan.supp)
#   make check-office  LibreOffice converts the LKIP draft's DOCX (not in CI; see README)
#   make check-ha   lkipd on a pg_auto_failover formation that fails over under load (README)
#   make check-browser lkip monitor --web in headless chromium (not in make check; see README)
#   make bench      the benchmark (see bench/; BENCH_ARGS="--load 10 --scale 0" for a short run)
#   make fuzz       builds the libFuzzer targets (clang) and runs each FUZZ_SECONDS (default 20)
#   make stop       stop the lkipd and PostgreSQL that make run started
#   make clean-db   stop them and remove the private cluster and the demo's users (var/)

VERSION := 0.1.0
BUILD   ?= build
GEN     := $(BUILD)/gen
OBJ     := $(BUILD)/obj
PKGS    := libzmq libprotobuf-c libpq libsodium inih yaml-0.1 libical jansson \
           xlsxwriter libzip libxml-2.0 pangocairo cairo fontconfig libpng \
           ncursesw libnotify libmicrohttpd
SANITIZE ?=

# Recursive (=) so that pkg-config runs when a recipe needs it, after scripts/deps.sh.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
WERROR  := $(if $(filter true,$(CI)),-Werror,)
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c17 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Wpedantic -Wshadow \
             -Wno-unused-parameter -pthread $(WERROR) $(CFLAGS) $(SANITIZE) \
             -DLKIP_VERSION='"$(VERSION)"' -Icommon -Ireport -Idaemon -Iclient -I$(GEN) $(PKG_CFLAGS) -MMD -MP
LDLIBS_ALL = $(PKG_LIBS) -lm -pthread

COMMON_SRC := $(wildcard common/*.c)
REPORT_SRC := $(wildcard report/*.c)
DAEMON_SRC := $(filter-out daemon/main.c,$(wildcard daemon/*.c))
CLIENT_SRC := $(filter-out client/main.c,$(wildcard client/*.c))
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
INTEG_SRC  := $(wildcard tests/integration/test_*.c)
HARNESS_SRC := $(wildcard tests/harness/*.c)
FIXTURE_SRC := $(wildcard tests/fixture/*.c)
BENCH_SRC  := $(wildcard bench/*.c)
TOOLS_SRC  := $(wildcard tests/tools/*.c)
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
BROWSER_SRC := $(wildcard tests/browser/test_*.c)

PROTO_OBJ  := $(OBJ)/gen/lkip.pb-c.o
MIGR_OBJ   := $(OBJ)/gen/migrations.o
TMPL_OBJ   := $(OBJ)/gen/templates.o
WEB_OBJ    := $(OBJ)/gen/webfiles.o
COMMON_LIB := $(BUILD)/libcommon.a
REPORT_LIB := $(BUILD)/libreport.a
DAEMON_LIB := $(BUILD)/libdaemon.a
CLIENT_LIB := $(BUILD)/libclient.a
HARNESS_LIB := $(BUILD)/libharness.a
FIXTURE_LIB := $(BUILD)/libfixture.a

LKIPD := $(BUILD)/lkipd
LKIP  := $(BUILD)/lkip
UNIT_TESTS  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
INTEG_TESTS := $(INTEG_SRC:tests/integration/%.c=$(BUILD)/tests/%)
BENCH_BIN   := $(if $(BENCH_SRC),$(BUILD)/lkip-bench,)
FUZZ_BINS   := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/%)
# the browser test: not in make check (a browser is a big install); see check-browser
BROWSER_TESTS := $(BROWSER_SRC:tests/browser/%.c=$(BUILD)/browser/%)
FUZZ_SECONDS ?= 20
# the fuzz build: clang, every object instrumented for libFuzzer, ASan and UBSan
FUZZ_BUILD    := build/fuzz
FUZZ_SANITIZE := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
DRAFT_BENCH := $(BUILD)/lkip-draft-bench
# the wire schema's Python classes, for the third-party client of test_third_party (never committed)
PY_PB       := $(BUILD)/python/lkip_pb2.py
# small helper programs of the demo, the fixtures and the benchmark; never installed
TOOLS       := $(TOOLS_SRC:tests/tools/%.c=$(BUILD)/lkip-%)

obj = $(patsubst %.c,$(OBJ)/%.o,$(1))

.PHONY: all tests deps check check-asan check-tsan check-office check-ha check-browser run stop \
        clean-db \
        bench clean format compose-check \
        fuzz fuzz-build
.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:
.SECONDARY:

all: $(LKIPD) $(LKIP)
tests: all $(UNIT_TESTS) $(INTEG_TESTS) $(TOOLS) $(PY_PB) $(BENCH_BIN)

deps:
	@scripts/deps.sh

check:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) tests/run.sh

check-asan:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined" tests
	@BUILD=build/asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run.sh

# ThreadSanitizer: tests/run.sh sees the tsan build, sets TSAN_OPTIONS (suppressions in
# tests/tsan.supp) and counts every report a program or its daemons wrote as a failure.
check-tsan:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory BUILD=build/tsan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=thread" tests
	@BUILD=build/tsan tests/run.sh

# not in CI: LibreOffice converts the LKIP draft's DOCX and its text is checked (README)
check-office:
	@scripts/deps.sh --office
	@$(MAKE) --no-print-directory $(DRAFT_BENCH)
	@BUILD=$(BUILD) scripts/check-office.sh

# PostgreSQL fail-over under load on a pg_auto_failover formation (README, deploy/HA.md)
check-ha:
	@scripts/deps.sh --ha
	@$(MAKE) --no-print-directory $(LKIPD) $(BUILD)/tests/test_delivery
	@BUILD=$(BUILD) scripts/check-ha.sh
# not in make check: Debian's chromium (headless, through chromedriver) loads the board of
# lkip monitor --web against a test daemon and follows a step (README, "The board in a browser")
check-browser:
	@scripts/deps.sh --browser
	@$(MAKE) --no-print-directory all $(BROWSER_TESTS)
	@BUILD=$(BUILD) TEST_PROGRAMS="$(BROWSER_TESTS)" tests/run.sh

run:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory all $(BUILD)/lkip-fill
	@scripts/run.sh

stop:
	@scripts/run.sh --stop

clean-db:
	@scripts/run.sh --clean-db

bench:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory all $(BENCH_BIN) $(DRAFT_BENCH) $(BUILD)/lkip-xlsx-bench
	@scripts/bench.sh $(BENCH_ARGS)

# Fuzzing (README, "Fuzzing"): build every target, then run each for FUZZ_SECONDS from its
# committed seeds; new inputs and crash artefacts stay under build/fuzz.
fuzz:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang \
		CFLAGS="-O1 -g -fno-omit-frame-pointer" SANITIZE="$(FUZZ_SANITIZE)" fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

fuzz-build: $(FUZZ_BINS)

# the compose file needs its .env to resolve; a throwaway one proves the syntax
compose-check:
	LKIP_DB_PASSWORD=check docker-compose -f docker-compose.yml config -q

format:
	clang-format -i common/*.[ch] report/*.[ch] daemon/*.[ch] client/*.[ch] tests/*/*.[ch] $(BENCH_SRC) \
		bench/draft/*.c

clean:
	rm -rf build

# ---- generated sources -------------------------------------------------------------------

$(GEN)/lkip.pb-c.c $(GEN)/lkip.pb-c.h: proto/lkip.proto
	@mkdir -p $(GEN)
	protoc-c --c_out=$(GEN) -Iproto proto/lkip.proto

$(PY_PB): proto/lkip.proto
	@mkdir -p $(dir $@)
	protoc --python_out=$(dir $@) -Iproto proto/lkip.proto

$(GEN)/migrations.c: $(sort $(wildcard sql/*.sql)) scripts/embed-sql.sh
	@mkdir -p $(GEN)
	scripts/embed-sql.sh $@ $(sort $(wildcard sql/*.sql))

$(GEN)/templates.c: $(sort $(wildcard report/templates/*.md)) scripts/embed-templates.sh
	@mkdir -p $(GEN)
	scripts/embed-templates.sh $@ $(sort $(wildcard report/templates/*.md))

$(GEN)/webfiles.c: $(sort $(wildcard client/web/*)) scripts/embed-web.sh
	@mkdir -p $(GEN)
	scripts/embed-web.sh $@ $(sort $(wildcard client/web/*))

# every object may include the generated header
$(OBJ)/%.o: %.c $(GEN)/lkip.pb-c.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OBJ)/gen/%.o: $(GEN)/%.c $(GEN)/lkip.pb-c.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-pedantic -c $< -o $@

# ---- libraries and programs --------------------------------------------------------------

$(COMMON_LIB): $(call obj,$(COMMON_SRC)) $(PROTO_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(REPORT_LIB): $(call obj,$(REPORT_SRC)) $(TMPL_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(DAEMON_LIB): $(call obj,$(DAEMON_SRC)) $(MIGR_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(CLIENT_LIB): $(call obj,$(CLIENT_SRC)) $(WEB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(HARNESS_LIB): $(call obj,$(HARNESS_SRC))
	@rm -f $@
	ar rcs $@ $^

$(FIXTURE_LIB): $(call obj,$(FIXTURE_SRC))
	@rm -f $@
	ar rcs $@ $^

$(LKIPD): $(call obj,daemon/main.c) $(DAEMON_LIB) $(REPORT_LIB) $(COMMON_LIB)
	$(CC) $(ALL_CFLAGS) $^ $(LDLIBS_ALL) -o $@

$(LKIP): $(call obj,client/main.c) $(CLIENT_LIB) $(REPORT_LIB) $(COMMON_LIB)
	$(CC) $(ALL_CFLAGS) $^ $(LDLIBS_ALL) -o $@

$(BUILD)/tests/%: $(OBJ)/tests/unit/%.o $(FIXTURE_LIB) $(HARNESS_LIB) $(DAEMON_LIB) $(CLIENT_LIB) $(REPORT_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $^ $(LDLIBS_ALL) -lcmocka -o $@

# integration tests also get libvterm: the terminal in which test_board watches lkip monitor
$(BUILD)/tests/%: $(OBJ)/tests/integration/%.o $(HARNESS_LIB) $(FIXTURE_LIB) $(DAEMON_LIB) $(CLIENT_LIB) $(REPORT_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $^ $(LDLIBS_ALL) $(shell pkg-config --libs vterm) -lcmocka -o $@

$(BUILD)/browser/%: $(OBJ)/tests/browser/%.o $(HARNESS_LIB) $(DAEMON_LIB) $(CLIENT_LIB) $(REPORT_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $^ $(LDLIBS_ALL) -lcmocka -o $@

$(BUILD)/lkip-%: $(OBJ)/tests/tools/%.o $(REPORT_LIB) $(COMMON_LIB)
	$(CC) $(ALL_CFLAGS) $^ $(LDLIBS_ALL) -o $@

$(DRAFT_BENCH): $(call obj,bench/draft/draft_bench.c) $(FIXTURE_LIB) $(REPORT_LIB) $(COMMON_LIB)
	$(CC) $(ALL_CFLAGS) $^ $(LDLIBS_ALL) -o $@

$(BUILD)/lkip-bench: $(call obj,$(BENCH_SRC)) $(HARNESS_LIB) $(CLIENT_LIB) $(DAEMON_LIB) $(REPORT_LIB) \
		$(COMMON_LIB)
	$(CC) $(ALL_CFLAGS) $^ $(LDLIBS_ALL) -o $@

# libFuzzer supplies main(): only the final link gets -fsanitize=fuzzer
$(BUILD)/fuzz_%: $(OBJ)/tests/fuzz/fuzz_%.o $(DAEMON_LIB) $(REPORT_LIB) $(COMMON_LIB)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $^ $(LDLIBS_ALL) -o $@

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
