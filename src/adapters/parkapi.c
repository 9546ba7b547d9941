/*
 * parkapi: the three ParkAPI generations (FEEDS.md §1, §2).  They share
 * nothing but the project's name, so each has its own mapper; what they do
 * share is the way an item becomes a park_item (ids, names, counts), kept
 * in the small helpers at the top.  All three write zone-less times in
 * UTC, which is the default zone here unless the feed sets another.
 *
 *  v1  {"last_updated", "lots": [{id, name, free, total, state}]}
 *  v2  {"results": [{lot_id, name, max_capacity, status?, latest_data:
 *      {num_free, capacity, lot_timestamp, timestamp, status} | null}]}
 *      or the bare array
 *  v3  {"items": [{id, original_uid, name, purpose, capacity,
 *      has_realtime_data, realtime_free_capacity, realtime_capacity,
 *      realtime_opening_status, realtime_data_updated_at}]}
 */
#include "adapter.h"

#include <json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static void
parkapi_item_init(struct park_item *it)
{
	memset(it, 0, sizeof(*it));
	it->free = PARK_NO_COUNT;
	it->total = PARK_NO_COUNT;
	it->state = PARK_STATE_ABSENT;
	it->trend = PARK_TREND_NONE;
	it->time_ms = PARK_NO_TIME;
}

static struct json_object *
parkapi_get(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

/*
 * An id: 1 when usable (copied to buf), 0 when absent (missing, null or
 * blank), -1 when present but unusable: too long to keep whole, a number
 * json-c had to clamp, a float, a boolean.  The caller skips such an item,
 * because a cut or invented id could merge two car parks.
 */
static int
parkapi_id(struct json_object *v, char *buf, size_t size)
{
	char probe[8];

	buf[0] = '\0';
	if (v == NULL)
		return 0;
	if (park_json_id(v, buf, size) == 0)
		return 1;
	buf[0] = '\0';
	if (json_object_is_type(v, json_type_string)) {
		park_name_normalise(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), probe,
		    sizeof(probe));
		if (probe[0] == '\0')
			return 0;
	}
	return -1;
}

static int64_t
parkapi_count(struct json_object *v)
{
	int64_t n;

	return park_json_count(v, &n) == 0 ? n : PARK_NO_COUNT;
}

/*
 * Rule 5 makes only a count > 0 a capacity, so the fallback field is used
 * when the first one is missing, invalid or 0; a 0 is kept only when
 * neither has better.
 */
static int64_t
parkapi_capacity(struct json_object *first, struct json_object *second)
{
	int64_t a = parkapi_count(first), b = parkapi_count(second);

	if (a > 0)
		return a;
	if (b > 0)
		return b;
	return a != PARK_NO_COUNT ? a : b;
}

/* Zone-less times are UTC in every ParkAPI version unless configured. */
static const char *
parkapi_tz(const struct adapter_opts *o)
{
	return o->timezone != NULL ? o->timezone : "UTC";
}

static int64_t
parkapi_time(struct json_object *v, const char *tz)
{
	return park_json_when(v, tz);
}

/*
 * Rules 10-12 and 11: an item needs an id or a name of its own (a title
 * alone does not make a car park); a missing name falls back to title,
 * then, in park_doc_add, to the id.
 */
static int
parkapi_add(struct park_doc *out, struct park_item *it,
    struct json_object *name, struct json_object *title, char *err,
    size_t errlen)
{
	if (park_json_name(name, it->name, sizeof(it->name)) != 0) {
		it->name[0] = '\0';
		if (it->id[0] == '\0')
			return 0;
		if (park_json_name(title, it->name, sizeof(it->name)) != 0)
			it->name[0] = '\0';
	}
	if (park_doc_add(out, it) != 0) {
		snprintf(err, errlen, "more than %d car parks", PARK_MAX_ITEMS);
		return -1;
	}
	return 0;
}

/* The array under key in an object root, or NULL. */
static struct json_object *
parkapi_array(struct json_object *root, const char *key)
{
	struct json_object *a = parkapi_get(root, key);

	return json_object_is_type(a, json_type_array) ? a : NULL;
}

/* ---- v1 ---- */

/*
 * The epoch as last_updated is what an empty city returns ("nothing in
 * the database"): the lots then carry no data at all, so they show "---"
 * rather than counting as fresh.
 */
static int
parkapi_v1_epoch(struct json_object *v, const char *tz)
{
	int64_t t;

	if (!json_object_is_type(v, json_type_string) ||
	    park_json_time(v, tz, &t) == 0)
		return 0;
	return util_parse_iso8601_tz(json_object_get_string(v), tz, &t) == 0 &&
	    t <= 0;
}

int
adapter_parkapi_v1(struct json_object *root, const struct adapter_opts *o,
    struct park_doc *out, char *err, size_t errlen)
{
	struct json_object *lots = parkapi_array(root, "lots"), *lot, *upd;
	const char *tz = parkapi_tz(o);
	int epoch;

	if (lots == NULL) {
		snprintf(err, errlen, "top level: expected object with lots[]");
		return -1;
	}
	upd = parkapi_get(root, "last_updated");
	out->time_ms = parkapi_time(upd, tz);
	epoch = parkapi_v1_epoch(upd, tz);
	for (size_t i = 0; i < json_object_array_length(lots); i++) {
		struct park_item it;

		lot = json_object_array_get_idx(lots, i);
		if (!json_object_is_type(lot, json_type_object))
			continue;
		parkapi_item_init(&it);
		if (parkapi_id(parkapi_get(lot, "id"), it.id, sizeof(it.id)) <
		    0)
			continue;
		it.free = parkapi_count(parkapi_get(lot, "free"));
		it.total = parkapi_count(parkapi_get(lot, "total"));
		it.state = park_json_state(parkapi_get(lot, "state"));
		if (epoch)
			it.state = PARK_STATE_NODATA;
		if (parkapi_add(out, &it, parkapi_get(lot, "name"), NULL, err,
			errlen) != 0)
			return -1;
	}
	return 0;
}

/* ---- v2 ---- */

static int
parkapi_v2_lot(struct json_object *lot, const char *tz, struct park_doc *out,
    char *err, size_t errlen)
{
	struct json_object *ld, *id, *st;
	struct park_item it;
	int64_t t;

	parkapi_item_init(&it);
	id = parkapi_get(lot, "lot_id");
	if (id == NULL || json_object_is_type(id, json_type_null))
		id = parkapi_get(lot, "id");
	if (parkapi_id(id, it.id, sizeof(it.id)) < 0)
		return 0;
	/* latest_data null (or not an object): no count, so "---". */
	ld = parkapi_get(lot, "latest_data");
	if (!json_object_is_type(ld, json_type_object))
		ld = NULL;
	it.free = parkapi_count(parkapi_get(ld, "num_free"));
	it.total = parkapi_capacity(
	    parkapi_get(ld, "capacity"), parkapi_get(lot, "max_capacity"));
	t = parkapi_time(parkapi_get(ld, "lot_timestamp"), tz);
	if (t == PARK_NO_TIME || t == PARK_BAD_TIME) {
		/* A readable fallback wins; an unreadable first time stays. */
		int64_t t2 = parkapi_time(parkapi_get(ld, "timestamp"), tz);
		if (t2 != PARK_NO_TIME)
			t = t2;
	}
	it.time_ms = t;
	st = parkapi_get(ld, "status");
	if (st == NULL || json_object_is_type(st, json_type_null))
		st = parkapi_get(lot, "status");
	it.state = park_json_state(st);
	return parkapi_add(
	    out, &it, parkapi_get(lot, "name"), NULL, err, errlen);
}

int
adapter_parkapi_v2(struct json_object *root, const struct adapter_opts *o,
    struct park_doc *out, char *err, size_t errlen)
{
	struct json_object *lots = root, *lot;
	const char *tz = parkapi_tz(o);

	if (!json_object_is_type(root, json_type_array))
		lots = parkapi_array(root, "results");
	if (lots == NULL) {
		snprintf(err, errlen,
		    "top level: expected object with results[] or an array");
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(lots); i++) {
		lot = json_object_array_get_idx(lots, i);
		if (!json_object_is_type(lot, json_type_object))
			continue;
		if (parkapi_v2_lot(lot, tz, out, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* ---- v3 ---- */

/* Rule 14: a site whose purpose is given and is not CAR is not shown. */
static int
parkapi_v3_for_cars(struct json_object *site)
{
	struct json_object *p = parkapi_get(site, "purpose");

	if (p == NULL || json_object_is_type(p, json_type_null))
		return 1;
	return json_object_is_type(p, json_type_string) &&
	    strcasecmp(json_object_get_string(p), "CAR") == 0;
}

static int
parkapi_v3_site(struct json_object *site, const char *tz, struct park_doc *out,
    char *err, size_t errlen)
{
	struct json_object *rt = parkapi_get(site, "has_realtime_data");
	struct park_item it;

	if (!parkapi_v3_for_cars(site))
		return 0;
	parkapi_item_init(&it);
	/* The key is id: original_uid is unique only within one source. */
	if (parkapi_id(parkapi_get(site, "id"), it.id, sizeof(it.id)) < 0)
		return 0;
	/*
	 * Only a real JSON true makes the realtime count trustworthy: the
	 * server drops realtime keys it considers outdated and sets false.
	 */
	if (json_object_is_type(rt, json_type_boolean) &&
	    json_object_get_boolean(rt))
		it.free =
		    parkapi_count(parkapi_get(site, "realtime_free_capacity"));
	it.total = parkapi_capacity(parkapi_get(site, "realtime_capacity"),
	    parkapi_get(site, "capacity"));
	it.time_ms =
	    parkapi_time(parkapi_get(site, "realtime_data_updated_at"), tz);
	it.state =
	    park_json_state(parkapi_get(site, "realtime_opening_status"));
	return parkapi_add(out, &it, parkapi_get(site, "name"),
	    parkapi_get(site, "original_uid"), err, errlen);
}

int
adapter_parkapi_v3(struct json_object *root, const struct adapter_opts *o,
    struct park_doc *out, char *err, size_t errlen)
{
	struct json_object *sites = parkapi_array(root, "items"), *site;
	const char *tz = parkapi_tz(o);

	if (sites == NULL) {
		snprintf(
		    err, errlen, "top level: expected object with items[]");
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(sites); i++) {
		site = json_object_array_get_idx(sites, i);
		if (!json_object_is_type(site, json_type_object))
			continue;
		if (parkapi_v3_site(site, tz, out, err, errlen) != 0)
			return -1;
	}
	return 0;
}
