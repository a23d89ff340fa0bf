/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interface of a cgroupfs driver, private to the cgroup module: one
 * table of operations on one controller's directory, filled by the v1
 * driver (cgroup_v1.c) and the v2 driver (cgroup_v2.c, devices through
 * cgroup_bpf.c).  The core picks the table per controller, so on a hybrid
 * host a controller mounted as v1 goes to the v1 driver and one enabled on
 * the unified mount to the v2 driver.  An operation a driver cannot do is
 * NULL.
 */
#ifndef NUCLEUS_CGROUP_DRIVER_H
#define NUCLEUS_CGROUP_DRIVER_H

#include "cgroup_fs.h"

struct cg_driver {
	const char *name; /* "v1", "v2" */
	/* Before a child of parent_dir is made (v2: hand the controllers down). */
	int (*prepare_parent)(const char *parent_dir, struct nerr *e);
	/* After dir was made in hierarchy h (v1 cpuset: copy cpus and mems down). */
	int (*init_dir)(const struct cg_hierarchy *h, const char *dir, struct nerr *e);

	int (*set_memory)(const char *dir, const struct oci_memory *m, bool update, struct nerr *e);
	int (*set_cpu)(const char *dir, const struct oci_cpu *c, struct nerr *e);
	int (*set_blkio)(const char *dir, const struct oci_blkio *b, struct nerr *e);
	int (*set_hugetlb)(const char *dir, const struct oci_hugepage_limit *h, size_t n,
	                   struct nerr *e);
	int (*set_net_cls)(const char *dir, const struct oci_network *n, struct nerr *e);
	int (*set_net_prio)(const char *dir, const struct oci_network *n, struct nerr *e);
	int (*set_unified)(const char *dir, const struct oci_kv_list *u, struct nerr *e);
	/* Replace the device rules (cg_device_rules adds the default ones). */
	int (*set_devices)(const char *dir, const struct oci_device_rule *rules, size_t n,
	                   bool update, struct nerr *e);

	/* Freeze or thaw, waiting until the kernel reports it done. */
	int (*freeze)(const char *dir, bool freeze, struct nerr *e);
	bool (*is_frozen)(const char *dir);

	void (*stats_memory)(const char *dir, struct cgroup_stats *st);
	void (*stats_cpu)(const char *dir, const char *acct_dir, struct cgroup_stats *st);
	void (*stats_blkio)(const char *dir, struct cgroup_stats *st);
};

extern const struct cg_driver cg_driver_v1;
extern const struct cg_driver cg_driver_v2;

/* The driver of a controller's directory. */
static inline const struct cg_driver *cg_driver_of(const struct cg_dir *d)
{
	return d->v2 ? &cg_driver_v2 : &cg_driver_v1;
}

/* The driver of a hierarchy. */
static inline const struct cg_driver *cg_driver_of_hierarchy(const struct cg_hierarchy *h)
{
	return h->v2 ? &cg_driver_v2 : &cg_driver_v1;
}

#endif
