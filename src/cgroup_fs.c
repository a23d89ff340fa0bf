/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroupfs itself, below every driver: the host layout read from
 * /proc/self/mountinfo once per process (every v1 hierarchy with the
 * controllers it carries, and the cgroup2 mount with the controllers its
 * root offers), the directory of a controller for a cgroup path, reading and
 * writing cgroup files, and the files named alike on v1 and v2.
 */
#include "cgroup_fs.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

/*
 * Read once per process: every command needs the layout, some several times,
 * and the init (a fork of the parent) inherits it for the "cgroup" mount.
 */
static bool hierarchy_seen(const struct cg_layout *l, const struct cg_hierarchy *h)
{
	for (int i = 0; i < l->n; i++)
		if (!l->h[i].v2 && !strcmp(l->h[i].opts, h->opts))
			return true;
	return false;
}

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

/* ---- files named alike on v1 and v2 -------------------------------------------- */

int cg_set_cpuset(const char *dir, const struct oci_cpu *c, struct nerr *e)
{
	int r;

	if (c->cpus && *c->cpus && (r = cg_write(dir, "cpuset.cpus", c->cpus, e)) < 0)
		return r;
	if (c->mems && *c->mems && (r = cg_write(dir, "cpuset.mems", c->mems, e)) < 0)
		return r;
	return 0;
}

int cg_set_pids(const char *dir, const struct oci_pids *p, struct nerr *e)
{
	if (p->limit > 0)
		return cg_writef(dir, "pids.max", e, "%" PRId64, p->limit);
	return cg_write(dir, "pids.max", "max", e);
}

int cg_set_rdma(const char *dir, const struct oci_rdma_limit *l, size_t n, struct nerr *e)
{
	for (size_t i = 0; i < n; i++) {
		char h[32] = "max", o[32] = "max";
		int r;
		if (l[i].has_hca_handles)
			snprintf(h, sizeof h, "%u", l[i].hca_handles);
		if (l[i].has_hca_objects)
			snprintf(o, sizeof o, "%u", l[i].hca_objects);
		r = cg_writef(dir, "rdma.max", e, "%s hca_handle=%s hca_object=%s", l[i].device, h,
		              o);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The devices every container needs, allowed after the configured rules as
 * runc and crun do: mknod of anything (opening is what is controlled), and
 * null, zero, full, random, urandom, tty, console, ptmx and the pts. */
static const struct oci_device_rule default_rules[] = {
    {.allow = true, .type = 'c', .access = "m"}, {.allow = true, .type = 'b', .access = "m"},
    {true, 'c', true, 1, true, 3, "rwm"},        {true, 'c', true, 1, true, 5, "rwm"},
    {true, 'c', true, 1, true, 7, "rwm"},        {true, 'c', true, 1, true, 8, "rwm"},
    {true, 'c', true, 1, true, 9, "rwm"},        {true, 'c', true, 5, true, 0, "rwm"},
    {true, 'c', true, 5, true, 1, "rwm"},        {true, 'c', true, 5, true, 2, "rwm"},
    {true, 'c', true, 136, false, -1, "rwm"},
};

size_t cg_device_rules(const struct oci_device_rule *rules, size_t n, struct oci_device_rule **out)
{
	size_t total = n + ARRAY_SIZE(default_rules);

	*out = xcalloc(total, sizeof **out);
	memcpy(*out, rules, n * sizeof *rules);
	memcpy(*out + n, default_rules, sizeof default_rules);
	return total;
}
