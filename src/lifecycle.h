/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container records: <root>/<id>/ holds state.json (written atomically),
 * exec.fifo while the container is "created", and is itself the lock
 * (flock on the directory fd) that serializes operations on one ID.
 */
#ifndef NUCLEUS_LIFECYCLE_H
#define NUCLEUS_LIFECYCLE_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci_spec.h"

#define EXEC_FIFO_NAME "exec.fifo"
/* Present when the container's cgroup already held processes at create:
 * kill --all and delete --force leave those alone and delete keeps it. */
#define CGROUP_SHARED_MARK "cgroup.shared"
#define STATE_NAME         "state.json"
#define CONFIG_NAME        "config.json" /* the bundle's config.json as it was at create */

struct container {
	int rootfd; /* the --root directory */
	int dirfd;  /* <root>/<id>, locked */
	char *id;
	struct oci_state *state; /* NULL when state.json is missing */
};

int lifecycle_check_id(const char *id, struct nerr *e);
int lifecycle_open_root(const char *root, bool create, int *rootfd, struct nerr *e);
/* Create <root>/<id> (exactly one caller wins) and lock it exclusively. */
int lifecycle_claim(const char *root, const char *id, struct container *c, struct nerr *e);
/* Open and lock an existing container; loads state.json. */
int lifecycle_open(const char *root, const char *id, bool exclusive, struct container *c,
                   struct nerr *e);
void lifecycle_close(struct container *c);
int lifecycle_save(struct container *c, struct nerr *e);
/* Remove <root>/<id> entirely. */
int lifecycle_destroy(struct container *c);
/* Remove the state dir of a container whose state.json cannot be read (for
 * `delete --force`): there is no pid or cgroup to trust, only the dir. */
int lifecycle_discard(const char *root, const char *id, struct nerr *e);

/* The live status: creating, created, running, paused or stopped. */
const char *lifecycle_status(struct container *c);
/* A pidfd for the container's init, verified against its start time; -ESRCH when gone. */
int lifecycle_pidfd(const struct oci_state *st);
/* The config the container was created with (kept in its state dir). */
int lifecycle_load_config(struct container *c, struct oci_config **cfg, struct nerr *e);
/* RFC 3339 time now. */
char *lifecycle_now(void);

#endif
