/*
 * park: the normalised car-park record every parking adapter produces, and
 * the display rules that turn it into what the board shows: a number,
 * FULL, CLOSED or "---".  The rules are the same for every format (see
 * issue "City parking feeds" and ../shared/reference/FEEDS.md §9); they are
 * pure functions of the record, the feed's times and "now", so they are
 * tested without any network or display.
 *
 * The park_json_* helpers read single JSON values strictly for the adapters
 * (json-c's own getters coerce null to 0 and "12abc" to 12).
 */
#ifndef TAFEL_PARK_H
#define TAFEL_PARK_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

#define PARK_ID_LEN    64
#define PARK_NAME_LEN  96
#define PARK_MAX_ITEMS 100000 /* per document; more is rejected */
#define PARK_NO_TIME   INT64_MIN
#define PARK_BAD_TIME  0 /* a time was given but unreadable: never fresh */
#define PARK_NO_COUNT  (-1)
#define PARK_FUTURE_MS \
	((int64_t)10 * 60 * 1000) /* later than this: not trusted */

/* What the feed says about a car park's state (rule 9). */
enum park_state {
	PARK_STATE_ABSENT,  /* no state given (or null): decide by numbers */
	PARK_STATE_OPEN,    /* open, offen, geöffnet, ouvert, aperto */
	PARK_STATE_CLOSED,  /* closed, zu, geschlossen, ..., or a flag */
	PARK_STATE_FULL,    /* explicit full (DATEX full, fullAtEntrance) */
	PARK_STATE_UNKNOWN, /* unknown, statusUnknown, other: by numbers */
	PARK_STATE_NODATA,  /* nodata, error: always "---" */
	PARK_STATE_INVALID, /* present but not a word we know: "---" */
};

enum park_trend {
	PARK_TREND_NONE,
	PARK_TREND_FILLING,  /* "up" */
	PARK_TREND_EMPTYING, /* "down" */
	PARK_TREND_STEADY,
};

enum park_display {
	PARK_DISPLAY_NUMBER,
	PARK_DISPLAY_FULL,
	PARK_DISPLAY_CLOSED,
	PARK_DISPLAY_NODATA, /* "---" */
};

struct park_item {
	char id[PARK_ID_LEN];     /* always a string (numbers are printed) */
	char name[PARK_NAME_LEN]; /* normalised (rule 10) */
	int64_t free;             /* valid count, or PARK_NO_COUNT */
	int64_t total;            /* valid count, or PARK_NO_COUNT */
	int state;                /* enum park_state */
	int trend;                /* enum park_trend */
	int64_t time_ms;          /* item time (wall ms) or PARK_NO_TIME */
};

/*
 * One parsed document: items in document order, duplicates merged, or for
 * the traffic kinds (info.h) the records in info.  The fields after
 * infocap are private to park.c: an open-addressing index of
 * the ids (slot = item index + 1, 0 = empty) that keeps park_doc_add O(1).
 * Start with park_doc_init; hand over with park_doc_move (a struct copy
 * would share the arrays).
 */
struct info_item; /* info.h */

struct park_doc {
	struct park_item *items;
	size_t n, cap;
	int64_t time_ms;        /* the feed's own time, or PARK_NO_TIME */
	int kind;               /* enum info_kind: what the records are */
	struct info_item *info; /* the records of the other kinds (info.h) */
	size_t ninfo, infocap;
	uint32_t *slots;
	size_t nslots;  /* a power of two, or 0 */
	size_t indexed; /* items the index covers (!= n: rebuilt) */
};

void park_doc_init(struct park_doc *d);
void park_doc_fini(struct park_doc *d);
void park_doc_move(struct park_doc *dst, struct park_doc *src);

/*
 * Add an item (rule 11): an id seen before is merged: with item times the
 * newer one wins (in the first one's place), otherwise the first stays.
 * An item without id is given its name as id; with neither it is skipped
 * (returns 0 in both cases).  -1 when the document has too many items.
 */
int park_doc_add(struct park_doc *d, const struct park_item *it);
const struct park_item *park_doc_find(const struct park_doc *d, const char *id);

/* What the board shows for an item; *shown gets the number (rules 1-8). */
struct park_rules {
	int64_t now_ms;
	int64_t fetched_ms;     /* when the document arrived */
	int64_t doc_time_ms;    /* the feed's own time or PARK_NO_TIME */
	int64_t stale_after_ms; /* default 1800 s */
};
enum park_display park_display(
    const struct park_item *it, const struct park_rules *r, int64_t *shown);
const char *park_display_name(enum park_display d); /* "FULL", ... "---" */

/* Rule 9: a state word, trimmed and compared case-insensitively. */
enum park_state park_state_word(const char *s, size_t len);
/* Rule 10: trim, control characters to spaces, collapse runs; into out. */
void park_name_normalise(const char *s, size_t len, char *out, size_t size);

/*
 * Strict JSON value readers.  Each returns 0 and sets *out, or -1 when v is
 * missing, null or not of an accepted form (then *out is untouched).
 *  count: a JSON integer, an integral double (45.0) or a string of ASCII
 *         digits optionally surrounded by spaces, within 0..2147483647;
 *  bool:  true/false, "true"/"false", 1/0;
 *  time:  an ISO 8601 string (zone-less times in zone tz: "UTC", an IANA
 *         name, or NULL for the process's local zone); the 1970 epoch
 *         counts as no time (returns -1);
 *  string: a JSON string without NUL bytes (*out borrowed from v), or a
 *         number printed (ids), into buf.
 */
int park_json_count(struct json_object *v, int64_t *out);
int park_json_bool(struct json_object *v, int *out);
int park_json_time(struct json_object *v, const char *tz, int64_t *out);
/*
 * An item's or a feed's time for the display rules: PARK_NO_TIME when v is
 * missing or null (the rules then fall back), PARK_BAD_TIME when a value is
 * there but unreadable or the 1970 epoch (the data cannot be vouched for:
 * it shows "---"), else the time.
 */
int64_t park_json_when(struct json_object *v, const char *tz);
int park_json_id(struct json_object *v, char *buf, size_t size);
int park_json_name(struct json_object *v, char *buf, size_t size);
/* A state word: PARK_STATE_ABSENT for missing/null, INVALID for non-strings. */
enum park_state park_json_state(struct json_object *v);

/*
 * Follow a dotted path ("meta.open", "latest_data.num_free") through
 * objects; NULL when any step is missing or not an object.  A path
 * component that exists with value null also gives NULL.
 */
struct json_object *park_json_path(struct json_object *obj, const char *path);

#endif
