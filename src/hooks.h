/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI lifecycle hooks: state JSON on stdin, args, env, timeout. */
#ifndef NUCLEUS_HOOKS_H
#define NUCLEUS_HOOKS_H

#include "error.h"
#include "oci_spec.h"

/* A memfd holding the public state JSON (status overridden
 * when not NULL), for the hooks' stdin.  Returns the fd or -errno. */
int hooks_state_memfd(const struct oci_state *st, const char *status, struct nerr *e);
/* Run the hooks in order; the first failure stops the list and is returned.
 * kind ("createRuntime", ...) names the list in messages. */
int hooks_run(const struct oci_hook_list *l, const char *kind, int state_fd, struct nerr *e);
/* Run every hook even when some fail (poststop); each failure is reported.
 * Returns the number of failures. */
int hooks_run_all(const struct oci_hook_list *l, const char *kind, int state_fd,
                  void (*report)(const struct nerr *e));

#endif
