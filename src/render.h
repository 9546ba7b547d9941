/*
 * render: draws a layout onto a DirectFB surface.  Fonts (through
 * DirectFB's FreeType provider, monochrome) and images (DirectFB's image
 * providers) are loaded once per layout by render_new(), so that a layout
 * whose resources fail to load is refused before it replaces the running
 * one.  Drawing reads no clock: wall time (clocks) and animation time
 * (pages, scrolling) are arguments, so the same inputs give the same pixels.
 */
#ifndef TAFEL_RENDER_H
#define TAFEL_RENDER_H

#include <directfb.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "multi.h"
#include "park.h"
#include "util.h"

#define RENDER_NEVER INT64_MAX

struct render;

#define RENDER_MSG_NUMBERS 256

/* MULTI font and graphic numbers for operator messages. */
struct render_msgdef {
	const char *font[RENDER_MSG_NUMBERS];    /* layout font name or NULL */
	const char *graphic[RENDER_MSG_NUMBERS]; /* PNG file or NULL */
};

/*
 * Load the layout's fonts and images, and those md numbers for messages
 * (md may be NULL); NULL with errs filled.
 */
struct render *render_new(IDirectFB *dfb, const struct layout *l,
    const struct render_msgdef *md, struct util_errs *errs);

/*
 * The font and graphic callbacks multi_parse() lays messages out with,
 * measured with the fonts this renderer draws with.
 */
void render_multi_sign(struct render *r, struct multi_sign *sign);
void render_free(struct render *r);

/*
 * Draw the whole board into dst.  wall_ms is the time shown by clocks,
 * anim_ms the time since the layout went up.  Returns the milliseconds
 * until something on the board changes, or RENDER_NEVER for a static board.
 */
/* Where parking widgets get their data (feed.c in the daemon). */
/* An operator message laid out for the zone that shows it. */
struct render_message {
	const char *id;
	const struct multi_msg *multi;
	int64_t since_ms; /* wall ms its page cycle started */
};

/* An operator message as a ticker item: MULTI tags dropped. */
#define RENDER_TICKER_MAX 32 /* messages one ticker takes */
struct render_ticker_msg {
	char id[40];
	char text[LAYOUT_TEXT_LEN];
	int priority;
};

struct render_source {
	/* The last good document of feed (NULL = none); fill rules' times. */
	const struct park_doc *(*doc)(
	    void *ctx, const char *feed, struct park_rules *rules);
	/*
	 * The message zone shows at now_ms (NULL = its own content); zone
	 * "board" is the whole board, w x h the zone's size.  May be NULL.
	 */
	const struct render_message *(*message)(
	    void *ctx, const char *zone, int w, int h, int64_t now_ms);
	void *ctx;
	/*
	 * The messages a ticker in a region of zone runs at now_ms, highest
	 * priority first (ties: newest first), at most max; returns how
	 * many.  May be NULL (no messages in tickers).
	 */
	size_t (*ticker)(void *ctx, const char *zone, int64_t now_ms,
	    struct render_ticker_msg *out, size_t max);
};

int64_t render_draw(struct render *r, IDirectFBSurface *dst, int64_t wall_ms,
    int64_t anim_ms, const struct render_source *src);

/*
 * What the board shows, as text: emit is called for every widget on the
 * current page of every region, in drawing order; value is what a parking
 * widget shows (number or word), NULL for other widgets.  The traffic
 * widgets emit one entry per row or item:
 *  "travel":     text the route's label, value "9 min +4", "9 min" or "---";
 *  "departure":  text "12:04  IR 2379  Zürich HB  5" (two spaces between
 *                the columns time, line, destination, platform), value the
 *                delay ("+3" or "");
 *  "ticker":     text an item, value its severity as written ("" when
 *                none) or "message" for an operator message;
 *  "departures", "ticker" with value "nodata" or "empty": nothing to show,
 *                text what is shown instead (nodata_text, empty_text).
 */
typedef void render_emit_cb(void *arg, size_t region, const char *region_name,
    size_t page, const char *type, const char *text, const char *value);
void render_readout(struct render *r, int64_t wall_ms, int64_t anim_ms,
    const struct render_source *src, render_emit_cb *emit, void *arg);

/* The page region i shows at anim_ms (0 for a region without pages). */
size_t render_page(const struct render *r, size_t region, int64_t anim_ms);

#endif
