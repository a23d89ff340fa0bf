/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "cgroup" mount type.  On a pure v2 host it is one cgroup2 mount; on v1
 * and hybrid hosts it is a tmpfs holding one mount per host hierarchy (and
 * cgroup2 at "unified"), laid out as runc does, with cpu,cpuacct links.
 * With a cgroup namespace each mount shows the container its own cgroup.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_fs.h"
#include "mounts.h"
#include "util.h"

/* A host hierarchy directly under /sys/fs/cgroup: its name there; NULL otherwise. */
static const char *hierarchy_name(const struct cg_hierarchy *h)
{
	const char *name = h->mnt + strlen("/sys/fs/cgroup/");

	if (!str_has_prefix(h->mnt, "/sys/fs/cgroup/") || !*name || strchr(name, '/'))
		return NULL;
	return name;
}

/* Does every controller of a /proc/self/cgroup line belong to this hierarchy? */
static bool line_matches(const struct cg_hierarchy *h, char *ctrls)
{
	char *save = NULL;

	if (h->v2)
		return !*ctrls;
	if (!*ctrls)
		return false;
	for (char *t = strtok_r(ctrls, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(t);
		const char *p = strstr(h->opts, t);
		while (p && !((p == h->opts || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')))
			p = strstr(p + 1, t);
		if (!p)
			return false;
	}
	return true;
}

/* Our cgroup in hierarchy h, as /proc/self/cgroup gives it (the init has joined
 * its cgroup by now): "/" in a cgroup namespace of our own. */
static int own_cgroup(const struct cg_hierarchy *h, char *out, size_t size)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[PATH_MAX + 256];
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (r < 0 && fgets(line, sizeof line, f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		c2[strcspn(c2 + 1, "\n") + 1] = '\0';
		if (line_matches(h, c1 + 1)) {
			snprintf(out, size, "%s", c2 + 1);
			r = 0;
		}
	}
	fclose(f);
	return r;
}

/* Without a cgroup namespace a fresh cgroupfs mount shows the host's whole tree
 * (every other container's cgroup, and limits read from the root): bind the
 * container's own cgroup directory of the host's hierarchy instead, as runc does. */
static int bind_own_cgroup(const struct cg_hierarchy *h, const char *own, const char *sub,
                           int rootfd, const char *cpath, unsigned long flags, struct nerr *e)
{
	char src[PATH_MAX * 2], p[64];
	_cleanup_close_ int fd = -1;

	snprintf(src, sizeof src, "%s%s", h->mnt, own);
	if (mount(src, sub, NULL, MS_BIND, NULL) < 0)
		return nerr_sys(e, errno, "mount %s (bind %s)", cpath, src);
	/* sub names the covered directory: reopen, inside the root, to reach the bind. */
	fd = mounts_open_in_root(rootfd, cpath, O_PATH | O_DIRECTORY, true, e);
	if (fd < 0)
		return nerr_sys(e, -fd, "mount %s: reopen", cpath);
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	if (mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0)
		return nerr_sys(e, errno, "mount %s: set flags of the bind of %s", cpath, src);
	return 0;
}

static int mount_hierarchy(int rootfd, int dir, const struct cg_hierarchy *h,
                           const struct oci_mount *m, unsigned long flags, struct nerr *e)
{
	char own[PATH_MAX];
	const char *name = hierarchy_name(h), *fstype = h->v2 ? "cgroup2" : "cgroup";
	_cleanup_close_ int sfd = -1;
	char sub[64];

	if (!name)
		return 0;

	if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
		return nerr_sys(e, errno, "mount %s/%s: create", m->destination, name);
	sfd = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return nerr_sys(e, errno, "mount %s/%s: open", m->destination, name);
	snprintf(sub, sizeof sub, "/proc/self/fd/%d", sfd);
	if (own_cgroup(h, own, sizeof own) == 0 && strcmp(own, "/")) {
		char cpath[PATH_MAX];
		int r;
		snprintf(cpath, sizeof cpath, "%s/%s", m->destination, name);
		r = bind_own_cgroup(h, own, sub, rootfd, cpath, flags, e);
		if (r < 0)
			return r;
	} else if (mount(fstype, sub, fstype, flags, h->opts[0] ? h->opts : NULL) < 0) {
		return nerr_sys(e, errno, "mount %s/%s (%s %s)", m->destination, name, fstype,
		                h->opts);
	}
	/* cpu,cpuacct -> links cpu and cpuacct, as on the host */
	if (strchr(name, ',')) {
		char copy[256], *save = NULL;
		snprintf(copy, sizeof copy, "%s", name);
		/* best effort, as on the host: a missing alias is no error */
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
			(void)!symlinkat(name, dir, t);
	}
	return 0;
}

int mounts_cgroup(int rootfd, int target, const struct oci_mount *m, const struct mount_plan *pl,
                  struct nerr *e)
{
	unsigned long fl = pl->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME | MS_RDONLY);
	const struct cg_layout *l;
	_cleanup_close_ int dir = -1;
	bool any_v1 = false;
	char tpath[64];
	int r;

	if ((r = cg_layout_get(&l, e)) < 0)
		return r;
	for (int i = 0; i < l->n; i++)
		any_v1 |= !l->h[i].v2;
	snprintf(tpath, sizeof tpath, "/proc/self/fd/%d", target);
	if (!any_v1) {
		char own[PATH_MAX];
		if (l->unified >= 0 && own_cgroup(&l->h[l->unified], own, sizeof own) == 0 &&
		    strcmp(own, "/"))
			return bind_own_cgroup(&l->h[l->unified], own, tpath, rootfd,
			                       m->destination, fl, e);
		if (mount("cgroup2", tpath, "cgroup2", fl, NULL) < 0)
			return nerr_sys(e, errno, "mount %s (cgroup2)", m->destination);
		return 0;
	}
	if (mount("tmpfs", tpath, "tmpfs", fl & ~MS_RDONLY, "mode=755") < 0)
		return nerr_sys(e, errno, "mount %s (tmpfs for cgroups)", m->destination);
	/* The fd we mounted on is the covered directory: reopen to reach the tmpfs. */
	dir = mounts_open_in_root(rootfd, m->destination, O_PATH | O_DIRECTORY, false, e);
	if (dir < 0)
		return nerr_sys(e, -dir, "mount %s: reopen", m->destination);
	for (int i = 0; r == 0 && i < l->n; i++)
		r = mount_hierarchy(rootfd, dir, &l->h[i], m, fl, e);
	if (r == 0 && (fl & MS_RDONLY)) {
		snprintf(tpath, sizeof tpath, "/proc/self/fd/%d", dir);
		if (mount(NULL, tpath, NULL, MS_BIND | MS_REMOUNT | fl, NULL) < 0)
			r = nerr_sys(e, errno, "remount %s read-only", m->destination);
	}
	return r;
}
