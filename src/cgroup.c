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
#include "log.h"
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
	/* Without the systemd driver "slice:prefix:name" is a plain name, as
	 * with runc's cgroupfs driver (containerd sends it for a ".slice" parent). */
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

/* The device rules of the config, none when it has none (devices are not
 * restricted).  The nodes of linux.devices get no rule of their own, as
 * with runc: a node the rules deny cannot be opened although it exists. */
static size_t config_device_rules(const struct oci_resources *res, struct oci_device_rule **out)
{
	*out = NULL;
	if (!res->n_devices)
		return 0;
	*out = xcalloc(res->n_devices, sizeof **out);
	memcpy(*out, res->devices, res->n_devices * sizeof **out);
	return res->n_devices;
}

static int procs_dir(const struct cg_layout *l, const char *path, char *dir, size_t size);

/* A cgroup that already holds processes is used as it is, with a warning,
 * as runc does: 1.  A frozen one is refused, since the init would sit in
 * the freezer for good. */
static int check_existing(const struct cg_layout *l, const char *path, struct nerr *e)
{
	char dir[PATH_MAX], buf[64];

	if (cgroup_is_frozen(path))
		return nerr_set(e, EBUSY,
		                "cgroup %s is frozen: the container's cgroup cannot be joined "
		                "until it is thawed",
		                path);
	procs_dir(l, path, dir, sizeof dir);
	if (cg_read(dir, "cgroup.procs", buf, sizeof buf) > 0) {
		log_warn(
		    "cgroup %s is not empty: it already has processes; the container shares it "
		    "(and delete leaves it and them in place)",
		    dir);
		return 1;
	}
	return 0;
}

int cgroup_create(const char *path, int *clone_fd, struct nerr *e)
{
	const struct cg_layout *l;
	int r = cg_layout_get(&l, e), shared;

	*clone_fd = -1;
	if (r < 0)
		return r;
	if ((shared = check_existing(l, path, e)) < 0)
		return shared;
	if (use_systemd)
		return shared; /* the scope is started with the init, by cgroup_apply_config */
	for (int i = 0; i < l->n; i++) {
		/* On a hybrid host cgroup2 is for membership: controllers are handed
		 * down only when resources need them there (cgroup_hybrid.c). */
		r = make_cgroup_dir(&l->h[i], path, l->mode != CGROUP_MODE_HYBRID, e);
		if (r < 0)
			return r;
	}
	/* New, but frozen through a frozen parent: remove what was made. */
	if (cgroup_is_frozen(path)) {
		struct nerr ignored;
		cgroup_destroy(path, &ignored);
		return nerr_set(e, EBUSY,
		                "cgroup %s is frozen (its parent is): the container's cgroup "
		                "cannot be joined until it is thawed",
		                path);
	}
	if (l->unified >= 0) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s%s", l->h[l->unified].mnt, path);
		*clone_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	return shared;
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
                        struct nerr *e)
{
	_cleanup_free_ struct oci_device_rule *rules = NULL;
	size_t n_rules = config_device_rules(res, &rules);
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

/* "[ctrl[,ctrl...]:]path" of exec --cgroup: the controllers (0 for every
 * hierarchy) and the path below the container's cgroup, without "/" first. */
static int parse_sub(const struct cg_layout *l, const char *spec, unsigned *ctrls, const char **sub,
                     struct nerr *e)
{
	const char *colon = strchr(spec, ':');
	unsigned all = 0;

	*ctrls = 0;
	*sub = colon ? colon + 1 : spec;
	for (int i = 0; i < l->n; i++)
		all |= l->h[i].ctrl;
	for (const char *p = spec; colon && p < colon;) {
		size_t len = strcspn(p, ",:");
		char name[32];
		unsigned bit;
		snprintf(name, sizeof name, "%.*s", (int)len, p);
		bit = !strcmp(name, "io") ? 1u << CG_BLKIO : 0;
		for (int c = 0; c < CG_COUNT && !bit; c++)
			if (!strcmp(name, cg_controller_name(c)))
				bit = 1u << c;
		if (!bit || !(all & bit))
			return nerr_set(e, EINVAL,
			                "--cgroup \"%s\": unknown controller \"%s\" (not on this "
			                "host)",
			                spec, name);
		*ctrls |= bit;
		p += len + (p[len] == ',');
	}
	while (**sub == '/')
		(*sub)++;
	for (const char *s = *sub; (s = strstr(s, "..")); s += 2)
		if ((s == *sub || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return nerr_set(e, EINVAL, "--cgroup \"%s\": not a sub-cgroup path", spec);
	return 0;
}

/* Join hierarchy i: the sub-cgroup of path the subs name for it, or path. */
static int enter_one(const struct cg_layout *l, int i, const char *path, const char *const *subs,
                     size_t n, pid_t pid, struct nerr *e)
{
	const char *sub = "", *s;
	bool specific = false;
	char dir[PATH_MAX];
	unsigned ctrls;
	int r;

	/* A controller's own entry wins over one for every hierarchy. */
	for (size_t k = 0; k < n; k++) {
		if ((r = parse_sub(l, subs[k], &ctrls, &s, e)) < 0)
			return r;
		if (ctrls ? (ctrls & l->h[i].ctrl) != 0 : !specific)
			sub = s;
		specific |= ctrls && (ctrls & l->h[i].ctrl);
	}
	snprintf(dir, sizeof dir, "%s%s%s%s", l->h[i].mnt, path, *sub ? "/" : "", sub);
	/* pid 0 is the caller: on v1 it moves through "tasks" as a single
	 * thread (callers are single-threaded). */
	if (pid == 0 && i != l->unified)
		r = cg_writef(dir, "tasks", e, "0");
	else
		r = cg_writef(dir, "cgroup.procs", e, "%d", (int)pid);
	return r < 0 ? nerr_wrap(e, "join cgroup") : 0;
}

int cgroup_check_subs(const char *const *subs, size_t n, struct nerr *e)
{
	const struct cg_layout *l;
	const char *sub;
	unsigned ctrls;
	int r = cg_layout_get(&l, e);

	for (size_t i = 0; r == 0 && i < n; i++)
		r = parse_sub(l, subs[i], &ctrls, &sub, e);
	return r;
}

int cgroup_enter_sub(const char *path, const char *const *subs, size_t n, pid_t pid, struct nerr *e)
{
	const struct cg_layout *l;
	int r = cg_layout_get(&l, e);

	if (r < 0)
		return r;
	/* The freezer's hierarchy last: in a paused container (exec
	 * --ignore-paused) the process stops there, already in all the others. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < l->n; i++) {
			bool freezer = (l->h[i].ctrl & (1u << CG_FREEZER)) != 0;
			if (freezer == (pass == 1) &&
			    (r = enter_one(l, i, path, subs, n, pid, e)) < 0)
				return r;
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
	/* With the sub-cgroups the container may have made itself. */
	for (int i = 0; i < l->n; i++) {
		snprintf(dir, sizeof dir, "%s%s", l->h[i].mnt, path);
		if ((r = cg_tree_remove(dir, 0, e)) < 0)
			err = -r;
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
	struct cg_pid_set set = {0};
	const struct cg_layout *l;
	char dir[PATH_MAX];
	int r = cg_layout_get(&l, e);

	*pids = NULL;
	*n = 0;
	if (r < 0)
		return r;
	procs_dir(l, path, dir, sizeof dir);
	if ((r = cg_tree_pids(dir, &set, 0)) < 0)
		return nerr_sys(e, -r, "read %s/cgroup.procs", dir);
	/* A process the container moved into a sub-cgroup of its own may be
	 * there in some v1 hierarchies only: look in all of them. */
	for (int i = 0; i < l->n; i++) {
		snprintf(dir, sizeof dir, "%s%s", l->h[i].mnt, path);
		cg_tree_pids(dir, &set, 0);
	}
	*pids = set.pids;
	*n = set.n;
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

static bool same_pid_ns(pid_t pid, const struct stat *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)pid);
	return stat(path, &st) == 0 && st.st_dev == ns->st_dev && st.st_ino == ns->st_ino;
}

int cgroup_kill_in_pidns(const char *path, int sig, pid_t init, struct nerr *e)
{
	_cleanup_free_ pid_t *pids = NULL;
	char nspath[64];
	struct stat ns;
	size_t n;
	int r;

	snprintf(nspath, sizeof nspath, "/proc/%d/ns/pid", (int)init);
	if (stat(nspath, &ns) < 0)
		return nerr_sys(e, errno, "pid namespace of the container's init %d", (int)init);
	if ((r = cgroup_pids(path, &pids, &n, e)) < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (same_pid_ns(pids[i], &ns) && kill(pids[i], sig) < 0 && errno != ESRCH)
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
