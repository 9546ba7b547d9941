/*
 * brightio: one worker thread for the sysfs files of brightness.
 *
 * Threads.  The loop thread owns the cabinet's state; the worker owns
 * only the copies of the jobs it took.  A job is posted into its slot
 * under the mutex (a read slot and a write slot, each holding at most one
 * job not yet started); the worker takes both, runs them without the
 * mutex, stores the results under it and wakes the loop through an
 * eventfd.  The loop thread then copies the results out and calls the
 * callbacks.  The mutex is never held across I/O.
 *
 * Closing: the worker is asked to quit and waited for a bounded time; a
 * worker stuck in a driver is left the shared box (reference counted),
 * which it frees when it returns, as msgstore does with its writer.
 */
#include "brightio.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "brightness.h"
#include "display.h"
#include "log.h"
#include "loop.h"
#include "util.h"

#define BRIGHTIO_CLOSE_MS 2000 /* close waits this long for a job */

struct brightio_box {
	pthread_mutex_t mu;
	pthread_cond_t work;
	pthread_cond_t idle;
	int refs; /* loop side + worker; the last one frees */
	int efd;
	int quit, exited;
	/* Slots: jobs not started yet. */
	int read_req;
	char read_path[PATH_MAX];
	int write_req;
	char write_path[PATH_MAX];
	int write_pct;
	/* Results not yet taken by the loop. */
	int read_done;
	char rd_path[PATH_MAX];
	long rd_raw;
	int write_done;
	char wr_path[PATH_MAX];
	int wr_pct, wr_rc;
	char wr_err[UTIL_ERR_LEN];
};

struct brightio {
	struct loop *loop;
	struct brightio_ops ops;
	struct brightio_box *box;
	pthread_t thread;
};

static void
brightio_box_unref(struct brightio_box *b)
{
	int last;

	pthread_mutex_lock(&b->mu);
	last = --b->refs == 0;
	pthread_mutex_unlock(&b->mu);
	if (!last)
		return;
	if (b->efd >= 0)
		close(b->efd);
	pthread_cond_destroy(&b->idle);
	pthread_cond_destroy(&b->work);
	pthread_mutex_destroy(&b->mu);
	free(b);
}

static void *
brightio_worker(void *arg)
{
	struct brightio_box *b = arg;
	char rpath[PATH_MAX], wpath[PATH_MAX], err[UTIL_ERR_LEN];
	const uint64_t one = 1;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		int do_read, do_write, pct = 0, rc = 0;
		long raw = -1;

		while (!b->read_req && !b->write_req && !b->quit)
			pthread_cond_wait(&b->work, &b->mu);
		if (b->quit)
			break;
		do_read = b->read_req;
		do_write = b->write_req;
		if (do_read)
			memcpy(rpath, b->read_path, sizeof(rpath));
		if (do_write) {
			memcpy(wpath, b->write_path, sizeof(wpath));
			pct = b->write_pct;
		}
		b->read_req = b->write_req = 0;
		pthread_mutex_unlock(&b->mu);

		err[0] = '\0';
		if (do_read)
			raw = brightness_read_sensor(rpath);
		if (do_write)
			rc = display_backlight_write(
			    wpath, pct, err, sizeof(err));

		pthread_mutex_lock(&b->mu);
		if (do_read) {
			b->read_done = 1;
			memcpy(b->rd_path, rpath, sizeof(rpath));
			b->rd_raw = raw;
		}
		if (do_write) {
			b->write_done = 1;
			memcpy(b->wr_path, wpath, sizeof(wpath));
			b->wr_pct = pct;
			b->wr_rc = rc;
			memcpy(b->wr_err, err, sizeof(err));
		}
		/* A full counter still wakes the loop; nothing to handle. */
		(void)!write(b->efd, &one, sizeof(one));
	}
	b->exited = 1;
	pthread_cond_broadcast(&b->idle);
	pthread_mutex_unlock(&b->mu);
	brightio_box_unref(b);
	return NULL;
}

static void
brightio_on_event(int fd, uint32_t events, void *arg)
{
	struct brightio *io = arg;
	struct brightio_box *b = io->box;
	char rpath[PATH_MAX], wpath[PATH_MAX], err[UTIL_ERR_LEN];
	int rd, wr, pct, rc;
	uint64_t n;
	long raw;

	(void)events;
	(void)!read(fd, &n, sizeof(n));
	pthread_mutex_lock(&b->mu);
	rd = b->read_done;
	wr = b->write_done;
	b->read_done = b->write_done = 0;
	memcpy(rpath, b->rd_path, sizeof(rpath));
	raw = b->rd_raw;
	memcpy(wpath, b->wr_path, sizeof(wpath));
	pct = b->wr_pct;
	rc = b->wr_rc;
	memcpy(err, b->wr_err, sizeof(err));
	pthread_mutex_unlock(&b->mu);
	if (rd && io->ops.read_done != NULL)
		io->ops.read_done(io->ops.arg, rpath, raw);
	if (wr && io->ops.write_done != NULL)
		io->ops.write_done(io->ops.arg, wpath, pct, rc, err);
}

struct brightio *
brightio_new(
    struct loop *l, const struct brightio_ops *ops, char *err, size_t errlen)
{
	struct brightio *io;
	struct brightio_box *b;
	pthread_condattr_t ca;
	sigset_t all, old;
	int efd, rc;

	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd == -1) {
		snprintf(
		    err, errlen, "brightness: eventfd: %s", strerror(errno));
		return NULL;
	}
	b = util_calloc(1, sizeof(*b));
	pthread_mutex_init(&b->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->work, &ca);
	pthread_cond_init(&b->idle, &ca);
	pthread_condattr_destroy(&ca);
	b->efd = efd;
	b->refs = 1;
	io = util_calloc(1, sizeof(*io));
	io->loop = l;
	if (ops != NULL)
		io->ops = *ops;
	io->box = b;
	if (loop_fd_add(l, efd, EPOLLIN, brightio_on_event, io) == -1) {
		snprintf(
		    err, errlen, "brightness: eventfd: %s", strerror(errno));
		goto fail;
	}
	b->refs = 2;
	/* Every signal blocked in the worker: they belong to signalfd. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&io->thread, NULL, brightio_worker, b);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		b->refs = 1;
		snprintf(
		    err, errlen, "brightness: worker thread: %s", strerror(rc));
		loop_fd_del(l, efd);
		goto fail;
	}
	return io;
fail:
	brightio_box_unref(b);
	free(io);
	return NULL;
}

void
brightio_free(struct brightio *io)
{
	struct brightio_box *b;
	struct timespec until;
	int exited;

	if (io == NULL)
		return;
	b = io->box;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += BRIGHTIO_CLOSE_MS / 1000;
	pthread_mutex_lock(&b->mu);
	b->quit = 1;
	pthread_cond_signal(&b->work);
	while (!b->exited &&
	    pthread_cond_timedwait(&b->idle, &b->mu, &until) != ETIMEDOUT)
		;
	exited = b->exited;
	pthread_mutex_unlock(&b->mu);
	if (exited) {
		pthread_join(io->thread, NULL);
	} else {
		log_err("brightness: a sysfs file still blocks after %d ms; "
			"leaving it",
		    BRIGHTIO_CLOSE_MS);
		pthread_detach(io->thread);
	}
	loop_fd_del(io->loop, b->efd);
	brightio_box_unref(b);
	free(io);
}

int
brightio_read(struct brightio *io, const char *path)
{
	struct brightio_box *b = io->box;

	if (strlen(path) >= sizeof(b->read_path))
		return -1;
	pthread_mutex_lock(&b->mu);
	util_strlcpy(b->read_path, path, sizeof(b->read_path));
	b->read_req = 1;
	pthread_cond_signal(&b->work);
	pthread_mutex_unlock(&b->mu);
	return 0;
}

int
brightio_write(struct brightio *io, const char *path, int percent)
{
	struct brightio_box *b = io->box;

	if (strlen(path) >= sizeof(b->write_path))
		return -1;
	pthread_mutex_lock(&b->mu);
	util_strlcpy(b->write_path, path, sizeof(b->write_path));
	b->write_pct = percent;
	b->write_req = 1;
	pthread_cond_signal(&b->work);
	pthread_mutex_unlock(&b->mu);
	return 0;
}
