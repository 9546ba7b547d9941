/*
 * test_xml: the XML side of the feed reader and the helpers the XML
 * adapters read trees with (adapters/xml.c).  The reader is the real one
 * (libxml2's push parser as adapter_reader_new_for sets it up), fed whole
 * and in pieces: entity tricks, external entities and DTDs are refused as
 * a whole, NUL bytes, truncation and hostile depth are errors with a
 * position, a declared legacy encoding is converted to UTF-8.  The
 * helpers match local names and namespace URIs, never prefixes, and read
 * counts, times and multilingual texts strictly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "adapters/xml.h"
#include "park.h"
#include "util.h"

#define DATEX_NS "http://datex2.eu/schema/2/2_0"

/*
 * text[0..len) through the XML reader in pieces of piece bytes (0 =
 * whole): the tree, or NULL with err filled.
 */
static xmlDoc *
read_xml(const char *text, size_t len, size_t piece, char *err, size_t errlen)
{
	struct adapter_reader *r =
	    adapter_reader_new_for(adapter_find("datex2-parking"));
	struct adapter_input in;
	size_t off = 0, n;
	int res;

	err[0] = '\0';
	if (piece == 0)
		piece = len;
	while (off < len) {
		n = len - off < piece ? len - off : piece;
		adapter_reader_feed(r, text + off, n, err, errlen);
		off += n;
	}
	res = adapter_reader_finish_input(r, &in, err, errlen);
	adapter_reader_free(r);
	if (res != 0) {
		assert_null(in.xml);
		return NULL;
	}
	assert_null(in.json);
	assert_non_null(in.xml);
	return in.xml;
}

static xmlDoc *
read_ok(const char *text)
{
	char err[ADAPTER_ERR_LEN];
	xmlDoc *d = read_xml(text, strlen(text), 0, err, sizeof(err));

	if (d == NULL)
		fail_msg("rejected: %s", err);
	return d;
}

/* The reader refuses text (whole and byte by byte) with want in err. */
static void
assert_refused(const char *text, size_t len, const char *want)
{
	static const size_t pieces[] = { 0, 1, 7 };
	char err[ADAPTER_ERR_LEN];

	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		xmlDoc *d = read_xml(text, len, pieces[i], err, sizeof(err));

		if (d != NULL) {
			xmlFreeDoc(d);
			fail_msg("accepted in pieces of %zu", pieces[i]);
		}
		if (strstr(err, want) == NULL)
			fail_msg("pieces of %zu: \"%s\" lacks \"%s\"",
			    pieces[i], err, want);
	}
}

/* ---- reader safety ---- */

static void
test_xml_reader_refuses_entity_expansion(void **state)
{
	static const char laughs[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE lolz [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY l1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY l2 \"&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;\">\n"
	    " <!ENTITY l3 \"&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;\">\n"
	    " <!ENTITY l4 \"&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;\">\n"
	    " <!ENTITY l5 \"&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;\">\n"
	    " <!ENTITY l6 \"&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;\">\n"
	    " <!ENTITY l7 \"&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;\">\n"
	    " <!ENTITY l8 \"&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;\">\n"
	    " <!ENTITY l9 \"&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;\">\n"
	    "]>\n"
	    "<lolz>&l9;</lolz>\n";
	int64_t t0 = util_mono_ms();

	(void)state;
	assert_refused(laughs, strlen(laughs), "DOCTYPE is refused");
	/* Refused at the DOCTYPE, not after expanding 10^9 lols. */
	assert_true(util_mono_ms() - t0 < 2000);
}

static void
test_xml_reader_refuses_external_entities(void **state)
{
	static const char xxe[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
	    "<r>&x;</r>\n";
	static const char pe[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/x.dtd\">"
	    "%p;]>\n<r/>\n";
	static const char ext[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE r SYSTEM \"file:///etc/passwd\">\n<r/>\n";
	char err[ADAPTER_ERR_LEN];

	(void)state;
	assert_refused(xxe, strlen(xxe), "DOCTYPE is refused");
	assert_refused(pe, strlen(pe), "DOCTYPE is refused");
	assert_refused(ext, strlen(ext), "DOCTYPE is refused");
	/* Nothing of the file leaks into the reason either. */
	assert_null(read_xml(xxe, strlen(xxe), 0, err, sizeof(err)));
	assert_null(strstr(err, "root:"));
}

static void
test_xml_reader_refuses_any_doctype(void **state)
{
	static const char html[] = "<!DOCTYPE html>\n<html><body>502 Bad "
				   "Gateway</body></html>\n";
	static const char late[] = "<?xml version=\"1.0\"?>\n<!-- a comment "
				   "first -->\n<!DOCTYPE r>\n<r/>\n";

	(void)state;
	assert_refused(html, strlen(html), "DOCTYPE is refused");
	assert_refused(late, strlen(late), "DOCTYPE is refused");
}

static void
test_xml_reader_refuses_undeclared_entities(void **state)
{
	static const char doc[] = "<r><x>&passwd;</x></r>";

	(void)state;
	assert_refused(doc, strlen(doc), "Entity 'passwd' not defined");
}

static void
test_xml_reader_keeps_predefined_and_character_references(void **state)
{
	xmlDoc *d = read_ok("<r><a>P&amp;R Z&#252;rich &lt;3&gt;</a></r>");
	char buf[64];

	(void)state;
	assert_int_equal(
	    adapter_xml_path_text(adapter_xml_root(d), "a", buf, sizeof(buf)),
	    strlen("P&R Zürich <3>"));
	assert_string_equal(buf, "P&R Zürich <3>");
	xmlFreeDoc(d);
}

static void
test_xml_reader_refuses_nul_bytes_with_their_offset(void **state)
{
	static const char doc[] = "<r><a>1</a>\0<b/></r>";

	(void)state;
	assert_refused(doc, sizeof(doc) - 1, "not XML at offset 11 (NUL byte)");
}

static void
test_xml_reader_refuses_every_truncation(void **state)
{
	static const char doc[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<d2:m xmlns:d2=\"" DATEX_NS "\"><d2:a id=\"x\">12</d2:a>"
	    "<!-- c --><d2:b><![CDATA[open / 1]]></d2:b></d2:m>";
	char err[ADAPTER_ERR_LEN];
	xmlDoc *d;

	(void)state;
	for (size_t n = 0; n < strlen(doc); n++) {
		d = read_xml(doc, n, 0, err, sizeof(err));
		if (d != NULL) {
			xmlFreeDoc(d);
			fail_msg("a cut after %zu bytes was accepted", n);
		}
		assert_true(err[0] != '\0');
	}
	d = read_ok(doc);
	xmlFreeDoc(d);
}

/* depth nested elements <e><e>...</e></e>, NUL-terminated, malloc'd. */
static char *
nested(size_t depth)
{
	char *s = malloc(depth * 7 + 1), *p = s;

	assert_non_null(s);
	for (size_t i = 0; i < depth; i++, p += 3)
		memcpy(p, "<e>", 3);
	for (size_t i = 0; i < depth; i++, p += 4)
		memcpy(p, "</e>", 4);
	*p = '\0';
	return s;
}

static void
test_xml_reader_bounds_depth(void **state)
{
	char *deep = nested(100000), *ok = nested(200), err[ADAPTER_ERR_LEN];
	xmlNode **v;
	xmlDoc *d;

	(void)state;
	assert_null(read_xml(deep, strlen(deep), 4096, err, sizeof(err)));
	assert_non_null(strstr(err, "not XML at line 1"));
	assert_non_null(strstr(err, "depth"));
	/* A deep but allowed tree is walked without recursion. */
	d = read_ok(ok);
	assert_int_equal(
	    adapter_xml_collect(adapter_xml_root(d), "e", NULL, 1000, &v), 200);
	assert_true(adapter_xml_is(v[199], "e"));
	assert_null(v[199]->children);
	free(v);
	xmlFreeDoc(d);
	free(deep);
	free(ok);
}

static void
test_xml_reader_converts_a_declared_windows_1252_document(void **state)
{
	/* "Zürich" and "€" in windows-1252: FC and 80. */
	static const char doc[] =
	    "<?xml version=\"1.0\" encoding=\"windows-1252\"?>"
	    "<r><a>Z\xfcrich \x80 5</a></r>";
	char buf[64];
	xmlDoc *d;

	(void)state;
	for (size_t piece = 1; piece <= sizeof(doc); piece += 9) {
		char err[ADAPTER_ERR_LEN];

		d = read_xml(doc, sizeof(doc) - 1, piece, err, sizeof(err));
		if (d == NULL)
			fail_msg("pieces of %zu: %s", piece, err);
		adapter_xml_path_text(
		    adapter_xml_root(d), "a", buf, sizeof(buf));
		assert_string_equal(buf, "Z\xc3\xbcrich \xe2\x82\xac 5");
		xmlFreeDoc(d);
	}
}

static void
test_xml_reader_refuses_invalid_utf8(void **state)
{
	static const char doc[] = "<r><a>Z\xfcrich</a></r>";

	(void)state;
	assert_refused(doc, strlen(doc), "not XML at line 1");
}

static void
test_xml_reader_refuses_json_and_empty_bodies(void **state)
{
	(void)state;
	assert_refused("{\"a\": 1}", 8, "not XML at line 1 column 1");
	assert_refused("  \n", 3, "empty document");
	assert_refused("", 0, "empty document");
}

/* A start tag "<x" with n attributes (a0="v" ...) and "/>" into a buffer. */
static char *
many_attributes(const char *before, int n, const char *value, const char *after)
{
	size_t cap = strlen(before) + strlen(after) + 64 +
	    (size_t)n * (strlen(value) + 16);
	char *s = malloc(cap);
	size_t len;

	assert_non_null(s);
	len = (size_t)snprintf(s, cap, "%s<x", before);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(
		    s + len, cap - len, " a%d=\"%s\"", i, value);
	snprintf(s + len, cap - len, "/>%s", after);
	return s;
}

static void
test_xml_reader_bounds_attributes_per_element(void **state)
{
	char *doc;
	xmlDoc *d;

	(void)state;
	/* 256 are fine; 257 are refused, naming the element's offset. */
	doc = many_attributes("<r>", 256, "1", "</r>");
	d = read_ok(doc);
	xmlFreeDoc(d);
	free(doc);
	doc = many_attributes("<r>", 257, "1", "</r>");
	assert_refused(doc, strlen(doc),
	    "element at offset 3 has more than 256 attributes");
	free(doc);
	/* The 2.3 MB document that took libxml2 452 s is refused at once. */
	doc =
	    many_attributes("<r xmlns=\"" DATEX_NS "\">", 200000, "1", "</r>");
	assert_refused(doc, strlen(doc),
	    "element at offset 41 has more than 256 attributes");
	free(doc);
	/* '=' in values, comments, CDATA and PIs is no attribute. */
	doc = many_attributes("<r><!-- a=1 b=2 --><?p c=3?>"
			      "<y><![CDATA[ d=4 e=5 ]]></y>",
	    255, "a=b='c'", "<z f='=&gt;='/></r>");
	d = read_ok(doc);
	xmlFreeDoc(d);
	free(doc);
}

static void
test_xml_reader_bounds_namespaces_in_scope(void **state)
{
	char doc[8192];
	size_t len = 0;
	xmlDoc *d;

	(void)state;
	/* Declarations of siblings end with them: 100 of 40 each are fine. */
	len += (size_t)snprintf(doc + len, sizeof(doc) - len, "<r>");
	for (int e = 0; e < 100; e++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len,
		    "<e xmlns=\"u\" xmlns:p=\"v\" xmlns:q=\"w\"/>");
	len += (size_t)snprintf(doc + len, sizeof(doc) - len, "</r>");
	d = read_ok(doc);
	xmlFreeDoc(d);
	/* 65 in scope (40 + 25, nested) are refused at the inner element. */
	len = (size_t)snprintf(doc, sizeof(doc), "<r");
	for (int i = 0; i < 40; i++)
		len += (size_t)snprintf(
		    doc + len, sizeof(doc) - len, " xmlns:a%d = 'u%d'", i, i);
	len += (size_t)snprintf(doc + len, sizeof(doc) - len, "><e");
	for (int i = 0; i < 25; i++)
		len += (size_t)snprintf(
		    doc + len, sizeof(doc) - len, " xmlns:b%d='u'", i);
	snprintf(doc + len, sizeof(doc) - len, "/></r>");
	assert_refused(doc, strlen(doc),
	    "is in the scope of more than 64 namespace declarations");
	/* An attribute merely named like one is not a declaration. */
	len = (size_t)snprintf(doc, sizeof(doc), "<r");
	for (int i = 0; i < 100; i++)
		len += (size_t)snprintf(
		    doc + len, sizeof(doc) - len, " xmlnsx%d='u'", i);
	snprintf(doc + len, sizeof(doc) - len, "/>");
	d = read_ok(doc);
	xmlFreeDoc(d);
}

static void
test_xml_reader_bounds_tags_and_comments(void **state)
{
	size_t n = 70000;
	char *doc = malloc(n + 64);

	(void)state;
	assert_non_null(doc);
	snprintf(doc, n + 64, "<r><x a=\"%0*d\"/></r>", (int)n, 0);
	assert_refused(doc, strlen(doc),
	    "element at offset 3 has a start tag longer than 65536 bytes");
	snprintf(doc, n + 64, "<r><!--%0*d--></r>", (int)n, 0);
	assert_refused(
	    doc, strlen(doc), "comment at offset 3 longer than 65536 bytes");
	snprintf(doc, n + 64, "<r><?p %0*d?></r>", (int)n, 0);
	assert_refused(doc, strlen(doc),
	    "processing instruction at offset 3 longer than 65536 bytes");
	free(doc);
}

/* s (ASCII) in UTF-16, little or big endian, after bom (may be ""). */
static size_t
utf16(const char *bom, size_t nbom, const char *s, int big, char *out)
{
	size_t n = 0;

	memcpy(out, bom, nbom);
	n = nbom;
	for (; *s != '\0'; s++) {
		out[n++] = big ? 0 : *s;
		out[n++] = big ? *s : 0;
	}
	return n;
}

static void
test_xml_reader_reads_utf16(void **state)
{
	static const char text[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-16\"?><r><a>Bern</a></r>";
	char doc[256], buf[32], err[ADAPTER_ERR_LEN];
	size_t len;
	xmlDoc *d;

	(void)state;
	for (int big = 0; big <= 1; big++) {
		for (int bom = 0; bom <= 1; bom++) {
			len = utf16(big ? "\xFE\xFF" : "\xFF\xFE", bom ? 2 : 0,
			    text, big, doc);
			for (size_t piece = 0; piece <= 5; piece += 5) {
				d = read_xml(doc, len, piece, err, sizeof(err));
				if (d == NULL)
					fail_msg("big %d bom %d piece %zu: %s",
					    big, bom, piece, err);
				adapter_xml_path_text(
				    adapter_xml_root(d), "a", buf, sizeof(buf));
				assert_string_equal(buf, "Bern");
				xmlFreeDoc(d);
			}
		}
	}
	/* A NUL character in UTF-16 is still one. */
	len = utf16("\xFF\xFE", 2, "<r>", 0, doc);
	doc[len++] = 0;
	doc[len++] = 0;
	len += utf16("", 0, "</r>", 0, doc + len);
	assert_refused(doc, len, "not XML at offset 8 (NUL byte)");
	/* The bounds hold in UTF-16 as well. */
	{
		char *a = many_attributes("<r>", 300, "1", "</r>");
		char *w = malloc(2 * strlen(a) + 2);

		assert_non_null(w);
		len = utf16("\xFF\xFE", 2, a, 0, w);
		assert_refused(
		    w, len, "element at offset 8 has more than 256 attributes");
		free(w);
		free(a);
	}
}

static void
test_xml_reader_refuses_encodings_without_ascii_markup(void **state)
{
	static const char utf7[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-7\"?><r>+ADw-x/+AD4-</r>";
	static const char ebcdic[] = "\x4C\x6F\xA7\x94\x93\x40";
	static const char utf16be_in_le[] =
	    "<?xml version='1.0' encoding='UTF-16BE'?><r/>";
	char doc[128];
	size_t len;

	(void)state;
	assert_refused(
	    utf7, strlen(utf7), "XML in encoding \"UTF-7\" is not supported");
	assert_refused(
	    ebcdic, strlen(ebcdic), "XML in EBCDIC is not supported");
	len = utf16("\xFF\xFE", 2, utf16be_in_le, 0, doc);
	assert_refused(
	    doc, len, "XML in encoding \"UTF-16BE\" is not supported");
	xmlFreeDoc(read_ok("<?xml version='1.0' encoding='ISO-8859-15'?><r/>"));
	xmlFreeDoc(read_ok("<?xml version='1.0' encoding='us-ascii'?><r/>"));
}

/* ---- helpers ---- */

static const char names_doc[] =
    "<?xml version=\"1.0\"?>"
    "<root xmlns=\"" DATEX_NS "\" xmlns:p=\"http://datex2.eu/schema/3/"
    "parking\" xmlns:datex=\"http://example.com/not-datex\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
    "<p:rec xsi:type=\"p:ParkingSiteStatus\" id=\"  P1 \"><p:occ>"
    "<p:vacant> 12 </p:vacant></p:occ></p:rec>"
    "<datex:rec id=\"X\"><datex:occ><datex:vacant>3</datex:vacant>"
    "</datex:occ></datex:rec>"
    "<rec xsi:type=\"Plain\" id=\"P2\"><occ><vacant/></occ></rec>"
    "</root>";

static void
test_xml_names_match_local_names_and_namespace_uris(void **state)
{
	xmlDoc *d = read_ok(names_doc);
	xmlNode *root = adapter_xml_root(d), *a, *b, *c;
	char buf[32];

	(void)state;
	a = adapter_xml_child(root, "rec");
	b = adapter_xml_next(a, "rec");
	c = adapter_xml_next(b, "rec");
	assert_non_null(c);
	assert_null(adapter_xml_next(c, "rec"));
	/* The prefix "datex" is bound to another URI: not DATEX. */
	assert_true(adapter_xml_ns(a, ADAPTER_XML_DATEX));
	assert_false(adapter_xml_ns(b, ADAPTER_XML_DATEX));
	assert_true(adapter_xml_ns(c, ADAPTER_XML_DATEX));
	assert_true(adapter_xml_ns(b, NULL));
	assert_ptr_equal(adapter_xml_path(a, "occ/vacant"),
	    adapter_xml_child(adapter_xml_child(a, "occ"), "vacant"));
	assert_null(adapter_xml_path(a, "occ/missing"));
	assert_null(adapter_xml_path(a, "occ//vacant"));
	assert_int_equal(adapter_xml_attr(a, "id", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "P1");
	assert_int_equal(adapter_xml_attr(a, "nope", buf, sizeof(buf)), -1);
	assert_int_equal(adapter_xml_type(a, buf, sizeof(buf)), 17);
	assert_string_equal(buf, "ParkingSiteStatus");
	assert_int_equal(adapter_xml_type(c, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "Plain");
	assert_int_equal(adapter_xml_type(b, buf, sizeof(buf)), -1);
	assert_ptr_equal(adapter_xml_find_type(root, "Plain", NULL), c);
	assert_ptr_equal(
	    adapter_xml_find_type(root, "ParkingSiteStatus", ADAPTER_XML_DATEX),
	    a);
	assert_null(adapter_xml_find_type(root, "Parking", NULL));
	assert_ptr_equal(adapter_xml_find(root, "vacant", ADAPTER_XML_DATEX),
	    a->children->children);
	xmlFreeDoc(d);
}

static void
test_xml_text_is_trimmed_and_bounded(void **state)
{
	xmlDoc *d = read_ok(names_doc);
	xmlNode *a = adapter_xml_child(adapter_xml_root(d), "rec");
	xmlNode *c = adapter_xml_next(adapter_xml_next(a, "rec"), "rec");
	char buf[8];

	(void)state;
	assert_int_equal(
	    adapter_xml_path_text(a, "occ/vacant", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "12");
	/* Too long for the buffer: no text rather than a cut one. */
	assert_int_equal(adapter_xml_path_text(a, "occ/vacant", buf, 2), -1);
	assert_string_equal(buf, "");
	assert_int_equal(
	    adapter_xml_path_text(c, "occ/vacant", buf, sizeof(buf)), -1);
	assert_int_equal(adapter_xml_text(NULL, buf, sizeof(buf)), -1);
	xmlFreeDoc(d);
}

static void
test_xml_collect_counts_in_document_order_up_to_max(void **state)
{
	xmlDoc *d = read_ok(names_doc);
	xmlNode *root = adapter_xml_root(d), **v = NULL;

	(void)state;
	assert_int_equal(
	    adapter_xml_collect(root, "rec", ADAPTER_XML_DATEX, 10, &v), 2);
	assert_ptr_equal(v[0], adapter_xml_child(root, "rec"));
	free(v);
	assert_int_equal(adapter_xml_collect(root, "rec", NULL, 10, &v), 3);
	free(v);
	assert_int_equal(adapter_xml_collect(root, "rec", NULL, 2, &v), -1);
	assert_null(v);
	assert_int_equal(adapter_xml_collect(root, "none", NULL, 2, &v), 0);
	free(v);
	assert_int_equal(
	    adapter_xml_collect_type(root, "ParkingSiteStatus", NULL, 10, &v),
	    1);
	free(v);
	xmlFreeDoc(d);
}

/* adapter_xml_count of <c>text</c>. */
static int64_t
count_of(const char *text)
{
	char doc[256];
	xmlDoc *d;
	int64_t v;

	snprintf(doc, sizeof(doc), "<c>%s</c>", text);
	d = read_ok(doc);
	v = adapter_xml_count(adapter_xml_root(d));
	xmlFreeDoc(d);
	return v;
}

static void
test_xml_count_takes_only_whole_non_negative_numbers(void **state)
{
	(void)state;
	assert_int_equal(count_of("12"), 12);
	assert_int_equal(count_of(" \n 12 \t"), 12);
	assert_int_equal(count_of("0"), 0);
	assert_int_equal(count_of("+7"), 7);
	assert_int_equal(count_of("12.0"), 12);
	assert_int_equal(count_of("12.000"), 12);
	assert_int_equal(count_of("2147483647"), 2147483647);
	assert_int_equal(count_of("-1"), PARK_NO_COUNT);
	assert_int_equal(count_of("-0"), PARK_NO_COUNT);
	assert_int_equal(count_of("12.5"), PARK_NO_COUNT);
	assert_int_equal(count_of("12."), PARK_NO_COUNT);
	assert_int_equal(count_of(".0"), PARK_NO_COUNT);
	assert_int_equal(count_of("+"), PARK_NO_COUNT);
	assert_int_equal(count_of("1e3"), PARK_NO_COUNT);
	assert_int_equal(count_of("0x10"), PARK_NO_COUNT);
	assert_int_equal(count_of("1 2"), PARK_NO_COUNT);
	assert_int_equal(count_of("2147483648"), PARK_NO_COUNT);
	assert_int_equal(count_of("99999999999999999999999"), PARK_NO_COUNT);
	assert_int_equal(count_of(""), PARK_NO_COUNT);
	assert_int_equal(adapter_xml_count(NULL), PARK_NO_COUNT);
}

static int64_t
when_of(const char *text)
{
	char doc[256];
	xmlDoc *d;
	int64_t v;

	snprintf(doc, sizeof(doc), "<t>%s</t>", text);
	d = read_ok(doc);
	v = adapter_xml_when(adapter_xml_root(d), "UTC");
	xmlFreeDoc(d);
	return v;
}

static void
test_xml_when_reads_nanoseconds_and_offsets(void **state)
{
	/* 2026-09-22T09:06:57Z */
	const int64_t t = (int64_t)1790068017 * 1000;

	(void)state;
	assert_int_equal(when_of("2026-09-22T09:06:57Z"), t);
	assert_int_equal(when_of("2026-09-22T09:06:57.472809998Z"), t + 472);
	assert_int_equal(
	    when_of(" 2026-09-22T11:06:57.472809998+02:00 "), t + 472);
	assert_int_equal(when_of("2026-09-22T09:06:57"), t); /* zone UTC */
	assert_int_equal(when_of(""), PARK_NO_TIME);
	assert_int_equal(when_of("  "), PARK_NO_TIME);
	assert_int_equal(when_of("yesterday"), PARK_BAD_TIME);
	assert_int_equal(when_of("1970-01-01T00:00:00Z"), PARK_BAD_TIME);
	assert_int_equal(when_of("2026-09-22T09:06:57.47280999800000000000000"
				 "00000000000000000000000000000000Z"),
	    PARK_BAD_TIME);
	assert_int_equal(adapter_xml_when(NULL, NULL), PARK_NO_TIME);
}

static void
test_xml_lang_text_picks_the_language_else_the_first(void **state)
{
	xmlDoc *d =
	    read_ok("<r><n><values><value lang=\"fr\">Gare</value>"
		    "<value lang=\"DE-ch\"> Bahn\n  hof </value></values></n>"
		    "<m><values><value lang=\"de\"/><value>Flora</value>"
		    "<value lang=\"it\">Fiore</value></values></m>"
		    "<o><values/></o></r>");
	xmlNode *r = adapter_xml_root(d);
	char buf[PARK_NAME_LEN], small[6];

	(void)state;
	assert_int_equal(adapter_xml_lang_text(
			     adapter_xml_child(r, "n"), "de", buf, sizeof(buf)),
	    8);
	assert_string_equal(buf, "Bahn hof");
	adapter_xml_lang_text(
	    adapter_xml_child(r, "n"), "it", buf, sizeof(buf));
	assert_string_equal(buf, "Gare");
	adapter_xml_lang_text(
	    adapter_xml_child(r, "n"), NULL, buf, sizeof(buf));
	assert_string_equal(buf, "Gare");
	/* "d" is no language prefix of "de-ch". */
	adapter_xml_lang_text(adapter_xml_child(r, "n"), "d", buf, sizeof(buf));
	assert_string_equal(buf, "Gare");
	/* An empty value in the language does not count. */
	adapter_xml_lang_text(
	    adapter_xml_child(r, "m"), "de", buf, sizeof(buf));
	assert_string_equal(buf, "Flora");
	adapter_xml_lang_text(
	    adapter_xml_child(r, "m"), "it", buf, sizeof(buf));
	assert_string_equal(buf, "Fiore");
	assert_int_equal(adapter_xml_lang_text(
			     adapter_xml_child(r, "o"), "de", buf, sizeof(buf)),
	    -1);
	assert_int_equal(
	    adapter_xml_lang_text(NULL, "de", buf, sizeof(buf)), -1);
	/* Cut at a character boundary, as names are (rule 10). */
	adapter_xml_lang_text(
	    adapter_xml_child(r, "n"), "de", small, sizeof(small));
	assert_string_equal(small, "Bahn");
	xmlFreeDoc(d);
}

static void
test_xml_datex_namespace_needs_a_version(void **state)
{
	xmlDoc *d =
	    read_ok("<r><a xmlns='http://datex2.eu/schema/x'/>"
		    "<b xmlns='http://datex2.eu/schema/'/>"
		    "<c xmlns='http://datex2.eu/schema/3/common'/></r>");
	xmlNode *root = adapter_xml_root(d);

	(void)state;
	assert_false(
	    adapter_xml_ns(adapter_xml_child(root, "a"), ADAPTER_XML_DATEX));
	assert_false(
	    adapter_xml_ns(adapter_xml_child(root, "b"), ADAPTER_XML_DATEX));
	assert_true(
	    adapter_xml_ns(adapter_xml_child(root, "c"), ADAPTER_XML_DATEX));
	/* Other prefixes stay plain prefixes. */
	assert_true(adapter_xml_ns(
	    adapter_xml_child(root, "a"), "http://datex2.eu/schema/x"));
	xmlFreeDoc(d);
}

static void
test_xml_type_is_xsi_type_only(void **state)
{
	xmlDoc *d = read_ok(
	    "<r xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' "
	    "xmlns:x='http://example.org/x'><a type='p:Plain'/>"
	    "<b x:type='p:Other'/><c type='p:Plain' xsi:type='p:Real'/></r>");
	xmlNode *root = adapter_xml_root(d);
	char buf[32];

	(void)state;
	assert_int_equal(
	    adapter_xml_type(adapter_xml_child(root, "a"), buf, sizeof(buf)),
	    -1);
	assert_int_equal(
	    adapter_xml_type(adapter_xml_child(root, "b"), buf, sizeof(buf)),
	    -1);
	assert_int_equal(
	    adapter_xml_type(adapter_xml_child(root, "c"), buf, sizeof(buf)),
	    4);
	assert_string_equal(buf, "Real");
	xmlFreeDoc(d);
}

static void
test_xml_text_is_the_elements_own(void **state)
{
	xmlDoc *d = read_ok("<r><n>1<x>2</x></n><m> 3<![CDATA[4]]><!--c-->5 "
			    "<y>6</y></m><e><x>7</x></e></r>");
	xmlNode *root = adapter_xml_root(d);
	char buf[16];

	(void)state;
	assert_int_equal(adapter_xml_count(adapter_xml_child(root, "n")), 1);
	assert_int_equal(
	    adapter_xml_text(adapter_xml_child(root, "m"), buf, sizeof(buf)),
	    3);
	assert_string_equal(buf, "345");
	/* Only a child's text: the element itself has none. */
	assert_int_equal(
	    adapter_xml_text(adapter_xml_child(root, "e"), buf, sizeof(buf)),
	    -1);
	assert_int_equal(adapter_xml_when(adapter_xml_child(root, "e"), "UTC"),
	    PARK_NO_TIME);
	xmlFreeDoc(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_reader_refuses_entity_expansion),
		cmocka_unit_test(test_xml_reader_refuses_external_entities),
		cmocka_unit_test(test_xml_reader_refuses_any_doctype),
		cmocka_unit_test(test_xml_reader_refuses_undeclared_entities),
		cmocka_unit_test(
		    test_xml_reader_keeps_predefined_and_character_references),
		cmocka_unit_test(
		    test_xml_reader_refuses_nul_bytes_with_their_offset),
		cmocka_unit_test(test_xml_reader_refuses_every_truncation),
		cmocka_unit_test(test_xml_reader_bounds_depth),
		cmocka_unit_test(
		    test_xml_reader_converts_a_declared_windows_1252_document),
		cmocka_unit_test(test_xml_reader_refuses_invalid_utf8),
		cmocka_unit_test(test_xml_reader_refuses_json_and_empty_bodies),
		cmocka_unit_test(test_xml_reader_bounds_attributes_per_element),
		cmocka_unit_test(test_xml_reader_bounds_namespaces_in_scope),
		cmocka_unit_test(test_xml_reader_bounds_tags_and_comments),
		cmocka_unit_test(test_xml_reader_reads_utf16),
		cmocka_unit_test(
		    test_xml_reader_refuses_encodings_without_ascii_markup),
		cmocka_unit_test(
		    test_xml_names_match_local_names_and_namespace_uris),
		cmocka_unit_test(test_xml_text_is_trimmed_and_bounded),
		cmocka_unit_test(test_xml_datex_namespace_needs_a_version),
		cmocka_unit_test(test_xml_type_is_xsi_type_only),
		cmocka_unit_test(test_xml_text_is_the_elements_own),
		cmocka_unit_test(
		    test_xml_collect_counts_in_document_order_up_to_max),
		cmocka_unit_test(
		    test_xml_count_takes_only_whole_non_negative_numbers),
		cmocka_unit_test(test_xml_when_reads_nanoseconds_and_offsets),
		cmocka_unit_test(
		    test_xml_lang_text_picks_the_language_else_the_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
