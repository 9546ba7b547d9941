/*
 * multi: NTCIP 1203 MULTI (Mark-Up Language for Transportation
 * Information) for operator messages: a parser and the page layout that
 * turns a MULTI string into pages of plain draw operations (fills,
 * graphics, text, fields, moving text) in sign pixels.  Layout happens
 * here, at submit time, so a message that does not fit is refused with
 * textTooBig instead of being cut on the board; the renderer only draws.
 *
 * The sign's fonts and graphics are reached through callbacks, because
 * the renderer owns them (DirectFB); this module never touches a display.
 * Text is UTF-8 (an extension of 8-bit MULTI: any character the font has).
 *
 * Error positions are 0-based offsets in Unicode code points of the UTF-8
 * input (for ASCII input that is the byte offset), pointing at the '[' of
 * the offending tag or at the offending character.
 *
 * Choices where NTCIP 1203 is silent: parameters follow the tag name with
 * no blank ("[nl3]", "[pt5o0]"); [nl s] accepts 0..99 px; spacing between
 * lines is 0 unless [nl s] gives it (font_height is the whole line); a
 * [jp] that changes the justification after text on a line starts a new
 * line; flashing may span lines but not [tr] or [np], and the end of the
 * message closes it; [fl] times must not be 0; over-long input (> 4096
 * bytes) is textTooBig; invalid UTF-8 and implementation limits (pages,
 * operations, rectangles, lines) are "other".
 */
#ifndef TAFEL_MULTI_H
#define TAFEL_MULTI_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define MULTI_MAX_BYTES 4096 /* longest MULTI string accepted */
#define MULTI_PAGES_MAX 64   /* pages, whatever the sign says */
#define MULTI_OPS_MAX   256  /* draw operations per page */
#define MULTI_RECTS_MAX 50   /* [tr] text rectangles per page */
#define MULTI_LINES_MAX 128  /* lines per text rectangle */
#define MULTI_DIM_MAX   4096 /* largest sign width or height in pixels */
#define MULTI_ERR_LEN   128
#define MULTI_FIELD_MAX 32  /* longest formatted field value + NUL */
#define MULTI_CHECK_LEN 160 /* enough for any multi_check_line() */

/* multiSyntaxError (NTCIP 1203); MULTI_OK is the standard's "none". */
enum multi_err {
	MULTI_ERR_OTHER = 1,
	MULTI_OK = 2,
	MULTI_ERR_UNSUPPORTED_TAG = 3,
	MULTI_ERR_UNSUPPORTED_TAG_VALUE = 4,
	MULTI_ERR_TEXT_TOO_BIG = 5,
	MULTI_ERR_FONT_NOT_DEFINED = 6,
	MULTI_ERR_CHARACTER_NOT_DEFINED = 7,
	MULTI_ERR_FIELD_DEVICE_NOT_EXIST = 8,
	MULTI_ERR_FIELD_DEVICE_ERROR = 9,
	MULTI_ERR_FLASH_REGION_ERROR = 10,
	MULTI_ERR_TAG_CONFLICT = 11,
	MULTI_ERR_TOO_MANY_PAGES = 12,
	MULTI_ERR_FONT_VERSION_ID = 13,
	MULTI_ERR_GRAPHIC_ID = 14,
	MULTI_ERR_GRAPHIC_NOT_DEFINED = 15,
};

/* Line and page justification, with the standard's numbers. */
enum multi_jl {
	MULTI_JL_LEFT = 2,
	MULTI_JL_CENTER = 3,
	MULTI_JL_RIGHT = 4,
};

enum multi_jp {
	MULTI_JP_TOP = 2,
	MULTI_JP_MIDDLE = 3,
	MULTI_JP_BOTTOM = 4,
};

struct multi_error {
	int code; /* enum multi_err */
	int pos;  /* code point offset of the tag's '[' or the character */
	char message[MULTI_ERR_LEN]; /* "unknown tag [xy] at 5" */
};

/*
 * What the module needs to know about the sign's fonts and graphics.  All
 * callbacks are required; ctx is the sign's ctx.
 */
struct multi_font_ops {
	/* 1 if font n is defined (and *version is its version ID), else 0. */
	int (*font_exists)(void *ctx, int n, uint16_t *version);
	/* Height of a line of font n in pixels (> 0), or -1. */
	int (*font_height)(void *ctx, int n);
	/* 1 if font n has a glyph for the code point, else 0. */
	int (*has_glyph)(void *ctx, int n, uint32_t codepoint);
	/*
	 * Width in pixels of len bytes of UTF-8 in font n, or -1.  With
	 * char_spacing -1 the font's own spacing is used; else exactly
	 * char_spacing pixels between two characters.  Widths are taken as
	 * additive: text drawn right after other text in the same font starts
	 * where the other ends (the glyph advance includes the font spacing).
	 */
	int (*text_width)(
	    void *ctx, int n, const char *utf8, size_t len, int char_spacing);
	/* 0 and the size and version of graphic n if defined, else -1. */
	int (*graphic)(void *ctx, int n, int *w, int *h, uint16_t *version);
};

/* The sign the message is laid out for (dms* objects of NTCIP 1203). */
struct multi_sign {
	int width, height;             /* pixels, 1..MULTI_DIM_MAX */
	int max_pages;                 /* dmsMaxNumberPages (>= 1) */
	uint32_t default_fg;           /* 0xRRGGBB */
	uint32_t default_bg;           /* 0xRRGGBB */
	int default_font;              /* font number 1..255 */
	int default_jl, default_jp;    /* enum multi_jl, enum multi_jp */
	int page_on_ds, page_off_ds;   /* tenths of a second, 0..255 */
	int flash_on_ds, flash_off_ds; /* tenths of a second, 0..99 */
	/*
	 * Field data sources: 0 = none (f3/f4, f5/f6 give
	 * fieldDeviceNotExist), > 0 = present, < 0 = present but failing
	 * (fieldDeviceError).
	 */
	int has_temperature;
	int has_speed;
	const struct multi_font_ops *fonts;
	void *ctx;
};

enum multi_op_kind {
	MULTI_OP_FILL,    /* rectangle in one colour */
	MULTI_OP_GRAPHIC, /* stored graphic at x, y */
	MULTI_OP_TEXT,    /* static text */
	MULTI_OP_FIELD,   /* value filled in at display time (f1-f13) */
	MULTI_OP_MOVE,    /* moving text in a window */
};

enum multi_flash {
	MULTI_FLASH_NONE,
	MULTI_FLASH_ON_OFF, /* [flt..o..]: visible first */
	MULTI_FLASH_OFF_ON, /* [flo..t..]: hidden first */
};

enum multi_move_mode {
	MULTI_MOVE_CIRCULAR, /* [mvc...]: wraps around */
	MULTI_MOVE_LINEAR,   /* [mvl...]: runs through once per cycle */
};

enum multi_move_dir {
	MULTI_MOVE_LEFT,
	MULTI_MOVE_RIGHT,
};

/*
 * One draw operation; coordinates are 0-based sign pixels.  Which members
 * matter depends on kind:
 *   FILL     x, y, w, h, color
 *   GRAPHIC  x, y, w, h (the graphic's size), graphic, color (foreground,
 *            for monochrome graphics)
 *   TEXT     x, y (top of the line box), w (text width), h (line height),
 *            glyph_y (top of the font's cell: y + h - font height, so
 *            fonts on one line share the bottom), font, color,
 *            char_spacing, text/len, flash
 *   FIELD    as TEXT but field/field_chars instead of text; w is the width
 *            reserved for the widest value and align places the value in
 *            it (clip to w)
 *   MOVE     as TEXT; w is the window the text moves in, plus move_*
 */
struct multi_op {
	enum multi_op_kind kind;
	int pos; /* code point offset of the tag or text in the MULTI */
	int x, y, w, h;
	uint32_t color; /* 0xRRGGBB */
	int glyph_y;
	int font;
	int char_spacing; /* -1 = the font's own */
	const char *text; /* UTF-8, NUL-terminated, owned by the message */
	size_t len;       /* bytes */
	int graphic;
	int field;       /* 1..13 */
	int field_chars; /* [f x,y]: y, or 0 for the widest value */
	int align;       /* enum multi_jl */
	enum multi_flash flash;
	int flash_on_ms, flash_off_ms;
	enum multi_move_mode move_mode;
	int move_linear; /* the digit after "l" in [mvl<d>...], else 0 */
	enum multi_move_dir move_dir;
	int move_step_px;
	int move_step_ms;
};

struct multi_page {
	int on_ms, off_ms; /* off_ms > 0: background only for that long */
	uint32_t background;
	int nops;
	struct multi_op *ops; /* ops[0] is the background FILL */
};

struct multi_msg {
	int npages;
	struct multi_page *pages;
	char *pool; /* the texts the ops point into */
};

/*
 * Parse and lay out s for sign.  0 and *out filled (free it with
 * multi_msg_free), or -1 with err filled (err may be NULL) and *out empty.
 */
int multi_parse(const char *s, const struct multi_sign *sign,
    struct multi_msg *out, struct multi_error *err);
void multi_msg_free(struct multi_msg *m); /* NULL and empty are fine */
int multi_pages(const struct multi_msg *m);
/* 1 if no page shows anything but its background, else 0. */
int multi_is_blank(const struct multi_msg *m);

/* "unsupportedTag" for 3, ...; "unknown" outside 1..15. */
const char *multi_err_name(int code);
/*
 * The `tafeld multi-check` line: "ok N" when msg is not NULL and e is NULL
 * or MULTI_OK, else "error CODE_NAME NUMBER at POSITION".
 */
void multi_check_line(const struct multi_msg *or_null,
    const struct multi_error *e, char *out, size_t size);

/*
 * The text of a clock field at local time: f1 "3:07", f2 "15:07" (hours
 * zero-padded: "09:05"), f7 "Wednesday", f8 "7", f9 "3", f10 "26", f11
 * "2026", f12 "3:07 PM", f13 "3:07 pm".  -1 for other ids, a broken tm or
 * a short buffer.
 */
int multi_field_text(
    int field_id, const struct tm *local, char *out, size_t size);
/*
 * The text of a sensor field, rounded to an integer: value is degrees
 * Celsius for f3 ("-5") and f4 (converted: "23"), km/h for f5 and f6
 * (converted to mph).  -1 for other ids, NaN, or a value outside the range
 * the layout reserved room for (f3 -99..99, f4 -99..199, f5/f6 0..999).
 */
int multi_field_text_value(int field_id, double value, char *out, size_t size);

#endif
