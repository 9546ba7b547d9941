/*
 * stationboard: departures from transport.opendata.ch (FEEDS.md §7).
 *
 *  {"station": {...}, "stationboard": [{"stop": {"departure":
 *   "2016-12-23T14:30:00+0100", "departureTimestamp": 1482499800,
 *   "delay": 3, "platform": "5", "prognosis": {"platform": "7"}},
 *   "name": null, "category": "IR", "number": "2379", "to": "Zürich HB"}]}
 *
 * Each entry becomes one departure record (info.h); what is shown when,
 * the order and the duplicates are info.c's rules (S1, S3, S7).  Here:
 *  S1  the scheduled time is stop.departureTimestamp (Unix seconds) when it
 *      is usable, else stop.departure (ISO 8601, "+0100" or "+01:00");
 *  S2  an entry without a stop object or without either time is skipped;
 *  S4  label = category + " " + number; number alone when it already
 *      starts with the category or there is no category; name when there
 *      is no number (an extension of S4: "Bus 5", not "B"), and the
 *      category alone only when the name is missing too;
 *  S5  platform = stop.prognosis.platform when a non-blank string, else
 *      stop.platform; null or blank gives "";
 *  S6  delay = stop.delay when a whole number (JSON integer, integral
 *      double, or a string of digits with an optional "-"); anything else
 *      ("X" for cancelled, null, 2.5) is no delay.
 * The API's error answer {"errors": [{"message": ...}]} is rejected as a
 * whole, by adapter.c's check for API error objects (all JSON formats).
 */
#include "adapters/common.h"

#include <json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "info.h"

#define SB_MAX_EPOCH_S ((int64_t)253402300799) /* 9999-12-31T23:59:59Z */
#define SB_MAX_DELAY   ((int64_t)7 * 24 * 60)  /* minutes; more is junk */

/* A JSON string's bytes normalised (blanks collapsed, trimmed) into buf. */
static void
sb_text(struct json_object *v, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!json_object_is_type(v, json_type_string))
		return;
	park_name_normalise(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v), buf, size);
}

/* A label part: a string as sb_text, or an integer printed; "" if none. */
static void
sb_word(struct json_object *v, char *buf, size_t size)
{
	buf[0] = '\0';
	if (json_object_is_type(v, json_type_int))
		snprintf(
		    buf, size, "%lld", (long long)json_object_get_int64(v));
	else
		sb_text(v, buf, size);
}

/* A whole number in JSON: integer, integral double or "-12" string. */
static int
sb_whole(struct json_object *v, int64_t lo, int64_t hi, int64_t *out)
{
	const char *s;
	double d;
	int64_t n = 0;
	int neg = 0, digits = 0;

	switch (json_object_get_type(v)) {
	case json_type_int:
		n = json_object_get_int64(v);
		break;
	case json_type_double:
		d = json_object_get_double(v);
		if (!isfinite(d) || d != floor(d) || d < (double)lo ||
		    d > (double)hi)
			return -1;
		n = (int64_t)d;
		break;
	case json_type_string:
		s = json_object_get_string(v);
		while (*s == ' ')
			s++;
		if (*s == '-') {
			neg = 1;
			s++;
		}
		for (; *s >= '0' && *s <= '9' && digits < 15; s++, digits++)
			n = n * 10 + (*s - '0');
		while (*s == ' ')
			s++;
		if (digits == 0 || *s != '\0')
			return -1;
		if (neg)
			n = -n;
		break;
	default:
		return -1;
	}
	if (n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/* S1: the scheduled departure in wall ms, or PARK_NO_TIME (S2). */
static int64_t
sb_time(struct json_object *stop, const char *tz)
{
	int64_t s, t;

	if (sb_whole(adapter_get(stop, "departureTimestamp"), 1, SB_MAX_EPOCH_S,
		&s) == 0)
		return s * 1000;
	if (park_json_time(adapter_get(stop, "departure"), tz, &t) == 0)
		return t;
	return PARK_NO_TIME;
}

/* S4 (with the name before a category alone); cut on a character. */
static void
sb_label(struct json_object *e, char *buf, size_t size)
{
	char cat[INFO_LINE_LEN], num[INFO_LINE_LEN], both[2 * INFO_LINE_LEN];

	sb_word(adapter_get(e, "category"), cat, sizeof(cat));
	sb_word(adapter_get(e, "number"), num, sizeof(num));
	if (cat[0] != '\0' && num[0] != '\0' &&
	    strncmp(num, cat, strlen(cat)) != 0) {
		snprintf(both, sizeof(both), "%s %s", cat, num);
		park_name_normalise(both, strlen(both), buf, size);
	} else if (num[0] != '\0') {
		park_name_normalise(num, strlen(num), buf, size);
	} else {
		sb_text(adapter_get(e, "name"), buf, size);
		if (buf[0] == '\0')
			park_name_normalise(cat, strlen(cat), buf, size);
	}
}

/* S5. */
static void
sb_platform(struct json_object *stop, char *buf, size_t size)
{
	sb_word(
	    adapter_get(adapter_get(stop, "prognosis"), "platform"), buf, size);
	if (buf[0] == '\0')
		sb_word(adapter_get(stop, "platform"), buf, size);
}

static int
sb_entry(struct json_object *e, const struct adapter_ctx *c)
{
	struct json_object *stop = adapter_get(e, "stop");
	struct info_item it;
	int64_t delay;

	if (!json_object_is_type(stop, json_type_object))
		return 0; /* S2 */
	info_item_init(&it);
	it.time_ms = sb_time(stop, c->tz);
	if (it.time_ms == PARK_NO_TIME)
		return 0; /* S2 */
	if (sb_whole(adapter_get(stop, "delay"), -SB_MAX_DELAY, SB_MAX_DELAY,
		&delay) == 0)
		it.delay_min = (int32_t)delay;
	sb_label(e, it.line, sizeof(it.line));
	sb_text(adapter_get(e, "to"), it.text, sizeof(it.text));
	sb_platform(stop, it.platform, sizeof(it.platform));
	if (info_add(c->out, &it) != 0) {
		snprintf(c->err, c->errlen, "more than %d departures",
		    INFO_MAX_ITEMS);
		return -1;
	}
	return 0;
}

int
adapter_stationboard(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w)
{
	struct json_object *board;

	w->c.out->kind = INFO_KIND_DEPARTURE;
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(w->c.err, w->c.errlen,
		    "top level: expected object with stationboard[]");
		return -1;
	}
	board = adapter_array(root, "stationboard");
	if (board == NULL) {
		snprintf(w->c.err, w->c.errlen,
		    "top level: expected object with stationboard[]");
		return -1;
	}
	w->c.tz = o->timezone;
	adapter_walk_array(w, board, sb_entry);
	return 0;
}
