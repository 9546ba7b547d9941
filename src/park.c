/*
 * park: the normalised car-park record, the documents that hold them and
 * the display rules (issue "City parking feeds", rules 1-11) that decide
 * whether the board shows a number, FULL, CLOSED or "---".  Everything here
 * is a pure function of its arguments (no clock, no logging: the adapters
 * log once with the feed's context), so the rules are tested without a
 * network or a display.
 *
 * The order of the display rules is deliberate: staleness comes first,
 * because old data is never trusted, not even "closed"; then an explicit
 * closed indication beats any number; then states that say the numbers are
 * meaningless (nodata, error, a word we do not know); then explicit full;
 * and only then the counts.
 *
 * Documents merge duplicate ids through an open-addressing hash index kept
 * next to the item array, so a 100k-item feed is not O(n^2).
 *
 * The JSON readers accept only the forms the rules name, because json-c's
 * getters coerce (null -> 0, "12abc" -> 12, "false" -> true).
 */
#include "park.h"

#include <inttypes.h>
#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PARK_COUNT_MAX     2147483647       /* rule 4 */
#define PARK_INDEX_MIN     64               /* first size of the id index */
#define PARK_ITEMS_MIN     16               /* first size of the item array */
#define PARK_KEY_LEN       128              /* longest key in a dotted path */
#define PARK_TIME_MAX      UTIL_ISO8601_MAX /* longest timestamp string */
#define PARK_OVERSHOOT_MIN 5                /* rule 6: max(5, total / 10) */

static int
park_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

/* Trim ASCII whitespace at both ends of s[0..*len). */
static const char *
park_trim(const char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && park_is_space((unsigned char)s[0])) {
		s++;
		n--;
	}
	while (n > 0 && park_is_space((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

/*
 * Fold one byte of UTF-8 text for comparison: ASCII letters and the
 * Latin-1 capitals U+00C0..U+00DE (except U+00D7) in their two-byte form
 * C3 80..C3 9E become lower case.  prev is the byte before c (0 at the
 * start); 0xC3 is never a continuation byte, so this cannot misfire.
 */
static unsigned char
park_fold(unsigned char prev, unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c + ('a' - 'A'));
	if (prev == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
		return (unsigned char)(c + 0x20);
	return c;
}

/* s[0..len) equals the NUL-terminated word w, case-folded. */
static int
park_fold_eq(const char *s, size_t len, const char *w)
{
	unsigned char ps = 0, pw = 0;

	if (strlen(w) != len)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char cs = (unsigned char)s[i];
		unsigned char cw = (unsigned char)w[i];

		if (park_fold(ps, cs) != park_fold(pw, cw))
			return 0;
		ps = cs;
		pw = cw;
	}
	return 1;
}

/* ---- documents ---- */

void
park_doc_init(struct park_doc *d)
{
	memset(d, 0, sizeof(*d));
	d->time_ms = PARK_NO_TIME;
}

void
park_doc_fini(struct park_doc *d)
{
	free(d->items);
	free(d->slots);
	free(d->info);
	park_doc_init(d);
}

/* dst must be initialised; its old items are freed, src is left empty. */
void
park_doc_move(struct park_doc *dst, struct park_doc *src)
{
	if (dst == src)
		return;
	park_doc_fini(dst);
	*dst = *src;
	park_doc_init(src);
}

/* FNV-1a: short ids, no allocation, good enough spread for masks. */
static uint64_t
park_hash(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)id; *p != '\0';
	     p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * The slot holding id (returns 1) or the empty slot where it would go
 * (returns 0).  The index is at most half full, so the probe ends.
 */
static int
park_index_lookup(const struct park_doc *d, const char *id, size_t *slot)
{
	size_t mask = d->nslots - 1;
	size_t i = (size_t)park_hash(id) & mask;

	for (;;) {
		uint32_t v = d->slots[i];

		if (v == 0 || strcmp(d->items[v - 1].id, id) == 0) {
			*slot = i;
			return v != 0;
		}
		i = (i + 1) & mask;
	}
}

/* Rebuild the index for at least want items, at most half full. */
static void
park_index_build(struct park_doc *d, size_t want)
{
	size_t ns = PARK_INDEX_MIN, slot;

	while (ns / 2 < want)
		ns *= 2;
	free(d->slots);
	d->slots = util_calloc(ns, sizeof(*d->slots));
	d->nslots = ns;
	for (size_t i = 0; i < d->n; i++) {
		if (!park_index_lookup(d, d->items[i].id, &slot))
			d->slots[slot] = (uint32_t)(i + 1);
	}
	d->indexed = d->n;
}

static void
park_items_grow(struct park_doc *d)
{
	size_t nc = d->cap > 0 ? d->cap * 2 : PARK_ITEMS_MIN;
	struct park_item *p;

	if (nc > PARK_MAX_ITEMS)
		nc = PARK_MAX_ITEMS;
	p = util_calloc(nc, sizeof(*p));
	if (d->n > 0)
		memcpy(p, d->items, d->n * sizeof(*p));
	free(d->items);
	d->items = p;
	d->cap = nc;
}

int
park_doc_add(struct park_doc *d, const struct park_item *it)
{
	struct park_item x = *it;
	size_t slot;

	/* Never trust a caller's terminator: ids are hashed and compared. */
	x.id[sizeof(x.id) - 1] = '\0';
	x.name[sizeof(x.name) - 1] = '\0';
	if (x.id[0] == '\0')
		park_name_normalise(x.name, strlen(x.name), x.id, sizeof(x.id));
	if (x.id[0] == '\0')
		return 0;      /* rule 12: neither id nor name */
	if (x.name[0] == '\0') /* rule 10: the name falls back to the id */
		park_name_normalise(x.id, strlen(x.id), x.name, sizeof(x.name));
	if (d->slots == NULL || d->indexed != d->n || d->nslots / 2 < d->n + 1)
		park_index_build(d, d->n + 1);
	if (park_index_lookup(d, x.id, &slot)) {
		struct park_item *old = &d->items[d->slots[slot] - 1];

		/*
		 * Rule 11.  PARK_NO_TIME is INT64_MIN, so an item with a
		 * time replaces one without, and of two without the first
		 * stays; equal times keep the first too.
		 */
		if (x.time_ms > old->time_ms)
			*old = x;
		return 0;
	}
	if (d->n >= PARK_MAX_ITEMS)
		return -1;
	if (d->n == d->cap)
		park_items_grow(d);
	d->items[d->n] = x;
	d->slots[slot] = (uint32_t)(d->n + 1);
	d->n++;
	d->indexed = d->n;
	return 0;
}

const struct park_item *
park_doc_find(const struct park_doc *d, const char *id)
{
	size_t slot;

	if (id == NULL)
		return NULL;
	if (d->slots != NULL && d->indexed == d->n) {
		if (park_index_lookup(d, id, &slot))
			return &d->items[d->slots[slot] - 1];
		return NULL;
	}
	/* Someone changed items behind our back: search without index. */
	for (size_t i = 0; i < d->n; i++) {
		if (strcmp(d->items[i].id, id) == 0)
			return &d->items[i];
	}
	return NULL;
}

/* ---- display rules ---- */

/*
 * Rule 1: stale when older than stale_after (an age of exactly
 * stale_after is still fresh; the renderer wakes 1 ms later), and trusted
 * up to PARK_FUTURE_MS ahead of now, that limit included.
 */
static int
park_fresh(int64_t t, const struct park_rules *r)
{
	int64_t d;

	if (t == PARK_NO_TIME || t <= 0)
		return 0;
	if (__builtin_sub_overflow(r->now_ms, t, &d))
		return 0;
	if (d < 0)
		return d >= -(int64_t)PARK_FUTURE_MS;
	return d <= r->stale_after_ms;
}

/* Rules 4-8 for an item whose state leaves it to the numbers. */
static enum park_display
park_by_numbers(const struct park_item *it, int64_t *shown)
{
	int64_t nfree = it->free, total = it->total, limit;

	if (nfree < 0 || nfree > PARK_COUNT_MAX)
		return PARK_DISPLAY_NODATA;
	/* Rule 5: capacity is known only if it is a valid count > 0. */
	if (total > 0 && total <= PARK_COUNT_MAX && nfree > total) {
		limit = total / 10;
		if (limit < PARK_OVERSHOOT_MIN)
			limit = PARK_OVERSHOOT_MIN;
		if (nfree - total > limit)
			return PARK_DISPLAY_NODATA;
		nfree = total;
	}
	*shown = nfree;
	return nfree == 0 ? PARK_DISPLAY_FULL : PARK_DISPLAY_NUMBER;
}

/*
 * *shown: the number for NUMBER, 0 for FULL (so a sum line can add it),
 * PARK_NO_COUNT for CLOSED and "---".  shown may be NULL.
 */
enum park_display
park_display(
    const struct park_item *it, const struct park_rules *r, int64_t *shown)
{
	enum park_display res;
	int64_t t, show = PARK_NO_COUNT;

	if (it->time_ms != PARK_NO_TIME)
		t = it->time_ms;
	else if (r->doc_time_ms != PARK_NO_TIME)
		t = r->doc_time_ms;
	else
		t = r->fetched_ms;
	if (!park_fresh(t, r)) {
		res = PARK_DISPLAY_NODATA;
	} else {
		switch (it->state) {
		case PARK_STATE_CLOSED:
			res = PARK_DISPLAY_CLOSED;
			break;
		case PARK_STATE_FULL:
			res = PARK_DISPLAY_FULL;
			show = 0;
			break;
		case PARK_STATE_ABSENT:
		case PARK_STATE_OPEN:
		case PARK_STATE_UNKNOWN:
			res = park_by_numbers(it, &show);
			break;
		default: /* NODATA, INVALID, or not a state at all */
			res = PARK_DISPLAY_NODATA;
			break;
		}
	}
	if (shown != NULL)
		*shown = show;
	return res;
}

const char *
park_display_name(enum park_display d)
{
	switch (d) {
	case PARK_DISPLAY_NUMBER:
		return ""; /* the caller prints the number */
	case PARK_DISPLAY_FULL:
		return "FULL";
	case PARK_DISPLAY_CLOSED:
		return "CLOSED";
	case PARK_DISPLAY_NODATA:
		return "---";
	}
	return "---";
}

/* Rule 9.  Compared case-folded (park_fold), so spelling case is free. */
static const struct {
	const char *word;
	enum park_state state;
} park_words[] = {
	{ "open", PARK_STATE_OPEN },
	{ "offen", PARK_STATE_OPEN },
	{ "geöffnet", PARK_STATE_OPEN },
	{ "ouvert", PARK_STATE_OPEN },
	{ "aperto", PARK_STATE_OPEN },
	{ "closed", PARK_STATE_CLOSED },
	{ "zu", PARK_STATE_CLOSED },
	{ "geschlossen", PARK_STATE_CLOSED },
	{ "gesperrt", PARK_STATE_CLOSED },
	{ "fermé", PARK_STATE_CLOSED },
	{ "chiuso", PARK_STATE_CLOSED },
	{ "closedAbnormal", PARK_STATE_CLOSED },
	{ "full", PARK_STATE_FULL },
	{ "fullAtEntrance", PARK_STATE_FULL },
	{ "besetzt", PARK_STATE_FULL },
	{ "complet", PARK_STATE_FULL },
	{ "completo", PARK_STATE_FULL },
	{ "unknown", PARK_STATE_UNKNOWN },
	{ "statusUnknown", PARK_STATE_UNKNOWN },
	{ "other", PARK_STATE_UNKNOWN },
	{ "nodata", PARK_STATE_NODATA },
	{ "error", PARK_STATE_NODATA },
};

/*
 * An empty or all-blank word counts as absent, like null: feeds write ""
 * for "no state" (rule 9 then decides by the numbers).
 */
enum park_state
park_state_word(const char *s, size_t len)
{
	if (s == NULL)
		return PARK_STATE_ABSENT;
	s = park_trim(s, &len);
	if (len == 0)
		return PARK_STATE_ABSENT;
	for (size_t i = 0; i < sizeof(park_words) / sizeof(park_words[0]);
	     i++) {
		if (park_fold_eq(s, len, park_words[i].word))
			return park_words[i].state;
	}
	return PARK_STATE_INVALID;
}

/* Bytes of the UTF-8 character at s[0] (a stray byte counts as one). */
static size_t
park_utf8_len(const char *s, size_t len)
{
	unsigned char c = (unsigned char)s[0];
	size_t want, n = 1;

	if (c >= 0xF0 && c <= 0xF7)
		want = 4;
	else if (c >= 0xE0)
		want = 3;
	else if (c >= 0xC0)
		want = 2;
	else
		want = 1;
	while (n < want && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
		n++;
	return n;
}

/*
 * Rule 10.  Blanks and control bytes (< 0x20, 0x7f) are separators: a run
 * of them becomes one space, none at the ends.  Output stops before the
 * first character that does not fit whole, so a multi-byte character is
 * never cut and no space is left at the end.  Invalid UTF-8 is copied as
 * it is; the renderer's font decides what to draw.
 */
void
park_name_normalise(const char *s, size_t len, char *out, size_t size)
{
	size_t o = 0, n;
	int gap = 0;

	if (size == 0)
		return;
	for (size_t i = 0; i < len; i += n) {
		unsigned char c = (unsigned char)s[i];

		n = 1;
		if (c <= ' ' || c == 0x7f) {
			gap = o > 0;
			continue;
		}
		n = park_utf8_len(s + i, len - i);
		if (o + gap + n >= size)
			break;
		if (gap)
			out[o++] = ' ';
		gap = 0;
		memcpy(out + o, s + i, n);
		o += n;
	}
	out[o] = '\0';
}

/* ---- strict JSON readers ---- */

/* A JSON string's bytes, or NULL when v is not a string or holds a NUL. */
static const char *
park_json_str(struct json_object *v, size_t *len)
{
	const char *s;
	int n;

	if (!json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	n = json_object_get_string_len(v);
	if (s == NULL || n < 0 || memchr(s, '\0', (size_t)n) != NULL)
		return NULL;
	*len = (size_t)n;
	return s;
}

/* ASCII digits with optional blanks around, 0..PARK_COUNT_MAX. */
static int
park_digits(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;

	s = park_trim(s, &len);
	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
		if (v > PARK_COUNT_MAX)
			return -1;
	}
	*out = v;
	return 0;
}

int
park_json_count(struct json_object *v, int64_t *out)
{
	const char *s;
	size_t len;
	int64_t i;
	double d;

	switch (json_object_get_type(v)) {
	case json_type_int:
		/* json-c clamps values beyond int64 into range: still > max. */
		i = json_object_get_int64(v);
		if (i < 0 || i > PARK_COUNT_MAX)
			return -1;
		break;
	case json_type_double:
		d = json_object_get_double(v);
		if (!isfinite(d) || d != floor(d) || d < 0 ||
		    d > PARK_COUNT_MAX)
			return -1;
		i = (int64_t)d;
		break;
	case json_type_string:
		if ((s = park_json_str(v, &len)) == NULL ||
		    park_digits(s, len, &i) == -1)
			return -1;
		break;
	default:
		return -1;
	}
	*out = i;
	return 0;
}

/*
 * Booleans: true/false; the integers 1/0; the strings "true"/"false" and
 * "1"/"0", trimmed, any case.  Everything else (2, 1.0, "yes") is absent.
 */
int
park_json_bool(struct json_object *v, int *out)
{
	const char *s;
	size_t len;
	int64_t i;

	switch (json_object_get_type(v)) {
	case json_type_boolean:
		*out = json_object_get_boolean(v) ? 1 : 0;
		return 0;
	case json_type_int:
		i = json_object_get_int64(v);
		if (i != 0 && i != 1)
			return -1;
		*out = (int)i;
		return 0;
	case json_type_string:
		if ((s = park_json_str(v, &len)) == NULL)
			return -1;
		s = park_trim(s, &len);
		if (park_fold_eq(s, len, "true") || park_fold_eq(s, len, "1")) {
			*out = 1;
			return 0;
		}
		if (park_fold_eq(s, len, "false") ||
		    park_fold_eq(s, len, "0")) {
			*out = 0;
			return 0;
		}
		return -1;
	default:
		return -1;
	}
}

/*
 * Only ISO 8601 strings: no feed we read sends epoch numbers, and a number
 * could be seconds or milliseconds.  A one-element array around the string
 * is unwrapped (ParkAPI v2 servers that send lot_timestamp: ["..."]).
 * Times at or before the epoch mean "never" and count as no time.
 */
int
park_json_time(struct json_object *v, const char *tz, int64_t *out)
{
	const char *s;
	size_t len;
	int64_t t;

	if (json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) == 1)
		v = json_object_array_get_idx(v, 0);
	if ((s = park_json_str(v, &len)) == NULL || len > PARK_TIME_MAX)
		return -1;
	if (util_parse_iso8601_tz(s, tz, &t) == -1 || t <= 0)
		return -1;
	*out = t;
	return 0;
}

int64_t
park_json_when(struct json_object *v, const char *tz)
{
	int64_t t;

	if (v == NULL)
		return PARK_NO_TIME;
	return park_json_time(v, tz, &t) == 0 ? t : PARK_BAD_TIME;
}

/*
 * Ids: a string, trimmed, non-empty and fitting whole (a cut id could
 * merge two car parks), or an integer in decimal.  Floats are not ids.
 */
int
park_json_id(struct json_object *v, char *buf, size_t size)
{
	char num[32];
	const char *s;
	size_t len;
	int64_t i;
	int n;

	switch (json_object_get_type(v)) {
	case json_type_string:
		if ((s = park_json_str(v, &len)) == NULL)
			return -1;
		s = park_trim(s, &len);
		break;
	case json_type_int:
		/*
		 * json-c keeps values above INT64_MAX as uint64 and clamps
		 * what lies beyond to UINT64_MAX or INT64_MIN: those two are
		 * not the number the feed sent, so they are no id.
		 */
		i = json_object_get_int64(v);
		if (i == INT64_MIN)
			return -1;
		if (i == INT64_MAX) {
			uint64_t u = json_object_get_uint64(v);

			if (u == UINT64_MAX)
				return -1;
			n = snprintf(num, sizeof(num), "%" PRIu64, u);
		} else {
			n = snprintf(num, sizeof(num), "%" PRId64, i);
		}
		if (n < 0 || (size_t)n >= sizeof(num))
			return -1;
		s = num;
		len = (size_t)n;
		break;
	default:
		return -1;
	}
	if (len == 0 || len >= size)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

/*
 * Names: a string normalised by rule 10 (NUL bytes are control characters
 * there, so they become spaces), at most PARK_NAME_LEN - 1 bytes.
 */
int
park_json_name(struct json_object *v, char *buf, size_t size)
{
	char tmp[PARK_NAME_LEN];
	const char *s;
	int n;

	if (!json_object_is_type(v, json_type_string) || size == 0)
		return -1;
	s = json_object_get_string(v);
	n = json_object_get_string_len(v);
	if (s == NULL || n < 0)
		return -1;
	park_name_normalise(
	    s, (size_t)n, tmp, size < sizeof(tmp) ? size : sizeof(tmp));
	if (tmp[0] == '\0')
		return -1;
	memcpy(buf, tmp, strlen(tmp) + 1);
	return 0;
}

enum park_state
park_json_state(struct json_object *v)
{
	const char *s;
	size_t len;

	if (v == NULL || json_object_is_type(v, json_type_null))
		return PARK_STATE_ABSENT;
	if ((s = park_json_str(v, &len)) == NULL)
		return PARK_STATE_INVALID;
	return park_state_word(s, len);
}

/* Keys longer than PARK_KEY_LEN - 1 and empty components give NULL. */
struct json_object *
park_json_path(struct json_object *obj, const char *path)
{
	char key[PARK_KEY_LEN];
	const char *p = path, *dot;
	size_t n;

	if (path == NULL)
		return NULL;
	for (;;) {
		if (!json_object_is_type(obj, json_type_object))
			return NULL;
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(obj, key, &obj))
			return NULL;
		if (dot == NULL)
			return obj;
		p = dot + 1;
	}
}
