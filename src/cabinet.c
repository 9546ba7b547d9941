/*
 * cabinet: the glue between GPIO lines, messages, the brightness
 * controller and the board.  Every line event arrives through its fd in
 * the loop; a debounce is a loop timer after the last edge, then one read
 * of the level, so nothing sleeps and nothing polls.  The input's logical
 * value (after active_low) is 1 when active: contact closed, door open,
 * dark, button pressed.  State that must survive a restart lives where it
 * already survives: a contact's message is in the message store (source
 * gpio, owner "gpio:NAME"), and a start re-reads every input.
 */
#include "cabinet.h"

#include <errno.h>
#include <json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "brightio.h"
#include "brightness.h"
#include "cfg.h"
#include "display.h"
#include "gpio.h"
#include "log.h"
#include "loop.h"
#include "messages.h"
#include "util.h"

#define CABINET_WINDOWS 8
/*
 * How long sensor mode waits for the first reading of its light sensor
 * file (taken at once by the worker) before it says the sensor has none.
 */
#define CAB_SENSOR_GRACE_MS 3000

struct cab_input {
	struct cabinet *k;
	struct cfg_gpio_input cfg;
	char owner[CFG_GPIO_NAME_LEN + 8]; /* "gpio:NAME" */
	struct gpio_line *line;
	int fd;
	struct loop_timer *debounce;
	int value; /* debounced logical value, -1 unknown */
	uint64_t changes;
	int64_t toggle_quiet; /* toggle: rising edges before this bounce */
	int read_failed;      /* "cannot read" logged once */
};

struct cab_output {
	struct cfg_gpio_output cfg;
	struct gpio_line *line;
	int value;
	uint64_t toggles;
	int set_failed; /* "cannot set" logged once */
};

struct cabinet {
	struct loop *loop;
	struct messages *msgs;
	struct display *display;
	struct cabinet_ops ops;
	const struct cfg *cfg;

	/* GPIO: the section the lines were opened for. */
	int configured; /* any line configured */
	int backend;
	char chip_desc[64];
	const struct gpio_backend *be;
	struct gpio_chip *chip;
	char gpio_error[UTIL_ERR_LEN]; /* "" = every line is up */
	struct cab_input in[CFG_GPIO_MAX_LINES];
	size_t nin;
	struct cab_output out[CFG_GPIO_MAX_LINES];
	size_t nout;
	int heartbeat_held; /* logged once while the loop is unhealthy */

	/* Power schedule. */
	struct cfg_power_window windows[CABINET_WINDOWS];
	size_t nwin;
	int blank;
	struct loop_timer *power_timer;

	/* Test pattern. */
	int64_t pattern_until; /* monotonic ms, 0 = off */
	struct loop_timer *pattern_timer;

	/* Brightness. */
	struct brightness_params bp;
	struct brightness_state bs;
	int max_override_s;
	int applied; /* percent on the board, -1 before the first */
	char backlight[PATH_MAX];
	char sensor_file[PATH_MAX];
	int sensor_interval_s;
	long sensor_raw;
	int sensor_busy;    /* a read is with the worker */
	int sensor_waiting; /* no reading since configure, within grace */
	char bright_error[UTIL_ERR_LEN];
	char warned[BRIGHTNESS_WARN_LEN]; /* the warning last logged */
	struct loop_timer *bright_timer;
	struct loop_timer *sensor_timer;
	struct loop_timer *grace_timer;

	/* Backlight writes through the worker. */
	struct brightio *io;
	int bl_busy;    /* a write is with the worker */
	int bl_want;    /* percent to write when it returns, -1 none */
	int bl_written; /* percent last written successfully, -1 none */
};

static const char *const cab_active_words[][2] = {
	[CFG_INPUT_CONTACT] = { "open", "closed" },
	[CFG_INPUT_DOOR] = { "closed", "open" },
	[CFG_INPUT_TWILIGHT] = { "light", "dark" },
	[CFG_INPUT_TEST_PATTERN] = { "released", "pressed" },
};

static void cab_bright_update(
    struct cabinet *k, const struct brightness_input *in);

static void
cab_redraw(struct cabinet *k)
{
	if (k->ops.redraw != NULL)
		k->ops.redraw(k->ops.arg);
}

static const char *
cab_word(const struct cab_input *in, int v)
{
	if (v < 0)
		return "unknown";
	return cab_active_words[in->cfg.role][v ? 1 : 0];
}

static struct cab_input *
cab_find_input(struct cabinet *k, const char *name)
{
	for (size_t i = 0; i < k->nin; i++)
		if (strcmp(k->in[i].cfg.name, name) == 0)
			return &k->in[i];
	return NULL;
}

static int
cab_twilight_dark(struct cabinet *k)
{
	const char *name = k->cfg->brightness.sensor.twilight_input;
	struct cab_input *in = name[0] != '\0' ? cab_find_input(k, name) : NULL;

	return in != NULL && in->line != NULL ? in->value : -1;
}

/* --- contacts ------------------------------------------------------ */

static void
cab_contact(struct cab_input *in, int v, int edge)
{
	struct cabinet *k = in->k;
	char err[256];
	int shown;

	if (k->msgs == NULL)
		return;
	shown = messages_gpio_shown(k->msgs, in->owner);
	if (in->cfg.mode == CFG_INPUT_WHILE_CLOSED) {
		if (v == 1 && !shown &&
		    messages_gpio_start(k->msgs, in->cfg.preset, in->owner, 1,
			err, sizeof(err)) != 0)
			log_err("gpio %s: preset %s: %s", in->cfg.name,
			    in->cfg.preset, err);
		if (v == 0 && shown)
			messages_gpio_stop(k->msgs, in->owner);
		return;
	}
	/* Toggle: only a closing edge counts. */
	if (!edge || v != 1)
		return;
	if (shown)
		messages_gpio_stop(k->msgs, in->owner);
	else if (messages_gpio_start(k->msgs, in->cfg.preset, in->owner, 0, err,
		     sizeof(err)) != 0)
		log_err("gpio %s: preset %s: %s", in->cfg.name, in->cfg.preset,
		    err);
}

/* A gpio message whose contact is still configured stays (prune). */
static int
cab_keep_owner(void *arg, const char *owner)
{
	struct cabinet *k = arg;

	for (size_t i = 0; i < k->nin; i++)
		if (k->in[i].cfg.role == CFG_INPUT_CONTACT &&
		    strcmp(k->in[i].owner, owner) == 0)
			/* A while_closed contact we cannot read shows nothing. */
			return k->in[i].cfg.mode == CFG_INPUT_TOGGLE ||
			    k->in[i].line != NULL;
	return 0;
}

/* --- input events -------------------------------------------------- */

static void
cab_input_changed(struct cab_input *in, int v)
{
	struct cabinet *k = in->k;

	in->value = v;
	in->changes++;
	if (in->cfg.role == CFG_INPUT_DOOR && v == 1)
		log_warn("gpio %s: door %s", in->cfg.name, cab_word(in, v));
	else
		log_info("gpio %s: %s", in->cfg.name, cab_word(in, v));
	switch (in->cfg.role) {
	case CFG_INPUT_CONTACT:
		/* A toggle acts on its rising edges (cab_on_line). */
		if (in->cfg.mode == CFG_INPUT_WHILE_CLOSED)
			cab_contact(in, v, 0);
		break;
	case CFG_INPUT_DOOR:
		break;
	case CFG_INPUT_TWILIGHT:
		if (k->cfg->brightness.mode == CFG_BRIGHT_SENSOR &&
		    k->bp.sensor == BRIGHTNESS_SENSOR_SWITCH &&
		    strcmp(k->cfg->brightness.sensor.twilight_input,
			in->cfg.name) == 0) {
			struct brightness_input bi = { -1, v };
			cab_bright_update(k, &bi);
		}
		break;
	case CFG_INPUT_TEST_PATTERN:
		if (v == 1) {
			k->pattern_until =
			    util_mono_ms() + (int64_t)in->cfg.seconds * 1000;
			loop_timer_at(k->pattern_timer, k->pattern_until);
			log_notice("gpio %s: test pattern for %d s",
			    in->cfg.name, in->cfg.seconds);
			cab_redraw(k);
		}
		break;
	default:
		break;
	}
}

/* Read the level (after the debounce, or at once) and act on a change. */
static void
cab_input_read(struct cab_input *in)
{
	struct cabinet *k = in->k;
	int v = k->be->get(in->line);

	if (v < 0) {
		if (!in->read_failed)
			log_warn("gpio %s: cannot read the line: %s",
			    in->cfg.name, strerror(errno));
		in->read_failed = 1;
		return;
	}
	if (in->read_failed)
		log_notice("gpio %s: the line reads again", in->cfg.name);
	in->read_failed = 0;
	if (v != in->value)
		cab_input_changed(in, v);
}

static void
cab_on_debounce(struct loop_timer *t, void *arg)
{
	(void)t;
	cab_input_read(arg);
}

/*
 * The line broke (its chip was removed, its fd reports an error): stop
 * watching it, release it and say so in health, once.  A reload with
 * the same gpio section requests it again.
 */
static void
cab_input_lost(struct cab_input *in, const char *why)
{
	struct cabinet *k = in->k;
	char e[UTIL_ERR_LEN];

	snprintf(e, sizeof(e),
	    "gpio: chip %s line %u (\"%s\"): %s; input %s unavailable",
	    k->be->chip_name(k->chip), k->be->offset(in->line), in->cfg.name,
	    why, in->cfg.name);
	log_err("%s", e);
	if (k->gpio_error[0] == '\0')
		util_strlcpy(k->gpio_error, e, sizeof(k->gpio_error));
	loop_fd_del(k->loop, in->fd);
	loop_timer_stop(in->debounce);
	k->be->release(in->line);
	in->line = NULL;
	in->fd = -1;
	in->value = -1;
	/* A while_closed contact we cannot read shows nothing. */
	if (in->cfg.role == CFG_INPUT_CONTACT &&
	    in->cfg.mode == CFG_INPUT_WHILE_CLOSED && k->msgs != NULL &&
	    messages_gpio_shown(k->msgs, in->owner))
		messages_gpio_stop(k->msgs, in->owner);
	cab_redraw(k);
}

static void
cab_on_line(int fd, uint32_t events, void *arg)
{
	struct cab_input *in = arg;
	unsigned int rising = 0;
	char why[128];
	int n;

	(void)fd;
	n = in->k->be->read_events(in->line, &rising);
	if (n < 0) {
		snprintf(why, sizeof(why), "reading line events: %s",
		    strerror(errno));
		cab_input_lost(in, why);
		return;
	}
	if (n == 0 && (events & (EPOLLERR | EPOLLHUP)) != 0) {
		cab_input_lost(in, "line fd hung up");
		return;
	}
	if (n == 0)
		return;
	/*
	 * A toggle counts closings by their edges, at once: a pulse shorter
	 * than the debounce or the loop's reaction still toggles.  Edges
	 * within debounce_ms after a counted one are the contact bouncing.
	 */
	if (in->cfg.role == CFG_INPUT_CONTACT &&
	    in->cfg.mode == CFG_INPUT_TOGGLE && rising > 0) {
		int64_t now = util_mono_ms();
		unsigned int times = in->cfg.debounce_ms > 0 ? 1 : rising;

		if (in->cfg.debounce_ms == 0 || now >= in->toggle_quiet)
			for (unsigned int i = 0; i < times; i++)
				cab_contact(in, 1, 1);
		in->toggle_quiet = now + in->cfg.debounce_ms;
	}
	/* Wait until the line has been quiet for debounce_ms. */
	if (in->cfg.debounce_ms > 0)
		loop_timer_at(
		    in->debounce, util_mono_ms() + in->cfg.debounce_ms);
	else
		cab_input_read(in);
}

/* --- power schedule ------------------------------------------------ */

static int
cab_in_window(const struct cfg_power_window *w, int minute)
{
	if (w->off_min < w->on_min)
		return minute >= w->off_min && minute < w->on_min;
	return minute >= w->off_min || minute < w->on_min;
}

static int
cab_set_output(struct cabinet *k, struct cab_output *o, int v)
{
	if (o->line == NULL)
		return -1;
	if (o->value == v)
		return 0;
	if (k->be->set(o->line, v) != 0) {
		if (!o->set_failed)
			log_warn("gpio %s: cannot set the line: %s",
			    o->cfg.name, strerror(errno));
		o->set_failed = 1;
		return -1;
	}
	if (o->set_failed)
		log_notice("gpio %s: the line is set again", o->cfg.name);
	o->set_failed = 0;
	o->value = v;
	return 0;
}

static struct cab_output *
cab_output_role(struct cabinet *k, int role)
{
	for (size_t i = 0; i < k->nout; i++)
		if (k->out[i].cfg.role == role)
			return &k->out[i];
	return NULL;
}

static void
cab_power_eval(struct cabinet *k)
{
	time_t t = (time_t)(util_wall_ms() / 1000);
	int64_t wall = util_wall_ms(), next = INT64_MAX;
	struct cab_output *relay;
	struct tm tm;
	int minute, blank = 0, into_min;

	localtime_r(&t, &tm);
	minute = tm.tm_hour * 60 + tm.tm_min;
	into_min = tm.tm_sec * 1000 + (int)(wall % 1000);
	for (size_t i = 0; i < k->nwin; i++) {
		int b[2] = { k->windows[i].off_min, k->windows[i].on_min };
		if (cab_in_window(&k->windows[i], minute))
			blank = 1;
		for (int j = 0; j < 2; j++) {
			int d = (b[j] - minute + 1440) % 1440;
			int64_t ms = (int64_t)d * 60000 - into_min;
			if (ms <= 0)
				ms += 1440LL * 60000;
			if (ms < next)
				next = ms;
		}
	}
	if (blank != k->blank) {
		k->blank = blank;
		log_notice(
		    "power schedule: board %s", blank ? "off (blank)" : "on");
		cab_redraw(k);
	}
	relay = cab_output_role(k, CFG_OUTPUT_POWER_RELAY);
	if (relay != NULL)
		cab_set_output(k, relay, !blank);
	/* A minute boundary is measured on the wall clock: 1 s late. */
	if (next != INT64_MAX)
		loop_timer_at(k->power_timer, util_mono_ms() + next + 1000);
	else
		loop_timer_stop(k->power_timer);
}

static void
cab_on_power(struct loop_timer *t, void *arg)
{
	(void)t;
	cab_power_eval(arg);
}

static void
cab_on_pattern(struct loop_timer *t, void *arg)
{
	struct cabinet *k = arg;

	(void)t;
	if (k->pattern_until != 0 && util_mono_ms() >= k->pattern_until) {
		k->pattern_until = 0;
		log_notice("test pattern: ended");
		cab_redraw(k);
	}
}

/* --- brightness ---------------------------------------------------- */

/* The warning health shows: none while the first reading is awaited. */
static const char *
cab_bright_warning(const struct cabinet *k)
{
	if (k->sensor_waiting || k->cfg == NULL ||
	    k->cfg->brightness.mode == CFG_BRIGHT_MANUAL)
		return "";
	return k->bs.warning;
}

static void
cab_bright_shown(struct cabinet *k, int pct)
{
	if (pct != k->applied) {
		log_info("brightness: %d %% (%s)", pct, k->bs.why);
		k->applied = pct;
		cab_redraw(k);
	}
}

/*
 * Backlight writes go to the worker, one at a time: a newer percent
 * waits in bl_want until the write in flight returns.  An unchanged
 * percent is not written again once it was written successfully.
 */
static void
cab_backlight_post(struct cabinet *k, int pct)
{
	if (pct == k->bl_written && k->bright_error[0] == '\0') {
		k->bl_want = -1;
		cab_bright_shown(k, pct);
		return;
	}
	if (k->bl_busy) {
		k->bl_want = pct;
		return;
	}
	k->bl_want = -1;
	if (brightio_write(k->io, k->backlight, pct) != 0) {
		util_strlcpy(k->bright_error, "backlight_file: path too long",
		    sizeof(k->bright_error));
		return;
	}
	k->bl_busy = 1;
}

static void
cab_on_write_done(void *arg, const char *path, int pct, int rc, const char *err)
{
	struct cabinet *k = arg;

	k->bl_busy = 0;
	if (strcmp(path, k->backlight) != 0) {
		/* Written for a configuration that is gone. */
		k->bl_written = -1;
	} else if (rc != 0) {
		if (strcmp(err, k->bright_error) != 0)
			log_warn("brightness: %s", err);
		util_strlcpy(k->bright_error, err, sizeof(k->bright_error));
		k->bl_written = -1;
	} else {
		if (k->bright_error[0] != '\0')
			log_notice("brightness: backlight written again");
		k->bright_error[0] = '\0';
		k->bl_written = pct;
		cab_bright_shown(k, pct);
	}
	if (k->bl_want >= 0 && k->backlight[0] != '\0')
		cab_backlight_post(k, k->bl_want);
}

static void
cab_bright_apply(struct cabinet *k, int pct)
{
	if (k->backlight[0] != '\0') {
		if (k->display != NULL)
			display_set_brightness(k->display, 100);
		cab_backlight_post(k, pct);
		return;
	}
	if (k->display != NULL)
		display_set_brightness(k->display, pct);
	cab_bright_shown(k, pct);
}

static void
cab_bright_update(struct cabinet *k, const struct brightness_input *in)
{
	int64_t now = util_wall_ms(), next;
	const char *warn;
	int pct;

	pct = brightness_update(&k->bs, &k->bp, now, in);
	warn = cab_bright_warning(k);
	if (strcmp(warn, k->warned) != 0) {
		if (warn[0] != '\0')
			log_warn("brightness: %s", warn);
		else if (k->warned[0] != '\0')
			log_notice("brightness: sensor recovered");
		util_strlcpy(k->warned, warn, sizeof(k->warned));
	}
	cab_bright_apply(k, pct);
	next = brightness_next_change(&k->bs, &k->bp, now);
	/* One ms late rather than early (wall clock against monotonic). */
	if (next != INT64_MAX)
		loop_timer_at(k->bright_timer, util_mono_ms() + next + 1);
	else
		loop_timer_stop(k->bright_timer);
}

static void
cab_on_bright(struct loop_timer *t, void *arg)
{
	(void)t;
	cab_bright_update(arg, NULL);
}

/* Every interval_s: a reading from the worker (one at a time). */
static void
cab_on_sensor(struct loop_timer *t, void *arg)
{
	struct cabinet *k = arg;

	if (!k->sensor_busy) {
		if (brightio_read(k->io, k->sensor_file) == 0)
			k->sensor_busy = 1;
	}
	loop_timer_at(t, util_mono_ms() + k->sensor_interval_s * 1000LL);
}

static void
cab_on_read_done(void *arg, const char *path, long raw)
{
	struct cabinet *k = arg;
	struct brightness_input bi = { -1, -1 };

	k->sensor_busy = 0;
	if (k->cfg == NULL || k->cfg->brightness.mode != CFG_BRIGHT_SENSOR ||
	    k->sensor_file[0] == '\0')
		return; /* read for a configuration that is gone */
	if (strcmp(path, k->sensor_file) != 0) {
		/* A reload changed the file meanwhile: read the new one. */
		if (brightio_read(k->io, k->sensor_file) == 0)
			k->sensor_busy = 1;
		return;
	}
	bi.raw = raw;
	if (raw < 0 && (k->sensor_raw >= 0 || k->sensor_raw == LONG_MIN))
		log_warn("brightness: cannot read %s", path);
	else if (raw >= 0 && k->sensor_raw < 0 && k->sensor_raw != LONG_MIN)
		log_notice("brightness: %s readable again", path);
	k->sensor_raw = raw;
	k->sensor_waiting = 0;
	loop_timer_stop(k->grace_timer);
	cab_bright_update(k, &bi);
}

/* No first reading within the grace period: now the warning counts. */
static void
cab_on_grace(struct loop_timer *t, void *arg)
{
	struct cabinet *k = arg;

	(void)t;
	if (!k->sensor_waiting)
		return;
	k->sensor_waiting = 0;
	cab_bright_update(k, NULL);
}

static void
cab_bright_configure(struct cabinet *k, const struct cfg *c, int first)
{
	struct brightness_input bi = { -1, -1 };

	cfg_brightness_params(c, &k->bp);
	if (first) {
		brightness_state_init(&k->bs);
		k->applied = -1;
		k->sensor_raw = LONG_MIN;
	}
	k->max_override_s = c->brightness.max_override_s;
	if (strcmp(k->backlight, c->brightness.backlight_file) != 0)
		k->bl_written = -1;
	util_strlcpy(
	    k->backlight, c->brightness.backlight_file, sizeof(k->backlight));
	util_strlcpy(
	    k->sensor_file, c->brightness.sensor.file, sizeof(k->sensor_file));
	k->sensor_interval_s = c->brightness.sensor.interval_s;
	k->bright_error[0] = '\0';
	k->sensor_waiting = 0;
	loop_timer_stop(k->sensor_timer);
	loop_timer_stop(k->grace_timer);
	if (c->brightness.mode == CFG_BRIGHT_SENSOR &&
	    k->sensor_file[0] != '\0') {
		/*
		 * The first reading now, from the worker; then every
		 * interval_s.  Until it arrives (or the grace period ends)
		 * the board runs on the fallback without a warning.
		 */
		k->sensor_waiting = 1;
		loop_timer_at(
		    k->grace_timer, util_mono_ms() + CAB_SENSOR_GRACE_MS);
		loop_timer_at(k->sensor_timer, util_mono_ms());
		cab_bright_update(k, NULL);
		return;
	}
	if (c->brightness.mode == CFG_BRIGHT_SENSOR)
		bi.dark = cab_twilight_dark(k);
	cab_bright_update(k, &bi);
}

/* --- GPIO lines ---------------------------------------------------- */

static void
cab_close_lines(struct cabinet *k)
{
	for (size_t i = 0; i < k->nin; i++) {
		struct cab_input *in = &k->in[i];
		if (in->line != NULL) {
			loop_fd_del(k->loop, in->fd);
			k->be->release(in->line);
		}
		loop_timer_free(in->debounce);
		memset(in, 0, sizeof(*in));
	}
	for (size_t i = 0; i < k->nout; i++) {
		if (k->out[i].line != NULL)
			k->be->release(k->out[i].line);
		memset(&k->out[i], 0, sizeof(k->out[i]));
	}
	k->nin = k->nout = 0;
	if (k->chip != NULL)
		k->be->close(k->chip);
	k->chip = NULL;
}

static void
cab_req(struct gpio_line_req *r, const struct schema_intstr *line,
    const char *label)
{
	memset(r, 0, sizeof(*r));
	r->consumer = "tafeld";
	r->label = label;
	if (line->is_str)
		r->line_name = line->s;
	else
		r->offset = (unsigned int)line->i;
}

/* Request one input and watch its fd; 0, or -1 with e naming it. */
static int
cab_request_input(struct cabinet *k, struct cab_input *in, char *e, size_t el)
{
	enum gpio_error why = GPIO_ERR_NONE;
	struct gpio_line_req r;

	cab_req(&r, &in->cfg.line, in->cfg.name);
	r.active_low = in->cfg.active_low;
	r.bias = in->cfg.bias;
	in->line = k->be->request(k->chip, &r, &why, e, el);
	if (in->line == NULL)
		return -1;
	in->fd = k->be->event_fd(in->line);
	if (loop_fd_add(k->loop, in->fd, EPOLLIN, cab_on_line, in) != 0) {
		snprintf(
		    e, el, "gpio %s: event fd: cannot watch", in->cfg.name);
		k->be->release(in->line);
		in->line = NULL;
		in->fd = -1;
		return -1;
	}
	in->value = k->be->get(in->line);
	return 0;
}

static int
cab_request_output(struct cabinet *k, struct cab_output *o, char *e, size_t el)
{
	enum gpio_error why = GPIO_ERR_NONE;
	struct gpio_line_req r;

	cab_req(&r, &o->cfg.line, o->cfg.name);
	r.output = 1;
	r.active_low = o->cfg.active_low;
	/* The relay is on from the start, unless the board is blank. */
	o->value = o->cfg.role == CFG_OUTPUT_POWER_RELAY ? !k->blank : 0;
	r.initial = o->value;
	o->line = k->be->request(k->chip, &r, &why, e, el);
	return o->line != NULL ? 0 : -1;
}

/* "inputs door, tunnel; outputs relay": the lines a missing chip leaves. */
static void
cab_line_names(const struct cabinet *k, char *out, size_t size)
{
	size_t len;

	out[0] = '\0';
	for (size_t i = 0; i < k->nin + k->nout; i++) {
		const char *head = ", ";

		if (i == 0)
			head = k->nin > 0 ? "inputs " : "outputs ";
		else if (i == k->nin)
			head = "; outputs ";
		len = strlen(out);
		snprintf(out + len, size - len, "%s%s", head,
		    i < k->nin ? k->in[i].cfg.name :
				 k->out[i - k->nin].cfg.name);
	}
}

/* Request every line; the first error (naming chip and line) in err. */
static int
cab_open_lines(struct cabinet *k, const struct cfg *c, char *err, size_t errlen)
{
	const struct cfg_gpio_input *ci = c->gpio.inputs.v;
	const struct cfg_gpio_output *co = c->gpio.outputs.v;
	enum gpio_error why = GPIO_ERR_NONE;
	char e[UTIL_ERR_LEN], names[UTIL_ERR_LEN];
	int bad = 0;

	k->be = c->gpio.backend == CFG_GPIO_SIM ? &gpio_backend_sim :
						  &gpio_backend_gpiod;
	k->chip = k->be->open(c->gpio.chip, &why, e, sizeof(e));
	for (size_t i = 0; i < c->gpio.inputs.n; i++) {
		struct cab_input *in = &k->in[k->nin++];
		in->k = k;
		in->cfg = ci[i];
		in->value = -1;
		in->fd = -1;
		snprintf(in->owner, sizeof(in->owner), "gpio:%s", ci[i].name);
		in->debounce = loop_timer_new(k->loop, cab_on_debounce, in);
	}
	for (size_t i = 0; i < c->gpio.outputs.n; i++)
		k->out[k->nout++].cfg = co[i];
	if (k->chip == NULL) {
		cab_line_names(k, names, sizeof(names));
		snprintf(err, errlen, "%s (%s)", e, names);
		return -1;
	}
	for (size_t i = 0; i < k->nin; i++) {
		if (cab_request_input(k, &k->in[i], e, sizeof(e)) == 0)
			continue;
		if (!bad)
			util_strlcpy(err, e, errlen);
		else
			log_err("%s", e);
		bad = 1;
	}
	for (size_t i = 0; i < k->nout; i++) {
		if (cab_request_output(k, &k->out[i], e, sizeof(e)) == 0)
			continue;
		if (!bad)
			util_strlcpy(err, e, errlen);
		else
			log_err("%s", e);
		bad = 1;
	}
	return bad ? -1 : 0;
}

/*
 * A reload with an unchanged gpio section after a GPIO error: request
 * what is missing.  Lines that are up stay as they are, so the power
 * relay and the heartbeat do not blip.  Without a chip nothing is held,
 * so everything is opened afresh.  0 when every line is up now.
 */
static int
cab_retry_lines(
    struct cabinet *k, const struct cfg *c, char *err, size_t errlen)
{
	char e[UTIL_ERR_LEN];
	int bad = 0;

	if (k->chip == NULL) {
		cab_close_lines(k);
		return cab_open_lines(k, c, err, errlen);
	}
	for (size_t i = 0; i < k->nin; i++) {
		if (k->in[i].line != NULL ||
		    cab_request_input(k, &k->in[i], e, sizeof(e)) == 0)
			continue;
		if (!bad)
			util_strlcpy(err, e, errlen);
		bad = 1;
	}
	for (size_t i = 0; i < k->nout; i++) {
		if (k->out[i].line != NULL ||
		    cab_request_output(k, &k->out[i], e, sizeof(e)) == 0)
			continue;
		if (!bad)
			util_strlcpy(err, e, errlen);
		bad = 1;
	}
	return bad ? -1 : 0;
}

static int
cab_gpio_same(const struct cabinet *k, const struct cfg *c)
{
	const struct cfg_gpio_input *ci = c->gpio.inputs.v;
	const struct cfg_gpio_output *co = c->gpio.outputs.v;

	if (k->backend != c->gpio.backend ||
	    strcmp(k->chip_desc, c->gpio.chip) != 0 ||
	    k->nin != c->gpio.inputs.n || k->nout != c->gpio.outputs.n)
		return 0;
	for (size_t i = 0; i < k->nin; i++)
		if (memcmp(&k->in[i].cfg, &ci[i], sizeof(ci[i])) != 0)
			return 0;
	for (size_t i = 0; i < k->nout; i++)
		if (memcmp(&k->out[i].cfg, &co[i], sizeof(co[i])) != 0)
			return 0;
	return 1;
}

struct cabinet *
cabinet_new(struct loop *l, struct messages *m, struct display *d,
    const struct cabinet_ops *ops)
{
	struct cabinet *k = util_calloc(1, sizeof(*k));
	struct brightio_ops io = { cab_on_read_done, cab_on_write_done, k };
	char err[UTIL_ERR_LEN];

	k->loop = l;
	k->msgs = m;
	k->display = d;
	if (ops != NULL)
		k->ops = *ops;
	k->be = &gpio_backend_gpiod;
	k->power_timer = loop_timer_new(l, cab_on_power, k);
	k->pattern_timer = loop_timer_new(l, cab_on_pattern, k);
	k->bright_timer = loop_timer_new(l, cab_on_bright, k);
	k->sensor_timer = loop_timer_new(l, cab_on_sensor, k);
	k->grace_timer = loop_timer_new(l, cab_on_grace, k);
	k->applied = -1;
	k->bl_want = -1;
	k->bl_written = -1;
	brightness_state_init(&k->bs);
	k->io = brightio_new(l, &io, err, sizeof(err));
	if (k->io == NULL)
		log_fatal("%s", err);
	return k;
}

void
cabinet_free(struct cabinet *k)
{
	if (k == NULL)
		return;
	brightio_free(k->io);
	cab_close_lines(k);
	loop_timer_free(k->power_timer);
	loop_timer_free(k->pattern_timer);
	loop_timer_free(k->bright_timer);
	loop_timer_free(k->sensor_timer);
	loop_timer_free(k->grace_timer);
	free(k);
}

int
cabinet_configure(
    struct cabinet *k, const struct cfg *c, int first, char *err, size_t errlen)
{
	const struct cfg_power_window *pw = c->gpio.power_schedule.v;
	char e[UTIL_ERR_LEN] = "";
	int rc = 0;

	k->cfg = c;
	k->nwin = 0;
	for (size_t i = 0; i < c->gpio.power_schedule.n && i < CABINET_WINDOWS;
	     i++)
		k->windows[k->nwin++] = pw[i];
	k->configured = c->gpio.inputs.n + c->gpio.outputs.n > 0;
	cab_power_eval(k);
	if (first || !cab_gpio_same(k, c)) {
		cab_close_lines(k);
		k->backend = c->gpio.backend;
		util_strlcpy(k->chip_desc, c->gpio.chip, sizeof(k->chip_desc));
		k->gpio_error[0] = '\0';
		if (k->configured && cab_open_lines(k, c, e, sizeof(e)) != 0) {
			util_strlcpy(k->gpio_error, e, sizeof(k->gpio_error));
			if (first && c->gpio.required) {
				snprintf(err, errlen,
				    "%s (gpio.required is true)", e);
				return -1;
			}
			log_err("%s; running without %s", e,
			    k->chip == NULL ? "GPIO" : "that line");
			rc = 0;
		}
		if (k->configured)
			log_notice(
			    "gpio: %s chip %s, %zu inputs, %zu outputs%s",
			    k->be->name,
			    k->chip != NULL ? k->be->chip_name(k->chip) :
					      c->gpio.chip,
			    k->nin, k->nout,
			    c->gpio.backend == CFG_GPIO_SIM ?
				" (simulation: levels come from the API)" :
				"");
		cab_power_eval(k); /* the relay line is there now */
	} else {
		/* Same lines: only the references to the new config. */
		for (size_t i = 0; i < k->nin; i++)
			k->in[i].cfg = ((
			    const struct cfg_gpio_input *)c->gpio.inputs.v)[i];
		/* A line that failed (busy, missing, lost): try it again. */
		if (k->gpio_error[0] != '\0') {
			if (cab_retry_lines(k, c, e, sizeof(e)) == 0) {
				log_notice("gpio: every line is up again");
				k->gpio_error[0] = '\0';
			} else {
				if (strcmp(e, k->gpio_error) != 0)
					log_err("%s; running without %s", e,
					    k->chip == NULL ? "GPIO" :
							      "that line");
				util_strlcpy(
				    k->gpio_error, e, sizeof(k->gpio_error));
			}
			cab_power_eval(k);
		}
	}
	/* Messages of contacts no longer configured go; the rest follow. */
	if (k->msgs != NULL)
		messages_gpio_prune(k->msgs, cab_keep_owner, k);
	for (size_t i = 0; i < k->nin; i++)
		if (k->in[i].cfg.role == CFG_INPUT_CONTACT &&
		    k->in[i].line != NULL)
			cab_contact(&k->in[i], k->in[i].value, 0);
	cab_bright_configure(k, c, first);
	return rc;
}

int
cabinet_pattern(const struct cabinet *k, int64_t mono_ms, int64_t *until)
{
	if (until != NULL)
		*until = k->pattern_until;
	return k->pattern_until != 0 && mono_ms < k->pattern_until;
}

int
cabinet_blank(const struct cabinet *k)
{
	return k->blank;
}

int64_t
cabinet_heartbeat_period(const struct cabinet *k)
{
	struct cab_output *o =
	    cab_output_role((struct cabinet *)k, CFG_OUTPUT_HEARTBEAT);

	return o != NULL && o->line != NULL ? o->cfg.period_ms : 0;
}

void
cabinet_heartbeat(struct cabinet *k, int healthy)
{
	struct cab_output *o = cab_output_role(k, CFG_OUTPUT_HEARTBEAT);

	if (o == NULL || o->line == NULL)
		return;
	if (!healthy) {
		if (!k->heartbeat_held)
			log_warn("gpio %s: rendering is not healthy; the "
				 "heartbeat stops",
			    o->cfg.name);
		k->heartbeat_held = 1;
		return;
	}
	if (k->heartbeat_held)
		log_notice("gpio %s: heartbeat again", o->cfg.name);
	k->heartbeat_held = 0;
	if (cab_set_output(k, o, !o->value) == 0)
		o->toggles++;
}

/* --- health, metrics, API views ------------------------------------ */

static int
cab_gpio_level(const struct cabinet *k, const char **why)
{
	*why = "";
	if (!k->configured)
		return 0;
	if (k->gpio_error[0] != '\0') {
		*why = k->gpio_error;
		return 1;
	}
	for (size_t i = 0; i < k->nin; i++)
		if (k->in[i].cfg.role == CFG_INPUT_DOOR &&
		    k->in[i].value == 1) {
			*why = "door open";
			return 1;
		}
	return 0;
}

int
cabinet_level(const struct cabinet *k)
{
	const char *why;

	return cab_gpio_level(k, &why) || cab_bright_warning(k)[0] != '\0' ||
	    k->bright_error[0] != '\0';
}

int
cabinet_brightness_percent(const struct cabinet *k)
{
	return k->applied < 0 ? 100 : k->applied;
}

int
cabinet_max_override_s(const struct cabinet *k)
{
	return k->max_override_s;
}

static struct json_object *
cab_input_json(const struct cabinet *k, const struct cab_input *in)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "role",
	    json_object_new_string(cfg_input_role_name(in->cfg.role)));
	if (in->line != NULL) {
		json_object_object_add(o, "offset",
		    json_object_new_int((int)k->be->offset(in->line)));
		json_object_object_add(
		    o, "value", json_object_new_int(in->value));
		json_object_object_add(o, "state",
		    json_object_new_string(cab_word(in, in->value)));
	} else {
		json_object_object_add(o, "value", NULL);
		json_object_object_add(
		    o, "state", json_object_new_string("unavailable"));
	}
	json_object_object_add(
	    o, "changes", json_object_new_int64((int64_t)in->changes));
	if (in->cfg.role == CFG_INPUT_CONTACT)
		json_object_object_add(
		    o, "preset", json_object_new_string(in->cfg.preset));
	return o;
}

static struct json_object *
cab_output_json(const struct cabinet *k, const struct cab_output *out)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "role",
	    json_object_new_string(cfg_output_role_name(out->cfg.role)));
	if (out->line != NULL) {
		json_object_object_add(o, "offset",
		    json_object_new_int((int)k->be->offset(out->line)));
		json_object_object_add(
		    o, "value", json_object_new_int(out->value));
	} else {
		json_object_object_add(o, "value", NULL);
	}
	json_object_object_add(
	    o, "toggles", json_object_new_int64((int64_t)out->toggles));
	return o;
}

struct json_object *
cabinet_gpio_json(const struct cabinet *k)
{
	struct json_object *top = json_object_new_object();
	struct json_object *ins = json_object_new_object();
	struct json_object *outs = json_object_new_object();
	const char *why;

	json_object_object_add(
	    top, "configured", json_object_new_boolean(k->configured));
	json_object_object_add(top, "backend",
	    json_object_new_string(cfg_gpio_backend_name(k->backend)));
	json_object_object_add(top, "simulation",
	    json_object_new_boolean(k->backend == CFG_GPIO_SIM));
	json_object_object_add(top, "chip",
	    json_object_new_string(
		k->chip != NULL ? k->be->chip_name(k->chip) : k->chip_desc));
	json_object_object_add(
	    top, "available", json_object_new_boolean(k->chip != NULL));
	cab_gpio_level(k, &why);
	json_object_object_add(top, "error",
	    k->gpio_error[0] ? json_object_new_string(k->gpio_error) : NULL);
	for (size_t i = 0; i < k->nin; i++)
		json_object_object_add(
		    ins, k->in[i].cfg.name, cab_input_json(k, &k->in[i]));
	for (size_t i = 0; i < k->nout; i++)
		json_object_object_add(
		    outs, k->out[i].cfg.name, cab_output_json(k, &k->out[i]));
	json_object_object_add(top, "inputs", ins);
	json_object_object_add(top, "outputs", outs);
	json_object_object_add(top, "blank", json_object_new_boolean(k->blank));
	json_object_object_add(top, "testPattern",
	    json_object_new_boolean(cabinet_pattern(k, util_mono_ms(), NULL)));
	return top;
}

static void
cab_iso(int64_t ms, char *out, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct json_object *
cabinet_brightness_json(const struct cabinet *k)
{
	struct json_object *o = json_object_new_object();
	char iso[32];

	json_object_object_add(o, "mode",
	    json_object_new_string(
		cfg_bright_mode_name(k->cfg->brightness.mode)));
	json_object_object_add(
	    o, "percent", json_object_new_int(cabinet_brightness_percent(k)));
	json_object_object_add(o, "reason", json_object_new_string(k->bs.why));
	json_object_object_add(
	    o, "fallback", json_object_new_boolean(k->bs.fallback));
	json_object_object_add(o, "warning",
	    cab_bright_warning(k)[0] != '\0' ?
		json_object_new_string(cab_bright_warning(k)) :
		NULL);
	json_object_object_add(o, "drive",
	    json_object_new_string(k->backlight[0] ? k->backlight : "colours"));
	if (k->bright_error[0] != '\0')
		json_object_object_add(
		    o, "error", json_object_new_string(k->bright_error));
	if (k->bs.override_percent >= 0) {
		struct json_object *ov = json_object_new_object();
		json_object_object_add(
		    ov, "percent", json_object_new_int(k->bs.override_percent));
		cab_iso(k->bs.override_until_ms, iso, sizeof(iso));
		json_object_object_add(
		    ov, "until", json_object_new_string(iso));
		json_object_object_add(o, "override", ov);
	} else {
		json_object_object_add(o, "override", NULL);
	}
	return o;
}

static void
cab_add(struct json_object *checks, const char *key, struct json_object *c)
{
	struct json_object *arr = json_object_new_array();

	json_object_array_add(arr, c);
	json_object_object_add(checks, key, arr);
}

void
cabinet_checks(const struct cabinet *k, struct json_object *checks)
{
	struct json_object *c, *g;
	const char *why;
	char out[UTIL_ERR_LEN + 64];
	int lvl = cab_gpio_level(k, &why);

	c = json_object_new_object();
	json_object_object_add(
	    c, "status", json_object_new_string(lvl ? "warn" : "pass"));
	if (!k->configured) {
		json_object_object_add(c, "inputs", json_object_new_object());
		json_object_object_add(c, "output",
		    json_object_new_string("no GPIO lines configured"));
		cab_add(checks, "gpio:inputs", c);
	} else {
		g = cabinet_gpio_json(k);
		json_object_object_foreach (g, key, val) {
			if (strcmp(key, "outputs") != 0)
				json_object_object_add(
				    c, key, json_object_get(val));
		}
		json_object_put(g);
		if (k->backend == CFG_GPIO_SIM)
			snprintf(out, sizeof(out), "simulation%s%s",
			    why[0] ? ": " : "", why);
		else
			snprintf(out, sizeof(out), "%s", why);
		if (out[0] != '\0')
			json_object_object_add(
			    c, "output", json_object_new_string(out));
		cab_add(checks, "gpio:inputs", c);

		c = json_object_new_object();
		json_object_object_add(c, "status",
		    json_object_new_string(
			k->gpio_error[0] != '\0' ? "warn" : "pass"));
		g = json_object_new_object();
		for (size_t i = 0; i < k->nout; i++)
			json_object_object_add(g, k->out[i].cfg.name,
			    cab_output_json(k, &k->out[i]));
		json_object_object_add(c, "outputs", g);
		json_object_object_add(
		    c, "blank", json_object_new_boolean(k->blank));
		cab_add(checks, "gpio:outputs", c);
	}

	c = cabinet_brightness_json(k);
	json_object_object_add(c, "status",
	    json_object_new_string(
		cab_bright_warning(k)[0] != '\0' || k->bright_error[0] != '\0' ?
		    "warn" :
		    "pass"));
	json_object_object_add(c, "observedValue",
	    json_object_new_int(cabinet_brightness_percent(k)));
	json_object_object_add(
	    c, "observedUnit", json_object_new_string("percent"));
	if (k->bright_error[0] != '\0')
		json_object_object_add(
		    c, "output", json_object_new_string(k->bright_error));
	else if (cab_bright_warning(k)[0] != '\0')
		json_object_object_add(
		    c, "output", json_object_new_string(cab_bright_warning(k)));
	cab_add(checks, "brightness:level", c);
}

void
cabinet_metrics(const struct cabinet *k, struct util_buf *b)
{
	util_buf_printf(b,
	    "# HELP tafel_brightness_percent Brightness the board is driven "
	    "at.\n# TYPE tafel_brightness_percent gauge\n"
	    "tafel_brightness_percent %d\n",
	    cabinet_brightness_percent(k));
	util_buf_printf(b,
	    "# HELP tafel_board_blank 1 while the power schedule blanks the "
	    "board.\n# TYPE tafel_board_blank gauge\ntafel_board_blank %d\n",
	    k->blank);
	if (!k->configured)
		return;
	util_buf_printf(b,
	    "# HELP tafel_gpio_up 1 when every configured GPIO line is "
	    "requested.\n# TYPE tafel_gpio_up gauge\ntafel_gpio_up %d\n",
	    k->gpio_error[0] == '\0');
	util_buf_printf(b,
	    "# HELP tafel_gpio_input Logical value of a GPIO input (1 = "
	    "active).\n# TYPE tafel_gpio_input gauge\n");
	for (size_t i = 0; i < k->nin; i++)
		if (k->in[i].line != NULL)
			util_buf_printf(b,
			    "tafel_gpio_input{name=\"%s\",role=\"%s\"} %d\n",
			    k->in[i].cfg.name,
			    cfg_input_role_name(k->in[i].cfg.role),
			    k->in[i].value);
	util_buf_printf(b,
	    "# HELP tafel_gpio_output Logical value of a GPIO output.\n"
	    "# TYPE tafel_gpio_output gauge\n");
	for (size_t i = 0; i < k->nout; i++)
		if (k->out[i].line != NULL)
			util_buf_printf(b,
			    "tafel_gpio_output{name=\"%s\",role=\"%s\"} %d\n",
			    k->out[i].cfg.name,
			    cfg_output_role_name(k->out[i].cfg.role),
			    k->out[i].value);
}

/* --- API actions ---------------------------------------------------- */

int
cabinet_sim_set(
    struct cabinet *k, const char *name, int level, char *err, size_t errlen)
{
	struct cab_input *in = cab_find_input(k, name);

	if (k->backend != CFG_GPIO_SIM || !k->configured) {
		snprintf(err, errlen,
		    "gpio.backend is not \"sim\": real lines are not set "
		    "through the API");
		return -1;
	}
	if (in == NULL) {
		snprintf(err, errlen, "no gpio input \"%.64s\"", name);
		return -1;
	}
	if (in->line == NULL || gpio_sim_drive(in->line, level) != 0) {
		snprintf(err, errlen, "input \"%s\" is unavailable", name);
		return -1;
	}
	log_info("gpio %s: simulated level %d", name, level);
	return 0;
}

int
cabinet_sim_unplug(
    struct cabinet *k, const char *name, char *err, size_t errlen)
{
	struct cab_input *in = cab_find_input(k, name);
	struct gpio_line *line = in != NULL ? in->line : NULL;

	if (k->backend != CFG_GPIO_SIM || !k->configured) {
		snprintf(err, errlen, "gpio.backend is not \"sim\"");
		return -1;
	}
	for (size_t i = 0; in == NULL && i < k->nout; i++)
		if (strcmp(k->out[i].cfg.name, name) == 0)
			line = k->out[i].line;
	if (line == NULL || gpio_sim_unplug(line) != 0) {
		snprintf(err, errlen, "no gpio line \"%.64s\" to unplug", name);
		return -1;
	}
	log_info("gpio %s: simulated unplugging", name);
	return 0;
}

void
cabinet_brightness_override(struct cabinet *k, int percent, int64_t until_ms)
{
	if (percent < 0)
		brightness_override_clear(&k->bs);
	else
		brightness_override(&k->bs, percent, until_ms);
	cab_bright_update(k, NULL);
}
