/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup2 controllers on a hybrid host: only where needed, and taken back. */
#ifndef NUCLEUS_CGROUP_HYBRID_H
#define NUCLEUS_CGROUP_HYBRID_H

#include "cgroup_fs.h"

/* Before resources are written: hand down what res needs on cgroup2. */
void cg_hybrid_enable(const struct cg_layout *l, const char *path, const struct oci_resources *res);
/* After path was removed: take back controllers no cgroup below uses. */
void cg_hybrid_release(const struct cg_layout *l, const char *path);

#endif
