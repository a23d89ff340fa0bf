/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Framing for the parent <-> init protocol: one SEQPACKET datagram per message. */
#include "sync.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unixsock.h"
#include "util.h"

int sync_socketpair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return -errno;
	return 0;
}

static int send_msg(int fd, const struct sync_msg *m, int passfd)
{
	return unixsock_send(fd, m, sizeof *m, passfd);
}

int sync_send(int fd, enum sync_type type)
{
	struct sync_msg m = {.type = type};
	return send_msg(fd, &m, -1);
}

int sync_send_fd(int fd, enum sync_type type, int passfd)
{
	struct sync_msg m = {.type = type};
	return send_msg(fd, &m, passfd);
}

int sync_send_error(int fd, const char *stage, const struct nerr *e)
{
	struct sync_msg m = {.type = SYNC_ERROR, .errnum = e->errnum};
	snprintf(m.stage, sizeof m.stage, "%s", stage);
	snprintf(m.text, sizeof m.text, "%s", e->msg);
	return send_msg(fd, &m, -1);
}

int sync_recv(int fd, struct sync_msg *m, int *passfd)
{
	int got;
	ssize_t n = unixsock_recv(fd, m, sizeof *m, &got);

	if (passfd)
		*passfd = -1;
	if (got >= 0 && (!passfd || n != (ssize_t)sizeof *m))
		close(got);
	else if (got >= 0)
		*passfd = got;
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -EPIPE;
	if ((size_t)n != sizeof *m)
		return -EPROTO;
	m->stage[sizeof m->stage - 1] = '\0';
	m->text[sizeof m->text - 1] = '\0';
	return 0;
}

int sync_expect(int fd, enum sync_type want, struct nerr *e)
{
	struct sync_msg m;
	int r = sync_recv(fd, &m, NULL);
	if (r == -EPIPE)
		return nerr_set(e, EPIPE, "container init exited before reporting its state");
	if (r < 0)
		return nerr_sys(e, -r, "read from container init");
	if (m.type == SYNC_ERROR)
		return nerr_set(e, m.errnum, "container init (%s): %s", m.stage, m.text);
	if (m.type != want)
		return nerr_set(e, EPROTO, "container init: unexpected message %u (wanted %u)",
		                m.type, want);
	return 0;
}
