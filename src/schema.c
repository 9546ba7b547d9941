/*
 * schema: table-driven JSON loading.  Types are read explicitly (json-c's
 * json_object_get_int turns null into 0 and "12abc" into 12), unknown keys
 * are errors so that a typo never silently falls back to a default, and the
 * parser runs in strict mode with a depth cap.
 */
#include "schema.h"

#include <errno.h>
#include <json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *
schema_type_name(enum schema_type t)
{
	switch (t) {
	case SCHEMA_STRING:
		return "string";
	case SCHEMA_INT:
		return "integer";
	case SCHEMA_BOOL:
		return "boolean";
	case SCHEMA_ENUM:
		return "string";
	case SCHEMA_COLOR:
		return "colour \"#RRGGBB\"";
	case SCHEMA_OBJECT:
		return "object";
	case SCHEMA_ARRAY:
		return "array";
	case SCHEMA_STRLIST:
		return "array of strings";
	case SCHEMA_DOUBLE:
		return "number";
	case SCHEMA_INTSTR:
		return "integer or string";
	}
	return "?";
}

static const char *
schema_json_type(struct json_object *o)
{
	return json_type_to_name(json_object_get_type(o));
}

/* Line and column of byte offset off in text, both 1-based. */
static void
schema_line_col(const char *text, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && text[i] != '\0'; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

struct json_object *
schema_parse_text(
    const char *text, size_t len, const char *what, struct util_errs *errs)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t off;
	int line, col;

	if (memchr(text, '\0', len) != NULL) {
		util_errs_add(errs, "%s: contains a NUL byte", what);
		return NULL;
	}
	tok = json_tokener_new_ex(SCHEMA_MAX_DEPTH);
	if (tok == NULL) {
		util_errs_add(errs, "%s: out of memory", what);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	off = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		util_errs_add(errs, "%s: JSON ends too early", what);
		goto fail;
	}
	if (jerr != json_tokener_success) {
		schema_line_col(text, off, &line, &col);
		util_errs_add(errs, "%s:%d:%d: invalid JSON: %s", what, line,
		    col, json_tokener_error_desc(jerr));
		goto fail;
	}
	for (; off < len; off++) {
		if (strchr(" \t\r\n", text[off]) == NULL) {
			schema_line_col(text, off, &line, &col);
			util_errs_add(errs,
			    "%s:%d:%d: trailing bytes after the JSON "
			    "document",
			    what, line, col);
			goto fail;
		}
	}
	json_tokener_free(tok);
	return obj;
fail:
	json_object_put(obj);
	json_tokener_free(tok);
	return NULL;
}

struct json_object *
schema_parse_file(const char *path, struct util_errs *errs)
{
	char err[512];
	size_t len;
	char *text;
	struct json_object *obj;

	text = util_read_file(path, SCHEMA_MAX_FILE, &len, err, sizeof(err));
	if (text == NULL) {
		util_errs_add(errs, "%s", err);
		return NULL;
	}
	obj = schema_parse_text(text, len, path, errs);
	free(text);
	return obj;
}

int
schema_color_parse(const char *s, uint32_t *argb)
{
	size_t n = strlen(s);
	unsigned long v;
	char *end;

	if (s[0] != '#' || (n != 7 && n != 9))
		return -1;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f')))
			return -1;
	errno = 0;
	v = strtoul(s + 1, &end, 16);
	if (errno != 0 || *end != '\0')
		return -1;
	if (n == 7)
		*argb = 0xff000000u | (uint32_t)v;
	else /* #RRGGBBAA -> AARRGGBB */
		*argb = (uint32_t)((v & 0xff) << 24) | (uint32_t)(v >> 8);
	return 0;
}

static void
schema_join(char *out, size_t size, const char *path, const char *name)
{
	if (path[0] == '\0')
		snprintf(out, size, "%s", name);
	else
		snprintf(out, size, "%s.%s", path, name);
}

/* Set one field from its textual default (tables are ours: no errors). */
static void
schema_default(const struct schema_field *f, void *base)
{
	char *p = (char *)base + f->offset;

	if (f->type == SCHEMA_OBJECT) {
		schema_defaults(f->sub, p);
		return;
	}
	if (f->def == NULL)
		return;
	switch (f->type) {
	case SCHEMA_STRING:
		util_strlcpy(p, f->def, (size_t)f->max);
		break;
	case SCHEMA_INT:
		*(int *)p = (int)strtol(f->def, NULL, 10);
		break;
	case SCHEMA_BOOL:
		*(int *)p = strcmp(f->def, "true") == 0;
		break;
	case SCHEMA_ENUM:
		for (int i = 0; f->names[i] != NULL; i++)
			if (strcmp(f->names[i], f->def) == 0)
				*(int *)p = i;
		break;
	case SCHEMA_COLOR:
		schema_color_parse(f->def, (uint32_t *)(void *)p);
		break;
	case SCHEMA_STRLIST: {
		struct schema_strlist *l = (void *)p;
		const char *s = f->def;
		l->n = 0;
		while (*s != '\0' && l->n < SCHEMA_STRLIST_MAX) {
			size_t n = strcspn(s, ",");
			snprintf(l->v[l->n++], SCHEMA_STRLIST_LEN, "%.*s",
			    (int)n, s);
			s += n + (s[n] == ',');
		}
		break;
	}
	case SCHEMA_DOUBLE:
		*(double *)(void *)p = strtod(f->def, NULL);
		break;
	case SCHEMA_INTSTR: {
		struct schema_intstr *v = (void *)p;
		char *end;
		long n = strtol(f->def, &end, 10);
		memset(v, 0, sizeof(*v));
		if (*end == '\0' && end != f->def) {
			v->i = (int)n;
		} else {
			v->is_str = 1;
			util_strlcpy(v->s, f->def, sizeof(v->s));
		}
		break;
	}
	case SCHEMA_OBJECT:
	case SCHEMA_ARRAY:
		break;
	}
}

void
schema_defaults(const struct schema_field *table, void *base)
{
	for (const struct schema_field *f = table; f->name != NULL; f++)
		schema_default(f, base);
}

static void
schema_enum_list(const struct schema_field *f, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; f->names[i] != NULL && used < size; i++) {
		int n = snprintf(out + used, size - used, "%s%s",
		    i > 0 ? ", " : "", f->names[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static int schema_load_value(const struct schema_field *f,
    struct json_object *v, void *base, const char *path,
    struct util_errs *errs);

static int
schema_load_array(const struct schema_field *f, struct json_object *v,
    void *base, const char *path, struct util_errs *errs)
{
	struct schema_array *a = (void *)((char *)base + f->offset);
	size_t n = json_object_array_length(v);
	int bad = 0;

	if ((long long)n < f->min || (long long)n > f->max) {
		util_errs_add(errs, "%s: %zu elements, not in %lld..%lld", path,
		    n, f->min, f->max);
		return -1;
	}
	a->v = util_calloc(n, f->elem_size);
	a->n = n;
	for (size_t i = 0; i < n; i++) {
		char sub[256];
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (schema_load(f->sub, json_object_array_get_idx(v, i),
			(char *)a->v + i * f->elem_size, sub, errs) != 0)
			bad = -1;
	}
	return bad;
}

static int
schema_load_strlist(const struct schema_field *f, struct json_object *v,
    char *p, const char *path, struct util_errs *errs)
{
	struct schema_strlist *l = (void *)p;
	size_t n = json_object_array_length(v);
	int bad = 0;

	if ((long long)n < f->min || (long long)n > f->max ||
	    n > SCHEMA_STRLIST_MAX) {
		util_errs_add(errs, "%s: %zu elements, not in %lld..%lld", path,
		    n, f->min, f->max);
		return -1;
	}
	l->n = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		const char *s;
		if (!json_object_is_type(e, json_type_string)) {
			util_errs_add(errs, "%s[%zu]: expected string, got %s",
			    path, i, e ? schema_json_type(e) : "null");
			bad = -1;
			continue;
		}
		s = json_object_get_string(e);
		if ((size_t)json_object_get_string_len(e) != strlen(s) ||
		    util_strlcpy(l->v[l->n], s, SCHEMA_STRLIST_LEN) != 0) {
			util_errs_add(errs,
			    "%s[%zu]: longer than %d bytes or "
			    "contains NUL",
			    path, i, SCHEMA_STRLIST_LEN - 1);
			bad = -1;
			continue;
		}
		l->n++;
	}
	return bad;
}

static int
schema_load_intstr(const struct schema_field *f, struct json_object *v, char *p,
    const char *path, struct util_errs *errs)
{
	struct schema_intstr *out = (void *)p;
	enum json_type jt = json_object_get_type(v);
	const char *s;

	memset(out, 0, sizeof(*out));
	if (jt == json_type_int) {
		int64_t i = json_object_get_int64(v);
		if (i < f->min || i > f->max) {
			util_errs_add(errs, "%s: %lld not in %lld..%lld", path,
			    (long long)i, f->min, f->max);
			return -1;
		}
		out->i = (int)i;
		return 0;
	}
	if (jt != json_type_string) {
		util_errs_add(errs, "%s: expected integer or string, got %s",
		    path, schema_json_type(v));
		return -1;
	}
	s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) != strlen(s) ||
	    s[0] == '\0' || util_strlcpy(out->s, s, sizeof(out->s)) != 0) {
		util_errs_add(errs,
		    "%s: must be a non-empty string of less than %d bytes "
		    "without NUL",
		    path, SCHEMA_INTSTR_LEN);
		return -1;
	}
	out->is_str = 1;
	return 0;
}

static int
schema_load_value(const struct schema_field *f, struct json_object *v,
    void *base, const char *path, struct util_errs *errs)
{
	char *p = (char *)base + f->offset;
	enum json_type jt = json_object_get_type(v);
	const char *s;
	char list[256];

	if (v == NULL) {
		util_errs_add(errs, "%s: expected %s, got null", path,
		    schema_type_name(f->type));
		return -1;
	}
	switch (f->type) {
	case SCHEMA_STRING:
		if (jt != json_type_string)
			break;
		s = json_object_get_string(v);
		if ((size_t)json_object_get_string_len(v) != strlen(s)) {
			util_errs_add(
			    errs, "%s: contains a NUL character", path);
			return -1;
		}
		if (f->min > 0 && (long long)strlen(s) < f->min) {
			util_errs_add(errs, "%s: must not be empty", path);
			return -1;
		}
		if (util_strlcpy(p, s, (size_t)f->max) != 0) {
			util_errs_add(errs, "%s: longer than %lld bytes", path,
			    f->max - 1);
			return -1;
		}
		return 0;
	case SCHEMA_INT: {
		double d;
		if (jt == json_type_int) {
			int64_t i = json_object_get_int64(v);
			if (i < f->min || i > f->max) {
				util_errs_add(errs,
				    "%s: %lld not in %lld..%lld", path,
				    (long long)i, f->min, f->max);
				return -1;
			}
			*(int *)p = (int)i;
			return 0;
		}
		if (jt != json_type_double)
			break;
		d = json_object_get_double(v);
		if (!isfinite(d) || d != floor(d)) {
			util_errs_add(errs, "%s: %s is not a whole number",
			    path, json_object_to_json_string(v));
			return -1;
		}
		if (d < (double)f->min || d > (double)f->max) {
			util_errs_add(errs, "%s: %s not in %lld..%lld", path,
			    json_object_to_json_string(v), f->min, f->max);
			return -1;
		}
		*(int *)p = (int)d;
		return 0;
	}
	case SCHEMA_BOOL:
		if (jt != json_type_boolean)
			break;
		*(int *)p = json_object_get_boolean(v) ? 1 : 0;
		return 0;
	case SCHEMA_ENUM:
		if (jt != json_type_string)
			break;
		s = json_object_get_string(v);
		for (int i = 0; f->names[i] != NULL; i++) {
			if (strcmp(f->names[i], s) == 0) {
				*(int *)p = i;
				return 0;
			}
		}
		schema_enum_list(f, list, sizeof(list));
		util_errs_add(
		    errs, "%s: \"%.64s\" is not one of %s", path, s, list);
		return -1;
	case SCHEMA_COLOR:
		if (jt != json_type_string)
			break;
		if (schema_color_parse(json_object_get_string(v),
			(uint32_t *)(void *)p) != 0) {
			util_errs_add(errs,
			    "%s: \"%.32s\" is not a colour "
			    "\"#RRGGBB\" or \"#RRGGBBAA\"",
			    path, json_object_get_string(v));
			return -1;
		}
		return 0;
	case SCHEMA_OBJECT:
		if (jt != json_type_object)
			break;
		return schema_load(f->sub, v, p, path, errs);
	case SCHEMA_ARRAY:
		if (jt != json_type_array)
			break;
		return schema_load_array(f, v, base, path, errs);
	case SCHEMA_STRLIST:
		if (jt != json_type_array)
			break;
		return schema_load_strlist(f, v, p, path, errs);
	case SCHEMA_DOUBLE: {
		double d;
		if (jt != json_type_int && jt != json_type_double)
			break;
		d = json_object_get_double(v);
		if (!isfinite(d) || d < (double)f->min || d > (double)f->max) {
			util_errs_add(errs, "%s: %s not in %lld..%lld", path,
			    json_object_to_json_string(v), f->min, f->max);
			return -1;
		}
		*(double *)(void *)p = d;
		return 0;
	}
	case SCHEMA_INTSTR:
		return schema_load_intstr(f, v, p, path, errs);
	}
	util_errs_add(errs, "%s: expected %s, got %s", path,
	    schema_type_name(f->type), schema_json_type(v));
	return -1;
}

int
schema_load(const struct schema_field *table, struct json_object *obj,
    void *base, const char *path, struct util_errs *errs)
{
	char sub[256];
	int bad = 0;

	if (!json_object_is_type(obj, json_type_object)) {
		util_errs_add(errs, "%s: expected object, got %s",
		    path[0] ? path : "(top level)",
		    obj ? schema_json_type(obj) : "null");
		schema_defaults(table, base);
		return -1;
	}
	json_object_object_foreach (obj, key, val) {
		const struct schema_field *f;
		(void)val;
		for (f = table; f->name != NULL; f++)
			if (strcmp(f->name, key) == 0)
				break;
		if (f->name == NULL) {
			schema_join(sub, sizeof(sub), path, key);
			util_errs_add(errs, "%s: unknown key", sub);
			bad = -1;
		}
	}
	for (const struct schema_field *f = table; f->name != NULL; f++) {
		struct json_object *v;
		schema_join(sub, sizeof(sub), path, f->name);
		if (!json_object_object_get_ex(obj, f->name, &v)) {
			if (f->required) {
				util_errs_add(errs, "%s: required", sub);
				bad = -1;
			}
			schema_default(f, base);
			continue;
		}
		if (schema_load_value(f, v, base, sub, errs) != 0)
			bad = -1;
	}
	return bad;
}

void
schema_free(const struct schema_field *table, void *base)
{
	if (base == NULL)
		return;
	for (const struct schema_field *f = table; f->name != NULL; f++) {
		char *p = (char *)base + f->offset;
		if (f->type == SCHEMA_OBJECT) {
			schema_free(f->sub, p);
		} else if (f->type == SCHEMA_ARRAY) {
			struct schema_array *a = (void *)p;
			for (size_t i = 0; i < a->n; i++)
				schema_free(
				    f->sub, (char *)a->v + i * f->elem_size);
			free(a->v);
			a->v = NULL;
			a->n = 0;
		}
	}
}

void
schema_help(const struct schema_field *table, const char *path, FILE *f)
{
	char sub[256], list[256];

	for (const struct schema_field *s = table; s->name != NULL; s++) {
		schema_join(sub, sizeof(sub), path, s->name);
		switch (s->type) {
		case SCHEMA_OBJECT:
			schema_help(s->sub, sub, f);
			continue;
		case SCHEMA_ARRAY:
			fprintf(f, "%-28s array (%lld..%lld)  %s\n", sub,
			    s->min, s->max, s->help);
			snprintf(
			    sub + strlen(sub), sizeof(sub) - strlen(sub), "[]");
			schema_help(s->sub, sub, f);
			continue;
		case SCHEMA_INT:
			fprintf(
			    f, "%-28s integer %lld..%lld", sub, s->min, s->max);
			break;
		case SCHEMA_DOUBLE:
			fprintf(
			    f, "%-28s number %lld..%lld", sub, s->min, s->max);
			break;
		case SCHEMA_INTSTR:
			fprintf(f, "%-28s integer %lld..%lld or string", sub,
			    s->min, s->max);
			break;
		case SCHEMA_ENUM:
			schema_enum_list(s, list, sizeof(list));
			fprintf(f, "%-28s one of %s", sub, list);
			break;
		case SCHEMA_STRING:
			fprintf(f, "%-28s string (< %lld bytes)", sub, s->max);
			break;
		default:
			fprintf(f, "%-28s %s", sub, schema_type_name(s->type));
			break;
		}
		if (s->required)
			fprintf(f, ", required");
		else if (s->def != NULL)
			fprintf(f, ", default %s", s->def);
		fprintf(f, "\n%-28s   %s\n", "", s->help);
	}
}
