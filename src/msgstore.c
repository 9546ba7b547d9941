/*
 * msgstore: operator messages in memory on the loop thread, made durable by
 * one writer thread.
 *
 * Threads.  The loop thread owns the messages, the pending callbacks and
 * the generation counter: every change bumps s->gen.  On the next turn of
 * the loop (a timer due at once, so a burst of changes costs one snapshot)
 * it serialises the messages and puts the bytes into a one-slot mailbox; a
 * snapshot the writer has not started yet is replaced by the newer one, so
 * writes coalesce.  The writer owns only the bytes it took; it reports the
 * newest generation it made durable (or failed to) under the mutex and
 * wakes the loop through an eventfd.  The loop thread then calls every
 * callback whose generation is covered.  The mutex is held only to swap
 * pointers and copy counters, never across I/O, so the loop never waits
 * for the disk.
 *
 * On disk, in the directory given to msgstore_open:
 *   messages.json       the current generation
 *   messages.json.prev  the generation before it (a fallback for a current
 *                       file damaged by something other than us)
 *   messages.json.tmp   the next generation while it is being written
 * One write:
 *   1. write messages.json.tmp, fsync it, close it;
 *   2. unlink messages.json.prev, then link messages.json to that name;
 *   3. rename messages.json.tmp over messages.json;
 *   4. fsync the directory; only now is the generation acknowledged.
 * Why this is safe: rename(2) replaces the name atomically, and the file it
 * installs was fsynced before, so at every instant (and after a crash at
 * any point, whichever of the directory operations reached the disk)
 * messages.json names a complete, valid generation: the last acknowledged
 * one or the newer one being written.  Step 2 never touches messages.json,
 * and a crash between its unlink and link only loses the spare copy.  A
 * generation is reported durable only after step 4, so anything a caller
 * acknowledged is in messages.json.  Where the file system has no hard
 * links, step 2 falls back to renaming messages.json to .prev; then for a
 * moment only .prev (the acknowledged generation) and .tmp exist, and the
 * loader falls back to .prev when messages.json is missing.
 *
 * Loading is strict (json-c strict mode, UTF-8 checked, depth, size and
 * count bounded, every field validated, unknown keys refused).  A bad
 * messages.json is renamed to messages.json.corrupt for a person to look
 * at, and .prev is used; the writer then does not link a bad file to .prev
 * (it knows whether messages.json is good).  Both bad: start empty.
 *
 * Size: the store only holds messages whose worst-case serialisation (each
 * string byte escaped to two) fits MSGSTORE_FILE_MAX, so whatever it
 * writes it can read back.
 */
#include "msgstore.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "log.h"
#include "loop.h"
#include "util.h"

#define MSGSTORE_NAME      "messages.json"
#define MSGSTORE_PREV      "messages.json.prev"
#define MSGSTORE_TMP       "messages.json.tmp"
#define MSGSTORE_CORRUPT   "messages.json.corrupt"
#define MSGSTORE_VERSION   1
#define MSGSTORE_DEPTH     8   /* the file needs 3 levels */
#define MSGSTORE_MSG_EXTRA 512 /* keys, numbers, punctuation of a message */
#define MSGSTORE_HEAD      64  /* the document around the messages */
#define MSGSTORE_ERR_LEN   256
#define MSGSTORE_CLOSE_MS  10000 /* close waits this long for the writer */
#define MSGSTORE_RETRY_MS  1000  /* first retry after a failed write */
#define MSGSTORE_RETRY_MAX 60000

/* Shared by the loop thread and the writer; fields under mu. */
struct msgstore_box {
	pthread_mutex_t mu;
	pthread_cond_t work; /* the writer waits for a snapshot or quit */
	pthread_cond_t idle; /* close waits for the writer to exit */
	int refs;            /* loop side + writer; last one frees */
	int dirfd;           /* set before the writer starts, then fixed */
	int efd;             /* ditto */
	char *buf;           /* the slot: a snapshot not yet started */
	size_t len;
	uint64_t gen; /* generation of buf */
	int quit;
	int exited;
	uint64_t done_gen; /* newest generation on disk */
	uint64_t fail_gen; /* newest generation whose write failed */
	uint64_t fails;    /* failed writes so far */
	uint64_t writes;   /* completed writes so far */
	int last_failed;
	char err[MSGSTORE_ERR_LEN]; /* why the last write failed */
	int cur_good; /* writer only: messages.json is a good copy */
};

struct msgstore_pending {
	uint64_t gen;
	msgstore_done_cb *cb;
	void *arg;
	struct msgstore_pending *next;
};

struct msgstore {
	struct loop *loop;
	char *dir;
	struct msg *v;
	size_t n, cap;
	size_t bytes;         /* worst-case JSON size of the messages */
	uint64_t gen;         /* newest change */
	uint64_t posted_gen;  /* newest snapshot handed to the writer */
	uint64_t durable_gen; /* newest generation known on disk */
	uint64_t fails_seen;
	uint64_t writes;
	int failing;
	int closing;
	int64_t backoff_ms;
	struct msgstore_pending *head, *tail;
	struct loop_timer *flush;
	struct loop_timer *retry;
	struct msgstore_box *box;
	pthread_t thread;
	enum msgstore_origin origin;
};

static const char *const msgstore_sources[] = {
	[MSG_SOURCE_OPERATOR] = "operator",
	[MSG_SOURCE_PRESET] = "preset",
	[MSG_SOURCE_GPIO] = "gpio",
	[MSG_SOURCE_FAILSAFE] = "failsafe",
};

#define MSGSTORE_NSOURCES \
	(int)(sizeof(msgstore_sources) / sizeof(msgstore_sources[0]))

const char *
msgstore_source_name(int source)
{
	if (source < 0 || source >= MSGSTORE_NSOURCES)
		return NULL;
	return msgstore_sources[source];
}

int
msgstore_source_parse(const char *name, int *source)
{
	for (int i = 0; i < MSGSTORE_NSOURCES; i++) {
		if (strcmp(name, msgstore_sources[i]) == 0) {
			*source = i;
			return 0;
		}
	}
	return -1;
}

/* ---- validation ---- */

/*
 * Well-formed UTF-8 (no overlong forms, surrogates or code points above
 * U+10FFFF) without C0 controls or DEL.  Returns the offset of the first
 * bad byte, or -1 when the text is fine.
 */
static long
msgstore_text_bad(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (p[i] != '\0') {
		unsigned c = p[i];
		unsigned cp;
		int n;

		if (c < 0x20 || c == 0x7f)
			return (long)i;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return (long)i;
		}
		for (int k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return (long)i;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (long)i;
		i += (size_t)n + 1;
	}
	return -1;
}

static int
msgstore_check_text(
    const char *field, const char *s, size_t size, char *err, size_t errlen)
{
	long bad;

	if (memchr(s, '\0', size) == NULL) {
		snprintf(
		    err, errlen, "%s: longer than %zu bytes", field, size - 1);
		return -1;
	}
	bad = msgstore_text_bad(s);
	if (bad >= 0) {
		snprintf(err, errlen,
		    "%s: control character or bad UTF-8 at byte %ld", field,
		    bad);
		return -1;
	}
	return 0;
}

static int
msgstore_check_id(const char *id, char *err, size_t errlen)
{
	size_t n;

	if (memchr(id, '\0', MSG_ID_SIZE) == NULL) {
		snprintf(
		    err, errlen, "id: longer than %d bytes", MSG_ID_SIZE - 1);
		return -1;
	}
	n = strlen(id);
	if (n == 0) {
		snprintf(err, errlen, "id: empty");
		return -1;
	}
	if (strspn(id,
		"0123456789abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ_.-") != n) {
		snprintf(err, errlen, "id: only 0-9 A-Z a-z _ . - allowed");
		return -1;
	}
	return 0;
}

static int
msgstore_check_wall(const char *field, int64_t v, char *err, size_t errlen)
{
	if (v < 0 || v > MSG_WALL_MAX) {
		snprintf(err, errlen, "%s: %" PRId64 " not in 0..%lld", field,
		    v, MSG_WALL_MAX);
		return -1;
	}
	return 0;
}

int
msgstore_check(const struct msg *m, char *err, size_t errlen)
{
	if (msgstore_check_id(m->id, err, errlen) == -1 ||
	    msgstore_check_text(
		"multi", m->multi, sizeof(m->multi), err, errlen) == -1 ||
	    msgstore_check_text(
		"zone", m->zone, sizeof(m->zone), err, errlen) == -1 ||
	    msgstore_check_text(
		"owner", m->owner, sizeof(m->owner), err, errlen) == -1)
		return -1;
	if (m->priority < MSG_PRIORITY_MIN || m->priority > MSG_PRIORITY_MAX) {
		snprintf(err, errlen, "priority: %d not in %d..%d", m->priority,
		    MSG_PRIORITY_MIN, MSG_PRIORITY_MAX);
		return -1;
	}
	if (msgstore_source_name(m->source) == NULL) {
		snprintf(err, errlen, "source: unknown value %d", m->source);
		return -1;
	}
	if (msgstore_check_wall("start_ms", m->start_ms, err, errlen) == -1 ||
	    msgstore_check_wall("end_ms", m->end_ms, err, errlen) == -1 ||
	    msgstore_check_wall("created_ms", m->created_ms, err, errlen) == -1)
		return -1;
	if (m->end_ms != 0 && m->end_ms <= m->start_ms) {
		snprintf(err, errlen,
		    "end_ms: %" PRId64 " not after start_ms %" PRId64,
		    m->end_ms, m->start_ms);
		return -1;
	}
	return 0;
}

/* Worst case of the message in the file: every string byte escaped. */
static size_t
msgstore_msg_bytes(const struct msg *m)
{
	return MSGSTORE_MSG_EXTRA +
	    2 *
	    (strlen(m->id) + strlen(m->multi) + strlen(m->zone) +
		strlen(m->owner));
}

/* ---- ids ---- */

static uint64_t
msgstore_mix(uint64_t x)
{
	/* splitmix64's finaliser */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void
msgstore_id_new(char id[MSG_ID_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	static uint64_t counter;
	unsigned char r[16];
	ssize_t got;

	/* GRND_NONBLOCK: never stall at early boot before the pool is up. */
	got = getrandom(r, sizeof(r), GRND_NONBLOCK);
	if (got != (ssize_t)sizeof(r)) {
		/* Unique but guessable; msgstore_add still refuses clashes. */
		uint64_t a = msgstore_mix((uint64_t)util_wall_ms() ^
		    ((uint64_t)getpid() << 40) ^ ++counter);
		uint64_t b = msgstore_mix(a ^ (uint64_t)util_mono_ms());

		memcpy(r, &a, 8);
		memcpy(r + 8, &b, 8);
	}
	for (size_t i = 0; i < sizeof(r); i++) {
		id[2 * i] = hex[r[i] >> 4];
		id[2 * i + 1] = hex[r[i] & 15];
	}
	id[2 * sizeof(r)] = '\0';
}

/* ---- serialisation (loop thread) ---- */

struct msgstore_out {
	char *p;
	size_t len, cap;
	int over;
};

static void
msgstore_put(struct msgstore_out *o, const char *s, size_t n)
{
	if (o->over || n > o->cap - o->len) {
		o->over = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void
msgstore_puts(struct msgstore_out *o, const char *s)
{
	msgstore_put(o, s, strlen(s));
}

/* A JSON string; checked text has no controls, so only " and \ escape. */
static void
msgstore_put_str(struct msgstore_out *o, const char *s)
{
	msgstore_put(o, "\"", 1);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			msgstore_put(o, "\\", 1);
		msgstore_put(o, s, 1);
	}
	msgstore_put(o, "\"", 1);
}

static void
msgstore_put_int(struct msgstore_out *o, int64_t v)
{
	char t[24];
	int n = snprintf(t, sizeof(t), "%" PRId64, v);

	msgstore_put(o, t, (size_t)n);
}

static char *
msgstore_serialise(const struct msgstore *s, size_t *len)
{
	struct msgstore_out o = { 0 };

	o.cap = MSGSTORE_HEAD + s->bytes;
	o.p = util_calloc(1, o.cap);
	msgstore_puts(&o, "{\"version\":1,\"messages\":[");
	for (size_t i = 0; i < s->n; i++) {
		const struct msg *m = &s->v[i];

		msgstore_puts(&o, i == 0 ? "\n{\"id\":" : ",\n{\"id\":");
		msgstore_put_str(&o, m->id);
		msgstore_puts(&o, ",\"multi\":");
		msgstore_put_str(&o, m->multi);
		msgstore_puts(&o, ",\"priority\":");
		msgstore_put_int(&o, m->priority);
		msgstore_puts(&o, ",\"start_ms\":");
		msgstore_put_int(&o, m->start_ms);
		msgstore_puts(&o, ",\"end_ms\":");
		msgstore_put_int(&o, m->end_ms);
		msgstore_puts(&o, ",\"zone\":");
		msgstore_put_str(&o, m->zone);
		msgstore_puts(&o, ",\"source\":");
		msgstore_put_str(&o, msgstore_source_name(m->source));
		msgstore_puts(&o, ",\"owner\":");
		msgstore_put_str(&o, m->owner);
		msgstore_puts(&o, ",\"created_ms\":");
		msgstore_put_int(&o, m->created_ms);
		msgstore_puts(&o, "}");
	}
	msgstore_puts(&o, "\n]}\n");
	if (o.over)
		log_fatal(
		    "msgstore: serialisation exceeds its bound %zu", o.cap);
	*len = o.len;
	return o.p;
}

/* ---- loading (msgstore_open, loop thread at start-up) ---- */

struct msgstore_set {
	struct msg *v;
	size_t n;
	size_t bytes;
};

static int
msgstore_get_str(struct json_object *o, const char *key, char *dst, size_t size,
    const char *at, char *err, size_t errlen)
{
	struct json_object *v;
	size_t n;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string)) {
		snprintf(
		    err, errlen, "%s.%s: missing or not a string", at, key);
		return -1;
	}
	n = (size_t)json_object_get_string_len(v);
	if (n >= size) {
		snprintf(err, errlen, "%s.%s: longer than %zu bytes", at, key,
		    size - 1);
		return -1;
	}
	memcpy(dst, json_object_get_string(v), n);
	dst[n] = '\0';
	if (strlen(dst) != n) {
		snprintf(err, errlen, "%s.%s: contains NUL", at, key);
		return -1;
	}
	return 0;
}

static int
msgstore_get_int(struct json_object *o, const char *key, int64_t *out,
    const char *at, char *err, size_t errlen)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int)) {
		snprintf(
		    err, errlen, "%s.%s: missing or not an integer", at, key);
		return -1;
	}
	errno = 0;
	*out = json_object_get_int64(v);
	if (errno != 0) {
		snprintf(err, errlen, "%s.%s: out of range", at, key);
		return -1;
	}
	return 0;
}

/* Refuse keys other than the n in known. */
static int
msgstore_only_keys(struct json_object *o, const char *const *known, size_t n,
    const char *at, char *err, size_t errlen)
{
	json_object_object_foreach (o, key, val) {
		size_t i;

		(void)val;
		for (i = 0; i < n; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i == n) {
			snprintf(
			    err, errlen, "%s: unknown key \"%.40s\"", at, key);
			return -1;
		}
	}
	return 0;
}

static int
msgstore_parse_msg(struct json_object *o, struct msg *m, const char *at,
    char *err, size_t errlen)
{
	static const char *const keys[] = { "id", "multi", "priority",
		"start_ms", "end_ms", "zone", "source", "owner", "created_ms" };
	char source[16], why[MSGSTORE_ERR_LEN];
	int64_t prio;

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "%s: not an object", at);
		return -1;
	}
	memset(m, 0, sizeof(*m));
	if (msgstore_only_keys(o, keys, sizeof(keys) / sizeof(keys[0]), at, err,
		errlen) == -1 ||
	    msgstore_get_str(o, "id", m->id, sizeof(m->id), at, err, errlen) ==
		-1 ||
	    msgstore_get_str(o, "multi", m->multi, sizeof(m->multi), at, err,
		errlen) == -1 ||
	    msgstore_get_int(o, "priority", &prio, at, err, errlen) == -1 ||
	    msgstore_get_int(o, "start_ms", &m->start_ms, at, err, errlen) ==
		-1 ||
	    msgstore_get_int(o, "end_ms", &m->end_ms, at, err, errlen) == -1 ||
	    msgstore_get_str(
		o, "zone", m->zone, sizeof(m->zone), at, err, errlen) == -1 ||
	    msgstore_get_str(
		o, "source", source, sizeof(source), at, err, errlen) == -1 ||
	    msgstore_get_str(o, "owner", m->owner, sizeof(m->owner), at, err,
		errlen) == -1 ||
	    msgstore_get_int(
		o, "created_ms", &m->created_ms, at, err, errlen) == -1)
		return -1;
	if (prio < MSG_PRIORITY_MIN || prio > MSG_PRIORITY_MAX) {
		snprintf(err, errlen, "%s.priority: %" PRId64 " not in %d..%d",
		    at, prio, MSG_PRIORITY_MIN, MSG_PRIORITY_MAX);
		return -1;
	}
	m->priority = (int)prio;
	if (msgstore_source_parse(source, &m->source) == -1) {
		snprintf(err, errlen, "%s.source: unknown \"%s\"", at, source);
		return -1;
	}
	if (msgstore_check(m, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s.%s", at, why);
		return -1;
	}
	return 0;
}

static int
msgstore_parse(const char *text, size_t len, struct msgstore_set *set,
    char *err, size_t errlen)
{
	static const char *const keys[] = { "version", "messages" };
	struct json_tokener *tok;
	struct json_object *root, *v, *arr;
	enum json_tokener_error jerr;
	size_t end, n;
	int64_t version;
	int rc = -1;

	tok = json_tokener_new_ex(MSGSTORE_DEPTH);
	if (tok == NULL)
		log_fatal("out of memory");
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT
#ifdef JSON_TOKENER_VALIDATE_UTF8
		| JSON_TOKENER_VALIDATE_UTF8
#endif
	);
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue) {
		snprintf(err, errlen, "truncated after %zu bytes", len);
		goto out;
	}
	if (jerr != json_tokener_success || root == NULL) {
		snprintf(err, errlen, "%s at byte %zu",
		    json_tokener_error_desc(jerr), end);
		goto out;
	}
	if (end != len) {
		snprintf(err, errlen, "trailing bytes at %zu", end);
		goto out;
	}
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen, "not a JSON object");
		goto out;
	}
	if (msgstore_only_keys(root, keys, 2, "top level", err, errlen) == -1 ||
	    msgstore_get_int(
		root, "version", &version, "top level", err, errlen) == -1)
		goto out;
	if (version != MSGSTORE_VERSION) {
		snprintf(err, errlen, "version %" PRId64 ", expected %d",
		    version, MSGSTORE_VERSION);
		goto out;
	}
	if (!json_object_object_get_ex(root, "messages", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		snprintf(err, errlen, "messages: missing or not an array");
		goto out;
	}
	n = json_object_array_length(arr);
	if (n > MSGSTORE_MAX) {
		snprintf(
		    err, errlen, "%zu messages, more than %d", n, MSGSTORE_MAX);
		goto out;
	}
	set->v = util_calloc(n, sizeof(*set->v));
	for (size_t i = 0; i < n; i++) {
		char at[32];

		snprintf(at, sizeof(at), "messages[%zu]", i);
		v = json_object_array_get_idx(arr, i);
		if (msgstore_parse_msg(v, &set->v[i], at, err, errlen) == -1)
			goto out;
		for (size_t j = 0; j < i; j++) {
			if (strcmp(set->v[j].id, set->v[i].id) == 0) {
				snprintf(err, errlen,
				    "%s.id: \"%s\" also in messages[%zu]", at,
				    set->v[i].id, j);
				goto out;
			}
		}
		set->n++;
		set->bytes += msgstore_msg_bytes(&set->v[i]);
	}
	if (MSGSTORE_HEAD + set->bytes > MSGSTORE_FILE_MAX) {
		snprintf(
		    err, errlen, "messages exceed the store's size budget");
		goto out;
	}
	rc = 0;
out:
	json_object_put(root);
	if (rc == -1) {
		free(set->v);
		memset(set, 0, sizeof(*set));
	}
	return rc;
}

/*
 * 0 loaded, 1 missing, -1 bad content, -2 unreadable (err says why: an
 * unreadable file is not called corrupt, it may be fine).
 */
static int
msgstore_load(int dirfd, const char *dir, const char *name,
    struct msgstore_set *set, char *err, size_t errlen)
{
	char path[4096], why[MSGSTORE_ERR_LEN];
	struct stat st;
	size_t len;
	char *text;
	int rc;

	memset(set, 0, sizeof(*set));
	if (util_path_join(path, sizeof(path), dir, name) == -1) {
		snprintf(err, errlen, "%s/%s: path too long", dir, name);
		return -2;
	}
	if (fstatat(dirfd, name, &st, 0) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -2;
	}
	if (S_ISREG(st.st_mode) && st.st_size > MSGSTORE_FILE_MAX) {
		snprintf(err, errlen, "%s: %lld bytes, more than %d", path,
		    (long long)st.st_size, MSGSTORE_FILE_MAX);
		return -1;
	}
	text = util_read_file(path, MSGSTORE_FILE_MAX, &len, err, errlen);
	if (text == NULL)
		return -2;
	rc = msgstore_parse(text, len, set, why, sizeof(why));
	if (rc == -1)
		snprintf(err, errlen, "%s: %s", path, why);
	free(text);
	return rc;
}

/* ---- the writer thread ---- */

static void
msgstore_box_unref(struct msgstore_box *b)
{
	int last;

	pthread_mutex_lock(&b->mu);
	last = --b->refs == 0;
	pthread_mutex_unlock(&b->mu);
	if (!last)
		return;
	free(b->buf);
	if (b->efd >= 0)
		close(b->efd);
	if (b->dirfd >= 0)
		close(b->dirfd);
	pthread_cond_destroy(&b->idle);
	pthread_cond_destroy(&b->work);
	pthread_mutex_destroy(&b->mu);
	free(b);
}

static int
msgstore_fail(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, strerror(errno));
	return -1;
}

/* One generation onto the disk; the protocol is at the top of the file. */
static int
msgstore_write(struct msgstore_box *b, const char *buf, size_t len, char *err,
    size_t errlen)
{
	size_t off = 0;
	int fd;

	fd = openat(b->dirfd, MSGSTORE_TMP,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd == -1)
		return msgstore_fail(err, errlen, MSGSTORE_TMP);
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1) {
			msgstore_fail(err, errlen, MSGSTORE_TMP);
			goto fail_fd;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1) {
		msgstore_fail(err, errlen, "fsync " MSGSTORE_TMP);
		goto fail_fd;
	}
	if (close(fd) == -1) {
		msgstore_fail(err, errlen, "close " MSGSTORE_TMP);
		goto fail_tmp;
	}
	if (b->cur_good) {
		if (unlinkat(b->dirfd, MSGSTORE_PREV, 0) == -1 &&
		    errno != ENOENT) {
			msgstore_fail(err, errlen, "unlink " MSGSTORE_PREV);
			goto fail_tmp;
		}
		if (linkat(b->dirfd, MSGSTORE_NAME, b->dirfd, MSGSTORE_PREV,
			0) == -1 &&
		    errno != ENOENT &&
		    renameat(b->dirfd, MSGSTORE_NAME, b->dirfd,
			MSGSTORE_PREV) == -1) {
			msgstore_fail(err, errlen, "keep " MSGSTORE_PREV);
			goto fail_tmp;
		}
	}
	if (renameat(b->dirfd, MSGSTORE_TMP, b->dirfd, MSGSTORE_NAME) == -1) {
		msgstore_fail(err, errlen, "rename to " MSGSTORE_NAME);
		goto fail_tmp;
	}
	/* The content is good even if the directory sync fails. */
	b->cur_good = 1;
	if (fsync(b->dirfd) == -1)
		return msgstore_fail(err, errlen, "fsync directory");
	return 0;
fail_fd:
	close(fd);
fail_tmp:
	unlinkat(b->dirfd, MSGSTORE_TMP, 0);
	return -1;
}

static void *
msgstore_writer(void *arg)
{
	struct msgstore_box *b = arg;
	char err[MSGSTORE_ERR_LEN];
	const uint64_t one = 1;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		char *buf;
		size_t len;
		uint64_t gen;
		int rc;

		while (b->buf == NULL && !b->quit)
			pthread_cond_wait(&b->work, &b->mu);
		if (b->buf == NULL)
			break; /* quit, and nothing left to write */
		buf = b->buf;
		len = b->len;
		gen = b->gen;
		b->buf = NULL;
		pthread_mutex_unlock(&b->mu);

		rc = msgstore_write(b, buf, len, err, sizeof(err));
		free(buf);

		pthread_mutex_lock(&b->mu);
		b->writes++;
		b->last_failed = rc == -1;
		if (rc == 0) {
			b->done_gen = gen;
		} else {
			b->fail_gen = gen;
			b->fails++;
			memcpy(b->err, err, sizeof(b->err));
		}
		/* A full counter still wakes the loop; nothing to handle. */
		(void)!write(b->efd, &one, sizeof(one));
	}
	b->exited = 1;
	pthread_cond_broadcast(&b->idle);
	pthread_mutex_unlock(&b->mu);
	msgstore_box_unref(b);
	return NULL;
}

/* ---- the loop side ---- */

static void
msgstore_post(struct msgstore *s)
{
	struct msgstore_box *b = s->box;
	char *buf, *old;
	size_t len;

	loop_timer_stop(s->flush);
	loop_timer_stop(s->retry);
	buf = msgstore_serialise(s, &len);
	pthread_mutex_lock(&b->mu);
	old = b->buf; /* not started: the newer snapshot covers it */
	b->buf = buf;
	b->len = len;
	b->gen = s->gen;
	pthread_cond_signal(&b->work);
	pthread_mutex_unlock(&b->mu);
	free(old);
	s->posted_gen = s->gen;
}

static void
msgstore_on_flush(struct loop_timer *t, void *arg)
{
	struct msgstore *s = arg;

	(void)t;
	if (s->gen > s->posted_gen)
		msgstore_post(s);
}

static void
msgstore_changed(struct msgstore *s)
{
	s->gen++;
	/* Due at once: runs on the next turn, after the current burst. */
	loop_timer_at(s->flush, 0);
}

static void
msgstore_pend(struct msgstore *s, msgstore_done_cb *cb, void *arg)
{
	struct msgstore_pending *p;

	if (cb == NULL)
		return;
	p = util_calloc(1, sizeof(*p));
	p->gen = s->gen;
	p->cb = cb;
	p->arg = arg;
	if (s->tail != NULL)
		s->tail->next = p;
	else
		s->head = p;
	s->tail = p;
}

/*
 * Take the writer's results and call the callbacks they cover, oldest
 * first.  A callback may change the store: each entry is unlinked before
 * its call, and new ones join the tail with a newer generation.
 */
static void
msgstore_complete(struct msgstore *s)
{
	struct msgstore_box *b = s->box;
	uint64_t done, failed, fails;
	char err[MSGSTORE_ERR_LEN];
	int last_failed;

	pthread_mutex_lock(&b->mu);
	done = b->done_gen;
	failed = b->fail_gen;
	fails = b->fails;
	last_failed = b->last_failed;
	s->writes = b->writes;
	memcpy(err, b->err, sizeof(err));
	pthread_mutex_unlock(&b->mu);

	if (done > s->durable_gen)
		s->durable_gen = done;
	if (fails != s->fails_seen && !s->failing) {
		log_err("msgstore: %s: cannot save messages: %s", s->dir, err);
		s->failing = 1;
	}
	s->fails_seen = fails;
	if (s->failing && !last_failed) {
		log_notice("msgstore: %s: saving messages again", s->dir);
		s->failing = 0;
		s->backoff_ms = MSGSTORE_RETRY_MS;
	}
	while (s->head != NULL &&
	    (s->head->gen <= done || s->head->gen <= failed)) {
		struct msgstore_pending *p = s->head;

		s->head = p->next;
		if (s->head == NULL)
			s->tail = NULL;
		p->cb(p->arg, p->gen <= done ? 0 : -1);
		free(p);
	}
	/* Memory is ahead of a failed disk: try again later by itself. */
	if (s->failing && !s->closing && s->gen > s->durable_gen &&
	    s->gen <= s->posted_gen && !loop_timer_armed(s->retry)) {
		loop_timer_at(s->retry, util_mono_ms() + s->backoff_ms);
		s->backoff_ms *= 2;
		if (s->backoff_ms > MSGSTORE_RETRY_MAX)
			s->backoff_ms = MSGSTORE_RETRY_MAX;
	}
}

static void
msgstore_on_event(int fd, uint32_t events, void *arg)
{
	uint64_t n;

	(void)events;
	(void)!read(fd, &n, sizeof(n));
	msgstore_complete(arg);
}

static void
msgstore_on_retry(struct loop_timer *t, void *arg)
{
	struct msgstore *s = arg;

	(void)t;
	if (s->gen > s->durable_gen)
		msgstore_post(s);
}

/* Start the writer with every signal blocked: they belong to signalfd. */
static int
msgstore_start(struct msgstore *s)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thread, NULL, msgstore_writer, s->box);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

static struct msgstore_box *
msgstore_box_new(int dirfd, int efd)
{
	struct msgstore_box *b = util_calloc(1, sizeof(*b));
	pthread_condattr_t ca;

	pthread_mutex_init(&b->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->work, &ca);
	pthread_cond_init(&b->idle, &ca);
	pthread_condattr_destroy(&ca);
	b->refs = 1;
	b->dirfd = dirfd;
	b->efd = efd;
	return b;
}

/* Pick the generation to start from and log what happened, once. */
static void
msgstore_choose(struct msgstore *s, int dirfd)
{
	struct msgstore_set set;
	char err[MSGSTORE_ERR_LEN + 64], perr[MSGSTORE_ERR_LEN + 64];
	int main_rc, prev_rc;

	main_rc =
	    msgstore_load(dirfd, s->dir, MSGSTORE_NAME, &set, err, sizeof(err));
	if (main_rc == 0) {
		s->origin = MSGSTORE_ORIGIN_MAIN;
		s->box->cur_good = 1;
		goto take;
	}
	if (main_rc == -2) {
		log_warn("msgstore: %s", err);
	} else if (main_rc == -1) {
		/* Keep the bad copy for a person; it is replaced anyway. */
		if (renameat(dirfd, MSGSTORE_NAME, dirfd, MSGSTORE_CORRUPT) ==
		    0)
			log_warn(
			    "msgstore: %s; kept as %s", err, MSGSTORE_CORRUPT);
		else
			log_warn("msgstore: %s", err);
	}
	prev_rc = msgstore_load(
	    dirfd, s->dir, MSGSTORE_PREV, &set, perr, sizeof(perr));
	if (prev_rc == 0) {
		s->origin = MSGSTORE_ORIGIN_PREV;
		log_warn("msgstore: %s/%s %s; using the previous generation "
			 "%s (%zu messages)",
		    s->dir, MSGSTORE_NAME,
		    main_rc == 1 ? "is missing" : "is bad", MSGSTORE_PREV,
		    set.n);
		goto take;
	}
	if (main_rc == 1 && prev_rc == 1) {
		s->origin = MSGSTORE_ORIGIN_NONE;
		log_info("msgstore: %s: no stored messages yet", s->dir);
		return;
	}
	s->origin = MSGSTORE_ORIGIN_EMPTY;
	if (prev_rc < 0)
		log_warn("msgstore: %s", perr);
	log_err("msgstore: %s: no good copy of the messages; starting with "
		"none",
	    s->dir);
	return;
take:
	s->v = set.v;
	s->n = set.n;
	s->cap = set.n;
	s->bytes = set.bytes;
}

struct msgstore *
msgstore_open(struct loop *l, const char *dir, char *err, size_t errlen)
{
	struct msgstore *s;
	int dirfd, efd;

	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd == -1) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		close(dirfd);
		return NULL;
	}
	s = util_calloc(1, sizeof(*s));
	s->loop = l;
	s->dir = util_strdup(dir);
	s->backoff_ms = MSGSTORE_RETRY_MS;
	s->box = msgstore_box_new(dirfd, efd);
	msgstore_choose(s, dirfd);
	s->flush = loop_timer_new(l, msgstore_on_flush, s);
	s->retry = loop_timer_new(l, msgstore_on_retry, s);
	if (loop_fd_add(l, efd, EPOLLIN, msgstore_on_event, s) == -1) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	s->box->refs = 2;
	if (msgstore_start(s) == -1) {
		s->box->refs = 1;
		snprintf(err, errlen, "writer thread: %s", strerror(errno));
		loop_fd_del(l, efd);
		goto fail;
	}
	/* Put a good copy back under the main name soon. */
	if (s->origin == MSGSTORE_ORIGIN_PREV)
		msgstore_changed(s);
	return s;
fail:
	loop_timer_free(s->flush);
	loop_timer_free(s->retry);
	msgstore_box_unref(s->box);
	free(s->v);
	free(s->dir);
	free(s);
	return NULL;
}

void
msgstore_close(struct msgstore *s)
{
	struct msgstore_box *b;
	struct timespec until;
	int exited;

	if (s == NULL)
		return;
	b = s->box;
	/* Unposted changes, or a failed write: one more attempt. */
	if (s->gen > s->posted_gen || (s->failing && s->gen > s->durable_gen))
		msgstore_post(s);
	s->closing = 1;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += MSGSTORE_CLOSE_MS / 1000;
	pthread_mutex_lock(&b->mu);
	b->quit = 1;
	pthread_cond_signal(&b->work);
	while (!b->exited &&
	    pthread_cond_timedwait(&b->idle, &b->mu, &until) != ETIMEDOUT)
		;
	exited = b->exited;
	pthread_mutex_unlock(&b->mu);
	if (exited) {
		pthread_join(s->thread, NULL);
	} else {
		/* A hung disk: leave the writer the box, it frees it. */
		log_err("msgstore: %s: writer still busy after %d ms; "
			"unsaved changes may be lost",
		    s->dir, MSGSTORE_CLOSE_MS);
		pthread_detach(s->thread);
	}
	loop_fd_del(s->loop, b->efd);
	msgstore_complete(s);
	while (s->head != NULL) {
		struct msgstore_pending *p = s->head;

		s->head = p->next;
		p->cb(p->arg, -1);
		free(p);
	}
	loop_timer_free(s->flush);
	loop_timer_free(s->retry);
	msgstore_box_unref(b);
	free(s->v);
	free(s->dir);
	free(s);
}

/* ---- the in-memory API ---- */

static struct msg *
msgstore_slot(const struct msgstore *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].id, id) == 0)
			return &s->v[i];
	return NULL;
}

int
msgstore_add(
    struct msgstore *s, const struct msg *m, msgstore_done_cb *cb, void *arg)
{
	char why[MSGSTORE_ERR_LEN];
	size_t bytes;

	if (s->closing) {
		errno = ECANCELED;
		return -1;
	}
	if (msgstore_check(m, why, sizeof(why)) == -1) {
		errno = EINVAL;
		return -1;
	}
	if (msgstore_slot(s, m->id) != NULL) {
		errno = EEXIST;
		return -1;
	}
	bytes = msgstore_msg_bytes(m);
	if (s->n >= MSGSTORE_MAX ||
	    MSGSTORE_HEAD + s->bytes + bytes > MSGSTORE_FILE_MAX) {
		errno = ENOSPC;
		return -1;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap < 8 ? 8 : s->cap * 2;
		struct msg *v;

		if (cap > MSGSTORE_MAX)
			cap = MSGSTORE_MAX;
		v = reallocarray(s->v, cap, sizeof(*v));
		if (v == NULL)
			log_fatal("out of memory");
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *m;
	s->bytes += bytes;
	msgstore_changed(s);
	msgstore_pend(s, cb, arg);
	return 0;
}

static void
msgstore_drop(struct msgstore *s, size_t i)
{
	s->bytes -= msgstore_msg_bytes(&s->v[i]);
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
	s->n--;
}

int
msgstore_remove(
    struct msgstore *s, const char *id, msgstore_done_cb *cb, void *arg)
{
	struct msg *m;

	if (s->closing) {
		errno = ECANCELED;
		return -1;
	}
	m = msgstore_slot(s, id);
	if (m == NULL) {
		errno = ENOENT;
		return -1;
	}
	msgstore_drop(s, (size_t)(m - s->v));
	msgstore_changed(s);
	msgstore_pend(s, cb, arg);
	return 0;
}

size_t
msgstore_expire(struct msgstore *s, int64_t now_ms)
{
	size_t dropped = 0;

	if (s->closing)
		return 0;
	for (size_t i = 0; i < s->n;) {
		if (s->v[i].end_ms != 0 && s->v[i].end_ms <= now_ms) {
			msgstore_drop(s, i);
			dropped++;
		} else {
			i++;
		}
	}
	if (dropped > 0)
		msgstore_changed(s);
	return dropped;
}

const struct msg *
msgstore_list(const struct msgstore *s, size_t *n)
{
	*n = s->n;
	return s->v;
}

const struct msg *
msgstore_find(const struct msgstore *s, const char *id)
{
	return msgstore_slot(s, id);
}

enum msgstore_origin
msgstore_origin(const struct msgstore *s)
{
	return s->origin;
}

uint64_t
msgstore_writes(const struct msgstore *s)
{
	return s->writes;
}
