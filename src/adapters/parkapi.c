/*
 * parkapi: the three ParkAPI generations (FEEDS.md §1, §2).  They share
 * nothing but the project's name, so each has its own mapper; the way an
 * item becomes a park_item (ids, names, counts) is the same for all feed
 * formats and lives in common.c.  All three write zone-less times in UTC,
 * which is the default zone here unless the feed sets another.
 *
 *  v1  {"last_updated", "lots": [{id, name, free, total, state}]}
 *  v2  {"results": [{lot_id, name, max_capacity, status?, latest_data:
 *      {num_free, capacity, lot_timestamp, timestamp, status} | null}]}
 *      or the bare array
 *  v3  {"items": [{id, original_uid, name, purpose, capacity,
 *      has_realtime_data, realtime_free_capacity, realtime_capacity,
 *      realtime_opening_status, realtime_data_updated_at}]}
 */
#include "adapters/common.h"

#include <json.h>
#include <stdio.h>
#include <strings.h>

#include "util.h"

/*
 * Rule 5 makes only a count > 0 a capacity, so the fallback field is used
 * when the first one is missing, invalid or 0; a 0 is kept only when
 * neither has better.
 */
static int64_t
parkapi_capacity(struct json_object *first, struct json_object *second)
{
	int64_t a = adapter_count(first), b = adapter_count(second);

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

static int
parkapi_v1_lot(struct json_object *lot, const struct adapter_ctx *c)
{
	struct park_item it;

	adapter_item_init(&it);
	if (adapter_id(adapter_get(lot, "id"), it.id, sizeof(it.id)) < 0)
		return 0;
	it.free = adapter_count(adapter_get(lot, "free"));
	it.total = adapter_count(adapter_get(lot, "total"));
	it.state = park_json_state(adapter_get(lot, "state"));
	if (c->nodata)
		it.state = PARK_STATE_NODATA;
	return adapter_add(c, &it, adapter_get(lot, "name"), NULL);
}

int
adapter_parkapi_v1(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w)
{
	struct json_object *lots = adapter_array(root, "lots"), *upd;
	struct adapter_ctx *c = &w->c;

	if (lots == NULL) {
		snprintf(c->err, c->errlen,
		    "top level: expected object with lots[]");
		return -1;
	}
	c->tz = parkapi_tz(o);
	upd = adapter_get(root, "last_updated");
	c->out->time_ms = park_json_when(upd, c->tz);
	c->nodata = parkapi_v1_epoch(upd, c->tz);
	adapter_walk_array(w, lots, parkapi_v1_lot);
	return 0;
}

/* ---- v2 ---- */

static int
parkapi_v2_lot(struct json_object *lot, const struct adapter_ctx *c)
{
	struct json_object *ld, *id, *st;
	struct park_item it;
	int64_t t;

	adapter_item_init(&it);
	id = adapter_get(lot, "lot_id");
	if (id == NULL || json_object_is_type(id, json_type_null))
		id = adapter_get(lot, "id");
	if (adapter_id(id, it.id, sizeof(it.id)) < 0)
		return 0;
	/* latest_data null (or not an object): no count, so "---". */
	ld = adapter_get(lot, "latest_data");
	if (!json_object_is_type(ld, json_type_object))
		ld = NULL;
	it.free = adapter_count(adapter_get(ld, "num_free"));
	it.total = parkapi_capacity(
	    adapter_get(ld, "capacity"), adapter_get(lot, "max_capacity"));
	t = park_json_when(adapter_get(ld, "lot_timestamp"), c->tz);
	if (t == PARK_NO_TIME || t == PARK_BAD_TIME) {
		/* A readable fallback wins; an unreadable first time stays. */
		int64_t t2 =
		    park_json_when(adapter_get(ld, "timestamp"), c->tz);
		if (t2 != PARK_NO_TIME)
			t = t2;
	}
	it.time_ms = t;
	st = adapter_get(ld, "status");
	if (st == NULL || json_object_is_type(st, json_type_null))
		st = adapter_get(lot, "status");
	it.state = park_json_state(st);
	return adapter_add(c, &it, adapter_get(lot, "name"), NULL);
}

int
adapter_parkapi_v2(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w)
{
	struct json_object *lots = root;

	if (!json_object_is_type(root, json_type_array))
		lots = adapter_array(root, "results");
	if (lots == NULL) {
		snprintf(w->c.err, w->c.errlen,
		    "top level: expected object with results[] or an array");
		return -1;
	}
	w->c.tz = parkapi_tz(o);
	adapter_walk_array(w, lots, parkapi_v2_lot);
	return 0;
}

/* ---- v3 ---- */

/* Rule 14: a site whose purpose is given and is not CAR is not shown. */
static int
parkapi_v3_for_cars(struct json_object *site)
{
	struct json_object *p = adapter_get(site, "purpose");

	if (p == NULL || json_object_is_type(p, json_type_null))
		return 1;
	return json_object_is_type(p, json_type_string) &&
	    strcasecmp(json_object_get_string(p), "CAR") == 0;
}

static int
parkapi_v3_site(struct json_object *site, const struct adapter_ctx *c)
{
	struct json_object *rt = adapter_get(site, "has_realtime_data");
	struct park_item it;

	if (!parkapi_v3_for_cars(site))
		return 0;
	adapter_item_init(&it);
	/* The key is id: original_uid is unique only within one source. */
	if (adapter_id(adapter_get(site, "id"), it.id, sizeof(it.id)) < 0)
		return 0;
	/*
	 * Only a real JSON true makes the realtime count trustworthy: the
	 * server drops realtime keys it considers outdated and sets false.
	 */
	if (json_object_is_type(rt, json_type_boolean) &&
	    json_object_get_boolean(rt))
		it.free =
		    adapter_count(adapter_get(site, "realtime_free_capacity"));
	it.total = parkapi_capacity(adapter_get(site, "realtime_capacity"),
	    adapter_get(site, "capacity"));
	it.time_ms = park_json_when(
	    adapter_get(site, "realtime_data_updated_at"), c->tz);
	it.state =
	    park_json_state(adapter_get(site, "realtime_opening_status"));
	return adapter_add(c, &it, adapter_get(site, "name"),
	    adapter_get(site, "original_uid"));
}

int
adapter_parkapi_v3(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w)
{
	struct json_object *sites = adapter_array(root, "items");

	if (sites == NULL) {
		snprintf(w->c.err, w->c.errlen,
		    "top level: expected object with items[]");
		return -1;
	}
	w->c.tz = parkapi_tz(o);
	adapter_walk_array(w, sites, parkapi_v3_site);
	return 0;
}
