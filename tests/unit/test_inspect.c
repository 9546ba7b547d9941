/*
 * test_inspect: the command line's checks before any document is read
 * (the documents themselves are the feed fixtures' business,
 * tests/feeds/run.py): an unknown format and a table given to a format
 * that has none are usage errors (2), said on errf, with nothing on out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

/* inspect_run on a; its exit status, with out and errf into buffers. */
static int
run(const struct inspect_args *a, char *out, size_t outlen, char *err,
    size_t errlen)
{
	FILE *o = fmemopen(out, outlen, "w"), *e = fmemopen(err, errlen, "w");
	int r;

	assert_non_null(o);
	assert_non_null(e);
	memset(out, 0, outlen);
	memset(err, 0, errlen);
	r = inspect_run(a, o, e);
	fclose(o);
	fclose(e);
	return r;
}

static void
test_inspect_table_only_for_datex2_parking(void **state)
{
	static const char *const formats[] = { "datex2-situation",
		"datex2-traveltime", "pls-rss", "stationboard",
		"datex2-parking-table" };
	struct inspect_args a;
	char out[256], err[256];

	(void)state;
	memset(&a, 0, sizeof(a));
	/* The files need not exist: nothing is read. */
	a.path = "/nonexistent/doc.xml";
	a.table = "/nonexistent/table.xml";
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		a.format = formats[i];
		assert_int_equal(
		    run(&a, out, sizeof(out), err, sizeof(err)), 2);
		assert_string_equal(
		    err, "inspect: --table applies to datex2-parking only\n");
		assert_string_equal(out, "");
	}
	/* With datex2-parking the table is read (and here missing: 1). */
	a.format = "datex2-parking";
	assert_int_equal(run(&a, out, sizeof(out), err, sizeof(err)), 1);
	assert_non_null(strstr(err, "table.xml"));
}

static void
test_inspect_unknown_format(void **state)
{
	struct inspect_args a;
	char out[256], err[1024];

	(void)state;
	memset(&a, 0, sizeof(a));
	a.format = "datex3";
	a.path = "/nonexistent/doc.xml";
	assert_int_equal(run(&a, out, sizeof(out), err, sizeof(err)), 2);
	assert_non_null(strstr(err, "unknown format \"datex3\""));
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inspect_table_only_for_datex2_parking),
		cmocka_unit_test(test_inspect_unknown_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
