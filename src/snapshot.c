/*
 * snapshot: libpng in both directions.  Reading is here too because the
 * golden-image tests compare against checked-in PNGs with the same code
 * the daemon writes them with.  libpng reports errors by longjmp; each
 * entry point sets its own jump buffer and frees what it holds.
 */
#include "snapshot.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define SNAPSHOT_MAX_SIDE 8192

struct snapshot_buf {
	unsigned char *data;
	size_t len, cap;
};

static void
snapshot_buf_write(png_structp png, png_bytep data, png_size_t len)
{
	struct snapshot_buf *b = png_get_io_ptr(png);

	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *p;
		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->data, cap);
		if (p == NULL)
			png_error(png, "out of memory");
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

static void
snapshot_flush(png_structp png)
{
	(void)png;
}

unsigned char *
snapshot_encode(
    const uint32_t *px, int w, int h, size_t *len, char *err, size_t errlen)
{
	struct snapshot_buf buf = { NULL, 0, 0 };
	png_structp png;
	png_infop info = NULL;
	unsigned char *volatile row = NULL;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL) {
		snprintf(err, errlen, "png: out of memory");
		png_destroy_write_struct(&png, NULL);
		return NULL;
	}
	if (setjmp(png_jmpbuf(png))) {
		snprintf(err, errlen, "png: encoding failed");
		png_destroy_write_struct(&png, &info);
		free(buf.data);
		free(row);
		return NULL;
	}
	png_set_write_fn(png, &buf, snapshot_buf_write, snapshot_flush);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
	    PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	row = util_calloc((size_t)w, 3);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			uint32_t p = px[(size_t)y * (size_t)w + (size_t)x];
			unsigned char *o = row + (size_t)x * 3;
			o[0] = (unsigned char)(p >> 16);
			o[1] = (unsigned char)(p >> 8);
			o[2] = (unsigned char)p;
		}
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	*len = buf.len;
	return buf.data;
}

int
snapshot_write(const char *path, const uint32_t *px, int w, int h, char *err,
    size_t errlen)
{
	size_t len;
	unsigned char *data = snapshot_encode(px, w, h, &len, err, errlen);
	int rc;

	if (data == NULL)
		return -1;
	rc = util_write_file_atomic(path, data, len, err, errlen);
	free(data);
	return rc;
}

uint32_t *
snapshot_read(const char *path, int *w, int *h, char *err, size_t errlen)
{
	png_image img;
	uint32_t *px;
	unsigned char *rgba;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path)) {
		snprintf(err, errlen, "%s: %s", path, img.message);
		return NULL;
	}
	if (img.width > SNAPSHOT_MAX_SIDE || img.height > SNAPSHOT_MAX_SIDE) {
		snprintf(err, errlen, "%s: image too large", path);
		png_image_free(&img);
		return NULL;
	}
	img.format = PNG_FORMAT_RGBA;
	rgba = util_calloc((size_t)img.width * img.height, 4);
	if (!png_image_finish_read(&img, NULL, rgba, 0, NULL)) {
		snprintf(err, errlen, "%s: %s", path, img.message);
		free(rgba);
		return NULL;
	}
	*w = (int)img.width;
	*h = (int)img.height;
	px = util_calloc((size_t)*w * (size_t)*h, sizeof(*px));
	for (size_t i = 0; i < (size_t)*w * (size_t)*h; i++)
		px[i] = (uint32_t)rgba[i * 4 + 3] << 24 |
		    (uint32_t)rgba[i * 4] << 16 |
		    (uint32_t)rgba[i * 4 + 1] << 8 | rgba[i * 4 + 2];
	free(rgba);
	return px;
}
