/*
 * render: widgets on DirectFB.  Every timing decision (page, scroll offset,
 * clock text) is a pure function of the two times passed in; render_draw()
 * also says when the next visible change is due, which is what lets the
 * main loop sleep until then instead of drawing frames nobody needs.
 */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define RENDER_MAX_IMAGE_SIDE 4096

struct render_image {
	char path[LAYOUT_PATH_LEN];
	IDirectFBSurface *surface;
	int w, h;
};

struct render {
	const struct layout *layout;
	IDirectFBFont **fonts; /* parallel to layout->fonts, NULL = unused */
	char *font_failed;     /* parallel too: loading failed once */
	struct render_image *images;
	size_t nimages;
};

static int
render_font_index(const struct render *r, const char *name)
{
	const struct layout_font *f = r->layout->fonts.v;

	for (size_t i = 0; i < r->layout->fonts.n; i++)
		if (strcmp(f[i].name, name) == 0)
			return (int)i;
	return -1;
}

static IDirectFBFont *
render_font(const struct render *r, const char *name)
{
	int i = render_font_index(r, name);

	return i < 0 ? NULL : r->fonts[i];
}

static int
render_load_font(IDirectFB *dfb, const char *path, const struct layout_font *f,
    IDirectFBFont **out, struct util_errs *errs)
{
	DFBFontDescription fd;
	DFBResult res;
	int asc = 0;

	memset(&fd, 0, sizeof(fd));
	fd.flags = DFDESC_HEIGHT | DFDESC_ATTRIBUTES;
	fd.height = f->size;
	fd.attributes = DFFA_MONOCHROME;
	res = dfb->CreateFont(dfb, f->file, &fd, out);
	if (res != DFB_OK) {
		util_errs_add(errs, "%s: font \"%s\": %s: %s", path, f->name,
		    f->file, DirectFBErrorString(res));
		*out = NULL;
		return -1;
	}
	/* A bitmap font asked for a size it lacks loads but draws nothing. */
	(*out)->GetAscender(*out, &asc);
	if (asc <= 0) {
		util_errs_add(errs,
		    "%s: font \"%s\": %s has no glyphs at size %d "
		    "(a BDF font needs its PIXEL_SIZE)",
		    path, f->name, f->file, f->size);
		(*out)->Release(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int
render_load_image(
    struct render *r, IDirectFB *dfb, const char *path, struct util_errs *errs)
{
	IDirectFBImageProvider *prov = NULL;
	DFBSurfaceDescription desc;
	struct render_image *img;
	DFBResult res;

	for (size_t i = 0; i < r->nimages; i++)
		if (strcmp(r->images[i].path, path) == 0)
			return 0;
	res = dfb->CreateImageProvider(dfb, path, &prov);
	if (res != DFB_OK) {
		util_errs_add(errs, "%s: image %s: %s", r->layout->path, path,
		    DirectFBErrorString(res));
		return -1;
	}
	prov->GetSurfaceDescription(prov, &desc);
	if (desc.width <= 0 || desc.height <= 0 ||
	    desc.width > RENDER_MAX_IMAGE_SIDE ||
	    desc.height > RENDER_MAX_IMAGE_SIDE) {
		util_errs_add(errs,
		    "%s: image %s: %dx%d is not 1..%d pixels a side",
		    r->layout->path, path, desc.width, desc.height,
		    RENDER_MAX_IMAGE_SIDE);
		prov->Release(prov);
		return -1;
	}
	desc.flags |= DSDESC_PIXELFORMAT | DSDESC_CAPS;
	desc.pixelformat = DSPF_ARGB;
	desc.caps = DSCAPS_SYSTEMONLY | DSCAPS_PREMULTIPLIED;
	r->images = realloc(r->images, (r->nimages + 1) * sizeof(*r->images));
	if (r->images == NULL)
		log_fatal("out of memory");
	img = &r->images[r->nimages];
	memset(img, 0, sizeof(*img));
	util_strlcpy(img->path, path, sizeof(img->path));
	res = dfb->CreateSurface(dfb, &desc, &img->surface);
	if (res == DFB_OK)
		res = prov->RenderTo(prov, img->surface, NULL);
	prov->Release(prov);
	if (res != DFB_OK) {
		util_errs_add(errs, "%s: image %s: %s", r->layout->path, path,
		    DirectFBErrorString(res));
		if (img->surface != NULL)
			img->surface->Release(img->surface);
		return -1;
	}
	img->w = desc.width;
	img->h = desc.height;
	r->nimages++;
	return 0;
}

/* Load a font the first time a widget names it (layout.c checked names). */
static void
render_use_font(
    struct render *r, IDirectFB *dfb, const char *name, struct util_errs *errs)
{
	int i = render_font_index(r, name);
	const struct layout_font *f = r->layout->fonts.v;

	if (i < 0 || r->fonts[i] != NULL || r->font_failed[i])
		return;
	if (render_load_font(dfb, r->layout->path, &f[i], &r->fonts[i], errs) !=
	    0)
		r->font_failed[i] = 1;
}

/*
 * Only the fonts and images widgets use are loaded: a layout with its own
 * fonts does not depend on the built-in ones being installed.
 */
static void
render_load_widgets(struct render *r, IDirectFB *dfb,
    const struct schema_array *ws, struct util_errs *errs)
{
	const struct layout_widget *w = ws->v;

	for (size_t i = 0; i < ws->n; i++) {
		if (w[i].type == LAYOUT_WIDGET_IMAGE) {
			render_load_image(r, dfb, w[i].image, errs);
			continue;
		}
		render_use_font(r, dfb, w[i].font, errs);
		if (w[i].overflow == LAYOUT_OVERFLOW_SHRINK)
			render_use_font(r, dfb, w[i].shrink_font, errs);
	}
}

struct render *
render_new(IDirectFB *dfb, const struct layout *l, struct util_errs *errs)
{
	struct render *r = util_calloc(1, sizeof(*r));
	const struct layout_region *reg = l->regions.v;
	size_t before = util_errs_count(errs);

	r->layout = l;
	r->fonts = util_calloc(l->fonts.n, sizeof(IDirectFBFont *));
	r->font_failed = util_calloc(l->fonts.n, 1);
	for (size_t i = 0; i < l->regions.n; i++) {
		const struct layout_page *p = reg[i].pages.v;
		render_load_widgets(r, dfb, &reg[i].widgets, errs);
		for (size_t k = 0; k < reg[i].pages.n; k++)
			render_load_widgets(r, dfb, &p[k].widgets, errs);
	}
	if (util_errs_count(errs) > before) {
		render_free(r);
		return NULL;
	}
	return r;
}

void
render_free(struct render *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->fonts != NULL && i < r->layout->fonts.n; i++)
		if (r->fonts[i] != NULL)
			r->fonts[i]->Release(r->fonts[i]);
	for (size_t i = 0; i < r->nimages; i++)
		r->images[i].surface->Release(r->images[i].surface);
	free(r->images);
	free(r->fonts);
	free(r->font_failed);
	free(r);
}

size_t
render_page(const struct render *r, size_t region, int64_t anim_ms)
{
	const struct layout_region *reg =
	    (const struct layout_region *)r->layout->regions.v + region;
	const struct layout_page *p = reg->pages.v;
	int64_t total = 0, pos;

	for (size_t i = 0; i < reg->pages.n; i++)
		total += p[i].duration_ms;
	if (total == 0)
		return 0;
	pos = anim_ms % total;
	for (size_t i = 0; i < reg->pages.n; i++) {
		if (pos < p[i].duration_ms)
			return i;
		pos -= p[i].duration_ms;
	}
	return 0;
}

/* Milliseconds from anim_ms until region's page changes. */
static int64_t
render_page_next(const struct layout_region *reg, int64_t anim_ms)
{
	const struct layout_page *p = reg->pages.v;
	int64_t total = 0, pos, edge = 0;

	if (reg->pages.n < 2)
		return RENDER_NEVER;
	for (size_t i = 0; i < reg->pages.n; i++)
		total += p[i].duration_ms;
	pos = anim_ms % total;
	for (size_t i = 0; i < reg->pages.n; i++) {
		edge += p[i].duration_ms;
		if (pos < edge)
			return edge - pos;
	}
	return total - pos;
}

/* Does a strftime format show seconds (so it changes every second)? */
static int
render_format_has_seconds(const char *fmt)
{
	for (const char *p = fmt; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		p++;
		while (*p == 'E' || *p == 'O' || *p == '-' || *p == '_' ||
		    *p == '0' || *p == '^' || *p == '#')
			p++;
		if (*p == '\0')
			break;
		if (strchr("ScrsTX+", *p) != NULL)
			return 1;
	}
	return 0;
}

static void
render_clock_text(
    const struct layout_widget *w, int64_t wall_ms, char *out, size_t size)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, size, w->format, &tm) == 0)
		out[0] = '\0';
}

static int64_t
render_clock_next(const struct layout_widget *w, int64_t wall_ms)
{
	int64_t period = render_format_has_seconds(w->format) ? 1000 : 60000;

	return period - ((wall_ms % period) + period) % period;
}

static void
render_set_color(IDirectFBSurface *s, uint32_t argb)
{
	s->SetColor(
	    s, (u8)(argb >> 16), (u8)(argb >> 8), (u8)argb, (u8)(argb >> 24));
}

static void
render_fill(IDirectFBSurface *s, uint32_t argb, int x, int y, int w, int h)
{
	if ((argb >> 24) == 0)
		return;
	s->SetDrawingFlags(s, DSDRAW_NOFX);
	render_set_color(s, argb);
	s->FillRectangle(s, x, y, w, h);
}

/* Draw text in the rectangle; returns ms to its next change (scrolling). */
static int64_t
render_text(struct render *r, IDirectFBSurface *s,
    const struct layout_widget *w, const char *text, int x, int y, int ww,
    int wh, int64_t anim_ms)
{
	IDirectFBFont *font = render_font(r, w->font);
	int tw = 0, asc = 0, desc = 0, box, tx, ty;
	int64_t next = RENDER_NEVER;

	if (font == NULL || text[0] == '\0')
		return RENDER_NEVER;
	font->GetStringWidth(font, text, -1, &tw);
	if (tw > ww && w->overflow == LAYOUT_OVERFLOW_SHRINK) {
		IDirectFBFont *small = render_font(r, w->shrink_font);
		if (small != NULL) {
			font = small;
			font->GetStringWidth(font, text, -1, &tw);
		}
	}
	font->GetAscender(font, &asc);
	font->GetDescender(font, &desc);
	box = asc - desc; /* the descender is negative */
	switch (w->valign) {
	case LAYOUT_VALIGN_TOP:
		ty = y;
		break;
	case LAYOUT_VALIGN_BOTTOM:
		ty = y + wh - box;
		break;
	default:
		ty = y + (wh - box) / 2;
		break;
	}
	/* Text wider than the widget shows its start, whatever the alignment. */
	tx = x;
	if (tw <= ww && w->align == LAYOUT_ALIGN_CENTER)
		tx = x + (ww - tw) / 2;
	else if (tw <= ww && w->align == LAYOUT_ALIGN_RIGHT)
		tx = x + ww - tw;
	s->SetFont(s, font);
	render_set_color(s, w->color);
	s->SetDrawingFlags(s, DSDRAW_NOFX);
	if (tw > ww && w->overflow == LAYOUT_OVERFLOW_SCROLL) {
		int64_t period = (int64_t)tw + w->scroll_gap;
		int64_t moved = anim_ms * w->scroll_speed / 1000;
		int off = (int)(moved % period);
		s->DrawString(s, text, -1, tx - off, ty, DSTF_TOPLEFT);
		s->DrawString(
		    s, text, -1, tx - off + (int)period, ty, DSTF_TOPLEFT);
		/* When does the offset reach the next whole pixel? */
		next = ((moved + 1) * 1000 + w->scroll_speed - 1) /
			w->scroll_speed -
		    anim_ms;
		if (next < 1)
			next = 1;
	} else {
		s->DrawString(s, text, -1, tx, ty, DSTF_TOPLEFT);
	}
	return next;
}

static int64_t
render_image(struct render *r, IDirectFBSurface *s,
    const struct layout_widget *w, int x, int y, int ww, int wh)
{
	for (size_t i = 0; i < r->nimages; i++) {
		struct render_image *img = &r->images[i];
		int ix, iy;
		if (strcmp(img->path, w->image) != 0)
			continue;
		ix = w->align == LAYOUT_ALIGN_CENTER ? x + (ww - img->w) / 2 :
		    w->align == LAYOUT_ALIGN_RIGHT   ? x + ww - img->w :
						       x;
		iy = w->valign == LAYOUT_VALIGN_MIDDLE ? y + (wh - img->h) / 2 :
		    w->valign == LAYOUT_VALIGN_BOTTOM  ? y + wh - img->h :
							 y;
		/*
		 * The image is premultiplied, so a transparent pixel adds
		 * exactly nothing (straight alpha left 1/255 of it lit).
		 */
		s->SetBlittingFlags(s, DSBLIT_BLEND_ALPHACHANNEL);
		s->SetSrcBlendFunction(s, DSBF_ONE);
		s->SetDstBlendFunction(s, DSBF_INVSRCALPHA);
		s->Blit(s, img->surface, NULL, ix, iy);
		s->SetSrcBlendFunction(s, DSBF_SRCALPHA);
		break;
	}
	return RENDER_NEVER;
}

static int64_t
render_min(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int64_t
render_draw(
    struct render *r, IDirectFBSurface *s, int64_t wall_ms, int64_t anim_ms)
{
	const struct layout *l = r->layout;
	const struct layout_region *reg = l->regions.v;
	int64_t next = RENDER_NEVER;
	char clock[128];

	s->SetClip(s, NULL);
	render_fill(s, l->background | 0xff000000u, 0, 0, l->width, l->height);
	for (size_t i = 0; i < l->regions.n; i++) {
		const struct layout_region *rg = &reg[i];
		DFBRegion clip = { rg->x, rg->y, rg->x + rg->w - 1,
			rg->y + rg->h - 1 };
		const struct layout_widget *w;
		size_t n;

		s->SetClip(s, &clip);
		render_fill(s, rg->background, rg->x, rg->y, rg->w, rg->h);
		w = layout_region_widgets(rg, render_page(r, i, anim_ms), &n);
		next = render_min(next, render_page_next(rg, anim_ms));
		for (size_t k = 0; k < n; k++) {
			int x = rg->x + w[k].x, y = rg->y + w[k].y;
			int ww = w[k].w ? w[k].w : rg->w - w[k].x;
			int wh = w[k].h ? w[k].h : rg->h - w[k].y;
			DFBRegion wc = { x, y, x + ww - 1, y + wh - 1 };

			s->SetClip(s, &wc);
			render_fill(s, w[k].background, x, y, ww, wh);
			switch (w[k].type) {
			case LAYOUT_WIDGET_TEXT:
				next = render_min(next,
				    render_text(r, s, &w[k], w[k].text, x, y,
					ww, wh, anim_ms));
				break;
			case LAYOUT_WIDGET_CLOCK:
				render_clock_text(
				    &w[k], wall_ms, clock, sizeof(clock));
				next = render_min(next,
				    render_text(r, s, &w[k], clock, x, y, ww,
					wh, anim_ms));
				next = render_min(
				    next, render_clock_next(&w[k], wall_ms));
				break;
			case LAYOUT_WIDGET_IMAGE:
				render_image(r, s, &w[k], x, y, ww, wh);
				break;
			}
		}
	}
	s->SetClip(s, NULL);
	return next;
}
