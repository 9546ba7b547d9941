/* test_schema: the table-driven JSON loader and its error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

struct item {
	char label[8];
	int n;
};

struct conf {
	char name[16];
	int count;
	int on;
	int mode;
	uint32_t color;
	struct {
		int depth;
	} sub;
	struct schema_array items;
};

static const char *const modes[] = { "fast", "slow", NULL };

static const struct schema_field item_schema[] = {
	{ "label", SCHEMA_STRING, offsetof(struct item, label), 1, 8, NULL, 1,
	    NULL, NULL, 0, "label" },
	{ "n", SCHEMA_INT, offsetof(struct item, n), 0, 9, "0", 0, NULL, NULL,
	    0, "n" },
	{ NULL },
};

static const struct schema_field sub_schema[] = {
	{ "depth", SCHEMA_INT, 0, 1, 5, "2", 0, NULL, NULL, 0, "depth" },
	{ NULL },
};

static const struct schema_field conf_schema[] = {
	{ "name", SCHEMA_STRING, offsetof(struct conf, name), 1, 16, NULL, 1,
	    NULL, NULL, 0, "name" },
	{ "count", SCHEMA_INT, offsetof(struct conf, count), 5, 86400, "30", 0,
	    NULL, NULL, 0, "count" },
	{ "on", SCHEMA_BOOL, offsetof(struct conf, on), 0, 0, "true", 0, NULL,
	    NULL, 0, "on" },
	{ "mode", SCHEMA_ENUM, offsetof(struct conf, mode), 0, 0, "slow", 0,
	    modes, NULL, 0, "mode" },
	{ "color", SCHEMA_COLOR, offsetof(struct conf, color), 0, 0, "#102030",
	    0, NULL, NULL, 0, "color" },
	{ "sub", SCHEMA_OBJECT, offsetof(struct conf, sub), 0, 0, NULL, 0, NULL,
	    sub_schema, 0, "sub" },
	{ "items", SCHEMA_ARRAY, offsetof(struct conf, items), 0, 3, NULL, 0,
	    NULL, item_schema, sizeof(struct item), "items" },
	{ NULL },
};

/* Load text into c; returns the error list (caller frees). */
static struct util_errs *
load(const char *text, struct conf *c)
{
	struct util_errs *e = calloc(1, sizeof(*e));
	struct json_object *o;

	memset(c, 0, sizeof(*c));
	o = schema_parse_text(text, strlen(text), "t.json", e);
	if (o != NULL)
		schema_load(conf_schema, o, c, "", e);
	json_object_put(o);
	return e;
}

static int
has(const struct util_errs *e, const char *msg)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->msg[i], msg) == 0)
			return 1;
	return 0;
}

static void
dump(const struct util_errs *e)
{
	for (size_t i = 0; i < e->n; i++)
		print_message("  error: %s\n", e->msg[i]);
}

static void
test_schema_applies_defaults(void **state)
{
	struct conf c;
	struct util_errs *e = load("{\"name\": \"x\"}", &c);

	(void)state;
	assert_int_equal(util_errs_count(e), 0);
	assert_string_equal(c.name, "x");
	assert_int_equal(c.count, 30);
	assert_int_equal(c.on, 1);
	assert_int_equal(c.mode, 1);
	assert_int_equal(c.color, 0xff102030u);
	assert_int_equal(c.sub.depth, 2);
	assert_int_equal(c.items.n, 0);
	free(e);
}

static void
test_schema_reads_every_type(void **state)
{
	struct conf c;
	struct util_errs *e = load(
	    "{\"name\":\"abc\",\"count\":60,\"on\":false,\"mode\":\"fast\","
	    "\"color\":\"#ff000080\",\"sub\":{\"depth\":5},"
	    "\"items\":[{\"label\":\"a\",\"n\":1},{\"label\":\"b\"}]}",
	    &c);

	(void)state;
	dump(e);
	assert_int_equal(util_errs_count(e), 0);
	assert_int_equal(c.count, 60);
	assert_int_equal(c.on, 0);
	assert_int_equal(c.mode, 0);
	assert_int_equal(c.color, 0x80ff0000u);
	assert_int_equal(c.sub.depth, 5);
	assert_int_equal(c.items.n, 2);
	assert_string_equal(((struct item *)c.items.v)[1].label, "b");
	assert_int_equal(((struct item *)c.items.v)[0].n, 1);
	schema_free(conf_schema, &c);
	assert_null(c.items.v);
	free(e);
}

static void
test_schema_reports_every_error_with_path(void **state)
{
	struct conf c;
	struct util_errs *e =
	    load("{\"count\":3,\"on\":\"yes\",\"mode\":\"turbo\",\"colour\":1,"
		 "\"color\":\"red\",\"sub\":{\"depth\":9},"
		 "\"items\":[{\"n\":10}]}",
		&c);

	(void)state;
	dump(e);
	assert_true(has(e, "name: required"));
	assert_true(has(e, "count: 3 not in 5..86400"));
	assert_true(has(e, "on: expected boolean, got string"));
	assert_true(has(e, "mode: \"turbo\" is not one of fast, slow"));
	assert_true(has(e, "colour: unknown key"));
	assert_true(has(e,
	    "color: \"red\" is not a colour \"#RRGGBB\" or "
	    "\"#RRGGBBAA\""));
	assert_true(has(e, "sub.depth: 9 not in 1..5"));
	assert_true(has(e, "items[0].label: required"));
	assert_true(has(e, "items[0].n: 10 not in 0..9"));
	assert_int_equal(util_errs_count(e), 9);
	schema_free(conf_schema, &c);
	free(e);
}

static void
test_schema_int_types_are_strict(void **state)
{
	static const char *const bad[] = {
		"{\"name\":\"x\",\"count\":\"60\"}",
		"{\"name\":\"x\",\"count\":60.5}",
		"{\"name\":\"x\",\"count\":null}",
		"{\"name\":\"x\",\"count\":true}",
		"{\"name\":\"x\",\"count\":99999999999999999999}",
	};
	struct conf c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct util_errs *e = load(bad[i], &c);
		if (util_errs_count(e) != 1)
			fail_msg("%s: %zu errors", bad[i], util_errs_count(e));
		free(e);
	}
	/* A float with an integral value is a whole number. */
	struct util_errs *e = load("{\"name\":\"x\",\"count\":60.0}", &c);
	assert_int_equal(util_errs_count(e), 0);
	assert_int_equal(c.count, 60);
	free(e);
}

static void
test_schema_string_too_long_or_empty(void **state)
{
	struct conf c;
	struct util_errs *e = load("{\"name\":\"0123456789abcdefg\"}", &c);

	(void)state;
	assert_true(has(e, "name: longer than 15 bytes"));
	free(e);
	e = load("{\"name\":\"\"}", &c);
	assert_true(has(e, "name: must not be empty"));
	free(e);
}

static void
test_schema_array_bounds(void **state)
{
	struct conf c;
	struct util_errs *e = load(
	    "{\"name\":\"x\",\"items\":[{\"label\":\"a\"},{\"label\":\"a\"},"
	    "{\"label\":\"a\"},{\"label\":\"a\"}]}",
	    &c);

	(void)state;
	assert_true(has(e, "items: 4 elements, not in 0..3"));
	schema_free(conf_schema, &c);
	free(e);
}

static void
test_schema_invalid_json_names_line_and_column(void **state)
{
	struct conf c;
	struct util_errs *e =
	    load("{\n  \"name\": \"x\",\n  \"count\": ,\n}", &c);

	(void)state;
	dump(e);
	assert_int_equal(e->n, 1);
	assert_non_null(strstr(e->msg[0], "t.json:3:"));
	assert_non_null(strstr(e->msg[0], "invalid JSON"));
	free(e);
}

static void
test_schema_rejects_trailing_bytes_and_truncation(void **state)
{
	struct conf c;
	struct util_errs *e = load("{\"name\":\"x\"} {}", &c);
	dump(e);

	(void)state;
	assert_int_equal(e->n, 1);
	/* json-c's strict mode stops at the second document. */
	assert_non_null(strstr(e->msg[0], "t.json:1:14: invalid JSON"));
	free(e);
	e = load("{\"name\":\"x\"", &c);
	assert_int_equal(e->n, 1);
	assert_non_null(strstr(e->msg[0], "ends too early"));
	free(e);
	e = load("{\"name\":'x'}", &c); /* strict mode: no single quotes */
	assert_int_equal(e->n, 1);
	free(e);
}

static void
test_schema_rejects_deep_nesting(void **state)
{
	char deep[200];
	struct conf c;
	struct util_errs *e;

	(void)state;
	memset(deep, 0, sizeof(deep));
	for (int i = 0; i < 40; i++)
		deep[i] = '[';
	for (int i = 40; i < 80; i++)
		deep[i] = ']';
	e = load(deep, &c);
	dump(e);
	assert_int_equal(e->n, 1);
	assert_non_null(strstr(e->msg[0], "invalid JSON"));
	free(e);
}

static void
test_schema_top_level_must_be_object(void **state)
{
	struct conf c;
	struct util_errs *e = load("[1,2]", &c);

	(void)state;
	assert_true(has(e, "(top level): expected object, got array"));
	free(e);
}

static void
test_schema_duplicate_keys_last_wins(void **state)
{
	struct conf c;
	struct util_errs *e = load("{\"name\":\"a\",\"name\":\"b\"}", &c);

	(void)state;
	assert_int_equal(util_errs_count(e), 0);
	assert_string_equal(c.name, "b");
	free(e);
}

static void
test_schema_help_lists_keys_with_bounds(void **state)
{
	char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	(void)state;
	schema_help(conf_schema, "", f);
	fclose(f);
	assert_non_null(strstr(buf, "count"));
	assert_non_null(strstr(buf, "integer 5..86400, default 30"));
	assert_non_null(strstr(buf, "sub.depth"));
	assert_non_null(strstr(buf, "items[].label"));
	assert_non_null(strstr(buf, "one of fast, slow"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_applies_defaults),
		cmocka_unit_test(test_schema_reads_every_type),
		cmocka_unit_test(test_schema_reports_every_error_with_path),
		cmocka_unit_test(test_schema_int_types_are_strict),
		cmocka_unit_test(test_schema_string_too_long_or_empty),
		cmocka_unit_test(test_schema_array_bounds),
		cmocka_unit_test(
		    test_schema_invalid_json_names_line_and_column),
		cmocka_unit_test(
		    test_schema_rejects_trailing_bytes_and_truncation),
		cmocka_unit_test(test_schema_rejects_deep_nesting),
		cmocka_unit_test(test_schema_top_level_must_be_object),
		cmocka_unit_test(test_schema_duplicate_keys_last_wins),
		cmocka_unit_test(test_schema_help_lists_keys_with_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
