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
#include <unistd.h>

#include "mounts.h"
#include "security.h"
#include "sync.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int ns_clone_flag[OCI_NS_COUNT] = {
	[OCI_NS_PID] = CLONE_NEWPID,	 [OCI_NS_NETWORK] = CLONE_NEWNET, [OCI_NS_MOUNT] = CLONE_NEWNS,
	[OCI_NS_IPC] = CLONE_NEWIPC,	 [OCI_NS_UTS] = CLONE_NEWUTS,	  [OCI_NS_USER] = CLONE_NEWUSER,
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
			return nerr_sys(e, errno, "join %s namespace", oci_ns_type_name((enum oci_ns_type)t));
	}
	for (int t = 0; t < OCI_NS_COUNT; t++)
		if (a->ns_fds[t] >= 0)
			close(a->ns_fds[t]);
	if (a->unshare_flags & ~(unsigned long)CLONE_NEWCGROUP &&
	    unshare((int)(a->unshare_flags & ~(unsigned long)CLONE_NEWCGROUP)) < 0)
		return nerr_sys(e, errno, "create namespaces");
	return 0;
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
		_cleanup_close_ int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
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
	if (syscall(SYS_keyctl, 1, NULL) < 0 && errno != ENOSYS && errno != EACCES && errno != EDQUOT)
		return nerr_sys(e, errno, "create session keyring");
	return 0;
}

static int create_runtime_hooks(struct init_args *a, struct nerr *e)
{
	int r = sync_send(a->sync_fd, SYNC_CREATE_RUNTIME);
	if (r < 0)
		return nerr_sys(e, -r, "write to parent");
	return sync_expect(a->sync_fd, SYNC_CONTINUE, e);
}

static int apply_sysctl(struct init_args *a, struct nerr *e)
{
	const struct oci_kv_list *s = &a->cfg->linux_.sysctl;
	for (size_t i = 0; i < s->len; i++) {
		char path[PATH_MAX];
		int r;
		snprintf(path, sizeof path, "/proc/sys/%s", s->items[i].key);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		r = write_file_at(AT_FDCWD, path, s->items[i].value, strlen(s->items[i].value));
		if (r < 0)
			return nerr_sys(e, -r, "sysctl %s=%s", s->items[i].key, s->items[i].value);
	}
	return 0;
}

static int change_dir(struct init_args *a, struct nerr *e)
{
	const char *cwd = a->cfg->process->cwd ? a->cfg->process->cwd : "/";
	if (chdir(cwd) < 0 && errno != EACCES)
		return nerr_sys(e, errno, "chdir to cwd \"%s\"", cwd);
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

/* Resolve args[0] like execvp would, with the container's PATH, so a
 * missing executable fails `create` with the wording engines match. */
static int find_executable(const struct oci_process *p, char *out, size_t outsz, struct nerr *e)
{
	const char *name = p->args.items[0];
	const char *path = env_get(&p->env, "PATH");
	struct stat sb;

	if (strchr(name, '/')) {
		if (stat(name, &sb) < 0) {
			/* runc's wording, which engines match to exit with 127 */
			if (errno == ENOENT)
				return nerr_set(e, ENOENT, "exec: \"%s\": stat %s: no such file or directory",
						name, name);
			return nerr_sys(e, errno, "exec: \"%s\"", name);
		}
		if (S_ISDIR(sb.st_mode))
			return nerr_set(e, EACCES, "exec: \"%s\": is a directory: permission denied", name);
		/* Fail `create`, not the process, as runc does: engines map this to exit 126. */
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

static int process_creds(struct init_args *a, struct nerr *e)
{
	const struct oci_process *p = a->cfg->process;
	int r = security_drop_bounding(p, e);
	if (r == 0)
		r = security_switch_user(p, e);
	if (r == 0 && p->cwd && chdir(p->cwd) < 0)
		return nerr_sys(e, errno, "chdir to cwd \"%s\"", p->cwd);
	if (r == 0)
		r = security_apply_caps(p, e);
	if (r == 0)
		r = security_no_new_privs(p, e);
	return r;
}

static int report_ready(struct init_args *a, struct nerr *e)
{
	int r = sync_send(a->sync_fd, SYNC_READY);
	if (r < 0)
		return nerr_sys(e, -r, "write to parent");
	r = sync_expect(a->sync_fd, SYNC_ACK, e);
	if (r < 0)
		return r;
	/* The parent may now exit: we must outlive it. */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	close(a->sync_fd);
	a->sync_fd = -1;
	return 0;
}

/* execve wants NULL-terminated vectors; the model keeps {items, len}. */
static char **strv_terminated(const struct oci_strv *v)
{
	char **out = xcalloc(v->len + 1, sizeof *out);
	for (size_t i = 0; i < v->len; i++)
		out[i] = v->items[i];
	return out;
}

__attribute__((noreturn)) static void wait_start_and_exec(struct init_args *a, const char *exe)
{
	const struct oci_process *p = a->cfg->process;
	char fdpath[64];
	int fd;

	if (a->fifo_fd >= 0) {
		snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", a->fifo_fd);
		fd = open(fdpath, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1) {
			fprintf(stderr, "nucleus-oci init: wait for start on exec.fifo: %s\n", strerror(errno));
			_exit(127);
		}
		close(fd);
		close(a->fifo_fd);
	}
	/* Nothing of the runtime's reaches the process: stdio and preserved fds only. */
	syscall(SYS_close_range, 3 + a->preserve_fds, ~0U, 0);
	execve(exe, strv_terminated(&p->args), strv_terminated(&p->env));
	fprintf(stderr, "exec: \"%s\": %s\n", p->args.items[0], strerror(errno));
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

#define STEP(name, call) \
	do { \
		stage = (name); \
		if ((call) < 0) \
			fail(a, stage, &e); \
	} while (0)

void init_main(struct init_args *a)
{
	struct nerr e = {0};
	const char *stage = "start";
	char exe[PATH_MAX];
	int rootfd = -1;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Not dumpable until execve: the container cannot reach our memory or binary. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	STEP("namespaces", join_namespaces(a, &e));
	STEP("parent setup", parent_setup(a, &e));
	STEP("user namespace", become_root(a, &e));
	STEP("namespaces", enter_late_namespaces(a, &e));
	STEP("hostname", set_names(a, &e));
	STEP("keyring", new_keyring(a, &e));
	STEP("mounts", mounts_setup(a->cfg, a->rootfs, &rootfd, &e));
	STEP("createRuntime hooks", create_runtime_hooks(a, &e));
	STEP("pivot_root", mounts_enter_root(rootfd, a->rootfs, a->no_pivot, &e));
	close(rootfd);
	STEP("filesystem", mounts_finalize(a->cfg, &e));
	STEP("sysctl", apply_sysctl(a, &e));
	STEP("rlimits", security_apply_rlimits(a->cfg->process, &e));
	STEP("cwd", change_dir(a, &e));
	STEP("user and capabilities", process_creds(a, &e));
	STEP("executable", find_executable(a->cfg->process, exe, sizeof exe, &e));
	STEP("ready", report_ready(a, &e));
	wait_start_and_exec(a, exe);
}
