/*
 * pls_luzern: Lucerne's parking guidance feed, TeqParkingWS GetFreeParks
 * (FEEDS.md §6.3).  The format is undocumented and known only from
 * third-party clients, so the adapter is strict where they agree (status
 * "success", car parks in an object keyed by code) and lenient elsewhere
 * (unknown keys are ignored).
 *
 *  {"status": "success", "data": {"parkings": {"SP03": {"description":
 *   "Kesselturm", "vacancy": 106, "capacity": 340, "opened": true,
 *   "maintenance": false, "datestamp": "2026-01-08T13:39:46+01:00"}}}}
 *
 * The id is the code (the object key), never the position: the display
 * configuration refers to car parks by code.
 */
#include "adapter.h"

#include <json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static struct json_object *
pls_get(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

/* Only the word "success" (blanks and case aside) means a good document. */
static int
pls_status_ok(struct json_object *st)
{
	const char *s;
	size_t n;

	if (!json_object_is_type(st, json_type_string))
		return 0;
	s = json_object_get_string(st);
	n = (size_t)json_object_get_string_len(st);
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == 7 && strncasecmp(s, "success", 7) == 0;
}

/*
 * The code, trimmed, into buf: 1 when usable, 0 when blank (the item is
 * then keyed by its name), -1 when too long to keep whole (skipped: a cut
 * code could merge two car parks).
 */
static int
pls_code(const char *key, char *buf, size_t size)
{
	size_t n = strlen(key);

	while (n > 0 && (*key == ' ' || *key == '\t')) {
		key++;
		n--;
	}
	while (n > 0 && (key[n - 1] == ' ' || key[n - 1] == '\t'))
		n--;
	buf[0] = '\0';
	if (n == 0)
		return 0;
	if (n >= size)
		return -1;
	memcpy(buf, key, n);
	buf[n] = '\0';
	return 1;
}

/* opened false or maintenance true: closed; opened true: open (rule 9). */
static int
pls_state(struct json_object *p)
{
	int opened, maint;

	if (park_json_bool(pls_get(p, "maintenance"), &maint) == 0 && maint)
		return PARK_STATE_CLOSED;
	if (park_json_bool(pls_get(p, "opened"), &opened) == 0)
		return opened ? PARK_STATE_OPEN : PARK_STATE_CLOSED;
	return PARK_STATE_ABSENT;
}

static int
pls_parking(const char *code, struct json_object *p, const char *tz,
    struct park_doc *out, char *err, size_t errlen)
{
	struct park_item it;
	int64_t v;

	memset(&it, 0, sizeof(it));
	if (pls_code(code, it.id, sizeof(it.id)) < 0)
		return 0;
	if (park_json_name(
		pls_get(p, "description"), it.name, sizeof(it.name)) != 0)
		it.name[0] = '\0';
	it.free = PARK_NO_COUNT;
	it.total = PARK_NO_COUNT;
	it.time_ms = PARK_NO_TIME;
	if (park_json_count(pls_get(p, "vacancy"), &v) == 0)
		it.free = v;
	if (park_json_count(pls_get(p, "capacity"), &v) == 0)
		it.total = v;
	it.time_ms = park_json_when(pls_get(p, "datestamp"), tz);
	it.state = pls_state(p);
	it.trend = PARK_TREND_NONE;
	if (park_doc_add(out, &it) != 0) {
		snprintf(err, errlen, "more than %d car parks", PARK_MAX_ITEMS);
		return -1;
	}
	return 0;
}

int
adapter_pls_luzern(struct json_object *root, const struct adapter_opts *o,
    struct park_doc *out, char *err, size_t errlen)
{
	struct json_object *st, *parkings;

	if (!json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen,
		    "top level: expected object with status and "
		    "data.parkings{}");
		return -1;
	}
	st = pls_get(root, "status");
	if (!pls_status_ok(st)) {
		char what[48];

		if (json_object_is_type(st, json_type_string)) {
			park_name_normalise(json_object_get_string(st),
			    (size_t)json_object_get_string_len(st), what,
			    sizeof(what));
			snprintf(err, errlen,
			    "top level: status \"%s\", not \"success\"", what);
		} else {
			snprintf(err, errlen,
			    "top level: expected \"status\": \"success\"");
		}
		return -1;
	}
	parkings = park_json_path(root, "data.parkings");
	if (!json_object_is_type(parkings, json_type_object)) {
		snprintf(err, errlen,
		    "top level: expected object with data.parkings{}");
		return -1;
	}
	json_object_object_foreach (parkings, code, p) {
		if (!json_object_is_type(p, json_type_object))
			continue;
		if (pls_parking(code, p, o->timezone, out, err, errlen) != 0)
			return -1;
	}
	return 0;
}
