/*
 * test_park: the display rules, state words, names, strict JSON readers
 * and duplicate merging of park.c, table-driven where the rules are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "park.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* 2026-11-29T08:15:00Z */
#define T0 1795940100000LL

/* Parse a JSON text leniently (NaN, Infinity); NULL only for "null". */
static struct json_object *
J(const char *text)
{
	struct json_object *v = json_tokener_parse(text);

	if (v == NULL && strcmp(text, "null") != 0)
		fail_msg("test JSON does not parse: %s", text);
	return v;
}

static void
set_tz(const char *tz)
{
	if (tz == NULL)
		unsetenv("TZ");
	else
		setenv("TZ", tz, 1);
	tzset();
}

/* ---- counts (rule 4) ---- */

static void
test_park_count_accepts_ints_integral_doubles_and_digit_strings(void **state)
{
	static const struct {
		const char *json;
		int64_t want;
	} ok[] = {
		{ "42", 42 },
		{ "0", 0 },
		{ "2147483647", 2147483647 },
		{ "45.0", 45 },
		{ "1e2", 100 },
		{ "-0.0", 0 },
		{ "\"42\"", 42 },
		{ "\" 42 \"", 42 },
		{ "\"\\t42\\n\"", 42 },
		{ "\"007\"", 7 },
		{ "\"2147483647\"", 2147483647 },
	};

	(void)state;
	for (size_t i = 0; i < N(ok); i++) {
		struct json_object *v = J(ok[i].json);
		int64_t got = -99;

		if (park_json_count(v, &got) != 0 || got != ok[i].want)
			fail_msg("%s: got %lld", ok[i].json, (long long)got);
		json_object_put(v);
	}
}

static void
test_park_count_rejects_null_bool_negative_fraction_nan_range_junk(void **state)
{
	static const char *const bad[] = {
		"null",
		"true",
		"false",
		"-1",
		"1.5",
		"0.1",
		"-2.0",
		"NaN",
		"Infinity",
		"-Infinity",
		"1e400",
		"2147483648",
		"2147483648.0",
		"99999999999999999999",
		"-99999999999999999999",
		"\"12abc\"",
		"\"\"",
		"\" \"",
		"\"-1\"",
		"\"+1\"",
		"\"4 2\"",
		"\"1.0\"",
		"\"0x10\"",
		"\"2147483648\"",
		"\"99999999999999999999\"",
		"\"4\\u00002\"",
		"{}",
		"{\"free\":1}",
		"[]",
		"[1]",
	};

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		struct json_object *v = J(bad[i]);
		int64_t got = -99;

		if (park_json_count(v, &got) != -1 || got != -99)
			fail_msg("accepted %s as %lld", bad[i], (long long)got);
		json_object_put(v);
	}
}

static void
test_park_count_rejects_12abc(void **state)
{
	struct json_object *v = json_object_new_string("12abc");
	int64_t got = -99;

	(void)state;
	assert_int_equal(park_json_count(v, &got), -1);
	assert_int_equal(got, -99);
	json_object_put(v);
}

static void
test_park_count_rejects_nan_double_and_missing(void **state)
{
	struct json_object *v = json_object_new_double(NAN);
	int64_t got = -99;

	(void)state;
	assert_int_equal(park_json_count(v, &got), -1);
	assert_int_equal(park_json_count(NULL, &got), -1);
	assert_int_equal(got, -99);
	json_object_put(v);
}

/* ---- booleans ---- */

static void
test_park_bool_accepts_true_false_strings_and_one_zero(void **state)
{
	static const struct {
		const char *json;
		int want;
	} ok[] = {
		{ "true", 1 },
		{ "false", 0 },
		{ "\"true\"", 1 },
		{ "\"false\"", 0 },
		{ "\" TRUE \"", 1 },
		{ "\"False\"", 0 },
		{ "1", 1 },
		{ "0", 0 },
		{ "\"1\"", 1 },
		{ "\"0\"", 0 },
	};

	(void)state;
	for (size_t i = 0; i < N(ok); i++) {
		struct json_object *v = J(ok[i].json);
		int got = -99;

		if (park_json_bool(v, &got) != 0 || got != ok[i].want)
			fail_msg("%s: got %d", ok[i].json, got);
		json_object_put(v);
	}
}

static void
test_park_bool_treats_anything_else_as_absent(void **state)
{
	static const char *const bad[] = {
		"null",
		"2",
		"-1",
		"1.0",
		"0.0",
		"\"yes\"",
		"\"no\"",
		"\"\"",
		"\"tru\"",
		"\"truex\"",
		"\"01\"",
		"\"true\\u0000\"",
		"{}",
		"[true]",
	};

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		struct json_object *v = J(bad[i]);
		int got = -99;

		if (park_json_bool(v, &got) != -1 || got != -99)
			fail_msg("accepted %s as %d", bad[i], got);
		json_object_put(v);
	}
	assert_int_equal(park_json_bool(NULL, &(int){ 0 }), -1);
}

/* ---- state words (rule 9) ---- */

static enum park_state
word(const char *s)
{
	return park_state_word(s, strlen(s));
}

static void
test_park_state_words_map_every_listed_word(void **state)
{
	static const struct {
		const char *word;
		enum park_state want;
	} words[] = {
		{ "open", PARK_STATE_OPEN },
		{ "offen", PARK_STATE_OPEN },
		{ "geöffnet", PARK_STATE_OPEN },
		{ "ouvert", PARK_STATE_OPEN },
		{ "aperto", PARK_STATE_OPEN },
		{ "closed", PARK_STATE_CLOSED },
		{ "zu", PARK_STATE_CLOSED },
		{ "geschlossen", PARK_STATE_CLOSED },
		{ "gesperrt", PARK_STATE_CLOSED },
		{ "fermé", PARK_STATE_CLOSED },
		{ "chiuso", PARK_STATE_CLOSED },
		{ "closedAbnormal", PARK_STATE_CLOSED },
		{ "full", PARK_STATE_FULL },
		{ "fullAtEntrance", PARK_STATE_FULL },
		{ "besetzt", PARK_STATE_FULL },
		{ "complet", PARK_STATE_FULL },
		{ "completo", PARK_STATE_FULL },
		{ "unknown", PARK_STATE_UNKNOWN },
		{ "statusUnknown", PARK_STATE_UNKNOWN },
		{ "other", PARK_STATE_UNKNOWN },
		{ "nodata", PARK_STATE_NODATA },
		{ "error", PARK_STATE_NODATA },
	};

	(void)state;
	for (size_t i = 0; i < N(words); i++) {
		if (word(words[i].word) != words[i].want)
			fail_msg(
			    "%s: got %d", words[i].word, word(words[i].word));
	}
}

static void
test_park_state_words_ignore_case_and_surrounding_blanks(void **state)
{
	static const struct {
		const char *word;
		enum park_state want;
	} words[] = {
		{ "OPEN", PARK_STATE_OPEN },
		{ " Offen ", PARK_STATE_OPEN },
		{ "\tzu\r\n", PARK_STATE_CLOSED },
		{ "GEÖFFNET", PARK_STATE_OPEN },
		{ "Geöffnet", PARK_STATE_OPEN },
		{ "FERMÉ", PARK_STATE_CLOSED },
		{ "Fermé", PARK_STATE_CLOSED },
		{ "CLOSEDABNORMAL", PARK_STATE_CLOSED },
		{ "closedabnormal", PARK_STATE_CLOSED },
		{ "FULLATENTRANCE", PARK_STATE_FULL },
		{ "STATUSUNKNOWN", PARK_STATE_UNKNOWN },
		{ "UNKNOWN", PARK_STATE_UNKNOWN },
		{ "NoData", PARK_STATE_NODATA },
		{ "CLOSED", PARK_STATE_CLOSED },
	};

	(void)state;
	for (size_t i = 0; i < N(words); i++) {
		if (word(words[i].word) != words[i].want)
			fail_msg("\"%s\": got %d", words[i].word,
			    word(words[i].word));
	}
}

static void
test_park_state_unknown_words_are_invalid_and_blank_is_absent(void **state)
{
	static const char *const invalid[] = {
		"opened",
		"open now",
		"unknown state",
		"offen!",
		"geoffnet",
		"ferme",
		"z u",
		"almostFull",
		"????",
		"open\x01",
	};

	(void)state;
	for (size_t i = 0; i < N(invalid); i++) {
		if (word(invalid[i]) != PARK_STATE_INVALID)
			fail_msg("\"%s\" is not invalid", invalid[i]);
	}
	assert_int_equal(word(""), PARK_STATE_ABSENT);
	assert_int_equal(word(" \t\n"), PARK_STATE_ABSENT);
	assert_int_equal(park_state_word(NULL, 0), PARK_STATE_ABSENT);
	/* Only len bytes count. */
	assert_int_equal(park_state_word("openXYZ", 4), PARK_STATE_OPEN);
	assert_int_equal(park_state_word("zu\0x", 4), PARK_STATE_INVALID);
}

static void
test_park_json_state_null_absent_non_string_invalid(void **state)
{
	static const struct {
		const char *json;
		enum park_state want;
	} cases[] = {
		{ "null", PARK_STATE_ABSENT },
		{ "\"\"", PARK_STATE_ABSENT },
		{ "\"zu\"", PARK_STATE_CLOSED },
		{ "\" OPEN \"", PARK_STATE_OPEN },
		{ "\"nodata\"", PARK_STATE_NODATA },
		{ "\"weird\"", PARK_STATE_INVALID },
		{ "\"zu\\u0000\"", PARK_STATE_INVALID },
		{ "true", PARK_STATE_INVALID },
		{ "false", PARK_STATE_INVALID },
		{ "0", PARK_STATE_INVALID },
		{ "{}", PARK_STATE_INVALID },
		{ "[\"open\"]", PARK_STATE_INVALID },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct json_object *v = J(cases[i].json);

		if (park_json_state(v) != cases[i].want)
			fail_msg(
			    "%s: got %d", cases[i].json, park_json_state(v));
		json_object_put(v);
	}
	assert_int_equal(park_json_state(NULL), PARK_STATE_ABSENT);
}

/* ---- names (rule 10) ---- */

static void
test_park_name_controls_become_spaces_and_runs_collapse(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "Parkhaus Kesselturm", "Parkhaus Kesselturm" },
		{ "  Löwencenter  ", "Löwencenter" },
		{ "Bahnhof\nP1", "Bahnhof P1" },
		{ "A\tB\r\nC", "A B C" },
		{ "A    B", "A B" },
		{ "\x01\x02"
		  "A\x7f\x7f"
		  "B\x1f",
		    "A B" },
		{ "am Gütsch", "am Gütsch" },
		{ " \t\n ", "" },
		{ "", "" },
	};
	char out[PARK_NAME_LEN];

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		park_name_normalise(
		    cases[i].in, strlen(cases[i].in), out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
	/* An embedded NUL is a control character too. */
	park_name_normalise("A\0B", 3, out, sizeof(out));
	assert_string_equal(out, "A B");
}

static void
test_park_name_truncates_on_utf8_boundary_without_trailing_space(void **state)
{
	char out[16];

	(void)state;
	/* "äää" is 6 bytes: with 5 bytes of room only two fit. */
	park_name_normalise("äää", strlen("äää"), out, 6);
	assert_string_equal(out, "ää");
	park_name_normalise("äää", strlen("äää"), out, 7);
	assert_string_equal(out, "äää");
	park_name_normalise("aää", strlen("aää"), out, 5);
	assert_string_equal(out, "aä");
	/* A four-byte character is dropped whole. */
	park_name_normalise("ab\xf0\x9f\x9a\x97", 6, out, 6);
	assert_string_equal(out, "ab");
	/* The cut does not leave the space in front of the next word. */
	park_name_normalise("ab cd", 5, out, 4);
	assert_string_equal(out, "ab");
	park_name_normalise("ab", 2, out, 1);
	assert_string_equal(out, "");
}

static void
test_park_json_name_normalises_and_rejects_empty_or_non_string(void **state)
{
	static const char *const bad[] = {
		"null",
		"\"\"",
		"\"  \\t\\n \"",
		"42",
		"true",
		"{}",
		"[\"x\"]",
	};
	char buf[PARK_NAME_LEN], longname[300];
	struct json_object *v;

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		v = J(bad[i]);
		snprintf(buf, sizeof(buf), "keep");
		if (park_json_name(v, buf, sizeof(buf)) != -1 ||
		    strcmp(buf, "keep") != 0)
			fail_msg("accepted %s", bad[i]);
		json_object_put(v);
	}
	v = J("\"  Park\\u0000haus\\n  Altstadt \"");
	assert_int_equal(park_json_name(v, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Park haus Altstadt");
	json_object_put(v);

	/* 150 times "ö": 300 bytes, cut to 47 whole characters. */
	for (size_t i = 0; i < 150; i++)
		memcpy(longname + 2 * i, "ö", 2);
	v = json_object_new_string_len(longname, 300);
	assert_int_equal(park_json_name(v, buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), 94);
	json_object_put(v);
}

/* ---- ids ---- */

static void
test_park_json_id_takes_strings_trimmed_and_integers_printed(void **state)
{
	static const struct {
		const char *json, *want;
	} ok[] = {
		{ "\"P01\"", "P01" },
		{ "\" baselparkhauselisabethen \"",
		    "baselparkhauselisabethen" },
		{ "17", "17" },
		{ "-3", "-3" },
		{ "0", "0" },
		{ "9223372036854775807", "9223372036854775807" },
		{ "18446744073709551614", "18446744073709551614" },
	};
	static const char *const bad[] = {
		"null",
		"\"\"",
		"\"   \"",
		"\"a\\u0000b\"",
		"1.5",
		"12.0",
		"true",
		"{}",
		"[\"x\"]",
		"99999999999999999999",
		"-99999999999999999999",
	};
	char buf[PARK_ID_LEN], big[PARK_ID_LEN + 8];
	struct json_object *v;

	(void)state;
	for (size_t i = 0; i < N(ok); i++) {
		v = J(ok[i].json);
		if (park_json_id(v, buf, sizeof(buf)) != 0 ||
		    strcmp(buf, ok[i].want) != 0)
			fail_msg("%s: got \"%s\"", ok[i].json, buf);
		json_object_put(v);
	}
	for (size_t i = 0; i < N(bad); i++) {
		v = J(bad[i]);
		snprintf(buf, sizeof(buf), "keep");
		if (park_json_id(v, buf, sizeof(buf)) != -1 ||
		    strcmp(buf, "keep") != 0)
			fail_msg("accepted %s as \"%s\"", bad[i], buf);
		json_object_put(v);
	}
	/* An id that does not fit is refused, never cut. */
	memset(big, 'x', sizeof(big));
	v = json_object_new_string_len(big, PARK_ID_LEN);
	assert_int_equal(park_json_id(v, buf, sizeof(buf)), -1);
	json_object_put(v);
	v = json_object_new_string_len(big, PARK_ID_LEN - 1);
	assert_int_equal(park_json_id(v, buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), PARK_ID_LEN - 1);
	json_object_put(v);
}

/* ---- times (rule 2) ---- */

static int64_t
time_of(const char *json, const char *tz)
{
	struct json_object *v = J(json);
	int64_t t = -99;

	if (park_json_time(v, tz, &t) == -1)
		t = -1;
	json_object_put(v);
	return t;
}

static void
test_park_time_honours_z_offsets_fractions_and_space(void **state)
{
	static const struct {
		const char *json;
		int64_t want;
	} cases[] = {
		{ "\"2026-11-29T08:15:00Z\"", T0 },
		{ "\"2026-11-29T10:15:00+02:00\"", T0 },
		{ "\"2026-11-29T10:15:00+0200\"", T0 },
		{ "\"2026-11-29T07:15:00-01:00\"", T0 },
		{ "\"2026-11-29 08:15:00Z\"", T0 },
		{ "\"2026-11-29 09:15:00+01:00\"", T0 },
		{ "\"2026-11-29T08:15:00.5Z\"", T0 + 500 },
		{ "\"2026-11-29T08:15:00.123456789Z\"", T0 + 123 },
		{ "\"2026-11-29T09:15:00.123456+01:00\"", T0 + 123 },
	};

	(void)state;
	set_tz("America/New_York");
	for (size_t i = 0; i < N(cases); i++) {
		/* A zone in the text beats any zone for naive times. */
		if (time_of(cases[i].json, "Europe/Zurich") != cases[i].want ||
		    time_of(cases[i].json, "UTC") != cases[i].want ||
		    time_of(cases[i].json, NULL) != cases[i].want)
			fail_msg("%s", cases[i].json);
	}
}

static void
test_park_time_without_zone_uses_given_zone_and_restores_tz(void **state)
{
	(void)state;
	set_tz("America/New_York");
	assert_int_equal(time_of("\"2026-11-29T08:15:00\"", "UTC"), T0);
	assert_int_equal(time_of("\"2026-11-29 08:15:00\"", "UTC"), T0);
	assert_int_equal(
	    time_of("\"2026-11-29T09:15:00\"", "Europe/Zurich"), T0);
	/* Summer time in Zurich: UTC+2. */
	assert_int_equal(time_of("\"2026-07-01T12:00:00\"", "Europe/Zurich"),
	    1782900000000LL);
	/* NULL: the process's zone (New York, UTC-5 in November). */
	assert_int_equal(time_of("\"2026-11-29T03:15:00\"", NULL), T0);
	assert_string_equal(getenv("TZ"), "America/New_York");

	set_tz(NULL);
	assert_int_equal(
	    time_of("\"2026-11-29T09:15:00\"", "Europe/Zurich"), T0);
	assert_null(getenv("TZ"));

	set_tz("Europe/Zurich");
	assert_int_equal(
	    time_of("\"2026-11-29T09:15:00\"", "Europe/Zurich"), T0);
	assert_int_equal(time_of("\"2026-11-29T09:15:00\"", NULL), T0);
	assert_string_equal(getenv("TZ"), "Europe/Zurich");
}

static void
test_park_time_epoch_1970_means_no_time(void **state)
{
	(void)state;
	set_tz("Europe/Zurich");
	assert_int_equal(time_of("\"1970-01-01T00:00:00\"", "UTC"), -1);
	assert_int_equal(time_of("\"1970-01-01T00:00:00\"", NULL), -1);
	assert_int_equal(
	    time_of("\"1970-01-01T00:00:00\"", "Europe/Zurich"), -1);
	assert_int_equal(time_of("\"1970-01-01T00:00:00Z\"", NULL), -1);
	assert_int_equal(time_of("\"1970-01-01T01:00:00+01:00\"", "UTC"), -1);
	assert_int_equal(time_of("\"1960-05-01T00:00:00Z\"", "UTC"), -1);
}

static void
test_park_time_unwraps_one_element_array_only(void **state)
{
	(void)state;
	assert_int_equal(time_of("[\"2026-11-29T08:15:00Z\"]", "UTC"), T0);
	assert_int_equal(time_of("[\"2026-11-29T08:15:00\"]", "UTC"), T0);
	assert_int_equal(time_of("[]", "UTC"), -1);
	assert_int_equal(
	    time_of("[\"2026-11-29T08:15:00Z\", \"x\"]", "UTC"), -1);
	assert_int_equal(time_of("[[\"2026-11-29T08:15:00Z\"]]", "UTC"), -1);
	assert_int_equal(time_of("[null]", "UTC"), -1);
}

static void
test_park_time_rejects_numbers_null_and_garbage(void **state)
{
	static const char *const bad[] = {
		"null",
		"1795940100",
		"1795940100000",
		"1795940100.5",
		"true",
		"{}",
		"\"\"",
		"\"yesterday\"",
		"\"2026-11-29\"",
		"\"29.11.2026 08:15\"",
		"\"2026-11-29T08:15:00Zjunk\"",
		"\"2026-11-29T08:15:00\\u0000Z\"",
	};

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		if (time_of(bad[i], "UTC") != -1)
			fail_msg("accepted %s", bad[i]);
	}
	assert_int_equal(park_json_time(NULL, "UTC", &(int64_t){ 0 }), -1);
}

/* ---- display (rules 1-8) ---- */

#define NT    PARK_NO_TIME
#define NC    PARK_NO_COUNT
#define STALE (1800 * 1000LL)

struct display_case {
	const char *what;
	int64_t free, total;
	int state;
	int64_t item_time, doc_time, fetched;
	enum park_display want;
	int64_t shown;
};

static void
run_display_cases(const struct display_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct park_item it;
		struct park_rules r;
		enum park_display got;
		int64_t shown = -99;

		memset(&it, 0, sizeof(it));
		it.id[0] = 'p';
		it.free = c[i].free;
		it.total = c[i].total;
		it.state = c[i].state;
		it.time_ms = c[i].item_time;
		r.now_ms = T0;
		r.fetched_ms = c[i].fetched;
		r.doc_time_ms = c[i].doc_time;
		r.stale_after_ms = STALE;
		got = park_display(&it, &r, &shown);
		if (got != c[i].want || shown != c[i].shown)
			fail_msg("%s: got %s/%lld, want %s/%lld", c[i].what,
			    park_display_name(got), (long long)shown,
			    park_display_name(c[i].want),
			    (long long)c[i].shown);
	}
}

static void
test_park_display_freshness_item_then_doc_then_fetched_time(void **state)
{
	static const struct display_case c[] = {
		{ "fresh item time", 42, 100, PARK_STATE_ABSENT, T0 - 60000, NT,
		    T0, PARK_DISPLAY_NUMBER, 42 },
		{ "stale item time beats fresh doc time", 42, 100,
		    PARK_STATE_ABSENT, T0 - STALE - 1, T0, T0,
		    PARK_DISPLAY_NODATA, NC },
		{ "fresh item time beats stale doc time", 42, 100,
		    PARK_STATE_ABSENT, T0, T0 - 2 * STALE, T0,
		    PARK_DISPLAY_NUMBER, 42 },
		{ "no item time: fresh doc time", 42, 100, PARK_STATE_ABSENT,
		    NT, T0 - 60000, T0, PARK_DISPLAY_NUMBER, 42 },
		{ "no item time: stale doc time beats fresh fetch", 42, 100,
		    PARK_STATE_ABSENT, NT, T0 - STALE - 1, T0,
		    PARK_DISPLAY_NODATA, NC },
		{ "no times: fresh when fetched", 42, 100, PARK_STATE_ABSENT,
		    NT, NT, T0 - 60000, PARK_DISPLAY_NUMBER, 42 },
		{ "no times: stale fetch", 42, 100, PARK_STATE_ABSENT, NT, NT,
		    T0 - STALE - 1, PARK_DISPLAY_NODATA, NC },
		{ "1 ms before stale_after is fresh", 42, 100,
		    PARK_STATE_ABSENT, T0 - STALE + 1, NT, T0,
		    PARK_DISPLAY_NUMBER, 42 },
		/* Rule 1 says "older than": exactly stale_after is not. */
		{ "fresh at exactly stale_after", 42, 100, PARK_STATE_ABSENT,
		    T0 - STALE, NT, T0, PARK_DISPLAY_NUMBER, 42 },
		{ "stale 1 ms after stale_after", 42, 100, PARK_STATE_ABSENT,
		    T0 - STALE - 1, NT, T0, PARK_DISPLAY_NODATA, NC },
		{ "ten minutes ahead is trusted", 42, 100, PARK_STATE_ABSENT,
		    T0 + PARK_FUTURE_MS, NT, T0, PARK_DISPLAY_NUMBER, 42 },
		{ "further ahead is not", 42, 100, PARK_STATE_ABSENT,
		    T0 + PARK_FUTURE_MS + 1, NT, T0, PARK_DISPLAY_NODATA, NC },
		{ "future doc time", 42, 100, PARK_STATE_ABSENT, NT,
		    T0 + 3600000, T0, PARK_DISPLAY_NODATA, NC },
		{ "epoch item time", 42, 100, PARK_STATE_ABSENT, 0, T0, T0,
		    PARK_DISPLAY_NODATA, NC },
		{ "absurd item time", 42, 100, PARK_STATE_ABSENT, INT64_MIN + 1,
		    NT, T0, PARK_DISPLAY_NODATA, NC },
		{ "stale closed is ---", 42, 100, PARK_STATE_CLOSED,
		    T0 - STALE - 1, NT, T0, PARK_DISPLAY_NODATA, NC },
		{ "stale full is ---", 0, 100, PARK_STATE_FULL, NT,
		    T0 - STALE - 1, T0, PARK_DISPLAY_NODATA, NC },
	};

	(void)state;
	run_display_cases(c, N(c));
}

static void
test_park_display_states_closed_full_nodata(void **state)
{
	static const struct display_case c[] = {
		{ "closed wins over numbers", 42, 100, PARK_STATE_CLOSED, T0,
		    NT, T0, PARK_DISPLAY_CLOSED, NC },
		{ "closed without numbers", NC, NC, PARK_STATE_CLOSED, T0, NT,
		    T0, PARK_DISPLAY_CLOSED, NC },
		{ "nodata with free 0 stays ---", 0, 100, PARK_STATE_NODATA, T0,
		    NT, T0, PARK_DISPLAY_NODATA, NC },
		{ "nodata with a count", 42, 100, PARK_STATE_NODATA, T0, NT, T0,
		    PARK_DISPLAY_NODATA, NC },
		{ "unrecognised word", 42, 100, PARK_STATE_INVALID, T0, NT, T0,
		    PARK_DISPLAY_NODATA, NC },
		{ "not a state at all", 42, 100, 99, T0, NT, T0,
		    PARK_DISPLAY_NODATA, NC },
		{ "explicit full with count > 0", 50, 100, PARK_STATE_FULL, T0,
		    NT, T0, PARK_DISPLAY_FULL, 0 },
		{ "explicit full without count", NC, NC, PARK_STATE_FULL, T0,
		    NT, T0, PARK_DISPLAY_FULL, 0 },
		{ "unknown decides by numbers", 42, 100, PARK_STATE_UNKNOWN, T0,
		    NT, T0, PARK_DISPLAY_NUMBER, 42 },
		{ "open decides by numbers", 42, 100, PARK_STATE_OPEN, T0, NT,
		    T0, PARK_DISPLAY_NUMBER, 42 },
	};

	(void)state;
	run_display_cases(c, N(c));
}

static void
test_park_display_numbers_full_overshoot_and_invalid(void **state)
{
	static const struct display_case c[] = {
		{ "free 0 is FULL", 0, 100, PARK_STATE_ABSENT, T0, NT, T0,
		    PARK_DISPLAY_FULL, 0 },
		{ "free 0 open is FULL", 0, 100, PARK_STATE_OPEN, T0, NT, T0,
		    PARK_DISPLAY_FULL, 0 },
		{ "free 0 unknown is FULL", 0, NC, PARK_STATE_UNKNOWN, T0, NT,
		    T0, PARK_DISPLAY_FULL, 0 },
		{ "free equals total", 100, 100, PARK_STATE_ABSENT, T0, NT, T0,
		    PARK_DISPLAY_NUMBER, 100 },
		{ "Basel 167/162 shows total", 167, 162, PARK_STATE_ABSENT, T0,
		    NT, T0, PARK_DISPLAY_NUMBER, 162 },
		{ "overshoot total/10 shows total", 220, 200, PARK_STATE_ABSENT,
		    T0, NT, T0, PARK_DISPLAY_NUMBER, 200 },
		{ "overshoot above total/10", 221, 200, PARK_STATE_ABSENT, T0,
		    NT, T0, PARK_DISPLAY_NODATA, NC },
		{ "small total: overshoot 5 shows total", 15, 10,
		    PARK_STATE_ABSENT, T0, NT, T0, PARK_DISPLAY_NUMBER, 10 },
		{ "small total: overshoot 6", 16, 10, PARK_STATE_ABSENT, T0, NT,
		    T0, PARK_DISPLAY_NODATA, NC },
		{ "total 1: free 6", 6, 1, PARK_STATE_ABSENT, T0, NT, T0,
		    PARK_DISPLAY_NUMBER, 1 },
		{ "Dresden 8259/140", 8259, 140, PARK_STATE_ABSENT, T0, NT, T0,
		    PARK_DISPLAY_NODATA, NC },
		{ "total unknown shows free", 500, NC, PARK_STATE_ABSENT, T0,
		    NT, T0, PARK_DISPLAY_NUMBER, 500 },
		{ "total 0 is unknown", 500, 0, PARK_STATE_ABSENT, T0, NT, T0,
		    PARK_DISPLAY_NUMBER, 500 },
		{ "invalid free", NC, 100, PARK_STATE_ABSENT, T0, NT, T0,
		    PARK_DISPLAY_NODATA, NC },
		{ "invalid free open", NC, 100, PARK_STATE_OPEN, T0, NT, T0,
		    PARK_DISPLAY_NODATA, NC },
		{ "negative free", -5, 100, PARK_STATE_ABSENT, T0, NT, T0,
		    PARK_DISPLAY_NODATA, NC },
		{ "free beyond rule 4 range", 2147483648LL, NC,
		    PARK_STATE_ABSENT, T0, NT, T0, PARK_DISPLAY_NODATA, NC },
	};

	(void)state;
	run_display_cases(c, N(c));
}

static void
test_park_display_names_and_null_shown(void **state)
{
	struct park_item it;
	struct park_rules r = { T0, T0, NT, STALE };

	(void)state;
	assert_string_equal(park_display_name(PARK_DISPLAY_NUMBER), "");
	assert_string_equal(park_display_name(PARK_DISPLAY_FULL), "FULL");
	assert_string_equal(park_display_name(PARK_DISPLAY_CLOSED), "CLOSED");
	assert_string_equal(park_display_name(PARK_DISPLAY_NODATA), "---");
	memset(&it, 0, sizeof(it));
	it.free = 7;
	it.total = NC;
	it.time_ms = NT;
	assert_int_equal(park_display(&it, &r, NULL), PARK_DISPLAY_NUMBER);
}

/* ---- documents (rule 11) ---- */

static struct park_item
item(const char *id, const char *name, int64_t nfree, int64_t t)
{
	struct park_item it;

	memset(&it, 0, sizeof(it));
	snprintf(it.id, sizeof(it.id), "%s", id);
	snprintf(it.name, sizeof(it.name), "%s", name);
	it.free = nfree;
	it.total = NC;
	it.time_ms = t;
	return it;
}

static int
add(struct park_doc *d, const char *id, const char *name, int64_t nfree,
    int64_t t)
{
	struct park_item it = item(id, name, nfree, t);

	return park_doc_add(d, &it);
}

static void
test_park_doc_newest_duplicate_wins_in_first_place(void **state)
{
	struct park_doc d;

	(void)state;
	park_doc_init(&d);
	assert_int_equal(d.time_ms, PARK_NO_TIME);
	assert_int_equal(add(&d, "a", "A", 1, T0 - 2000), 0);
	assert_int_equal(add(&d, "b", "B", 5, T0), 0);
	assert_int_equal(add(&d, "a", "A new", 2, T0 - 1000), 0);
	assert_int_equal(add(&d, "a", "A older", 3, T0 - 1500), 0);
	assert_int_equal(add(&d, "a", "A same", 4, T0 - 1000), 0);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.items[0].id, "a");
	assert_string_equal(d.items[0].name, "A new");
	assert_int_equal(d.items[0].free, 2);
	assert_string_equal(d.items[1].id, "b");
	assert_int_equal(park_doc_find(&d, "a")->free, 2);
	park_doc_fini(&d);
}

static void
test_park_doc_without_times_first_wins_and_timed_beats_untimed(void **state)
{
	struct park_doc d;

	(void)state;
	park_doc_init(&d);
	add(&d, "a", "A", 1, NT);
	add(&d, "a", "A", 2, NT);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.items[0].free, 1);
	/* PARK_NO_TIME sorts before every time. */
	add(&d, "a", "A", 3, T0);
	assert_int_equal(d.items[0].free, 3);
	add(&d, "a", "A", 4, NT);
	assert_int_equal(d.items[0].free, 3);
	park_doc_fini(&d);
}

static void
test_park_doc_name_stands_in_for_missing_id_and_back(void **state)
{
	struct park_doc d;
	char longname[PARK_NAME_LEN];

	(void)state;
	park_doc_init(&d);
	assert_int_equal(add(&d, "", "Parkhaus Kesselturm", 1, NT), 0);
	assert_int_equal(add(&d, "", "Parkhaus Kesselturm", 2, NT), 0);
	assert_int_equal(add(&d, "P7", "", 3, NT), 0);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.items[0].id, "Parkhaus Kesselturm");
	assert_int_equal(d.items[0].free, 1);
	assert_string_equal(d.items[1].name, "P7");
	assert_non_null(park_doc_find(&d, "Parkhaus Kesselturm"));

	/* A long name is cut to an id on a character boundary. */
	for (size_t i = 0; i < 47; i++)
		memcpy(longname + 2 * i, "ü", 2);
	longname[94] = '\0';
	assert_int_equal(add(&d, "", longname, 4, NT), 0);
	assert_int_equal(d.n, 3);
	assert_int_equal(strlen(d.items[2].id), 62);
	assert_string_equal(d.items[2].name, longname);
	park_doc_fini(&d);
}

static void
test_park_doc_skips_items_without_id_and_name(void **state)
{
	struct park_doc d;

	(void)state;
	park_doc_init(&d);
	assert_int_equal(add(&d, "", "", 1, NT), 0);
	assert_int_equal(add(&d, "", " \t ", 1, NT), 0);
	assert_int_equal(d.n, 0);
	assert_null(park_doc_find(&d, ""));
	assert_null(park_doc_find(&d, "x"));
	park_doc_fini(&d);
}

static void
test_park_doc_terminates_unterminated_strings(void **state)
{
	struct park_doc d;
	struct park_item it = item("", "", 1, NT);

	(void)state;
	park_doc_init(&d);
	memset(it.id, 'x', sizeof(it.id));
	memset(it.name, 'y', sizeof(it.name));
	assert_int_equal(park_doc_add(&d, &it), 0);
	assert_int_equal(strlen(d.items[0].id), PARK_ID_LEN - 1);
	assert_int_equal(strlen(d.items[0].name), PARK_NAME_LEN - 1);
	park_doc_fini(&d);
}

static void
test_park_doc_holds_100k_distinct_items_and_refuses_more(void **state)
{
	struct park_doc *d = calloc(1, sizeof(*d));
	char id[PARK_ID_LEN];

	(void)state;
	park_doc_init(d);
	for (int i = 0; i < PARK_MAX_ITEMS; i++) {
		snprintf(id, sizeof(id), "lot-%d", i);
		if (add(d, id, "", i, NT) != 0)
			fail_msg("add %d failed", i);
	}
	assert_int_equal(d->n, 100000);
	assert_int_equal(add(d, "one-too-many", "X", 1, NT), -1);
	/* A duplicate still merges when the document is full. */
	assert_int_equal(add(d, "lot-5", "X", 9, T0), 0);
	assert_int_equal(d->n, 100000);
	assert_int_equal(park_doc_find(d, "lot-5")->free, 9);
	assert_int_equal(park_doc_find(d, "lot-99999")->free, 99999);
	assert_ptr_equal(park_doc_find(d, "lot-99999"), &d->items[99999]);
	assert_null(park_doc_find(d, "one-too-many"));
	park_doc_fini(d);
	free(d);
}

static void
test_park_doc_move_hands_over_and_empties_source(void **state)
{
	struct park_doc a, b;

	(void)state;
	park_doc_init(&a);
	park_doc_init(&b);
	add(&a, "a", "A", 1, NT);
	add(&b, "old", "Old", 1, NT);
	a.time_ms = T0;
	park_doc_move(&b, &a);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.time_ms, T0);
	assert_non_null(park_doc_find(&b, "a"));
	assert_null(park_doc_find(&b, "old"));
	assert_int_equal(a.n, 0);
	assert_null(a.items);
	assert_int_equal(a.time_ms, PARK_NO_TIME);
	assert_null(park_doc_find(&a, "a"));
	park_doc_move(&b, &b);
	assert_int_equal(b.n, 1);
	/* The emptied source is ready for reuse. */
	add(&a, "c", "C", 1, NT);
	assert_int_equal(a.n, 1);
	park_doc_fini(&a);
	park_doc_fini(&a);
	park_doc_fini(&b);
}

static void
test_park_doc_index_survives_callers_dropping_items(void **state)
{
	struct park_doc d;

	(void)state;
	park_doc_init(&d);
	add(&d, "a", "A", 1, NT);
	add(&d, "b", "B", 2, NT);
	add(&d, "c", "C", 3, NT);
	d.n = 1; /* e.g. an adapter that filters in place */
	assert_null(park_doc_find(&d, "c"));
	assert_non_null(park_doc_find(&d, "a"));
	assert_int_equal(add(&d, "c", "C", 4, NT), 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(park_doc_find(&d, "c")->free, 4);
	park_doc_fini(&d);
}

/* ---- paths ---- */

static void
test_park_json_path_follows_objects_only(void **state)
{
	struct json_object *root = J("{\"meta\": {\"open\": false, \"n\": null,"
				     " \"deep\": {\"x\": 1}}, \"list\": [1],"
				     " \"free\": 5}");
	struct json_object *v;

	(void)state;
	v = park_json_path(root, "meta.open");
	assert_non_null(v);
	assert_true(json_object_is_type(v, json_type_boolean));
	assert_int_equal(json_object_get_int(park_json_path(root, "free")), 5);
	assert_int_equal(
	    json_object_get_int(park_json_path(root, "meta.deep.x")), 1);
	assert_null(park_json_path(root, "meta.n"));
	assert_null(park_json_path(root, "meta.missing"));
	assert_null(park_json_path(root, "free.x"));
	assert_null(park_json_path(root, "list.0"));
	assert_null(park_json_path(root, ""));
	assert_null(park_json_path(root, ".meta"));
	assert_null(park_json_path(root, "meta..open"));
	assert_null(park_json_path(root, "meta."));
	assert_null(park_json_path(root, NULL));
	assert_null(park_json_path(NULL, "meta"));
	json_object_put(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_park_count_accepts_ints_integral_doubles_and_digit_strings),
		cmocka_unit_test(
		    test_park_count_rejects_null_bool_negative_fraction_nan_range_junk),
		cmocka_unit_test(test_park_count_rejects_12abc),
		cmocka_unit_test(
		    test_park_count_rejects_nan_double_and_missing),
		cmocka_unit_test(
		    test_park_bool_accepts_true_false_strings_and_one_zero),
		cmocka_unit_test(test_park_bool_treats_anything_else_as_absent),
		cmocka_unit_test(test_park_state_words_map_every_listed_word),
		cmocka_unit_test(
		    test_park_state_words_ignore_case_and_surrounding_blanks),
		cmocka_unit_test(
		    test_park_state_unknown_words_are_invalid_and_blank_is_absent),
		cmocka_unit_test(
		    test_park_json_state_null_absent_non_string_invalid),
		cmocka_unit_test(
		    test_park_name_controls_become_spaces_and_runs_collapse),
		cmocka_unit_test(
		    test_park_name_truncates_on_utf8_boundary_without_trailing_space),
		cmocka_unit_test(
		    test_park_json_name_normalises_and_rejects_empty_or_non_string),
		cmocka_unit_test(
		    test_park_json_id_takes_strings_trimmed_and_integers_printed),
		cmocka_unit_test(
		    test_park_time_honours_z_offsets_fractions_and_space),
		cmocka_unit_test(
		    test_park_time_without_zone_uses_given_zone_and_restores_tz),
		cmocka_unit_test(test_park_time_epoch_1970_means_no_time),
		cmocka_unit_test(test_park_time_unwraps_one_element_array_only),
		cmocka_unit_test(
		    test_park_time_rejects_numbers_null_and_garbage),
		cmocka_unit_test(
		    test_park_display_freshness_item_then_doc_then_fetched_time),
		cmocka_unit_test(test_park_display_states_closed_full_nodata),
		cmocka_unit_test(
		    test_park_display_numbers_full_overshoot_and_invalid),
		cmocka_unit_test(test_park_display_names_and_null_shown),
		cmocka_unit_test(
		    test_park_doc_newest_duplicate_wins_in_first_place),
		cmocka_unit_test(
		    test_park_doc_without_times_first_wins_and_timed_beats_untimed),
		cmocka_unit_test(
		    test_park_doc_name_stands_in_for_missing_id_and_back),
		cmocka_unit_test(test_park_doc_skips_items_without_id_and_name),
		cmocka_unit_test(test_park_doc_terminates_unterminated_strings),
		cmocka_unit_test(
		    test_park_doc_holds_100k_distinct_items_and_refuses_more),
		cmocka_unit_test(
		    test_park_doc_move_hands_over_and_empties_source),
		cmocka_unit_test(
		    test_park_doc_index_survives_callers_dropping_items),
		cmocka_unit_test(test_park_json_path_follows_objects_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
