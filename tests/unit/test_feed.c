/* test_feed: the retry schedule of failing feeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "feed.h"

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
