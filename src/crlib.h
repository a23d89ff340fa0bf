/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libcriu, loaded with dlopen when a checkpoint or restore needs it (no other
 * command pays for mapping it), and what the dump and the restore describe to
 * CRIU the same way: options, bind mounts, masked paths, the config file, and
 * CRIU's own reason when it fails.  Private to checkpoint.c and restore.c.
 */
#ifndef NUCLEUS_CRLIB_H
#define NUCLEUS_CRLIB_H

#include <criu/criu.h>
#include <stdbool.h>

#include "checkpoint.h"
#include "error.h"
#include "oci_spec.h"

/* The libcriu calls used, each criu_local_<name>. */
#define CRLIB_FUNCS(X)                                                                             \
	X(init_opts)                                                                               \
	X(free_opts)                                                                               \
	X(set_service_binary)                                                                      \
	X(set_pid)                                                                                 \
	X(set_images_dir_fd)                                                                       \
	X(set_parent_images)                                                                       \
	X(set_work_dir_fd)                                                                         \
	X(set_leave_running)                                                                       \
	X(set_ext_unix_sk)                                                                         \
	X(set_tcp_established)                                                                     \
	X(set_shell_job)                                                                           \
	X(set_orphan_pts_master)                                                                   \
	X(set_file_locks)                                                                          \
	X(set_track_mem)                                                                           \
	X(set_auto_dedup)                                                                          \
	X(set_log_level)                                                                           \
	X(set_log_file)                                                                            \
	X(set_root)                                                                                \
	X(set_manage_cgroups)                                                                      \
	X(set_manage_cgroups_mode)                                                                 \
	X(set_freeze_cgroup)                                                                       \
	X(add_ext_mount)                                                                           \
	X(add_cg_root)                                                                             \
	X(add_inherit_fd)                                                                          \
	X(add_external)                                                                            \
	X(join_ns_add)                                                                             \
	X(set_notify_cb)                                                                           \
	X(dump)                                                                                    \
	X(pre_dump)                                                                                \
	X(restore_child)

#define CRLIB_FIELD(name) __typeof__(criu_local_##name) *name;

struct crlib {
	void *handle;
	criu_opts *opts;
	char *config_file; /* ours: libcriu before 4.2 does not free it */
	int images_fd, work_fd;
	char log_dir[4096]; /* where CRIU writes its log, for messages */
	char log_name[32];
	CRLIB_FUNCS(CRLIB_FIELD)
	__typeof__(criu_get_orphan_pts_master_fd) *get_orphan_pts_master_fd;
};

/* Load libcriu and start a request; criu_path (the global --criu) or "criu" from PATH. */
int crlib_open(struct crlib *l, const char *criu_path, struct nerr *e);
void crlib_close(struct crlib *l);

/* Images and work directories (created when create_images), the log, the
 * shared flags, the cgroup mode and the config file of org.criu.config. */
int crlib_setup(struct crlib *l, const struct cr_common_opts *o, const struct oci_config *cfg,
                bool create_images, const char *log_name, struct nerr *e);
/* Every bind mount as an external mount: keyed by where it is in the tree at
 * rootfd; the value is the key on dump and the host source (relative to
 * bundle) on restore. */
int crlib_add_bind_mounts(struct crlib *l, const struct oci_config *cfg, int rootfd,
                          const char *bundle, struct nerr *e);
/* Masked files are binds of /dev/null: external, as runc describes them. On
 * dump (rootfd of the container's root) those that exist and are no
 * directory; on restore (rootfd -1) all, mapped to the host's /dev/null. */
int crlib_add_masked_paths(struct crlib *l, const struct oci_config *cfg, int rootfd,
                           struct nerr *e);
/* In a user namespace the device nodes are binds of the host's (devices.c):
 * each is an external mount named by its path, which is also the host's
 * node to bind on restore, as runc describes them.  Nothing otherwise. */
int crlib_add_device_binds(struct crlib *l, const struct oci_config *cfg, struct nerr *e);
/* Set empty_ns (CLONE_NEW* mask) in the request: libcriu has no setter. */
void crlib_set_empty_ns(struct crlib *l, unsigned mask);
/* Fill e for a failed CRIU call: what failed, CRIU's first error from its
 * log, and where the log is. */
int crlib_fail(struct crlib *l, int rc, const char *what, struct nerr *e);
/* `path` with its symlinks resolved inside the tree at rootfd, never leaving
 * it; the part from the first missing component on is kept as written. */
void crlib_resolve_in_root(int rootfd, const char *path, char *out, size_t size);

#endif
