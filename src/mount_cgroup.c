/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "cgroup" mount type.  On a pure v2 host it is one cgroup2 mount; on v1
 * and hybrid hosts it is a tmpfs holding one mount per host hierarchy (and
 * cgroup2 at "unified"), laid out as runc does, with cpu,cpuacct links.
 * With a cgroup namespace each mount shows the container its own cgroup.
 * Where a fresh cgroupfs mount is refused (a user namespace without a cgroup
 * namespace: EPERM), the container's own cgroup directory of the host's
 * cgroupfs is bound instead, as runc does.
 */
#include "mount_cgroup.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "inroot.h"
#include "util.h"

/* A host hierarchy directly under /sys/fs/cgroup: its name there; NULL otherwise. */
static const char *hierarchy_name(const struct cg_hierarchy *h)
{
	const char *name = h->mnt + strlen("/sys/fs/cgroup/");

	if (!str_has_prefix(h->mnt, "/sys/fs/cgroup/") || !*name || strchr(name, '/'))
		return NULL;
	return name;
}

/* Whether the comma-separated word w is one of the comma-separated words of list. */
static bool has_word(const char *list, const char *w, size_t wlen)
{
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");
		if (n == wlen && !strncmp(p, w, n))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* This process's cgroup in hierarchy h, from /proc/self/cgroup ("id:controllers:path"). */
static int self_path(const struct cg_hierarchy *h, char *out, size_t size)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;
	struct nerr ignored = {0};
	size_t len;
	int r = read_file_at(AT_FDCWD, "/proc/self/cgroup", &text, &len, &ignored);

	if (r < 0)
		return r;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctrls = strchr(line, ':'), *path;
		bool match = true;
		if (!ctrls || !(path = strchr(++ctrls, ':')))
			continue;
		*path++ = '\0';
		if (h->v2 != (*ctrls == '\0'))
			continue;
		for (const char *c = ctrls; *c && match;) {
			size_t n = strcspn(c, ",");
			match = has_word(h->opts, c, n);
			c += n + (c[n] == ',');
		}
		if (match) {
			snprintf(out, size, "%s", path);
			return 0;
		}
	}
	return -ENOENT;
}

/* Bind the container's own directory of the host's hierarchy h onto sfd. */
static int bind_own_cgroup(int sfd, const struct cg_hierarchy *h, const struct oci_mount *m,
                           const char *name, unsigned long flags, struct nerr *e)
{
	struct mount_attr a = {.attr_set = (flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
	                                   (flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
	                                   (flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) |
	                                   (flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0)};
	_cleanup_close_ int tree = -1;
	char own[PATH_MAX], src[PATH_MAX * 2];
	int r = self_path(h, own, sizeof own);

	if (r < 0)
		return nerr_sys(e, -r, "mount %s/%s: find the container's cgroup", m->destination,
		                name);
	snprintf(src, sizeof src, "%s%s", h->mnt, own);
	tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return nerr_sys(e, errno, "mount %s/%s: bind %s", m->destination, name, src);
	if (a.attr_set && mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof a) < 0)
		return nerr_sys(e, errno, "mount %s/%s: set the flags of the bind of %s",
		                m->destination, name, src);
	if (move_mount(tree, "", sfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nerr_sys(e, errno, "mount %s/%s: bind %s", m->destination, name, src);
	return 0;
}

static int mount_hierarchy(int dir, const struct cg_hierarchy *h, const struct oci_mount *m,
                           unsigned long flags, struct nerr *e)
{
	const char *name = hierarchy_name(h), *fstype = h->v2 ? "cgroup2" : "cgroup";
	_cleanup_close_ int sfd = -1;
	char sub[64];
	int r;

	if (!name)
		return 0;

	if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
		return nerr_sys(e, errno, "mount %s/%s: create", m->destination, name);
	sfd = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return nerr_sys(e, errno, "mount %s/%s: open", m->destination, name);
	snprintf(sub, sizeof sub, "/proc/self/fd/%d", sfd);
	if (mount(fstype, sub, fstype, flags, h->opts[0] ? h->opts : NULL) < 0) {
		if (errno != EPERM)
			return nerr_sys(e, errno, "mount %s/%s (%s %s)", m->destination, name,
			                fstype, h->opts);
		r = bind_own_cgroup(sfd, h, m, name, flags, e);
		if (r < 0)
			return r;
	}
	/* cpu,cpuacct -> links cpu and cpuacct, as on the host */
	if (strchr(name, ',')) {
		char copy[256], *save = NULL;
		snprintf(copy, sizeof copy, "%s", name);
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
			symlinkat(name, dir, t);
	}
	return 0;
}

int mount_cgroup_setup(int rootfd, int target, const struct oci_mount *m,
                       const struct mount_plan *pl, struct nerr *e)
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
		if (mount("cgroup2", tpath, "cgroup2", fl, NULL) == 0)
			return 0;
		if (errno != EPERM || l->n < 1)
			return nerr_sys(e, errno, "mount %s (cgroup2)", m->destination);
		return bind_own_cgroup(target, &l->h[0], m, "", fl, e);
	}
	if (mount("tmpfs", tpath, "tmpfs", fl & ~MS_RDONLY, "mode=755") < 0)
		return nerr_sys(e, errno, "mount %s (tmpfs for cgroups)", m->destination);
	/* The fd we mounted on is the covered directory: reopen to reach the tmpfs. */
	dir = inroot_open(rootfd, m->destination, O_PATH | O_DIRECTORY, false, e);
	if (dir < 0)
		return nerr_sys(e, -dir, "mount %s: reopen", m->destination);
	for (int i = 0; r == 0 && i < l->n; i++)
		r = mount_hierarchy(dir, &l->h[i], m, fl, e);
	if (r == 0 && (fl & MS_RDONLY)) {
		snprintf(tpath, sizeof tpath, "/proc/self/fd/%d", dir);
		if (mount(NULL, tpath, NULL, MS_BIND | MS_REMOUNT | fl, NULL) < 0)
			r = nerr_sys(e, errno, "remount %s read-only", m->destination);
	}
	return r;
}
