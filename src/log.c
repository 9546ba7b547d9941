/*
 * log: stderr lines with journald priority prefixes.  When stderr is a
 * terminal (make run, a person at a shell) the numeric prefix is replaced by
 * a word, since "<6>" means nothing to a reader there.
 */
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *log_prog = "tafeld";
static enum log_level log_max = LOG_LEVEL_INFO;
static int log_tty;

static const char *const log_names[] = {
	[LOG_LEVEL_ERR] = "error",
	[LOG_LEVEL_WARNING] = "warning",
	[LOG_LEVEL_NOTICE] = "notice",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void
log_init(const char *prog, enum log_level max)
{
	log_prog = prog;
	log_max = max;
	log_tty = isatty(STDERR_FILENO);
}

void
log_set_level(enum log_level max)
{
	log_max = max;
}

int
log_level_parse(const char *name, enum log_level *out)
{
	for (int i = LOG_LEVEL_ERR; i <= LOG_LEVEL_DEBUG; i++) {
		if (strcmp(name, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void
log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[1024];

	if (lvl > log_max)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* One write per line keeps lines whole when stderr is shared. */
	if (log_tty)
		fprintf(stderr, "%s: %s: %s\n", log_prog, log_names[lvl], line);
	else
		fprintf(stderr, "<%d>%s\n", (int)lvl, line);
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}

void
log_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}
