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
#include "info.h"
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
static void traffic_fixture_build(void);
static void traffic_fixture_free(void);

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
	traffic_fixture_build();
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
	traffic_fixture_free();
	return 0;
}

static uint32_t *render_src_case(const char *layout, int64_t wall, int64_t anim,
    const struct render_source *src, int *w, int *h, int64_t *next);

/* Render layout NAME at (wall, anim) into caller-freed pixels. */
static uint32_t *
render_case(const char *layout, int64_t wall, int64_t anim, int *w, int *h,
    int64_t *next)
{
	return render_src_case(layout, wall, anim, NULL, w, h, next);
}

/* The same with data from src. */
static uint32_t *
render_src_case(const char *layout, int64_t wall, int64_t anim,
    const struct render_source *src, int *w, int *h, int64_t *next)
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
	*next = render_draw(r, s, wall, anim, src);
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

/*
 * How many pixels of got differ from tests/golden/NAME.png, with a diff
 * image when some do; with TAFEL_UPDATE_GOLDEN the golden is rewritten
 * instead.  A missing or mis-sized golden is said in why (else "").
 */
static size_t
golden_diff(const char *name, const uint32_t *got, int w, int h, char *why,
    size_t whylen)
{
	char path[256], err[256];
	uint32_t *want;
	int gw, gh;
	size_t bad = 0;

	why[0] = '\0';
	snprintf(path, sizeof(path), GOLDEN_DIR "/%s.png", name);
	if (getenv("TAFEL_UPDATE_GOLDEN") != NULL) {
		if (snapshot_write(path, got, w, h, err, sizeof(err)) != 0)
			snprintf(why, whylen, "%s", err);
		else
			print_message("updated %s\n", path);
		return 0;
	}
	want = snapshot_read(path, &gw, &gh, err, sizeof(err));
	if (want == NULL) {
		snprintf(
		    why, whylen, "%s (make update-golden creates it)", err);
		return 0;
	}
	if (gw != w || gh != h) {
		snprintf(why, whylen, "%s: golden is %dx%d, frame is %dx%d",
		    name, gw, gh, w, h);
		free(want);
		return 0;
	}
	for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
		bad += (got[i] | 0xff000000u) != want[i];
	if (bad > 0)
		write_diff(name, got, want, w, h);
	free(want);
	return bad;
}

static void
golden(const char *name, const char *layout, int64_t wall, int64_t anim)
{
	char why[512];
	uint32_t *got;
	int w, h;
	int64_t next;
	size_t bad;

	got = render_case(layout, wall, anim, &w, &h, &next);
	bad = golden_diff(name, got, w, h, why, sizeof(why));
	free(got);
	if (why[0] != '\0')
		fail_msg("%s", why);
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

static const struct render_source park_source = { park_fixture_doc, NULL, NULL,
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

/*
 * ---- operator messages ----
 *
 * A MULTI string is laid out the way the daemon does it (messages.c):
 * multi_parse() for the zone's size with the renderer's fonts (MULTI font
 * 1 small, 2 medium, 3 large; graphic 1 the parking sign) and the sign
 * defaults of a fresh config (centre/middle, amber on black, pages 3 s,
 * flashing 0.5/0.5 s), then handed to render_draw() through the source's
 * message callback.  The message starts at T0; a frame "at t" is drawn at
 * wall time T0 + t (and animation time t).
 */

#define AMBER 0xffffb000u
#define BLACK 0xff000000u
/*
 * Text in a font's own spacing is as wide as its glyphs' advances, the
 * last one's letter spacing included (1 px in small), so right-justified
 * text stops that much short of the edge; with [sc] it does not.
 */
#define SMALL_TRAIL 0

static void
msg_def(struct render_msgdef *md)
{
	memset(md, 0, sizeof(*md));
	md->font[1] = "small";
	md->font[2] = "medium";
	md->font[3] = "large";
	md->graphic[1] = GOLDEN_DIR "/layouts/parking.png";
}

/* messages_sign() with cfg.c's defaults for "messages". */
static void
msg_sign(struct render *r, int w, int h, struct multi_sign *s)
{
	memset(s, 0, sizeof(*s));
	s->width = w;
	s->height = h;
	s->max_pages = 6;
	s->default_fg = 0xFFB000;
	s->default_bg = 0x000000;
	s->default_font = 1;
	s->default_jl = MULTI_JL_CENTER;
	s->default_jp = MULTI_JP_MIDDLE;
	s->page_on_ds = 30;
	s->page_off_ds = 0;
	s->flash_on_ds = 5;
	s->flash_off_ds = 5;
	render_multi_sign(r, s);
}

/* One message for one zone, as messages_for_zone() hands it out. */
struct msg_source {
	const char *zone;
	struct render_message msg;
	int calls;
	int w, h; /* the zone size the renderer asked with */
};

static const struct render_message *
msg_source_message(void *ctx, const char *zone, int w, int h, int64_t now)
{
	struct msg_source *ms = ctx;

	(void)now;
	if (ms->msg.multi == NULL || strcmp(zone, ms->zone) != 0)
		return NULL;
	ms->calls++;
	ms->w = w;
	ms->h = h;
	return &ms->msg;
}

struct msg_frame {
	uint32_t *px;
	int w, h;
	int64_t next;
	int zx, zy, zw, zh;   /* the zone on the board */
	struct msg_source ms; /* what the renderer asked */
};

/*
 * Draw layout with multi shown in zone ("board" = the whole board; multi
 * NULL = no message) t ms after the message started; rec, if not NULL,
 * gets the readout of the same moment.
 */
static void
msg_render(const char *layout, const char *zone, const char *multi, int64_t t,
    struct msg_frame *f, struct readout_rec *rec)
{
	IDirectFB *dfb = display_dfb(disp);
	DFBSurfaceDescription desc;
	IDirectFBSurface *s;
	struct render_msgdef md;
	struct render_source src;
	struct multi_sign sign;
	struct multi_error e;
	struct multi_msg m;
	struct util_errs errs;
	struct layout *l;
	struct render *r;
	char path[256];

	memset(f, 0, sizeof(*f));
	memset(&errs, 0, sizeof(errs));
	memset(&m, 0, sizeof(m));
	snprintf(path, sizeof(path), GOLDEN_DIR "/layouts/%s.json", layout);
	l = layout_load(path, "fonts", &errs);
	for (size_t i = 0; i < errs.n; i++)
		print_error("%s\n", errs.msg[i]);
	assert_non_null(l);
	msg_def(&md);
	r = render_new(dfb, l, &md, &errs);
	for (size_t i = 0; i < errs.n; i++)
		print_error("%s\n", errs.msg[i]);
	assert_non_null(r);
	f->zw = l->width;
	f->zh = l->height;
	if (strcmp(zone, "board") != 0) {
		const struct layout_region *rg = l->regions.v;
		size_t i = 0;
		while (i < l->regions.n && strcmp(rg[i].zone, zone) != 0)
			i++;
		assert_true(i < l->regions.n);
		f->zx = rg[i].x;
		f->zy = rg[i].y;
		f->zw = rg[i].w;
		f->zh = rg[i].h;
	}
	if (multi != NULL) {
		msg_sign(r, f->zw, f->zh, &sign);
		if (multi_parse(multi, &sign, &m, &e) != 0)
			fail_msg("%s: %s %d at %d: %s", multi,
			    multi_err_name(e.code), e.code, e.pos, e.message);
		f->ms.msg.multi = &m;
	}
	f->ms.zone = zone;
	f->ms.msg.id = "m1";
	f->ms.msg.since_ms = T0;
	src.doc = NULL;
	src.message = msg_source_message;
	src.ctx = &f->ms;
	memset(&desc, 0, sizeof(desc));
	desc.flags =
	    DSDESC_WIDTH | DSDESC_HEIGHT | DSDESC_PIXELFORMAT | DSDESC_CAPS;
	desc.width = l->width;
	desc.height = l->height;
	desc.pixelformat = DSPF_RGB32;
	desc.caps = DSCAPS_SYSTEMONLY;
	assert_int_equal(dfb->CreateSurface(dfb, &desc, &s), DFB_OK);
	s->Clear(s, 0x12, 0x34, 0x56, 0xff); /* render must cover it all */
	f->next = render_draw(r, s, T0 + t, t, &src);
	f->px = display_surface_pixels(s);
	assert_non_null(f->px);
	f->w = l->width;
	f->h = l->height;
	if (rec != NULL) {
		memset(rec, 0, sizeof(*rec));
		render_readout(r, T0 + t, t, &src, readout_rec_emit, rec);
	}
	s->Release(s);
	f->ms.msg.multi = NULL; /* m goes now */
	multi_msg_free(&m);
	render_free(r);
	layout_free(l);
}

/* Is there a readout line starting with head and ending with tail? */
static int
readout_contains(
    const struct readout_rec *rec, const char *head, const char *tail)
{
	size_t hn = strlen(head), tn = strlen(tail);

	for (size_t i = 0; i < rec->n; i++) {
		size_t n = strlen(rec->values[i]);
		if (n >= hn + tn && strncmp(rec->values[i], head, hn) == 0 &&
		    strcmp(rec->values[i] + n - tn, tail) == 0)
			return 1;
	}
	for (size_t i = 0; i < rec->n; i++)
		print_message("  readout: %s\n", rec->values[i]);
	return 0;
}

/* msg_render() on the 96 x 48 board, the message taking all of it. */
static void
msg_board(const char *multi, int64_t t, struct msg_frame *f)
{
	msg_render("multi-board", "board", multi, t, f, NULL);
	assert_int_equal(f->ms.calls, 1);
	assert_int_equal(f->ms.w, 96);
	assert_int_equal(f->ms.h, 48);
}

static void
msg_golden(const char *name, const struct msg_frame *f)
{
	char why[512];
	size_t bad = golden_diff(name, f->px, f->w, f->h, why, sizeof(why));

	if (why[0] != '\0')
		fail_msg("%s", why);
	if (bad > 0)
		fail_msg("%s: %zu pixels differ; see " DIFF_DIR "/%s.diff.png",
		    name, bad, name);
}

/*
 * The bounding box of the pixels of colour argb in [x0, x1) x [y0, y1):
 * b[0..3] = left, top, right, bottom (inclusive); their number.
 */
static int
bbox(const uint32_t *px, int w, int x0, int y0, int x1, int y1, uint32_t argb,
    int b[4])
{
	int n = 0;

	b[0] = b[1] = INT32_MAX;
	b[2] = b[3] = -1;
	for (int y = y0; y < y1; y++) {
		for (int x = x0; x < x1; x++) {
			if (px[y * w + x] != argb)
				continue;
			n++;
			b[0] = x < b[0] ? x : b[0];
			b[1] = y < b[1] ? y : b[1];
			b[2] = x > b[2] ? x : b[2];
			b[3] = y > b[3] ? y : b[3];
		}
	}
	return n;
}

/* Are rows [y0, y1) of two w-wide frames the same? */
static int
rows_equal(const uint32_t *a, const uint32_t *b, int w, int y0, int y1)
{
	return memcmp(a + y0 * w, b + y0 * w, (size_t)w * (y1 - y0) * 4) == 0;
}

/* (1) Nine justifications in one rectangle, and lines with [nl]. */
static void
test_render_msg_golden_justification(void **state)
{
	struct msg_frame f;
	int b[4];

	(void)state;
	msg_board("[jp2][jl2]TL[jl3]TC[jl4]TR"
		  "[jp3][jl2]ML[jl3]MC[jl4]MR"
		  "[jp4][jl2]BL[jl3]BC[jl4]BR",
	    0, &f);
	msg_golden("multi-justify", &f);
	/*
	 * Lines of small (10 px: 8 ascent, capitals 7 high) at the top, in
	 * the middle ((48 - 10) / 2 = 19) and at the bottom (38).  Left text
	 * starts at x 0; capitals sit one row under the line's top.
	 */
	assert_true(bbox(f.px, f.w, 0, 0, 32, 10, AMBER, b) > 0);
	assert_int_equal(b[0], 0);
	assert_int_equal(b[1], 1);
	assert_int_equal(b[3], 7);
	assert_true(bbox(f.px, f.w, 0, 19, 32, 29, AMBER, b) > 0);
	assert_int_equal(b[0], 0);
	assert_int_equal(b[1], 20);
	assert_true(bbox(f.px, f.w, 0, 38, 32, 48, AMBER, b) > 0);
	assert_int_equal(b[1], 39);
	assert_int_equal(b[3], 45);
	/* Nothing between the lines. */
	assert_int_equal(count(f.px, f.w, 0, 10, 96, 19, AMBER), 0);
	assert_int_equal(count(f.px, f.w, 0, 29, 96, 38, AMBER), 0);
	/* Right-justified text ends at the board's right edge. */
	for (int y = 0; y <= 38; y += 19) {
		assert_true(bbox(f.px, f.w, 64, y, 96, y + 10, AMBER, b) > 0);
		assert_int_equal(b[2], 95 - SMALL_TRAIL);
	}
	/* Centred: "TC" is 11 px of glyphs (12 with the trail): 42..52. */
	assert_true(bbox(f.px, f.w, 32, 0, 64, 10, AMBER, b) > 0);
	assert_int_equal(b[0], 42);
	assert_int_equal(b[2], 52);
	free(f.px);

	/* With [sc1] (the small font's own 1 px) it ends on the edge. */
	msg_board("[jl4][sc1]AB CD", 0, &f);
	assert_true(bbox(f.px, f.w, 0, 0, 96, 48, AMBER, b) > 0);
	assert_int_equal(b[2], 95);
	free(f.px);

	msg_board("[jl2]Left[nl][jl3]Centre[nl2][jl4]Right", 0, &f);
	msg_golden("multi-justify-lines", &f);
	/* 10 + 10 + 2 + 10 = 32 px of lines, from y (48 - 32) / 2 = 8. */
	assert_true(bbox(f.px, f.w, 0, 0, 96, 18, AMBER, b) > 0);
	assert_int_equal(b[0], 0);
	assert_int_equal(b[1], 9);
	assert_true(bbox(f.px, f.w, 0, 30, 96, 40, AMBER, b) > 0);
	assert_int_equal(b[1], 31);
	assert_int_equal(b[2], 95 - SMALL_TRAIL);
	assert_int_equal(count(f.px, f.w, 0, 28, 96, 30, AMBER), 0);
	free(f.px);
}

/* (2) Colours: RGB and classic numbers, page background, rectangles. */
static void
test_render_msg_golden_colours(void **state)
{
	struct msg_frame f;
	int b[4];

	(void)state;
	msg_board("[pb0,0,128][cr1,1,16,8,255,0,0][cr81,41,16,8,5]"
		  "[cr41,20,16,9,9][cf255,0,0]RED [cf3]GREEN[nl]"
		  "[cf7]WHITE [cf0,255,255]CYAN",
	    0, &f);
	msg_golden("multi-colours", &f);
	/* [cr] at 1-based 1,1 and 81,41, 16 x 8. */
	assert_int_equal(count(f.px, f.w, 0, 0, 16, 8, 0xffff0000u), 16 * 8);
	assert_int_equal(f.px[8 * f.w + 0], 0xff000080u);
	assert_int_equal(f.px[0 * f.w + 16], 0xff000080u);
	assert_int_equal(count(f.px, f.w, 80, 40, 96, 48, 0xff0000ffu), 16 * 8);
	/* The default amber is not used anywhere. */
	assert_int_equal(count(f.px, f.w, 0, 0, 96, 48, AMBER), 0);
	/* Two lines of 10 px from y 14: red and green, then white and cyan. */
	assert_true(bbox(f.px, f.w, 0, 0, 96, 48, 0xffff0000u, b) > 16 * 8);
	assert_true(bbox(f.px, f.w, 0, 0, 96, 48, 0xff00ff00u, b) > 0);
	assert_true(b[1] >= 14 && b[3] < 24);
	assert_true(bbox(f.px, f.w, 0, 0, 96, 48, 0xffffffffu, b) > 0);
	assert_true(b[1] >= 24 && b[3] < 34);
	assert_true(bbox(f.px, f.w, 0, 0, 96, 48, 0xff00ffffu, b) > 0);
	assert_true(b[1] >= 24 && b[3] < 34);
	/* The classic amber (9) rectangle lies under the text. */
	assert_true(count(f.px, f.w, 40, 19, 56, 28, 0xffffd000u) > 0);
	assert_true(count(f.px, f.w, 40, 19, 56, 28, 0xffffd000u) < 16 * 9);
	free(f.px);
}

/* (3) Text rectangles: each one justifies its own text. */
static void
test_render_msg_golden_text_rectangles(void **state)
{
	struct msg_frame f;
	int b[4];

	(void)state;
	msg_board("[cr1,1,48,24,40,40,40][cr49,1,48,24,0,0,96]"
		  "[tr1,1,48,24]LEFT[nl]BOX[tr49,1,48,24][jl4][jp2]RIGHT"
		  "[tr1,25,96,24][jl2][jp4]BOTTOM",
	    0, &f);
	msg_golden("multi-text-rectangles", &f);
	/* "LEFT" (24 px wide) centred in 48: x 12..; lines at 2 and 12. */
	assert_true(bbox(f.px, f.w, 0, 0, 48, 24, AMBER, b) > 0);
	assert_int_equal(b[0], 12);
	assert_int_equal(b[1], 3);
	assert_true(b[2] < 36);
	assert_int_equal(b[3], 19);
	/* "RIGHT" at the top right of its rectangle. */
	assert_true(bbox(f.px, f.w, 48, 0, 96, 24, AMBER, b) > 0);
	assert_int_equal(b[1], 1);
	assert_int_equal(b[2], 95 - SMALL_TRAIL);
	/* "BOTTOM" at the bottom left of the board. */
	assert_true(bbox(f.px, f.w, 0, 24, 96, 48, AMBER, b) > 0);
	assert_int_equal(b[0], 0);
	assert_int_equal(b[3], 45);
	free(f.px);
}

/* (4) A graphic at 1-based 2,2, beside text. */
static void
test_render_msg_golden_graphic(void **state)
{
	struct msg_frame f;
	char err[256];
	uint32_t *g;
	int gw, gh;

	(void)state;
	msg_board("[g1,2,2][tr20,1,77,48]P+R[nl]Allmend", 0, &f);
	msg_golden("multi-graphic", &f);
	g = snapshot_read(
	    GOLDEN_DIR "/layouts/parking.png", &gw, &gh, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(gw, 16);
	assert_int_equal(gh, 16);
	/* Opaque pixels as they are, transparent ones the black page. */
	for (int y = 0; y < gh; y++)
		for (int x = 0; x < gw; x++)
			assert_int_equal(f.px[(y + 1) * f.w + x + 1],
			    (g[y * gw + x] >> 24) == 0xff ? g[y * gw + x] :
							    BLACK);
	assert_int_equal(count(f.px, f.w, 0, 0, 96, 1, BLACK), 96);
	assert_int_equal(count(f.px, f.w, 0, 0, 1, 48, BLACK), 48);
	assert_int_equal(count(f.px, f.w, 0, 17, 19, 48, BLACK), 19 * 31);
	free(g);
	free(f.px);
}

/* (5) The three fonts on one page; fonts on a line share the bottom. */
static void
test_render_msg_golden_fonts(void **state)
{
	struct msg_frame f;
	int b1[4], b2[4], b3[4];

	(void)state;
	msg_board("[fo1]S1[fo2]M2[fo3]L3[nl][fo1]small[fo3]", 0, &f);
	msg_golden("multi-fonts", &f);
	/*
	 * Line 1 is 25 px (large), line 2 10 px (small): 35 px from y 6.
	 * A span is as wide as its advances less the font's own spacing
	 * after its last character: "S1" 11 px, "M2" 20 px, "L3" 24 px,
	 * 55 px centred from x 21 (rounded up).
	 */
	assert_true(bbox(f.px, f.w, 0, 0, 96, 31, AMBER, b1) > 0);
	assert_int_equal(b1[0], 21);
	assert_true(bbox(f.px, f.w, 21, 0, 32, 31, AMBER, b1) > 0);
	assert_true(bbox(f.px, f.w, 32, 0, 52, 31, AMBER, b2) > 0);
	assert_true(bbox(f.px, f.w, 52, 0, 76, 31, AMBER, b3) > 0);
	/* Capital heights: small 7, medium 12, large 16. */
	assert_int_equal(b1[3] - b1[1] + 1, 7);
	assert_int_equal(b2[3] - b2[1] + 1, 12);
	assert_int_equal(b3[3] - b3[1] + 1, 16);
	/*
	 * The fonts' cells share the line's bottom (multi.h), so each stands
	 * on its own baseline: the bottom row (30) less its descent (2, 4, 5).
	 */
	assert_int_equal(b1[3], 30 - 2);
	assert_int_equal(b2[3], 30 - 4);
	assert_int_equal(b3[3], 30 - 5);
	/* Line 2 from y 31: "small", its "l" as high as a capital. */
	assert_true(bbox(f.px, f.w, 0, 31, 96, 48, AMBER, b1) > 0);
	assert_int_equal(b1[1], 32);
	assert_int_equal(b1[3], 38);
	free(f.px);
}

/* (6) Two pages of 2 s, and a page with off time. */
static void
test_render_msg_golden_pages(void **state)
{
	struct msg_frame a, b, c;

	(void)state;
	msg_board("[pt20o0]PAGE 1[np]PAGE 2", 0, &a);
	msg_golden("multi-pages-p0", &a);
	assert_int_equal(a.next, 2000);
	msg_board("[pt20o0]PAGE 1[np]PAGE 2", 2500, &b);
	msg_golden("multi-pages-p1", &b);
	assert_int_equal(b.next, 1500);
	assert_memory_not_equal(a.px, b.px, (size_t)a.w * a.h * 4);
	free(b.px);
	/* The cycle (4 s) repeats. */
	msg_board("[pt20o0]PAGE 1[np]PAGE 2", 4100, &c);
	assert_int_equal(c.next, 1900);
	assert_memory_equal(a.px, c.px, (size_t)a.w * a.h * 4);
	free(c.px);
	free(a.px);

	/* Page 1 on 2 s, then 0.5 s of its background only. */
	msg_board("[pt20o5][pb0,0,96]PAGE 1[np][pb]PAGE 2", 2200, &a);
	msg_golden("multi-pages-off", &a);
	assert_int_equal(a.next, 300);
	assert_int_equal(count(a.px, a.w, 0, 0, 96, 48, 0xff000060u), 96 * 48);
	free(a.px);
	msg_board("[pt20o5][pb0,0,96]PAGE 1[np][pb]PAGE 2", 1900, &a);
	assert_int_equal(a.next, 100);
	assert_true(count(a.px, a.w, 0, 0, 96, 48, AMBER) > 20);
	free(a.px);
	/* Page 2 from 2.5 s, black, until 2.5 + 2 + 0.5 s. */
	msg_board("[pt20o5][pb0,0,96]PAGE 1[np][pb]PAGE 2", 2500, &a);
	assert_int_equal(a.next, 2000);
	assert_true(count(a.px, a.w, 0, 0, 96, 48, AMBER) > 20);
	assert_int_equal(count(a.px, a.w, 0, 0, 96, 48, 0xff000060u), 0);
	free(a.px);
}

/* (7) Flashing text at 0.2 s (on) and 0.7 s (off). */
static void
test_render_msg_golden_flashing(void **state)
{
	struct msg_frame on, off;
	int b[4];

	(void)state;
	msg_board("[flt5o5]FLASH[/fl][nl]STEADY", 200, &on);
	msg_golden("multi-flash-on", &on);
	assert_int_equal(on.next, 300);
	msg_board("[flt5o5]FLASH[/fl][nl]STEADY", 700, &off);
	msg_golden("multi-flash-off", &off);
	assert_int_equal(off.next, 300);
	/* Two lines from y 14: "FLASH" 14..23, "STEADY" 24..33. */
	assert_true(bbox(on.px, on.w, 0, 14, 96, 24, AMBER, b) > 20);
	assert_int_equal(count(off.px, off.w, 0, 14, 96, 24, AMBER), 0);
	assert_int_equal(count(off.px, off.w, 0, 0, 96, 24, BLACK), 96 * 24);
	assert_true(rows_equal(on.px, off.px, on.w, 24, 48));
	assert_true(count(off.px, off.w, 0, 24, 96, 34, AMBER) > 20);
	free(on.px);
	free(off.px);
	/* [flo..t..] starts hidden. */
	msg_board("[flo5t5]FLASH[/fl][nl]STEADY", 200, &off);
	assert_int_equal(count(off.px, off.w, 0, 14, 96, 24, AMBER), 0);
	assert_int_equal(off.next, 300);
	free(off.px);
	msg_board("[flo5t5]FLASH[/fl][nl]STEADY", 600, &on);
	assert_true(count(on.px, on.w, 0, 14, 96, 24, AMBER) > 20);
	assert_int_equal(on.next, 400);
	free(on.px);
}

/* (8) Moving text: 4 px every 0.1 s to the left, circular. */
static void
test_render_msg_golden_moving(void **state)
{
	struct msg_frame a, b;
	int ba[4], bb[4];

	(void)state;
	msg_board("[mvcl96,4,1,MOVING TEXT][nl]STATIC", 1000, &a);
	msg_golden("multi-move-t1000", &a);
	assert_int_equal(a.next, 100);
	msg_board("[mvcl96,4,1,MOVING TEXT][nl]STATIC", 1550, &b);
	msg_golden("multi-move-t1550", &b);
	assert_int_equal(b.next, 50);
	/*
	 * The text enters at the right edge: after 10 steps it starts at
	 * 96 - 40 = 56, after 15 steps at 36: 5 steps x 4 px = 20 px on.
	 */
	assert_true(bbox(a.px, a.w, 0, 14, 96, 24, AMBER, ba) > 0);
	assert_true(bbox(b.px, b.w, 0, 14, 96, 24, AMBER, bb) > 0);
	assert_int_equal(ba[0], 56);
	assert_int_equal(bb[0], 36);
	for (int y = 14; y < 24; y++)
		for (int x = 0; x + 20 < 96; x++)
			assert_int_equal(
			    b.px[y * b.w + x], a.px[y * a.w + x + 20]);
	/* The static line does not move. */
	assert_true(rows_equal(a.px, b.px, a.w, 24, 48));
	assert_true(rows_equal(a.px, b.px, a.w, 0, 14));
	free(a.px);
	free(b.px);
	/* To the right: it enters at the left edge and moves 20 px right. */
	msg_board("[mvcr96,4,1,MOVING TEXT]", 1000, &a);
	msg_board("[mvcr96,4,1,MOVING TEXT]", 1500, &b);
	assert_int_equal(a.next, 100);
	assert_true(bbox(a.px, a.w, 0, 0, 96, 48, AMBER, ba) > 0);
	assert_true(bbox(b.px, b.w, 0, 0, 96, 48, AMBER, bb) > 0);
	assert_int_equal(bb[2] - ba[2], 20);
	for (int y = 0; y < 48; y++)
		for (int x = 0; x + 20 < 96; x++)
			assert_int_equal(
			    b.px[y * b.w + x + 20], a.px[y * a.w + x]);
	free(a.px);
	free(b.px);
}

/* (9) A message in a layout zone replaces only that region. */
static void
test_render_msg_golden_zone(void **state)
{
	struct msg_frame plain, m;

	(void)state;
	msg_render("multi-zone", "info", NULL, 0, &plain, NULL);
	msg_render("multi-zone", "info", "STAU[nl][cf255,0,0]A2 gesperrt", 0,
	    &m, NULL);
	msg_golden("multi-zone", &m);
	assert_int_equal(m.ms.calls, 1);
	assert_int_equal(m.ms.w, 96);
	assert_int_equal(m.ms.h, 24);
	assert_int_equal(m.zy, 12);
	assert_true(rows_equal(plain.px, m.px, m.w, 0, 12));
	assert_true(rows_equal(plain.px, m.px, m.w, 36, 48));
	assert_false(rows_equal(plain.px, m.px, m.w, 12, 36));
	/* The zone is the message's: black page, no layout green. */
	assert_int_equal(count(m.px, m.w, 0, 12, 96, 36, 0xff3cff3cu), 0);
	assert_int_equal(count(m.px, m.w, 0, 12, 96, 36, 0xff202020u), 0);
	assert_true(count(m.px, m.w, 0, 12, 96, 24, AMBER) > 10);
	assert_true(count(m.px, m.w, 0, 24, 96, 36, 0xffff0000u) > 10);
	assert_int_equal(m.next, RENDER_NEVER);
	free(plain.px);
	free(m.px);

	/* A message for the whole board covers the layout entirely. */
	msg_board("", 0, &m);
	assert_int_equal(count(m.px, m.w, 0, 0, 96, 48, BLACK), 96 * 48);
	free(m.px);
}

/* (10) A clock field at a fixed wall time. */
static void
test_render_msg_golden_field(void **state)
{
	struct readout_rec rec;
	struct msg_frame a, b;

	(void)state;
	/* T0 is 09:15:00 in Zurich. */
	msg_render("multi-board", "board", "ZEIT [f2]", 0, &a, &rec);
	msg_golden("multi-field", &a);
	assert_true(readout_contains(&rec, "board|ZEIT", "09:15|m1"));
	/* Fields show minutes at most: the next change is the next minute. */
	assert_int_equal(a.next, 60000);
	msg_board("ZEIT [f2]", 59999, &b);
	assert_int_equal(b.next, 1);
	assert_memory_equal(a.px, b.px, (size_t)a.w * a.h * 4);
	free(b.px);
	msg_render("multi-board", "board", "ZEIT [f2]", 60000, &b, &rec);
	assert_true(readout_contains(&rec, "board|ZEIT", "09:16|m1"));
	assert_memory_not_equal(a.px, b.px, (size_t)a.w * a.h * 4);
	free(a.px);
	free(b.px);
}

/* Regression: under [sc] a space kept no width ("AB CD" drew "ABCD"). */
static void
test_render_msg_fixed_spacing_keeps_spaces(void **state)
{
	struct msg_frame f;
	int cols = 0, gap = 0, run = 0;

	(void)state;
	msg_board("[jl2][sc0]AB CD", 0, &f);
	/* Count the widest run of empty columns between the first and last. */
	for (int x = 0; x < f.w; x++) {
		int lit = 0;
		for (int y = 0; y < f.h; y++)
			lit |= f.px[y * f.w + x] == AMBER;
		if (lit) {
			cols++;
			if (cols > 1 && run > gap)
				gap = run;
			run = 0;
		} else if (cols > 0) {
			run++;
		}
	}
	/* The small font's space advances 4 px less its 1 px spacing. */
	assert_true(gap >= 3);
	free(f.px);
}

/* Regression: flashing on a later page started mid-cycle. */
static void
test_render_msg_flash_starts_with_its_page(void **state)
{
	struct msg_frame f;
	int b[4];

	(void)state;
	msg_board("[pt15o0]PAGE 1[np][flt5o5]FLASH", 1500, &f);
	assert_true(bbox(f.px, f.w, 0, 0, f.w, f.h, AMBER, b) > 0);
	assert_int_equal(f.next, 500);
	free(f.px);
	msg_board("[pt15o0]PAGE 1[np][flt5o5]FLASH", 2000, &f);
	assert_int_equal(bbox(f.px, f.w, 0, 0, f.w, f.h, AMBER, b), 0);
	free(f.px);
}

/* Regression: moving text on a later page was already partway across. */
static void
test_render_msg_moving_text_enters_with_its_page(void **state)
{
	struct msg_frame f;
	int b[4];

	(void)state;
	/* 4 px every 100 ms from the right edge of a 96 px window. */
	msg_board("[pt20o0]PAGE 1[np][mvcl96,4,1,MOVING]", 2000, &f);
	assert_int_equal(bbox(f.px, f.w, 0, 0, f.w, f.h, AMBER, b), 0);
	free(f.px);
	msg_board("[pt20o0]PAGE 1[np][mvcl96,4,1,MOVING]", 2300, &f);
	assert_true(bbox(f.px, f.w, 0, 0, f.w, f.h, AMBER, b) > 0);
	assert_int_equal(b[0], 96 - 12);
	free(f.px);
}

/* Regression: linear moving text wrapped around like circular. */
static void
test_render_msg_linear_moving_text_runs_through_once(void **state)
{
	struct msg_frame c, l;
	int b[4];

	(void)state;
	/* After 40 s the text has long left a 96 px window. */
	msg_board("[mvcl96,4,1,X]", 40000, &c);
	msg_board("[mvl1l96,4,1,X]", 40000, &l);
	assert_int_equal(bbox(l.px, l.w, 0, 0, l.w, l.h, AMBER, b), 0);
	assert_memory_not_equal(c.px, l.px, (size_t)c.w * c.h * 4);
	free(c.px);
	free(l.px);
}

/*
 * ---- traffic widgets ----
 *
 * Three fixed documents, as the adapters would leave them (info.h): travel
 * times on six routes, traffic situations and departures, all relative to
 * T0 (09:15 in Zurich); a ticker callback adds two operator messages.
 */

static struct park_doc travel_doc, situation_doc, departure_doc, no_doc;
static int traffic_stale;   /* the documents were fetched long ago */
static int traffic_no_msgs; /* the ticker callback returns none */
static int traffic_no_sits; /* the situation feed has none */

static void
travel_add(
    const char *id, int travel_s, int freeflow_s, int error, int64_t age_s)
{
	struct info_item it;

	info_item_init(&it);
	util_strlcpy(it.id, id, sizeof(it.id));
	it.travel_s = travel_s < 0 ? INFO_NO_DURATION : travel_s;
	it.freeflow_s = freeflow_s < 0 ? INFO_NO_DURATION : freeflow_s;
	it.error = error;
	it.time_ms = T0 - age_s * 1000;
	assert_int_equal(info_add(&travel_doc, &it), 0);
}

static void
situation_add(const char *id, const char *text, const char *severity,
    int validity, int64_t start_s, int64_t end_s)
{
	struct info_item it;

	info_item_init(&it);
	util_strlcpy(it.id, id, sizeof(it.id));
	util_strlcpy(it.text, text, sizeof(it.text));
	util_strlcpy(it.severity, severity, sizeof(it.severity));
	it.validity = validity;
	if (validity == INFO_VALID_BY_TIME) {
		it.start_ms = T0 + start_s * 1000;
		it.end_ms = end_s == 0 ? PARK_NO_TIME : T0 + end_s * 1000;
	}
	assert_int_equal(info_add(&situation_doc, &it), 0);
}

static void
departure_add(int hh, int mm, const char *line, const char *to,
    const char *platform, int delay)
{
	struct info_item it;

	info_item_init(&it);
	util_strlcpy(it.line, line, sizeof(it.line));
	util_strlcpy(it.text, to, sizeof(it.text));
	util_strlcpy(it.platform, platform, sizeof(it.platform));
	/* T0 is 09:15:00 local time. */
	it.time_ms = T0 + ((hh - 9) * 60 + (mm - 15)) * 60000LL;
	it.delay_min = delay < 0 ? INFO_NO_DELAY : delay;
	assert_int_equal(info_add(&departure_doc, &it), 0);
}

static void
traffic_fixture_build(void)
{
	park_doc_init(&travel_doc);
	travel_doc.kind = INFO_KIND_TRAVEL;
	travel_add("R1", 540, 540, 0, 60);         /* 9 min, on time */
	travel_add("R2", 14 * 60, 9 * 60, 0, 60);  /* +5: delayed */
	travel_add("R3", 38 * 60, 16 * 60, 0, 60); /* +22: heavy */
	travel_add("R4", 600, 600, 1, 60);         /* dataError: --- */
	travel_add("R5", 600, 600, 0, 7200);       /* stale: --- */
	/* R6 is not in the document: --- */
	park_doc_init(&situation_doc);
	situation_doc.kind = INFO_KIND_SITUATION;
	situation_add("S1", "A2 Luzern-Süd: Unfall, 2 km Stau", "high",
	    INFO_VALID_ACTIVE, 0, 0);
	situation_add("S2", "Seebrücke: Baustelle bis 18 Uhr", "low",
	    INFO_VALID_BY_TIME, -86400, 3600);
	situation_add(
	    "S3", "A14 Gisikon: Stau 3 km", "highest", INFO_VALID_NONE, 0, 0);
	situation_add(
	    "S4", "aufgehoben", "highest", INFO_VALID_SUSPENDED, 0, 0);
	situation_add("S5", "später", "medium", INFO_VALID_BY_TIME, 600, 0);
	park_doc_init(&no_doc);
	no_doc.kind = INFO_KIND_SITUATION;
	park_doc_init(&departure_doc);
	departure_doc.kind = INFO_KIND_DEPARTURE;
	departure_add(9, 10, "S1", "Baar Lindenpark", "12", -1); /* gone */
	departure_add(9, 12, "IR 2379", "Zürich HB", "8", 4); /* until 9:16 */
	departure_add(9, 18, "RE 4069", "Olten", "6", 0);
	departure_add(9, 20, "S41", "Sursee", "14", -1);
	departure_add(9, 25, "IR 2423", "Locarno", "7", 2);
	departure_add(9, 30, "1", "Obernau Dorf", "", -1);
}

static void
traffic_fixture_free(void)
{
	park_doc_fini(&travel_doc);
	park_doc_fini(&situation_doc);
	park_doc_fini(&departure_doc);
}

static const struct park_doc *
traffic_doc(void *ctx, const char *feed, struct park_rules *rules)
{
	const struct park_doc *d = NULL;

	(void)ctx;
	if (strcmp(feed, "travel") == 0)
		d = &travel_doc;
	else if (strcmp(feed, "situations") == 0)
		d = traffic_no_sits ? &no_doc : &situation_doc;
	else if (strcmp(feed, "departures") == 0)
		d = &departure_doc;
	/* Fetched 30 s before the frame, or two hours (stale). */
	rules->fetched_ms = rules->now_ms - (traffic_stale ? 7200000 : 30000);
	rules->doc_time_ms = PARK_NO_TIME;
	rules->stale_after_ms = 1800 * 1000;
	return d;
}

static size_t
traffic_ticker(void *ctx, const char *zone, int64_t now,
    struct render_ticker_msg *out, size_t max)
{
	static const struct {
		const char *id, *text;
		int priority;
	} m[] = {
		{ "m1", "Konzert KKL: P+R Allmend", 200 },
		{ "m2", "Messe: Parkhaus Allmend voll", 50 },
	};
	size_t n = 0;

	(void)ctx;
	(void)now;
	if (traffic_no_msgs || strcmp(zone, "ticker") != 0)
		return 0;
	for (size_t i = 0; i < 2 && n < max; i++, n++) {
		util_strlcpy(out[n].id, m[i].id, sizeof(out[n].id));
		util_strlcpy(out[n].text, m[i].text, sizeof(out[n].text));
		out[n].priority = m[i].priority;
	}
	return n;
}

static const struct render_source traffic_source = { traffic_doc, NULL, NULL,
	traffic_ticker };

/* "type|text|value" of every readout entry. */
struct traffic_rec {
	char v[32][160];
	size_t n;
};

static void
traffic_rec_emit(void *arg, size_t region, const char *region_name, size_t page,
    const char *type, const char *text, const char *value)
{
	struct traffic_rec *rec = arg;

	(void)region;
	(void)region_name;
	(void)page;
	if (rec->n < 32)
		snprintf(rec->v[rec->n++], sizeof(rec->v[0]), "%s|%s|%s", type,
		    text, value ? value : "(null)");
}

static void
traffic_readout(
    const char *layout, int64_t wall, int64_t anim, struct traffic_rec *rec)
{
	struct util_errs errs;
	struct layout *l;
	struct render *r;
	char path[256];

	memset(&errs, 0, sizeof(errs));
	memset(rec, 0, sizeof(*rec));
	snprintf(path, sizeof(path), GOLDEN_DIR "/layouts/%s.json", layout);
	l = layout_load(path, "fonts", &errs);
	assert_non_null(l);
	r = render_new(display_dfb(disp), l, NULL, &errs);
	assert_non_null(r);
	render_readout(r, wall, anim, &traffic_source, traffic_rec_emit, rec);
	render_free(r);
	layout_free(l);
}

/* rec holds exactly want[] (NULL-terminated), in order. */
static void
traffic_expect(const struct traffic_rec *rec, const char *const *want)
{
	size_t n = 0;

	for (; want[n] != NULL; n++)
		if (n >= rec->n || strcmp(rec->v[n], want[n]) != 0)
			break;
	if (want[n] != NULL || n != rec->n) {
		for (size_t i = 0; i < rec->n; i++)
			print_message("  got:  %s\n", rec->v[i]);
		for (size_t i = 0; want[i] != NULL; i++)
			print_message("  want: %s\n", want[i]);
		fail_msg("readout differs at entry %zu", n);
	}
}

static void
traffic_golden(const char *name, const char *layout, int64_t wall, int64_t anim,
    int64_t *next)
{
	char why[512];
	uint32_t *got;
	int w, h;
	size_t bad;

	got =
	    render_src_case(layout, wall, anim, &traffic_source, &w, &h, next);
	bad = golden_diff(name, got, w, h, why, sizeof(why));
	free(got);
	if (why[0] != '\0')
		fail_msg("%s", why);
	if (bad > 0)
		fail_msg("%s: %zu pixels differ; see " DIFF_DIR "/%s.diff.png",
		    name, bad, name);
}

static void
test_render_travel_rows_minutes_delay_and_nodata(void **state)
{
	static const char *const want[] = {
		"travel|Zentrum|9 min",
		"travel|Bahnhof|14 min +5",
		"travel|Autobahn A2|38 min +22",
		"travel|Kriens|---",
		"travel|Horw|---",
		"travel|Littau|---",
		NULL,
	};
	struct traffic_rec rec;
	int64_t next;

	(void)state;
	traffic_readout("travel", T0, 0, &rec);
	traffic_expect(&rec, want);
	/* The colours: normal, delayed, heavy, nodata (golden). */
	traffic_golden("travel", "travel", T0, 0, &next);
	/* The fresh rows are 60 s old: stale 1740 s and 1 ms from now. */
	assert_int_equal(next, 1740 * 1000 + 1);
}

static void
test_render_travel_turns_to_nodata_on_time(void **state)
{
	struct traffic_rec rec;

	(void)state;
	traffic_readout("travel", T0 + 1740 * 1000, 0, &rec);
	assert_string_equal(rec.v[0], "travel|Zentrum|9 min");
	traffic_readout("travel", T0 + 1740 * 1000 + 1, 0, &rec);
	assert_string_equal(rec.v[0], "travel|Zentrum|---");
	assert_string_equal(rec.v[2], "travel|Autobahn A2|---");
}

static void
test_render_ticker_orders_by_priority_and_severity(void **state)
{
	/*
	 * The priority 200 message first (first_priority 100), then the
	 * situations by severity, the other message after the first of them;
	 * the suspended S4 and the not yet started S5 are not shown.
	 */
	static const char *const want[] = {
		"ticker|Konzert KKL: P+R Allmend|message",
		"ticker|A14 Gisikon: Stau 3 km|highest",
		"ticker|Messe: Parkhaus Allmend voll|message",
		"ticker|A2 Luzern-Süd: Unfall, 2 km Stau|high",
		"ticker|Seebrücke: Baustelle bis 18 Uhr|low",
		NULL,
	};
	static const char *const later[] = {
		"ticker|Konzert KKL: P+R Allmend|message",
		"ticker|A14 Gisikon: Stau 3 km|highest",
		"ticker|Messe: Parkhaus Allmend voll|message",
		"ticker|A2 Luzern-Süd: Unfall, 2 km Stau|high",
		"ticker|später|medium",
		NULL,
	};
	struct traffic_rec rec;

	(void)state;
	traffic_readout("ticker", T0, 0, &rec);
	traffic_expect(&rec, want);
	/* S5 starts 10 min on, S2 ends in an hour. */
	traffic_readout("ticker", T0 + 3600 * 1000, 0, &rec);
	traffic_expect(&rec, later);
}

static void
test_render_ticker_scrolls_at_its_speed(void **state)
{
	int w, h;
	int64_t next;
	uint32_t *a, *b;

	(void)state;
	traffic_golden("ticker-t2000", "ticker", T0, 2000, &next);
	traffic_golden("ticker-t5000", "ticker", T0, 5000, &next);
	/* 40 px/s: the next pixel 25 ms on, whatever the data says. */
	a = render_src_case("ticker", T0, 2000, &traffic_source, &w, &h, &next);
	assert_int_equal(next, 25);
	b = render_src_case("ticker", T0, 2025, &traffic_source, &w, &h, &next);
	/* One pixel further left, the rightmost column aside. */
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w - 1; x++)
			assert_int_equal(b[y * w + x], a[y * w + x + 1]);
	free(a);
	free(b);
}

static void
test_render_ticker_nothing_to_show(void **state)
{
	static const char *const empty[] = {
		"ticker|Keine Meldungen|empty",
		NULL,
	};
	static const char *const nodata[] = {
		"ticker|keine Daten|nodata",
		NULL,
	};
	static const char *const msgs_only[] = {
		"ticker|Konzert KKL: P+R Allmend|message",
		"ticker|Messe: Parkhaus Allmend voll|message",
		NULL,
	};
	struct traffic_rec rec;
	int w, h;
	int64_t next;
	uint32_t *px;

	(void)state;
	/* Everything ended: S1 and S3 stay (no end), so use a stale feed. */
	traffic_stale = 1;
	traffic_readout("ticker", T0, 0, &rec);
	traffic_expect(&rec, msgs_only);
	traffic_no_msgs = 1;
	traffic_readout("ticker", T0, 0, &rec);
	traffic_expect(&rec, nodata);
	/* Nothing moves: a static board. */
	px = render_src_case("ticker", T0, 0, &traffic_source, &w, &h, &next);
	assert_true(next == RENDER_NEVER);
	free(px);
	traffic_stale = 0;
	traffic_no_sits = 1; /* fetched, fresh, nothing in it */
	traffic_readout("ticker", T0, 0, &rec);
	traffic_expect(&rec, empty);
	traffic_no_sits = 0;
	traffic_no_msgs = 0;
}

static void
test_render_departures_pages_and_drops_on_time(void **state)
{
	static const char *const page0[] = {
		"departure|09:12  IR 2379  Zürich HB  8|+4",
		"departure|09:18  RE 4069  Olten  6|",
		"departure|09:20  S41  Sursee  14|",
		NULL,
	};
	static const char *const page1[] = {
		"departure|09:25  IR 2423  Locarno  7|+2",
		"departure|09:30  1  Obernau Dorf|",
		NULL,
	};
	static const char *const gone[] = {
		"departure|09:18  RE 4069  Olten  6|",
		"departure|09:20  S41  Sursee  14|",
		"departure|09:25  IR 2423  Locarno  7|+2",
		NULL,
	};
	struct traffic_rec rec;
	int64_t next;

	(void)state;
	traffic_readout("departures", T0, 0, &rec);
	traffic_expect(&rec, page0);
	traffic_golden("departures-p0", "departures", T0, 0, &next);
	/* The page turns at 6 s; the 09:12 (+4) leaves at 09:16 and 1 ms. */
	assert_int_equal(next, 6000);
	traffic_readout("departures", T0, 6000, &rec);
	traffic_expect(&rec, page1);
	traffic_golden("departures-p1", "departures", T0, 6000, &next);
	assert_int_equal(next, 6000);
	traffic_golden("departures-p0", "departures", T0 + 59000, 0, &next);
	assert_int_equal(next, 1001);
	traffic_readout("departures", T0 + 60000, 0, &rec);
	assert_string_equal(
	    rec.v[0], "departure|09:12  IR 2379  Zürich HB  8|+4");
	traffic_readout("departures", T0 + 60001, 0, &rec);
	traffic_expect(&rec, gone);
}

static void
test_render_departures_without_data(void **state)
{
	static const char *const nodata[] = {
		"departures|keine Daten|nodata",
		NULL,
	};
	static const char *const empty[] = {
		"departures|Keine Abfahrten|empty",
		NULL,
	};
	struct traffic_rec rec;

	(void)state;
	traffic_stale = 1;
	traffic_readout("departures", T0, 0, &rec);
	traffic_expect(&rec, nodata);
	traffic_stale = 0;
	/* Every departure has left. */
	traffic_readout("departures", T0 + 3600 * 1000, 0, &rec);
	traffic_expect(&rec, empty);
}

/* A message callback that counts what it is asked (and has none). */
static int zone_asked;

static const struct render_message *
traffic_zone_message(void *ctx, const char *zone, int w, int h, int64_t now)
{
	(void)ctx;
	(void)w;
	(void)h;
	(void)now;
	if (strcmp(zone, "ticker") == 0)
		zone_asked++;
	return NULL;
}

static void
test_render_ticker_region_keeps_its_zone(void **state)
{
	struct render_source src = traffic_source;
	struct util_errs errs;
	struct layout *l;
	struct render *r;
	struct traffic_rec rec;

	(void)state;
	/* The ticker takes its zone's messages (src.ticker) among its items;
	 * the region is never handed over to one. */
	src.message = traffic_zone_message;
	zone_asked = 0;
	memset(&errs, 0, sizeof(errs));
	memset(&rec, 0, sizeof(rec));
	l = layout_load(GOLDEN_DIR "/layouts/ticker.json", "fonts", &errs);
	assert_non_null(l);
	r = render_new(display_dfb(disp), l, NULL, &errs);
	assert_non_null(r);
	render_readout(r, T0, 0, &src, traffic_rec_emit, &rec);
	render_free(r);
	layout_free(l);
	assert_int_equal(zone_asked, 0);
	assert_string_equal(
	    rec.v[0], "ticker|Konzert KKL: P+R Allmend|message");
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
		cmocka_unit_test(test_render_msg_golden_justification),
		cmocka_unit_test(test_render_msg_golden_colours),
		cmocka_unit_test(test_render_msg_golden_text_rectangles),
		cmocka_unit_test(test_render_msg_golden_graphic),
		cmocka_unit_test(test_render_msg_golden_fonts),
		cmocka_unit_test(test_render_msg_golden_pages),
		cmocka_unit_test(test_render_msg_golden_flashing),
		cmocka_unit_test(test_render_msg_golden_moving),
		cmocka_unit_test(test_render_msg_golden_zone),
		cmocka_unit_test(test_render_msg_golden_field),
		cmocka_unit_test(test_render_msg_fixed_spacing_keeps_spaces),
		cmocka_unit_test(test_render_msg_flash_starts_with_its_page),
		cmocka_unit_test(
		    test_render_msg_moving_text_enters_with_its_page),
		cmocka_unit_test(
		    test_render_msg_linear_moving_text_runs_through_once),
		cmocka_unit_test(
		    test_render_travel_rows_minutes_delay_and_nodata),
		cmocka_unit_test(test_render_travel_turns_to_nodata_on_time),
		cmocka_unit_test(
		    test_render_ticker_orders_by_priority_and_severity),
		cmocka_unit_test(test_render_ticker_scrolls_at_its_speed),
		cmocka_unit_test(test_render_ticker_nothing_to_show),
		cmocka_unit_test(test_render_ticker_region_keeps_its_zone),
		cmocka_unit_test(
		    test_render_departures_pages_and_drops_on_time),
		cmocka_unit_test(test_render_departures_without_data),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
