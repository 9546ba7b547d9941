/* test_util: time parsing, bounded copies, capped reads, error lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static void
test_util_iso8601_zulu_and_offsets(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(util_parse_iso8601("2026-11-29T08:15:00Z", &t), 0);
	assert_int_equal(t, 1795940100000LL);
	assert_int_equal(
	    util_parse_iso8601("2026-11-29T09:15:00+01:00", &t), 0);
	assert_int_equal(t, 1795940100000LL);
	assert_int_equal(util_parse_iso8601("2026-11-29T09:15:00+0100", &t), 0);
	assert_int_equal(t, 1795940100000LL);
	assert_int_equal(
	    util_parse_iso8601("2026-11-29 07:15:00-01:00", &t), 0);
	assert_int_equal(t, 1795940100000LL);
}

static void
test_util_iso8601_fractions_of_any_length(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(
	    util_parse_iso8601("2026-11-29T08:15:00.123456789Z", &t), 0);
	assert_int_equal(t, 1795940100123LL);
	assert_int_equal(util_parse_iso8601("2026-11-29T08:15:00.5Z", &t), 0);
	assert_int_equal(t, 1795940100500LL);
}

static void
test_util_iso8601_local_time_uses_tz(void **state)
{
	int64_t t;

	(void)state;
	setenv("TZ", "Europe/Zurich", 1);
	tzset();
	assert_int_equal(util_parse_iso8601("2026-11-29T09:15:00", &t), 0);
	assert_int_equal(t, 1795940100000LL);
	/* Summer time: UTC+2. */
	assert_int_equal(util_parse_iso8601("2026-07-01T12:00:00", &t), 0);
	assert_int_equal(t, 1782900000000LL);
}

static void
test_util_iso8601_rejects_garbage(void **state)
{
	static const char *const bad[] = {
		"",
		"2026",
		"2026-11-29",
		"2026-11-29T",
		"2026-11-29T08:15:00Zx",
		"2026-11-29T08:15:00+1",
		"2026-11-29T08:15:00.Z",
		"2026-13-29T08:15:00Z",
		"29.11.2026 08:15",
		"2026-11-29T08:15:00+25:00",
	};
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (util_parse_iso8601(bad[i], &t) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
}

static void
test_util_strlcpy_reports_truncation(void **state)
{
	char buf[4];

	(void)state;
	assert_int_equal(util_strlcpy(buf, "abc", sizeof(buf)), 0);
	assert_string_equal(buf, "abc");
	assert_int_equal(util_strlcpy(buf, "abcd", sizeof(buf)), -1);
	assert_string_equal(buf, "abc");
}

static void
test_util_read_file_caps_size(void **state)
{
	char path[] = "/tmp/tafel-test-XXXXXX", err[256];
	size_t len;
	char *buf;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	buf = util_read_file(path, 10, &len, err, sizeof(err));
	assert_non_null(buf);
	assert_int_equal(len, 10);
	assert_string_equal(buf, "0123456789");
	free(buf);
	buf = util_read_file(path, 9, &len, err, sizeof(err));
	assert_null(buf);
	assert_non_null(strstr(err, "limit"));
	unlink(path);
	buf = util_read_file(path, 9, &len, err, sizeof(err));
	assert_null(buf);
	assert_non_null(strstr(err, path));
}

static void
test_util_write_atomic_replaces_file(void **state)
{
	char path[] = "/tmp/tafel-test-XXXXXX", err[256];
	size_t len;
	char *buf;
	int fd = mkstemp(path);

	(void)state;
	close(fd);
	assert_int_equal(
	    util_write_file_atomic(path, "new", 3, err, sizeof(err)), 0);
	buf = util_read_file(path, 100, &len, err, sizeof(err));
	assert_non_null(buf);
	assert_string_equal(buf, "new");
	free(buf);
	unlink(path);
	assert_int_equal(util_write_file_atomic(
			     "/nonexistent/dir/x", "a", 1, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "/nonexistent/dir/x"));
}

static void
test_util_paths(void **state)
{
	char out[64];

	(void)state;
	util_dirname("a/b/c.json", out, sizeof(out));
	assert_string_equal(out, "a/b");
	util_dirname("c.json", out, sizeof(out));
	assert_string_equal(out, ".");
	util_dirname("/c.json", out, sizeof(out));
	assert_string_equal(out, "/");
	assert_int_equal(util_path_join(out, sizeof(out), "a", "b"), 0);
	assert_string_equal(out, "a/b");
	assert_int_equal(util_path_join(out, sizeof(out), "a", "/abs"), 0);
	assert_string_equal(out, "/abs");
	assert_int_equal(util_path_join(out, 4, "abc", "def"), -1);
}

static void
test_util_errs_count_beyond_capacity(void **state)
{
	struct util_errs *e = calloc(1, sizeof(*e));

	(void)state;
	for (int i = 0; i < UTIL_ERRS_MAX + 5; i++)
		util_errs_add(e, "error %d", i);
	assert_int_equal(e->n, UTIL_ERRS_MAX);
	assert_int_equal(e->dropped, 5);
	assert_int_equal(util_errs_count(e), UTIL_ERRS_MAX + 5);
	assert_string_equal(e->msg[3], "error 3");
	free(e);
}

static void
test_util_buf_printf_grows_and_stays_terminated(void **state)
{
	struct util_buf b = { NULL, 0, 0 };
	char big[3000];

	(void)state;
	util_buf_printf(&b, "%s=%d\n", "a", 1);
	assert_non_null(b.p);
	assert_string_equal(b.p, "a=1\n");
	assert_int_equal(b.len, 4);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	util_buf_printf(&b, "%s", big); /* past the first 1024 bytes */
	assert_int_equal(b.len, 4 + sizeof(big) - 1);
	assert_true(b.cap > b.len);
	assert_int_equal(b.p[b.len], '\0');
	assert_memory_equal(b.p, "a=1\nxxx", 7);
	assert_int_equal(b.p[b.len - 1], 'x');
	free(b.p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_util_buf_printf_grows_and_stays_terminated),
		cmocka_unit_test(test_util_iso8601_zulu_and_offsets),
		cmocka_unit_test(test_util_iso8601_fractions_of_any_length),
		cmocka_unit_test(test_util_iso8601_local_time_uses_tz),
		cmocka_unit_test(test_util_iso8601_rejects_garbage),
		cmocka_unit_test(test_util_strlcpy_reports_truncation),
		cmocka_unit_test(test_util_read_file_caps_size),
		cmocka_unit_test(test_util_write_atomic_replaces_file),
		cmocka_unit_test(test_util_paths),
		cmocka_unit_test(test_util_errs_count_beyond_capacity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
