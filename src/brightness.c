/*
 * brightness: the controller behind automatic dimming.  Every decision is
 * a function of the parameters, the wall time, the last sensor value and
 * when it last changed, so tests drive it with fixed times and the daemon
 * only has to call brightness_update on its timer and on sensor input.
 * The sun's times come from sun.c; local time (schedule mode) from
 * localtime_r/mktime with the process's TZ.
 */
#include "brightness.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sun.h"

#define HOUR_MS          3600000LL
#define DAY_MS           (24 * HOUR_MS)
#define STUCK_MIN_MS     60000LL      /* sensor_stuck_s at least a minute */
#define STUCK_MAX_MS     (7 * DAY_MS) /* and at most a week */
#define STUCK_LOOK_DAYS  3 /* a noon and a midnight lie within this */
#define POLAR_RECHECK_MS DAY_MS
#define SENSOR_READ_MAX  64

static const char *const mode_names[] = { "manual", "schedule", "sun",
	"sensor" };
static const char *const phase_names[] = { "night", "twilight", "day" };

void
brightness_params_init(struct brightness_params *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = BRIGHTNESS_MANUAL;
	p->manual_percent = 100;
	p->lat = NAN;
	p->lon = NAN;
	p->day_percent = 100;
	p->twilight_percent = 50;
	p->night_percent = 15;
	p->sensor = BRIGHTNESS_SENSOR_SWITCH;
	p->sensor_stuck_ms = BRIGHTNESS_STUCK_MS_DEFAULT;
}

static void
check_percent(const char *path, const char *key, int v, struct util_errs *errs)
{
	if (v < 0 || v > 100)
		util_errs_add(errs, "%s.%s: %d not in 0..100", path, key, v);
}

static void
check_steps(
    const struct brightness_params *p, const char *path, struct util_errs *errs)
{
	if (p->n_steps == 0) {
		util_errs_add(errs,
		    "%s.schedule: schedule mode needs at least one step", path);
		return;
	}
	if (p->n_steps > BRIGHTNESS_STEPS_MAX) {
		util_errs_add(errs, "%s.schedule: %zu steps, at most %d", path,
		    p->n_steps, BRIGHTNESS_STEPS_MAX);
		return;
	}
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct brightness_step *st = &p->steps[i];

		if (st->minute < 0 || st->minute >= 24 * 60)
			util_errs_add(errs,
			    "%s.schedule[%zu].time: minute %d not in 0..1439",
			    path, i, st->minute);
		else if (i > 0 && st->minute <= p->steps[i - 1].minute)
			util_errs_add(errs,
			    "%s.schedule[%zu].time: %02d:%02d is not after "
			    "the step before (%02d:%02d); steps go in order "
			    "of time",
			    path, i, st->minute / 60, st->minute % 60,
			    p->steps[i - 1].minute / 60,
			    p->steps[i - 1].minute % 60);
		if (st->percent < 0 || st->percent > 100)
			util_errs_add(errs,
			    "%s.schedule[%zu].percent: %d not in 0..100", path,
			    i, st->percent);
	}
}

static void
check_table(
    const struct brightness_params *p, const char *path, struct util_errs *errs)
{
	if (p->n_levels == 0) {
		util_errs_add(errs,
		    "%s.table: a light level sensor needs a brightness table "
		    "with at least one level",
		    path);
		return;
	}
	if (p->n_levels > BRIGHTNESS_LEVELS_MAX) {
		util_errs_add(errs, "%s.table: %zu levels, at most %d", path,
		    p->n_levels, BRIGHTNESS_LEVELS_MAX);
		return;
	}
	for (size_t i = 0; i < p->n_levels; i++) {
		const struct brightness_level *l = &p->levels[i];
		const struct brightness_level *prev = i > 0 ? l - 1 : NULL;

		if (l->percent < 0 || l->percent > 100)
			util_errs_add(errs,
			    "%s.table[%zu].percent: %d not in 0..100", path, i,
			    l->percent);
		if (i == 0) {
			if (l->up != 0 || l->down != 0)
				util_errs_add(errs,
				    "%s.table[0]: the first level is the floor "
				    "for readings from 0; its up and down "
				    "must be 0 (got %ld and %ld)",
				    path, l->up, l->down);
			continue;
		}
		if (l->down > l->up)
			util_errs_add(errs,
			    "%s.table[%zu].down: %ld is above its up "
			    "threshold %ld (down must be <= up)",
			    path, i, l->down, l->up);
		if (l->up <= prev->up)
			util_errs_add(errs,
			    "%s.table[%zu].up: %ld is not above the level "
			    "before (%ld); levels go from dark to bright",
			    path, i, l->up, prev->up);
		if (l->down <= prev->down)
			util_errs_add(errs,
			    "%s.table[%zu].down: %ld is not above the level "
			    "before (%ld); levels go from dark to bright",
			    path, i, l->down, prev->down);
		if (l->percent < prev->percent)
			util_errs_add(errs,
			    "%s.table[%zu].percent: %d is below the level "
			    "before (%d); brighter light must not dim the "
			    "board",
			    path, i, l->percent, prev->percent);
	}
}

int
brightness_params_check(
    const struct brightness_params *p, const char *path, struct util_errs *errs)
{
	size_t before = util_errs_count(errs);
	int uses_sun =
	    p->mode == BRIGHTNESS_SUN || p->mode == BRIGHTNESS_SENSOR;

	if (p->mode < BRIGHTNESS_MANUAL || p->mode > BRIGHTNESS_SENSOR) {
		util_errs_add(errs, "%s.mode: unknown mode %d", path, p->mode);
		return -1;
	}
	check_percent(path, "manual_percent", p->manual_percent, errs);
	if (p->mode == BRIGHTNESS_SCHEDULE)
		check_steps(p, path, errs);
	if (uses_sun) {
		const char *why = p->mode == BRIGHTNESS_SUN ?
		    "sun mode" :
		    "sensor mode (its fallback is sun mode)";

		if (!(p->lat >= -90.0 && p->lat <= 90.0))
			util_errs_add(errs,
			    "%s.latitude: %s needs a latitude in -90..90", path,
			    why);
		if (!(p->lon >= -180.0 && p->lon <= 180.0))
			util_errs_add(errs,
			    "%s.longitude: %s needs a longitude in -180..180 "
			    "(east positive)",
			    path, why);
		check_percent(path, "day_percent", p->day_percent, errs);
		check_percent(path, "night_percent", p->night_percent, errs);
		check_percent(
		    path, "twilight_percent", p->twilight_percent, errs);
	}
	if (p->mode == BRIGHTNESS_SENSOR) {
		if (p->sensor != BRIGHTNESS_SENSOR_SWITCH &&
		    p->sensor != BRIGHTNESS_SENSOR_LEVEL)
			util_errs_add(errs, "%s.sensor: unknown sensor kind %d",
			    path, p->sensor);
		else if (p->sensor == BRIGHTNESS_SENSOR_LEVEL)
			check_table(p, path, errs);
		if (p->sensor_stuck_ms < STUCK_MIN_MS ||
		    p->sensor_stuck_ms > STUCK_MAX_MS)
			util_errs_add(errs,
			    "%s.sensor_stuck_s: %lld not in %lld..%lld", path,
			    (long long)(p->sensor_stuck_ms / 1000),
			    STUCK_MIN_MS / 1000, STUCK_MAX_MS / 1000);
	}
	return util_errs_count(errs) == before ? 0 : -1;
}

int
brightness_parse_hhmm(const char *s, int *minute)
{
	int h, m;

	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	*minute = h * 60 + m;
	return 0;
}

void
brightness_state_init(struct brightness_state *s)
{
	memset(s, 0, sizeof(*s));
	s->percent = -1;
	s->override_percent = -1;
}

void
brightness_override(struct brightness_state *s, int percent, int64_t until_ms)
{
	s->override_percent = percent < 0 ? 0 : percent > 100 ? 100 : percent;
	s->override_until_ms = until_ms;
}

void
brightness_override_clear(struct brightness_state *s)
{
	s->override_percent = -1;
	s->override_until_ms = 0;
}

static void
fmt_utc(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld ms", (long long)ms);
}

/* Index of the step that applies at local minute m (wrapping). */
static size_t
step_at(const struct brightness_params *p, int m)
{
	size_t cur = p->n_steps - 1; /* before the first: yesterday's last */

	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].minute <= m)
			cur = i;
	return cur;
}

static int
local_minute(int64_t now_ms)
{
	time_t t =
	    (time_t)(now_ms >= 0 ? now_ms / 1000 : (now_ms - 999) / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_hour * 60 + tm.tm_min;
}

static int
sun_percent(const struct brightness_params *p, int64_t now_ms, int *phase)
{
	*phase = sun_phase_at(p->lat, p->lon, now_ms, NULL);
	switch (*phase) {
	case SUN_DAY:
		return p->day_percent;
	case SUN_TWILIGHT:
		return p->twilight_percent;
	default:
		return p->night_percent;
	}
}

/* The solar day number (local mean solar time) of t. */
static int64_t
solar_day(double lon, int64_t t_ms)
{
	int64_t x = t_ms + (int64_t)llround(lon * 240000.0);

	return (x >= 0 ? x : x - DAY_MS + 1) / DAY_MS;
}

static int
sun_day_of(double lat, double lon, int64_t day, struct sun_day *sd)
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	return sun_day(
	    lat, lon, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, sd);
}

/*
 * Does [from, to] contain a solar noon with the sun up and a solar
 * midnight with the sun below civil twilight?  If next is not NULL, also
 * the first such noon or midnight after to (a time when the answer may
 * change).
 */
static int
span_has_noon_and_midnight(
    const struct brightness_params *p, int64_t from, int64_t to, int64_t *next)
{
	int64_t first = solar_day(p->lon, from) - 1;
	int64_t last = solar_day(p->lon, to) + 1;
	int noon = 0, midnight = 0;

	if (next != NULL)
		*next = INT64_MAX;
	if (last - first > STUCK_LOOK_DAYS + 2)
		first = last - (STUCK_LOOK_DAYS + 2);
	for (int64_t k = first; k <= last; k++) {
		struct sun_day sd;
		int64_t mid;

		if (sun_day_of(p->lat, p->lon, k, &sd) != 0)
			continue;
		mid = sd.noon_ms + DAY_MS / 2;
		if (sun_elevation(p->lat, p->lon, sd.noon_ms) >=
		    SUN_ALT_RISESET) {
			if (sd.noon_ms >= from && sd.noon_ms <= to)
				noon = 1;
			if (next != NULL && sd.noon_ms > to &&
			    sd.noon_ms < *next)
				*next = sd.noon_ms;
		}
		if (sun_elevation(p->lat, p->lon, mid) < SUN_ALT_CIVIL) {
			if (mid >= from && mid <= to)
				midnight = 1;
			if (next != NULL && mid > to && mid < *next)
				*next = mid;
		}
	}
	return noon && midnight;
}

static int
sensor_stuck(const struct brightness_state *s,
    const struct brightness_params *p, int64_t now_ms)
{
	if (!s->have_value || now_ms - s->value_since_ms < p->sensor_stuck_ms)
		return 0;
	return span_has_noon_and_midnight(p, s->value_since_ms, now_ms, NULL);
}

static void
sensor_take(struct brightness_state *s, const struct brightness_params *p,
    int64_t now_ms, const struct brightness_input *in)
{
	long v;

	if (in == NULL)
		return;
	v = p->sensor == BRIGHTNESS_SENSOR_LEVEL ? in->raw :
	    in->dark < 0                         ? -1 :
						   (in->dark != 0);
	if (v < 0) {
		s->have_value = 0;
		return;
	}
	if (!s->have_value || v != s->value) {
		s->value = v;
		s->value_since_ms = now_ms;
		s->have_value = 1;
	}
}

/* Move s->level through the table with hysteresis. */
static void
level_follow(struct brightness_state *s, const struct brightness_params *p)
{
	int n = (int)p->n_levels;
	int moved = 0;

	if (s->level < 0 || s->level >= n)
		s->level = 0;
	while (s->level + 1 < n && s->value >= p->levels[s->level + 1].up) {
		s->level++;
		moved = 1;
	}
	while (!moved && s->level > 0 && s->value < p->levels[s->level].down)
		s->level--;
}

static int
sensor_percent(struct brightness_state *s, const struct brightness_params *p,
    int64_t now_ms)
{
	const char *what = p->sensor == BRIGHTNESS_SENSOR_LEVEL ?
	    "light sensor" :
	    "twilight switch";
	int no_table = p->sensor == BRIGHTNESS_SENSOR_LEVEL && p->n_levels == 0;
	char since[32];
	int phase, pct;

	if (!s->have_value || no_table || sensor_stuck(s, p, now_ms)) {
		pct = sun_percent(p, now_ms, &phase);
		s->fallback = 1;
		if (!s->have_value) {
			snprintf(s->warning, sizeof(s->warning),
			    "brightness: %s has no reading; using sun mode",
			    what);
		} else if (no_table) {
			snprintf(s->warning, sizeof(s->warning),
			    "brightness: no table for the %s; using sun mode",
			    what);
		} else {
			fmt_utc(s->value_since_ms, since, sizeof(since));
			snprintf(s->warning, sizeof(s->warning),
			    "brightness: %s stuck at %ld since %s; using sun "
			    "mode",
			    what, s->value, since);
		}
		snprintf(s->why, sizeof(s->why), "sun (fallback): %s",
		    phase_names[phase]);
		return pct;
	}
	s->fallback = 0;
	if (p->sensor == BRIGHTNESS_SENSOR_SWITCH) {
		snprintf(s->why, sizeof(s->why), "sensor: switch %s",
		    s->value ? "dark" : "light");
		return s->value ? p->night_percent : p->day_percent;
	}
	level_follow(s, p);
	snprintf(s->why, sizeof(s->why), "sensor: level %d (reading %ld)",
	    s->level, s->value);
	return p->levels[s->level].percent;
}

int
brightness_update(struct brightness_state *s, const struct brightness_params *p,
    int64_t now_ms, const struct brightness_input *in)
{
	int pct, phase;

	s->warning[0] = '\0';
	if (p->mode != BRIGHTNESS_SENSOR)
		s->fallback = 0;
	switch (p->mode) {
	case BRIGHTNESS_SCHEDULE: {
		size_t i;

		if (p->n_steps == 0) { /* unchecked params: stay safe */
			pct = p->manual_percent;
			snprintf(s->why, sizeof(s->why), "schedule: no steps");
			break;
		}
		i = step_at(p, local_minute(now_ms));

		pct = p->steps[i].percent;
		snprintf(s->why, sizeof(s->why), "schedule: from %02d:%02d",
		    p->steps[i].minute / 60, p->steps[i].minute % 60);
		break;
	}
	case BRIGHTNESS_SUN:
		pct = sun_percent(p, now_ms, &phase);
		snprintf(s->why, sizeof(s->why), "sun: %s", phase_names[phase]);
		break;
	case BRIGHTNESS_SENSOR:
		sensor_take(s, p, now_ms, in);
		pct = sensor_percent(s, p, now_ms);
		break;
	default:
		pct = p->manual_percent;
		snprintf(s->why, sizeof(s->why), "manual");
		break;
	}
	if (s->override_percent >= 0 && now_ms >= s->override_until_ms)
		brightness_override_clear(s);
	if (s->override_percent >= 0) {
		char until[32];

		fmt_utc(s->override_until_ms, until, sizeof(until));
		pct = s->override_percent;
		snprintf(s->why, sizeof(s->why), "override until %s (%s)",
		    until,
		    p->mode >= 0 && p->mode <= BRIGHTNESS_SENSOR ?
			mode_names[p->mode] :
			"?");
	}
	s->percent = pct < 0 ? 0 : pct > 100 ? 100 : pct;
	return s->percent;
}

/* Wall time of the next schedule step after now (local time). */
static int64_t
schedule_next(const struct brightness_params *p, int64_t now_ms)
{
	time_t now = (time_t)(now_ms / 1000);
	int64_t best = INT64_MAX;
	struct tm base;

	if (localtime_r(&now, &base) == NULL)
		return INT64_MAX;
	for (size_t i = 0; i < p->n_steps; i++) {
		for (int day = 0; day <= 1; day++) {
			struct tm tm = base;
			time_t t;

			tm.tm_mday += day;
			tm.tm_hour = p->steps[i].minute / 60;
			tm.tm_min = p->steps[i].minute % 60;
			tm.tm_sec = 0;
			tm.tm_isdst = -1;
			t = mktime(&tm);
			if (t == (time_t)-1)
				continue;
			if ((int64_t)t * 1000 > now_ms) {
				if ((int64_t)t * 1000 < best)
					best = (int64_t)t * 1000;
				break;
			}
		}
	}
	return best;
}

static int64_t
sun_next(const struct brightness_params *p, int64_t now_ms)
{
	int64_t t;

	sun_phase_at(p->lat, p->lon, now_ms, &t);
	return t == INT64_MAX ? now_ms + POLAR_RECHECK_MS : t;
}

/*
 * When the stuck rule can next start to hold if the value stays: both
 * of its conditions only grow true as time passes, so it is the time the
 * unchanged span reaches sensor_stuck_ms, or the next solar noon or
 * midnight if the span still lacks one of them, whichever is later.
 */
static int64_t
stuck_next(const struct brightness_state *s, const struct brightness_params *p,
    int64_t now_ms)
{
	int64_t due = s->value_since_ms + p->sensor_stuck_ms, mark;

	if (!span_has_noon_and_midnight(p, s->value_since_ms, now_ms, &mark))
		due = due > mark ? due : mark;
	return due > now_ms ? due : INT64_MAX;
}

int64_t
brightness_next_change(const struct brightness_state *s,
    const struct brightness_params *p, int64_t now_ms)
{
	int64_t next = INT64_MAX, t;

	if (s->override_percent >= 0 && s->override_until_ms > now_ms)
		next = s->override_until_ms;
	switch (p->mode) {
	case BRIGHTNESS_SCHEDULE:
		t = schedule_next(p, now_ms);
		break;
	case BRIGHTNESS_SUN:
		t = sun_next(p, now_ms);
		break;
	case BRIGHTNESS_SENSOR:
		/* Sun events matter only while it falls back on them. */
		t = s->fallback || !s->have_value ? sun_next(p, now_ms) :
						    INT64_MAX;
		if (s->have_value && !s->fallback) {
			int64_t stuck = stuck_next(s, p, now_ms);

			if (stuck < t)
				t = stuck;
		}
		break;
	default:
		t = INT64_MAX;
		break;
	}
	if (t < next)
		next = t;
	return next == INT64_MAX ? INT64_MAX : next - now_ms;
}

long
brightness_read_sensor(const char *path)
{
	char buf[SENSOR_READ_MAX];
	char *end;
	ssize_t n;
	long v;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return -1; /* no sign, no blanks, no empty value */
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno != 0)
		return -1;
	if (*end == '.') {
		end++;
		while (*end >= '0' && *end <= '9')
			end++;
	}
	while (*end == '\n' || *end == ' ')
		end++;
	return *end == '\0' ? v : -1;
}
