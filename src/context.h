/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The context populator: a host folder handed to the container either as a
 * hardened read-only bind (context=bind) or as a private copy on a tmpfs
 * (context=copy), never letting the container reach a host special file or
 * anything outside the folder.  Also the fd-based tree copy used by tmpcopyup.
 */
#ifndef NUCLEUS_CONTEXT_H
#define NUCLEUS_CONTEXT_H

#include <stdbool.h>

#include "error.h"
#include "mount_opts.h"

#define CONTEXT_DEFAULT_SIZE  (128ULL << 20)
#define CONTEXT_DEFAULT_DEPTH 32
#define CONTEXT_DEFAULT_FILES 100000

struct context_copy_opts {
	const char *label;            /* how errors name the source tree */
	bool strict;                  /* reject special files and symlinks leaving the tree */
	bool skip_secrets;            /* leave out files that look like secrets */
	unsigned long long max_bytes; /* 0: no limit */
	unsigned long long max_depth;
	unsigned long long max_files;
};

/* Copy the tree under srcdir into dstdir through fds only (O_NOFOLLOW at every step),
 * keeping modes, owners, times and hard links. */
int context_copy_tree(int srcdir, int dstdir, const struct context_copy_opts *o, struct nerr *e);

/* True for a name that looks like a secret (.env*, .ssh, *.pem, id_rsa*, ...). */
bool context_name_is_secret(const char *name);

/* context=bind: clone the source with open_tree, harden and validate the clone,
 * then move it onto targetfd.  dest names the mount in errors. */
int context_bind(const char *source, int targetfd, const char *dest, const struct mount_plan *pl,
                 struct nerr *e);
/* context=copy: fill a new tmpfs with the source tree and move it onto targetfd. */
int context_copy(const char *source, int targetfd, const char *dest, const struct mount_plan *pl,
                 struct nerr *e);

#endif
