/*
 * test_render: golden images through real DirectFB (system=dummy) and the
 * shipped fonts, plus the "next change" deadlines that keep a static board
 * idle.  Each case renders a layout in tests/golden/layouts at a fixed wall
 * time and animation time and compares every pixel with
 * tests/golden/NAME.png.  On a mismatch the actual frame and a diff image
 * (red = differs) are written to build/golden-diff/.  With
 * TAFEL_UPDATE_GOLDEN=1 the goldens are rewritten instead (look at them
 * before committing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "display.h"
#include "layout.h"
#include "render.h"
#include "snapshot.h"
#include "util.h"

#define GOLDEN_DIR "tests/golden"
#define DIFF_DIR   "build/golden-diff"
#define T0         1795940100000LL /* 2026-11-29T08:15:00Z = 09:15 in Zurich */

static struct display *disp;
static struct park_doc park_fixture;
static void park_fixture_build(void);

static int
setup(void **state)
{
	struct cfg_display c;
	char err[256];

	(void)state;
	setenv("TZ", "Europe/Zurich", 1);
	tzset();
	memset(&c, 0, sizeof(c));
	c.system = CFG_SYSTEM_DUMMY;
	c.width = 64;
	c.height = 32;
	park_fixture_build();
	disp = display_open(&c, err, sizeof(err));
	if (disp == NULL)
		fprintf(stderr, "display_open: %s\n", err);
	return disp == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	display_close(disp);
	park_doc_fini(&park_fixture);
	return 0;
}

/* Render layout NAME at (wall, anim) into caller-freed pixels. */
static uint32_t *
render_case(const char *layout, int64_t wall, int64_t anim, int *w, int *h,
    int64_t *next)
{
	IDirectFB *dfb = display_dfb(disp);
	DFBSurfaceDescription desc;
	IDirectFBSurface *s;
	struct util_errs errs;
	struct layout *l;
	struct render *r;
	char path[256];
	uint32_t *px;

	memset(&errs, 0, sizeof(errs));
	snprintf(path, sizeof(path), GOLDEN_DIR "/layouts/%s.json", layout);
	l = layout_load(path, "fonts", &errs);
	for (size_t i = 0; i < errs.n; i++)
		print_error("%s\n", errs.msg[i]);
	assert_non_null(l);
	r = render_new(dfb, l, NULL, &errs);
	for (size_t i = 0; i < errs.n; i++)
		print_error("%s\n", errs.msg[i]);
	assert_non_null(r);
	memset(&desc, 0, sizeof(desc));
	desc.flags =
	    DSDESC_WIDTH | DSDESC_HEIGHT | DSDESC_PIXELFORMAT | DSDESC_CAPS;
	desc.width = l->width;
	desc.height = l->height;
	desc.pixelformat = DSPF_RGB32;
	desc.caps = DSCAPS_SYSTEMONLY;
	assert_int_equal(dfb->CreateSurface(dfb, &desc, &s), DFB_OK);
	s->Clear(s, 0x12, 0x34, 0x56, 0xff); /* render must cover it all */
	*next = render_draw(r, s, wall, anim, NULL);
	px = display_surface_pixels(s);
	assert_non_null(px);
	*w = l->width;
	*h = l->height;
	s->Release(s);
	render_free(r);
	layout_free(l);
	return px;
}

static void
write_diff(
    const char *name, const uint32_t *got, const uint32_t *want, int w, int h)
{
	uint32_t *diff = calloc((size_t)w * (size_t)h, sizeof(*diff));
	char path[256], err[256];

	mkdir("build", 0755);
	mkdir(DIFF_DIR, 0755);
	for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
		diff[i] =
		    got[i] == want[i] ? (got[i] >> 2) & 0x3f3f3f : 0xffff0000u;
	snprintf(path, sizeof(path), DIFF_DIR "/%s.diff.png", name);
	snapshot_write(path, diff, w, h, err, sizeof(err));
	snprintf(path, sizeof(path), DIFF_DIR "/%s.actual.png", name);
	snapshot_write(path, got, w, h, err, sizeof(err));
	free(diff);
}

static void
golden(const char *name, const char *layout, int64_t wall, int64_t anim)
{
	char path[256], err[256];
	uint32_t *got, *want;
	int w, h, gw, gh;
	int64_t next;
	size_t bad = 0;

	got = render_case(layout, wall, anim, &w, &h, &next);
	snprintf(path, sizeof(path), GOLDEN_DIR "/%s.png", name);
	if (getenv("TAFEL_UPDATE_GOLDEN") != NULL) {
		assert_int_equal(
		    snapshot_write(path, got, w, h, err, sizeof(err)), 0);
		print_message("updated %s\n", path);
		free(got);
		return;
	}
	want = snapshot_read(path, &gw, &gh, err, sizeof(err));
	if (want == NULL) {
		free(got);
		fail_msg("%s (make update-golden creates it)", err);
	}
	if (gw != w || gh != h) {
		free(got);
		free(want);
		fail_msg(
		    "%s: golden is %dx%d, frame is %dx%d", name, gw, gh, w, h);
	}
	for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
		bad += (got[i] | 0xff000000u) != want[i];
	if (bad > 0)
		write_diff(name, got, want, w, h);
	free(got);
	free(want);
	if (bad > 0)
		fail_msg("%s: %zu pixels differ; see " DIFF_DIR "/%s.diff.png",
		    name, bad, name);
}

/* Count pixels of exactly colour argb in a w-wide frame's rectangle. */
static int
count(const uint32_t *px, int w, int x0, int y0, int x1, int y1, uint32_t argb)
{
	int n = 0;

	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			n += px[y * w + x] == argb;
	return n;
}

/* A fixed parking document for the park widgets (test_render_park_*). */

static void
park_fixture_add(const char *id, const char *name, int64_t free, int64_t total,
    int state, int trend, int64_t age_s)
{
	struct park_item it;

	memset(&it, 0, sizeof(it));
	util_strlcpy(it.id, id, sizeof(it.id));
	util_strlcpy(it.name, name, sizeof(it.name));
	it.free = free;
	it.total = total;
	it.state = state;
	it.trend = trend;
	it.time_ms = T0 - age_s * 1000;
	assert_int_equal(park_doc_add(&park_fixture, &it), 0);
}

static const struct park_doc *
park_fixture_doc(void *ctx, const char *feed, struct park_rules *rules)
{
	(void)ctx;
	if (strcmp(feed, "pls") != 0)
		return NULL;
	rules->fetched_ms = T0;
	rules->doc_time_ms = PARK_NO_TIME;
	rules->stale_after_ms = 1800 * 1000;
	return &park_fixture;
}

static const struct render_source park_source = { park_fixture_doc, NULL,
	NULL };

static void
park_fixture_build(void)
{
	park_doc_init(&park_fixture);
	park_fixture_add(
	    "SP02", "Altstadt", 187, 456, PARK_STATE_OPEN, PARK_TREND_NONE, 60);
	park_fixture_add("SP03", "Kesselturm", 12, 340, PARK_STATE_ABSENT,
	    PARK_TREND_NONE, 60);
	park_fixture_add("NP07", "Schweizerhof", 0, 250, PARK_STATE_OPEN,
	    PARK_TREND_NONE, 60);
	park_fixture_add("NP08", "Casino-Palace", 50, 250, PARK_STATE_CLOSED,
	    PARK_TREND_NONE, 60);
	park_fixture_add("SP01", "am Gütsch", 40, 100, PARK_STATE_OPEN,
	    PARK_TREND_NONE, 7200);
	park_fixture_add("NP12", "Löwencenter", 0, 345, PARK_STATE_NODATA,
	    PARK_TREND_NONE, 60);
	park_fixture_add("SP05", "Bahnhofparking P1+P2", 100, 453,
	    PARK_STATE_OPEN, PARK_TREND_FILLING, 60);
}

/* Render layout name with the parking fixture. */
static uint32_t *
render_park_case(int64_t wall, int64_t anim, int *w, int *h, int64_t *next)
{
	IDirectFB *dfb = display_dfb(disp);
	DFBSurfaceDescription desc;
	IDirectFBSurface *s;
	struct util_errs errs;
	struct layout *l;
	struct render *r;
	uint32_t *px;

	memset(&errs, 0, sizeof(errs));
	l = layout_load(GOLDEN_DIR "/layouts/parking.json", "fonts", &errs);
	assert_non_null(l);
	r = render_new(dfb, l, NULL, &errs);
	assert_non_null(r);
	memset(&desc, 0, sizeof(desc));
	desc.flags = DSDESC_WIDTH | DSDESC_HEIGHT | DSDESC_PIXELFORMAT;
	desc.width = l->width;
	desc.height = l->height;
	desc.pixelformat = DSPF_RGB32;
	assert_int_equal(dfb->CreateSurface(dfb, &desc, &s), DFB_OK);
	*next = render_draw(r, s, wall, anim, &park_source);
	px = display_surface_pixels(s);
	*w = l->width;
	*h = l->height;
	s->Release(s);
	render_free(r);
	layout_free(l);
	return px;
}

struct readout_rec {
	char values[32][96];
	size_t n;
};

static void
readout_rec_emit(void *arg, size_t region, const char *region_name, size_t page,
    const char *type, const char *text, const char *value)
{
	struct readout_rec *rec = arg;

	(void)region;
	(void)page;
	(void)type;
	if (rec->n < 32)
		snprintf(rec->values[rec->n++], 96, "%s|%s|%s", region_name,
		    text, value ? value : "");
}

static void
park_readout(int64_t wall, int64_t anim, struct readout_rec *rec)
{
	struct util_errs errs;
	struct layout *l;
	struct render *r;

	memset(&errs, 0, sizeof(errs));
	memset(rec, 0, sizeof(*rec));
	l = layout_load(GOLDEN_DIR "/layouts/parking.json", "fonts", &errs);
	assert_non_null(l);
	r = render_new(display_dfb(disp), l, NULL, &errs);
	assert_non_null(r);
	render_readout(r, wall, anim, &park_source, readout_rec_emit, rec);
	render_free(r);
	layout_free(l);
}

static int
readout_has(const struct readout_rec *rec, const char *want)
{
	for (size_t i = 0; i < rec->n; i++)
		if (strcmp(rec->values[i], want) == 0)
			return 1;
	for (size_t i = 0; i < rec->n; i++)
		print_message("  readout: %s\n", rec->values[i]);
	return 0;
}

static void
test_render_park_shows_every_state(void **state)
{
	struct readout_rec rec;

	(void)state;
	park_readout(T0, 0, &rec);
	assert_true(readout_has(&rec, "number|Altstadt|187"));
	assert_true(readout_has(&rec, "few|Kesselturm|12"));
	assert_true(readout_has(&rec, "full|Schweizerhof|besetzt"));
	assert_true(readout_has(&rec, "closed|Casino-Palace|geschlossen"));
	assert_true(readout_has(&rec, "stale|am Gütsch|---"));
	assert_true(readout_has(&rec, "nodata|Löwencenter|---"));
	assert_true(readout_has(&rec, "missing|Nirgendwo|---"));
	/* offset 2, trend arrow: free spaces falling. */
	assert_true(readout_has(&rec, "trend|Bahnhof|98 \u2193"));
	/* The sum counts the closed Casino-Palace as 0, not as unknown. */
	assert_true(readout_has(&rec, "sum|Zentrum 199 frei|199"));
	/* The list's first page: three rows of 11 px in 33 px. */
	assert_true(readout_has(&rec, "list|Alt|187"));
	assert_true(readout_has(&rec, "list|Sch|bes."));
	assert_false(readout_has(&rec, "list|Cas|zu"));
}

static void
test_render_park_list_pages(void **state)
{
	struct readout_rec rec;

	(void)state;
	park_readout(T0, 4000, &rec);
	assert_true(readout_has(&rec, "list|Cas|zu"));
	assert_true(readout_has(&rec, "list|Bhf|100"));
	assert_false(readout_has(&rec, "list|Alt|187"));
}

static void
test_render_park_turns_stale_on_time(void **state)
{
	struct readout_rec rec;
	int w, h;
	int64_t next;
	uint32_t *px;

	(void)state;
	/*
	 * Altstadt's data is 60 s old at T0: 1740 s later it is exactly
	 * 1800 s old, not older, so still fresh; 1 ms later it is stale, and
	 * the renderer asks to be woken then.
	 */
	px = render_park_case(T0 + 1739 * 1000, 0, &w, &h, &next);
	assert_int_equal(next, 1001);
	free(px);
	park_readout(T0 + 1740 * 1000, 0, &rec);
	assert_true(readout_has(&rec, "number|Altstadt|187"));
	park_readout(T0 + 1740 * 1000 + 1, 0, &rec);
	assert_true(readout_has(&rec, "number|Altstadt|---"));
	/* A sum with an unknown car park in it is not a number. */
	assert_true(readout_has(&rec, "sum|Zentrum --- frei|---"));
}

static void
test_render_golden_parking_states(void **state)
{
	int w, h;
	int64_t next;
	uint32_t *got, *want;
	char err[256];
	int gw, gh;
	size_t bad = 0;

	(void)state;
	got = render_park_case(T0, 0, &w, &h, &next);
	if (getenv("TAFEL_UPDATE_GOLDEN") != NULL) {
		assert_int_equal(snapshot_write(GOLDEN_DIR "/parking.png", got,
				     w, h, err, sizeof(err)),
		    0);
		free(got);
		return;
	}
	want = snapshot_read(
	    GOLDEN_DIR "/parking.png", &gw, &gh, err, sizeof(err));
	assert_non_null(want);
	assert_int_equal(gw, w);
	assert_int_equal(gh, h);
	for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
		bad += got[i] != want[i];
	if (bad > 0)
		write_diff("parking", got, want, w, h);
	free(got);
	free(want);
	assert_int_equal(bad, 0);
}

static void
test_render_golden_alignment(void **state)
{
	(void)state;
	golden("align", "align", T0, 0);
}

static void
test_render_golden_overflow_modes(void **state)
{
	(void)state;
	golden("overflow-t0", "overflow", T0, 0);
	golden("overflow-t1500", "overflow", T0, 1500);
}

static void
test_render_golden_clock(void **state)
{
	(void)state;
	golden("clock", "clock", T0, 0);
}

static void
test_render_golden_pages(void **state)
{
	(void)state;
	golden("pages-p0", "pages", T0, 0);
	golden("pages-p1", "pages", T0, 3500);
}

static void
test_render_golden_image(void **state)
{
	(void)state;
	golden("image", "image", T0, 0);
}

static void
test_render_golden_fonts_full_glyph_sets(void **state)
{
	(void)state;
	golden("font-small", "font_small", T0, 0);
	golden("font-medium", "font_medium", T0, 0);
	golden("font-large", "font_large", T0, 0);
	golden("large-numbers", "large_numbers", T0, 0);
}

static void
test_render_pages_alternate(void **state)
{
	int w, h;
	int64_t next;
	uint32_t *a, *b, *c;

	(void)state;
	a = render_case("pages", T0, 100, &w, &h, &next);
	assert_int_equal(next, 2900); /* page 1 ends at 3000 ms */
	b = render_case("pages", T0, 3100, &w, &h, &next);
	assert_int_equal(next, 1900); /* page 2 ends at 5000 ms */
	c = render_case("pages", T0, 5100, &w, &h, &next);
	assert_memory_not_equal(a, b, (size_t)w * h * 4);
	assert_memory_equal(a, c, (size_t)w * h * 4); /* the cycle repeats */
	/* Page 1 is white text, page 2 amber. */
	assert_true(count(a, w, 0, 0, w, h, 0xffffffffu) > 20);
	assert_int_equal(count(b, w, 0, 0, w, h, 0xffffffffu), 0);
	assert_true(count(b, w, 0, 0, w, h, 0xffffb000u) > 20);
	free(a);
	free(b);
	free(c);
}

static void
test_render_static_board_never_needs_a_frame(void **state)
{
	int w, h;
	int64_t next;
	uint32_t *px;

	(void)state;
	px = render_case("align", T0, 0, &w, &h, &next);
	assert_true(next == RENDER_NEVER);
	/* Nothing of the clear colour is left: the board is fully drawn. */
	assert_int_equal(count(px, w, 0, 0, w, h, 0xff123456u), 0);
	free(px);
}

static void
test_render_clock_wakes_on_the_second_or_minute(void **state)
{
	int w, h;
	int64_t next;
	uint32_t *a, *b;

	(void)state;
	/* clock.json shows seconds: next change at the next second. */
	a = render_case("clock", T0 + 250, 0, &w, &h, &next);
	assert_int_equal(next, 750);
	b = render_case("clock", T0 + 999, 0, &w, &h, &next);
	assert_int_equal(next, 1);
	assert_memory_equal(a, b, (size_t)w * h * 4);
	free(b);
	b = render_case("clock", T0 + 1000, 0, &w, &h, &next);
	assert_memory_not_equal(a, b, (size_t)w * h * 4);
	free(a);
	free(b);
}

static void
test_render_scroll_moves_at_its_speed(void **state)
{
	int w, h;
	int64_t next;
	uint32_t *a, *b;

	(void)state;
	/* 40 px/s: one pixel every 25 ms. */
	a = render_case("overflow", T0, 0, &w, &h, &next);
	assert_int_equal(next, 25);
	b = render_case("overflow", T0, 10, &w, &h, &next);
	assert_int_equal(next, 15);
	assert_memory_equal(a, b, (size_t)w * h * 4);
	free(b);
	b = render_case("overflow", T0, 25, &w, &h, &next);
	/* The scroll row (y 12..23) moved one pixel left; others did not. */
	for (int y = 12; y < 24; y++)
		for (int x = 0; x < w - 1; x++)
			assert_int_equal(b[y * w + x], a[y * w + x + 1]);
	assert_memory_equal(a, b, (size_t)w * 12 * 4);
	free(a);
	free(b);
}

static void
test_render_shrink_uses_the_smaller_font(void **state)
{
	int w, h;
	int64_t next;
	uint32_t *px;

	(void)state;
	px = render_case("overflow", T0, 0, &w, &h, &next);
	/*
	 * "Bahnhof 1234" is 12 glyphs: in medium (10 px each) it would not
	 * fit 96 px; in small (6 px) it is centred with room either side.
	 */
	assert_int_equal(count(px, w, 0, 24, 10, 48, 0xffff3c28u), 0);
	assert_int_equal(count(px, w, 86, 24, 96, 48, 0xffff3c28u), 0);
	assert_true(count(px, w, 10, 24, 86, 48, 0xffff3c28u) > 40);
	free(px);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_golden_alignment),
		cmocka_unit_test(test_render_golden_overflow_modes),
		cmocka_unit_test(test_render_golden_clock),
		cmocka_unit_test(test_render_golden_pages),
		cmocka_unit_test(test_render_golden_image),
		cmocka_unit_test(test_render_golden_fonts_full_glyph_sets),
		cmocka_unit_test(test_render_pages_alternate),
		cmocka_unit_test(test_render_static_board_never_needs_a_frame),
		cmocka_unit_test(
		    test_render_clock_wakes_on_the_second_or_minute),
		cmocka_unit_test(test_render_scroll_moves_at_its_speed),
		cmocka_unit_test(test_render_shrink_uses_the_smaller_font),
		cmocka_unit_test(test_render_park_shows_every_state),
		cmocka_unit_test(test_render_park_list_pages),
		cmocka_unit_test(test_render_park_turns_stale_on_time),
		cmocka_unit_test(test_render_golden_parking_states),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
