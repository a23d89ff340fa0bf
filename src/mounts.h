/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's filesystem: rootfs, mounts, devices, pivot_root, masked and read-only paths. */
#ifndef NUCLEUS_MOUNTS_H
#define NUCLEUS_MOUNTS_H

#include <stdbool.h>

#include "error.h"
#include "oci_spec.h"

/* Make / private (or per rootfsPropagation), bind the rootfs on itself and
 * mount everything in cfg->mounts and the devices; *rootfd is an O_PATH fd
 * of the rootfs mount. Runs inside the new mount namespace. */
int mounts_setup(const struct oci_config *cfg, const char *rootfs, int *rootfd, struct nerr *e);
/* pivot_root into rootfd (or MS_MOVE + chroot with no_pivot). */
int mounts_enter_root(int rootfd, const char *rootfs, bool no_pivot, struct nerr *e);
/* After entering the root: masked paths, read-only paths, root.readonly. */
int mounts_finalize(const struct oci_config *cfg, struct nerr *e);

/* Resolve `path` inside the tree at rootfd, never leaving it, creating
 * missing directories (and the last component as a file when as_file). */
int mounts_mkpath_in_root(int rootfd, const char *path, bool as_file, struct nerr *e);
/* openat2(RESOLVE_IN_ROOT) with an O_PATH fallback walk. */
int mounts_open_in_root(int rootfd, const char *path, int flags, bool nofollow_last, struct nerr *e);

#endif
