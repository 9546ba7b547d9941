/*
 * cabinet: what the sign's cabinet wires to it.  GPIO inputs (contacts
 * that show presets, the door, the twilight switch, the test-pattern
 * button), GPIO outputs (the heartbeat LED, the board's power relay and
 * its blank schedule) and the brightness controller that dims the board.
 * main asks it whether the board is blank or shows the test pattern, and
 * calls cabinet_heartbeat() on each tick of its heartbeat timer with the
 * render loop's health; /health, /metrics and the API read it.
 */
#ifndef TAFEL_CABINET_H
#define TAFEL_CABINET_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct cfg;
struct display;
struct messages;
struct cabinet;
struct json_object;

struct cabinet_ops {
	void (*redraw)(void *arg); /* the board must be drawn again */
	void *arg;
};

struct cabinet *cabinet_new(struct loop *l, struct messages *m,
    struct display *d, const struct cabinet_ops *ops);
void cabinet_free(struct cabinet *k);

/*
 * Apply a configuration: at start (first) and on reload.  Opens the chip
 * and requests the lines (kept as they are when a reload leaves the gpio
 * section unchanged).  -1 with err naming chip and line only when first,
 * gpio.required and the chip or a line is missing or busy; otherwise GPIO
 * problems are logged and health warns.
 */
int cabinet_configure(struct cabinet *k, const struct cfg *c, int first,
    char *err, size_t errlen);

/* Does the test pattern show at mono_ms?  *until_ms: when it ends. */
int cabinet_pattern(const struct cabinet *k, int64_t mono_ms, int64_t *until);
/* Is the board blank (power schedule)? */
int cabinet_blank(const struct cabinet *k);

/* Heartbeat period in ms (0: no heartbeat output) and one tick. */
int64_t cabinet_heartbeat_period(const struct cabinet *k);
void cabinet_heartbeat(struct cabinet *k, int healthy);

/* 0 pass, 1 warn: GPIO missing, a door open, brightness warning. */
int cabinet_level(const struct cabinet *k);
/* Add the checks "gpio:inputs", "gpio:outputs", "brightness:level". */
void cabinet_checks(const struct cabinet *k, struct json_object *checks);
/* Append the Prometheus lines of the cabinet (brightness, lines, blank). */
struct util_buf;
void cabinet_metrics(const struct cabinet *k, struct util_buf *out);
int cabinet_brightness_percent(const struct cabinet *k);

/* The API's views: GET /api/v1/gpio and GET /api/v1/brightness. */
struct json_object *cabinet_gpio_json(const struct cabinet *k);
struct json_object *cabinet_brightness_json(const struct cabinet *k);

/*
 * Simulation backend: drive input name to level (the physical level).
 * 0, or -1 with err (not the simulation backend, no such input).
 */
int cabinet_sim_set(
    struct cabinet *k, const char *name, int level, char *err, size_t errlen);
/*
 * Simulation backend: unplug the line of input or output name, as when
 * its chip is removed (an input's fd breaks, an output cannot be set).
 * 0, or -1 with err.
 */
int cabinet_sim_unplug(
    struct cabinet *k, const char *name, char *err, size_t errlen);

/* Override the brightness until wall time until_ms; percent -1 ends it. */
void cabinet_brightness_override(
    struct cabinet *k, int percent, int64_t until_ms);
/* The longest override the configuration allows, in seconds. */
int cabinet_max_override_s(const struct cabinet *k);

#endif
