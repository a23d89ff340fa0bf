/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control groups: one interface (create, set resources, enter, freeze/thaw,
 * stats, pids, kill all, remove) over the pure v1, pure v2 and hybrid
 * layouts, chosen by probing the host at run time.
 */
#ifndef NUCLEUS_CGROUP_H
#define NUCLEUS_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "oci_spec.h"

enum cgroup_mode { CGROUP_MODE_V1, CGROUP_MODE_V2, CGROUP_MODE_HYBRID };

/* The parent of every cgroup nucleus-oci makes for a relative or empty cgroupsPath. */
#define CGROUP_DEFAULT_PARENT "/nucleus-oci"

/* What the host offers, for `features` and for messages. */
struct cgroup_features {
	bool v1;      /* at least one v1 controller hierarchy is mounted */
	bool v2;      /* a cgroup2 hierarchy is mounted */
	bool systemd; /* systemd runs as PID 1 (the systemd driver could work) */
	bool rdma;    /* the rdma controller is available */
	enum cgroup_mode mode;
};
int cgroup_features_probe(struct cgroup_features *f, struct nerr *e);
const char *cgroup_mode_name(enum cgroup_mode m); /* "v1", "v2", "hybrid" */

/* The systemd driver (--systemd-cgroup, or a container made with it):
 * systemd owns the cgroup, a transient scope unit.  cgroup_systemd_check
 * says why it cannot work here (not built, systemd not PID 1). */
void cgroup_use_systemd(bool on);
bool cgroup_uses_systemd(void);
int cgroup_systemd_check(struct nerr *e);
bool cgroup_systemd_built(void); /* for `features` */

/* The cgroup path of a container: cgroupsPath when absolute, under
 * CGROUP_DEFAULT_PARENT when relative, CGROUP_DEFAULT_PARENT/<id> when
 * empty.  The systemd form "slice:prefix:name" and ".." are refused.  With
 * the systemd driver: "slice:prefix:name" as the scope's path
 * (/a.slice/a-b.slice/prefix-name.scope). */
int cgroup_path_for(const char *cgroups_path, const char *id, char **out, struct nerr *e);

/* Create the cgroup in every hierarchy (a v1 cpuset gets its parent's cpus
 * and mems, so it can be joined).  -EEXIST, touching nothing, when the cgroup
 * already holds processes.  *clone_fd is a directory fd of the cgroup2 cgroup
 * for clone3(CLONE_INTO_CGROUP), or -1. */
int cgroup_create(const char *path, int *clone_fd, struct nerr *e);
/* Apply the config's resources and device rules (with those for the devices
 * the container is given) to the cgroup cgroup_create made, whose init is
 * pid (with systemd: start the scope holding pid). */
int cgroup_apply_config(const char *path, pid_t pid, const struct oci_resources *res,
                        const struct oci_device *devices, size_t n_devices, struct nerr *e);
/* Move pid into the cgroup (skip the cgroup2 hierarchy when it was cloned there). */
int cgroup_enter(const char *path, pid_t pid, bool in_unified, struct nerr *e);
/* Apply a new set of resources to a live cgroup (`update`). */
int cgroup_update(const char *path, const struct oci_resources *res, struct nerr *e);
/* Remove the cgroup from every hierarchy (it must be empty). */
int cgroup_destroy(const char *path, struct nerr *e);
/* Signal every process in the cgroup. */
int cgroup_kill_all(const char *path, int sig, struct nerr *e);
/* Freeze (pause) or thaw (resume), waiting until the kernel reports it done. */
int cgroup_freeze(const char *path, bool freeze, struct nerr *e);
bool cgroup_is_frozen(const char *path);
/* The directory whose freezer holds the cgroup's processes (for CRIU). */
int cgroup_freezer_dir(const char *path, char *out, size_t size, struct nerr *e);
/* The pids in the cgroup (malloc'ed array). */
int cgroup_pids(const char *path, pid_t **pids, size_t *n, struct nerr *e);

/* Statistics in the shape of runc's `events --stats`. */
#define CGROUP_MAX_CPUS  256
#define CGROUP_MAX_BLKIO 64
#define CGROUP_MAX_HUGE  4
#define CGROUP_MAX_RAW   64

struct cgroup_mem_entry {
	uint64_t limit, usage, max, failcnt;
};

struct cgroup_blkio_entry {
	uint64_t major, minor, value;
	char op[16];
};

struct cgroup_stats {
	struct {
		uint64_t total, kernel, user;
		uint64_t percpu[CGROUP_MAX_CPUS];
		size_t n_percpu;
		uint64_t periods, throttled_periods, throttled_time;
	} cpu;
	struct {
		uint64_t cache;
		struct cgroup_mem_entry usage, swap, kernel, kernel_tcp;
		struct {
			char key[64];
			uint64_t value;
		} raw[CGROUP_MAX_RAW];
		size_t n_raw;
	} memory;
	struct {
		uint64_t current, limit;
	} pids;
	struct cgroup_blkio_entry bytes[CGROUP_MAX_BLKIO];
	size_t n_bytes;
	struct cgroup_blkio_entry ios[CGROUP_MAX_BLKIO];
	size_t n_ios;
	struct {
		char size[16];
		uint64_t usage, max, failcnt;
	} hugetlb[CGROUP_MAX_HUGE];
	size_t n_hugetlb;
};
int cgroup_stats(const char *path, struct cgroup_stats *st, struct nerr *e);

/* OOM notification: a pollable fd that becomes readable on an event;
 * cgroup_oom_watch_read returns how many OOM kills happened since the last call. */
struct cgroup_oom_watch {
	int fd;
	int ctl_fd; /* v1: memory.oom_control, kept open while registered */
	bool v2;
	uint64_t last;
	char dir[4096];
};
int cgroup_oom_watch_open(const char *path, struct cgroup_oom_watch *w, struct nerr *e);
int cgroup_oom_watch_read(struct cgroup_oom_watch *w);
void cgroup_oom_watch_close(struct cgroup_oom_watch *w);

#endif
