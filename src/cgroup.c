/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control groups.  The host layout is read from /proc/self/mountinfo: every
 * cgroup (v1) hierarchy and the cgroup2 mount, whichever exist, so pure v1,
 * pure v2 and hybrid hosts go through the same code.
 */
#include "cgroup.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

#define MAX_HIERARCHIES 32

struct hierarchy {
	char mountpoint[PATH_MAX];
	bool v2;
	bool cpuset;
	bool freezer;
};

static int probe_hierarchies(struct hierarchy *h, size_t max)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0 && n < max) {
		char mnt[PATH_MAX], *sep, fstype[64], source[256], opts[1024];
		/* id parent major:minor root mountpoint opts... - fstype source superopts */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		sep = strstr(line, " - ");
		if (!sep || sscanf(sep + 3, "%63s %255s %1023s", fstype, source, opts) != 3)
			continue;
		if (!strcmp(fstype, "cgroup2")) {
			h[n] = (struct hierarchy){.v2 = true};
		} else if (!strcmp(fstype, "cgroup")) {
			h[n] = (struct hierarchy){.v2 = false};
			for (char *tok = strtok(opts, ","); tok; tok = strtok(NULL, ",")) {
				if (!strcmp(tok, "cpuset"))
					h[n].cpuset = true;
				if (!strcmp(tok, "freezer"))
					h[n].freezer = true;
			}
		} else {
			continue;
		}
		snprintf(h[n].mountpoint, sizeof h[n].mountpoint, "%s", mnt);
		n++;
	}
	free(line);
	fclose(f);
	return (int)n;
}

char *cgroup_path_for(const char *cgroups_path, const char *id)
{
	if (!cgroups_path || !*cgroups_path)
		return xasprintf("/nucleus-oci/%s", id);
	if (cgroups_path[0] == '/')
		return xstrdup(cgroups_path);
	return xasprintf("/%s", cgroups_path);
}

/* A new v1 cpuset cgroup starts with empty cpus/mems: copy them down. */
static int cpuset_copy_from_parent(const char *dir)
{
	char parent[PATH_MAX], file[PATH_MAX + 32], buf[256];
	const char *names[] = {"cpuset.cpus", "cpuset.mems"};
	char *slash;
	snprintf(parent, sizeof parent, "%s", dir);
	slash = strrchr(parent, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	for (size_t i = 0; i < 2; i++) {
		_cleanup_close_ int fd = -1;
		ssize_t n;
		snprintf(file, sizeof file, "%s/%s", dir, names[i]);
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		n = read(fd, buf, sizeof buf - 1);
		if (n > 0 && buf[0] != '\n')
			continue;
		close(fd);
		snprintf(file, sizeof file, "%s/%s", parent, names[i]);
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		n = read(fd, buf, sizeof buf - 1);
		if (n <= 0)
			return -EIO;
		snprintf(file, sizeof file, "%s/%s", dir, names[i]);
		if (write_file_at(AT_FDCWD, file, buf, (size_t)n) < 0)
			return -errno;
	}
	return 0;
}

static int make_cgroup_dir(const struct hierarchy *h, const char *path, struct nerr *e)
{
	char dir[PATH_MAX];
	size_t mlen = strlen(h->mountpoint);
	snprintf(dir, sizeof dir, "%s%s", h->mountpoint, path);
	for (char *p = dir + mlen + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return nerr_sys(e, errno, "create cgroup %s", dir);
		if (h->cpuset && cpuset_copy_from_parent(dir) < 0)
			return nerr_sys(e, errno, "initialize cpuset of %s", dir);
		*p = saved;
		if (saved == '\0')
			break;
	}
	return 0;
}

int cgroup_create(const char *path, pid_t pid, const struct oci_resources *res, struct nerr *e)
{
	struct hierarchy h[MAX_HIERARCHIES];
	char file[PATH_MAX + 32], pidbuf[32];
	int n = probe_hierarchies(h, MAX_HIERARCHIES), r;
	(void)res;

	if (n < 0)
		return nerr_sys(e, -n, "read /proc/self/mountinfo");
	snprintf(pidbuf, sizeof pidbuf, "%d", (int)pid);
	for (int i = 0; i < n; i++) {
		r = make_cgroup_dir(&h[i], path, e);
		if (r < 0)
			return r;
		snprintf(file, sizeof file, "%s%s/cgroup.procs", h[i].mountpoint, path);
		r = write_file_at(AT_FDCWD, file, pidbuf, strlen(pidbuf));
		if (r < 0)
			return nerr_sys(e, -r, "join cgroup %s", file);
	}
	return 0;
}

int cgroup_destroy(const char *path, struct nerr *e)
{
	struct hierarchy h[MAX_HIERARCHIES];
	char dir[PATH_MAX];
	int n = probe_hierarchies(h, MAX_HIERARCHIES), err = 0;

	if (n < 0)
		return nerr_sys(e, -n, "read /proc/self/mountinfo");
	for (int i = 0; i < n; i++) {
		snprintf(dir, sizeof dir, "%s%s", h[i].mountpoint, path);
		for (int tries = 0; tries < 100; tries++) {
			if (rmdir(dir) == 0 || errno == ENOENT)
				break;
			if (errno != EBUSY) {
				err = errno;
				nerr_sys(e, errno, "remove cgroup %s", dir);
				break;
			}
			usleep(1000 * (tries < 10 ? 1 : 10));
		}
	}
	return err ? -err : 0;
}

int cgroup_kill_all(const char *path, int sig, struct nerr *e)
{
	struct hierarchy h[MAX_HIERARCHIES];
	char file[PATH_MAX + 32];
	int n = probe_hierarchies(h, MAX_HIERARCHIES);
	if (n < 0)
		return nerr_sys(e, -n, "read /proc/self/mountinfo");
	for (int i = 0; i < n; i++) {
		FILE *f;
		int pid;
		snprintf(file, sizeof file, "%s%s/cgroup.procs", h[i].mountpoint, path);
		f = fopen(file, "re");
		if (!f)
			continue;
		while (fscanf(f, "%d", &pid) == 1)
			kill(pid, sig);
		fclose(f);
		return 0;
	}
	return 0;
}

bool cgroup_is_frozen(const char *path)
{
	struct hierarchy h[MAX_HIERARCHIES];
	char file[PATH_MAX + 32], buf[64];
	int n = probe_hierarchies(h, MAX_HIERARCHIES);
	for (int i = 0; i < n; i++) {
		_cleanup_close_ int fd = -1;
		ssize_t len;
		if (h[i].freezer)
			snprintf(file, sizeof file, "%s%s/freezer.state", h[i].mountpoint, path);
		else if (h[i].v2)
			snprintf(file, sizeof file, "%s%s/cgroup.freeze", h[i].mountpoint, path);
		else
			continue;
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof buf - 1);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		if (!strncmp(buf, "FROZEN", 6) || !strncmp(buf, "1", 1))
			return true;
		if (h[i].freezer)
			return false;
	}
	return false;
}

/* ---- exec: join an existing cgroup ---------------------------------------- */

int cgroup_enter(const char *path, pid_t pid, struct nerr *e)
{
	struct hierarchy h[MAX_HIERARCHIES];
	char file[PATH_MAX + 32], pidbuf[32];
	int n = probe_hierarchies(h, MAX_HIERARCHIES), r;

	if (n < 0)
		return nerr_sys(e, -n, "read /proc/self/mountinfo");
	snprintf(pidbuf, sizeof pidbuf, "%d", (int)pid);
	for (int i = 0; i < n; i++) {
		snprintf(file, sizeof file, "%s%s/cgroup.procs", h[i].mountpoint, path);
		r = write_file_at(AT_FDCWD, file, pidbuf, strlen(pidbuf));
		/* A hierarchy mounted after the container was made has no cgroup for it. */
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return nerr_sys(e, -r, "join cgroup %s", file);
	}
	return 0;
}
