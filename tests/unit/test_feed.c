/*
 * test_feed: the retry schedule of failing feeds, and a document read
 * from a file:// URL through the real loop and fetch: parsed in slices
 * between other timers, rejected with the reader's reason, and a fetch
 * that falls due during a parse started after it.  A datex2-parking feed
 * with a table_url: names and sizes from the table, ids until one has
 * arrived, the status document fetched again at once when a new table
 * comes, the last good table kept when a later one fails.  A travel-time
 * feed turns stale by its records' times.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapter.h"
#include "feed.h"
#include "info.h"
#include "loop.h"
#include "util.h"
#include "fixture.h"

static void
test_feed_backoff_first_retry_waits_the_interval(void **state)
{
	(void)state;
	/* jitter 0.5 = no jitter */
	assert_int_equal(feed_backoff_ms(60, 1, 0.5), 60000);
	assert_int_equal(feed_backoff_ms(5, 1, 0.5), 5000);
}

static void
test_feed_backoff_doubles(void **state)
{
	(void)state;
	assert_int_equal(feed_backoff_ms(5, 2, 0.5), 10000);
	assert_int_equal(feed_backoff_ms(5, 3, 0.5), 20000);
	assert_int_equal(feed_backoff_ms(5, 4, 0.5), 40000);
}

static void
test_feed_backoff_slow_feed_retries_within_30s_then_doubles(void **state)
{
	(void)state;
	/* An hourly feed does not wait an hour after its first failure... */
	assert_int_equal(feed_backoff_ms(3600, 2, 0.5), 60000);
	/* ...but its first retry is still one interval (not sooner). */
	assert_int_equal(feed_backoff_ms(3600, 1, 0.5), 3600000);
}

static void
test_feed_backoff_caps_at_15_minutes(void **state)
{
	(void)state;
	assert_int_equal(feed_backoff_ms(5, 30, 0.5), 15 * 60 * 1000);
	assert_int_equal(feed_backoff_ms(5, 1000, 0.5), 15 * 60 * 1000);
}

static void
test_feed_backoff_jitter_is_within_20_percent(void **state)
{
	(void)state;
	assert_int_equal(feed_backoff_ms(10, 2, 0.0), 16000);
	assert_int_equal(feed_backoff_ms(10, 2, 1.0), 24000);
	assert_true(feed_backoff_ms(10, 2, 0.25) < 20000);
	assert_true(feed_backoff_ms(10, 2, 0.75) > 20000);
}

/* ---- the pipeline, through a real loop ---- */

#define BIG_ITEMS 20000 /* about 3 MB */

struct run {
	struct loop *loop;
	struct feeds *feeds;
	struct loop_timer *tick, *guard;
	uint64_t ticks_busy; /* the 1 ms timer ran while a parse was on */
	int refetch;         /* fetch again once the parse is under way */
	int refetched;
	uint64_t want_fetches;
};

static char *
big_doc(size_t items, int cut)
{
	size_t cap = items * 200 + 256, used;
	char *buf = malloc(cap);

	assert_non_null(buf);
	used = (size_t)snprintf(
	    buf, cap, "{\"status\": \"success\", \"data\": {\"parkings\": {");
	for (size_t i = 0; i < items; i++)
		used += (size_t)snprintf(buf + used, cap - used,
		    "%s\"P%zu\": {\"description\": \"Parkhaus %zu\", "
		    "\"vacancy\": %zu, \"capacity\": 400, \"opened\": true}",
		    i ? ", " : "", i, i, i % 400);
	used += (size_t)snprintf(buf + used, cap - used, "}}}\n");
	if (cut)
		buf[used / 2] = '\0';
	return buf;
}

static void
on_tick(struct loop_timer *t, void *arg)
{
	struct run *r = arg;
	struct feed_stats st;

	feeds_stats(r->feeds, 0, util_wall_ms(), &st);
	if (feeds_busy(r->feeds) && st.fetches > 0) {
		r->ticks_busy++;
		if (r->refetch && !r->refetched) {
			feeds_fetch_all(r->feeds);
			r->refetched = 1;
		}
	}
	if (st.fetches >= r->want_fetches && !feeds_busy(r->feeds)) {
		loop_stop(r->loop);
		return;
	}
	loop_timer_at(t, util_mono_ms() + 1);
}

static void
on_guard(struct loop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	fail_msg("the feed did not settle within 60 s");
}

/* Fetch the document text from a file:// URL until settled. */
static void
run_feed(const char *text, struct run *r, struct feed_stats *st)
{
	char *dir = fixture_dir();
	struct cfg_feed cf;
	struct cfg cfg;

	fixture_write(dir, "doc.json", text);
	memset(&cf, 0, sizeof(cf));
	snprintf(cf.id, sizeof(cf.id), "pls");
	snprintf(cf.url, sizeof(cf.url), "file://%s/doc.json", dir);
	for (cf.format = 0; strcmp(adapter_names[cf.format], "pls-luzern");)
		cf.format++;
	cf.interval_s = 3600;
	cf.timeout_s = 30;
	cf.max_bytes = 64 << 20;
	cf.stale_after_s = 1800;
	cf.allow_file = 1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.feeds.v = &cf;
	cfg.feeds.n = 1;
	r->loop = loop_new();
	assert_non_null(r->loop);
	r->feeds = feeds_new(r->loop, NULL, NULL);
	r->tick = loop_timer_new(r->loop, on_tick, r);
	r->guard = loop_timer_new(r->loop, on_guard, r);
	loop_timer_at(r->tick, util_mono_ms() + 1);
	loop_timer_at(r->guard, util_mono_ms() + 60000);
	feeds_apply(r->feeds, &cfg);
	assert_int_equal(loop_run(r->loop), 0);
	feeds_stats(r->feeds, 0, util_wall_ms(), st);
	fixture_rmdir(dir);
}

static void
run_free(struct run *r)
{
	feeds_free(r->feeds);
	loop_timer_free(r->tick);
	loop_timer_free(r->guard);
	loop_free(r->loop);
}

/* The document arrives whole, yet other timers run while it is parsed. */
static void
test_feed_parses_a_big_document_in_slices(void **state)
{
	char *text = big_doc(BIG_ITEMS, 0), err[256];
	struct run r = { .want_fetches = 1 };
	const struct park_doc *doc;
	struct park_rules ru;
	struct park_doc whole;
	struct feed_stats st;

	(void)state;
	run_feed(text, &r, &st);
	assert_int_equal(st.fetches, 1);
	assert_int_equal(st.failing, 0);
	assert_true(r.ticks_busy >= 3);
	doc = feeds_doc(r.feeds, "pls", &ru);
	assert_non_null(doc);
	park_doc_init(&whole);
	assert_int_equal(adapter_parse(adapter_find("pls-luzern"), text,
			     strlen(text), NULL, &whole, err, sizeof(err)),
	    0);
	assert_int_equal(doc->n, BIG_ITEMS);
	assert_int_equal(doc->n, whole.n);
	for (size_t i = 0; i < whole.n; i++) {
		assert_string_equal(doc->items[i].id, whole.items[i].id);
		assert_int_equal(doc->items[i].free, whole.items[i].free);
	}
	park_doc_fini(&whole);
	run_free(&r);
	free(text);
}

/* A body cut short: rejected with the reader's reason, nothing kept. */
static void
test_feed_rejects_a_cut_document_with_its_offset(void **state)
{
	char *text = big_doc(BIG_ITEMS, 1), want[64];
	struct run r = { .want_fetches = 1 };
	struct park_rules ru;
	struct feed_stats st;

	(void)state;
	run_feed(text, &r, &st);
	snprintf(want, sizeof(want),
	    "rejected document: truncated JSON at offset %zu", strlen(text));
	assert_string_equal(st.last_error, want);
	assert_int_equal(st.failing, 1);
	assert_null(feeds_doc(r.feeds, "pls", &ru));
	run_free(&r);
	free(text);
}

/* A fetch due while a document is parsed starts once it is in. */
static void
test_feed_fetch_due_during_a_parse_waits_for_it(void **state)
{
	char *text = big_doc(BIG_ITEMS, 0);
	struct run r = { .want_fetches = 2, .refetch = 1 };
	struct park_rules ru;
	struct feed_stats st;

	(void)state;
	run_feed(text, &r, &st);
	assert_int_equal(r.refetched, 1);
	assert_int_equal(st.fetches, 2);
	assert_int_equal(st.failing, 0);
	assert_int_equal(feeds_doc(r.feeds, "pls", &ru)->n, BIG_ITEMS);
	run_free(&r);
	free(text);
}

/* ---- tables (datex2-parking table_url) ---- */

#define STATUS_DOC                                                          \
	"<?xml version=\"1.0\"?>\n"                                         \
	"<d2LogicalModel xmlns=\"http://datex2.eu/schema/2/2_0\" "          \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"          \
	"<payloadPublication xsi:type=\"ParkingStatusPublication\">"        \
	"<parkingRecordStatus xsi:type=\"ParkingSiteStatus\">"              \
	"<parkingRecordReference id=\"P1\"/><parkingOccupancy>"             \
	"<parkingNumberOfVacantSpaces>12</parkingNumberOfVacantSpaces>"     \
	"</parkingOccupancy></parkingRecordStatus>"                         \
	"<parkingRecordStatus xsi:type=\"ParkingSiteStatus\">"              \
	"<parkingRecordReference id=\"P2\"/><parkingOccupancy>"             \
	"<parkingNumberOfSpacesOverride>90</parkingNumberOfSpacesOverride>" \
	"<parkingNumberOfVacantSpaces>7</parkingNumberOfVacantSpaces>"      \
	"</parkingOccupancy></parkingRecordStatus>"                         \
	"<parkingRecordStatus xsi:type=\"ParkingSiteStatus\">"              \
	"<parkingRecordReference id=\"X9\"/><parkingOccupancy>"             \
	"<parkingNumberOfVacantSpaces>3</parkingNumberOfVacantSpaces>"      \
	"</parkingOccupancy></parkingRecordStatus>"                         \
	"</payloadPublication></d2LogicalModel>\n"

/* A table naming P1 and P2 (not X9); name1 is P1's German name. */
static void
write_table(const char *dir, const char *name1)
{
	char text[2048];

	snprintf(text, sizeof(text),
	    "<?xml version=\"1.0\"?>\n"
	    "<d2LogicalModel xmlns=\"http://datex2.eu/schema/2/2_0\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
	    "<payloadPublication xsi:type=\"ParkingTablePublication\">"
	    "<parkingTable><parkingRecord id=\"P1\"><parkingName><values>"
	    "<value lang=\"fr\">Gare</value><value lang=\"de\">%s</value>"
	    "</values></parkingName>"
	    "<parkingNumberOfSpaces>500</parkingNumberOfSpaces>"
	    "</parkingRecord><parkingRecord id=\"P2\"><parkingName><values>"
	    "<value lang=\"de\">Casino</value></values></parkingName>"
	    "<parkingNumberOfSpaces>300</parkingNumberOfSpaces>"
	    "</parkingRecord></parkingTable></payloadPublication>"
	    "</d2LogicalModel>\n",
	    name1);
	fixture_write(dir, "table.xml", text);
}

struct trun {
	struct loop *loop;
	struct feeds *feeds;
	struct loop_timer *tick, *guard;
	char *dir;
	struct cfg_feed cf;
	struct cfg cfg;
	/* Called every ms while not busy; 1 stops the loop. */
	int (*step)(struct trun *t, const struct feed_stats *st);
	int phase;
	int64_t phase_ms; /* when the phase began (monotonic) */
	uint64_t phase_fetches;
};

static void
trun_on_tick(struct loop_timer *tm, void *arg)
{
	struct trun *t = arg;
	struct feed_stats st;

	feeds_stats(t->feeds, 0, util_wall_ms(), &st);
	if (!feeds_busy(t->feeds) && t->step(t, &st)) {
		loop_stop(t->loop);
		return;
	}
	loop_timer_at(tm, util_mono_ms() + 1);
}

static void
trun_on_guard(struct loop_timer *tm, void *arg)
{
	struct trun *t = arg;

	(void)tm;
	fail_msg("the feed did not settle within 20 s (phase %d)", t->phase);
}

static int trun_stale_after_s; /* 0: 1800 */

/* status.xml (and table.xml if written) from file:// URLs, until step. */
static void
trun_run(struct trun *t, const char *format, const char *doc, int table,
    int table_interval_s)
{
	memset(&t->cf, 0, sizeof(t->cf));
	snprintf(t->cf.id, sizeof(t->cf.id), "dx");
	fixture_write(t->dir, "status.xml", doc);
	snprintf(t->cf.url, sizeof(t->cf.url), "file://%s/status.xml", t->dir);
	if (table)
		snprintf(t->cf.table_url, sizeof(t->cf.table_url),
		    "file://%s/table.xml", t->dir);
	for (t->cf.format = 0; strcmp(adapter_names[t->cf.format], format);)
		t->cf.format++;
	t->cf.interval_s = 3600;
	t->cf.table_interval_s = table_interval_s;
	t->cf.timeout_s = 30;
	t->cf.max_bytes = 1 << 20;
	t->cf.stale_after_s =
	    trun_stale_after_s > 0 ? trun_stale_after_s : 1800;
	t->cf.allow_file = 1;
	memset(&t->cfg, 0, sizeof(t->cfg));
	t->cfg.feeds.v = &t->cf;
	t->cfg.feeds.n = 1;
	t->loop = loop_new();
	assert_non_null(t->loop);
	t->feeds = feeds_new(t->loop, NULL, NULL);
	t->tick = loop_timer_new(t->loop, trun_on_tick, t);
	t->guard = loop_timer_new(t->loop, trun_on_guard, t);
	t->phase_ms = util_mono_ms();
	loop_timer_at(t->tick, util_mono_ms() + 1);
	loop_timer_at(t->guard, util_mono_ms() + 20000);
	feeds_apply(t->feeds, &t->cfg);
	assert_int_equal(loop_run(t->loop), 0);
}

static void
trun_free(struct trun *t)
{
	feeds_free(t->feeds);
	loop_timer_free(t->tick);
	loop_timer_free(t->guard);
	loop_free(t->loop);
	fixture_rmdir(t->dir);
}

static const struct park_doc *
trun_doc(struct trun *t)
{
	struct park_rules ru;

	return feeds_doc(t->feeds, "dx", &ru);
}

/* The name of id in the feed's document, or NULL. */
static const char *
trun_name(struct trun *t, const char *id)
{
	const struct park_doc *d = trun_doc(t);
	const struct park_item *it = d != NULL ? park_doc_find(d, id) : NULL;

	return it != NULL ? it->name : NULL;
}

static void
trun_next(struct trun *t, const struct feed_stats *st)
{
	t->phase++;
	t->phase_ms = util_mono_ms();
	t->phase_fetches = st->fetches;
}

/* Until the status document is mapped with the table's names. */
static int
step_until_named(struct trun *t, const struct feed_stats *st)
{
	const char *n = trun_name(t, "P1");

	(void)st;
	return n != NULL && strcmp(n, "Bahnhof") == 0;
}

static void
test_feed_table_names_and_sizes_the_car_parks(void **state)
{
	struct trun t = { .dir = fixture_dir(), .step = step_until_named };
	const struct park_doc *d;
	const struct park_item *p2;
	struct feed_stats st;

	(void)state;
	write_table(t.dir, "Bahnhof");
	trun_run(&t, "datex2-parking", STATUS_DOC, 1, 3600);
	d = trun_doc(&t);
	/* X9 is not in the table: not shown. */
	assert_int_equal(d->n, 2);
	assert_int_equal(park_doc_find(d, "P1")->total, 500);
	assert_int_equal(park_doc_find(d, "P1")->free, 12);
	p2 = park_doc_find(d, "P2");
	assert_string_equal(p2->name, "Casino");
	assert_int_equal(p2->total, 90); /* the override beats the table */
	assert_null(park_doc_find(d, "X9"));
	feeds_stats(t.feeds, 0, util_wall_ms(), &st);
	assert_int_equal(st.failing, 0);
	assert_true(st.fetches <= 2);
	trun_free(&t);
}

/* Until the status document is in (the table cannot be read). */
static int
step_until_fetched(struct trun *t, const struct feed_stats *st)
{
	(void)t;
	return st->fetches >= 1;
}

static void
test_feed_without_a_table_names_are_the_ids(void **state)
{
	struct trun t = { .dir = fixture_dir(), .step = step_until_fetched };
	const struct park_doc *d;
	struct feed_stats st;

	(void)state;
	/* No table.xml: the table's fetch fails, the status one does not. */
	trun_run(&t, "datex2-parking", STATUS_DOC, 1, 3600);
	d = trun_doc(&t);
	assert_non_null(d);
	assert_int_equal(d->n, 3);
	assert_string_equal(trun_name(&t, "P1"), "P1");
	assert_string_equal(trun_name(&t, "X9"), "X9");
	assert_int_equal(park_doc_find(d, "P1")->total, PARK_NO_COUNT);
	feeds_stats(t.feeds, 0, util_wall_ms(), &st);
	assert_int_equal(st.failing, 0);
	assert_int_equal(st.fetches, 1);
	trun_free(&t);
}

/*
 * Phase 0: the status document is in with ids (no table yet): write the
 * table.  Phase 1: the table (fetched every second) arrives and the
 * status document is fetched again at once, not after its hour.
 */
static int
step_table_comes_later(struct trun *t, const struct feed_stats *st)
{
	if (t->phase == 0 && st->fetches >= 1) {
		assert_string_equal(trun_name(t, "P1"), "P1");
		write_table(t->dir, "Bahnhof");
		trun_next(t, st);
		return 0;
	}
	return t->phase == 1 && step_until_named(t, st);
}

static void
test_feed_new_table_refetches_the_status_at_once(void **state)
{
	struct trun t = { .dir = fixture_dir(),
		.step = step_table_comes_later };
	struct feed_stats st;

	(void)state;
	trun_run(&t, "datex2-parking", STATUS_DOC, 1, 1);
	feeds_stats(t.feeds, 0, util_wall_ms(), &st);
	assert_int_equal(st.fetches, 2);
	/* The table's retry (about a second), not the status interval. */
	assert_true(util_mono_ms() - t.phase_ms < 5000);
	assert_null(park_doc_find(trun_doc(&t), "X9"));
	trun_free(&t);
}

/*
 * Phase 0: named by the table: break the table file.  Phase 1: after a
 * few failed table fetches (one a second), fetch all again.  Phase 2: the
 * status document, mapped again, still has the last good table's names.
 */
static int
step_table_breaks(struct trun *t, const struct feed_stats *st)
{
	switch (t->phase) {
	case 0:
		if (!step_until_named(t, st))
			return 0;
		fixture_write(t->dir, "table.xml", "<broken");
		trun_next(t, st);
		return 0;
	case 1:
		if (util_mono_ms() - t->phase_ms < 2500)
			return 0;
		feeds_fetch_all(t->feeds);
		trun_next(t, st);
		return 0;
	default:
		return st->fetches > t->phase_fetches;
	}
}

static void
test_feed_keeps_the_last_good_table(void **state)
{
	struct trun t = { .dir = fixture_dir(), .step = step_table_breaks };
	struct feed_stats st;

	(void)state;
	write_table(t.dir, "Bahnhof");
	trun_run(&t, "datex2-parking", STATUS_DOC, 1, 1);
	feeds_stats(t.feeds, 0, util_wall_ms(), &st);
	assert_int_equal(st.failing, 0);
	assert_string_equal(trun_name(&t, "P1"), "Bahnhof");
	assert_int_equal(trun_doc(&t)->n, 2);
	trun_free(&t);
}

/* A table whose content did not change does not refetch the status. */
static int
step_same_table(struct trun *t, const struct feed_stats *st)
{
	if (t->phase == 0) {
		if (!step_until_named(t, st))
			return 0;
		trun_next(t, st);
		return 0;
	}
	/* Three table fetches (one a second), each of the same table. */
	return util_mono_ms() - t->phase_ms >= 3500;
}

static void
test_feed_same_table_again_does_not_refetch(void **state)
{
	struct trun t = { .dir = fixture_dir(), .step = step_same_table };
	struct feed_stats st;

	(void)state;
	write_table(t.dir, "Bahnhof");
	trun_run(&t, "datex2-parking", STATUS_DOC, 1, 1);
	feeds_stats(t.feeds, 0, util_wall_ms(), &st);
	assert_int_equal(st.fetches, t.phase_fetches);
	trun_free(&t);
}

/* A renamed car park in a new table shows the new name promptly. */
static int
step_table_renamed(struct trun *t, const struct feed_stats *st)
{
	const char *n;

	if (t->phase == 0) {
		if (!step_until_named(t, st))
			return 0;
		write_table(t->dir, "Bahnhof Süd");
		trun_next(t, st);
		return 0;
	}
	n = trun_name(t, "P1");
	return n != NULL && strcmp(n, "Bahnhof Süd") == 0;
}

static void
test_feed_renamed_in_a_new_table(void **state)
{
	struct trun t = { .dir = fixture_dir(), .step = step_table_renamed };
	struct feed_stats st;

	(void)state;
	write_table(t.dir, "Bahnhof");
	trun_run(&t, "datex2-parking", STATUS_DOC, 1, 1);
	feeds_stats(t.feeds, 0, util_wall_ms(), &st);
	assert_int_equal(st.fetches, t.phase_fetches + 1);
	assert_true(util_mono_ms() - t.phase_ms < 5000);
	trun_free(&t);
}

/*
 * Phase 0: named: reload with an equal configuration (a new copy, as
 * SIGHUP builds one), remove the table file and fetch all.  Phase 1: the
 * status document, mapped again while the table fetch fails, still has
 * the names: the reload kept the table.
 */
static struct cfg_feed reload_cf;
static struct cfg reload_cfg;

static int
step_reload_keeps_table(struct trun *t, const struct feed_stats *st)
{
	char path[600];

	if (t->phase == 0) {
		if (!step_until_named(t, st))
			return 0;
		reload_cf = t->cf;
		reload_cfg = t->cfg;
		reload_cfg.feeds.v = &reload_cf;
		feeds_apply(t->feeds, &reload_cfg);
		memset(&t->cf, 0, sizeof(t->cf)); /* the old one is gone */
		snprintf(path, sizeof(path), "%s/table.xml", t->dir);
		assert_int_equal(unlink(path), 0);
		feeds_fetch_all(t->feeds);
		trun_next(t, st);
		return 0;
	}
	return st->fetches > t->phase_fetches;
}

static void
test_feed_reload_keeps_the_table(void **state)
{
	struct trun t = { .dir = fixture_dir(),
		.step = step_reload_keeps_table };

	(void)state;
	write_table(t.dir, "Bahnhof");
	trun_run(&t, "datex2-parking", STATUS_DOC, 1, 3600);
	assert_string_equal(trun_name(&t, "P1"), "Bahnhof");
	assert_int_equal(trun_doc(&t)->n, 2);
	trun_free(&t);
}

/* ---- travel times ---- */

/* A travel-time document measured age_s ago; its stats once fetched. */
static void
travel_run(int64_t age_s, struct feed_stats *st, size_t *ninfo)
{
	char doc[1024], when[32];
	struct trun t = { .dir = fixture_dir(), .step = step_until_fetched };
	const struct park_doc *d;
	time_t at = time(NULL) - (time_t)age_s;
	struct tm tm;

	gmtime_r(&at, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* The publication time is fresh: the record's own time decides. */
	snprintf(doc, sizeof(doc),
	    "<d2LogicalModel xmlns=\"http://datex2.eu/schema/2/2_0\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
	    "<payloadPublication xsi:type=\"ElaboratedDataPublication\">"
	    "<elaboratedData><basicData xsi:type=\"TravelTimeData\">"
	    "<measurementOrCalculationTime>%s</measurementOrCalculationTime>"
	    "<pertinentLocation><predefinedLocationReference id=\"R1\"/>"
	    "</pertinentLocation><travelTime><duration>540</duration>"
	    "</travelTime></basicData></elaboratedData>"
	    "</payloadPublication></d2LogicalModel>",
	    when);
	trun_run(&t, "datex2-traveltime", doc, 0, 3600);
	d = trun_doc(&t);
	assert_int_equal(d->kind, INFO_KIND_TRAVEL);
	*ninfo = d->ninfo;
	feeds_stats(t.feeds, 0, util_wall_ms(), st);
	trun_free(&t);
}

static void
test_feed_travel_times_are_fresh_by_their_records(void **state)
{
	struct feed_stats st;
	size_t n;

	(void)state;
	travel_run(60, &st, &n);
	assert_int_equal(n, 1);
	assert_int_equal(st.items, 1);
	assert_int_equal(st.stale, 0);
	travel_run(7200, &st, &n);
	assert_int_equal(n, 1);
	assert_int_equal(st.stale, 1);
}

/*
 * Situations and departures turn stale as a document: the board shows
 * "no data" once the last good fetch is older than stale_after_s, and the
 * feed's stale timer says so on time, with no new fetch.
 */
static int
step_until_stale(struct trun *t, const struct feed_stats *st)
{
	if (t->phase == 0) {
		if (st->fetches == 0 || st->last_ok_wall_ms == PARK_NO_TIME)
			return 0;
		assert_int_equal(st->stale, 0);
		trun_next(t, st);
		return 0;
	}
	if (!st->stale)
		return 0;
	/* Stale after stale_after_s (1 s) of the fetch, by the timer. */
	assert_true(util_wall_ms() - st->last_ok_wall_ms > 1000);
	assert_true(util_mono_ms() - t->phase_ms < 5000);
	assert_int_equal(st->fetches, t->phase_fetches);
	return 1;
}

static void
stale_run(const char *format, const char *doc, int kind)
{
	struct trun t = { .dir = fixture_dir(), .step = step_until_stale };
	struct feed_stats st;
	struct park_rules ru;
	const struct park_doc *d;

	trun_stale_after_s = 1;
	trun_run(&t, format, doc, 0, 3600);
	trun_stale_after_s = 0;
	d = feeds_doc(t.feeds, "dx", &ru);
	assert_non_null(d);
	assert_int_equal(d->kind, kind);
	assert_int_equal(d->ninfo, 1);
	/* The document is kept (last good data); only its state changed. */
	feeds_stats(t.feeds, 0, util_wall_ms(), &st);
	assert_int_equal(st.stale, 1);
	assert_true(ru.fetched_ms + ru.stale_after_ms < util_wall_ms());
	trun_free(&t);
}

static void
test_feed_situations_and_departures_turn_stale_as_a_document(void **state)
{
	char board[512];
	time_t at = time(NULL) + 3600;

	(void)state;
	stale_run("datex2-situation",
	    "<d2LogicalModel xmlns=\"http://datex2.eu/schema/2/2_0\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
	    "<payloadPublication xsi:type=\"SituationPublication\">"
	    "<situation id=\"S1\"><situationRecord xsi:type=\"Accident\" "
	    "id=\"R1\" version=\"1\"/></situation>"
	    "</payloadPublication></d2LogicalModel>",
	    INFO_KIND_SITUATION);
	snprintf(board, sizeof(board),
	    "{\"stationboard\": [{\"stop\": {\"departureTimestamp\": %lld}, "
	    "\"category\": \"IR\", \"number\": \"5\", \"to\": \"Bern\"}]}",
	    (long long)at);
	stale_run("stationboard", board, INFO_KIND_DEPARTURE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_feed_backoff_first_retry_waits_the_interval),
		cmocka_unit_test(test_feed_backoff_doubles),
		cmocka_unit_test(
		    test_feed_backoff_slow_feed_retries_within_30s_then_doubles),
		cmocka_unit_test(test_feed_backoff_caps_at_15_minutes),
		cmocka_unit_test(test_feed_backoff_jitter_is_within_20_percent),
		cmocka_unit_test(test_feed_parses_a_big_document_in_slices),
		cmocka_unit_test(
		    test_feed_rejects_a_cut_document_with_its_offset),
		cmocka_unit_test(
		    test_feed_fetch_due_during_a_parse_waits_for_it),
		cmocka_unit_test(test_feed_table_names_and_sizes_the_car_parks),
		cmocka_unit_test(test_feed_without_a_table_names_are_the_ids),
		cmocka_unit_test(
		    test_feed_new_table_refetches_the_status_at_once),
		cmocka_unit_test(test_feed_keeps_the_last_good_table),
		cmocka_unit_test(test_feed_same_table_again_does_not_refetch),
		cmocka_unit_test(test_feed_renamed_in_a_new_table),
		cmocka_unit_test(test_feed_reload_keeps_the_table),
		cmocka_unit_test(
		    test_feed_travel_times_are_fresh_by_their_records),
		cmocka_unit_test(
		    test_feed_situations_and_departures_turn_stale_as_a_document),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
