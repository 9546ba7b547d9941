/*
 * adapter: the parking feed formats.  Each adapter turns a parsed JSON
 * document into a park_doc (park.h) and frees nothing it did not allocate;
 * the document-level rules (rule 13: byte-order mark, strict parsing,
 * trailing bytes, API error objects) are applied here for all of them, so
 * each adapter only maps fields.  Format names are the ones in the
 * configuration ("pls-luzern", "parkapi-v1", ...).
 *
 * A document of up to 64 MiB must not stall the loop thread (issue 3,
 * "Benchmark"), so there are two ways in: adapter_parse() does it all in
 * one call (tafeld inspect, tests), and the reader and the job do the same
 * work in pieces whose size the caller picks: the reader tokenizes the
 * body as it arrives, the job maps the tree a few items at a time and then
 * frees it in slices, since freeing a big tree takes about as long as
 * building it.  Both ways give the same result and the same error text.
 */
#ifndef TAFEL_ADAPTER_H
#define TAFEL_ADAPTER_H

#include <stddef.h>

#include "park.h"

struct json_object;
struct _xmlDoc;

#define ADAPTER_FIELD_LEN 64
#define ADAPTER_MAX_DEPTH 64
#define ADAPTER_ERR_LEN   256 /* room for any reason given here */

/*
 * Piece sizes that keep one call well under a millisecond (bench/parse
 * measures them; a slow board has room to spare for a few pieces per
 * frame): bytes per adapter_reader_feed(), items per adapter_job_step(),
 * values per adapter_reader_release().
 */
#define ADAPTER_PIECE_BYTES  16384
#define ADAPTER_PIECE_ITEMS  32
#define ADAPTER_PIECE_VALUES 2048

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
	/* The sign's language for texts ("de", "fr", "it", "en"); NULL = de. */
	const char *lang;
	/*
	 * datex2-parking: the ParkingTablePublication's records (names and
	 * sizes by id), or NULL; the job copies it.
	 */
	const struct park_doc *table;
};

struct adapter_walk; /* adapters/common.h */

struct adapter {
	const char *name;
	/*
	 * Check root's top level and set w up to walk its items; 0, or -1
	 * with w->c.err filled (document rejected).  It also sets the kind of
	 * the document, w->c.out->kind (enum info_kind, info.h).  A JSON
	 * format has start, an XML format start_xml.
	 */
	int (*start)(struct json_object *root, const struct adapter_opts *o,
	    struct adapter_walk *w);
	int (*start_xml)(struct _xmlDoc *doc, const struct adapter_opts *o,
	    struct adapter_walk *w);
	int kind; /* enum info_kind of its documents (layout checks) */
};

/*
 * A parsed body: the JSON tree (json, NULL for the literal null) or, for
 * an XML format, the libxml2 document.
 */
struct adapter_input {
	struct json_object *json;
	struct _xmlDoc *xml;
};

/* 1 when a reads XML. */
int adapter_is_xml(const struct adapter *a);

const struct adapter *adapter_find(const char *name);
/* Names, NULL-terminated (config validation and help). */
extern const char *const adapter_names[];

/*
 * Parse a whole document: strip a UTF-8 BOM, parse strictly (depth cap,
 * nothing after the value), reject API error objects, then run the
 * adapter.  0 with out filled, or -1 with err naming the reason (and the
 * byte offset for syntax errors); out is then empty.  This is the reader
 * fed once and the job stepped once.
 */
int adapter_parse(const struct adapter *a, const char *body, size_t len,
    const struct adapter_opts *o, struct park_doc *out, char *err,
    size_t errlen);

/*
 * The same for a tree parsed elsewhere; root stays the caller's and is not
 * changed.
 */
int adapter_map(const struct adapter *a, struct json_object *root,
    const struct adapter_opts *o, struct park_doc *out, char *err,
    size_t errlen);

/*
 * The reader: one document, fed in pieces as they arrive; the pieces may
 * be cut anywhere.  Whatever the cuts, adapter_reader_finish() gives what
 * adapter_parse() gives for the bytes as a whole: the BOM stripped, NUL
 * bytes refused, strict JSON nested at most ADAPTER_MAX_DEPTH deep, and
 * the same error text with the same byte offsets (of the body, BOM
 * included).
 *
 * feed: 0, or -1 once the document is sure to be rejected (err says why as
 * far as is known; a NUL byte further on still takes precedence, as in
 * adapter_parse).  Feeding on after -1 is allowed and costs only a scan
 * for NUL bytes.  One call tokenizes all of data: the caller bounds the
 * work by the size of the pieces.
 *
 * finish: the end of the body.  0 with *root the value (the caller's, to
 * hand to adapter_job_new; NULL for the JSON literal null), or -1 with err
 * filled.  Call it once, after the last feed.
 *
 * release: free what the reader holds, at most max_values JSON values per
 * call: what json-c built of a body that was cut short or rejected can be
 * as big as the body, and freeing it takes as long.  1 while some is left,
 * then 0; the reader takes no more input once this was called.
 *
 * free: the reader and what it still holds, at once; NULL is a no-op.
 */
struct adapter_reader;
struct adapter_reader *adapter_reader_new(void);
/*
 * A reader for a's documents: JSON as above, or XML through libxml2's
 * push parser with no entity substitution, no DTD loading and no network;
 * a document with a DOCTYPE is rejected as a whole (it is where entity
 * tricks live), and so is one beyond the bounds of adapters/xml_scan.h
 * (attributes per element, namespaces in scope, tag and comment sizes,
 * encodings), checked before libxml2 sees the bytes.  UTF-8 and UTF-16
 * (with a BOM or a declaration) are read.  finish_input gives the tree
 * of either.
 */
struct adapter_reader *adapter_reader_new_for(const struct adapter *a);
int adapter_reader_finish_input(struct adapter_reader *r,
    struct adapter_input *in, char *err, size_t errlen);
int adapter_reader_feed(struct adapter_reader *r, const char *data, size_t len,
    char *err, size_t errlen);
int adapter_reader_finish(struct adapter_reader *r, struct json_object **root,
    char *err, size_t errlen);
int adapter_reader_release(struct adapter_reader *r, size_t max_values);
void adapter_reader_free(struct adapter_reader *r);

/*
 * The job: one parsed tree mapped by adapter a a few items per step.
 *
 * new: takes root (it must be the only reference) and copies what it needs
 * of o, so o and its strings may go away (a reload) while the job runs.
 * The document-level checks run here; a rejected document gives a job too,
 * whose steps only free the tree: even a 64 MiB tree of the wrong format
 * is never freed in one go.  adapter_job_error() then already says why.
 *
 * step: map up to max_items more items, or once they are all mapped (or
 * the document was rejected), free up to 64 × max_items values of the
 * tree (ADAPTER_PIECE_VALUES for ADAPTER_PIECE_ITEMS).  1 while there is more to do, 0 when the document is mapped and
 * the tree freed, -1 when it was rejected (adapter_job_error says why);
 * stepping on after 0 or -1 returns the same again.
 *
 * take: after step returned 0, move the document into out (initialised;
 * its old items are freed).
 *
 * free: the job and what it still holds, at once; NULL is a no-op.
 */
struct adapter_job;
struct adapter_job *adapter_job_new(const struct adapter *a,
    struct json_object *root, const struct adapter_opts *o);
/* The same for either kind of tree; in is taken over and cleared. */
struct adapter_job *adapter_job_new_input(const struct adapter *a,
    struct adapter_input *in, const struct adapter_opts *o);
int adapter_job_step(struct adapter_job *j, size_t max_items);
void adapter_job_take(struct adapter_job *j, struct park_doc *out);
const char *adapter_job_error(const struct adapter_job *j); /* "" if none */
void adapter_job_free(struct adapter_job *j);

/* The adapters' start functions, one file each in src/adapters/. */
int adapter_pls_luzern(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w);
int adapter_parkapi_v1(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w);
int adapter_parkapi_v2(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w);
int adapter_parkapi_v3(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w);
int adapter_opendatasoft(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w);
int adapter_geojson(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w);
int adapter_datex2_parking(
    struct _xmlDoc *doc, const struct adapter_opts *o, struct adapter_walk *w);
int adapter_datex2_parking_table(
    struct _xmlDoc *doc, const struct adapter_opts *o, struct adapter_walk *w);
int adapter_datex2_traveltime(
    struct _xmlDoc *doc, const struct adapter_opts *o, struct adapter_walk *w);
int adapter_datex2_situation(
    struct _xmlDoc *doc, const struct adapter_opts *o, struct adapter_walk *w);
int adapter_pls_rss(
    struct _xmlDoc *doc, const struct adapter_opts *o, struct adapter_walk *w);
int adapter_datex2_light(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w);
int adapter_stationboard(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w);

#endif
