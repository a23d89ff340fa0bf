/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The id maps of a container's new user namespace, as root or as an unprivileged user. */
#ifndef NUCLEUS_USERNS_H
#define NUCLEUS_USERNS_H

#include <sys/types.h>

#include "error.h"
#include "oci_spec.h"

/* Write uid_map and gid_map of pid's user namespace from the config: directly
 * as root; as a user, directly (with setgroups denied) when each map is the
 * caller's own single ID, else through newuidmap/newgidmap. */
int userns_write_maps(pid_t pid, const struct oci_linux *lx, struct nerr *e);

#endif
