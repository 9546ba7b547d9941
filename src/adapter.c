/*
 * adapter: the table of parking feed formats and the document-level rules
 * that hold for all of them (rule 13).  The body is parsed here, strictly
 * and with a depth cap, so that no adapter ever sees a byte-order mark,
 * trailing bytes, a truncated document or an API error object; each
 * adapter then only checks its own top-level shape and maps fields.
 *
 * Everything works in pieces (see adapter.h): the reader feeds json-c's
 * incremental tokenizer, the job steps the adapter's walk, and both free
 * big trees in slices.  adapter_parse() is the same code run in one go,
 * so the pieces cannot drift from it.
 *
 * A rejected document always leaves out empty: the caller keeps its last
 * good data, which then turns stale by the display rules.
 */
#include "adapter.h"

#include <json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adapters/common.h"
#include "adapters/xml_scan.h"
#include "info.h"
#include "log.h"
#include "util.h"

#define ADAPTER_MSG_LEN 96 /* how much of an API's error text we quote */

/*
 * Bytes of a number the reader holds back between two feeds, at most
 * (adapter_reader_cut), and JSON values freed per item of a job step.
 */
#define ADAPTER_HOLD            8
#define ADAPTER_VALUES_PER_ITEM (ADAPTER_PIECE_VALUES / ADAPTER_PIECE_ITEMS)

/*
 * Containers being emptied at once, at most: a reader's partial levels
 * plus the subtree of one of them, each at most ADAPTER_MAX_DEPTH deep.
 */
#define ADAPTER_RELEASE_DEPTH (2 * ADAPTER_MAX_DEPTH + 2)

static const struct adapter adapter_table[] = {
	{ "pls-luzern", adapter_pls_luzern, NULL, INFO_KIND_PARK },
	{ "parkapi-v1", adapter_parkapi_v1, NULL, INFO_KIND_PARK },
	{ "parkapi-v2", adapter_parkapi_v2, NULL, INFO_KIND_PARK },
	{ "parkapi-v3", adapter_parkapi_v3, NULL, INFO_KIND_PARK },
	{ "opendatasoft", adapter_opendatasoft, NULL, INFO_KIND_PARK },
	{ "geojson", adapter_geojson, NULL, INFO_KIND_PARK },
	{ "datex2-parking", NULL, adapter_datex2_parking, INFO_KIND_PARK },
	{ "datex2-parking-table", NULL, adapter_datex2_parking_table,
	    INFO_KIND_PARK },
	{ "datex2-light", adapter_datex2_light, NULL, INFO_KIND_PARK },
	{ "datex2-traveltime", NULL, adapter_datex2_traveltime,
	    INFO_KIND_TRAVEL },
	{ "datex2-situation", NULL, adapter_datex2_situation,
	    INFO_KIND_SITUATION },
	{ "pls-rss", NULL, adapter_pls_rss, INFO_KIND_PARK },
	{ "stationboard", adapter_stationboard, NULL, INFO_KIND_DEPARTURE },
};

const char *const adapter_names[] = {
	"pls-luzern",
	"parkapi-v1",
	"parkapi-v2",
	"parkapi-v3",
	"opendatasoft",
	"geojson",
	"datex2-parking",
	"datex2-parking-table",
	"datex2-light",
	"datex2-traveltime",
	"datex2-situation",
	"pls-rss",
	"stationboard",
	NULL,
};

int
adapter_is_xml(const struct adapter *a)
{
	return a != NULL && a->start_xml != NULL;
}

const struct adapter *
adapter_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(adapter_table) / sizeof(adapter_table[0]);
	     i++) {
		if (strcmp(adapter_table[i].name, name) == 0)
			return &adapter_table[i];
	}
	return NULL;
}

static int
adapter_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Offset of the first non-blank byte at or after off, or len. */
static size_t
adapter_skip_space(const char *s, size_t off, size_t len)
{
	while (off < len && adapter_is_space(s[off]))
		off++;
	return off;
}

/* A JSON string or number into buf, made safe for one log line. */
static void
adapter_quote(struct json_object *v, char *buf, size_t size)
{
	const char *s;

	buf[0] = '\0';
	if (json_object_is_type(v, json_type_string)) {
		park_name_normalise(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), buf, size);
	} else if (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)) {
		s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		park_name_normalise(s, strlen(s), buf, size);
	}
}

/* v is a string equal to word, ignoring blanks around it and case. */
static int
adapter_is_word(struct json_object *v, const char *word)
{
	const char *s;
	size_t n, w = strlen(word);

	if (!json_object_is_type(v, json_type_string))
		return 0;
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	while (n > 0 && adapter_is_space(*s)) {
		s++;
		n--;
	}
	while (n > 0 && adapter_is_space(s[n - 1]))
		n--;
	return n == w && strncasecmp(s, word, w) == 0;
}

/*
 * {"errors": [{"message": ...}, ...]} (transport.opendata.ch, JSON:API):
 * the first message, or the errors value itself; null, false, [] and {}
 * say "no error" (a stationboard sends "errors": [] beside its data).
 */
static int
adapter_errors_list(struct json_object *root, struct json_object **what)
{
	struct json_object *errs, *m;

	if (!json_object_object_get_ex(root, "errors", &errs) || errs == NULL)
		return 0;
	if ((json_object_is_type(errs, json_type_boolean) &&
		!json_object_get_boolean(errs)) ||
	    (json_object_is_type(errs, json_type_array) &&
		json_object_array_length(errs) == 0) ||
	    (json_object_is_type(errs, json_type_object) &&
		json_object_object_length(errs) == 0))
		return 0;
	m = json_object_is_type(errs, json_type_array) ?
	    json_object_array_get_idx(errs, 0) :
	    errs;
	if (json_object_is_type(m, json_type_object) &&
	    json_object_object_get_ex(m, "message", &m))
		*what = m;
	else
		*what = json_object_is_type(m, json_type_object) ? NULL : m;
	return 1;
}

/*
 * Rule 13: API error objects, e.g. Opendatasoft's {"error_code": ...},
 * park-api-v3's {"error": {"code", "message"}}, {"status": "error"} or
 * {"errors": [{"message": ...}]}.  A key whose value is null or false
 * (or, for errors, an empty list) says "no error" and is ignored.
 */
static int
adapter_error_object(struct json_object *root, char *err, size_t errlen)
{
	char what[ADAPTER_MSG_LEN], msg[ADAPTER_MSG_LEN];
	struct json_object *v, *m = NULL;
	const char *key = NULL;

	if (!json_object_is_type(root, json_type_object))
		return 0;
	if (json_object_object_get_ex(root, "error_code", &v) && v != NULL &&
	    !json_object_is_type(v, json_type_boolean)) {
		key = "error_code";
		json_object_object_get_ex(root, "message", &m);
	} else if (json_object_object_get_ex(root, "error", &v) && v != NULL &&
	    !(json_object_is_type(v, json_type_boolean) &&
		!json_object_get_boolean(v))) {
		key = "error";
		if (json_object_is_type(v, json_type_object)) {
			json_object_object_get_ex(v, "message", &m);
			json_object_object_get_ex(v, "code", &v);
		} else {
			json_object_object_get_ex(root, "message", &m);
		}
	} else if (json_object_object_get_ex(root, "status", &v) &&
	    adapter_is_word(v, "error")) {
		key = "status";
		json_object_object_get_ex(root, "message", &m);
	} else if (adapter_errors_list(root, &m)) {
		key = "errors";
		v = NULL;
	}
	if (key == NULL)
		return 0;
	adapter_quote(v, what, sizeof(what));
	adapter_quote(m, msg, sizeof(msg));
	snprintf(err, errlen, "API error object (%s%s%s%s%s)", key,
	    what[0] != '\0' ? " " : "", what, msg[0] != '\0' ? ": " : "", msg);
	return 1;
}

/* ---- freeing big trees in slices ---- */

/*
 * A tree being freed: containers we hold one reference to, each being
 * emptied from its end, a child on top of its parent.  Detaching one child
 * (and freeing it when it has none of its own) is one unit of work, so a
 * slice costs the same whatever the shape of the tree.
 */
struct adapter_release {
	struct json_object *v[ADAPTER_RELEASE_DEPTH];
	size_t n;
};

static int
adapter_has_members(struct json_object *v)
{
	if (json_object_is_type(v, json_type_array))
		return json_object_array_length(v) > 0;
	if (json_object_is_type(v, json_type_object))
		return json_object_object_length(v) > 0;
	return 0;
}

/* Take over one reference to v: freed now if it is a leaf, else later. */
static void
adapter_release_push(struct adapter_release *rel, struct json_object *v)
{
	if (v == NULL)
		return;
	if (!adapter_has_members(v) || rel->n == ADAPTER_RELEASE_DEPTH) {
		json_object_put(v); /* the second: never, given the depth cap */
		return;
	}
	rel->v[rel->n++] = v;
}

/* Detach or free up to max values; 1 while some are left. */
static int
adapter_release_step(struct adapter_release *rel, size_t max)
{
	struct json_object *v, *child;
	struct json_object_iterator it;
	size_t len;

	for (; max > 0 && rel->n > 0; max--) {
		v = rel->v[rel->n - 1];
		if (json_object_is_type(v, json_type_array) &&
		    (len = json_object_array_length(v)) > 0) {
			/* The last element: nothing moves. */
			child = json_object_get(
			    json_object_array_get_idx(v, len - 1));
			json_object_array_del_idx(v, len - 1, 1);
			adapter_release_push(rel, child);
		} else if (json_object_is_type(v, json_type_object) &&
		    json_object_object_length(v) > 0) {
			it = json_object_iter_begin(v);
			child =
			    json_object_get(json_object_iter_peek_value(&it));
			json_object_object_del(
			    v, json_object_iter_peek_name(&it));
			adapter_release_push(rel, child);
		} else {
			rel->n--;
			json_object_put(v);
		}
	}
	return rel->n > 0;
}

/* Whatever is left, at once. */
static void
adapter_release_free(struct adapter_release *rel)
{
	while (rel->n > 0)
		json_object_put(rel->v[--rel->n]);
}

/* ---- the reader ---- */

enum adapter_tok {
	ADAPTER_TOK_MORE,  /* json-c wants more */
	ADAPTER_TOK_VALUE, /* the value is complete: only blanks may follow */
	ADAPTER_TOK_ERROR, /* json-c failed: jerr at jerr_at */
	ADAPTER_TOK_OFF,   /* not tokenizing: NUL byte, too large, released */
};

struct adapter_reader {
	struct json_tokener *tok; /* NULL once released */
	struct json_object *root; /* the value, once complete */
	enum adapter_tok state;
	enum json_tokener_error jerr;
	size_t jerr_at;
	size_t total;            /* bytes fed */
	size_t given;            /* body offset of hold[0] */
	char hold[ADAPTER_HOLD]; /* not yet given to json-c */
	size_t nhold;
	int bom;         /* -1 until the first three bytes decide */
	int nonblank;    /* a byte after the BOM is not blank */
	size_t nul_at;   /* the first NUL byte, or SIZE_MAX */
	size_t trail_at; /* the first non-blank after the value, or SIZE_MAX */
	struct adapter_release rel;
	/* XML formats: libxml2's push parser instead of json-c. */
	int xml;
	xmlParserCtxtPtr xctx;
	int doctype; /* a DOCTYPE was seen: the parser was stopped */
	xmlDocPtr xdoc;
	struct adapter_xml_scan scan; /* bounds libxml2 needs (xml_scan.h) */
};

static int
adapter_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A byte json-c's number scanner may take. */
static int
adapter_is_num(char c)
{
	return adapter_is_digit(c) || c == '-' || c == '+' || c == '.' ||
	    c == 'e' || c == 'E';
}

/*
 * How much of s[0..n) may go to json-c now, with more input to come.
 * json-c 0.16 rebuilds its number state at the start of each call from
 * the bytes it saved, and gets it wrong: "[12" then "-3]" parses as [12],
 * "-1" then "Infinity" as -Infinity.  So a run of number bytes at the end
 * is held back.  A run of ADAPTER_HOLD bytes or more is cut before its
 * last digit that has at least one more byte after it (json-c then goes on
 * as if uncut); when the ADAPTER_HOLD - 2 bytes before its last one hold
 * no digit, it goes whole: json-c takes at most five non-digits in a row
 * into a number ("-.-e-"), so it is in none there.
 */
static size_t
adapter_reader_cut(const char *s, size_t n)
{
	size_t run = n;

	while (run > 0 && adapter_is_num(s[run - 1]))
		run--;
	if (n - run < ADAPTER_HOLD)
		return run;
	for (size_t keep = 2; keep < ADAPTER_HOLD; keep++)
		if (adapter_is_digit(s[n - keep]))
			return n - keep;
	return n;
}

/* Hand s[0..n) to json-c, or check it for trailing bytes. */
static void
adapter_reader_give(struct adapter_reader *r, const char *s, size_t n)
{
	size_t at = r->given, end;
	struct json_object *v;

	r->given += n;
	if (n == 0)
		return;
	if (r->state == ADAPTER_TOK_VALUE) {
		end = adapter_skip_space(s, 0, n);
		if (r->trail_at == SIZE_MAX && end < n)
			r->trail_at = at + end;
		return;
	}
	if (r->state != ADAPTER_TOK_MORE)
		return;
	v = json_tokener_parse_ex(r->tok, s, (int)n);
	r->jerr = json_tokener_get_error(r->tok);
	end = json_tokener_get_parse_end(r->tok);
	if (r->jerr == json_tokener_continue)
		return;
	if (r->jerr != json_tokener_success) {
		json_object_put(v);
		r->state = ADAPTER_TOK_ERROR;
		r->jerr_at = at + end;
		return;
	}
	r->root = v;
	r->state = ADAPTER_TOK_VALUE;
	end = adapter_skip_space(s, end, n);
	if (end < n)
		r->trail_at = at + end;
}

/* More of the body (after the BOM), held back where adapter_reader_cut says. */
static void
adapter_reader_push(struct adapter_reader *r, const char *s, size_t n)
{
	size_t k;

	/* A number held back goes on until a byte that is not part of one. */
	while (n > 0 && r->nhold > 0) {
		r->hold[r->nhold++] = *s;
		if (!adapter_is_num(*s)) {
			adapter_reader_give(r, r->hold, r->nhold);
			r->nhold = 0;
		} else if (r->nhold == ADAPTER_HOLD) {
			k = adapter_reader_cut(r->hold, r->nhold);
			adapter_reader_give(r, r->hold, k);
			memmove(r->hold, r->hold + k, r->nhold - k);
			r->nhold -= k;
		}
		s++;
		n--;
	}
	if (n == 0)
		return;
	k = adapter_reader_cut(s, n);
	adapter_reader_give(r, s, k);
	memcpy(r->hold, s + k, n - k);
	r->nhold = n - k;
}

/* The first three bytes (or fewer, at the end) decide on a BOM. */
static void
adapter_reader_bom(struct adapter_reader *r)
{
	char head[3];
	size_t n = r->nhold;

	memcpy(head, r->hold, n);
	r->nhold = 0;
	r->bom = n == 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0;
	if (r->bom) {
		r->given = 3;
		return;
	}
	if (adapter_skip_space(head, 0, n) < n)
		r->nonblank = 1;
	adapter_reader_push(r, head, n);
}

/*
 * What adapter_parse says of the bytes so far: its checks in its order
 * (empty, too large, NUL byte, then json-c's verdict).  Before the end
 * (!final) only what more bytes cannot change is an error.
 */
static int
adapter_reader_verdict(
    const struct adapter_reader *r, int final, char *err, size_t errlen)
{
	if (!r->nonblank && r->nul_at == SIZE_MAX) {
		if (!final)
			return 0;
		snprintf(err, errlen, "empty document");
		return -1;
	}
	if (r->total > INT_MAX) {
		snprintf(err, errlen, "document of %zu bytes is too large",
		    r->total);
		return -1;
	}
	if (r->nul_at != SIZE_MAX) {
		snprintf(err, errlen, "not JSON at offset %zu (NUL byte)",
		    r->nul_at);
		return -1;
	}
	switch (r->state) {
	case ADAPTER_TOK_MORE:
		if (!final)
			return 0;
		snprintf(err, errlen, "truncated JSON at offset %zu", r->total);
		return -1;
	case ADAPTER_TOK_VALUE:
		if (r->trail_at == SIZE_MAX)
			return 0;
		snprintf(
		    err, errlen, "trailing bytes at offset %zu", r->trail_at);
		return -1;
	case ADAPTER_TOK_ERROR:
		if (r->jerr == json_tokener_error_depth)
			snprintf(err, errlen,
			    "JSON nested deeper than %d levels at offset %zu",
			    ADAPTER_MAX_DEPTH, r->jerr_at);
		else
			snprintf(err, errlen, "not JSON at offset %zu (%s)",
			    r->jerr_at, json_tokener_error_desc(r->jerr));
		return -1;
	case ADAPTER_TOK_OFF:
		break;
	}
	snprintf(err, errlen, "document abandoned");
	return -1;
}

struct adapter_reader *
adapter_reader_new(void)
{
	struct adapter_reader *r = util_calloc(1, sizeof(*r));

	r->tok = json_tokener_new_ex(ADAPTER_MAX_DEPTH);
	if (r->tok == NULL)
		log_fatal("out of memory");
	/*
	 * json-c's own check for bytes after the value fails with a bare
	 * "unexpected character", and only within one call: the reader
	 * looks at what follows the value itself, across calls.
	 */
	json_tokener_set_flags(
	    r->tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
	r->state = ADAPTER_TOK_MORE;
	r->bom = -1;
	r->nul_at = SIZE_MAX;
	r->trail_at = SIZE_MAX;
	return r;
}

/* ---- the XML reader ---- */

/*
 * A DOCTYPE is where entity declarations and external subsets live: the
 * whole document is refused the moment one starts (rule 13).
 */
static void
adapter_xml_doctype(
    void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	xmlParserCtxtPtr c = ctx;
	struct adapter_reader *r = c->_private;

	(void)name;
	(void)ext;
	(void)sys;
	r->doctype = 1;
	xmlStopParser(c);
}

/* External entities are never loaded, whatever the document asks. */
static xmlParserInputPtr
adapter_xml_no_entity(const char *url, const char *id, xmlParserCtxtPtr c)
{
	(void)id;
	(void)c;
	(void)url;
	return NULL;
}

struct adapter_reader *
adapter_reader_new_for(const struct adapter *a)
{
	struct adapter_reader *r;

	if (!adapter_is_xml(a))
		return adapter_reader_new();
	r = util_calloc(1, sizeof(*r));
	r->xml = 1;
	r->nul_at = SIZE_MAX;
	adapter_xml_scan_init(&r->scan);
	xmlSetExternalEntityLoader(adapter_xml_no_entity);
	r->xctx = xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, NULL);
	if (r->xctx == NULL)
		log_fatal("out of memory");
	r->xctx->_private = r;
	r->xctx->sax->internalSubset = adapter_xml_doctype;
	/*
	 * No XML_PARSE_NOENT (entities stay references), no DTD loading or
	 * attribute defaults, no network, no messages on stderr; libxml2's
	 * own limits on depth and sizes stay on (no XML_PARSE_HUGE).
	 */
	xmlCtxtUseOptions(r->xctx,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
		XML_PARSE_NOCDATA);
	return r;
}

/*
 * Why the document is refused, the first that applies: a NUL, a bound of
 * the scan (both found whatever libxml2 got to see), a DOCTYPE, then the
 * parser's first error as "not XML at line L column C (message)".
 */
static void
adapter_xml_error(struct adapter_reader *r, char *err, size_t errlen)
{
	const xmlError *e = xmlCtxtGetLastError(r->xctx);
	char msg[ADAPTER_MSG_LEN];

	if (r->nul_at != SIZE_MAX) {
		snprintf(
		    err, errlen, "not XML at offset %zu (NUL byte)", r->nul_at);
		return;
	}
	if (r->scan.err[0] != '\0') {
		snprintf(err, errlen, "%s", r->scan.err);
		return;
	}
	if (r->doctype) {
		snprintf(err, errlen,
		    "XML with a DOCTYPE is refused (entities and DTDs are "
		    "not allowed)");
		return;
	}
	if (e == NULL || e->message == NULL) {
		snprintf(err, errlen, "not well-formed XML");
		return;
	}
	park_name_normalise(e->message, strlen(e->message), msg, sizeof(msg));
	snprintf(err, errlen, "not XML at line %d column %d (%s)", e->line,
	    e->int2, msg);
}

/*
 * The scan sees every byte before libxml2 does (and goes on after a
 * refusal, for a NUL further on); libxml2 gets the bytes only while
 * nothing is wrong.
 */
static int
adapter_xml_feed(struct adapter_reader *r, const char *data, size_t len,
    int final, char *err, size_t errlen)
{
	int refused = adapter_xml_scan_feed(&r->scan, data, len, final) != 0;

	r->nul_at = r->scan.nul_at;
	r->total = len > SIZE_MAX - r->total ? SIZE_MAX : r->total + len;
	if (!r->nonblank && adapter_skip_space(data, 0, len) < len)
		r->nonblank = 1;
	if (r->total > INT_MAX) {
		snprintf(err, errlen, "document of %zu bytes is too large",
		    r->total);
		return -1;
	}
	if (!refused && !r->doctype && r->xctx->wellFormed &&
	    (len > 0 || final))
		xmlParseChunk(r->xctx, data, (int)len, final);
	if (refused || r->doctype || !r->xctx->wellFormed) {
		adapter_xml_error(r, err, errlen);
		return -1;
	}
	/*
	 * An undeclared prefix (par:x without xmlns:par) only clears
	 * nsWellFormed; its elements would be in no namespace and every
	 * record silently ignored, so the document is refused.
	 */
	if (!r->xctx->nsWellFormed) {
		adapter_xml_error(r, err, errlen);
		return -1;
	}
	return 0;
}

static int
adapter_xml_finish(struct adapter_reader *r, struct adapter_input *in,
    char *err, size_t errlen)
{
	if (!r->nonblank && r->nul_at == SIZE_MAX) {
		snprintf(err, errlen, "empty document");
		return -1;
	}
	if (adapter_xml_feed(r, "", 0, 1, err, errlen) != 0)
		return -1;
	if (r->xctx->myDoc == NULL ||
	    xmlDocGetRootElement(r->xctx->myDoc) == NULL) {
		snprintf(err, errlen, "truncated XML at offset %zu", r->total);
		return -1;
	}
	in->xml = r->xctx->myDoc;
	r->xctx->myDoc = NULL;
	return 0;
}

int
adapter_reader_feed(struct adapter_reader *r, const char *data, size_t len,
    char *err, size_t errlen)
{
	const char *nul;

	if (r->xml)
		return adapter_xml_feed(r, data, len, 0, err, errlen);

	if (r->nul_at == SIZE_MAX && (nul = memchr(data, '\0', len)) != NULL)
		r->nul_at = r->total + (size_t)(nul - data);
	r->total = len > SIZE_MAX - r->total ? SIZE_MAX : r->total + len;
	/* Neither is tokenized at all, as json-c would stop at a NUL. */
	if (r->nul_at != SIZE_MAX || r->total > INT_MAX)
		r->state = ADAPTER_TOK_OFF;
	while (len > 0 && r->bom < 0) {
		r->hold[r->nhold++] = *data++;
		len--;
		if (r->nhold == 3)
			adapter_reader_bom(r);
	}
	if (!r->nonblank && adapter_skip_space(data, 0, len) < len)
		r->nonblank = 1;
	adapter_reader_push(r, data, len);
	return adapter_reader_verdict(r, 0, err, errlen);
}

int
adapter_reader_finish_input(struct adapter_reader *r, struct adapter_input *in,
    char *err, size_t errlen)
{
	in->json = NULL;
	in->xml = NULL;
	if (r->xml)
		return adapter_xml_finish(r, in, err, errlen);
	return adapter_reader_finish(r, &in->json, err, errlen);
}

int
adapter_reader_finish(struct adapter_reader *r, struct json_object **root,
    char *err, size_t errlen)
{
	struct json_object *v;

	*root = NULL;
	if (r->xml) {
		snprintf(err, errlen, "an XML reader has no JSON tree");
		return -1;
	}
	if (r->bom < 0)
		adapter_reader_bom(r);
	adapter_reader_give(r, r->hold, r->nhold);
	r->nhold = 0;
	if (r->state == ADAPTER_TOK_MORE) {
		/*
		 * json-c takes a number at the end of the input for one that
		 * may go on: a NUL byte says the input ends there.
		 */
		v = json_tokener_parse_ex(r->tok, "", 1);
		if (json_tokener_get_error(r->tok) == json_tokener_success) {
			r->root = v;
			r->state = ADAPTER_TOK_VALUE;
		} else {
			json_object_put(v);
		}
	}
	if (adapter_reader_verdict(r, 1, err, errlen) != 0)
		return -1;
	*root = r->root;
	r->root = NULL;
	return 0;
}

/*
 * Take what json-c built of an unfinished value out of its tokenizer, so
 * that it is freed in slices and not by json_tokener_free() in one go.
 * json-c has no call for this: the levels are read from struct
 * json_tokener, which json_tokener.h still publishes (deprecated) up to
 * 0.18 at least; with a json-c that hides them this does nothing and the
 * partial tree is freed in one go, as before.
 */
static void
adapter_reader_detach(struct adapter_reader *r)
{
#if JSON_C_VERSION_NUM >= (13 << 8) && JSON_C_VERSION_NUM < (19 << 8)
	for (int i = 0; i <= r->tok->depth && i < ADAPTER_MAX_DEPTH; i++)
		adapter_release_push(
		    &r->rel, json_object_get(r->tok->stack[i].current));
#else
	(void)r;
#endif
}

int
adapter_reader_release(struct adapter_reader *r, size_t max_values)
{
	if (r->xml) {
		/* libxml2 frees a partial tree in one call: bounded by max_bytes. */
		if (r->xctx != NULL) {
			xmlFreeDoc(r->xctx->myDoc);
			r->xctx->myDoc = NULL;
			xmlFreeParserCtxt(r->xctx);
			r->xctx = NULL;
		}
		return 0;
	}
	if (r->tok != NULL) {
		adapter_reader_detach(r);
		json_tokener_free(r->tok);
		r->tok = NULL;
		r->state = ADAPTER_TOK_OFF;
		adapter_release_push(&r->rel, r->root);
		r->root = NULL;
	}
	return adapter_release_step(&r->rel, max_values);
}

void
adapter_reader_free(struct adapter_reader *r)
{
	if (r == NULL)
		return;
	if (r->xctx != NULL) {
		xmlFreeDoc(r->xctx->myDoc);
		xmlFreeParserCtxt(r->xctx);
	}
	if (r->tok != NULL)
		json_tokener_free(r->tok);
	json_object_put(r->root);
	adapter_release_free(&r->rel);
	free(r);
}

/* ---- the job ---- */

enum adapter_phase {
	ADAPTER_MAPPING,
	ADAPTER_FREEING,
	ADAPTER_DONE,
};

struct adapter_job {
	struct json_object *root; /* until mapped or rejected */
	xmlDocPtr xml;            /* the same for an XML format */
	int slices;               /* free root in slices: it is ours alone */
	enum adapter_phase phase;
	int result; /* 0 or -1, once mapping ended */
	struct adapter_walk w;
	struct adapter_opts o; /* copies: a reload frees the caller's */
	struct adapter_fields fields;
	char *tz;
	char lang[8];
	struct park_doc table;
	struct park_doc doc;
	struct adapter_release rel;
	char err[ADAPTER_ERR_LEN];
};

static void
adapter_job_end(struct adapter_job *j, int result)
{
	j->result = result;
	if (result != 0)
		park_doc_fini(&j->doc);
	else
		info_doc_finish(&j->doc);
	adapter_walk_fini(&j->w);
	/* libxml2 frees a tree in one call; its size is capped by max_bytes. */
	xmlFreeDoc(j->xml);
	j->xml = NULL;
	if (j->slices) {
		adapter_release_push(&j->rel, j->root);
		j->phase = ADAPTER_FREEING;
	} else {
		json_object_put(j->root);
		j->phase = ADAPTER_DONE;
	}
	j->root = NULL;
}

/* A copy of the table's records (the caller's may go away on a reload). */
static void
adapter_job_table(struct adapter_job *j, const struct park_doc *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (park_doc_add(&j->table, &t->items[i]) != 0)
			break;
	j->o.table = &j->table;
}

static struct adapter_job *
adapter_job_start(const struct adapter *a, struct adapter_input *in,
    const struct adapter_opts *o, int slices)
{
	struct adapter_job *j = util_calloc(1, sizeof(*j));
	int r;

	j->root = in->json;
	j->xml = in->xml;
	in->json = NULL;
	in->xml = NULL;
	j->slices = slices;
	j->phase = ADAPTER_MAPPING;
	park_doc_init(&j->doc);
	park_doc_init(&j->table);
	util_strlcpy(j->lang,
	    o != NULL && o->lang != NULL && o->lang[0] ? o->lang : "de",
	    sizeof(j->lang));
	j->o.lang = j->lang;
	if (o != NULL && o->table != NULL)
		adapter_job_table(j, o->table);
	if (o != NULL && o->timezone != NULL)
		j->o.timezone = j->tz = util_strdup(o->timezone);
	if (o != NULL && o->fields != NULL) {
		j->fields = *o->fields;
		j->o.fields = &j->fields;
	}
	j->w.c.out = &j->doc;
	j->w.c.err = j->err;
	j->w.c.errlen = sizeof(j->err);
	j->w.c.lang = j->lang;
	j->w.c.table = j->o.table;
	if (adapter_is_xml(a)) {
		if (j->xml == NULL) {
			snprintf(j->err, sizeof(j->err), "not an XML document");
			r = -1;
		} else {
			r = a->start_xml(j->xml, &j->o, &j->w);
		}
	} else if (j->xml != NULL) {
		snprintf(j->err, sizeof(j->err), "XML where JSON is expected");
		r = -1;
	} else {
		r = adapter_error_object(j->root, j->err, sizeof(j->err)) ||
			a->start(j->root, &j->o, &j->w) != 0 ?
		    -1 :
		    0;
	}
	if (r != 0)
		adapter_job_end(j, -1);
	return j;
}

struct adapter_job *
adapter_job_new_input(const struct adapter *a, struct adapter_input *in,
    const struct adapter_opts *o)
{
	return adapter_job_start(a, in, o, 1);
}

struct adapter_job *
adapter_job_new(const struct adapter *a, struct json_object *root,
    const struct adapter_opts *o)
{
	struct adapter_input in = { root, NULL };

	return adapter_job_start(a, &in, o, 1);
}

int
adapter_job_step(struct adapter_job *j, size_t max_items)
{
	size_t values;
	int r;

	if (j->phase == ADAPTER_MAPPING) {
		r = adapter_walk_step(&j->w, max_items);
		if (r > 0)
			return 1;
		adapter_job_end(j, r);
	} else if (j->phase == ADAPTER_FREEING) {
		values = max_items > SIZE_MAX / ADAPTER_VALUES_PER_ITEM ?
		    SIZE_MAX :
		    max_items * ADAPTER_VALUES_PER_ITEM;
		if (!adapter_release_step(&j->rel, values))
			j->phase = ADAPTER_DONE;
	}
	return j->phase == ADAPTER_DONE ? j->result : 1;
}

void
adapter_job_take(struct adapter_job *j, struct park_doc *out)
{
	park_doc_move(out, &j->doc);
}

const char *
adapter_job_error(const struct adapter_job *j)
{
	return j->err;
}

void
adapter_job_free(struct adapter_job *j)
{
	if (j == NULL)
		return;
	json_object_put(j->root);
	xmlFreeDoc(j->xml);
	adapter_walk_fini(&j->w);
	adapter_release_free(&j->rel);
	park_doc_fini(&j->doc);
	park_doc_fini(&j->table);
	free(j->tz);
	free(j);
}

/* ---- in one go ---- */

/* The job's code with a tree that is freed (or let go) at once. */
static int
adapter_run(const struct adapter *a, struct adapter_input *in,
    const struct adapter_opts *o, struct park_doc *out, char *err,
    size_t errlen)
{
	struct adapter_job *j = adapter_job_start(a, in, o, 0);
	int r;

	while ((r = adapter_job_step(j, SIZE_MAX)) > 0)
		;
	if (r == 0)
		adapter_job_take(j, out);
	else
		snprintf(err, errlen, "%s", j->err);
	adapter_job_free(j);
	return r;
}

int
adapter_map(const struct adapter *a, struct json_object *root,
    const struct adapter_opts *o, struct park_doc *out, char *err,
    size_t errlen)
{
	struct adapter_input in = { NULL, NULL };

	park_doc_fini(out);
	/* Our own reference: dropping it leaves the caller's tree alone. */
	in.json = json_object_get(root);
	return adapter_run(a, &in, o, out, err, errlen);
}

int
adapter_parse(const struct adapter *a, const char *body, size_t len,
    const struct adapter_opts *o, struct park_doc *out, char *err,
    size_t errlen)
{
	struct adapter_reader *r = adapter_reader_new_for(a);
	struct adapter_input in;
	int res;

	park_doc_fini(out);
	adapter_reader_feed(r, body, len, err, errlen);
	res = adapter_reader_finish_input(r, &in, err, errlen);
	adapter_reader_free(r);
	if (res != 0)
		return -1;
	return adapter_run(a, &in, o, out, err, errlen);
}
