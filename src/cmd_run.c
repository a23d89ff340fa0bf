/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nucleus-oci run [options] ID: create, start, and (unless --detach) wait,
 * forwarding signals to the container; the exit status is the container's,
 * or 128+signal, and the container is deleted afterwards, as runc does.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "commands.h"
#include "container.h"
#include "process.h"
#include "terminal.h"
#include "util.h"

enum { O_DETACH = CREATE_OPT_LAST, O_KEEP };

struct run_opts {
	struct create_opts c;
	bool detach;
	bool keep;
};

static const struct cli_opt opts[] = {
    {"bundle", 'b', true, CREATE_OPT_BUNDLE, "path to the bundle (default: current directory)"},
    {"pid-file", 0, true, CREATE_OPT_PID_FILE, "write the init's pid to this file"},
    {"console-socket", 0, true, CREATE_OPT_CONSOLE_SOCKET, "unix socket to receive the pty master"},
    {"detach", 'd', false, O_DETACH, "do not wait for the container"},
    {"keep", 0, false, O_KEEP, "do not delete the container after it exits"},
    {"no-pivot", 0, false, CREATE_OPT_NO_PIVOT, "use MS_MOVE and chroot instead of pivot_root"},
    {"no-new-keyring", 0, false, CREATE_OPT_NO_NEW_KEYRING, "keep the session keyring"},
    {"preserve-fds", 0, true, CREATE_OPT_PRESERVE_FDS,
     "pass N extra fds (3..3+N-1) to the process"},
    {NULL, 0, false, 0, NULL},
};

static int opt_cb(void *ctx, int id, const char *arg, struct nerr *e)
{
	struct run_opts *o = ctx;
	if (id == O_DETACH)
		o->detach = true;
	else if (id == O_KEEP)
		o->keep = true;
	else
		return create_opt_cb(&o->c, id, arg, e);
	return 0;
}

static volatile int forward_pidfd = -1;

static void forward_signal(int sig)
{
	if (forward_pidfd >= 0)
		syscall(SYS_pidfd_send_signal, forward_pidfd, sig, NULL, 0);
}

static int wait_exit(pid_t pid)
{
	static const int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	struct sigaction sa = {.sa_handler = forward_signal};
	for (size_t i = 0; i < ARRAY_SIZE(fwd); i++)
		sigaction(fwd[i], &sa, NULL);
	return process_wait_exit_code(pid);
}

/* The master the init sent during create, if the process has a terminal:
 * it is already queued when create returns, so never wait for it. */
static int relay_master(int sock)
{
	struct nerr ignored;
	int fd = -1;
	if (sock < 0)
		return -1;
	if (recv(sock, (char[1]){0}, 1, MSG_PEEK | MSG_DONTWAIT) > 0)
		fd = terminal_recv(sock, &ignored);
	close(sock);
	return fd < 0 ? -1 : fd;
}

int cmd_run(struct globals *g, int argc, char **argv)
{
	struct run_opts o = {0};
	struct container c;
	struct nerr e = {0};
	int pidfd = -1, status, r, master;
	int relay[2] = {-1, -1};
	bool help;
	int first = cli_parse(argc - 1, argv + 1, opts, opt_cb, &o, &help, &e);
	if (help) {
		cli_print_help("run [options] ID",
		               "Create and start a container, and wait for it unless --detach.",
		               opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	first++;
	if (argc - first != 1) {
		nerr_set(&e, EINVAL, "run: expected exactly one argument: the container ID");
		return command_fail(&e);
	}
	o.c.id = argv[first];
	if (!o.detach && !o.c.console_socket &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, relay) == 0) {
		/* In the foreground a terminal is ours to relay: the init sends us the master. */
		o.c.has_console_fd = true;
		o.c.console_fd = relay[1];
	}
	o.c.tied = true;
	r = container_create(g, &o.c, &c, &pidfd, &e);
	if (relay[1] >= 0)
		close(relay[1]);
	if (r < 0) {
		if (relay[0] >= 0)
			close(relay[0]);
		return command_fail(&e);
	}
	master = relay_master(relay[0]);
	if (master >= 0)
		terminal_copy_size(master);
	forward_pidfd = pidfd;
	if (container_start(&c, &e) < 0) {
		struct nerr ignored;
		container_delete(&c, true, &ignored);
		lifecycle_close(&c);
		close(pidfd);
		if (master >= 0)
			close(master);
		return command_fail(&e);
	}
	if (o.detach) {
		lifecycle_close(&c);
		close(pidfd);
		return 0;
	}
	/* Others (state, kill) may look at the container while it runs. */
	flock(c.dirfd, LOCK_UN);
	if (master >= 0) {
		terminal_relay(master, pidfd);
		close(master);
	}
	status = wait_exit(c.state->pid);
	forward_pidfd = -1;
	close(pidfd);
	if (!o.keep) {
		flock(c.dirfd, LOCK_EX);
		if (container_delete(&c, true, &e) < 0)
			command_fail(&e);
	}
	lifecycle_close(&c);
	return status;
}
