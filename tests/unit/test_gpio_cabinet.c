/*
 * test_gpio_cabinet: the cabinet glue with the simulation backend, a real
 * event loop and a real message store: contacts start and stop their
 * presets (while closed, toggled), stale contact messages go at start,
 * the door warns, the test pattern runs, the heartbeat toggles only when
 * healthy, the power schedule blanks the board and opens the relay, a
 * missing or busy line refuses to start only when required, and the
 * brightness override applies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cabinet.h"
#include "cfg.h"
#include "log.h"
#include "loop.h"
#include "messages.h"
#include "util.h"
#include "fixture.h"

#define LAYOUT                                                              \
	"{\"width\":64,\"height\":32,\"regions\":[{\"name\":\"a\",\"x\":0," \
	"\"y\":0,\"w\":64,\"h\":32,\"zone\":\"z\",\"widgets\":[{\"type\":"  \
	"\"text\",\"text\":\"x\"}]}]}"

#define INPUTS                                                                \
	"\"inputs\":[{\"name\":\"t\",\"line\":\"tunnel\",\"role\":"           \
	"\"contact\",\"preset\":\"tunnel\",\"debounce_ms\":0},"               \
	"{\"name\":\"ev\",\"line\":1,\"role\":\"contact\",\"preset\":"        \
	"\"tunnel\",\"mode\":\"toggle\",\"debounce_ms\":0},"                  \
	"{\"name\":\"door\",\"line\":2,\"role\":\"door\",\"debounce_ms\":0}," \
	"{\"name\":\"test\",\"line\":3,\"role\":\"test_pattern\","            \
	"\"seconds\":1,\"debounce_ms\":0}],"                                  \
	"\"outputs\":[{\"name\":\"hb\",\"line\":6,\"role\":\"heartbeat\"},"   \
	"{\"name\":\"relay\",\"line\":7,\"role\":\"power_relay\"}]"

/* A chip no machine has: the tests run on machines with GPIO too. */
#define NOCHIP "tafel-no-such-chip"

struct fix {
	char *dir;
	struct loop *loop;
	struct messages *msgs;
	struct cabinet *cab;
	struct cfg *cfg;
	int redraws;
};

static void
on_redraw(void *arg)
{
	struct fix *f = arg;

	f->redraws++;
}

static void
on_stop(struct loop_timer *t, void *arg)
{
	(void)t;
	loop_stop(arg);
}

/* Run the loop for ms: line events and timers get handled. */
static void
spin(struct fix *f, int ms)
{
	struct loop_timer *t = loop_timer_new(f->loop, on_stop, f->loop);

	loop_timer_at(t, util_mono_ms() + ms);
	loop_run(f->loop);
	loop_timer_free(t);
}

static struct cfg *
load(struct fix *f, const char *gpio, const char *extra)
{
	struct util_errs e;
	char path[512], *text;
	size_t n;
	struct cfg *c;

	n = strlen(gpio) + strlen(extra) + 512;
	text = malloc(n);
	snprintf(text, n,
	    "{\"layout\":\"l.json\",\"state_dir\":\"%s\",\"display\":{"
	    "\"system\":\"dummy\",\"width\":64,\"height\":32},\"messages\":{"
	    "\"presets\":[{\"name\":\"tunnel\",\"multi\":\"T\"}]},"
	    "\"gpio\":{%s}%s}",
	    f->dir, gpio, extra);
	fixture_write(f->dir, "c.json", text);
	free(text);
	snprintf(path, sizeof(path), "%s/c.json", f->dir);
	memset(&e, 0, sizeof(e));
	c = cfg_load(path, &e);
	for (size_t i = 0; i < e.n; i++)
		fprintf(stderr, "%s\n", e.msg[i]);
	assert_non_null(c);
	return c;
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct cabinet_ops ops = { on_redraw, f };
	char err[256];

	f->dir = fixture_dir();
	fixture_write(f->dir, "l.json", LAYOUT);
	f->loop = loop_new();
	f->msgs =
	    messages_new(f->loop, NULL, f->dir, NULL, NULL, err, sizeof(err));
	assert_non_null(f->msgs);
	f->cab = cabinet_new(f->loop, f->msgs, NULL, &ops);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	cabinet_free(f->cab);
	messages_free(f->msgs);
	cfg_free(f->cfg);
	loop_free(f->loop);
	fixture_rmdir(f->dir);
	free(f);
	return 0;
}

/* Configure the cabinet with gpio (and extra top-level keys). */
static int
configure(struct fix *f, const char *gpio, const char *extra, char *err,
    size_t errlen)
{
	struct cfg *old = f->cfg;
	char e[256];
	int rc;

	f->cfg = load(f, gpio, extra);
	assert_int_equal(
	    messages_configure(f->msgs, f->cfg, NULL, NULL, e, sizeof(e)), 0);
	rc = cabinet_configure(f->cab, f->cfg, old == NULL, err, errlen);
	cfg_free(old);
	return rc;
}

static void
set(struct fix *f, const char *name, int level)
{
	char err[256];

	assert_int_equal(
	    cabinet_sim_set(f->cab, name, level, err, sizeof(err)), 0);
	spin(f, 10);
}

/* An output's value from the API view. */
static int
output(struct fix *f, const char *name)
{
	struct json_object *g = cabinet_gpio_json(f->cab), *outs, *o, *v;
	int val = -1;

	if (json_object_object_get_ex(g, "outputs", &outs) &&
	    json_object_object_get_ex(outs, name, &o) &&
	    json_object_object_get_ex(o, "value", &v) && v != NULL)
		val = json_object_get_int(v);
	json_object_put(g);
	return val;
}

/* How often an output was toggled, from the API view. */
static int
output_toggles(struct fix *f, const char *name)
{
	struct json_object *g = cabinet_gpio_json(f->cab), *outs, *o, *v;
	int n = -1;

	if (json_object_object_get_ex(g, "outputs", &outs) &&
	    json_object_object_get_ex(outs, name, &o) &&
	    json_object_object_get_ex(o, "toggles", &v))
		n = json_object_get_int(v);
	json_object_put(g);
	return n;
}

static void
test_cabinet_contact_shows_preset_while_closed(void **state)
{
	struct fix *f = *state;
	char err[256];

	assert_int_equal(
	    configure(f, "\"backend\":\"sim\"," INPUTS, "", err, sizeof(err)),
	    0);
	assert_false(messages_gpio_shown(f->msgs, "gpio:t"));
	f->redraws = 0;
	set(f, "t", 1);
	assert_true(messages_gpio_shown(f->msgs, "gpio:t"));
	set(f, "t", 0);
	assert_false(messages_gpio_shown(f->msgs, "gpio:t"));
	/* Toggle: closing edges flip it, opening edges do nothing. */
	set(f, "ev", 1);
	assert_true(messages_gpio_shown(f->msgs, "gpio:ev"));
	set(f, "ev", 0);
	assert_true(messages_gpio_shown(f->msgs, "gpio:ev"));
	set(f, "ev", 1);
	assert_false(messages_gpio_shown(f->msgs, "gpio:ev"));
	/* Not a configured input, and not a level a wire has. */
	assert_int_equal(cabinet_sim_set(f->cab, "nope", 1, err, 256), -1);
	assert_string_equal(err, "no gpio input \"nope\"");
}

static void
test_cabinet_start_drops_stale_contact_messages(void **state)
{
	struct fix *f = *state;
	char err[256];

	/* Messages left from a previous run. */
	f->cfg = load(f, "\"backend\":\"sim\"," INPUTS, "");
	assert_int_equal(
	    messages_configure(f->msgs, f->cfg, NULL, NULL, err, 256), 0);
	assert_int_equal(messages_gpio_start(
			     f->msgs, "tunnel", "gpio:t", 1, err, sizeof(err)),
	    0);
	assert_int_equal(messages_gpio_start(
			     f->msgs, "tunnel", "gpio:ev", 0, err, sizeof(err)),
	    0);
	assert_int_equal(messages_gpio_start(f->msgs, "tunnel", "gpio:gone", 1,
			     err, sizeof(err)),
	    0);
	assert_int_equal(
	    cabinet_configure(f->cab, f->cfg, 1, err, sizeof(err)), 0);
	/* The contact reads open: its message goes; the toggle stays. */
	assert_false(messages_gpio_shown(f->msgs, "gpio:t"));
	assert_true(messages_gpio_shown(f->msgs, "gpio:ev"));
	assert_false(messages_gpio_shown(f->msgs, "gpio:gone"));
}

static void
test_cabinet_door_warns_and_test_pattern_runs(void **state)
{
	struct fix *f = *state;
	struct json_object *checks = json_object_new_object(), *arr, *c, *s;
	int64_t until;
	char err[256];

	assert_int_equal(
	    configure(f, "\"backend\":\"sim\"," INPUTS, "", err, sizeof(err)),
	    0);
	assert_int_equal(cabinet_level(f->cab), 0);
	set(f, "door", 1);
	assert_int_equal(cabinet_level(f->cab), 1);
	cabinet_checks(f->cab, checks);
	assert_true(json_object_object_get_ex(checks, "gpio:inputs", &arr));
	c = json_object_array_get_idx(arr, 0);
	assert_true(json_object_object_get_ex(c, "status", &s));
	assert_string_equal(json_object_get_string(s), "warn");
	assert_true(json_object_object_get_ex(c, "output", &s));
	assert_string_equal(json_object_get_string(s), "simulation: door open");
	json_object_put(checks);
	set(f, "door", 0);
	assert_int_equal(cabinet_level(f->cab), 0);

	assert_false(cabinet_pattern(f->cab, util_mono_ms(), NULL));
	f->redraws = 0;
	set(f, "test", 1);
	assert_true(cabinet_pattern(f->cab, util_mono_ms(), &until));
	assert_true(until > util_mono_ms() + 900);
	assert_true(until <= util_mono_ms() + 1000);
	assert_true(f->redraws > 0);
	assert_false(cabinet_pattern(f->cab, until, NULL));
}

static void
test_cabinet_heartbeat_toggles_only_when_healthy(void **state)
{
	struct fix *f = *state;
	char err[256];

	assert_int_equal(
	    configure(f, "\"backend\":\"sim\"," INPUTS, "", err, sizeof(err)),
	    0);
	assert_int_equal(cabinet_heartbeat_period(f->cab), 1000);
	assert_int_equal(output(f, "hb"), 0);
	cabinet_heartbeat(f->cab, 1);
	assert_int_equal(output(f, "hb"), 1);
	cabinet_heartbeat(f->cab, 1);
	assert_int_equal(output(f, "hb"), 0);
	cabinet_heartbeat(f->cab, 1);
	cabinet_heartbeat(f->cab, 0);
	cabinet_heartbeat(f->cab, 0);
	assert_int_equal(output(f, "hb"), 1);
	assert_int_equal(output(f, "relay"), 1);
	assert_int_equal(output_toggles(f, "hb"), 3);
	/* A line that cannot be set: no toggle is counted. */
	assert_int_equal(cabinet_sim_unplug(f->cab, "hb", err, 256), 0);
	cabinet_heartbeat(f->cab, 1);
	cabinet_heartbeat(f->cab, 1);
	assert_int_equal(output(f, "hb"), 1);
	assert_int_equal(output_toggles(f, "hb"), 3);
}

static void
test_cabinet_power_schedule_blanks_and_opens_relay(void **state)
{
	struct fix *f = *state;
	time_t now = time(NULL);
	struct tm tm;
	char gpio[1024], err[256];
	int m;

	setenv("TZ", "UTC", 1);
	tzset();
	localtime_r(&now, &tm);
	m = tm.tm_hour * 60 + tm.tm_min;
	snprintf(gpio, sizeof(gpio),
	    "\"backend\":\"sim\"," INPUTS ",\"power_schedule\":[{\"off\":"
	    "\"%02d:%02d\",\"on\":\"%02d:%02d\"}]",
	    ((m + 1439) % 1440) / 60, ((m + 1439) % 1440) % 60,
	    ((m + 3) % 1440) / 60, ((m + 3) % 1440) % 60);
	assert_int_equal(configure(f, gpio, "", err, sizeof(err)), 0);
	assert_true(cabinet_blank(f->cab));
	assert_int_equal(output(f, "relay"), 0);
	/* A reload to a window later today: on again. */
	snprintf(gpio, sizeof(gpio),
	    "\"backend\":\"sim\"," INPUTS ",\"power_schedule\":[{\"off\":"
	    "\"%02d:%02d\",\"on\":\"%02d:%02d\"}]",
	    ((m + 10) % 1440) / 60, ((m + 10) % 1440) % 60,
	    ((m + 20) % 1440) / 60, ((m + 20) % 1440) % 60);
	f->redraws = 0;
	assert_int_equal(configure(f, gpio, "", err, sizeof(err)), 0);
	assert_false(cabinet_blank(f->cab));
	assert_int_equal(output(f, "relay"), 1);
	assert_true(f->redraws > 0);
}

static void
test_cabinet_required_missing_chip_refuses(void **state)
{
	struct fix *f = *state;
	char err[256];

	assert_int_equal(configure(f,
			     "\"backend\":\"gpiod\",\"chip\":\"" NOCHIP "\","
			     "\"required\":true," INPUTS,
			     "", err, sizeof(err)),
	    -1);
	/* The error names the chip and every line that needed it. */
	assert_string_equal(err,
	    "gpio: chip \"" NOCHIP "\": no such chip (inputs t, ev, door, "
	    "test; outputs hb, relay) (gpio.required is true)");
}

static void
test_cabinet_optional_missing_chip_runs_and_warns(void **state)
{
	struct fix *f = *state;
	char err[256];

	assert_int_equal(configure(f,
			     "\"backend\":\"gpiod\",\"chip\":\"" NOCHIP "\","
			     "\"required\":false," INPUTS,
			     "", err, sizeof(err)),
	    0);
	assert_int_equal(cabinet_level(f->cab), 1);
	assert_int_equal(cabinet_heartbeat_period(f->cab), 0);
	assert_int_equal(output(f, "relay"), -1);
	assert_int_equal(cabinet_sim_set(f->cab, "t", 1, err, 256), -1);
}

static void
test_cabinet_busy_line_names_chip_and_line(void **state)
{
	struct fix *f = *state;
	char err[256];

	/* Named sim lines take offsets from 32: offset 32 is then busy. */
	assert_int_equal(configure(f,
			     "\"backend\":\"sim\",\"inputs\":[{\"name\":"
			     "\"a\",\"line\":\"x\",\"role\":\"door\"}],"
			     "\"outputs\":[{\"name\":\"r\",\"line\":32,"
			     "\"role\":\"power_relay\"}]",
			     "", err, sizeof(err)),
	    -1);
	assert_string_equal(err,
	    "gpio: chip gpiochip0 (simulation) line 32 (\"x\"): busy "
	    "(gpio.required is true)");
}

static void
test_cabinet_brightness_override(void **state)
{
	struct fix *f = *state;
	char err[256];
	struct json_object *b, *v;

	assert_int_equal(
	    configure(f, "\"backend\":\"sim\"," INPUTS,
		",\"brightness\":{\"manual_percent\":70}", err, sizeof(err)),
	    0);
	assert_int_equal(cabinet_brightness_percent(f->cab), 70);
	cabinet_brightness_override(f->cab, 20, util_wall_ms() + 60000);
	assert_int_equal(cabinet_brightness_percent(f->cab), 20);
	b = cabinet_brightness_json(f->cab);
	assert_true(json_object_object_get_ex(b, "override", &v));
	assert_non_null(v);
	json_object_put(b);
	/* An override that has run out gives way at the next update. */
	cabinet_brightness_override(f->cab, 20, util_wall_ms() + 30);
	spin(f, 80);
	assert_int_equal(cabinet_brightness_percent(f->cab), 70);
	cabinet_brightness_override(f->cab, 5, util_wall_ms() + 60000);
	cabinet_brightness_override(f->cab, -1, 0);
	assert_int_equal(cabinet_brightness_percent(f->cab), 70);
}

/* A health check's status and output ("" when it has none). */
static const char *
check_of(struct fix *f, const char *key, char *out, size_t size)
{
	struct json_object *checks = json_object_new_object(), *arr, *c, *s;
	static char status[16];

	cabinet_checks(f->cab, checks);
	out[0] = '\0';
	status[0] = '\0';
	if (json_object_object_get_ex(checks, key, &arr)) {
		c = json_object_array_get_idx(arr, 0);
		if (json_object_object_get_ex(c, "status", &s))
			snprintf(status, sizeof(status), "%s",
			    json_object_get_string(s));
		if (json_object_object_get_ex(c, "output", &s))
			snprintf(out, size, "%s", json_object_get_string(s));
	}
	json_object_put(checks);
	return status;
}

/*
 * A line whose fd breaks (its chip removed) is dropped from the loop,
 * released and named in health, once: the loop does not spin on it.  A
 * reload with the same gpio section requests it again and leaves the
 * lines that were up alone (the heartbeat keeps its level).
 */
static void
test_cabinet_lost_line_is_dropped_and_retried_on_reload(void **state)
{
	struct fix *f = *state;
	char err[256], out[512];
	uint64_t before;

	assert_int_equal(
	    configure(f, "\"backend\":\"sim\"," INPUTS, "", err, sizeof(err)),
	    0);
	set(f, "door", 1);
	cabinet_heartbeat(f->cab, 1);
	assert_int_equal(output(f, "hb"), 1);
	assert_int_equal(cabinet_sim_unplug(f->cab, "door", err, 256), 0);
	spin(f, 10);
	before = loop_wakeups(f->loop);
	spin(f, 200);
	/* The spin's own timer: a few wake-ups, not thousands. */
	assert_true(loop_wakeups(f->loop) - before < 10);
	assert_int_equal(cabinet_level(f->cab), 1);
	assert_string_equal(
	    check_of(f, "gpio:inputs", out, sizeof(out)), "warn");
	assert_string_equal(out,
	    "simulation: gpio: chip gpiochip0 (simulation) line 2 "
	    "(\"door\"): reading line events: No such device; input door "
	    "unavailable");
	assert_string_equal(
	    check_of(f, "gpio:outputs", out, sizeof(out)), "warn");
	assert_int_equal(cabinet_sim_set(f->cab, "door", 1, err, 256), -1);

	/* SIGHUP, same section: the line is back, the heartbeat untouched. */
	assert_int_equal(
	    configure(f, "\"backend\":\"sim\"," INPUTS, "", err, sizeof(err)),
	    0);
	assert_int_equal(cabinet_level(f->cab), 0);
	assert_string_equal(
	    check_of(f, "gpio:outputs", out, sizeof(out)), "pass");
	assert_int_equal(output(f, "hb"), 1);
	set(f, "door", 1);
	assert_int_equal(cabinet_level(f->cab), 1);
}

/*
 * A toggle contact acts on its rising edges: a pulse over before the
 * loop reads the level still toggles; with a debounce, a bouncing
 * closing toggles once.
 */
static void
test_cabinet_toggle_counts_short_pulses(void **state)
{
	struct fix *f = *state;
	char err[256];

	assert_int_equal(configure(f,
			     "\"backend\":\"sim\",\"inputs\":[{\"name\":"
			     "\"ev\",\"line\":1,\"role\":\"contact\","
			     "\"preset\":\"tunnel\",\"mode\":\"toggle\","
			     "\"debounce_ms\":0},{\"name\":\"bo\",\"line\":2,"
			     "\"role\":\"contact\",\"preset\":\"tunnel\","
			     "\"mode\":\"toggle\",\"debounce_ms\":50}]",
			     "", err, sizeof(err)),
	    0);
	assert_int_equal(cabinet_sim_set(f->cab, "ev", 1, err, 256), 0);
	assert_int_equal(cabinet_sim_set(f->cab, "ev", 0, err, 256), 0);
	spin(f, 10);
	assert_true(messages_gpio_shown(f->msgs, "gpio:ev"));
	assert_int_equal(cabinet_sim_set(f->cab, "ev", 1, err, 256), 0);
	assert_int_equal(cabinet_sim_set(f->cab, "ev", 0, err, 256), 0);
	spin(f, 10);
	assert_false(messages_gpio_shown(f->msgs, "gpio:ev"));

	/* Bounce: three closings within the debounce are one. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(cabinet_sim_set(f->cab, "bo", 1, err, 256), 0);
		spin(f, 2);
		assert_int_equal(cabinet_sim_set(f->cab, "bo", 0, err, 256), 0);
		spin(f, 2);
	}
	spin(f, 100);
	assert_true(messages_gpio_shown(f->msgs, "gpio:bo"));
	/* A short pulse after the quiet time toggles again. */
	assert_int_equal(cabinet_sim_set(f->cab, "bo", 1, err, 256), 0);
	assert_int_equal(cabinet_sim_set(f->cab, "bo", 0, err, 256), 0);
	spin(f, 100);
	assert_false(messages_gpio_shown(f->msgs, "gpio:bo"));
}

/*
 * Write text into a FIFO once a reader has it open (the worker), the
 * loop running meanwhile; 0, or -1 when no reader came within 2 s.
 */
static int
fifo_put(struct fix *f, const char *path, const char *text)
{
	for (int i = 0; i < 200; i++) {
		int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

		if (fd >= 0) {
			ssize_t n = write(fd, text, strlen(text));
			close(fd);
			return n == (ssize_t)strlen(text) ? 0 : -1;
		}
		if (errno != ENXIO)
			return -1;
		spin(f, 10);
	}
	return -1;
}

static int
wait_percent(struct fix *f, int pct)
{
	for (int i = 0; i < 200 && cabinet_brightness_percent(f->cab) != pct;
	     i++)
		spin(f, 10);
	return cabinet_brightness_percent(f->cab);
}

#define SENSOR_BRIGHTNESS                                                    \
	",\"brightness\":{\"mode\":\"sensor\",\"latitude\":47.05,"           \
	"\"longitude\":8.31,\"sensor\":{\"file\":\"lux\",\"interval_s\":"    \
	"3600},\"table\":[{\"up\":0,\"down\":0,\"percent\":10},{\"up\":100," \
	"\"down\":80,\"percent\":60}]}"

/*
 * The light sensor is read off the loop thread: a read that blocks (a
 * FIFO without a writer stands in for a slow I2C sensor) leaves the loop
 * running, and its value arrives when the read returns.  Until the first
 * reading the board does not claim the sensor has none.
 */
static void
test_cabinet_sensor_read_does_not_block_the_loop(void **state)
{
	struct fix *f = *state;
	char path[512], err[256], out[512];
	int64_t t0;

	snprintf(path, sizeof(path), "%s/lux", f->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	t0 = util_mono_ms();
	assert_int_equal(configure(f, "\"backend\":\"sim\"", SENSOR_BRIGHTNESS,
			     err, sizeof(err)),
	    0);
	spin(f, 100);
	assert_true(util_mono_ms() - t0 < 1000);
	/* No reading yet, but no warning either. */
	assert_int_equal(cabinet_level(f->cab), 0);
	assert_string_equal(
	    check_of(f, "brightness:level", out, sizeof(out)), "pass");
	assert_int_equal(fifo_put(f, path, "120\n"), 0);
	assert_int_equal(wait_percent(f, 60), 60);
	assert_int_equal(cabinet_level(f->cab), 0);
}

/* No first reading within the grace period: then health warns. */
static void
test_cabinet_sensor_without_reading_warns_after_grace(void **state)
{
	struct fix *f = *state;
	char path[512], err[256], out[512];

	snprintf(path, sizeof(path), "%s/lux", f->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(configure(f, "\"backend\":\"sim\"", SENSOR_BRIGHTNESS,
			     err, sizeof(err)),
	    0);
	spin(f, 2500);
	assert_int_equal(cabinet_level(f->cab), 0);
	spin(f, 800);
	assert_int_equal(cabinet_level(f->cab), 1);
	assert_string_equal(
	    check_of(f, "brightness:level", out, sizeof(out)), "warn");
	assert_string_equal(
	    out, "brightness: light sensor has no reading; using sun mode");
	assert_int_equal(fifo_put(f, path, "50\n"), 0);
	assert_int_equal(wait_percent(f, 10), 10);
	assert_int_equal(cabinet_level(f->cab), 0);
}

static int
file_is(const char *path, const char *want)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strcmp(buf, want) == 0;
}

/*
 * The backlight is written off the loop thread (max_brightness a FIFO:
 * the driver blocks), and an unchanged percent is not written again.
 */
static void
test_cabinet_backlight_write_does_not_block_the_loop(void **state)
{
	struct fix *f = *state;
	char dir[512], max[600], bl[600], err[256];
	int64_t t0;

	snprintf(dir, sizeof(dir), "%s/bl", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(max, sizeof(max), "%s/max_brightness", dir);
	snprintf(bl, sizeof(bl), "%s/brightness", dir);
	assert_int_equal(mkfifo(max, 0600), 0);
	fixture_write(dir, "brightness", "0\n");
	t0 = util_mono_ms();
	assert_int_equal(configure(f, "\"backend\":\"sim\"",
			     ",\"brightness\":{\"manual_percent\":40,"
			     "\"backlight_file\":\"bl/brightness\"}",
			     err, sizeof(err)),
	    0);
	spin(f, 100);
	assert_true(util_mono_ms() - t0 < 1000);
	assert_true(file_is(bl, "0\n"));
	assert_int_equal(fifo_put(f, max, "255\n"), 0);
	assert_int_equal(wait_percent(f, 40), 40);
	assert_true(file_is(bl, "102\n"));

	/* The same percent again: no write. */
	assert_int_equal(unlink(max), 0);
	fixture_write(dir, "max_brightness", "255\n");
	fixture_write(dir, "brightness", "7\n");
	cabinet_brightness_override(f->cab, 40, util_wall_ms() + 60000);
	spin(f, 100);
	assert_true(file_is(bl, "7\n"));
	/* A new one: written. */
	cabinet_brightness_override(f->cab, 100, util_wall_ms() + 60000);
	assert_int_equal(wait_percent(f, 100), 100);
	assert_true(file_is(bl, "255\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_cabinet_contact_shows_preset_while_closed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_start_drops_stale_contact_messages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_door_warns_and_test_pattern_runs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_heartbeat_toggles_only_when_healthy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_power_schedule_blanks_and_opens_relay, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_required_missing_chip_refuses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_optional_missing_chip_runs_and_warns, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_busy_line_names_chip_and_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_brightness_override, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_lost_line_is_dropped_and_retried_on_reload,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_toggle_counts_short_pulses, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_sensor_read_does_not_block_the_loop, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_sensor_without_reading_warns_after_grace,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_cabinet_backlight_write_does_not_block_the_loop, setup,
		    teardown),
	};

	log_init("test_gpio_cabinet", LOG_LEVEL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
