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
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
