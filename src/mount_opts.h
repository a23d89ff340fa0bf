/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mount options: the table of every option nucleus-oci understands and the parse of one
 * mount's option list into a plan (flags, propagation, recursive attributes, extensions). */
#ifndef NUCLEUS_MOUNT_OPTS_H
#define NUCLEUS_MOUNT_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "oci_spec.h"

enum mount_context_mode { MOUNT_CONTEXT_NONE, MOUNT_CONTEXT_BIND, MOUNT_CONTEXT_COPY };

struct mount_plan {
	unsigned long flags;       /* MS_* to set */
	unsigned long clear;       /* MS_* the options asked to clear (rw, suid, ...) */
	unsigned long propagation; /* MS_SHARED etc., with MS_REC for the r-forms */
	uint64_t rec_set, rec_clr; /* MOUNT_ATTR_* applied with AT_RECURSIVE */
	bool bind, rbind;
	bool idmap, ridmap;
	const char *idmap_spec; /* "uids=0-1000-10#...;gids=..." from idmap=, or NULL */
	bool tmpcopyup, copy_symlink;
	enum mount_context_mode context;
	bool context_secrets;            /* context-secrets=include */
	unsigned long long context_size; /* bytes; 0 = default */
	unsigned long long context_depth;
	unsigned long long context_files;
	char data[4096]; /* the rest, passed to mount(2) for non-bind mounts */
};

/* Parse m->options.  Fails (naming the mount and the option) only on a malformed
 * extension value such as context=foo; unknown options are data or ignored. */
int mount_opts_plan(const struct oci_mount *m, struct mount_plan *pl, struct nerr *e);

/* MS_* propagation flags for "rprivate" etc.; 0 when the name is not one. */
unsigned long mount_opts_propagation(const char *name);

/* NULL-terminated list of every mount option understood (for `features`). */
const char *const *mounts_supported_options(void);

#endif
