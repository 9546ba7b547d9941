/*
 * adapters/xml_scan: bounds on an XML body that libxml2 would otherwise
 * spend quadratic time on, checked byte by byte as the body arrives (see
 * xml_scan.h).
 */
#include "adapters/xml_scan.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum scan_state {
	SCAN_TEXT,
	SCAN_LT,      /* after '<' */
	SCAN_TAG,     /* in a start tag, outside quotes */
	SCAN_QUOTE,   /* in quotes in a start tag */
	SCAN_END,     /* in an end tag */
	SCAN_BANG,    /* after "<!": a comment, CDATA or a declaration? */
	SCAN_COMMENT, /* until "-->" */
	SCAN_CDATA,   /* until "]]>" */
	SCAN_DECL,    /* another <!...>, until '>' */
	SCAN_PI,      /* until "?>" */
};

void
adapter_xml_scan_init(struct adapter_xml_scan *s)
{
	memset(s, 0, sizeof(*s));
	s->state = SCAN_TEXT;
	s->nul_at = SIZE_MAX;
}

static int
scan_blank(unsigned c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * An encoding a declaration may name: one in which markup is ASCII (and
 * libxml2 reads it so), or for a UTF-16 body the one it is in (libxml2
 * ignores "UTF-8" and "UTF-16" there, but would switch to anything else).
 */
static int
scan_encoding_ok(const char *e, int unit, int big)
{
	static const char *const same[] = { "UTF-8", "UTF8", "UTF-16",
		"UTF16" };
	static const char *const ascii[] = { "US-ASCII", "ASCII", "LATIN1",
		"LATIN-1", "ISO-8859-", "ISO8859-", "ISO_8859-", "WINDOWS-125",
		"CP125" };
	size_t n;

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (strcasecmp(e, same[i]) == 0)
			return 1;
	if (unit == 2)
		return strcasecmp(e, big ? "UTF-16BE" : "UTF-16LE") == 0;
	for (size_t i = 0; i < sizeof(ascii) / sizeof(ascii[0]); i++) {
		n = strlen(ascii[i]);
		if (ascii[i][n - 1] != '-' && ascii[i][n - 1] != '5') {
			if (strcasecmp(e, ascii[i]) == 0)
				return 1;
		} else if (strncasecmp(e, ascii[i], n) == 0 && e[n] >= '0' &&
		    e[n] <= '9' &&
		    (e[n + 1] == '\0' ||
			(e[n + 1] >= '0' && e[n + 1] <= '9' &&
			    e[n + 2] == '\0'))) {
			return 1;
		}
	}
	return 0;
}

/* The XML declaration is complete (s->dtext, without "<?" and "?>"). */
static void
scan_declaration(struct adapter_xml_scan *s)
{
	const char *p;
	char enc[64];
	size_t n = 0;
	unsigned q;

	if (strncmp(s->dtext, "xml", 3) != 0 || !scan_blank(s->dtext[3]))
		return; /* another processing instruction */
	p = strstr(s->dtext, "encoding");
	if (p == NULL)
		return;
	p += strlen("encoding");
	while (scan_blank(*p))
		p++;
	if (*p++ != '=')
		return; /* libxml2 says what is wrong */
	while (scan_blank(*p))
		p++;
	q = (unsigned char)*p;
	if (q != '"' && q != '\'')
		return;
	for (p++; *p != '\0' && (unsigned char)*p != q && n < sizeof(enc) - 1;)
		enc[n++] = *p++;
	enc[n] = '\0';
	if (!scan_encoding_ok(enc, s->unit, s->big))
		snprintf(s->err, sizeof(s->err),
		    "XML in encoding \"%s\" is not supported (UTF-8, UTF-16, "
		    "ISO-8859-n, windows-125n)",
		    enc);
}

/* The current name in a start tag declares a namespace. */
static int
scan_name_is_ns(const struct adapter_xml_scan *s)
{
	return (s->tok_kind == 0 && s->ntok == 5) || s->tok_kind == 1;
}

static void
scan_start_tag_end(struct adapter_xml_scan *s)
{
	if (s->in_scope + s->ns > ADAPTER_XML_MAX_NS) {
		snprintf(s->err, sizeof(s->err),
		    "element at offset %zu is in the scope of more than %d "
		    "namespace declarations",
		    s->tag_at, ADAPTER_XML_MAX_NS);
		return;
	}
	s->state = SCAN_TEXT;
	if (s->slash)
		return; /* <x/>: its declarations end with it */
	if (s->depth < ADAPTER_XML_SCAN_DEPTH) {
		s->level_ns[s->depth] = (uint16_t)s->ns;
		s->in_scope += s->ns;
	}
	s->depth++;
}

static void
scan_end_tag_end(struct adapter_xml_scan *s)
{
	s->state = SCAN_TEXT;
	if (s->depth == 0)
		return; /* not well-formed: libxml2 says so */
	s->depth--;
	if (s->depth < ADAPTER_XML_SCAN_DEPTH)
		s->in_scope -= s->level_ns[s->depth];
}

/* One unit in a start tag, outside quotes. */
static void
scan_tag(struct adapter_xml_scan *s, unsigned c)
{
	int slash = 0;

	if (scan_blank(c)) {
		if (s->ntok > 0)
			s->last_ns = scan_name_is_ns(s);
		s->ntok = 0;
	} else if (c == '=') {
		if (s->ntok > 0 ? scan_name_is_ns(s) : s->last_ns)
			s->ns++;
		s->ntok = 0;
		s->last_ns = 0;
		if (++s->attrs > ADAPTER_XML_MAX_ATTRS)
			snprintf(s->err, sizeof(s->err),
			    "element at offset %zu has more than %d "
			    "attributes",
			    s->tag_at, ADAPTER_XML_MAX_ATTRS);
	} else if (c == '"' || c == '\'') {
		s->quote = c;
		s->state = SCAN_QUOTE;
		s->ntok = 0;
		s->last_ns = 0;
	} else if (c == '>') {
		scan_start_tag_end(s);
	} else if (c == '/') {
		slash = 1;
		s->ntok = 0;
	} else {
		/* A name: does it read "xmlns" or "xmlns:..."? */
		if (s->ntok == 0) {
			s->last_ns = 0;
			s->tok_kind = 0;
		}
		if (s->tok_kind == 0 && s->ntok < 5)
			s->tok_kind =
			    c == (unsigned char)"xmlns"[s->ntok] ? 0 : 2;
		else if (s->tok_kind == 0)
			s->tok_kind = c == ':' ? 1 : 2;
		if (s->ntok < 6)
			s->ntok++;
	}
	s->slash = slash;
}

static void
scan_pi(struct adapter_xml_scan *s, unsigned c)
{
	if (s->decl) {
		if (s->ndecl + 1 < sizeof(s->dtext)) {
			char ch = '?';

			if (c >= 0x20 && c < 0x7F)
				ch = (char)(unsigned char)c;
			s->dtext[s->ndecl++] = ch;
			s->dtext[s->ndecl] = '\0';
		} else if (strncmp(s->dtext, "xml", 3) == 0 &&
		    scan_blank(s->dtext[3])) {
			snprintf(s->err, sizeof(s->err),
			    "XML declaration longer than %d bytes",
			    ADAPTER_XML_DECL_LEN);
			return;
		} else {
			s->decl = 0; /* a long processing instruction */
		}
	}
	if (c == '>' && s->m1 == '?') {
		if (s->decl && s->ndecl > 0) {
			s->dtext[s->ndecl - 1] = '\0'; /* the '?' */
			scan_declaration(s);
		}
		s->decl = 0;
		s->state = SCAN_TEXT;
	}
}

/* After "<!": "--" starts a comment, "[CDATA[" a CDATA section. */
static void
scan_bang(struct adapter_xml_scan *s, unsigned c)
{
	static const char cdata[] = "[CDATA[";

	if (s->bang == 0 && (c == '-' || c == '[')) {
		s->quote = c; /* which of the two */
		s->bang = 1;
		return;
	}
	if (s->bang > 0 && s->quote == '-' && c == '-') {
		s->state = SCAN_COMMENT;
		s->m1 = s->m2 = 0;
		return;
	}
	if (s->bang > 0 && s->quote == '[' &&
	    c == (unsigned char)cdata[s->bang]) {
		if (++s->bang == sizeof(cdata) - 1) {
			s->state = SCAN_CDATA;
			s->m1 = s->m2 = 0;
		}
		return;
	}
	/* A DOCTYPE (refused as a whole by the reader) or not XML. */
	s->state = c == '>' ? SCAN_TEXT : SCAN_DECL;
}

/* A comment, CDATA section, PI or declaration that is too long. */
static int
scan_too_long(struct adapter_xml_scan *s, size_t at)
{
	size_t max = s->state == SCAN_CDATA ? ADAPTER_XML_MAX_CDATA :
					      ADAPTER_XML_MAX_TAG;
	const char *what = s->state == SCAN_CDATA ? "CDATA section" :
	    s->state == SCAN_COMMENT              ? "comment" :
	    s->state == SCAN_PI                   ? "processing instruction" :
						    "declaration";

	if (at - s->tag_at < max)
		return 0;
	snprintf(s->err, sizeof(s->err),
	    "%s at offset %zu longer than %zu bytes", what, s->tag_at, max);
	return 1;
}

/* One code unit c whose first byte is at offset at. */
static void
scan_unit(struct adapter_xml_scan *s, unsigned c, size_t at)
{
	if (s->state >= SCAN_BANG && scan_too_long(s, at))
		return;
	switch (s->state) {
	case SCAN_TEXT:
		if (c == '<') {
			s->state = SCAN_LT;
			s->tag_at = at;
			s->decl = s->units == 0;
		}
		break;
	case SCAN_LT:
		if (c == '!') {
			s->state = SCAN_BANG;
			s->bang = 0;
		} else if (c == '?') {
			s->state = SCAN_PI;
			s->m1 = 0;
			s->ndecl = 0;
			s->dtext[0] = '\0';
		} else if (c == '/') {
			s->state = SCAN_END;
		} else {
			s->state = SCAN_TAG;
			s->attrs = s->ns = s->ntok = 0;
			s->last_ns = s->slash = 0;
			scan_tag(s, c);
		}
		if (s->state != SCAN_PI)
			s->decl = 0;
		break;
	case SCAN_TAG:
	case SCAN_QUOTE:
		if (at - s->tag_at >= ADAPTER_XML_MAX_TAG) {
			snprintf(s->err, sizeof(s->err),
			    "element at offset %zu has a start tag longer "
			    "than %d bytes",
			    s->tag_at, ADAPTER_XML_MAX_TAG);
			break;
		}
		if (s->state == SCAN_TAG)
			scan_tag(s, c);
		else if (c == s->quote)
			s->state = SCAN_TAG;
		break;
	case SCAN_END:
		if (c == '>')
			scan_end_tag_end(s);
		break;
	case SCAN_BANG:
		scan_bang(s, c);
		break;
	case SCAN_COMMENT:
	case SCAN_CDATA:
		if (c == '>' && s->m1 == s->m2 &&
		    s->m1 == (s->state == SCAN_COMMENT ? '-' : ']'))
			s->state = SCAN_TEXT;
		s->m2 = s->m1;
		s->m1 = c;
		break;
	case SCAN_DECL:
		if (c == '>')
			s->state = SCAN_TEXT;
		break;
	case SCAN_PI:
		scan_pi(s, c);
		s->m1 = c;
		break;
	default:
		break;
	}
	s->units++;
}

static void
scan_bytes(struct adapter_xml_scan *s, const unsigned char *p, size_t n)
{
	const unsigned char *nul;
	unsigned c;

	for (size_t i = 0; i < n && s->nul_at == SIZE_MAX; i++, s->off++) {
		if (s->unit == 1 && s->err[0] != '\0') {
			/* Refused: only a NUL further on still matters. */
			nul = memchr(p + i, '\0', n - i);
			if (nul != NULL)
				s->nul_at = s->off + (size_t)(nul - (p + i));
			s->off += n - i;
			return;
		}
		if (s->unit == 1) {
			if (p[i] == 0)
				s->nul_at = s->off;
			else
				scan_unit(s, p[i], s->off);
			continue;
		}
		if (!s->half) {
			s->low = p[i];
			s->half = 1;
			continue;
		}
		s->half = 0;
		c = s->big ? (s->low << 8 | p[i]) :
			     ((unsigned)p[i] << 8 | s->low);
		if (c == 0)
			s->nul_at = s->off - 1;
		else if (s->err[0] == '\0')
			scan_unit(s, c, s->off - 1);
	}
}

/*
 * The encoding from the first bytes, as libxml2 detects it: a UTF-8 BOM,
 * a UTF-16 BOM, "<?" in UTF-16 without one; EBCDIC ("<?xm" in it) is
 * refused; anything else is read as ASCII-compatible.
 */
static void
scan_decide(struct adapter_xml_scan *s)
{
	const unsigned char *h = s->head;
	size_t n = s->nhead, skip = 0;

	s->unit = 1;
	if (n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF) {
		skip = 3;
	} else if (n >= 2 &&
	    ((h[0] == 0xFF && h[1] == 0xFE) ||
		(h[0] == 0xFE && h[1] == 0xFF))) {
		s->unit = 2;
		s->big = h[0] == 0xFE;
		skip = 2;
	} else if (n == 4 && h[0] == '<' && h[1] == 0 && h[2] == '?' &&
	    h[3] == 0) {
		s->unit = 2;
	} else if (n == 4 && h[0] == 0 && h[1] == '<' && h[2] == 0 &&
	    h[3] == '?') {
		s->unit = 2;
		s->big = 1;
	} else if (n == 4 && h[0] == 0x4C && h[1] == 0x6F && h[2] == 0xA7 &&
	    h[3] == 0x94) {
		snprintf(s->err, sizeof(s->err),
		    "XML in EBCDIC is not supported (UTF-8, UTF-16, "
		    "ISO-8859-n, windows-125n)");
	}
	s->off = skip;
	scan_bytes(s, h + skip, n - skip);
}

int
adapter_xml_scan_feed(
    struct adapter_xml_scan *s, const char *data, size_t len, int final)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0;

	while (s->unit == 0 && i < len) {
		s->head[s->nhead++] = p[i++];
		if (s->nhead == sizeof(s->head))
			scan_decide(s);
	}
	if (s->unit == 0 && final)
		scan_decide(s);
	if (s->unit != 0)
		scan_bytes(s, p + i, len - i);
	return s->nul_at != SIZE_MAX || s->err[0] != '\0' ? -1 : 0;
}
