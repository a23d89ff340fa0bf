/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The confinement sequence of the container process.  The order is what
 * makes it work and what makes it safe:
 *   1. rlimits while still root (raising a hard limit needs privilege);
 *   2. the Landlock ruleset built as root inside the container (it opens
 *      paths); the seccomp filter was compiled by the parent before the init
 *      existed (seccomp_cache.c);
 *   3. every fd the runtime did not mean to pass closed, then the cwd entered
 *      from inside the container root (CVE-2024-21626);
 *   4. the bounding set dropped while CAP_SETPCAP is still held, the user
 *      switched keeping the permitted set (PR_SET_KEEPCAPS);
 *   5. with no_new_privs: capabilities, no_new_privs, Landlock, seccomp;
 *      without it the kernel wants CAP_SYS_ADMIN for Landlock and seccomp, so
 *      they come before the final capabilities are installed.
 * Seccomp is last, so the filter need not allow setuid, setgroups or mount.
 */
#include "security.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "landlock.h"
#include "trace.h"
#include "log.h"
#include "util.h"

int security_apply_rlimits(const struct oci_process *p, struct nerr *e)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct oci_rlimit *rl = &p->rlimits[i];
		struct rlimit lim = {.rlim_cur = rl->soft, .rlim_max = rl->hard};
		if (setrlimit(rl->resource, &lim) < 0)
			return nerr_sys(e, errno, "setrlimit %s", rl->type);
	}
	return 0;
}

int security_prepare(const struct oci_process *p, const struct seccomp_prog *seccomp, int fifo_fd,
                     struct security_plan *plan, struct nerr *e)
{
	plan->landlock_fd = -1;
	plan->trace_sock = -1;
	plan->has_seccomp = seccomp != NULL;
	if (seccomp)
		plan->seccomp = *seccomp;
	return landlock_prepare(&p->landlock, fifo_fd, &plan->landlock_fd, e);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

void security_close_fds(int from, const int *keep, size_t n_keep)
{
	int sorted[8];
	size_t n = 0;

	for (size_t i = 0; i < n_keep && n < ARRAY_SIZE(sorted); i++)
		if (keep[i] >= from)
			sorted[n++] = keep[i];
	qsort(sorted, n, sizeof *sorted, cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (sorted[i] > from)
			syscall(SYS_close_range, from, sorted[i] - 1, 0);
		from = sorted[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

int security_enter_cwd(const char *cwd, bool tolerate_eacces, struct nerr *e)
{
	struct open_how how = {
	    .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int root = -1, fd = -1;
	char buf[64];

	if (!cwd)
		cwd = "/";
	/* After pivot_root "/" is the container's root: resolve from it. */
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return nerr_sys(e, errno, "open the container root");
	fd = (int)syscall(SYS_openat2, root, cwd, &how, sizeof how);
	if (fd < 0 && tolerate_eacces && errno == EACCES)
		return 0;
	if (fd < 0 && errno == ELOOP)
		return nerr_set(e, ELOOP,
		                "process.cwd \"%s\": resolves through a magic link (such as "
		                "/proc/self/fd): refused, it could lead out of the container",
		                cwd);
	if (fd < 0)
		return nerr_sys(e, errno, "process.cwd \"%s\"", cwd);
	if (fchdir(fd) < 0)
		return nerr_sys(e, errno, "chdir to process.cwd \"%s\"", cwd);
	/* The kernel says "(unreachable)" when the cwd is outside our root. */
	if (!getcwd(buf, sizeof buf) && errno == ENOENT)
		return nerr_set(e, EPERM, "process.cwd \"%s\": outside the container root", cwd);
	return 0;
}

static int switch_user(const struct oci_user *u, struct nerr *e)
{
	_cleanup_free_ gid_t *gids = NULL;

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return nerr_sys(e, errno, "prctl(PR_SET_KEEPCAPS)");
	if (u->n_additional_gids > 0) {
		gids = xcalloc(u->n_additional_gids, sizeof *gids);
		for (size_t i = 0; i < u->n_additional_gids; i++)
			gids[i] = u->additional_gids[i];
	}
	/* In a user namespace with setgroups denied only an empty list can fail harmlessly. */
	if (setgroups(u->n_additional_gids, gids) < 0 &&
	    !(errno == EPERM && u->n_additional_gids == 0))
		return nerr_sys(e, errno, "setgroups (process.user.additionalGids)");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return nerr_sys(e, errno, "setresgid %u (process.user.gid)", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return nerr_sys(e, errno, "setresuid %u (process.user.uid)", u->uid);
	umask(u->has_umask ? (mode_t)u->umask : 022);
	return 0;
}

static int no_new_privs(const struct oci_process *p, struct nerr *e)
{
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nerr_sys(e, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}

/* Landlock then seccomp: the ruleset fd is closed by enforcing it, so the
 * seccomp filter need not allow landlock_restrict_self.  The recording
 * filter comes before the config's: what the config denies is denied before
 * the recorder sees it, and the config's filter itself is recorded. */
static int restrict_self(struct security_plan *plan, int *notify_fd, struct nerr *e)
{
	int fd = plan->landlock_fd;
	int r;

	plan->landlock_fd = -1;
	r = landlock_enforce(fd, e);
	if (r == 0 && plan->trace_sock >= 0) {
		fd = plan->trace_sock;
		plan->trace_sock = -1;
		r = trace_filter_install(fd, e);
	}
	if (r < 0 || !plan->has_seccomp)
		return r;
	return seccomp_install(&plan->seccomp, notify_fd, e);
}

int security_confine(const struct oci_process *p, struct security_plan *plan, int *notify_fd,
                     struct nerr *e)
{
	bool restricts = plan->has_seccomp || plan->landlock_fd >= 0 || plan->trace_sock >= 0;
	int r;

	*notify_fd = -1;
	r = caps_drop_bounding(&p->capabilities, e);
	if (r == 0)
		r = switch_user(&p->user, e);
	if (r == 0)
		r = security_enter_cwd(p->cwd, false, e);
	if (r < 0)
		return r;
	if (!p->no_new_privileges && restricts) {
		r = caps_raise_sys_admin(e);
		if (r < 0)
			return nerr_wrap(e, "seccomp/landlock without noNewPrivileges");
		r = restrict_self(plan, notify_fd, e);
		if (r == 0)
			r = caps_apply(&p->capabilities, e);
		return r;
	}
	r = caps_apply(&p->capabilities, e);
	if (r == 0)
		r = no_new_privs(p, e);
	if (r == 0)
		r = restrict_self(plan, notify_fd, e);
	return r;
}
