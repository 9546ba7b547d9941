/*
 * sun: where the sun stands for a place and a time, and when it rises and
 * sets.  The formulas are NOAA's solar calculator (after Meeus,
 * "Astronomical Algorithms"): solar declination and the equation of time
 * from the Julian century, then the hour angle at which the sun's centre
 * reaches a given altitude: -0.833 degrees for sunrise and sunset (the
 * refraction at the horizon plus the sun's radius), -6 degrees for civil
 * dawn and dusk.  Each event is refined with the sun's position at the
 * event itself rather than at noon, so the event times agree with
 * sun_elevation() to a second.  All times are UTC wall-clock milliseconds;
 * time zones are the caller's business.
 */
#ifndef TAFEL_SUN_H
#define TAFEL_SUN_H

#include <stdint.h>

#define SUN_ALT_RISESET (-0.833) /* degrees: sunrise, sunset */
#define SUN_ALT_CIVIL   (-6.0)   /* degrees: civil dawn, civil dusk */

/* Does the sun cross an altitude on a day, or stay on one side of it? */
enum sun_cross {
	SUN_CROSSES = 0,  /* the event times are valid */
	SUN_ALWAYS_ABOVE, /* polar day (for that altitude): no event */
	SUN_ALWAYS_BELOW, /* polar night (for that altitude): no event */
};

/* How much daylight there is: the phases sun mode dims by. */
enum sun_phase {
	SUN_NIGHT = 0, /* below civil twilight (-6 degrees) */
	SUN_TWILIGHT,  /* between -6 and -0.833 degrees */
	SUN_DAY,       /* above -0.833 degrees: the sun is up */
};

/* The events of one day; times are UTC wall ms, 0 when not crossed. */
struct sun_day {
	int64_t noon_ms; /* solar noon (the sun is highest) */
	int64_t dawn_ms; /* civil dawn */
	int64_t rise_ms; /* sunrise */
	int64_t set_ms;  /* sunset */
	int64_t dusk_ms; /* civil dusk */
	int riseset;     /* enum sun_cross for sunrise/sunset */
	int civil;       /* enum sun_cross for civil dawn/dusk */
};

/* Is (lat, lon) a place: lat in -90..90, lon in -180..180 (east > 0)? */
int sun_place_valid(double lat, double lon);

/* Geometric elevation of the sun's centre in degrees at t (no refraction). */
double sun_elevation(double lat, double lon, int64_t t_ms);

/*
 * The events of calendar day year-month-day at the place: the solar day
 * whose noon falls on that date in local mean solar time (for Lucerne,
 * the same date as the Swiss civil date).  0, or -1 for an invalid date
 * or place.
 */
int sun_day(
    double lat, double lon, int year, int month, int day, struct sun_day *out);

/*
 * The light phase at t, and in *next_ms (may be NULL) the wall time of
 * the next change of phase, or INT64_MAX when none comes within two days
 * (polar day or night).  The phase follows the event times of sun_day(),
 * so at *next_ms the phase has changed.
 */
enum sun_phase sun_phase_at(
    double lat, double lon, int64_t t_ms, int64_t *next_ms);

#endif
