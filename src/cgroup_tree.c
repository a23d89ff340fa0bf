/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A container's cgroup as a tree: a container that can write its cgroupfs
 * may make sub-cgroups and move processes into them.  Listing, signalling
 * and removing the container go through the whole tree, in every
 * hierarchy, so nothing it made is missed or left behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_fs.h"
#include "util.h"

/* A container's sub-cgroups are not expected to be deeper than this. */
#define TREE_MAX_DEPTH 32

static void add_pid(struct cg_pid_set *s, pid_t pid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->pids[i] == pid)
			return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->pids = realloc(s->pids, s->cap * sizeof *s->pids);
		if (!s->pids)
			abort();
	}
	s->pids[s->n++] = pid;
}

static int read_procs(const char *dir, struct cg_pid_set *s)
{
	char file[PATH_MAX + 16];
	FILE *f;
	int pid;

	snprintf(file, sizeof file, "%s/cgroup.procs", dir);
	f = fopen(file, "re");
	if (!f)
		return -errno;
	while (fscanf(f, "%d", &pid) == 1)
		add_pid(s, pid);
	fclose(f);
	return 0;
}

int cg_tree_pids(const char *dir, struct cg_pid_set *s, int depth)
{
	DIR *d;
	struct dirent *de;
	int r = read_procs(dir, s);

	if (r < 0 || depth >= TREE_MAX_DEPTH)
		return r;
	d = opendir(dir);
	if (!d)
		return 0; /* removed meanwhile */
	while ((de = readdir(d))) {
		char sub[PATH_MAX];
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name) >= (int)sizeof sub)
			continue;
		cg_tree_pids(sub, s, depth + 1);
	}
	closedir(d);
	return 0;
}

/* The last exiting tasks leave a cgroup asynchronously: retry EBUSY. */
static int rmdir_retry(const char *dir)
{
	for (int tries = 0; tries < 200; tries++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		usleep(1000 * (tries < 10 ? 1 : 10));
	}
	return -errno;
}

int cg_tree_remove(const char *dir, int depth, struct nerr *e)
{
	DIR *d = depth < TREE_MAX_DEPTH ? opendir(dir) : NULL;
	struct dirent *de;
	int r, err = 0;

	if (!d && errno == ENOENT)
		return 0;
	while (d && (de = readdir(d))) {
		char sub[PATH_MAX];
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name) >= (int)sizeof sub)
			continue;
		if ((r = cg_tree_remove(sub, depth + 1, e)) < 0 && !err)
			err = r;
	}
	if (d)
		closedir(d);
	if (err)
		return err;
	if ((r = rmdir_retry(dir)) < 0)
		return nerr_sys(e, -r, "remove cgroup %s", dir);
	return 0;
}
