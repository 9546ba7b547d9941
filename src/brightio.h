/*
 * brightio: the brightness controller's sysfs I/O on a worker thread.
 * Reading a light sensor (an I2C part measures on read: up to ~200 ms)
 * and writing a backlight or PWM file can block, and the loop thread must
 * not; so the cabinet posts the job here and gets the result back on the
 * loop thread, through an eventfd in the loop (the pattern of msgstore's
 * writer).  Each kind of job has a one-slot mailbox: a newer request that
 * the worker has not started replaces the older one.
 */
#ifndef TAFEL_BRIGHTIO_H
#define TAFEL_BRIGHTIO_H

#include <stddef.h>

struct loop;
struct brightio;

/* Called on the loop thread with the results. */
struct brightio_ops {
	/* A reading of path: >= 0, or -1 (unreadable, not a number). */
	void (*read_done)(void *arg, const char *path, long raw);
	/* percent written to path (rc 0), or not (rc -1, err says why). */
	void (*write_done)(
	    void *arg, const char *path, int percent, int rc, const char *err);
	void *arg;
};

/* Start the worker; NULL with err on failure. */
struct brightio *brightio_new(
    struct loop *l, const struct brightio_ops *ops, char *err, size_t errlen);
/* Stop the worker (waits a bounded time for a job in progress). */
void brightio_free(struct brightio *b);

/* Post a job; its result arrives through ops.  0, or -1 (path too long). */
int brightio_read(struct brightio *b, const char *path);
int brightio_write(struct brightio *b, const char *path, int percent);

#endif
