/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Process attributes besides credentials: sysctl, scheduler, I/O priority,
 * CPU affinity, personality; and the checks of LSM fields this kernel lacks. */
#ifndef NUCLEUS_PROCESS_ATTRS_H
#define NUCLEUS_PROCESS_ATTRS_H

#include <sys/types.h>

#include "error.h"
#include "oci_spec.h"

/* Checks that need no process: LSM labels, sysctl keys against the
 * namespaces of the config.  Run by the parent before anything is made. */
int process_attrs_check(const struct oci_config *cfg, struct nerr *e);
/* apparmorProfile and selinuxLabel of one process (also for `exec`). */
int process_attrs_check_lsm(const struct oci_process *p, struct nerr *e);
/* Write linux.sysctl under /proc/sys (inside the container, before
 * readonlyPaths make /proc/sys read-only). */
int process_attrs_apply_sysctl(const struct oci_config *cfg, struct nerr *e);
/* Scheduler, I/O priority and personality of the process-to-be. */
int process_attrs_apply(const struct oci_process *p, const struct oci_personality *pers,
                        struct nerr *e);
/* execCPUAffinity.initial (before joining the cgroup) or .final (after). */
int process_attrs_cpu_affinity(const struct oci_process *p, bool final, struct nerr *e);

/* Write process.oomScoreAdj to /proc/<pid>/oom_score_adj (pid 0: ourselves).
 * Lowering it needs CAP_SYS_RESOURCE: the error says so, with the current value. */
int process_attrs_set_oom_score_adj(pid_t pid, int value, struct nerr *e);

#endif
