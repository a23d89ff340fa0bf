/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container operations shared by the commands: create, start, kill, delete. */
#ifndef NUCLEUS_CONTAINER_H
#define NUCLEUS_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "cli.h"
#include "lifecycle.h"

struct create_opts {
	const char *id;
	const char *bundle; /* NULL: current directory */
	const char *pid_file;
	const char *console_socket;
	/* console_fd: where to send the pty master (run, no --console-socket) */
	bool has_console_fd;
	int console_fd;
	bool no_pivot;
	bool no_new_keyring;
	/* run: the init dies with the caller until it is started, so a `run`
	 * killed between create and start leaves no init waiting on exec.fifo. */
	bool tied;
	int preserve_fds;
};

/* Create the container; on success c is claimed, locked and saved as
 * "created", and *pidfd (if not NULL) is a pidfd for the init. On failure
 * nothing is left behind. */
int container_create(struct globals *g, const struct create_opts *o, struct container *c,
                     int *pidfd, struct nerr *e);
/* Release the init of a "created" container. */
int container_start(struct container *c, struct nerr *e);
int container_kill(struct container *c, int sig, bool all, struct nerr *e);
/* Remove a stopped container (force: kill it first). */
int container_delete(struct container *c, bool force, struct nerr *e);
/* Signal names and numbers: "KILL", "SIGKILL", "9". */
int signal_parse(const char *s);

#endif
