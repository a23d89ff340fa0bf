/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec: run a process in the namespaces and cgroup of a running container. */
#ifndef NUCLEUS_EXEC_H
#define NUCLEUS_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "lifecycle.h"

struct exec_opts {
	bool detach;
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	bool ignore_paused; /* exec into a paused container (the process waits for resume) */
	/* --cgroup: sub-cgroups of the container's, "[controller:]path" */
	const char *const *cgroups;
	size_t n_cgroups;
};

/* Run p in container c (created with cfg).  Foreground: *status is the
 * process's exit status (128+signal when killed).  Detached: returns once
 * the process has exec'd; it is left to our parent's subreaper. */
int exec_process(struct container *c, const struct oci_config *cfg, const struct oci_process *p,
                 const struct exec_opts *o, int *status, struct nerr *e);
int exec_write_pid_file(const char *path, pid_t pid, struct nerr *e);

#endif
