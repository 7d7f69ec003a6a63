# voipfw top-level Makefile.
#
#   make               build userspace into build/ (gcc, -O2 -Wall -Wextra -Werror)
#   make test          install test dependencies (scripts/deps) and run every test
#   make fuzz          libFuzzer targets (clang, ASan+UBSan); FUZZ_SECONDS=N each
#   make bench-parse   parser throughput vs libosip2 and sofia-sip
#   make bench-geoip   GeoIP: a lookup from the file vs a cache hit (fetches
#                      the default database: scripts/deps geoip)
#   make bench         bench-parse, the engine benchmarks and bench-kmod (root)
#   make lab           the README's main job: one real call through voipfwd
#                      in throwaway network namespaces (root)
#   make demo          check-sip over the bundled examples
#   make kmod          voipfw.ko (kmod/, Kbuild, W=1) against KSRC, default the
#                      running kernel's headers; skipped, saying so, without them
#   make CC=clang BUILD=build/clang   the same build with clang

ifeq ($(origin CC),default)
CC		:= gcc
endif
BUILD		?= build
CFLAGS		?= -O2 -g
WARN		:= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wpointer-arith -Wvla
CPPFLAGS	+= -D_GNU_SOURCE -Iuserspace
ALL_CFLAGS	= -std=gnu11 $(WARN) $(CFLAGS)

# Pure code (no system libraries): parsers, calls, pinhole logic.
LIB_SRCS	:= $(wildcard userspace/sip/*.c userspace/sdp/*.c userspace/inspect/*.c \
		     userspace/pinhole/*.c userspace/dialog/*.c userspace/engine/*.c \
		     userspace/policy/*.c userspace/diff/*.c \
		     userspace/hash/*.c userspace/limit/*.c userspace/netset/*.c \
		     userspace/detect/*.c userspace/toll/*.c \
		     userspace/guard/*.c)
LIB_OBJS	:= $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB		:= $(BUILD)/libvoipfw.a

# Kernel interfaces: nf_tables (libnftnl) and NFQUEUE (libnetfilter_queue).
SYS_PKGS	:= libnftnl libmnl libnetfilter_queue
SYS_SRCS	:= $(wildcard userspace/nft/*.c userspace/nfq/*.c userspace/kmod/*.c)
SYS_OBJS	:= $(SYS_SRCS:%.c=$(BUILD)/obj/%.o)
SYS_LIB		:= $(BUILD)/libvoipfw-sys.a
SYS_LIBS	= $$(pkg-config --libs $(SYS_PKGS))

# GeoIP: MaxMind DB files through libmaxminddb.
GEOIP_PKGS	:= libmaxminddb
GEOIP_SRCS	:= $(wildcard userspace/geoip/*.c)
GEOIP_OBJS	:= $(GEOIP_SRCS:%.c=$(BUILD)/obj/%.o)
GEOIP_LIB	:= $(BUILD)/libvoipfw-geoip.a
GEOIP_LIBS	= $$(pkg-config --libs $(GEOIP_PKGS))

DAEMON_SRCS	:= $(wildcard userspace/daemon/*.c)
DAEMON_OBJS	:= $(DAEMON_SRCS:%.c=$(BUILD)/obj/%.o)

# Network tools used by the packet-path tests (test/net/*.c).
NET_SRCS	:= $(wildcard test/net/*.c)
NET_BINS	:= $(NET_SRCS:test/net/%.c=$(BUILD)/net/%)

CTL_SRCS	:= $(wildcard userspace/ctl/*.c)
CTL_OBJS	:= $(CTL_SRCS:%.c=$(BUILD)/obj/%.o)
# apply, rollback, show, diff: the policy chains through libnftables
CTL_PKGS	:= libnftables
CTL_LIBS	= $$(pkg-config --libs $(CTL_PKGS))

UNIT_SRCS	:= $(filter-out test/unit/unit.c,$(wildcard test/unit/test_*.c))
UNIT_BINS	:= $(UNIT_SRCS:test/unit/%.c=$(BUILD)/unit/%)

FUZZ_SECONDS	?= 60
FUZZ_TARGETS	:= $(patsubst test/fuzz/%.c,%,$(wildcard test/fuzz/fuzz_*.c))
FUZZ_BUILD	:= $(BUILD)/fuzz
FUZZ_CC		?= clang-14
FUZZ_FLAGS	:= -g -O1 -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all clean test unit fuzz fuzz-build bench bench-parse bench-geoip demo lab net-tools vm-prepare vm-test kmod bench-kmod

all: $(BUILD)/voipfwctl $(BUILD)/voipfwd kmod

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/voipfwctl: $(CTL_OBJS) $(GEOIP_LIB) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(CTL_OBJS) $(GEOIP_LIB) $(LIB) $(CTL_LIBS) $(GEOIP_LIBS) $(LDFLAGS)

$(BUILD)/voipfwd: $(DAEMON_OBJS) $(SYS_LIB) $(GEOIP_LIB) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(DAEMON_OBJS) $(SYS_LIB) $(GEOIP_LIB) $(LIB) $(SYS_LIBS) $(GEOIP_LIBS) -lpcap -lpthread $(LDFLAGS)

$(GEOIP_OBJS): CPPFLAGS += $$(pkg-config --cflags $(GEOIP_PKGS))

$(GEOIP_LIB): $(GEOIP_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(SYS_LIB): $(SYS_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/net/%: test/net/%.c $(SYS_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(SYS_LIB) $(LIB) $(SYS_LIBS) $(LDFLAGS)

net-tools: $(NET_BINS)

# ---- tests ----------------------------------------------------------------

# UNIT_LIBS: what a unit test needs beyond libvoipfw.a
$(BUILD)/unit/test_geoip: UNIT_LIBS = $(GEOIP_LIB) $(LIB) $(GEOIP_LIBS)
$(BUILD)/unit/test_geoip: $(GEOIP_LIB)

$(BUILD)/unit/%: test/unit/%.c test/unit/unit.c $(wildcard test/unit/*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itest/unit $(ALL_CFLAGS) -o $@ $< test/unit/unit.c $(LIB) $(UNIT_LIBS) $(LDFLAGS)

unit: $(UNIT_BINS)

test:
	./scripts/deps test
	./test/run

# ---- fuzzing --------------------------------------------------------------

$(FUZZ_BUILD)/%: test/fuzz/%.c $(LIB_SRCS) $(wildcard userspace/*/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -o $@ $< $(LIB_SRCS)

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

fuzz: fuzz-build
	./scripts/fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# ---- benchmarks -----------------------------------------------------------

BENCH_PKGS	:= libosip2 sofia-sip-ua
# One file per parser: their headers cannot share a translation unit.
BENCH_SRCS	:= $(wildcard test/bench/*.c)

$(BUILD)/bench_parse: $(BENCH_SRCS) test/bench/bench.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=gnu11 $(WARN) -O2 -g \
		$$(pkg-config --cflags $(BENCH_PKGS)) -o $@ $(BENCH_SRCS) \
		$(LIB) $$(pkg-config --libs $(BENCH_PKGS))

bench-parse: $(BUILD)/bench_parse
	$(BUILD)/bench_parse test/corpus/sip/*.sip $(shell awk '$$1 !~ /^#/ && $$2=="valid"{print "test/corpus/rfc4475/"$$1".dat"}' test/corpus/rfc4475/VERDICTS)

# ---- GeoIP: a file lookup against a cache hit, on the real database ------------
GEOIP_DB	?= $(BUILD)/geoip/geo-whois-asn-country.mmdb

$(BUILD)/bench/bench_geoip: test/bench/geoip/bench_geoip.c $(GEOIP_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(GEOIP_LIB) $(LIB) $(GEOIP_LIBS) $(LDFLAGS)

bench-geoip: $(BUILD)/bench/bench_geoip
	./scripts/deps geoip
	$(BUILD)/bench/bench_geoip $(GEOIP_DB)

# ---- engine and zone policy benchmarks (test/bench/engine.sh, policy.sh) ----
BENCH_TOOLS	:= $(BUILD)/bench/vfwbench

$(BUILD)/bench/%: test/bench/engine/%.c $(SYS_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(SYS_LIB) $(LIB) $(SYS_LIBS) $(LDFLAGS)

bench: all net-tools $(BENCH_TOOLS)
	./scripts/deps bench
	$(MAKE) bench-parse
	./test/bench/engine.sh $(BUILD)
	./test/bench/policy.sh $(BUILD)
	./test/bench/flood.sh $(BUILD)
	$(MAKE) bench-kmod

# voipfw.ko vs voipfwd's limits alone under an INVITE flood, in the VM on
# Debian's kernel (the module built against its headers: scripts/deps kmod)
bench-kmod: all net-tools
	@abi=$$(apt-cache depends linux-image-amd64 2>/dev/null | \
		sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*\)$$/\1/p' | head -n 1); \
	if [ -d /usr/src/linux-headers-$$abi ]; then \
		MAKEFLAGS= $(MAKE) -s -C kmod KSRC=/usr/src/linux-headers-$$abi && \
		./scripts/vm --timeout 600 -- sh test/bench/kmod.sh; \
	else \
		echo "bench-kmod: no headers for linux-image-$$abi (scripts/deps kmod): skipped"; \
	fi

# ---- the distro kernel in qemu (scripts/vm) --------------------------------

vm-prepare:
	./scripts/deps vm
	./scripts/vm --prepare

vm-test: vm-prepare
	sh test/vm/smoke.sh

# ---- the README's main job --------------------------------------------------

lab:
	./scripts/deps test
	$(MAKE) all
	./scripts/lab

demo:
	./scripts/deps build
	$(MAKE) all
	./scripts/demo

clean:
	rm -rf $(BUILD)
	-@[ ! -d "$(KSRC)" ] || MAKEFLAGS= $(MAKE) -s -C kmod KSRC=$(KSRC) clean

# ---- the kernel module (kmod/) ----------------------------------------------
# KSRC: the headers to build voipfw.ko against.  Kbuild gets none of this
# make's variables (MAKEFLAGS cleared: CC=clang-14 or sanitizer CFLAGS are
# for userspace only).
KSRC		?= /lib/modules/$(shell uname -r)/build

kmod:
	@if [ -d "$(KSRC)/" ]; then \
		MAKEFLAGS= $(MAKE) -C kmod KSRC=$(KSRC) W=1; \
	else \
		echo "kmod: no kernel headers at $(KSRC): voipfw.ko not built (apt-get install linux-headers-$$(uname -r), or make KSRC=DIR)"; \
	fi

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
