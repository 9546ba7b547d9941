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
#include "adapters/common.h"

#include <json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Drop blanks (spaces and tabs only) around s[0..*n). */
static const char *
pls_trim(const char *s, size_t *n)
{
	while (*n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

/* Only the word "success" (blanks and case aside) means a good document. */
static int
pls_status_ok(struct json_object *st)
{
	const char *s;
	size_t n;

	if (!json_object_is_type(st, json_type_string))
		return 0;
	n = (size_t)json_object_get_string_len(st);
	s = pls_trim(json_object_get_string(st), &n);
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

	key = pls_trim(key, &n);
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

	if (park_json_bool(adapter_get(p, "maintenance"), &maint) == 0 && maint)
		return PARK_STATE_CLOSED;
	if (park_json_bool(adapter_get(p, "opened"), &opened) == 0)
		return opened ? PARK_STATE_OPEN : PARK_STATE_CLOSED;
	return PARK_STATE_ABSENT;
}

/* A car park without code or description is skipped (adapter_add). */
static int
pls_parking(
    const char *code, struct json_object *p, const struct adapter_ctx *c)
{
	struct park_item it;

	adapter_item_init(&it);
	if (pls_code(code, it.id, sizeof(it.id)) < 0)
		return 0;
	it.free = adapter_count(adapter_get(p, "vacancy"));
	it.total = adapter_count(adapter_get(p, "capacity"));
	it.time_ms = park_json_when(adapter_get(p, "datestamp"), c->tz);
	it.state = pls_state(p);
	return adapter_add(c, &it, adapter_get(p, "description"), NULL);
}

int
adapter_pls_luzern(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w)
{
	char *err = w->c.err;
	size_t errlen = w->c.errlen;
	struct json_object *st, *parkings;

	if (!json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen,
		    "top level: expected object with status and "
		    "data.parkings{}");
		return -1;
	}
	st = adapter_get(root, "status");
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
	w->c.tz = o->timezone;
	adapter_walk_object(w, parkings, pls_parking);
	return 0;
}
