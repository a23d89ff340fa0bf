/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a cgroup back: statistics in the shape of runc's `events --stats`
 * (each controller from the hierarchy that carries it), and OOM
 * notifications (v1: an eventfd registered on memory.oom_control; v2:
 * inotify on memory.events, counting oom_kill).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>

#include "cgroup_driver.h"
#include "util.h"

/* "hugepages-2048kB" -> "2MB", the names of the hugetlb files. */
static bool hugepage_name(const char *dirent, char *out, size_t size)
{
	unsigned long kb;

	if (sscanf(dirent, "hugepages-%lukB", &kb) != 1)
		return false;
	if (kb >= 1024 * 1024)
		snprintf(out, size, "%luGB", kb / (1024 * 1024));
	else if (kb >= 1024)
		snprintf(out, size, "%luMB", kb / 1024);
	else
		snprintf(out, size, "%luKB", kb);
	return true;
}

static void stats_hugetlb(const struct cg_dir *d, struct cgroup_stats *st)
{
	DIR *dir = opendir("/sys/kernel/mm/hugepages");
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir)) && st->n_hugetlb < CGROUP_MAX_HUGE) {
		char size[16], file[64];
		if (!hugepage_name(de->d_name, size, sizeof size))
			continue;
		snprintf(st->hugetlb[st->n_hugetlb].size, sizeof st->hugetlb[0].size, "%s", size);
		snprintf(file, sizeof file, "hugetlb.%s.%s", size,
		         d->v2 ? "current" : "usage_in_bytes");
		cg_read_u64(d->path, file, &st->hugetlb[st->n_hugetlb].usage);
		if (d->v2) {
			snprintf(file, sizeof file, "hugetlb.%s.events", size);
			cg_read_keyed(d->path, file, "max", &st->hugetlb[st->n_hugetlb].failcnt);
		} else {
			snprintf(file, sizeof file, "hugetlb.%s.max_usage_in_bytes", size);
			cg_read_u64(d->path, file, &st->hugetlb[st->n_hugetlb].max);
			snprintf(file, sizeof file, "hugetlb.%s.failcnt", size);
			cg_read_u64(d->path, file, &st->hugetlb[st->n_hugetlb].failcnt);
		}
		st->n_hugetlb++;
	}
	closedir(dir);
}

int cgroup_stats(const char *path, struct cgroup_stats *st, struct nerr *e)
{
	const struct cg_layout *l;
	struct cg_dir d, acct;
	int r = cg_layout_get(&l, e);

	memset(st, 0, sizeof *st);
	if (r < 0)
		return r;
	if (cg_controller_dir(l, CG_MEMORY, path, &d) == 0) {
		if (access(d.path, F_OK) < 0)
			return nerr_sys(e, errno, "cgroup %s", d.path);
		cg_driver_of(&d)->stats_memory(d.path, st);
	}
	if (cg_controller_dir(l, CG_CPU, path, &d) == 0) {
		cg_driver_of(&d)->stats_cpu(
		    d.path, cg_controller_dir(l, CG_CPUACCT, path, &acct) == 0 ? acct.path : NULL,
		    st);
	}
	if (cg_controller_dir(l, CG_PIDS, path, &d) == 0) {
		cg_read_u64(d.path, "pids.current", &st->pids.current);
		cg_read_u64(d.path, "pids.max", &st->pids.limit);
		if (st->pids.limit == UINT64_MAX)
			st->pids.limit = 0; /* runc reports no limit as 0 */
	}
	if (cg_controller_dir(l, CG_BLKIO, path, &d) == 0) {
		cg_driver_of(&d)->stats_blkio(d.path, st);
	}
	if (cg_controller_dir(l, CG_HUGETLB, path, &d) == 0)
		stats_hugetlb(&d, st);
	return 0;
}

/* ---- OOM events ---------------------------------------------------------------- */

int cgroup_oom_watch_open(const char *path, struct cgroup_oom_watch *w, struct nerr *e)
{
	const struct cg_layout *l;
	struct cg_dir d;
	char file[PATH_MAX + 32];
	int r = cg_layout_get(&l, e);

	w->fd = w->ctl_fd = -1;
	if (r < 0)
		return r;
	if (cg_controller_dir(l, CG_MEMORY, path, &d) < 0)
		return nerr_set(e, ENOTSUP, "no memory controller on this host: no OOM events");
	snprintf(w->dir, sizeof w->dir, "%s", d.path);
	w->v2 = d.v2;
	w->last = 0;
	if (d.v2) {
		cg_read_keyed(d.path, "memory.events", "oom_kill", &w->last);
		w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		snprintf(file, sizeof file, "%s/memory.events", d.path);
		if (w->fd < 0 || inotify_add_watch(w->fd, file, IN_MODIFY) < 0)
			return nerr_sys(e, errno, "watch %s", file);
		return 0;
	}
	w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	snprintf(file, sizeof file, "%s/memory.oom_control", d.path);
	w->ctl_fd = open(file, O_RDONLY | O_CLOEXEC);
	if (w->fd < 0 || w->ctl_fd < 0)
		return nerr_sys(e, errno, "open %s", file);
	return cg_writef(d.path, "cgroup.event_control", e, "%d %d", w->fd, w->ctl_fd);
}

int cgroup_oom_watch_read(struct cgroup_oom_watch *w)
{
	uint64_t v = 0;

	if (!w->v2)
		return read(w->fd, &v, sizeof v) == sizeof v ? (int)v : 0;
	{
		char buf[4096];
		while (read(w->fd, buf, sizeof buf) > 0)
			;
	}
	if (cg_read_keyed(w->dir, "memory.events", "oom_kill", &v) < 0 || v <= w->last)
		return 0;
	{
		int n = (int)(v - w->last);
		w->last = v;
		return n;
	}
}

void cgroup_oom_watch_close(struct cgroup_oom_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->ctl_fd >= 0)
		close(w->ctl_fd);
	w->fd = w->ctl_fd = -1;
}
