/*
 * bench/parse: how long parsing and normalising a parking feed takes on the
 * loop thread, and what it costs in memory, for 100 KB, 1 MB and 10 MB
 * Lucerne PLS documents (generated here, deterministic).  Each size runs in
 * a child process so that its peak RSS is its own.  A sign scrolling at
 * 60 fps has 16.7 ms per frame: a parse longer than that delays a frame,
 * which the last column counts.
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

static void
run(size_t target, int rounds)
{
	const struct adapter *a = adapter_find("pls-luzern");
	struct adapter_opts o = { NULL, NULL };
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
	       total / rounds,
	    (double)len / 1048576.0 / (best / 1000.0),
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
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		pid_t pid;

		fflush(stdout); /* the child must not print the header again */
		pid = fork();
		int st;
		if (pid == 0) {
			run(sizes[i], rounds);
			fflush(stdout);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			return 1;
	}
	return 0;
}
