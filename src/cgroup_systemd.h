/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The systemd cgroup driver, private to the cgroup module: a container's
 * cgroup is a transient scope unit made through systemd's D-Bus API
 * (sd-bus), with Delegate=yes, and the resources systemd has unit
 * properties for are given to systemd, so a daemon-reload keeps them.
 * What systemd has no property for is left in *rest for the cgroupfs
 * drivers to write.  Built when configure finds libsystemd; without it
 * every operation but cg_systemd_path fails with ENOTSUP.
 */
#ifndef NUCLEUS_CGROUP_SYSTEMD_H
#define NUCLEUS_CGROUP_SYSTEMD_H

#include "cgroup_fs.h"

/* The slice systemd puts a scope in when cgroupsPath names none. */
#define CG_SYSTEMD_DEFAULT_SLICE "system.slice"
/* The prefix of the scope's name when cgroupsPath is empty. */
#define CG_SYSTEMD_DEFAULT_PREFIX "nucleus-oci"

/* runc's "slice:prefix:name" (empty: ":nucleus-oci:<id>") as the cgroup
 * path of the scope: "a-b.slice:p:n" is /a.slice/a-b.slice/p-n.scope. */
int cg_systemd_path(const char *cgroups_path, const char *id, char **out, struct nerr *e);

/* Whether this build has the driver (libsystemd). */
bool cg_systemd_built(void);

/* Start the scope named by path's last component in the slice named by the
 * component before it, holding pid, with Delegate=yes, the resources
 * systemd has properties for and the device rules (the defaults added);
 * waits for systemd's job.  *rest is res without what systemd took. */
int cg_systemd_start(const struct cg_layout *l, const char *path, pid_t pid,
                     const struct oci_resources *res, const struct oci_device_rule *rules,
                     size_t n_rules, struct oci_resources *rest, struct nerr *e);
/* Set new resources on the running scope (kept as runtime drop-ins, so a
 * daemon-reload applies them again); *rest as for cg_systemd_start. */
int cg_systemd_update(const struct cg_layout *l, const char *path, const struct oci_resources *res,
                      struct oci_resources *rest, struct nerr *e);
/* Stop the scope and forget a failed one; a unit already gone is success. */
int cg_systemd_stop(const char *path, struct nerr *e);

#endif
