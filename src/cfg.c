/*
 * cfg: the schema table of the configuration file and the checks that go
 * beyond one key (paths resolved against the file's folder, the time zone
 * exists, the layout loads and matches the board).
 */
#include "cfg.h"

#include <json.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "httpd.h"
#include "log.h"
#include "schema.h"

static const char *const cfg_systems[] = { "dummy", "fbdev", "drmkms", NULL };
static const char *const cfg_pixelformats[] = { "RGB32", "ARGB", "RGB24",
	"RGB16", NULL };
static const char *const cfg_languages[] = { "de", "fr", "it", "en", NULL };
static const char *const cfg_levels[] = { "error", "warning", "notice", "info",
	"debug", NULL };

#define D(f) offsetof(struct cfg_display, f)
static const struct schema_field cfg_display_schema[] = {
	{ "system", SCHEMA_ENUM, D(system), 0, 0, "fbdev", 0, cfg_systems, NULL,
	    0, "DirectFB system: fbdev or drmkms on a device, dummy headless" },
	{ "device", SCHEMA_STRING, D(device), 0, 128, "", 0, NULL, NULL, 0,
	    "device for fbdev/drmkms (\"\" = DirectFB's default)" },
	{ "width", SCHEMA_INT, D(width), 8, LAYOUT_MAX_SIZE, "192", 0, NULL,
	    NULL, 0, "board width in pixels" },
	{ "height", SCHEMA_INT, D(height), 8, LAYOUT_MAX_SIZE, "96", 0, NULL,
	    NULL, 0, "board height in pixels" },
	{ "pixelformat", SCHEMA_ENUM, D(pixelformat), 0, 0, "RGB32", 0,
	    cfg_pixelformats, NULL, 0, "pixel format of the primary layer" },
	{ "fps", SCHEMA_INT, D(fps), 1, 120, "60", 0, NULL, NULL, 0,
	    "most frames per second (scrolling); a static board draws none" },
	{ "snapshot_file", SCHEMA_STRING, D(snapshot_file), 0, PATH_MAX, "", 0,
	    NULL, NULL, 0,
	    "PNG of the board, rewritten when it changes (and on SIGUSR1); "
	    "relative to the config file; \"\" = only on SIGUSR1 into "
	    "state_dir" },
	{ "snapshot_interval_s", SCHEMA_INT, D(snapshot_interval_s), 1, 3600,
	    "1", 0, NULL, NULL, 0,
	    "least seconds between snapshot_file writes" },
	{ NULL },
};
#undef D

#define H(f) offsetof(struct cfg_header, f)
static const struct schema_field cfg_header_schema[] = {
	{ "name", SCHEMA_STRING, H(name), 1, 64, NULL, 1, NULL, NULL, 0,
	    "header name" },
	{ "value", SCHEMA_STRING, H(value), 0, 512, NULL, 1, NULL, NULL, 0,
	    "header value (API keys: keep the config file private)" },
	{ NULL },
};
#undef H

#define A(f) offsetof(struct adapter_fields, f)
#define FIELD(n, help)                                                      \
	{                                                                   \
#n, SCHEMA_STRING, A(n), 0, ADAPTER_FIELD_LEN, "", 0, NULL, \
		    NULL, 0, help                                           \
	}
static const struct schema_field cfg_fields_schema[] = {
	FIELD(id, "item id (dotted path; \"\" = the format's default)"),
	FIELD(id2, "fallback item id"),
	FIELD(name, "item name"),
	FIELD(title, "fallback item name"),
	FIELD(free, "free spaces"),
	FIELD(total, "capacity"),
	FIELD(state, "state word"),
	FIELD(open, "boolean open flag"),
	FIELD(trend, "trend (up = filling, down = emptying)"),
	FIELD(time, "item timestamp"),
	{ NULL },
};
#undef FIELD
#undef A

#define F(f) offsetof(struct cfg_feed, f)
static const struct schema_field cfg_feed_schema[] = {
	{ "id", SCHEMA_STRING, F(id), 1, CFG_FEED_ID_LEN, NULL, 1, NULL, NULL,
	    0, "feed id (layouts name it)" },
	{ "url", SCHEMA_STRING, F(url), 1, CFG_URL_LEN, NULL, 1, NULL, NULL, 0,
	    "http:// or https:// URL (file:// only with allow_file)" },
	{ "format", SCHEMA_ENUM, F(format), 0, 0, NULL, 1, adapter_names, NULL,
	    0, "document format" },
	{ "interval_s", SCHEMA_INT, F(interval_s), 1, 86400, "60", 0, NULL,
	    NULL, 0, "seconds between fetches" },
	{ "timeout_s", SCHEMA_INT, F(timeout_s), 1, 300, "10", 0, NULL, NULL, 0,
	    "seconds a fetch may take" },
	{ "max_bytes", SCHEMA_INT, F(max_bytes), 1024, 64LL * 1024 * 1024,
	    "4194304", 0, NULL, NULL, 0, "largest document accepted" },
	{ "stale_after_s", SCHEMA_INT, F(stale_after_s), 1, 604800, "1800", 0,
	    NULL, NULL, 0, "data older than this shows ---" },
	{ "timezone", SCHEMA_STRING, F(timezone), 0, 64, "", 0, NULL, NULL, 0,
	    "zone of timestamps without one (\"\" = UTC for ParkAPI, the "
	    "configured timezone for the others)" },
	{ "headers", SCHEMA_ARRAY, F(headers), 0, 16, NULL, 0, NULL,
	    cfg_header_schema, sizeof(struct cfg_header),
	    "extra request headers (API keys)" },
	{ "allow_file", SCHEMA_BOOL, F(allow_file), 0, 0, "false", 0, NULL,
	    NULL, 0, "allow a file:// URL (tests, demo)" },
	{ "ca_path", SCHEMA_STRING, F(ca_path), 0, PATH_MAX, "", 0, NULL, NULL,
	    0, "CA certificate folder (\"\" = the system's)" },
	{ "full_hysteresis", SCHEMA_INT, F(full_hysteresis), 0, 1000, "0", 0,
	    NULL, NULL, 0,
	    "once FULL, a car park shows a number again only from this many "
	    "free spaces (0 = off)" },
	{ "fields", SCHEMA_OBJECT, F(fields), 0, 0, NULL, 0, NULL,
	    cfg_fields_schema, 0, "field names (opendatasoft, geojson)" },
	{ "table_url", SCHEMA_STRING, F(table_url), 0, CFG_URL_LEN, "", 0, NULL,
	    NULL, 0,
	    "datex2-parking: URL of the ParkingTablePublication (names, "
	    "capacities); \"\" = names are the ids" },
	{ "table_interval_s", SCHEMA_INT, F(table_interval_s), 60, 604800,
	    "3600", 0, NULL, NULL, 0, "seconds between table fetches" },
	{ NULL },
};
#undef F

#define HT(f) offsetof(struct cfg_http, f)
static const struct schema_field cfg_http_schema[] = {
	{ "listen", SCHEMA_STRLIST, HT(listen), 0, 4,
	    "127.0.0.1:8080,[::1]:8080", 0, NULL, NULL, 0,
	    "addresses to serve HTTP on (\"[::1]:8080\" for IPv6, port 0 = "
	    "any free port, [] = no HTTP)" },
	{ "tls_cert", SCHEMA_STRING, HT(tls_cert), 0, PATH_MAX, "", 0, NULL,
	    NULL, 0,
	    "PEM certificate (chain); with tls_key every address serves "
	    "HTTPS" },
	{ "tls_key", SCHEMA_STRING, HT(tls_key), 0, PATH_MAX, "", 0, NULL, NULL,
	    0, "PEM private key (keep it readable by tafeld only)" },
	{ "tokens_file", SCHEMA_STRING, HT(tokens_file), 0, PATH_MAX, "", 0,
	    NULL, NULL, 0,
	    "API tokens, lines name:token[:operator|viewer] (\"\" = no "
	    "writes)" },
	{ "demo_token_file", SCHEMA_STRING, HT(demo_token_file), 0, PATH_MAX,
	    "", 0, NULL, NULL, 0,
	    "demo: when tokens_file does not exist, create it with a new "
	    "token and write the token here" },
	{ "max_connections", SCHEMA_INT, HT(max_connections), 1, 1024, "64", 0,
	    NULL, NULL, 0, "connections at once" },
	{ "max_per_client", SCHEMA_INT, HT(max_per_client), 1, 1024, "16", 0,
	    NULL, NULL, 0, "connections at once from one address" },
	{ "timeout_s", SCHEMA_INT, HT(timeout_s), 1, 3600, "10", 0, NULL, NULL,
	    0, "an idle connection is closed after this" },
	{ "max_body", SCHEMA_INT, HT(max_body), 1024, 1048576, "65536", 0, NULL,
	    NULL, 0, "largest request body" },
	{ "rate_per_s", SCHEMA_INT, HT(rate_per_s), 0, 100000, "50", 0, NULL,
	    NULL, 0,
	    "requests per second from one address (429 beyond; 0 = no "
	    "limit)" },
	{ "rate_burst", SCHEMA_INT, HT(rate_burst), 1, 10000, "100", 0, NULL,
	    NULL, 0, "requests one address may send at once" },
	{ "health_public", SCHEMA_BOOL, HT(health_public), 0, 0, "true", 0,
	    NULL, NULL, 0, "monitoring endpoints readable without a token" },
	{ "stall_s", SCHEMA_INT, HT(stall_s), 1, 3600, "10", 0, NULL, NULL, 0,
	    "health fails when a board that should animate has not changed "
	    "for this long" },
	{ NULL },
};
#undef HT

#define MF(f) offsetof(struct cfg_msg_font, f)
static const struct schema_field cfg_msg_font_schema[] = {
	{ "number", SCHEMA_INT, MF(number), 1, 255, NULL, 1, NULL, NULL, 0,
	    "MULTI font number ([fo n])" },
	{ "font", SCHEMA_STRING, MF(font), 1, LAYOUT_NAME_LEN, NULL, 1, NULL,
	    NULL, 0, "layout font name (small, medium, large, ...)" },
	{ NULL },
};
#undef MF

#define MG(f) offsetof(struct cfg_msg_graphic, f)
static const struct schema_field cfg_msg_graphic_schema[] = {
	{ "number", SCHEMA_INT, MG(number), 1, 255, NULL, 1, NULL, NULL, 0,
	    "MULTI graphic number ([g n])" },
	{ "file", SCHEMA_STRING, MG(file), 1, PATH_MAX, NULL, 1, NULL, NULL, 0,
	    "PNG file, relative to the config file" },
	{ NULL },
};
#undef MG

#define PS(f) offsetof(struct cfg_preset, f)
static const struct schema_field cfg_preset_schema[] = {
	{ "name", SCHEMA_STRING, PS(name), 1, 32, NULL, 1, NULL, NULL, 0,
	    "preset name (API, tafelctl, GPIO)" },
	{ "multi", SCHEMA_STRING, PS(multi), 1, CFG_MULTI_LEN, NULL, 1, NULL,
	    NULL, 0, "the message, NTCIP 1203 MULTI" },
	{ "priority", SCHEMA_INT, PS(priority), 1, 255, "100", 0, NULL, NULL, 0,
	    "priority" },
	{ "duration_s", SCHEMA_INT, PS(duration_s), 0, 31536000, "0", 0, NULL,
	    NULL, 0, "how long it shows (0 = until cancelled)" },
	{ "zone", SCHEMA_STRING, PS(zone), 0, 32, "", 0, NULL, NULL, 0,
	    "layout zone (\"\" = the default zone)" },
	{ NULL },
};
#undef PS

#define MS(f) offsetof(struct cfg_messages, f)
static const struct schema_field cfg_messages_schema[] = {
	{ "emergency_priority", SCHEMA_INT, MS(emergency_priority), 1, 255,
	    "255", 0, NULL, NULL, 0,
	    "messages at or above this priority take the whole board" },
	{ "max_duration_s", SCHEMA_INT, MS(max_duration_s), 60, 31536000,
	    "604800", 0, NULL, NULL, 0, "longest message an operator may set" },
	{ "max_pages", SCHEMA_INT, MS(max_pages), 1, 16, "6", 0, NULL, NULL, 0,
	    "pages per message" },
	{ "default_font", SCHEMA_INT, MS(default_font), 1, 255, "1", 0, NULL,
	    NULL, 0, "font number when a message names none" },
	{ "default_color", SCHEMA_COLOR, MS(default_color), 0, 0, "#FFB000", 0,
	    NULL, NULL, 0, "text colour ([cf] default)" },
	{ "default_background", SCHEMA_COLOR, MS(default_background), 0, 0,
	    "#000000", 0, NULL, NULL, 0, "page colour ([pb] default)" },
	{ "page_on_ds", SCHEMA_INT, MS(page_on_ds), 5, 999, "30", 0, NULL, NULL,
	    0, "page-on time in tenths of a second ([pt] default)" },
	{ "page_off_ds", SCHEMA_INT, MS(page_off_ds), 0, 999, "0", 0, NULL,
	    NULL, 0, "page-off time in tenths of a second" },
	{ "flash_on_ds", SCHEMA_INT, MS(flash_on_ds), 1, 99, "5", 0, NULL, NULL,
	    0, "flash on time ([fl] default)" },
	{ "flash_off_ds", SCHEMA_INT, MS(flash_off_ds), 1, 99, "5", 0, NULL,
	    NULL, 0, "flash off time" },
	{ "failsafe", SCHEMA_STRING, MS(failsafe), 0, CFG_MULTI_LEN, "", 0,
	    NULL, NULL, 0,
	    "MULTI shown on the whole board while every feed is stale (\"\" = "
	    "none)" },
	{ "startup", SCHEMA_STRING, MS(startup), 0, CFG_MULTI_LEN, "", 0, NULL,
	    NULL, 0,
	    "MULTI shown on the whole board until the first data arrives" },
	{ "fonts", SCHEMA_ARRAY, MS(fonts), 0, 16, NULL, 0, NULL,
	    cfg_msg_font_schema, sizeof(struct cfg_msg_font),
	    "MULTI font numbers (none given: 1 small, 2 medium, 3 large)" },
	{ "graphics", SCHEMA_ARRAY, MS(graphics), 0, 64, NULL, 0, NULL,
	    cfg_msg_graphic_schema, sizeof(struct cfg_msg_graphic),
	    "MULTI graphic numbers" },
	{ "presets", SCHEMA_ARRAY, MS(presets), 0, 64, NULL, 0, NULL,
	    cfg_preset_schema, sizeof(struct cfg_preset), "named messages" },
	{ NULL },
};
#undef MS

#define C(f) offsetof(struct cfg, f)
static const struct schema_field cfg_schema[] = {
	{ "layout", SCHEMA_STRING, C(layout_file), 1, PATH_MAX, NULL, 1, NULL,
	    NULL, 0, "layout file, relative to the config file" },
	{ "fonts_dir", SCHEMA_STRING, C(fonts_dir), 1, PATH_MAX,
	    TAFEL_DATADIR "/fonts", 0, NULL, NULL, 0,
	    "folder of the built-in fonts, relative to the config file" },
	{ "state_dir", SCHEMA_STRING, C(state_dir), 1, PATH_MAX,
	    "/var/lib/tafel", 0, NULL, NULL, 0,
	    "folder for state (systemd StateDirectory)" },
	{ "timezone", SCHEMA_STRING, C(timezone), 1, 64, "Europe/Zurich", 0,
	    NULL, NULL, 0, "time zone of clocks (IANA name)" },
	{ "language", SCHEMA_ENUM, C(language), 0, 0, "de", 0, cfg_languages,
	    NULL, 0,
	    "language of texts the sign makes from feeds (traffic "
	    "messages)" },
	{ "service_id", SCHEMA_STRING, C(service_id), 0, 128, "", 0, NULL, NULL,
	    0, "the sign's name in health reports (\"\" = host name)" },
	{ "log_level", SCHEMA_ENUM, C(log_level), 0, 0, "info", 0, cfg_levels,
	    NULL, 0, "most detailed level logged" },
	{ "display", SCHEMA_OBJECT, C(display), 0, 0, NULL, 0, NULL,
	    cfg_display_schema, 0, "the display" },
	{ "http", SCHEMA_OBJECT, C(http), 0, 0, NULL, 0, NULL, cfg_http_schema,
	    0, "the HTTP server (monitoring, API)" },
	{ "messages", SCHEMA_OBJECT, C(messages), 0, 0, NULL, 0, NULL,
	    cfg_messages_schema, 0, "operator messages" },
	{ "feeds", SCHEMA_ARRAY, C(feeds), 0, CFG_MAX_FEEDS, NULL, 0, NULL,
	    cfg_feed_schema, sizeof(struct cfg_feed), "data feeds" },
	{ NULL },
};
#undef C

const char *
cfg_system_name(int system)
{
	return cfg_systems[system];
}

const char *
cfg_language_name(int lang)
{
	return cfg_languages[lang];
}

const char *
cfg_pixelformat_name(int pf)
{
	return cfg_pixelformats[pf];
}

void
cfg_help(FILE *f)
{
	fprintf(f, "Configuration file (JSON):\n");
	schema_help(cfg_schema, "", f);
	fprintf(f, "\nLayout file (JSON):\n");
	layout_help(f);
}

/* Make a relative path absolute against dir, in place. */
static int
cfg_resolve(char *p, size_t size, const char *dir)
{
	char tmp[PATH_MAX], real[PATH_MAX], parent[PATH_MAX];
	const char *base;

	if (p[0] == '\0' || p[0] == '/')
		return 0;
	if (util_path_join(tmp, sizeof(tmp), dir, p) != 0)
		return -1;
	/*
	 * Canonical paths read better in logs than "examples/../layouts";
	 * a file that does not exist yet (a snapshot) keeps its name.
	 */
	if (realpath(tmp, real) != NULL)
		return util_strlcpy(p, real, size);
	util_dirname(tmp, parent, sizeof(parent));
	base = strrchr(tmp, '/');
	if (base != NULL && realpath(parent, real) != NULL &&
	    util_path_join(parent, sizeof(parent), real, base + 1) == 0)
		return util_strlcpy(p, parent, size);
	return util_strlcpy(p, tmp, size);
}

static int
cfg_timezone_ok(const char *tz)
{
	char path[PATH_MAX];

	if (tz[0] == '/' || strstr(tz, "..") != NULL)
		return 0;
	if (strcmp(tz, "UTC") == 0)
		return 1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	return access(path, R_OK) == 0;
}

const struct cfg_feed *
cfg_feed_find(const struct cfg *c, const char *id)
{
	const struct cfg_feed *f = c->feeds.v;

	for (size_t i = 0; i < c->feeds.n; i++)
		if (strcmp(f[i].id, id) == 0)
			return &f[i];
	return NULL;
}

static void
cfg_check_http(const struct cfg *c, const char *path, struct util_errs *errs)
{
	if ((c->http.tls_cert[0] == '\0') != (c->http.tls_key[0] == '\0'))
		util_errs_add(errs,
		    "%s: http.tls_cert and http.tls_key go together", path);
	if (c->http.tls_cert[0] != '\0' && access(c->http.tls_cert, R_OK) != 0)
		util_errs_add(errs, "%s: http.tls_cert: cannot read \"%s\"",
		    path, c->http.tls_cert);
	if (c->http.tls_key[0] != '\0' && access(c->http.tls_key, R_OK) != 0)
		util_errs_add(errs, "%s: http.tls_key: cannot read \"%s\"",
		    path, c->http.tls_key);
	for (size_t i = 0; i < c->http.listen.n; i++)
		if (httpd_check_addr(c->http.listen.v[i]) != 0)
			util_errs_add(errs,
			    "%s: http.listen[%zu]: \"%s\" is not "
			    "\"address:port\" (\"[::1]:8080\" for IPv6)",
			    path, i, c->http.listen.v[i]);
}

static int
cfg_feed_known(const char *id, void *arg)
{
	return cfg_feed_find(arg, id) != NULL;
}

static void
cfg_check_feeds(struct cfg *c, const char *path, struct util_errs *errs)
{
	struct cfg_feed *f = c->feeds.v;

	for (size_t i = 0; i < c->feeds.n; i++) {
		for (size_t j = 0; j < i; j++)
			if (strcmp(f[i].id, f[j].id) == 0)
				util_errs_add(errs,
				    "%s: feeds[%zu].id: \"%s\" already "
				    "used by feeds[%zu]",
				    path, i, f[i].id, j);
		if (strncmp(f[i].url, "file://", 7) == 0) {
			if (!f[i].allow_file)
				util_errs_add(errs,
				    "%s: feeds[%zu].url: file:// "
				    "needs \"allow_file\": true",
				    path, i);
		} else if (strncmp(f[i].url, "http://", 7) != 0 &&
		    strncmp(f[i].url, "https://", 8) != 0) {
			util_errs_add(errs,
			    "%s: feeds[%zu].url: \"%.64s\" is not an "
			    "http:// or https:// URL",
			    path, i, f[i].url);
		}
		if (f[i].table_url[0] != '\0' &&
		    strcmp(adapter_names[f[i].format], "datex2-parking") != 0)
			util_errs_add(errs,
			    "%s: feeds[%zu].table_url: only a datex2-parking "
			    "feed has a table",
			    path, i);
		else if (f[i].table_url[0] != '\0' &&
		    strncmp(f[i].table_url, "http://", 7) != 0 &&
		    strncmp(f[i].table_url, "https://", 8) != 0 &&
		    !(f[i].allow_file &&
			strncmp(f[i].table_url, "file://", 7) == 0))
			util_errs_add(errs,
			    "%s: feeds[%zu].table_url: \"%.64s\" is not an "
			    "http:// or https:// URL",
			    path, i, f[i].table_url);
		if (f[i].timezone[0] != '\0' && !cfg_timezone_ok(f[i].timezone))
			util_errs_add(errs,
			    "%s: feeds[%zu].timezone: unknown time "
			    "zone \"%s\"",
			    path, i, f[i].timezone);
	}
}

struct cfg *
cfg_load(const char *path, struct util_errs *errs)
{
	struct util_errs local;
	struct json_object *obj;
	struct cfg *c = util_calloc(1, sizeof(*c));
	char dir[PATH_MAX];
	size_t before = util_errs_count(errs);

	memset(&local, 0, sizeof(local));
	util_strlcpy(c->path, path, sizeof(c->path));
	obj = schema_parse_file(path, errs);
	if (obj == NULL)
		goto fail;
	schema_load(cfg_schema, obj, c, "", &local);
	json_object_put(obj);
	for (size_t i = 0; i < local.n; i++)
		util_errs_add(errs, "%s: %s", path, local.msg[i]);
	errs->dropped += local.dropped;

	util_dirname(path, dir, sizeof(dir));
	for (size_t i = 0; i < c->messages.graphics.n; i++) {
		struct cfg_msg_graphic *g =
		    (struct cfg_msg_graphic *)c->messages.graphics.v + i;
		if (cfg_resolve(g->file, sizeof(g->file), dir) != 0 ||
		    access(g->file, R_OK) != 0)
			util_errs_add(errs,
			    "%s: messages.graphics[%zu].file: cannot read "
			    "\"%s\"",
			    path, i, g->file);
	}
	if (cfg_resolve(c->http.tls_cert, sizeof(c->http.tls_cert), dir) != 0 ||
	    cfg_resolve(c->http.tls_key, sizeof(c->http.tls_key), dir) != 0 ||
	    cfg_resolve(
		c->http.tokens_file, sizeof(c->http.tokens_file), dir) != 0 ||
	    cfg_resolve(c->http.demo_token_file,
		sizeof(c->http.demo_token_file), dir) != 0 ||
	    cfg_resolve(c->layout_file, sizeof(c->layout_file), dir) != 0 ||
	    cfg_resolve(c->fonts_dir, sizeof(c->fonts_dir), dir) != 0 ||
	    cfg_resolve(c->state_dir, sizeof(c->state_dir), dir) != 0 ||
	    cfg_resolve(c->display.snapshot_file,
		sizeof(c->display.snapshot_file), dir) != 0)
		util_errs_add(errs, "%s: a path is too long", path);
	if (c->timezone[0] != '\0' && !cfg_timezone_ok(c->timezone))
		util_errs_add(errs, "%s: timezone: unknown time zone \"%s\"",
		    path, c->timezone);
	cfg_check_feeds(c, path, errs);
	cfg_check_http(c, path, errs);
	if (c->layout_file[0] != '\0') {
		c->layout = layout_load(c->layout_file, c->fonts_dir, errs);
		if (c->layout != NULL)
			layout_check_feeds(c->layout, cfg_feed_known, c, errs);
		if (c->layout != NULL &&
		    (c->layout->width != c->display.width ||
			c->layout->height != c->display.height))
			util_errs_add(errs,
			    "%s: layout is %dx%d but display is "
			    "%dx%d (display.width, display.height)",
			    c->layout_file, c->layout->width, c->layout->height,
			    c->display.width, c->display.height);
	}
	if (util_errs_count(errs) > before)
		goto fail;
	return c;
fail:
	cfg_free(c);
	return NULL;
}

void
cfg_free(struct cfg *c)
{
	if (c == NULL)
		return;
	layout_free(c->layout);
	schema_free(cfg_schema, c);
	free(c);
}
