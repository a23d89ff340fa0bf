/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: a console socket receiver, as an engine would run one.
 * recvtty SOCKET: listen on the unix socket SOCKET, accept one connection,
 * receive the pty master sent with SCM_RIGHTS, print the payload (the pty's
 * name) on stderr, write our stdin to the master, and copy the master's
 * output to stdout until every holder of the pty has closed it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int recv_fd(int conn, char *name, size_t namesz)
{
	struct iovec iov = {.iov_base = name, .iov_len = namesz - 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	struct cmsghdr *c;
	int fd;

	if (n < 0)
		return -1;
	name[n] = '\0';
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char name[4096], buf[4096];
	int lfd, conn, master;
	ssize_t n;

	if (argc != 2 || strlen(argv[1]) + 4 >= sizeof sa.sun_path) {
		fprintf(stderr, "usage: recvtty SOCKET\n");
		return 2;
	}
	/* Listen under a temporary name and rename: the socket appears ready. */
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s.tmp", argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(sa.sun_path);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 1) < 0 ||
	    rename(sa.sun_path, argv[1]) < 0) {
		perror("recvtty: listen");
		return 1;
	}
	conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0) {
		perror("recvtty: accept");
		return 1;
	}
	master = recv_fd(conn, name, sizeof name);
	if (master < 0) {
		fprintf(stderr, "recvtty: no pty master received\n");
		return 1;
	}
	fprintf(stderr, "recvtty: received %s\n", name);
	close(conn);
	close(lfd);
	unlink(argv[1]);
	while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
		if (write(master, buf, (size_t)n) != n)
			break;
	/* EIO once the last slave is closed: the process and its children are gone. */
	while ((n = read(master, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && write(STDOUT_FILENO, buf, (size_t)n) != n)
			return 1;
	return 0;
}
