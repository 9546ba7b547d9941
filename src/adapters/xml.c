/*
 * adapters/xml: local-name matching and bounded text reads over libxml2
 * trees (see xml.h).
 */
#include "adapters/xml.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "park.h"
#include "util.h"

#define ADAPTER_XML_COUNT_MAX 2147483647
#define ADAPTER_XML_WORD_LEN  64   /* longest count or time text read */
#define ADAPTER_XML_LANG_LEN  16   /* longest lang attribute */
#define ADAPTER_XML_VALUE_LEN 1024 /* longest name read before cutting */

int
adapter_xml_is(const xmlNode *n, const char *local)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, local) == 0;
}

int
adapter_xml_ns(const xmlNode *n, const char *prefix)
{
	const char *href;
	size_t len;

	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return 0;
	if (prefix == NULL)
		return 1;
	if (n->ns == NULL || n->ns->href == NULL)
		return 0;
	href = (const char *)n->ns->href;
	len = strlen(prefix);
	if (strncmp(href, prefix, len) != 0)
		return 0;
	/* A DATEX II namespace goes on with its version: ".../schema/3/..." */
	if (strcmp(prefix, ADAPTER_XML_DATEX) == 0)
		return href[len] >= '0' && href[len] <= '9';
	return 1;
}

xmlNode *
adapter_xml_child(const xmlNode *n, const char *local)
{
	if (n == NULL)
		return NULL;
	for (xmlNode *c = n->children; c != NULL; c = c->next)
		if (adapter_xml_is(c, local))
			return c;
	return NULL;
}

xmlNode *
adapter_xml_next(const xmlNode *n, const char *local)
{
	if (n == NULL)
		return NULL;
	for (xmlNode *c = n->next; c != NULL; c = c->next)
		if (adapter_xml_is(c, local))
			return c;
	return NULL;
}

xmlNode *
adapter_xml_path(const xmlNode *n, const char *path)
{
	char part[128];
	const char *p = path, *slash;
	size_t len;

	while (n != NULL && *p != '\0') {
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || len >= sizeof(part))
			return NULL;
		memcpy(part, p, len);
		part[len] = '\0';
		n = adapter_xml_child(n, part);
		p += len;
		if (*p == '/')
			p++;
	}
	return (xmlNode *)n;
}

static int
adapter_xml_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trimmed s into buf: length or -1 when empty or too long. */
static int
adapter_xml_trimmed(const char *s, char *buf, size_t size)
{
	size_t len;

	buf[0] = '\0';
	while (adapter_xml_blank(*s))
		s++;
	len = strlen(s);
	while (len > 0 && adapter_xml_blank(s[len - 1]))
		len--;
	if (len == 0 || len >= size || len > INT32_MAX)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return (int)len;
}

static int
adapter_xml_is_text(const xmlNode *c)
{
	return (c->type == XML_TEXT_NODE ||
		   c->type == XML_CDATA_SECTION_NODE) &&
	    c->content != NULL;
}

char *
adapter_xml_own_text(const xmlNode *n)
{
	size_t len = 0, at = 0, k;
	const xmlNode *c;
	char *t;

	if (n == NULL)
		return NULL;
	/* Measured first: text nodes between elements may be many. */
	for (c = n->children; c != NULL; c = c->next)
		if (adapter_xml_is_text(c))
			len += strlen((const char *)c->content);
	t = util_calloc(1, len + 1);
	for (c = n->children; c != NULL; c = c->next) {
		if (!adapter_xml_is_text(c))
			continue;
		k = strlen((const char *)c->content);
		memcpy(t + at, c->content, k);
		at += k;
	}
	return t;
}

int
adapter_xml_text(const xmlNode *n, char *buf, size_t size)
{
	char *t;
	int r;

	if (size > 0)
		buf[0] = '\0';
	if (n == NULL || size == 0)
		return -1;
	t = adapter_xml_own_text(n);
	r = adapter_xml_trimmed(t, buf, size);
	free(t);
	return r;
}

int
adapter_xml_path_text(
    const xmlNode *n, const char *path, char *buf, size_t size)
{
	return adapter_xml_text(adapter_xml_path(n, path), buf, size);
}

int
adapter_xml_attr(const xmlNode *n, const char *local, char *buf, size_t size)
{
	if (size > 0)
		buf[0] = '\0';
	if (n == NULL || n->type != XML_ELEMENT_NODE || size == 0)
		return -1;
	for (xmlAttr *a = n->properties; a != NULL; a = a->next) {
		xmlChar *v;
		int r;

		if (strcmp((const char *)a->name, local) != 0)
			continue;
		v = xmlNodeListGetString(n->doc, a->children, 1);
		if (v == NULL)
			return -1;
		r = adapter_xml_trimmed((const char *)v, buf, size);
		xmlFree(v);
		return r;
	}
	return -1;
}

int
adapter_xml_type(const xmlNode *n, char *buf, size_t size)
{
	char t[128];
	const char *colon;
	xmlChar *v;
	int r = -1;

	if (size > 0)
		buf[0] = '\0';
	if (n == NULL || n->type != XML_ELEMENT_NODE || size == 0)
		return -1;
	/* xsi:type only: a plain type="..." is some other attribute. */
	for (xmlAttr *a = n->properties; a != NULL; a = a->next) {
		if (strcmp((const char *)a->name, "type") != 0 ||
		    a->ns == NULL || a->ns->href == NULL ||
		    strcmp((const char *)a->ns->href, ADAPTER_XML_XSI) != 0)
			continue;
		v = xmlNodeListGetString(n->doc, a->children, 1);
		if (v == NULL)
			return -1;
		r = adapter_xml_trimmed((const char *)v, t, sizeof(t));
		xmlFree(v);
		break;
	}
	if (r < 0)
		return -1;
	colon = strrchr(t, ':');
	return adapter_xml_trimmed(colon != NULL ? colon + 1 : t, buf, size);
}

/*
 * The node after n in an iterative pre-order walk of from's subtree (no
 * recursion on hostile depth), or NULL at the end.
 */
static xmlNode *
adapter_xml_step(const xmlNode *from, xmlNode *n)
{
	if (n->children != NULL && n->type == XML_ELEMENT_NODE)
		return n->children;
	while (n != NULL && n != from && n->next == NULL)
		n = n->parent;
	if (n == NULL || n == from)
		return NULL;
	return n->next;
}

/* n is an element of namespace ns whose xsi:type has the local part type. */
static int
adapter_xml_has_type(const xmlNode *n, const char *type, const char *ns)
{
	char t[128];

	return n->type == XML_ELEMENT_NODE && adapter_xml_ns(n, ns) &&
	    adapter_xml_type(n, t, sizeof(t)) >= 0 && strcmp(t, type) == 0;
}

/* Elements under from named local (or typed type, when local is NULL). */
static long
adapter_xml_gather(xmlNode *from, const char *local, const char *type,
    const char *ns, size_t max, xmlNode ***out)
{
	xmlNode **v = NULL, *n;
	size_t cnt = 0, cap = 0;

	*out = NULL;
	for (n = from; n != NULL; n = adapter_xml_step(from, n)) {
		if (local != NULL ?
			!adapter_xml_is(n, local) || !adapter_xml_ns(n, ns) :
			!adapter_xml_has_type(n, type, ns))
			continue;
		if (cnt == max) {
			free(v);
			return -1;
		}
		adapter_xml_push(&v, &cnt, &cap, n);
	}
	*out = v;
	return (long)cnt;
}

void
adapter_xml_push(xmlNode ***v, size_t *n, size_t *cap, xmlNode *x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = reallocarray(*v, *cap, sizeof(xmlNode *));
		if (*v == NULL)
			log_fatal("out of memory");
	}
	(*v)[(*n)++] = x;
}

long
adapter_xml_collect(xmlNode *from, const char *local, const char *ns,
    size_t max, xmlNode ***out)
{
	return adapter_xml_gather(from, local, NULL, ns, max, out);
}

long
adapter_xml_collect_type(
    xmlNode *from, const char *type, const char *ns, size_t max, xmlNode ***out)
{
	return adapter_xml_gather(from, NULL, type, ns, max, out);
}

xmlNode *
adapter_xml_find(xmlNode *from, const char *local, const char *ns)
{
	for (xmlNode *n = from; n != NULL; n = adapter_xml_step(from, n))
		if (adapter_xml_is(n, local) && adapter_xml_ns(n, ns))
			return n;
	return NULL;
}

xmlNode *
adapter_xml_find_type(xmlNode *from, const char *type, const char *ns)
{
	for (xmlNode *n = from; n != NULL; n = adapter_xml_step(from, n))
		if (adapter_xml_has_type(n, type, ns))
			return n;
	return NULL;
}

int64_t
adapter_xml_count(const xmlNode *n)
{
	char buf[ADAPTER_XML_WORD_LEN];
	int64_t v = 0;
	int len = adapter_xml_text(n, buf, sizeof(buf)), i = 0;

	if (len <= 0)
		return PARK_NO_COUNT;
	if (buf[0] == '+')
		i++;
	if (i == len)
		return PARK_NO_COUNT;
	for (; i < len && buf[i] != '.'; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return PARK_NO_COUNT;
		v = v * 10 + (buf[i] - '0');
		if (v > ADAPTER_XML_COUNT_MAX)
			return PARK_NO_COUNT;
	}
	if (i < len) {
		/* "12." and ".5" are no counts; "12.0" is 12. */
		if (i == 0 || buf[i - 1] < '0' || buf[i - 1] > '9' ||
		    i + 1 == len)
			return PARK_NO_COUNT;
		for (i++; i < len; i++)
			if (buf[i] != '0')
				return PARK_NO_COUNT;
	}
	return v;
}

int64_t
adapter_xml_when(const xmlNode *n, const char *tz)
{
	char buf[ADAPTER_XML_WORD_LEN];
	int64_t t;

	if (n == NULL)
		return PARK_NO_TIME;
	if (adapter_xml_text(n, buf, sizeof(buf)) < 0) {
		/* An empty element says nothing; an overlong one is bad. */
		char *c = adapter_xml_own_text(n);
		int empty = c[strspn(c, " \t\r\n")] == '\0';

		free(c);
		return empty ? PARK_NO_TIME : PARK_BAD_TIME;
	}
	if (util_parse_iso8601_tz(buf, tz, &t) != 0 || t <= 0)
		return PARK_BAD_TIME;
	return t;
}

/* lang equals want, or is want followed by '-' ("de-CH" for "de"). */
static int
adapter_xml_lang_is(const char *lang, const char *want)
{
	size_t n = strlen(want);

	return n > 0 && strncasecmp(lang, want, n) == 0 &&
	    (lang[n] == '\0' || lang[n] == '-' || lang[n] == '_');
}

int
adapter_xml_lang_text(
    const xmlNode *n, const char *lang, char *buf, size_t size)
{
	char text[ADAPTER_XML_VALUE_LEN], l[ADAPTER_XML_LANG_LEN];
	const xmlNode *values = adapter_xml_child(n, "values"), *pick = NULL;
	const xmlNode *first = NULL;

	if (size > 0)
		buf[0] = '\0';
	if (size == 0)
		return -1;
	for (const xmlNode *v = adapter_xml_child(values, "value"); v != NULL;
	     v = adapter_xml_next(v, "value")) {
		if (adapter_xml_text(v, text, sizeof(text)) < 0)
			continue;
		if (first == NULL)
			first = v;
		if (lang != NULL &&
		    adapter_xml_attr(v, "lang", l, sizeof(l)) > 0 &&
		    adapter_xml_lang_is(l, lang)) {
			pick = v;
			break;
		}
	}
	if (pick == NULL)
		pick = first;
	if (pick == NULL || adapter_xml_text(pick, text, sizeof(text)) < 0)
		return -1;
	park_name_normalise(text, strlen(text), buf, size);
	return buf[0] != '\0' ? (int)strlen(buf) : -1;
}

xmlNode *
adapter_xml_root(xmlDoc *doc)
{
	return doc != NULL ? xmlDocGetRootElement(doc) : NULL;
}
