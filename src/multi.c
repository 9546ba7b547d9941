/*
 * multi: NTCIP 1203 MULTI parser and layout (see multi.h and
 * ../shared/reference/SIGNS.md §4).
 *
 * One pass over the string drives a small state machine: the rendering
 * state of §4.2 (colours, font, justification, page times, spacing,
 * flash) carries across pages; each page collects its colour rectangles
 * and graphics as draw operations at once, and the text of the current
 * text rectangle as items (text spans, fields, moving text) on lines.
 * When a text rectangle ends ([tr], [np] or the end) its lines are placed
 * (§4.4) and become draw operations after the rectangle's fills and
 * graphics, so text is always drawn on top of them.
 *
 * Everything is bounded: the input (MULTI_MAX_BYTES), pages, operations
 * per page, text rectangles and lines.  The parser state lives on the heap
 * because it holds a page's worth of operations and items.  Texts are
 * copied into one pool allocated up front; it cannot grow, so the
 * pointers the operations hold stay valid, and its size is an upper bound
 * (text never gets longer than its MULTI: escapes and [hc] shrink, every
 * span ends at a tag of at least 4 bytes, which pays for its NUL).
 *
 * Errors are reported at the first problem found in reading order; the
 * position is converted from bytes to code points only then.
 */
#include "multi.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MULTI_TAG_SHOW   24  /* characters of a tag quoted in messages */
#define MULTI_NUM_DIGITS 6   /* longest decimal number in a tag */
#define MULTI_COLOR_MAX  9   /* classic colours 0..9 */
#define MULTI_FONT_MAX   255 /* font and graphic numbers 1..255 */
#define MULTI_PT_MAX     255 /* page times in tenths of a second */
#define MULTI_FL_MAX     99  /* flash times in tenths of a second */
#define MULTI_SC_MAX     99  /* [sc x] */
#define MULTI_NL_MAX     99  /* [nl s]: more than the base spec's digit */
#define MULTI_MV_MAX     255 /* [mv] step pixels and step tenths */
#define MULTI_FIELD_IDS  13
#define MULTI_FIELD_POS  99  /* [f x,y]: y */
#define MULTI_WIDE_MAX   128 /* > MULTI_FIELD_POS and any widest value */

enum multi_item_kind {
	MULTI_ITEM_TEXT,
	MULTI_ITEM_FIELD,
	MULTI_ITEM_MOVE,
};

/* Something placed on a line: a text span, a field or moving text. */
struct multi_item {
	int kind;        /* enum multi_item_kind */
	size_t pos;      /* byte offset in the MULTI */
	size_t off, len; /* text in the pool */
	int font, font_h;
	uint32_t fg;
	int spacing;
	int flash, flash_on_ms, flash_off_ms;
	int jl;
	int width;
	int x; /* set by the layout */
	int field, field_chars;
	int mv_mode, mv_linear, mv_dir, mv_step, mv_ms;
};

struct multi_line {
	int first, n; /* items */
	int jp;       /* 0 until the line has content or is ended */
	int height;   /* of an empty line */
	int spacing;  /* [nl s] before this line, or -1 */
	size_t pos;   /* where its content (or its [nl]) is */
	int y;        /* set by the layout */
};

/* A tag as written: its position and length including the brackets. */
struct multi_tag {
	size_t pos, len;
};

struct multi_slice {
	const char *p;
	size_t n;
};

struct multi_parser {
	const char *s;
	size_t len;
	const struct multi_sign *sign;
	const struct multi_font_ops *f;
	struct multi_error *err;
	struct multi_msg *out;
	int max_pages;
	/* Rendering state (§4.2): carried across pages. */
	uint32_t fg, bg;
	int font, font_h, font_ok;
	int jl, jp;
	size_t jl_pos, jp_pos;
	int on_ds, off_ds;
	int spacing;
	int flash, flash_on_ds, flash_off_ds;
	/* The page being built; ops[0] is its background. */
	struct multi_op ops[MULTI_OPS_MAX];
	int nops;
	int nrects;
	/* The text rectangle being built. */
	int rx, ry, rw, rh;
	struct multi_item items[MULTI_OPS_MAX];
	int nitems;
	struct multi_line lines[MULTI_LINES_MAX];
	int nlines;
	int span; /* index of the text item still growing, or -1 */
	/* Texts, owned by out. */
	char *pool;
	size_t pool_len, pool_cap;
};

static const char *const multi_err_names[] = {
	[MULTI_ERR_OTHER] = "other",
	[MULTI_OK] = "none",
	[MULTI_ERR_UNSUPPORTED_TAG] = "unsupportedTag",
	[MULTI_ERR_UNSUPPORTED_TAG_VALUE] = "unsupportedTagValue",
	[MULTI_ERR_TEXT_TOO_BIG] = "textTooBig",
	[MULTI_ERR_FONT_NOT_DEFINED] = "fontNotDefined",
	[MULTI_ERR_CHARACTER_NOT_DEFINED] = "characterNotDefined",
	[MULTI_ERR_FIELD_DEVICE_NOT_EXIST] = "fieldDeviceNotExist",
	[MULTI_ERR_FIELD_DEVICE_ERROR] = "fieldDeviceError",
	[MULTI_ERR_FLASH_REGION_ERROR] = "flashRegionError",
	[MULTI_ERR_TAG_CONFLICT] = "tagConflict",
	[MULTI_ERR_TOO_MANY_PAGES] = "tooManyPages",
	[MULTI_ERR_FONT_VERSION_ID] = "fontVersionID",
	[MULTI_ERR_GRAPHIC_ID] = "graphicID",
	[MULTI_ERR_GRAPHIC_NOT_DEFINED] = "graphicNotDefined",
};

/* colorClassic 0..9 as the ntcip crate and IRIS draw them. */
static const uint32_t multi_classic[MULTI_COLOR_MAX + 1] = {
	0x000000, /* black */
	0xFF0000, /* red */
	0xFFFF00, /* yellow */
	0x00FF00, /* green */
	0x00FFFF, /* cyan */
	0x0000FF, /* blue */
	0xFF00FF, /* magenta */
	0xFFFFFF, /* white */
	0xFFA500, /* orange */
	0xFFD000, /* amber */
};

static const char *const multi_jl_names[] = { "", "", "left", "centre",
	"right" };

/*
 * Fields are reserved the width of their widest value: each is a sequence
 * of positions, each with its alternatives; the widest alternative of
 * every position together make the widest value (widths are additive).
 */
static const char *const multi_f_d10[] = { "0", "1", "2", "3", "4", "5", "6",
	"7", "8", "9", NULL };
static const char *const multi_f_d6[] = { "0", "1", "2", "3", "4", "5", NULL };
static const char *const multi_f_d3[] = { "0", "1", "2", NULL };
static const char *const multi_f_h12[] = { "1", "2", "3", "4", "5", "6", "7",
	"8", "9", "10", "11", "12", NULL };
static const char *const multi_f_colon[] = { ":", NULL };
static const char *const multi_f_upper[] = { " AM", " PM", NULL };
static const char *const multi_f_lower[] = { " am", " pm", NULL };
static const char *const multi_f_days[] = { "Sunday", "Monday", "Tuesday",
	"Wednesday", "Thursday", "Friday", "Saturday", NULL };
static const char *const multi_f_mday[] = { "", "1", "2", "3", NULL };
static const char *const multi_f_mon[] = { "", "1", NULL };
static const char *const multi_f_sign[] = { "", "-", NULL };
static const char *const multi_f_fahr[] = { "", "-", "1", NULL };

static const char *const *const multi_f1[] = { multi_f_h12, multi_f_colon,
	multi_f_d6, multi_f_d10, NULL };
static const char *const *const multi_f2[] = { multi_f_d3, multi_f_d10,
	multi_f_colon, multi_f_d6, multi_f_d10, NULL };
static const char *const *const multi_f3[] = { multi_f_sign, multi_f_d10,
	multi_f_d10, NULL };
static const char *const *const multi_f4[] = { multi_f_fahr, multi_f_d10,
	multi_f_d10, NULL };
static const char *const *const multi_f5[] = { multi_f_d10, multi_f_d10,
	multi_f_d10, NULL };
static const char *const *const multi_f7[] = { multi_f_days, NULL };
static const char *const *const multi_f8[] = { multi_f_mday, multi_f_d10,
	NULL };
static const char *const *const multi_f9[] = { multi_f_mon, multi_f_d10, NULL };
static const char *const *const multi_f10[] = { multi_f_d10, multi_f_d10,
	NULL };
static const char *const *const multi_f11[] = { multi_f_d10, multi_f_d10,
	multi_f_d10, multi_f_d10, NULL };
static const char *const *const multi_f12[] = { multi_f_h12, multi_f_colon,
	multi_f_d6, multi_f_d10, multi_f_upper, NULL };
static const char *const *const multi_f13[] = { multi_f_h12, multi_f_colon,
	multi_f_d6, multi_f_d10, multi_f_lower, NULL };

static const char *const *const *const multi_fields[MULTI_FIELD_IDS + 1] = {
	NULL,
	multi_f1,
	multi_f2,
	multi_f3,
	multi_f4,
	multi_f5,
	multi_f5,
	multi_f7,
	multi_f8,
	multi_f9,
	multi_f10,
	multi_f11,
	multi_f12,
	multi_f13,
};

static int
multi_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
multi_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
multi_hex_value(char c)
{
	int l = multi_lower(c);

	if (multi_is_digit(c))
		return c - '0';
	if (l >= 'a' && l <= 'f')
		return l - 'a' + 10;
	return -1;
}

/* Code points before byte offset pos (the input is valid UTF-8 there). */
static int
multi_cp_offset(const char *s, size_t pos)
{
	int n = 0;

	for (size_t i = 0; i < pos; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* Length (1-4) of the UTF-8 sequence at s and its code point, or -1. */
static int
multi_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c, min;
	int len;

	if (n == 0)
		return -1;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		len = 2;
		c = u[0] & 0x1F;
		min = 0x80;
	} else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
		len = 3;
		c = u[0] & 0x0F;
		min = 0x800;
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		len = 4;
		c = u[0] & 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	if ((size_t)len > n)
		return -1;
	for (int i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return -1;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*cp = c;
	return len;
}

/* UTF-8 of a code point up to U+FFFF into b (3 bytes); its length. */
static size_t
multi_utf8_encode(uint32_t cp, char *b)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	b[0] = (char)(0xE0 | (cp >> 12));
	b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	b[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

static int multi_fail(struct multi_parser *p, int code, size_t pos,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Fill the error (message + " at N") and return -1. */
static int
multi_fail(struct multi_parser *p, int code, size_t pos, const char *fmt, ...)
{
	char what[MULTI_ERR_LEN - 16]; /* room for " at N" */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	p->err->code = code;
	p->err->pos = multi_cp_offset(p->s, pos);
	snprintf(p->err->message, sizeof(p->err->message), "%s at %d", what,
	    p->err->pos);
	return -1;
}

/* The tag as written, shortened for messages. */
static const char *
multi_tag_text(const struct multi_parser *p, const struct multi_tag *t,
    char *buf, size_t size)
{
	if (t->len <= MULTI_TAG_SHOW)
		snprintf(buf, size, "%.*s", (int)t->len, p->s + t->pos);
	else
		snprintf(
		    buf, size, "%.*s...]", MULTI_TAG_SHOW - 4, p->s + t->pos);
	return buf;
}

static int
multi_bad_value(
    struct multi_parser *p, const struct multi_tag *t, const char *why)
{
	char b[MULTI_TAG_SHOW + 8];

	return multi_fail(p, MULTI_ERR_UNSUPPORTED_TAG_VALUE, t->pos,
	    "invalid %s (%s)", multi_tag_text(p, t, b, sizeof(b)), why);
}

/* A decimal number lo..hi; nothing else in the slice. */
static int
multi_int(const char *s, size_t n, long lo, long hi, long *v)
{
	long x = 0;

	if (n == 0 || n > MULTI_NUM_DIGITS)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!multi_is_digit(s[i]))
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	if (x < lo || x > hi)
		return -1;
	*v = x;
	return 0;
}

/* A version ID: exactly four hexadecimal digits. */
static int
multi_version(const char *s, size_t n, uint16_t *v)
{
	unsigned x = 0;

	if (n != 4)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = multi_hex_value(s[i]);

		if (d < 0)
			return -1;
		x = x * 16 + (unsigned)d;
	}
	*v = (uint16_t)x;
	return 0;
}

/* Split at commas into at most max slices; their number, or -1. */
static int
multi_split(const char *s, size_t n, struct multi_slice *v, int max)
{
	int k = 0;
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != ',')
			continue;
		if (k == max)
			return -1;
		v[k].p = s + start;
		v[k].n = i - start;
		k++;
		start = i + 1;
	}
	return k;
}

/* A colour: a classic number 0..9 or r,g,b (color24bit). */
static int
multi_color(const struct multi_slice *v, int n, uint32_t *rgb)
{
	long c[3];

	if (n == 1) {
		if (multi_int(v[0].p, v[0].n, 0, MULTI_COLOR_MAX, &c[0]) < 0)
			return -1;
		*rgb = multi_classic[c[0]];
		return 0;
	}
	if (n != 3)
		return -1;
	for (int i = 0; i < 3; i++)
		if (multi_int(v[i].p, v[i].n, 0, 255, &c[i]) < 0)
			return -1;
	*rgb = (uint32_t)(c[0] << 16 | c[1] << 8 | c[2]);
	return 0;
}

/* Check that font n exists (with version if want_version) and select it. */
static int
multi_font_select(struct multi_parser *p, int n, int want_version,
    uint16_t version, size_t pos)
{
	uint16_t have = 0;
	int h;

	if (p->f->font_exists(p->sign->ctx, n, &have) <= 0)
		return multi_fail(p, MULTI_ERR_FONT_NOT_DEFINED, pos,
		    "font %d not defined", n);
	if (want_version && have != version)
		return multi_fail(p, MULTI_ERR_FONT_VERSION_ID, pos,
		    "font %d has version %04x, not %04x", n, have, version);
	h = p->f->font_height(p->sign->ctx, n);
	if (h <= 0 || h > MULTI_DIM_MAX)
		return multi_fail(
		    p, MULTI_ERR_OTHER, pos, "font %d has no line height", n);
	p->font = n;
	p->font_h = h;
	p->font_ok = 1;
	return 0;
}

/* The current font, checked once before it is first used. */
static int
multi_font_ready(struct multi_parser *p, size_t pos)
{
	if (p->font_ok)
		return 0;
	return multi_font_select(p, p->font, 0, 0, pos);
}

static int
multi_pool_add(struct multi_parser *p, const char *b, size_t n, size_t pos)
{
	if (n + 1 > p->pool_cap - p->pool_len)
		return multi_fail(p, MULTI_ERR_OTHER, pos, "text pool full");
	memcpy(p->pool + p->pool_len, b, n);
	p->pool_len += n;
	return 0;
}

/* End the growing text span: terminate it and measure it. */
static int
multi_span_close(struct multi_parser *p)
{
	struct multi_item *it;

	if (p->span < 0)
		return 0;
	it = &p->items[p->span];
	p->span = -1;
	p->pool[p->pool_len++] = '\0';
	it->width = p->f->text_width(
	    p->sign->ctx, it->font, p->pool + it->off, it->len, it->spacing);
	if (it->width < 0 || it->width > MULTI_DIM_MAX * 4)
		return multi_fail(p, MULTI_ERR_OTHER, it->pos,
		    "font %d cannot measure the text", it->font);
	return 0;
}

static int
multi_line_new(struct multi_parser *p, int spacing, size_t pos)
{
	struct multi_line *l;

	if (p->nlines == MULTI_LINES_MAX)
		return multi_fail(p, MULTI_ERR_OTHER, pos,
		    "more than %d lines in a text rectangle", MULTI_LINES_MAX);
	l = &p->lines[p->nlines++];
	memset(l, 0, sizeof(*l));
	l->first = p->nitems;
	l->spacing = spacing;
	l->pos = pos;
	return 0;
}

/*
 * A line takes the page justification in force when it gets content (or
 * is ended empty); within a rectangle they must go top, middle, bottom.
 */
static int
multi_line_assign(struct multi_parser *p, struct multi_line *l)
{
	l->jp = p->jp;
	if (l > p->lines && l[-1].jp > l->jp)
		return multi_fail(p, MULTI_ERR_TAG_CONFLICT, p->jp_pos,
		    "page justification %d after %d in one text rectangle",
		    l->jp, l[-1].jp);
	return 0;
}

/* Start a new item on the current line, with the current state. */
static struct multi_item *
multi_item_new(struct multi_parser *p, int kind, size_t pos)
{
	struct multi_line *l = &p->lines[p->nlines - 1];
	struct multi_item *it;

	if (multi_span_close(p) < 0 || multi_font_ready(p, pos) < 0)
		return NULL;
	if (l->n == 0) {
		l->pos = pos;
		if (multi_line_assign(p, l) < 0)
			return NULL;
	} else if (p->items[l->first + l->n - 1].jl > p->jl) {
		multi_fail(p, MULTI_ERR_TAG_CONFLICT, p->jl_pos,
		    "line justification %s after %s on one line",
		    multi_jl_names[p->jl],
		    multi_jl_names[p->items[l->first + l->n - 1].jl]);
		return NULL;
	}
	if (p->nops + p->nitems + 1 > MULTI_OPS_MAX) {
		multi_fail(p, MULTI_ERR_OTHER, pos,
		    "more than %d draw operations on a page", MULTI_OPS_MAX);
		return NULL;
	}
	it = &p->items[p->nitems++];
	memset(it, 0, sizeof(*it));
	l->n++;
	it->kind = kind;
	it->pos = pos;
	it->off = p->pool_len;
	it->font = p->font;
	it->font_h = p->font_h;
	it->fg = p->fg;
	it->spacing = p->spacing;
	it->jl = p->jl;
	if (p->flash != MULTI_FLASH_NONE) {
		it->flash = p->flash;
		it->flash_on_ms = p->flash_on_ds * 100;
		it->flash_off_ms = p->flash_off_ds * 100;
	}
	return it;
}

/* Does the growing span have the current state? */
static int
multi_span_matches(const struct multi_parser *p)
{
	const struct multi_item *it;

	if (p->span < 0)
		return 0;
	it = &p->items[p->span];
	return it->font == p->font && it->fg == p->fg &&
	    it->spacing == p->spacing && it->jl == p->jl &&
	    it->flash == p->flash &&
	    (p->flash == MULTI_FLASH_NONE ||
		(it->flash_on_ms == p->flash_on_ds * 100 &&
		    it->flash_off_ms == p->flash_off_ds * 100));
}

/* Is the character in the current font?  Controls never are. */
static int
multi_glyph(struct multi_parser *p, uint32_t cp, size_t pos)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return multi_fail(p, MULTI_ERR_CHARACTER_NOT_DEFINED, pos,
		    "control character U+%04X", (unsigned)cp);
	if (p->f->has_glyph(p->sign->ctx, p->font, cp) <= 0)
		return multi_fail(p, MULTI_ERR_CHARACTER_NOT_DEFINED, pos,
		    "character U+%04X not in font %d", (unsigned)cp, p->font);
	return 0;
}

/* One character of text (from the string, an escape or [hc]). */
static int
multi_text(
    struct multi_parser *p, uint32_t cp, const char *b, size_t n, size_t pos)
{
	struct multi_item *it;

	if (multi_font_ready(p, pos) < 0 || multi_glyph(p, cp, pos) < 0)
		return -1;
	if (!multi_span_matches(p)) {
		if ((it = multi_item_new(p, MULTI_ITEM_TEXT, pos)) == NULL)
			return -1;
		p->span = (int)(it - p->items);
	}
	if (multi_pool_add(p, b, n, pos) < 0)
		return -1;
	p->items[p->span].len += n;
	return 0;
}

/* Place the lines of the text rectangle and emit their operations. */
static int
multi_layout_line(struct multi_parser *p, struct multi_line *l, int *height)
{
	int gw[MULTI_JL_RIGHT + 1] = { 0 };
	int base[MULTI_JL_RIGHT + 1] = { 0 };
	int total = 0, h = 0;

	if (l->n == 0) {
		*height = l->height;
		return 0;
	}
	for (int i = l->first; i < l->first + l->n; i++) {
		struct multi_item *it = &p->items[i];
		int gap = 0;

		if (i > l->first && p->items[i - 1].jl == it->jl &&
		    it->spacing > 0)
			gap = it->spacing;
		it->x = gw[it->jl] + gap;
		gw[it->jl] += gap + it->width;
		total += gap + it->width;
		if (total > p->rw)
			return multi_fail(p, MULTI_ERR_TEXT_TOO_BIG, it->pos,
			    "text is wider than %d px", p->rw);
		if (it->font_h > h)
			h = it->font_h;
	}
	base[MULTI_JL_LEFT] = p->rx;
	base[MULTI_JL_RIGHT] = p->rx + p->rw - gw[MULTI_JL_RIGHT];
	base[MULTI_JL_CENTER] = p->rx + (p->rw - gw[MULTI_JL_CENTER]) / 2;
	if (base[MULTI_JL_CENTER] < p->rx + gw[MULTI_JL_LEFT])
		base[MULTI_JL_CENTER] = p->rx + gw[MULTI_JL_LEFT];
	if (base[MULTI_JL_CENTER] + gw[MULTI_JL_CENTER] > base[MULTI_JL_RIGHT])
		base[MULTI_JL_CENTER] =
		    base[MULTI_JL_RIGHT] - gw[MULTI_JL_CENTER];
	for (int i = l->first; i < l->first + l->n; i++)
		p->items[i].x += base[p->items[i].jl];
	*height = h;
	return 0;
}

static void
multi_emit_item(struct multi_parser *p, const struct multi_item *it,
    const struct multi_line *l, int h)
{
	struct multi_op *op = &p->ops[p->nops++];

	memset(op, 0, sizeof(*op));
	op->kind = it->kind == MULTI_ITEM_TEXT ? MULTI_OP_TEXT :
	    it->kind == MULTI_ITEM_FIELD       ? MULTI_OP_FIELD :
						 MULTI_OP_MOVE;
	op->pos = multi_cp_offset(p->s, it->pos);
	op->x = it->x;
	op->y = l->y;
	op->w = it->width;
	op->h = h;
	op->glyph_y = l->y + h - it->font_h;
	op->color = it->fg;
	op->font = it->font;
	op->char_spacing = it->spacing;
	op->text = it->kind == MULTI_ITEM_FIELD ? "" : p->pool + it->off;
	op->len = it->kind == MULTI_ITEM_FIELD ? 0 : it->len;
	op->field = it->field;
	op->field_chars = it->field_chars;
	op->align = it->jl;
	op->flash = it->flash;
	op->flash_on_ms = it->flash_on_ms;
	op->flash_off_ms = it->flash_off_ms;
	op->move_mode = it->mv_mode;
	op->move_linear = it->mv_linear;
	op->move_dir = it->mv_dir;
	op->move_step_px = it->mv_step;
	op->move_step_ms = it->mv_ms;
}

static int
multi_rect_finish(struct multi_parser *p)
{
	int gh[MULTI_JP_BOTTOM + 1] = { 0 };
	int base[MULTI_JP_BOTTOM + 1] = { 0 };
	int heights[MULTI_LINES_MAX];
	int total = 0;

	if (multi_span_close(p) < 0)
		return -1;
	/* A trailing [nl] does not make an empty line of its own. */
	if (p->nlines > 0 && p->lines[p->nlines - 1].n == 0 &&
	    p->lines[p->nlines - 1].jp == 0)
		p->nlines--;
	for (int k = 0; k < p->nlines; k++) {
		struct multi_line *l = &p->lines[k];
		int gap = 0;

		if (multi_layout_line(p, l, &heights[k]) < 0)
			return -1;
		if (k > 0 && l[-1].jp == l->jp && l->spacing > 0)
			gap = l->spacing;
		l->y = gh[l->jp] + gap;
		gh[l->jp] += gap + heights[k];
		total += gap + heights[k];
		if (total > p->rh)
			return multi_fail(p, MULTI_ERR_TEXT_TOO_BIG, l->pos,
			    "text is higher than %d px", p->rh);
	}
	base[MULTI_JP_TOP] = p->ry;
	base[MULTI_JP_BOTTOM] = p->ry + p->rh - gh[MULTI_JP_BOTTOM];
	base[MULTI_JP_MIDDLE] = p->ry + (p->rh - gh[MULTI_JP_MIDDLE]) / 2;
	if (base[MULTI_JP_MIDDLE] < p->ry + gh[MULTI_JP_TOP])
		base[MULTI_JP_MIDDLE] = p->ry + gh[MULTI_JP_TOP];
	if (base[MULTI_JP_MIDDLE] + gh[MULTI_JP_MIDDLE] > base[MULTI_JP_BOTTOM])
		base[MULTI_JP_MIDDLE] =
		    base[MULTI_JP_BOTTOM] - gh[MULTI_JP_MIDDLE];
	for (int k = 0; k < p->nlines; k++) {
		struct multi_line *l = &p->lines[k];

		l->y += base[l->jp];
		for (int i = l->first; i < l->first + l->n; i++)
			multi_emit_item(p, &p->items[i], l, heights[k]);
	}
	p->nitems = 0;
	p->nlines = 0;
	return 0;
}

/* Start a text rectangle (0-based pixels). */
static void
multi_rect_start(struct multi_parser *p, int x, int y, int w, int h)
{
	p->rx = x;
	p->ry = y;
	p->rw = w;
	p->rh = h;
	p->nitems = 0;
	p->nlines = 0;
	p->span = -1;
	(void)multi_line_new(p, -1, 0); /* cannot fail: no lines yet */
}

static void
multi_page_start(struct multi_parser *p)
{
	p->nops = 1; /* ops[0]: the background, known at the page's end */
	p->nrects = 0;
	multi_rect_start(p, 0, 0, p->sign->width, p->sign->height);
}

static int
multi_page_finish(struct multi_parser *p, size_t pos)
{
	struct multi_page *pg = &p->out->pages[p->out->npages];
	struct multi_op *bg = &p->ops[0];

	if (multi_rect_finish(p) < 0)
		return -1;
	memset(bg, 0, sizeof(*bg));
	bg->kind = MULTI_OP_FILL;
	bg->w = p->sign->width;
	bg->h = p->sign->height;
	bg->color = p->bg;
	bg->char_spacing = -1;
	bg->text = "";
	pg->ops = malloc(sizeof(*pg->ops) * (size_t)p->nops);
	if (pg->ops == NULL)
		return multi_fail(p, MULTI_ERR_OTHER, pos, "out of memory");
	memcpy(pg->ops, p->ops, sizeof(*pg->ops) * (size_t)p->nops);
	pg->nops = p->nops;
	pg->on_ms = p->on_ds * 100;
	pg->off_ms = p->off_ds * 100;
	pg->background = p->bg;
	p->out->npages++;
	return 0;
}

/* Add a fill or graphic operation now: under the rectangle's text. */
static struct multi_op *
multi_op_add(struct multi_parser *p, size_t pos)
{
	struct multi_op *op;

	if (p->nops + p->nitems + 1 > MULTI_OPS_MAX) {
		multi_fail(p, MULTI_ERR_OTHER, pos,
		    "more than %d draw operations on a page", MULTI_OPS_MAX);
		return NULL;
	}
	op = &p->ops[p->nops++];
	memset(op, 0, sizeof(*op));
	op->pos = multi_cp_offset(p->s, pos);
	op->char_spacing = -1;
	op->text = "";
	return op;
}

/* [nl] [nl s] */
static int
multi_tag_nl(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	struct multi_line *l;
	long s = -1;

	if (n > 0 && multi_int(a, n, 0, MULTI_NL_MAX, &s) < 0)
		return multi_bad_value(p, t, "line spacing 0..99 px");
	if (multi_span_close(p) < 0)
		return -1;
	l = &p->lines[p->nlines - 1];
	if (l->n == 0) {
		/* An empty line is as high as the current font. */
		if (multi_font_ready(p, t->pos) < 0)
			return -1;
		l->height = p->font_h;
		l->pos = t->pos;
		if (multi_line_assign(p, l) < 0)
			return -1;
	}
	return multi_line_new(p, (int)s, t->pos);
}

/* [np] */
static int
multi_tag_np(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	(void)a;
	if (n > 0)
		return multi_bad_value(p, t, "no parameters");
	if (p->flash != MULTI_FLASH_NONE)
		return multi_fail(p, MULTI_ERR_FLASH_REGION_ERROR, t->pos,
		    "flashing text continues onto a new page");
	if (multi_page_finish(p, t->pos) < 0)
		return -1;
	if (p->out->npages >= p->max_pages)
		return multi_fail(p, MULTI_ERR_TOO_MANY_PAGES, t->pos,
		    "more than %d pages", p->max_pages);
	multi_page_start(p);
	return 0;
}

/* Optional page or flash time in tenths: empty keeps *v (the default). */
static int
multi_opt_time(const char *a, size_t n, long max, int *v)
{
	long x;

	if (n == 0)
		return 0;
	if (multi_int(a, n, 0, max, &x) < 0)
		return -1;
	*v = (int)x;
	return 0;
}

/* Index of the first c (either case) in a, or n. */
static size_t
multi_find(const char *a, size_t n, int c)
{
	size_t i = 0;

	while (i < n && multi_lower(a[i]) != c)
		i++;
	return i;
}

/* [pt] [ptXoY] [ptXo] [ptoY] [ptX] */
static int
multi_tag_pt(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	size_t o = multi_find(a, n, 'o');
	int on = p->sign->page_on_ds, off = p->sign->page_off_ds;

	if (multi_opt_time(a, o, MULTI_PT_MAX, &on) < 0 ||
	    (o < n &&
		multi_opt_time(a + o + 1, n - o - 1, MULTI_PT_MAX, &off) < 0))
		return multi_bad_value(p, t, "page times 0..255 tenths");
	p->on_ds = on;
	p->off_ds = off;
	return 0;
}

/* [jl] [jl n] and [jp] [jp n]: 2..4 */
static int
multi_justification(struct multi_parser *p, const struct multi_tag *t,
    const char *a, size_t n, int dflt, int *v)
{
	long x;

	if (n == 0) {
		*v = dflt;
		return 0;
	}
	if (multi_int(a, n, MULTI_JL_LEFT, MULTI_JL_RIGHT, &x) < 0)
		return multi_bad_value(p, t, "justification 2, 3 or 4");
	*v = (int)x;
	return 0;
}

static int
multi_tag_jl(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	if (multi_justification(p, t, a, n, p->sign->default_jl, &p->jl) < 0)
		return -1;
	p->jl_pos = t->pos;
	return 0;
}

static int
multi_tag_jp(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	struct multi_line *l;

	if (multi_justification(p, t, a, n, p->sign->default_jp, &p->jp) < 0)
		return -1;
	p->jp_pos = t->pos;
	/* Text after a new page justification starts a line in its group. */
	l = &p->lines[p->nlines - 1];
	if (l->n > 0 && l->jp != p->jp) {
		if (multi_span_close(p) < 0)
			return -1;
		return multi_line_new(p, -1, t->pos);
	}
	return 0;
}

/* [fo] [fo n] [fo n,cccc] */
static int
multi_tag_fo(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	struct multi_slice v[2];
	uint16_t ver = 0;
	long f;
	int k;

	if (n == 0)
		return multi_font_select(
		    p, p->sign->default_font, 0, 0, t->pos);
	k = multi_split(a, n, v, 2);
	if (k < 0 || multi_int(v[0].p, v[0].n, 1, MULTI_FONT_MAX, &f) < 0 ||
	    (k == 2 && multi_version(v[1].p, v[1].n, &ver) < 0))
		return multi_bad_value(p, t, "font 1..255, version 4 hex");
	return multi_font_select(p, (int)f, k == 2, ver, t->pos);
}

/* [sc x] */
static int
multi_tag_sc(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	long x;

	if (multi_int(a, n, 0, MULTI_SC_MAX, &x) < 0)
		return multi_bad_value(p, t, "character spacing 0..99 px");
	p->spacing = (int)x;
	return 0;
}

/* [hc n]: 1-4 hexadecimal digits */
static int
multi_tag_hc(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	uint32_t cp = 0;
	char b[4];

	if (n == 0 || n > 4)
		return multi_bad_value(p, t, "1 to 4 hex digits");
	for (size_t i = 0; i < n; i++) {
		int d = multi_hex_value(a[i]);

		if (d < 0)
			return multi_bad_value(p, t, "1 to 4 hex digits");
		cp = cp * 16 + (uint32_t)d;
	}
	if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
		return multi_bad_value(p, t, "not a character");
	return multi_text(p, cp, b, multi_utf8_encode(cp, b), t->pos);
}

/* [cf] [cf z] [cf r,g,b] */
static int
multi_tag_cf(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	struct multi_slice v[3];

	if (n == 0) {
		p->fg = p->sign->default_fg;
		return 0;
	}
	if (multi_color(v, multi_split(a, n, v, 3), &p->fg) < 0)
		return multi_bad_value(p, t, "colour 0..9 or r,g,b");
	return 0;
}

/* [cb] [cb z]: classic numbers only (NTCIP 1203 v1) */
static int
multi_tag_cb(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	long c;

	if (n == 0) {
		p->bg = p->sign->default_bg;
		return 0;
	}
	if (multi_int(a, n, 0, MULTI_COLOR_MAX, &c) < 0)
		return multi_bad_value(p, t, "colour 0..9");
	p->bg = multi_classic[c];
	return 0;
}

/* [pb] [pb z] [pb r,g,b] */
static int
multi_tag_pb(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	struct multi_slice v[3];

	if (n == 0) {
		p->bg = p->sign->default_bg;
		return 0;
	}
	if (multi_color(v, multi_split(a, n, v, 3), &p->bg) < 0)
		return multi_bad_value(p, t, "colour 0..9 or r,g,b");
	return 0;
}

/* x,y,w,h (1-based) inside the sign; 0 w or h only if zero_edge. */
static int
multi_rect(const struct multi_parser *p, const struct multi_slice *v,
    int zero_edge, int r[4])
{
	long x, y, w, h;
	long minwh = zero_edge ? 0 : 1;

	if (multi_int(v[0].p, v[0].n, 1, p->sign->width, &x) < 0 ||
	    multi_int(v[1].p, v[1].n, 1, p->sign->height, &y) < 0 ||
	    multi_int(v[2].p, v[2].n, minwh, p->sign->width, &w) < 0 ||
	    multi_int(v[3].p, v[3].n, minwh, p->sign->height, &h) < 0)
		return -1;
	if (w == 0)
		w = p->sign->width - (x - 1);
	if (h == 0)
		h = p->sign->height - (y - 1);
	if (x - 1 + w > p->sign->width || y - 1 + h > p->sign->height)
		return -1;
	r[0] = (int)x - 1;
	r[1] = (int)y - 1;
	r[2] = (int)w;
	r[3] = (int)h;
	return 0;
}

/* [cr x,y,w,h,z] [cr x,y,w,h,r,g,b] */
static int
multi_tag_cr(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	struct multi_slice v[7];
	struct multi_op *op;
	uint32_t c;
	int k = multi_split(a, n, v, 7), r[4];

	if (k != 5 && k != 7)
		return multi_bad_value(p, t, "x,y,w,h,colour");
	if (multi_rect(p, v, 0, r) < 0)
		return multi_bad_value(p, t, "rectangle must lie in the sign");
	if (multi_color(v + 4, k - 4, &c) < 0)
		return multi_bad_value(p, t, "colour 0..9 or r,g,b");
	if ((op = multi_op_add(p, t->pos)) == NULL)
		return -1;
	op->kind = MULTI_OP_FILL;
	op->x = r[0];
	op->y = r[1];
	op->w = r[2];
	op->h = r[3];
	op->color = c;
	return 0;
}

/* [tr x,y,w,h] */
static int
multi_tag_tr(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	struct multi_slice v[4];
	int r[4];

	if (multi_split(a, n, v, 4) != 4 || multi_rect(p, v, 1, r) < 0)
		return multi_bad_value(p, t, "x,y,w,h inside the sign");
	if (p->flash != MULTI_FLASH_NONE)
		return multi_fail(p, MULTI_ERR_FLASH_REGION_ERROR, t->pos,
		    "flashing text continues into a new text rectangle");
	if (p->nrects == MULTI_RECTS_MAX)
		return multi_fail(p, MULTI_ERR_OTHER, t->pos,
		    "more than %d text rectangles on a page", MULTI_RECTS_MAX);
	if (multi_rect_finish(p) < 0)
		return -1;
	p->nrects++;
	multi_rect_start(p, r[0], r[1], r[2], r[3]);
	return 0;
}

/* [g n] [g n,x,y] [g n,x,y,cccc] */
static int
multi_tag_g(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	struct multi_slice v[4];
	struct multi_op *op;
	long g, x = 1, y = 1;
	uint16_t want = 0, have = 0;
	int k = multi_split(a, n, v, 4), w = 0, h = 0;

	if (k != 1 && k != 3 && k != 4)
		return multi_bad_value(p, t, "n or n,x,y or n,x,y,cccc");
	if (multi_int(v[0].p, v[0].n, 1, MULTI_FONT_MAX, &g) < 0 ||
	    (k >= 3 &&
		(multi_int(v[1].p, v[1].n, 1, p->sign->width, &x) < 0 ||
		    multi_int(v[2].p, v[2].n, 1, p->sign->height, &y) < 0)) ||
	    (k == 4 && multi_version(v[3].p, v[3].n, &want) < 0))
		return multi_bad_value(p, t, "graphic 1..255, x,y in the sign");
	if (p->f->graphic(p->sign->ctx, (int)g, &w, &h, &have) < 0)
		return multi_fail(p, MULTI_ERR_GRAPHIC_NOT_DEFINED, t->pos,
		    "graphic %ld not defined", g);
	if (k == 4 && have != want)
		return multi_fail(p, MULTI_ERR_GRAPHIC_ID, t->pos,
		    "graphic %ld has version %04x, not %04x", g, have, want);
	if (w < 1 || h < 1 || x - 1 + w > p->sign->width ||
	    y - 1 + h > p->sign->height)
		return multi_bad_value(p, t, "graphic does not fit the sign");
	if ((op = multi_op_add(p, t->pos)) == NULL)
		return -1;
	op->kind = MULTI_OP_GRAPHIC;
	op->graphic = (int)g;
	op->x = (int)x - 1;
	op->y = (int)y - 1;
	op->w = w;
	op->h = h;
	op->color = p->fg;
	return 0;
}

/* [fl] [fltXoY] [floYtX] with either time omitted */
static int
multi_tag_fl(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	int on = p->sign->flash_on_ds, off = p->sign->flash_off_ds;
	int kind = MULTI_FLASH_ON_OFF, *first = &on, *second = &off;
	int sep = 'o';
	size_t k;

	if (p->flash != MULTI_FLASH_NONE)
		return multi_fail(p, MULTI_ERR_FLASH_REGION_ERROR, t->pos,
		    "[fl] inside flashing text");
	if (n > 0) {
		if (multi_lower(a[0]) == 'o') {
			kind = MULTI_FLASH_OFF_ON;
			first = &off;
			second = &on;
			sep = 't';
		} else if (multi_lower(a[0]) != 't') {
			return multi_bad_value(p, t, "t or o first");
		}
		a++;
		n--;
		k = multi_find(a, n, sep);
		if (multi_opt_time(a, k, MULTI_FL_MAX, first) < 0 ||
		    (k < n &&
			multi_opt_time(
			    a + k + 1, n - k - 1, MULTI_FL_MAX, second) < 0))
			return multi_bad_value(
			    p, t, "flash times 0..99 tenths");
	}
	if (on == 0 || off == 0)
		return multi_bad_value(p, t, "flash on and off time above 0");
	p->flash = kind;
	p->flash_on_ds = on;
	p->flash_off_ds = off;
	return 0;
}

/* The field's glyphs and the width of its widest value. */
static int
multi_field_width(struct multi_parser *p, struct multi_item *it)
{
	const char *const *const *tmpl = multi_fields[it->field];
	char wide[MULTI_WIDE_MAX] = "", c = 0;
	size_t len = 0;
	int cw = -1;

	for (int i = 0; tmpl[i] != NULL; i++) {
		const char *best = "";
		int bw = 0;

		for (int j = 0; tmpl[i][j] != NULL; j++) {
			const char *alt = tmpl[i][j];
			size_t an = strlen(alt);
			int w;

			for (size_t m = 0; m < an; m++) {
				if (multi_glyph(
					p, (unsigned char)alt[m], it->pos) < 0)
					return -1;
				w = p->f->text_width(p->sign->ctx, it->font,
				    alt + m, 1, it->spacing);
				if (w > cw) {
					cw = w;
					c = alt[m];
				}
			}
			w = an == 0 ? 0 :
				      p->f->text_width(p->sign->ctx, it->font,
					  alt, an, it->spacing);
			if (w > bw) {
				bw = w;
				best = alt;
			}
		}
		if (strlen(best) >= sizeof(wide) - len)
			return multi_fail(p, MULTI_ERR_OTHER, it->pos,
			    "field %d too long", it->field);
		memcpy(wide + len, best, strlen(best) + 1);
		len += strlen(best);
	}
	if (it->field_chars > 0) {
		len = (size_t)it->field_chars;
		memset(wide, c, len);
	}
	it->width =
	    p->f->text_width(p->sign->ctx, it->font, wide, len, it->spacing);
	if (cw < 0 || it->width < 0 || it->width > MULTI_DIM_MAX * 4)
		return multi_fail(p, MULTI_ERR_OTHER, it->pos,
		    "font %d cannot measure the field", it->font);
	return 0;
}

/* [f x] [f x,y]: b is the whole tag body ("f12,5") */
static int
multi_tag_field(
    struct multi_parser *p, const struct multi_tag *t, const char *b, size_t n)
{
	struct multi_slice v[2];
	struct multi_item *it;
	long id, chars = 0;
	int k = multi_split(b + 1, n - 1, v, 2), dev = 1;

	if (k < 0 || multi_int(v[0].p, v[0].n, 1, MULTI_FIELD_IDS, &id) < 0 ||
	    (k == 2 &&
		multi_int(v[1].p, v[1].n, 1, MULTI_FIELD_POS, &chars) < 0))
		return multi_bad_value(p, t, "field 1..13, width 1..99");
	if (id == 3 || id == 4)
		dev = p->sign->has_temperature;
	else if (id == 5 || id == 6)
		dev = p->sign->has_speed;
	if (dev == 0)
		return multi_fail(p, MULTI_ERR_FIELD_DEVICE_NOT_EXIST, t->pos,
		    "field %ld needs a %s sensor", id,
		    id <= 4 ? "temperature" : "speed");
	if (dev < 0)
		return multi_fail(p, MULTI_ERR_FIELD_DEVICE_ERROR, t->pos,
		    "field %ld: the %s sensor fails", id,
		    id <= 4 ? "temperature" : "speed");
	if ((it = multi_item_new(p, MULTI_ITEM_FIELD, t->pos)) == NULL)
		return -1;
	it->field = (int)id;
	it->field_chars = (int)chars;
	return multi_field_width(p, it);
}

/* [mv m d w,s,r,text], e.g. [mvcl60,1,2,TEXT] or [mvl1r60,1,2,TEXT] */
static int
multi_tag_mv(
    struct multi_parser *p, const struct multi_tag *t, const char *a, size_t n)
{
	struct multi_slice v[4];
	struct multi_item *it;
	long w, s, r;
	int mode, linear = 0, dir, k;
	size_t i = 0;

	if (i < n && multi_lower(a[i]) == 'c')
		mode = MULTI_MOVE_CIRCULAR;
	else if (i < n && multi_lower(a[i]) == 'l')
		mode = MULTI_MOVE_LINEAR;
	else
		return multi_bad_value(p, t, "mode c or l");
	i++;
	if (mode == MULTI_MOVE_LINEAR && i < n && multi_is_digit(a[i]))
		linear = a[i++] - '0';
	if (i < n && multi_lower(a[i]) == 'l')
		dir = MULTI_MOVE_LEFT;
	else if (i < n && multi_lower(a[i]) == 'r')
		dir = MULTI_MOVE_RIGHT;
	else
		return multi_bad_value(p, t, "direction l or r");
	i++;
	/* The text may hold commas: split off the first three only. */
	k = 0;
	v[0].p = a + i;
	for (; i < n && k < 3; i++) {
		if (a[i] != ',')
			continue;
		v[k].n = (size_t)(a + i - v[k].p);
		v[++k].p = a + i + 1;
	}
	if (k < 3)
		return multi_bad_value(p, t, "w,s,r,text");
	v[3].n = (size_t)(a + n - v[3].p);
	if (multi_int(v[0].p, v[0].n, 1, MULTI_DIM_MAX, &w) < 0 ||
	    multi_int(v[1].p, v[1].n, 1, MULTI_MV_MAX, &s) < 0 ||
	    multi_int(v[2].p, v[2].n, 1, MULTI_MV_MAX, &r) < 0 || v[3].n == 0)
		return multi_bad_value(p, t,
		    "width, step 1..255 px, "
		    "interval 1..255 tenths, text");
	if (p->flash != MULTI_FLASH_NONE)
		return multi_fail(p, MULTI_ERR_FLASH_REGION_ERROR, t->pos,
		    "moving text inside flashing text");
	if ((it = multi_item_new(p, MULTI_ITEM_MOVE, t->pos)) == NULL)
		return -1;
	for (size_t j = 0; j < v[3].n;) {
		size_t at = (size_t)(v[3].p + j - p->s);
		uint32_t cp;
		int l = multi_utf8_decode(v[3].p + j, v[3].n - j, &cp);

		if (l < 0)
			return multi_fail(
			    p, MULTI_ERR_OTHER, at, "invalid UTF-8");
		if (multi_glyph(p, cp, at) < 0)
			return -1;
		j += (size_t)l;
	}
	if (multi_pool_add(p, v[3].p, v[3].n, t->pos) < 0)
		return -1;
	p->pool[p->pool_len++] = '\0';
	it->len = v[3].n;
	it->width = (int)w;
	it->mv_mode = mode;
	it->mv_linear = linear;
	it->mv_dir = dir;
	it->mv_step = (int)s;
	it->mv_ms = (int)r * 100;
	return 0;
}

/* Closing tags [/sc] [/fl]; [/ms] is not supported. */
static int
multi_tag_close(
    struct multi_parser *p, const struct multi_tag *t, const char *b, size_t n)
{
	int n1 = n > 1 ? multi_lower(b[1]) : 0;
	int n2 = n > 2 ? multi_lower(b[2]) : 0;
	char tb[MULTI_TAG_SHOW + 8];

	if (n1 == 's' && n2 == 'c') {
		if (n != 3)
			return multi_bad_value(p, t, "no parameters");
		p->spacing = -1;
		return 0;
	}
	if (n1 == 'f' && n2 == 'l') {
		if (n != 3)
			return multi_bad_value(p, t, "no parameters");
		if (p->flash == MULTI_FLASH_NONE)
			return multi_fail(p, MULTI_ERR_FLASH_REGION_ERROR,
			    t->pos, "[/fl] without [fl]");
		p->flash = MULTI_FLASH_NONE;
		return 0;
	}
	return multi_fail(p, MULTI_ERR_UNSUPPORTED_TAG, t->pos,
	    "unknown tag %s", multi_tag_text(p, t, tb, sizeof(tb)));
}

typedef int (*multi_tag_fn)(
    struct multi_parser *, const struct multi_tag *, const char *, size_t);

static const struct {
	char name[3];
	multi_tag_fn fn;
} multi_tags[] = {
	{ "nl", multi_tag_nl },
	{ "np", multi_tag_np },
	{ "fo", multi_tag_fo },
	{ "jl", multi_tag_jl },
	{ "jp", multi_tag_jp },
	{ "pt", multi_tag_pt },
	{ "pb", multi_tag_pb },
	{ "cf", multi_tag_cf },
	{ "cr", multi_tag_cr },
	{ "tr", multi_tag_tr },
	{ "cb", multi_tag_cb },
	{ "sc", multi_tag_sc },
	{ "hc", multi_tag_hc },
	{ "fl", multi_tag_fl },
	{ "mv", multi_tag_mv },
};

/* A tag body b (between the brackets) at byte offset pos. */
static int
multi_tag(struct multi_parser *p, size_t pos, const char *b, size_t n)
{
	struct multi_tag t = { pos, n + 2 };
	int c0 = n > 0 ? multi_lower(b[0]) : 0;
	int c1 = n > 1 ? multi_lower(b[1]) : 0;
	char tb[MULTI_TAG_SHOW + 8];

	for (size_t i = 0;
	     n >= 2 && i < sizeof(multi_tags) / sizeof(multi_tags[0]); i++)
		if (multi_tags[i].name[0] == c0 && multi_tags[i].name[1] == c1)
			return multi_tags[i].fn(p, &t, b + 2, n - 2);
	if (c0 == '/')
		return multi_tag_close(p, &t, b, n);
	if (c0 == 'f' && (n == 1 || multi_is_digit(b[1])))
		return multi_tag_field(p, &t, b, n);
	if (c0 == 'g')
		return multi_tag_g(p, &t, b + 1, n - 1);
	if (c0 == 'm' && c1 == 's')
		return multi_fail(p, MULTI_ERR_UNSUPPORTED_TAG, pos,
		    "manufacturer specific tag %s not supported",
		    multi_tag_text(p, &t, tb, sizeof(tb)));
	return multi_fail(p, MULTI_ERR_UNSUPPORTED_TAG, pos, "unknown tag %s",
	    multi_tag_text(p, &t, tb, sizeof(tb)));
}

static int
multi_run(struct multi_parser *p)
{
	size_t i = 0;

	multi_page_start(p);
	while (i < p->len) {
		const char *c = p->s + i;
		uint32_t cp;
		int l;

		if (c[0] == '[' && c[1] == '[') {
			if (multi_text(p, '[', "[", 1, i) < 0)
				return -1;
			i += 2;
		} else if (c[0] == '[') {
			size_t j = i + 1;

			while (j < p->len && p->s[j] != ']' && p->s[j] != '[')
				j++;
			if (j == p->len || p->s[j] != ']')
				return multi_fail(p, MULTI_ERR_UNSUPPORTED_TAG,
				    i, "[ without ] (write [[ for a bracket)");
			if (multi_tag(p, i, c + 1, j - i - 1) < 0)
				return -1;
			i = j + 1;
		} else if (c[0] == ']') {
			if (c[1] != ']')
				return multi_fail(p, MULTI_ERR_UNSUPPORTED_TAG,
				    i, "] without [ (write ]] for a bracket)");
			if (multi_text(p, ']', "]", 1, i) < 0)
				return -1;
			i += 2;
		} else {
			l = multi_utf8_decode(c, p->len - i, &cp);
			if (l < 0)
				return multi_fail(
				    p, MULTI_ERR_OTHER, i, "invalid UTF-8");
			if (multi_text(p, cp, c, (size_t)l, i) < 0)
				return -1;
			i += (size_t)l;
		}
	}
	/* Flashing text may run to the end: the end closes it. */
	return multi_page_finish(p, p->len);
}

static const char *
multi_sign_problem(const struct multi_sign *s)
{
	const struct multi_font_ops *f;

	if (s == NULL)
		return "no sign";
	f = s->fonts;
	if (f == NULL || f->font_exists == NULL || f->font_height == NULL ||
	    f->has_glyph == NULL || f->text_width == NULL || f->graphic == NULL)
		return "font and graphic callbacks missing";
	if (s->width < 1 || s->width > MULTI_DIM_MAX || s->height < 1 ||
	    s->height > MULTI_DIM_MAX)
		return "size out of range";
	if (s->max_pages < 1)
		return "max_pages below 1";
	if (s->default_font < 1 || s->default_font > MULTI_FONT_MAX)
		return "default font not 1..255";
	if (s->default_jl < MULTI_JL_LEFT || s->default_jl > MULTI_JL_RIGHT ||
	    s->default_jp < MULTI_JP_TOP || s->default_jp > MULTI_JP_BOTTOM)
		return "default justification not 2..4";
	if (s->page_on_ds < 0 || s->page_on_ds > MULTI_PT_MAX ||
	    s->page_off_ds < 0 || s->page_off_ds > MULTI_PT_MAX ||
	    s->flash_on_ds < 0 || s->flash_on_ds > MULTI_FL_MAX ||
	    s->flash_off_ds < 0 || s->flash_off_ds > MULTI_FL_MAX)
		return "default times out of range";
	return NULL;
}

int
multi_parse(const char *s, const struct multi_sign *sign, struct multi_msg *out,
    struct multi_error *err)
{
	struct multi_error spare;
	struct multi_parser *p;
	const char *problem;
	size_t len;
	int rc;

	if (err == NULL)
		err = &spare;
	memset(err, 0, sizeof(*err));
	err->code = MULTI_ERR_OTHER;
	if (out == NULL) {
		snprintf(err->message, sizeof(err->message), "no output");
		return -1;
	}
	memset(out, 0, sizeof(*out));
	if (s == NULL) {
		snprintf(
		    err->message, sizeof(err->message), "no MULTI string at 0");
		return -1;
	}
	if ((problem = multi_sign_problem(sign)) != NULL) {
		snprintf(err->message, sizeof(err->message), "sign: %s at 0",
		    problem);
		return -1;
	}
	len = strnlen(s, MULTI_MAX_BYTES + 1);
	if (len > MULTI_MAX_BYTES) {
		err->code = MULTI_ERR_TEXT_TOO_BIG;
		err->pos = multi_cp_offset(s, MULTI_MAX_BYTES);
		snprintf(err->message, sizeof(err->message),
		    "MULTI longer than %d bytes at %d", MULTI_MAX_BYTES,
		    err->pos);
		return -1;
	}
	p = calloc(1, sizeof(*p));
	out->pool = malloc(2 * len + 16);
	out->pages = calloc(MULTI_PAGES_MAX, sizeof(*out->pages));
	if (p == NULL || out->pool == NULL || out->pages == NULL) {
		free(p);
		multi_msg_free(out);
		snprintf(
		    err->message, sizeof(err->message), "out of memory at 0");
		return -1;
	}
	p->s = s;
	p->len = len;
	p->sign = sign;
	p->f = sign->fonts;
	p->err = err;
	p->out = out;
	p->max_pages = sign->max_pages < MULTI_PAGES_MAX ? sign->max_pages :
							   MULTI_PAGES_MAX;
	p->fg = sign->default_fg;
	p->bg = sign->default_bg;
	p->font = sign->default_font;
	p->jl = sign->default_jl;
	p->jp = sign->default_jp;
	p->on_ds = sign->page_on_ds;
	p->off_ds = sign->page_off_ds;
	p->spacing = -1;
	p->flash = MULTI_FLASH_NONE;
	p->pool = out->pool;
	p->pool_cap = 2 * len + 16;
	rc = multi_run(p);
	free(p);
	if (rc < 0) {
		multi_msg_free(out);
		return -1;
	}
	err->code = MULTI_OK;
	err->pos = 0;
	err->message[0] = '\0';
	return 0;
}

void
multi_msg_free(struct multi_msg *m)
{
	if (m == NULL)
		return;
	for (int i = 0; m->pages != NULL && i < m->npages; i++)
		free(m->pages[i].ops);
	free(m->pages);
	free(m->pool);
	memset(m, 0, sizeof(*m));
}

int
multi_pages(const struct multi_msg *m)
{
	return m == NULL ? 0 : m->npages;
}

int
multi_is_blank(const struct multi_msg *m)
{
	for (int i = 0; m != NULL && i < m->npages; i++) {
		const struct multi_page *pg = &m->pages[i];

		/* ops[0] is the background. */
		for (int k = 1; k < pg->nops; k++) {
			const struct multi_op *op = &pg->ops[k];

			if (op->kind != MULTI_OP_TEXT)
				return 0;
			for (size_t j = 0; j < op->len; j++)
				if (op->text[j] != ' ')
					return 0;
		}
	}
	return 1;
}

const char *
multi_err_name(int code)
{
	if (code < MULTI_ERR_OTHER || code > MULTI_ERR_GRAPHIC_NOT_DEFINED)
		return "unknown";
	return multi_err_names[code];
}

void
multi_check_line(const struct multi_msg *or_null, const struct multi_error *e,
    char *out, size_t size)
{
	if (out == NULL || size == 0)
		return;
	if (or_null != NULL && (e == NULL || e->code == MULTI_OK))
		snprintf(out, size, "ok %d", multi_pages(or_null));
	else if (e != NULL)
		snprintf(out, size, "error %s %d at %d",
		    multi_err_name(e->code), e->code, e->pos);
	else
		snprintf(out, size, "error other %d at 0", MULTI_ERR_OTHER);
}

static int
multi_put(char *out, size_t size, int n)
{
	if (n < 0 || (size_t)n >= size) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int
multi_field_text(int field_id, const struct tm *t, char *out, size_t size)
{
	static const char *const days[] = { "Sunday", "Monday", "Tuesday",
		"Wednesday", "Thursday", "Friday", "Saturday" };
	int h12, year;

	if (out == NULL || size == 0)
		return -1;
	out[0] = '\0';
	if (t == NULL || t->tm_hour < 0 || t->tm_hour > 23 || t->tm_min < 0 ||
	    t->tm_min > 59 || t->tm_wday < 0 || t->tm_wday > 6 ||
	    t->tm_mday < 1 || t->tm_mday > 31 || t->tm_mon < 0 ||
	    t->tm_mon > 11 || t->tm_year < -1900 || t->tm_year > 9999 - 1900)
		return -1;
	h12 = t->tm_hour % 12 == 0 ? 12 : t->tm_hour % 12;
	year = t->tm_year + 1900;
	switch (field_id) {
	case 1:
		return multi_put(
		    out, size, snprintf(out, size, "%d:%02d", h12, t->tm_min));
	case 2:
		return multi_put(out, size,
		    snprintf(out, size, "%02d:%02d", t->tm_hour, t->tm_min));
	case 7:
		return multi_put(
		    out, size, snprintf(out, size, "%s", days[t->tm_wday]));
	case 8:
		return multi_put(
		    out, size, snprintf(out, size, "%d", t->tm_mday));
	case 9:
		return multi_put(
		    out, size, snprintf(out, size, "%d", t->tm_mon + 1));
	case 10:
		return multi_put(
		    out, size, snprintf(out, size, "%02d", year % 100));
	case 11:
		return multi_put(out, size, snprintf(out, size, "%04d", year));
	case 12:
	case 13:
		return multi_put(out, size,
		    snprintf(out, size, "%d:%02d %s", h12, t->tm_min,
			t->tm_hour < 12 ? (field_id == 12 ? "AM" : "am") :
					  (field_id == 12 ? "PM" : "pm")));
	default:
		return -1;
	}
}

int
multi_field_text_value(int field_id, double value, char *out, size_t size)
{
	double v, lo, hi;

	if (out == NULL || size == 0)
		return -1;
	out[0] = '\0';
	if (!isfinite(value))
		return -1;
	switch (field_id) {
	case 3:
		v = value;
		lo = -99;
		hi = 99;
		break;
	case 4:
		v = value * 9.0 / 5.0 + 32.0;
		lo = -99;
		hi = 199;
		break;
	case 5:
		v = value;
		lo = 0;
		hi = 999;
		break;
	case 6:
		v = value / 1.609344;
		lo = 0;
		hi = 999;
		break;
	default:
		return -1;
	}
	v = floor(v + 0.5);
	if (v < lo || v > hi)
		return -1;
	return multi_put(out, size, snprintf(out, size, "%d", (int)v));
}
