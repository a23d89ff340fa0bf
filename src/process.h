/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the init and exec both hand to execve: argv, envp, socket-activation fds. */
#ifndef NUCLEUS_PROCESS_H
#define NUCLEUS_PROCESS_H

#include <sys/types.h>

#include "oci_spec.h"

/* The number of socket-activation fds passed to us: LISTEN_FDS, unless a
 * LISTEN_PID names another process; 0 otherwise. */
int process_listen_fds(void);
/* How many fds after stdio the process keeps: the socket-activation fds
 * passed to us, then the --preserve-fds ones; at least the N of a
 * LISTEN_FDS=N already in the process's env (the engine passed them). */
int process_kept_fds(const struct oci_strv *env, int listen_fds, int preserve_fds);
/* NULL-terminated argv for execve. */
char **process_argv(const struct oci_strv *args);
/* NULL-terminated envp for execve.  With listen_fds > 0, LISTEN_FDS=n and
 * LISTEN_PID are set; LISTEN_PID, when present, is rewritten to our pid,
 * which is the process's own pid after execve. */
char **process_envp(const struct oci_strv *env, int listen_fds);

/* errno as runc words it where engines match the text ("permission
 * denied", "no such file or directory"): lower case, Go's wording. */
const char *process_errno_text(int err);

/* Wait for a child and give the status a shell would: its exit code, or
 * 128+signal when a signal ended it; 255 when it cannot be waited for. */
int process_wait_exit_code(pid_t pid);

#endif
