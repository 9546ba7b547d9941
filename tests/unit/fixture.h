/*
 * fixture: temporary folders and files for unit tests.  Header-only so
 * every test binary stays one .c file plus the core.
 */
#ifndef TAFEL_TEST_FIXTURE_H
#define TAFEL_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline char *
fixture_dir(void)
{
	char tmpl[] = "/tmp/tafel-unit-XXXXXX";
	char *d = mkdtemp(tmpl);

	if (d == NULL)
		abort();
	return strdup(d);
}

static inline void
fixture_write(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		abort();
	fputs(text, f);
	fclose(f);
}

static inline void
fixture_rmdir(char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (strncmp(dir, "/tmp/tafel-unit-", 16) == 0)
		(void)!system(cmd);
	free(dir);
}

static inline int
fixture_has(const struct util_errs *e, const char *needle)
{
	for (size_t i = 0; i < e->n; i++)
		if (strstr(e->msg[i], needle) != NULL)
			return 1;
	return 0;
}

static inline void
fixture_dump(const struct util_errs *e)
{
	for (size_t i = 0; i < e->n; i++)
		fprintf(stderr, "  error: %s\n", e->msg[i]);
}

#endif
