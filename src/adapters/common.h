/*
 * adapters/common: what the parking feed adapters share once a document is
 * parsed: reading one field of an item (a member, a dotted path, a count,
 * an id, a trend, a state with an open flag), building the item (defaults,
 * the id-or-name rule with its name fallback, the error for too many car
 * parks) and walking the items.  Keeping these rules in one place makes
 * every format treat a half-broken item the same way; the adapters only
 * say where each field lives.  Internal to src/adapters/ and adapter.c.
 *
 * The walk can stop after any item and go on later, so that adapter_job
 * maps a document of 64 MiB a few items at a time on the loop thread.
 */
#ifndef TAFEL_ADAPTERS_COMMON_H
#define TAFEL_ADAPTERS_COMMON_H

#include <json_object_iterator.h>
#include <stddef.h>
#include <stdint.h>

#include "adapter.h"
#include "park.h"

struct json_object;
struct _xmlNode;

/*
 * The field paths in use for one document of a path-based format
 * (opendatasoft, geojson); NULL = the format has no such field.
 */
struct adapter_paths {
	const char *id, *id2, *name, *title, *free, *total, *state, *open,
	    *trend, *time;
};

/* One document being mapped: where items go and how to read them. */
struct adapter_ctx {
	const char *tz;                    /* zone for zone-less times */
	const struct adapter_paths *paths; /* path-based formats, else NULL */
	int nodata;                        /* no item has data (all "---") */
	const char *lang;                  /* the sign's language: de ... */
	const struct park_doc *table;      /* names and sizes, or NULL */
	struct park_doc *out;
	char *err;
	size_t errlen;
};

/* The configured paths in f ("" = not set) over the format's defaults. */
void adapter_paths_pick(const struct adapter_fields *f,
    const struct adapter_paths *defaults, struct adapter_paths *p);

/* The member key of obj; NULL when obj is no object, or key missing/null. */
struct json_object *adapter_get(struct json_object *obj, const char *key);
/* The dotted path under obj (park_json_path); NULL path = no such field. */
struct json_object *adapter_path(struct json_object *obj, const char *path);
/* The array member key of obj, or NULL. */
struct json_object *adapter_array(struct json_object *obj, const char *key);

/* A valid count, or PARK_NO_COUNT. */
int64_t adapter_count(struct json_object *v);

/*
 * An id: 1 when usable (copied to buf), 0 when absent (missing, null or
 * blank), -1 when present but unusable: too long to keep whole, a number
 * json-c had to clamp, a float, a boolean.  The caller skips such an item,
 * because a cut or invented id could merge two car parks.
 */
int adapter_id(struct json_object *v, char *buf, size_t size);

/* A trend of spaces in use: "up" = filling, "down" = emptying. */
int adapter_trend(struct json_object *v);

/* The state word, overruled by an open flag that says closed (rule 3). */
int adapter_state(struct json_object *word, struct json_object *flag);

/* All fields empty: no count, no time, no state, no trend. */
void adapter_item_init(struct park_item *it);

/*
 * Rules 10-12: an item needs an id or a name of its own (a title alone
 * does not make a car park); a missing name falls back to title, then, in
 * park_doc_add, to the id.  Sets its name and adds it to c->out: 0 (also
 * when skipped), or -1 with c->err filled when the document has too many.
 */
int adapter_add(const struct adapter_ctx *c, struct park_item *it,
    struct json_object *name, struct json_object *title);

/* The id of a path-based record: c->paths->id, else id2 (as adapter_id). */
int adapter_record_id(const struct adapter_ctx *c, struct json_object *rec,
    char *buf, size_t size);

/*
 * A record of a path-based format whose it->id is set: the other fields
 * from c->paths under rec, then adapter_add.
 */
int adapter_add_record(
    const struct adapter_ctx *c, struct json_object *rec, struct park_item *it);

typedef int adapter_item_fn(
    struct json_object *item, const struct adapter_ctx *c);
typedef int adapter_keyed_fn(
    const char *key, struct json_object *item, const struct adapter_ctx *c);
typedef int adapter_node_fn(struct _xmlNode *node, const struct adapter_ctx *c);

/*
 * One document being walked: the context its items are mapped with, and
 * where the walk stands.  adapter_job fills c.out, c.err and c.errlen
 * (the rest zero) and calls the adapter's start function, which checks
 * the top level, sets the other fields of c and chooses what to walk.
 * The tree must not change until the walk is over.
 */
struct adapter_walk {
	struct adapter_ctx c;
	struct adapter_paths paths; /* what c.paths points to, if anything */
	adapter_item_fn *one;       /* array walks */
	adapter_keyed_fn *keyed;    /* object walks */
	struct json_object *items;  /* NULL: nothing to walk */
	size_t i, n;                /* array: next index, length */
	struct json_object_iterator it, end; /* object: next member, end */
	struct _xmlNode **nodes;             /* XML walks: the records */
	adapter_node_fn *node;
};

/* Walk the elements of the array items that are objects (others skipped). */
void adapter_walk_array(
    struct adapter_walk *w, struct json_object *items, adapter_item_fn *one);
/* Walk the members of the object items whose values are objects. */
void adapter_walk_object(
    struct adapter_walk *w, struct json_object *items, adapter_keyed_fn *keyed);

/*
 * Walk the XML elements nodes[0..n) (an array from malloc, which the walk
 * takes over; the nodes stay the document's).
 */
void adapter_walk_nodes(struct adapter_walk *w, struct _xmlNode **nodes,
    size_t n, adapter_node_fn *fn);
/* Free what the walk owns (the node array). */
void adapter_walk_fini(struct adapter_walk *w);

/*
 * Map up to max more elements (skipped ones count too): 1 while some are
 * left, 0 when the walk is over, -1 when an item rejected the document
 * (c.err filled; the walk must not be stepped again).
 */
int adapter_walk_step(struct adapter_walk *w, size_t max);

#endif
