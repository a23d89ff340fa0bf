/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Landlock (nucleus-oci extension): process.landlock as a kernel ruleset. */
#ifndef NUCLEUS_LANDLOCK_H
#define NUCLEUS_LANDLOCK_H

#include <stdint.h>

#include "error.h"
#include "oci_spec.h"

/* The running kernel's Landlock ABI version; 0 when Landlock is absent or off. */
int landlock_abi_version(void);
/* The access rights an ABI version knows (LANDLOCK_ACCESS_FS_* / _NET_* bits). */
uint64_t landlock_abi_fs_rights(int abi);
uint64_t landlock_abi_net_rights(int abi);
/* Name of one right ("read_file", "bind_tcp"); NULL for a bit we have no name for. */
const char *landlock_fs_right_name(uint64_t bit);
const char *landlock_net_right_name(uint64_t bit);

/* Build the ruleset: paths are opened inside the container, so call it after
 * pivot_root and before the user switch.  *ruleset_fd is -1 when there is
 * nothing to enforce (best effort on a kernel without the rights asked).
 * fifo_fd (O_PATH of exec.fifo, or -1) stays writable for the init. */
int landlock_prepare(const struct oci_landlock *ll, int fifo_fd, int *ruleset_fd, struct nerr *e);
/* landlock_restrict_self(); needs no_new_privs or CAP_SYS_ADMIN.  Closes the fd. */
int landlock_enforce(int ruleset_fd, struct nerr *e);

#endif
