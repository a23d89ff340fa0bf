/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The systemd cgroup driver: cgroupsPath in runc's "slice:prefix:name"
 * form, a transient scope per container made with StartTransientUnit
 * (Delegate=yes, PIDs= the container's init), resources as unit properties
 * (SetUnitProperties for `update`, kept by systemd across a daemon-reload),
 * and StopUnit for `delete`.  Which property a resource becomes depends on
 * the hierarchy of its controller: MemoryMax, CPUWeight, IOWeight ... on
 * cgroup2, MemoryLimit, CPUShares, BlockIOWeight on v1.  Everything else is
 * handed back to the core as "rest", for the cgroupfs drivers to write.
 */
#include "cgroup_systemd.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "util.h"

#ifdef HAVE_SYSTEMD
#include <systemd/sd-bus.h>
#include <time.h>
#endif

/* ---- paths --------------------------------------------------------------------- */

/* A slice name systemd accepts: "-.slice", or dash-separated parts, none empty. */
static bool slice_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!strcmp(s, "-.slice"))
		return true;
	if (n <= 6 || strcmp(s + n - 6, ".slice") || strchr(s, '/') || s[0] == '-' ||
	    s[n - 7] == '-' || strstr(s, "--"))
		return false;
	return true;
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" -> "". */
static char *slice_path(const char *slice)
{
	size_t n = strlen(slice) - 6, len = 0, cap = 3 * (n + 8) * 2 + 1;
	char *out = xcalloc(1, cap);

	if (!strcmp(slice, "-.slice"))
		return out;
	for (size_t i = 0; i <= n; i++)
		if (i == n || slice[i] == '-')
			len += (size_t)snprintf(out + len, cap - len, "/%.*s.slice", (int)i, slice);
	return out;
}

int cg_systemd_path(const char *cgroups_path, const char *id, char **out, struct nerr *e)
{
	_cleanup_free_ char *copy = NULL, *spath = NULL;
	const char *slice, *prefix, *name;
	char *c1, *c2;

	*out = NULL;
	if (!cgroups_path || !*cgroups_path) {
		spath = slice_path(CG_SYSTEMD_DEFAULT_SLICE);
		*out = xasprintf("%s/%s-%s.scope", spath, CG_SYSTEMD_DEFAULT_PREFIX, id);
		return 0;
	}
	copy = xstrdup(cgroups_path);
	c1 = strchr(copy, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2 || strchr(c2 + 1, ':'))
		return nerr_set(e, EINVAL,
		                "config.json: linux.cgroupsPath \"%s\": the systemd cgroup driver "
		                "takes \"slice:prefix:name\"",
		                cgroups_path);
	*c1 = *c2 = '\0';
	slice = *copy ? copy : CG_SYSTEMD_DEFAULT_SLICE;
	prefix = c1 + 1;
	name = c2 + 1;
	if (!slice_name_ok(slice))
		return nerr_set(e, EINVAL,
		                "config.json: linux.cgroupsPath \"%s\": \"%s\" is not a slice name "
		                "(\"name.slice\", parts separated by single dashes)",
		                cgroups_path, slice);
	if (!*name || strchr(name, '/') || strchr(prefix, '/') || !strcmp(name, "..") ||
	    !strcmp(name, "."))
		return nerr_set(e, EINVAL,
		                "config.json: linux.cgroupsPath \"%s\": the name must be non-empty "
		                "and neither prefix nor name may contain \"/\"",
		                cgroups_path);
	if (strlen(name) > 6 && !strcmp(name + strlen(name) - 6, ".slice"))
		return nerr_set(e, ENOTSUP,
		                "config.json: linux.cgroupsPath \"%s\": a container in a slice of "
		                "its own is not supported; name a scope",
		                cgroups_path);
	spath = slice_path(slice);
	*out = xasprintf("%s/%s%s%s.scope", spath, prefix, *prefix ? "-" : "", name);
	if (strlen(strrchr(*out, '/') + 1) > 255) {
		free(*out);
		*out = NULL;
		return nerr_set(e, ENAMETOOLONG,
		                "config.json: linux.cgroupsPath \"%s\": the unit name is too long",
		                cgroups_path);
	}
	return 0;
}

#ifndef HAVE_SYSTEMD

bool cg_systemd_built(void)
{
	return false;
}

static int not_built(struct nerr *e)
{
	return nerr_set(e, ENOTSUP,
	                "--systemd-cgroup: nucleus-oci was built without the systemd cgroup "
	                "driver (configure found no libsystemd)");
}

int cg_systemd_start(const struct cg_layout *l, const char *path, pid_t pid,
                     const struct oci_resources *res, const struct oci_device_rule *rules,
                     size_t n_rules, struct oci_resources *rest, struct nerr *e)
{
	return not_built(e);
}

int cg_systemd_update(const struct cg_layout *l, const char *path, const struct oci_resources *res,
                      struct oci_resources *rest, struct nerr *e)
{
	return not_built(e);
}

int cg_systemd_stop(const char *path, struct nerr *e)
{
	return not_built(e);
}

#else

bool cg_systemd_built(void)
{
	return true;
}

#define SD_DEST             "org.freedesktop.systemd1"
#define SD_PATH             "/org/freedesktop/systemd1"
#define SD_IFACE            "org.freedesktop.systemd1.Manager"
/* How long a start or stop job may take before the command gives up. */
#define SD_JOB_TIMEOUT_USEC (60ull * 1000 * 1000)

#define _cleanup_bus_error_ __attribute__((cleanup(sd_bus_error_free)))
#define _cleanup_bus_       __attribute__((cleanup(sd_bus_flush_close_unrefp)))
#define _cleanup_msg_       __attribute__((cleanup(sd_bus_message_unrefp)))
#define _cleanup_slot_      __attribute__((cleanup(sd_bus_slot_unrefp)))

/* The system bus; systemd's own socket when no D-Bus daemon runs. */
static int bus_open(sd_bus **bus, struct nerr *e)
{
	int r = sd_bus_open_system(bus);

	if (r >= 0)
		return 0;
	if (sd_bus_new(bus) >= 0 &&
	    sd_bus_set_address(*bus, "unix:path=/run/systemd/private") >= 0 &&
	    sd_bus_start(*bus) >= 0)
		return 0;
	sd_bus_unref(*bus);
	*bus = NULL;
	return nerr_sys(e, -r, "--systemd-cgroup: connect to systemd over D-Bus");
}

/* The unit is the last component of the cgroup path, its slice the one before. */
static void unit_and_slice(const char *path, const char **unit, char *slice, size_t size)
{
	const char *last = strrchr(path, '/');
	const char *prev = last;

	*unit = last ? last + 1 : path;
	while (prev && prev > path && prev[-1] != '/')
		prev--;
	if (!last || last == path)
		snprintf(slice, size, "-.slice");
	else
		snprintf(slice, size, "%.*s", (int)(last - prev), prev);
}

/* ---- resources as properties ------------------------------------------------------- */

static bool on_v2(const struct cg_layout *l, enum cg_controller c)
{
	struct cg_dir d;

	return cg_controller_dir(l, c, "", &d) == 0 && d.v2;
}

static int prop_u64(sd_bus_message *m, const char *name, uint64_t v)
{
	return sd_bus_message_append(m, "(sv)", name, "t", v);
}

/* "0-3,8" into a mask (bit n = cpu or node n); *len is the bytes used. */
static int parse_list(const char *list, uint8_t *mask, size_t size, size_t *len)
{
	const char *p = list;

	*len = 0;
	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (end == p)
			return -EINVAL;
		if (*end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			if (end == p || b < a)
				return -EINVAL;
		}
		if (b >= size * 8)
			return -ERANGE;
		for (unsigned long i = a; i <= b; i++)
			mask[i / 8] |= (uint8_t)(1u << (i % 8));
		if (b / 8 + 1 > *len)
			*len = b / 8 + 1;
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		p = end;
	}
	return 0;
}

/* systemd's AllowedCPUs= or AllowedMemoryNodes= (a byte array). */
static int prop_mask(sd_bus_message *m, const char *name, const char *list, const char *field,
                     struct nerr *e)
{
	uint8_t mask[128] = {0};
	size_t len;
	int r = parse_list(list, mask, sizeof mask, &len);

	if (r == -ERANGE)
		return nerr_set(e, EINVAL, "linux.resources.cpu.%s \"%s\": more than %zu entries",
		                field, list, sizeof mask * 8);
	if (r < 0)
		return nerr_set(e, EINVAL,
		                "linux.resources.cpu.%s \"%s\": not a list like \"0-3,8\"", field,
		                list);
	if ((r = sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
	    (r = sd_bus_message_append(m, "s", name)) < 0 ||
	    (r = sd_bus_message_open_container(m, 'v', "ay")) < 0 ||
	    (r = sd_bus_message_append_array(m, 'y', mask, len)) < 0 ||
	    (r = sd_bus_message_close_container(m)) < 0 ||
	    (r = sd_bus_message_close_container(m)) < 0)
		return nerr_sys(e, -r, "build the %s property", name);
	return 0;
}

static int append_memory(sd_bus_message *m, const struct cg_layout *l, const struct oci_memory *mem,
                         struct oci_memory *rest)
{
	int r = 0;

	if (!on_v2(l, CG_MEMORY)) {
		/* v1 orders memory and memory+swap writes itself: the files get both too. */
		if (mem->has_limit)
			r = prop_u64(m, "MemoryLimit",
			             mem->limit > 0 ? (uint64_t)mem->limit : UINT64_MAX);
		return r;
	}
	if (mem->has_limit) {
		r = prop_u64(m, "MemoryMax", mem->limit > 0 ? (uint64_t)mem->limit : UINT64_MAX);
		rest->has_limit = false;
	}
	if (r >= 0 && mem->has_reservation) {
		r = prop_u64(m, "MemoryLow", mem->reservation > 0 ? (uint64_t)mem->reservation : 0);
		rest->has_reservation = false;
	}
	/* The spec's swap is memory+swap; systemd's MemorySwapMax is swap alone. */
	if (r >= 0 && mem->has_swap &&
	    (mem->swap == -1 || (mem->has_limit && mem->limit > 0 && mem->swap >= mem->limit))) {
		r = prop_u64(m, "MemorySwapMax",
		             mem->swap == -1 ? UINT64_MAX : (uint64_t)(mem->swap - mem->limit));
		rest->has_swap = false;
	}
	return r;
}

static int append_cpu(sd_bus_message *m, const struct cg_layout *l, const struct oci_cpu *cpu,
                      struct oci_cpu *rest, struct nerr *e)
{
	bool v2 = on_v2(l, CG_CPU);
	int r = 0;

	if (cpu->has_shares && cpu->shares) {
		/* runc's mapping of shares (2..262144) onto weights (1..10000) */
		uint64_t s = cpu->shares < 2 ? 2 : cpu->shares > 262144 ? 262144 : cpu->shares;
		r = v2 ? prop_u64(m, "CPUWeight", 1 + ((s - 2) * 9999) / 262142)
		       : prop_u64(m, "CPUShares", s);
		rest->has_shares = false;
	}
	/* systemd keeps the quota in 10 ms steps per second: round up, and let
	 * the cgroupfs driver write the exact value after it. */
	if (r >= 0 && cpu->has_period && cpu->period)
		r = prop_u64(m, "CPUQuotaPeriodUSec", cpu->period);
	if (r >= 0 && cpu->has_quota) {
		uint64_t period = cpu->has_period && cpu->period ? cpu->period : 100000,
		         q = UINT64_MAX;
		if (cpu->quota > 0) {
			q = (uint64_t)cpu->quota * 1000000 / period;
			q = (q + 9999) / 10000 * 10000;
		}
		r = prop_u64(m, "CPUQuotaPerSecUSec", q);
	}
	if (r < 0)
		return nerr_sys(e, -r, "build the cpu properties");
	/* cpus and mems stay in rest too: systemd does not report a value the
	 * kernel refuses, the cgroupfs driver does. */
	if (!on_v2(l, CG_CPUSET))
		return 0;
	if (cpu->cpus && *cpu->cpus) {
		if ((r = prop_mask(m, "AllowedCPUs", cpu->cpus, "cpus", e)) < 0)
			return r;
	}
	if (cpu->mems && *cpu->mems) {
		if ((r = prop_mask(m, "AllowedMemoryNodes", cpu->mems, "mems", e)) < 0)
			return r;
	}
	return 0;
}

static int append_resources(sd_bus_message *m, const struct cg_layout *l,
                            const struct oci_resources *res, struct oci_resources *rest,
                            struct nerr *e)
{
	int r;

	*rest = *res;
	r = append_memory(m, l, &res->memory, &rest->memory);
	if (r < 0)
		return nerr_sys(e, -r, "build the memory properties");
	if ((r = append_cpu(m, l, &res->cpu, &rest->cpu, e)) < 0)
		return r;
	if (res->pids.has_limit) {
		r = prop_u64(m, "TasksMax",
		             res->pids.limit > 0 ? (uint64_t)res->pids.limit : UINT64_MAX);
		rest->pids.has_limit = false;
	}
	if (r >= 0 && res->blkio.has_weight && res->blkio.weight) {
		uint64_t w = res->blkio.weight;
		r = on_v2(l, CG_BLKIO) ? prop_u64(m, "IOWeight", 1 + (w - 10) * 9999 / 990)
		                       : prop_u64(m, "BlockIOWeight", w);
		rest->blkio.has_weight = false;
	}
	if (r < 0)
		return nerr_sys(e, -r, "build the pids and io properties");
	return 0;
}

/* A major's name in /proc/devices ("136 pts" under "Character devices:"). */
static bool major_name(char type, int64_t major, char *out, size_t size)
{
	FILE *f = fopen("/proc/devices", "re");
	char line[256];
	bool in = false, found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof line, f)) {
		long maj;
		char name[128];
		if (!strncmp(line, "Character", 9) || !strncmp(line, "Block", 5))
			in = (line[0] == 'C') == (type == 'c');
		else if (in && sscanf(line, "%ld %127s", &maj, name) == 2 && maj == major)
			found =
			    snprintf(out, size, "%s-%s", type == 'c' ? "char" : "block", name) > 0;
	}
	fclose(f);
	return found;
}

/*
 * DevicePolicy=strict and one DeviceAllow= per allow rule systemd can name:
 * "/dev/char/M:m", "char-NAME" for every minor of a major, "char-*".  The
 * core still installs the exact rules (deny rules included) itself.
 */
static int append_devices(sd_bus_message *m, const struct oci_device_rule *rules, size_t n,
                          struct nerr *e)
{
	_cleanup_free_ struct oci_device_rule *all = NULL;
	size_t total;
	int r;

	if (!n)
		return 0; /* the config restricts no device */
	total = cg_device_rules(rules, n, &all);
	for (size_t i = 0; i < total; i++)
		if (all[i].allow && all[i].type == 'a')
			return 0; /* everything allowed: nothing for systemd to restrict */
	if ((r = sd_bus_message_append(m, "(sv)", "DevicePolicy", "s", "strict")) < 0 ||
	    (r = sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
	    (r = sd_bus_message_append(m, "s", "DeviceAllow")) < 0 ||
	    (r = sd_bus_message_open_container(m, 'v', "a(ss)")) < 0 ||
	    (r = sd_bus_message_open_container(m, 'a', "(ss)")) < 0)
		return nerr_sys(e, -r, "build the DeviceAllow property");
	for (size_t i = 0; i < total; i++) {
		const struct oci_device_rule *d = &all[i];
		const char *acc = d->access && *d->access ? d->access : "rwm";
		char node[160];
		if (!d->allow)
			continue;
		if (!d->has_major || d->major < 0)
			snprintf(node, sizeof node, "%s-*", d->type == 'c' ? "char" : "block");
		else if (d->has_minor && d->minor >= 0)
			snprintf(node, sizeof node, "/dev/%s/%" PRId64 ":%" PRId64,
			         d->type == 'c' ? "char" : "block", d->major, d->minor);
		else if (!major_name(d->type, d->major, node, sizeof node))
			continue; /* unnamed: only the core's own rules allow it */
		if ((r = sd_bus_message_append(m, "(ss)", node, acc)) < 0)
			return nerr_sys(e, -r, "build the DeviceAllow property");
	}
	if ((r = sd_bus_message_close_container(m)) < 0 ||
	    (r = sd_bus_message_close_container(m)) < 0 ||
	    (r = sd_bus_message_close_container(m)) < 0)
		return nerr_sys(e, -r, "build the DeviceAllow property");
	return 0;
}

/* ---- jobs ------------------------------------------------------------------------ */

struct job_wait {
	char path[256];
	char result[64];
	bool done;
};

static int on_job_removed(sd_bus_message *m, void *data, sd_bus_error *err)
{
	struct job_wait *w = data;
	const char *path, *unit, *result;
	uint32_t id;

	(void)err;
	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->path[0] && !strcmp(path, w->path)) {
		snprintf(w->result, sizeof w->result, "%s", result);
		w->done = true;
	}
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Call a Manager method that queues a job, and wait for the job to finish. */
static int call_job(sd_bus *bus, sd_bus_message *m, const char *unit, const char *what,
                    struct nerr *e)
{
	_cleanup_bus_error_ sd_bus_error err = SD_BUS_ERROR_NULL;
	_cleanup_msg_ sd_bus_message *reply = NULL;
	_cleanup_slot_ sd_bus_slot *slot = NULL;
	struct job_wait w = {0};
	const char *job;
	uint64_t deadline = now_usec() + SD_JOB_TIMEOUT_USEC;
	int r;

	/* The match first: the job may end before the reply is read. */
	r = sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_IFACE, "JobRemoved",
	                        on_job_removed, &w);
	if (r < 0)
		return nerr_sys(e, -r, "%s unit %s: watch systemd's jobs", what, unit);
	/* systemd sends job signals only while some client is subscribed */
	sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_IFACE, "Subscribe", NULL, NULL, "");
	r = sd_bus_call(bus, m, SD_JOB_TIMEOUT_USEC, &err, &reply);
	if (r < 0) {
		if (sd_bus_error_has_name(&err, "org.freedesktop.systemd1.NoSuchUnit"))
			return -ENOENT;
		return nerr_set(e, -r, "%s unit %s: %s", what, unit,
		                err.message ? err.message : strerror(-r));
	}
	if ((r = sd_bus_message_read(reply, "o", &job)) < 0)
		return nerr_sys(e, -r, "%s unit %s: read systemd's reply", what, unit);
	snprintf(w.path, sizeof w.path, "%s", job);
	while (!w.done) {
		uint64_t now = now_usec();
		if (now >= deadline)
			return nerr_set(e, ETIMEDOUT, "%s unit %s: systemd's job %s did not finish",
			                what, unit, w.path);
		r = sd_bus_process(bus, NULL);
		if (r == 0)
			r = sd_bus_wait(bus, deadline - now);
		if (r < 0)
			return nerr_sys(e, -r, "%s unit %s: wait for systemd's job", what, unit);
	}
	if (strcmp(w.result, "done"))
		return nerr_set(
		    e, EIO, "%s unit %s: systemd's job ended with \"%s\" (see journalctl -u %s)",
		    what, unit, w.result, unit);
	return 0;
}

/* ---- operations ------------------------------------------------------------------- */

/* A Manager method call for unit: opens the bus and starts the message. */
static int new_call(sd_bus **bus, sd_bus_message **m, const char *method, const char *unit,
                    const char *what, struct nerr *e)
{
	int r;

	if ((r = bus_open(bus, e)) < 0)
		return r;
	r = sd_bus_message_new_method_call(*bus, m, SD_DEST, SD_PATH, SD_IFACE, method);
	if (r < 0)
		return nerr_sys(e, -r, "%s unit %s: build the request", what, unit);
	return 0;
}

int cg_systemd_start(const struct cg_layout *l, const char *path, pid_t pid,
                     const struct oci_resources *res, const struct oci_device_rule *rules,
                     size_t n_rules, struct oci_resources *rest, struct nerr *e)
{
	_cleanup_bus_ sd_bus *bus = NULL;
	_cleanup_msg_ sd_bus_message *m = NULL;
	const char *unit;
	char slice[256];
	int r;

	unit_and_slice(path, &unit, slice, sizeof slice);
	if ((r = new_call(&bus, &m, "StartTransientUnit", unit, "start", e)) < 0)
		return r;
	if ((r = sd_bus_message_append(m, "ss", unit, "fail")) < 0 ||
	    (r = sd_bus_message_open_container(m, 'a', "(sv)")) < 0 ||
	    (r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)", "Description", "s",
	                               "nucleus-oci container", "Slice", "s", slice, "Delegate",
	                               "b", 1, "DefaultDependencies", "b", 0, "PIDs", "au", 1,
	                               (uint32_t)pid)) < 0)
		return nerr_sys(e, -r, "start unit %s: build the request", unit);
	if ((r = append_resources(m, l, res, rest, e)) < 0 ||
	    (r = append_devices(m, rules, n_rules, e)) < 0)
		return nerr_wrap(e, "start unit %s", unit);
	if ((r = sd_bus_message_close_container(m)) < 0 ||
	    (r = sd_bus_message_append(m, "a(sa(sv))", 0)) < 0)
		return nerr_sys(e, -r, "start unit %s: build the request", unit);
	r = call_job(bus, m, unit, "start", e);
	if (r == -ENOENT)
		return nerr_set(e, ENOENT, "start unit %s: no such unit", unit);
	return r;
}

int cg_systemd_update(const struct cg_layout *l, const char *path, const struct oci_resources *res,
                      struct oci_resources *rest, struct nerr *e)
{
	_cleanup_bus_error_ sd_bus_error err = SD_BUS_ERROR_NULL;
	_cleanup_bus_ sd_bus *bus = NULL;
	_cleanup_msg_ sd_bus_message *m = NULL;
	const char *unit;
	char slice[256];
	int r;

	unit_and_slice(path, &unit, slice, sizeof slice);
	if ((r = new_call(&bus, &m, "SetUnitProperties", unit, "update", e)) < 0)
		return r;
	/* runtime: kept in /run/systemd/system.control, applied again on reload */
	if ((r = sd_bus_message_append(m, "sb", unit, 1)) < 0 ||
	    (r = sd_bus_message_open_container(m, 'a', "(sv)")) < 0)
		return nerr_sys(e, -r, "update unit %s: build the request", unit);
	if ((r = append_resources(m, l, res, rest, e)) < 0)
		return nerr_wrap(e, "update unit %s", unit);
	if (res->n_devices) {
		/* An empty DeviceAllow= first: the new list replaces the old one. */
		if ((r = sd_bus_message_append(m, "(sv)", "DeviceAllow", "a(ss)", 0)) < 0)
			return nerr_sys(e, -r, "update unit %s: build the request", unit);
		if ((r = append_devices(m, res->devices, res->n_devices, e)) < 0)
			return nerr_wrap(e, "update unit %s", unit);
	}
	if ((r = sd_bus_message_close_container(m)) < 0)
		return nerr_sys(e, -r, "update unit %s: build the request", unit);
	r = sd_bus_call(bus, m, SD_JOB_TIMEOUT_USEC, &err, NULL);
	if (r < 0)
		return nerr_set(e, -r, "update unit %s: %s", unit,
		                err.message ? err.message : strerror(-r));
	return 0;
}

int cg_systemd_stop(const char *path, struct nerr *e)
{
	_cleanup_bus_ sd_bus *bus = NULL;
	_cleanup_msg_ sd_bus_message *m = NULL;
	const char *unit;
	char slice[256];
	int r;

	unit_and_slice(path, &unit, slice, sizeof slice);
	if ((r = new_call(&bus, &m, "StopUnit", unit, "stop", e)) < 0)
		return r;
	if ((r = sd_bus_message_append(m, "ss", unit, "replace")) < 0)
		return nerr_sys(e, -r, "stop unit %s: build the request", unit);
	r = call_job(bus, m, unit, "stop", e);
	if (r == -ENOENT)
		r = 0; /* gone already: a scope ends with its last process */
	/* A scope whose processes were killed may be left "failed": forget it. */
	sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_IFACE, "ResetFailedUnit", NULL, NULL, "s",
	                   unit);
	return r;
}

#endif
