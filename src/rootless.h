/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running without root: when the runtime is rootless, where its state goes,
 * what it does when it may not make a cgroup, and how the processes of a
 * container without a cgroup are found.
 */
#ifndef NUCLEUS_ROOTLESS_H
#define NUCLEUS_ROOTLESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci_spec.h"

/* --rootless auto|true|false */
enum rootless_mode { ROOTLESS_AUTO, ROOTLESS_TRUE, ROOTLESS_FALSE };
int rootless_parse_mode(const char *s, enum rootless_mode *out, struct nerr *e);

/* Whether the caller is in a user namespace other than the host's. */
bool rootless_in_user_ns(void);
/* auto: euid != 0, or a user namespace that does not own the host. */
bool rootless_detect(enum rootless_mode m);
/* Whether state goes under $XDG_RUNTIME_DIR (set, and not root of the host
 * or a "root" user of a user namespace). */
bool rootless_use_xdg_runtime_dir(void);

/* The first resource limit the config asks for ("linux.resources.memory"),
 * or NULL: device rules do not count, rootless containers cannot have them
 * enforced and get the host's device permissions anyway. */
const char *rootless_first_limit(const struct oci_resources *res);

/*
 * cgroup_create failed with err for a rootless container: with no limits
 * asked for, remove what was made, free *path and go on without a cgroup
 * (returns 0); otherwise an error naming cgroups, the limit and the missing
 * permission.  Errors other than a permission error are returned as they are.
 */
int rootless_cgroup_fallback(char **path, const struct oci_resources *res, int err, struct nerr *e);

/* The owner shown by `list`: "" for root (shown as root), else the user's name. */
char *rootless_owner_name(void);

/* An error naming the command when a container has no cgroup (made rootless
 * where cgroups could not be used); 0 when it has one. */
int rootless_need_cgroup(const char *id, const char *cgroup_path, const char *what, struct nerr *e);

/* The processes of a container that has no cgroup: those in the pid
 * namespace of its init when it has one of its own, else the init alone. */
int rootless_container_pids(pid_t init, pid_t **pids, size_t *n, struct nerr *e);
/* Signal every one of them (kill --all, delete --force without a cgroup). */
int rootless_kill_all(pid_t init, int sig, struct nerr *e);

#endif
