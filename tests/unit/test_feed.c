/*
 * test_feed: the retry schedule of failing feeds, and a document read
 * from a file:// URL through the real loop and fetch: parsed in slices
 * between other timers, rejected with the reader's reason, and a fetch
 * that falls due during a parse started after it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "feed.h"
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
