/*
 * bench/parse: how long parsing and normalising a parking feed takes on the
 * loop thread, and what it costs in memory, for 100 KB, 1 MB and 10 MB
 * Lucerne PLS documents (generated here, deterministic).  Each size and
 * way runs in a child process so that its peak RSS is its own.  A sign
 * scrolling at 60 fps has 16.7 ms per frame: a piece of work longer than
 * that delays a frame, which the last column counts.
 *
 * Two ways per size: the whole document in one adapter_parse() call, and
 * the way the daemon does it (feed.c): the reader fed ADAPTER_PIECE_BYTES
 * at a time, the job stepped ADAPTER_PIECE_ITEMS at a time (freeing the
 * tree included).  For that one the longest single piece counts, of the
 * best round: the loop runs a frame between any two pieces.
 *
 *     make bench          (or build/bench/parse [ROUNDS])
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json.h>

#include "adapter.h"
#include "park.h"
#include "util.h"

#define FRAME_MS (1000.0 / 60.0)

static char *
make_doc(size_t target, size_t *len, size_t *items)
{
	size_t cap = target + 4096, n = 0, used;
	char *buf = malloc(cap);

	if (buf == NULL)
		abort();
	used = (size_t)snprintf(
	    buf, cap, "{\"status\":\"success\",\"data\":{\"parkings\":{");
	while (used + 400 < target) {
		used += (size_t)snprintf(buf + used, cap - used,
		    "%s\"P%06zu\":{\"description\":\"Parkhaus Nummer %zu "
		    "am Gütsch\",\"vacancy\":%zu,\"capacity\":%zu,"
		    "\"opened\":true,\"maintenance\":false,"
		    "\"datestamp\":\"2026-11-29T09:15:%02zu+01:00\","
		    "\"extra\":{\"note\":\"unknown fields are ignored\"}}",
		    n ? "," : "", n, n, n % 400, 400 + n % 100, n % 60);
		n++;
	}
	used += (size_t)snprintf(buf + used, cap - used, "}}}");
	*len = used;
	*items = n;
	return buf;
}

static double
ms_since(const struct timespec *a0)
{
	struct timespec a1;

	clock_gettime(CLOCK_MONOTONIC, &a1);
	return (double)(a1.tv_sec - a0->tv_sec) * 1e3 +
	    (double)(a1.tv_nsec - a0->tv_nsec) / 1e6;
}

static double
dmax(double a, double b)
{
	return a > b ? a : b;
}

/* One piece of work is over: the longest and the sum so far. */
static void
piece(const struct timespec *a0, double *longest, double *sum)
{
	double ms = ms_since(a0);

	if (ms > *longest)
		*longest = ms;
	*sum += ms;
}

/* The daemon's way: the document in pieces, timed one by one. */
static void
run_pieces(size_t target, int rounds)
{
	const struct adapter *a = adapter_find("pls-luzern");
	struct adapter_opts o = { NULL, NULL, NULL, NULL };
	size_t len, items, off, n, pieces = 0;
	char *doc = make_doc(target, &len, &items);
	double best_feed = 1e9, best_step = 1e9, best_sum = 1e9;
	struct rusage after;
	char err[256];

	for (int i = 0; i < rounds; i++) {
		double feed_max = 0, step_max = 0, sum = 0;
		struct adapter_reader *r;
		struct adapter_job *j;
		struct json_object *root;
		struct timespec a0;
		struct park_doc d;
		int res;

		pieces = 0;
		clock_gettime(CLOCK_MONOTONIC, &a0);
		r = adapter_reader_new();
		piece(&a0, &feed_max, &sum);
		for (off = 0; off < len; off += n) {
			n = len - off < ADAPTER_PIECE_BYTES ?
			    len - off :
			    ADAPTER_PIECE_BYTES;
			clock_gettime(CLOCK_MONOTONIC, &a0);
			adapter_reader_feed(r, doc + off, n, err, sizeof(err));
			piece(&a0, &feed_max, &sum);
			pieces++;
		}
		clock_gettime(CLOCK_MONOTONIC, &a0);
		res = adapter_reader_finish(r, &root, err, sizeof(err));
		adapter_reader_free(r);
		piece(&a0, &feed_max, &sum);
		if (res != 0) {
			fprintf(stderr, "parse failed: %s\n", err);
			exit(1);
		}
		clock_gettime(CLOCK_MONOTONIC, &a0);
		j = adapter_job_new(a, root, &o);
		piece(&a0, &step_max, &sum);
		do {
			clock_gettime(CLOCK_MONOTONIC, &a0);
			res = adapter_job_step(j, ADAPTER_PIECE_ITEMS);
			piece(&a0, &step_max, &sum);
			pieces++;
		} while (res == 1);
		if (res != 0) {
			fprintf(stderr, "rejected: %s\n", adapter_job_error(j));
			exit(1);
		}
		clock_gettime(CLOCK_MONOTONIC, &a0);
		park_doc_init(&d);
		adapter_job_take(j, &d);
		adapter_job_free(j);
		piece(&a0, &step_max, &sum);
		if (d.n != items) {
			fprintf(stderr, "expected %zu items, got %zu\n", items,
			    d.n);
			exit(1);
		}
		park_doc_fini(&d);
		if (dmax(feed_max, step_max) < dmax(best_feed, best_step)) {
			best_feed = feed_max;
			best_step = step_max;
		}
		if (sum < best_sum)
			best_sum = sum;
	}
	getrusage(RUSAGE_SELF, &after);
	printf("%8.1f KB in pieces: feed %2d KiB max %5.2f ms, step %2d "
	       "items max %5.2f ms (%zu pieces, sum %8.2f ms)  peak RSS "
	       "%6.1f MB  frames missed %d\n",
	    (double)len / 1024.0, ADAPTER_PIECE_BYTES / 1024, best_feed,
	    ADAPTER_PIECE_ITEMS, best_step, pieces, best_sum,
	    (double)after.ru_maxrss / 1024.0,
	    (int)(dmax(best_feed, best_step) / FRAME_MS));
	free(doc);
}

static void
run(size_t target, int rounds)
{
	const struct adapter *a = adapter_find("pls-luzern");
	struct adapter_opts o = { NULL, NULL, NULL, NULL };
	struct rusage before, after;
	size_t len, items;
	char *doc = make_doc(target, &len, &items);
	char err[256];
	double best = 1e9, total = 0, tok_best = 1e9;

	getrusage(RUSAGE_SELF, &before);
	for (int i = 0; i < rounds; i++) {
		struct park_doc d;
		struct timespec a0, a1;
		clock_gettime(CLOCK_MONOTONIC, &a0);
		park_doc_init(&d);
		if (adapter_parse(a, doc, len, &o, &d, err, sizeof(err)) != 0) {
			fprintf(stderr, "parse failed: %s\n", err);
			exit(1);
		}
		clock_gettime(CLOCK_MONOTONIC, &a1);
		double ms = (double)(a1.tv_sec - a0.tv_sec) * 1e3 +
		    (double)(a1.tv_nsec - a0.tv_nsec) / 1e6;
		if (d.n != items) {
			fprintf(stderr, "expected %zu items, got %zu\n", items,
			    d.n);
			exit(1);
		}
		park_doc_fini(&d);
		total += ms;
		if (ms < best)
			best = ms;
	}
	/* The share of it that is json-c's tokenizer alone. */
	for (int i = 0; i < rounds; i++) {
		struct timespec a0, a1;
		struct json_object *tree;
		double ms;
		clock_gettime(CLOCK_MONOTONIC, &a0);
		tree = json_tokener_parse(doc);
		clock_gettime(CLOCK_MONOTONIC, &a1);
		json_object_put(tree);
		ms = (double)(a1.tv_sec - a0.tv_sec) * 1e3 +
		    (double)(a1.tv_nsec - a0.tv_nsec) / 1e6;
		if (ms < tok_best)
			tok_best = ms;
	}
	getrusage(RUSAGE_SELF, &after);
	printf("%8.1f KB %7zu items  best %8.2f ms (tokenizer %5.1f %%)  "
	       "mean %8.2f ms  %6.1f MB/s  peak RSS %6.1f MB (%4.1fx doc)  "
	       "frames missed %d\n",
	    (double)len / 1024.0, items, best, 100.0 * tok_best / best,
	    total / rounds, (double)len / 1048576.0 / (best / 1000.0),
	    (double)after.ru_maxrss / 1024.0,
	    (double)after.ru_maxrss * 1024.0 / (double)len,
	    (int)(best / FRAME_MS));
	free(doc);
}

int
main(int argc, char **argv)
{
	static const size_t sizes[] = { 100 * 1024, 1024 * 1024,
		10 * 1024 * 1024 };
	int rounds = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 5;

	if (rounds < 1 || rounds > 1000)
		rounds = 5;
	setenv("TZ", "Europe/Zurich", 1);
	printf(
	    "pls-luzern parse + normalise, %d rounds each, frame = %.1f ms\n",
	    rounds, FRAME_MS);
	for (size_t i = 0; i < 2 * sizeof(sizes) / sizeof(sizes[0]); i++) {
		pid_t pid;

		fflush(stdout); /* the child must not print the header again */
		pid = fork();
		int st;
		if (pid == 0) {
			if (i % 2 == 0)
				run(sizes[i / 2], rounds);
			else
				run_pieces(sizes[i / 2], rounds);
			fflush(stdout);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			return 1;
	}
	return 0;
}
