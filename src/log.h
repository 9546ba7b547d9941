/*
 * log: the daemon's one logging API.  Lines go to stderr with the journald
 * priority prefix ("<3>" ...) so that systemd files them at the right level;
 * on a terminal the prefix is replaced by a readable tag.  Modules log once,
 * where the context is; helpers below them fill error buffers instead.
 */
#ifndef TAFEL_LOG_H
#define TAFEL_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERR = 3,
	LOG_LEVEL_WARNING = 4,
	LOG_LEVEL_NOTICE = 5,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

void log_init(const char *prog, enum log_level max);
void log_set_level(enum log_level max);
int log_level_parse(const char *name, enum log_level *out);

void log_msg(enum log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#define log_err(...)    log_msg(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warn(...)   log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...)   log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)  log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* Log at LOG_LEVEL_ERR and exit(1): start-up failures and broken invariants. */
_Noreturn void log_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
