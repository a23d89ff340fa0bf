/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Confinement of the container process, in the order that works: rlimits,
 * fd hygiene, cwd, bounding set, user, capabilities, no_new_privs, Landlock,
 * seccomp. */
#ifndef NUCLEUS_SECURITY_H
#define NUCLEUS_SECURITY_H

#include <stddef.h>

#include "error.h"
#include "oci_spec.h"
#include "seccomp_filter.h"

/* What is compiled or opened early (as root, inside the container) and
 * enforced late. */
struct security_plan {
	bool has_seccomp;
	struct seccomp_prog seccomp;
	int landlock_fd; /* -1: no Landlock */
	int trace_sock;  /* -1, or the recorder's socket: load the recording filter */
};

int security_apply_rlimits(const struct oci_process *p, struct nerr *e);
/* Build the Landlock ruleset of p (after pivot_root, as root) and take the
 * compiled seccomp filter (NULL: none) for security_confine().  fifo_fd is
 * exec.fifo, which the init must still open for writing (-1 for none). */
int security_prepare(const struct oci_process *p, const struct seccomp_prog *seccomp, int fifo_fd,
                     struct security_plan *plan, struct nerr *e);
/* Close every fd from `from` up except the `keep` ones: nothing the runtime
 * was started with leaks toward the process (CVE-2024-21626). */
void security_close_fds(int from, const int *keep, size_t n_keep);
/* chdir to process.cwd resolved inside the container root, refusing magic
 * links (/proc/self/fd/N) and checking the result is under the root.
 * `tolerate_eacces` for the first try as root, before the user switch. */
int security_enter_cwd(const char *cwd, bool tolerate_eacces, struct nerr *e);
/* Bounding set, user, capabilities, no_new_privs, Landlock, seccomp.
 * *notify_fd gets the seccomp listener fd, or -1. */
int security_confine(const struct oci_process *p, struct security_plan *plan, int *notify_fd,
                     struct nerr *e);

#endif
