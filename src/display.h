/*
 * display: DirectFB and the board.  Frames are drawn into an off-screen
 * "frame" surface of exactly the board's size; presenting blits it to the
 * primary layer and flips.  The frame surface is therefore always a copy of
 * what the board shows, which is what snapshots and health read.  Which
 * DirectFB system drives the layer (fbdev, drmkms, dummy) is only an option
 * given to DirectFB: there is one code path for all of them.
 */
#ifndef TAFEL_DISPLAY_H
#define TAFEL_DISPLAY_H

#include <directfb.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

struct display;

/* Open DirectFB and the primary layer; NULL with err filled on failure. */
struct display *display_open(
    const struct cfg_display *c, char *err, size_t errlen);
void display_close(struct display *d);

IDirectFB *display_dfb(struct display *d);
IDirectFBSurface *display_frame(struct display *d);
int display_width(const struct display *d);
int display_height(const struct display *d);

/* Show the frame surface on the board; 0 or -1 (logged). */
int display_present(struct display *d);
uint64_t display_frames(const struct display *d);

/*
 * Copy the frame into a caller-freed array of 0xAARRGGBB pixels (alpha
 * forced to 0xff), row after row.  NULL on failure.
 */
uint32_t *display_pixels(struct display *d);

/* The same for any 32-bit surface (tests render into their own). */
uint32_t *display_surface_pixels(IDirectFBSurface *s);

#endif
