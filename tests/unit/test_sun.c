/*
 * test_sun: sunrise, sunset and civil twilight against an independent
 * ephemeris, the sun's height at noon against the solstice geometry, polar
 * day and night, and the light phase that sun mode dims by.
 *
 * The expected times come from PyEphem 4.1.4 (Debian python3-ephem:
 * libastro with the VSOP87 theory of the sun, not NOAA's formulas), with
 * no atmosphere model (pressure 0) and the standard horizons: the upper
 * limb at -0:34 for sunrise and sunset (the centre at -0.833 degrees),
 * the centre at -6 degrees for civil twilight:
 *
 *   o = ephem.Observer(); o.lat, o.lon = '47.0502', '8.3093'
 *   o.pressure = 0; o.date = '2026/6/21'; o.horizon = '-0:34'
 *   o.next_rising(ephem.Sun())        # and next_setting, and with
 *   o.horizon = '-6'; o.next_rising(ephem.Sun(), use_center=True)
 *
 * As a published cross-check, SRF Meteo's yearly notes give Zurich (0.2
 * degrees east and 0.3 north of Lucerne) its earliest sunrise at 05:28 CEST
 * and its latest sunset at 21:26 CEST in late June (the times move by
 * seconds from year to year); Lucerne's 21 June here is 05:31 and 21:25
 * CEST.  Sydney (07:00 and 16:53 AEST) and San
 * Francisco (05:48 and 20:35 PDT) cover the other hemispheres and a day
 * that crosses UTC midnight.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sun.h"
#include "util.h"

#define LUZ_LAT 47.0502
#define LUZ_LON 8.3093
#define SLACK   60000 /* within a minute */

struct ref {
	double lat, lon;
	int y, m, d;
	const char *dawn, *rise, *set, *dusk;
};

static const struct ref refs[] = {
	{ LUZ_LAT, LUZ_LON, 2026, 6, 21, "2026-06-21T02:51:27Z",
	    "2026-06-21T03:31:27Z", "2026-06-21T19:25:41Z",
	    "2026-06-21T20:05:41Z" },
	{ LUZ_LAT, LUZ_LON, 2026, 12, 21, "2026-12-21T06:34:11Z",
	    "2026-12-21T07:09:44Z", "2026-12-21T15:39:52Z",
	    "2026-12-21T16:15:25Z" },
	{ LUZ_LAT, LUZ_LON, 2026, 3, 20, "2026-03-20T04:59:41Z",
	    "2026-03-20T05:30:03Z", "2026-03-20T17:39:13Z",
	    "2026-03-20T18:09:39Z" },
	{ LUZ_LAT, LUZ_LON, 2026, 9, 23, "2026-09-23T04:44:17Z",
	    "2026-09-23T05:14:43Z", "2026-09-23T17:22:43Z",
	    "2026-09-23T17:53:04Z" },
	/* Sydney: the local day starts on the UTC day before. */
	{ -33.8688, 151.2093, 2026, 6, 21, "2026-06-20T20:32:13Z",
	    "2026-06-20T20:59:58Z", "2026-06-21T06:53:47Z",
	    "2026-06-21T07:21:32Z" },
	/* San Francisco: the evening falls on the next UTC day. */
	{ 37.7749, -122.4194, 2026, 6, 21, "2026-06-21T12:16:44Z",
	    "2026-06-21T12:48:07Z", "2026-06-22T03:35:00Z",
	    "2026-06-22T04:06:23Z" },
};

static int64_t
at(const char *iso)
{
	int64_t ms;

	assert_int_equal(util_parse_iso8601(iso, &ms), 0);
	return ms;
}

static void
near(const char *what, int64_t got, const char *want)
{
	int64_t diff = got - at(want);

	if (llabs(diff) > SLACK)
		fail_msg(
		    "%s: %lld s off %s", what, (long long)(diff / 1000), want);
}

static void
test_sun_events_within_a_minute_of_the_ephemeris(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		const struct ref *r = &refs[i];
		struct sun_day sd;

		assert_int_equal(
		    sun_day(r->lat, r->lon, r->y, r->m, r->d, &sd), 0);
		assert_int_equal(sd.riseset, SUN_CROSSES);
		assert_int_equal(sd.civil, SUN_CROSSES);
		near("dawn", sd.dawn_ms, r->dawn);
		near("rise", sd.rise_ms, r->rise);
		near("set", sd.set_ms, r->set);
		near("dusk", sd.dusk_ms, r->dusk);
		assert_true(sd.dawn_ms < sd.rise_ms);
		assert_true(sd.rise_ms < sd.noon_ms);
		assert_true(sd.noon_ms < sd.set_ms);
		assert_true(sd.set_ms < sd.dusk_ms);
	}
}

/*
 * At the solstices the noon sun stands 90 - lat +/- 23.44 degrees high
 * (the obliquity of the ecliptic in 2026 is 23.436 degrees).
 */
static void
test_sun_noon_height_at_the_solstices(void **state)
{
	struct sun_day sd;

	(void)state;
	assert_int_equal(sun_day(LUZ_LAT, LUZ_LON, 2026, 6, 21, &sd), 0);
	assert_float_equal(sun_elevation(LUZ_LAT, LUZ_LON, sd.noon_ms),
	    90.0 - LUZ_LAT + 23.436, 0.02);
	assert_int_equal(sun_day(LUZ_LAT, LUZ_LON, 2026, 12, 21, &sd), 0);
	assert_float_equal(sun_elevation(LUZ_LAT, LUZ_LON, sd.noon_ms),
	    90.0 - LUZ_LAT - 23.436, 0.02);
	/* Noon is the highest point: a minute either side is lower. */
	assert_true(sun_elevation(LUZ_LAT, LUZ_LON, sd.noon_ms - 60000) <
	    sun_elevation(LUZ_LAT, LUZ_LON, sd.noon_ms));
	assert_true(sun_elevation(LUZ_LAT, LUZ_LON, sd.noon_ms + 60000) <
	    sun_elevation(LUZ_LAT, LUZ_LON, sd.noon_ms));
}

/* The events are where the elevation crosses the altitudes. */
static void
test_sun_events_sit_on_their_altitudes(void **state)
{
	struct sun_day sd;

	(void)state;
	assert_int_equal(sun_day(LUZ_LAT, LUZ_LON, 2026, 11, 29, &sd), 0);
	assert_float_equal(sun_elevation(LUZ_LAT, LUZ_LON, sd.rise_ms),
	    SUN_ALT_RISESET, 0.005);
	assert_float_equal(
	    sun_elevation(LUZ_LAT, LUZ_LON, sd.set_ms), SUN_ALT_RISESET, 0.005);
	assert_float_equal(
	    sun_elevation(LUZ_LAT, LUZ_LON, sd.dawn_ms), SUN_ALT_CIVIL, 0.005);
	assert_float_equal(
	    sun_elevation(LUZ_LAT, LUZ_LON, sd.dusk_ms), SUN_ALT_CIVIL, 0.005);
}

static void
test_sun_polar_day_and_night_are_flagged(void **state)
{
	struct sun_day sd;
	int64_t next;

	(void)state;
	/* Longyearbyen, Svalbard: midnight sun and polar night. */
	assert_int_equal(sun_day(78.2232, 15.6267, 2026, 6, 21, &sd), 0);
	assert_int_equal(sd.riseset, SUN_ALWAYS_ABOVE);
	assert_int_equal(sd.civil, SUN_ALWAYS_ABOVE);
	assert_int_equal(sd.rise_ms, 0);
	assert_int_equal(
	    sun_phase_at(78.2232, 15.6267, at("2026-06-21T23:00:00Z"), &next),
	    SUN_DAY);
	assert_true(next == INT64_MAX);
	assert_int_equal(sun_day(78.2232, 15.6267, 2026, 12, 21, &sd), 0);
	assert_int_equal(sd.riseset, SUN_ALWAYS_BELOW);
	assert_int_equal(sd.civil, SUN_ALWAYS_BELOW);
	assert_int_equal(
	    sun_phase_at(78.2232, 15.6267, at("2026-12-21T11:00:00Z"), NULL),
	    SUN_NIGHT);
	/*
	 * Trondheim (63.43 N) at midsummer: the sun sets, but at midnight it
	 * is only 90 - 63.43 - 23.44 = 3.1 degrees down: no civil dusk.
	 */
	assert_int_equal(sun_day(63.4305, 10.3951, 2026, 6, 21, &sd), 0);
	assert_int_equal(sd.riseset, SUN_CROSSES);
	assert_int_equal(sd.civil, SUN_ALWAYS_ABOVE);
	assert_int_equal(
	    sun_phase_at(63.4305, 10.3951, at("2026-06-21T23:00:00Z"), &next),
	    SUN_TWILIGHT);
	assert_true(next != INT64_MAX);
	assert_int_equal(sun_phase_at(63.4305, 10.3951, next, NULL), SUN_DAY);
}

static void
test_sun_phase_follows_the_events(void **state)
{
	struct sun_day sd;
	int64_t next;

	(void)state;
	assert_int_equal(sun_day(LUZ_LAT, LUZ_LON, 2026, 12, 21, &sd), 0);
	/* Noon: day until sunset. */
	assert_int_equal(
	    sun_phase_at(LUZ_LAT, LUZ_LON, at("2026-12-21T11:00:00Z"), &next),
	    SUN_DAY);
	assert_int_equal(next, sd.set_ms);
	/* Just after sunset: twilight until dusk. */
	assert_int_equal(
	    sun_phase_at(LUZ_LAT, LUZ_LON, sd.set_ms, &next), SUN_TWILIGHT);
	assert_int_equal(next, sd.dusk_ms);
	/* Local midnight (23:00Z): night until the next dawn. */
	assert_int_equal(
	    sun_phase_at(LUZ_LAT, LUZ_LON, at("2026-12-21T23:00:00Z"), &next),
	    SUN_NIGHT);
	near("next dawn", next, "2026-12-22T06:34:41Z");
	assert_int_equal(
	    sun_phase_at(LUZ_LAT, LUZ_LON, next - 1, NULL), SUN_NIGHT);
	assert_int_equal(
	    sun_phase_at(LUZ_LAT, LUZ_LON, next, NULL), SUN_TWILIGHT);
	/* Morning twilight, then day. */
	assert_int_equal(
	    sun_phase_at(LUZ_LAT, LUZ_LON, sd.dawn_ms + 60000, &next),
	    SUN_TWILIGHT);
	assert_int_equal(next, sd.rise_ms);
	/* The elevation agrees away from the edges. */
	assert_true(sun_elevation(LUZ_LAT, LUZ_LON, sd.rise_ms - 60000) <
	    SUN_ALT_RISESET);
	assert_true(sun_elevation(LUZ_LAT, LUZ_LON, sd.rise_ms + 60000) >
	    SUN_ALT_RISESET);
}

static void
test_sun_rejects_bad_dates_and_places(void **state)
{
	struct sun_day sd;

	(void)state;
	assert_int_equal(sun_day(LUZ_LAT, LUZ_LON, 2026, 2, 29, &sd), -1);
	assert_int_equal(sun_day(LUZ_LAT, LUZ_LON, 2028, 2, 29, &sd), 0);
	assert_int_equal(sun_day(LUZ_LAT, LUZ_LON, 2026, 13, 1, &sd), -1);
	assert_int_equal(sun_day(LUZ_LAT, LUZ_LON, 2026, 4, 31, &sd), -1);
	assert_int_equal(sun_day(90.5, LUZ_LON, 2026, 4, 1, &sd), -1);
	assert_int_equal(sun_day(LUZ_LAT, -181.0, 2026, 4, 1, &sd), -1);
	assert_int_equal(sun_day(NAN, LUZ_LON, 2026, 4, 1, &sd), -1);
	assert_false(sun_place_valid(LUZ_LAT, NAN));
	assert_true(sun_place_valid(-90.0, 180.0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_sun_events_within_a_minute_of_the_ephemeris),
		cmocka_unit_test(test_sun_noon_height_at_the_solstices),
		cmocka_unit_test(test_sun_events_sit_on_their_altitudes),
		cmocka_unit_test(test_sun_polar_day_and_night_are_flagged),
		cmocka_unit_test(test_sun_phase_follows_the_events),
		cmocka_unit_test(test_sun_rejects_bad_dates_and_places),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
