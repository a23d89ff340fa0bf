/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checkpoint and restore through CRIU (libcriu, loaded when first needed):
 * what runc and crun tell CRIU about a container (its external bind mounts,
 * masked paths, namespaces given by path, cgroup), the dump and pre-dump,
 * and the restore of a dump as a new container.
 */
#ifndef NUCLEUS_CHECKPOINT_H
#define NUCLEUS_CHECKPOINT_H

#include <stdbool.h>
#include <sys/types.h>

#include "cli.h"
#include "lifecycle.h"

/* The options runc's checkpoint and restore share. */
struct cr_common_opts {
	const char *image_path;          /* default "checkpoint" in the current directory */
	const char *work_path;           /* logs; default: the image path */
	const char *manage_cgroups_mode; /* soft (default), full, strict or ignore */
	bool tcp_established;
	bool ext_unix_sk;
	bool shell_job;
	bool file_locks;
};

struct checkpoint_opts {
	struct cr_common_opts cr;
	const char *parent_path; /* relative to the image path */
	unsigned empty_ns;       /* CLONE_NEW* of namespaces whose properties are not dumped */
	bool leave_running;
	bool pre_dump;
	bool auto_dedup;
};

struct restore_opts {
	struct cr_common_opts cr;
	const char *id;
	const char *bundle; /* NULL: current directory */
	const char *pid_file;
	const char *console_socket;
	bool detach;
	bool no_pivot;
	bool no_subreaper;
};

/* 0, or -ENOTSUP naming the missing piece when this build has no CRIU. */
int checkpoint_check_built(struct nerr *e);
/* Dump a running (or paused) container.  Unless leave_running or pre_dump,
 * CRIU stops its processes and the container is deleted, as with runc. On
 * failure the message carries CRIU's own reason and the container is as it was. */
int checkpoint_container(struct globals *g, struct container *c, const struct checkpoint_opts *o,
                         struct nerr *e);
/* Restore a dump as the container o->id, running; *pid is its init, a child
 * of the caller.  On failure nothing is left: no state, cgroup or process. */
int restore_container(struct globals *g, const struct restore_opts *o, struct container *c,
                      pid_t *pid, struct nerr *e);

#endif
