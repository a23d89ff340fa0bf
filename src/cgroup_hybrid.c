/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hybrid hosts (v1 controllers, and cgroup2 for membership): a cgroup2
 * controller is handed down only where a container's resources need it there
 * (hugetlb for hugepageLimits, rdma, the prefix of a "unified" key), and the
 * last container out takes it back, so the cgroup2 root's subtree_control
 * stays as the host had it.  Other runtimes on the host depend on that: once a
 * controller is enabled in the root it can no longer be mounted as v1, and
 * crun refuses to run.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_hybrid.h"
#include "util.h"

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/* Hand `name` down from the cgroup2 root to the parent of path. */
static void hybrid_enable_one(const struct cg_layout *l, const char *path, const char *name)
{
	const char *mnt = l->h[l->unified].mnt;
	char dir[PATH_MAX], avail[1024], plus[64];
	size_t mlen = strlen(mnt);
	struct nerr ignored;

	if (cg_read(mnt, "cgroup.controllers", avail, sizeof avail) < 0 || !word_in(avail, name))
		return;
	snprintf(plus, sizeof plus, "+%s", name);
	snprintf(dir, sizeof dir, "%s%s", mnt, path);
	for (char *p = dir + mlen;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (*p == '\0')
			break; /* the container's own cgroup is a leaf */
		*p = '\0';
		/* A failure shows up as the missing file, named, when it is written. */
		cg_write(dir[0] ? dir : "/", "cgroup.subtree_control", plus, &ignored);
		*p = '/';
	}
}

void cg_hybrid_enable(const struct cg_layout *l, const char *path, const struct oci_resources *res)
{
	struct cg_dir d;

	if (l->mode != CGROUP_MODE_HYBRID || l->unified < 0 || !res)
		return;
	if (res->n_hugepage_limits && cg_controller_dir(l, CG_HUGETLB, path, &d) == 0 && d.v2)
		hybrid_enable_one(l, path, "hugetlb");
	if (res->n_rdma && cg_controller_dir(l, CG_RDMA, path, &d) == 0 && d.v2)
		hybrid_enable_one(l, path, "rdma");
	for (size_t i = 0; i < res->unified.len; i++) {
		char name[64];
		const char *key = res->unified.items[i].key, *dot = strchr(key, '.');
		if (!dot || (size_t)(dot - key) >= sizeof name)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(dot - key), key);
		hybrid_enable_one(l, path, name);
	}
}

/* A cgroup whose whole subtree holds no process: no limit of it applies to
 * anything.  (A child that handed the controller further down makes the
 * kernel refuse to take it back, with EBUSY, which is left as it is.) */
static bool cgroup_unused(const char *dir)
{
	char buf[256];

	return cg_read(dir, "cgroup.events", buf, sizeof buf) >= 0 && strstr(buf, "populated 0");
}

/* After a removal on a hybrid host: walking up from the removed cgroup, take back
 * the controllers of each cgroup whose children are all unused, so the last
 * container out leaves subtree_control (the root's too) as it found it.  At the
 * root only our own top-level cgroup counts: on a hybrid host cgroup2 is for
 * membership, so the others there (systemd's slices, other engines) hold
 * processes but use no controller that a container of ours handed down. */
void cg_hybrid_release(const struct cg_layout *l, const char *path)
{
	const char *mnt;
	char dir[PATH_MAX], enabled[1024], top[NAME_MAX + 1], *slash, *save = NULL;
	size_t mlen;

	if (l->mode != CGROUP_MODE_HYBRID || l->unified < 0)
		return;
	mnt = l->h[l->unified].mnt;
	mlen = strlen(mnt);
	snprintf(top, sizeof top, "%.*s", (int)strcspn(path + 1, "/"), path + 1);
	snprintf(dir, sizeof dir, "%s%s", mnt, path);
	while ((slash = strrchr(dir, '/')) && (size_t)(slash - dir) >= mlen) {
		_cleanup_close_ int fd = -1;
		DIR *d;
		struct dirent *de;
		bool busy = false;

		*slash = '\0';
		if (!dir[0])
			snprintf(dir, sizeof dir, "/");
		if (cg_read(dir, "cgroup.subtree_control", enabled, sizeof enabled) < 0)
			return;
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || !(d = fdopendir(TAKE_FD(fd))))
			return;
		while (!busy && (de = readdir(d))) {
			char child[PATH_MAX];
			if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			if ((size_t)(slash - dir) == mlen && strcmp(de->d_name, top))
				continue; /* the root: only our own top-level cgroup */
			snprintf(child, sizeof child, "%s/%s", dir, de->d_name);
			busy = !cgroup_unused(child);
		}
		closedir(d);
		if (busy)
			return;
		for (char *tok = strtok_r(enabled, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save)) {
			char minus[64];
			struct nerr ignored;
			snprintf(minus, sizeof minus, "-%s", tok);
			cg_write(dir, "cgroup.subtree_control", minus, &ignored);
		}
		if ((size_t)(slash - dir) <= mlen)
			return;
	}
}
