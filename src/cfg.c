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

#include "brightness.h"
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

static const char *const cfg_gpio_backends[] = { "gpiod", "sim", NULL };
static const char *const cfg_biases[] = { "as-is", "disable", "pull-up",
	"pull-down", NULL };
static const char *const cfg_input_roles[] = { "contact", "door", "twilight",
	"test_pattern", NULL };
static const char *const cfg_input_modes[] = { "while_closed", "toggle", NULL };
static const char *const cfg_output_roles[] = { "heartbeat", "power_relay",
	NULL };
static const char *const cfg_bright_modes[] = { "manual", "schedule", "sun",
	"sensor", NULL };

#define GI(f) offsetof(struct cfg_gpio_input, f)
static const struct schema_field cfg_gpio_input_schema[] = {
	{ "name", SCHEMA_STRING, GI(name), 1, CFG_GPIO_NAME_LEN, NULL, 1, NULL,
	    NULL, 0, "input name (health, API, tafelctl gpio)" },
	{ "line", SCHEMA_INTSTR, GI(line), 0, 1023, NULL, 1, NULL, NULL, 0,
	    "line offset on the chip, or the line's name" },
	{ "active_low", SCHEMA_BOOL, GI(active_low), 0, 0, "false", 0, NULL,
	    NULL, 0, "a low level means active (closed, open door, dark)" },
	{ "bias", SCHEMA_ENUM, GI(bias), 0, 0, "as-is", 0, cfg_biases, NULL, 0,
	    "line bias" },
	{ "debounce_ms", SCHEMA_INT, GI(debounce_ms), 0, 10000, "20", 0, NULL,
	    NULL, 0,
	    "after an edge the level is read this much later (software "
	    "debounce)" },
	{ "role", SCHEMA_ENUM, GI(role), 0, 0, NULL, 1, cfg_input_roles, NULL,
	    0,
	    "contact: shows preset; door: health warns while open; twilight: "
	    "brightness sensor (active = dark); test_pattern: lights every "
	    "pixel for seconds" },
	{ "preset", SCHEMA_STRING, GI(preset), 0, 32, "", 0, NULL, NULL, 0,
	    "contact: the messages.presets name it shows" },
	{ "mode", SCHEMA_ENUM, GI(mode), 0, 0, "while_closed", 0,
	    cfg_input_modes, NULL, 0,
	    "contact: shown while_closed, or toggle on each closing edge" },
	{ "seconds", SCHEMA_INT, GI(seconds), 1, 3600, "10", 0, NULL, NULL, 0,
	    "test_pattern: how long the pattern shows" },
	{ NULL },
};
#undef GI

#define GO(f) offsetof(struct cfg_gpio_output, f)
static const struct schema_field cfg_gpio_output_schema[] = {
	{ "name", SCHEMA_STRING, GO(name), 1, CFG_GPIO_NAME_LEN, NULL, 1, NULL,
	    NULL, 0, "output name" },
	{ "line", SCHEMA_INTSTR, GO(line), 0, 1023, NULL, 1, NULL, NULL, 0,
	    "line offset on the chip, or the line's name" },
	{ "active_low", SCHEMA_BOOL, GO(active_low), 0, 0, "false", 0, NULL,
	    NULL, 0, "drive the line low for \"on\"" },
	{ "role", SCHEMA_ENUM, GO(role), 0, 0, NULL, 1, cfg_output_roles, NULL,
	    0,
	    "heartbeat: toggles while rendering is healthy; power_relay: on, "
	    "off in the power_schedule windows" },
	{ "period_ms", SCHEMA_INT, GO(period_ms), 100, 60000, "1000", 0, NULL,
	    NULL, 0, "heartbeat: time between toggles" },
	{ NULL },
};
#undef GO

#define PW(f) offsetof(struct cfg_power_window, f)
static const struct schema_field cfg_power_window_schema[] = {
	{ "off", SCHEMA_STRING, PW(off), 1, 8, NULL, 1, NULL, NULL, 0,
	    "\"HH:MM\" local time the board goes dark" },
	{ "on", SCHEMA_STRING, PW(on), 1, 8, NULL, 1, NULL, NULL, 0,
	    "\"HH:MM\" local time it comes back" },
	{ NULL },
};
#undef PW

#define G(f) offsetof(struct cfg_gpio, f)
static const struct schema_field cfg_gpio_schema[] = {
	{ "backend", SCHEMA_ENUM, G(backend), 0, 0, "gpiod", 0,
	    cfg_gpio_backends, NULL, 0,
	    "gpiod: kernel GPIO through libgpiod; sim: simulated lines set "
	    "through the API (demo, tests)" },
	{ "chip", SCHEMA_STRING, G(chip), 1, 64, "gpiochip0", 0, NULL, NULL, 0,
	    "chip by name (gpiochip0), path (/dev/gpiochip0) or label" },
	{ "required", SCHEMA_BOOL, G(required), 0, 0, "true", 0, NULL, NULL, 0,
	    "a missing chip or busy line stops tafeld (false: run without "
	    "GPIO, health warns)" },
	{ "inputs", SCHEMA_ARRAY, G(inputs), 0, CFG_GPIO_MAX_LINES, NULL, 0,
	    NULL, cfg_gpio_input_schema, sizeof(struct cfg_gpio_input),
	    "input lines" },
	{ "outputs", SCHEMA_ARRAY, G(outputs), 0, CFG_GPIO_MAX_LINES, NULL, 0,
	    NULL, cfg_gpio_output_schema, sizeof(struct cfg_gpio_output),
	    "output lines" },
	{ "power_schedule", SCHEMA_ARRAY, G(power_schedule), 0, 8, NULL, 0,
	    NULL, cfg_power_window_schema, sizeof(struct cfg_power_window),
	    "daily windows in which the board is blank and the power relay "
	    "off" },
	{ NULL },
};
#undef G

#define BP(f) offsetof(struct cfg_bright_point, f)
static const struct schema_field cfg_bright_point_schema[] = {
	{ "time", SCHEMA_STRING, BP(time), 1, 8, NULL, 1, NULL, NULL, 0,
	    "\"HH:MM\" local time" },
	{ "percent", SCHEMA_INT, BP(percent), 0, 100, NULL, 1, NULL, NULL, 0,
	    "brightness from then on" },
	{ NULL },
};
#undef BP

#define BS(f) offsetof(struct cfg_bright_step, f)
static const struct schema_field cfg_bright_step_schema[] = {
	{ "up", SCHEMA_INT, BS(up), 0, 1000000000, NULL, 1, NULL, NULL, 0,
	    "sensor level from which this step is reached going up" },
	{ "down", SCHEMA_INT, BS(down), 0, 1000000000, NULL, 1, NULL, NULL, 0,
	    "sensor level below which this step is left going down" },
	{ "percent", SCHEMA_INT, BS(percent), 0, 100, NULL, 1, NULL, NULL, 0,
	    "brightness of this step" },
	{ NULL },
};
#undef BS

#define SN(f) offsetof(struct cfg_bright_sensor, f)
static const struct schema_field cfg_bright_sensor_schema[] = {
	{ "file", SCHEMA_STRING, SN(file), 0, PATH_MAX, "", 0, NULL, NULL, 0,
	    "light level file (IIO in_illuminance_raw), \"\" = none" },
	{ "twilight_input", SCHEMA_STRING, SN(twilight_input), 0,
	    CFG_GPIO_NAME_LEN, "", 0, NULL, NULL, 0,
	    "gpio input with role twilight, \"\" = none" },
	{ "interval_s", SCHEMA_INT, SN(interval_s), 1, 3600, "10", 0, NULL,
	    NULL, 0, "seconds between reads of file" },
	{ NULL },
};
#undef SN

#define BR(f) offsetof(struct cfg_brightness, f)
static const struct schema_field cfg_brightness_schema[] = {
	{ "mode", SCHEMA_ENUM, BR(mode), 0, 0, "manual", 0, cfg_bright_modes,
	    NULL, 0,
	    "manual (percent), schedule, sun (sunrise/sunset at latitude, "
	    "longitude) or sensor (file or twilight_input; falls back to sun)" },
	{ "manual_percent", SCHEMA_INT, BR(manual_percent), 0, 100, "100", 0,
	    NULL, NULL, 0, "manual brightness" },
	{ "schedule", SCHEMA_ARRAY, BR(schedule), 0, BRIGHTNESS_STEPS_MAX, NULL,
	    0, NULL, cfg_bright_point_schema, sizeof(struct cfg_bright_point),
	    "schedule mode: brightness by time of day" },
	{ "latitude", SCHEMA_DOUBLE, BR(latitude), -90, 90, "nan", 0, NULL,
	    NULL, 0, "degrees north (sun and sensor modes need it)" },
	{ "longitude", SCHEMA_DOUBLE, BR(longitude), -180, 180, "nan", 0, NULL,
	    NULL, 0, "degrees east (sun and sensor modes need it)" },
	{ "day_percent", SCHEMA_INT, BR(day_percent), 0, 100, "100", 0, NULL,
	    NULL, 0, "sun/twilight switch: brightness by day" },
	{ "twilight_percent", SCHEMA_INT, BR(twilight_percent), 0, 100, "50", 0,
	    NULL, NULL, 0, "sun: brightness in civil twilight" },
	{ "night_percent", SCHEMA_INT, BR(night_percent), 0, 100, "15", 0, NULL,
	    NULL, 0, "sun/twilight switch: brightness at night" },
	{ "sensor", SCHEMA_OBJECT, BR(sensor), 0, 0, NULL, 0, NULL,
	    cfg_bright_sensor_schema, 0, "sensor mode" },
	{ "table", SCHEMA_ARRAY, BR(table), 0, BRIGHTNESS_LEVELS_MAX, NULL, 0,
	    NULL, cfg_bright_step_schema, sizeof(struct cfg_bright_step),
	    "sensor file levels, ascending, with up/down thresholds" },
	{ "backlight_file", SCHEMA_STRING, BR(backlight_file), 0, PATH_MAX, "",
	    0, NULL, NULL, 0,
	    "backlight/PWM sysfs file written instead of scaling colours "
	    "(scale: max_brightness or period beside it; \"\" = scale "
	    "colours)" },
	{ "sensor_stuck_s", SCHEMA_INT, BR(sensor_stuck_s), 60, 604800, "21600",
	    0, NULL, NULL, 0,
	    "a sensor unchanged this long, across a solar noon and a solar "
	    "midnight, is stuck: sun mode applies and health warns" },
	{ "max_override_s", SCHEMA_INT, BR(max_override_s), 60, 604800, "86400",
	    0, NULL, NULL, 0, "longest manual override via the API" },
	{ NULL },
};
#undef BR

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
	{ "gpio", SCHEMA_OBJECT, C(gpio), 0, 0, NULL, 0, NULL, cfg_gpio_schema,
	    0, "GPIO lines of the cabinet" },
	{ "brightness", SCHEMA_OBJECT, C(brightness), 0, 0, NULL, 0, NULL,
	    cfg_brightness_schema, 0, "brightness control" },
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

const char *
cfg_input_role_name(int role)
{
	return cfg_input_roles[role];
}

const char *
cfg_output_role_name(int role)
{
	return cfg_output_roles[role];
}

const char *
cfg_bright_mode_name(int mode)
{
	return cfg_bright_modes[mode];
}

const char *
cfg_gpio_backend_name(int backend)
{
	return cfg_gpio_backends[backend];
}

int
cfg_parse_hhmm(const char *s)
{
	int minute;

	return brightness_parse_hhmm(s, &minute) == 0 ? minute : -1;
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

/* The kind of records feed id holds, or -1 when there is no such feed. */
static int
cfg_feed_known(const char *id, void *arg)
{
	const struct cfg_feed *f = cfg_feed_find(arg, id);

	return f != NULL ? adapter_find(adapter_names[f->format])->kind : -1;
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

static int
cfg_same_line(const struct schema_intstr *a, const struct schema_intstr *b)
{
	return a->is_str == b->is_str &&
	    (a->is_str ? strcmp(a->s, b->s) == 0 : a->i == b->i);
}

static int
cfg_has_preset(const struct cfg *c, const char *name)
{
	const struct cfg_preset *p = c->messages.presets.v;

	for (size_t i = 0; i < c->messages.presets.n; i++)
		if (strcmp(p[i].name, name) == 0)
			return 1;
	return 0;
}

/*
 * GPIO names go into /metrics labels, JSON keys and log lines: letters,
 * digits, '_', '.' and '-' only, so no label can be broken out of (and
 * the error does not echo the name, which may hold a newline).
 */
static int
cfg_gpio_name_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
			(*s >= '0' && *s <= '9') || *s == '_' || *s == '.' ||
			*s == '-'))
			return 0;
	return 1;
}

static void
cfg_check_gpio_name(const char *path, const char *what, size_t i,
    const char *name, struct util_errs *errs)
{
	if (!cfg_gpio_name_ok(name))
		util_errs_add(errs,
		    "%s: gpio.%s[%zu].name: may only have letters, digits, "
		    "'_', '.' and '-'",
		    path, what, i);
}

static void
cfg_check_gpio(struct cfg *c, const char *path, struct util_errs *errs)
{
	struct cfg_gpio_input *in = c->gpio.inputs.v;
	struct cfg_gpio_output *out = c->gpio.outputs.v;
	struct cfg_power_window *pw = c->gpio.power_schedule.v;
	size_t ni = c->gpio.inputs.n, no = c->gpio.outputs.n;
	int roles[2] = { -1, -1 }, twilight = -1;

	for (size_t i = 0; i < ni; i++) {
		cfg_check_gpio_name(path, "inputs", i, in[i].name, errs);
		for (size_t j = 0; j < i; j++) {
			if (strcmp(in[i].name, in[j].name) == 0)
				util_errs_add(errs,
				    "%s: gpio.inputs[%zu].name: \"%s\" already "
				    "used by gpio.inputs[%zu]",
				    path, i, in[i].name, j);
			if (cfg_same_line(&in[i].line, &in[j].line))
				util_errs_add(errs,
				    "%s: gpio.inputs[%zu].line: already used "
				    "by gpio.inputs[%zu]",
				    path, i, j);
		}
		if (in[i].role == CFG_INPUT_CONTACT) {
			if (in[i].preset[0] == '\0')
				util_errs_add(errs,
				    "%s: gpio.inputs[%zu].preset: required "
				    "for role contact",
				    path, i);
			else if (!cfg_has_preset(c, in[i].preset))
				util_errs_add(errs,
				    "%s: gpio.inputs[%zu].preset: no preset "
				    "\"%s\" in messages.presets",
				    path, i, in[i].preset);
		} else if (in[i].preset[0] != '\0') {
			util_errs_add(errs,
			    "%s: gpio.inputs[%zu].preset: only for role "
			    "contact",
			    path, i);
		}
		if (in[i].role == CFG_INPUT_TWILIGHT) {
			if (twilight >= 0)
				util_errs_add(errs,
				    "%s: gpio.inputs[%zu].role: a second "
				    "twilight input (gpio.inputs[%d] is one)",
				    path, i, twilight);
			twilight = (int)i;
		}
	}
	for (size_t i = 0; i < no; i++) {
		cfg_check_gpio_name(path, "outputs", i, out[i].name, errs);
		for (size_t j = 0; j < ni; j++) {
			if (strcmp(out[i].name, in[j].name) == 0)
				util_errs_add(errs,
				    "%s: gpio.outputs[%zu].name: \"%s\" already "
				    "used by gpio.inputs[%zu]",
				    path, i, out[i].name, j);
			if (cfg_same_line(&out[i].line, &in[j].line))
				util_errs_add(errs,
				    "%s: gpio.outputs[%zu].line: already used "
				    "by gpio.inputs[%zu]",
				    path, i, j);
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(out[i].name, out[j].name) == 0)
				util_errs_add(errs,
				    "%s: gpio.outputs[%zu].name: \"%s\" already "
				    "used by gpio.outputs[%zu]",
				    path, i, out[i].name, j);
			if (cfg_same_line(&out[i].line, &out[j].line))
				util_errs_add(errs,
				    "%s: gpio.outputs[%zu].line: already used "
				    "by gpio.outputs[%zu]",
				    path, i, j);
		}
		if (roles[out[i].role] >= 0)
			util_errs_add(errs,
			    "%s: gpio.outputs[%zu].role: a second %s "
			    "(gpio.outputs[%d] is one)",
			    path, i, cfg_output_roles[out[i].role],
			    roles[out[i].role]);
		roles[out[i].role] = (int)i;
	}
	for (size_t i = 0; i < c->gpio.power_schedule.n; i++) {
		pw[i].off_min = cfg_parse_hhmm(pw[i].off);
		pw[i].on_min = cfg_parse_hhmm(pw[i].on);
		if (pw[i].off_min < 0)
			util_errs_add(errs,
			    "%s: gpio.power_schedule[%zu].off: \"%s\" is not "
			    "HH:MM",
			    path, i, pw[i].off);
		if (pw[i].on_min < 0)
			util_errs_add(errs,
			    "%s: gpio.power_schedule[%zu].on: \"%s\" is not "
			    "HH:MM",
			    path, i, pw[i].on);
		if (pw[i].off_min >= 0 && pw[i].off_min == pw[i].on_min)
			util_errs_add(errs,
			    "%s: gpio.power_schedule[%zu]: off and on are the "
			    "same time",
			    path, i);
	}
}

static void
cfg_check_brightness(struct cfg *c, const char *path, struct util_errs *errs)
{
	struct cfg_brightness *b = &c->brightness;
	struct cfg_bright_point *pt = b->schedule.v;
	const struct cfg_gpio_input *in = c->gpio.inputs.v;

	for (size_t i = 0; i < b->schedule.n; i++) {
		pt[i].minute = cfg_parse_hhmm(pt[i].time);
		if (pt[i].minute < 0)
			util_errs_add(errs,
			    "%s: brightness.schedule[%zu].time: \"%s\" is not "
			    "HH:MM",
			    path, i, pt[i].time);
	}
	if (b->sensor.twilight_input[0] != '\0') {
		size_t i;
		for (i = 0; i < c->gpio.inputs.n; i++)
			if (strcmp(in[i].name, b->sensor.twilight_input) == 0)
				break;
		if (i == c->gpio.inputs.n || in[i].role != CFG_INPUT_TWILIGHT)
			util_errs_add(errs,
			    "%s: brightness.sensor.twilight_input: no gpio "
			    "input \"%s\" with role twilight",
			    path, b->sensor.twilight_input);
	}
	if (b->mode == CFG_BRIGHT_SENSOR) {
		if (b->sensor.file[0] == '\0' &&
		    b->sensor.twilight_input[0] == '\0')
			util_errs_add(errs,
			    "%s: brightness.sensor: mode sensor needs file or "
			    "twilight_input",
			    path);
		if (b->sensor.file[0] != '\0' && b->table.n == 0)
			util_errs_add(errs,
			    "%s: brightness.table: a sensor file needs a "
			    "table of levels",
			    path);
	}
}

void
cfg_brightness_params(const struct cfg *c, struct brightness_params *p)
{
	const struct cfg_brightness *b = &c->brightness;
	const struct cfg_bright_point *pt = b->schedule.v;
	const struct cfg_bright_step *st = b->table.v;

	brightness_params_init(p);
	p->mode = b->mode;
	p->manual_percent = b->manual_percent;
	for (size_t i = 0; i < b->schedule.n && i < BRIGHTNESS_STEPS_MAX; i++) {
		p->steps[i].minute = pt[i].minute;
		p->steps[i].percent = pt[i].percent;
		p->n_steps++;
	}
	p->lat = b->latitude;
	p->lon = b->longitude;
	p->day_percent = b->day_percent;
	p->night_percent = b->night_percent;
	p->twilight_percent = b->twilight_percent;
	p->sensor = b->sensor.file[0] != '\0' ? BRIGHTNESS_SENSOR_LEVEL :
						BRIGHTNESS_SENSOR_SWITCH;
	for (size_t i = 0; i < b->table.n && i < BRIGHTNESS_LEVELS_MAX; i++) {
		p->levels[i].percent = st[i].percent;
		p->levels[i].up = st[i].up;
		p->levels[i].down = st[i].down;
		p->n_levels++;
	}
	p->sensor_stuck_ms = (int64_t)b->sensor_stuck_s * 1000;
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
		sizeof(c->display.snapshot_file), dir) != 0 ||
	    cfg_resolve(c->brightness.sensor.file,
		sizeof(c->brightness.sensor.file), dir) != 0 ||
	    cfg_resolve(c->brightness.backlight_file,
		sizeof(c->brightness.backlight_file), dir) != 0)
		util_errs_add(errs, "%s: a path is too long", path);
	if (c->timezone[0] != '\0' && !cfg_timezone_ok(c->timezone))
		util_errs_add(errs, "%s: timezone: unknown time zone \"%s\"",
		    path, c->timezone);
	cfg_check_feeds(c, path, errs);
	cfg_check_http(c, path, errs);
	cfg_check_gpio(c, path, errs);
	cfg_check_brightness(c, path, errs);
	if (util_errs_count(errs) == before) {
		/* The controller's own rules (place, table, order). */
		struct brightness_params bp;
		memset(&local, 0, sizeof(local));
		cfg_brightness_params(c, &bp);
		brightness_params_check(&bp, "brightness", &local);
		for (size_t i = 0; i < local.n; i++)
			util_errs_add(errs, "%s: %s", path, local.msg[i]);
	}
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
