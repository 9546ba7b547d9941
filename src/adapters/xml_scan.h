/*
 * adapters/xml_scan: a streaming look at an XML body before libxml2 gets
 * it, for what libxml2 2.9 does in time quadratic in the input: it checks
 * the attributes of one start tag for duplicates pair by pair and parses
 * a start tag in one call (200,000 attributes in 2.3 MB took 452 s), looks
 * the default namespace up through every declaration in scope, and parses
 * a start tag again from its '<' each time more of it arrives.  So:
 *
 *  - a start tag has at most ADAPTER_XML_MAX_ATTRS attributes (counted as
 *    '=' outside quotes, namespace declarations included) and is at most
 *    ADAPTER_XML_MAX_TAG bytes long;
 *  - at most ADAPTER_XML_MAX_NS namespace declarations are in scope at
 *    any element;
 *  - a comment, processing instruction or <!...> declaration is at most
 *    ADAPTER_XML_MAX_TAG bytes, a CDATA section ADAPTER_XML_MAX_CDATA:
 *    libxml2 parses each in one call once its end has arrived;
 *  - the bytes are UTF-8 (or a declared ISO-8859-n / windows-125n, which
 *    are ASCII in all markup) or UTF-16 with a byte-order mark or an XML
 *    declaration: libxml2 would also read EBCDIC, UTF-7 and the like, in
 *    which markup does not look like ASCII and this scan would see none;
 *  - no NUL character (byte in UTF-8, code unit in UTF-16).
 *
 * The state is kept across pieces cut anywhere: in text, in a start tag
 * (after '<' not followed by '!', '?' or '/'), in quotes in a tag, in an
 * end tag, a comment, a CDATA section, a processing instruction or another
 * <!...> declaration.  Everything is bounded; nothing is allocated.
 */
#ifndef TAFEL_ADAPTERS_XML_SCAN_H
#define TAFEL_ADAPTERS_XML_SCAN_H

#include <stddef.h>
#include <stdint.h>

#define ADAPTER_XML_MAX_ATTRS 256
#define ADAPTER_XML_MAX_TAG   65536   /* bytes of one start tag */
#define ADAPTER_XML_MAX_NS    64      /* namespace declarations in scope */
#define ADAPTER_XML_MAX_CDATA 1048576 /* bytes of a CDATA section */
#define ADAPTER_XML_DECL_LEN  256     /* longest XML declaration */
/* Levels whose declarations are tracked: libxml2 refuses beyond 256. */
#define ADAPTER_XML_SCAN_DEPTH 320

struct adapter_xml_scan {
	unsigned char
	    head[4]; /* the first bytes, until the encoding is known */
	size_t nhead;
	int unit;           /* 0 until known, 1 (8-bit, UTF-8) or 2 */
	int big;            /* UTF-16BE */
	int half;           /* a UTF-16 unit's first byte is in low */
	unsigned low;       /* that byte */
	size_t off;         /* bytes scanned */
	size_t units;       /* code units scanned after the BOM */
	int state;          /* enum in xml_scan.c */
	unsigned quote;     /* the quote being in */
	size_t tag_at;      /* offset of the '<' of the current tag */
	unsigned attrs, ns; /* '=' and declarations in this start tag */
	unsigned ntok;      /* units of the current name, at most 6 */
	int tok_kind;       /* 0 "xmlns" so far, 1 "xmlns:", 2 other */
	int last_ns;        /* the name before blanks declares one */
	int slash;          /* the last unit of the tag was '/' */
	unsigned m1, m2;    /* the last two units (comment, CDATA, PI) */
	unsigned bang;      /* units matched after "<!" */
	int decl;           /* capturing the XML declaration */
	char dtext[ADAPTER_XML_DECL_LEN];
	size_t ndecl;
	size_t depth;
	unsigned in_scope;
	uint16_t level_ns[ADAPTER_XML_SCAN_DEPTH];
	size_t nul_at; /* the first NUL, or SIZE_MAX */
	char err[160]; /* the first bound broken, or "" */
};

void adapter_xml_scan_init(struct adapter_xml_scan *s);
/*
 * The next len bytes of the body; final says they are the last.  0, or -1
 * once the body is refused: s->nul_at (a NUL) or s->err (a bound) says
 * why.  Scanning goes on after -1 (a NUL further on is still found).
 */
int adapter_xml_scan_feed(
    struct adapter_xml_scan *s, const char *data, size_t len, int final);

#endif
