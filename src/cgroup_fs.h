/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bottom of the cgroup module, private to it: the probed host layout
 * (which hierarchy carries which controller), the file helpers every driver
 * uses, and the few files that are named alike on v1 and v2.  It calls
 * nothing above it: the drivers (cgroup_v1.c, cgroup_v2.c, cgroup_bpf.c,
 * cgroup_systemd.c) sit on it, and the core (cgroup.c, cgroup_resources.c,
 * cgroup_stats.c) sits on the drivers.
 */
#ifndef NUCLEUS_CGROUP_FS_H
#define NUCLEUS_CGROUP_FS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"

enum cg_controller {
	CG_CPU,
	CG_CPUACCT,
	CG_CPUSET,
	CG_MEMORY,
	CG_DEVICES,
	CG_FREEZER,
	CG_BLKIO,
	CG_PIDS,
	CG_HUGETLB,
	CG_NET_CLS,
	CG_NET_PRIO,
	CG_RDMA,
	CG_MISC,
	CG_PERF_EVENT,
	CG_COUNT
};

#define CG_MAX_HIERARCHIES 32

struct cg_hierarchy {
	char mnt[PATH_MAX];
	char opts[256]; /* v1: the mount's options without rw/ro (controllers, name=...) */
	bool v2;
	unsigned ctrl; /* bit per enum cg_controller: mounted here (v1) or available (v2) */
};

struct cg_layout {
	struct cg_hierarchy h[CG_MAX_HIERARCHIES];
	int n;
	int unified; /* index of the cgroup2 mount, -1 when none */
	enum cgroup_mode mode;
};

/* The directory of one controller for a cgroup path, or -ENOENT. */
struct cg_dir {
	char path[PATH_MAX];
	bool v2;
};

/* The host layout, probed on first use and kept for the life of the process. */
int cg_layout_get(const struct cg_layout **out, struct nerr *e);
int cg_controller_dir(const struct cg_layout *l, enum cg_controller c, const char *path,
                      struct cg_dir *d);
const char *cg_controller_name(enum cg_controller c);

/* Write value to dir/file; the error names the file and the value. */
int cg_write(const char *dir, const char *file, const char *value, struct nerr *e);
int cg_writef(const char *dir, const char *file, struct nerr *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Read dir/file into buf (NUL-terminated, trailing newline stripped). */
int cg_read(const char *dir, const char *file, char *buf, size_t size);
int cg_read_u64(const char *dir, const char *file, uint64_t *out);
/* "key value" lines (memory.stat, cgroup.events ...): the value of key. */
int cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *out);
bool cg_file_exists(const char *dir, const char *file);

/* The cpuset, pids and rdma files are named alike on v1 and v2. */
int cg_set_cpuset(const char *dir, const struct oci_cpu *c, struct nerr *e);
int cg_set_pids(const char *dir, const struct oci_pids *p, struct nerr *e);
int cg_set_rdma(const char *dir, const struct oci_rdma_limit *l, size_t n, struct nerr *e);

/* Device rules as enforced: the configured ones, then the devices every
 * container needs (null, zero, full, tty, random, urandom, console, ptmx,
 * pts) as runc and crun append them. */
size_t cg_device_rules(const struct oci_device_rule *rules, size_t n, struct oci_device_rule **out);

#endif
