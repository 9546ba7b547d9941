/*
 * adapters/xml: local-name matching and bounded text reads over libxml2
 * trees (see xml.h).
 */
#include "adapters/xml.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

int
adapter_xml_is(const xmlNode *n, const char *local)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, local) == 0;
}

int
adapter_xml_ns(const xmlNode *n, const char *prefix)
{
	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return 0;
	if (prefix == NULL)
		return 1;
	return n->ns != NULL && n->ns->href != NULL &&
	    strncmp((const char *)n->ns->href, prefix, strlen(prefix)) == 0;
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

int
adapter_xml_text(const xmlNode *n, char *buf, size_t size)
{
	xmlChar *t;
	int r;

	if (size > 0)
		buf[0] = '\0';
	if (n == NULL || size == 0)
		return -1;
	t = xmlNodeGetContent(n);
	if (t == NULL)
		return -1;
	r = adapter_xml_trimmed((const char *)t, buf, size);
	xmlFree(t);
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

	if (adapter_xml_attr(n, "type", t, sizeof(t)) < 0)
		return -1;
	colon = strrchr(t, ':');
	return adapter_xml_trimmed(colon != NULL ? colon + 1 : t, buf, size);
}

long
adapter_xml_collect(xmlNode *from, const char *local, const char *ns,
    size_t max, xmlNode ***out)
{
	xmlNode **v = NULL, *n = from;
	size_t cnt = 0, cap = 0;

	*out = NULL;
	/* Iterative pre-order walk: no recursion on hostile depth. */
	while (n != NULL) {
		if (adapter_xml_is(n, local) && adapter_xml_ns(n, ns)) {
			if (cnt == max) {
				free(v);
				return -1;
			}
			if (cnt == cap) {
				cap = cap ? cap * 2 : 16;
				v = reallocarray(v, cap, sizeof(*v));
				if (v == NULL)
					log_fatal("out of memory");
			}
			v[cnt++] = n;
		}
		if (n->children != NULL && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n != NULL && n != from && n->next == NULL)
			n = n->parent;
		if (n == NULL || n == from)
			break;
		n = n->next;
	}
	*out = v;
	return (long)cnt;
}

xmlNode *
adapter_xml_root(xmlDoc *doc)
{
	return doc != NULL ? xmlDocGetRootElement(doc) : NULL;
}
