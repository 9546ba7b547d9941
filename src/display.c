/*
 * display: one DirectFB instance per process (DirectFB keeps global state),
 * set up with options only: the system, the mode, no VT switching, no
 * cursor, no input devices (a sign has none, and DirectFB's keyboard driver
 * would grab the console), no signal handlers (signals belong to the event
 * loop's signalfd).
 */
#include "display.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

struct display {
	IDirectFB *dfb;
	IDirectFBSurface *primary;
	IDirectFBSurface *frame;
	int width, height;
	uint64_t frames;
	int brightness; /* percent, 100 = the frame as drawn */
};

static DFBSurfacePixelFormat
display_dspf(int pf)
{
	switch (pf) {
	case CFG_PIXELFORMAT_ARGB:
		return DSPF_ARGB;
	case CFG_PIXELFORMAT_RGB24:
		return DSPF_RGB24;
	case CFG_PIXELFORMAT_RGB16:
		return DSPF_RGB16;
	default:
		return DSPF_RGB32;
	}
}

static int display_initialised;

struct display *
display_open(const struct cfg_display *c, char *err, size_t errlen)
{
	static const char *const quiet_opts[] = {
		"quiet",
		"no-banner",
		"no-vt",
		"no-vt-switch",
		"no-cursor",
		"no-sighandler",
		"no-debug",
		"no-deinit-check",
		"no-hotplug",
	};
	/* A sign has no input devices; the keyboard driver would grab a tty. */
	static const char *const no_modules[] = {
		"linux_input",
		"keyboard",
		"ps2mouse",
		"joystick",
		"lirc",
		"serialmouse",
		"input_hub",
		"mesa_system",
	};
	DFBSurfaceDescription desc;
	struct display *d = util_calloc(1, sizeof(*d));
	char mode[32];
	DFBResult r;
	int w, h;

	if (!display_initialised) {
		int argc = 1;
		char arg0[] = "tafeld", *argv0[] = { arg0, NULL };
		char **argv = argv0;
		r = DirectFBInit(&argc, &argv);
		if (r != DFB_OK) {
			snprintf(err, errlen, "DirectFBInit: %s",
			    DirectFBErrorString(r));
			goto fail;
		}
		display_initialised = 1;
	}
	for (size_t i = 0; i < sizeof(quiet_opts) / sizeof(quiet_opts[0]); i++)
		DirectFBSetOption(quiet_opts[i], NULL);
	for (size_t i = 0; i < sizeof(no_modules) / sizeof(no_modules[0]); i++)
		DirectFBSetOption("disable-module", no_modules[i]);
	DirectFBSetOption("system", cfg_system_name(c->system));
	snprintf(mode, sizeof(mode), "%dx%d", c->width, c->height);
	DirectFBSetOption("mode", mode);
	DirectFBSetOption("pixelformat", cfg_pixelformat_name(c->pixelformat));
	if (c->device[0] != '\0')
		DirectFBSetOption(
		    c->system == CFG_SYSTEM_DRMKMS ? "drmkms" : "fbdev",
		    c->device);
	r = DirectFBCreate(&d->dfb);
	if (r != DFB_OK) {
		snprintf(err, errlen, "DirectFB system %s: %s",
		    cfg_system_name(c->system), DirectFBErrorString(r));
		goto fail;
	}
	d->dfb->SetCooperativeLevel(d->dfb, DFSCL_FULLSCREEN);

	memset(&desc, 0, sizeof(desc));
	desc.flags = DSDESC_CAPS | DSDESC_PIXELFORMAT;
	desc.caps = DSCAPS_PRIMARY | DSCAPS_DOUBLE;
	desc.pixelformat = display_dspf(c->pixelformat);
	r = d->dfb->CreateSurface(d->dfb, &desc, &d->primary);
	if (r != DFB_OK) {
		snprintf(
		    err, errlen, "primary layer: %s", DirectFBErrorString(r));
		goto fail;
	}
	d->primary->GetSize(d->primary, &w, &h);
	if (w != c->width || h != c->height) {
		snprintf(err, errlen,
		    "the display is %dx%d, the config says %dx%d", w, h,
		    c->width, c->height);
		goto fail;
	}
	d->width = w;
	d->height = h;

	/* The frame keeps 32 bits whatever the layer: snapshots read it. */
	memset(&desc, 0, sizeof(desc));
	desc.flags =
	    DSDESC_WIDTH | DSDESC_HEIGHT | DSDESC_PIXELFORMAT | DSDESC_CAPS;
	desc.width = w;
	desc.height = h;
	desc.pixelformat = DSPF_RGB32;
	desc.caps = DSCAPS_SYSTEMONLY;
	r = d->dfb->CreateSurface(d->dfb, &desc, &d->frame);
	if (r != DFB_OK) {
		snprintf(
		    err, errlen, "frame surface: %s", DirectFBErrorString(r));
		goto fail;
	}
	d->frame->Clear(d->frame, 0, 0, 0, 0xff);
	d->brightness = 100;
	return d;
fail:
	display_close(d);
	return NULL;
}

void
display_close(struct display *d)
{
	if (d == NULL)
		return;
	if (d->frame != NULL)
		d->frame->Release(d->frame);
	if (d->primary != NULL)
		d->primary->Release(d->primary);
	if (d->dfb != NULL)
		d->dfb->Release(d->dfb);
	free(d);
}

IDirectFB *
display_dfb(struct display *d)
{
	return d->dfb;
}

IDirectFBSurface *
display_frame(struct display *d)
{
	return d->frame;
}

int
display_width(const struct display *d)
{
	return d->width;
}

int
display_height(const struct display *d)
{
	return d->height;
}

/*
 * Dimming happens in the blit to the layer: DSBLIT_COLORIZE multiplies
 * each source channel by the colour's channel (DirectFB's software
 * renderer computes src * (c + 1) >> 8, so 255 keeps a channel and 0
 * clears it).  At 100 % the plain blit of before is used; at 0 % the
 * layer is cleared.
 */
int
display_present(struct display *d)
{
	IDirectFBSurface *p = d->primary;
	DFBResult r;

	if (d->brightness <= 0) {
		r = p->Clear(p, 0, 0, 0, 0xff);
	} else if (d->brightness >= 100) {
		p->SetBlittingFlags(p, DSBLIT_NOFX);
		r = p->Blit(p, d->frame, NULL, 0, 0);
	} else {
		u8 c = (u8)(d->brightness * 255 / 100);

		p->SetColor(p, c, c, c, 0xff);
		p->SetBlittingFlags(p, DSBLIT_COLORIZE);
		r = p->Blit(p, d->frame, NULL, 0, 0);
	}
	if (r == DFB_OK)
		r = p->Flip(p, NULL, DSFLIP_NONE);
	if (r != DFB_OK) {
		log_err(
		    "display: presenting a frame: %s", DirectFBErrorString(r));
		return -1;
	}
	d->frames++;
	return 0;
}

int
display_set_brightness(struct display *d, int percent)
{
	int ok = percent >= 0 && percent <= 100;

	d->brightness = percent < 0 ? 0 : percent > 100 ? 100 : percent;
	return ok ? 0 : -1;
}

int
display_brightness(const struct display *d)
{
	return d->brightness;
}

uint64_t
display_frames(const struct display *d)
{
	return d->frames;
}

uint32_t *
display_surface_pixels(IDirectFBSurface *s)
{
	uint32_t *px;
	void *ptr;
	int pitch, w, h;
	DFBSurfacePixelFormat pf;
	DFBResult r;

	s->GetSize(s, &w, &h);
	s->GetPixelFormat(s, &pf);
	if (pf != DSPF_RGB32 && pf != DSPF_ARGB) {
		log_err("display: reading a %s surface is not supported",
		    pf == DSPF_RGB16 ? "RGB16" : "non-32-bit");
		return NULL;
	}
	r = s->Lock(s, DSLF_READ, &ptr, &pitch);
	if (r != DFB_OK) {
		log_err("display: reading pixels: %s", DirectFBErrorString(r));
		return NULL;
	}
	px = util_calloc((size_t)w * (size_t)h, sizeof(*px));
	for (int y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(void *)((char *)ptr +
		    (size_t)y * (size_t)pitch);
		for (int x = 0; x < w; x++)
			px[(size_t)y * (size_t)w + (size_t)x] =
			    row[x] | 0xff000000u;
	}
	s->Unlock(s);
	return px;
}

uint32_t *
display_pixels(struct display *d)
{
	return display_surface_pixels(d->frame);
}

uint32_t *
display_board_pixels(struct display *d)
{
	return display_surface_pixels(d->primary);
}

/* Read a small non-negative integer from a sysfs file; -1 on error. */
static long
display_sysfs_read(const char *path, char *err, size_t errlen)
{
	char buf[32], *end;
	ssize_t n;
	long v;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (end == buf || errno != 0 || v <= 0 ||
	    (*end != '\0' && *end != '\n')) {
		snprintf(err, errlen, "%s: not a positive number", path);
		return -1;
	}
	return v;
}

int
display_backlight_write(const char *path, int percent, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/');
	char dir[PATH_MAX], scale[PATH_MAX], val[32];
	long max, v;
	ssize_t n;
	int fd, len;

	if (percent < 0 || percent > 100) {
		snprintf(err, errlen, "%s: brightness %d not in 0..100", path,
		    percent);
		return -1;
	}
	base = base != NULL ? base + 1 : path;
	util_dirname(path, dir, sizeof(dir));
	if (util_path_join(scale, sizeof(scale), dir,
		strcmp(base, "duty_cycle") == 0 ? "period" :
						  "max_brightness") != 0) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	max = display_sysfs_read(scale, err, errlen);
	if (max < 0)
		return -1;
	/* max / 100 first: max * percent overflows for a huge period. */
	v = max / 100 * percent + (max % 100 * percent + 50) / 100;
	len = snprintf(val, sizeof(val), "%ld\n", v);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = write(fd, val, (size_t)len);
	if (n != len) {
		snprintf(err, errlen, "%s: writing %ld: %s", path, v,
		    n < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	if (close(fd) != 0) {
		snprintf(err, errlen, "%s: writing %ld: %s", path, v,
		    strerror(errno));
		return -1;
	}
	return 0;
}
