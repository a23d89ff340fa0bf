/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control groups: the host layout and the operations on a whole cgroup.
 *
 * The layout is read from /proc/self/mountinfo, once per process: every
 * cgroup (v1) hierarchy with the controllers it carries, and the cgroup2
 * mount with the controllers its root offers.  Pure v1, pure v2 and hybrid hosts (v1
 * controllers plus a unified mount, with or without controllers on it) all
 * go through the same code: each controller is handled by the driver of the
 * hierarchy that carries it (cgroup_v1.c or cgroup_v2.c), devices by v1
 * devices.allow/deny or, on cgroup2, by an eBPF program (cgroup_bpf.c).
 *
 * With --systemd-cgroup (cgroup_use_systemd) systemd owns the cgroup: it is
 * a transient scope (cgroup_systemd.c) started once the init exists, and
 * given the resources systemd has properties for; the cgroupfs drivers
 * write the rest and add the cgroup to the v1 hierarchies systemd does not
 * manage.
 */
#include "cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup_driver.h"
#include "cgroup_hybrid.h"
#include "cgroup_resources.h"
#include "cgroup_systemd.h"
#include "util.h"

static bool use_systemd;

void cgroup_use_systemd(bool on)
{
	use_systemd = on;
}

bool cgroup_uses_systemd(void)
{
	return use_systemd;
}

bool cgroup_systemd_built(void)
{
	return cg_systemd_built();
}

int cgroup_systemd_check(struct nerr *e)
{
	if (!cg_systemd_built())
		return nerr_set(
		    e, ENOTSUP,
		    "--systemd-cgroup: systemd cgroup management is not available in "
		    "this build (configure found no libsystemd); use the cgroupfs driver");
	/* sd_booted(): systemd creates this directory when it is PID 1. */
	if (access("/run/systemd/system", F_OK) < 0)
		return nerr_set(e, ENOTSUP,
		                "--systemd-cgroup: systemd cgroup management is not available on "
		                "this host (systemd is not running as PID 1); use the cgroupfs "
		                "driver");
	return 0;
}

int cgroup_features_probe(struct cgroup_features *f, struct nerr *e)
{
	const struct cg_layout *l;
	struct cg_dir d;
	int r = cg_layout_get(&l, e);

	if (r < 0)
		return r;
	*f = (struct cgroup_features){.mode = l->mode};
	f->v2 = l->unified >= 0;
	f->v1 = l->mode != CGROUP_MODE_V2;
	f->rdma = cg_controller_dir(l, CG_RDMA, "", &d) == 0;
	/* sd_booted(): systemd creates this directory when it is PID 1. */
	f->systemd = access("/run/systemd/system", F_OK) == 0;
	return 0;
}

/* ---- paths ------------------------------------------------------------------ */

int cgroup_path_for(const char *cgroups_path, const char *id, char **out, struct nerr *e)
{
	const char *p = cgroups_path;

	*out = NULL;
	if (use_systemd)
		return cg_systemd_path(cgroups_path, id, out, e);
	if (!p || !*p) {
		*out = xasprintf("%s/%s", CGROUP_DEFAULT_PARENT, id);
		return 0;
	}
	if (p[0] != '/' && strchr(p, ':'))
		return nerr_set(
		    e, ENOTSUP,
		    "config.json: linux.cgroupsPath \"%s\": the systemd form "
		    "slice:prefix:name needs the systemd cgroup driver (--systemd-cgroup)",
		    p);
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return nerr_set(
			    e, EINVAL,
			    "config.json: linux.cgroupsPath \"%s\": \"..\" is not allowed", p);
	if (p[0] == '/')
		*out = p[1] ? xstrdup(p) : NULL;
	else
		*out = xasprintf("%s/%s", CGROUP_DEFAULT_PARENT, p);
	if (!*out)
		return nerr_set(
		    e, EINVAL,
		    "config.json: linux.cgroupsPath \"/\": the root cgroup cannot be used");
	/* strip trailing slashes */
	for (size_t n = strlen(*out); n > 1 && (*out)[n - 1] == '/'; n--)
		(*out)[n - 1] = '\0';
	return 0;
}

/* ---- create, enter, remove ---------------------------------------------------- */

static int make_cgroup_dir(const struct cg_hierarchy *h, const char *path, bool enable,
                           struct nerr *e)
{
	const struct cg_driver *drv = cg_driver_of_hierarchy(h);
	char dir[PATH_MAX];
	size_t mlen = strlen(h->mnt);
	int r;

	snprintf(dir, sizeof dir, "%s%s", h->mnt, path);
	for (char *p = dir + mlen + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (drv->prepare_parent && enable) {
			/* The parent must hand its controllers down before the child exists. */
			char *slash = strrchr(dir, '/');
			*slash = '\0';
			drv->prepare_parent(dir[0] ? dir : "/", e);
			*slash = '/';
		}
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return nerr_sys(e, errno, "create cgroup %s", dir);
		if (drv->init_dir && (r = drv->init_dir(h, dir, e)) < 0)
			return r;
		*p = saved;
		if (saved == '\0')
			break;
	}
	return 0;
}

static int apply_devices(const struct cg_layout *l, const char *path,
                         const struct oci_device_rule *rules, size_t n, bool update, struct nerr *e)
{
	struct cg_dir d;

	if (cg_controller_dir(l, CG_DEVICES, path, &d) < 0)
		return nerr_set(e, ENOTSUP,
		                "linux.resources.devices: no devices controller on this host");
	return cg_driver_of(&d)->set_devices(d.path, rules, n, update, e);
}

/* The device rules of the config, then an allow rule per configured device
 * node; none when the config has no rules (devices are not restricted). */
static size_t config_device_rules(const struct oci_resources *res, const struct oci_device *devs,
                                  size_t n_devs, struct oci_device_rule **out)
{
	struct oci_device_rule *rules;
	size_t n = res->n_devices;

	*out = NULL;
	if (!res->n_devices)
		return 0;
	rules = xcalloc(n + n_devs, sizeof *rules);
	memcpy(rules, res->devices, n * sizeof *rules);
	for (size_t i = 0; i < n_devs; i++) {
		if (devs[i].type != 'c' && devs[i].type != 'b' && devs[i].type != 'u')
			continue;
		rules[n++] = (struct oci_device_rule){
		    .allow = true,
		    .type = devs[i].type == 'b' ? 'b' : 'c',
		    .has_major = true,
		    .major = devs[i].major,
		    .has_minor = true,
		    .minor = devs[i].minor,
		};
	}
	*out = rules;
	return n;
}

static int procs_dir(const struct cg_layout *l, const char *path, char *dir, size_t size);

/* Two containers must never share a cgroup: deleting one would kill the other. */
static int check_unused(const struct cg_layout *l, const char *path, struct nerr *e)
{
	char dir[PATH_MAX], buf[64];

	procs_dir(l, path, dir, sizeof dir);
	if (cg_read(dir, "cgroup.procs", buf, sizeof buf) > 0)
		return nerr_set(e, EEXIST, "cgroup %s is in use: it already has processes", dir);
	return 0;
}

int cgroup_create(const char *path, int *clone_fd, struct nerr *e)
{
	const struct cg_layout *l;
	int r = cg_layout_get(&l, e);

	*clone_fd = -1;
	if (r < 0)
		return r;
	if ((r = check_unused(l, path, e)) < 0)
		return r;
	if (use_systemd)
		return 0; /* the scope is started with the init, by cgroup_apply_config */
	for (int i = 0; i < l->n; i++) {
		/* On a hybrid host cgroup2 is for membership: controllers are handed
		 * down only when resources need them there (cgroup_hybrid.c). */
		r = make_cgroup_dir(&l->h[i], path, l->mode != CGROUP_MODE_HYBRID, e);
		if (r < 0)
			return r;
	}
	if (l->unified >= 0) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s%s", l->h[l->unified].mnt, path);
		*clone_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	return 0;
}

/* systemd made the scope in the hierarchies it manages: make it in the
 * others (v1 cpuset, net_cls, perf_event ...) and put pid there too. */
static int join_unmanaged(const struct cg_layout *l, const char *path, pid_t pid, struct nerr *e)
{
	char dir[PATH_MAX];
	int r;

	for (int i = 0; i < l->n; i++) {
		if (i == l->unified)
			continue;
		if ((r = make_cgroup_dir(&l->h[i], path, true, e)) < 0)
			return r;
		snprintf(dir, sizeof dir, "%s%s", l->h[i].mnt, path);
		if ((r = cg_writef(dir, "cgroup.procs", e, "%d", (int)pid)) < 0)
			return nerr_wrap(e, "join cgroup");
	}
	return 0;
}

int cgroup_apply_config(const char *path, pid_t pid, const struct oci_resources *res,
                        const struct oci_device *devices, size_t n_devices, struct nerr *e)
{
	_cleanup_free_ struct oci_device_rule *rules = NULL;
	size_t n_rules = config_device_rules(res, devices, n_devices, &rules);
	struct oci_resources rest;
	const struct cg_layout *l;
	int r = cg_layout_get(&l, e);

	if (r < 0)
		return r;
	if (use_systemd) {
		if ((r = cg_systemd_start(l, path, pid, res, rules, n_rules, &rest, e)) < 0)
			return r;
		if ((r = join_unmanaged(l, path, pid, e)) < 0)
			return r;
		res = &rest;
	}
	cg_hybrid_enable(l, path, res);
	r = cg_apply_resources(l, path, res, false, e);
	if (r < 0 || !n_rules)
		return r;
	return apply_devices(l, path, rules, n_rules, false, e);
}

int cgroup_enter(const char *path, pid_t pid, bool in_unified, struct nerr *e)
{
	const struct cg_layout *l;
	char dir[PATH_MAX];
	int r = cg_layout_get(&l, e);

	if (r < 0)
		return r;
	for (int i = 0; i < l->n; i++) {
		if (in_unified && i == l->unified)
			continue;
		snprintf(dir, sizeof dir, "%s%s", l->h[i].mnt, path);
		/* pid 0 is the caller: on v1 it moves through "tasks" as a single
		 * thread, which spares the thread-group lock (callers are
		 * single-threaded). */
		if (pid == 0 && i != l->unified)
			r = cg_writef(dir, "tasks", e, "0");
		else
			r = cg_writef(dir, "cgroup.procs", e, "%d", (int)pid);
		if (r < 0)
			return nerr_wrap(e, "join cgroup");
	}
	return 0;
}

int cgroup_update(const char *path, const struct oci_resources *res, struct nerr *e)
{
	struct oci_resources rest;
	const struct cg_layout *l;
	int r = cg_layout_get(&l, e);

	if (r < 0)
		return r;
	if (use_systemd) {
		/* systemd first, so a daemon-reload applies the same values again */
		if ((r = cg_systemd_update(l, path, res, &rest, e)) < 0)
			return r;
		res = &rest;
	}
	cg_hybrid_enable(l, path, res);
	r = cg_apply_resources(l, path, res, true, e);
	if (r < 0 || !res->n_devices)
		return r;
	return apply_devices(l, path, res->devices, res->n_devices, true, e);
}

int cgroup_destroy(const char *path, struct nerr *e)
{
	const struct cg_layout *l;
	char dir[PATH_MAX];
	int r = cg_layout_get(&l, e), err = 0;

	if (r < 0)
		return r;
	/* Then remove what systemd did not: the unmanaged v1 hierarchies. */
	if (use_systemd && (r = cg_systemd_stop(path, e)) < 0)
		err = -r;
	for (int i = 0; i < l->n; i++) {
		snprintf(dir, sizeof dir, "%s%s", l->h[i].mnt, path);
		/* The last exiting tasks leave the cgroup asynchronously: retry EBUSY. */
		for (int tries = 0; tries < 200; tries++) {
			if (rmdir(dir) == 0 || errno == ENOENT)
				break;
			if (errno != EBUSY || tries == 199) {
				err = errno;
				nerr_sys(e, errno, "remove cgroup %s", dir);
				break;
			}
			usleep(1000 * (tries < 10 ? 1 : 10));
		}
	}
	cg_hybrid_release(l, path);
	return err ? -err : 0;
}

/* The hierarchy that lists the container's processes: cgroup2 when mounted
 * (every process is in it, also on hybrid hosts), else the first v1 one. */
static int procs_dir(const struct cg_layout *l, const char *path, char *dir, size_t size)
{
	int idx = l->unified;

	for (int i = 0; idx < 0 && i < l->n; i++)
		if (l->h[i].ctrl)
			idx = i;
	if (idx < 0)
		idx = 0;
	snprintf(dir, size, "%s%s", l->h[idx].mnt, path);
	return 0;
}

int cgroup_pids(const char *path, pid_t **pids, size_t *n, struct nerr *e)
{
	const struct cg_layout *l;
	char dir[PATH_MAX], file[PATH_MAX + 16];
	size_t cap = 16;
	FILE *f;
	int pid, r = cg_layout_get(&l, e);

	*pids = NULL;
	*n = 0;
	if (r < 0)
		return r;
	procs_dir(l, path, dir, sizeof dir);
	snprintf(file, sizeof file, "%s/cgroup.procs", dir);
	f = fopen(file, "re");
	if (!f)
		return nerr_sys(e, errno, "read %s", file);
	*pids = xcalloc(cap, sizeof **pids);
	while (fscanf(f, "%d", &pid) == 1) {
		if (*n == cap) {
			cap *= 2;
			*pids = realloc(*pids, cap * sizeof **pids);
			if (!*pids)
				abort();
		}
		(*pids)[(*n)++] = pid;
	}
	fclose(f);
	return 0;
}

int cgroup_kill_all(const char *path, int sig, struct nerr *e)
{
	_cleanup_free_ pid_t *pids = NULL;
	const struct cg_layout *l;
	size_t n;
	int r = cg_layout_get(&l, e);

	if (r < 0)
		return r;
	if (sig == SIGKILL && l->unified >= 0) {
		/* cgroup.kill (5.14) kills every process, forking or not, in one go. */
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s%s", l->h[l->unified].mnt, path);
		if (cg_file_exists(dir, "cgroup.kill") && cg_write(dir, "cgroup.kill", "1", e) == 0)
			return 0;
	}
	r = cgroup_pids(path, &pids, &n, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return nerr_sys(e, errno, "kill process %d", (int)pids[i]);
	return 0;
}

int cgroup_freeze(const char *path, bool freeze, struct nerr *e)
{
	const struct cg_layout *l;
	struct cg_dir d;
	int r = cg_layout_get(&l, e);

	if (r < 0)
		return r;
	if (cg_controller_dir(l, CG_FREEZER, path, &d) < 0)
		return nerr_set(e, ENOTSUP, "no freezer controller on this host");
	return cg_driver_of(&d)->freeze(d.path, freeze, e);
}

bool cgroup_is_frozen(const char *path)
{
	const struct cg_layout *l;
	struct nerr e;
	struct cg_dir d;

	if (cg_layout_get(&l, &e) < 0 || cg_controller_dir(l, CG_FREEZER, path, &d) < 0)
		return false;
	return cg_driver_of(&d)->is_frozen(d.path);
}

int cgroup_freezer_dir(const char *path, char *out, size_t size, struct nerr *e)
{
	const struct cg_layout *l;
	struct cg_dir d;
	int r = cg_layout_get(&l, e);

	if (r < 0)
		return r;
	if (cg_controller_dir(l, CG_FREEZER, path, &d) < 0)
		return nerr_set(e, ENOENT, "cgroup %s: no freezer on this host", path);
	snprintf(out, size, "%s", d.path);
	return 0;
}
