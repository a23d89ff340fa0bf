/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec: a new process in a running container.  We hold a pidfd of the
 * container's init and join its pid namespace for our children only
 * (setns(pidfd, CLONE_NEWPID)), then fork the process.  The child enters the
 * container's cgroup, joins every other namespace of the init in one
 * setns(pidfd, ...) call, takes its credentials and confinement and execs.
 * Its errors come back over a SEQPACKET socket that execve closes, so a
 * failed exec is one precise error line from us.  The process is our child:
 * in the foreground we wait for it and return its status; detached we exit
 * and the engine's subreaper (conmon, the containerd shim) inherits it.
 */
#include "exec.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "init.h"
#include "process.h"
#include "process_attrs.h"
#include "seccomp_cache.h"
#include "seccomp_filter.h"
#include "security.h"
#include "sync.h"
#include "terminal.h"
#include "trace.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static const int ns_flag[OCI_NS_COUNT] = {
    [OCI_NS_PID] = CLONE_NEWPID,       [OCI_NS_NETWORK] = CLONE_NEWNET,
    [OCI_NS_MOUNT] = CLONE_NEWNS,      [OCI_NS_IPC] = CLONE_NEWIPC,
    [OCI_NS_UTS] = CLONE_NEWUTS,       [OCI_NS_USER] = CLONE_NEWUSER,
    [OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
};

struct exec_ctx {
	const struct exec_opts *o;
	const struct oci_config *cfg;
	const struct oci_process *p;
	const struct oci_state *state;
	const struct seccomp_prog *seccomp; /* compiled config seccomp, NULL for none */
	const char *cgroup_path;
	int init_pidfd;
	int ns_flags;   /* namespaces of the init that are not ours */
	int sync_fd;    /* child end */
	int console_fd; /* where the child sends the pty master; -1 without a terminal */
	int trace_sock; /* connected to the container's syscall recorder, or -1 */
	int listen_fds;
	bool relay; /* the pty is relayed to our stdin/stdout */
};

static int child_enter(struct exec_ctx *x, struct nerr *e)
{
	_cleanup_close_ int root = -1;
	int r;
	if (!(x->ns_flags & CLONE_NEWNS)) {
		/* No mount namespace of its own: the container's root is a chroot in ours. */
		char p[64];
		snprintf(p, sizeof p, "/proc/%d/root", (int)x->state->pid);
		root = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0)
			return nerr_sys(e, errno, "open the root of the container's init");
	}
	if (x->cgroup_path) {
		/* 0: the writer itself. */
		r = cgroup_enter_sub(x->cgroup_path, x->o->cgroups, x->o->n_cgroups, 0, e);
		if (r < 0)
			return r;
	}
	/* One call: the kernel orders the user namespace first. */
	if (x->ns_flags & ~CLONE_NEWPID && setns(x->init_pidfd, x->ns_flags & ~CLONE_NEWPID) < 0)
		return nerr_sys(e, errno, "join the namespaces of the container's init");
	close(x->init_pidfd);
	if (root >= 0 && (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0))
		return nerr_sys(e, errno, "enter the root of the container");
	return 0;
}

static int child_oom_score(const struct oci_process *p, struct nerr *e)
{
	return p->has_oom_score_adj ? process_attrs_set_oom_score_adj(0, p->oom_score_adj, e) : 0;
}

/* The same confinement as the container's init: bounding set, user,
 * capabilities, no_new_privs, Landlock and the config's seccomp filter.
 * Its notify fd goes to us in the host's mount namespace, where
 * listenerPath is, and on to the listener from there. */
static int child_confine(struct exec_ctx *x, struct security_plan *plan, struct nerr *e)
{
	int notify_fd = -1, r;

	r = security_confine(x->p, plan, &notify_fd, e);
	if (r < 0 || notify_fd < 0)
		return r;
	r = sync_send_fd(x->sync_fd, SYNC_SECCOMP_FD, notify_fd);
	close(notify_fd);
	if (r < 0)
		return nerr_sys(e, -r, "send the seccomp notify fd to the runtime");
	return sync_expect(x->sync_fd, SYNC_CONTINUE, e);
}

#define CHILD_STEP(name, call)                                                                     \
	do {                                                                                       \
		stage = (name);                                                                    \
		if ((call) < 0)                                                                    \
			goto fail;                                                                 \
	} while (0)

__attribute__((noreturn)) static void exec_child(struct exec_ctx *x)
{
	const struct oci_process *p = x->p;
	struct security_plan plan = {.landlock_fd = -1, .trace_sock = -1};
	const char *stage = "start";
	struct nerr e = {0};
	char exe[PATH_MAX];
	int keep = 3 + process_kept_fds(&p->env, x->listen_fds, x->o->preserve_fds);
	char **argv, **envp;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	CHILD_STEP("namespaces", child_enter(x, &e));
	if (x->console_fd >= 0) {
		CHILD_STEP("terminal", terminal_setup(x->console_fd, &p->console_size,
		                                      (uid_t)p->user.uid, false, x->relay, &e));
		close(x->console_fd);
	}
	CHILD_STEP("process", process_attrs_check_lsm(p, &e));
	CHILD_STEP("rlimits", security_apply_rlimits(p, &e));
	CHILD_STEP("oom_score_adj", child_oom_score(p, &e));
	CHILD_STEP("process attributes", process_attrs_apply(p, x->cfg->linux_.personality, &e));
	CHILD_STEP("seccomp and landlock", security_prepare(p, x->seccomp, -1, &plan, &e));
	plan.trace_sock = x->trace_sock;
	/* Built before seccomp: nothing is allocated under the filter. */
	argv = process_argv(&p->args);
	envp = process_envp(&p->env, x->listen_fds);
	CHILD_STEP("cwd", security_enter_cwd(p->cwd, &plan, &e));
	CHILD_STEP("user and capabilities", child_confine(x, &plan, &e));
	CHILD_STEP("executable", init_find_executable(p, exe, sizeof exe, &e));
	/* Stdio and the passed fds reach the process, nothing else of ours. */
	for (int fd = 3; fd < keep; fd++)
		fcntl(fd, F_SETFD, 0);
	syscall(SYS_close_range, keep, ~0U, CLOSE_RANGE_CLOEXEC);
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	execve(exe, argv, envp);
	stage = "exec";
	nerr_set(&e, errno, "exec: \"%s\": %s", p->args.items[0], process_errno_text(errno));
fail:
	sync_send_error(x->sync_fd, stage, &e);
	_exit(1);
}

static int ns_flags_of(const struct oci_config *cfg)
{
	int flags = 0;
	for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
		flags |= ns_flag[cfg->linux_.namespaces[i].type];
	return flags;
}

/* The terminal: the engine's console socket, or a socketpair whose other
 * end we keep to relay the pty in the foreground. */
static int open_console(struct exec_ctx *x, int *relay_fd, struct nerr *e)
{
	int sv[2];
	*relay_fd = -1;
	x->console_fd = -1;
	if (!x->p->terminal) {
		if (x->o->console_socket)
			return nerr_set(
			    e, EINVAL,
			    "--console-socket given but the process has no terminal (use --tty)");
		return 0;
	}
	if (x->o->console_socket) {
		x->console_fd = terminal_connect(x->o->console_socket, e);
		return x->console_fd < 0 ? x->console_fd : 0;
	}
	if (x->o->detach)
		return nerr_set(
		    e, EINVAL,
		    "cannot allocate a tty for a detached process without --console-socket");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return nerr_sys(e, errno, "socketpair");
	*relay_fd = sv[0];
	x->console_fd = sv[1];
	x->relay = true;
	return 0;
}

static volatile pid_t forward_pid = -1;

static void forward_signal(int sig)
{
	if (forward_pid > 0)
		kill(forward_pid, sig);
}

static int wait_child(pid_t pid)
{
	static const int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct sigaction sa = {.sa_handler = forward_signal};
	forward_pid = pid;
	for (size_t i = 0; i < ARRAY_SIZE(fwd); i++)
		sigaction(fwd[i], &sa, NULL);
	return process_wait_exit_code(pid);
}

/* Hand the exec'd process's seccomp notify fd to listenerPath, with its
 * pid as the process's (state.pid stays the init's, as with runc). */
static int send_to_listener(struct exec_ctx *x, int sync_fd, pid_t pid, int notify_fd,
                            struct nerr *e)
{
	const struct oci_seccomp *sc = x->cfg->linux_.seccomp;
	int r;

	if (notify_fd < 0 || !sc || !sc->listener_path)
		r = nerr_set(e, EPROTO, "exec: unexpected seccomp notify fd");
	else
		r = seccomp_send_to_listener(sc->listener_path, sc->listener_metadata, x->state,
		                             pid, notify_fd, e);
	if (notify_fd >= 0)
		close(notify_fd);
	if (r == 0 && (r = sync_send(sync_fd, SYNC_CONTINUE)) < 0)
		nerr_sys(e, -r, "exec: write to the new process");
	return r;
}

/* The child's verdict: end of file means execve succeeded. */
static int child_result(struct exec_ctx *x, int sync_fd, pid_t pid, struct nerr *e)
{
	struct sync_msg m;
	int passfd = -1;
	int r = sync_recv(sync_fd, &m, &passfd);

	while (r == 0 && m.type == SYNC_SECCOMP_FD) {
		if (send_to_listener(x, sync_fd, pid, passfd, e) < 0)
			goto fail;
		r = sync_recv(sync_fd, &m, &passfd);
	}
	if (passfd >= 0)
		close(passfd);
	if (r == -EPIPE)
		return 0;
	if (r == 0 && m.type == SYNC_ERROR)
		nerr_set(e, m.errnum, "%s", m.text);
	else
		nerr_sys(e, r < 0 ? -r : EPROTO, "exec: read from the new process");
fail:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -e->errnum;
}

static int exec_start(struct exec_ctx *x, int relay_fd, int *status, struct nerr *e)
{
	int sv[2], r;
	pid_t pid;
	/* our own pid namespace, to take back for later children */
	_cleanup_close_ int own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);

	r = sync_socketpair(sv);
	if (r < 0)
		return nerr_sys(e, -r, "socketpair");
	/* Our children are born in the container's pid namespace.  Without
	 * root, only its user namespace lets us in; entering that keeps our
	 * own ids, so our files stay ours. */
	if ((x->ns_flags & CLONE_NEWPID) && geteuid() != 0 && (x->ns_flags & CLONE_NEWUSER)) {
		if (setns(x->init_pidfd, CLONE_NEWUSER | CLONE_NEWPID) < 0) {
			r = nerr_sys(e, errno,
			             "join the user and pid namespaces of the container's init");
			goto out;
		}
		x->ns_flags &= ~CLONE_NEWUSER;
	} else if ((x->ns_flags & CLONE_NEWPID) && setns(x->init_pidfd, CLONE_NEWPID) < 0) {
		r = nerr_sys(e, errno, "join the pid namespace of the container's init");
		goto out;
	}
	x->sync_fd = sv[1];
	pid = fork();
	if (pid < 0) {
		r = nerr_sys(e, errno, "fork");
		goto out;
	}
	if (pid == 0) {
		close(sv[0]);
		exec_child(x);
	}
	/* Only that child belongs in the container's pid namespace: whatever
	 * we fork from here on (a leak checker's tracer at exit, say) must see
	 * our pids.  Without root, having joined the user namespace, this is
	 * refused and nothing else is forked. */
	if ((x->ns_flags & CLONE_NEWPID) && own_pidns >= 0)
		(void)setns(own_pidns, CLONE_NEWPID);
	close(TAKE_FD(sv[1]));
	if (x->console_fd >= 0)
		close(TAKE_FD(x->console_fd));
	if (x->trace_sock >= 0)
		close(TAKE_FD(x->trace_sock));
	r = child_result(x, sv[0], pid, e);
	if (r < 0)
		goto out;
	if (x->o->pid_file) {
		r = exec_write_pid_file(x->o->pid_file, pid, e);
		if (r < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			goto out;
		}
	}
	if (x->o->detach) {
		*status = 0;
		goto out;
	}
	if (relay_fd >= 0) {
		_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		int master = terminal_recv(relay_fd, e);
		if (master < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			r = master;
			goto out;
		}
		terminal_relay(master, pidfd);
		close(master);
	}
	*status = wait_child(pid);
out:
	close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	return r;
}

int exec_process(struct container *c, const struct oci_config *cfg, const struct oci_process *p,
                 const struct exec_opts *o, int *status, struct nerr *e)
{
	struct exec_ctx x = {
	    .o = o, .cfg = cfg, .p = p, .sync_fd = -1, .console_fd = -1, .trace_sock = -1};
	struct trace_opts trace;
	const char *st = lifecycle_status(c);
	_cleanup_close_ int relay_fd = -1;
	struct seccomp_prog sprog = {0};
	int r;

	if (!strcmp(st, "stopped"))
		return nerr_set(e, ESRCH,
		                "cannot exec in a stopped container: container not running");
	if (!strcmp(st, "paused") && !o->ignore_paused)
		return nerr_set(
		    e, EBUSY,
		    "cannot exec in a paused container (use --ignore-paused to override)");
	if (!p->args.len)
		return nerr_set(e, EINVAL, "exec: process.args must not be empty");
	if ((r = cgroup_check_subs(o->cgroups, o->n_cgroups, e)) < 0)
		return r;
	x.init_pidfd = lifecycle_pidfd(c->state);
	if (x.init_pidfd < 0)
		return nerr_set(e, ESRCH, "container not running");
	x.cgroup_path = c->state->cgroup_path;
	x.state = c->state;
	x.ns_flags = ns_flags_of(cfg);
	x.listen_fds = process_listen_fds();
	if (cfg->linux_.seccomp) {
		/* Compiled before the fork, as for the init: the child inherits it. */
		r = seccomp_cache_prepare(c->rootfd, cfg->linux_.seccomp, &sprog, e);
		if (r < 0) {
			close(x.init_pidfd);
			return r;
		}
		x.seccomp = &sprog;
	}
	/* A recorded container records its exec'd processes too. */
	r = trace_opts_from_config(cfg, false, &trace, e);
	if (r == 0 && trace.out_path) {
		r = x.trace_sock = trace_connect(c->dirfd, c->id, e);
		if (r > 0)
			r = 0;
	}
	trace_opts_clear(&trace);
	if (r == 0)
		r = open_console(&x, &relay_fd, e);
	if (r == 0) {
		/* Others (delete, kill) may act on the container while we wait. */
		flock(c->dirfd, LOCK_UN);
		r = exec_start(&x, relay_fd, status, e);
	}
	if (x.console_fd >= 0)
		close(x.console_fd);
	if (x.trace_sock >= 0)
		close(x.trace_sock);
	close(x.init_pidfd);
	seccomp_prog_release(&sprog);
	return r;
}

int exec_write_pid_file(const char *path, pid_t pid, struct nerr *e)
{
	char abs[PATH_MAX], buf[32], *slash;
	_cleanup_close_ int dfd = -1;
	int n = snprintf(buf, sizeof buf, "%d", (int)pid);

	snprintf(abs, sizeof abs, "%s", path);
	slash = strrchr(abs, '/');
	if (!slash)
		return write_file_atomic_at(AT_FDCWD, path, buf, (size_t)n, 0644, e);
	*slash = '\0';
	dfd = open(abs[0] ? abs : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return nerr_sys(e, errno, "pid file %s", path);
	return write_file_atomic_at(dfd, slash + 1, buf, (size_t)n, 0644, e);
}
