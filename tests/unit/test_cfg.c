/* test_cfg: the configuration file, its paths and its cross-checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cfg.h"
#include "fixture.h"

#define LAYOUT_64x32                                                        \
	"{\"width\":64,\"height\":32,\"regions\":[{\"name\":\"a\",\"x\":0," \
	"\"y\":0,\"w\":64,\"h\":32,\"widgets\":[{\"type\":\"text\","        \
	"\"text\":\"x\"}]}]}"

static char *dir;

static int
setup(void **state)
{
	(void)state;
	dir = fixture_dir();
	fixture_write(dir, "l.json", LAYOUT_64x32);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fixture_rmdir(dir);
	return 0;
}

static struct cfg *
load(const char *json, struct util_errs *e)
{
	char path[512];

	memset(e, 0, sizeof(*e));
	fixture_write(dir, "c.json", json);
	snprintf(path, sizeof(path), "%s/c.json", dir);
	return cfg_load(path, e);
}

static void
test_cfg_good_file_with_defaults_and_relative_paths(void **state)
{
	struct util_errs e;
	struct cfg *c = load("{\"layout\":\"l.json\",\"fonts_dir\":\"f\","
			     "\"display\":{\"system\":\"dummy\",\"width\":64,"
			     "\"height\":32,\"snapshot_file\":\"s.png\"}}",
	    &e);
	char want[600];

	(void)state;
	fixture_dump(&e);
	assert_non_null(c);
	snprintf(want, sizeof(want), "%s/l.json", dir);
	assert_string_equal(c->layout_file, want);
	snprintf(want, sizeof(want), "%s/f", dir);
	assert_string_equal(c->fonts_dir, want);
	snprintf(want, sizeof(want), "%s/s.png", dir);
	assert_string_equal(c->display.snapshot_file, want);
	assert_string_equal(c->timezone, "Europe/Zurich");
	assert_string_equal(c->state_dir, "/var/lib/tafel");
	assert_int_equal(c->display.system, CFG_SYSTEM_DUMMY);
	assert_int_equal(c->display.fps, 60);
	assert_int_equal(c->display.pixelformat, CFG_PIXELFORMAT_RGB32);
	assert_non_null(c->layout);
	assert_int_equal(c->layout->width, 64);
	cfg_free(c);
}

static void
test_cfg_reports_all_three_mistakes(void **state)
{
	struct util_errs e;
	struct cfg *c;

	(void)state;
	fixture_write(dir, "bad.json",
	    "{\"width\":64,\"height\":32,\"regions\":[{\"name\":"
	    "\"a\",\"x\":0,\"y\":0,\"w\":64,\"h\":32,\"widgets\":["
	    "{\"type\":\"text\",\"font\":\"nope\"}]}]}");
	c = load("{\"layout\":\"bad.json\",\"timezone\":\"Mars/Olympus\","
		 "\"display\":{\"system\":\"dummy\",\"width\":64,"
		 "\"height\":32,\"fps\":500}}",
	    &e);
	fixture_dump(&e);
	assert_null(c);
	assert_int_equal(util_errs_count(&e), 3);
	assert_true(fixture_has(&e, "c.json: display.fps: 500 not in 1..120"));
	assert_true(fixture_has(&e,
	    "c.json: timezone: unknown time zone "
	    "\"Mars/Olympus\""));
	assert_true(fixture_has(&e,
	    "bad.json: regions[0].widgets[0].font: "
	    "unknown font \"nope\""));
}

static void
test_cfg_layout_must_match_display(void **state)
{
	struct util_errs e;
	struct cfg *c = load("{\"layout\":\"l.json\",\"display\":{"
			     "\"width\":192,\"height\":96}}",
	    &e);

	(void)state;
	assert_null(c);
	assert_true(fixture_has(&e, "layout is 64x32 but display is 192x96"));
}

static void
test_cfg_missing_layout_and_required_key(void **state)
{
	struct util_errs e;
	struct cfg *c = load("{\"display\":{\"width\":64,\"height\":32}}", &e);

	(void)state;
	assert_null(c);
	assert_true(fixture_has(&e, "c.json: layout: required"));
	c = load("{\"layout\":\"gone.json\",\"display\":{\"width\":64,"
		 "\"height\":32}}",
	    &e);
	assert_null(c);
	assert_true(fixture_has(&e, "gone.json: No such file or directory"));
}

static void
test_cfg_table_url_only_for_datex2_parking(void **state)
{
	struct util_errs e;
	struct cfg *c;

	(void)state;
	c = load("{\"layout\":\"l.json\",\"display\":{\"width\":64,"
		 "\"height\":32},\"language\":\"fr\",\"feeds\":[{\"id\":"
		 "\"a\",\"url\":\"http://x/\",\"format\":\"pls-luzern\","
		 "\"table_url\":\"http://x/t\"},{\"id\":\"b\",\"url\":"
		 "\"http://x/\",\"format\":\"datex2-parking\","
		 "\"table_url\":\"ftp://x/t\"}]}",
	    &e);
	fixture_dump(&e);
	assert_null(c);
	assert_int_equal(util_errs_count(&e), 2);
	assert_true(fixture_has(&e,
	    "c.json: feeds[0].table_url: only a datex2-parking feed has a "
	    "table"));
	assert_true(fixture_has(&e,
	    "c.json: feeds[1].table_url: \"ftp://x/t\" is not an http:// "
	    "or https:// URL"));
	c = load("{\"layout\":\"l.json\",\"display\":{\"width\":64,"
		 "\"height\":32},\"language\":\"it\",\"feeds\":[{\"id\":"
		 "\"b\",\"url\":\"http://x/\",\"format\":\"datex2-parking\","
		 "\"table_url\":\"http://x/t\"}]}",
	    &e);
	assert_non_null(c);
	assert_string_equal(cfg_language_name(c->language), "it");
	cfg_free(c);
	c = load("{\"layout\":\"l.json\",\"display\":{\"width\":64,"
		 "\"height\":32},\"language\":\"es\"}",
	    &e);
	assert_null(c);
	assert_true(fixture_has(&e, "c.json: language:"));
}

static void
test_cfg_widget_feed_must_hold_its_kind(void **state)
{
	struct util_errs e;
	struct cfg *c;

	(void)state;
	fixture_write(dir, "t.json",
	    "{\"width\":64,\"height\":32,\"regions\":[{\"name\":"
	    "\"a\",\"x\":0,\"y\":0,\"w\":64,\"h\":32,\"widgets\":["
	    "{\"type\":\"travel\",\"feed\":\"p\",\"items\":[{\"id\":"
	    "\"x\",\"label\":\"X\"}]},{\"type\":\"departures\","
	    "\"feed\":\"s\"}]}]}");
	c = load("{\"layout\":\"t.json\",\"display\":{\"width\":64,"
		 "\"height\":32},\"feeds\":[{\"id\":\"p\",\"url\":"
		 "\"http://x/\",\"format\":\"pls-luzern\"},{\"id\":\"s\","
		 "\"url\":\"http://x/\",\"format\":\"stationboard\"}]}",
	    &e);
	fixture_dump(&e);
	assert_null(c);
	assert_int_equal(util_errs_count(&e), 1);
	assert_true(fixture_has(&e,
	    "t.json: regions[0].widgets[0].feed: \"p\" is a parking feed; "
	    "this widget shows travel time data"));
}

static void
test_cfg_missing_file(void **state)
{
	struct util_errs e;
	struct cfg *c;

	(void)state;
	memset(&e, 0, sizeof(e));
	c = cfg_load("/nonexistent/tafel.json", &e);
	assert_null(c);
	assert_true(fixture_has(&e, "/nonexistent/tafel.json: No such file"));
}

static void
test_cfg_help_mentions_every_section(void **state)
{
	static char buf[131072];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	(void)state;
	cfg_help(f);
	fclose(f);
	assert_non_null(strstr(buf, "display.system"));
	assert_non_null(strstr(buf, "one of dummy, fbdev, drmkms"));
	assert_non_null(strstr(buf, "regions[].widgets[].overflow"));
	assert_non_null(strstr(buf, "regions[].pages[].duration_ms"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_cfg_good_file_with_defaults_and_relative_paths),
		cmocka_unit_test(test_cfg_reports_all_three_mistakes),
		cmocka_unit_test(test_cfg_layout_must_match_display),
		cmocka_unit_test(test_cfg_missing_layout_and_required_key),
		cmocka_unit_test(test_cfg_missing_file),
		cmocka_unit_test(test_cfg_table_url_only_for_datex2_parking),
		cmocka_unit_test(test_cfg_widget_feed_must_hold_its_kind),
		cmocka_unit_test(test_cfg_help_mentions_every_section),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
