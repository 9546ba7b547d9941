/*
 * util: helpers shared by all modules; nothing here logs except the
 * out-of-memory path, which is fatal by design (systemd restarts us).
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

void
util_errs_add(struct util_errs *e, const char *fmt, ...)
{
	va_list ap;

	if (e->n >= UTIL_ERRS_MAX) {
		e->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(e->msg[e->n], UTIL_ERR_LEN, fmt, ap);
	va_end(ap);
	e->n++;
}

size_t
util_errs_count(const struct util_errs *e)
{
	return e->n + e->dropped;
}

void
util_errs_log(const struct util_errs *e, const char *prefix)
{
	for (size_t i = 0; i < e->n; i++)
		log_err("%s%s", prefix, e->msg[i]);
	if (e->dropped > 0)
		log_err("%s... and %zu more errors", prefix, e->dropped);
}

static int64_t
util_clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
util_mono_ms(void)
{
	return util_clock_ms(CLOCK_MONOTONIC);
}

int64_t
util_wall_ms(void)
{
	return util_clock_ms(CLOCK_REALTIME);
}

int
util_parse_iso8601(const char *s, int64_t *wall_ms)
{
	struct tm tm;
	const char *p;
	long frac_ms = 0;
	long off_s = 0;
	int zoned = 0;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%d", &tm);
	if (p == NULL || (*p != 'T' && *p != ' '))
		return -1;
	p = strptime(p + 1, "%H:%M", &tm);
	if (p == NULL)
		return -1;
	if (*p == ':') {
		const char *q = strptime(p + 1, "%S", &tm);
		if (q == NULL)
			return -1;
		p = q;
	}
	if (*p == '.' || *p == ',') {
		long scale = 100;
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			frac_ms += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		zoned = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		int hh, mm = 0, n = 0;
		p++;
		if (sscanf(p, "%2d%n", &hh, &n) != 1 || n != 2)
			return -1;
		p += 2;
		if (*p == ':')
			p++;
		if (*p >= '0' && *p <= '9') {
			if (sscanf(p, "%2d%n", &mm, &n) != 1 || n != 2)
				return -1;
			p += 2;
		}
		if (hh > 23 || mm > 59)
			return -1;
		off_s = sign * (hh * 3600L + mm * 60L);
		zoned = 1;
	}
	if (*p != '\0')
		return -1;
	if (zoned) {
		t = timegm(&tm);
		t -= off_s;
	} else {
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	if (t == (time_t)-1)
		return -1;
	*wall_ms = (int64_t)t * 1000 + frac_ms;
	return 0;
}

/*
 * Whether s carries its own zone: Z or an offset after the date-time
 * separator.  Garbage may also say yes; the parser rejects it anyway.
 */
static int
util_iso8601_zoned(const char *s)
{
	const char *sep = strpbrk(s, "T ");

	return sep != NULL && strpbrk(sep + 1, "Zz+-") != NULL;
}

/*
 * Zone-less times in another zone.  UTC, the common case (ParkAPI), gets a
 * "Z" appended instead of a TZ switch, because glibc rereads the zone file
 * on every change of TZ and a feed may hold 100k timestamps.  Other zones
 * switch TZ only when it differs from the current one.
 */
int
util_parse_iso8601_tz(const char *s, const char *tz, int64_t *wall_ms)
{
	char buf[UTIL_ISO8601_MAX + 2];
	char saved[UTIL_TZ_MAX];
	const char *old;
	size_t n;
	int had, r;

	if (tz == NULL || util_iso8601_zoned(s))
		return util_parse_iso8601(s, wall_ms);
	if (strcmp(tz, "UTC") == 0) {
		n = strlen(s);
		if (n > UTIL_ISO8601_MAX)
			return -1;
		memcpy(buf, s, n);
		buf[n] = 'Z';
		buf[n + 1] = '\0';
		return util_parse_iso8601(buf, wall_ms);
	}
	old = getenv("TZ");
	if (old != NULL && strcmp(old, tz) == 0)
		return util_parse_iso8601(s, wall_ms);
	had = old != NULL;
	if (had && util_strlcpy(saved, old, sizeof(saved)) == -1)
		return -1;
	if (setenv("TZ", tz, 1) == -1)
		return -1;
	tzset();
	r = util_parse_iso8601(s, wall_ms);
	if (had)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	return r;
}

int
util_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size == 0)
		return -1;
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

char *
util_read_file(
    const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t have = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		snprintf(err, errlen, "%s: %lld bytes, more than the limit %zu",
		    path, (long long)st.st_size, max);
		goto fail;
	}
	buf = util_calloc(1, max + 1);
	for (;;) {
		ssize_t r = read(fd, buf + have, max + 1 - have);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		have += (size_t)r;
		if (have > max) {
			snprintf(err, errlen,
			    "%s: more than the limit %zu bytes", path, max);
			goto fail;
		}
	}
	close(fd);
	buf[have] = '\0';
	if (len != NULL)
		*len = have;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

int
util_write_file_atomic(
    const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	char tmp[4096];
	const char *p = data;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

void
util_dirname(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		util_strlcpy(dir, ".", size);
		return;
	}
	if (slash == path) {
		util_strlcpy(dir, "/", size);
		return;
	}
	snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

int
util_path_join(char *out, size_t size, const char *dir, const char *rel)
{
	int n;

	if (rel[0] == '/')
		n = snprintf(out, size, "%s", rel);
	else
		n = snprintf(out, size, "%s/%s", dir, rel);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

void *
util_calloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		log_fatal("out of memory");
	return p;
}

char *
util_strdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		log_fatal("out of memory");
	return p;
}

void
util_buf_printf(struct util_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->cap == 0) {
		b->cap = 1024;
		b->p = util_calloc(1, b->cap);
		b->len = 0;
	}
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return; /* an encoding error: nothing added */
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			log_fatal("out of memory");
	}
}
