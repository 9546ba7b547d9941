/*
 * opendatasoft: city portals on the Opendatasoft Explore API v2.1
 * (FEEDS.md §3): the /records response {"total_count", "results": [...]}
 * and the /exports/json bare array of the same flat records.  Datasets
 * name their fields freely (and Basel renamed id2 to id in 2025), so every
 * field comes from struct adapter_fields with defaults for a typical car
 * park dataset; names may be dotted paths into nested objects.
 *
 * Datetime fields carry an offset; zone-less ones are read in the local
 * zone, as the portals' timezone parameter suggests.
 */
#include "adapters/common.h"

#include <json.h>
#include <stdio.h>

/* "" in the config = these defaults. */
static const struct adapter_paths ods_defaults = {
	.id = "id",
	.id2 = "id2",
	.name = "name",
	.title = "title",
	.free = "free",
	.total = "total",
	.state = "status",
	.time = "published",
};

/*
 * Rule 12: a record needs an id or a name of its own.  Basel's placeholder
 * row ("Zur Zeit haben wir keine aktuellen Parkhausdaten erhalten") has
 * only a title and is skipped by adapter_add.
 */
static int
ods_record(struct json_object *rec, const struct adapter_ctx *c)
{
	struct park_item it;

	adapter_item_init(&it);
	if (adapter_record_id(c, rec, it.id, sizeof(it.id)) < 0)
		return 0;
	return adapter_add_record(c, rec, &it);
}

int
adapter_opendatasoft(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w)
{
	struct json_object *recs = root;

	if (!json_object_is_type(root, json_type_array))
		recs = adapter_array(root, "results");
	if (recs == NULL) {
		snprintf(w->c.err, w->c.errlen,
		    "top level: expected object with results[] or an array");
		return -1;
	}
	w->c.tz = o->timezone;
	adapter_paths_pick(o->fields, &ods_defaults, &w->paths);
	w->c.paths = &w->paths;
	adapter_walk_array(w, recs, ods_record);
	return 0;
}
