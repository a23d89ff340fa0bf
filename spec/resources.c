/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runtime-spec LinuxResources object (linux.resources in config.json and
 * the document `update --resources` reads): cgroup device rules, memory, cpu,
 * pids, blockIO, hugepages, network, rdma and the cgroup v2 unified map.
 */
#include <errno.h>
#include <string.h>

#include "json.h"

static int parse_device_rule(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_device_rule *d = item;
	cleanup_free char *type = NULL;
	int r;

	if ((r = spec_require(c, v, "allow")) < 0 ||
	    (r = spec_get_bool(c, v, "allow", &d->allow, NULL)) < 0 ||
	    (r = spec_get_string(c, v, "type", &type)) < 0 ||
	    (r = spec_get_i64(c, v, "major", -1, INT64_MAX, &d->major, &d->has_major)) < 0 ||
	    (r = spec_get_i64(c, v, "minor", -1, INT64_MAX, &d->minor, &d->has_minor)) < 0 ||
	    (r = spec_get_string(c, v, "access", &d->access)) < 0)
		return r;
	d->type = 'a';
	if (type) {
		if (strlen(type) != 1 || !strchr("acb", type[0]))
			return spec_fail_at(c, "type",
			                    "invalid value \"%s\" (expected one of a, c, b)", type);
		d->type = type[0];
	}
	if (d->access && strspn(d->access, "rwm") != strlen(d->access))
		return spec_fail_at(c, "access", "invalid value \"%s\" (expected a subset of rwm)",
		                    d->access);
	return 0;
}

static int parse_memory(struct spec_ctx *c, yajl_val v, struct oci_memory *m)
{
	int r;

	if ((r = spec_get_i64(c, v, "limit", INT64_MIN, INT64_MAX, &m->limit, &m->has_limit)) < 0 ||
	    (r = spec_get_i64(c, v, "reservation", INT64_MIN, INT64_MAX, &m->reservation,
	                      &m->has_reservation)) < 0 ||
	    (r = spec_get_i64(c, v, "swap", INT64_MIN, INT64_MAX, &m->swap, &m->has_swap)) < 0 ||
	    (r = spec_get_i64(c, v, "kernel", INT64_MIN, INT64_MAX, &m->kernel, &m->has_kernel)) <
	        0 ||
	    (r = spec_get_i64(c, v, "kernelTCP", INT64_MIN, INT64_MAX, &m->kernel_tcp,
	                      &m->has_kernel_tcp)) < 0 ||
	    (r = spec_get_u64(c, v, "swappiness", 0, 100, &m->swappiness, &m->has_swappiness)) <
	        0 ||
	    (r = spec_get_bool(c, v, "disableOOMKiller", &m->disable_oom_killer,
	                       &m->has_disable_oom_killer)) < 0 ||
	    (r = spec_get_bool(c, v, "useHierarchy", &m->use_hierarchy, &m->has_use_hierarchy)) <
	        0 ||
	    (r = spec_get_bool(c, v, "checkBeforeUpdate", &m->check_before_update,
	                       &m->has_check_before_update)) < 0)
		return r;
	m->present = true;
	return 0;
}

static int parse_cpu(struct spec_ctx *c, yajl_val v, struct oci_cpu *cpu)
{
	int r;

	if ((r = spec_get_u64(c, v, "shares", 0, UINT64_MAX, &cpu->shares, &cpu->has_shares)) < 0 ||
	    (r = spec_get_i64(c, v, "quota", INT64_MIN, INT64_MAX, &cpu->quota, &cpu->has_quota)) <
	        0 ||
	    (r = spec_get_u64(c, v, "burst", 0, UINT64_MAX, &cpu->burst, &cpu->has_burst)) < 0 ||
	    (r = spec_get_u64(c, v, "period", 0, UINT64_MAX, &cpu->period, &cpu->has_period)) < 0 ||
	    (r = spec_get_i64(c, v, "realtimeRuntime", INT64_MIN, INT64_MAX, &cpu->realtime_runtime,
	                      &cpu->has_realtime_runtime)) < 0 ||
	    (r = spec_get_u64(c, v, "realtimePeriod", 0, UINT64_MAX, &cpu->realtime_period,
	                      &cpu->has_realtime_period)) < 0 ||
	    (r = spec_get_string(c, v, "cpus", &cpu->cpus)) < 0 ||
	    (r = spec_get_string(c, v, "mems", &cpu->mems)) < 0 ||
	    (r = spec_get_i64(c, v, "idle", INT64_MIN, INT64_MAX, &cpu->idle, &cpu->has_idle)) < 0)
		return r;
	cpu->present = true;
	return 0;
}

static int parse_pids(struct spec_ctx *c, yajl_val v, struct oci_pids *p)
{
	int r;

	r = spec_get_i64(c, v, "limit", INT64_MIN, INT64_MAX, &p->limit, &p->has_limit);
	if (r < 0)
		return r;
	p->present = true;
	return 0;
}

static int parse_major_minor(struct spec_ctx *c, yajl_val v, int64_t *major, int64_t *minor)
{
	int r;

	if ((r = spec_require(c, v, "major")) < 0 || (r = spec_require(c, v, "minor")) < 0 ||
	    (r = spec_get_i64(c, v, "major", 0, INT64_MAX, major, NULL)) < 0 ||
	    (r = spec_get_i64(c, v, "minor", 0, INT64_MAX, minor, NULL)) < 0)
		return r;
	return 0;
}

static int parse_weight_device(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_weight_device *w = item;
	int r;

	if ((r = parse_major_minor(c, v, &w->major, &w->minor)) < 0 ||
	    (r = spec_get_u16(c, v, "weight", &w->weight, &w->has_weight)) < 0 ||
	    (r = spec_get_u16(c, v, "leafWeight", &w->leaf_weight, &w->has_leaf_weight)) < 0)
		return r;
	return 0;
}

static int parse_throttle_device(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_throttle_device *t = item;
	int r;

	if ((r = parse_major_minor(c, v, &t->major, &t->minor)) < 0 ||
	    (r = spec_require(c, v, "rate")) < 0 ||
	    (r = spec_get_u64(c, v, "rate", 0, UINT64_MAX, &t->rate, NULL)) < 0)
		return r;
	return 0;
}

static int parse_throttle_list(struct spec_ctx *c, yajl_val v, const char *key,
                               struct oci_throttle_list *l)
{
	return spec_get_object_array(c, v, key, sizeof(struct oci_throttle_device),
	                             parse_throttle_device, (void **)&l->items, &l->len);
}

static int parse_blkio(struct spec_ctx *c, yajl_val v, struct oci_blkio *b)
{
	int r;

	if ((r = spec_get_u16(c, v, "weight", &b->weight, &b->has_weight)) < 0 ||
	    (r = spec_get_u16(c, v, "leafWeight", &b->leaf_weight, &b->has_leaf_weight)) < 0 ||
	    (r = spec_get_object_array(c, v, "weightDevice", sizeof(struct oci_weight_device),
	                               parse_weight_device, (void **)&b->weight_device,
	                               &b->n_weight_device)) < 0 ||
	    (r = parse_throttle_list(c, v, "throttleReadBpsDevice", &b->throttle_read_bps)) < 0 ||
	    (r = parse_throttle_list(c, v, "throttleWriteBpsDevice", &b->throttle_write_bps)) < 0 ||
	    (r = parse_throttle_list(c, v, "throttleReadIOPSDevice", &b->throttle_read_iops)) < 0 ||
	    (r = parse_throttle_list(c, v, "throttleWriteIOPSDevice", &b->throttle_write_iops)) < 0)
		return r;
	b->present = true;
	return 0;
}

static int parse_hugepage_limit(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_hugepage_limit *h = item;
	int r;

	if ((r = spec_require(c, v, "pageSize")) < 0 || (r = spec_require(c, v, "limit")) < 0 ||
	    (r = spec_get_string(c, v, "pageSize", &h->page_size)) < 0 ||
	    (r = spec_get_u64(c, v, "limit", 0, UINT64_MAX, &h->limit, NULL)) < 0)
		return r;
	return 0;
}

static int parse_net_priority(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_net_priority *p = item;
	int r;

	if ((r = spec_require(c, v, "name")) < 0 || (r = spec_require(c, v, "priority")) < 0 ||
	    (r = spec_get_string(c, v, "name", &p->name)) < 0 ||
	    (r = spec_get_u32(c, v, "priority", &p->priority, NULL)) < 0)
		return r;
	return 0;
}

static int parse_network(struct spec_ctx *c, yajl_val v, struct oci_network *n)
{
	int r;

	if ((r = spec_get_u32(c, v, "classID", &n->class_id, &n->has_class_id)) < 0 ||
	    (r = spec_get_object_array(c, v, "priorities", sizeof(struct oci_net_priority),
	                               parse_net_priority, (void **)&n->priorities,
	                               &n->n_priorities)) < 0)
		return r;
	n->present = true;
	return 0;
}

static int parse_rdma(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_rdma_limit *l = item;
	int r;

	l->device = strdup(key);
	if (!l->device)
		return -ENOMEM;
	if ((r = spec_get_u32(c, v, "hcaHandles", &l->hca_handles, &l->has_hca_handles)) < 0 ||
	    (r = spec_get_u32(c, v, "hcaObjects", &l->hca_objects, &l->has_hca_objects)) < 0)
		return r;
	return 0;
}

int spec_parse_resources(struct spec_ctx *c, yajl_val v, struct oci_resources *res)
{
	int r;

	if ((r = spec_get_object_array(c, v, "devices", sizeof(struct oci_device_rule),
	                               parse_device_rule, (void **)&res->devices,
	                               &res->n_devices)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "memory", parse_memory, &res->memory)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "cpu", parse_cpu, &res->cpu)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "pids", parse_pids, &res->pids)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "blockIO", parse_blkio, &res->blkio)) < 0 ||
	    (r = spec_get_object_array(c, v, "hugepageLimits", sizeof(struct oci_hugepage_limit),
	                               parse_hugepage_limit, (void **)&res->hugepage_limits,
	                               &res->n_hugepage_limits)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "network", parse_network, &res->network)) < 0 ||
	    (r = spec_get_object_map(c, v, "rdma", sizeof(struct oci_rdma_limit), parse_rdma,
	                             (void **)&res->rdma, &res->n_rdma)) < 0 ||
	    (r = spec_get_kv(c, v, "unified", &res->unified)) < 0)
		return r;
	res->present = true;
	return 0;
}

void spec_resources_clear(struct oci_resources *res)
{
	size_t i;

	if (!res)
		return;
	for (i = 0; i < res->n_devices && res->devices; i++)
		free(res->devices[i].access);
	free(res->devices);
	free(res->cpu.cpus);
	free(res->cpu.mems);
	free(res->blkio.weight_device);
	free(res->blkio.throttle_read_bps.items);
	free(res->blkio.throttle_write_bps.items);
	free(res->blkio.throttle_read_iops.items);
	free(res->blkio.throttle_write_iops.items);
	for (i = 0; i < res->n_hugepage_limits && res->hugepage_limits; i++)
		free(res->hugepage_limits[i].page_size);
	free(res->hugepage_limits);
	for (i = 0; i < res->network.n_priorities && res->network.priorities; i++)
		free(res->network.priorities[i].name);
	free(res->network.priorities);
	for (i = 0; i < res->n_rdma && res->rdma; i++)
		free(res->rdma[i].device);
	free(res->rdma);
	spec_kv_clear(&res->unified);
	memset(res, 0, sizeof(*res));
}

void oci_resources_free(struct oci_resources *r)
{
	spec_resources_clear(r);
	free(r);
}

static int fill_resources(struct spec_ctx *c, yajl_val v, void *obj)
{
	return spec_parse_resources(c, v, obj);
}

static void release_resources(void *obj)
{
	oci_resources_free(obj);
}

int oci_resources_parse(const char *json, size_t len, const char *name, struct oci_resources **out,
                        struct spec_error *err)
{
	void *obj;
	int r = spec_parse_doc(json, len, name, err, sizeof(struct oci_resources), fill_resources,
	                       release_resources, &obj);

	*out = obj;
	return r;
}
