/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parent <-> init protocol over a SOCK_SEQPACKET socketpair.  Each
 * message is one packet: a type, an errno, a stage name and a text.
 * An error from the init carries the stage it failed in and a message that
 * names the object, so the parent prints exactly one precise line.
 */
#ifndef NUCLEUS_SYNC_H
#define NUCLEUS_SYNC_H

#include <stdint.h>

#include "error.h"

enum sync_type {
	SYNC_ERROR = 1,      /* init -> parent: {stage, errno, text}; init exits */
	SYNC_NEED_SETUP,     /* init -> parent: namespaces exist; write maps, offsets */
	SYNC_GO,             /* parent -> init: ids mapped, cgroup joined */
	SYNC_CREATE_RUNTIME, /* init -> parent: mounts done, run createRuntime hooks */
	SYNC_CONTINUE,       /* parent -> init: hooks ran */
	SYNC_READY,          /* init -> parent: set up, about to wait for start */
	SYNC_ACK,            /* parent -> init: state saved, detach */
	SYNC_SECCOMP_FD,     /* init -> parent: seccomp notify fd attached; parent
	                        sends it to listenerPath and answers SYNC_CONTINUE */
	SYNC_TRACE_LISTENER, /* recorded process -> recorder: its listener fd attached */
	SYNC_TRACE_INIT,     /* create -> recorder: the init's pidfd attached */
	SYNC_TRACE_COMMIT,   /* create -> recorder: the container exists */
};

struct sync_msg {
	uint32_t type;
	int32_t errnum;
	char stage[32];
	char text[1024];
};

int sync_socketpair(int fds[2]);
int sync_send(int fd, enum sync_type type);
int sync_send_error(int fd, const char *stage, const struct nerr *e);
/* Send one fd with SCM_RIGHTS alongside a message of the given type. */
int sync_send_fd(int fd, enum sync_type type, int passfd);
/* Receive one message; *passfd (if not NULL) gets an attached fd or -1.
 * Returns 0, or -EPIPE when the peer closed without a word. */
int sync_recv(int fd, struct sync_msg *m, int *passfd);
/* Receive and require `want`; an SYNC_ERROR becomes the error in e. */
int sync_expect(int fd, enum sync_type want, struct nerr *e);

#endif
