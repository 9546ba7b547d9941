/*
 * tafeld: the sign daemon.  main() owns the one event loop and all state:
 * configuration, display, renderer and timers.  Signals arrive through a
 * signalfd, frames are drawn only when render_draw() said something
 * changes, and a reload builds a complete new configuration and renderer
 * before it replaces the running ones.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "api_cabinet.h"
#include "auth.h"
#include "cabinet.h"
#include "display.h"
#include "feed.h"
#include "health.h"
#include "httpd.h"
#include "inspect.h"
#include "log.h"
#include "loop.h"
#include "messages.h"
#include "readout.h"
#include "render.h"
#include "sd.h"
#include "snapshot.h"
#include "util.h"

#define MAIN_STATUS_MS 5000 /* STATUS= line refresh */

#ifndef TAFEL_VERSION
#define TAFEL_VERSION "0.1.0"
#endif

struct app {
	struct cfg *cfg;
	struct display *display;
	struct render *render;
	struct feeds *feeds;
	struct messages *messages;
	struct httpd *httpd;
	struct cabinet *cabinet;         /* GPIO lines, brightness */
	struct api_cabinet *api_cabinet; /* their endpoints */
	struct loop_timer *heartbeat_timer;
	struct health_board board; /* what /health and /metrics report */
	struct loop_timer *status_timer;
	uint64_t status_frames;   /* frames at the last STATUS= line */
	int64_t status_at;        /* monotonic ms of that line */
	struct render_source src; /* parking data for the renderer */
	struct loop *loop;
	struct loop_timer *render_timer;
	struct loop_timer *watchdog_timer;
	struct loop_timer *snapshot_timer;
	int sigfd;
	int64_t anim_start; /* monotonic ms when the layout went up */
	int64_t frame_wall, frame_anim; /* the times the last frame shows */
	int64_t last_frame;       /* monotonic ms of the last presented frame */
	int64_t watchdog_ms;      /* 0 = no watchdog */
	int64_t snapshot_last;    /* monotonic ms of the last snapshot_file */
	uint64_t snapshot_frames; /* frame count at the last snapshot_file */
	int present_failed;
	int debug; /* -d: debug level whatever the config says */
	int exit_code;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: tafeld [-dn] [-c file] [--once --snapshot out.png "
	    "[--now ISO8601]]\n"
	    "       tafeld --help-config | --version\n"
	    "  -c file          configuration (default %s)\n"
	    "  -n               check configuration, layout and fonts, "
	    "then exit\n"
	    "  -d               log at debug level\n"
	    "  --once           render one frame and exit\n"
	    "  --snapshot FILE  with --once: write the frame as PNG\n"
	    "  --now TIME       with --once: the time to show "
	    "(2026-11-29T08:15:00+01:00)\n"
	    "  --help-config    print the configuration and layout "
	    "reference\n",
	    CFG_DEFAULT_PATH);
}

static void update_status(struct app *a);

static void
apply_log_level(const struct app *a)
{
	if (a->debug)
		log_set_level(LOG_LEVEL_DEBUG);
	else
		log_set_level(
		    (enum log_level)(a->cfg->log_level + LOG_LEVEL_ERR));
}

static void
apply_timezone(const struct cfg *c)
{
	setenv("TZ", c->timezone, 1);
	tzset();
}

/*
 * What the board shows: blank in a power-schedule window, every pixel lit
 * while the test pattern runs (a pixel check from the cabinet's button),
 * else the layout.  Returns ms to the next change.
 */
static int64_t
draw_board(struct app *a, int64_t wall_ms, int64_t anim_ms)
{
	IDirectFBSurface *s = display_frame(a->display);
	int64_t now = util_mono_ms(), until;

	if (a->cabinet != NULL && cabinet_blank(a->cabinet)) {
		s->Clear(s, 0, 0, 0, 0xff);
		return RENDER_NEVER;
	}
	if (a->cabinet != NULL && cabinet_pattern(a->cabinet, now, &until)) {
		s->Clear(s, 0xff, 0xff, 0xff, 0xff);
		return until - now;
	}
	return render_draw(a->render, s, wall_ms, anim_ms, &a->src);
}

/* Draw and present one frame; returns ms to the next change. */
static int64_t
draw_frame(struct app *a, int64_t wall_ms, int64_t anim_ms)
{
	struct timespec t0, t1;
	int64_t next;
	uint32_t *px;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	next = draw_board(a, wall_ms, anim_ms);
	a->frame_wall = wall_ms;
	a->frame_anim = anim_ms;
	a->present_failed = display_present(a->display) != 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	a->last_frame = util_mono_ms();

	/* Health proves what is lit: hash the pixels just presented. */
	a->board.present_failed = a->present_failed;
	a->board.render = a->render;
	a->board.frame_wall = wall_ms;
	a->board.frame_anim = anim_ms;
	a->board.animating = next != RENDER_NEVER;
	px = display_pixels(a->display);
	if (px != NULL) {
		health_frame(&a->board, px,
		    (size_t)display_width(a->display) *
			(size_t)display_height(a->display),
		    wall_ms,
		    (double)(t1.tv_sec - t0.tv_sec) +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		free(px);
	}
	/*
	 * The renderer's promise of a change: kept until the pixels did
	 * change, so a board that keeps "animating" without changing is
	 * caught by health (stall_s) instead of moving the goalposts.
	 */
	if (next == RENDER_NEVER)
		a->board.due_wall_ms = 0;
	else if (a->board.due_wall_ms == 0 ||
	    a->board.last_change_wall_ms >= a->board.due_wall_ms)
		a->board.due_wall_ms = wall_ms + next;
	return next;
}

static uint32_t *
board_pixels(void *ctx)
{
	struct app *a = ctx;

	return display_pixels(a->display);
}

static void
schedule_snapshot(struct app *a)
{
	int64_t at;

	if (a->cfg->display.snapshot_file[0] == '\0' ||
	    loop_timer_armed(a->snapshot_timer))
		return;
	at = a->snapshot_last + a->cfg->display.snapshot_interval_s * 1000LL;
	loop_timer_at(a->snapshot_timer, at);
}

static const struct render_message *
source_message(void *ctx, const char *zone, int w, int h, int64_t now_ms)
{
	struct app *a = ctx;

	return a->messages != NULL ?
	    messages_for_zone(a->messages, zone, w, h, now_ms) :
	    NULL;
}

static size_t
source_ticker(void *ctx, const char *zone, int64_t now_ms,
    struct render_ticker_msg *out, size_t max)
{
	struct app *a = ctx;

	return a->messages != NULL ?
	    messages_ticker(a->messages, zone, now_ms, out, max) :
	    0;
}

static int
board_read_allowed(void *ctx, const char *authorization)
{
	struct app *a = ctx;

	return a->messages == NULL ||
	    messages_read_allowed(a->messages, authorization);
}

static size_t
board_messages(void *ctx, const char **ids, size_t max)
{
	struct app *a = ctx;

	return a->messages != NULL ?
	    messages_active(a->messages, util_wall_ms(), ids, max) :
	    0;
}

static void
board_message_counts(void *ctx, size_t counts[4])
{
	struct app *a = ctx;

	memset(counts, 0, 4 * sizeof(counts[0]));
	if (a->messages != NULL)
		messages_count(a->messages, util_wall_ms(), counts);
}

static const struct park_doc *
source_doc(void *ctx, const char *feed, struct park_rules *rules)
{
	struct app *a = ctx;

	return a->feeds != NULL ? feeds_doc(a->feeds, feed, rules) : NULL;
}

/*
 * The board's pixels as PNG at path, and what it shows as JSON beside it
 * (board.png -> board.json), both for the frame presented last.
 */
static int
write_snapshot(struct app *a, const char *path)
{
	char err[512], json_path[PATH_MAX + 8];
	uint32_t *px = display_pixels(a->display);
	size_t n = strlen(path);
	char *text;
	int rc;

	if (px == NULL)
		return -1;
	rc = snapshot_write(path, px, display_width(a->display),
	    display_height(a->display), err, sizeof(err));
	free(px);
	if (rc != 0) {
		log_warn("snapshot: %s", err);
		return rc;
	}
	if (n > 4 && strcmp(path + n - 4, ".png") == 0)
		snprintf(json_path, sizeof(json_path), "%.*s.json",
		    (int)(n - 4), path);
	else
		snprintf(json_path, sizeof(json_path), "%s.json", path);
	text = readout_json(a->render, a->frame_wall, a->frame_anim, &a->src);
	rc = util_write_file_atomic(
	    json_path, text, strlen(text), err, sizeof(err));
	free(text);
	if (rc != 0)
		log_warn("snapshot: %s", err);
	return rc;
}

static void
on_feeds_changed(void *arg)
{
	struct app *a = arg;

	/*
	 * New data: draw as soon as display.fps allows, unless a frame is
	 * already due sooner.  Many changes in a burst cost one frame.
	 */
	int64_t at = a->last_frame + 1000 / a->cfg->display.fps;

	if (at < util_mono_ms())
		at = util_mono_ms();
	if (!loop_timer_armed(a->render_timer) ||
	    loop_timer_deadline(a->render_timer) > at)
		loop_timer_at(a->render_timer, at);
}

static void
on_snapshot_timer(struct loop_timer *t, void *arg)
{
	struct app *a = arg;

	(void)t;
	if (display_frames(a->display) == a->snapshot_frames)
		return;
	a->snapshot_frames = display_frames(a->display);
	a->snapshot_last = util_mono_ms();
	write_snapshot(a, a->cfg->display.snapshot_file);
}

static void
on_render_timer(struct loop_timer *t, void *arg)
{
	struct app *a = arg;
	int64_t now = util_mono_ms();
	int64_t next, min_gap = 1000 / a->cfg->display.fps;

	next = draw_frame(a, util_wall_ms(), now - a->anim_start);
	if (a->messages != NULL) {
		/* A message starting or ending changes the board too. */
		int64_t m = messages_next_change(a->messages, util_wall_ms());
		if (m < next)
			next = m;
	}
	if (a->board.frames == 1)
		update_status(a); /* the first frame is up: say so */
	/*
	 * One millisecond late rather than early: wall-clock changes (a
	 * minute, data turning stale) are measured on CLOCK_REALTIME and the
	 * timer runs on CLOCK_MONOTONIC, and a frame drawn a hair before the
	 * change would otherwise wait a whole frame interval for the next.
	 */
	if (next != RENDER_NEVER)
		loop_timer_at(
		    t, now + (next + 1 < min_gap ? min_gap : next + 1));
	schedule_snapshot(a);
}

/*
 * Ping only while frames get presented and no frame is overdue: a loop
 * that spins without drawing, or a display that refuses frames, should
 * let systemd restart us.
 */
static int
render_healthy(struct app *a)
{
	int64_t now = util_mono_ms();
	int overdue = loop_timer_armed(a->render_timer) &&
	    loop_timer_deadline(a->render_timer) < now - 1000;
	int failing =
	    strcmp(health_status(&a->board, util_wall_ms()), "fail") == 0;

	return !a->present_failed && !overdue && !failing;
}

static void
on_watchdog_timer(struct loop_timer *t, void *arg)
{
	struct app *a = arg;
	int64_t now = util_mono_ms();

	if (render_healthy(a))
		sd_watchdog_ping();
	else
		log_warn("watchdog: rendering is stuck; not pinging");
	loop_timer_at(t, now + a->watchdog_ms / 2);
}

/* The heartbeat LED: toggled by the same rule as the watchdog ping. */
static void
on_heartbeat_timer(struct loop_timer *t, void *arg)
{
	struct app *a = arg;
	int64_t period = cabinet_heartbeat_period(a->cabinet);

	if (period == 0)
		return;
	cabinet_heartbeat(a->cabinet, render_healthy(a));
	loop_timer_at(t, util_mono_ms() + period);
}

static void
arm_heartbeat(struct app *a)
{
	int64_t period = cabinet_heartbeat_period(a->cabinet);

	if (period == 0)
		loop_timer_stop(a->heartbeat_timer);
	else if (!loop_timer_armed(a->heartbeat_timer))
		loop_timer_at(a->heartbeat_timer, util_mono_ms() + period);
}

static int
board_cabinet_level(void *ctx)
{
	struct app *a = ctx;

	return a->cabinet != NULL && cabinet_level(a->cabinet);
}

static void
board_cabinet_checks(void *ctx, struct json_object *checks)
{
	struct app *a = ctx;

	if (a->cabinet != NULL)
		cabinet_checks(a->cabinet, checks);
}

static void
board_cabinet_metrics(void *ctx, struct util_buf *out)
{
	struct app *a = ctx;

	if (a->cabinet != NULL)
		cabinet_metrics(a->cabinet, out);
}

static const char *
board_cover(void *ctx)
{
	struct app *a = ctx;

	if (a->cabinet == NULL)
		return NULL;
	if (cabinet_blank(a->cabinet))
		return "blank";
	if (cabinet_pattern(a->cabinet, util_mono_ms(), NULL))
		return "test_pattern";
	return NULL;
}

static int
display_same(const struct cfg_display *x, const struct cfg_display *y)
{
	return x->system == y->system && x->width == y->width &&
	    x->height == y->height && x->pixelformat == y->pixelformat &&
	    strcmp(x->device, y->device) == 0;
}

static int
http_same(const struct cfg_http *x, const struct cfg_http *y)
{
	if (x->listen.n != y->listen.n ||
	    strcmp(x->tls_cert, y->tls_cert) != 0 ||
	    strcmp(x->tls_key, y->tls_key) != 0)
		return 0;
	for (size_t i = 0; i < x->listen.n; i++)
		if (strcmp(x->listen.v[i], y->listen.v[i]) != 0)
			return 0;
	return 1;
}

static void
update_status(struct app *a)
{
	size_t n = a->feeds != NULL ? feeds_count(a->feeds) : 0, fresh = 0;
	int64_t now = util_wall_ms(), mono = util_mono_ms();
	uint64_t frames = a->board.frames - a->status_frames;
	double secs = (double)(mono - a->status_at) / 1000.0;

	for (size_t i = 0; i < n; i++) {
		struct feed_stats s;
		feeds_stats(a->feeds, i, now, &s);
		fresh +=
		    !s.stale && !s.failing && s.last_ok_wall_ms != PARK_NO_TIME;
	}
	a->status_frames = a->board.frames;
	a->status_at = mono;
	sd_status("%s: %zu/%zu feeds fresh, 0 messages, %.0f fps",
	    health_status(&a->board, now), fresh, n,
	    secs > 0.1 ? (double)frames / secs : 0.0);
}

static void
on_status_timer(struct loop_timer *t, void *arg)
{
	update_status(arg);
	loop_timer_at(t, util_mono_ms() + MAIN_STATUS_MS);
}

/* The HTTP server and the monitoring endpoints; -1 when it cannot listen. */
static int
start_httpd(struct app *a)
{
	struct httpd_cfg hc;
	char err[256];

	memset(&hc, 0, sizeof(hc));
	for (size_t i = 0; i < a->cfg->http.listen.n && i < HTTPD_MAX_LISTEN;
	     i++) {
		util_strlcpy(hc.listen[i], a->cfg->http.listen.v[i],
		    sizeof(hc.listen[i]));
		hc.nlisten++;
	}
	if (hc.nlisten == 0)
		return 0;
	hc.max_connections = a->cfg->http.max_connections;
	hc.max_per_client = a->cfg->http.max_per_client;
	hc.timeout_s = a->cfg->http.timeout_s;
	hc.max_body = (size_t)a->cfg->http.max_body;
	hc.rate_per_s = a->cfg->http.rate_per_s;
	util_strlcpy(hc.tls_cert, a->cfg->http.tls_cert, sizeof(hc.tls_cert));
	util_strlcpy(hc.tls_key, a->cfg->http.tls_key, sizeof(hc.tls_key));
	hc.rate_burst = a->cfg->http.rate_burst;
	a->httpd = httpd_new(a->loop, &hc, err, sizeof(err));
	if (a->httpd == NULL) {
		log_err("%s", err);
		return -1;
	}
	a->board.httpd = a->httpd;
	health_register(a->httpd, &a->board);
	return 0;
}

static void
board_init(struct app *a)
{
	a->board.version = TAFEL_VERSION;
	if (a->cfg->service_id[0] != '\0')
		util_strlcpy(a->board.service_id, a->cfg->service_id,
		    sizeof(a->board.service_id));
	else if (gethostname(
		     a->board.service_id, sizeof(a->board.service_id) - 1) != 0)
		util_strlcpy(
		    a->board.service_id, "tafel", sizeof(a->board.service_id));
	a->board.system = cfg_system_name(a->cfg->display.system);
	a->board.width = display_width(a->display);
	a->board.height = display_height(a->display);
	a->board.started_wall_ms = util_wall_ms();
	a->board.stall_s = a->cfg->http.stall_s;
	a->board.src = &a->src;
	a->board.render = a->render;
	a->board.pixels = board_pixels;
	a->board.messages = board_messages;
	a->board.read_allowed = board_read_allowed;
	a->board.message_counts = board_message_counts;
	a->board.cabinet_level = board_cabinet_level;
	a->board.cabinet_checks = board_cabinet_checks;
	a->board.cabinet_metrics = board_cabinet_metrics;
	a->board.cover = board_cover;
	a->board.ctx = a;
}

static void
reload(struct app *a)
{
	struct util_errs *errs = util_calloc(1, sizeof(*errs));
	struct cfg *c;
	struct render *r = NULL;
	char err[512];

	sd_reloading();
	log_info("reloading %s", a->cfg->path);
	c = cfg_load(a->cfg->path, errs);
	if (c != NULL && !http_same(&c->http, &a->cfg->http))
		util_errs_add(errs,
		    "%s: http.listen or TLS changed: restart tafeld to apply",
		    c->path);
	if (c != NULL && !display_same(&c->display, &a->cfg->display)) {
		util_errs_add(errs,
		    "%s: display.system, device, width, height or "
		    "pixelformat changed: restart tafeld to apply",
		    c->path);
	}
	if (c != NULL && util_errs_count(errs) == 0) {
		struct render_msgdef md;
		messages_msgdef(c, &md);
		r = render_new(display_dfb(a->display), c->layout, &md, errs);
		if (r != NULL)
			messages_check_config(c, r, errs);
		if (r != NULL && util_errs_count(errs) > 0) {
			render_free(r);
			r = NULL;
		}
	}
	if (r != NULL && a->messages != NULL &&
	    messages_configure(a->messages, c, r, a->feeds, err, sizeof(err)) !=
		0) {
		util_errs_add(errs, "%s: http.tokens_file: %s", c->path, err);
		render_free(r);
		r = NULL;
	}
	if (r == NULL) {
		util_errs_log(errs, "");
		log_err("reload failed: keeping the running configuration");
		cfg_free(c);
		free(errs);
		sd_ready("reload failed; running the previous configuration");
		return;
	}
	render_free(a->render);
	/* Messages were configured with c and r above, when they were checked. */
	feeds_apply(a->feeds, c); /* before the old config goes */
	cfg_free(a->cfg);
	a->cfg = c;
	a->render = r;
	apply_log_level(a);
	apply_timezone(c);
	/* GPIO problems on a reload are logged and warned, never fatal. */
	cabinet_configure(a->cabinet, c, 0, err, sizeof(err));
	arm_heartbeat(a);
	a->board.render = r;
	a->board.stall_s = c->http.stall_s;
	a->anim_start = util_mono_ms();
	loop_timer_at(a->render_timer, a->anim_start);
	loop_timer_stop(a->snapshot_timer);
	a->snapshot_frames = 0;
	free(errs);
	log_notice("reloaded: showing %s", c->layout->path);
	sd_ready("reloaded");
	update_status(a);
}

static void
on_signal(int fd, uint32_t events, void *arg)
{
	struct app *a = arg;
	struct signalfd_siginfo si;
	char path[PATH_MAX + 32];

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			reload(a);
			break;
		case SIGUSR1:
			/*
			 * Asked before the first frame (the request can
			 * come in the same loop turn as the first render
			 * timer): draw it now, else the snapshot is blank.
			 */
			if (a->board.frames == 0)
				on_render_timer(a->render_timer, a);
			if (a->cfg->display.snapshot_file[0] != '\0')
				util_strlcpy(path,
				    a->cfg->display.snapshot_file,
				    sizeof(path));
			else
				snprintf(path, sizeof(path), "%s/snapshot.png",
				    a->cfg->state_dir);
			if (write_snapshot(a, path) == 0)
				log_info("snapshot written to %s", path);
			break;
		default:
			log_notice("signal %d: stopping", (int)si.ssi_signo);
			loop_stop(a->loop);
			break;
		}
	}
}

/* Load and check everything; the board is opened only when show is set. */
static int
setup(struct app *a, const char *path, int check_only)
{
	struct util_errs *errs = util_calloc(1, sizeof(*errs));
	struct render_msgdef md;
	struct cfg_display dc;
	char err[512];

	a->cfg = cfg_load(path, errs);
	if (a->cfg == NULL)
		goto fail;
	apply_log_level(a);
	apply_timezone(a->cfg);
	dc = a->cfg->display;
	if (check_only)
		dc.system = CFG_SYSTEM_DUMMY; /* fonts load without a device */
	a->display = display_open(&dc, err, sizeof(err));
	if (a->display == NULL) {
		util_errs_add(errs, "%s: display: %s", path, err);
		goto fail;
	}
	messages_msgdef(a->cfg, &md);
	a->render =
	    render_new(display_dfb(a->display), a->cfg->layout, &md, errs);
	if (a->render != NULL)
		messages_check_config(a->cfg, a->render, errs);
	/* The tokens file must load (unless the demo is to create it). */
	if (a->cfg->http.tokens_file[0] != '\0' &&
	    (a->cfg->http.demo_token_file[0] == '\0' ||
		access(a->cfg->http.tokens_file, F_OK) == 0)) {
		struct auth *t =
		    auth_load(a->cfg->http.tokens_file, err, sizeof(err));
		if (t == NULL)
			util_errs_add(
			    errs, "%s: http.tokens_file: %s", path, err);
		auth_free(t);
	}
	if (util_errs_count(errs) > 0)
		goto fail;
	if (a->render == NULL)
		goto fail;
	free(errs);
	return 0;
fail:
	util_errs_log(errs, "");
	free(errs);
	return -1;
}

static void
teardown(struct app *a)
{
	feeds_free(a->feeds);
	render_free(a->render);
	display_close(a->display);
	cfg_free(a->cfg);
}

static void
on_once_poll(struct loop_timer *t, void *arg)
{
	struct app *a = arg;

	if (!feeds_busy(a->feeds))
		loop_stop(a->loop);
	else
		loop_timer_at(t, util_mono_ms() + 10);
}

static int
run_once(struct app *a, const char *snapshot, const char *now_text)
{
	int64_t wall = util_wall_ms();

	if (now_text != NULL && util_parse_iso8601(now_text, &wall) != 0) {
		log_err("--now: \"%s\" is not an ISO 8601 time", now_text);
		return 1;
	}
	/* One fetch round: every feed once, each bounded by its timeout. */
	if (a->cfg->feeds.n > 0) {
		a->loop = loop_new();
		if (a->loop == NULL)
			return 1;
		a->feeds = feeds_new(a->loop, NULL, NULL);
		feeds_apply(a->feeds, a->cfg);
		feeds_fetch_all(a->feeds);
		loop_timer_at(loop_timer_new(a->loop, on_once_poll, a),
		    util_mono_ms() + 10);
		loop_run(a->loop);
	}
	draw_frame(a, wall, 0);
	if (a->present_failed)
		return 1;
	if (snapshot != NULL && write_snapshot(a, snapshot) != 0)
		return 1;
	return 0;
}

static int
run_daemon(struct app *a)
{
	struct cabinet_ops cops;
	sigset_t mask;
	char err[512];

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	a->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	a->loop = loop_new();
	if (a->sigfd == -1 || a->loop == NULL ||
	    loop_fd_add(a->loop, a->sigfd, EPOLLIN, on_signal, a) != 0) {
		log_err("event loop: %s", strerror(errno));
		return 1;
	}
	a->render_timer = loop_timer_new(a->loop, on_render_timer, a);
	a->feeds = feeds_new(a->loop, on_feeds_changed, a);
	feeds_apply(a->feeds, a->cfg);
	board_init(a);
	a->board.feeds = a->feeds;
	if (start_httpd(a) != 0) {
		a->exit_code = 1;
		goto out;
	}
	a->messages = messages_new(a->loop, a->httpd, a->cfg->state_dir,
	    on_feeds_changed, a, err, sizeof(err));
	if (a->messages == NULL ||
	    messages_configure(a->messages, a->cfg, a->render, a->feeds, err,
		sizeof(err)) != 0) {
		log_err("messages: %s", err);
		a->exit_code = 1;
		goto out;
	}
	cops.redraw = on_feeds_changed;
	cops.arg = a;
	a->cabinet = cabinet_new(a->loop, a->messages, a->display, &cops);
	if (cabinet_configure(a->cabinet, a->cfg, 1, err, sizeof(err)) != 0) {
		log_err("%s: %s", a->cfg->path, err);
		a->exit_code = 1;
		goto out;
	}
	if (a->httpd != NULL)
		a->api_cabinet =
		    api_cabinet_new(a->httpd, a->cabinet, a->messages);
	a->heartbeat_timer = loop_timer_new(a->loop, on_heartbeat_timer, a);
	arm_heartbeat(a);
	a->status_timer = loop_timer_new(a->loop, on_status_timer, a);
	loop_timer_at(a->status_timer, util_mono_ms() + MAIN_STATUS_MS);
	a->snapshot_timer = loop_timer_new(a->loop, on_snapshot_timer, a);
	a->watchdog_timer = loop_timer_new(a->loop, on_watchdog_timer, a);
	a->anim_start = util_mono_ms();
	a->snapshot_last = a->anim_start - 3600 * 1000LL;
	loop_timer_at(a->render_timer, a->anim_start);
	a->watchdog_ms = sd_watchdog_interval_ms();
	if (a->watchdog_ms > 0)
		/* First ping once the first frame is up, not before it. */
		loop_timer_at(
		    a->watchdog_timer, a->anim_start + a->watchdog_ms / 4);

	log_notice("tafeld %s: showing %s on %dx%d (DirectFB %s)",
	    TAFEL_VERSION, a->cfg->layout->path, display_width(a->display),
	    display_height(a->display),
	    cfg_system_name(a->cfg->display.system));
	if (a->cfg->display.snapshot_file[0] != '\0')
		log_notice("the board's pixels are written to %s",
		    a->cfg->display.snapshot_file);
	a->status_at = util_mono_ms();
	sd_ready("starting");
	if (loop_run(a->loop) != 0)
		a->exit_code = 1;
	sd_stopping();
out:
	/* A stopped sign must not keep showing numbers nobody updates. */
	display_frame(a->display)
	    ->Clear(display_frame(a->display), 0, 0, 0, 0xff);
	display_present(a->display);
	/* Pending answers go out before the server does. */
	cabinet_free(a->cabinet);
	a->cabinet = NULL;
	messages_free(a->messages);
	a->messages = NULL;
	httpd_free(a->httpd);
	a->httpd = NULL;
	api_cabinet_free(a->api_cabinet);
	a->api_cabinet = NULL;
	free(a->board.png);
	a->board.png = NULL;
	feeds_free(a->feeds);
	a->feeds = NULL;
	loop_free(a->loop);
	a->loop = NULL;
	close(a->sigfd);
	return a->exit_code;
}

static int setup(struct app *a, const char *path, int check_only);
static void teardown(struct app *a);

/*
 * tafeld multi-check [-c CONF] [--zone Z] MULTI: "ok N" (pages) or
 * "error CODE_NAME NUMBER at POSITION", laid out with the sign's own fonts
 * for the zone, exactly as the API would check it.
 */
static int
main_multi_check(struct app *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "zone", required_argument, NULL, 'Z' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf = CFG_DEFAULT_PATH, *zone = "";
	struct multi_msg msg;
	struct multi_error e;
	char line[MULTI_CHECK_LEN];
	sigset_t mask;
	int ch, rc;

	log_init("tafeld", LOG_LEVEL_INFO);
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'Z':
			zone = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 1)
		goto usage;
	sigemptyset(&mask);
	sigaddset(&mask, SIGPIPE);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if (setup(a, conf, 1) != 0) {
		teardown(a);
		return 2;
	}
	memset(&msg, 0, sizeof(msg));
	memset(&e, 0, sizeof(e));
	rc = messages_check(a->cfg, a->render, argv[optind], zone, &msg, &e);
	multi_check_line(
	    rc == 0 ? &msg : NULL, rc == 0 ? NULL : &e, line, sizeof(line));
	printf("%s\n", line);
	multi_msg_free(&msg);
	teardown(a);
	return rc == 0 ? 0 : 1;
usage:
	fprintf(stderr,
	    "usage: tafeld multi-check [-c CONF] [--zone ZONE] "
	    "'MULTI'\n");
	return 2;
}

/*
 * tafeld inspect FORMAT FILE [--now T] [--stale-after S] [--timezone TZ]
 * [--table FILE] [--language L]
 */
static int
main_inspect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "now", required_argument, NULL, 'N' },
		{ "stale-after", required_argument, NULL, 'S' },
		{ "timezone", required_argument, NULL, 'T' },
		{ "table", required_argument, NULL, 't' },
		{ "language", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	struct inspect_args ia = { 0 };
	int64_t now = util_wall_ms(), stale = 1800;
	const char *tz = NULL;
	char *end;
	int ch;

	log_init("tafeld", LOG_LEVEL_INFO);
	/* Zone-less times are local: the default zone of a sign. */
	setenv("TZ", "Europe/Zurich", 1);
	tzset();
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'N':
			if (util_parse_iso8601(optarg, &now) != 0) {
				fprintf(stderr,
				    "inspect: --now: \"%s\" is not an ISO "
				    "8601 time\n",
				    optarg);
				return 2;
			}
			break;
		case 'S':
			errno = 0;
			stale = strtoll(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || stale < 1 ||
			    stale > 604800) {
				fprintf(stderr,
				    "inspect: --stale-after: \"%s\" is not "
				    "a number of seconds\n",
				    optarg);
				return 2;
			}
			break;
		case 'T':
			tz = optarg;
			break;
		case 't':
			ia.table = optarg;
			break;
		case 'L':
			if (strcmp(optarg, "de") != 0 &&
			    strcmp(optarg, "fr") != 0 &&
			    strcmp(optarg, "it") != 0 &&
			    strcmp(optarg, "en") != 0) {
				fprintf(stderr,
				    "inspect: --language: \"%s\" is not one "
				    "of de, fr, it, en\n",
				    optarg);
				return 2;
			}
			ia.lang = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;
	ia.format = argv[optind];
	ia.path = argv[optind + 1];
	ia.now_ms = now;
	ia.stale_after_ms = stale * 1000;
	ia.timezone = tz;
	return inspect_run(&ia, stdout, stderr);
usage:
	fprintf(stderr,
	    "usage: tafeld inspect FORMAT FILE [--now ISO8601] "
	    "[--stale-after SECONDS] [--timezone TZ] [--table FILE] "
	    "[--language de|fr|it|en]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, 'O' },
		{ "snapshot", required_argument, NULL, 'S' },
		{ "now", required_argument, NULL, 'N' },
		{ "help-config", no_argument, NULL, 'H' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct app a;
	const char *conf = CFG_DEFAULT_PATH, *snap = NULL, *now = NULL;
	int ch, check = 0, once = 0, rc;
	sigset_t mask;

	memset(&a, 0, sizeof(a));
	a.sigfd = -1;
	a.src.doc = source_doc;
	a.src.message = source_message;
	a.src.ticker = source_ticker;
	a.src.ctx = &a;
	if (argc > 1 && strcmp(argv[1], "inspect") == 0)
		return main_inspect(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "multi-check") == 0)
		return main_multi_check(&a, argc - 1, argv + 1);
	while ((ch = getopt_long(argc, argv, "c:dnhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'd':
			a.debug = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'O':
			once = 1;
			break;
		case 'S':
			snap = optarg;
			break;
		case 'N':
			now = optarg;
			break;
		case 'H':
			cfg_help(stdout);
			return 0;
		case 'V':
			printf("tafeld %s\n", TAFEL_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc || ((snap != NULL || now != NULL) && !once)) {
		usage(stderr);
		return 1;
	}
	log_init("tafeld", LOG_LEVEL_INFO);

	/*
	 * Block the signals we read from the signalfd before DirectFB starts
	 * its threads, so that they inherit the mask and never take them.
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGPIPE);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	if (setup(&a, conf, check) != 0) {
		teardown(&a);
		if (check)
			fprintf(stderr, "configuration has errors\n");
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		rc = 0;
	} else if (once) {
		rc = run_once(&a, snap, now);
	} else {
		rc = run_daemon(&a);
	}
	teardown(&a);
	return rc;
}
