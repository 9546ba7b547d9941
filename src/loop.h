/*
 * loop: the daemon's one event loop.  epoll waits on file descriptors and
 * on a single timerfd (CLOCK_MONOTONIC) armed to the earliest deadline of
 * all timers, in the spirit of Redis's ae and OpenBSD ntpd: handlers run to
 * completion, nothing sleeps, and every periodic job is a deadline.
 */
#ifndef TAFEL_LOOP_H
#define TAFEL_LOOP_H

#include <stdint.h>

struct loop;
struct loop_timer;

typedef void loop_fd_cb(int fd, uint32_t events, void *arg);
typedef void loop_timer_cb(struct loop_timer *t, void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *l);

/* Watch fd for events (EPOLLIN ...); 0 or -1 with errno set. */
int loop_fd_add(
    struct loop *l, int fd, uint32_t events, loop_fd_cb *cb, void *arg);
int loop_fd_mod(struct loop *l, int fd, uint32_t events);
int loop_fd_del(struct loop *l, int fd);

/* A timer is created idle; arm it with an absolute monotonic deadline. */
struct loop_timer *loop_timer_new(struct loop *l, loop_timer_cb *cb, void *arg);
void loop_timer_free(struct loop_timer *t);
void loop_timer_at(struct loop_timer *t, int64_t mono_ms);
void loop_timer_stop(struct loop_timer *t);
int loop_timer_armed(const struct loop_timer *t);
int64_t loop_timer_deadline(const struct loop_timer *t);

/* Run until loop_stop(); returns 0, or -1 when epoll itself fails. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

/* Wake-ups so far (for tests and benchmarks: an idle board must not spin). */
uint64_t loop_wakeups(const struct loop *l);

#endif
