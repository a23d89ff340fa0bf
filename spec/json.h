/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to spec/: typed access to a yajl tree.  Every getter knows the JSON
 * path of the value it reads so a failure names it exactly, e.g.
 * "config.json: mounts[2].destination: must be an absolute path".
 */
#ifndef NUCLEUS_SPEC_JSON_H
#define NUCLEUS_SPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <yajl/yajl_tree.h>

#include "oci_spec.h"

#define SPEC_PATH_MAX 256

struct spec_ctx {
	struct spec_error *err;
	const char *name; /* document name, first part of every message */
	char path[SPEC_PATH_MAX];
	size_t path_len;
};

/* A name known to the spec and the value it stands for. Tables end with a
 * NULL name. */
struct spec_name {
	const char *name;
	int64_t value;
};

static inline void spec_freep(void *p)
{
	free(*(void **)p);
}
#define cleanup_free __attribute__((cleanup(spec_freep)))

static inline void spec_yajl_freep(yajl_val *v)
{
	if (*v)
		yajl_tree_free(*v);
}
#define cleanup_yajl __attribute__((cleanup(spec_yajl_freep)))

void spec_ctx_init(struct spec_ctx *c, const char *name, struct spec_error *err);

/* Parse `len` bytes of JSON into a tree; the document must be an object. */
int spec_parse_tree(struct spec_ctx *c, const char *json, size_t len, yajl_val *out);

/* One whole document of the model: the tree, a zeroed object of `size`
 * bytes filled by `fill`, released with `release` on failure.  `name`
 * names the document in errors.  *out is the object, or NULL on error. */
typedef int (*spec_fill_fn)(struct spec_ctx *c, yajl_val v, void *obj);
int spec_parse_doc(const char *json, size_t len, const char *name, struct spec_error *err,
                   size_t size, spec_fill_fn fill, void (*release)(void *obj), void **out);

/* Path bookkeeping: push returns a mark that pop restores. */
size_t spec_path_push_key(struct spec_ctx *c, const char *key);
size_t spec_path_push_index(struct spec_ctx *c, size_t i);
void spec_path_pop(struct spec_ctx *c, size_t mark);

/* Fill c->err with "name: path: message" and return -EINVAL. */
int spec_fail(struct spec_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same for a field of the current object that is not pushed yet. */
int spec_fail_at(struct spec_ctx *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The member `key` of an object; NULL when absent or null. */
yajl_val spec_field(yajl_val obj, const char *key);
/* Fails with "required field missing" when `key` is absent or null. */
int spec_require(struct spec_ctx *c, yajl_val obj, const char *key);

/* Value getters: read the value at the current path. */
int spec_val_object(struct spec_ctx *c, yajl_val v);
int spec_val_array(struct spec_ctx *c, yajl_val v);
int spec_val_string(struct spec_ctx *c, yajl_val v, char **out);
int spec_val_bool(struct spec_ctx *c, yajl_val v, bool *out);
int spec_val_u64(struct spec_ctx *c, yajl_val v, uint64_t lo, uint64_t hi, uint64_t *out);
int spec_val_i64(struct spec_ctx *c, yajl_val v, int64_t lo, int64_t hi, int64_t *out);
int spec_val_strv(struct spec_ctx *c, yajl_val v, struct oci_strv *out);
int spec_val_kv(struct spec_ctx *c, yajl_val v, struct oci_kv_list *out);
int spec_val_name(struct spec_ctx *c, yajl_val v, const struct spec_name *table, int64_t *out);
int spec_val_abs_path(struct spec_ctx *c, yajl_val v, char **out);

/* Field getters: read obj[key]; absent or null leaves *out and *has alone. */
int spec_get_object(struct spec_ctx *c, yajl_val obj, const char *key, yajl_val *out);
int spec_get_array(struct spec_ctx *c, yajl_val obj, const char *key, yajl_val *out);
int spec_get_string(struct spec_ctx *c, yajl_val obj, const char *key, char **out);
int spec_get_bool(struct spec_ctx *c, yajl_val obj, const char *key, bool *out, bool *has);
int spec_get_u64(struct spec_ctx *c, yajl_val obj, const char *key, uint64_t lo, uint64_t hi,
                 uint64_t *out, bool *has);
int spec_get_i64(struct spec_ctx *c, yajl_val obj, const char *key, int64_t lo, int64_t hi,
                 int64_t *out, bool *has);
int spec_get_u32(struct spec_ctx *c, yajl_val obj, const char *key, uint32_t *out, bool *has);
int spec_get_u16(struct spec_ctx *c, yajl_val obj, const char *key, uint16_t *out, bool *has);
int spec_get_i32(struct spec_ctx *c, yajl_val obj, const char *key, int32_t *out, bool *has);
int spec_get_strv(struct spec_ctx *c, yajl_val obj, const char *key, struct oci_strv *out);
int spec_get_kv(struct spec_ctx *c, yajl_val obj, const char *key, struct oci_kv_list *out);
int spec_get_name(struct spec_ctx *c, yajl_val obj, const char *key, const struct spec_name *table,
                  int64_t *out, bool *has);
int spec_get_abs_path(struct spec_ctx *c, yajl_val obj, const char *key, char **out);

/* Parse obj[key], an array of objects (or with a map, an object of objects),
 * into a zeroed array of n items of `size` bytes, calling fn on each with the
 * path pointing at it.  `key` passed to fn is the map key, NULL for arrays. */
typedef int (*spec_item_fn)(struct spec_ctx *c, const char *key, yajl_val v, void *item);
int spec_get_object_array(struct spec_ctx *c, yajl_val obj, const char *key, size_t size,
                          spec_item_fn fn, void **items, size_t *n);
int spec_get_object_map(struct spec_ctx *c, yajl_val obj, const char *key, size_t size,
                        spec_item_fn fn, void **items, size_t *n);

/* Parse a sub-object `key` of v with fn, keeping the path right. */
#define SPEC_PARSE_SUB(c, v, key, fn, out)                                                         \
	({                                                                                         \
		yajl_val sub_;                                                                     \
		int r_ = spec_get_object((c), (v), (key), &sub_);                                  \
		if (r_ == 0 && sub_) {                                                             \
			size_t mark_ = spec_path_push_key((c), (key));                             \
			r_ = fn((c), sub_, (out));                                                 \
			if (r_ == 0)                                                               \
				spec_path_pop((c), mark_);                                         \
		}                                                                                  \
		r_;                                                                                \
	})

/* Allocate a zeroed array of n items (n may be 0: returns NULL, 0). */
int spec_alloc_array(size_t n, size_t size, void **out);

void spec_strv_clear(struct oci_strv *v);
void spec_kv_clear(struct oci_kv_list *l);

/* ---- name tables (names.c) ---- */
extern const struct spec_name spec_ns_names[];
extern const struct spec_name spec_rlimit_names[];
extern const struct spec_name spec_sched_policy_names[];
extern const struct spec_name spec_sched_flag_names[];
extern const struct spec_name spec_ioprio_class_names[];
extern const struct spec_name spec_landlock_fs_names[];
extern const struct spec_name spec_landlock_net_names[];
extern const struct spec_name spec_seccomp_action_names[];
extern const struct spec_name spec_seccomp_op_names[];
extern const struct spec_name spec_seccomp_arch_names[];
extern const struct spec_name spec_seccomp_flag_names[];
extern const struct spec_name spec_propagation_names[];
extern const struct spec_name spec_mpol_mode_names[];
extern const struct spec_name spec_mpol_flag_names[];
extern const struct spec_name spec_personality_names[];
extern const struct spec_name spec_time_clock_names[];

/* "a, b, c": the names of a table, for error messages. */
void spec_name_list(const struct spec_name *table, char *buf, size_t size);

/* 0 and *value set when found, -ENOENT otherwise. */
int spec_name_lookup(const struct spec_name *table, const char *name, int64_t *value);

/* ---- shared between the parsers ---- */
int spec_parse_process(struct spec_ctx *c, yajl_val v, struct oci_process *p);
void spec_process_clear(struct oci_process *p);
int spec_parse_resources(struct spec_ctx *c, yajl_val v, struct oci_resources *r);
int spec_parse_seccomp(struct spec_ctx *c, yajl_val v, struct oci_seccomp *s);
void spec_resources_clear(struct oci_resources *r);
int spec_parse_id_mapping(struct spec_ctx *c, const char *key, yajl_val v, void *item);
int spec_parse_linux(struct spec_ctx *c, yajl_val v, struct oci_linux *l);
void spec_linux_clear(struct oci_linux *l);

#endif
