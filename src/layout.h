/*
 * layout: a sign layout read from JSON: the board size, fonts, and regions
 * holding widgets (static text, clock, image, parking, travel times, a
 * traffic ticker, departures) or pages of widgets shown in turn.  Loading validates everything that can be checked without a
 * display (geometry, names, references) and names file and JSON path in
 * each error; render.c loads the fonts and images it names.
 */
#ifndef TAFEL_LAYOUT_H
#define TAFEL_LAYOUT_H

#include <limits.h>
#include <stdint.h>

#include "schema.h"
#include "util.h"

#define LAYOUT_NAME_LEN    32
#define LAYOUT_TEXT_LEN    512
#define LAYOUT_PATH_LEN    256
#define LAYOUT_MAX_REGIONS 64
#define LAYOUT_MAX_WIDGETS 16
#define LAYOUT_MAX_PAGES   16
#define LAYOUT_MAX_FONTS   16
#define LAYOUT_MAX_SIZE    4096

enum layout_widget_type {
	LAYOUT_WIDGET_TEXT,
	LAYOUT_WIDGET_CLOCK,
	LAYOUT_WIDGET_IMAGE,
	LAYOUT_WIDGET_PARK,      /* one car park: label left, value right */
	LAYOUT_WIDGET_PARK_LIST, /* several car parks, one per row, paged */
	LAYOUT_WIDGET_PARK_SUM,  /* text with {free}: the sum of free spaces */
	LAYOUT_WIDGET_TRAVEL,    /* travel times: label, minutes, delay */
	LAYOUT_WIDGET_TICKER, /* traffic situations and messages, scrolling */
	LAYOUT_WIDGET_DEPARTURES, /* time, line, destination, platform, delay */
};

#define LAYOUT_MAX_PARK_ITEMS 64
#define LAYOUT_WORD_LEN       32

/* A car park a list or sum widget names, with an optional shorter name. */
struct layout_park_ref {
	char id[64];
	char label[96];
};

/* The sign's words for the states that are not a number. */
struct layout_words {
	char full[LAYOUT_WORD_LEN];
	char closed[LAYOUT_WORD_LEN];
	char nodata[LAYOUT_WORD_LEN];
};

struct layout_park_colors {
	uint32_t free, few, full, closed, nodata;
};

/* Travel times and departure delays by how late they are. */
struct layout_delay_colors {
	uint32_t normal, delayed, heavy, nodata;
};

/* Ticker items by severity (info_severity_rank), operator messages. */
struct layout_severity_colors {
	uint32_t highest, high, medium, low, lowest, none, message;
};

enum layout_align {
	LAYOUT_ALIGN_LEFT,
	LAYOUT_ALIGN_CENTER,
	LAYOUT_ALIGN_RIGHT
};
enum layout_valign {
	LAYOUT_VALIGN_TOP,
	LAYOUT_VALIGN_MIDDLE,
	LAYOUT_VALIGN_BOTTOM
};
enum layout_overflow {
	LAYOUT_OVERFLOW_CLIP,
	LAYOUT_OVERFLOW_SCROLL,
	LAYOUT_OVERFLOW_SHRINK,
};

struct layout_font {
	char name[LAYOUT_NAME_LEN];
	char file[LAYOUT_PATH_LEN]; /* resolved to a full path by the loader */
	int size;                   /* pixel size (a BDF font's PIXEL_SIZE) */
};

struct layout_widget {
	int type;       /* enum layout_widget_type */
	int x, y, w, h; /* inside the region; w/h 0 = to the region's edge */
	char text[LAYOUT_TEXT_LEN];
	char format[64];             /* clock: strftime format */
	char image[LAYOUT_PATH_LEN]; /* resolved to a full path */
	char font[LAYOUT_NAME_LEN];
	char shrink_font[LAYOUT_NAME_LEN];
	uint32_t color;
	uint32_t background; /* alpha 0 = transparent */
	int align;           /* enum layout_align */
	int valign;          /* enum layout_valign */
	int overflow;        /* enum layout_overflow */
	int scroll_speed;    /* px/s */
	/* Parking widgets. */
	char feed[32];
	char item[64];             /* park: the car park's id */
	char label[96];            /* park: shown instead of the feed's name */
	struct schema_array items; /* struct layout_park_ref */
	struct layout_words words;
	struct layout_park_colors colors;
	int few;        /* counts at or below show in colors.few; 0 = off */
	int offset;     /* show this many fewer than reported */
	int min_show;   /* clamp the shown count (0 = no lower clamp) */
	int max_show;   /* clamp (e.g. 999 on a 3-digit panel) */
	int trend;      /* show a trend arrow after the value */
	int row_h;      /* park_list: row height, 0 = the font's */
	int page_ms;    /* park_list: time per page when rows overflow */
	int value_w;    /* park, park_list: width of the value column */
	int scroll_gap; /* px between repeats */
	/* Traffic widgets (travel, ticker, departures). */
	struct layout_delay_colors delay_colors;
	struct layout_severity_colors severity_colors;
	int delayed;        /* travel: delay minutes from which it is delayed */
	int heavy;          /* travel: ... heavily delayed */
	int delay_w;        /* travel, departures: delay column, 0 = "+99" */
	int time_w;         /* departures: time column, 0 = "00:00" */
	int line_w;         /* departures: line column, 0 = the widest */
	int platform_w;     /* departures: platform column, 0 = the widest */
	int first_priority; /* ticker: messages at or above go first */
	char separator[LAYOUT_WORD_LEN];   /* ticker: between items */
	char empty_text[LAYOUT_TEXT_LEN];  /* ticker, departures: none now */
	char nodata_text[LAYOUT_TEXT_LEN]; /* ticker, departures: no data */
};

struct layout_page {
	int duration_ms;
	struct schema_array widgets; /* struct layout_widget */
};

struct layout_region {
	char name[LAYOUT_NAME_LEN];
	char zone[LAYOUT_NAME_LEN]; /* message area name, "" = none */
	int x, y, w, h;
	uint32_t background;
	struct schema_array widgets; /* struct layout_widget */
	struct schema_array pages;   /* struct layout_page */
};

struct layout {
	char path[PATH_MAX];
	int width, height;
	uint32_t background;
	struct schema_array fonts;   /* struct layout_font, built-ins added */
	struct schema_array regions; /* struct layout_region */
};

/*
 * Load and validate a layout file.  Relative font and image files are
 * looked up beside the layout, then in fonts_dir.  NULL with errs filled
 * on any problem.
 */
struct layout *layout_load(
    const char *path, const char *fonts_dir, struct util_errs *errs);
void layout_free(struct layout *l);

const struct layout_font *layout_font_find(
    const struct layout *l, const char *name);

/* The widgets a region shows on page p (p ignored without pages). */
const struct layout_widget *layout_region_widgets(
    const struct layout_region *r, size_t page, size_t *n);

void layout_help(FILE *f);

/* Does region r show a ticker (on any page)?  Its zone's messages then
 * run in the ticker instead of replacing the region. */
int layout_region_has_ticker(const struct layout_region *r);

/*
 * Report widgets whose feed known() does not know (it returns -1), or
 * whose feed holds records of another kind than the widget shows (it
 * returns the feed's enum info_kind).
 */
void layout_check_feeds(const struct layout *l,
    int (*known)(const char *id, void *arg), void *arg, struct util_errs *errs);

#endif
