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
 */
#include "cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup_internal.h"
#include "util.h"

static const char *const controller_names[CG_COUNT] = {
    [CG_CPU] = "cpu",           [CG_CPUACCT] = "cpuacct",
    [CG_CPUSET] = "cpuset",     [CG_MEMORY] = "memory",
    [CG_DEVICES] = "devices",   [CG_FREEZER] = "freezer",
    [CG_BLKIO] = "blkio",       [CG_PIDS] = "pids",
    [CG_HUGETLB] = "hugetlb",   [CG_NET_CLS] = "net_cls",
    [CG_NET_PRIO] = "net_prio", [CG_RDMA] = "rdma",
    [CG_MISC] = "misc",         [CG_PERF_EVENT] = "perf_event",
};

const char *cg_controller_name(enum cg_controller c)
{
	return controller_names[c];
}

/* ---- files ------------------------------------------------------------------ */

int cg_write(const char *dir, const char *file, const char *value, struct nerr *e)
{
	char path[PATH_MAX + 64];
	int r;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	r = write_file_at(AT_FDCWD, path, value, strlen(value));
	if (r < 0)
		return nerr_sys(e, -r, "write %s \"%s\"", path, value);
	return 0;
}

int cg_writef(const char *dir, const char *file, struct nerr *e, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return cg_write(dir, file, buf, e);
}

int cg_read(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX + 64];
	_cleanup_close_ int fd = -1;
	size_t len = 0;
	ssize_t n;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len + 1 < size && (n = read(fd, buf + len, size - len - 1)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return (int)len;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *out)
{
	char buf[64];
	int r = cg_read(dir, file, buf, sizeof buf);

	if (r < 0)
		return r;
	if (!strcmp(buf, "max")) {
		*out = UINT64_MAX;
		return 0;
	}
	*out = strtoull(buf, NULL, 10);
	return 0;
}

int cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *out)
{
	char buf[16384];
	size_t klen = strlen(key);
	int r = cg_read(dir, file, buf, sizeof buf);

	if (r < 0)
		return r;
	for (char *line = buf; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			*out = strtoull(line + klen + 1, NULL, 10);
			return 0;
		}
	return -ENOENT;
}

bool cg_file_exists(const char *dir, const char *file)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof path, "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

/* ---- layout ----------------------------------------------------------------- */

static unsigned controller_bit(const char *name)
{
	for (int c = 0; c < CG_COUNT; c++)
		if (!strcmp(name, controller_names[c]))
			return 1u << c;
	return 0;
}

/* What a cgroup2 root offers; freezing and device filtering are built in. */
static unsigned v2_controllers(const char *mnt)
{
	unsigned bits = 1u << CG_FREEZER | 1u << CG_DEVICES;
	char buf[1024], *save = NULL;

	if (cg_read(mnt, "cgroup.controllers", buf, sizeof buf) < 0)
		return bits;
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (!strcmp(tok, "cpu"))
			bits |= 1u << CG_CPU | 1u << CG_CPUACCT;
		else if (!strcmp(tok, "io"))
			bits |= 1u << CG_BLKIO;
		else
			bits |= controller_bit(tok);
	}
	return bits;
}

static bool hierarchy_seen(const struct cg_layout *l, const struct cg_hierarchy *h)
{
	for (int i = 0; i < l->n; i++)
		if (!l->h[i].v2 && !strcmp(l->h[i].opts, h->opts))
			return true;
	return false;
}

/*
 * Read once per process: every command needs the layout, some several times,
 * and the init (a fork of the parent) inherits it for the "cgroup" mount.
 */
static int layout_probe(struct cg_layout *l, struct nerr *e)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	bool any_v1 = false;
	size_t cap = 0;

	l->n = 0;
	l->unified = -1;
	if (!f)
		return nerr_sys(e, errno, "read /proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0 && l->n < CG_MAX_HIERARCHIES) {
		char mnt[PATH_MAX], *sep, fstype[64], source[256], opts[1024], *save = NULL;
		struct cg_hierarchy *h = &l->h[l->n];
		size_t ol = 0;

		/* id parent major:minor root mountpoint opts... - fstype source superopts */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		sep = strstr(line, " - ");
		if (!sep || sscanf(sep + 3, "%63s %255s %1023s", fstype, source, opts) != 3)
			continue;
		if (!strcmp(fstype, "cgroup2")) {
			if (l->unified >= 0)
				continue; /* the same hierarchy mounted twice */
			*h = (struct cg_hierarchy){.v2 = true};
			snprintf(h->mnt, sizeof h->mnt, "%s", mnt);
			h->ctrl = v2_controllers(mnt);
			l->unified = l->n;
		} else if (!strcmp(fstype, "cgroup")) {
			*h = (struct cg_hierarchy){.v2 = false};
			snprintf(h->mnt, sizeof h->mnt, "%s", mnt);
			for (char *tok = strtok_r(opts, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				h->ctrl |= controller_bit(tok);
				if (strcmp(tok, "rw") && strcmp(tok, "ro") && ol < sizeof h->opts)
					ol += (size_t)snprintf(h->opts + ol, sizeof h->opts - ol,
					                       "%s%s", ol ? "," : "", tok);
			}
			/* The same hierarchy mounted again (a container sharing our
			 * mount namespace binds its own cgroup there): the first,
			 * the host's, is the one. */
			if (hierarchy_seen(l, h))
				continue;
			any_v1 |= h->ctrl != 0;
		} else {
			continue;
		}
		l->n++;
	}
	fclose(f);
	if (!l->n)
		return nerr_set(e, ENOENT, "no cgroup hierarchy is mounted on this host");
	if (l->unified < 0)
		l->mode = CGROUP_MODE_V1;
	else
		l->mode = any_v1 ? CGROUP_MODE_HYBRID : CGROUP_MODE_V2;
	/* On a hybrid host a controller mounted as v1 is not usable on cgroup2. */
	if (l->mode == CGROUP_MODE_HYBRID)
		for (int i = 0; i < l->n; i++)
			if (!l->h[i].v2)
				l->h[l->unified].ctrl &= ~l->h[i].ctrl;
	return 0;
}

int cg_layout_get(const struct cg_layout **out, struct nerr *e)
{
	static struct cg_layout layout;
	static bool probed;
	int r;

	if (!probed) {
		if ((r = layout_probe(&layout, e)) < 0)
			return r;
		probed = true;
	}
	*out = &layout;
	return 0;
}

int cg_controller_dir(const struct cg_layout *l, enum cg_controller c, const char *path,
                      struct cg_dir *d)
{
	int v2 = -1;

	for (int i = 0; i < l->n; i++) {
		if (!(l->h[i].ctrl & (1u << c)))
			continue;
		if (l->h[i].v2) {
			v2 = i;
			continue;
		}
		snprintf(d->path, sizeof d->path, "%s%s", l->h[i].mnt, path);
		d->v2 = false;
		return 0;
	}
	if (v2 < 0)
		return -ENOENT;
	snprintf(d->path, sizeof d->path, "%s%s", l->h[v2].mnt, path);
	d->v2 = true;
	return 0;
}

const char *cgroup_mode_name(enum cgroup_mode m)
{
	return m == CGROUP_MODE_V1 ? "v1" : m == CGROUP_MODE_V2 ? "v2" : "hybrid";
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
	if (!p || !*p) {
		*out = xasprintf("%s/%s", CGROUP_DEFAULT_PARENT, id);
		return 0;
	}
	if (p[0] != '/' && strchr(p, ':'))
		return nerr_set(e, ENOTSUP,
		                "config.json: linux.cgroupsPath \"%s\": the systemd form "
		                "slice:prefix:name needs the systemd cgroup driver, which is not "
		                "available (systemd is not running as PID 1)",
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

/* A new v1 cpuset cgroup starts with empty cpus/mems: copy them down. */
static int cpuset_copy_from_parent(const char *dir, struct nerr *e)
{
	const char *names[] = {"cpuset.cpus", "cpuset.mems"};
	char parent[PATH_MAX], buf[256], *slash;

	snprintf(parent, sizeof parent, "%s", dir);
	slash = strrchr(parent, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (cg_read(dir, names[i], buf, sizeof buf) > 0)
			continue;
		if (cg_read(parent, names[i], buf, sizeof buf) < 0)
			return nerr_sys(e, errno, "read %s/%s", parent, names[i]);
		if (cg_write(dir, names[i], buf, e) < 0)
			return -e->errnum;
	}
	return 0;
}

static int make_cgroup_dir(const struct cg_hierarchy *h, const char *path, bool enable,
                           struct nerr *e)
{
	char dir[PATH_MAX];
	size_t mlen = strlen(h->mnt);
	int r;

	snprintf(dir, sizeof dir, "%s%s", h->mnt, path);
	for (char *p = dir + mlen + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (h->v2 && enable) {
			/* The parent must hand its controllers down before the child exists. */
			char *slash = strrchr(dir, '/');
			*slash = '\0';
			cg2_enable_controllers(dir[0] ? dir : "/", "", e);
			*slash = '/';
		}
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return nerr_sys(e, errno, "create cgroup %s", dir);
		if ((h->ctrl & (1u << CG_CPUSET)) && !h->v2 &&
		    (r = cpuset_copy_from_parent(dir, e)) < 0)
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
	if (d.v2)
		return cg_bpf_set_devices(d.path, rules, n, e);
	return cg1_set_devices(d.path, rules, n, update, e);
}

/* The device rules of the config, then an allow rule per configured device node. */
static int create_devices(const struct cg_layout *l, const char *path,
                          const struct oci_resources *res, const struct oci_device *devs,
                          size_t n_devs, struct nerr *e)
{
	_cleanup_free_ struct oci_device_rule *rules = NULL;
	size_t n = res->n_devices;

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
	return apply_devices(l, path, rules, n, false, e);
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

/* ---- hybrid hosts: cgroup2 controllers only where a container needs them ---- */

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

static void hybrid_enable(const struct cg_layout *l, const char *path,
                          const struct oci_resources *res)
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

/* A cgroup that holds nothing: no process and no child cgroup. */
static bool cgroup_unused(const char *dir)
{
	char buf[256];
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	bool empty = true;

	if (cg_read(dir, "cgroup.events", buf, sizeof buf) < 0 || !strstr(buf, "populated 0"))
		return false;
	if (fd < 0 || !(d = fdopendir(TAKE_FD(fd))))
		return false;
	while (empty && (de = readdir(d)))
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

/* After a removal on a hybrid host: walking up from the removed cgroup, take back
 * the controllers of each cgroup whose children are all unused, so the last
 * container out leaves subtree_control (the root's too) as it found it. */
static void hybrid_release(const struct cg_layout *l, const char *path)
{
	const char *mnt;
	char dir[PATH_MAX], enabled[1024], *slash, *save = NULL;
	size_t mlen;

	if (l->mode != CGROUP_MODE_HYBRID || l->unified < 0)
		return;
	mnt = l->h[l->unified].mnt;
	mlen = strlen(mnt);
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

int cgroup_create(const char *path, int *clone_fd, struct nerr *e)
{
	const struct cg_layout *l;
	int r = cg_layout_get(&l, e);

	*clone_fd = -1;
	if (r < 0)
		return r;
	if ((r = check_unused(l, path, e)) < 0)
		return r;
	for (int i = 0; i < l->n; i++) {
		/* On a hybrid host cgroup2 is for membership: controllers are
		 * handed down only when a container's resources need them there
		 * (hybrid_enable), so the root's subtree_control stays as it is. */
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

int cgroup_apply_config(const char *path, const struct oci_resources *res,
                        const struct oci_device *devices, size_t n_devices, struct nerr *e)
{
	const struct cg_layout *l;
	int r = cg_layout_get(&l, e);

	if (r < 0)
		return r;
	hybrid_enable(l, path, res);
	r = cg_apply_resources(l, path, res, false, e);
	if (r < 0)
		return r;
	return create_devices(l, path, res, devices, n_devices, e);
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
	const struct cg_layout *l;
	int r = cg_layout_get(&l, e);

	if (r < 0)
		return r;
	hybrid_enable(l, path, res);
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
	hybrid_release(l, path);
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
	return d.v2 ? cg2_freeze(d.path, freeze, e) : cg1_freeze(d.path, freeze, e);
}

bool cgroup_is_frozen(const char *path)
{
	const struct cg_layout *l;
	struct nerr e;
	struct cg_dir d;
	char buf[64];
	uint64_t v = 0;

	if (cg_layout_get(&l, &e) < 0 || cg_controller_dir(l, CG_FREEZER, path, &d) < 0)
		return false;
	if (d.v2)
		return cg_read_u64(d.path, "cgroup.freeze", &v) == 0 && v == 1;
	return cg_read(d.path, "freezer.state", buf, sizeof buf) > 0 &&
	       (!strcmp(buf, "FROZEN") || !strcmp(buf, "FREEZING"));
}
