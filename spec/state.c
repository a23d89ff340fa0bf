/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.json: the OCI state of a container, plus the runtime's private record
 * of it under the "nucleus" key so the file stays a valid OCI state.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "json.h"

static void gen_freep(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}
#define cleanup_gen __attribute__((cleanup(gen_freep)))

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

static int gen_kv_str(yajl_gen g, const char *key, const char *value)
{
	int r = gen_str(g, key);

	if (r < 0)
		return r;
	return gen_str(g, value ? value : "");
}

static int gen_public_fields(yajl_gen g, const struct oci_state *st)
{
	size_t i;
	int r;

	if ((r = gen_kv_str(g, "ociVersion",
	                    st->oci_version ? st->oci_version : OCI_SPEC_VERSION)) < 0 ||
	    (r = gen_kv_str(g, "id", st->id)) < 0 || (r = gen_kv_str(g, "status", st->status)) < 0)
		return r;
	if ((r = gen_str(g, "pid")) < 0 || (r = gen_check(yajl_gen_integer(g, st->pid))) < 0)
		return r;
	if ((r = gen_kv_str(g, "bundle", st->bundle)) < 0)
		return r;
	if (st->annotations.len > 0) {
		if ((r = gen_str(g, "annotations")) < 0 ||
		    (r = gen_check(yajl_gen_map_open(g))) < 0)
			return r;
		for (i = 0; i < st->annotations.len; i++)
			if ((r = gen_kv_str(g, st->annotations.items[i].key,
			                    st->annotations.items[i].value)) < 0)
				return r;
		if ((r = gen_check(yajl_gen_map_close(g))) < 0)
			return r;
	}
	return 0;
}

static int gen_private_fields(yajl_gen g, const struct oci_state *st)
{
	char num[24];
	int r, n;

	/* As an unsigned number: yajl_gen_integer takes a long long, and a value
	 * above INT64_MAX (which the parser accepts) would come back negative. */
	n = snprintf(num, sizeof num, "%" PRIu64, st->pid_start_time);
	if ((r = gen_str(g, "nucleus")) < 0 || (r = gen_check(yajl_gen_map_open(g))) < 0 ||
	    (r = gen_str(g, "pidStartTime")) < 0 ||
	    (r = gen_check(yajl_gen_number(g, num, (size_t)n))) < 0)
		return r;
	if (st->created && (r = gen_kv_str(g, "created", st->created)) < 0)
		return r;
	if (st->rootfs && (r = gen_kv_str(g, "rootfs", st->rootfs)) < 0)
		return r;
	if (st->cgroup_path && (r = gen_kv_str(g, "cgroupPath", st->cgroup_path)) < 0)
		return r;
	if (st->owner && (r = gen_kv_str(g, "owner", st->owner)) < 0)
		return r;
	if ((r = gen_str(g, "systemdCgroup")) < 0 ||
	    (r = gen_check(yajl_gen_bool(g, st->systemd_cgroup))) < 0)
		return r;
	return gen_check(yajl_gen_map_close(g));
}

static int state_emit(const struct oci_state *st, bool with_private, char **out, size_t *out_len)
{
	cleanup_gen yajl_gen g = NULL;
	const unsigned char *buf;
	size_t len;
	char *copy;
	int r;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	if (!st)
		return -EINVAL;
	g = yajl_gen_alloc(NULL);
	if (!g)
		return -ENOMEM;
	if (!with_private) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, "  ");
	}
	if ((r = gen_check(yajl_gen_map_open(g))) < 0 || (r = gen_public_fields(g, st)) < 0)
		return r;
	if (with_private && (r = gen_private_fields(g, st)) < 0)
		return r;
	if ((r = gen_check(yajl_gen_map_close(g))) < 0 ||
	    (r = gen_check(yajl_gen_get_buf(g, &buf, &len))) < 0)
		return r;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	*out = copy;
	if (out_len)
		*out_len = len;
	return 0;
}

int oci_state_emit(const struct oci_state *st, char **out, size_t *out_len)
{
	return state_emit(st, true, out, out_len);
}

int oci_state_emit_public(const struct oci_state *st, char **out, size_t *out_len)
{
	return state_emit(st, false, out, out_len);
}

static int parse_private(struct spec_ctx *c, yajl_val v, struct oci_state *st)
{
	int r;

	if ((r = spec_get_u64(c, v, "pidStartTime", 0, UINT64_MAX, &st->pid_start_time, NULL)) <
	        0 ||
	    (r = spec_get_string(c, v, "created", &st->created)) < 0 ||
	    (r = spec_get_string(c, v, "rootfs", &st->rootfs)) < 0 ||
	    (r = spec_get_string(c, v, "cgroupPath", &st->cgroup_path)) < 0 ||
	    (r = spec_get_string(c, v, "owner", &st->owner)) < 0 ||
	    (r = spec_get_bool(c, v, "systemdCgroup", &st->systemd_cgroup, NULL)) < 0)
		return r;
	return 0;
}

static int parse_state(struct spec_ctx *c, yajl_val v, struct oci_state *st)
{
	int64_t pid = 0;
	int r;

	if ((r = spec_require(c, v, "ociVersion")) < 0 || (r = spec_require(c, v, "id")) < 0 ||
	    (r = spec_require(c, v, "status")) < 0 ||
	    (r = spec_get_string(c, v, "ociVersion", &st->oci_version)) < 0 ||
	    (r = spec_get_string(c, v, "id", &st->id)) < 0 ||
	    (r = spec_get_string(c, v, "status", &st->status)) < 0 ||
	    (r = spec_get_i64(c, v, "pid", 0, INT32_MAX, &pid, NULL)) < 0 ||
	    (r = spec_get_string(c, v, "bundle", &st->bundle)) < 0 ||
	    (r = spec_get_kv(c, v, "annotations", &st->annotations)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "nucleus", parse_private, st)) < 0)
		return r;
	st->pid = (int)pid;
	return 0;
}

void oci_state_free(struct oci_state *st)
{
	if (!st)
		return;
	free(st->oci_version);
	free(st->id);
	free(st->status);
	free(st->bundle);
	spec_kv_clear(&st->annotations);
	free(st->created);
	free(st->rootfs);
	free(st->cgroup_path);
	free(st->owner);
	free(st);
}

static int fill_state(struct spec_ctx *c, yajl_val v, void *obj)
{
	return parse_state(c, v, obj);
}

static void release_state(void *obj)
{
	oci_state_free(obj);
}

int oci_state_parse(const char *json, size_t len, const char *name, struct oci_state **out,
                    struct spec_error *err)
{
	void *obj;
	int r = spec_parse_doc(json, len, name, err, sizeof(struct oci_state), fill_state,
	                       release_state, &obj);

	*out = obj;
	return r;
}
