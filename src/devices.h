/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device nodes in the container: the default set, /dev symlinks, linux.devices, /dev/console. */
#ifndef NUCLEUS_DEVICES_H
#define NUCLEUS_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "oci_spec.h"

/* Create the default devices and /dev symlinks (when the config mounts a tmpfs on /dev)
 * and every linux.devices entry, inside the tree at rootfd (before pivot_root). */
int devices_setup(const struct oci_config *cfg, int rootfd, bool dev_tmpfs, struct nerr *e);

/* The i-th node of the default set ("/dev/null", ...), NULL past the last.
 * In a user namespace these and linux.devices are binds of the host's nodes
 * at the same paths. */
const char *devices_default_path(size_t i);

/* Bind the terminal behind ptyfd (a pty slave) onto /dev/console of the tree at rootfd. */
int devices_bind_console(int rootfd, int ptyfd, struct nerr *e);

#endif
