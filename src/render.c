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

#include <ft2build.h>
#include FT_FREETYPE_H

#include "info.h"
#include "log.h"
#include "park.h"

#define RENDER_MAX_IMAGE_SIDE 4096
#define RENDER_TRAVEL_TEXT    32 /* "9999 min" or the nodata word */

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
	/* Operator messages: MULTI numbers to fonts and images, -1 = none. */
	int msgfont[RENDER_MSG_NUMBERS];
	int msgimage[RENDER_MSG_NUMBERS];
	FT_Library ft;
	FT_Face msgface[RENDER_MSG_NUMBERS]; /* glyph coverage */
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

/*
 * Message fonts and graphics by MULTI number.  FreeType opens each font
 * file a second time, only to answer "has this font a glyph for U+xxxx"
 * (characterNotDefined), which DirectFB's font interface cannot tell.
 */
static void
render_load_msgdef(struct render *r, IDirectFB *dfb,
    const struct render_msgdef *md, struct util_errs *errs)
{
	const struct layout_font *lf = r->layout->fonts.v;

	for (int n = 1; n < RENDER_MSG_NUMBERS; n++) {
		int i;
		if (md->graphic[n] != NULL) {
			if (render_load_image(r, dfb, md->graphic[n], errs) ==
			    0)
				for (size_t k = 0; k < r->nimages; k++)
					if (strcmp(r->images[k].path,
						md->graphic[n]) == 0)
						r->msgimage[n] = (int)k;
		}
		if (md->font[n] == NULL)
			continue;
		i = render_font_index(r, md->font[n]);
		if (i < 0) {
			util_errs_add(errs,
			    "messages.fonts: font %d names \"%s\", which the "
			    "layout does not know",
			    n, md->font[n]);
			continue;
		}
		render_use_font(r, dfb, md->font[n], errs);
		if (r->fonts[i] == NULL)
			continue;
		r->msgfont[n] = i;
		if (r->ft == NULL && FT_Init_FreeType(&r->ft) != 0) {
			util_errs_add(errs, "freetype: cannot initialise");
			continue;
		}
		if (FT_New_Face(r->ft, lf[i].file, 0, &r->msgface[n]) != 0) {
			util_errs_add(errs, "font %d: FreeType cannot open %s",
			    n, lf[i].file);
			r->msgface[n] = NULL;
		}
	}
}

struct render *
render_new(IDirectFB *dfb, const struct layout *l,
    const struct render_msgdef *md, struct util_errs *errs)
{
	struct render *r = util_calloc(1, sizeof(*r));
	const struct layout_region *reg = l->regions.v;
	size_t before = util_errs_count(errs);

	r->layout = l;
	r->fonts = util_calloc(l->fonts.n, sizeof(IDirectFBFont *));
	r->font_failed = util_calloc(l->fonts.n, 1);
	for (size_t i = 0; i < RENDER_MSG_NUMBERS; i++)
		r->msgfont[i] = r->msgimage[i] = -1;
	for (size_t i = 0; i < l->regions.n; i++) {
		const struct layout_page *p = reg[i].pages.v;
		render_load_widgets(r, dfb, &reg[i].widgets, errs);
		for (size_t k = 0; k < reg[i].pages.n; k++)
			render_load_widgets(r, dfb, &p[k].widgets, errs);
	}
	if (md != NULL)
		render_load_msgdef(r, dfb, md, errs);
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
	for (size_t i = 0; i < RENDER_MSG_NUMBERS; i++)
		if (r->msgface[i] != NULL)
			FT_Done_Face(r->msgface[i]);
	if (r->ft != NULL)
		FT_Done_FreeType(r->ft);
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
	if (s == NULL || (argb >> 24) == 0)
		return;
	s->SetDrawingFlags(s, DSDRAW_NOFX);
	render_set_color(s, argb);
	s->FillRectangle(s, x, y, w, h);
}

static int64_t
render_min(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* How a piece of text is set: a widget's own, or a part of a park row. */
struct render_style {
	const char *font;
	const char *shrink_font;
	uint32_t color;
	int align, valign, overflow, scroll_speed, scroll_gap;
};

static void
render_style_of(const struct layout_widget *w, struct render_style *st)
{
	st->font = w->font;
	st->shrink_font = w->shrink_font;
	st->color = w->color;
	st->align = w->align;
	st->valign = w->valign;
	st->overflow = w->overflow;
	st->scroll_speed = w->scroll_speed;
	st->scroll_gap = w->scroll_gap;
}

/* One frame's (or one readout's) walk over the layout. */
struct render_pass {
	struct render *r;
	IDirectFBSurface *s; /* NULL: resolve strings only (readout) */
	int64_t wall_ms, anim_ms;
	const struct render_source *src;
	int64_t next;
	render_emit_cb *emit;
	void *emit_arg;
	size_t region;
	const char *region_name;
	const char *zone; /* the region's message zone ("" = none) */
	size_t page;
	int64_t msg_page_t; /* ms since the message's current page came up */
};

static int
render_text_width(struct render *r, const char *font, const char *text)
{
	IDirectFBFont *f = render_font(r, font);
	int tw = 0;

	if (f != NULL && text[0] != '\0')
		f->GetStringWidth(f, text, -1, &tw);
	return tw;
}

/* Set text in the rectangle; folds its next change (scrolling) into p. */
static void
render_text(struct render_pass *p, const struct render_style *st,
    const char *text, int x, int y, int ww, int wh)
{
	IDirectFBSurface *s = p->s;
	IDirectFBFont *font = render_font(p->r, st->font);
	int tw = 0, asc = 0, desc = 0, box, tx, ty;

	if (s == NULL || font == NULL || text[0] == '\0' || ww <= 0)
		return;
	font->GetStringWidth(font, text, -1, &tw);
	if (tw > ww && st->overflow == LAYOUT_OVERFLOW_SHRINK) {
		IDirectFBFont *small = render_font(p->r, st->shrink_font);
		if (small != NULL) {
			font = small;
			font->GetStringWidth(font, text, -1, &tw);
		}
	}
	font->GetAscender(font, &asc);
	font->GetDescender(font, &desc);
	box = asc - desc; /* the descender is negative */
	switch (st->valign) {
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
	if (tw <= ww && st->align == LAYOUT_ALIGN_CENTER)
		tx = x + (ww - tw) / 2;
	else if (tw <= ww && st->align == LAYOUT_ALIGN_RIGHT)
		tx = x + ww - tw;
	s->SetFont(s, font);
	render_set_color(s, st->color);
	s->SetDrawingFlags(s, DSDRAW_NOFX);
	if (tw > ww && st->overflow == LAYOUT_OVERFLOW_SCROLL) {
		int64_t period = (int64_t)tw + st->scroll_gap;
		int64_t moved = p->anim_ms * st->scroll_speed / 1000;
		int off = (int)(moved % period);
		int64_t next;
		s->DrawString(s, text, -1, tx - off, ty, DSTF_TOPLEFT);
		s->DrawString(
		    s, text, -1, tx - off + (int)period, ty, DSTF_TOPLEFT);
		/* When does the offset reach the next whole pixel? */
		next = ((moved + 1) * 1000 + st->scroll_speed - 1) /
			st->scroll_speed -
		    p->anim_ms;
		p->next = render_min(p->next, next < 1 ? 1 : next);
	} else {
		s->DrawString(s, text, -1, tx, ty, DSTF_TOPLEFT);
	}
}

static void
render_image(struct render_pass *p, const struct layout_widget *w, int x, int y,
    int ww, int wh)
{
	IDirectFBSurface *s = p->s;

	for (size_t i = 0; s != NULL && i < p->r->nimages; i++) {
		struct render_image *img = &p->r->images[i];
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
}

/* What a parking widget shows for one car park. */
struct render_park_value {
	char text[64];
	uint32_t color;
	enum park_display display;
	int64_t shown; /* after offset and clamping (NUMBER) */
};

/*
 * Milliseconds until the item's freshness flips (stale, or no longer too
 * far in the future), so the board changes on time without a new fetch.
 */
static int64_t
render_expiry(int64_t t, const struct park_rules *ru)
{
	if (t == PARK_NO_TIME)
		t = ru->doc_time_ms != PARK_NO_TIME ? ru->doc_time_ms :
						      ru->fetched_ms;
	if (t > ru->now_ms + PARK_FUTURE_MS)
		return t - PARK_FUTURE_MS - ru->now_ms;
	/* Fresh up to t + stale_after included (park.c): stale 1 ms on. */
	if (t + ru->stale_after_ms >= ru->now_ms)
		return t + ru->stale_after_ms - ru->now_ms + 1;
	return RENDER_NEVER;
}

static const char *
render_trend_arrow(int trend)
{
	/* Free spaces falling (filling) point down, rising point up. */
	switch (trend) {
	case PARK_TREND_FILLING:
		return " \u2193";
	case PARK_TREND_EMPTYING:
		return " \u2191";
	default:
		return "";
	}
}

static void
render_park_resolve(struct render_pass *p, const struct layout_widget *w,
    const struct park_item *it, const struct park_rules *ru,
    struct render_park_value *v)
{
	int64_t shown = 0;

	v->display =
	    it != NULL ? park_display(it, ru, &shown) : PARK_DISPLAY_NODATA;
	if (it != NULL)
		p->next = render_min(p->next, render_expiry(it->time_ms, ru));
	if (v->display == PARK_DISPLAY_NUMBER) {
		shown -= w->offset;
		if (shown <= 0)
			v->display = PARK_DISPLAY_FULL;
		if (shown < w->min_show)
			shown = w->min_show;
		if (shown > w->max_show)
			shown = w->max_show;
	}
	v->shown = shown;
	switch (v->display) {
	case PARK_DISPLAY_NUMBER:
		snprintf(v->text, sizeof(v->text), "%lld%s", (long long)shown,
		    w->trend ? render_trend_arrow(it->trend) : "");
		v->color = w->few > 0 && shown <= w->few ? w->colors.few :
							   w->colors.free;
		break;
	case PARK_DISPLAY_FULL:
		util_strlcpy(v->text, w->words.full, sizeof(v->text));
		v->color = w->colors.full;
		break;
	case PARK_DISPLAY_CLOSED:
		util_strlcpy(v->text, w->words.closed, sizeof(v->text));
		v->color = w->colors.closed;
		break;
	case PARK_DISPLAY_NODATA:
		util_strlcpy(v->text, w->words.nodata, sizeof(v->text));
		v->color = w->colors.nodata;
		break;
	}
}

/* The feed's document (NULL = none yet) with rules for now. */
static const struct park_doc *
render_park_doc(struct render_pass *p, const char *feed, struct park_rules *ru)
{
	memset(ru, 0, sizeof(*ru));
	ru->now_ms = p->wall_ms;
	if (p->src == NULL || p->src->doc == NULL)
		return NULL;
	return p->src->doc(p->src->ctx, feed, ru);
}

/* Label left, value right: one car park in a rectangle. */
static void
render_park_row(struct render_pass *p, const struct layout_widget *w,
    const char *label, const struct render_park_value *v, int x, int y, int ww,
    int wh)
{
	struct render_style st;
	int vw = w->value_w > 0 ? w->value_w :
				  render_text_width(p->r, w->font, v->text);
	int gap = 2;

	render_style_of(w, &st);
	st.overflow = LAYOUT_OVERFLOW_CLIP;
	st.align = LAYOUT_ALIGN_LEFT;
	render_text(p, &st, label, x, y, ww - vw - gap, wh);
	st.align = LAYOUT_ALIGN_RIGHT;
	st.color = v->color;
	render_text(p, &st, v->text, x + ww - vw, y, vw, wh);
	if (p->emit != NULL)
		p->emit(p->emit_arg, p->region, p->region_name, p->page, "park",
		    label, v->text);
}

static const char *
render_park_label(const struct park_item *it, const char *label, const char *id)
{
	if (label[0] != '\0')
		return label;
	return it != NULL && it->name[0] != '\0' ? it->name : id;
}

static void
render_park(struct render_pass *p, const struct layout_widget *w, int x, int y,
    int ww, int wh)
{
	struct park_rules ru;
	const struct park_doc *d = render_park_doc(p, w->feed, &ru);
	const struct park_item *it = d ? park_doc_find(d, w->item) : NULL;
	struct render_park_value v;

	render_park_resolve(p, w, it, &ru, &v);
	render_park_row(
	    p, w, render_park_label(it, w->label, w->item), &v, x, y, ww, wh);
}

/* Row height of w's rows: row_h, else its font's height; 0 if unknown. */
static int
render_row_height(struct render_pass *p, const struct layout_widget *w)
{
	IDirectFBFont *font = render_font(p->r, w->font);
	int asc = 0, desc = 0;

	if (w->row_h > 0)
		return w->row_h;
	if (font == NULL)
		return 0;
	font->GetAscender(font, &asc);
	font->GetDescender(font, &desc);
	return asc - desc;
}

/*
 * The rows of n that the current page shows, [*first, *first + *rows),
 * pages of wh / rh rows turning every page_ms; folds the page change into
 * p.  0 when there is nothing to draw.
 */
static int
render_page_rows(struct render_pass *p, const struct layout_widget *w, size_t n,
    int wh, int rh, size_t *first, size_t *rows)
{
	size_t pages;

	if (rh <= 0 || n == 0)
		return 0;
	*rows = (size_t)(wh / rh > 0 ? wh / rh : 1);
	pages = (n + *rows - 1) / *rows;
	*first = (size_t)((p->anim_ms / w->page_ms) % (int64_t)pages) * *rows;
	if (pages > 1)
		p->next =
		    render_min(p->next, w->page_ms - p->anim_ms % w->page_ms);
	return 1;
}

static void
render_park_list(struct render_pass *p, const struct layout_widget *w, int x,
    int y, int ww, int wh)
{
	struct park_rules ru;
	const struct park_doc *d = render_park_doc(p, w->feed, &ru);
	const struct layout_park_ref *refs = w->items.v;
	size_t n = w->items.n > 0 ? w->items.n : (d ? d->n : 0);
	size_t rows, first;
	int rh = render_row_height(p, w);

	if (!render_page_rows(p, w, n, wh, rh, &first, &rows))
		return;
	for (size_t i = first; i < n && i < first + rows; i++) {
		const struct park_item *it;
		const char *id, *label;
		struct render_park_value v;
		if (w->items.n > 0) {
			id = refs[i].id;
			label = refs[i].label;
			it = d ? park_doc_find(d, id) : NULL;
		} else if (d != NULL) {
			it = &d->items[i];
			id = it->id;
			label = "";
		} else {
			break;
		}
		render_park_resolve(p, w, it, &ru, &v);
		render_park_row(p, w, render_park_label(it, label, id), &v, x,
		    y + (int)(i - first) * rh, ww, rh);
	}
}

/* Replace every "{free}" in text by value. */
static void
render_subst(const char *text, const char *value, char *out, size_t size)
{
	size_t o = 0, vl = strlen(value);

	for (const char *t = text; *t != '\0' && o + 1 < size;) {
		if (strncmp(t, "{free}", 6) == 0) {
			if (o + vl >= size)
				break;
			memcpy(out + o, value, vl);
			o += vl;
			t += 6;
		} else {
			out[o++] = *t++;
		}
	}
	out[o] = '\0';
}

static void
render_park_sum(struct render_pass *p, const struct layout_widget *w, int x,
    int y, int ww, int wh)
{
	struct park_rules ru;
	const struct park_doc *d = render_park_doc(p, w->feed, &ru);
	const struct layout_park_ref *refs = w->items.v;
	size_t n = w->items.n > 0 ? w->items.n : (d ? d->n : 0);
	int64_t sum = 0;
	int counted = 0;
	char value[32], text[LAYOUT_TEXT_LEN];
	struct render_style st;

	for (size_t i = 0; i < n; i++) {
		const struct park_item *it = w->items.n > 0 ?
		    (d ? park_doc_find(d, refs[i].id) : NULL) :
		    (d ? &d->items[i] : NULL);
		struct render_park_value v;
		render_park_resolve(p, w, it, &ru, &v);
		/* A full or closed car park offers none of its spaces. */
		if (v.display == PARK_DISPLAY_NUMBER) {
			sum += v.shown;
			counted++;
		} else if (v.display == PARK_DISPLAY_FULL ||
		    v.display == PARK_DISPLAY_CLOSED) {
			counted++;
		}
	}
	/* A sum is only true when every car park in it is known. */
	if (counted == 0 || (size_t)counted < n)
		util_strlcpy(value, w->words.nodata, sizeof(value));
	else
		snprintf(value, sizeof(value), "%lld", (long long)sum);
	render_subst(w->text, value, text, sizeof(text));
	render_style_of(w, &st);
	render_text(p, &st, text, x, y, ww, wh);
	if (p->emit != NULL)
		p->emit(p->emit_arg, p->region, p->region_name, p->page,
		    "park_sum", text, value);
}

/* ---- traffic: travel times, the ticker, departures ---- */

/* Draw text with its top-left at x, y in argb (nothing in a readout). */
static void
render_string(struct render_pass *p, IDirectFBFont *font, uint32_t argb,
    const char *text, int x, int y)
{
	IDirectFBSurface *s = p->s;

	if (s == NULL || font == NULL || text[0] == '\0')
		return;
	s->SetFont(s, font);
	render_set_color(s, argb);
	s->SetDrawingFlags(s, DSDRAW_NOFX);
	s->DrawString(s, text, -1, x, y, DSTF_TOPLEFT);
}

/* Text in one column cell, clipped to it, aligned left or right. */
static void
render_cell(struct render_pass *p, const struct layout_widget *w,
    uint32_t color, int align, const char *text, int x, int y, int cw, int ch)
{
	struct render_style st;
	DFBRegion old, clip = { x, y, x + cw - 1, y + ch - 1 };

	if (cw <= 0 || text[0] == '\0')
		return;
	render_style_of(w, &st);
	st.overflow = LAYOUT_OVERFLOW_CLIP;
	st.align = align;
	st.color = color;
	if (p->s != NULL) {
		/* The cell clip inside the widget's own. */
		p->s->GetClip(p->s, &old);
		if (clip.x1 < old.x1)
			clip.x1 = old.x1;
		if (clip.y1 < old.y1)
			clip.y1 = old.y1;
		if (clip.x2 > old.x2)
			clip.x2 = old.x2;
		if (clip.y2 > old.y2)
			clip.y2 = old.y2;
		if (clip.x1 > clip.x2 || clip.y1 > clip.y2)
			return;
		p->s->SetClip(p->s, &clip);
	}
	render_text(p, &st, text, x, y, cw, ch);
	if (p->s != NULL)
		p->s->SetClip(p->s, &old);
}

/*
 * A traffic document of feed that is fresh at now: the right kind and
 * fetched within stale_after (the moment it stops being fresh is folded
 * into p); NULL otherwise, and the widget shows that it has no data.
 */
static const struct park_doc *
render_info_doc(
    struct render_pass *p, const char *feed, int kind, struct park_rules *ru)
{
	const struct park_doc *d;
	int64_t until;

	memset(ru, 0, sizeof(*ru));
	ru->now_ms = p->wall_ms;
	if (feed[0] == '\0')
		return NULL;
	d = render_park_doc(p, feed, ru);
	if (d == NULL || d->kind != kind)
		return NULL;
	until = ru->fetched_ms + ru->stale_after_ms;
	if (until < ru->now_ms)
		return NULL;
	p->next = render_min(p->next, until - ru->now_ms + 1);
	return d;
}

/* Nothing to show: nodata_text or empty_text, said in the readout. */
static void
render_info_none(struct render_pass *p, const struct layout_widget *w,
    const char *type, int nodata, int x, int y, int ww, int wh)
{
	const char *text = nodata ? w->nodata_text : w->empty_text;
	struct render_style st;

	render_style_of(w, &st);
	st.overflow = LAYOUT_OVERFLOW_CLIP;
	render_text(p, &st, text, x, y, ww, wh);
	if (p->emit != NULL)
		p->emit(p->emit_arg, p->region, p->region_name, p->page, type,
		    text, nodata ? "nodata" : "empty");
}

/*
 * Travel-time rows: label left, minutes right-aligned in a value column,
 * the delay in a column of its own; minutes and delay coloured by the
 * delay, "---" (words.nodata) without reliable data.
 */
static void
render_travel(struct render_pass *p, const struct layout_widget *w, int x,
    int y, int ww, int wh)
{
	struct park_rules ru;
	const struct park_doc *d = render_park_doc(p, w->feed, &ru);
	const struct layout_park_ref *refs = w->items.v;
	int rh = render_row_height(p, w), gap = 3, vw = w->value_w;
	int dw = w->delay_w > 0 ? w->delay_w :
				  render_text_width(p->r, w->font, "+99");
	/* A page has at most all the items (LAYOUT_MAX_PARK_ITEMS). */
	char value[LAYOUT_MAX_PARK_ITEMS][RENDER_TRAVEL_TEXT];
	char delay[LAYOUT_MAX_PARK_ITEMS][16];
	uint32_t color[LAYOUT_MAX_PARK_ITEMS];
	size_t first, rows;

	if (d != NULL && d->kind != INFO_KIND_TRAVEL)
		d = NULL;
	if (!render_page_rows(p, w, w->items.n, wh, rh, &first, &rows))
		return;
	/* Resolve the page first: the value column fits its widest. */
	for (size_t i = first; i < w->items.n && i < first + rows; i++) {
		const struct info_item *it =
		    d != NULL ? info_find(d, refs[i].id) : NULL;
		size_t k = i - first;
		int m = 0, dl = 0;

		delay[k][0] = '\0';
		if (it != NULL)
			p->next = render_min(
			    p->next, render_expiry(it->time_ms, &ru));
		if (it == NULL || !info_travel(it, &ru, &m, &dl)) {
			util_strlcpy(
			    value[k], w->words.nodata, sizeof(value[k]));
			color[k] = w->delay_colors.nodata;
		} else {
			snprintf(value[k], sizeof(value[k]), "%d min", m);
			if (dl >= 1)
				snprintf(delay[k], sizeof(delay[k]), "+%d", dl);
			color[k] = dl >= w->heavy ? w->delay_colors.heavy :
			    dl >= w->delayed      ? w->delay_colors.delayed :
						    w->delay_colors.normal;
		}
		if (w->value_w == 0 &&
		    render_text_width(p->r, w->font, value[k]) > vw)
			vw = render_text_width(p->r, w->font, value[k]);
	}
	for (size_t i = first; i < w->items.n && i < first + rows; i++) {
		size_t k = i - first;
		int ry = y + (int)k * rh;
		const char *label =
		    refs[i].label[0] != '\0' ? refs[i].label : refs[i].id;
		int lw = ww - vw - dw - 2 * gap;

		render_cell(
		    p, w, w->color, LAYOUT_ALIGN_LEFT, label, x, ry, lw, rh);
		render_cell(p, w, color[k], LAYOUT_ALIGN_RIGHT, value[k],
		    x + lw + gap, ry, vw, rh);
		render_cell(p, w, color[k], LAYOUT_ALIGN_LEFT, delay[k],
		    x + ww - dw, ry, dw, rh);
		if (p->emit != NULL) {
			char v[RENDER_TRAVEL_TEXT + 20];
			snprintf(v, sizeof(v), "%s%s%s", value[k],
			    delay[k][0] != '\0' ? " " : "", delay[k]);
			p->emit(p->emit_arg, p->region, p->region_name, p->page,
			    "travel", label, v);
		}
	}
}

/* One ticker item: what it says, in which colour, for the readout. */
struct render_tick {
	const char *text;
	uint32_t color;
	const char *value; /* severity, or "message" */
	int width;         /* of text in the ticker's font, measured once */
};

#define RENDER_TICKS_MAX 128

static uint32_t
render_severity_color(const struct layout_widget *w, const char *severity)
{
	const struct layout_severity_colors *c = &w->severity_colors;

	switch (info_severity_rank(severity)) {
	case 5:
		return c->highest;
	case 4:
		return c->high;
	case 3:
		return c->medium;
	case 2:
		return c->low;
	case 1:
		return c->lowest;
	default:
		return c->none;
	}
}

static const struct info_item *render_tick_base;

/* Situation indices: highest severity first, then document order. */
static int
render_by_severity(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int rx = info_severity_rank(render_tick_base[x].severity);
	int ry = info_severity_rank(render_tick_base[y].severity);

	if (rx != ry)
		return ry - rx;
	return x < y ? -1 : x > y;
}

/* Milliseconds until a situation record starts or stops being shown. */
static int64_t
render_situation_next(const struct info_item *it, int64_t now)
{
	int64_t next = RENDER_NEVER;

	if (it->validity != INFO_VALID_BY_TIME)
		return RENDER_NEVER;
	if (it->start_ms != PARK_NO_TIME && it->start_ms != PARK_BAD_TIME &&
	    it->start_ms > now)
		next = it->start_ms - now;
	if (it->end_ms != PARK_NO_TIME && it->end_ms != PARK_BAD_TIME &&
	    it->end_ms > now)
		next = render_min(next, it->end_ms - now);
	return next;
}

static struct render_tick
render_tick_message(
    const struct layout_widget *w, const struct render_ticker_msg *m)
{
	return (struct render_tick){ m->text, w->severity_colors.message,
		"message", 0 };
}

/*
 * The ticker's items in order.  Operator messages of the region's zone
 * at or above first_priority come first (highest priority first); then
 * the situations shown now, highest severity first, then in document
 * order, with one of the remaining messages after each situation; any
 * messages left over close the run.
 */
static size_t
render_ticks(struct render_pass *p, const struct layout_widget *w,
    const struct park_doc *d, const struct render_ticker_msg *msgs,
    size_t nmsgs, struct render_tick *out)
{
	size_t idx[RENDER_TICKS_MAX], nsit = 0, n = 0, m = 0;

	for (size_t i = 0; d != NULL && i < d->ninfo; i++) {
		p->next = render_min(
		    p->next, render_situation_next(&d->info[i], p->wall_ms));
		if (nsit < RENDER_TICKS_MAX - RENDER_TICKER_MAX &&
		    info_situation_shown(&d->info[i], p->wall_ms))
			idx[nsit++] = i;
	}
	if (nsit > 1) {
		render_tick_base = d->info;
		qsort(idx, nsit, sizeof(idx[0]), render_by_severity);
		render_tick_base = NULL;
	}
	for (; m < nmsgs && msgs[m].priority >= w->first_priority; m++)
		out[n++] = render_tick_message(w, &msgs[m]);
	for (size_t i = 0; i < nsit; i++) {
		const struct info_item *it = &d->info[idx[i]];
		out[n++] = (struct render_tick){ it->text,
			render_severity_color(w, it->severity), it->severity,
			0 };
		if (m < nmsgs)
			out[n++] = render_tick_message(w, &msgs[m++]);
	}
	for (; m < nmsgs; m++)
		out[n++] = render_tick_message(w, &msgs[m]);
	return n;
}

/*
 * The ticker: its items in one line with the separator between them.
 * When they fit they stand still; otherwise the line starts with its
 * first (most important) item at the left edge and runs left at
 * scroll_speed, repeating seamlessly (the separator also follows the
 * last item).  The position is a pure
 * function of the animation time, so the next whole-pixel step is the
 * next change.
 */
static void
render_ticker(struct render_pass *p, const struct layout_widget *w, int x,
    int y, int ww, int wh)
{
	struct render_ticker_msg msgs[RENDER_TICKER_MAX];
	struct render_tick ticks[RENDER_TICKS_MAX];
	struct park_rules ru;
	const struct park_doc *d =
	    render_info_doc(p, w->feed, INFO_KIND_SITUATION, &ru);
	IDirectFBFont *font = render_font(p->r, w->font);
	size_t nmsgs = 0, n;
	int asc = 0, desc = 0, ty, sepw, block;
	int64_t content = 0, period;

	if (p->zone != NULL && p->zone[0] != '\0' && p->src != NULL &&
	    p->src->ticker != NULL)
		nmsgs = p->src->ticker(
		    p->src->ctx, p->zone, p->wall_ms, msgs, RENDER_TICKER_MAX);
	if (nmsgs > RENDER_TICKER_MAX)
		nmsgs = RENDER_TICKER_MAX;
	n = render_ticks(p, w, d, msgs, nmsgs, ticks);
	if (n == 0) {
		render_info_none(p, w, "ticker",
		    w->feed[0] != '\0' && d == NULL, x, y, ww, wh);
		return;
	}
	for (size_t i = 0; p->emit != NULL && i < n; i++)
		p->emit(p->emit_arg, p->region, p->region_name, p->page,
		    "ticker", ticks[i].text, ticks[i].value);
	if (font == NULL)
		return;
	font->GetAscender(font, &asc);
	font->GetDescender(font, &desc);
	ty = w->valign == LAYOUT_VALIGN_TOP   ? y :
	    w->valign == LAYOUT_VALIGN_BOTTOM ? y + wh - (asc - desc) :
						y + (wh - (asc - desc)) / 2;
	sepw = render_text_width(p->r, w->font, w->separator);
	block = sepw + w->scroll_gap;
	for (size_t i = 0; i < n; i++) {
		ticks[i].width =
		    render_text_width(p->r, w->font, ticks[i].text);
		content += ticks[i].width;
	}
	period = content + (int64_t)block * (int64_t)n;
	if (content + (int64_t)block * (int64_t)(n - 1) <= ww) {
		/* Everything fits: the items stand still, left to right. */
		int cx = x;
		for (size_t i = 0; i < n; i++) {
			render_string(
			    p, font, ticks[i].color, ticks[i].text, cx, ty);
			cx += ticks[i].width;
			if (i + 1 < n)
				render_string(p, font, w->color, w->separator,
				    cx + (block - sepw) / 2, ty);
			cx += block;
		}
		return;
	}
	{
		int64_t moved = p->anim_ms * w->scroll_speed / 1000;
		int64_t next = ((moved + 1) * 1000 + w->scroll_speed - 1) /
			w->scroll_speed -
		    p->anim_ms;
		int64_t start = x - moved % period;

		p->next = render_min(p->next, next < 1 ? 1 : next);
		for (int64_t cx0 = start; cx0 < x + ww; cx0 += period) {
			int64_t cx = cx0;
			for (size_t i = 0; i < n && cx < x + ww; i++) {
				int iw = ticks[i].width;
				if (cx + iw > x)
					render_string(p, font, ticks[i].color,
					    ticks[i].text, (int)cx, ty);
				cx += iw;
				if (cx + block > x && cx < x + ww)
					render_string(p, font, w->color,
					    w->separator,
					    (int)cx + (block - sepw) / 2, ty);
				cx += block;
			}
		}
	}
}

#define RENDER_DEPARTURES_MAX 256 /* rows a board pages through */

/*
 * The departure board: the departures shown now (info_departure_shown,
 * already in scheduled order) in columns time, line, destination,
 * platform and delay, paged when they do not fit.  The first departure
 * to leave the board is the next change.
 */
static void
render_departures(struct render_pass *p, const struct layout_widget *w, int x,
    int y, int ww, int wh)
{
	struct park_rules ru;
	const struct park_doc *d =
	    render_info_doc(p, w->feed, INFO_KIND_DEPARTURE, &ru);
	size_t idx[RENDER_DEPARTURES_MAX], n = 0, first, rows;
	int rh = render_row_height(p, w), gap = 3;
	int tw = w->time_w > 0 ? w->time_w :
				 render_text_width(p->r, w->font, "00:00");
	int dw = w->delay_w > 0 ? w->delay_w :
				  render_text_width(p->r, w->font, "+99");
	int lw = w->line_w, pw = w->platform_w, destw;

	for (size_t i = 0; d != NULL && i < d->ninfo; i++) {
		const struct info_item *it = &d->info[i];
		int64_t late =
		    it->delay_min != INFO_NO_DELAY && it->delay_min > 0 ?
		    (int64_t)it->delay_min * 60000 :
		    0;
		if (!info_departure_shown(it, p->wall_ms))
			continue;
		/* Shown up to and including time + delay: gone 1 ms on. */
		p->next =
		    render_min(p->next, it->time_ms + late - p->wall_ms + 1);
		if (n == RENDER_DEPARTURES_MAX)
			continue;
		idx[n++] = i;
		if (w->line_w == 0 &&
		    render_text_width(p->r, w->font, it->line) > lw)
			lw = render_text_width(p->r, w->font, it->line);
		if (w->platform_w == 0 &&
		    render_text_width(p->r, w->font, it->platform) > pw)
			pw = render_text_width(p->r, w->font, it->platform);
	}
	if (n == 0) {
		render_info_none(p, w, "departures", d == NULL, x, y, ww, wh);
		return;
	}
	if (!render_page_rows(p, w, n, wh, rh, &first, &rows))
		return;
	destw = ww - tw - lw - pw - dw - 4 * gap;
	for (size_t i = first; i < n && i < first + rows; i++) {
		const struct info_item *it = &d->info[idx[i]];
		int ry = y + (int)(i - first) * rh, cx = x;
		char time[16], delay[16];

		info_departure_time(it, time, sizeof(time));
		info_departure_delay(it, delay, sizeof(delay));
		render_cell(
		    p, w, w->color, LAYOUT_ALIGN_LEFT, time, cx, ry, tw, rh);
		cx += tw + gap;
		render_cell(p, w, w->color, LAYOUT_ALIGN_LEFT, it->line, cx, ry,
		    lw, rh);
		cx += lw + gap;
		render_cell(p, w, w->color, LAYOUT_ALIGN_LEFT, it->text, cx, ry,
		    destw, rh);
		cx += destw + gap;
		render_cell(p, w, w->color, LAYOUT_ALIGN_RIGHT, it->platform,
		    cx, ry, pw, rh);
		cx += pw + gap;
		render_cell(p, w, w->delay_colors.delayed, LAYOUT_ALIGN_LEFT,
		    delay, cx, ry, dw, rh);
		if (p->emit != NULL) {
			char text[LAYOUT_TEXT_LEN];
			snprintf(text, sizeof(text), "%s  %s  %s%s%s", time,
			    it->line, it->text,
			    it->platform[0] != '\0' ? "  " : "", it->platform);
			p->emit(p->emit_arg, p->region, p->region_name, p->page,
			    "departure", text, delay);
		}
	}
}

/* ---- operator messages: multi.h ops on DirectFB ---- */

static IDirectFBFont *
render_msgfont(const struct render *r, int n)
{
	if (n < 1 || n >= RENDER_MSG_NUMBERS || r->msgfont[n] < 0)
		return NULL;
	return r->fonts[r->msgfont[n]];
}

static int
render_mf_exists(void *ctx, int n, uint16_t *version)
{
	*version = 0;
	return render_msgfont(ctx, n) != NULL;
}

static int
render_mf_height(void *ctx, int n)
{
	IDirectFBFont *f = render_msgfont(ctx, n);
	int asc = 0, desc = 0;

	if (f == NULL)
		return -1;
	f->GetAscender(f, &asc);
	f->GetDescender(f, &desc);
	return asc - desc;
}

static int
render_mf_glyph(void *ctx, int n, uint32_t cp)
{
	struct render *r = ctx;

	if (render_msgfont(r, n) == NULL || r->msgface[n] == NULL)
		return 0;
	return FT_Get_Char_Index(r->msgface[n], cp) != 0;
}

/* Decode one UTF-8 character at s (len bytes left); 0 on a bad byte. */
static size_t
render_utf8(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = u[0] < 0x80 ? 1 : u[0] < 0xe0 ? 2 : u[0] < 0xf0 ? 3 : 4;

	if (n > len)
		return 0;
	*cp = n == 1 ? u[0] : u[0] & (0x3f >> (n - 1));
	for (size_t i = 1; i < n; i++)
		*cp = (*cp << 6) | (u[i] & 0x3f);
	return n;
}

/*
 * The font's own spacing: the blank columns after a glyph's ink within its
 * advance, measured on 'M'.  A character's width in MULTI terms is its
 * advance less that spacing, so a space keeps its width and the last
 * character of a right-justified line reaches the edge.
 */
static int
render_font_spacing(IDirectFBFont *f)
{
	DFBRectangle box;
	int adv = 0;

	if (f->GetGlyphExtents(f, 'M', &box, &adv) != DFB_OK)
		return 0;
	return adv - (box.x + box.w) > 0 ? adv - (box.x + box.w) : 0;
}

static int
render_mf_width(void *ctx, int n, const char *s, size_t len, int spacing)
{
	IDirectFBFont *f = render_msgfont(ctx, n);
	int w = 0, count = 0, own;

	if (f == NULL)
		return -1;
	own = render_font_spacing(f);
	if (spacing < 0) {
		f->GetStringWidth(f, s, (int)len, &w);
		return w > own ? w - own : w; /* no spacing after the last */
	}
	for (size_t i = 0; i < len;) {
		DFBRectangle box;
		int adv = 0;
		uint32_t cp;
		size_t k = render_utf8(s + i, len - i, &cp);
		if (k == 0)
			return -1;
		f->GetGlyphExtents(f, cp, &box, &adv);
		w += adv - own;
		count++;
		i += k;
	}
	return count > 0 ? w + spacing * (count - 1) : 0;
}

static int
render_mf_graphic(void *ctx, int n, int *w, int *h, uint16_t *version)
{
	struct render *r = ctx;

	if (n < 1 || n >= RENDER_MSG_NUMBERS || r->msgimage[n] < 0)
		return -1;
	*w = r->images[r->msgimage[n]].w;
	*h = r->images[r->msgimage[n]].h;
	*version = 0;
	return 0;
}

static const struct multi_font_ops render_multi_ops = {
	render_mf_exists,
	render_mf_height,
	render_mf_glyph,
	render_mf_width,
	render_mf_graphic,
};

void
render_multi_sign(struct render *r, struct multi_sign *sign)
{
	sign->fonts = &render_multi_ops;
	sign->ctx = r;
}

/* Draw len bytes of text at x, y with fixed spacing (or the font's). */
static void
render_msg_string(IDirectFBSurface *s, IDirectFBFont *f, const char *text,
    size_t len, int x, int y, int spacing)
{
	int own;

	if (spacing < 0) {
		s->DrawString(s, text, (int)len, x, y, DSTF_TOPLEFT);
		return;
	}
	own = render_font_spacing(f);
	for (size_t i = 0; i < len;) {
		DFBRectangle box;
		int adv = 0;
		uint32_t cp;
		size_t k = render_utf8(text + i, len - i, &cp);
		if (k == 0)
			return;
		s->DrawString(s, text + i, (int)k, x, y, DSTF_TOPLEFT);
		f->GetGlyphExtents(f, cp, &box, &adv);
		x += adv - own + spacing;
		i += k;
	}
}

/*
 * The page of m showing at t ms into its cycle, and how long until the
 * page (or its off time) changes.  *off is set during a page's off time.
 */
static const struct multi_page *
render_msg_page(const struct multi_msg *m, int64_t t, int *off, int64_t *next,
    int64_t *page_t)
{
	int64_t total = 0, pos;

	*off = 0;
	*next = RENDER_NEVER;
	*page_t = t;
	if (m->npages == 1) /* a one-page message is static */
		return &m->pages[0];
	for (int i = 0; i < m->npages; i++)
		total += m->pages[i].on_ms + m->pages[i].off_ms;
	if (total <= 0)
		return &m->pages[0];
	pos = (t % total + total) % total;
	for (int i = 0; i < m->npages; i++) {
		const struct multi_page *pg = &m->pages[i];
		if (pos < pg->on_ms) {
			*next = pg->on_ms - pos;
			*page_t =
			    pos; /* flashing and moving start with the page */
			return pg;
		}
		pos -= pg->on_ms;
		if (pos < pg->off_ms) {
			*off = 1;
			*next = pg->off_ms - pos;
			return pg;
		}
		pos -= pg->off_ms;
	}
	return &m->pages[0];
}

static void
render_msg_text(struct render_pass *p, const struct multi_op *op, int x0,
    int y0, char *plain, size_t size)
{
	IDirectFBSurface *s = p->s;
	IDirectFBFont *f = render_msgfont(p->r, op->font);
	int64_t t = p->msg_page_t;
	char field[MULTI_FIELD_MAX];
	const char *text = op->text;
	size_t len = op->len;
	int x = x0 + op->x;

	if (op->kind == MULTI_OP_FIELD) {
		time_t now = (time_t)(p->wall_ms / 1000);
		struct tm tm;
		int fw = 0;
		localtime_r(&now, &tm);
		if (multi_field_text(op->field, &tm, field, sizeof(field)) != 0)
			return;
		text = field;
		len = strlen(field);
		/* No field shows seconds: the next minute is the next change. */
		p->next = render_min(p->next, 60000 - p->wall_ms % 60000);
		if (f != NULL)
			fw = render_mf_width(
			    p->r, op->font, text, len, op->char_spacing);
		if (op->align == MULTI_JL_RIGHT)
			x += op->w - fw;
		else if (op->align == MULTI_JL_CENTER)
			x += (op->w - fw) / 2;
	}
	if (plain != NULL && strlen(plain) + len + 2 < size) {
		size_t pl = strlen(plain);
		if (pl > 0 && plain[pl - 1] != ' ' && len > 0 && text[0] != ' ')
			strncat(plain, " ", size - pl - 1);
		strncat(plain, text, len);
	}
	if (op->flash != MULTI_FLASH_NONE) {
		int64_t cycle = op->flash_on_ms + op->flash_off_ms, ph;
		int first_on = op->flash == MULTI_FLASH_ON_OFF;
		int64_t first = first_on ? op->flash_on_ms : op->flash_off_ms;
		if (cycle > 0) {
			ph = (t % cycle + cycle) % cycle;
			p->next = render_min(
			    p->next, ph < first ? first - ph : cycle - ph);
			if ((ph < first) != first_on)
				return; /* the hidden half of the flash */
		}
	}
	if (s == NULL || f == NULL)
		return;
	s->SetFont(s, f);
	render_set_color(s, 0xff000000u | op->color);
	s->SetDrawingFlags(s, DSDRAW_NOFX);
	if (op->kind == MULTI_OP_MOVE) {
		int tw = render_mf_width(
		    p->r, op->font, text, len, op->char_spacing);
		int64_t steps = op->move_step_ms > 0 ? t / op->move_step_ms : 0;
		int64_t span = (int64_t)tw + op->w, off;
		DFBRegion clip = { x, y0 + op->y, x + op->w - 1,
			y0 + op->y + op->h - 1 };
		if (span <= 0)
			return;
		off = steps * op->move_step_px;
		if (op->move_mode == MULTI_MOVE_LINEAR && off >= span)
			return; /* linear: once through per showing of the page */
		off %= span;
		if (op->move_dir == MULTI_MOVE_LEFT)
			x = x + op->w - (int)off;
		else
			x = x - tw + (int)off;
		s->SetClip(s, &clip);
		render_msg_string(
		    s, f, text, len, x, y0 + op->glyph_y, op->char_spacing);
		if (op->move_step_ms > 0)
			p->next = render_min(
			    p->next, op->move_step_ms - t % op->move_step_ms);
		return;
	}
	render_msg_string(
	    s, f, text, len, x, y0 + op->glyph_y, op->char_spacing);
}

/* Draw msg into the zone at x0, y0 (its size was the layout's). */
static void
render_message(struct render_pass *p, const struct render_message *msg, int x0,
    int y0, int w, int h)
{
	IDirectFBSurface *s = p->s;
	const struct multi_page *pg;
	int64_t next;
	int off;
	char plain[LAYOUT_TEXT_LEN] = "";
	DFBRegion zone = { x0, y0, x0 + w - 1, y0 + h - 1 };

	pg = render_msg_page(msg->multi, p->wall_ms - msg->since_ms, &off,
	    &next, &p->msg_page_t);
	p->next = render_min(p->next, next);
	if (s != NULL)
		s->SetClip(s, &zone);
	render_fill(s, 0xff000000u | pg->background, x0, y0, w, h);
	for (int i = 0; !off && i < pg->nops; i++) {
		const struct multi_op *op = &pg->ops[i];
		if (s != NULL)
			s->SetClip(s, &zone);
		switch (op->kind) {
		case MULTI_OP_FILL:
			if (i > 0)
				render_fill(s, 0xff000000u | op->color,
				    x0 + op->x, y0 + op->y, op->w, op->h);
			break;
		case MULTI_OP_GRAPHIC:
			if (s != NULL && op->graphic > 0 &&
			    op->graphic < RENDER_MSG_NUMBERS &&
			    p->r->msgimage[op->graphic] >= 0) {
				struct render_image *img =
				    &p->r->images[p->r->msgimage[op->graphic]];
				s->SetBlittingFlags(
				    s, DSBLIT_BLEND_ALPHACHANNEL);
				s->SetSrcBlendFunction(s, DSBF_ONE);
				s->SetDstBlendFunction(s, DSBF_INVSRCALPHA);
				s->Blit(s, img->surface, NULL, x0 + op->x,
				    y0 + op->y);
				s->SetSrcBlendFunction(s, DSBF_SRCALPHA);
			}
			break;
		default:
			render_msg_text(p, op, x0, y0, plain, sizeof(plain));
			break;
		}
	}
	if (p->emit != NULL)
		p->emit(p->emit_arg, p->region, p->region_name, p->page,
		    "message", plain, msg->id);
}

static const struct render_message *
render_zone_message(struct render_pass *p, const char *zone, int w, int h)
{
	if (p->src == NULL || p->src->message == NULL)
		return NULL;
	return p->src->message(p->src->ctx, zone, w, h, p->wall_ms);
}

static void
render_widget(struct render_pass *p, const struct layout_widget *w, int x,
    int y, int ww, int wh)
{
	struct render_style st;
	char clock[128];

	render_style_of(w, &st);
	switch (w->type) {
	case LAYOUT_WIDGET_TEXT:
		render_text(p, &st, w->text, x, y, ww, wh);
		if (p->emit != NULL)
			p->emit(p->emit_arg, p->region, p->region_name, p->page,
			    "text", w->text, NULL);
		break;
	case LAYOUT_WIDGET_CLOCK:
		render_clock_text(w, p->wall_ms, clock, sizeof(clock));
		render_text(p, &st, clock, x, y, ww, wh);
		p->next = render_min(p->next, render_clock_next(w, p->wall_ms));
		if (p->emit != NULL)
			p->emit(p->emit_arg, p->region, p->region_name, p->page,
			    "clock", clock, NULL);
		break;
	case LAYOUT_WIDGET_IMAGE:
		render_image(p, w, x, y, ww, wh);
		if (p->emit != NULL)
			p->emit(p->emit_arg, p->region, p->region_name, p->page,
			    "image",
			    strrchr(w->image, '/') ?
				strrchr(w->image, '/') + 1 :
				w->image,
			    NULL);
		break;
	case LAYOUT_WIDGET_PARK:
		render_park(p, w, x, y, ww, wh);
		break;
	case LAYOUT_WIDGET_PARK_LIST:
		render_park_list(p, w, x, y, ww, wh);
		break;
	case LAYOUT_WIDGET_PARK_SUM:
		render_park_sum(p, w, x, y, ww, wh);
		break;
	case LAYOUT_WIDGET_TRAVEL:
		render_travel(p, w, x, y, ww, wh);
		break;
	case LAYOUT_WIDGET_TICKER:
		render_ticker(p, w, x, y, ww, wh);
		break;
	case LAYOUT_WIDGET_DEPARTURES:
		render_departures(p, w, x, y, ww, wh);
		break;
	}
}

static int64_t
render_walk(struct render_pass *p)
{
	const struct layout *l = p->r->layout;
	const struct layout_region *reg = l->regions.v;
	IDirectFBSurface *s = p->s;

	p->next = RENDER_NEVER;
	if (s != NULL) {
		s->SetClip(s, NULL);
		render_fill(
		    s, l->background | 0xff000000u, 0, 0, l->width, l->height);
	}
	/* An emergency, or a message for the whole board, takes it all. */
	{
		const struct render_message *m =
		    render_zone_message(p, "board", l->width, l->height);
		if (m != NULL) {
			p->region_name = "board";
			render_message(p, m, 0, 0, l->width, l->height);
			if (s != NULL)
				s->SetClip(s, NULL);
			return p->next;
		}
	}
	for (size_t i = 0; i < l->regions.n; i++) {
		const struct layout_region *rg = &reg[i];
		DFBRegion clip = { rg->x, rg->y, rg->x + rg->w - 1,
			rg->y + rg->h - 1 };
		const struct layout_widget *w;
		size_t n;

		p->region = i;
		p->region_name = rg->name;
		p->zone = rg->zone;
		p->page = render_page(p->r, i, p->anim_ms);
		if (s != NULL)
			s->SetClip(s, &clip);
		render_fill(s, rg->background, rg->x, rg->y, rg->w, rg->h);
		/* A ticker runs its zone's messages among its items. */
		if (rg->zone[0] != '\0' && !layout_region_has_ticker(rg)) {
			const struct render_message *m =
			    render_zone_message(p, rg->zone, rg->w, rg->h);
			if (m != NULL) {
				render_message(
				    p, m, rg->x, rg->y, rg->w, rg->h);
				continue;
			}
		}
		w = layout_region_widgets(rg, p->page, &n);
		p->next = render_min(p->next, render_page_next(rg, p->anim_ms));
		for (size_t k = 0; k < n; k++) {
			int x = rg->x + w[k].x, y = rg->y + w[k].y;
			int ww = w[k].w ? w[k].w : rg->w - w[k].x;
			int wh = w[k].h ? w[k].h : rg->h - w[k].y;
			DFBRegion wc = { x, y, x + ww - 1, y + wh - 1 };

			if (s != NULL)
				s->SetClip(s, &wc);
			render_fill(s, w[k].background, x, y, ww, wh);
			render_widget(p, &w[k], x, y, ww, wh);
		}
	}
	if (s != NULL)
		s->SetClip(s, NULL);
	return p->next;
}

int64_t
render_draw(struct render *r, IDirectFBSurface *s, int64_t wall_ms,
    int64_t anim_ms, const struct render_source *src)
{
	struct render_pass p;

	memset(&p, 0, sizeof(p));
	p.r = r;
	p.s = s;
	p.wall_ms = wall_ms;
	p.anim_ms = anim_ms;
	p.src = src;
	return render_walk(&p);
}

void
render_readout(struct render *r, int64_t wall_ms, int64_t anim_ms,
    const struct render_source *src, render_emit_cb *emit, void *arg)
{
	struct render_pass p;

	memset(&p, 0, sizeof(p));
	p.r = r;
	p.wall_ms = wall_ms;
	p.anim_ms = anim_ms;
	p.src = src;
	p.emit = emit;
	p.emit_arg = arg;
	render_walk(&p);
}
