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
#include "adapters/common.h"

#include <json.h>
#include <stdio.h>
#include <string.h>

/* "" in the config = these defaults (TfL's names). */
static const struct adapter_paths geojson_defaults = {
	.id = "id",
	.name = "name",
	.free = "free",
	.total = "total",
	.open = "meta.open",
	.trend = "trend",
};

/*
 * The id: the configured paths, else the Feature's own "id" member, where
 * RFC 7946 puts an identifier.  Rule 12 (an id or a name of its own) and
 * rule 10's name fallbacks are adapter_add's.
 */
static int
geojson_feature(struct json_object *f, const struct adapter_ctx *c)
{
	struct json_object *props = adapter_get(f, "properties");
	struct park_item it;
	int r;

	if (!json_object_is_type(props, json_type_object))
		return 0;
	adapter_item_init(&it);
	r = adapter_record_id(c, props, it.id, sizeof(it.id));
	if (r == 0)
		r = adapter_id(adapter_get(f, "id"), it.id, sizeof(it.id));
	if (r < 0)
		return 0;
	return adapter_add_record(c, props, &it);
}

int
adapter_geojson(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w)
{
	struct json_object *feats = adapter_array(root, "features");
	struct json_object *type = NULL;
	char *err = w->c.err;
	size_t errlen = w->c.errlen;

	if (feats == NULL) {
		snprintf(err, errlen,
		    "top level: expected FeatureCollection with features[]");
		return -1;
	}
	/* Present but null is no FeatureCollection either. */
	if (json_object_object_get_ex(root, "type", &type) &&
	    !(json_object_is_type(type, json_type_string) &&
		strcmp(json_object_get_string(type), "FeatureCollection") ==
		    0)) {
		snprintf(err, errlen,
		    "top level: type is not \"FeatureCollection\"");
		return -1;
	}
	w->c.tz = o->timezone;
	adapter_paths_pick(o->fields, &geojson_defaults, &w->paths);
	w->c.paths = &w->paths;
	adapter_walk_array(w, feats, geojson_feature);
	return 0;
}
