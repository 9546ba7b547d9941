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

/*
 * Dim the board: from the next display_present on, the frame is blitted
 * to the primary layer with its colours scaled by percent (0..100,
 * clamped; 0 = dark board, 100 = unchanged, the default).  The frame
 * surface, which snapshots and health read, is never scaled.  0, or -1
 * when percent is out of range (it is then clamped).
 */
int display_set_brightness(struct display *d, int percent);
int display_brightness(const struct display *d);

/*
 * Write percent (0..100) to a backlight or PWM sysfs file: for
 * /sys/class/backlight/X/brightness the scale is the sibling
 * max_brightness, for a PWM channel's duty_cycle the sibling period.
 * 0, or -1 with err naming the file.  This blocks (a PWM or backlight
 * driver may talk to its chip over I2C): brightio runs it on its worker.
 */
int display_backlight_write(
    const char *path, int percent, char *err, size_t errlen);
uint64_t display_frames(const struct display *d);

/*
 * Copy the frame into a caller-freed array of 0xAARRGGBB pixels (alpha
 * forced to 0xff), row after row.  NULL on failure.
 */
uint32_t *display_pixels(struct display *d);

/*
 * What the primary layer shows (its front buffer), the same way: after
 * display_present, the frame as dimmed by display_set_brightness.
 */
uint32_t *display_board_pixels(struct display *d);

/* The same for any 32-bit surface (tests render into their own). */
uint32_t *display_surface_pixels(IDirectFBSurface *s);

#endif
