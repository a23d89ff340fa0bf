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

#include "mounts.h"
#include "util.h"

struct hierarchy {
	char name[256];  /* directory under /sys/fs/cgroup */
	char fstype[16]; /* cgroup or cgroup2 */
	char data[512];  /* the v1 controllers and options */
};

static bool host_has_v1(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	bool v1 = false;
	while (!v1 && getline(&line, &cap, f) > 0)
		v1 = strstr(line, " - cgroup ") != NULL;
	free(line);
	rewind(f);
	return v1;
}

/* One mountinfo line -> a hierarchy directly under /sys/fs/cgroup; false otherwise. */
static bool parse_hierarchy(const char *line, struct hierarchy *h)
{
	char mnt[PATH_MAX], opts[512];
	const char *sep = strstr(line, " - ");
	size_t dl = 0;
	char *save = NULL;

	if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
	    sscanf(sep + 3, "%15s %*s %511s", h->fstype, opts) != 2)
		return false;
	if ((strcmp(h->fstype, "cgroup") && strcmp(h->fstype, "cgroup2")) ||
	    !str_has_prefix(mnt, "/sys/fs/cgroup/") || strchr(mnt + 15, '/') || !mnt[15])
		return false;
	snprintf(h->name, sizeof h->name, "%s", mnt + 15);
	h->data[0] = '\0';
	if (!strcmp(h->fstype, "cgroup2"))
		return true;
	for (char *t = strtok_r(opts, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (strcmp(t, "rw") && strcmp(t, "ro"))
			dl += (size_t)snprintf(h->data + dl, sizeof h->data - dl, "%s%s",
			                       dl ? "," : "", t);
	return true;
}

static int mount_hierarchy(int dir, const struct hierarchy *h, const struct oci_mount *m,
                           unsigned long flags, struct nerr *e)
{
	_cleanup_close_ int sfd = -1;
	char sub[64];

	if (mkdirat(dir, h->name, 0755) < 0 && errno != EEXIST)
		return nerr_sys(e, errno, "mount %s/%s: create", m->destination, h->name);
	sfd = openat(dir, h->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return nerr_sys(e, errno, "mount %s/%s: open", m->destination, h->name);
	snprintf(sub, sizeof sub, "/proc/self/fd/%d", sfd);
	if (mount(h->fstype, sub, h->fstype, flags, h->data[0] ? h->data : NULL) < 0)
		return nerr_sys(e, errno, "mount %s/%s (%s %s)", m->destination, h->name, h->fstype,
		                h->data);
	/* cpu,cpuacct -> links cpu and cpuacct, as on the host */
	if (strchr(h->name, ',')) {
		char copy[256], *save = NULL;
		snprintf(copy, sizeof copy, "%s", h->name);
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
			symlinkat(h->name, dir, t);
	}
	return 0;
}

int mounts_cgroup(int rootfd, int target, const struct oci_mount *m, const struct mount_plan *pl,
                  struct nerr *e)
{
	unsigned long fl = pl->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME | MS_RDONLY);
	_cleanup_close_ int dir = -1;
	char tpath[64], *line = NULL;
	size_t cap = 0;
	int r = 0;
	FILE *f;

	snprintf(tpath, sizeof tpath, "/proc/self/fd/%d", target);
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return nerr_sys(e, errno, "mount %s: read mountinfo", m->destination);
	if (!host_has_v1(f)) {
		fclose(f);
		if (mount("cgroup2", tpath, "cgroup2", fl, NULL) < 0)
			return nerr_sys(e, errno, "mount %s (cgroup2)", m->destination);
		return 0;
	}
	if (mount("tmpfs", tpath, "tmpfs", fl & ~MS_RDONLY, "mode=755") < 0) {
		fclose(f);
		return nerr_sys(e, errno, "mount %s (tmpfs for cgroups)", m->destination);
	}
	/* The fd we mounted on is the covered directory: reopen to reach the tmpfs. */
	dir = mounts_open_in_root(rootfd, m->destination, O_PATH | O_DIRECTORY, false, e);
	if (dir < 0)
		r = nerr_sys(e, -dir, "mount %s: reopen", m->destination);
	while (r == 0 && getline(&line, &cap, f) > 0) {
		struct hierarchy h;
		if (parse_hierarchy(line, &h))
			r = mount_hierarchy(dir, &h, m, fl, e);
	}
	fclose(f);
	free(line);
	if (r == 0 && (fl & MS_RDONLY)) {
		snprintf(tpath, sizeof tpath, "/proc/self/fd/%d", dir);
		if (mount(NULL, tpath, NULL, MS_BIND | MS_REMOUNT | fl, NULL) < 0)
			r = nerr_sys(e, errno, "remount %s read-only", m->destination);
	}
	return r;
}
