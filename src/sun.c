/*
 * sun: NOAA's solar calculator in C.  The formulas and their constants are
 * those of NOAA's "General Solar Position Calculations" spreadsheet
 * (NOAA_Solar_Calculations_day.xls), which follow Meeus.  The spreadsheet
 * evaluates the sun's position once per day; here each event is refined
 * with the position at the event itself (three rounds move it by far
 * less than a second), which makes the events and sun_elevation() agree.
 */
#include "sun.h"

#include <math.h>
#include <stddef.h>

#define DAY_MS     86400000LL
#define MINUTE_MS  60000.0
#define UNIX_JD    2440587.5 /* Julian day of 1970-01-01T00:00Z */
#define J2000_JD   2451545.0
#define DEG        (M_PI / 180.0)
#define REFINE_MAX 5

/* The sun's declination (degrees) and the equation of time (minutes). */
struct sun_pos {
	double decl;
	double eqtime;
};

static struct sun_pos
sun_pos(int64_t t_ms)
{
	double jd = (double)t_ms / (double)DAY_MS + UNIX_JD;
	double t = (jd - J2000_JD) / 36525.0;
	double l0 = fmod(280.46646 + t * (36000.76983 + t * 0.0003032), 360.0);
	double m = 357.52911 + t * (35999.05029 - 0.0001537 * t);
	double e = 0.016708634 - t * (0.000042037 + 0.0000001267 * t);
	double c = sin(m * DEG) * (1.914602 - t * (0.004817 + 0.000014 * t)) +
	    sin(2 * m * DEG) * (0.019993 - 0.000101 * t) +
	    sin(3 * m * DEG) * 0.000289;
	double omega = 125.04 - 1934.136 * t;
	double app = l0 + c - 0.00569 - 0.00478 * sin(omega * DEG);
	double obliq0 = 23.0 +
	    (26.0 +
		(21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60.0) /
		60.0;
	double obliq = obliq0 + 0.00256 * cos(omega * DEG);
	double y = tan(obliq / 2.0 * DEG) * tan(obliq / 2.0 * DEG);
	struct sun_pos p;

	p.decl = asin(sin(obliq * DEG) * sin(app * DEG)) / DEG;
	p.eqtime = 4.0 *
	    (y * sin(2 * l0 * DEG) - 2 * e * sin(m * DEG) +
		4 * e * y * sin(m * DEG) * cos(2 * l0 * DEG) -
		0.5 * y * y * sin(4 * l0 * DEG) -
		1.25 * e * e * sin(2 * m * DEG)) /
	    DEG;
	return p;
}

int
sun_place_valid(double lat, double lon)
{
	return isfinite(lat) && isfinite(lon) && lat >= -90.0 && lat <= 90.0 &&
	    lon >= -180.0 && lon <= 180.0;
}

double
sun_elevation(double lat, double lon, int64_t t_ms)
{
	struct sun_pos p = sun_pos(t_ms);
	int64_t ms_of_day = ((t_ms % DAY_MS) + DAY_MS) % DAY_MS;
	double tst = (double)ms_of_day / MINUTE_MS + p.eqtime + 4.0 * lon;
	double ha = tst / 4.0 - 180.0; /* hour angle, degrees */
	double cz = sin(lat * DEG) * sin(p.decl * DEG) +
	    cos(lat * DEG) * cos(p.decl * DEG) * cos(ha * DEG);

	if (cz > 1.0)
		cz = 1.0;
	if (cz < -1.0)
		cz = -1.0;
	return 90.0 - acos(cz) / DEG;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
date_valid(int y, int m, int d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return 0;
	if (d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 &&
	    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

static int64_t
minutes_to_ms(int64_t day0_ms, double minutes)
{
	return day0_ms + (int64_t)llround(minutes * MINUTE_MS);
}

/*
 * Solar noon of the day starting at day0_ms (UTC midnight), refined with
 * the equation of time at noon itself.
 */
static int64_t
sun_noon(double lon, int64_t day0_ms)
{
	int64_t t = minutes_to_ms(day0_ms, 720.0 - 4.0 * lon);

	for (int i = 0; i < REFINE_MAX; i++) {
		struct sun_pos p = sun_pos(t);
		t = minutes_to_ms(day0_ms, 720.0 - 4.0 * lon - p.eqtime);
	}
	return t;
}

/*
 * Time at which the sun crosses altitude alt on the morning (dir = -1) or
 * evening (dir = +1) side of noon; returns enum sun_cross, decided at
 * noon, and the time in *out when it crosses.
 */
static int
sun_event(double lat, double lon, int64_t day0_ms, int64_t noon_ms, double alt,
    int dir, int64_t *out)
{
	int64_t t = noon_ms;

	*out = 0;
	for (int i = 0; i < REFINE_MAX; i++) {
		struct sun_pos p = sun_pos(t);
		double cosha =
		    (sin(alt * DEG) - sin(lat * DEG) * sin(p.decl * DEG)) /
		    (cos(lat * DEG) * cos(p.decl * DEG));
		double ha;

		if (!(cosha <= 1.0 && cosha >= -1.0)) {
			if (i == 0)
				return cosha > 1.0 ? SUN_ALWAYS_BELOW :
						     SUN_ALWAYS_ABOVE;
			break; /* keep the last estimate (near the poles) */
		}
		ha = acos(cosha) / DEG;
		t = minutes_to_ms(
		    day0_ms, 720.0 - 4.0 * (lon - dir * ha) - p.eqtime);
	}
	*out = t;
	return SUN_CROSSES;
}

int
sun_day(
    double lat, double lon, int year, int month, int day, struct sun_day *out)
{
	int64_t day0;

	if (!sun_place_valid(lat, lon) || !date_valid(year, month, day))
		return -1;
	/* Cosine of latitude would vanish at the poles themselves. */
	if (lat > 89.999)
		lat = 89.999;
	if (lat < -89.999)
		lat = -89.999;
	day0 = days_from_civil(year, month, day) * DAY_MS;
	out->noon_ms = sun_noon(lon, day0);
	out->riseset = sun_event(
	    lat, lon, day0, out->noon_ms, SUN_ALT_RISESET, -1, &out->rise_ms);
	sun_event(
	    lat, lon, day0, out->noon_ms, SUN_ALT_RISESET, 1, &out->set_ms);
	out->civil = sun_event(
	    lat, lon, day0, out->noon_ms, SUN_ALT_CIVIL, -1, &out->dawn_ms);
	sun_event(
	    lat, lon, day0, out->noon_ms, SUN_ALT_CIVIL, 1, &out->dusk_ms);
	return 0;
}

/* The civil date of a day number (H. Hinnant's civil_from_days). */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

struct sun_mark {
	int64_t t;
	int phase; /* the phase from t on */
};

enum sun_phase
sun_phase_at(double lat, double lon, int64_t t_ms, int64_t *next_ms)
{
	struct sun_mark marks[4 * 4];
	size_t n = 0;
	int64_t solar_day;
	int64_t next = INT64_MAX, last = INT64_MIN;
	int phase = -1;
	double el;

	/* The date in local mean solar time, and the days around it. */
	solar_day = (t_ms + (int64_t)llround(lon * 240000.0));
	solar_day =
	    (solar_day >= 0 ? solar_day : solar_day - DAY_MS + 1) / DAY_MS;
	for (int64_t k = solar_day - 1; k <= solar_day + 2; k++) {
		struct sun_day sd;
		int y, m, d;

		civil_from_days(k, &y, &m, &d);
		if (sun_day(lat, lon, y, m, d, &sd) != 0)
			continue;
		if (sd.civil == SUN_CROSSES) {
			marks[n++] =
			    (struct sun_mark){ sd.dawn_ms, SUN_TWILIGHT };
			marks[n++] = (struct sun_mark){ sd.dusk_ms, SUN_NIGHT };
		}
		if (sd.riseset == SUN_CROSSES) {
			marks[n++] = (struct sun_mark){ sd.rise_ms, SUN_DAY };
			marks[n++] =
			    (struct sun_mark){ sd.set_ms, SUN_TWILIGHT };
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (marks[i].t <= t_ms && marks[i].t > last) {
			last = marks[i].t;
			phase = marks[i].phase;
		}
		if (marks[i].t > t_ms && marks[i].t < next)
			next = marks[i].t;
	}
	if (phase < 0) {
		/* No event in the day before: polar day or night. */
		el = sun_elevation(lat, lon, t_ms);
		phase = el >= SUN_ALT_RISESET ? SUN_DAY :
		    el >= SUN_ALT_CIVIL       ? SUN_TWILIGHT :
						SUN_NIGHT;
	}
	if (next_ms != NULL)
		*next_ms = next;
	return (enum sun_phase)phase;
}
