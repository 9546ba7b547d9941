/*
 * util: small helpers every module needs: monotonic and wall time in
 * milliseconds, bounded string copies, capped file reads and an error list
 * that collects every problem found in one input (config, layout) so that
 * a person sees all of them at once.
 */
#ifndef TAFEL_UTIL_H
#define TAFEL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define UTIL_ERRS_MAX    64 /* errors kept per input; more are counted */
#define UTIL_ERR_LEN     256
#define UTIL_ISO8601_MAX 128 /* longest zone-less time for another zone */
#define UTIL_TZ_MAX      256 /* longest TZ value it saves and restores */

struct util_errs {
	char msg[UTIL_ERRS_MAX][UTIL_ERR_LEN];
	size_t n;       /* kept */
	size_t dropped; /* beyond UTIL_ERRS_MAX */
};

void util_errs_add(struct util_errs *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
size_t util_errs_count(const struct util_errs *e);
/* Log every error at error level, each line starting with prefix. */
void util_errs_log(const struct util_errs *e, const char *prefix);

/* Milliseconds on CLOCK_MONOTONIC and CLOCK_REALTIME. */
int64_t util_mono_ms(void);
int64_t util_wall_ms(void);

/* Parse "2026-11-29T08:15:00Z", "...+01:00" or a zone-less local time. */
int util_parse_iso8601(const char *s, int64_t *wall_ms);
/*
 * The same, but a zone-less time is taken in zone tz: NULL = the process's
 * local zone, "UTC", or an IANA name ("Europe/Zurich"), which is set in TZ
 * only for the call (the daemon is single-threaded).  Times that carry Z or
 * an offset ignore tz.
 */
int util_parse_iso8601_tz(const char *s, const char *tz, int64_t *wall_ms);

/* snprintf that reports truncation: 0 when it fit, -1 otherwise. */
int util_strlcpy(char *dst, const char *src, size_t size);

/*
 * Read a whole regular file of at most max bytes into a NUL-terminated
 * buffer the caller frees.  On failure fill err and return NULL.
 */
char *util_read_file(
    const char *path, size_t max, size_t *len, char *err, size_t errlen);

/* Write data to path atomically (temp file in the same dir + rename). */
int util_write_file_atomic(
    const char *path, const void *data, size_t len, char *err, size_t errlen);

/* Directory part of path into dir ("." when there is none). */
void util_dirname(const char *path, char *dir, size_t size);

/* Join dir and rel unless rel is absolute. 0, or -1 when too long. */
int util_path_join(char *out, size_t size, const char *dir, const char *rel);

/*
 * A growing text buffer: start with { NULL, 0, 0 }; after the first print
 * p holds len bytes and a NUL; the caller frees p.
 */
struct util_buf {
	char *p;
	size_t len, cap;
};
void util_buf_printf(struct util_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void *util_calloc(size_t n, size_t size); /* log_fatal on out of memory */
char *util_strdup(const char *s);

#endif
