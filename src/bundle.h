/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An OCI bundle on disk: its directory, config.json and rootfs, as create,
 * run and restore read them. */
#ifndef NUCLEUS_BUNDLE_H
#define NUCLEUS_BUNDLE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "oci_spec.h"

/* Resolve the bundle directory `dir` (NULL: the working directory) into
 * `path`, read its config.json into `raw`/`len` and parse it into `cfg`;
 * process and root.path are required.  On error the caller still frees
 * *raw and *cfg. */
int bundle_load(const char *dir, char path[PATH_MAX], char **raw, size_t *len,
                struct oci_config **cfg, struct nerr *e);
/* root.path, relative to the bundle `path` unless absolute, resolved into
 * `rootfs`; it must be a directory. */
int bundle_rootfs(const char *path, const struct oci_config *cfg, char rootfs[PATH_MAX],
                  struct nerr *e);
/* process.terminal needs a console socket (or a console fd of our own, as
 * run has); a console socket needs process.terminal. */
int bundle_check_terminal(const struct oci_config *cfg, bool socket_given, bool fd_given,
                          struct nerr *e);

#endif
