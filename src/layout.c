/*
 * layout: JSON layouts through schema tables, then the checks a table
 * cannot express: regions inside the board, widgets inside their region,
 * fonts and images that exist, the right keys for each widget type.
 */
#include "layout.h"

#include <json.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "info.h"

static const char *const layout_types[] = { "text", "clock", "image", "park",
	"park_list", "park_sum", "travel", "ticker", "departures", NULL };
static const char *const layout_aligns[] = { "left", "center", "right", NULL };
static const char *const layout_valigns[] = { "top", "middle", "bottom", NULL };
static const char *const layout_overflows[] = { "clip", "scroll", "shrink",
	NULL };

#define PR(f) offsetof(struct layout_park_ref, f)
static const struct schema_field layout_park_ref_schema[] = {
	{ "id", SCHEMA_STRING, PR(id), 1, 64, NULL, 1, NULL, NULL, 0,
	    "car park id in the feed" },
	{ "label", SCHEMA_STRING, PR(label), 0, 96, "", 0, NULL, NULL, 0,
	    "name shown (\"\" = the feed's name)" },
	{ NULL },
};
#undef PR

#define WD(f) offsetof(struct layout_words, f)
static const struct schema_field layout_words_schema[] = {
	{ "full", SCHEMA_STRING, WD(full), 0, LAYOUT_WORD_LEN, "FULL", 0, NULL,
	    NULL, 0, "shown for a full car park (\"besetzt\", \"complet\")" },
	{ "closed", SCHEMA_STRING, WD(closed), 0, LAYOUT_WORD_LEN, "CLOSED", 0,
	    NULL, NULL, 0, "shown for a closed car park (\"geschlossen\")" },
	{ "nodata", SCHEMA_STRING, WD(nodata), 0, LAYOUT_WORD_LEN, "---", 0,
	    NULL, NULL, 0, "shown without reliable data" },
	{ NULL },
};
#undef WD

#define PC(f) offsetof(struct layout_park_colors, f)
static const struct schema_field layout_park_colors_schema[] = {
	{ "free", SCHEMA_COLOR, PC(free), 0, 0, "#3CFF3C", 0, NULL, NULL, 0,
	    "a count above few" },
	{ "few", SCHEMA_COLOR, PC(few), 0, 0, "#FFB000", 0, NULL, NULL, 0,
	    "a count at or below few" },
	{ "full", SCHEMA_COLOR, PC(full), 0, 0, "#FF3C28", 0, NULL, NULL, 0,
	    "FULL" },
	{ "closed", SCHEMA_COLOR, PC(closed), 0, 0, "#FF3C28", 0, NULL, NULL, 0,
	    "CLOSED" },
	{ "nodata", SCHEMA_COLOR, PC(nodata), 0, 0, "#FFFFFF", 0, NULL, NULL, 0,
	    "no reliable data" },
	{ NULL },
};
#undef PC

#define DC(f) offsetof(struct layout_delay_colors, f)
static const struct schema_field layout_delay_colors_schema[] = {
	{ "normal", SCHEMA_COLOR, DC(normal), 0, 0, "#3CFF3C", 0, NULL, NULL, 0,
	    "on time, or less late than delayed" },
	{ "delayed", SCHEMA_COLOR, DC(delayed), 0, 0, "#FFB000", 0, NULL, NULL,
	    0, "travel: delay of delayed minutes or more; departures: +N" },
	{ "heavy", SCHEMA_COLOR, DC(heavy), 0, 0, "#FF3C28", 0, NULL, NULL, 0,
	    "travel: delay of heavy minutes or more" },
	{ "nodata", SCHEMA_COLOR, DC(nodata), 0, 0, "#FFFFFF", 0, NULL, NULL, 0,
	    "travel: no reliable data (---)" },
	{ NULL },
};
#undef DC

#define SC(f) offsetof(struct layout_severity_colors, f)
static const struct schema_field layout_severity_colors_schema[] = {
	{ "highest", SCHEMA_COLOR, SC(highest), 0, 0, "#FF3C28", 0, NULL, NULL,
	    0, "severity highest" },
	{ "high", SCHEMA_COLOR, SC(high), 0, 0, "#FF3C28", 0, NULL, NULL, 0,
	    "severity high" },
	{ "medium", SCHEMA_COLOR, SC(medium), 0, 0, "#FFB000", 0, NULL, NULL, 0,
	    "severity medium" },
	{ "low", SCHEMA_COLOR, SC(low), 0, 0, "#FFFFFF", 0, NULL, NULL, 0,
	    "severity low" },
	{ "lowest", SCHEMA_COLOR, SC(lowest), 0, 0, "#FFFFFF", 0, NULL, NULL, 0,
	    "severity lowest" },
	{ "none", SCHEMA_COLOR, SC(none), 0, 0, "#FFFFFF", 0, NULL, NULL, 0,
	    "no or an unknown severity" },
	{ "message", SCHEMA_COLOR, SC(message), 0, 0, "#3CC8FF", 0, NULL, NULL,
	    0, "operator messages" },
	{ NULL },
};
#undef SC

#define W(f) offsetof(struct layout_widget, f)
static const struct schema_field layout_widget_schema[] = {
	{ "type", SCHEMA_ENUM, W(type), 0, 0, NULL, 1, layout_types, NULL, 0,
	    "text, clock, image, park, park_list, park_sum, travel, ticker or "
	    "departures" },
	{ "x", SCHEMA_INT, W(x), 0, LAYOUT_MAX_SIZE, "0", 0, NULL, NULL, 0,
	    "left edge inside the region" },
	{ "y", SCHEMA_INT, W(y), 0, LAYOUT_MAX_SIZE, "0", 0, NULL, NULL, 0,
	    "top edge inside the region" },
	{ "w", SCHEMA_INT, W(w), 0, LAYOUT_MAX_SIZE, "0", 0, NULL, NULL, 0,
	    "width, 0 = to the region's right edge" },
	{ "h", SCHEMA_INT, W(h), 0, LAYOUT_MAX_SIZE, "0", 0, NULL, NULL, 0,
	    "height, 0 = to the region's bottom edge" },
	{ "text", SCHEMA_STRING, W(text), 0, LAYOUT_TEXT_LEN, "", 0, NULL, NULL,
	    0, "text widget: UTF-8 text" },
	{ "format", SCHEMA_STRING, W(format), 1, 64, "%H:%M", 0, NULL, NULL, 0,
	    "clock widget: strftime format, local time of the config's "
	    "timezone" },
	{ "file", SCHEMA_STRING, W(image), 0, LAYOUT_PATH_LEN, "", 0, NULL,
	    NULL, 0, "image widget: PNG file, relative to the layout" },
	{ "font", SCHEMA_STRING, W(font), 1, LAYOUT_NAME_LEN, "medium", 0, NULL,
	    NULL, 0,
	    "font name (built-in small, medium, large, or "
	    "one from fonts[])" },
	{ "shrink_font", SCHEMA_STRING, W(shrink_font), 0, LAYOUT_NAME_LEN,
	    "small", 0, NULL, NULL, 0, "overflow shrink: the smaller font" },
	{ "color", SCHEMA_COLOR, W(color), 0, 0, "#FFB000", 0, NULL, NULL, 0,
	    "text colour" },
	{ "background", SCHEMA_COLOR, W(background), 0, 0, "#00000000", 0, NULL,
	    NULL, 0, "fill behind the widget (alpha 00 = none)" },
	{ "align", SCHEMA_ENUM, W(align), 0, 0, "left", 0, layout_aligns, NULL,
	    0, "horizontal alignment" },
	{ "valign", SCHEMA_ENUM, W(valign), 0, 0, "middle", 0, layout_valigns,
	    NULL, 0, "vertical alignment" },
	{ "overflow", SCHEMA_ENUM, W(overflow), 0, 0, "clip", 0,
	    layout_overflows, NULL, 0,
	    "text wider than the widget: clip, scroll (marquee) or shrink "
	    "(use shrink_font, then clip)" },
	{ "scroll_speed", SCHEMA_INT, W(scroll_speed), 1, 1000, "30", 0, NULL,
	    NULL, 0, "overflow scroll: pixels per second" },
	{ "feed", SCHEMA_STRING, W(feed), 0, 32, "", 0, NULL, NULL, 0,
	    "parking widgets: the feed id" },
	{ "item", SCHEMA_STRING, W(item), 0, 64, "", 0, NULL, NULL, 0,
	    "park: the car park's id in the feed" },
	{ "label", SCHEMA_STRING, W(label), 0, 96, "", 0, NULL, NULL, 0,
	    "park: name shown (\"\" = the feed's name)" },
	{ "items", SCHEMA_ARRAY, W(items), 0, LAYOUT_MAX_PARK_ITEMS, NULL, 0,
	    NULL, layout_park_ref_schema, sizeof(struct layout_park_ref),
	    "park_list, park_sum: car parks in order (none = all of the feed); "
	    "travel: the routes (id = location reference, label = name)" },
	{ "words", SCHEMA_OBJECT, W(words), 0, 0, NULL, 0, NULL,
	    layout_words_schema, 0, "parking widgets: words for states" },
	{ "colors", SCHEMA_OBJECT, W(colors), 0, 0, NULL, 0, NULL,
	    layout_park_colors_schema, 0, "parking widgets: value colours" },
	{ "few", SCHEMA_INT, W(few), 0, 100000, "0", 0, NULL, NULL, 0,
	    "parking: counts at or below this show in colors.few (0 = off)" },
	{ "offset", SCHEMA_INT, W(offset), 0, 100000, "0", 0, NULL, NULL, 0,
	    "parking: show this many fewer spaces than reported" },
	{ "min", SCHEMA_INT, W(min_show), 0, 100000, "0", 0, NULL, NULL, 0,
	    "parking: smallest count shown (a smaller one shows as this)" },
	{ "max", SCHEMA_INT, W(max_show), 0, 100000, "99999", 0, NULL, NULL, 0,
	    "parking: largest count shown (e.g. 999 on a 3-digit panel)" },
	{ "trend", SCHEMA_BOOL, W(trend), 0, 0, "false", 0, NULL, NULL, 0,
	    "parking: an arrow after the value, ↓ filling, ↑ emptying" },
	{ "row_h", SCHEMA_INT, W(row_h), 0, LAYOUT_MAX_SIZE, "0", 0, NULL, NULL,
	    0, "park_list, travel, departures: row height (0 = the font's)" },
	{ "page_ms", SCHEMA_INT, W(page_ms), 500, 3600000, "5000", 0, NULL,
	    NULL, 0,
	    "park_list, travel, departures: time per page when the rows do "
	    "not fit" },
	{ "value_w", SCHEMA_INT, W(value_w), 0, LAYOUT_MAX_SIZE, "0", 0, NULL,
	    NULL, 0,
	    "park, park_list, travel: width of the value column (0 = as "
	    "needed)" },
	{ "scroll_gap", SCHEMA_INT, W(scroll_gap), 0, LAYOUT_MAX_SIZE, "32", 0,
	    NULL, NULL, 0,
	    "overflow scroll: pixels between repeats; ticker: blank pixels "
	    "around the separator (half on each side)" },
	{ "delay_colors", SCHEMA_OBJECT, W(delay_colors), 0, 0, NULL, 0, NULL,
	    layout_delay_colors_schema, 0,
	    "travel, departures: colours by delay" },
	{ "severity_colors", SCHEMA_OBJECT, W(severity_colors), 0, 0, NULL, 0,
	    NULL, layout_severity_colors_schema, 0,
	    "ticker: colours by severity, and for operator messages" },
	{ "delayed", SCHEMA_INT, W(delayed), 1, 9999, "5", 0, NULL, NULL, 0,
	    "travel: a delay of this many minutes or more is delayed" },
	{ "heavy", SCHEMA_INT, W(heavy), 1, 9999, "15", 0, NULL, NULL, 0,
	    "travel: a delay of this many minutes or more is heavy" },
	{ "delay_w", SCHEMA_INT, W(delay_w), 0, LAYOUT_MAX_SIZE, "0", 0, NULL,
	    NULL, 0, "travel, departures: delay column width (0 = \"+99\")" },
	{ "time_w", SCHEMA_INT, W(time_w), 0, LAYOUT_MAX_SIZE, "0", 0, NULL,
	    NULL, 0, "departures: time column width (0 = \"00:00\")" },
	{ "line_w", SCHEMA_INT, W(line_w), 0, LAYOUT_MAX_SIZE, "0", 0, NULL,
	    NULL, 0, "departures: line column width (0 = the widest line)" },
	{ "platform_w", SCHEMA_INT, W(platform_w), 0, LAYOUT_MAX_SIZE, "0", 0,
	    NULL, NULL, 0,
	    "departures: platform column width (0 = the widest platform)" },
	{ "first_priority", SCHEMA_INT, W(first_priority), 1, 255, "128", 0,
	    NULL, NULL, 0,
	    "ticker: operator messages of the region's zone at or above this "
	    "priority run before the traffic situations, the others one "
	    "after each situation" },
	{ "separator", SCHEMA_STRING, W(separator), 0, LAYOUT_WORD_LEN, "+++",
	    0, NULL, NULL, 0, "ticker: drawn between items" },
	{ "empty_text", SCHEMA_STRING, W(empty_text), 0, LAYOUT_TEXT_LEN, "", 0,
	    NULL, NULL, 0,
	    "ticker, departures: shown when there is nothing to show "
	    "(\"Keine Meldungen\")" },
	{ "nodata_text", SCHEMA_STRING, W(nodata_text), 0, LAYOUT_TEXT_LEN, "",
	    0, NULL, NULL, 0,
	    "ticker, departures: shown when the feed has no fresh data "
	    "(\"keine Daten\")" },
	{ NULL },
};
#undef W

#define P(f) offsetof(struct layout_page, f)
static const struct schema_field layout_page_schema[] = {
	{ "duration_ms", SCHEMA_INT, P(duration_ms), 100, 3600000, "5000", 0,
	    NULL, NULL, 0, "how long the page shows" },
	{ "widgets", SCHEMA_ARRAY, P(widgets), 1, LAYOUT_MAX_WIDGETS, NULL, 1,
	    NULL, layout_widget_schema, sizeof(struct layout_widget),
	    "the page's widgets" },
	{ NULL },
};
#undef P

#define R(f) offsetof(struct layout_region, f)
static const struct schema_field layout_region_schema[] = {
	{ "name", SCHEMA_STRING, R(name), 1, LAYOUT_NAME_LEN, NULL, 1, NULL,
	    NULL, 0, "region name (unique; health and the API report it)" },
	{ "x", SCHEMA_INT, R(x), 0, LAYOUT_MAX_SIZE, NULL, 1, NULL, NULL, 0,
	    "left edge on the board" },
	{ "y", SCHEMA_INT, R(y), 0, LAYOUT_MAX_SIZE, NULL, 1, NULL, NULL, 0,
	    "top edge on the board" },
	{ "w", SCHEMA_INT, R(w), 1, LAYOUT_MAX_SIZE, NULL, 1, NULL, NULL, 0,
	    "width" },
	{ "h", SCHEMA_INT, R(h), 1, LAYOUT_MAX_SIZE, NULL, 1, NULL, NULL, 0,
	    "height" },
	{ "zone", SCHEMA_STRING, R(zone), 0, LAYOUT_NAME_LEN, "", 0, NULL, NULL,
	    0,
	    "message area: operator messages for this zone replace the "
	    "region's content while active (\"\" = none)" },
	{ "background", SCHEMA_COLOR, R(background), 0, 0, "#00000000", 0, NULL,
	    NULL, 0, "fill (alpha 00 = the board's background)" },
	{ "widgets", SCHEMA_ARRAY, R(widgets), 1, LAYOUT_MAX_WIDGETS, NULL, 0,
	    NULL, layout_widget_schema, sizeof(struct layout_widget),
	    "widgets shown all the time (or use pages)" },
	{ "pages", SCHEMA_ARRAY, R(pages), 1, LAYOUT_MAX_PAGES, NULL, 0, NULL,
	    layout_page_schema, sizeof(struct layout_page),
	    "pages shown in turn (or use widgets)" },
	{ NULL },
};
#undef R

#define F(f) offsetof(struct layout_font, f)
static const struct schema_field layout_font_schema[] = {
	{ "name", SCHEMA_STRING, F(name), 1, LAYOUT_NAME_LEN, NULL, 1, NULL,
	    NULL, 0, "name widgets use" },
	{ "file", SCHEMA_STRING, F(file), 1, LAYOUT_PATH_LEN, NULL, 1, NULL,
	    NULL, 0, "BDF (or any FreeType) font file" },
	{ "size", SCHEMA_INT, F(size), 4, 256, NULL, 1, NULL, NULL, 0,
	    "pixel size (a BDF font's PIXEL_SIZE)" },
	{ NULL },
};
#undef F

#define L(f) offsetof(struct layout, f)
static const struct schema_field layout_schema[] = {
	{ "width", SCHEMA_INT, L(width), 8, LAYOUT_MAX_SIZE, NULL, 1, NULL,
	    NULL, 0, "board width in pixels (must equal display.width)" },
	{ "height", SCHEMA_INT, L(height), 8, LAYOUT_MAX_SIZE, NULL, 1, NULL,
	    NULL, 0, "board height in pixels (must equal display.height)" },
	{ "background", SCHEMA_COLOR, L(background), 0, 0, "#000000", 0, NULL,
	    NULL, 0, "board background" },
	{ "fonts", SCHEMA_ARRAY, L(fonts), 0, LAYOUT_MAX_FONTS, NULL, 0, NULL,
	    layout_font_schema, sizeof(struct layout_font),
	    "extra fonts beside the built-in small, medium and large" },
	{ "regions", SCHEMA_ARRAY, L(regions), 1, LAYOUT_MAX_REGIONS, NULL, 1,
	    NULL, layout_region_schema, sizeof(struct layout_region),
	    "the board's regions" },
	{ NULL },
};
#undef L

/*
 * The fonts in fonts/ (see fonts/README) at their PIXEL_SIZE; a layout may
 * add others or override these names.
 */
#define LAYOUT_FONT_SMALL_PX  10
#define LAYOUT_FONT_MEDIUM_PX 20
#define LAYOUT_FONT_LARGE_PX  25

static const struct layout_font layout_builtin_fonts[] = {
	{ "small", "tafel-small.bdf", LAYOUT_FONT_SMALL_PX },
	{ "medium", "tafel-medium.bdf", LAYOUT_FONT_MEDIUM_PX },
	{ "large", "tafel-large.bdf", LAYOUT_FONT_LARGE_PX },
};

void
layout_help(FILE *f)
{
	schema_help(layout_schema, "", f);
}

/* Resolve rel beside the layout, else in fonts_dir (when given). */
static int
layout_resolve(char *out, size_t size, const char *layout_dir,
    const char *fonts_dir, const char *rel)
{
	if (util_path_join(out, size, layout_dir, rel) != 0)
		return -1;
	if (access(out, R_OK) == 0 || fonts_dir == NULL || rel[0] == '/')
		return access(out, R_OK);
	if (util_path_join(out, size, fonts_dir, rel) != 0)
		return -1;
	return access(out, R_OK);
}

const struct layout_font *
layout_font_find(const struct layout *l, const char *name)
{
	const struct layout_font *f = l->fonts.v;

	for (size_t i = 0; i < l->fonts.n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

const struct layout_widget *
layout_region_widgets(const struct layout_region *r, size_t page, size_t *n)
{
	const struct layout_page *p = r->pages.v;

	if (r->pages.n == 0) {
		*n = r->widgets.n;
		return r->widgets.v;
	}
	p += page % r->pages.n;
	*n = p->widgets.n;
	return p->widgets.v;
}

/* Add the built-in fonts a layout does not override. */
static void
layout_add_builtins(struct layout *l, const char *fonts_dir)
{
	size_t nb =
	    sizeof(layout_builtin_fonts) / sizeof(layout_builtin_fonts[0]);
	struct layout_font *v = util_calloc(l->fonts.n + nb, sizeof(*v));
	size_t n = l->fonts.n;

	if (l->fonts.n > 0)
		memcpy(v, l->fonts.v, l->fonts.n * sizeof(*v));
	for (size_t i = 0; i < nb; i++) {
		const struct layout_font *b = &layout_builtin_fonts[i];
		if (layout_font_find(l, b->name) != NULL)
			continue;
		v[n] = *b;
		util_path_join(
		    v[n].file, sizeof(v[n].file), fonts_dir, b->file);
		n++;
	}
	free(l->fonts.v);
	l->fonts.v = v;
	l->fonts.n = n;
}

/* The keys of the traffic widgets a schema table cannot relate. */
static void
layout_check_traffic(struct layout *l, const struct layout_widget *w,
    const char *path, struct util_errs *errs)
{
	const char *type = layout_types[w->type];

	if (layout_font_find(l, w->font) == NULL)
		util_errs_add(
		    errs, "%s.font: unknown font \"%s\"", path, w->font);
	/* A ticker may show operator messages only. */
	if (w->feed[0] == '\0' && w->type != LAYOUT_WIDGET_TICKER)
		util_errs_add(
		    errs, "%s.feed: required for a %s widget", path, type);
	if (w->type == LAYOUT_WIDGET_TRAVEL && w->items.n == 0)
		util_errs_add(errs,
		    "%s.items: required for a travel widget (the routes, "
		    "[{\"id\": location reference, \"label\": name}])",
		    path);
	if (w->type != LAYOUT_WIDGET_TRAVEL && w->items.n > 0)
		util_errs_add(
		    errs, "%s.items: not for a %s widget", path, type);
	if (w->type == LAYOUT_WIDGET_TRAVEL && w->heavy < w->delayed)
		util_errs_add(errs, "%s.heavy: %d is less than delayed %d",
		    path, w->heavy, w->delayed);
	if (w->overflow != LAYOUT_OVERFLOW_CLIP)
		util_errs_add(errs,
		    "%s.overflow: a %s widget clips (a ticker always "
		    "scrolls when its items do not fit)",
		    path, type);
}

static void
layout_check_widget(struct layout *l, struct layout_widget *w,
    const struct layout_region *r, const char *path, const char *dir,
    const char *fonts_dir, struct util_errs *errs)
{
	char full[LAYOUT_PATH_LEN];
	int ww = w->w ? w->w : r->w - w->x;
	int wh = w->h ? w->h : r->h - w->y;

	if (w->x + ww > r->w || w->y + wh > r->h || ww <= 0 || wh <= 0)
		util_errs_add(errs,
		    "%s: widget %d,%d %dx%d outside its region "
		    "\"%s\" (%dx%d)",
		    path, w->x, w->y, ww, wh, r->name, r->w, r->h);
	switch (w->type) {
	case LAYOUT_WIDGET_TEXT:
	case LAYOUT_WIDGET_CLOCK:
		if (layout_font_find(l, w->font) == NULL)
			util_errs_add(errs, "%s.font: unknown font \"%s\"",
			    path, w->font);
		if (w->overflow == LAYOUT_OVERFLOW_SHRINK &&
		    layout_font_find(l, w->shrink_font) == NULL)
			util_errs_add(errs,
			    "%s.shrink_font: unknown font \"%s\"", path,
			    w->shrink_font);
		if (w->type == LAYOUT_WIDGET_TEXT && w->image[0] != '\0')
			util_errs_add(
			    errs, "%s.file: only for image widgets", path);
		break;
	case LAYOUT_WIDGET_PARK:
	case LAYOUT_WIDGET_PARK_LIST:
	case LAYOUT_WIDGET_PARK_SUM:
		if (layout_font_find(l, w->font) == NULL)
			util_errs_add(errs, "%s.font: unknown font \"%s\"",
			    path, w->font);
		if (w->feed[0] == '\0')
			util_errs_add(errs, "%s.feed: required for a %s widget",
			    path, layout_types[w->type]);
		if (w->type == LAYOUT_WIDGET_PARK && w->item[0] == '\0')
			util_errs_add(
			    errs, "%s.item: required for a park widget", path);
		if (w->min_show > w->max_show)
			util_errs_add(errs, "%s.min: %d is more than max %d",
			    path, w->min_show, w->max_show);
		break;
	case LAYOUT_WIDGET_TRAVEL:
	case LAYOUT_WIDGET_TICKER:
	case LAYOUT_WIDGET_DEPARTURES:
		layout_check_traffic(l, w, path, errs);
		break;
	case LAYOUT_WIDGET_IMAGE:
		if (w->image[0] == '\0') {
			util_errs_add(errs,
			    "%s.file: required for an image "
			    "widget",
			    path);
			break;
		}
		if (layout_resolve(full, sizeof(full), dir, NULL, w->image) !=
		    0) {
			util_errs_add(
			    errs, "%s.file: cannot read \"%s\"", path, full);
			break;
		}
		util_strlcpy(w->image, full, sizeof(w->image));
		break;
	}
	(void)fonts_dir;
}

static void
layout_check(struct layout *l, const char *dir, const char *fonts_dir,
    struct util_errs *errs)
{
	struct layout_font *f = l->fonts.v;
	struct layout_region *r = l->regions.v;
	char path[128], full[LAYOUT_PATH_LEN];

	for (size_t i = 0; i < l->fonts.n; i++) {
		for (size_t j = 0; j < i; j++)
			if (strcmp(f[i].name, f[j].name) == 0)
				util_errs_add(errs,
				    "fonts[%zu].name: \"%s\" "
				    "already defined",
				    i, f[i].name);
		if (layout_resolve(
			full, sizeof(full), dir, fonts_dir, f[i].file) != 0)
			util_errs_add(errs,
			    "fonts[%zu].file: cannot read \"%s\"", i,
			    f[i].file);
		else
			util_strlcpy(f[i].file, full, sizeof(f[i].file));
	}
	layout_add_builtins(l, fonts_dir);
	for (size_t i = 0; i < l->regions.n; i++) {
		struct layout_region *ri = &r[i];
		snprintf(path, sizeof(path), "regions[%zu]", i);
		for (size_t j = 0; j < i; j++)
			if (strcmp(ri->name, r[j].name) == 0)
				util_errs_add(errs,
				    "%s.name: \"%s\" already used "
				    "by regions[%zu]",
				    path, ri->name, j);
		if (ri->x + ri->w > l->width || ri->y + ri->h > l->height)
			util_errs_add(errs,
			    "%s: region \"%s\" %d,%d %dx%d outside "
			    "the board (%dx%d)",
			    path, ri->name, ri->x, ri->y, ri->w, ri->h,
			    l->width, l->height);
		if ((ri->widgets.n > 0) == (ri->pages.n > 0)) {
			util_errs_add(
			    errs, "%s: give either widgets or pages", path);
			continue;
		}
		for (size_t k = 0; k < ri->widgets.n; k++) {
			char wp[160];
			snprintf(wp, sizeof(wp), "%s.widgets[%zu]", path, k);
			layout_check_widget(l,
			    (struct layout_widget *)ri->widgets.v + k, ri, wp,
			    dir, fonts_dir, errs);
		}
		for (size_t p = 0; p < ri->pages.n; p++) {
			struct layout_page *pg =
			    (struct layout_page *)ri->pages.v + p;
			for (size_t k = 0; k < pg->widgets.n; k++) {
				char wp[160];
				snprintf(wp, sizeof(wp),
				    "%s.pages[%zu].widgets[%zu]", path, p, k);
				layout_check_widget(l,
				    (struct layout_widget *)pg->widgets.v + k,
				    ri, wp, dir, fonts_dir, errs);
			}
		}
	}
}

struct layout *
layout_load(const char *path, const char *fonts_dir, struct util_errs *errs)
{
	struct util_errs local;
	struct json_object *obj;
	struct layout *l;
	char dir[PATH_MAX];

	memset(&local, 0, sizeof(local));
	obj = schema_parse_file(path, &local);
	l = util_calloc(1, sizeof(*l));
	util_strlcpy(l->path, path, sizeof(l->path));
	if (obj != NULL) {
		schema_load(layout_schema, obj, l, "", &local);
		json_object_put(obj);
		util_dirname(path, dir, sizeof(dir));
		if (util_errs_count(&local) == 0)
			layout_check(l, dir, fonts_dir, &local);
	}
	/* Prefix every error with the file it is about. */
	for (size_t i = 0; i < local.n; i++) {
		if (strncmp(local.msg[i], path, strlen(path)) == 0)
			util_errs_add(errs, "%s", local.msg[i]);
		else
			util_errs_add(errs, "%s: %s", path, local.msg[i]);
	}
	errs->dropped += local.dropped;
	if (util_errs_count(&local) > 0) {
		layout_free(l);
		return NULL;
	}
	return l;
}

/* The enum info_kind a widget type shows, or -1 for none. */
static int
layout_widget_kind(int type)
{
	switch (type) {
	case LAYOUT_WIDGET_PARK:
	case LAYOUT_WIDGET_PARK_LIST:
	case LAYOUT_WIDGET_PARK_SUM:
		return INFO_KIND_PARK;
	case LAYOUT_WIDGET_TRAVEL:
		return INFO_KIND_TRAVEL;
	case LAYOUT_WIDGET_TICKER:
		return INFO_KIND_SITUATION;
	case LAYOUT_WIDGET_DEPARTURES:
		return INFO_KIND_DEPARTURE;
	default:
		return -1;
	}
}

static void
layout_feed_refs(const struct layout *l, const struct schema_array *ws,
    const char *path, int (*known)(const char *, void *), void *arg,
    struct util_errs *errs)
{
	static const char *const kinds[] = { "parking", "travel time",
		"traffic situation", "departure" };
	const struct layout_widget *w = ws->v;
	int kind, want;

	for (size_t k = 0; k < ws->n; k++) {
		if (w[k].feed[0] == '\0')
			continue;
		kind = known(w[k].feed, arg);
		if (kind < 0) {
			util_errs_add(errs,
			    "%s: %s.widgets[%zu].feed: no feed "
			    "\"%s\" in the configuration",
			    l->path, path, k, w[k].feed);
			continue;
		}
		want = layout_widget_kind(w[k].type);
		if (want >= 0 && kind != want && kind >= 0 && kind <= 3)
			util_errs_add(errs,
			    "%s: %s.widgets[%zu].feed: \"%s\" is a %s feed; "
			    "this widget shows %s data",
			    l->path, path, k, w[k].feed, kinds[kind],
			    kinds[want]);
	}
}

void
layout_check_feeds(const struct layout *l, int (*known)(const char *, void *),
    void *arg, struct util_errs *errs)
{
	const struct layout_region *r = l->regions.v;
	char path[96];

	for (size_t i = 0; i < l->regions.n; i++) {
		const struct layout_page *p = r[i].pages.v;
		snprintf(path, sizeof(path), "regions[%zu]", i);
		layout_feed_refs(l, &r[i].widgets, path, known, arg, errs);
		for (size_t k = 0; k < r[i].pages.n; k++) {
			snprintf(path, sizeof(path), "regions[%zu].pages[%zu]",
			    i, k);
			layout_feed_refs(
			    l, &p[k].widgets, path, known, arg, errs);
		}
	}
}

static int
layout_has_ticker(const struct schema_array *ws)
{
	const struct layout_widget *w = ws->v;

	for (size_t k = 0; k < ws->n; k++)
		if (w[k].type == LAYOUT_WIDGET_TICKER)
			return 1;
	return 0;
}

int
layout_region_has_ticker(const struct layout_region *r)
{
	const struct layout_page *p = r->pages.v;

	if (layout_has_ticker(&r->widgets))
		return 1;
	for (size_t k = 0; k < r->pages.n; k++)
		if (layout_has_ticker(&p[k].widgets))
			return 1;
	return 0;
}

void
layout_free(struct layout *l)
{
	if (l == NULL)
		return;
	schema_free(layout_schema, l);
	free(l);
}
