/*
 * adapter: the parking feed formats.  Each adapter turns a parsed JSON
 * document into a park_doc (park.h) and frees nothing it did not allocate;
 * the document-level rules (rule 13: byte-order mark, strict parsing,
 * trailing bytes, API error objects) are applied by adapter_parse() for all
 * of them, so each adapter only maps fields.  Format names are the ones in
 * the configuration ("pls-luzern", "parkapi-v1", ...).
 */
#ifndef TAFEL_ADAPTER_H
#define TAFEL_ADAPTER_H

#include <stddef.h>

#include "park.h"

struct json_object;

#define ADAPTER_FIELD_LEN 64
#define ADAPTER_MAX_DEPTH 64

/*
 * Field names (or dotted paths) a feed may rename; "" = the format's
 * default.  Used by opendatasoft and geojson (see FEEDS.md §3, §4).
 */
struct adapter_fields {
	char id[ADAPTER_FIELD_LEN];
	char id2[ADAPTER_FIELD_LEN]; /* fallback id */
	char name[ADAPTER_FIELD_LEN];
	char title[ADAPTER_FIELD_LEN]; /* fallback name */
	char free[ADAPTER_FIELD_LEN];
	char total[ADAPTER_FIELD_LEN];
	char state[ADAPTER_FIELD_LEN];
	char open[ADAPTER_FIELD_LEN]; /* boolean open flag */
	char trend[ADAPTER_FIELD_LEN];
	char time[ADAPTER_FIELD_LEN];
};

struct adapter_opts {
	/*
	 * Zone for timestamps without one: NULL = the format's rule (UTC for
	 * the ParkAPI formats, the local zone for the others), else "UTC" or
	 * an IANA name (a per-feed setting).
	 */
	const char *timezone;
	const struct adapter_fields *fields; /* NULL = all defaults */
};

struct adapter {
	const char *name;
	/* Map root into out; 0, or -1 with err filled (document rejected). */
	int (*parse)(struct json_object *root, const struct adapter_opts *o,
	    struct park_doc *out, char *err, size_t errlen);
};

const struct adapter *adapter_find(const char *name);
/* Names, NULL-terminated (config validation and help). */
extern const char *const adapter_names[];

/*
 * Parse a whole document: strip a UTF-8 BOM, parse strictly (depth cap,
 * nothing after the value), reject API error objects, then run the
 * adapter.  0 with out filled, or -1 with err naming the reason (and the
 * byte offset for syntax errors); out is then empty.
 */
int adapter_parse(const struct adapter *a, const char *body, size_t len,
    const struct adapter_opts *o, struct park_doc *out, char *err,
    size_t errlen);

/* The same after the JSON was parsed incrementally elsewhere. */
int adapter_map(const struct adapter *a, struct json_object *root,
    const struct adapter_opts *o, struct park_doc *out, char *err,
    size_t errlen);

/* The adapters, one file each in src/adapters/. */
int adapter_pls_luzern(struct json_object *root, const struct adapter_opts *o,
    struct park_doc *out, char *err, size_t errlen);
int adapter_parkapi_v1(struct json_object *root, const struct adapter_opts *o,
    struct park_doc *out, char *err, size_t errlen);
int adapter_parkapi_v2(struct json_object *root, const struct adapter_opts *o,
    struct park_doc *out, char *err, size_t errlen);
int adapter_parkapi_v3(struct json_object *root, const struct adapter_opts *o,
    struct park_doc *out, char *err, size_t errlen);
int adapter_opendatasoft(struct json_object *root, const struct adapter_opts *o,
    struct park_doc *out, char *err, size_t errlen);
int adapter_geojson(struct json_object *root, const struct adapter_opts *o,
    struct park_doc *out, char *err, size_t errlen);

#endif
