/*
 * brightness: how bright the board should be now, as a percentage.  A
 * pure controller: the caller passes the parameters (from config), the
 * wall time and the latest sensor input, and gets a percentage, a short
 * reason and, when something is wrong, a warning for health.  Nothing in
 * here reads a clock or a file, except brightness_read_sensor(), which the
 * caller runs on its own timer.
 *
 * Modes:
 *   manual    manual_percent, always.
 *   schedule  steps "HH:MM" -> percent in local time (the process's TZ,
 *             which the daemon sets from config).  The last step before
 *             now applies; before the first step of a day the last step
 *             of the day before applies (the schedule wraps at midnight).
 *   sun       day_percent while the sun is up, night_percent below civil
 *             twilight (-6 degrees) and twilight_percent in between (from
 *             civil dawn to sunrise and from sunset to civil dusk).  Steps,
 *             not a ramp: a sign changes brightness three times at dusk
 *             instead of every few seconds, and the loop sleeps until the
 *             next event (brightness_next_change).
 *   sensor    either the digital twilight switch (1 = dark -> night_percent,
 *             0 = light -> day_percent) or a light level (for example an
 *             IIO in_illuminance_raw) mapped through the brightness table.
 *
 * The table: levels from dark to bright, each with a percent and an up
 * and a down threshold in raw sensor units.  Level i is entered going up
 * when the reading is >= levels[i].up and left going down only when the
 * reading is < levels[i].down (down <= up), so a reading that wobbles
 * around one threshold does not make the board flicker.  Level 0 is the
 * floor: its thresholds must be 0.
 *
 * Sensor fallback: when the sensor input is missing (read failed, switch
 * line unknown) or stuck, sun mode applies and state.warning says why.
 * Stuck rule: a constant reading is normal for hours (0 all night, or a
 * saturated reading at noon), so time alone proves nothing.  But a working
 * light sensor or twilight switch reads differently at solar noon (sun
 * above the horizon) than at solar midnight (sun below civil twilight).
 * So the input is stuck when its value has not changed for at least
 * sensor_stuck_ms AND the unchanged span contains both a solar noon with
 * the sun up and a solar midnight with the sun below -6 degrees.  A stuck
 * sensor is therefore noticed within about a day; near the poles, when
 * the sun does not rise or set, it is not noticed at all.  Any change of
 * the value ends the fallback.
 *
 * Override: brightness_override() sets a percent until a wall time (from
 * the API); at that time the configured mode applies again.
 */
#ifndef TAFEL_BRIGHTNESS_H
#define TAFEL_BRIGHTNESS_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define BRIGHTNESS_STEPS_MAX        24 /* schedule steps */
#define BRIGHTNESS_LEVELS_MAX       16 /* table levels */
#define BRIGHTNESS_WHY_LEN          96
#define BRIGHTNESS_WARN_LEN         160
#define BRIGHTNESS_STUCK_MS_DEFAULT (6LL * 3600 * 1000)

enum brightness_mode {
	BRIGHTNESS_MANUAL = 0,
	BRIGHTNESS_SCHEDULE,
	BRIGHTNESS_SUN,
	BRIGHTNESS_SENSOR,
};

enum brightness_sensor {
	BRIGHTNESS_SENSOR_SWITCH = 0, /* digital twilight switch (GPIO) */
	BRIGHTNESS_SENSOR_LEVEL,      /* light level from a sysfs file */
};

struct brightness_step {
	int minute;  /* local minute of the day, 0..1439 */
	int percent; /* 0..100 */
};

struct brightness_level {
	int percent; /* 0..100 */
	long up;     /* entered going up when reading >= up */
	long down;   /* left going down when reading < down */
};

struct brightness_params {
	int mode; /* enum brightness_mode */
	int manual_percent;
	/* schedule: steps in strictly increasing minute order */
	struct brightness_step steps[BRIGHTNESS_STEPS_MAX];
	size_t n_steps;
	/* sun mode, and the fallback of sensor mode */
	double lat, lon; /* degrees, north and east positive */
	int day_percent, night_percent, twilight_percent;
	/* sensor mode */
	int sensor; /* enum brightness_sensor */
	struct brightness_level levels[BRIGHTNESS_LEVELS_MAX]; /* LEVEL */
	size_t n_levels;
	int64_t sensor_stuck_ms; /* see the stuck rule above */
};

/* One reading; the field of the configured sensor kind is used. */
struct brightness_input {
	long raw; /* level sensor reading >= 0, -1 = read failed */
	int dark; /* twilight switch: 1 dark, 0 light, -1 unknown */
};

/* The controller's memory; read the fields, change them only through us. */
struct brightness_state {
	int percent;  /* the last result */
	int level;    /* current table level (level sensor) */
	int fallback; /* 1 while sensor mode runs on sun mode */
	int have_value;
	long value;             /* last sensor value (raw, or dark 0/1) */
	int64_t value_since_ms; /* when value last changed */
	int override_percent;   /* -1 = no override */
	int64_t override_until_ms;
	char why[BRIGHTNESS_WHY_LEN];      /* "sun: night", "sensor: level 2" */
	char warning[BRIGHTNESS_WARN_LEN]; /* "" when all is well */
};

/*
 * Defaults: manual 100 %, day/twilight/night 100/50/15 %, stuck after
 * 6 h, no steps, no table, and no place (lat and lon NaN: sun and sensor
 * modes need them, and the check says so).
 */
void brightness_params_init(struct brightness_params *p);

/*
 * Check p; every problem goes to errs, each starting with path (the
 * config path of the brightness object, e.g. "brightness") and naming the
 * field by its config key ("brightness.table[2].down: 300 is above its up
 * threshold 250").  Keys: mode, manual_percent, schedule[i].time,
 * schedule[i].percent, latitude, longitude, day_percent, night_percent,
 * twilight_percent, sensor, table, table[i].percent, table[i].up,
 * table[i].down, sensor_stuck_s.  0 or -1.
 */
int brightness_params_check(const struct brightness_params *p, const char *path,
    struct util_errs *errs);

/* Parse "HH:MM" (00:00..23:59) into a minute of the day; 0 or -1. */
int brightness_parse_hhmm(const char *s, int *minute);

void brightness_state_init(struct brightness_state *s);

/*
 * The percent (0..100) at now_ms for input in (NULL = no sensor reading
 * this time: the last value stands, which is right for the switch and for
 * calls made only because a deadline passed).  Sets s->percent, s->why and
 * s->warning; an expired override is dropped here.  Nothing is logged:
 * the caller logs when the percent or the warning changes.
 */
int brightness_update(struct brightness_state *s,
    const struct brightness_params *p, int64_t now_ms,
    const struct brightness_input *in);

/*
 * Milliseconds from now_ms until the result can change without new sensor
 * input (schedule step, sun event, override expiry, stuck deadline), or
 * INT64_MAX.  In sensor mode the caller also reads the sensor on its own
 * timer and calls brightness_update with each reading.
 */
int64_t brightness_next_change(const struct brightness_state *s,
    const struct brightness_params *p, int64_t now_ms);

/* Show percent (0..100) until until_ms; then the mode applies again. */
void brightness_override(
    struct brightness_state *s, int percent, int64_t until_ms);
void brightness_override_clear(struct brightness_state *s);

/*
 * Read a light level from a sysfs file such as
 * /sys/bus/iio/devices/iio:device0/in_illuminance_raw: a non-negative
 * integer (a fractional part, as in in_illuminance_input, is dropped).
 * Opens and reads once; the value, or -1 on any error.  This blocks: a
 * driver that starts a measurement on read (an I2C light sensor) holds
 * the caller for its bus transfer or integration time, typically
 * milliseconds, for some parts up to ~200 ms (and sysfs ignores
 * O_NONBLOCK).  So it runs on brightio's worker, never on the loop.
 */
long brightness_read_sensor(const char *path);

#endif
