/*
 * geojson: a FeatureCollection with one Feature per car park (FEEDS.md
 * §4; Transport for Luxembourg's /Occupancy/CarPark is the model).  There
 * is no common property vocabulary between cities, so every property is a
 * dotted path relative to the Feature's properties, taken from struct
 * adapter_fields, with TfL's names as defaults:
 *
 *  {"type": "FeatureCollection", "features": [{"type": "Feature",
 *   "properties": {"id": "vdl:29", "name": "Brasserie", "total": 270,
 *   "free": 228, "trend": "down", "meta": {"open": true}}}]}
 *
 * The trend is of spaces in use: "up" means the car park is filling.
 * Zone-less times (Freiburg's "YYYY-MM-DD HH:MM:SS") are local.
 */
#include "adapter.h"

#include <json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The paths in use for one document: "" in the config = the default. */
struct geojson_paths {
	const char *id, *id2, *name, *title, *free, *total, *state, *open,
	    *trend, *time;
};

static const char *
geojson_pick(const char *set, const char *def)
{
	return set[0] != '\0' ? set : def;
}

static void
geojson_paths(const struct adapter_fields *f, struct geojson_paths *p)
{
	static const struct adapter_fields none;

	if (f == NULL)
		f = &none;
	p->id = geojson_pick(f->id, "id");
	p->id2 = geojson_pick(f->id2, NULL);
	p->name = geojson_pick(f->name, "name");
	p->title = geojson_pick(f->title, NULL);
	p->free = geojson_pick(f->free, "free");
	p->total = geojson_pick(f->total, "total");
	p->state = geojson_pick(f->state, NULL);
	p->open = geojson_pick(f->open, "meta.open");
	p->trend = geojson_pick(f->trend, "trend");
	p->time = geojson_pick(f->time, NULL);
}

static struct json_object *
geojson_get(struct json_object *props, const char *path)
{
	return path != NULL ? park_json_path(props, path) : NULL;
}

static int64_t
geojson_count(struct json_object *v)
{
	int64_t n;

	return park_json_count(v, &n) == 0 ? n : PARK_NO_COUNT;
}

static int64_t
geojson_time(struct json_object *v, const char *tz)
{
	return park_json_when(v, tz);
}

/*
 * An id: 1 when usable (copied to buf), 0 when absent (missing, null or
 * blank), -1 when present but unusable (too long to keep whole, a clamped
 * number, a float, a boolean): the feature is then skipped, because a cut
 * or invented id could merge two car parks.
 */
static int
geojson_id(struct json_object *v, char *buf, size_t size)
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

static int
geojson_trend(struct json_object *v)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return PARK_TREND_NONE;
	s = json_object_get_string(v);
	if (strcasecmp(s, "up") == 0)
		return PARK_TREND_FILLING;
	if (strcasecmp(s, "down") == 0)
		return PARK_TREND_EMPTYING;
	return PARK_TREND_NONE;
}

/* The state word, overruled by an open flag that says closed (rule 3). */
static int
geojson_state(struct json_object *word, struct json_object *flag)
{
	enum park_state st = park_json_state(word);
	int open;

	if (park_json_bool(flag, &open) == 0) {
		if (!open)
			return PARK_STATE_CLOSED;
		if (st == PARK_STATE_ABSENT)
			return PARK_STATE_OPEN;
	}
	return st;
}

/*
 * The id: the configured paths, else the Feature's own "id" member, where
 * RFC 7946 puts an identifier.
 */
static int
geojson_feature_id(struct json_object *f, struct json_object *props,
    const struct geojson_paths *p, char *buf, size_t size)
{
	struct json_object *fid = NULL;
	int r;

	r = geojson_id(geojson_get(props, p->id), buf, size);
	if (r == 0)
		r = geojson_id(geojson_get(props, p->id2), buf, size);
	if (r == 0 && json_object_object_get_ex(f, "id", &fid))
		r = geojson_id(fid, buf, size);
	return r;
}

static int
geojson_feature(struct json_object *f, const struct geojson_paths *p,
    const char *tz, struct park_doc *out, char *err, size_t errlen)
{
	struct json_object *props = NULL;
	struct park_item it;

	if (!json_object_object_get_ex(f, "properties", &props) ||
	    !json_object_is_type(props, json_type_object))
		return 0;
	memset(&it, 0, sizeof(it));
	if (geojson_feature_id(f, props, p, it.id, sizeof(it.id)) < 0)
		return 0;
	/* Rule 12: an id or a name of its own, then rule 10's fallbacks. */
	if (park_json_name(
		geojson_get(props, p->name), it.name, sizeof(it.name)) != 0) {
		it.name[0] = '\0';
		if (it.id[0] == '\0')
			return 0;
		if (park_json_name(geojson_get(props, p->title), it.name,
			sizeof(it.name)) != 0)
			it.name[0] = '\0';
	}
	it.free = geojson_count(geojson_get(props, p->free));
	it.total = geojson_count(geojson_get(props, p->total));
	it.time_ms = geojson_time(geojson_get(props, p->time), tz);
	it.state = geojson_state(
	    geojson_get(props, p->state), geojson_get(props, p->open));
	it.trend = geojson_trend(geojson_get(props, p->trend));
	if (park_doc_add(out, &it) != 0) {
		snprintf(err, errlen, "more than %d car parks", PARK_MAX_ITEMS);
		return -1;
	}
	return 0;
}

int
adapter_geojson(struct json_object *root, const struct adapter_opts *o,
    struct park_doc *out, char *err, size_t errlen)
{
	struct json_object *type = NULL, *feats = NULL, *f;
	struct geojson_paths paths;

	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "features", &feats) ||
	    !json_object_is_type(feats, json_type_array)) {
		snprintf(err, errlen,
		    "top level: expected FeatureCollection with features[]");
		return -1;
	}
	if (json_object_object_get_ex(root, "type", &type) &&
	    !(json_object_is_type(type, json_type_string) &&
		strcmp(json_object_get_string(type), "FeatureCollection") ==
		    0)) {
		snprintf(err, errlen,
		    "top level: type is not \"FeatureCollection\"");
		return -1;
	}
	geojson_paths(o->fields, &paths);
	for (size_t i = 0; i < json_object_array_length(feats); i++) {
		f = json_object_array_get_idx(feats, i);
		if (!json_object_is_type(f, json_type_object))
			continue;
		if (geojson_feature(f, &paths, o->timezone, out, err, errlen) !=
		    0)
			return -1;
	}
	return 0;
}
