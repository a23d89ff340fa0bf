/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Control groups: one interface over the v1, v2 and hybrid layouts, probed at run time. */
#ifndef NUCLEUS_CGROUP_H
#define NUCLEUS_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci_spec.h"

/* The cgroup path of a container: cgroupsPath when absolute, under the
 * root of each hierarchy when relative, /nucleus-oci/<id> when empty. */
char *cgroup_path_for(const char *cgroups_path, const char *id);
/* Create the cgroup in every hierarchy, apply resources, move pid into it. */
int cgroup_create(const char *path, pid_t pid, const struct oci_resources *res, struct nerr *e);
/* Remove the cgroup from every hierarchy (it must be empty). */
int cgroup_destroy(const char *path, struct nerr *e);
/* Signal every process in the cgroup. */
int cgroup_kill_all(const char *path, int sig, struct nerr *e);
bool cgroup_is_frozen(const char *path);
/* exec: move pid (0: the caller) into the container's existing cgroup, in
 * every hierarchy where it exists. */
int cgroup_enter(const char *path, pid_t pid, struct nerr *e);

#endif
