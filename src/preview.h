/*
 * preview: the live preview page served at GET / (the board drawn as LEDs,
 * feed health, active messages and the board's text), one self-contained
 * HTML document compiled into the daemon.
 */
#ifndef TAFEL_PREVIEW_H
#define TAFEL_PREVIEW_H

#include <stddef.h>

/* The page as a static NUL-terminated string; serve it as text/html. */
const char *preview_html(void);

/* Its length in bytes, without the NUL. */
size_t preview_html_len(void);

#endif
