/*
 * schema: one table describes a JSON object (keys, types, bounds, defaults);
 * the same table loads it into a C struct, validates it and prints the
 * reference (--help-config).  Errors name the JSON path and the rule
 * ("display.fps: 500 not in 1..120") and all of them are collected.
 * json-c stays inside this module and the modules that call it.
 */
#ifndef TAFEL_SCHEMA_H
#define TAFEL_SCHEMA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

struct json_object;

#define SCHEMA_MAX_DEPTH 32                    /* JSON nesting accepted */
#define SCHEMA_MAX_FILE  ((size_t)1024 * 1024) /* config and layout files */

enum schema_type {
	SCHEMA_STRING,  /* char[max] inline; max is the buffer size */
	SCHEMA_INT,     /* int, min..max */
	SCHEMA_BOOL,    /* int 0/1 */
	SCHEMA_ENUM,    /* int index into names[] */
	SCHEMA_COLOR,   /* uint32_t ARGB from "#RRGGBB" or "#RRGGBBAA" */
	SCHEMA_OBJECT,  /* nested struct at offset, described by sub */
	SCHEMA_ARRAY,   /* struct schema_array at offset, elements by sub */
	SCHEMA_STRLIST, /* struct schema_strlist; min..max strings */
	SCHEMA_DOUBLE,  /* double, min..max */
	SCHEMA_INTSTR,  /* struct schema_intstr: an integer or a string */
};

#define SCHEMA_STRLIST_MAX 8
#define SCHEMA_STRLIST_LEN 128

/* A short list of short strings ("listen": ["127.0.0.1:8080", ...]). */
struct schema_strlist {
	char v[SCHEMA_STRLIST_MAX][SCHEMA_STRLIST_LEN];
	size_t n;
};

#define SCHEMA_INTSTR_LEN 64

/*
 * A key that takes either a whole number in min..max or a non-empty string
 * (a GPIO line by offset or by name).
 */
struct schema_intstr {
	int is_str;
	int i;
	char s[SCHEMA_INTSTR_LEN];
};

struct schema_array {
	void *v;
	size_t n;
};

struct schema_field {
	const char *name;
	enum schema_type type;
	size_t offset;
	long long min, max; /* INT bounds; STRING size; ARRAY count */
	const char *def;    /* default as text (STRLIST: comma-separated) */
	int required;
	const char *const *names;       /* ENUM values, NULL-terminated */
	const struct schema_field *sub; /* OBJECT and ARRAY element */
	size_t elem_size;               /* ARRAY element size */
	const char *help;
};

/* Parse text as strict JSON with depth and trailing-byte checks. */
struct json_object *schema_parse_text(
    const char *text, size_t len, const char *what, struct util_errs *errs);
/* Read and parse a JSON file of at most SCHEMA_MAX_FILE bytes. */
struct json_object *schema_parse_file(const char *path, struct util_errs *errs);

/*
 * Load obj into base according to table.  Every problem is added to errs
 * with its path (path is the prefix, "" at the top).  Returns 0 when none
 * was found.  Defaults are applied to absent keys.
 */
int schema_load(const struct schema_field *table, struct json_object *obj,
    void *base, const char *path, struct util_errs *errs);

/* Apply defaults only (an absent object). */
void schema_defaults(const struct schema_field *table, void *base);

/* Free the arrays schema_load allocated inside base. */
void schema_free(const struct schema_field *table, void *base);

/* Print a reference of table (one line per key) to f. */
void schema_help(const struct schema_field *table, const char *path, FILE *f);

/* Parse "#RRGGBB" / "#RRGGBBAA" into ARGB. */
int schema_color_parse(const char *s, uint32_t *argb);

#endif
