/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "cgroup" mount type. */
#ifndef NUCLEUS_MOUNT_CGROUP_H
#define NUCLEUS_MOUNT_CGROUP_H

#include "error.h"
#include "mount_opts.h"
#include "oci_spec.h"

/* The cgroup mount at target (an O_PATH fd inside the tree at rootfd): one cgroup2,
 * or a tmpfs with one mount per v1 hierarchy. */
int mount_cgroup_setup(int rootfd, int target, const struct oci_mount *m,
                       const struct mount_plan *pl, struct nerr *e);

#endif
