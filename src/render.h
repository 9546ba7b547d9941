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
#include "util.h"

#define RENDER_NEVER INT64_MAX

struct render;

/* Load the layout's fonts and images; NULL with errs filled. */
struct render *render_new(
    IDirectFB *dfb, const struct layout *l, struct util_errs *errs);
void render_free(struct render *r);

/*
 * Draw the whole board into dst.  wall_ms is the time shown by clocks,
 * anim_ms the time since the layout went up.  Returns the milliseconds
 * until something on the board changes, or RENDER_NEVER for a static board.
 */
int64_t render_draw(
    struct render *r, IDirectFBSurface *dst, int64_t wall_ms, int64_t anim_ms);

/* The page region i shows at anim_ms (0 for a region without pages). */
size_t render_page(const struct render *r, size_t region, int64_t anim_ms);

#endif
