/*
 * cfg: the daemon's configuration, one JSON file read through one schema
 * table (cfg.c).  cfg_load() builds a complete new configuration including
 * its layout; the caller swaps it in only when it loaded without error, so
 * a bad file on SIGHUP leaves the running one alone.
 */
#ifndef TAFEL_CFG_H
#define TAFEL_CFG_H

#include <limits.h>
#include <stdio.h>

#include "layout.h"
#include "util.h"

#ifndef TAFEL_SYSCONFDIR
#define TAFEL_SYSCONFDIR "/etc"
#endif
#ifndef TAFEL_DATADIR
#define TAFEL_DATADIR "/usr/local/share/tafel"
#endif
#define CFG_DEFAULT_PATH TAFEL_SYSCONFDIR "/tafel/tafel.json"

enum cfg_system {
	CFG_SYSTEM_DUMMY,
	CFG_SYSTEM_FBDEV,
	CFG_SYSTEM_DRMKMS
};
enum cfg_pixelformat {
	CFG_PIXELFORMAT_RGB32,
	CFG_PIXELFORMAT_ARGB,
	CFG_PIXELFORMAT_RGB24,
	CFG_PIXELFORMAT_RGB16,
};

struct cfg_display {
	int system;       /* enum cfg_system */
	char device[128]; /* fbdev/drmkms device, "" = DirectFB's default */
	int width, height;
	int pixelformat; /* enum cfg_pixelformat */
	int fps;         /* upper bound on frames per second */
	char snapshot_file[PATH_MAX];
	int snapshot_interval_s;
};

struct cfg {
	char path[PATH_MAX];
	char layout_file[PATH_MAX]; /* resolved against the config's folder */
	char fonts_dir[PATH_MAX];
	char state_dir[PATH_MAX];
	char timezone[64];
	int log_level; /* enum log_level */
	struct cfg_display display;
	struct layout *layout; /* owned */
};

/* Load path; NULL with every problem in errs. */
struct cfg *cfg_load(const char *path, struct util_errs *errs);
void cfg_free(struct cfg *c);

/* Names for log lines and health. */
const char *cfg_system_name(int system);
const char *cfg_pixelformat_name(int pf);

/* Print the configuration and layout reference (--help-config). */
void cfg_help(FILE *f);

#endif
