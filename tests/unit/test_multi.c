/*
 * test_multi: the MULTI parser and layout against a fake sign: 60x24
 * pixels, fonts with a fixed advance per character (font 1: 6 px, 8 high;
 * font 2: 8 px, 12 high; font 3: 6 px, 8 high, without ':'), one
 * proportional font (4) for the widest-value rules of fields, and two
 * graphics.  Positions in the expected errors are code points.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "multi.h"

#define CHECK_CASES "tests/multi/check.txt" /* run from the top folder */
#define SIGN_W      60
#define SIGN_H      24

static int
fake_font_exists(void *ctx, int n, uint16_t *version)
{
	static const uint16_t versions[] = { 0, 0x1234, 0xBEEF, 0x0003,
		0x0004 };

	(void)ctx;
	if (n < 1 || n > 4)
		return 0;
	*version = versions[n];
	return 1;
}

static int
fake_font_height(void *ctx, int n)
{
	(void)ctx;
	return n == 2 ? 12 : 8;
}

static int
fake_has_glyph(void *ctx, int n, uint32_t cp)
{
	(void)ctx;
	if (cp == '~')
		return 0;
	if (cp == 0x20AC) /* euro sign: only in font 2 */
		return n == 2;
	if (cp == ':' && n == 3)
		return 0;
	return 1;
}

static int
fake_advance(int n, uint32_t c)
{
	if (n == 2)
		return 8;
	if (n != 4)
		return 6;
	switch (c) {
	case '1':
		return 3;
	case ':':
		return 2;
	case ' ':
		return 3;
	case 'W':
	case 'M':
		return 9;
	default:
		return 6;
	}
}

/*
 * Default spacing: the sum of the advances (1 px of spacing is in each);
 * explicit spacing: glyphs one pixel narrower plus cs between two.
 */
static int
fake_text_width(void *ctx, int n, const char *s, size_t len, int cs)
{
	int w = 0, count = 0;

	(void)ctx;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xC0) == 0x80)
			continue;
		w += fake_advance(n, c);
		count++;
	}
	if (cs >= 0 && count > 0)
		w += -count + (count - 1) * cs;
	return w;
}

static int
fake_graphic(void *ctx, int n, int *w, int *h, uint16_t *version)
{
	(void)ctx;
	if (n == 1) {
		*w = 10;
		*h = 8;
		*version = 0x0001;
		return 0;
	}
	if (n == 2) {
		*w = SIGN_W;
		*h = SIGN_H;
		*version = 0x0002;
		return 0;
	}
	return -1;
}

static const struct multi_font_ops fake_ops = {
	.font_exists = fake_font_exists,
	.font_height = fake_font_height,
	.has_glyph = fake_has_glyph,
	.text_width = fake_text_width,
	.graphic = fake_graphic,
};

static struct multi_sign
sign_default(void)
{
	struct multi_sign s = {
		.width = SIGN_W,
		.height = SIGN_H,
		.max_pages = 3,
		.default_fg = 0xFFD000,
		.default_bg = 0x000000,
		.default_font = 1,
		.default_jl = MULTI_JL_CENTER,
		.default_jp = MULTI_JP_TOP,
		.page_on_ds = 28,
		.page_off_ds = 0,
		.flash_on_ds = 5,
		.flash_off_ds = 5,
		.fonts = &fake_ops,
	};

	return s;
}

/* Byte offset of the nth (0-based) occurrence of needle in ASCII s. */
static int
pos_of(const char *s, const char *needle, int nth)
{
	const char *p = s;

	for (;;) {
		p = strstr(p, needle);
		if (p == NULL)
			fail_msg("'%s' not in '%s'", needle, s);
		if (nth-- == 0)
			return (int)(p - s);
		p++;
	}
}

static void
parse_ok_on(const struct multi_sign *sg, const char *s, struct multi_msg *m)
{
	struct multi_error e;
	int rc = multi_parse(s, sg, m, &e);

	if (rc != 0)
		print_message("MULTI '%s': %s\n", s, e.message);
	assert_int_equal(rc, 0);
	assert_int_equal(e.code, MULTI_OK);
}

static void
parse_ok(const char *s, struct multi_msg *m)
{
	struct multi_sign sg = sign_default();

	parse_ok_on(&sg, s, m);
}

static void
expect_err_on(const struct multi_sign *sg, const char *s, int code, int pos)
{
	struct multi_msg m;
	struct multi_error e;
	int rc = multi_parse(s, sg, &m, &e);

	if (rc != -1 || e.code != code || e.pos != pos)
		print_message("MULTI '%s': rc %d, %s (%s)\n", s, rc,
		    multi_err_name(e.code), e.message);
	assert_int_equal(rc, -1);
	assert_int_equal(e.code, code);
	assert_int_equal(e.pos, pos);
	assert_true(strlen(e.message) > 0);
	assert_int_equal(m.npages, 0);
	assert_null(m.pages);
	assert_null(m.pool);
}

static void
expect_err(const char *s, int code, int pos)
{
	struct multi_sign sg = sign_default();

	expect_err_on(&sg, s, code, pos);
}

static void
expect_bad_value(const char *s)
{
	expect_err(s, MULTI_ERR_UNSUPPORTED_TAG_VALUE, 0);
}

static const struct multi_op *
op_at(const struct multi_msg *m, int page, int i)
{
	assert_true(page < m->npages);
	assert_true(i < m->pages[page].nops);
	return &m->pages[page].ops[i];
}

static void
assert_text_op(const struct multi_op *op, const char *text, int x, int y)
{
	assert_int_equal(op->kind, MULTI_OP_TEXT);
	assert_string_equal(op->text, text);
	assert_int_equal(op->len, strlen(text));
	assert_int_equal(op->x, x);
	assert_int_equal(op->y, y);
}

static void
test_multi_plain_text_is_centred_at_the_top_of_one_page(void **state)
{
	struct multi_msg m;
	const struct multi_op *op;

	(void)state;
	parse_ok("ABC", &m);
	assert_int_equal(multi_pages(&m), 1);
	assert_int_equal(m.pages[0].nops, 2);
	assert_int_equal(m.pages[0].on_ms, 2800);
	assert_int_equal(m.pages[0].off_ms, 0);
	op = op_at(&m, 0, 0);
	assert_int_equal(op->kind, MULTI_OP_FILL);
	assert_int_equal(op->x, 0);
	assert_int_equal(op->y, 0);
	assert_int_equal(op->w, SIGN_W);
	assert_int_equal(op->h, SIGN_H);
	assert_int_equal(op->color, 0x000000);
	op = op_at(&m, 0, 1);
	assert_text_op(op, "ABC", (SIGN_W - 18) / 2, 0);
	assert_int_equal(op->w, 18);
	assert_int_equal(op->h, 8);
	assert_int_equal(op->glyph_y, 0);
	assert_int_equal(op->font, 1);
	assert_int_equal(op->color, 0xFFD000);
	assert_int_equal(op->char_spacing, -1);
	assert_int_equal(op->flash, MULTI_FLASH_NONE);
	assert_int_equal(op->pos, 0);
	assert_false(multi_is_blank(&m));
	multi_msg_free(&m);
}

static void
test_multi_empty_string_is_one_blank_page(void **state)
{
	struct multi_msg m;

	(void)state;
	parse_ok("", &m);
	assert_int_equal(multi_pages(&m), 1);
	assert_int_equal(m.pages[0].nops, 1);
	assert_true(multi_is_blank(&m));
	multi_msg_free(&m);
}

static void
test_multi_line_justification_left_centre_right(void **state)
{
	struct multi_msg m;

	(void)state;
	parse_ok("[jl2]L[jl3]C[jl4]R", &m);
	assert_int_equal(m.pages[0].nops, 4);
	assert_text_op(op_at(&m, 0, 1), "L", 0, 0);
	assert_text_op(op_at(&m, 0, 2), "C", (SIGN_W - 6) / 2, 0);
	assert_text_op(op_at(&m, 0, 3), "R", SIGN_W - 6, 0);
	assert_int_equal(op_at(&m, 0, 3)->pos, 17);
	multi_msg_free(&m);
}

static void
test_multi_centre_group_yields_to_left_and_right_groups(void **state)
{
	struct multi_msg m;

	(void)state;
	/* Left 30 px, centre 18 px: centred would start at 21, inside L. */
	parse_ok("[jl2]LLLLL[jl3]CCC", &m);
	assert_text_op(op_at(&m, 0, 1), "LLLLL", 0, 0);
	assert_text_op(op_at(&m, 0, 2), "CCC", 30, 0);
	multi_msg_free(&m);
	parse_ok("[jl3]CCC[jl4]RRRRR", &m);
	assert_text_op(op_at(&m, 0, 1), "CCC", 12, 0);
	assert_text_op(op_at(&m, 0, 2), "RRRRR", 30, 0);
	multi_msg_free(&m);
}

static void
test_multi_page_justification_top_middle_bottom(void **state)
{
	struct multi_msg m;

	(void)state;
	parse_ok("[jp2]T[jp3]M[jp4]B", &m);
	assert_int_equal(m.pages[0].nops, 4);
	assert_text_op(op_at(&m, 0, 1), "T", 27, 0);
	assert_text_op(op_at(&m, 0, 2), "M", 27, 8);
	assert_text_op(op_at(&m, 0, 3), "B", 27, 16);
	multi_msg_free(&m);
	parse_ok("[jp3]A[nl]B", &m);
	assert_text_op(op_at(&m, 0, 1), "A", 27, 4);
	assert_text_op(op_at(&m, 0, 2), "B", 27, 12);
	multi_msg_free(&m);
	parse_ok("[jp4][jl2]A[nl]B", &m);
	assert_text_op(op_at(&m, 0, 1), "A", 0, 8);
	assert_text_op(op_at(&m, 0, 2), "B", 0, 16);
	multi_msg_free(&m);
}

static void
test_multi_page_justification_change_mid_line_starts_a_line(void **state)
{
	struct multi_msg m;

	(void)state;
	parse_ok("[jp2]A[jp4]B", &m);
	assert_text_op(op_at(&m, 0, 1), "A", 27, 0);
	assert_text_op(op_at(&m, 0, 2), "B", 27, 16);
	multi_msg_free(&m);
	/* The same justification again changes nothing: one span. */
	parse_ok("[jp2]A[jp2]B", &m);
	assert_int_equal(m.pages[0].nops, 2);
	assert_text_op(op_at(&m, 0, 1), "AB", 24, 0);
	multi_msg_free(&m);
}

static void
test_multi_line_height_is_the_tallest_font_sharing_the_bottom(void **state)
{
	struct multi_msg m;
	const struct multi_op *a, *b, *c;

	(void)state;
	parse_ok("A[fo2]B[fo1][nl]C", &m);
	a = op_at(&m, 0, 1);
	b = op_at(&m, 0, 2);
	c = op_at(&m, 0, 3);
	/* Line 0: 6 + 8 = 14 px wide, 12 px high. */
	assert_text_op(a, "A", 23, 0);
	assert_int_equal(a->h, 12);
	assert_int_equal(a->glyph_y, 4);
	assert_text_op(b, "B", 29, 0);
	assert_int_equal(b->font, 2);
	assert_int_equal(b->glyph_y, 0);
	assert_text_op(c, "C", 27, 12);
	assert_int_equal(c->h, 8);
	assert_int_equal(c->font, 1);
	multi_msg_free(&m);
}

static void
test_multi_nl_spacing_and_empty_lines(void **state)
{
	struct multi_msg m;

	(void)state;
	parse_ok("A[nl3]B", &m);
	assert_text_op(op_at(&m, 0, 2), "B", 27, 11);
	multi_msg_free(&m);
	parse_ok("A[NL]B", &m);
	assert_text_op(op_at(&m, 0, 2), "B", 27, 8);
	multi_msg_free(&m);
	/* Empty lines are as high as the font. */
	parse_ok("[nl][nl]A", &m);
	assert_text_op(op_at(&m, 0, 1), "A", 27, 16);
	multi_msg_free(&m);
	parse_ok("[fo2][nl][fo1]A", &m);
	assert_text_op(op_at(&m, 0, 1), "A", 27, 12);
	multi_msg_free(&m);
	/* A trailing [nl] adds no line: A stays at the bottom. */
	parse_ok("[jp4]A[nl]", &m);
	assert_text_op(op_at(&m, 0, 1), "A", 27, 16);
	multi_msg_free(&m);
}

static void
test_multi_nl_rejects_bad_spacing(void **state)
{
	(void)state;
	expect_bad_value("[nl100]");
	expect_bad_value("[nlx]");
	expect_bad_value("[nl-1]");
	expect_bad_value("[nl 1]");
	expect_err("AB[nl1,2]", MULTI_ERR_UNSUPPORTED_TAG_VALUE, 2);
}

static void
test_multi_new_page_carries_state(void **state)
{
	struct multi_msg m;
	const struct multi_op *op;

	(void)state;
	parse_ok("[cf1][jl2][fo2][sc1][pb4]A[np]B", &m);
	assert_int_equal(multi_pages(&m), 2);
	assert_int_equal(m.pages[1].background, 0x00FFFF);
	assert_int_equal(op_at(&m, 1, 0)->color, 0x00FFFF);
	op = op_at(&m, 1, 1);
	assert_text_op(op, "B", 0, 0);
	assert_int_equal(op->color, 0xFF0000);
	assert_int_equal(op->font, 2);
	assert_int_equal(op->char_spacing, 1);
	assert_int_equal(op->pos, 30);
	multi_msg_free(&m);
	/* A trailing [np] makes an empty page. */
	parse_ok("A[np]", &m);
	assert_int_equal(multi_pages(&m), 2);
	assert_int_equal(m.pages[1].nops, 1);
	multi_msg_free(&m);
	expect_bad_value("[np1]");
}

static void
test_multi_page_times_apply_to_their_page_and_after(void **state)
{
	struct multi_msg m;

	(void)state;
	parse_ok("A[pt5o2][np]B[np][pt]C", &m);
	assert_int_equal(multi_pages(&m), 3);
	assert_int_equal(m.pages[0].on_ms, 500);
	assert_int_equal(m.pages[0].off_ms, 200);
	assert_int_equal(m.pages[1].on_ms, 500);
	assert_int_equal(m.pages[1].off_ms, 200);
	assert_int_equal(m.pages[2].on_ms, 2800);
	assert_int_equal(m.pages[2].off_ms, 0);
	multi_msg_free(&m);
	parse_ok("[pt10]A[np][pto7]B[np][PT255O255]", &m);
	assert_int_equal(m.pages[0].on_ms, 1000);
	assert_int_equal(m.pages[0].off_ms, 0);
	assert_int_equal(m.pages[1].on_ms, 2800);
	assert_int_equal(m.pages[1].off_ms, 700);
	assert_int_equal(m.pages[2].on_ms, 25500);
	assert_int_equal(m.pages[2].off_ms, 25500);
	multi_msg_free(&m);
	parse_ok("[pt20o]A", &m);
	assert_int_equal(m.pages[0].on_ms, 2000);
	multi_msg_free(&m);
}

static void
test_multi_page_times_reject_bad_values(void **state)
{
	(void)state;
	expect_bad_value("[pt256]");
	expect_bad_value("[pt5o256]");
	expect_bad_value("[pt5x]");
	expect_bad_value("[pt5o3o1]");
	expect_bad_value("[pt-1]");
	expect_err("A[pt1,2]", MULTI_ERR_UNSUPPORTED_TAG_VALUE, 1);
}

static void
test_multi_too_many_pages_at_the_np_that_exceeds(void **state)
{
	struct multi_sign sg = sign_default();
	const char *s = "[pt5o0]A[np]B[np]C";
	struct multi_msg m;

	(void)state;
	sg.max_pages = 2;
	expect_err_on(&sg, s, MULTI_ERR_TOO_MANY_PAGES, pos_of(s, "[np]", 1));
	parse_ok_on(&sg, "[pt5o0]A[np]B", &m);
	assert_int_equal(multi_pages(&m), 2);
	multi_msg_free(&m);
	sg.max_pages = 1;
	expect_err_on(&sg, "A[np]", MULTI_ERR_TOO_MANY_PAGES, 1);
}

static void
test_multi_unknown_tag_is_unsupported_tag_at_its_bracket(void **state)
{
	struct multi_sign sg = sign_default();
	struct multi_msg m;
	struct multi_error e;
	char line[MULTI_CHECK_LEN];

	(void)state;
	expect_err("[xy]", MULTI_ERR_UNSUPPORTED_TAG, 0);
	expect_err("hello[zz]", MULTI_ERR_UNSUPPORTED_TAG, 5);
	expect_err("[]", MULTI_ERR_UNSUPPORTED_TAG, 0);
	expect_err("[n]", MULTI_ERR_UNSUPPORTED_TAG, 0);
	expect_err("[feed1]", MULTI_ERR_UNSUPPORTED_TAG, 0);
	expect_err("[fz]", MULTI_ERR_UNSUPPORTED_TAG, 0);
	expect_err("[/xx]", MULTI_ERR_UNSUPPORTED_TAG, 0);
	assert_int_equal(multi_parse("hello[xy]", &sg, &m, &e), -1);
	assert_string_equal(e.message, "unknown tag [xy] at 5");
	multi_check_line(NULL, &e, line, sizeof(line));
	assert_string_equal(line, "error unsupportedTag 3 at 5");
}

static void
test_multi_manufacturer_specific_is_unsupported(void **state)
{
	(void)state;
	expect_err("[ms1,ACME]", MULTI_ERR_UNSUPPORTED_TAG, 0);
	expect_err("A[MS1]", MULTI_ERR_UNSUPPORTED_TAG, 1);
	expect_err("[/ms1]", MULTI_ERR_UNSUPPORTED_TAG, 0);
}

static void
test_multi_lone_brackets_are_unsupported_tags(void **state)
{
	(void)state;
	expect_err("ab[cd", MULTI_ERR_UNSUPPORTED_TAG, 2);
	expect_err("x[", MULTI_ERR_UNSUPPORTED_TAG, 1);
	expect_err("a]b", MULTI_ERR_UNSUPPORTED_TAG, 1);
	expect_err("]", MULTI_ERR_UNSUPPORTED_TAG, 0);
	expect_err("[a[nl]", MULTI_ERR_UNSUPPORTED_TAG, 0);
	expect_err("[[]", MULTI_ERR_UNSUPPORTED_TAG, 2);
}

static void
test_multi_doubled_brackets_are_text(void **state)
{
	struct multi_msg m;

	(void)state;
	parse_ok("[[A]]", &m);
	assert_int_equal(m.pages[0].nops, 2);
	assert_text_op(op_at(&m, 0, 1), "[A]", 21, 0);
	multi_msg_free(&m);
	parse_ok("[[[nl]]]", &m);
	assert_text_op(op_at(&m, 0, 1), "[", 27, 0);
	assert_text_op(op_at(&m, 0, 2), "]", 27, 8);
	multi_msg_free(&m);
}

static void
test_multi_tag_names_ignore_case(void **state)
{
	struct multi_msg m;
	const struct multi_op *op;

	(void)state;
	parse_ok("[JL2][Jp4][CF1][Fo2][SC2][FLT3O4]A[/FL][/Sc][NP][Pb3]"
		 "[Cb2][HC41][Nl][TR1,1,0,0][Cr1,1,1,1,1][G1][F2]"
		 "[MvCl10,1,1,X][Pt5O5]",
	    &m);
	assert_int_equal(multi_pages(&m), 2);
	op = op_at(&m, 0, 1);
	assert_text_op(op, "A", 0, 12);
	assert_int_equal(op->font, 2);
	assert_int_equal(op->color, 0xFF0000);
	assert_int_equal(op->char_spacing, 2);
	assert_int_equal(op->flash, MULTI_FLASH_ON_OFF);
	multi_msg_free(&m);
}

static void
test_multi_fonts_are_checked_where_selected(void **state)
{
	struct multi_msg m;

	(void)state;
	expect_err("abc[fo9]", MULTI_ERR_FONT_NOT_DEFINED, 3);
	expect_err("[fo1,abcd]A", MULTI_ERR_FONT_VERSION_ID, 0);
	expect_err("A[fo2,1234]", MULTI_ERR_FONT_VERSION_ID, 1);
	expect_bad_value("[fo0]");
	expect_bad_value("[fo256]");
	expect_bad_value("[fo1,12]");
	expect_bad_value("[fo1,12345]");
	expect_bad_value("[fo1,12g4]");
	expect_bad_value("[fox]");
	expect_bad_value("[fo1,1234,1]");
	parse_ok("[fo1,1234]A[fo2,BeEf]B[fo]C", &m);
	assert_int_equal(op_at(&m, 0, 1)->font, 1);
	assert_int_equal(op_at(&m, 0, 2)->font, 2);
	assert_int_equal(op_at(&m, 0, 3)->font, 1);
	multi_msg_free(&m);
}

static void
test_multi_missing_default_font_is_reported_where_first_used(void **state)
{
	struct multi_sign sg = sign_default();
	struct multi_msg m;

	(void)state;
	sg.default_font = 9;
	expect_err_on(&sg, "[cf1][jl2]A", MULTI_ERR_FONT_NOT_DEFINED, 10);
	expect_err_on(&sg, "[g1][nl]", MULTI_ERR_FONT_NOT_DEFINED, 4);
	expect_err_on(&sg, "[fo2]A[fo]", MULTI_ERR_FONT_NOT_DEFINED, 6);
	/* Graphics and colour alone need no font. */
	parse_ok_on(&sg, "[g1][cr1,1,5,5,1][pb1]", &m);
	multi_msg_free(&m);
	parse_ok_on(&sg, "[fo2]A", &m);
	multi_msg_free(&m);
}

static void
test_multi_character_not_in_font_at_its_code_point(void **state)
{
	(void)state;
	expect_err("AB~", MULTI_ERR_CHARACTER_NOT_DEFINED, 2);
	/* "Größe€": the euro sign is code point 5 (byte 7). */
	expect_err("Gr\xc3\xb6\xc3\x9f"
		   "e\xe2\x82\xac",
	    MULTI_ERR_CHARACTER_NOT_DEFINED, 5);
	expect_err("a\nb", MULTI_ERR_CHARACTER_NOT_DEFINED, 1);
	expect_err("a\x7f", MULTI_ERR_CHARACTER_NOT_DEFINED, 1);
	expect_err("[hc7e]", MULTI_ERR_CHARACTER_NOT_DEFINED, 0);
	expect_err("[hc9]", MULTI_ERR_CHARACTER_NOT_DEFINED, 0);
	expect_err("[fo2]A[fo1][hc20AC]", MULTI_ERR_CHARACTER_NOT_DEFINED, 11);
}

static void
test_multi_utf8_text_and_hex_characters_join_one_span(void **state)
{
	struct multi_msg m;
	const struct multi_op *op;

	(void)state;
	parse_ok("[fo2]Z\xc3\xbcrich[hc20ac]", &m);
	assert_int_equal(m.pages[0].nops, 2);
	op = op_at(&m, 0, 1);
	assert_text_op(op, "Z\xc3\xbcrich\xe2\x82\xac", (SIGN_W - 56) / 2, 0);
	assert_int_equal(op->w, 56);
	multi_msg_free(&m);
	parse_ok("[hc41][hc0042][HCe4]", &m);
	assert_text_op(op_at(&m, 0, 1), "AB\xc3\xa4", 21, 0);
	multi_msg_free(&m);
}

static void
test_multi_hex_character_rejects_bad_codes(void **state)
{
	(void)state;
	expect_bad_value("[hc]");
	expect_bad_value("[hc12345]");
	expect_bad_value("[hcZZ]");
	expect_bad_value("[hc0]");
	expect_bad_value("[hcD800]");
	expect_bad_value("[hc 41]");
}

static void
test_multi_positions_count_code_points_not_bytes(void **state)
{
	(void)state;
	expect_err(
	    "\xc3\x84\xc3\x96\xc3\x9c[xy]", MULTI_ERR_UNSUPPORTED_TAG, 3);
	expect_err("\xe2\x82\xac", MULTI_ERR_CHARACTER_NOT_DEFINED, 0);
}

static void
test_multi_invalid_utf8_is_other(void **state)
{
	(void)state;
	expect_err("ab\xff", MULTI_ERR_OTHER, 2);
	expect_err("ab\xc3", MULTI_ERR_OTHER, 2);
	expect_err("\xc0\xaf", MULTI_ERR_OTHER, 0);     /* overlong */
	expect_err("\xed\xa0\x80", MULTI_ERR_OTHER, 0); /* surrogate */
	expect_err("A[mvcl10,1,1,\xff]", MULTI_ERR_OTHER, 13);
}

static void
test_multi_colours_classic_and_rgb(void **state)
{
	struct multi_msg m;

	(void)state;
	parse_ok("[cf1]A[cf255,128,0]B[cf]C[cf8]D", &m);
	assert_int_equal(op_at(&m, 0, 1)->color, 0xFF0000);
	assert_int_equal(op_at(&m, 0, 2)->color, 0xFF8000);
	assert_int_equal(op_at(&m, 0, 3)->color, 0xFFD000);
	assert_int_equal(op_at(&m, 0, 4)->color, 0xFFA500);
	multi_msg_free(&m);
	parse_ok("[pb3]A[np][cb4]B[np][pb]C", &m);
	assert_int_equal(m.pages[0].background, 0x00FF00);
	assert_int_equal(op_at(&m, 0, 0)->color, 0x00FF00);
	assert_int_equal(m.pages[1].background, 0x00FFFF);
	assert_int_equal(m.pages[2].background, 0x000000);
	multi_msg_free(&m);
	/* The page's background is the last one set on it. */
	parse_ok("A[pb1]", &m);
	assert_int_equal(m.pages[0].background, 0xFF0000);
	multi_msg_free(&m);
	parse_ok("[pb0,0,255][cb]", &m);
	assert_int_equal(m.pages[0].background, 0x000000);
	multi_msg_free(&m);
}

static void
test_multi_colours_reject_bad_values(void **state)
{
	(void)state;
	expect_bad_value("[cf10]");
	expect_bad_value("[cf1,2]");
	expect_bad_value("[cf256,0,0]");
	expect_bad_value("[cf1,2,3,4]");
	expect_bad_value("[cf,,]");
	expect_bad_value("[cfx]");
	expect_bad_value("[cb1,2,3]");
	expect_bad_value("[cb10]");
	expect_bad_value("[pb10]");
	expect_bad_value("[pb-1]");
}

static void
test_multi_colour_rectangles_lie_under_their_rectangles_text(void **state)
{
	struct multi_msg m;
	const struct multi_op *op;

	(void)state;
	parse_ok("A[cr1,1,10,5,1][cr11,2,5,5,0,0,255]", &m);
	assert_int_equal(m.pages[0].nops, 4);
	op = op_at(&m, 0, 1);
	assert_int_equal(op->kind, MULTI_OP_FILL);
	assert_int_equal(op->x, 0);
	assert_int_equal(op->y, 0);
	assert_int_equal(op->w, 10);
	assert_int_equal(op->h, 5);
	assert_int_equal(op->color, 0xFF0000);
	assert_int_equal(op->pos, 1);
	op = op_at(&m, 0, 2);
	assert_int_equal(op->kind, MULTI_OP_FILL);
	assert_int_equal(op->x, 10);
	assert_int_equal(op->y, 1);
	assert_int_equal(op->color, 0x0000FF);
	assert_text_op(op_at(&m, 0, 3), "A", 27, 0);
	assert_false(multi_is_blank(&m));
	multi_msg_free(&m);
	/* The whole sign is fine, one more pixel is not. */
	parse_ok("[cr1,1,60,24,7]", &m);
	multi_msg_free(&m);
	expect_bad_value("[cr0,1,5,5,1]");
	expect_bad_value("[cr1,1,61,1,1]");
	expect_bad_value("[cr60,1,2,1,1]");
	expect_bad_value("[cr1,21,1,5,1]");
	expect_bad_value("[cr1,1,0,1,1]");
	expect_bad_value("[cr1,1,5,5]");
	expect_bad_value("[cr1,1,5,5,1,2]");
	expect_bad_value("[cr1,1,5,5,10]");
	expect_bad_value("[cr1,1,5,5,1,2,3,4]");
}

static void
test_multi_graphics_are_placed_and_checked(void **state)
{
	struct multi_msg m;
	const struct multi_op *op;

	(void)state;
	parse_ok("[cf1][g1]A[g1,5,3][g1,51,17,0001]", &m);
	assert_int_equal(m.pages[0].nops, 5);
	op = op_at(&m, 0, 1);
	assert_int_equal(op->kind, MULTI_OP_GRAPHIC);
	assert_int_equal(op->graphic, 1);
	assert_int_equal(op->x, 0);
	assert_int_equal(op->y, 0);
	assert_int_equal(op->w, 10);
	assert_int_equal(op->h, 8);
	assert_int_equal(op->color, 0xFF0000);
	op = op_at(&m, 0, 2);
	assert_int_equal(op->x, 4);
	assert_int_equal(op->y, 2);
	op = op_at(&m, 0, 3);
	assert_int_equal(op->x, 50);
	assert_int_equal(op->y, 16);
	assert_int_equal(op_at(&m, 0, 4)->kind, MULTI_OP_TEXT);
	multi_msg_free(&m);
	parse_ok("[g2]", &m);
	assert_false(multi_is_blank(&m));
	multi_msg_free(&m);
	expect_err("[g3]", MULTI_ERR_GRAPHIC_NOT_DEFINED, 0);
	expect_err("AB[g1,5,3,0002]", MULTI_ERR_GRAPHIC_ID, 2);
	expect_err("[g1,1,1,abcd]", MULTI_ERR_GRAPHIC_ID, 0);
	expect_bad_value("[g1,52,1]");
	expect_bad_value("[g2,1,2]");
	expect_bad_value("[g1,5]");
	expect_bad_value("[g0]");
	expect_bad_value("[g256]");
	expect_bad_value("[g]");
	expect_bad_value("[gx]");
	expect_bad_value("[g1,0,1]");
	expect_bad_value("[g1,1,1,12]");
}

static void
test_multi_text_rectangles_place_text_inside_them(void **state)
{
	struct multi_msg m;

	(void)state;
	parse_ok("[tr1,1,30,8]L[tr31,9,0,0]R", &m);
	assert_text_op(op_at(&m, 0, 1), "L", 12, 0);
	assert_text_op(op_at(&m, 0, 2), "R", 42, 8);
	multi_msg_free(&m);
	parse_ok("[tr31,9,0,0][jl4][jp4]R", &m);
	assert_text_op(op_at(&m, 0, 1), "R", 54, 16);
	multi_msg_free(&m);
	/* A colour rectangle lies under the text of its own rectangle. */
	parse_ok("A[tr1,9,0,0][cr1,1,5,5,1]B", &m);
	assert_int_equal(op_at(&m, 0, 1)->kind, MULTI_OP_TEXT);
	assert_int_equal(op_at(&m, 0, 2)->kind, MULTI_OP_FILL);
	assert_text_op(op_at(&m, 0, 3), "B", 27, 8);
	multi_msg_free(&m);
	/* Each page starts with the whole sign again. */
	parse_ok("[tr1,1,30,8]A[np]B", &m);
	assert_text_op(op_at(&m, 1, 1), "B", 27, 0);
	multi_msg_free(&m);
}

static void
test_multi_text_rectangles_must_lie_inside_the_sign(void **state)
{
	(void)state;
	expect_bad_value("[tr0,1,5,5]");
	expect_bad_value("[tr1,0,5,5]");
	expect_bad_value("[tr1,1,61,5]");
	expect_bad_value("[tr50,1,20,1]");
	expect_bad_value("[tr1,21,0,5]");
	expect_bad_value("[tr61,1,0,0]");
	expect_bad_value("[tr1,1,5]");
	expect_bad_value("[tr1,1,5,5,5]");
	expect_bad_value("[tr]");
}

static void
test_multi_text_rectangles_per_page_are_bounded(void **state)
{
	char s[MULTI_RECTS_MAX * 12 + 32];
	size_t n = 0;
	struct multi_msg m;

	(void)state;
	for (int i = 0; i < MULTI_RECTS_MAX; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "[tr1,1,0,0]");
	parse_ok(s, &m);
	multi_msg_free(&m);
	snprintf(s + n, sizeof(s) - n, "[tr1,1,0,0]");
	expect_err(s, MULTI_ERR_OTHER, (int)n);
}

static void
test_multi_text_too_wide_is_text_too_big(void **state)
{
	struct multi_msg m;

	(void)state;
	parse_ok("ABCDEFGHIJ", &m);
	assert_text_op(op_at(&m, 0, 1), "ABCDEFGHIJ", 0, 0);
	multi_msg_free(&m);
	expect_err("ABCDEFGHIJK", MULTI_ERR_TEXT_TOO_BIG, 0);
	expect_err("ABCDE[cf1]FGHIJK", MULTI_ERR_TEXT_TOO_BIG, 10);
	expect_err("[jl2]ABCDE[jl4]FGHIJK", MULTI_ERR_TEXT_TOO_BIG, 15);
	expect_err("[tr1,1,12,8]ABC", MULTI_ERR_TEXT_TOO_BIG, 12);
	expect_err("OK[np][fo2]ABCDEFGH", MULTI_ERR_TEXT_TOO_BIG, 11);
}

static void
test_multi_text_too_high_is_text_too_big(void **state)
{
	struct multi_msg m;

	(void)state;
	parse_ok("A[nl]B[nl]C", &m);
	assert_text_op(op_at(&m, 0, 3), "C", 27, 16);
	multi_msg_free(&m);
	expect_err("A[nl]B[nl]C[nl]D", MULTI_ERR_TEXT_TOO_BIG, 15);
	expect_err("A[nl1]B[nl]C", MULTI_ERR_TEXT_TOO_BIG, 11);
	expect_err("[jp2]A[jp3]B[jp4]C[nl]D", MULTI_ERR_TEXT_TOO_BIG, 22);
	expect_err("[tr1,1,0,8]A[nl]B", MULTI_ERR_TEXT_TOO_BIG, 16);
	expect_err("[nl][nl][nl][nl]", MULTI_ERR_TEXT_TOO_BIG, 12);
}

static void
test_multi_justification_order_conflicts_at_the_later_tag(void **state)
{
	struct multi_msg m;

	(void)state;
	expect_err("[jl4]a[jl2]b", MULTI_ERR_TAG_CONFLICT, 6);
	expect_err("[jl4]a[jl3]b", MULTI_ERR_TAG_CONFLICT, 6);
	expect_err("[jl4]a[jl]b", MULTI_ERR_TAG_CONFLICT, 6);
	expect_err("[jp4]a[jp2]b", MULTI_ERR_TAG_CONFLICT, 6);
	expect_err("[jp3]a[nl][jp2]b", MULTI_ERR_TAG_CONFLICT, 10);
	expect_err("[jp3]a[jp2][nl]", MULTI_ERR_TAG_CONFLICT, 6);
	/* Only text after the tag conflicts. */
	parse_ok("[jl4]a[jl2]", &m);
	multi_msg_free(&m);
	/* A new line, text rectangle or page starts over. */
	parse_ok("[jl4]a[nl][jl2]b", &m);
	multi_msg_free(&m);
	parse_ok("[jp4]a[tr1,1,0,0][jp2]b", &m);
	multi_msg_free(&m);
	parse_ok("[jp4]a[np][jp2]b", &m);
	multi_msg_free(&m);
}

static void
test_multi_justification_rejects_bad_values(void **state)
{
	(void)state;
	expect_bad_value("[jl1]");
	expect_bad_value("[jl5]");
	expect_bad_value("[jl0]");
	expect_bad_value("[jlx]");
	expect_bad_value("[jl22]");
	expect_bad_value("[jp1]");
	expect_bad_value("[jp5]");
	expect_bad_value("[jp,]");
}

static void
test_multi_character_spacing_sets_gaps_between_spans(void **state)
{
	struct multi_msg m;
	const struct multi_op *op;

	(void)state;
	parse_ok("[sc2]AB[/sc]C", &m);
	op = op_at(&m, 0, 1);
	/* AB: 5 + 2 + 5; C: 6; no gap after [/sc]. */
	assert_text_op(op, "AB", 21, 0);
	assert_int_equal(op->w, 12);
	assert_int_equal(op->char_spacing, 2);
	op = op_at(&m, 0, 2);
	assert_text_op(op, "C", 33, 0);
	assert_int_equal(op->char_spacing, -1);
	multi_msg_free(&m);
	parse_ok("[sc3]A[cf1]B", &m);
	assert_text_op(op_at(&m, 0, 1), "A", 23, 0);
	assert_text_op(op_at(&m, 0, 2), "B", 31, 0);
	multi_msg_free(&m);
	expect_bad_value("[sc]");
	expect_bad_value("[sc100]");
	expect_bad_value("[sc-1]");
	expect_bad_value("[/sc1]");
}

static void
test_multi_flash_regions_carry_times_and_phase(void **state)
{
	struct multi_msg m;
	const struct multi_op *op;

	(void)state;
	parse_ok("[flt3o7]A[/fl]B", &m);
	op = op_at(&m, 0, 1);
	assert_text_op(op, "A", 24, 0);
	assert_int_equal(op->flash, MULTI_FLASH_ON_OFF);
	assert_int_equal(op->flash_on_ms, 300);
	assert_int_equal(op->flash_off_ms, 700);
	assert_int_equal(op_at(&m, 0, 2)->flash, MULTI_FLASH_NONE);
	multi_msg_free(&m);
	parse_ok("[flo4t6]A", &m);
	op = op_at(&m, 0, 1);
	assert_int_equal(op->flash, MULTI_FLASH_OFF_ON);
	assert_int_equal(op->flash_off_ms, 400);
	assert_int_equal(op->flash_on_ms, 600);
	multi_msg_free(&m);
	parse_ok("[fl]A[/fl][flt3]B[/fl][flto9]C[/fl][flot]D", &m);
	op = op_at(&m, 0, 1);
	assert_int_equal(op->flash, MULTI_FLASH_ON_OFF);
	assert_int_equal(op->flash_on_ms, 500);
	assert_int_equal(op->flash_off_ms, 500);
	op = op_at(&m, 0, 2);
	assert_int_equal(op->flash_on_ms, 300);
	assert_int_equal(op->flash_off_ms, 500);
	op = op_at(&m, 0, 3);
	assert_int_equal(op->flash_on_ms, 500);
	assert_int_equal(op->flash_off_ms, 900);
	assert_int_equal(op_at(&m, 0, 4)->flash, MULTI_FLASH_OFF_ON);
	multi_msg_free(&m);
	/* Flashing may span lines and fields. */
	parse_ok("[fl]A[nl]B[f2][/fl]", &m);
	assert_int_equal(op_at(&m, 0, 2)->flash, MULTI_FLASH_ON_OFF);
	assert_int_equal(op_at(&m, 0, 3)->kind, MULTI_OP_FIELD);
	assert_int_equal(op_at(&m, 0, 3)->flash, MULTI_FLASH_ON_OFF);
	multi_msg_free(&m);
}

static void
test_multi_flash_rejects_bad_values_and_regions(void **state)
{
	struct multi_sign sg = sign_default();

	(void)state;
	expect_bad_value("[flx]");
	expect_bad_value("[flt100]");
	expect_bad_value("[flt0o5]");
	expect_bad_value("[flo5t0]");
	expect_bad_value("[flt5x]");
	expect_bad_value("[/fl1]");
	sg.flash_on_ds = 0;
	expect_err_on(&sg, "[fl]A", MULTI_ERR_UNSUPPORTED_TAG_VALUE, 0);
	expect_err("[fl]A[np]B", MULTI_ERR_FLASH_REGION_ERROR, 5);
	expect_err("[fl]A[fl]B", MULTI_ERR_FLASH_REGION_ERROR, 5);
	expect_err("A[/fl]", MULTI_ERR_FLASH_REGION_ERROR, 1);
	expect_err("[fl]A[tr1,1,0,0]B", MULTI_ERR_FLASH_REGION_ERROR, 5);
	expect_err("[fl][mvcl10,1,1,X]", MULTI_ERR_FLASH_REGION_ERROR, 4);
}

static void
test_multi_moving_text_takes_its_window_on_the_line(void **state)
{
	struct multi_msg m;
	const struct multi_op *op;

	(void)state;
	parse_ok("[cf1][mvcl30,2,5,HELLO]", &m);
	op = op_at(&m, 0, 1);
	assert_int_equal(op->kind, MULTI_OP_MOVE);
	assert_string_equal(op->text, "HELLO");
	assert_int_equal(op->len, 5);
	assert_int_equal(op->x, 15);
	assert_int_equal(op->y, 0);
	assert_int_equal(op->w, 30);
	assert_int_equal(op->h, 8);
	assert_int_equal(op->color, 0xFF0000);
	assert_int_equal(op->font, 1);
	assert_int_equal(op->move_mode, MULTI_MOVE_CIRCULAR);
	assert_int_equal(op->move_dir, MULTI_MOVE_LEFT);
	assert_int_equal(op->move_step_px, 2);
	assert_int_equal(op->move_step_ms, 500);
	assert_int_equal(op->pos, 5);
	assert_false(multi_is_blank(&m));
	multi_msg_free(&m);
	parse_ok("[jl2]AB[mvl1r20,1,1,A,B]C", &m);
	assert_text_op(op_at(&m, 0, 1), "AB", 0, 0);
	op = op_at(&m, 0, 2);
	assert_string_equal(op->text, "A,B");
	assert_int_equal(op->x, 12);
	assert_int_equal(op->move_mode, MULTI_MOVE_LINEAR);
	assert_int_equal(op->move_linear, 1);
	assert_int_equal(op->move_dir, MULTI_MOVE_RIGHT);
	assert_text_op(op_at(&m, 0, 3), "C", 32, 0);
	multi_msg_free(&m);
	parse_ok("[MVLL10,1,1,x]", &m);
	op = op_at(&m, 0, 1);
	assert_int_equal(op->move_mode, MULTI_MOVE_LINEAR);
	assert_int_equal(op->move_linear, 0);
	assert_int_equal(op->move_dir, MULTI_MOVE_LEFT);
	multi_msg_free(&m);
}

static void
test_multi_moving_text_rejects_bad_parameters(void **state)
{
	(void)state;
	expect_bad_value("[mv]");
	expect_bad_value("[mvx]");
	expect_bad_value("[mvc]");
	expect_bad_value("[mvcx10,1,1,A]");
	expect_bad_value("[mvcl10,1,1]");
	expect_bad_value("[mvcl10,1,1,]");
	expect_bad_value("[mvcl0,1,1,A]");
	expect_bad_value("[mvcl10,0,1,A]");
	expect_bad_value("[mvcl10,1,0,A]");
	expect_bad_value("[mvcl10,256,1,A]");
	expect_err("[mvcl10,1,1,A~]", MULTI_ERR_CHARACTER_NOT_DEFINED, 13);
	expect_err("[mvcl61,1,1,A]", MULTI_ERR_TEXT_TOO_BIG, 0);
	expect_err("ABCDE[mvcl31,1,1,A]", MULTI_ERR_TEXT_TOO_BIG, 5);
}

static void
test_multi_fields_reserve_their_widest_value(void **state)
{
	static const struct {
		const char *multi;
		int width;
	} cases[] = {
		{ "[f1]", 30 },  /* 12:59 */
		{ "[f2]", 30 },  /* 23:59 */
		{ "[f7]", 54 },  /* Wednesday */
		{ "[f8]", 12 },  /* 31 */
		{ "[f9]", 12 },  /* 12 */
		{ "[f10]", 12 }, /* 26 */
		{ "[f11]", 24 }, /* 2026 */
		{ "[f12]", 48 }, /* 12:59 PM */
		{ "[f13]", 48 }, /* 12:59 pm */
		{ "[f2,3]", 18 },
		{ "[f7,2]", 12 },
		/* Proportional font 4: "10:00" (9+2+6+6), "Wednesday". */
		{ "[fo4][f1]", 23 },
		{ "[fo4][f7]", 57 },
		{ "[fo4][f12]", 41 }, /* 10:00 AM */
		{ "[fo4][f7,4]", 36 },
		{ "[sc2][f2]", 33 },
	};
	struct multi_msg m;
	const struct multi_op *op;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_ok(cases[i].multi, &m);
		op = op_at(&m, 0, 1);
		assert_int_equal(op->kind, MULTI_OP_FIELD);
		if (op->w != cases[i].width)
			print_message("%s: width %d\n", cases[i].multi, op->w);
		assert_int_equal(op->w, cases[i].width);
		assert_int_equal(op->x, (SIGN_W - cases[i].width) / 2);
		multi_msg_free(&m);
	}
	parse_ok("[jl4][f2,4]", &m);
	op = op_at(&m, 0, 1);
	assert_int_equal(op->field, 2);
	assert_int_equal(op->field_chars, 4);
	assert_int_equal(op->align, MULTI_JL_RIGHT);
	assert_int_equal(op->x, SIGN_W - 24);
	assert_string_equal(op->text, "");
	assert_false(multi_is_blank(&m));
	multi_msg_free(&m);
	/* A field that could not fit at some time of day is refused now. */
	expect_err("Time [f12]", MULTI_ERR_TEXT_TOO_BIG, 5);
}

static void
test_multi_fields_need_their_sensor(void **state)
{
	struct multi_sign sg = sign_default();
	struct multi_msg m;

	(void)state;
	expect_err("T [f3]", MULTI_ERR_FIELD_DEVICE_NOT_EXIST, 2);
	expect_err("[f4]", MULTI_ERR_FIELD_DEVICE_NOT_EXIST, 0);
	expect_err("[f5]", MULTI_ERR_FIELD_DEVICE_NOT_EXIST, 0);
	expect_err("[f6]", MULTI_ERR_FIELD_DEVICE_NOT_EXIST, 0);
	sg.has_temperature = -1;
	expect_err_on(&sg, "[f3]", MULTI_ERR_FIELD_DEVICE_ERROR, 0);
	sg.has_temperature = 1;
	sg.has_speed = 1;
	parse_ok_on(&sg, "[f3][nl][f4][nl][f5]", &m);
	assert_int_equal(op_at(&m, 0, 1)->w, 18);
	assert_int_equal(op_at(&m, 0, 2)->w, 18);
	assert_int_equal(op_at(&m, 0, 3)->w, 18);
	multi_msg_free(&m);
}

static void
test_multi_fields_reject_bad_ids_and_missing_glyphs(void **state)
{
	(void)state;
	expect_bad_value("[f]");
	expect_bad_value("[f0]");
	expect_bad_value("[f14]");
	expect_bad_value("[f1,0]");
	expect_bad_value("[f1,100]");
	expect_bad_value("[f1,2,3]");
	expect_bad_value("[f1x]");
	expect_bad_value("[f1,]");
	/* Font 3 has no ':' for the time. */
	expect_err("[fo3][f1]", MULTI_ERR_CHARACTER_NOT_DEFINED, 5);
}

static void
test_multi_field_text_formats_the_clock(void **state)
{
	static const struct {
		int id;
		const char *text;
	} cases[] = {
		{ 1, "3:07" },
		{ 2, "15:07" },
		{ 7, "Wednesday" },
		{ 8, "4" },
		{ 9, "3" },
		{ 10, "26" },
		{ 11, "2026" },
		{ 12, "3:07 PM" },
		{ 13, "3:07 pm" },
	};
	struct tm t = { .tm_year = 126,
		.tm_mon = 2,
		.tm_mday = 4,
		.tm_hour = 15,
		.tm_min = 7,
		.tm_wday = 3 };
	char b[MULTI_FIELD_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
		    multi_field_text(cases[i].id, &t, b, sizeof(b)), 0);
		assert_string_equal(b, cases[i].text);
	}
	t.tm_hour = 0;
	t.tm_min = 5;
	assert_int_equal(multi_field_text(1, &t, b, sizeof(b)), 0);
	assert_string_equal(b, "12:05");
	assert_int_equal(multi_field_text(2, &t, b, sizeof(b)), 0);
	assert_string_equal(b, "00:05");
	assert_int_equal(multi_field_text(12, &t, b, sizeof(b)), 0);
	assert_string_equal(b, "12:05 AM");
	t.tm_hour = 12;
	assert_int_equal(multi_field_text(13, &t, b, sizeof(b)), 0);
	assert_string_equal(b, "12:05 pm");
	t.tm_year = 100;
	assert_int_equal(multi_field_text(10, &t, b, sizeof(b)), 0);
	assert_string_equal(b, "00");
}

static void
test_multi_field_text_refuses_sensors_ids_and_short_buffers(void **state)
{
	struct tm t = { .tm_year = 126, .tm_mday = 1, .tm_hour = 9 };
	char b[MULTI_FIELD_MAX];

	(void)state;
	for (int id = 3; id <= 6; id++)
		assert_int_equal(multi_field_text(id, &t, b, sizeof(b)), -1);
	assert_int_equal(multi_field_text(0, &t, b, sizeof(b)), -1);
	assert_int_equal(multi_field_text(14, &t, b, sizeof(b)), -1);
	assert_int_equal(multi_field_text(7, &t, b, 4), -1);
	assert_string_equal(b, "");
	t.tm_hour = 24;
	assert_int_equal(multi_field_text(2, &t, b, sizeof(b)), -1);
}

static void
test_multi_field_text_value_converts_and_rounds(void **state)
{
	char b[MULTI_FIELD_MAX];

	(void)state;
	assert_int_equal(multi_field_text_value(3, -4.6, b, sizeof(b)), 0);
	assert_string_equal(b, "-5");
	assert_int_equal(multi_field_text_value(3, -0.4, b, sizeof(b)), 0);
	assert_string_equal(b, "0");
	assert_int_equal(multi_field_text_value(4, 20.0, b, sizeof(b)), 0);
	assert_string_equal(b, "68");
	assert_int_equal(multi_field_text_value(5, 49.5, b, sizeof(b)), 0);
	assert_string_equal(b, "50");
	assert_int_equal(multi_field_text_value(6, 100.0, b, sizeof(b)), 0);
	assert_string_equal(b, "62");
	assert_int_equal(multi_field_text_value(3, NAN, b, sizeof(b)), -1);
	assert_int_equal(multi_field_text_value(3, 150.0, b, sizeof(b)), -1);
	assert_int_equal(multi_field_text_value(4, 100.0, b, sizeof(b)), -1);
	assert_int_equal(multi_field_text_value(5, -1.0, b, sizeof(b)), -1);
	assert_int_equal(multi_field_text_value(1, 1.0, b, sizeof(b)), -1);
}

static void
test_multi_check_line_prints_ok_pages_or_the_error(void **state)
{
	struct multi_sign sg = sign_default();
	struct multi_msg m;
	struct multi_error e;
	char line[MULTI_CHECK_LEN];

	(void)state;
	assert_int_equal(multi_parse("A[np]B", &sg, &m, &e), 0);
	multi_check_line(&m, &e, line, sizeof(line));
	assert_string_equal(line, "ok 2");
	multi_check_line(&m, NULL, line, sizeof(line));
	assert_string_equal(line, "ok 2");
	multi_msg_free(&m);
	assert_int_equal(multi_parse("abc[fo9]", &sg, &m, &e), -1);
	multi_check_line(NULL, &e, line, sizeof(line));
	assert_string_equal(line, "error fontNotDefined 6 at 3");
	assert_string_equal(e.message, "font 9 not defined at 3");
	multi_check_line(NULL, NULL, line, sizeof(line));
	assert_string_equal(line, "error other 1 at 0");
}

static void
test_multi_error_names_follow_ntcip_1203(void **state)
{
	static const char *const names[] = { "other", "none", "unsupportedTag",
		"unsupportedTagValue", "textTooBig", "fontNotDefined",
		"characterNotDefined", "fieldDeviceNotExist",
		"fieldDeviceError", "flashRegionError", "tagConflict",
		"tooManyPages", "fontVersionID", "graphicID",
		"graphicNotDefined" };

	(void)state;
	for (int i = 0; i < 15; i++)
		assert_string_equal(multi_err_name(i + 1), names[i]);
	assert_string_equal(multi_err_name(0), "unknown");
	assert_string_equal(multi_err_name(16), "unknown");
	assert_int_equal(MULTI_OK, 2);
	assert_int_equal(MULTI_ERR_GRAPHIC_NOT_DEFINED, 15);
}

static void
test_multi_blank_means_background_only(void **state)
{
	static const char *const blank[] = { "", "   ", "[pb1]", "[nl][np]",
		"[cf1][fo2][jl2][pt5o5]", "[hc20]" };
	static const char *const shown[] = { "A", "[g1]", "[cr1,1,1,1,1]",
		"[f2]", "[mvcl10,1,1,X]", "[np]A" };
	struct multi_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(blank) / sizeof(blank[0]); i++) {
		parse_ok(blank[i], &m);
		assert_true(multi_is_blank(&m));
		multi_msg_free(&m);
	}
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		parse_ok(shown[i], &m);
		assert_false(multi_is_blank(&m));
		multi_msg_free(&m);
	}
	assert_true(multi_is_blank(NULL));
}

static void
test_multi_input_longer_than_the_limit_is_refused(void **state)
{
	char *s = malloc(MULTI_MAX_BYTES + 2);
	struct multi_msg m;

	(void)state;
	assert_non_null(s);
	for (int i = 0; i < MULTI_MAX_BYTES; i += 4)
		memcpy(s + i, "[pt]", 4);
	s[MULTI_MAX_BYTES] = '\0';
	parse_ok(s, &m);
	multi_msg_free(&m);
	s[MULTI_MAX_BYTES] = 'A';
	s[MULTI_MAX_BYTES + 1] = '\0';
	expect_err(s, MULTI_ERR_TEXT_TOO_BIG, MULTI_MAX_BYTES);
	free(s);
}

static void
test_multi_draw_operations_per_page_are_bounded(void **state)
{
	static const char cr[] = "[cr1,1,1,1,1]";
	char *s = malloc(300 * (sizeof(cr) - 1) + 1);
	size_t n = 0;

	(void)state;
	assert_non_null(s);
	for (int i = 0; i < 300; i++) {
		memcpy(s + n, cr, sizeof(cr) - 1);
		n += sizeof(cr) - 1;
	}
	s[n] = '\0';
	/* ops[0] is the background: the 256th rectangle is one too many. */
	expect_err(s, MULTI_ERR_OTHER, (MULTI_OPS_MAX - 1) * 13);
	free(s);
}

static void
test_multi_bad_sign_or_arguments_are_other(void **state)
{
	struct multi_sign sg = sign_default();
	struct multi_font_ops ops = fake_ops;
	struct multi_msg m;
	struct multi_error e;

	(void)state;
	sg.width = 0;
	expect_err_on(&sg, "A", MULTI_ERR_OTHER, 0);
	sg = sign_default();
	sg.max_pages = 0;
	expect_err_on(&sg, "A", MULTI_ERR_OTHER, 0);
	sg = sign_default();
	sg.default_jl = 5;
	expect_err_on(&sg, "A", MULTI_ERR_OTHER, 0);
	sg = sign_default();
	ops.graphic = NULL;
	sg.fonts = &ops;
	expect_err_on(&sg, "A", MULTI_ERR_OTHER, 0);
	expect_err_on(NULL, "A", MULTI_ERR_OTHER, 0);
	sg = sign_default();
	expect_err_on(&sg, NULL, MULTI_ERR_OTHER, 0);
	assert_int_equal(multi_parse("A", &sg, NULL, &e), -1);
	/* err may be NULL. */
	assert_int_equal(multi_parse("[xy]", &sg, &m, NULL), -1);
	assert_int_equal(multi_parse("A", &sg, &m, NULL), 0);
	multi_msg_free(&m);
}

static void
test_multi_msg_free_accepts_null_and_twice(void **state)
{
	struct multi_msg m;

	(void)state;
	multi_msg_free(NULL);
	parse_ok("A[np]B", &m);
	multi_msg_free(&m);
	assert_int_equal(multi_pages(&m), 0);
	multi_msg_free(&m);
	assert_int_equal(multi_pages(NULL), 0);
}

/* Every case of tests/multi/check.txt gives its multi-check line. */
static void
test_multi_check_fixture_cases_give_their_lines(void **state)
{
	struct multi_sign sg = sign_default();
	char buf[MULTI_MAX_BYTES + MULTI_CHECK_LEN];
	char line[MULTI_CHECK_LEN];
	FILE *f = fopen(CHECK_CASES, "r");
	int cases = 0, bad = 0;

	(void)state;
	if (f == NULL)
		fail_msg(
		    "cannot open %s (run from the top folder)", CHECK_CASES);
	while (fgets(buf, sizeof(buf), f) != NULL) {
		struct multi_msg m;
		struct multi_error e;
		char *tab;

		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0] == '\0' || buf[0] == '#')
			continue;
		tab = strchr(buf, '\t');
		assert_non_null(tab);
		*tab = '\0';
		if (multi_parse(tab + 1, &sg, &m, &e) == 0) {
			multi_check_line(&m, &e, line, sizeof(line));
			multi_msg_free(&m);
		} else {
			multi_check_line(NULL, &e, line, sizeof(line));
		}
		if (strcmp(line, buf) != 0) {
			print_message("'%s': got '%s' (%s), want '%s'\n",
			    tab + 1, line, e.message, buf);
			bad++;
		}
		cases++;
	}
	fclose(f);
	assert_int_equal(bad, 0);
	assert_true(cases >= 40);
}

static void
test_multi_ntcip_example_with_two_groups_per_line(void **state)
{
	struct multi_sign sg = sign_default();
	struct multi_msg m;

	(void)state;
	sg.width = 120;
	sg.height = 36;
	parse_ok_on(&sg,
	    "[fo2][jp3][jl2][cf255,255,255]RAMP A[jl4][cf255,255,0]FULL[nl]"
	    "[jl2][cf255,255,255]RAMP B[jl4][cf255,255,0]OPEN",
	    &m);
	assert_int_equal(m.pages[0].nops, 5);
	assert_text_op(op_at(&m, 0, 1), "RAMP A", 0, 6);
	assert_text_op(op_at(&m, 0, 2), "FULL", 120 - 32, 6);
	assert_int_equal(op_at(&m, 0, 2)->color, 0xFFFF00);
	assert_text_op(op_at(&m, 0, 3), "RAMP B", 0, 18);
	assert_text_op(op_at(&m, 0, 4), "OPEN", 120 - 32, 18);
	multi_msg_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_multi_plain_text_is_centred_at_the_top_of_one_page),
		cmocka_unit_test(test_multi_empty_string_is_one_blank_page),
		cmocka_unit_test(
		    test_multi_line_justification_left_centre_right),
		cmocka_unit_test(
		    test_multi_centre_group_yields_to_left_and_right_groups),
		cmocka_unit_test(
		    test_multi_page_justification_top_middle_bottom),
		cmocka_unit_test(
		    test_multi_page_justification_change_mid_line_starts_a_line),
		cmocka_unit_test(
		    test_multi_line_height_is_the_tallest_font_sharing_the_bottom),
		cmocka_unit_test(test_multi_nl_spacing_and_empty_lines),
		cmocka_unit_test(test_multi_nl_rejects_bad_spacing),
		cmocka_unit_test(test_multi_new_page_carries_state),
		cmocka_unit_test(
		    test_multi_page_times_apply_to_their_page_and_after),
		cmocka_unit_test(test_multi_page_times_reject_bad_values),
		cmocka_unit_test(
		    test_multi_too_many_pages_at_the_np_that_exceeds),
		cmocka_unit_test(
		    test_multi_unknown_tag_is_unsupported_tag_at_its_bracket),
		cmocka_unit_test(
		    test_multi_manufacturer_specific_is_unsupported),
		cmocka_unit_test(test_multi_lone_brackets_are_unsupported_tags),
		cmocka_unit_test(test_multi_doubled_brackets_are_text),
		cmocka_unit_test(test_multi_tag_names_ignore_case),
		cmocka_unit_test(test_multi_fonts_are_checked_where_selected),
		cmocka_unit_test(
		    test_multi_missing_default_font_is_reported_where_first_used),
		cmocka_unit_test(
		    test_multi_character_not_in_font_at_its_code_point),
		cmocka_unit_test(
		    test_multi_utf8_text_and_hex_characters_join_one_span),
		cmocka_unit_test(test_multi_hex_character_rejects_bad_codes),
		cmocka_unit_test(
		    test_multi_positions_count_code_points_not_bytes),
		cmocka_unit_test(test_multi_invalid_utf8_is_other),
		cmocka_unit_test(test_multi_colours_classic_and_rgb),
		cmocka_unit_test(test_multi_colours_reject_bad_values),
		cmocka_unit_test(
		    test_multi_colour_rectangles_lie_under_their_rectangles_text),
		cmocka_unit_test(test_multi_graphics_are_placed_and_checked),
		cmocka_unit_test(
		    test_multi_text_rectangles_place_text_inside_them),
		cmocka_unit_test(
		    test_multi_text_rectangles_must_lie_inside_the_sign),
		cmocka_unit_test(
		    test_multi_text_rectangles_per_page_are_bounded),
		cmocka_unit_test(test_multi_text_too_wide_is_text_too_big),
		cmocka_unit_test(test_multi_text_too_high_is_text_too_big),
		cmocka_unit_test(
		    test_multi_justification_order_conflicts_at_the_later_tag),
		cmocka_unit_test(test_multi_justification_rejects_bad_values),
		cmocka_unit_test(
		    test_multi_character_spacing_sets_gaps_between_spans),
		cmocka_unit_test(
		    test_multi_flash_regions_carry_times_and_phase),
		cmocka_unit_test(
		    test_multi_flash_rejects_bad_values_and_regions),
		cmocka_unit_test(
		    test_multi_moving_text_takes_its_window_on_the_line),
		cmocka_unit_test(test_multi_moving_text_rejects_bad_parameters),
		cmocka_unit_test(test_multi_fields_reserve_their_widest_value),
		cmocka_unit_test(test_multi_fields_need_their_sensor),
		cmocka_unit_test(
		    test_multi_fields_reject_bad_ids_and_missing_glyphs),
		cmocka_unit_test(test_multi_field_text_formats_the_clock),
		cmocka_unit_test(
		    test_multi_field_text_refuses_sensors_ids_and_short_buffers),
		cmocka_unit_test(
		    test_multi_field_text_value_converts_and_rounds),
		cmocka_unit_test(
		    test_multi_check_line_prints_ok_pages_or_the_error),
		cmocka_unit_test(test_multi_error_names_follow_ntcip_1203),
		cmocka_unit_test(test_multi_blank_means_background_only),
		cmocka_unit_test(
		    test_multi_input_longer_than_the_limit_is_refused),
		cmocka_unit_test(
		    test_multi_draw_operations_per_page_are_bounded),
		cmocka_unit_test(test_multi_bad_sign_or_arguments_are_other),
		cmocka_unit_test(test_multi_msg_free_accepts_null_and_twice),
		cmocka_unit_test(
		    test_multi_ntcip_example_with_two_groups_per_line),
		cmocka_unit_test(
		    test_multi_check_fixture_cases_give_their_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
