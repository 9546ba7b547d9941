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
#include "adapter.h"

#include <json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The paths in use for one document: "" in the config = the default. */
struct ods_paths {
	const char *id, *id2, *name, *title, *free, *total, *state, *open,
	    *trend, *time;
};

static const char *
ods_pick(const char *set, const char *def)
{
	return set[0] != '\0' ? set : def;
}

static void
ods_paths(const struct adapter_fields *f, struct ods_paths *p)
{
	static const struct adapter_fields none;

	if (f == NULL)
		f = &none;
	p->id = ods_pick(f->id, "id");
	p->id2 = ods_pick(f->id2, "id2");
	p->name = ods_pick(f->name, "name");
	p->title = ods_pick(f->title, "title");
	p->free = ods_pick(f->free, "free");
	p->total = ods_pick(f->total, "total");
	p->state = ods_pick(f->state, "status");
	p->open = ods_pick(f->open, NULL);
	p->trend = ods_pick(f->trend, NULL);
	p->time = ods_pick(f->time, "published");
}

static struct json_object *
ods_get(struct json_object *rec, const char *path)
{
	return path != NULL ? park_json_path(rec, path) : NULL;
}

static int64_t
ods_count(struct json_object *v)
{
	int64_t n;

	return park_json_count(v, &n) == 0 ? n : PARK_NO_COUNT;
}

static int64_t
ods_time(struct json_object *v, const char *tz)
{
	return park_json_when(v, tz);
}

/*
 * An id: 1 when usable (copied to buf), 0 when absent (missing, null or
 * blank), -1 when present but unusable (too long to keep whole, a clamped
 * number, a float, a boolean): the record is then skipped, because a cut
 * or invented id could merge two car parks.
 */
static int
ods_id(struct json_object *v, char *buf, size_t size)
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

/* "up" = more spaces in use (filling), "down" = emptying. */
static int
ods_trend(struct json_object *v)
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
ods_state(struct json_object *word, struct json_object *flag)
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

static int
ods_record(struct json_object *rec, const struct ods_paths *p, const char *tz,
    struct park_doc *out, char *err, size_t errlen)
{
	struct park_item it;
	int r;

	memset(&it, 0, sizeof(it));
	r = ods_id(ods_get(rec, p->id), it.id, sizeof(it.id));
	if (r == 0)
		r = ods_id(ods_get(rec, p->id2), it.id, sizeof(it.id));
	if (r < 0)
		return 0;
	/*
	 * Rule 12: a record needs an id or a name of its own.  Basel's
	 * placeholder row ("Zur Zeit haben wir keine aktuellen
	 * Parkhausdaten erhalten") has only a title and is skipped.
	 */
	if (park_json_name(ods_get(rec, p->name), it.name, sizeof(it.name)) !=
	    0) {
		it.name[0] = '\0';
		if (it.id[0] == '\0')
			return 0;
		if (park_json_name(
			ods_get(rec, p->title), it.name, sizeof(it.name)) != 0)
			it.name[0] = '\0';
	}
	it.free = ods_count(ods_get(rec, p->free));
	it.total = ods_count(ods_get(rec, p->total));
	it.time_ms = ods_time(ods_get(rec, p->time), tz);
	it.state = ods_state(ods_get(rec, p->state), ods_get(rec, p->open));
	it.trend = ods_trend(ods_get(rec, p->trend));
	if (park_doc_add(out, &it) != 0) {
		snprintf(err, errlen, "more than %d car parks", PARK_MAX_ITEMS);
		return -1;
	}
	return 0;
}

int
adapter_opendatasoft(struct json_object *root, const struct adapter_opts *o,
    struct park_doc *out, char *err, size_t errlen)
{
	struct json_object *recs = root, *rec;
	struct ods_paths paths;

	if (!json_object_is_type(root, json_type_array) &&
	    (!json_object_is_type(root, json_type_object) ||
		!json_object_object_get_ex(root, "results", &recs) ||
		!json_object_is_type(recs, json_type_array))) {
		snprintf(err, errlen,
		    "top level: expected object with results[] or an array");
		return -1;
	}
	ods_paths(o->fields, &paths);
	for (size_t i = 0; i < json_object_array_length(recs); i++) {
		rec = json_object_array_get_idx(recs, i);
		if (!json_object_is_type(rec, json_type_object))
			continue;
		if (ods_record(rec, &paths, o->timezone, out, err, errlen) != 0)
			return -1;
	}
	return 0;
}
