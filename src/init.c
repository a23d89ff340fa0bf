/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's init.  init_main() is the whole sequence on one screen:
 * each step is one function, run in this fixed order; the first failure is
 * sent to the parent as {stage, errno, message} and the init exits.  After
 * "ready" the init blocks on exec.fifo until `start`, then execs.
 */
#include "init.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroup.h"
#include "hooks.h"
#include "inroot.h"
#include "log.h"
#include "mounts.h"
#include "process.h"
#include "process_attrs.h"
#include "security.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int ns_clone_flag[OCI_NS_COUNT] = {
    [OCI_NS_PID] = CLONE_NEWPID,       [OCI_NS_NETWORK] = CLONE_NEWNET,
    [OCI_NS_MOUNT] = CLONE_NEWNS,      [OCI_NS_IPC] = CLONE_NEWIPC,
    [OCI_NS_UTS] = CLONE_NEWUTS,       [OCI_NS_USER] = CLONE_NEWUSER,
    [OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
};

static bool has_new_ns(const struct oci_config *cfg, enum oci_ns_type t)
{
	for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
		if (cfg->linux_.namespaces[i].type == t && !cfg->linux_.namespaces[i].path)
			return true;
	return false;
}

static int join_namespaces(struct init_args *a, struct nerr *e)
{
	/* The user namespace first: the others are then owned by it. */
	if (a->ns_fds[OCI_NS_USER] >= 0 && setns(a->ns_fds[OCI_NS_USER], CLONE_NEWUSER) < 0)
		return nerr_sys(e, errno, "join user namespace");
	for (int t = 0; t < OCI_NS_COUNT; t++) {
		if (t == OCI_NS_USER || t == OCI_NS_PID || a->ns_fds[t] < 0)
			continue;
		if (setns(a->ns_fds[t], ns_clone_flag[t]) < 0)
			return nerr_sys(e, errno, "join %s namespace",
			                oci_ns_type_name((enum oci_ns_type)t));
	}
	for (int t = 0; t < OCI_NS_COUNT; t++)
		if (a->ns_fds[t] >= 0)
			close(a->ns_fds[t]);
	if (a->unshare_flags & ~(unsigned long)CLONE_NEWCGROUP &&
	    unshare((int)(a->unshare_flags & ~(unsigned long)CLONE_NEWCGROUP)) < 0)
		return nerr_sys(e, errno, "create namespaces");
	return 0;
}

/* A single thread moving itself skips the kernel's thread-group lock and its
 * RCU grace period, which the parent writing our pid would wait for: several
 * milliseconds per container on v1 hierarchies. */
static int join_cgroup(struct init_args *a, struct nerr *e)
{
	if (!a->cgroup_self_join)
		return 0;
	return cgroup_enter(a->cgroup_path, 0, a->cgroup_in_unified, e);
}

static int parent_setup(struct init_args *a, struct nerr *e)
{
	int r = sync_send(a->sync_fd, SYNC_NEED_SETUP);
	if (r < 0)
		return nerr_sys(e, -r, "write to parent");
	return sync_expect(a->sync_fd, SYNC_GO, e);
}

static int become_root(struct init_args *a, struct nerr *e)
{
	if (!has_new_ns(a->cfg, OCI_NS_USER))
		return 0;
	if (setresgid(0, 0, 0) < 0)
		return nerr_sys(e, errno, "setresgid 0 in the user namespace");
	if (setresuid(0, 0, 0) < 0)
		return nerr_sys(e, errno, "setresuid 0 in the user namespace");
	return 0;
}

static int enter_late_namespaces(struct init_args *a, struct nerr *e)
{
	if (a->unshare_flags & CLONE_NEWTIME) {
		/* unshare(CLONE_NEWTIME) made a namespace for our children with the
		 * offsets the parent just wrote; enter it ourselves. */
		_cleanup_close_ int fd =
		    open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
			return nerr_sys(e, errno, "enter time namespace");
	}
	/* After the parent put us in our cgroup, so it becomes the namespace's root. */
	if ((a->unshare_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		return nerr_sys(e, errno, "create cgroup namespace");
	return 0;
}

static int set_names(struct init_args *a, struct nerr *e)
{
	const struct oci_config *cfg = a->cfg;
	bool uts = has_new_ns(cfg, OCI_NS_UTS) || a->ns_fds[OCI_NS_UTS] >= 0;
	if ((cfg->hostname || cfg->domainname) && !uts)
		return nerr_set(e, EINVAL, "hostname/domainname: need a private UTS namespace");
	if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		return nerr_sys(e, errno, "sethostname \"%s\"", cfg->hostname);
	if (cfg->domainname && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
		return nerr_sys(e, errno, "setdomainname \"%s\"", cfg->domainname);
	return 0;
}

static int new_keyring(struct init_args *a, struct nerr *e)
{
	if (a->no_new_keyring)
		return 0;
	/* KEYCTL_JOIN_SESSION_KEYRING with no name: a fresh anonymous keyring. */
	if (syscall(SYS_keyctl, 1, NULL) < 0 && errno != ENOSYS && errno != EACCES &&
	    errno != EDQUOT)
		return nerr_sys(e, errno, "create session keyring");
	return 0;
}

/* The parent runs prestart/createRuntime and answers with the state memfd
 * our own hooks read. */
static int create_runtime_hooks(struct init_args *a, struct nerr *e)
{
	struct sync_msg m;
	int r = sync_send(a->sync_fd, SYNC_CREATE_RUNTIME);
	if (r < 0)
		return nerr_sys(e, -r, "write to parent");
	r = sync_recv(a->sync_fd, &m, &a->state_fd);
	if (r < 0)
		return nerr_sys(e, -r, "read from parent");
	if (m.type != SYNC_CONTINUE)
		return nerr_set(e, EPROTO, "parent: unexpected message %u", m.type);
	return 0;
}

/* In the container's namespaces, before pivot_root: the hook path still
 * resolves in the runtime's filesystem, as the spec asks. */
/* In the rootfs, as runc runs them: a hook's relative paths are the container's. */
static int create_container_hooks(struct init_args *a, int rootfd, struct nerr *e)
{
	if (a->cfg->hooks.create_container.len == 0)
		return 0;
	if (fchdir(rootfd) < 0)
		return nerr_sys(e, errno, "chdir to rootfs %s", a->rootfs);
	return hooks_run(&a->cfg->hooks.create_container, "createContainer", a->state_fd, e);
}

/* The init leads a session of its own, terminal or not (as with runc):
 * nothing ties it to the caller's session, and CRIU can dump it. */
static int setup_console(struct init_args *a, struct nerr *e)
{
	int r;
	if (setsid() < 0 && errno != EPERM)
		return nerr_sys(e, errno, "setsid");
	if (a->console_fd < 0)
		return 0;
	r = terminal_setup(a->console_fd, &a->cfg->process->console_size,
	                   (uid_t)a->cfg->process->user.uid, true, false, e);
	close(a->console_fd);
	a->console_fd = -1;
	return r;
}

/*
 * Stdio on the caller's /dev/null (an engine's, for a detached container)
 * is moved to the container's own, as runc and crun do: no file of a mount
 * outside the container stays open in it, which CRIU could not dump.  Left
 * as it is when the container has no null device at /dev/null.
 */
static int reopen_dev_null(struct nerr *e)
{
	const dev_t null_dev = makedev(1, 3);
	_cleanup_close_ int null = -1;
	struct stat sb;

	for (int fd = 0; fd < 3; fd++) {
		if (fstat(fd, &sb) < 0 || !S_ISCHR(sb.st_mode) || sb.st_rdev != null_dev)
			continue;
		if (null < 0) {
			null = open("/dev/null", O_RDWR | O_NOCTTY | O_CLOEXEC);
			if (null < 0)
				return 0;
			if (fstat(null, &sb) < 0 || !S_ISCHR(sb.st_mode) || sb.st_rdev != null_dev)
				return 0;
		}
		if (dup3(null, fd, 0) < 0)
			return nerr_sys(e, errno,
			                "stdio: reopen fd %d on the container's /dev/null", fd);
	}
	return 0;
}

/* A process.cwd missing from the image is made (as runc does), inside the
 * root and before readonly remounts; it is entered later, as the user. */
static int make_cwd(struct init_args *a, struct nerr *e)
{
	const char *cwd = a->cfg->process->cwd;
	_cleanup_close_ int root = -1, fd = -1;

	if (!cwd)
		return 0;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return nerr_sys(e, errno, "open the container root");
	fd = inroot_open(root, cwd, O_PATH, false, e);
	/* Found, or not makeable: the cwd step reports why it cannot enter it. */
	if (fd == -ENOENT)
		inroot_mkpath(root, cwd, false, e);
	return 0;
}

/* Nothing of the host reaches the process: close what we were started with
 * (besides stdio, the preserved and socket-activation fds and our own
 * channels) before the cwd is entered. */
static int close_extra_fds(struct init_args *a, struct security_plan *plan, struct nerr *e)
{
	const int keep[] = {a->sync_fd, a->fifo_fd, plan->landlock_fd, a->state_fd, a->trace_fd};
	int kept = process_kept_fds(&a->cfg->process->env, a->listen_fds, a->preserve_fds);
	(void)e;
	security_close_fds(3 + kept, keep, ARRAY_SIZE(keep));
	return 0;
}

static const char *env_get(const struct oci_strv *env, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < env->len; i++)
		if (!strncmp(env->items[i], name, n) && env->items[i][n] == '=')
			return env->items[i] + n + 1;
	return NULL;
}

int init_find_executable(const struct oci_process *p, char *out, size_t outsz, struct nerr *e)
{
	const char *name = p->args.items[0];
	const char *path = env_get(&p->env, "PATH");
	struct stat sb;

	if (strchr(name, '/')) {
		if (stat(name, &sb) < 0)
			return nerr_set(e, errno, "exec: \"%s\": stat %s: %s", name, name,
			                process_errno_text(errno));
		if (S_ISDIR(sb.st_mode))
			return nerr_set(e, EACCES,
			                "exec: \"%s\": is a directory: permission denied", name);
		if (!(sb.st_mode & 0111))
			return nerr_set(e, EACCES, "exec: \"%s\": permission denied", name);
		snprintf(out, outsz, "%s", name);
		return 0;
	}
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		const char *end = strchrnul(path, ':');
		int len = (int)(end - path);
		snprintf(out, outsz, "%.*s/%s", len ? len : 1, len ? path : ".", name);
		if (stat(out, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 0111))
			return 0;
		path = *end ? end + 1 : end;
	}
	return nerr_set(e, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

/* The vectors for execve, built before seccomp so nothing is allocated
 * under the filter.  Socket activation: the process is told how many fds it
 * got and that they are for it (its pid is ours: execve keeps it). */
static int exec_vectors(struct init_args *a, struct nerr *e)
{
	(void)e;
	a->exec_argv = process_argv(&a->cfg->process->args);
	a->exec_env = process_envp(&a->cfg->process->env, a->listen_fds);
	return 0;
}

static int confine(struct init_args *a, struct security_plan *plan, struct nerr *e)
{
	int notify_fd = -1, r;

	r = security_confine(a->cfg->process, plan, &notify_fd, e);
	if (r < 0 || notify_fd < 0)
		return r;
	/* The parent sends it on to listenerPath with the container state. */
	r = sync_send_fd(a->sync_fd, SYNC_SECCOMP_FD, notify_fd);
	close(notify_fd);
	if (r < 0)
		return nerr_sys(e, -r, "send the seccomp notify fd to the parent");
	return sync_expect(a->sync_fd, SYNC_CONTINUE, e);
}

static int report_ready(struct init_args *a, struct nerr *e)
{
	int r = sync_send(a->sync_fd, SYNC_READY);
	if (r < 0)
		return nerr_sys(e, -r, "write to parent");
	r = sync_expect(a->sync_fd, SYNC_ACK, e);
	if (r < 0)
		return r;
	/* After create the parent exits: we must outlive it.  Under `run` the
	 * same process starts us, and dies with us until then. */
	if (!a->tied)
		prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	close(a->sync_fd);
	a->sync_fd = -1;
	return 0;
}

__attribute__((noreturn)) static void wait_start_and_exec(struct init_args *a, const char *exe)
{
	const struct oci_process *p = a->cfg->process;
	const struct oci_hook_list *start_hooks = &a->cfg->hooks.start_container;
	char fdpath[64];
	int fd, kept;

	if (a->fifo_fd >= 0) {
		struct nerr e = {0};
		snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", a->fifo_fd);
		fd = open(fdpath, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "nucleus-oci init: wait for start on exec.fifo: %s\n",
			        strerror(errno));
			_exit(127);
		}
		/* Started: from here on `run -d` may exit before us. */
		prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
		/* `start` is reading: startContainer hooks run now, and their
		 * failure is what `start` reports instead of the go byte. */
		if (hooks_run(start_hooks, "startContainer", a->state_fd, &e) < 0) {
			dprintf(fd, "E%s", e.msg);
			_exit(1);
		}
		if (write(fd, "0", 1) != 1)
			_exit(127);
		close(fd);
		close(a->fifo_fd);
	}
	if (a->state_fd >= 0)
		close(a->state_fd);
	/* Nothing of the runtime's reaches the process: stdio, socket-activation
	 * and preserved fds only. */
	kept = process_kept_fds(&p->env, a->listen_fds, a->preserve_fds);
	syscall(SYS_close_range, 3 + kept, ~0U, 0);
	execve(exe, a->exec_argv, a->exec_env);
	fprintf(stderr, "exec: \"%s\": %s\n", p->args.items[0], process_errno_text(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

__attribute__((noreturn)) static void fail(struct init_args *a, const char *stage, struct nerr *e)
{
	if (a->sync_fd >= 0)
		sync_send_error(a->sync_fd, stage, e);
	else
		fprintf(stderr, "%s: %s\n", stage, e->msg);
	_exit(1);
}

#define STEP(name, call)                                                                           \
	do {                                                                                       \
		stage = (name);                                                                    \
		log_debug("init: %s", stage);                                                      \
		if ((call) < 0)                                                                    \
			fail(a, stage, &e);                                                        \
	} while (0)

void init_main(struct init_args *a)
{
	struct nerr e = {0};
	const char *stage = "start";
	struct security_plan plan = {.landlock_fd = -1, .trace_sock = -1};
	char exe[PATH_MAX];
	int rootfd = -1;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	log_keep_stderr();
	/* Not dumpable until execve: the container cannot reach our memory or
	 * binary.  An unprivileged parent can write our id maps and
	 * oom_score_adj only while our /proc files are its own: nothing of the
	 * container exists before it is done. */
	if (!a->dumpable_until_setup)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	STEP("execCPUAffinity", process_attrs_cpu_affinity(a->cfg->process, false, &e));
	STEP("cgroup", join_cgroup(a, &e));
	STEP("namespaces", join_namespaces(a, &e));
	STEP("parent setup", parent_setup(a, &e));
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	STEP("execCPUAffinity", process_attrs_cpu_affinity(a->cfg->process, true, &e));
	STEP("user namespace", become_root(a, &e));
	STEP("namespaces", enter_late_namespaces(a, &e));
	STEP("hostname", set_names(a, &e));
	STEP("keyring", new_keyring(a, &e));
	STEP("mounts", mounts_setup(a->cfg, a->rootfs, a->prepared_mounts, &rootfd, &e));
	STEP("createRuntime hooks", create_runtime_hooks(a, &e));
	STEP("createContainer hooks", create_container_hooks(a, rootfd, &e));
	STEP("pivot_root", mounts_enter_root(a->cfg, rootfd, a->rootfs, a->no_pivot, &e));
	close(rootfd);
	STEP("console", setup_console(a, &e));
	STEP("stdio", reopen_dev_null(&e));
	STEP("sysctl", process_attrs_apply_sysctl(a->cfg, &e));
	STEP("cwd", make_cwd(a, &e));
	STEP("filesystem", mounts_finalize(a->cfg, &e));
	STEP("rlimits", security_apply_rlimits(a->cfg->process, &e));
	STEP("process attributes",
	     process_attrs_apply(a->cfg->process, a->cfg->linux_.personality, &e));
	STEP("landlock", security_prepare(a->cfg->process, a->seccomp, a->fifo_fd, &plan, &e));
	plan.trace_sock = a->trace_fd;
	STEP("environment", exec_vectors(a, &e));
	/* The last line: the log's fds are closed now, and nothing may be
	 * written once the seccomp filter is on. */
	log_debug("init: file descriptors, cwd, user, capabilities, seccomp, then wait for start");
	log_stop();
	STEP("file descriptors", close_extra_fds(a, &plan, &e));
	STEP("cwd", security_enter_cwd(a->cfg->process->cwd, &plan, &e));
	STEP("user, capabilities, seccomp", confine(a, &plan, &e));
	STEP("executable", init_find_executable(a->cfg->process, exe, sizeof exe, &e));
	STEP("ready", report_ready(a, &e));
	wait_start_and_exec(a, exe);
}
