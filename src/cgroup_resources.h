/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Applying linux.resources to a cgroup, each controller through the driver
 * of the hierarchy that carries it; part of the core, private to the cgroup
 * module.
 */
#ifndef NUCLEUS_CGROUP_RESOURCES_H
#define NUCLEUS_CGROUP_RESOURCES_H

#include "cgroup_fs.h"

/* Apply every resource to the cgroup, each controller by its driver. */
int cg_apply_resources(const struct cg_layout *l, const char *path, const struct oci_resources *res,
                       bool update, struct nerr *e);

#endif
