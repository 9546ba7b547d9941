/*
 * test_brightness: the dimming controller at fixed times in Lucerne
 * (TZ=Europe/Zurich): parameter checks, the hysteresis table, the
 * schedule across midnight and a DST change, sun mode, the fallback on a
 * missing or stuck sensor, the override and its expiry, and reading a
 * sysfs-style sensor file.
 *
 * Sun times used below (Lucerne, 2026-11-29, UTC), from the same PyEphem
 * reference as test_sun.c: civil dawn 06:14:45, sunrise 06:49:15, solar
 * noon 11:15:02, sunset 15:40:28, civil dusk 16:14:57.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "brightness.h"
#include "util.h"

#define HOUR 3600000LL
#define DAY  (24 * HOUR)

static int64_t
at(const char *iso)
{
	int64_t ms;

	assert_int_equal(util_parse_iso8601(iso, &ms), 0);
	return ms;
}

static void
sun_params(struct brightness_params *p, int mode)
{
	brightness_params_init(p);
	p->mode = mode;
	p->lat = 47.0502;
	p->lon = 8.3093;
	p->day_percent = 90;
	p->twilight_percent = 40;
	p->night_percent = 10;
}

static void
table_params(struct brightness_params *p)
{
	static const struct brightness_level lv[] = {
		{ 5, 0, 0 },
		{ 30, 100, 80 },
		{ 70, 1000, 800 },
		{ 100, 10000, 8000 },
	};

	sun_params(p, BRIGHTNESS_SENSOR);
	p->sensor = BRIGHTNESS_SENSOR_LEVEL;
	memcpy(p->levels, lv, sizeof(lv));
	p->n_levels = 4;
}

static int
level_at(struct brightness_state *s, const struct brightness_params *p,
    int64_t now, long raw)
{
	struct brightness_input in = { raw, -1 };

	brightness_update(s, p, now, &in);
	return s->level;
}

static int
has_error(const struct util_errs *e, const char *needle)
{
	for (size_t i = 0; i < e->n; i++)
		if (strstr(e->msg[i], needle) != NULL)
			return 1;
	return 0;
}

static void
test_brightness_check_accepts_defaults_and_good_params(void **state)
{
	struct brightness_params p;
	struct util_errs e;

	(void)state;
	memset(&e, 0, sizeof(e));
	brightness_params_init(&p);
	assert_int_equal(brightness_params_check(&p, "brightness", &e), 0);
	table_params(&p);
	assert_int_equal(brightness_params_check(&p, "brightness", &e), 0);
	assert_int_equal(e.n, 0);
}

static void
test_brightness_check_names_every_bad_field(void **state)
{
	struct brightness_params p;
	struct util_errs e;

	(void)state;
	memset(&e, 0, sizeof(e));
	table_params(&p);
	p.levels[0].up = 3;       /* the floor must start at 0 */
	p.levels[2].down = 1200;  /* above its up (1000) */
	p.levels[3].up = 900;     /* not above level 2's up */
	p.levels[3].percent = 60; /* dimmer than level 2 */
	p.lat = NAN;              /* sensor mode falls back to sun */
	p.night_percent = 101;
	p.sensor_stuck_ms = 1000;
	assert_int_equal(brightness_params_check(&p, "brightness", &e), -1);
	for (size_t i = 0; i < e.n; i++)
		print_message("%s\n", e.msg[i]);
	assert_true(has_error(&e, "brightness.table[0]: the first level"));
	assert_true(has_error(&e,
	    "brightness.table[2].down: 1200 is above its up threshold 1000"));
	assert_true(has_error(&e, "brightness.table[3].up: 900 is not above"));
	assert_true(has_error(&e, "brightness.table[3].percent: 60 is below"));
	assert_true(has_error(&e, "brightness.latitude: sensor mode"));
	assert_true(has_error(&e, "brightness.night_percent: 101 not in"));
	assert_true(has_error(&e, "brightness.sensor_stuck_s: 1 not in"));
	/* level 3's own down (8000) is now above its lowered up (900) */
	assert_true(has_error(&e, "brightness.table[3].down: 8000 is above"));
	assert_int_equal(e.n, 8);

	memset(&e, 0, sizeof(e));
	brightness_params_init(&p);
	p.mode = BRIGHTNESS_SCHEDULE;
	assert_int_equal(brightness_params_check(&p, "b", &e), -1);
	assert_true(has_error(&e, "b.schedule: schedule mode needs"));
	memset(&e, 0, sizeof(e));
	p.n_steps = 2;
	p.steps[0] = (struct brightness_step){ 22 * 60, 10 };
	p.steps[1] = (struct brightness_step){ 6 * 60, 80 };
	assert_int_equal(brightness_params_check(&p, "b", &e), -1);
	assert_true(has_error(&e, "b.schedule[1].time: 06:00 is not after"));
	memset(&e, 0, sizeof(e));
	table_params(&p);
	p.n_levels = 0;
	assert_int_equal(brightness_params_check(&p, "b", &e), -1);
	assert_true(has_error(&e, "b.table: a light level sensor needs"));
	memset(&e, 0, sizeof(e));
	p.mode = 7;
	assert_int_equal(brightness_params_check(&p, "b", &e), -1);
	assert_true(has_error(&e, "b.mode: unknown mode 7"));
}

static void
test_brightness_parse_hhmm(void **state)
{
	static const char *const bad[] = { "24:00", "7:00", "07:60", "07:00x",
		"", "0a:00", "07-00", " 7:00" };
	int m = -1;

	(void)state;
	assert_int_equal(brightness_parse_hhmm("22:05", &m), 0);
	assert_int_equal(m, 22 * 60 + 5);
	assert_int_equal(brightness_parse_hhmm("00:00", &m), 0);
	assert_int_equal(m, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(brightness_parse_hhmm(bad[i], &m), -1);
	assert_int_equal(brightness_parse_hhmm(NULL, &m), -1);
}

static void
test_brightness_manual(void **state)
{
	struct brightness_params p;
	struct brightness_state s;

	(void)state;
	brightness_params_init(&p);
	p.manual_percent = 42;
	brightness_state_init(&s);
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-29T12:00:00Z"), NULL), 42);
	assert_string_equal(s.why, "manual");
	assert_true(brightness_next_change(&s, &p, 0) == INT64_MAX);
}

/* A reading that wobbles around a threshold does not flap the level. */
static void
test_brightness_table_hysteresis_does_not_flap(void **state)
{
	struct brightness_params p;
	struct brightness_state s;
	int64_t t = at("2026-11-29T12:00:00Z");
	int changes = 0, last;

	(void)state;
	table_params(&p);
	brightness_state_init(&s);
	assert_int_equal(level_at(&s, &p, t, 50), 0);
	assert_int_equal(s.percent, 5);
	assert_int_equal(level_at(&s, &p, t, 100), 1); /* >= up enters */
	assert_int_equal(s.percent, 30);
	assert_int_equal(level_at(&s, &p, t, 95), 1); /* >= down stays */
	assert_int_equal(level_at(&s, &p, t, 80), 1);
	assert_int_equal(level_at(&s, &p, t, 79), 0); /* < down leaves */
	assert_int_equal(level_at(&s, &p, t, 99), 0); /* < up: not back */
	/* Noise of +-3 around the up threshold: one change, not twenty. */
	last = s.level;
	for (int i = 0; i < 40; i++) {
		level_at(&s, &p, t + i * 1000, i % 2 ? 97 : 103);
		changes += s.level != last;
		last = s.level;
	}
	assert_int_equal(changes, 1);
	assert_int_equal(s.level, 1);
	/* Big steps cross several levels at once, both ways. */
	assert_int_equal(level_at(&s, &p, t, 20000), 3);
	assert_int_equal(s.percent, 100);
	assert_int_equal(level_at(&s, &p, t, 8000), 3);
	assert_int_equal(level_at(&s, &p, t, 7999), 2);
	assert_int_equal(level_at(&s, &p, t, 10), 0);
	assert_string_equal(s.why, "sensor: level 0 (reading 10)");
	assert_int_equal(s.fallback, 0);
	assert_string_equal(s.warning, "");
}

static void
schedule_params(struct brightness_params *p)
{
	brightness_params_init(p);
	p->mode = BRIGHTNESS_SCHEDULE;
	p->n_steps = 3;
	p->steps[0] = (struct brightness_step){ 6 * 60, 80 };
	p->steps[1] = (struct brightness_step){ 12 * 60 + 30, 100 };
	p->steps[2] = (struct brightness_step){ 22 * 60, 10 };
}

/* Local time is Europe/Zurich: UTC+1 in November, UTC+2 in summer. */
static void
test_brightness_schedule_wraps_at_midnight(void **state)
{
	struct brightness_params p;
	struct brightness_state s;
	struct util_errs e;

	(void)state;
	memset(&e, 0, sizeof(e));
	schedule_params(&p);
	assert_int_equal(brightness_params_check(&p, "b", &e), 0);
	brightness_state_init(&s);
	/* 03:00 local: before the first step, yesterday's 22:00 applies. */
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-29T02:00:00Z"), NULL), 10);
	assert_string_equal(s.why, "schedule: from 22:00");
	assert_int_equal(
	    brightness_next_change(&s, &p, at("2026-11-29T02:00:00Z")),
	    3 * HOUR);
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-29T05:00:00Z"), NULL), 80);
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-29T11:29:59Z"), NULL), 80);
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-29T11:30:00Z"), NULL), 100);
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-29T20:59:00Z"), NULL), 100);
	assert_int_equal(
	    brightness_next_change(&s, &p, at("2026-11-29T20:59:00Z")), 60000);
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-29T21:00:00Z"), NULL), 10);
	/* 23:30 local: the next step is 06:00 tomorrow. */
	assert_int_equal(
	    brightness_next_change(&s, &p, at("2026-11-29T22:30:00Z")),
	    6 * HOUR + 30 * 60000);
}

static void
test_brightness_schedule_across_dst(void **state)
{
	struct brightness_params p;
	struct brightness_state s;
	int64_t now = at("2026-03-29T00:00:00Z"); /* 01:00 CET */

	(void)state;
	schedule_params(&p);
	brightness_state_init(&s);
	assert_int_equal(brightness_update(&s, &p, now, NULL), 10);
	/* Clocks go forward at 02:00: 06:00 CEST is 04:00Z, 4 hours on. */
	assert_int_equal(brightness_next_change(&s, &p, now), 4 * HOUR);
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-03-29T04:00:00Z"), NULL), 80);
}

static void
test_brightness_sun_mode_in_lucerne(void **state)
{
	struct brightness_params p;
	struct brightness_state s;
	int64_t noon = at("2026-11-29T11:15:00Z");
	int64_t next;

	(void)state;
	sun_params(&p, BRIGHTNESS_SUN);
	brightness_state_init(&s);
	assert_int_equal(brightness_update(&s, &p, noon, NULL), 90);
	assert_string_equal(s.why, "sun: day");
	/* Next change at sunset, 15:40:28Z (PyEphem), within a minute. */
	next = brightness_next_change(&s, &p, noon);
	assert_true(llabs(noon + next - at("2026-11-29T15:40:28Z")) <= 60000);
	assert_int_equal(brightness_update(&s, &p, noon + next - 1, NULL), 90);
	assert_int_equal(brightness_update(&s, &p, noon + next, NULL), 40);
	assert_string_equal(s.why, "sun: twilight");
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-29T16:10:00Z"), NULL), 40);
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-29T16:20:00Z"), NULL), 10);
	/* Midnight (23:00Z = 00:00 local) is night; dawn is next. */
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-29T23:00:00Z"), NULL), 10);
	assert_string_equal(s.why, "sun: night");
	next = brightness_next_change(&s, &p, at("2026-11-29T23:00:00Z"));
	assert_true(llabs(next - (7 * HOUR + 15 * 60000)) <= 60000);
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-30T06:30:00Z"), NULL), 40);
}

static void
test_brightness_missing_sensor_falls_back_to_sun(void **state)
{
	struct brightness_params p;
	struct brightness_state s;
	struct brightness_input in = { -1, -1 };
	int64_t noon = at("2026-11-29T11:15:00Z");

	(void)state;
	table_params(&p);
	brightness_state_init(&s);
	assert_int_equal(brightness_update(&s, &p, noon, &in), 90);
	assert_int_equal(s.fallback, 1);
	assert_string_equal(s.why, "sun (fallback): day");
	assert_string_equal(s.warning,
	    "brightness: light sensor has no reading; using sun mode");
	/* Falling back, it wakes at sunset (15:40:28Z) like sun mode. */
	assert_true(llabs(noon + brightness_next_change(&s, &p, noon) -
			at("2026-11-29T15:40:28Z")) <= 60000);
	/* A reading ends the fallback and the warning. */
	in.raw = 500;
	assert_int_equal(brightness_update(&s, &p, noon + 5000, &in), 30);
	assert_int_equal(s.fallback, 0);
	assert_string_equal(s.warning, "");
	/* A failed read after that falls back again, at night too. */
	in.raw = -1;
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-29T22:00:00Z"), &in), 10);
	assert_int_equal(s.fallback, 1);

	/* The twilight switch: unknown line state. */
	p.sensor = BRIGHTNESS_SENSOR_SWITCH;
	brightness_state_init(&s);
	in.dark = -1;
	brightness_update(&s, &p, noon, &in);
	assert_int_equal(s.fallback, 1);
	assert_string_equal(s.warning,
	    "brightness: twilight switch has no reading; using sun mode");
	in.dark = 1; /* dark at noon: a covered photocell, believed */
	assert_int_equal(brightness_update(&s, &p, noon, &in), 10);
	assert_string_equal(s.why, "sensor: switch dark");
	in.dark = 0;
	assert_int_equal(brightness_update(&s, &p, noon, &in), 90);
	/* No new input (a deadline call): the last value stands. */
	assert_int_equal(brightness_update(&s, &p, noon + 1000, NULL), 90);
	assert_int_equal(s.fallback, 0);
}

/* A level sensor that reads 0 all night is not stuck; one that reads 0
 * through the next noon is. */
static void
test_brightness_stuck_sensor_rule(void **state)
{
	struct brightness_params p;
	struct brightness_state s;
	struct brightness_input in = { 0, -1 };
	int64_t dusk = at("2026-11-29T16:30:00Z");

	(void)state;
	table_params(&p);
	brightness_state_init(&s);
	assert_int_equal(brightness_update(&s, &p, dusk, &in), 5);
	/* Through the night, 14 h of 0, and past solar midnight. */
	for (int64_t t = dusk; t <= at("2026-11-30T06:30:00Z"); t += HOUR) {
		brightness_update(&s, &p, t, &in);
		assert_int_equal(s.fallback, 0);
		assert_string_equal(s.warning, "");
	}
	/* Still 0 after sunrise: plausible (fog), until noon. */
	brightness_update(&s, &p, at("2026-11-30T11:00:00Z"), &in);
	assert_int_equal(s.fallback, 0);
	/* Solar noon on the 30th is about 11:15:20Z: now it is stuck. */
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-30T11:16:00Z"), &in), 90);
	assert_int_equal(s.fallback, 1);
	assert_string_equal(s.warning,
	    "brightness: light sensor stuck at 0 since 2026-11-29T16:30:00Z; "
	    "using sun mode");
	/* Any change ends it. */
	in.raw = 3;
	assert_int_equal(
	    brightness_update(&s, &p, at("2026-11-30T11:17:00Z"), &in), 5);
	assert_int_equal(s.fallback, 0);
	assert_string_equal(s.warning, "");

	/* A saturated reading all day long is not stuck either. */
	brightness_state_init(&s);
	in.raw = 65535;
	for (int64_t t = at("2026-11-29T07:30:00Z");
	     t <= at("2026-11-29T15:30:00Z"); t += HOUR) {
		assert_int_equal(brightness_update(&s, &p, t, &in), 100);
		assert_int_equal(s.fallback, 0);
	}
}

/*
 * A twilight switch that still says "light" after solar midnight is
 * stuck; the controller asks to be woken at that midnight even when no
 * edge comes.
 */
static void
test_brightness_stuck_switch_is_found_at_solar_midnight(void **state)
{
	struct brightness_params p;
	struct brightness_state s;
	struct brightness_input in = { -1, 0 };
	int64_t now = at("2026-11-29T20:00:00Z"), next;

	(void)state;
	sun_params(&p, BRIGHTNESS_SENSOR);
	p.sensor = BRIGHTNESS_SENSOR_SWITCH;
	brightness_state_init(&s);
	brightness_update(&s, &p, at("2026-11-29T08:00:00Z"), &in);
	assert_int_equal(brightness_update(&s, &p, now, NULL), 90);
	assert_int_equal(s.fallback, 0);
	/* Solar midnight: noon 11:15:02Z + 12 h. */
	next = brightness_next_change(&s, &p, now);
	assert_true(llabs(now + next - at("2026-11-29T23:15:02Z")) <= 60000);
	assert_int_equal(brightness_update(&s, &p, now + next - 1, NULL), 90);
	assert_int_equal(brightness_update(&s, &p, now + next, NULL), 10);
	assert_int_equal(s.fallback, 1);
	assert_non_null(strstr(s.warning, "twilight switch stuck at 0"));
	/* A switch that flips at dusk and dawn never is. */
	brightness_state_init(&s);
	for (int64_t t = at("2026-11-29T07:00:00Z");
	     t < at("2026-12-03T07:00:00Z"); t += HOUR) {
		int64_t m = (t / HOUR) % 24;

		in.dark = m >= 16 || m < 7;
		brightness_update(&s, &p, t, &in);
		assert_int_equal(s.fallback, 0);
	}
}

static void
test_brightness_stuck_needs_the_configured_time(void **state)
{
	struct brightness_params p;
	struct brightness_state s;
	struct brightness_input in = { 42, -1 };

	(void)state;
	table_params(&p);
	p.sensor_stuck_ms = 48 * HOUR;
	brightness_state_init(&s);
	brightness_update(&s, &p, at("2026-11-29T10:00:00Z"), &in);
	/* Noon and midnight passed, but not 48 h. */
	brightness_update(&s, &p, at("2026-11-30T12:00:00Z"), &in);
	assert_int_equal(s.fallback, 0);
	assert_int_equal(
	    brightness_next_change(&s, &p, at("2026-11-30T12:00:00Z")),
	    22 * HOUR);
	brightness_update(&s, &p, at("2026-12-01T10:00:00Z"), &in);
	assert_int_equal(s.fallback, 1);
}

/* Parameters that skipped the check do not read out of bounds. */
static void
test_brightness_unchecked_params_stay_safe(void **state)
{
	struct brightness_params p;
	struct brightness_state s;
	struct brightness_input in = { 500, -1 };
	int64_t noon = at("2026-11-29T11:15:00Z");

	(void)state;
	brightness_params_init(&p);
	p.mode = BRIGHTNESS_SCHEDULE;
	p.manual_percent = 70;
	brightness_state_init(&s);
	assert_int_equal(brightness_update(&s, &p, noon, NULL), 70);
	assert_true(brightness_next_change(&s, &p, noon) == INT64_MAX);
	table_params(&p);
	p.n_levels = 0;
	assert_int_equal(brightness_update(&s, &p, noon, &in), 90);
	assert_int_equal(s.fallback, 1);
	assert_string_equal(s.warning,
	    "brightness: no table for the light sensor; using sun mode");
	p.mode = 99;
	assert_int_equal(brightness_update(&s, &p, noon, &in), 100);
}

static void
test_brightness_override_expires(void **state)
{
	struct brightness_params p;
	struct brightness_state s;
	int64_t noon = at("2026-11-29T11:15:00Z");

	(void)state;
	sun_params(&p, BRIGHTNESS_SUN);
	brightness_state_init(&s);
	brightness_override(&s, 30, noon + HOUR);
	assert_int_equal(brightness_update(&s, &p, noon, NULL), 30);
	assert_string_equal(s.why, "override until 2026-11-29T12:15:00Z (sun)");
	assert_int_equal(brightness_next_change(&s, &p, noon), HOUR);
	assert_int_equal(brightness_update(&s, &p, noon + HOUR - 1, NULL), 30);
	assert_int_equal(brightness_update(&s, &p, noon + HOUR, NULL), 90);
	assert_int_equal(s.override_percent, -1);
	assert_string_equal(s.why, "sun: day");
	/* Clamped, and cleared on demand. */
	brightness_override(&s, 250, noon + 2 * HOUR);
	assert_int_equal(brightness_update(&s, &p, noon, NULL), 100);
	brightness_override_clear(&s);
	assert_int_equal(brightness_update(&s, &p, noon, NULL), 90);
}

static void
write_tmp(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_brightness_read_sensor(void **state)
{
	char dir[] = "/tmp/tafel-bright-XXXXXX", path[128];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/in_illuminance_raw", dir);
	write_tmp(path, "1234\n");
	assert_int_equal(brightness_read_sensor(path), 1234);
	write_tmp(path, "0\n");
	assert_int_equal(brightness_read_sensor(path), 0);
	write_tmp(path, "17.250000\n"); /* in_illuminance_input style */
	assert_int_equal(brightness_read_sensor(path), 17);
	write_tmp(path, "-5\n");
	assert_int_equal(brightness_read_sensor(path), -1);
	write_tmp(path, "12abc\n");
	assert_int_equal(brightness_read_sensor(path), -1);
	write_tmp(path, "");
	assert_int_equal(brightness_read_sensor(path), -1);
	write_tmp(path, "99999999999999999999999\n");
	assert_int_equal(brightness_read_sensor(path), -1);
	unlink(path);
	assert_int_equal(brightness_read_sensor(path), -1);
	assert_int_equal(brightness_read_sensor(dir), -1); /* a directory */
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_brightness_check_accepts_defaults_and_good_params),
		cmocka_unit_test(test_brightness_check_names_every_bad_field),
		cmocka_unit_test(test_brightness_parse_hhmm),
		cmocka_unit_test(test_brightness_manual),
		cmocka_unit_test(
		    test_brightness_table_hysteresis_does_not_flap),
		cmocka_unit_test(test_brightness_schedule_wraps_at_midnight),
		cmocka_unit_test(test_brightness_schedule_across_dst),
		cmocka_unit_test(test_brightness_sun_mode_in_lucerne),
		cmocka_unit_test(
		    test_brightness_missing_sensor_falls_back_to_sun),
		cmocka_unit_test(test_brightness_stuck_sensor_rule),
		cmocka_unit_test(
		    test_brightness_stuck_switch_is_found_at_solar_midnight),
		cmocka_unit_test(
		    test_brightness_stuck_needs_the_configured_time),
		cmocka_unit_test(test_brightness_unchecked_params_stay_safe),
		cmocka_unit_test(test_brightness_override_expires),
		cmocka_unit_test(test_brightness_read_sensor),
	};

	setenv("TZ", "Europe/Zurich", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
