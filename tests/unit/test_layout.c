/* test_layout: layout loading and the checks beyond the schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "layout.h"
#include "fixture.h"

static char *dir;

static int
setup(void **state)
{
	(void)state;
	dir = fixture_dir();
	fixture_write(dir, "extra.bdf", "not checked here\n");
	fixture_write(dir, "logo.png", "not checked here\n");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fixture_rmdir(dir);
	return 0;
}

static struct layout *
load(const char *json, struct util_errs *e)
{
	char path[512];

	memset(e, 0, sizeof(*e));
	fixture_write(dir, "l.json", json);
	snprintf(path, sizeof(path), "%s/l.json", dir);
	return layout_load(path, "/fonts", e);
}

static void
test_layout_loads_regions_widgets_and_pages(void **state)
{
	struct util_errs e;
	struct layout *l = load(
	    "{\"width\":64,\"height\":32,\"regions\":["
	    "{\"name\":\"a\",\"x\":0,\"y\":0,\"w\":64,\"h\":16,"
	    "\"widgets\":[{\"type\":\"text\",\"text\":\"Hi\","
	    "\"align\":\"right\",\"color\":\"#00FF00\"}]},"
	    "{\"name\":\"b\",\"x\":0,\"y\":16,\"w\":64,\"h\":16,\"pages\":["
	    "{\"duration_ms\":1000,\"widgets\":[{\"type\":\"clock\"}]},"
	    "{\"widgets\":[{\"type\":\"image\",\"file\":\"logo.png\"}]}]}]}",
	    &e);
	const struct layout_region *r;
	const struct layout_widget *w;
	size_t n;

	(void)state;
	fixture_dump(&e);
	assert_non_null(l);
	assert_int_equal(l->regions.n, 2);
	r = l->regions.v;
	w = layout_region_widgets(&r[0], 0, &n);
	assert_int_equal(n, 1);
	assert_string_equal(w->text, "Hi");
	assert_int_equal(w->align, LAYOUT_ALIGN_RIGHT);
	assert_int_equal(w->color, 0xff00ff00u);
	assert_string_equal(w->font, "medium");
	w = layout_region_widgets(&r[1], 0, &n);
	assert_int_equal(w->type, LAYOUT_WIDGET_CLOCK);
	assert_string_equal(w->format, "%H:%M");
	w = layout_region_widgets(&r[1], 1, &n);
	assert_int_equal(w->type, LAYOUT_WIDGET_IMAGE);
	assert_non_null(strstr(w->image, "/logo.png"));
	assert_int_equal(
	    ((struct layout_page *)r[1].pages.v)[1].duration_ms, 5000);
	/* Built-in fonts are found in fonts_dir. */
	assert_string_equal(
	    layout_font_find(l, "large")->file, "/fonts/tafel-large.bdf");
	layout_free(l);
}

static void
test_layout_errors_name_file_and_path(void **state)
{
	struct util_errs e;
	struct layout *l =
	    load("{\"width\":64,\"height\":32,\"regions\":["
		 "{\"name\":\"a\",\"x\":0,\"y\":0,\"w\":70,\"h\":16,"
		 "\"widgets\":[{\"type\":\"text\",\"font\":\"nope\"}]},"
		 "{\"name\":\"a\",\"x\":0,\"y\":16,\"w\":64,\"h\":16,"
		 "\"widgets\":[{\"type\":\"text\",\"x\":60,\"w\":10}]}]}",
		&e);

	(void)state;
	fixture_dump(&e);
	assert_null(l);
	assert_true(fixture_has(&e,
	    "l.json: regions[0]: region \"a\" 0,0 "
	    "70x16 outside the board (64x32)"));
	assert_true(fixture_has(&e,
	    "l.json: regions[0].widgets[0].font: "
	    "unknown font \"nope\""));
	assert_true(fixture_has(&e,
	    "l.json: regions[1].name: \"a\" already "
	    "used by regions[0]"));
	assert_true(fixture_has(&e,
	    "l.json: regions[1].widgets[0]: widget "
	    "60,0 10x16 outside its region"));
	assert_int_equal(util_errs_count(&e), 4);
}

static void
test_layout_needs_widgets_or_pages(void **state)
{
	struct util_errs e;
	struct layout *l = load("{\"width\":64,\"height\":32,\"regions\":["
				"{\"name\":\"a\",\"x\":0,\"y\":0,\"w\":8,"
				"\"h\":8}]}",
	    &e);

	(void)state;
	assert_null(l);
	assert_true(
	    fixture_has(&e, "regions[0]: give either widgets or pages"));
}

static void
test_layout_image_must_exist(void **state)
{
	struct util_errs e;
	struct layout *l =
	    load("{\"width\":64,\"height\":32,\"regions\":["
		 "{\"name\":\"a\",\"x\":0,\"y\":0,\"w\":8,\"h\":8,\"widgets\":["
		 "{\"type\":\"image\",\"file\":\"missing.png\"},"
		 "{\"type\":\"image\"}]}]}",
		&e);

	(void)state;
	fixture_dump(&e);
	assert_null(l);
	assert_true(fixture_has(&e, "regions[0].widgets[0].file: cannot read"));
	assert_true(fixture_has(&e,
	    "regions[0].widgets[1].file: required for "
	    "an image widget"));
}

static void
test_layout_extra_fonts_resolve_and_override(void **state)
{
	struct util_errs e;
	struct layout *l =
	    load("{\"width\":64,\"height\":32,\"fonts\":["
		 "{\"name\":\"small\",\"file\":\"extra.bdf\",\"size\":12},"
		 "{\"name\":\"x\",\"file\":\"nothere.bdf\",\"size\":12}],"
		 "\"regions\":[{\"name\":\"a\",\"x\":0,\"y\":0,\"w\":8,\"h\":8,"
		 "\"widgets\":[{\"type\":\"text\",\"font\":\"x\"}]}]}",
		&e);

	(void)state;
	assert_null(l);
	assert_true(
	    fixture_has(&e, "fonts[1].file: cannot read \"nothere.bdf\""));
	assert_int_equal(util_errs_count(&e), 1);

	l = load("{\"width\":64,\"height\":32,\"fonts\":["
		 "{\"name\":\"small\",\"file\":\"extra.bdf\",\"size\":12}],"
		 "\"regions\":[{\"name\":\"a\",\"x\":0,\"y\":0,\"w\":8,\"h\":8,"
		 "\"widgets\":[{\"type\":\"text\",\"font\":\"small\"}]}]}",
	    &e);
	assert_non_null(l);
	assert_non_null(
	    strstr(layout_font_find(l, "small")->file, "/extra.bdf"));
	assert_int_equal(layout_font_find(l, "small")->size, 12);
	assert_non_null(layout_font_find(l, "medium"));
	layout_free(l);
}

static void
test_layout_missing_file_and_bad_json(void **state)
{
	struct util_errs e;
	struct layout *l;

	(void)state;
	memset(&e, 0, sizeof(e));
	l = layout_load("/nonexistent/l.json", "/fonts", &e);
	assert_null(l);
	assert_true(fixture_has(&e, "/nonexistent/l.json: No such file"));
	l = load("{\"width\":64,\n\"height\":}", &e);
	assert_null(l);
	assert_true(fixture_has(&e, "l.json:2:10: invalid JSON"));
}

static void
test_layout_traffic_widgets_load(void **state)
{
	struct util_errs e;
	struct layout *l =
	    load("{\"width\":192,\"height\":96,\"regions\":["
		 "{\"name\":\"t\",\"x\":0,\"y\":0,\"w\":192,\"h\":40,"
		 "\"widgets\":[{\"type\":\"travel\",\"feed\":\"tt\","
		 "\"items\":[{\"id\":\"L1\",\"label\":\"Zentrum\"}],"
		 "\"delayed\":3,\"heavy\":10,"
		 "\"delay_colors\":{\"heavy\":\"#FF0000\"}}]},"
		 "{\"name\":\"k\",\"zone\":\"ticker\",\"x\":0,\"y\":40,"
		 "\"w\":192,\"h\":16,\"widgets\":[{\"type\":\"ticker\","
		 "\"feed\":\"sit\",\"empty_text\":\"Keine Meldungen\","
		 "\"severity_colors\":{\"highest\":\"#FF00FF\"}}]},"
		 "{\"name\":\"d\",\"x\":0,\"y\":56,\"w\":192,\"h\":40,"
		 "\"widgets\":[{\"type\":\"departures\",\"feed\":\"sb\","
		 "\"time_w\":30}]}]}",
		&e);
	const struct layout_region *r;
	const struct layout_widget *w;
	size_t n;

	(void)state;
	fixture_dump(&e);
	assert_non_null(l);
	r = l->regions.v;
	w = layout_region_widgets(&r[0], 0, &n);
	assert_int_equal(w->type, LAYOUT_WIDGET_TRAVEL);
	assert_int_equal(w->delayed, 3);
	assert_int_equal(w->heavy, 10);
	assert_int_equal(w->delay_colors.heavy, 0xffff0000u);
	assert_int_equal(w->delay_colors.normal, 0xff3cff3cu); /* default */
	assert_string_equal(w->words.nodata, "---");
	assert_false(layout_region_has_ticker(&r[0]));
	w = layout_region_widgets(&r[1], 0, &n);
	assert_int_equal(w->type, LAYOUT_WIDGET_TICKER);
	assert_string_equal(w->empty_text, "Keine Meldungen");
	assert_string_equal(w->separator, "+++");
	assert_int_equal(w->first_priority, 128);
	assert_int_equal(w->severity_colors.highest, 0xffff00ffu);
	assert_true(layout_region_has_ticker(&r[1]));
	w = layout_region_widgets(&r[2], 0, &n);
	assert_int_equal(w->type, LAYOUT_WIDGET_DEPARTURES);
	assert_int_equal(w->time_w, 30);
	assert_int_equal(w->page_ms, 5000);
	layout_free(l);
}

static void
test_layout_traffic_widget_errors_name_the_path(void **state)
{
	struct util_errs e;
	struct layout *l =
	    load("{\"width\":192,\"height\":96,\"regions\":["
		 "{\"name\":\"t\",\"x\":0,\"y\":0,\"w\":192,\"h\":40,"
		 "\"widgets\":[{\"type\":\"travel\",\"delayed\":10,"
		 "\"heavy\":5,\"font\":\"nope\"},"
		 "{\"type\":\"departures\",\"feed\":\"sb\","
		 "\"items\":[{\"id\":\"x\"}],\"overflow\":\"scroll\"}]},"
		 "{\"name\":\"k\",\"x\":0,\"y\":40,\"w\":192,\"h\":16,"
		 "\"pages\":[{\"widgets\":[{\"type\":\"ticker\","
		 "\"first_priority\":0}]}]}]}",
		&e);

	(void)state;
	fixture_dump(&e);
	assert_null(l);
	/* The schema's own range check names the key. */
	assert_true(fixture_has(&e,
	    "l.json: regions[1].pages[0].widgets[0].first_priority: 0 not "
	    "in 1..255"));
	assert_int_equal(util_errs_count(&e), 1);

	l = load("{\"width\":192,\"height\":96,\"regions\":["
		 "{\"name\":\"t\",\"x\":0,\"y\":0,\"w\":192,\"h\":40,"
		 "\"widgets\":[{\"type\":\"travel\",\"delayed\":10,"
		 "\"heavy\":5,\"font\":\"nope\"},"
		 "{\"type\":\"departures\",\"feed\":\"sb\","
		 "\"items\":[{\"id\":\"x\"}],\"overflow\":\"scroll\"}]},"
		 "{\"name\":\"k\",\"x\":0,\"y\":40,\"w\":192,\"h\":16,"
		 "\"pages\":[{\"widgets\":[{\"type\":\"ticker\","
		 "\"delay_colors\":{\"late\":\"#FF0000\"}}]}]}]}",
	    &e);
	fixture_dump(&e);
	assert_null(l);
	assert_true(fixture_has(&e,
	    "regions[1].pages[0].widgets[0].delay_colors.late: unknown key"));
	assert_int_equal(util_errs_count(&e), 1);

	l = load("{\"width\":192,\"height\":96,\"regions\":["
		 "{\"name\":\"t\",\"x\":0,\"y\":0,\"w\":192,\"h\":40,"
		 "\"widgets\":[{\"type\":\"travel\",\"delayed\":10,"
		 "\"heavy\":5,\"font\":\"nope\"},"
		 "{\"type\":\"departures\",\"feed\":\"sb\","
		 "\"items\":[{\"id\":\"x\"}],\"overflow\":\"scroll\"}]},"
		 "{\"name\":\"k\",\"x\":0,\"y\":40,\"w\":192,\"h\":16,"
		 "\"pages\":[{\"widgets\":[{\"type\":\"ticker\"}]}]}]}",
	    &e);
	fixture_dump(&e);
	assert_null(l);
	assert_true(fixture_has(
	    &e, "l.json: regions[0].widgets[0].font: unknown font \"nope\""));
	assert_true(fixture_has(&e,
	    "l.json: regions[0].widgets[0].feed: required for a travel "
	    "widget"));
	assert_true(fixture_has(&e,
	    "l.json: regions[0].widgets[0].items: required for a travel "
	    "widget"));
	assert_true(fixture_has(&e,
	    "l.json: regions[0].widgets[0].heavy: 5 is less than delayed 10"));
	assert_true(fixture_has(&e,
	    "l.json: regions[0].widgets[1].items: not for a departures "
	    "widget"));
	assert_true(fixture_has(&e,
	    "l.json: regions[0].widgets[1].overflow: a departures widget "
	    "clips"));
	/* A ticker without a feed runs operator messages only. */
	assert_int_equal(util_errs_count(&e), 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_loads_regions_widgets_and_pages),
		cmocka_unit_test(test_layout_errors_name_file_and_path),
		cmocka_unit_test(test_layout_needs_widgets_or_pages),
		cmocka_unit_test(test_layout_image_must_exist),
		cmocka_unit_test(test_layout_extra_fonts_resolve_and_override),
		cmocka_unit_test(test_layout_missing_file_and_bad_json),
		cmocka_unit_test(test_layout_traffic_widgets_load),
		cmocka_unit_test(
		    test_layout_traffic_widget_errors_name_the_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
