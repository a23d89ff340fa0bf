/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's init: the fixed list of setup steps run inside the new namespaces. */
#ifndef NUCLEUS_INIT_H
#define NUCLEUS_INIT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#include "oci_spec.h"
#include "seccomp_filter.h"

struct init_args {
	const struct oci_config *cfg;
	const char *rootfs;          /* absolute host path */
	const char *cgroup_path;     /* the container's cgroup */
	bool cgroup_self_join;       /* the init joins its v1 hierarchies itself */
	bool cgroup_in_unified;      /* clone3 put it in its cgroup2 cgroup already */
	int sync_fd;                 /* our end of the socketpair */
	int fifo_fd;                 /* O_PATH fd of exec.fifo; -1 for none */
	int ns_fds[OCI_NS_COUNT];    /* namespaces to join (path given), -1 otherwise */
	unsigned long unshare_flags; /* namespaces still to create in the child */
	bool no_pivot;
	bool tied; /* keep PDEATHSIG until start (run) */
	bool no_new_keyring;
	int preserve_fds;
	int *prepared_mounts; /* detached mounts made by the parent, one per mount or NULL */
	int listen_fds;       /* socket activation: fds 3.. passed first (LISTEN_FDS) */
	const struct seccomp_prog *seccomp; /* compiled by the parent; NULL: none */
	char **exec_argv;                   /* built by the init before seccomp */
	char **exec_env; /* process env, with LISTEN_FDS/LISTEN_PID when activated */
	int console_fd;  /* console socket to send the pty master on; -1 for none */
	int state_fd;    /* memfd with the state for createContainer/startContainer hooks */
	int trace_fd;    /* connected to the syscall recorder; -1 when not recorded */
};

/* Resolve args[0] like execvp would, with the process's PATH, so a missing
 * executable fails with the wording engines match. */
int init_find_executable(const struct oci_process *p, char *out, size_t outsz, struct nerr *e);

/* Never returns: execs the process or reports an error and exits. */
__attribute__((noreturn)) void init_main(struct init_args *a);

#endif
