/*
 * snapshot: PNG images of the board through libpng, exactly one PNG pixel
 * per board pixel.  Encoding goes to memory first so that a file on disk
 * is replaced atomically and the HTTP server can serve the same bytes.
 */
#ifndef TAFEL_SNAPSHOT_H
#define TAFEL_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

/* Encode w x h 0xAARRGGBB pixels as an RGB PNG into a caller-freed buffer. */
unsigned char *snapshot_encode(
    const uint32_t *px, int w, int h, size_t *len, char *err, size_t errlen);

/* Encode and write to path atomically. */
int snapshot_write(const char *path, const uint32_t *px, int w, int h,
    char *err, size_t errlen);

/* Decode an 8-bit RGB or RGBA PNG into caller-freed 0xAARRGGBB pixels. */
uint32_t *snapshot_read(
    const char *path, int *w, int *h, char *err, size_t errlen);

#endif
