/* test_loop: deadlines, fd events and an idle loop that does not spin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "loop.h"
#include "util.h"

struct rec {
	struct loop *loop;
	int order[8];
	int n;
	int64_t fired_at[8];
	int stop_after;
};

static void
on_timer(struct loop_timer *t, void *arg)
{
	struct rec *r = arg;

	(void)t;
	r->fired_at[r->n] = util_mono_ms();
	r->order[r->n++] = (int)(loop_timer_deadline(t) == -1);
	if (r->n == r->stop_after)
		loop_stop(r->loop);
}

static int seq[8], nseq;
static struct loop *seq_loop;

static void
on_timer_id(struct loop_timer *t, void *arg)
{
	(void)t;
	seq[nseq++] = (int)(intptr_t)arg;
	if (nseq == 3)
		loop_stop(seq_loop);
}

static void
test_loop_timers_fire_in_deadline_order(void **state)
{
	struct loop *l = loop_new();
	struct loop_timer *a, *b, *c;
	int64_t now = util_mono_ms();

	(void)state;
	seq_loop = l;
	nseq = 0;
	a = loop_timer_new(l, on_timer_id, (void *)1);
	b = loop_timer_new(l, on_timer_id, (void *)2);
	c = loop_timer_new(l, on_timer_id, (void *)3);
	loop_timer_at(a, now + 30);
	loop_timer_at(b, now + 10);
	loop_timer_at(c, now + 20);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(seq[0], 2);
	assert_int_equal(seq[1], 3);
	assert_int_equal(seq[2], 1);
	assert_true(util_mono_ms() - now >= 30);
	loop_free(l);
}

static void
test_loop_timer_disarms_before_callback_and_can_rearm(void **state)
{
	struct rec r = { 0 };
	struct loop_timer *t;
	int64_t start;

	(void)state;
	r.loop = loop_new();
	r.stop_after = 1;
	t = loop_timer_new(r.loop, on_timer, &r);
	start = util_mono_ms();
	loop_timer_at(t, start + 20);
	assert_true(loop_timer_armed(t));
	loop_run(r.loop);
	assert_int_equal(r.order[0], 1); /* idle inside its callback */
	assert_false(loop_timer_armed(t));
	assert_true(r.fired_at[0] - start >= 20);
	assert_true(r.fired_at[0] - start < 500);
	/* A past deadline fires at once. */
	r.stop_after = 2;
	loop_timer_at(t, start - 1000);
	loop_run(r.loop);
	assert_int_equal(r.n, 2);
	loop_free(r.loop);
}

static void
on_stop(struct loop_timer *t, void *arg)
{
	(void)t;
	loop_stop(arg);
}

static int fd_hits;

static void
on_readable(int fd, uint32_t events, void *arg)
{
	char buf[16];

	assert_true(events & EPOLLIN);
	assert_int_equal(read(fd, buf, sizeof(buf)), 1);
	fd_hits++;
	loop_stop(arg);
}

static void
test_loop_dispatches_fd_events(void **state)
{
	struct loop *l = loop_new();
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	fd_hits = 0;
	assert_int_equal(loop_fd_add(l, p[0], EPOLLIN, on_readable, l), 0);
	assert_int_equal(write(p[1], "a", 1), 1);
	loop_run(l);
	assert_int_equal(fd_hits, 1);
	/* Removed: a second byte must not reach the callback. */
	assert_int_equal(loop_fd_del(l, p[0]), 0);
	assert_int_equal(write(p[1], "b", 1), 1);
	loop_timer_at(loop_timer_new(l, on_stop, l), util_mono_ms() + 50);
	loop_run(l);
	assert_int_equal(fd_hits, 1);
	loop_free(l);
	close(p[0]);
	close(p[1]);
}

static void
test_loop_idle_wait_does_not_spin(void **state)
{
	struct loop *l = loop_new();
	struct loop_timer *t = loop_timer_new(l, on_stop, l);
	struct loop_timer *idle = loop_timer_new(l, on_stop, l);

	(void)state;
	(void)idle; /* never armed: must not wake the loop */
	loop_timer_at(t, util_mono_ms() + 200);
	loop_run(l);
	/* One wake-up for the one deadline, not one per millisecond. */
	assert_int_equal(loop_wakeups(l), 1);
	loop_free(l);
}

static void
test_loop_fd_del_unknown_fails(void **state)
{
	struct loop *l = loop_new();

	(void)state;
	assert_int_equal(loop_fd_del(l, 12345), -1);
	loop_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_timers_fire_in_deadline_order),
		cmocka_unit_test(
		    test_loop_timer_disarms_before_callback_and_can_rearm),
		cmocka_unit_test(test_loop_dispatches_fd_events),
		cmocka_unit_test(test_loop_idle_wait_does_not_spin),
		cmocka_unit_test(test_loop_fd_del_unknown_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
