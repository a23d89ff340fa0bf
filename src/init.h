/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's init: the fixed list of setup steps run inside the new namespaces. */
#ifndef NUCLEUS_INIT_H
#define NUCLEUS_INIT_H

#include <stdbool.h>

#include "oci_spec.h"
#include "seccomp_filter.h"

struct init_args {
	const struct oci_config *cfg;
	const char *rootfs;	  /* absolute host path */
	int sync_fd;		  /* our end of the socketpair */
	int fifo_fd;		  /* O_PATH fd of exec.fifo; -1 for none */
	int ns_fds[OCI_NS_COUNT]; /* namespaces to join (path given), -1 otherwise */
	unsigned long unshare_flags; /* namespaces still to create in the child */
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	int *prepared_mounts; /* detached mounts made by the parent, one per mount or NULL */
	int listen_fds;	  /* socket activation: fds 3.. passed first (LISTEN_FDS) */
	const struct seccomp_prog *seccomp; /* compiled by the parent; NULL: none */
	char **exec_argv; /* built by the init before seccomp */
	char **exec_env;  /* process env, with LISTEN_FDS/LISTEN_PID when activated */
};

/* Never returns: execs the process or reports an error and exits. */
__attribute__((noreturn)) void init_main(struct init_args *a);

#endif
