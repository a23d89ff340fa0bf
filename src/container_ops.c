/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The life of a created container: start (the exec.fifo handshake and the
 * poststart hooks), kill, delete (the poststop hooks and the cleanup), and
 * the signal names kill takes.
 */
#include "container.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "hooks.h"
#include "log.h"
#include "mounts.h"
#include "rootless.h"
#include "trace.h"
#include "util.h"

static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

int signal_parse(const char *s)
{
	unsigned long long n;
	if (parse_uint(s, &n) == 0)
		return n >= 1 && n <= 64 ? (int)n : -EINVAL;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (!strcasecmp(s, signals[i].name))
			return signals[i].sig;
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5)) {
		long long off = 0;
		bool min = !strncasecmp(s, "RTMIN", 5);
		if (s[5] && (parse_int(s + 5, &off) < 0 || (min ? off < 0 : off > 0)))
			return -EINVAL;
		off += min ? SIGRTMIN : SIGRTMAX;
		return off >= SIGRTMIN && off <= SIGRTMAX ? (int)off : -EINVAL;
	}
	return -EINVAL;
}

/* ---- start, kill, delete ------------------------------------------------------- */

/* A poststart failure fails `start` (runtime-spec 1.3); the caller stops the container. */
static int run_poststart_hooks(struct container *c, struct nerr *e)
{
	struct oci_config *cfg = NULL;
	_cleanup_close_ int state_fd = -1;
	int r = lifecycle_load_config(c, &cfg, e);

	if (r == 0 && cfg->hooks.poststart.len) {
		state_fd = hooks_state_memfd(c->state, NULL, e);
		r = state_fd < 0 ? state_fd
		                 : hooks_run(&cfg->hooks.poststart, "poststart", state_fd, e);
	}
	oci_config_free(cfg);
	return r;
}

static void report_poststop(const struct nerr *e)
{
	log_warn("%s", e->msg);
}

/* Poststop failures are logged and deletion goes on, as the spec says. */
static void run_poststop_hooks(struct container *c)
{
	struct oci_config *cfg = NULL;
	struct nerr e = {0};
	int state_fd;

	if (!c->state || lifecycle_load_config(c, &cfg, &e) < 0) {
		oci_config_free(cfg);
		return;
	}
	if (cfg->hooks.poststop.len) {
		state_fd = hooks_state_memfd(c->state, "stopped", &e);
		if (state_fd < 0)
			log_warn("%s", e.msg);
		else
			hooks_run_all(&cfg->hooks.poststop, "poststop", state_fd, report_poststop);
		if (state_fd >= 0)
			close(state_fd);
	}
	oci_config_free(cfg);
}

int container_start(struct container *c, struct nerr *e)
{
	const char *status = lifecycle_status(c);
	_cleanup_close_ int fifo = -1, pidfd = -1;
	struct pollfd pfd[2];
	char msg[1100];
	ssize_t n;
	int r;

	if (strcmp(status, "created"))
		return nerr_set(
		    e, EINVAL,
		    "cannot start a container that is %s (container not in created state)", status);
	pidfd = lifecycle_pidfd(c->state);
	if (pidfd < 0)
		return nerr_set(e, ESRCH, "container not running");
	fifo = openat(c->dirfd, EXEC_FIFO_NAME, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return nerr_sys(e, errno, "open exec fifo");
	/* Either the init writes its byte, or it dies: never block forever. */
	pfd[0] = (struct pollfd){.fd = fifo, .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = pidfd, .events = POLLIN};
	for (;;) {
		r = poll(pfd, 2, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return nerr_sys(e, errno, "wait for container init");
		if (pfd[0].revents & POLLIN)
			break;
		if (pfd[1].revents)
			return nerr_set(e, ESRCH, "container init exited before start");
	}
	/* "0" is go; anything else is the init's error (a startContainer hook). */
	n = read(fifo, msg, sizeof msg - 1);
	if (n <= 0)
		return nerr_set(e, EIO, "container init did not start");
	msg[n] = '\0';
	unlinkat(c->dirfd, EXEC_FIFO_NAME, 0);
	if (msg[0] != '0')
		return nerr_set(e, ECANCELED, "%s", msg + 1);
	free(c->state->status);
	c->state->status = xstrdup("running");
	r = lifecycle_save(c, e);
	if (r == 0)
		r = run_poststart_hooks(c, e);
	if (r < 0)
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	return r;
}

/* kill --all, delete --force: in a cgroup shared with processes that were
 * there before (created with a warning), only the container's own. */
static int kill_all(struct container *c, int sig, struct nerr *e)
{
	if (faccessat(c->dirfd, CGROUP_SHARED_MARK, F_OK, 0) == 0)
		return cgroup_kill_in_pidns(c->state->cgroup_path, sig, c->state->pid, e);
	return cgroup_kill_all(c->state->cgroup_path, sig, e);
}

int container_kill(struct container *c, int sig, bool all, struct nerr *e)
{
	_cleanup_close_ int pidfd = -1;
	const char *status = lifecycle_status(c);

	if (all && c->state && c->state->cgroup_path) {
		/* As runc: --all also reaches what is left in the cgroup once the init has
		 * exited (its children in a pid namespace it did not own, such as a pod's);
		 * a stopped container whose cgroup is gone has nothing left to signal.  A
		 * cgroup shared with others is not ours to sweep once the init is gone. */
		bool stopped = !strcmp(status, "stopped");
		int r;
		if (stopped && faccessat(c->dirfd, CGROUP_SHARED_MARK, F_OK, 0) == 0)
			return nerr_set(e, ESRCH, "container not running");
		r = kill_all(c, sig, e);
		if (r == -ENOENT && stopped) {
			*e = (struct nerr){0};
			return 0;
		}
		return r;
	}
	if (all && c->state && strcmp(status, "stopped"))
		return rootless_kill_all(c->state->pid, sig, e);
	if (!strcmp(status, "stopped"))
		return nerr_set(e, ESRCH, "container not running");
	pidfd = lifecycle_pidfd(c->state);
	if (pidfd < 0)
		return nerr_set(e, ESRCH, "container not running");
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
		if (errno == ESRCH)
			return nerr_set(e, ESRCH, "container not running");
		return nerr_sys(e, errno, "kill container \"%s\"", c->id);
	}
	return 0;
}

static void wait_gone(int pidfd)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	poll(&p, 1, 10000);
}

int container_delete(struct container *c, bool force, struct nerr *e)
{
	const char *status = lifecycle_status(c);
	int r;

	if (strcmp(status, "stopped") && strcmp(status, "creating") && !force) {
		if (!strcmp(status, "created"))
			; /* runc deletes a created container: kill its init */
		else
			return nerr_set(e, EBUSY,
			                "cannot delete container \"%s\" that is not stopped: %s",
			                c->id, status);
	}
	if (strcmp(status, "stopped")) {
		_cleanup_close_ int pidfd = lifecycle_pidfd(c->state);
		if (c->state && c->state->cgroup_path) {
			/* Frozen (v1) tasks cannot act on SIGKILL: thaw first. */
			if (cgroup_is_frozen(c->state->cgroup_path))
				cgroup_freeze(c->state->cgroup_path, false, e);
			kill_all(c, SIGKILL, e);
		} else if (c->state && pidfd >= 0) {
			rootless_kill_all(c->state->pid, SIGKILL, e);
		}
		if (pidfd >= 0) {
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
			wait_gone(pidfd);
		}
	}
	if (c->state && c->state->cgroup_path &&
	    faccessat(c->dirfd, CGROUP_SHARED_MARK, F_OK, 0) < 0) {
		r = cgroup_destroy(c->state->cgroup_path, e);
		if (r < 0)
			log_warn("%s", e->msg);
	}
	/* Without a mount namespace the container's mounts are in ours. */
	if (c->state && c->state->rootfs &&
	    mounts_hostns_release(c->dirfd, c->state->rootfs, e) < 0)
		log_warn("%s", e->msg);
	/* The recorded profile is there when delete returns. */
	if (trace_wait_recorder(c->dirfd, e) < 0)
		log_warn("%s", e->msg);
	if (c->state && strcmp(status, "creating"))
		run_poststop_hooks(c);
	r = lifecycle_destroy(c);
	if (r < 0)
		return nerr_sys(e, -r, "remove state of \"%s\"", c->id);
	return 0;
}
