/* test_msgsched: which message each zone shows, and when that changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "msgsched.h"

#define NOW 1000000

static struct msg
mk(const char *id, int prio, const char *zone, int64_t start, int64_t end,
    int64_t created)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	snprintf(m.id, sizeof(m.id), "%s", id);
	snprintf(m.zone, sizeof(m.zone), "%s", zone);
	m.priority = prio;
	m.start_ms = start;
	m.end_ms = end;
	m.created_ms = created;
	return m;
}

static void
test_msgsched_highest_priority_wins_then_newest(void **state)
{
	struct msg v[] = {
		mk("a", 50, "ticker", 0, 0, 10),
		mk("b", 80, "ticker", 0, 0, 5),
		mk("c", 80, "ticker", 0, 0, 20),
		mk("d", 200, "other", 0, 0, 30),
	};

	(void)state;
	assert_string_equal(
	    msgsched_pick(v, 4, "ticker", "ticker", 255, NOW)->id, "c");
	assert_string_equal(
	    msgsched_pick(v, 4, "other", "ticker", 255, NOW)->id, "d");
	assert_null(msgsched_pick(v, 4, MSGSCHED_BOARD, "ticker", 255, NOW));
}

static void
test_msgsched_respects_start_and_end(void **state)
{
	struct msg v[] = {
		mk("later", 90, "", NOW + 5000, 0, 1),
		mk("over", 90, "", 0, NOW, 2),
		mk("now", 10, "", NOW - 1, NOW + 10000, 3),
	};

	(void)state;
	assert_string_equal(msgsched_pick(v, 3, "t", "t", 255, NOW)->id, "now");
	assert_string_equal(
	    msgsched_pick(v, 3, "t", "t", 255, NOW + 5000)->id, "later");
	/* Ends exactly at end: the zone falls back by itself. */
	assert_false(msgsched_active(&v[2], NOW + 10000));
	assert_int_equal(msgsched_next_change(v, 3, NOW), 5000);
	assert_int_equal(msgsched_next_change(v, 3, NOW + 5000), 5000);
	assert_true(msgsched_next_change(v, 3, NOW + 10000) == INT64_MAX);
}

static void
test_msgsched_default_zone_for_messages_without_one(void **state)
{
	struct msg v[] = { mk("x", 10, "", 0, 0, 1) };

	(void)state;
	assert_non_null(msgsched_pick(v, 1, "main", "main", 255, NOW));
	assert_null(msgsched_pick(v, 1, "ticker", "main", 255, NOW));
}

static void
test_msgsched_emergency_takes_the_whole_board(void **state)
{
	struct msg v[] = {
		mk("normal", 100, "ticker", 0, 0, 1),
		mk("tunnel", 255, "ticker", 0, 0, 2),
	};

	(void)state;
	assert_string_equal(msgsched_emergency(v, 2, 255, NOW)->id, "tunnel");
	assert_string_equal(
	    msgsched_pick(v, 2, MSGSCHED_BOARD, "ticker", 255, NOW)->id,
	    "tunnel");
	/* A configured lower emergency level counts too. */
	assert_string_equal(msgsched_emergency(v, 2, 100, NOW)->id, "tunnel");
	v[1].end_ms = NOW;
	assert_null(msgsched_emergency(v, 2, 255, NOW));
}

static void
test_msgsched_list_for_a_ticker_best_first(void **state)
{
	struct msg v[] = {
		mk("a", 50, "ticker", 0, 0, 10),
		mk("b", 80, "ticker", 0, 0, 5),
		mk("c", 80, "", 0, 0, 20), /* default zone: ticker */
		mk("d", 200, "other", 0, 0, 30),
		mk("e", 90, "ticker", NOW + 1, 0, 40), /* not yet */
		mk("f", 10, "ticker", 0, 0, 50),
	};
	const struct msg *out[4];

	(void)state;
	assert_int_equal(
	    msgsched_list(v, 6, "ticker", "ticker", NOW, out, 4), 4);
	assert_string_equal(out[0]->id, "c");
	assert_string_equal(out[1]->id, "b");
	assert_string_equal(out[2]->id, "a");
	assert_string_equal(out[3]->id, "f");
	/* Only the best fit: the worst falls off whatever the order. */
	assert_int_equal(
	    msgsched_list(v, 6, "ticker", "ticker", NOW, out, 2), 2);
	assert_string_equal(out[0]->id, "c");
	assert_string_equal(out[1]->id, "b");
	assert_int_equal(
	    msgsched_list(v, 6, "nowhere", "ticker", NOW, out, 4), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_msgsched_highest_priority_wins_then_newest),
		cmocka_unit_test(test_msgsched_respects_start_and_end),
		cmocka_unit_test(test_msgsched_list_for_a_ticker_best_first),
		cmocka_unit_test(
		    test_msgsched_default_zone_for_messages_without_one),
		cmocka_unit_test(test_msgsched_emergency_takes_the_whole_board),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
