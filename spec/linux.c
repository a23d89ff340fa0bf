/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "linux" section of config.json: namespaces, ID mappings, time offsets,
 * devices, seccomp, sysctl, masked/readonly paths, personality, intelRdt,
 * memoryPolicy and netDevices.  linux.resources lives in resources.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

int spec_parse_id_mapping(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_id_mapping *m = item;
	int r;

	if ((r = spec_require(c, v, "containerID")) < 0 || (r = spec_require(c, v, "hostID")) < 0 ||
	    (r = spec_require(c, v, "size")) < 0 ||
	    (r = spec_get_u32(c, v, "containerID", &m->container_id, NULL)) < 0 ||
	    (r = spec_get_u32(c, v, "hostID", &m->host_id, NULL)) < 0 ||
	    (r = spec_get_u32(c, v, "size", &m->size, NULL)) < 0)
		return r;
	return 0;
}

static int parse_namespace(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_namespace *ns = item;
	int64_t type;
	int r;

	if ((r = spec_require(c, v, "type")) < 0 ||
	    (r = spec_get_name(c, v, "type", spec_ns_names, &type, NULL)) < 0 ||
	    (r = spec_get_abs_path(c, v, "path", &ns->path)) < 0)
		return r;
	ns->type = (enum oci_ns_type)type;
	return 0;
}

static int parse_namespaces(struct spec_ctx *c, yajl_val v, struct oci_linux *l)
{
	bool seen[OCI_NS_COUNT] = {false};
	size_t i, mark;
	int r;

	r = spec_get_object_array(c, v, "namespaces", sizeof(struct oci_namespace), parse_namespace,
	                          (void **)&l->namespaces, &l->n_namespaces);
	if (r < 0)
		return r;
	for (i = 0; i < l->n_namespaces; i++) {
		enum oci_ns_type t = l->namespaces[i].type;

		if (!seen[t]) {
			seen[t] = true;
			continue;
		}
		mark = spec_path_push_key(c, "namespaces");
		spec_path_push_index(c, i);
		r = spec_fail_at(c, "type", "duplicate namespace type \"%s\"", oci_ns_type_name(t));
		spec_path_pop(c, mark);
		return r;
	}
	return 0;
}

static int parse_time_offset(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_time_offset *t = item;
	int64_t clock;
	int r;

	if (spec_name_lookup(spec_time_clock_names, key, &clock) < 0)
		return spec_fail(c, "invalid clock (expected one of monotonic, boottime)");
	t->clock_id = (int)clock;
	t->clock = strdup(key);
	if (!t->clock)
		return -ENOMEM;
	if ((r = spec_get_i64(c, v, "secs", INT64_MIN, INT64_MAX, &t->secs, NULL)) < 0 ||
	    (r = spec_get_u32(c, v, "nanosecs", &t->nanosecs, NULL)) < 0)
		return r;
	if (t->nanosecs >= 1000000000U)
		return spec_fail_at(c, "nanosecs", "%u out of range (0-999999999)", t->nanosecs);
	return 0;
}

static int parse_device(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_device *d = item;
	cleanup_free char *type = NULL;
	int r;

	if ((r = spec_require(c, v, "type")) < 0 || (r = spec_require(c, v, "path")) < 0 ||
	    (r = spec_get_string(c, v, "type", &type)) < 0 ||
	    (r = spec_get_abs_path(c, v, "path", &d->path)) < 0)
		return r;
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return spec_fail_at(c, "type", "invalid value \"%s\" (expected one of c, b, u, p)",
		                    type);
	d->type = type[0];
	if (d->type != 'p') {
		if ((r = spec_require(c, v, "major")) < 0 || (r = spec_require(c, v, "minor")) < 0)
			return r;
	}
	if ((r = spec_get_i64(c, v, "major", 0, INT64_MAX, &d->major, NULL)) < 0 ||
	    (r = spec_get_i64(c, v, "minor", 0, INT64_MAX, &d->minor, NULL)) < 0 ||
	    (r = spec_get_u32(c, v, "fileMode", &d->file_mode, &d->has_file_mode)) < 0 ||
	    (r = spec_get_u32(c, v, "uid", &d->uid, &d->has_uid)) < 0 ||
	    (r = spec_get_u32(c, v, "gid", &d->gid, &d->has_gid)) < 0)
		return r;
	return 0;
}

/* ---- seccomp ---- */

static int parse_seccomp_arg(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_seccomp_arg *a = item;
	uint64_t index;
	int64_t op;
	int r;

	if ((r = spec_require(c, v, "index")) < 0 || (r = spec_require(c, v, "value")) < 0 ||
	    (r = spec_require(c, v, "op")) < 0 ||
	    (r = spec_get_u64(c, v, "index", 0, 5, &index, NULL)) < 0 ||
	    (r = spec_get_u64(c, v, "value", 0, UINT64_MAX, &a->value, NULL)) < 0 ||
	    (r = spec_get_u64(c, v, "valueTwo", 0, UINT64_MAX, &a->value_two, NULL)) < 0 ||
	    (r = spec_get_name(c, v, "op", spec_seccomp_op_names, &op, NULL)) < 0)
		return r;
	a->index = (uint32_t)index;
	a->op = (enum oci_seccomp_op)op;
	return 0;
}

static int parse_syscall(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_seccomp_syscall *s = item;
	int64_t action;
	int r;

	if ((r = spec_require(c, v, "names")) < 0 || (r = spec_require(c, v, "action")) < 0 ||
	    (r = spec_get_strv(c, v, "names", &s->names)) < 0 ||
	    (r = spec_get_name(c, v, "action", spec_seccomp_action_names, &action, NULL)) < 0 ||
	    (r = spec_get_u32(c, v, "errnoRet", &s->errno_ret, &s->has_errno_ret)) < 0 ||
	    (r = spec_get_object_array(c, v, "args", sizeof(struct oci_seccomp_arg),
	                               parse_seccomp_arg, (void **)&s->args, &s->n_args)) < 0)
		return r;
	if (s->names.len == 0)
		return spec_fail_at(c, "names", "must not be empty");
	s->action = (enum oci_seccomp_action)action;
	return 0;
}

/* Every entry of the string list obj[key] must be a name in `table`. */
static int check_names(struct spec_ctx *c, const char *key, const struct oci_strv *names,
                       const struct spec_name *table, uint64_t *mask)
{
	size_t i, mark;
	int64_t v;

	for (i = 0; i < names->len; i++) {
		char list[320];

		if (spec_name_lookup(table, names->items[i], &v) == 0) {
			if (mask)
				*mask |= (uint64_t)v;
			continue;
		}
		spec_name_list(table, list, sizeof(list));
		mark = spec_path_push_key(c, key);
		spec_path_push_index(c, i);
		spec_fail(c, "invalid value \"%s\" (expected one of %s)", names->items[i], list);
		spec_path_pop(c, mark);
		return -EINVAL;
	}
	return 0;
}

int spec_parse_seccomp(struct spec_ctx *c, yajl_val v, struct oci_seccomp *s)
{
	uint64_t flags = 0;
	int64_t action;
	int r;

	if ((r = spec_require(c, v, "defaultAction")) < 0 ||
	    (r = spec_get_name(c, v, "defaultAction", spec_seccomp_action_names, &action, NULL)) <
	        0 ||
	    (r = spec_get_u32(c, v, "defaultErrnoRet", &s->default_errno_ret,
	                      &s->has_default_errno_ret)) < 0 ||
	    (r = spec_get_strv(c, v, "architectures", &s->architectures)) < 0 ||
	    (r = check_names(c, "architectures", &s->architectures, spec_seccomp_arch_names,
	                     NULL)) < 0 ||
	    (r = spec_get_strv(c, v, "flags", &s->flags)) < 0 ||
	    (r = check_names(c, "flags", &s->flags, spec_seccomp_flag_names, &flags)) < 0 ||
	    (r = spec_get_string(c, v, "listenerPath", &s->listener_path)) < 0 ||
	    (r = spec_get_string(c, v, "listenerMetadata", &s->listener_metadata)) < 0 ||
	    (r = spec_get_object_array(c, v, "syscalls", sizeof(struct oci_seccomp_syscall),
	                               parse_syscall, (void **)&s->syscalls, &s->n_syscalls)) < 0)
		return r;
	s->default_action = (enum oci_seccomp_action)action;
	s->flags_value = (uint32_t)flags;
	return 0;
}

void oci_seccomp_free(struct oci_seccomp *s)
{
	size_t i;

	if (!s)
		return;
	spec_strv_clear(&s->architectures);
	spec_strv_clear(&s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (i = 0; i < s->n_syscalls && s->syscalls; i++) {
		spec_strv_clear(&s->syscalls[i].names);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
	free(s);
}

/* ---- small optional sections ---- */

static int parse_personality(struct spec_ctx *c, yajl_val v, struct oci_personality *p)
{
	int64_t domain;
	int r;

	if ((r = spec_require(c, v, "domain")) < 0 ||
	    (r = spec_get_name(c, v, "domain", spec_personality_names, &domain, NULL)) < 0 ||
	    (r = spec_get_string(c, v, "domain", &p->domain)) < 0 ||
	    (r = spec_get_strv(c, v, "flags", &p->flags)) < 0)
		return r;
	p->domain_value = (unsigned long)domain;
	return 0;
}

static int parse_intel_rdt(struct spec_ctx *c, yajl_val v, struct oci_intel_rdt *rdt)
{
	int r;

	if ((r = spec_get_string(c, v, "closID", &rdt->clos_id)) < 0 ||
	    (r = spec_get_string(c, v, "l3CacheSchema", &rdt->l3_cache_schema)) < 0 ||
	    (r = spec_get_string(c, v, "memBwSchema", &rdt->mem_bw_schema)) < 0 ||
	    (r = spec_get_strv(c, v, "schemata", &rdt->schemata)) < 0 ||
	    (r = spec_get_bool(c, v, "enableMonitoring", &rdt->enable_monitoring, NULL)) < 0)
		return r;
	return 0;
}

static int parse_memory_policy(struct spec_ctx *c, yajl_val v, struct oci_memory_policy *mp)
{
	uint64_t flags = 0;
	int64_t mode;
	int r;

	if ((r = spec_require(c, v, "mode")) < 0 ||
	    (r = spec_get_name(c, v, "mode", spec_mpol_mode_names, &mode, NULL)) < 0 ||
	    (r = spec_get_string(c, v, "mode", &mp->mode)) < 0 ||
	    (r = spec_get_string(c, v, "nodes", &mp->nodes)) < 0 ||
	    (r = spec_get_strv(c, v, "flags", &mp->flags)) < 0 ||
	    (r = check_names(c, "flags", &mp->flags, spec_mpol_flag_names, &flags)) < 0)
		return r;
	mp->mode_value = (int)mode;
	mp->flags_value = (uint32_t)flags;
	return 0;
}

static int parse_net_device(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_net_device *d = item;
	int r;

	d->host_name = strdup(key);
	if (!d->host_name)
		return -ENOMEM;
	r = spec_get_string(c, v, "name", &d->name);
	if (r < 0)
		return r;
	if (!d->name) {
		d->name = strdup(key);
		if (!d->name)
			return -ENOMEM;
	}
	return 0;
}

/* Allocate *out and parse obj[key] into it when present. */
#define SPEC_PARSE_OPTIONAL(c, v, key, fn, out)                                                    \
	({                                                                                         \
		yajl_val o_;                                                                       \
		int ro_ = spec_get_object((c), (v), (key), &o_);                                   \
		if (ro_ == 0 && o_) {                                                              \
			*(out) = calloc(1, sizeof(**(out)));                                       \
			ro_ = *(out) ? SPEC_PARSE_SUB(c, v, key, fn, *(out)) : -ENOMEM;            \
		}                                                                                  \
		ro_;                                                                               \
	})

/* cgroupsPath is joined under each cgroup mount: ".." would leave it. */
static bool has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return true;
	return false;
}

int spec_parse_linux(struct spec_ctx *c, yajl_val v, struct oci_linux *l)
{
	int64_t prop;
	bool has_prop = false;
	int r;

	if ((r = parse_namespaces(c, v, l)) < 0 ||
	    (r = spec_get_object_array(c, v, "uidMappings", sizeof(struct oci_id_mapping),
	                               spec_parse_id_mapping, (void **)&l->uid_mappings,
	                               &l->n_uid_mappings)) < 0 ||
	    (r = spec_get_object_array(c, v, "gidMappings", sizeof(struct oci_id_mapping),
	                               spec_parse_id_mapping, (void **)&l->gid_mappings,
	                               &l->n_gid_mappings)) < 0 ||
	    (r = spec_get_object_map(c, v, "timeOffsets", sizeof(struct oci_time_offset),
	                             parse_time_offset, (void **)&l->time_offsets,
	                             &l->n_time_offsets)) < 0 ||
	    (r = spec_get_object_array(c, v, "devices", sizeof(struct oci_device), parse_device,
	                               (void **)&l->devices, &l->n_devices)) < 0 ||
	    (r = spec_get_string(c, v, "cgroupsPath", &l->cgroups_path)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "resources", spec_parse_resources, &l->resources)) < 0 ||
	    (r = spec_get_name(c, v, "rootfsPropagation", spec_propagation_names, &prop,
	                       &has_prop)) < 0 ||
	    (r = spec_get_string(c, v, "rootfsPropagation", &l->rootfs_propagation)) < 0 ||
	    (r = SPEC_PARSE_OPTIONAL(c, v, "seccomp", spec_parse_seccomp, &l->seccomp)) < 0 ||
	    (r = spec_get_kv(c, v, "sysctl", &l->sysctl)) < 0 ||
	    (r = spec_get_strv(c, v, "maskedPaths", &l->masked_paths)) < 0 ||
	    (r = spec_get_strv(c, v, "readonlyPaths", &l->readonly_paths)) < 0 ||
	    (r = spec_get_string(c, v, "mountLabel", &l->mount_label)) < 0 ||
	    (r = SPEC_PARSE_OPTIONAL(c, v, "personality", parse_personality, &l->personality)) <
	        0 ||
	    (r = SPEC_PARSE_OPTIONAL(c, v, "intelRdt", parse_intel_rdt, &l->intel_rdt)) < 0 ||
	    (r = SPEC_PARSE_OPTIONAL(c, v, "memoryPolicy", parse_memory_policy,
	                             &l->memory_policy)) < 0 ||
	    (r = spec_get_object_map(c, v, "netDevices", sizeof(struct oci_net_device),
	                             parse_net_device, (void **)&l->net_devices,
	                             &l->n_net_devices)) < 0)
		return r;
	if (l->cgroups_path && has_dotdot(l->cgroups_path))
		return spec_fail_at(c, "cgroupsPath", "\"%s\": must not contain \"..\" components",
		                    l->cgroups_path);
	if (has_prop)
		l->rootfs_propagation_flags = (unsigned long)prop;
	l->present = true;
	return 0;
}

void spec_linux_clear(struct oci_linux *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n_namespaces && l->namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (i = 0; i < l->n_time_offsets && l->time_offsets; i++)
		free(l->time_offsets[i].clock);
	free(l->time_offsets);
	for (i = 0; i < l->n_devices && l->devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	spec_resources_clear(&l->resources);
	free(l->rootfs_propagation);
	oci_seccomp_free(l->seccomp);
	spec_kv_clear(&l->sysctl);
	spec_strv_clear(&l->masked_paths);
	spec_strv_clear(&l->readonly_paths);
	free(l->mount_label);
	if (l->personality) {
		free(l->personality->domain);
		spec_strv_clear(&l->personality->flags);
		free(l->personality);
	}
	if (l->intel_rdt) {
		free(l->intel_rdt->clos_id);
		free(l->intel_rdt->l3_cache_schema);
		free(l->intel_rdt->mem_bw_schema);
		spec_strv_clear(&l->intel_rdt->schemata);
		free(l->intel_rdt);
	}
	if (l->memory_policy) {
		free(l->memory_policy->mode);
		free(l->memory_policy->nodes);
		spec_strv_clear(&l->memory_policy->flags);
		free(l->memory_policy);
	}
	for (i = 0; i < l->n_net_devices && l->net_devices; i++) {
		free(l->net_devices[i].host_name);
		free(l->net_devices[i].name);
	}
	free(l->net_devices);
	memset(l, 0, sizeof(*l));
}
