/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A seccomp profile as a document of its own: the LinuxSeccomp object of the
 * runtime-spec, read from a file (the base of a recorded profile) and written
 * back (the recorded profile).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "json.h"

static int fill_seccomp(struct spec_ctx *c, yajl_val v, void *obj)
{
	return spec_parse_seccomp(c, v, obj);
}

static void release_seccomp(void *obj)
{
	oci_seccomp_free(obj);
}

int oci_seccomp_parse(const char *json, size_t len, const char *name, struct oci_seccomp **out,
                      struct spec_error *err)
{
	void *obj;
	int r = spec_parse_doc(json, len, name, err, sizeof(struct oci_seccomp), fill_seccomp,
	                       release_seccomp, &obj);

	*out = obj;
	return r;
}

static void gen_freep(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}

static int gen_check(yajl_gen_status s)
{
	if (s == yajl_gen_status_ok)
		return 0;
	return s == yajl_gen_invalid_string ? -EINVAL : -ENOMEM;
}

static int gen_str(yajl_gen g, const char *s)
{
	return gen_check(yajl_gen_string(g, (const unsigned char *)s, strlen(s)));
}

static int gen_u64(yajl_gen g, const char *key, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%" PRIu64, v);
	int r = gen_str(g, key);

	return r < 0 ? r : gen_check(yajl_gen_number(g, num, (size_t)n));
}

static int gen_strv(yajl_gen g, const char *key, const struct oci_strv *v)
{
	int r = gen_str(g, key);

	if (r == 0)
		r = gen_check(yajl_gen_array_open(g));
	for (size_t i = 0; r == 0 && i < v->len; i++)
		r = gen_str(g, v->items[i]);
	return r < 0 ? r : gen_check(yajl_gen_array_close(g));
}

static int gen_arg(yajl_gen g, const struct oci_seccomp_arg *a)
{
	int r = gen_check(yajl_gen_map_open(g));

	if (r == 0)
		r = gen_u64(g, "index", a->index);
	if (r == 0)
		r = gen_u64(g, "value", a->value);
	if (r == 0 && a->value_two)
		r = gen_u64(g, "valueTwo", a->value_two);
	if (r == 0)
		r = gen_str(g, "op");
	if (r == 0)
		r = gen_str(g, spec_seccomp_op_names[a->op].name);
	return r < 0 ? r : gen_check(yajl_gen_map_close(g));
}

static int gen_syscall(yajl_gen g, const struct oci_seccomp_syscall *s)
{
	int r = gen_check(yajl_gen_map_open(g));

	if (r == 0)
		r = gen_strv(g, "names", &s->names);
	if (r == 0)
		r = gen_str(g, "action");
	if (r == 0)
		r = gen_str(g, spec_seccomp_action_names[s->action].name);
	if (r == 0 && s->has_errno_ret)
		r = gen_u64(g, "errnoRet", s->errno_ret);
	if (r == 0 && s->n_args) {
		r = gen_str(g, "args");
		if (r == 0)
			r = gen_check(yajl_gen_array_open(g));
		for (size_t i = 0; r == 0 && i < s->n_args; i++)
			r = gen_arg(g, &s->args[i]);
		if (r == 0)
			r = gen_check(yajl_gen_array_close(g));
	}
	return r < 0 ? r : gen_check(yajl_gen_map_close(g));
}

static int gen_seccomp(yajl_gen g, const struct oci_seccomp *s)
{
	int r = gen_check(yajl_gen_map_open(g));

	if (r == 0)
		r = gen_str(g, "defaultAction");
	if (r == 0)
		r = gen_str(g, spec_seccomp_action_names[s->default_action].name);
	if (r == 0 && s->has_default_errno_ret)
		r = gen_u64(g, "defaultErrnoRet", s->default_errno_ret);
	if (r == 0)
		r = gen_strv(g, "architectures", &s->architectures);
	if (r == 0 && s->flags.len)
		r = gen_strv(g, "flags", &s->flags);
	if (r == 0 && s->listener_path && (r = gen_str(g, "listenerPath")) == 0)
		r = gen_str(g, s->listener_path);
	if (r == 0 && s->listener_metadata && (r = gen_str(g, "listenerMetadata")) == 0)
		r = gen_str(g, s->listener_metadata);
	if (r == 0)
		r = gen_str(g, "syscalls");
	if (r == 0)
		r = gen_check(yajl_gen_array_open(g));
	for (size_t i = 0; r == 0 && i < s->n_syscalls; i++)
		r = gen_syscall(g, &s->syscalls[i]);
	if (r == 0)
		r = gen_check(yajl_gen_array_close(g));
	return r < 0 ? r : gen_check(yajl_gen_map_close(g));
}

int oci_seccomp_emit(const struct oci_seccomp *s, char **out, size_t *out_len)
{
	__attribute__((cleanup(gen_freep))) yajl_gen g = NULL;
	const unsigned char *buf;
	size_t len;
	int r;

	*out = NULL;
	g = yajl_gen_alloc(NULL);
	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	r = gen_seccomp(g, s);
	if (r == 0)
		r = gen_check(yajl_gen_get_buf(g, &buf, &len));
	if (r < 0)
		return r;
	*out = malloc(len + 2);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, buf, len);
	(*out)[len++] = '\n';
	(*out)[len] = '\0';
	if (out_len)
		*out_len = len;
	return 0;
}
