/*
 * loop: epoll + one timerfd.  Timers live in a small unsorted list: a sign
 * has a handful of them (render, watchdog, feeds), so a linear scan for the
 * earliest deadline is cheaper and simpler than a heap.
 */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define LOOP_MAX_EVENTS 32

struct loop_watch {
	int fd;
	loop_fd_cb *cb;
	void *arg;
	struct loop_watch *next;
};

struct loop_timer {
	struct loop *loop;
	loop_timer_cb *cb;
	void *arg;
	int64_t deadline; /* -1 when idle */
	struct loop_timer *next;
};

struct loop {
	int epfd;
	int tfd;
	int stop;
	int64_t armed; /* deadline the timerfd holds, -1 when disarmed */
	uint64_t wakeups;
	struct loop_watch *watches;
	struct loop_watch *dead; /* removed during a batch, freed after it */
	struct loop_timer *timers;
};

static void loop_reap(struct loop *l);

struct loop *
loop_new(void)
{
	struct loop *l = util_calloc(1, sizeof(*l));
	struct epoll_event ev = { .events = EPOLLIN };

	l->armed = -1;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->epfd == -1 || l->tfd == -1)
		goto fail;
	ev.data.ptr = NULL; /* NULL marks the timerfd */
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->tfd, &ev) == -1)
		goto fail;
	return l;
fail:
	log_err("event loop: %s", strerror(errno));
	loop_free(l);
	return NULL;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	while (l->watches != NULL) {
		struct loop_watch *w = l->watches;
		l->watches = w->next;
		free(w);
	}
	loop_reap(l);
	while (l->timers != NULL) {
		struct loop_timer *t = l->timers;
		l->timers = t->next;
		free(t);
	}
	if (l->tfd >= 0)
		close(l->tfd);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l);
}

int
loop_fd_add(struct loop *l, int fd, uint32_t events, loop_fd_cb *cb, void *arg)
{
	struct loop_watch *w = util_calloc(1, sizeof(*w));
	struct epoll_event ev = { .events = events, .data.ptr = w };

	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		free(w);
		return -1;
	}
	w->next = l->watches;
	l->watches = w;
	return 0;
}

static struct loop_watch **
loop_watch_find(struct loop *l, int fd)
{
	struct loop_watch **wp;

	for (wp = &l->watches; *wp != NULL; wp = &(*wp)->next)
		if ((*wp)->fd == fd)
			return wp;
	return NULL;
}

int
loop_fd_mod(struct loop *l, int fd, uint32_t events)
{
	struct loop_watch **wp = loop_watch_find(l, fd);
	struct epoll_event ev = { .events = events };

	if (wp == NULL) {
		errno = ENOENT;
		return -1;
	}
	ev.data.ptr = *wp;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev);
}

int
loop_fd_del(struct loop *l, int fd)
{
	struct loop_watch **wp = loop_watch_find(l, fd);
	struct loop_watch *w;

	if (wp == NULL) {
		errno = ENOENT;
		return -1;
	}
	w = *wp;
	*wp = w->next;
	/* Its event may still be pending in this batch: free it afterwards. */
	w->fd = -1;
	w->next = l->dead;
	l->dead = w;
	return epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
}

struct loop_timer *
loop_timer_new(struct loop *l, loop_timer_cb *cb, void *arg)
{
	struct loop_timer *t = util_calloc(1, sizeof(*t));

	t->loop = l;
	t->cb = cb;
	t->arg = arg;
	t->deadline = -1;
	t->next = l->timers;
	l->timers = t;
	return t;
}

void
loop_timer_free(struct loop_timer *t)
{
	struct loop_timer **tp;

	if (t == NULL)
		return;
	for (tp = &t->loop->timers; *tp != NULL; tp = &(*tp)->next) {
		if (*tp == t) {
			*tp = t->next;
			break;
		}
	}
	free(t);
}

void
loop_timer_at(struct loop_timer *t, int64_t mono_ms)
{
	t->deadline = mono_ms < 0 ? 0 : mono_ms;
}

void
loop_timer_stop(struct loop_timer *t)
{
	t->deadline = -1;
}

int
loop_timer_armed(const struct loop_timer *t)
{
	return t->deadline >= 0;
}

int64_t
loop_timer_deadline(const struct loop_timer *t)
{
	return t->deadline;
}

/* Arm the timerfd to the earliest deadline, touching it only on change. */
static void
loop_arm(struct loop *l)
{
	struct itimerspec its;
	int64_t next = -1;

	for (struct loop_timer *t = l->timers; t != NULL; t = t->next)
		if (t->deadline >= 0 && (next < 0 || t->deadline < next))
			next = t->deadline;
	if (next == l->armed)
		return;
	memset(&its, 0, sizeof(its));
	if (next >= 0) {
		/* 0 would disarm: an overdue deadline fires in 1 ns. */
		its.it_value.tv_sec = next / 1000;
		its.it_value.tv_nsec = (next % 1000) * 1000000;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
		log_fatal("timerfd_settime: %s", strerror(errno));
	l->armed = next;
}

static void
loop_run_timers(struct loop *l)
{
	int64_t now = util_mono_ms();
	int again;
	uint64_t exp;

	(void)!read(l->tfd, &exp, sizeof(exp));
	l->armed = -2; /* force re-arm: the timerfd has expired */
	/*
	 * A callback may free or re-arm any timer, so restart the scan after
	 * each call instead of holding a next pointer across it.
	 */
	do {
		again = 0;
		for (struct loop_timer *t = l->timers; t != NULL; t = t->next) {
			if (t->deadline >= 0 && t->deadline <= now) {
				t->deadline = -1;
				t->cb(t, t->arg);
				again = 1;
				break;
			}
		}
	} while (again && !l->stop);
}

static void
loop_reap(struct loop *l)
{
	while (l->dead != NULL) {
		struct loop_watch *w = l->dead;
		l->dead = w->next;
		free(w);
	}
}

int
loop_run(struct loop *l)
{
	struct epoll_event evs[LOOP_MAX_EVENTS];

	l->stop = 0;
	while (!l->stop) {
		int n;

		loop_arm(l);
		n = epoll_wait(l->epfd, evs, LOOP_MAX_EVENTS, -1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_err("epoll_wait: %s", strerror(errno));
			return -1;
		}
		l->wakeups++;
		for (int i = 0; i < n && !l->stop; i++) {
			struct loop_watch *w = evs[i].data.ptr;
			if (w == NULL) {
				loop_run_timers(l);
				continue;
			}
			if (w->fd >= 0)
				w->cb(w->fd, evs[i].events, w->arg);
		}
		loop_reap(l);
	}
	return 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = 1;
}

uint64_t
loop_wakeups(const struct loop *l)
{
	return l->wakeups;
}
