/*
 * test_msgstore: the message store through a real loop and a temporary
 * directory: round trips, callbacks only after the file is durable,
 * coalesced writes, every kind of bad file, expiry, removal, failing
 * writes, and a child killed with SIGKILL while it writes, 200 times.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "msgstore.h"
#include "log.h"
#include "loop.h"
#include "util.h"
#include "fixture.h"

#define WAIT_MS 5000 /* how long a test waits for callbacks */

static char *dir;

/*
 * fsync for the whole test binary: it overrides libc's for msgstore.o, so
 * a test can hold the writer inside a write (stall_on) and see writes
 * coalesce deterministically.  Otherwise it is the real system call.
 */
static pthread_mutex_t stall_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stall_cv = PTHREAD_COND_INITIALIZER;
static int stall_on, stalled, fsync_errno;

int
fsync(int fd)
{
	int err;

	pthread_mutex_lock(&stall_mu);
	if (stall_on) {
		stalled++;
		while (stall_on)
			pthread_cond_wait(&stall_cv, &stall_mu);
	}
	err = fsync_errno;
	pthread_mutex_unlock(&stall_mu);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return (int)syscall(SYS_fsync, fd);
}
static int saved_stderr = -1; /* while a test captures stderr */

static int
setup(void **state)
{
	(void)state;
	dir = fixture_dir();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	/* A test that failed while capturing must not hide the next ones. */
	if (saved_stderr >= 0) {
		dup2(saved_stderr, STDERR_FILENO);
		close(saved_stderr);
		saved_stderr = -1;
	}
	fixture_rmdir(dir);
	return 0;
}

/* ---- helpers ---- */

struct done {
	struct loop *loop;
	int want;  /* stop the loop after this many calls */
	int calls; /* callbacks so far */
	int ok, failed;
	const char *must_have; /* id the file must hold when called */
	const char *must_not;  /* id the file must not hold */
	int file_checks_failed;
};

static char *
read_store(const char *name)
{
	char path[600], err[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return util_read_file(path, MSGSTORE_FILE_MAX, NULL, err, sizeof(err));
}

static void
on_done(void *arg, int status)
{
	struct done *d = arg;

	if (d->must_have != NULL || d->must_not != NULL) {
		char *text = read_store("messages.json");

		if (text == NULL ||
		    (d->must_have != NULL &&
			strstr(text, d->must_have) == NULL) ||
		    (d->must_not != NULL && strstr(text, d->must_not) != NULL))
			d->file_checks_failed++;
		free(text);
	}
	d->calls++;
	if (status == 0)
		d->ok++;
	else
		d->failed++;
	if (d->calls == d->want)
		loop_stop(d->loop);
}

static void
on_stop(struct loop_timer *t, void *arg)
{
	(void)t;
	loop_stop(arg);
}

/* Run the loop until it is stopped or ms have passed. */
static void
run(struct loop *l, int ms)
{
	struct loop_timer *t = loop_timer_new(l, on_stop, l);

	loop_timer_at(t, util_mono_ms() + ms);
	assert_int_equal(loop_run(l), 0);
	loop_timer_free(t);
}

static void
mkmsg(struct msg *m, const char *multi, int priority)
{
	memset(m, 0, sizeof(*m));
	msgstore_id_new(m->id);
	util_strlcpy(m->multi, multi, sizeof(m->multi));
	m->priority = priority;
	m->start_ms = 1700000000000;
	m->zone[0] = '\0';
	m->source = MSG_SOURCE_OPERATOR;
	util_strlcpy(m->owner, "ops", sizeof(m->owner));
	m->created_ms = 1700000000000;
}

static struct msgstore *
open_store(struct loop *l)
{
	char err[256] = "";
	struct msgstore *s = msgstore_open(l, dir, err, sizeof(err));

	if (s == NULL)
		fprintf(stderr, "msgstore_open: %s\n", err);
	assert_non_null(s);
	return s;
}

static int
exists(const char *name)
{
	char path[600];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

/* stderr into a file while the store logs, to look for its warnings. */
static void
capture_begin(void)
{
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/stderr.log", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static char *
capture_end(void)
{
	char path[600], err[256];
	char *text;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	snprintf(path, sizeof(path), "%s/stderr.log", dir);
	text = util_read_file(path, 1 << 20, NULL, err, sizeof(err));
	assert_non_null(text);
	return text;
}

/* Two generations on disk: .prev holds {a}, messages.json holds {a, b}. */
static void
two_generations(struct msg *a, struct msg *b)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct done d = { .loop = l, .want = 1 };

	mkmsg(a, "first", 10);
	mkmsg(b, "second", 20);
	assert_int_equal(msgstore_add(s, a, on_done, &d), 0);
	run(l, WAIT_MS);
	d.want = 2;
	assert_int_equal(msgstore_add(s, b, on_done, &d), 0);
	run(l, WAIT_MS);
	assert_int_equal(d.ok, 2);
	msgstore_close(s);
	loop_free(l);
}

/* ---- tests ---- */

static void
test_msgstore_round_trip_keeps_every_field(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct done d = { .loop = l, .want = 3 };
	struct msg m[3];
	const struct msg *v;
	size_t n;

	(void)state;
	assert_int_equal(msgstore_origin(s), MSGSTORE_ORIGIN_NONE);
	mkmsg(&m[0], "Konzert KKL: P+R Allmend[nl]benutzen", 50);
	mkmsg(&m[1], "quote \" back\\slash / Zürich → 🚗", 255);
	mkmsg(&m[2], "", 1);
	m[1].end_ms = MSG_WALL_MAX;
	m[1].source = MSG_SOURCE_FAILSAFE;
	util_strlcpy(m[1].zone, "area \"1\"", sizeof(m[1].zone));
	m[2].start_ms = 0;
	m[2].source = MSG_SOURCE_GPIO;
	m[2].owner[0] = '\0';
	for (int i = 0; i < 3; i++)
		assert_int_equal(msgstore_add(s, &m[i], on_done, &d), 0);
	/* Visible at once, before anything is on disk. */
	assert_non_null(msgstore_find(s, m[1].id));
	assert_int_equal(d.calls, 0);
	run(l, WAIT_MS);
	assert_int_equal(d.ok, 3);
	msgstore_close(s);

	s = open_store(l);
	assert_int_equal(msgstore_origin(s), MSGSTORE_ORIGIN_MAIN);
	v = msgstore_list(s, &n);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(v[i].id, m[i].id);
		assert_string_equal(v[i].multi, m[i].multi);
		assert_int_equal(v[i].priority, m[i].priority);
		assert_int_equal(v[i].start_ms, m[i].start_ms);
		assert_int_equal(v[i].end_ms, m[i].end_ms);
		assert_string_equal(v[i].zone, m[i].zone);
		assert_int_equal(v[i].source, m[i].source);
		assert_string_equal(v[i].owner, m[i].owner);
		assert_int_equal(v[i].created_ms, m[i].created_ms);
	}
	msgstore_close(s);
	loop_free(l);
}

static void
test_msgstore_callback_runs_only_after_file_is_durable(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct done d = { .loop = l, .want = 1 };
	struct msg a, b;
	char *prev;

	(void)state;
	mkmsg(&a, "first", 10);
	mkmsg(&b, "second", 10);
	d.must_have = a.id;
	assert_int_equal(msgstore_add(s, &a, on_done, &d), 0);
	assert_false(exists("messages.json"));
	run(l, WAIT_MS);
	assert_int_equal(d.ok, 1);
	assert_int_equal(d.file_checks_failed, 0);

	d.want = 2;
	d.must_have = b.id;
	assert_int_equal(msgstore_add(s, &b, on_done, &d), 0);
	run(l, WAIT_MS);
	assert_int_equal(d.ok, 2);
	assert_int_equal(d.file_checks_failed, 0);
	/* The spare copy is the generation before. */
	prev = read_store("messages.json.prev");
	assert_non_null(prev);
	assert_non_null(strstr(prev, a.id));
	assert_null(strstr(prev, b.id));
	free(prev);
	assert_false(exists("messages.json.tmp"));
	msgstore_close(s);
	loop_free(l);
}

static int ticks_left;
static struct msgstore *tick_store;
static struct done *tick_done;

static void
on_tick_add(struct loop_timer *t, void *arg)
{
	struct msg m;

	(void)arg;
	mkmsg(&m, "tick", 5);
	assert_int_equal(msgstore_add(tick_store, &m, on_done, tick_done), 0);
	if (--ticks_left > 0)
		loop_timer_at(t, util_mono_ms() + 1);
}

static void
test_msgstore_coalesces_writes_and_calls_every_callback(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct done d = { .loop = l, .want = 100 };
	struct loop_timer *t;
	uint64_t before;

	(void)state;
	/* A burst within one turn of the loop is one write. */
	for (int i = 0; i < 100; i++) {
		struct msg m;

		mkmsg(&m, "burst", 5);
		assert_int_equal(msgstore_add(s, &m, on_done, &d), 0);
	}
	run(l, WAIT_MS);
	assert_int_equal(d.ok, 100);
	assert_int_equal(msgstore_writes(s), 1);

	/*
	 * One add per millisecond, racing the writer: every callback still
	 * gets 0.  How many writes that takes depends on the disk; the test
	 * below makes the writer busy on purpose.
	 */
	before = msgstore_writes(s);
	d = (struct done){ .loop = l, .want = 200 };
	tick_store = s;
	tick_done = &d;
	ticks_left = 200;
	t = loop_timer_new(l, on_tick_add, NULL);
	loop_timer_at(t, util_mono_ms());
	run(l, 2 * WAIT_MS);
	loop_timer_free(t);
	assert_int_equal(d.ok, 200);
	assert_int_equal(d.failed, 0);
	assert_true(msgstore_writes(s) - before <= 200);
	msgstore_close(s);
	loop_free(l);
}

static int
stalled_count(void)
{
	int n;

	pthread_mutex_lock(&stall_mu);
	n = stalled;
	pthread_mutex_unlock(&stall_mu);
	return n;
}

static void
stall_set(int on)
{
	pthread_mutex_lock(&stall_mu);
	stall_on = on;
	stalled = 0;
	pthread_cond_broadcast(&stall_cv);
	pthread_mutex_unlock(&stall_mu);
}

static void
test_msgstore_newer_snapshot_replaces_one_not_started(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct done d = { .loop = l, .want = 4 };
	struct msg m[4];
	int64_t until;
	char *text;

	(void)state;
	for (int i = 0; i < 4; i++)
		mkmsg(&m[i], "x", 5);
	/* The writer takes m[0]'s snapshot and hangs in fsync. */
	stall_set(1);
	assert_int_equal(msgstore_add(s, &m[0], on_done, &d), 0);
	until = util_mono_ms() + WAIT_MS;
	while (stalled_count() == 0 && util_mono_ms() < until)
		run(l, 1);
	assert_int_equal(stalled_count(), 1);
	/* Three more snapshots, each in its own turn of the loop. */
	for (int i = 1; i < 4; i++) {
		assert_int_equal(msgstore_add(s, &m[i], on_done, &d), 0);
		run(l, 2);
	}
	/* Nothing is acknowledged while the first write is not durable. */
	assert_int_equal(d.calls, 0);
	assert_false(exists("messages.json"));
	stall_set(0);
	run(l, WAIT_MS);
	assert_int_equal(d.ok, 4);
	/* m[0]'s write, then one for the newest; m[1], m[2] never hit disk. */
	assert_int_equal(msgstore_writes(s), 2);
	text = read_store("messages.json");
	assert_non_null(text);
	for (int i = 0; i < 4; i++)
		assert_non_null(strstr(text, m[i].id));
	free(text);
	msgstore_close(s);
	loop_free(l);
}

static void
test_msgstore_corrupt_main_uses_previous_generation_and_warns(void **state)
{
	struct loop *l;
	struct msgstore *s;
	struct msg a, b;
	const struct msg *v;
	char *log, *text;
	size_t n;

	(void)state;
	two_generations(&a, &b);
	fixture_write(dir, "messages.json", "{\"version\":1,\"messages\":[{]}");
	l = loop_new();
	capture_begin();
	s = open_store(l);
	log = capture_end();
	assert_int_equal(msgstore_origin(s), MSGSTORE_ORIGIN_PREV);
	assert_non_null(strstr(log, "messages.json:"));
	assert_non_null(strstr(log, "messages.json.prev"));
	free(log);
	v = msgstore_list(s, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, a.id);
	assert_true(exists("messages.json.corrupt"));
	/* A good main file is written back without being asked. */
	run(l, 300);
	text = read_store("messages.json");
	assert_non_null(text);
	assert_non_null(strstr(text, a.id));
	free(text);
	msgstore_close(s);
	s = open_store(l);
	assert_int_equal(msgstore_origin(s), MSGSTORE_ORIGIN_MAIN);
	msgstore_close(s);
	loop_free(l);
}

static void
test_msgstore_truncated_main_uses_previous_generation(void **state)
{
	struct loop *l;
	struct msgstore *s;
	struct msg a, b;
	char path[600];
	struct stat st;
	size_t n;

	(void)state;
	two_generations(&a, &b);
	snprintf(path, sizeof(path), "%s/messages.json", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 5), 0);
	l = loop_new();
	capture_begin();
	s = open_store(l);
	free(capture_end());
	assert_int_equal(msgstore_origin(s), MSGSTORE_ORIGIN_PREV);
	msgstore_list(s, &n);
	assert_int_equal(n, 1);
	assert_non_null(msgstore_find(s, a.id));
	msgstore_close(s);

	/* An empty file (the crash of a careless writer) too. */
	fixture_write(dir, "messages.json", "");
	capture_begin();
	s = open_store(l);
	free(capture_end());
	assert_int_equal(msgstore_origin(s), MSGSTORE_ORIGIN_PREV);
	msgstore_close(s);
	loop_free(l);
}

static void
test_msgstore_missing_main_uses_previous_generation(void **state)
{
	struct loop *l;
	struct msgstore *s;
	struct msg a, b;
	char path[600];

	(void)state;
	two_generations(&a, &b);
	snprintf(path, sizeof(path), "%s/messages.json", dir);
	assert_int_equal(unlink(path), 0);
	l = loop_new();
	capture_begin();
	s = open_store(l);
	free(capture_end());
	assert_int_equal(msgstore_origin(s), MSGSTORE_ORIGIN_PREV);
	assert_non_null(msgstore_find(s, a.id));
	msgstore_close(s);
	loop_free(l);
}

static void
test_msgstore_both_bad_starts_empty(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s;
	struct done d = { .loop = l, .want = 1 };
	struct msg m;
	char *log;
	size_t n;

	(void)state;
	fixture_write(dir, "messages.json", "garbage");
	fixture_write(dir, "messages.json.prev", "{\"version\":1}");
	capture_begin();
	s = open_store(l);
	log = capture_end();
	assert_int_equal(msgstore_origin(s), MSGSTORE_ORIGIN_EMPTY);
	assert_non_null(strstr(log, "no good copy"));
	assert_non_null(strstr(log, "messages.json.prev"));
	free(log);
	msgstore_list(s, &n);
	assert_int_equal(n, 0);
	/* And it works. */
	mkmsg(&m, "after", 9);
	assert_int_equal(msgstore_add(s, &m, on_done, &d), 0);
	run(l, WAIT_MS);
	assert_int_equal(d.ok, 1);
	msgstore_close(s);
	s = open_store(l);
	assert_int_equal(msgstore_origin(s), MSGSTORE_ORIGIN_MAIN);
	assert_non_null(msgstore_find(s, m.id));
	msgstore_close(s);
	loop_free(l);
}

#define GOOD_MSG                                                             \
	"{\"id\":\"a1\",\"multi\":\"x\",\"priority\":5,\"start_ms\":0,"      \
	"\"end_ms\":0,\"zone\":\"\",\"source\":\"operator\",\"owner\":\"\"," \
	"\"created_ms\":0}"
#define DOC(msgs) "{\"version\":1,\"messages\":[" msgs "]}"

struct bad_case {
	const char *what;
	const char *doc;
	const char *says; /* in the warning */
};

static const struct bad_case bad_cases[] = {
	{ "priority 0",
	    DOC("{\"id\":\"a\",\"multi\":\"x\",\"priority\":0,"
		"\"start_ms\":0,\"end_ms\":0,\"zone\":\"\","
		"\"source\":\"operator\",\"owner\":\"\","
		"\"created_ms\":0}"),
	    "priority" },
	{ "priority 256",
	    DOC("{\"id\":\"a\",\"multi\":\"x\",\"priority\":256,"
		"\"start_ms\":0,\"end_ms\":0,\"zone\":\"\","
		"\"source\":\"operator\",\"owner\":\"\","
		"\"created_ms\":0}"),
	    "priority" },
	{ "priority string",
	    DOC("{\"id\":\"a\",\"multi\":\"x\",\"priority\":"
		"\"5\",\"start_ms\":0,\"end_ms\":0,\"zone\":"
		"\"\",\"source\":\"operator\",\"owner\":\"\","
		"\"created_ms\":0}"),
	    "priority" },
	{ "priority double",
	    DOC("{\"id\":\"a\",\"multi\":\"x\",\"priority\":"
		"5.0,\"start_ms\":0,\"end_ms\":0,\"zone\":"
		"\"\",\"source\":\"operator\",\"owner\":\"\","
		"\"created_ms\":0}"),
	    "priority" },
	{ "unknown source",
	    DOC("{\"id\":\"a\",\"multi\":\"x\",\"priority\":5,"
		"\"start_ms\":0,\"end_ms\":0,\"zone\":\"\","
		"\"source\":\"admin\",\"owner\":\"\","
		"\"created_ms\":0}"),
	    "source" },
	{ "missing id",
	    DOC("{\"multi\":\"x\",\"priority\":5,\"start_ms\":0,"
		"\"end_ms\":0,\"zone\":\"\",\"source\":"
		"\"operator\",\"owner\":\"\",\"created_ms\":0}"),
	    ".id" },
	{ "id a number",
	    DOC("{\"id\":7,\"multi\":\"x\",\"priority\":5,"
		"\"start_ms\":0,\"end_ms\":0,\"zone\":\"\","
		"\"source\":\"operator\",\"owner\":\"\","
		"\"created_ms\":0}"),
	    ".id" },
	{ "id with slash",
	    DOC("{\"id\":\"../x\",\"multi\":\"x\",\"priority\":"
		"5,\"start_ms\":0,\"end_ms\":0,\"zone\":\"\","
		"\"source\":\"operator\",\"owner\":\"\","
		"\"created_ms\":0}"),
	    "id" },
	{ "start null",
	    DOC("{\"id\":\"a\",\"multi\":\"x\",\"priority\":5,"
		"\"start_ms\":null,\"end_ms\":0,\"zone\":\"\","
		"\"source\":\"operator\",\"owner\":\"\","
		"\"created_ms\":0}"),
	    "start_ms" },
	{ "negative start",
	    DOC("{\"id\":\"a\",\"multi\":\"x\",\"priority\":5,"
		"\"start_ms\":-1,\"end_ms\":0,\"zone\":\"\","
		"\"source\":\"operator\",\"owner\":\"\","
		"\"created_ms\":0}"),
	    "start_ms" },
	{ "end before start",
	    DOC("{\"id\":\"a\",\"multi\":\"x\",\"priority\":"
		"5,\"start_ms\":10,\"end_ms\":10,\"zone\":"
		"\"\",\"source\":\"operator\",\"owner\":"
		"\"\",\"created_ms\":0}"),
	    "end_ms" },
	{ "huge number",
	    DOC("{\"id\":\"a\",\"multi\":\"x\",\"priority\":5,"
		"\"start_ms\":99999999999999999999999,"
		"\"end_ms\":0,\"zone\":\"\",\"source\":"
		"\"operator\",\"owner\":\"\",\"created_ms\":0}"),
	    "start_ms" },
	{ "control character",
	    DOC("{\"id\":\"a\",\"multi\":\"x\\ny\","
		"\"priority\":5,\"start_ms\":0,\"end_ms\":"
		"0,\"zone\":\"\",\"source\":\"operator\","
		"\"owner\":\"\",\"created_ms\":0}"),
	    "multi" },
	{ "NUL in string",
	    DOC("{\"id\":\"a\",\"multi\":\"x\\u0000y\","
		"\"priority\":5,\"start_ms\":0,\"end_ms\":0,"
		"\"zone\":\"\",\"source\":\"operator\","
		"\"owner\":\"\",\"created_ms\":0}"),
	    "multi" },
	{ "unknown key",
	    DOC("{\"id\":\"a\",\"multi\":\"x\",\"priority\":5,"
		"\"start_ms\":0,\"end_ms\":0,\"zone\":\"\","
		"\"source\":\"operator\",\"owner\":\"\","
		"\"created_ms\":0,\"evil\":1}"),
	    "evil" },
	{ "duplicate id", DOC(GOOD_MSG "," GOOD_MSG), "also in" },
	{ "message not an object", DOC("[]"), "not an object" },
	{ "deep nesting",
	    DOC("[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]"),
	    "nesting" },
	{ "messages not an array", "{\"version\":1,\"messages\":{}}",
	    "messages" },
	{ "version 2", "{\"version\":2,\"messages\":[]}", "version" },
	{ "unknown top key", "{\"version\":1,\"messages\":[],\"x\":0}",
	    "\"x\"" },
	{ "top level array", "[]", "object" },
	{ "trailing bytes", DOC("") "x", "messages.json" },
	{ "two documents", DOC("") DOC(""), "messages.json" },
	{ "bad UTF-8",
	    DOC("{\"id\":\"a\",\"multi\":\"\xc3\x28\","
		"\"priority\":5,\"start_ms\":0,\"end_ms\":0,"
		"\"zone\":\"\",\"source\":\"operator\","
		"\"owner\":\"\",\"created_ms\":0}"),
	    "messages.json" },
};

static void
expect_rejected(const char *what, const char *doc, const char *says)
{
	struct loop *l = loop_new();
	struct msgstore *s;
	char *log;
	size_t n;

	fixture_write(dir, "messages.json", doc);
	capture_begin();
	s = open_store(l);
	log = capture_end();
	if (msgstore_origin(s) != MSGSTORE_ORIGIN_EMPTY ||
	    strstr(log, says) == NULL)
		fprintf(stderr, "case \"%s\": origin %d, log:\n%s", what,
		    (int)msgstore_origin(s), log);
	assert_int_equal(msgstore_origin(s), MSGSTORE_ORIGIN_EMPTY);
	assert_non_null(strstr(log, says));
	msgstore_list(s, &n);
	assert_int_equal(n, 0);
	free(log);
	msgstore_close(s);
	loop_free(l);
}

static void
test_msgstore_rejects_invalid_files_as_corrupt(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s;
	size_t n;

	(void)state;
	/* The same document with good fields loads. */
	fixture_write(dir, "messages.json", DOC(GOOD_MSG));
	s = open_store(l);
	assert_int_equal(msgstore_origin(s), MSGSTORE_ORIGIN_MAIN);
	msgstore_list(s, &n);
	assert_int_equal(n, 1);
	msgstore_close(s);
	loop_free(l);

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		expect_rejected(
		    bad_cases[i].what, bad_cases[i].doc, bad_cases[i].says);
}

static void
test_msgstore_rejects_oversized_strings_counts_and_files(void **state)
{
	size_t cap = 6 * 1024 * 1024;
	char *doc = malloc(cap);
	size_t len;

	(void)state;
	assert_non_null(doc);
	/* A multi of 4097 bytes. */
	len = (size_t)snprintf(doc, cap,
	    "{\"version\":1,\"messages\":[{\"id\":"
	    "\"a\",\"multi\":\"");
	memset(doc + len, 'x', MSG_MULTI_SIZE);
	len += MSG_MULTI_SIZE;
	snprintf(doc + len, cap - len,
	    "\",\"priority\":5,\"start_ms\":0,\"end_ms\":0,\"zone\":\"\","
	    "\"source\":\"operator\",\"owner\":\"\",\"created_ms\":0}]}");
	expect_rejected("long multi", doc, "longer than 4096");

	/* A zone of 32 bytes. */
	snprintf(doc, cap,
	    DOC("{\"id\":\"a\",\"multi\":\"x\",\"priority\":5,\"start_ms\":0,"
		"\"end_ms\":0,\"zone\":\"%s\",\"source\":\"operator\","
		"\"owner\":\"\",\"created_ms\":0}"),
	    "0123456789abcdef0123456789abcdef");
	expect_rejected("long zone", doc, "zone");

	/* MSGSTORE_MAX + 1 messages. */
	len = (size_t)snprintf(doc, cap, "{\"version\":1,\"messages\":[");
	for (int i = 0; i <= MSGSTORE_MAX; i++)
		len += (size_t)snprintf(doc + len, cap - len,
		    "%s{\"id\":\"m%d\",\"multi\":\"x\",\"priority\":5,"
		    "\"start_ms\":0,\"end_ms\":0,\"zone\":\"\",\"source\":"
		    "\"operator\",\"owner\":\"\",\"created_ms\":0}",
		    i == 0 ? "" : ",", i);
	snprintf(doc + len, cap - len, "]}");
	expect_rejected("too many", doc, "more than 1000");

	/* More than MSGSTORE_FILE_MAX bytes (blanks are valid JSON). */
	memset(doc, ' ', MSGSTORE_FILE_MAX + 1);
	memcpy(doc, "{\"version\":1,\"messages\":[]}", 27);
	doc[MSGSTORE_FILE_MAX + 1] = '\0';
	expect_rejected("too big", doc, "more than");
	free(doc);
}

static void
test_msgstore_expire_drops_ended_messages_and_persists(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct done d = { .loop = l, .want = 3 };
	struct msg m[3];
	const struct msg *v;
	size_t n;

	(void)state;
	for (int i = 0; i < 3; i++) {
		mkmsg(&m[i], "x", 5);
		m[i].start_ms = 1000;
	}
	m[0].end_ms = 2000;
	m[1].end_ms = 0;
	m[2].end_ms = 2001;
	for (int i = 0; i < 3; i++)
		assert_int_equal(msgstore_add(s, &m[i], on_done, &d), 0);
	run(l, WAIT_MS);
	assert_int_equal(d.ok, 3);
	assert_int_equal(msgstore_expire(s, 1999), 0);
	assert_int_equal(msgstore_expire(s, 2000), 1);
	v = msgstore_list(s, &n);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, m[1].id);
	assert_string_equal(v[1].id, m[2].id);
	assert_int_equal(msgstore_expire(s, 9000), 1);
	msgstore_close(s);

	s = open_store(l);
	v = msgstore_list(s, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, m[1].id);
	msgstore_close(s);
	loop_free(l);
}

static void
test_msgstore_remove_is_persisted(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct done d = { .loop = l, .want = 2 };
	struct msg a, b;
	size_t n;

	(void)state;
	mkmsg(&a, "a", 5);
	mkmsg(&b, "b", 5);
	assert_int_equal(msgstore_add(s, &a, on_done, &d), 0);
	assert_int_equal(msgstore_add(s, &b, on_done, &d), 0);
	run(l, WAIT_MS);
	assert_int_equal(d.ok, 2);

	d = (struct done){ .loop = l, .want = 1, .must_not = a.id };
	assert_int_equal(msgstore_remove(s, a.id, on_done, &d), 0);
	assert_null(msgstore_find(s, a.id));
	errno = 0;
	assert_int_equal(msgstore_remove(s, a.id, on_done, &d), -1);
	assert_int_equal(errno, ENOENT);
	run(l, WAIT_MS);
	assert_int_equal(d.ok, 1);
	assert_int_equal(d.file_checks_failed, 0);
	msgstore_close(s);

	s = open_store(l);
	msgstore_list(s, &n);
	assert_int_equal(n, 1);
	assert_non_null(msgstore_find(s, b.id));
	msgstore_close(s);
	loop_free(l);
}

static void
test_msgstore_failing_writes_fail_callbacks_then_recover(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct done d = { .loop = l, .want = 2 };
	struct msg a, b, c;
	char path[600], *log;

	(void)state;
	/*
	 * Tests run as root, where a read-only mode does not stop writes: a
	 * directory in the way of the temporary file does, for anyone.
	 */
	snprintf(path, sizeof(path), "%s/messages.json.tmp", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	mkmsg(&a, "a", 5);
	mkmsg(&b, "b", 5);
	capture_begin();
	assert_int_equal(msgstore_add(s, &a, on_done, &d), 0);
	run(l, 20); /* two failed writes, one error line */
	assert_int_equal(msgstore_add(s, &b, on_done, &d), 0);
	run(l, WAIT_MS);
	log = capture_end();
	assert_int_equal(d.failed, 2);
	assert_int_equal(d.ok, 0);
	assert_non_null(strstr(log, "cannot save messages"));
	assert_null(strstr(strstr(log, "cannot save") + 1, "cannot save"));
	free(log);
	/* Still in memory, shown on the board. */
	assert_non_null(msgstore_find(s, a.id));

	assert_int_equal(rmdir(path), 0);
	d = (struct done){ .loop = l, .want = 1 };
	mkmsg(&c, "c", 5);
	capture_begin();
	assert_int_equal(msgstore_add(s, &c, on_done, &d), 0);
	run(l, WAIT_MS);
	log = capture_end();
	assert_int_equal(d.ok, 1);
	assert_non_null(strstr(log, "saving messages again"));
	free(log);
	msgstore_close(s);

	/* The changes that failed went out with the next write. */
	s = open_store(l);
	assert_non_null(msgstore_find(s, a.id));
	assert_non_null(msgstore_find(s, b.id));
	assert_non_null(msgstore_find(s, c.id));
	msgstore_close(s);
	loop_free(l);
}

static void
test_msgstore_fsync_error_keeps_the_last_good_file(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct done d = { .loop = l, .want = 1 };
	struct msg a, b;
	char *before, *after;

	(void)state;
	mkmsg(&a, "a", 5);
	mkmsg(&b, "b", 5);
	assert_int_equal(msgstore_add(s, &a, on_done, &d), 0);
	run(l, WAIT_MS);
	assert_int_equal(d.ok, 1);
	before = read_store("messages.json");

	pthread_mutex_lock(&stall_mu);
	fsync_errno = EIO;
	pthread_mutex_unlock(&stall_mu);
	d = (struct done){ .loop = l, .want = 1 };
	capture_begin();
	assert_int_equal(msgstore_add(s, &b, on_done, &d), 0);
	run(l, WAIT_MS);
	pthread_mutex_lock(&stall_mu);
	fsync_errno = 0;
	pthread_mutex_unlock(&stall_mu);
	assert_int_equal(d.failed, 1);
	after = read_store("messages.json");
	assert_non_null(after);
	assert_string_equal(before, after);
	assert_false(exists("messages.json.tmp"));
	free(before);
	free(after);
	msgstore_close(s); /* one more try at close, now good */
	free(capture_end());
	s = open_store(l);
	assert_non_null(msgstore_find(s, b.id));
	msgstore_close(s);
	loop_free(l);
}

static void
test_msgstore_retries_a_failed_write_by_itself(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct done d = { .loop = l, .want = 1 };
	struct msg a;
	char path[600], *text;
	int64_t until;

	(void)state;
	snprintf(path, sizeof(path), "%s/messages.json.tmp", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	mkmsg(&a, "a", 5);
	capture_begin();
	assert_int_equal(msgstore_add(s, &a, on_done, &d), 0);
	run(l, WAIT_MS);
	assert_int_equal(d.failed, 1);
	assert_int_equal(rmdir(path), 0);
	/* The first retry is due after a second. */
	until = util_mono_ms() + 3000;
	while (!exists("messages.json") && util_mono_ms() < until)
		run(l, 50);
	text = read_store("messages.json");
	assert_non_null(text);
	assert_non_null(strstr(text, a.id));
	free(text);
	msgstore_close(s);
	free(capture_end());
	loop_free(l);
}

static void
test_msgstore_close_saves_and_calls_pending_callbacks(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct done d = { .loop = l, .want = 99 };
	struct msg a;

	(void)state;
	mkmsg(&a, "late", 5);
	assert_int_equal(msgstore_add(s, &a, on_done, &d), 0);
	msgstore_close(s); /* the loop never ran */
	assert_int_equal(d.calls, 1);
	assert_int_equal(d.ok, 1);
	s = open_store(l);
	assert_non_null(msgstore_find(s, a.id));
	msgstore_close(s);
	msgstore_close(NULL);
	loop_free(l);
}

static void
test_msgstore_add_refuses_invalid_duplicate_and_full(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct done d = { .loop = l, .want = -1 };
	struct msg m, big;
	int added = 0;

	(void)state;
	mkmsg(&m, "x", 0);
	errno = 0;
	assert_int_equal(msgstore_add(s, &m, on_done, &d), -1);
	assert_int_equal(errno, EINVAL);
	m.priority = 5;
	assert_int_equal(msgstore_add(s, &m, on_done, &d), 0);
	errno = 0;
	assert_int_equal(msgstore_add(s, &m, on_done, &d), -1);
	assert_int_equal(errno, EEXIST);

	/* Full-length messages hit the file budget before the count. */
	mkmsg(&big, "", 5);
	memset(big.multi, 'w', MSG_MULTI_SIZE - 1);
	big.multi[MSG_MULTI_SIZE - 1] = '\0';
	for (;;) {
		msgstore_id_new(big.id);
		if (msgstore_add(s, &big, NULL, NULL) == -1)
			break;
		added++;
	}
	assert_int_equal(errno, ENOSPC);
	assert_true(added > 400 && added < MSGSTORE_MAX);
	run(l, WAIT_MS / 5);
	msgstore_close(s);
	assert_int_equal(d.ok, 1);

	/* What the store accepted, it reads back. */
	s = open_store(l);
	assert_int_equal(msgstore_origin(s), MSGSTORE_ORIGIN_MAIN);
	msgstore_close(s);
	loop_free(l);
}

static void
test_msgstore_add_refuses_more_than_max_messages(void **state)
{
	struct loop *l = loop_new();
	struct msgstore *s = open_store(l);
	struct msg m;
	size_t n;

	(void)state;
	mkmsg(&m, "small", 5);
	for (int i = 0; i < MSGSTORE_MAX; i++) {
		msgstore_id_new(m.id);
		assert_int_equal(msgstore_add(s, &m, NULL, NULL), 0);
	}
	msgstore_id_new(m.id);
	errno = 0;
	assert_int_equal(msgstore_add(s, &m, NULL, NULL), -1);
	assert_int_equal(errno, ENOSPC);
	msgstore_close(s);
	s = open_store(l);
	msgstore_list(s, &n);
	assert_int_equal(n, MSGSTORE_MAX);
	msgstore_close(s);
	loop_free(l);
}

static void
test_msgstore_check_rules(void **state)
{
	struct msg m;
	char err[256];
	static const char *const bad_text[] = {
		"\xc0\xaf",         /* overlong / */
		"\xed\xa0\x80",     /* surrogate */
		"\xf4\x90\x80\x80", /* above U+10FFFF */
		"\xe2\x82",         /* cut short */
		"tab\there",
		"del\x7f",
	};

	(void)state;
	mkmsg(&m, "ä€𝄞 [jl3]ok", 1);
	assert_int_equal(msgstore_check(&m, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
		mkmsg(&m, bad_text[i], 1);
		assert_int_equal(msgstore_check(&m, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "multi"));
	}
	mkmsg(&m, "x", 1);
	util_strlcpy(m.id, "a/b", sizeof(m.id));
	assert_int_equal(msgstore_check(&m, err, sizeof(err)), -1);
	m.id[0] = '\0';
	assert_int_equal(msgstore_check(&m, err, sizeof(err)), -1);
	memset(m.id, 'a', sizeof(m.id)); /* not terminated */
	assert_int_equal(msgstore_check(&m, err, sizeof(err)), -1);
	mkmsg(&m, "x", 256);
	assert_int_equal(msgstore_check(&m, err, sizeof(err)), -1);
	mkmsg(&m, "x", 1);
	m.source = 4;
	assert_int_equal(msgstore_check(&m, err, sizeof(err)), -1);
	mkmsg(&m, "x", 1);
	m.end_ms = m.start_ms;
	assert_int_equal(msgstore_check(&m, err, sizeof(err)), -1);
	mkmsg(&m, "x", 1);
	m.created_ms = MSG_WALL_MAX + 1;
	assert_int_equal(msgstore_check(&m, err, sizeof(err)), -1);
	assert_string_equal(msgstore_source_name(MSG_SOURCE_PRESET), "preset");
	assert_null(msgstore_source_name(-1));
}

static void
test_msgstore_ids_are_unique_hex(void **state)
{
	static char ids[1000][MSG_ID_SIZE];

	(void)state;
	for (int i = 0; i < 1000; i++) {
		msgstore_id_new(ids[i]);
		assert_int_equal(strlen(ids[i]), 32);
		assert_int_equal(strspn(ids[i], "0123456789abcdef"), 32);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
	}
}

static void
test_msgstore_open_fails_only_for_an_unusable_directory(void **state)
{
	struct loop *l = loop_new();
	char err[256] = "", path[600];

	(void)state;
	assert_null(msgstore_open(l, "/nonexistent/tafel", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/tafel"));
	fixture_write(dir, "file", "x");
	snprintf(path, sizeof(path), "%s/file", dir);
	assert_null(msgstore_open(l, path, err, sizeof(err)));
	loop_free(l);
}

/* ---- SIGKILL while writing ---- */

#define CRASH_ROUNDS  200
#define CRASH_KEEP    40 /* the child keeps the store about this small */
#define CRASH_TIME_MS 25000
#define CRASH_LINE    (MSG_ID_SIZE + 2)

struct crash_child {
	struct loop *loop;
	struct msgstore *s;
	int fd;
	unsigned tick;
	int64_t until;
};

static void
crash_report(int fd, char sign, const char *id)
{
	char line[CRASH_LINE + 1];
	int n = snprintf(line, sizeof(line), "%c%s\n", sign, id);

	/* Below PIPE_BUF: the line arrives whole or not at all. */
	if (write(fd, line, (size_t)n) != n)
		_exit(3);
}

struct crash_ack {
	struct crash_child *c;
	char id[MSG_ID_SIZE];
};

static void
crash_on_done(void *arg, int status)
{
	struct crash_ack *a = arg;

	if (status == 0)
		crash_report(a->c->fd, '+', a->id);
	free(a);
}

static void
crash_on_tick(struct loop_timer *t, void *arg)
{
	struct crash_child *c = arg;
	const struct msg *v;
	struct msg m;
	struct crash_ack *a;
	size_t n;

	if (util_mono_ms() > c->until)
		_exit(0);
	v = msgstore_list(c->s, &n);
	if (n > CRASH_KEEP) {
		char id[MSG_ID_SIZE];

		memcpy(id, v[0].id, sizeof(id));
		crash_report(c->fd, '-', id);
		msgstore_remove(c->s, id, NULL, NULL);
	}
	mkmsg(&m, "crash \"test\" \\ Verkehr → A2", 1 + (int)(c->tick % 255));
	m.end_ms = c->tick % 2 ? 0 : MSG_WALL_MAX;
	a = malloc(sizeof(*a));
	if (a == NULL)
		_exit(4);
	a->c = c;
	memcpy(a->id, m.id, sizeof(a->id));
	if (msgstore_add(c->s, &m, crash_on_done, a) == -1)
		_exit(5);
	c->tick++;
	/* About one add per ms, like a busy API: writes still coalesce. */
	loop_timer_at(t, util_mono_ms() + 1);
}

static _Noreturn void
crash_child_run(int fd)
{
	struct crash_child c = { 0 };
	char err[256];
	struct loop_timer *t;

	log_set_level(LOG_LEVEL_ERR);
	c.fd = fd;
	c.until = util_mono_ms() + 5000;
	c.loop = loop_new();
	c.s = msgstore_open(c.loop, dir, err, sizeof(err));
	if (c.loop == NULL || c.s == NULL)
		_exit(2);
	t = loop_timer_new(c.loop, crash_on_tick, &c);
	loop_timer_at(t, util_mono_ms());
	loop_run(c.loop);
	_exit(0);
}

struct idset {
	char (*id)[MSG_ID_SIZE];
	size_t n, cap;
};

static int
idset_del(struct idset *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->id[i], id) == 0) {
			memcpy(s->id[i], s->id[--s->n], MSG_ID_SIZE);
			return 1;
		}
	}
	return 0;
}

static void
idset_add(struct idset *s, const char *id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->id = realloc(s->id, s->cap * MSG_ID_SIZE);
		assert_non_null(s->id);
	}
	util_strlcpy(s->id[s->n++], id, MSG_ID_SIZE);
}

/*
 * Acknowledged ids not yet removed; a removal may be reported before the
 * acknowledgement of its add (both in one write), hence the second set.
 */
static void
crash_line(struct idset *live, struct idset *gone, const char *line)
{
	const char *id = line + 1;

	if (line[0] == '+') {
		if (!idset_del(gone, id))
			idset_add(live, id);
	} else if (line[0] == '-') {
		if (!idset_del(live, id))
			idset_add(gone, id);
	}
}

/* One child: start, write, die at a random moment; returns acks seen. */
static int
crash_round(struct idset *live, struct idset *gone, int delay_ms)
{
	char buf[8192];
	size_t have = 0;
	int p[2], acks = 0, status;
	int64_t kill_at;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		crash_child_run(p[1]);
	}
	close(p[1]);
	kill_at = util_mono_ms() + delay_ms;
	for (int killed = 0;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		int64_t left = kill_at - util_mono_ms();
		ssize_t r;
		char *nl;

		if (!killed && left <= 0) {
			kill(pid, SIGKILL);
			killed = 1;
		}
		if (poll(&pfd, 1, killed ? -1 : (int)left) <= 0)
			continue;
		r = read(p[0], buf + have, sizeof(buf) - have - 1);
		if (r <= 0)
			break; /* EOF: the child is gone */
		have += (size_t)r;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			if (buf[0] == '+')
				acks++;
			crash_line(live, gone, buf);
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have + 1);
		}
	}
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status))
		fprintf(stderr, "crash child exited by itself: %d\n",
		    WEXITSTATUS(status));
	/* Killed by us, not failed by itself. */
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	return acks;
}

static void
test_msgstore_survives_sigkill_during_writes(void **state)
{
	struct idset live = { 0 }, gone = { 0 };
	int64_t start = util_mono_ms();
	uint32_t rnd = (uint32_t)start | 1;
	int rounds, acks = 0;
	struct loop *l = loop_new();

	(void)state;
	for (rounds = 0;
	     rounds < CRASH_ROUNDS && util_mono_ms() - start < CRASH_TIME_MS;
	     rounds++) {
		struct msgstore *s;
		enum msgstore_origin o;
		char err[256];

		rnd ^= rnd << 13;
		rnd ^= rnd >> 17;
		rnd ^= rnd << 5;
		acks += crash_round(&live, &gone, (int)(rnd % 40));

		/* The parent's view after a restart. */
		s = msgstore_open(l, dir, err, sizeof(err));
		assert_non_null(s);
		o = msgstore_origin(s);
		if (o != MSGSTORE_ORIGIN_MAIN && o != MSGSTORE_ORIGIN_NONE)
			fail_msg("round %d: origin %d", rounds, (int)o);
		for (size_t i = 0; i < live.n; i++)
			if (msgstore_find(s, live.id[i]) == NULL)
				fail_msg("round %d: acknowledged %s lost",
				    rounds, live.id[i]);
		msgstore_close(s);
	}
	print_message("  %d kill -9 rounds, %d acknowledged adds, %.1f s\n",
	    rounds, acks, (double)(util_mono_ms() - start) / 1000);
	assert_int_equal(rounds, CRASH_ROUNDS);
	assert_true(acks >= CRASH_ROUNDS);
	free(live.id);
	free(gone.id);
	loop_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_msgstore_round_trip_keeps_every_field, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_callback_runs_only_after_file_is_durable,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_coalesces_writes_and_calls_every_callback,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_newer_snapshot_replaces_one_not_started,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_corrupt_main_uses_previous_generation_and_warns,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_truncated_main_uses_previous_generation,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_missing_main_uses_previous_generation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_both_bad_starts_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_rejects_invalid_files_as_corrupt, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_rejects_oversized_strings_counts_and_files,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_expire_drops_ended_messages_and_persists,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_remove_is_persisted, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_failing_writes_fail_callbacks_then_recover,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_fsync_error_keeps_the_last_good_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_retries_a_failed_write_by_itself, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_close_saves_and_calls_pending_callbacks,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_add_refuses_invalid_duplicate_and_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_add_refuses_more_than_max_messages, setup,
		    teardown),
		cmocka_unit_test(test_msgstore_check_rules),
		cmocka_unit_test(test_msgstore_ids_are_unique_hex),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_open_fails_only_for_an_unusable_directory,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgstore_survives_sigkill_during_writes, setup,
		    teardown),
	};

	log_set_level(LOG_LEVEL_NOTICE);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
