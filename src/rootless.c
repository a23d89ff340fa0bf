/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running without root.  Rootless is detected as runc detects it (euid != 0,
 * or a user namespace that does not own the host), or forced with
 * --rootless.  A rootless runtime usually may not make cgroups: it uses one
 * when it can (a delegated, writable cgroup v2 subtree), goes on without
 * one when the config asks for no limits, and otherwise refuses to create
 * the container, saying which limit needs which permission.
 */
#include "rootless.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

int rootless_parse_mode(const char *s, enum rootless_mode *out, struct nerr *e)
{
	if (!strcmp(s, "auto"))
		*out = ROOTLESS_AUTO;
	else if (!strcmp(s, "true"))
		*out = ROOTLESS_TRUE;
	else if (!strcmp(s, "false"))
		*out = ROOTLESS_FALSE;
	else
		return nerr_set(e, EINVAL, "--rootless \"%s\": expected auto, true or false", s);
	return 0;
}

bool rootless_in_user_ns(void)
{
	unsigned long long inside, outside, count;
	const char *nl;
	char buf[256];
	int n;
	_cleanup_close_ int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = (int)read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* The host's own namespace maps every ID onto itself, in one line. */
	if (sscanf(buf, "%llu %llu %llu", &inside, &outside, &count) != 3)
		return true;
	nl = strchr(buf, '\n');
	return !(inside == 0 && outside == 0 && count == 4294967295ULL && (!nl || !nl[1]));
}

bool rootless_detect(enum rootless_mode m)
{
	if (m != ROOTLESS_AUTO)
		return m == ROOTLESS_TRUE;
	return geteuid() != 0 || rootless_in_user_ns();
}

bool rootless_use_xdg_runtime_dir(void)
{
	const char *user = getenv("USER");
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (!xdg || !*xdg)
		return false;
	if (geteuid() != 0)
		return true;
	/* Root of a user namespace: an engine running us as its user's "root". */
	return rootless_in_user_ns() && (!user || strcmp(user, "root"));
}

const char *rootless_first_limit(const struct oci_resources *res)
{
	const struct oci_memory *m = &res->memory;
	const struct oci_cpu *c = &res->cpu;
	const struct oci_blkio *b = &res->blkio;

	if (m->has_limit || m->has_reservation || m->has_swap || m->has_kernel ||
	    m->has_kernel_tcp || m->has_swappiness || m->has_disable_oom_killer)
		return "linux.resources.memory";
	if (c->has_shares || c->has_quota || c->has_burst || c->has_period ||
	    c->has_realtime_runtime || c->has_realtime_period || c->cpus || c->mems || c->has_idle)
		return "linux.resources.cpu";
	/* 0 (and, with runc, any negative value) is no limit. */
	if (res->pids.has_limit && res->pids.limit > 0)
		return "linux.resources.pids";
	if (b->has_weight || b->has_leaf_weight || b->n_weight_device || b->throttle_read_bps.len ||
	    b->throttle_write_bps.len || b->throttle_read_iops.len || b->throttle_write_iops.len)
		return "linux.resources.blockIO";
	if (res->n_hugepage_limits)
		return "linux.resources.hugepageLimits";
	if (res->network.has_class_id || res->network.n_priorities)
		return "linux.resources.network";
	if (res->n_rdma)
		return "linux.resources.rdma";
	if (res->unified.len)
		return "linux.resources.unified";
	return NULL;
}

int rootless_cgroup_fallback(char **path, const struct oci_resources *res, int err, struct nerr *e)
{
	const char *limit = rootless_first_limit(res);
	struct nerr ignored;
	char why[sizeof e->msg];

	if (err != -EACCES && err != -EPERM && err != -EROFS)
		return err;
	snprintf(why, sizeof why, "%s", e->msg);
	/* Whatever part was made (a writable cgroup2 subtree on a hybrid host)
	 * goes: a container is in all of its cgroup or in none. */
	cgroup_destroy(*path, &ignored);
	if (limit)
		return nerr_set(e, -err,
		                "rootless container: %s needs a cgroup, but cgroups cannot be "
		                "used without permission: %s (resource limits need a writable, "
		                "delegated cgroup v2 subtree; without limits the container runs "
		                "without a cgroup)",
		                limit, why);
	free(*path);
	*path = NULL;
	return 0;
}

char *rootless_owner_name(void)
{
	struct passwd *pw;

	if (geteuid() == 0)
		return xstrdup("");
	pw = getpwuid(geteuid());
	return pw ? xstrdup(pw->pw_name) : xasprintf("%u", (unsigned)geteuid());
}

int rootless_need_cgroup(const char *id, const char *cgroup_path, const char *what, struct nerr *e)
{
	if (cgroup_path)
		return 0;
	return nerr_set(e, ENOTSUP,
	                "container \"%s\" has no cgroup (it was created rootless, where cgroups "
	                "could not be used): %s needs one",
	                id, what);
}

static int stat_pid_ns(pid_t pid, struct stat *sb)
{
	char p[64];

	snprintf(p, sizeof p, "/proc/%d/ns/pid", (int)pid);
	return stat(p, sb) < 0 ? -errno : 0;
}

static void pids_push(pid_t **pids, size_t *n, size_t *cap, pid_t pid)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*pids = realloc(*pids, *cap * sizeof **pids);
		if (!*pids)
			abort();
	}
	(*pids)[(*n)++] = pid;
}

int rootless_container_pids(pid_t init, pid_t **pids, size_t *n, struct nerr *e)
{
	struct stat ours, theirs, sb;
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	*pids = NULL;
	*n = 0;
	if (stat_pid_ns(init, &theirs) < 0 || stat_pid_ns(getpid(), &ours) < 0)
		return nerr_sys(e, errno, "pid namespace of the container's init %d", (int)init);
	if (theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev) {
		/* The host's pid namespace: only the init is surely the container's. */
		pids_push(pids, n, &cap, init);
		return 0;
	}
	d = opendir("/proc");
	if (!d)
		return nerr_sys(e, errno, "read /proc");
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		if (stat_pid_ns((pid_t)pid, &sb) == 0 && sb.st_ino == theirs.st_ino &&
		    sb.st_dev == theirs.st_dev)
			pids_push(pids, n, &cap, (pid_t)pid);
	}
	closedir(d);
	return 0;
}

int rootless_kill_all(pid_t init, int sig, struct nerr *e)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n;
	int r = rootless_container_pids(init, &pids, &n, e);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return nerr_sys(e, errno, "kill process %d", (int)pids[i]);
	return 0;
}
