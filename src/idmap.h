/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Idmapped bind mounts (idmap, ridmap), made in the parent before the init is cloned. */
#ifndef NUCLEUS_IDMAP_H
#define NUCLEUS_IDMAP_H

#include <stdbool.h>

#include "error.h"
#include "mount_opts.h"
#include "oci_spec.h"

/* Whether m has an idmap or ridmap option (before the options are parsed). */
bool idmap_wanted(const struct oci_mount *m);
/* A detached clone of m's source, idmapped with the mount's (or the
 * container's) mappings; returns its fd. */
int idmap_clone(const struct oci_config *cfg, const struct oci_mount *m,
                const struct mount_plan *pl, struct nerr *e);

#endif
