/*
 * adapter: the table of parking feed formats and the document-level rules
 * that hold for all of them (rule 13).  The body is parsed here, strictly
 * and with a depth cap, so that no adapter ever sees a byte-order mark,
 * trailing bytes, a truncated document or an API error object; each
 * adapter then only checks its own top-level shape and maps fields.
 *
 * A rejected document always leaves out empty: the caller keeps its last
 * good data, which then turns stale by the display rules.
 */
#include "adapter.h"

#include <json.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"

#define ADAPTER_MSG_LEN 96 /* how much of an API's error text we quote */

static const struct adapter adapter_table[] = {
	{ "pls-luzern", adapter_pls_luzern },
	{ "parkapi-v1", adapter_parkapi_v1 },
	{ "parkapi-v2", adapter_parkapi_v2 },
	{ "parkapi-v3", adapter_parkapi_v3 },
	{ "opendatasoft", adapter_opendatasoft },
	{ "geojson", adapter_geojson },
};

const char *const adapter_names[] = {
	"pls-luzern",
	"parkapi-v1",
	"parkapi-v2",
	"parkapi-v3",
	"opendatasoft",
	"geojson",
	NULL,
};

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

/*
 * Parse s[0..len) as one complete JSON value.  json-c reports a number at
 * the very end of the input as "continue" (it might go on), so the end of
 * input is signalled with a terminating NUL before calling it truncated.
 * Returns the value (or NULL) and sets *jerr and *end (bytes consumed).
 */
static struct json_object *
adapter_tokenize(
    const char *s, size_t len, enum json_tokener_error *jerr, size_t *end)
{
	struct json_tokener *tok;
	struct json_object *root;

	tok = json_tokener_new_ex(ADAPTER_MAX_DEPTH);
	if (tok == NULL)
		log_fatal("out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, s, (int)len);
	*jerr = json_tokener_get_error(tok);
	*end = json_tokener_get_parse_end(tok);
	if (*jerr == json_tokener_continue) {
		root = json_tokener_parse_ex(tok, "", 1);
		*jerr = json_tokener_get_error(tok);
		if (*jerr != json_tokener_success) {
			json_object_put(root);
			root = NULL;
			*jerr = json_tokener_continue;
		}
		*end = len;
	}
	json_tokener_free(tok);
	return root;
}

/*
 * In strict mode json-c itself fails on bytes after a complete value, with
 * a generic "unexpected character".  Tell the two apart: if the input up
 * to the failing byte is one complete value, the failure is trailing
 * bytes, and *at is where they start.
 */
static int
adapter_value_before(const char *s, size_t off, size_t *at)
{
	enum json_tokener_error jerr;
	struct json_object *v;
	size_t end;

	if (off == 0)
		return 0;
	v = adapter_tokenize(s, off, &jerr, &end);
	if (jerr != json_tokener_success)
		return 0;
	json_object_put(v);
	*at = adapter_skip_space(s, end, off);
	return 1;
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
 * Rule 13: API error objects, e.g. Opendatasoft's {"error_code": ...},
 * park-api-v3's {"error": {"code", "message"}} or {"status": "error"}.
 * A key whose value is null or false says "no error" and is ignored.
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
	}
	if (key == NULL)
		return 0;
	adapter_quote(v, what, sizeof(what));
	adapter_quote(m, msg, sizeof(msg));
	snprintf(err, errlen, "API error object (%s%s%s%s%s)", key,
	    what[0] != '\0' ? " " : "", what, msg[0] != '\0' ? ": " : "", msg);
	return 1;
}

int
adapter_map(const struct adapter *a, struct json_object *root,
    const struct adapter_opts *o, struct park_doc *out, char *err,
    size_t errlen)
{
	static const struct adapter_opts defaults = { NULL, NULL };

	park_doc_fini(out);
	if (o == NULL)
		o = &defaults;
	if (adapter_error_object(root, err, errlen))
		return -1;
	if (a->parse(root, o, out, err, errlen) == 0)
		return 0;
	park_doc_fini(out);
	return -1;
}

int
adapter_parse(const struct adapter *a, const char *body, size_t len,
    const struct adapter_opts *o, struct park_doc *out, char *err,
    size_t errlen)
{
	enum json_tokener_error jerr;
	struct json_object *root;
	size_t base = 0, end, at;
	const char *nul;
	int r;

	park_doc_fini(out);
	if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0)
		base = 3;
	if (adapter_skip_space(body, base, len) == len) {
		snprintf(err, errlen, "empty document");
		return -1;
	}
	if (len > INT_MAX) {
		snprintf(
		    err, errlen, "document of %zu bytes is too large", len);
		return -1;
	}
	/* json-c stops at a NUL byte as if the input ended there. */
	nul = memchr(body, '\0', len);
	if (nul != NULL) {
		snprintf(err, errlen, "not JSON at offset %zu (NUL byte)",
		    (size_t)(nul - body));
		return -1;
	}
	root = adapter_tokenize(body + base, len - base, &jerr, &end);
	end += base;
	if (jerr == json_tokener_continue) {
		snprintf(err, errlen, "truncated JSON at offset %zu", len);
		return -1;
	}
	if (jerr == json_tokener_error_depth) {
		snprintf(err, errlen,
		    "JSON nested deeper than %d levels at offset %zu",
		    ADAPTER_MAX_DEPTH, end);
		return -1;
	}
	if (jerr != json_tokener_success) {
		if (adapter_value_before(body + base, end - base, &at))
			snprintf(err, errlen, "trailing bytes at offset %zu",
			    at + base);
		else
			snprintf(err, errlen, "not JSON at offset %zu (%s)",
			    end, json_tokener_error_desc(jerr));
		return -1;
	}
	at = adapter_skip_space(body, end, len);
	if (at < len) {
		json_object_put(root);
		snprintf(err, errlen, "trailing bytes at offset %zu", at);
		return -1;
	}
	r = adapter_map(a, root, o, out, err, errlen);
	json_object_put(root);
	return r;
}
