/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unix socket helpers shared by the sync protocol, the console socket and
 * the seccomp listener: connect by path, and one message that may carry a
 * file descriptor (SCM_RIGHTS).  All return -errno on failure.
 */
#ifndef NUCLEUS_UNIXSOCK_H
#define NUCLEUS_UNIXSOCK_H

#include <stddef.h>
#include <sys/types.h>

/* A SOCK_STREAM socket connected to path (O_CLOEXEC); -ENAMETOOLONG when the
 * path does not fit in sun_path. */
int unixsock_connect(const char *path);
/* Send buf as one message, with passfd when it is >= 0; retried on EINTR. */
int unixsock_send(int sock, const void *buf, size_t len, int passfd);
/* Receive one message into buf (retried on EINTR): its length, 0 at end of
 * stream.  *passfd gets the fd that came with it (O_CLOEXEC), or -1. */
ssize_t unixsock_recv(int sock, void *buf, size_t size, int *passfd);

#endif
