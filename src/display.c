/*
 * display: one DirectFB instance per process (DirectFB keeps global state),
 * set up with options only: the system, the mode, no VT switching, no
 * cursor, no input devices (a sign has none, and DirectFB's keyboard driver
 * would grab the console), no signal handlers (signals belong to the event
 * loop's signalfd).
 */
#include "display.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

struct display {
	IDirectFB *dfb;
	IDirectFBSurface *primary;
	IDirectFBSurface *frame;
	int width, height;
	uint64_t frames;
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

int
display_present(struct display *d)
{
	DFBResult r;

	d->primary->SetBlittingFlags(d->primary, DSBLIT_NOFX);
	r = d->primary->Blit(d->primary, d->frame, NULL, 0, 0);
	if (r == DFB_OK)
		r = d->primary->Flip(d->primary, NULL, DSFLIP_NONE);
	if (r != DFB_OK) {
		log_err(
		    "display: presenting a frame: %s", DirectFBErrorString(r));
		return -1;
	}
	d->frames++;
	return 0;
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
