/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Applying linux.resources: each resource goes to the driver of the
 * hierarchy that carries its controller (v1 or cgroup2), so a hybrid host
 * is handled controller by controller.  A resource asked for on a host
 * without its controller is an error, never silently dropped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_resources.h"

#include "cgroup_driver.h"
#include "util.h"

static bool memory_wanted(const struct oci_memory *m)
{
	return m->has_limit || m->has_reservation || m->has_swap || m->has_kernel ||
	       m->has_kernel_tcp || m->has_swappiness || m->has_disable_oom_killer ||
	       m->has_use_hierarchy;
}

static bool cpu_wanted(const struct oci_cpu *c)
{
	return c->has_shares || c->has_quota || c->has_burst || c->has_period ||
	       c->has_realtime_runtime || c->has_realtime_period || c->has_idle;
}

static bool blkio_wanted(const struct oci_blkio *b)
{
	return b->has_weight || b->has_leaf_weight || b->n_weight_device ||
	       b->throttle_read_bps.len || b->throttle_write_bps.len || b->throttle_read_iops.len ||
	       b->throttle_write_iops.len;
}

static int controller_dir(const struct cg_layout *l, enum cg_controller c, const char *path,
                          const char *field, struct cg_dir *d, struct nerr *e)
{
	if (cg_controller_dir(l, c, path, d) == 0)
		return 0;
	return nerr_set(e, ENOTSUP,
	                "linux.resources.%s: the %s controller is not available on this host "
	                "(cgroup %s)",
	                field, cg_controller_name(c), cgroup_mode_name(l->mode));
}

static int apply_memory_cpu(const struct cg_layout *l, const char *path,
                            const struct oci_resources *res, bool update, struct nerr *e)
{
	struct cg_dir d;
	int r;

	if (memory_wanted(&res->memory)) {
		if ((r = controller_dir(l, CG_MEMORY, path, "memory", &d, e)) < 0)
			return r;
		r = cg_driver_of(&d)->set_memory(d.path, &res->memory, update, e);
		if (r < 0)
			return r;
	}
	if (cpu_wanted(&res->cpu)) {
		if ((r = controller_dir(l, CG_CPU, path, "cpu", &d, e)) < 0)
			return r;
		r = cg_driver_of(&d)->set_cpu(d.path, &res->cpu, e);
		if (r < 0)
			return r;
	}
	if (res->cpu.cpus || res->cpu.mems) {
		if ((r = controller_dir(l, CG_CPUSET, path, "cpu.cpus/mems", &d, e)) < 0)
			return r;
		r = cg_set_cpuset(d.path, &res->cpu, e);
		if (r < 0)
			return r;
	}
	return 0;
}

static int apply_network(const struct cg_layout *l, const char *path, const struct oci_network *n,
                         struct nerr *e)
{
	struct cg_dir d;
	int r;

	if (n->has_class_id) {
		if (cg_controller_dir(l, CG_NET_CLS, path, &d) < 0 ||
		    !cg_driver_of(&d)->set_net_cls)
			return nerr_set(
			    e, ENOTSUP,
			    "linux.resources.network.classID: needs the cgroup v1 net_cls "
			    "controller, which is not mounted on this host");
		if ((r = cg_driver_of(&d)->set_net_cls(d.path, n, e)) < 0)
			return r;
	}
	if (n->n_priorities) {
		if (cg_controller_dir(l, CG_NET_PRIO, path, &d) < 0 ||
		    !cg_driver_of(&d)->set_net_prio)
			return nerr_set(e, ENOTSUP,
			                "linux.resources.network.priorities: needs the cgroup v1 "
			                "net_prio controller, which is not mounted on this host");
		if ((r = cg_driver_of(&d)->set_net_prio(d.path, n, e)) < 0)
			return r;
	}
	return 0;
}

static int apply_others(const struct cg_layout *l, const char *path,
                        const struct oci_resources *res, struct nerr *e)
{
	struct cg_dir d;
	int r;

	if (res->pids.has_limit) {
		if ((r = controller_dir(l, CG_PIDS, path, "pids", &d, e)) < 0)
			return r;
		r = cg_set_pids(d.path, &res->pids, e);
		if (r < 0)
			return r;
	}
	if (blkio_wanted(&res->blkio)) {
		if ((r = controller_dir(l, CG_BLKIO, path, "blockIO", &d, e)) < 0)
			return r;
		r = cg_driver_of(&d)->set_blkio(d.path, &res->blkio, e);
		if (r < 0)
			return r;
	}
	if (res->n_hugepage_limits) {
		if ((r = controller_dir(l, CG_HUGETLB, path, "hugepageLimits", &d, e)) < 0)
			return r;
		r = cg_driver_of(&d)->set_hugetlb(d.path, res->hugepage_limits,
		                                  res->n_hugepage_limits, e);
		if (r < 0)
			return r;
	}
	if (res->n_rdma) {
		if ((r = controller_dir(l, CG_RDMA, path, "rdma", &d, e)) < 0)
			return r;
		if ((r = cg_set_rdma(d.path, res->rdma, res->n_rdma, e)) < 0)
			return r;
	}
	return apply_network(l, path, &res->network, e);
}

int cg_apply_resources(const struct cg_layout *l, const char *path, const struct oci_resources *res,
                       bool update, struct nerr *e)
{
	int r;

	if (!res)
		return 0;
	if ((r = apply_memory_cpu(l, path, res, update, e)) < 0)
		return r;
	if ((r = apply_others(l, path, res, e)) < 0)
		return r;
	if (res->unified.len) {
		char dir[PATH_MAX];
		if (l->unified < 0)
			return nerr_set(
			    e, ENOTSUP,
			    "linux.resources.unified: needs cgroup v2, and this host has "
			    "cgroup v1 only");
		snprintf(dir, sizeof dir, "%s%s", l->h[l->unified].mnt, path);
		if ((r = cg_driver_v2.set_unified(dir, &res->unified, e)) < 0)
			return r;
	}
	return 0;
}
