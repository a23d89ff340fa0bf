/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Typed getters over a yajl tree that track the JSON path of what they read,
 * so that every validation failure names the offending value.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json.h"

void spec_ctx_init(struct spec_ctx *c, const char *name, struct spec_error *err)
{
	c->err = err;
	c->name = name ? name : "json";
	c->path[0] = '\0';
	c->path_len = 0;
	if (err)
		err->msg[0] = '\0';
}

/* Append to a message buffer, truncating quietly when it is full. */
static void msg_append(char *buf, size_t size, size_t *used, const char *s)
{
	size_t n = strlen(s);

	if (*used + 1 >= size)
		return;
	if (n > size - *used - 1)
		n = size - *used - 1;
	memcpy(buf + *used, s, n);
	*used += n;
	buf[*used] = '\0';
}

static int spec_vfail(struct spec_ctx *c, const char *key, const char *fmt, va_list ap)
{
	char *msg;
	size_t size, used = 0;

	if (!c->err)
		return -EINVAL;
	msg = c->err->msg;
	size = sizeof(c->err->msg);
	msg[0] = '\0';
	msg_append(msg, size, &used, c->name);
	msg_append(msg, size, &used, ": ");
	if (c->path_len > 0)
		msg_append(msg, size, &used, c->path);
	if (key) {
		if (c->path_len > 0)
			msg_append(msg, size, &used, ".");
		msg_append(msg, size, &used, key);
	}
	if (c->path_len > 0 || key)
		msg_append(msg, size, &used, ": ");
	if (used + 1 < size)
		vsnprintf(msg + used, size - used, fmt, ap);
	return -EINVAL;
}

int spec_fail(struct spec_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = spec_vfail(c, NULL, fmt, ap);
	va_end(ap);
	return r;
}

int spec_fail_at(struct spec_ctx *c, const char *key, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = spec_vfail(c, key, fmt, ap);
	va_end(ap);
	return r;
}

/* yajl decodes "\u0000" into a NUL inside a C string, which would silently cut
 * the string short ("tr\u0000ue" would run "tr"): refuse it.  Backslashes
 * only occur inside strings, so "\u0000" after an odd run of backslashes is
 * exactly that escape. */
static bool spec_has_escaped_nul(const char *s)
{
	for (const char *p = strstr(s, "u0000"); p; p = strstr(p + 1, "u0000")) {
		size_t n = 0;
		while (p - n > s && p[-(ptrdiff_t)n - 1] == '\\')
			n++;
		if (n % 2 == 1)
			return true;
	}
	return false;
}

/* The byte offset of a syntax error.  yajl_tree_parse does not say, so the
 * text is parsed again by a parser without callbacks, configured as
 * yajl_tree_parse configures its own, whose byte count stops at the error. */
static size_t spec_error_offset(const char *buf, size_t len)
{
	yajl_handle h = yajl_alloc(NULL, NULL, NULL);
	size_t off = len;

	if (!h)
		return len;
	yajl_config(h, yajl_allow_comments, 1);
	if (yajl_parse(h, (const unsigned char *)buf, len) != yajl_status_ok)
		off = yajl_get_bytes_consumed(h);
	yajl_free(h);
	return off < len ? off : len;
}

/* "NAME:LINE:COL: invalid JSON: WHAT", LINE and COL from 1, the column in
 * bytes, pointing at the byte the error was found on. */
static int spec_fail_syntax(struct spec_ctx *c, const char *buf, size_t off, const char *what)
{
	size_t line = 1, bol = 0;

	if (!c->err)
		return -EINVAL;
	for (size_t i = 0; i < off; i++)
		if (buf[i] == '\n') {
			line++;
			bol = i + 1;
		}
	snprintf(c->err->msg, sizeof(c->err->msg), "%s:%zu:%zu: invalid JSON: %s", c->name, line,
	         off > bol ? off - bol : 1, what);
	return -EINVAL;
}

int spec_parse_tree(struct spec_ctx *c, const char *json, size_t len, yajl_val *out)
{
	cleanup_free char *buf = NULL;
	char errbuf[256];
	yajl_val tree;
	char *nl;
	const char *nul;

	*out = NULL;
	if (!json)
		return spec_fail(c, "no document");
	/* yajl_tree_parse wants a NUL-terminated string */
	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, json, len);
	buf[len] = '\0';
	nul = memchr(buf, '\0', len);
	if (nul)
		return spec_fail_syntax(c, buf, (size_t)(nul - buf) + 1, "embedded NUL byte");
	if (spec_has_escaped_nul(buf))
		return spec_fail(c, "invalid JSON: a string contains \\u0000 (a NUL byte)");

	errbuf[0] = '\0';
	tree = yajl_tree_parse(buf, errbuf, sizeof(errbuf));
	if (!tree) {
		if (strstr(errbuf, "memory"))
			return -ENOMEM;
		/* yajl's message spans lines; keep the first one */
		nl = strchr(errbuf, '\n');
		if (nl)
			*nl = '\0';
		return spec_fail_syntax(c, buf, spec_error_offset(buf, len),
		                        errbuf[0] ? errbuf : "parse error");
	}
	if (!YAJL_IS_OBJECT(tree)) {
		yajl_tree_free(tree);
		return spec_fail(c, "expected a JSON object");
	}
	*out = tree;
	return 0;
}

int spec_parse_doc(const char *json, size_t len, const char *name, struct spec_error *err,
                   size_t size, spec_fill_fn fill, void (*release)(void *obj), void **out)
{
	cleanup_yajl yajl_val tree = NULL;
	struct spec_ctx c;
	void *obj;
	int r;

	*out = NULL;
	spec_ctx_init(&c, name, err);
	r = spec_parse_tree(&c, json, len, &tree);
	if (r < 0)
		return r;
	obj = calloc(1, size);
	if (!obj)
		return -ENOMEM;
	r = fill(&c, tree, obj);
	if (r < 0) {
		release(obj);
		return r;
	}
	*out = obj;
	return 0;
}

size_t spec_path_push_key(struct spec_ctx *c, const char *key)
{
	size_t mark = c->path_len;
	int n;

	n = snprintf(c->path + mark, sizeof(c->path) - mark, "%s%s", mark ? "." : "", key);
	if (n < 0 || (size_t)n >= sizeof(c->path) - mark)
		c->path_len = sizeof(c->path) - 1;
	else
		c->path_len = mark + (size_t)n;
	return mark;
}

size_t spec_path_push_index(struct spec_ctx *c, size_t i)
{
	size_t mark = c->path_len;
	int n;

	n = snprintf(c->path + mark, sizeof(c->path) - mark, "[%zu]", i);
	if (n < 0 || (size_t)n >= sizeof(c->path) - mark)
		c->path_len = sizeof(c->path) - 1;
	else
		c->path_len = mark + (size_t)n;
	return mark;
}

void spec_path_pop(struct spec_ctx *c, size_t mark)
{
	c->path_len = mark;
	c->path[mark] = '\0';
}

yajl_val spec_field(yajl_val obj, const char *key)
{
	size_t i;

	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	/* the last of duplicated keys wins, as with Go's encoding/json */
	for (i = obj->u.object.len; i-- > 0;) {
		if (strcmp(obj->u.object.keys[i], key) == 0) {
			yajl_val v = obj->u.object.values[i];
			return YAJL_IS_NULL(v) ? NULL : v;
		}
	}
	return NULL;
}

int spec_require(struct spec_ctx *c, yajl_val obj, const char *key)
{
	if (!spec_field(obj, key))
		return spec_fail_at(c, key, "required field missing");
	return 0;
}

int spec_alloc_array(size_t n, size_t size, void **out)
{
	*out = NULL;
	if (n == 0)
		return 0;
	*out = calloc(n, size);
	return *out ? 0 : -ENOMEM;
}

/* ---- value getters ---- */

int spec_val_object(struct spec_ctx *c, yajl_val v)
{
	return YAJL_IS_OBJECT(v) ? 0 : spec_fail(c, "expected an object");
}

int spec_val_array(struct spec_ctx *c, yajl_val v)
{
	return YAJL_IS_ARRAY(v) ? 0 : spec_fail(c, "expected an array");
}

int spec_val_string(struct spec_ctx *c, yajl_val v, char **out)
{
	char *s;

	if (!YAJL_IS_STRING(v))
		return spec_fail(c, "expected a string");
	s = strdup(v->u.string);
	if (!s)
		return -ENOMEM;
	free(*out);
	*out = s;
	return 0;
}

int spec_val_bool(struct spec_ctx *c, yajl_val v, bool *out)
{
	if (YAJL_IS_TRUE(v))
		*out = true;
	else if (YAJL_IS_FALSE(v))
		*out = false;
	else
		return spec_fail(c, "expected a boolean");
	return 0;
}

/* Numbers are read from their text so that the full uint64 range survives
 * (yajl's own integer conversion stops at INT64_MAX). */
static bool spec_number_is_integer(yajl_val v)
{
	const char *r;

	if (!YAJL_IS_NUMBER(v))
		return false;
	r = v->u.number.r;
	return r && r[0] && !strpbrk(r, ".eE");
}

int spec_val_u64(struct spec_ctx *c, yajl_val v, uint64_t lo, uint64_t hi, uint64_t *out)
{
	const char *r;
	unsigned long long n;
	char *end;

	if (!spec_number_is_integer(v))
		return spec_fail(c, "expected an integer");
	r = v->u.number.r;
	if (r[0] == '-') {
		/* "-0" is zero; anything else negative is out of range */
		if (strspn(r + 1, "0") == strlen(r + 1) && lo == 0) {
			*out = 0;
			return 0;
		}
		return spec_fail(c, "%s out of range (%" PRIu64 "-%" PRIu64 ")", r, lo, hi);
	}
	errno = 0;
	n = strtoull(r, &end, 10);
	if (*end != '\0')
		return spec_fail(c, "expected an integer");
	if (errno == ERANGE || n < lo || n > hi)
		return spec_fail(c, "%s out of range (%" PRIu64 "-%" PRIu64 ")", r, lo, hi);
	*out = n;
	return 0;
}

int spec_val_i64(struct spec_ctx *c, yajl_val v, int64_t lo, int64_t hi, int64_t *out)
{
	const char *r;
	long long n;
	char *end;

	if (!spec_number_is_integer(v))
		return spec_fail(c, "expected an integer");
	r = v->u.number.r;
	errno = 0;
	n = strtoll(r, &end, 10);
	if (*end != '\0')
		return spec_fail(c, "expected an integer");
	if (errno == ERANGE || n < lo || n > hi)
		return spec_fail(c, "%s out of range (%" PRId64 "-%" PRId64 ")", r, lo, hi);
	*out = n;
	return 0;
}

int spec_val_strv(struct spec_ctx *c, yajl_val v, struct oci_strv *out)
{
	size_t i, n;
	int r;

	if (!YAJL_IS_ARRAY(v))
		return spec_fail(c, "expected an array of strings");
	n = v->u.array.len;
	for (i = 0; i < n; i++)
		if (!YAJL_IS_STRING(v->u.array.values[i]))
			return spec_fail(c, "expected an array of strings");
	spec_strv_clear(out);
	r = spec_alloc_array(n, sizeof(char *), (void **)&out->items);
	if (r < 0)
		return r;
	out->len = n;
	for (i = 0; i < n; i++) {
		out->items[i] = strdup(v->u.array.values[i]->u.string);
		if (!out->items[i])
			return -ENOMEM;
	}
	return 0;
}

int spec_val_kv(struct spec_ctx *c, yajl_val v, struct oci_kv_list *out)
{
	size_t i, n, mark;

	if (!YAJL_IS_OBJECT(v))
		return spec_fail(c, "expected an object with string values");
	n = v->u.object.len;
	for (i = 0; i < n; i++) {
		if (!YAJL_IS_STRING(v->u.object.values[i])) {
			mark = spec_path_push_key(c, v->u.object.keys[i]);
			spec_fail(c, "expected a string");
			spec_path_pop(c, mark);
			return -EINVAL;
		}
	}
	spec_kv_clear(out);
	if (spec_alloc_array(n, sizeof(struct oci_kv), (void **)&out->items) < 0)
		return -ENOMEM;
	out->len = n;
	for (i = 0; i < n; i++) {
		out->items[i].key = strdup(v->u.object.keys[i]);
		out->items[i].value = strdup(v->u.object.values[i]->u.string);
		if (!out->items[i].key || !out->items[i].value)
			return -ENOMEM;
	}
	return 0;
}

void spec_name_list(const struct spec_name *table, char *buf, size_t size)
{
	size_t used = 0;
	int n;

	buf[0] = '\0';
	for (; table->name; table++) {
		n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", table->name);
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
}

int spec_val_name(struct spec_ctx *c, yajl_val v, const struct spec_name *table, int64_t *out)
{
	char list[320];

	if (!YAJL_IS_STRING(v))
		return spec_fail(c, "expected a string");
	if (spec_name_lookup(table, v->u.string, out) == 0)
		return 0;
	spec_name_list(table, list, sizeof(list));
	return spec_fail(c, "invalid value \"%s\" (expected one of %s)", v->u.string, list);
}

int spec_val_abs_path(struct spec_ctx *c, yajl_val v, char **out)
{
	if (!YAJL_IS_STRING(v))
		return spec_fail(c, "expected a string");
	if (v->u.string[0] == '\0')
		return spec_fail(c, "must not be empty");
	if (v->u.string[0] != '/')
		return spec_fail(c, "must be an absolute path");
	return spec_val_string(c, v, out);
}

/* ---- field getters ---- */

#define SPEC_FIELD(c, obj, key, call)                                                              \
	({                                                                                         \
		yajl_val v_ = spec_field((obj), (key));                                            \
		int r_ = 0;                                                                        \
		if (v_) {                                                                          \
			size_t mark_ = spec_path_push_key((c), (key));                             \
			r_ = call;                                                                 \
			spec_path_pop((c), mark_);                                                 \
		}                                                                                  \
		r_;                                                                                \
	})

int spec_get_object(struct spec_ctx *c, yajl_val obj, const char *key, yajl_val *out)
{
	yajl_val v = spec_field(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!YAJL_IS_OBJECT(v))
		return spec_fail_at(c, key, "expected an object");
	*out = v;
	return 0;
}

int spec_get_array(struct spec_ctx *c, yajl_val obj, const char *key, yajl_val *out)
{
	yajl_val v = spec_field(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return spec_fail_at(c, key, "expected an array");
	*out = v;
	return 0;
}

int spec_get_string(struct spec_ctx *c, yajl_val obj, const char *key, char **out)
{
	return SPEC_FIELD(c, obj, key, spec_val_string(c, v_, out));
}

int spec_get_abs_path(struct spec_ctx *c, yajl_val obj, const char *key, char **out)
{
	return SPEC_FIELD(c, obj, key, spec_val_abs_path(c, v_, out));
}

int spec_get_bool(struct spec_ctx *c, yajl_val obj, const char *key, bool *out, bool *has)
{
	int r = SPEC_FIELD(c, obj, key, spec_val_bool(c, v_, out));

	if (r == 0 && has && spec_field(obj, key))
		*has = true;
	return r;
}

int spec_get_u64(struct spec_ctx *c, yajl_val obj, const char *key, uint64_t lo, uint64_t hi,
                 uint64_t *out, bool *has)
{
	int r = SPEC_FIELD(c, obj, key, spec_val_u64(c, v_, lo, hi, out));

	if (r == 0 && has && spec_field(obj, key))
		*has = true;
	return r;
}

int spec_get_i64(struct spec_ctx *c, yajl_val obj, const char *key, int64_t lo, int64_t hi,
                 int64_t *out, bool *has)
{
	int r = SPEC_FIELD(c, obj, key, spec_val_i64(c, v_, lo, hi, out));

	if (r == 0 && has && spec_field(obj, key))
		*has = true;
	return r;
}

int spec_get_u32(struct spec_ctx *c, yajl_val obj, const char *key, uint32_t *out, bool *has)
{
	uint64_t n = 0;
	int r = spec_get_u64(c, obj, key, 0, UINT32_MAX, &n, has);

	if (r == 0 && spec_field(obj, key))
		*out = (uint32_t)n;
	return r;
}

int spec_get_u16(struct spec_ctx *c, yajl_val obj, const char *key, uint16_t *out, bool *has)
{
	uint64_t n = 0;
	int r = spec_get_u64(c, obj, key, 0, UINT16_MAX, &n, has);

	if (r == 0 && spec_field(obj, key))
		*out = (uint16_t)n;
	return r;
}

int spec_get_i32(struct spec_ctx *c, yajl_val obj, const char *key, int32_t *out, bool *has)
{
	int64_t n = 0;
	int r = spec_get_i64(c, obj, key, INT32_MIN, INT32_MAX, &n, has);

	if (r == 0 && spec_field(obj, key))
		*out = (int32_t)n;
	return r;
}

int spec_get_strv(struct spec_ctx *c, yajl_val obj, const char *key, struct oci_strv *out)
{
	return SPEC_FIELD(c, obj, key, spec_val_strv(c, v_, out));
}

int spec_get_kv(struct spec_ctx *c, yajl_val obj, const char *key, struct oci_kv_list *out)
{
	return SPEC_FIELD(c, obj, key, spec_val_kv(c, v_, out));
}

int spec_get_name(struct spec_ctx *c, yajl_val obj, const char *key, const struct spec_name *table,
                  int64_t *out, bool *has)
{
	int r = SPEC_FIELD(c, obj, key, spec_val_name(c, v_, table, out));

	if (r == 0 && has && spec_field(obj, key))
		*has = true;
	return r;
}

void spec_strv_clear(struct oci_strv *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->len && v->items; i++)
		free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->len = 0;
}

void spec_kv_clear(struct oci_kv_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->len && l->items; i++) {
		free(l->items[i].key);
		free(l->items[i].value);
	}
	free(l->items);
	l->items = NULL;
	l->len = 0;
}

int spec_get_object_array(struct spec_ctx *c, yajl_val obj, const char *key, size_t size,
                          spec_item_fn fn, void **items, size_t *n)
{
	size_t i, mark, imark;
	yajl_val arr;
	int r;

	r = spec_get_array(c, obj, key, &arr);
	if (r < 0 || !arr)
		return r;
	r = spec_alloc_array(arr->u.array.len, size, items);
	if (r < 0)
		return r;
	*n = arr->u.array.len;
	mark = spec_path_push_key(c, key);
	for (i = 0; i < arr->u.array.len; i++) {
		yajl_val v = arr->u.array.values[i];

		imark = spec_path_push_index(c, i);
		r = spec_val_object(c, v);
		if (r == 0)
			r = fn(c, NULL, v, (char *)*items + i * size);
		if (r < 0)
			return r; /* keep the path for the caller's message */
		spec_path_pop(c, imark);
	}
	spec_path_pop(c, mark);
	return 0;
}

int spec_get_object_map(struct spec_ctx *c, yajl_val obj, const char *key, size_t size,
                        spec_item_fn fn, void **items, size_t *n)
{
	size_t i, mark, kmark;
	yajl_val map;
	int r;

	r = spec_get_object(c, obj, key, &map);
	if (r < 0 || !map)
		return r;
	r = spec_alloc_array(map->u.object.len, size, items);
	if (r < 0)
		return r;
	*n = map->u.object.len;
	mark = spec_path_push_key(c, key);
	for (i = 0; i < map->u.object.len; i++) {
		yajl_val v = map->u.object.values[i];

		kmark = spec_path_push_key(c, map->u.object.keys[i]);
		r = spec_val_object(c, v);
		if (r == 0)
			r = fn(c, map->u.object.keys[i], v, (char *)*items + i * size);
		if (r < 0)
			return r;
		spec_path_pop(c, kmark);
	}
	spec_path_pop(c, mark);
	return 0;
}
