/*
 * adapters/xml: reading libxml2 trees for the XML feed formats (DATEX II,
 * RSS).  Publishers choose their own namespace prefixes (prk:, par:, a
 * default namespace), so elements are matched by local name and, where it
 * matters, by namespace URI, never by prefix.  Texts are read trimmed and
 * bounded; nothing here allocates except adapter_xml_collect.
 */
#ifndef TAFEL_ADAPTERS_XML_H
#define TAFEL_ADAPTERS_XML_H

#include <stddef.h>
#include <stdint.h>

struct _xmlNode;
struct _xmlDoc;

/*
 * DATEX II namespaces all start with this, followed by a version number
 * ("http://datex2.eu/schema/2/2_0", ".../schema/3/common"); adapter_xml_ns
 * checks for the digit when given this prefix.
 */
#define ADAPTER_XML_DATEX "http://datex2.eu/schema/"

/* The XML Schema instance namespace (xsi:type). */
#define ADAPTER_XML_XSI "http://www.w3.org/2001/XMLSchema-instance"

/* n is an element named local (in any namespace). */
int adapter_xml_is(const struct _xmlNode *n, const char *local);
/*
 * n is an element whose namespace URI starts with prefix (NULL: any); for
 * ADAPTER_XML_DATEX a digit (the version) must follow it.
 */
int adapter_xml_ns(const struct _xmlNode *n, const char *prefix);

/* The first element child of n named local, or NULL. */
struct _xmlNode *adapter_xml_child(const struct _xmlNode *n, const char *local);
/* The next element sibling after n named local, or NULL. */
struct _xmlNode *adapter_xml_next(const struct _xmlNode *n, const char *local);
/* Children by local names separated by '/': "a/b/c"; NULL if any is missing. */
struct _xmlNode *adapter_xml_path(const struct _xmlNode *n, const char *path);

/*
 * n's own text: its text and CDATA children joined, not the text of its
 * child elements (<a>1<x>2</x></a> is "1"); malloc'd, the caller frees
 * it; NULL when n is NULL.
 */
char *adapter_xml_own_text(const struct _xmlNode *n);
/*
 * The own text of n, trimmed of blanks, into buf: its length, or -1 when
 * n is NULL, has no text, or the text does not fit.
 */
int adapter_xml_text(const struct _xmlNode *n, char *buf, size_t size);
/* adapter_xml_text of adapter_xml_path(n, path). */
int adapter_xml_path_text(
    const struct _xmlNode *n, const char *path, char *buf, size_t size);

/*
 * An attribute by local name (no namespace needed) into buf: its length,
 * or -1 when missing or too long.
 */
int adapter_xml_attr(
    const struct _xmlNode *n, const char *local, char *buf, size_t size);
/*
 * The local part of the element's xsi:type ("prk:ParkingSiteStatus" →
 * "ParkingSiteStatus") into buf, or -1 when it has none.  Only a type
 * attribute in the XML Schema instance namespace counts.
 */
int adapter_xml_type(const struct _xmlNode *n, char *buf, size_t size);

/*
 * Every element named local under (and including) from, in document order,
 * whose namespace URI starts with ns (NULL: any), at most max; depth is
 * bounded by libxml2's own limit.  *out is a malloc'd array (the caller
 * frees it, or hands it to adapter_walk_nodes); returns the count, or -1
 * when there are more than max (*out is then NULL).
 */
long adapter_xml_collect(struct _xmlNode *from, const char *local,
    const char *ns, size_t max, struct _xmlNode ***out);

/*
 * The first element in document order under (and including) from named
 * local whose namespace URI starts with ns (NULL: any); NULL if none.
 */
struct _xmlNode *adapter_xml_find(
    struct _xmlNode *from, const char *local, const char *ns);

/*
 * The first element in document order under (and including) from whose
 * xsi:type has the local part type and whose namespace URI starts with ns
 * (NULL: any); NULL when there is none.  Iterative, like collect.
 */
struct _xmlNode *adapter_xml_find_type(
    struct _xmlNode *from, const char *type, const char *ns);

/*
 * A count in the text of n: ASCII digits (an integral decimal such as
 * "12.0" too, as park_json_count takes 12.0), trimmed, 0..2147483647.
 * Anything else, a negative count included (DATEX -1 = "no count"), is
 * -1 (PARK_NO_COUNT).
 */
int64_t adapter_xml_count(const struct _xmlNode *n);

/*
 * A time in the text of n for the display rules, as park_json_when:
 * PARK_NO_TIME when n is NULL or empty, PARK_BAD_TIME when the text is not
 * an ISO 8601 time (fractions of any length, Z or an offset; zone-less
 * times in zone tz) or is at or before the 1970 epoch.
 */
int64_t adapter_xml_when(const struct _xmlNode *n, const char *tz);

/*
 * A DATEX multilingual string (MultilingualString: values/value @lang)
 * under n into buf, normalised by rule 10: the value in language lang
 * (compared without case; "de" also takes "de-CH"), else the first value
 * with text.  Its length, or -1 when there is none.
 */
int adapter_xml_lang_text(
    const struct _xmlNode *n, const char *lang, char *buf, size_t size);

/*
 * The same as adapter_xml_collect for the elements (of any name) whose
 * xsi:type has the local part type.
 */
long adapter_xml_collect_type(struct _xmlNode *from, const char *type,
    const char *ns, size_t max, struct _xmlNode ***out);

/* Append x to the malloc'd array *v of *n nodes (room for *cap). */
void adapter_xml_push(
    struct _xmlNode ***v, size_t *n, size_t *cap, struct _xmlNode *x);

/* The document's root element, or NULL. */
struct _xmlNode *adapter_xml_root(struct _xmlDoc *doc);

#endif
