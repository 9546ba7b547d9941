# tafel: one non-recursive GNU Makefile.  `make` builds build/tafeld,
# `make run` shows the demo board, `make test` runs every test,
# `make check SANITIZE=address,undefined` runs them under sanitizers.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/tafel
SYSCONFDIR ?= /etc
UNITDIR ?= /lib/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
B ?= build
WERROR ?= -Werror
SANITIZE ?=
VERSION := 0.1.0

PKGS := directfb json-c libsystemd libpng libcurl libmicrohttpd freetype2 \
	libgpiod libxml-2.0
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS))

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla -Wimplicit-fallthrough -Wno-format-nonliteral \
	-Wno-format-truncation
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -Isrc $(WARN) $(WERROR) $(CFLAGS) -MMD -MP \
	-DTAFEL_VERSION='"$(VERSION)"' -DTAFEL_DATADIR='"$(DATADIR)"' \
	-DTAFEL_SYSCONFDIR='"$(SYSCONFDIR)"' $(PKG_CFLAGS)
ifneq ($(SANITIZE),)
# Sanitized objects live apart so the two builds never mix.
B := $(B)/sanitize
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1
endif
LIBS = $(PKG_LIBS) -lm

# Objects of the daemon, without main.o so tests can link them.
CORE_SRCS := $(filter-out src/main.c,$(wildcard src/*.c src/adapters/*.c))
CORE_OBJS := $(CORE_SRCS:%.c=$(B)/%.o)

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_TESTS:%=$(B)/tests/%)

.PHONY: all deps run test check lint format format-check install clean \
	demo-picture bench test-vm \
	update-golden unit integration systemd-check install-check feeds-check

all: $(B)/tafeld $(B)/tafelctl

deps:
	@tools/deps.sh build

$(B)/src/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "  CC $<"; $(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	@echo "  CC $<"; $(CC) $(ALL_CFLAGS) -Isrc -c $< -o $@

$(B)/tafeld: $(CORE_OBJS) $(B)/src/main.o
	$(CC) $(ALL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tafelctl: $(B)/src/ctl/tafelctl.o $(B)/src/util.o $(B)/src/log.o
	$(CC) $(ALL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# Each unit test links the whole core: modules are small and the linker
# drops what a test does not reach.  -lcmocka comes from pkg-config.
$(B)/tests/test_%: $(B)/tests/unit/test_%.o $(CORE_OBJS)
	$(CC) $(ALL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS) \
		$$($(PKG_CONFIG) --libs cmocka)

# The demo: headless DirectFB, the board's pixels in build/demo/board.png.
# DEMO=parking (the default), traffic or departures picks the board.
DEMO ?= parking
DEMO_CONFIG = $(if $(filter parking,$(DEMO)),examples/demo.json,examples/$(DEMO).json)
run:
	@test -f $(DEMO_CONFIG) || { echo "make run: no demo \"$(DEMO)\" \
	(DEMO=parking, traffic or departures)"; exit 1; }
	@tools/deps.sh run
	@$(MAKE) --no-print-directory all
	@mkdir -p $(B)/demo
	@echo "tafel demo ($(DEMO), $(DEMO_CONFIG)): the board is drawn by"
	@echo "  DirectFB (system=dummy); open $(B)/demo/board.png to see it"
	@echo "  (rewritten every second), $(B)/demo/board.json says what it"
	@echo "  shows as text; live data comes from tools/feedserver.py on"
	@echo "  http://127.0.0.1:8765/ (simulated Lucerne parking, DATEX II"
	@echo "  travel times and traffic messages, a stationboard);"
	@echo "  http://127.0.0.1:8080/ is a live preview (LED dots), /health,"
	@echo "  /metrics, /snapshot.png and /api/v1/display are for monitoring;"
	@echo "  Ctrl-C stops; edit $(DEMO_CONFIG) or the layout, then"
	@echo "  'pkill -HUP -x tafeld' reloads them.  Other boards:"
	@echo "  make run DEMO=traffic, make run DEMO=departures."
	@python3 tools/feedserver.py --port 8765 --quiet \
		>$(B)/demo/feedserver.log 2>&1 & srv=$$!; \
	trap 'kill $$srv 2>/dev/null' EXIT INT TERM; \
	for i in $$(seq 50); do grep -q listening $(B)/demo/feedserver.log \
		&& break; sleep 0.1; done; \
	grep -q listening $(B)/demo/feedserver.log || { echo "feedserver \
	did not start (port 8765 taken?): $(B)/demo/feedserver.log"; exit 1; }; \
	$(B)/tafeld -c $(DEMO_CONFIG)

# Benchmarks print figures; they are not tests and assert nothing.
BENCHES := $(patsubst bench/%.c,$(B)/bench/%,$(wildcard bench/*.c))
$(B)/bench/%: $(B)/bench/%.o $(CORE_OBJS)
	$(CC) $(ALL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	@echo "  CC $<"; $(CC) $(ALL_CFLAGS) -c $< -o $@

bench: $(BENCHES)
	@set -e; for b in $(BENCHES); do echo "== $$b"; $$b; done

# The README's pictures of the demo boards, rendered by tafeld itself
# (DEMO as for run: docs/demo-board.png, docs/demo-traffic.png, ...).
DEMO_PICTURE = $(if $(filter parking,$(DEMO)),demo-board,demo-$(DEMO))
demo-picture: $(B)/tafeld
	@mkdir -p docs $(B)/demo
	@python3 tools/feedserver.py --port 8765 --quiet \
		>$(B)/demo/feedserver.log 2>&1 & srv=$$!; \
	trap 'kill $$srv 2>/dev/null' EXIT; \
	for i in $$(seq 50); do grep -q listening $(B)/demo/feedserver.log \
		&& break; sleep 0.1; done; \
	$(B)/tafeld --once --snapshot $(B)/demo/$(DEMO_PICTURE).png \
		-c $(DEMO_CONFIG)
	python3 tools/ledview.py $(B)/demo/$(DEMO_PICTURE).png \
		docs/$(DEMO_PICTURE).png --scale 5 --dots

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; timeout 300 $$t; done

integration: $(B)/tafeld $(B)/tafelctl
	python3 tests/integration/run.py $(B)/tafeld
	python3 tests/integration/feeds.py $(B)/tafeld
	python3 tests/integration/traffic.py $(B)/tafeld
	python3 tests/integration/monitor.py $(B)/tafeld
	python3 tests/integration/api.py $(B)/tafeld
	python3 tests/integration/preview.py $(B)/tafeld
	python3 tests/integration/tafelctl.py $(B)/tafelctl
	python3 tests/integration/gpio.py $(B)/tafeld

# Every fixture document under tests/feeds/<format>/ through tafeld inspect.
feeds-check: $(B)/tafeld
	python3 tests/feeds/run.py $(B)/tafeld

# GPIO on a real kernel chip: gpio-sim in a small qemu VM (tests/vm/run.sh
# builds and caches the kernel and initramfs in $(B)/vm).
test-vm: $(B)/tafeld
	VM_DIR=$(B)/vm tests/vm/run.sh $(B)/tafeld

install-check: $(B)/tafeld
	tests/install/check.sh

systemd-check: $(B)/tafeld
	tests/systemd/check.sh systemd/tafeld.service $(B)/tafeld

test:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory all $(UNIT_BINS)
	@$(MAKE) --no-print-directory unit feeds-check integration \
		systemd-check install-check
	python3 tools/mkfonts.py --check

check: test

update-golden: $(B)/tests/test_render
	TAFEL_UPDATE_GOLDEN=1 $(B)/tests/test_render

SRCS := $(wildcard src/*.c src/adapters/*.c src/ctl/*.c tests/unit/*.c \
	bench/*.c)
HDRS := $(wildcard src/*.h src/adapters/*.h)
BANNED := '\b(atoi|atol|sprintf|vsprintf|strcpy|strcat|strtok|gets|system|signal|sleep|usleep)[[:space:]]*\('

lint:
	@tools/deps.sh test
	clang-format --dry-run -Werror $(SRCS) $(HDRS)
	@if grep -nE $(BANNED) $(CORE_SRCS) src/main.c src/ctl/*.c $(HDRS); then \
		echo "lint: banned function in src/"; exit 1; fi
	@set -e; for h in $(HDRS); do \
		echo "#include \"$$h\"" | $(CC) -std=c11 -D_GNU_SOURCE \
		$(WARN) -Werror -Isrc $(PKG_CFLAGS) -x c -fsyntax-only - || \
		{ echo "lint: $$h is not self-contained"; exit 1; }; done
	clang-tidy --quiet $(CORE_SRCS) src/main.c src/ctl/*.c -- \
		-std=c11 -D_GNU_SOURCE -DTAFEL_VERSION='"$(VERSION)"' \
		-DTAFEL_DATADIR='"$(DATADIR)"' \
		-DTAFEL_SYSCONFDIR='"$(SYSCONFDIR)"' -Isrc $(PKG_CFLAGS)
	@echo "lint: clean"

format:
	clang-format -i $(SRCS) $(HDRS)

format-check:
	clang-format --dry-run -Werror $(SRCS) $(HDRS)

install: $(B)/tafeld
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/fonts \
		$(DESTDIR)$(DATADIR)/layouts $(DESTDIR)$(SYSCONFDIR)/tafel \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	install -m 755 $(B)/tafeld $(DESTDIR)$(BINDIR)/tafeld
	install -m 755 $(B)/tafelctl $(DESTDIR)$(BINDIR)/tafelctl
	install -m 644 fonts/*.bdf fonts/README $(DESTDIR)$(DATADIR)/fonts/
	install -d $(DESTDIR)$(DATADIR)/layouts/icons
	install -m 644 layouts/*.json $(DESTDIR)$(DATADIR)/layouts/
	install -m 644 layouts/icons/*.png $(DESTDIR)$(DATADIR)/layouts/icons/
	sed 's|/usr/local|$(PREFIX)|g' examples/tafel.json \
		> $(DESTDIR)$(DATADIR)/tafel.json.example
	test -e $(DESTDIR)$(SYSCONFDIR)/tafel/tafel.json || \
		install -m 644 $(DESTDIR)$(DATADIR)/tafel.json.example \
		$(DESTDIR)$(SYSCONFDIR)/tafel/tafel.json
	sed 's|/usr/local|$(PREFIX)|g' systemd/tafeld.service \
		> $(DESTDIR)$(UNITDIR)/tafeld.service
	chmod 644 $(DESTDIR)$(UNITDIR)/tafeld.service
	install -m 644 systemd/tafeld.sysusers \
		$(DESTDIR)$(SYSUSERSDIR)/tafel.conf

clean:
	rm -rf $(B)

-include $(shell find $(B) -path $(B)/vm -prune -o -name '*.d' -print 2>/dev/null)
