/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A seccomp notify agent for the tests: listens on a unix socket for the
 * runtime (linux.seccomp.listenerPath), receives the container process state
 * and the notify fd, writes the state to a file and answers every
 * notification the same way until the container's processes are gone.
 *
 *   seccomp-agent SOCKET STATEFILE ANSWER
 *
 * ANSWER: "success" (the syscall returns 0 without running), "errno:N" (it
 * fails with errno N) or "continue" (the kernel runs it).  Each answered
 * syscall's name is appended to STATEFILE.log.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int receive(const char *path, const char *statefile)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char buf[8192], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof cbuf};
	struct cmsghdr *cm;
	int lfd, cfd, fd = -1;
	ssize_t n;
	FILE *f;

	snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 1) < 0) {
		perror("seccomp-agent: listen");
		return -1;
	}
	cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd < 0) {
		perror("seccomp-agent: accept");
		return -1;
	}
	n = recvmsg(cfd, &mh, MSG_CMSG_CLOEXEC);
	if (n <= 0) {
		perror("seccomp-agent: recvmsg");
		return -1;
	}
	buf[n] = '\0';
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	f = fopen(statefile, "we");
	if (!f) {
		perror("seccomp-agent: state file");
		return -1;
	}
	fprintf(f, "%s\n", buf);
	fclose(f);
	close(cfd);
	close(lfd);
	unlink(path);
	if (fd < 0)
		fprintf(stderr, "seccomp-agent: no fd received\n");
	return fd;
}

static void answer(int fd, const char *how, FILE *log)
{
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;

	if (seccomp_notify_alloc(&req, &resp) < 0)
		exit(1);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		if (p.revents & (POLLHUP | POLLERR))
			break;
		memset(req, 0, sizeof *req);
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			break;
		}
		memset(resp, 0, sizeof *resp);
		resp->id = req->id;
		if (!strcmp(how, "continue"))
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		else if (!strncmp(how, "errno:", 6))
			resp->error = -atoi(how + 6);
		char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
		fprintf(log, "%s\n", name ? name : "?");
		fflush(log);
		free(name);
		/* ENOENT: the caller went away (killed) meanwhile; nothing to answer. */
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
			perror("seccomp-agent: send");
	}
	seccomp_notify_free(req, resp);
}

int main(int argc, char **argv)
{
	char logpath[4096];
	FILE *log;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: seccomp-agent SOCKET STATEFILE success|errno:N|continue\n");
		return 2;
	}
	fd = receive(argv[1], argv[2]);
	if (fd < 0)
		return 1;
	snprintf(logpath, sizeof logpath, "%s.log", argv[2]);
	log = fopen(logpath, "we");
	if (!log)
		return 1;
	answer(fd, argv[3], log);
	fclose(log);
	return 0;
}
