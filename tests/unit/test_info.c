/*
 * test_info: the display rules of info.c for travel times, situations and
 * departures, at their boundaries, and the document-level rules (one
 * situation record per id, departures sorted and deduplicated).
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

#include "info.h"
#include "park.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* 2026-01-08T13:45:00+01:00 */
#define NOW  1767876300000LL
#define MIN  60000LL
#define HOUR (60 * MIN)

static struct park_rules
rules(int64_t doc_time)
{
	struct park_rules r;

	r.now_ms = NOW;
	r.fetched_ms = NOW;
	r.doc_time_ms = doc_time;
	r.stale_after_ms = 1800 * 1000;
	return r;
}

/* A travel record from durations in ms (negative: none). */
static struct info_item
travel(int64_t travel_ms, int64_t freeflow_ms)
{
	struct info_item it;

	info_item_init(&it);
	it.travel_s = travel_ms < 0 ? INFO_NO_DURATION : travel_ms / 1000.0;
	it.freeflow_s =
	    freeflow_ms < 0 ? INFO_NO_DURATION : freeflow_ms / 1000.0;
	it.time_ms = NOW - MIN;
	return it;
}

/* ---- travel times ---- */

static void
test_info_travel_minutes_round_half_up_and_are_at_least_one(void **state)
{
	static const struct {
		int64_t ms;
		int minutes;
	} cases[] = {
		{ 0, 1 },
		{ 1000, 1 },
		{ 29999, 1 },
		{ 30000, 1 },
		{ 60000, 1 },
		{ 89999, 1 },
		{ 90000, 2 },  /* 1.5 min: half up */
		{ 149999, 2 }, /* 2.49998 min */
		{ 150000, 3 }, /* 2.5 min: half up */
		{ 540000, 9 },
		{ 569999, 9 },
		{ 570000, 10 },
	};
	struct park_rules r = rules(PARK_NO_TIME);

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct info_item it = travel(cases[i].ms, INFO_NO_DURATION);
		int m = -1, d = -1;

		if (info_travel(&it, &r, &m, &d) != 1 ||
		    m != cases[i].minutes || d != 0)
			fail_msg("%lld ms: got %d min, delay %d",
			    (long long)cases[i].ms, m, d);
	}
}

static void
test_info_travel_delay_rounds_and_shows_from_one_minute(void **state)
{
	static const struct {
		int64_t travel, freeflow;
		const char *display, *delay;
	} cases[] = {
		{ 600000, 540000, "10 min", "+1" },
		{ 600000, 570000, "10 min", "+1" }, /* 30 s: half up */
		{ 600000, 570001, "10 min", "" },   /* 29.999 s */
		{ 600000, 600000, "10 min", "" },
		{ 600000, 660000, "10 min", "" }, /* faster than free flow */
		{ 900000, 600000, "15 min", "+5" },
		{ 930000, 600000, "16 min", "+6" }, /* 15.5 and 5.5 */
		{ 600000, INFO_NO_DURATION, "10 min", "" },
	};
	struct park_rules r = rules(PARK_NO_TIME);

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct info_item it =
		    travel(cases[i].travel, cases[i].freeflow);
		char disp[16], delay[16];

		info_travel_text(
		    &it, &r, disp, sizeof(disp), delay, sizeof(delay));
		if (strcmp(disp, cases[i].display) != 0 ||
		    strcmp(delay, cases[i].delay) != 0)
			fail_msg("%lld/%lld: got \"%s\" \"%s\"",
			    (long long)cases[i].travel,
			    (long long)cases[i].freeflow, disp, delay);
	}
}

/*
 * Seconds with a fraction are rounded once, to minutes: 149.9996 s is
 * 2.49999 min (2), not 150 s (3); the delay over 120 s is 0.49999 min
 * (none), not 30 s (+1).
 */
static void
test_info_travel_rounds_fractional_seconds_once(void **state)
{
	static const struct {
		double travel, freeflow;
		const char *display, *delay;
	} cases[] = {
		{ 149.9996, 120, "2 min", "" },
		{ 150, 120, "3 min", "+1" },
		{ 89.9999, -1, "1 min", "" },
		{ 629.9995, 600, "10 min", "" },
		{ 630.0004, 599.9996, "11 min", "+1" },
	};
	struct park_rules r = rules(PARK_NO_TIME);

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct info_item it = travel(0, -1);
		char disp[16], delay[16];

		it.travel_s = cases[i].travel;
		it.freeflow_s = cases[i].freeflow;
		info_travel_text(
		    &it, &r, disp, sizeof(disp), delay, sizeof(delay));
		if (strcmp(disp, cases[i].display) != 0 ||
		    strcmp(delay, cases[i].delay) != 0)
			fail_msg("%.4f/%.4f s: got \"%s\" \"%s\"",
			    cases[i].travel, cases[i].freeflow, disp, delay);
	}
}

static void
test_info_travel_error_or_missing_time_shows_dashes(void **state)
{
	struct park_rules r = rules(PARK_NO_TIME);
	struct info_item it = travel(600000, 540000);
	char disp[16], delay[16];

	(void)state;
	it.error = 1;
	info_travel_text(&it, &r, disp, sizeof(disp), delay, sizeof(delay));
	assert_string_equal(disp, "---");
	assert_string_equal(delay, "");
	it = travel(INFO_NO_DURATION, 540000);
	info_travel_text(&it, &r, disp, sizeof(disp), delay, sizeof(delay));
	assert_string_equal(disp, "---");
	assert_string_equal(delay, "");
}

static void
test_info_travel_stale_or_future_data_shows_dashes(void **state)
{
	struct park_rules r = rules(PARK_NO_TIME);
	struct info_item it = travel(600000, 540000);
	int m, d;

	(void)state;
	it.time_ms = NOW - 30 * MIN; /* exactly the limit: still fresh */
	assert_int_equal(info_travel(&it, &r, &m, &d), 1);
	it.time_ms = NOW - 30 * MIN - 1;
	assert_int_equal(info_travel(&it, &r, &m, &d), 0);
	assert_int_equal(m, 0);
	it.time_ms = NOW + 10 * MIN; /* clocks differ a little */
	assert_int_equal(info_travel(&it, &r, &m, &d), 1);
	it.time_ms = NOW + 10 * MIN + 1;
	assert_int_equal(info_travel(&it, &r, &m, &d), 0);
	it.time_ms = PARK_BAD_TIME;
	assert_int_equal(info_travel(&it, &r, &m, &d), 0);
	/* No record time: the document's time decides. */
	it.time_ms = PARK_NO_TIME;
	r = rules(NOW - HOUR);
	assert_int_equal(info_travel(&it, &r, &m, &d), 0);
	r = rules(NOW - MIN);
	assert_int_equal(info_travel(&it, &r, &m, &d), 1);
	assert_int_equal(m, 10);
	assert_int_equal(d, 1);
}

/* ---- situations ---- */

static struct info_item
situation(int validity, int64_t start, int64_t end)
{
	struct info_item it;

	info_item_init(&it);
	it.validity = validity;
	it.start_ms = start;
	it.end_ms = end;
	return it;
}

static void
test_info_situation_validity_at_its_boundaries(void **state)
{
	static const struct {
		int validity;
		int64_t start, end;
		int shown;
	} cases[] = {
		{ INFO_VALID_NONE, PARK_NO_TIME, PARK_NO_TIME, 1 },
		{ INFO_VALID_NONE, NOW + HOUR, NOW - HOUR, 1 },
		{ INFO_VALID_ACTIVE, NOW + HOUR, NOW - HOUR, 1 },
		{ INFO_VALID_ACTIVE, PARK_NO_TIME, PARK_NO_TIME, 1 },
		{ INFO_VALID_SUSPENDED, NOW - HOUR, NOW + HOUR, 0 },
		{ INFO_VALID_SUSPENDED, PARK_NO_TIME, PARK_NO_TIME, 0 },
		{ INFO_VALID_BY_TIME, NOW, PARK_NO_TIME, 1 }, /* start == now */
		{ INFO_VALID_BY_TIME, NOW + 1, PARK_NO_TIME, 0 },
		{ INFO_VALID_BY_TIME, NOW - HOUR, NOW, 0 }, /* end == now */
		{ INFO_VALID_BY_TIME, NOW - HOUR, NOW + 1, 1 },
		{ INFO_VALID_BY_TIME, NOW, NOW, 0 },
		{ INFO_VALID_BY_TIME, NOW - HOUR, NOW - 1, 0 },
		{ INFO_VALID_BY_TIME, PARK_NO_TIME, NOW + HOUR, 0 },
		{ INFO_VALID_BY_TIME, PARK_NO_TIME, PARK_NO_TIME, 0 },
		{ INFO_VALID_BY_TIME, PARK_BAD_TIME, PARK_NO_TIME, 0 },
		{ INFO_VALID_BY_TIME, NOW - HOUR, PARK_BAD_TIME, 0 },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct info_item it =
		    situation(cases[i].validity, cases[i].start, cases[i].end);

		if (info_situation_shown(&it, NOW) != cases[i].shown)
			fail_msg("case %zu: validity %d, start %lld, end %lld: "
				 "want %d",
			    i, cases[i].validity,
			    (long long)(cases[i].start - NOW),
			    (long long)(cases[i].end - NOW), cases[i].shown);
	}
}

static void
test_info_severity_rank_orders_the_datex_words(void **state)
{
	(void)state;
	assert_int_equal(info_severity_rank("highest"), 5);
	assert_int_equal(info_severity_rank("high"), 4);
	assert_int_equal(info_severity_rank("medium"), 3);
	assert_int_equal(info_severity_rank("low"), 2);
	assert_int_equal(info_severity_rank("lowest"), 1);
	assert_int_equal(info_severity_rank("HIGH"), 4);
	assert_int_equal(info_severity_rank("none"), 0);
	assert_int_equal(info_severity_rank("unknown"), 0);
	assert_int_equal(info_severity_rank(""), 0);
	assert_int_equal(info_severity_rank("_extended"), 0);
	assert_int_equal(info_severity_rank("higher"), 0);
	assert_int_equal(info_severity_rank(" high"), 0);
}

static void
add_situation(struct park_doc *d, const char *id, double version, int64_t time,
    const char *text)
{
	struct info_item it;

	info_item_init(&it);
	snprintf(it.id, sizeof(it.id), "%s", id);
	snprintf(it.text, sizeof(it.text), "%s", text);
	it.version = version;
	it.time_ms = time;
	assert_int_equal(info_add(d, &it), 0);
}

static void
test_info_situations_keep_one_record_per_id(void **state)
{
	struct park_doc d;
	static const char *const want[][2] = {
		{ "V", "ten" },
		{ "T", "later" },
		{ "F", "first" },
		{ "X", "timed" },
		{ "U", "only" },
	};

	(void)state;
	park_doc_init(&d);
	d.kind = INFO_KIND_SITUATION;
	add_situation(&d, "V", 2, NOW, "two");
	add_situation(&d, "T", 3, NOW - HOUR, "earlier");
	add_situation(&d, "F", 5, NOW, "first");
	add_situation(&d, "X", 7, PARK_NO_TIME, "untimed");
	add_situation(&d, "V", 10, NOW - HOUR, "ten");
	add_situation(&d, "T", 3, NOW - MIN, "later");
	add_situation(&d, "U", 1, NOW, "only");
	add_situation(&d, "F", 5, NOW, "second");
	add_situation(&d, "X", 7, NOW, "timed");
	add_situation(&d, "V", 9, NOW, "nine");
	add_situation(&d, "X", 7, PARK_BAD_TIME, "unreadable");
	info_doc_finish(&d);
	assert_int_equal(d.ninfo, N(want));
	for (size_t i = 0; i < N(want); i++) {
		assert_string_equal(d.info[i].id, want[i][0]);
		assert_string_equal(d.info[i].text, want[i][1]);
	}
	assert_non_null(info_find(&d, "T"));
	assert_null(info_find(&d, "nope"));
	park_doc_fini(&d);
}

/* ---- departures ---- */

static struct info_item
departure(int64_t time, int32_t delay, const char *line, const char *to)
{
	struct info_item it;

	info_item_init(&it);
	it.time_ms = time;
	it.delay_min = delay;
	snprintf(it.line, sizeof(it.line), "%s", line);
	snprintf(it.text, sizeof(it.text), "%s", to);
	return it;
}

static void
test_info_departure_dropped_once_time_plus_delay_is_before_now(void **state)
{
	static const struct {
		int64_t time;
		int32_t delay;
		int shown;
	} cases[] = {
		{ NOW, INFO_NO_DELAY, 1 },
		{ NOW - 1, INFO_NO_DELAY, 0 },
		{ NOW - 5 * MIN, 5, 1 },
		{ NOW - 5 * MIN - 1, 5, 0 },
		{ NOW - 5 * MIN, 4, 0 },
		{ NOW, -3, 1 },
		{ NOW - 1, -3, 0 }, /* an early train does not leave later */
		{ NOW + MIN, -3, 1 },
		{ NOW - 1, 0, 0 },
		{ PARK_NO_TIME, INFO_NO_DELAY, 0 },
		{ PARK_NO_TIME, 10, 0 },
		{ INT64_MAX - 1, INT32_MAX, 1 },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct info_item it =
		    departure(cases[i].time, cases[i].delay, "S 1", "Baar");

		if (info_departure_shown(&it, NOW) != cases[i].shown)
			fail_msg("case %zu: want %d", i, cases[i].shown);
	}
}

static void
test_info_departure_time_is_local_and_delay_from_one(void **state)
{
	struct info_item it = departure(NOW + 19 * MIN, 3, "IR 2379", "Z");
	char buf[16];

	(void)state;
	setenv("TZ", "Europe/Zurich", 1);
	tzset();
	info_departure_time(&it, buf, sizeof(buf));
	assert_string_equal(buf, "14:04");
	/* Summer time: 2026-07-01T10:00:00Z is 12:00 in Zurich. */
	it.time_ms = 1782900000000LL;
	info_departure_time(&it, buf, sizeof(buf));
	assert_string_equal(buf, "12:00");
	info_departure_delay(&it, buf, sizeof(buf));
	assert_string_equal(buf, "+3");
	it.delay_min = 1;
	info_departure_delay(&it, buf, sizeof(buf));
	assert_string_equal(buf, "+1");
	it.delay_min = 0;
	info_departure_delay(&it, buf, sizeof(buf));
	assert_string_equal(buf, "");
	it.delay_min = -2;
	info_departure_delay(&it, buf, sizeof(buf));
	assert_string_equal(buf, "");
	it.delay_min = INFO_NO_DELAY;
	info_departure_delay(&it, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void
add_departure(struct park_doc *d, int64_t time, int32_t delay, const char *line,
    const char *to, const char *platform)
{
	struct info_item it = departure(time, delay, line, to);

	snprintf(it.platform, sizeof(it.platform), "%s", platform);
	assert_int_equal(info_add(d, &it), 0);
}

static void
test_info_departures_sorted_stably_and_deduplicated(void **state)
{
	struct park_doc d;
	static const struct {
		int64_t time;
		const char *line, *to, *platform;
		int32_t delay;
	} want[] = {
		{ NOW - 5 * MIN, "S 1", "Baar", "", 8 },
		{ NOW + 19 * MIN, "IR 2379", "Zürich HB", "5", INFO_NO_DELAY },
		{ NOW + 19 * MIN, "IR 2379", "Basel SBB", "", INFO_NO_DELAY },
		{ NOW + 19 * MIN, "IC 2379", "Zürich HB", "", INFO_NO_DELAY },
		{ NOW + 20 * MIN, "S 2", "Zug", "1", 2 },
		{ NOW + 25 * MIN, "IR 2379", "Zürich HB", "", INFO_NO_DELAY },
	};

	(void)state;
	park_doc_init(&d);
	d.kind = INFO_KIND_DEPARTURE;
	add_departure(
	    &d, NOW + 25 * MIN, INFO_NO_DELAY, "IR 2379", "Zürich HB", "");
	add_departure(
	    &d, NOW + 19 * MIN, INFO_NO_DELAY, "IR 2379", "Zürich HB", "5");
	add_departure(&d, NOW + 20 * MIN, 2, "S 2", "Zug", "1");
	add_departure(
	    &d, NOW + 19 * MIN, INFO_NO_DELAY, "IR 2379", "Basel SBB", "");
	add_departure(
	    &d, NOW + 19 * MIN, INFO_NO_DELAY, "IR 2379", "Zürich HB", "6");
	add_departure(&d, NOW - 5 * MIN, INFO_NO_DELAY, "S 1", "Baar", "");
	add_departure(
	    &d, NOW + 19 * MIN, INFO_NO_DELAY, "IC 2379", "Zürich HB", "");
	add_departure(&d, NOW + 20 * MIN, 2, "S 2", "Zug", "2");
	/* The duplicate that is delayed is the one still to leave. */
	add_departure(&d, NOW - 5 * MIN, 8, "S 1", "Baar", "");
	add_departure(&d, NOW + 20 * MIN, 1, "S 2", "Zug", "3");
	add_departure(&d, NOW - 5 * MIN, 3, "S 1", "Baar", "");
	info_doc_finish(&d);
	assert_int_equal(d.ninfo, N(want));
	for (size_t i = 0; i < N(want); i++) {
		const struct info_item *it = &d.info[i];

		if (it->time_ms != want[i].time ||
		    strcmp(it->line, want[i].line) != 0 ||
		    strcmp(it->text, want[i].to) != 0 ||
		    strcmp(it->platform, want[i].platform) != 0 ||
		    it->delay_min != want[i].delay)
			fail_msg("%zu: got %lld %s %s [%s] %d", i,
			    (long long)(it->time_ms - NOW), it->line, it->text,
			    it->platform, (int)it->delay_min);
		assert_true(it->version == 0);
	}
	/* S1 + S3 + S7: the delayed duplicate keeps the train on the board. */
	assert_int_equal(info_departure_shown(&d.info[0], NOW), 1);
	park_doc_fini(&d);
}

static void
test_info_departures_of_one_time_keep_document_order(void **state)
{
	struct park_doc d;
	char to[8];

	(void)state;
	park_doc_init(&d);
	d.kind = INFO_KIND_DEPARTURE;
	/* Enough records that qsort's order would show if it leaked. */
	for (int i = 0; i < 200; i++) {
		snprintf(to, sizeof(to), "%03d", i);
		add_departure(
		    &d, NOW + (i % 2 ? MIN : 0), INFO_NO_DELAY, "S", to, "");
	}
	info_doc_finish(&d);
	assert_int_equal(d.ninfo, 200);
	for (size_t i = 0; i < 200; i++) {
		int want = i < 100 ? (int)(2 * i) : (int)(2 * (i - 100) + 1);

		snprintf(to, sizeof(to), "%03d", want);
		assert_string_equal(d.info[i].text, to);
	}
	park_doc_fini(&d);
}

/* An empty document of each kind (qsort of a NULL array is undefined). */
static void
test_info_doc_finish_takes_empty_documents(void **state)
{
	static const int kinds[] = { INFO_KIND_PARK, INFO_KIND_TRAVEL,
		INFO_KIND_SITUATION, INFO_KIND_DEPARTURE };

	(void)state;
	for (size_t i = 0; i < N(kinds); i++) {
		struct park_doc d;

		park_doc_init(&d);
		d.kind = kinds[i];
		assert_null(d.info);
		info_doc_finish(&d);
		assert_int_equal(d.ninfo, 0);
		park_doc_fini(&d);
	}
}

static void
test_info_add_refuses_more_than_the_cap(void **state)
{
	struct park_doc d;
	struct info_item it;

	(void)state;
	park_doc_init(&d);
	d.kind = INFO_KIND_SITUATION;
	info_item_init(&it);
	for (int i = 0; i < INFO_MAX_ITEMS; i++) {
		snprintf(it.id, sizeof(it.id), "r%d", i);
		assert_int_equal(info_add(&d, &it), 0);
	}
	assert_int_equal(info_add(&d, &it), -1);
	assert_int_equal(d.ninfo, INFO_MAX_ITEMS);
	info_doc_finish(&d);
	assert_int_equal(d.ninfo, INFO_MAX_ITEMS);
	park_doc_fini(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_info_travel_minutes_round_half_up_and_are_at_least_one),
		cmocka_unit_test(
		    test_info_travel_delay_rounds_and_shows_from_one_minute),
		cmocka_unit_test(
		    test_info_travel_rounds_fractional_seconds_once),
		cmocka_unit_test(
		    test_info_travel_error_or_missing_time_shows_dashes),
		cmocka_unit_test(
		    test_info_travel_stale_or_future_data_shows_dashes),
		cmocka_unit_test(
		    test_info_situation_validity_at_its_boundaries),
		cmocka_unit_test(
		    test_info_severity_rank_orders_the_datex_words),
		cmocka_unit_test(test_info_situations_keep_one_record_per_id),
		cmocka_unit_test(
		    test_info_departure_dropped_once_time_plus_delay_is_before_now),
		cmocka_unit_test(
		    test_info_departure_time_is_local_and_delay_from_one),
		cmocka_unit_test(
		    test_info_departures_sorted_stably_and_deduplicated),
		cmocka_unit_test(
		    test_info_departures_of_one_time_keep_document_order),
		cmocka_unit_test(test_info_doc_finish_takes_empty_documents),
		cmocka_unit_test(test_info_add_refuses_more_than_the_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
