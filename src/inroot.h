/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths inside the container's tree, resolved from an fd of its root and never leaving it. */
#ifndef NUCLEUS_INROOT_H
#define NUCLEUS_INROOT_H

#include <stdbool.h>

#include "error.h"

/* openat2(RESOLVE_IN_ROOT): returns an fd or -errno (e is left untouched). */
int inroot_open(int rootfd, const char *path, int flags, bool nofollow_last, struct nerr *e);
/* Resolve `path` inside the tree at rootfd, never leaving it, creating
 * missing directories (and the last component as a file when as_file). */
int inroot_mkpath(int rootfd, const char *path, bool as_file, struct nerr *e);

#endif
