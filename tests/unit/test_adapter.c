/*
 * test_adapter: the document-level rules of adapter_parse (rule 13: BOM,
 * strict parsing, trailing bytes, truncation, depth, API error objects)
 * on in-memory documents, the field mappings that tafeld inspect cannot
 * show (state, trend, times, configured field names), and inspect_run's
 * output and exit codes.  The golden documents live in tests/feeds/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapter.h"
#include "inspect.h"
#include "park.h"
#include "util.h"
#include "fixture.h"

/* 2026-01-08T12:40:00Z */
#define T_1240Z 1767876000000LL

static char err[256];

static int
parse(const char *fmt, const char *text, const struct adapter_opts *o,
    struct park_doc *doc)
{
	const struct adapter *a = adapter_find(fmt);

	assert_non_null(a);
	err[0] = '\0';
	return adapter_parse(a, text, strlen(text), o, doc, err, sizeof(err));
}

/* Parse text that must be accepted, into doc (caller finis). */
static void
parse_ok(const char *fmt, const char *text, const struct adapter_opts *o,
    struct park_doc *doc)
{
	park_doc_init(doc);
	if (parse(fmt, text, o, doc) != 0)
		fail_msg("rejected: %s", err);
}

/* Parse text that must be rejected with a reason containing want. */
static void
parse_bad(const char *fmt, const char *text, size_t len, const char *want)
{
	struct park_item it;
	struct park_doc doc;
	int r;

	/* A doc that already holds an item must come back empty. */
	park_doc_init(&doc);
	memset(&it, 0, sizeof(it));
	snprintf(it.id, sizeof(it.id), "old");
	it.free = it.total = PARK_NO_COUNT;
	it.time_ms = PARK_NO_TIME;
	assert_int_equal(park_doc_add(&doc, &it), 0);
	err[0] = '\0';
	r = adapter_parse(
	    adapter_find(fmt), text, len, NULL, &doc, err, sizeof(err));
	assert_int_equal(r, -1);
	if (strstr(err, want) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", err, want);
	assert_int_equal(doc.n, 0);
	park_doc_fini(&doc);
}

static const struct park_item *
item(const struct park_doc *d, const char *id)
{
	const struct park_item *it = park_doc_find(d, id);

	if (it == NULL)
		fail_msg("no item \"%s\"", id);
	return it;
}

#define LOTS "{\"lots\": [{\"id\": \"a\", \"name\": \"A\", \"free\": 1}]}"

static void
test_adapter_find_knows_every_format(void **state)
{
	size_t n = 0;

	(void)state;
	for (; adapter_names[n] != NULL; n++) {
		assert_non_null(adapter_find(adapter_names[n]));
		assert_string_equal(
		    adapter_find(adapter_names[n])->name, adapter_names[n]);
	}
	assert_int_equal(n, 6);
	assert_null(adapter_find("datex2"));
	assert_null(adapter_find("PLS-LUZERN"));
	assert_null(adapter_find(NULL));
}

static void
test_adapter_parse_strips_bom(void **state)
{
	struct park_doc doc;

	(void)state;
	parse_ok("parkapi-v1", "\xEF\xBB\xBF" LOTS "\r\n", NULL, &doc);
	assert_int_equal(doc.n, 1);
	assert_string_equal(doc.items[0].id, "a");
	park_doc_fini(&doc);
	/* Only at the start, and only once. */
	parse_bad("parkapi-v1", "\xEF\xBB\xBF\xEF\xBB\xBF" LOTS,
	    strlen(LOTS) + 6, "not JSON at offset 3");
	parse_bad("parkapi-v1", " \xEF\xBB\xBF" LOTS, strlen(LOTS) + 4,
	    "not JSON at offset 1");
}

static void
test_adapter_parse_rejects_trailing_bytes(void **state)
{
	(void)state;
	parse_bad("parkapi-v1", LOTS " x", strlen(LOTS) + 2,
	    "trailing bytes at offset 48");
	parse_bad("parkapi-v1", LOTS "\n" LOTS, 2 * strlen(LOTS) + 1,
	    "trailing bytes at offset 48");
	parse_bad("parkapi-v1", LOTS "}", strlen(LOTS) + 1,
	    "trailing bytes at offset 47");
	/* The offset counts the BOM: it is the offset in the body. */
	parse_bad("parkapi-v1", "\xEF\xBB\xBF" LOTS "]", strlen(LOTS) + 4,
	    "trailing bytes at offset 50");
	parse_bad("parkapi-v1", LOTS "\0", strlen(LOTS) + 1, "NUL byte");
	parse_bad("parkapi-v1", "{\"lots\": []}\0{}", 15, "offset 12");
}

static void
test_adapter_parse_rejects_truncated_and_empty(void **state)
{
	(void)state;
	parse_bad("parkapi-v1", LOTS, strlen(LOTS) - 1, "truncated JSON");
	parse_bad("parkapi-v1", LOTS, 1, "truncated JSON");
	parse_bad("parkapi-v1", "{\"lots\": [1", 11, "truncated JSON");
	parse_bad("parkapi-v1", "{\"lots\": \"abc", 13, "truncated JSON");
	parse_bad("parkapi-v1", "", 0, "empty document");
	parse_bad("parkapi-v1", " \t\r\n", 4, "empty document");
	parse_bad("parkapi-v1", "\xEF\xBB\xBF", 3, "empty document");
	parse_bad("parkapi-v1", "\xEF\xBB", 2, "not JSON at offset 0");
}

static void
test_adapter_parse_rejects_garbage(void **state)
{
	static const char html[] =
	    "<html><head><title>502 Bad Gateway</title></head></html>";

	(void)state;
	parse_bad("pls-luzern", html, strlen(html), "not JSON at offset 0");
	parse_bad("parkapi-v1", "{\"lots\": [],}", 13, "not JSON at offset 12");
	parse_bad("parkapi-v1", "{\"lots\": [01]}", 14, "not JSON");
	parse_bad("parkapi-v1", "{lots: []}", 10, "not JSON at offset 1");
	parse_bad("parkapi-v1", "{\"lots\": [] /* c */}", 20, "not JSON");
}

/* Nesting up to ADAPTER_MAX_DEPTH passes; deeper is rejected. */
static void
test_adapter_parse_caps_depth(void **state)
{
	char doc[1024];
	struct park_doc d;
	int depth, n;

	(void)state;
	/* {"lots": [], "x": [[...]]}: the object is level 1. */
	for (depth = ADAPTER_MAX_DEPTH - 1; depth <= ADAPTER_MAX_DEPTH;
	     depth++) {
		n = snprintf(doc, sizeof(doc), "{\"lots\": [], \"x\": ");
		for (int i = 0; i < depth; i++)
			doc[n++] = '[';
		for (int i = 0; i < depth; i++)
			doc[n++] = ']';
		doc[n++] = '}';
		doc[n] = '\0';
		if (depth < ADAPTER_MAX_DEPTH) {
			parse_ok("parkapi-v1", doc, NULL, &d);
			park_doc_fini(&d);
		} else {
			parse_bad("parkapi-v1", doc, (size_t)n,
			    "nested deeper than 64");
		}
	}
}

static void
test_adapter_parse_rejects_api_error_objects(void **state)
{
	static const char *const docs[][3] = {
		{ "opendatasoft",
		    "{\"error_code\": \"ODSQLError\", \"message\": \"bad\"}",
		    "API error object (error_code ODSQLError: bad)" },
		{ "parkapi-v3",
		    "{\"error\": {\"code\": \"not_found\", \"message\": "
		    "\"no\\nsuch site\"}}",
		    "API error object (error not_found: no such site)" },
		{ "geojson", "{\"status\": \" Error \"}",
		    "API error object (status Error)" },
		/* An error key beside good data still condemns it. */
		{ "parkapi-v1", "{\"error\": true, \"lots\": []}",
		    "API error object (error)" },
		{ "parkapi-v1", "{\"error_code\": 0, \"lots\": []}",
		    "API error object (error_code 0)" },
		{ "pls-luzern",
		    "{\"status\": \"fail\", \"data\": {\"parkings\": {}}}",
		    "status \"fail\", not \"success\"" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		parse_bad(
		    docs[i][0], docs[i][1], strlen(docs[i][1]), docs[i][2]);
}

static void
test_adapter_parse_ignores_error_keys_that_say_none(void **state)
{
	struct park_doc doc;

	(void)state;
	parse_ok("parkapi-v1",
	    "{\"error\": null, \"error_code\": null, \"status\": \"ok\", "
	    "\"lots\": []}",
	    NULL, &doc);
	park_doc_fini(&doc);
	parse_ok("parkapi-v1", "{\"error\": false, \"lots\": []}", NULL, &doc);
	park_doc_fini(&doc);
}

static void
test_adapter_parse_checks_top_level_shape(void **state)
{
	static const char *const docs[][3] = {
		{ "pls-luzern", "{\"status\": \"success\"}",
		    "expected object with data.parkings{}" },
		{ "pls-luzern", "[]", "top level" },
		{ "parkapi-v1", "{\"lots\": {}}",
		    "expected object with lots[]" },
		{ "parkapi-v1", "[]", "expected object with lots[]" },
		{ "parkapi-v2", "{\"results\": null}",
		    "expected object with results[] or an array" },
		{ "parkapi-v3", "{\"items\": \"none\"}",
		    "expected object with items[]" },
		{ "opendatasoft", "\"x\"",
		    "expected object with results[] or an array" },
		{ "geojson", "[]",
		    "expected FeatureCollection with features[]" },
		{ "geojson", "{\"type\": \"Feature\", \"features\": []}",
		    "type is not \"FeatureCollection\"" },
		{ "parkapi-v1", "12", "expected object with lots[]" },
		{ "parkapi-v1", "null", "expected object with lots[]" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		parse_bad(
		    docs[i][0], docs[i][1], strlen(docs[i][1]), docs[i][2]);
}

static void
test_adapter_map_takes_a_parsed_tree(void **state)
{
	struct json_object *root = json_tokener_parse(
	    "{\"items\": [{\"id\": 7, \"name\": \"Seven\", \"purpose\": \"CAR\","
	    " \"has_realtime_data\": true, \"realtime_free_capacity\": 3}]}");
	struct park_doc doc;

	(void)state;
	park_doc_init(&doc);
	assert_int_equal(adapter_map(adapter_find("parkapi-v3"), root, NULL,
			     &doc, err, sizeof(err)),
	    0);
	assert_int_equal(doc.n, 1);
	assert_string_equal(doc.items[0].id, "7");
	assert_int_equal(doc.items[0].free, 3);
	json_object_put(root);
	root = json_tokener_parse("{\"error_code\": \"x\"}");
	assert_int_equal(adapter_map(adapter_find("parkapi-v3"), root, NULL,
			     &doc, err, sizeof(err)),
	    -1);
	assert_int_equal(doc.n, 0);
	json_object_put(root);
	park_doc_fini(&doc);
}

static void
test_pls_maps_flags_times_and_codes(void **state)
{
	struct park_doc doc;
	const struct park_item *it;

	(void)state;
	parse_ok("pls-luzern",
	    "{\"status\": \"success\", \"data\": {\"parkings\": {"
	    "\"SP03\": {\"description\": \"Kesselturm\", \"vacancy\": 106, "
	    "\"capacity\": 340, \"opened\": true, \"maintenance\": false, "
	    "\"datestamp\": \"2026-01-08T13:40:00+01:00\"},"
	    "\"NP07\": {\"description\": \"Schweizerhof\", \"vacancy\": 4, "
	    "\"opened\": true, \"maintenance\": true},"
	    "\"SP06\": {\"opened\": \"false\"},"
	    "\"SP02\": {\"opened\": \"nope\", \"datestamp\": "
	    "\"2026-01-08T13:40:00\"}}}}",
	    NULL, &doc);
	assert_int_equal(doc.n, 4);
	it = item(&doc, "SP03");
	assert_string_equal(it->name, "Kesselturm");
	assert_int_equal(it->free, 106);
	assert_int_equal(it->total, 340);
	assert_int_equal(it->state, PARK_STATE_OPEN);
	assert_int_equal(it->time_ms, T_1240Z);
	assert_int_equal(it->trend, PARK_TREND_NONE);
	assert_int_equal(item(&doc, "NP07")->state, PARK_STATE_CLOSED);
	assert_int_equal(item(&doc, "NP07")->total, PARK_NO_COUNT);
	assert_int_equal(item(&doc, "SP06")->state, PARK_STATE_CLOSED);
	assert_string_equal(item(&doc, "SP06")->name, "SP06");
	it = item(&doc, "SP02");
	assert_int_equal(it->state, PARK_STATE_ABSENT);
	/* Zone-less is local (the test runs in Europe/Zurich). */
	assert_int_equal(it->time_ms, T_1240Z);
	assert_int_equal(doc.time_ms, PARK_NO_TIME);
	park_doc_fini(&doc);
}

static void
test_parkapi_v1_feed_time_is_utc_and_epoch_is_no_data(void **state)
{
	struct adapter_opts zurich = { "Europe/Zurich", NULL };
	struct park_doc doc;

	(void)state;
	parse_ok("parkapi-v1",
	    "{\"last_updated\": \"2026-01-08T12:40:00\", \"lots\": ["
	    "{\"id\": \"a\", \"name\": \"A\", \"free\": 5, \"total\": 9, "
	    "\"state\": \"open\"}]}",
	    NULL, &doc);
	assert_int_equal(doc.time_ms, T_1240Z);
	assert_int_equal(doc.items[0].state, PARK_STATE_OPEN);
	assert_int_equal(doc.items[0].time_ms, PARK_NO_TIME);
	park_doc_fini(&doc);
	parse_ok("parkapi-v1",
	    "{\"last_updated\": \"2026-01-08T13:40:00\", \"lots\": []}",
	    &zurich, &doc);
	assert_int_equal(doc.time_ms, T_1240Z);
	park_doc_fini(&doc);
	parse_ok("parkapi-v1",
	    "{\"last_updated\": \"1970-01-01T00:00:00\", \"lots\": ["
	    "{\"id\": \"a\", \"name\": \"A\", \"free\": 5, \"total\": 9, "
	    "\"state\": \"open\"}]}",
	    NULL, &doc);
	/* The epoch is no usable time: nothing in it counts as fresh. */
	assert_int_equal(doc.time_ms, PARK_BAD_TIME);
	assert_int_equal(doc.items[0].state, PARK_STATE_NODATA);
	assert_int_equal(doc.items[0].free, 5);
	park_doc_fini(&doc);
}

static void
test_parkapi_v2_unwraps_lot_timestamp(void **state)
{
	struct park_doc doc;
	const struct park_item *it;

	(void)state;
	parse_ok("parkapi-v2",
	    "[{\"lot_id\": \"a\", \"name\": \"A\", \"max_capacity\": 50, "
	    "\"latest_data\": {\"lot_timestamp\": [\"2026-01-08T12:40:00Z\"], "
	    "\"timestamp\": \"2026-01-08T12:41:00Z\", \"status\": \"open\", "
	    "\"num_free\": 3, \"capacity\": 40}},"
	    "{\"lot_id\": \"b\", \"name\": \"B\", \"max_capacity\": 50, "
	    "\"latest_data\": null},"
	    "{\"lot_id\": \"c\", \"name\": \"C\", \"latest_data\": "
	    "{\"timestamp\": \"2026-01-08T12:40:00\", \"status\": \"nodata\", "
	    "\"num_free\": 0}}]",
	    NULL, &doc);
	it = item(&doc, "a");
	assert_int_equal(it->time_ms, T_1240Z);
	assert_int_equal(it->total, 40);
	assert_int_equal(it->free, 3);
	it = item(&doc, "b");
	assert_int_equal(it->free, PARK_NO_COUNT);
	assert_int_equal(it->total, 50);
	assert_int_equal(it->time_ms, PARK_NO_TIME);
	it = item(&doc, "c");
	assert_int_equal(it->time_ms, T_1240Z);
	assert_int_equal(it->state, PARK_STATE_NODATA);
	park_doc_fini(&doc);
}

static void
test_parkapi_v3_needs_realtime_true_and_cars(void **state)
{
	struct park_doc doc;
	const struct park_item *it;

	(void)state;
	parse_ok("parkapi-v3",
	    "{\"items\": ["
	    "{\"id\": 1, \"original_uid\": \"u1\", \"purpose\": \"CAR\", "
	    "\"has_realtime_data\": true, \"realtime_free_capacity\": 4, "
	    "\"capacity\": 10, \"realtime_opening_status\": \"OPEN\", "
	    "\"realtime_data_updated_at\": \"2026-01-08T12:40:00Z\"},"
	    "{\"id\": 2, \"name\": \"Two\", \"has_realtime_data\": \"true\", "
	    "\"realtime_free_capacity\": 4, \"realtime_capacity\": 12},"
	    "{\"id\": 3, \"name\": \"Bikes\", \"purpose\": \"BIKE\", "
	    "\"has_realtime_data\": true, \"realtime_free_capacity\": 4}]}",
	    NULL, &doc);
	assert_int_equal(doc.n, 2);
	it = item(&doc, "1");
	assert_string_equal(it->name, "u1");
	assert_int_equal(it->free, 4);
	assert_int_equal(it->total, 10);
	assert_int_equal(it->state, PARK_STATE_OPEN);
	assert_int_equal(it->time_ms, T_1240Z);
	it = item(&doc, "2");
	assert_int_equal(it->free, PARK_NO_COUNT);
	assert_int_equal(it->total, 12);
	assert_null(park_doc_find(&doc, "3"));
	park_doc_fini(&doc);
}

/* St. Gallen's dataset with its own field names and a Gent-style flag. */
static void
test_opendatasoft_fields_are_configurable(void **state)
{
	struct adapter_fields f;
	struct adapter_opts o = { NULL, &f };
	struct park_doc doc;
	const struct park_item *it;

	(void)state;
	memset(&f, 0, sizeof(f));
	snprintf(f.id, sizeof(f.id), "phid");
	snprintf(f.name, sizeof(f.name), "phname");
	snprintf(f.free, sizeof(f.free), "shortfree");
	snprintf(f.total, sizeof(f.total), "shortmax");
	snprintf(f.state, sizeof(f.state), "phstate");
	snprintf(f.open, sizeof(f.open), "flags.isopennow");
	snprintf(f.trend, sizeof(f.trend), "occupancytrend");
	snprintf(f.time, sizeof(f.time), "meta.stand");
	parse_ok("opendatasoft",
	    "{\"total_count\": 3, \"results\": ["
	    "{\"phid\": \"P21\", \"phname\": \"Brühltor\", \"phstate\": "
	    "\"offen\", \"shortfree\": 120, \"shortmax\": 300, \"flags\": "
	    "{\"isopennow\": 1}, \"occupancytrend\": \"up\", \"meta\": "
	    "{\"stand\": \"2026-01-08T13:40:00\"}, \"id\": \"ignored\"},"
	    "{\"phid\": \"P22\", \"phname\": \"Oberer Graben\", \"phstate\": "
	    "null, \"shortfree\": 12, \"shortmax\": 100, \"flags\": "
	    "{\"isopennow\": 0}, \"occupancytrend\": \"down\"},"
	    "{\"phid\": \"P23\", \"phname\": \"Neumarkt\", \"shortfree\": 3, "
	    "\"flags\": {\"isopennow\": \"1\"}, \"occupancytrend\": \"x\"}]}",
	    &o, &doc);
	assert_int_equal(doc.n, 3);
	it = item(&doc, "P21");
	assert_string_equal(it->name, "Brühltor");
	assert_int_equal(it->free, 120);
	assert_int_equal(it->total, 300);
	assert_int_equal(it->state, PARK_STATE_OPEN);
	assert_int_equal(it->trend, PARK_TREND_FILLING);
	assert_int_equal(it->time_ms, T_1240Z);
	it = item(&doc, "P22");
	assert_int_equal(it->state, PARK_STATE_CLOSED);
	assert_int_equal(it->trend, PARK_TREND_EMPTYING);
	assert_int_equal(it->time_ms, PARK_NO_TIME);
	it = item(&doc, "P23");
	assert_int_equal(it->state, PARK_STATE_OPEN);
	assert_int_equal(it->trend, PARK_TREND_NONE);
	assert_null(park_doc_find(&doc, "ignored"));
	park_doc_fini(&doc);
}

static void
test_opendatasoft_defaults_and_zone(void **state)
{
	static const char text[] =
	    "[{\"id2\": \"badbahnhof\", \"title\": \"Parkhaus Bad. Bahnhof\", "
	    "\"free\": 286, \"total\": 750, \"status\": \"zu\", "
	    "\"published\": \"2026-01-08T13:40:00\"}]";
	struct adapter_opts utc = { "UTC", NULL };
	struct park_doc doc;

	(void)state;
	parse_ok("opendatasoft", text, NULL, &doc);
	assert_string_equal(doc.items[0].id, "badbahnhof");
	assert_string_equal(doc.items[0].name, "Parkhaus Bad. Bahnhof");
	assert_int_equal(doc.items[0].state, PARK_STATE_CLOSED);
	assert_int_equal(doc.items[0].time_ms, T_1240Z);
	park_doc_fini(&doc);
	parse_ok("opendatasoft", text, &utc, &doc);
	assert_int_equal(doc.items[0].time_ms, T_1240Z + 3600000LL);
	park_doc_fini(&doc);
}

static void
test_geojson_trend_and_open_flag(void **state)
{
	struct park_doc doc;

	(void)state;
	parse_ok("geojson",
	    "{\"type\": \"FeatureCollection\", \"features\": ["
	    "{\"properties\": {\"id\": \"a\", \"trend\": \"up\", \"meta\": "
	    "{\"open\": true}}},"
	    "{\"properties\": {\"id\": \"b\", \"trend\": \"down\", \"meta\": "
	    "{\"open\": false}}},"
	    "{\"properties\": {\"id\": \"c\", \"trend\": \"stable\", "
	    "\"meta\": null}},"
	    "{\"properties\": {\"id\": \"d\", \"trend\": null}}]}",
	    NULL, &doc);
	assert_int_equal(doc.n, 4);
	assert_int_equal(item(&doc, "a")->trend, PARK_TREND_FILLING);
	assert_int_equal(item(&doc, "a")->state, PARK_STATE_OPEN);
	assert_int_equal(item(&doc, "b")->trend, PARK_TREND_EMPTYING);
	assert_int_equal(item(&doc, "b")->state, PARK_STATE_CLOSED);
	assert_int_equal(item(&doc, "c")->trend, PARK_TREND_NONE);
	assert_int_equal(item(&doc, "c")->state, PARK_STATE_ABSENT);
	assert_int_equal(item(&doc, "d")->trend, PARK_TREND_NONE);
	assert_int_equal(item(&doc, "a")->time_ms, PARK_NO_TIME);
	park_doc_fini(&doc);
}

/* Freiburg: its own names, a local time with a space, obs_state 0/1. */
static void
test_geojson_paths_are_configurable(void **state)
{
	struct adapter_fields f;
	struct adapter_opts o = { NULL, &f };
	struct park_doc doc;
	const struct park_item *it;

	(void)state;
	memset(&f, 0, sizeof(f));
	snprintf(f.id, sizeof(f.id), "obs_parkid");
	snprintf(f.name, sizeof(f.name), "park_name");
	snprintf(f.free, sizeof(f.free), "obs_free");
	snprintf(f.total, sizeof(f.total), "obs_max");
	snprintf(f.open, sizeof(f.open), "obs_state");
	snprintf(f.time, sizeof(f.time), "obs_ts");
	parse_ok("geojson",
	    "{\"type\": \"FeatureCollection\", \"features\": ["
	    "{\"type\": \"Feature\", \"properties\": {\"obs_parkid\": 6, "
	    "\"park_name\": \"Schlossberg\", \"obs_free\": \"120\", "
	    "\"obs_max\": \"440\", \"obs_state\": 1, "
	    "\"obs_ts\": \"2026-01-08 13:40:00\", \"id\": \"x\"}},"
	    "{\"type\": \"Feature\", \"properties\": {\"obs_parkid\": 7, "
	    "\"park_name\": \"Rotteck\", \"obs_free\": 0, \"obs_max\": 300, "
	    "\"obs_state\": 0}}]}",
	    &o, &doc);
	assert_int_equal(doc.n, 2);
	it = item(&doc, "6");
	assert_string_equal(it->name, "Schlossberg");
	assert_int_equal(it->free, 120);
	assert_int_equal(it->total, 440);
	assert_int_equal(it->state, PARK_STATE_OPEN);
	assert_int_equal(it->time_ms, T_1240Z);
	assert_int_equal(item(&doc, "7")->state, PARK_STATE_CLOSED);
	park_doc_fini(&doc);
}

/* Run inspect_run on text; its stdout into out (malloc'd), stderr too. */
static int
inspect_text(
    const char *fmt, const char *text, const char *tz, char **out, char **errs)
{
	char *dir = fixture_dir(), path[512];
	size_t olen, elen;
	FILE *fo = open_memstream(out, &olen);
	FILE *fe = open_memstream(errs, &elen);
	int r;

	fixture_write(dir, "doc.json", text);
	snprintf(path, sizeof(path), "%s/doc.json", dir);
	/* 2026-01-08T12:45:00Z, stale after 1800 s. */
	r = inspect_run(fmt, path, T_1240Z + 300000, 1800000, tz, fo, fe);
	fclose(fo);
	fclose(fe);
	fixture_rmdir(dir);
	return r;
}

static void
test_inspect_prints_one_line_per_item(void **state)
{
	char *out, *errs;

	(void)state;
	assert_int_equal(
	    inspect_text("pls-luzern",
		"{\"status\": \"success\", \"data\": {\"parkings\":"
		" {\"SP01\": {\"description\": \"am G\\u00fctsch"
		" \\\"P1/P2\\\"\", \"vacancy\": 12, \"capacity\": "
		"100}, \"SP04\": {\"vacancy\": 0}, \"SP06\": "
		"{\"opened\": false}, \"SP09\": {\"vacancy\": "
		"-1, \"capacity\": 53}}}}",
		NULL, &out, &errs),
	    0);
	assert_string_equal(out,
	    "{\"id\": \"SP01\", \"name\": \"am Gütsch \\\"P1/P2\\\"\", "
	    "\"free\": 12, \"total\": 100, \"display\": \"12\"}\n"
	    "{\"id\": \"SP04\", \"name\": \"SP04\", \"free\": 0, "
	    "\"total\": null, \"display\": \"FULL\"}\n"
	    "{\"id\": \"SP06\", \"name\": \"SP06\", \"free\": null, "
	    "\"total\": null, \"display\": \"CLOSED\"}\n"
	    "{\"id\": \"SP09\", \"name\": \"SP09\", \"free\": null, "
	    "\"total\": 53, \"display\": \"---\"}\n");
	assert_string_equal(errs, "");
	free(out);
	free(errs);
}

static void
test_inspect_rejected_document_prints_nothing(void **state)
{
	char *out, *errs;

	(void)state;
	assert_int_equal(
	    inspect_text("parkapi-v1", "{\"lots\": []} x", NULL, &out, &errs),
	    1);
	assert_string_equal(out, "");
	assert_non_null(strstr(errs, "inspect: "));
	assert_non_null(strstr(errs, "doc.json: trailing bytes at offset 13"));
	free(out);
	free(errs);
}

static void
test_inspect_unknown_format_lists_formats(void **state)
{
	char *out, *errs;

	(void)state;
	assert_int_equal(inspect_text("datex2", "{}", NULL, &out, &errs), 2);
	assert_string_equal(out, "");
	assert_non_null(strstr(errs, "datex2"));
	for (size_t i = 0; adapter_names[i] != NULL; i++)
		assert_non_null(strstr(errs, adapter_names[i]));
	free(out);
	free(errs);
}

static void
test_inspect_timezone_overrides_utc_rule(void **state)
{
	static const char doc[] =
	    "{\"last_updated\": \"2026-01-08T13:40:00\", \"lots\": "
	    "[{\"id\": \"a\", \"name\": \"A\", \"free\": 5, \"total\": 9}]}";
	char *out, *errs;

	(void)state;
	assert_int_equal(inspect_text("parkapi-v1", doc, NULL, &out, &errs), 0);
	assert_non_null(strstr(out, "\"display\": \"---\""));
	free(out);
	free(errs);
	assert_int_equal(
	    inspect_text("parkapi-v1", doc, "Europe/Zurich", &out, &errs), 0);
	assert_non_null(strstr(out, "\"display\": \"5\""));
	free(out);
	free(errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adapter_find_knows_every_format),
		cmocka_unit_test(test_adapter_parse_strips_bom),
		cmocka_unit_test(test_adapter_parse_rejects_trailing_bytes),
		cmocka_unit_test(
		    test_adapter_parse_rejects_truncated_and_empty),
		cmocka_unit_test(test_adapter_parse_rejects_garbage),
		cmocka_unit_test(test_adapter_parse_caps_depth),
		cmocka_unit_test(test_adapter_parse_rejects_api_error_objects),
		cmocka_unit_test(
		    test_adapter_parse_ignores_error_keys_that_say_none),
		cmocka_unit_test(test_adapter_parse_checks_top_level_shape),
		cmocka_unit_test(test_adapter_map_takes_a_parsed_tree),
		cmocka_unit_test(test_pls_maps_flags_times_and_codes),
		cmocka_unit_test(
		    test_parkapi_v1_feed_time_is_utc_and_epoch_is_no_data),
		cmocka_unit_test(test_parkapi_v2_unwraps_lot_timestamp),
		cmocka_unit_test(test_parkapi_v3_needs_realtime_true_and_cars),
		cmocka_unit_test(test_opendatasoft_fields_are_configurable),
		cmocka_unit_test(test_opendatasoft_defaults_and_zone),
		cmocka_unit_test(test_geojson_trend_and_open_flag),
		cmocka_unit_test(test_geojson_paths_are_configurable),
		cmocka_unit_test(test_inspect_prints_one_line_per_item),
		cmocka_unit_test(test_inspect_rejected_document_prints_nothing),
		cmocka_unit_test(test_inspect_unknown_format_lists_formats),
		cmocka_unit_test(test_inspect_timezone_overrides_utc_rule),
	};

	/* The sign's default zone; zone-less local times depend on it. */
	setenv("TZ", "Europe/Zurich", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
