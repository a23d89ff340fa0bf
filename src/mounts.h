/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's filesystem: rootfs, mounts, devices, pivot_root, masked and read-only paths. */
#ifndef NUCLEUS_MOUNTS_H
#define NUCLEUS_MOUNTS_H

#include <stdbool.h>

#include "error.h"
#include "mount_opts.h"
#include "oci_spec.h"

/* Make / private (or per rootfsPropagation), bind the rootfs on itself and
 * mount everything in cfg->mounts and the devices; *rootfd is an O_PATH fd
 * of the rootfs mount.  prepared (NULL or one fd per mount, -1 for none)
 * holds detached mounts made by the parent (idmapped binds): they are
 * attached in place of a bind of the source.  Runs inside the new mount namespace. */
/* Does the config mount a tmpfs on /dev (where the default nodes are made)? */
bool mounts_dev_is_tmpfs(const struct oci_config *cfg);
int mounts_setup(const struct oci_config *cfg, const char *rootfs, const int *prepared, int *rootfd,
                 struct nerr *e);
/* pivot_root into rootfd (or MS_MOVE + chroot with no_pivot). */
int mounts_enter_root(const struct oci_config *cfg, int rootfd, const char *rootfs, bool no_pivot,
                      struct nerr *e);
/* After entering the root: masked paths, read-only paths, root.readonly, then
 * rootfsPropagation on the new /. */
int mounts_finalize(const struct oci_config *cfg, struct nerr *e);

/* In the parent, before the init is cloned: one detached mount per idmap/ridmap
 * mount in cfg (open_tree + mount_setattr MOUNT_ATTR_IDMAP) and, with a user
 * namespace, per bind (the init in the user namespace may not reach the source).
 * *fds gets n_mounts fds (-1 where none) or NULL when there is none. */
int mounts_prepare(const struct oci_config *cfg, int **fds, struct nerr *e);
void mounts_close_prepared(int *fds, size_t n);

/* Without a mount namespace of its own (mount_hostns.c): the container shares the
 * caller's mount namespace, so only what is under the rootfs may change. */
bool mounts_has_own_ns(const struct oci_config *cfg);
/* Refuse what would reach beyond the rootfs there: maskedPaths, readonlyPaths,
 * root.readonly, rootfsPropagation, --no-pivot. */
int mounts_check_hostns(const struct oci_config *cfg, bool no_pivot, struct nerr *e);
/* In the parent, before the init: note the mounts already under the rootfs (in the
 * state directory dirfd), so that release unmounts exactly what the container added. */
int mounts_hostns_record(int dirfd, const char *rootfs, struct nerr *e);
int mounts_hostns_release(int dirfd, const char *rootfs, struct nerr *e);
/* chroot into rootfd: no pivot_root, no MS_MOVE in the caller's namespace. */
int mounts_enter_root_hostns(int rootfd, const char *rootfs, struct nerr *e);

#endif
