/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seccomp profiles recorded from a run (annotation io.containers.trace-syscall).
 *
 * Every process of the container (the init, and each exec'd process) loads a
 * seccomp filter that returns SECCOMP_RET_USER_NOTIF for every system call;
 * its listener goes to a recorder process started by `create`, which notes
 * the call's number and architecture and lets it run unchanged
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE).  When the last process of the container
 * is gone the recorder writes an OCI seccomp profile and exits.  The recorder
 * lives outside the container, exactly as long as it.
 */
#ifndef NUCLEUS_TRACE_H
#define NUCLEUS_TRACE_H

#include <stdbool.h>

#include "error.h"
#include "oci_spec.h"

#define TRACE_ANNOTATION "io.containers.trace-syscall"
/* In the container's state dir. */
#define TRACE_SOCK_NAME  "trace.sock"  /* exec'd processes send their listener here */
#define TRACE_LOCK_NAME  "trace.lock"  /* held by the recorder while it lives */
#define TRACE_ERROR_NAME "trace.error" /* why the profile could not be written */

struct trace_opts {
	char *out_path;           /* of:  NULL when the container is not recorded */
	char *in_path;            /* if:  NULL for none */
	struct oci_seccomp *base; /* the parsed if: profile */
};

/* Read the annotation of cfg.  check: validate the paths (the output's
 * directory must be writable, the base must parse) and the config (a
 * listener or SCMP_ACT_TRACE cannot be combined with recording), as
 * `create` does before anything exists. */
int trace_opts_from_config(const struct oci_config *cfg, bool check, struct trace_opts *t,
                           struct nerr *e);
void trace_opts_clear(struct trace_opts *t);

/* ---- the parent (create) -------------------------------------------------- */

struct trace_recorder {
	int ctl;  /* our end of the control socket; -1 when none */
	int lock; /* trace.lock in the state dir, to wait for the recorder's exit */
};

/* Start the recorder of the container whose state dir is dirfd.  own_pidns:
 * the container has a pid namespace of its own, so its init's exit means
 * every process of it is gone. */
int trace_recorder_start(const struct trace_opts *t, int dirfd, bool own_pidns,
                         struct trace_recorder *rec, struct nerr *e);
/* Tell the recorder which process is the container's init. */
int trace_recorder_watch(struct trace_recorder *rec, int init_pidfd, struct nerr *e);
/* `create` succeeded: the profile is written when the container stops. */
int trace_recorder_commit(struct trace_recorder *rec, struct nerr *e);
/* `create` failed: the recorder exits without writing; wait for it. */
void trace_recorder_abort(struct trace_recorder *rec);

/* A socket connected to the recorder of the container (for the init and
 * for exec'd processes, which send their listener on it). */
int trace_connect(int dirfd, const char *id, struct nerr *e);
/* For delete: wait until the recorder has written the profile and exited;
 * its error, if it had one, is returned. */
int trace_wait_recorder(int dirfd, struct nerr *e);

/* ---- the recorded process -------------------------------------------------- */

/* Load the recording filter into this process and send its listener on
 * sock (then closed).  Needs no_new_privs or CAP_SYS_ADMIN; allocates nothing. */
int trace_filter_install(int sock, struct nerr *e);

/* trace_recorder.c: the recorder process; never returns. */
struct trace_recorder_args {
	const struct trace_opts *opts;
	int dirfd;  /* the state dir, for trace.error */
	int listen; /* trace.sock */
	int ctl;    /* from create: the init's pidfd, then commit */
	int lock;   /* held until exit */
	bool own_pidns;
};
__attribute__((noreturn)) void trace_recorder_main(struct trace_recorder_args *a);

#endif
