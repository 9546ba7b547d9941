/*
 * cfg: the daemon's configuration, one JSON file read through one schema
 * table (cfg.c).  cfg_load() builds a complete new configuration including
 * its layout; the caller swaps it in only when it loaded without error, so
 * a bad file on SIGHUP leaves the running one alone.
 */
#ifndef TAFEL_CFG_H
#define TAFEL_CFG_H

#include <limits.h>
#include <stdio.h>

#include "adapter.h"
#include "layout.h"
#include "schema.h"
#include "util.h"

#ifndef TAFEL_SYSCONFDIR
#define TAFEL_SYSCONFDIR "/etc"
#endif
#ifndef TAFEL_DATADIR
#define TAFEL_DATADIR "/usr/local/share/tafel"
#endif
#define CFG_DEFAULT_PATH TAFEL_SYSCONFDIR "/tafel/tafel.json"

enum cfg_system {
	CFG_SYSTEM_DUMMY,
	CFG_SYSTEM_FBDEV,
	CFG_SYSTEM_DRMKMS
};
enum cfg_pixelformat {
	CFG_PIXELFORMAT_RGB32,
	CFG_PIXELFORMAT_ARGB,
	CFG_PIXELFORMAT_RGB24,
	CFG_PIXELFORMAT_RGB16,
};

struct cfg_display {
	int system;       /* enum cfg_system */
	char device[128]; /* fbdev/drmkms device, "" = DirectFB's default */
	int width, height;
	int pixelformat; /* enum cfg_pixelformat */
	int fps;         /* upper bound on frames per second */
	char snapshot_file[PATH_MAX];
	int snapshot_interval_s;
};

#define CFG_MAX_FEEDS   32
#define CFG_FEED_ID_LEN 32
#define CFG_URL_LEN     1024

struct cfg_header {
	char name[64];
	char value[512];
};

struct cfg_feed {
	char id[CFG_FEED_ID_LEN];
	char url[CFG_URL_LEN];
	int format; /* index into adapter_names */
	int interval_s;
	int timeout_s;
	int max_bytes;
	int stale_after_s;
	char timezone[64]; /* "" = the format's rule for zone-less times */
	struct schema_array headers; /* struct cfg_header */
	int allow_file;
	char ca_path[PATH_MAX];
	int full_hysteresis; /* FULL stays until this many are free */
	struct adapter_fields fields;
	char table_url[CFG_URL_LEN]; /* datex2-parking: the table, or "" */
	int table_interval_s;        /* seconds between table fetches */
};

struct cfg_http {
	struct schema_strlist listen;
	char tls_cert[PATH_MAX]; /* PEM; with tls_key the server speaks HTTPS */
	char tls_key[PATH_MAX];
	char tokens_file[PATH_MAX];     /* "" = the API refuses all writes */
	char demo_token_file[PATH_MAX]; /* demo: generate a token here */
	int max_connections;
	int max_per_client;
	int timeout_s;
	int max_body;
	int rate_per_s;
	int rate_burst;
	int health_public; /* /health, /metrics, /snapshot.png without token */
	int stall_s;       /* an animated board unchanged this long: fail */
};

#define CFG_MULTI_LEN 1024

struct cfg_msg_font {
	int number;
	char font[LAYOUT_NAME_LEN]; /* a layout font name */
};

struct cfg_msg_graphic {
	int number;
	char file[PATH_MAX]; /* PNG, relative to the config file */
};

struct cfg_preset {
	char name[32];
	char multi[CFG_MULTI_LEN];
	int priority;
	int duration_s; /* 0 = until cancelled */
	char zone[32];
};

struct cfg_messages {
	int emergency_priority;
	int max_duration_s;
	int max_pages;
	int default_font;
	uint32_t default_color;
	uint32_t default_background;
	int page_on_ds, page_off_ds;
	int flash_on_ds, flash_off_ds;
	char failsafe[CFG_MULTI_LEN]; /* every feed stale: "" = none */
	char startup[CFG_MULTI_LEN];  /* until data arrives: "" = none */
	struct schema_array fonts;    /* struct cfg_msg_font */
	struct schema_array graphics; /* struct cfg_msg_graphic */
	struct schema_array presets;  /* struct cfg_preset */
};

/*
 * GPIO (cfg.c has the reference).  An input's logical value is its line
 * level after active_low; 1 means "active": a contact closed, a door
 * open, a twilight switch reporting dark, a test button pressed.
 */
enum cfg_gpio_backend {
	CFG_GPIO_GPIOD,
	CFG_GPIO_SIM,
};
enum cfg_gpio_bias {
	CFG_GPIO_BIAS_AS_IS,
	CFG_GPIO_BIAS_DISABLE,
	CFG_GPIO_BIAS_PULL_UP,
	CFG_GPIO_BIAS_PULL_DOWN,
};
enum cfg_input_role {
	CFG_INPUT_CONTACT,
	CFG_INPUT_DOOR,
	CFG_INPUT_TWILIGHT,
	CFG_INPUT_TEST_PATTERN,
};
enum cfg_input_mode {
	CFG_INPUT_WHILE_CLOSED,
	CFG_INPUT_TOGGLE,
};
enum cfg_output_role {
	CFG_OUTPUT_HEARTBEAT,
	CFG_OUTPUT_POWER_RELAY,
};

#define CFG_GPIO_NAME_LEN  32
#define CFG_GPIO_MAX_LINES 32

struct cfg_gpio_input {
	char name[CFG_GPIO_NAME_LEN];
	struct schema_intstr line; /* offset or line name */
	int active_low;
	int bias; /* enum cfg_gpio_bias */
	int debounce_ms;
	int role; /* enum cfg_input_role */
	char preset[32];
	int mode;    /* enum cfg_input_mode */
	int seconds; /* test pattern */
};

struct cfg_gpio_output {
	char name[CFG_GPIO_NAME_LEN];
	struct schema_intstr line;
	int active_low;
	int role;      /* enum cfg_output_role */
	int period_ms; /* heartbeat: half a blink */
};

/* A daily window "off".."on" (local time) in which the board is dark. */
struct cfg_power_window {
	char off[8], on[8];  /* "HH:MM" */
	int off_min, on_min; /* minutes after midnight, set by cfg_load */
};

struct cfg_gpio {
	int backend; /* enum cfg_gpio_backend */
	char chip[64];
	int required;
	struct schema_array inputs;         /* struct cfg_gpio_input */
	struct schema_array outputs;        /* struct cfg_gpio_output */
	struct schema_array power_schedule; /* struct cfg_power_window */
};

enum cfg_bright_mode {
	CFG_BRIGHT_MANUAL,
	CFG_BRIGHT_SCHEDULE,
	CFG_BRIGHT_SUN,
	CFG_BRIGHT_SENSOR,
};

struct cfg_bright_point {
	char time[8]; /* "HH:MM" local */
	int minute;   /* set by cfg_load */
	int percent;
};

/*
 * One level of the sensor table (brightness.h): entered going up when
 * the sensor reads at least up, left going down when it reads below down.
 */
struct cfg_bright_step {
	int up, down;
	int percent;
};

struct cfg_bright_sensor {
	char file[PATH_MAX]; /* sysfs light level, "" = none */
	char twilight_input[CFG_GPIO_NAME_LEN]; /* gpio input, "" = none */
	int interval_s;                         /* between reads of file */
};

struct cfg_brightness {
	int mode;                     /* enum cfg_bright_mode */
	int manual_percent;           /* manual */
	struct schema_array schedule; /* struct cfg_bright_point */
	double latitude, longitude;
	int day_percent, night_percent, twilight_percent;
	struct cfg_bright_sensor sensor;
	struct schema_array table;     /* struct cfg_bright_step */
	char backlight_file[PATH_MAX]; /* "" = scale the colours */
	int sensor_stuck_s;            /* see brightness.h: the stuck rule */
	int max_override_s;
};

struct cfg {
	char path[PATH_MAX];
	char layout_file[PATH_MAX]; /* resolved against the config's folder */
	char fonts_dir[PATH_MAX];
	char state_dir[PATH_MAX];
	char timezone[64];
	int language;         /* texts made from feeds: cfg_language_name() */
	char service_id[128]; /* "" = the host name */
	int log_level;        /* enum log_level */
	struct cfg_display display;
	struct cfg_http http;
	struct cfg_messages messages;
	struct cfg_gpio gpio;
	struct cfg_brightness brightness;
	struct schema_array feeds; /* struct cfg_feed */
	struct layout *layout;     /* owned */
};

/* Load path; NULL with every problem in errs. */
struct cfg *cfg_load(const char *path, struct util_errs *errs);
void cfg_free(struct cfg *c);

const struct cfg_feed *cfg_feed_find(const struct cfg *c, const char *id);

/* The brightness controller's parameters (brightness.h) from c. */
struct brightness_params;
void cfg_brightness_params(const struct cfg *c, struct brightness_params *p);

/* "HH:MM" (00:00..23:59) into minutes after midnight; -1 if malformed. */
int cfg_parse_hhmm(const char *s);

/* Names of enum values, for logs and the API. */
const char *cfg_input_role_name(int role);
const char *cfg_output_role_name(int role);
const char *cfg_bright_mode_name(int mode);
const char *cfg_gpio_backend_name(int backend);

/* Names for log lines and health. */
const char *cfg_system_name(int system);
const char *cfg_pixelformat_name(int pf);
const char *cfg_language_name(int lang); /* "de", "fr", "it", "en" */

/* Print the configuration and layout reference (--help-config). */
void cfg_help(FILE *f);

#endif
