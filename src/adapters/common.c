/*
 * adapters/common: the item-level rules every parking feed adapter shares
 * (see common.h).  Everything here reads a JSON value strictly through the
 * park_json_* readers and fills a park_item; nothing logs, and the only
 * error, too many car parks, goes into the caller's err buffer.
 */
#include "adapters/common.h"

#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *
adapter_pick(const char *set, const char *def)
{
	return set[0] != '\0' ? set : def;
}

void
adapter_paths_pick(const struct adapter_fields *f,
    const struct adapter_paths *defaults, struct adapter_paths *p)
{
	static const struct adapter_fields none;

	if (f == NULL)
		f = &none;
	p->id = adapter_pick(f->id, defaults->id);
	p->id2 = adapter_pick(f->id2, defaults->id2);
	p->name = adapter_pick(f->name, defaults->name);
	p->title = adapter_pick(f->title, defaults->title);
	p->free = adapter_pick(f->free, defaults->free);
	p->total = adapter_pick(f->total, defaults->total);
	p->state = adapter_pick(f->state, defaults->state);
	p->open = adapter_pick(f->open, defaults->open);
	p->trend = adapter_pick(f->trend, defaults->trend);
	p->time = adapter_pick(f->time, defaults->time);
}

struct json_object *
adapter_get(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

struct json_object *
adapter_path(struct json_object *obj, const char *path)
{
	return path != NULL ? park_json_path(obj, path) : NULL;
}

struct json_object *
adapter_array(struct json_object *obj, const char *key)
{
	struct json_object *a = adapter_get(obj, key);

	return json_object_is_type(a, json_type_array) ? a : NULL;
}

int64_t
adapter_count(struct json_object *v)
{
	int64_t n;

	return park_json_count(v, &n) == 0 ? n : PARK_NO_COUNT;
}

int
adapter_id(struct json_object *v, char *buf, size_t size)
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

int
adapter_trend(struct json_object *v)
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

int
adapter_state(struct json_object *word, struct json_object *flag)
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

void
adapter_item_init(struct park_item *it)
{
	memset(it, 0, sizeof(*it));
	it->free = PARK_NO_COUNT;
	it->total = PARK_NO_COUNT;
	it->state = PARK_STATE_ABSENT;
	it->trend = PARK_TREND_NONE;
	it->time_ms = PARK_NO_TIME;
}

int
adapter_add(const struct adapter_ctx *c, struct park_item *it,
    struct json_object *name, struct json_object *title)
{
	if (park_json_name(name, it->name, sizeof(it->name)) != 0) {
		it->name[0] = '\0';
		if (it->id[0] == '\0')
			return 0;
		if (park_json_name(title, it->name, sizeof(it->name)) != 0)
			it->name[0] = '\0';
	}
	if (park_doc_add(c->out, it) != 0) {
		snprintf(c->err, c->errlen, "more than %d car parks",
		    PARK_MAX_ITEMS);
		return -1;
	}
	return 0;
}

int
adapter_record_id(const struct adapter_ctx *c, struct json_object *rec,
    char *buf, size_t size)
{
	int r;

	r = adapter_id(adapter_path(rec, c->paths->id), buf, size);
	if (r == 0)
		r = adapter_id(adapter_path(rec, c->paths->id2), buf, size);
	return r;
}

int
adapter_add_record(
    const struct adapter_ctx *c, struct json_object *rec, struct park_item *it)
{
	const struct adapter_paths *p = c->paths;

	it->free = adapter_count(adapter_path(rec, p->free));
	it->total = adapter_count(adapter_path(rec, p->total));
	it->time_ms = park_json_when(adapter_path(rec, p->time), c->tz);
	it->state = adapter_state(
	    adapter_path(rec, p->state), adapter_path(rec, p->open));
	it->trend = adapter_trend(adapter_path(rec, p->trend));
	return adapter_add(
	    c, it, adapter_path(rec, p->name), adapter_path(rec, p->title));
}

void
adapter_walk_array(
    struct adapter_walk *w, struct json_object *items, adapter_item_fn *one)
{
	w->items = items;
	w->one = one;
	w->i = 0;
	w->n = json_object_array_length(items);
}

void
adapter_walk_object(
    struct adapter_walk *w, struct json_object *items, adapter_keyed_fn *keyed)
{
	w->items = items;
	w->keyed = keyed;
	w->it = json_object_iter_begin(items);
	w->end = json_object_iter_end(items);
}

void
adapter_walk_nodes(struct adapter_walk *w, struct _xmlNode **nodes, size_t n,
    adapter_node_fn *fn)
{
	free(w->nodes);
	w->nodes = nodes;
	w->node = fn;
	w->i = 0;
	w->n = n;
}

void
adapter_walk_fini(struct adapter_walk *w)
{
	free(w->nodes);
	w->nodes = NULL;
	w->node = NULL;
	w->n = 0;
}

int
adapter_walk_step(struct adapter_walk *w, size_t max)
{
	struct json_object *item;

	if (w->node != NULL) {
		for (; max > 0 && w->i < w->n; max--)
			if (w->node(w->nodes[w->i++], &w->c) != 0)
				return -1;
		return w->i < w->n;
	}
	if (w->items == NULL)
		return 0;
	if (w->keyed != NULL) {
		/* Insertion order, as json_object_object_foreach. */
		for (; max > 0 && !json_object_iter_equal(&w->it, &w->end);
		     max--) {
			const char *key = json_object_iter_peek_name(&w->it);

			item = json_object_iter_peek_value(&w->it);
			json_object_iter_next(&w->it);
			if (json_object_is_type(item, json_type_object) &&
			    w->keyed(key, item, &w->c) != 0)
				return -1;
		}
		return !json_object_iter_equal(&w->it, &w->end);
	}
	for (; max > 0 && w->i < w->n; max--) {
		item = json_object_array_get_idx(w->items, w->i++);
		if (json_object_is_type(item, json_type_object) &&
		    w->one(item, &w->c) != 0)
			return -1;
	}
	return w->i < w->n;
}
