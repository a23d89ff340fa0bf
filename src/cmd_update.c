/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nucleus-oci update [--resources FILE|-] [runc's resource flags] ID [flags]:
 * apply new cgroup limits to a live container.  The flags are applied on
 * top of the --resources document.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "rootless.h"
#include "commands.h"
#include "lifecycle.h"
#include "util.h"

enum {
	O_RESOURCES,
	O_MEMORY,
	O_MEMORY_SWAP,
	O_MEMORY_RESERVATION,
	O_KERNEL_MEMORY,
	O_KERNEL_MEMORY_TCP,
	O_CPU_SHARES,
	O_CPU_QUOTA,
	O_CPU_PERIOD,
	O_CPU_RT_PERIOD,
	O_CPU_RT_RUNTIME,
	O_CPUSET_CPUS,
	O_CPUSET_MEMS,
	O_PIDS_LIMIT,
	O_BLKIO_WEIGHT,
	O_COUNT
};

static const struct cli_opt opts[] = {
    {"resources", 'r', true, O_RESOURCES, "LinuxResources JSON file, or - for stdin"},
    {"memory", 0, true, O_MEMORY, "memory limit (bytes, or with k/m/g suffix)"},
    {"memory-swap", 0, true, O_MEMORY_SWAP, "memory+swap limit (-1: unlimited)"},
    {"memory-reservation", 0, true, O_MEMORY_RESERVATION, "memory soft limit"},
    {"kernel-memory", 0, true, O_KERNEL_MEMORY, "kernel memory limit (ignored, deprecated)"},
    {"kernel-memory-tcp", 0, true, O_KERNEL_MEMORY_TCP, "kernel TCP buffer limit (v1)"},
    {"cpu-shares", 0, true, O_CPU_SHARES, "relative CPU weight (v2: converted to cpu.weight)"},
    {"cpu-quota", 0, true, O_CPU_QUOTA, "CFS quota in microseconds per period"},
    {"cpu-period", 0, true, O_CPU_PERIOD, "CFS period in microseconds"},
    {"cpu-rt-period", 0, true, O_CPU_RT_PERIOD, "realtime period in microseconds (v1)"},
    {"cpu-rt-runtime", 0, true, O_CPU_RT_RUNTIME, "realtime runtime in microseconds (v1)"},
    {"cpuset-cpus", 0, true, O_CPUSET_CPUS, "CPUs allowed, e.g. 0-1"},
    {"cpuset-mems", 0, true, O_CPUSET_MEMS, "memory nodes allowed, e.g. 0"},
    {"pids-limit", 0, true, O_PIDS_LIMIT, "maximum number of tasks"},
    {"blkio-weight", 0, true, O_BLKIO_WEIGHT, "block IO weight, 10 to 1000"},
    {NULL, 0, false, 0, NULL},
};

struct update_opts {
	const char *resources;
	const char *flag[O_COUNT];
};

static int opt_cb(void *ctx, int id, const char *arg, struct nerr *e)
{
	struct update_opts *o = ctx;

	(void)e;
	if (id == O_RESOURCES)
		o->resources = arg;
	else
		o->flag[id] = arg;
	return 0;
}

/* "512m", "1G", "1048576", "-1": runc's RAMInBytes units (powers of 1024). */
static int parse_bytes(const char *flag, const char *s, int64_t *out, struct nerr *e)
{
	char *end;
	long long v;
	double mult = 1;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno)
		goto bad;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		mult = 1024.0;
		break;
	case 'm':
		mult = 1024.0 * 1024;
		break;
	case 'g':
		mult = 1024.0 * 1024 * 1024;
		break;
	case 't':
		mult = 1024.0 * 1024 * 1024 * 1024;
		break;
	case 'b':
	case '\0':
		break;
	default:
		goto bad;
	}
	if (*end) {
		end++;
		if (tolower((unsigned char)*end) == 'i')
			end++;
		if (tolower((unsigned char)*end) == 'b')
			end++;
		if (*end)
			goto bad;
	}
	*out = (int64_t)((double)v * mult);
	return 0;
bad:
	return nerr_set(e, EINVAL, "--%s: invalid value \"%s\"", flag, s);
}

static int parse_num(const char *flag, const char *s, int64_t *out, struct nerr *e)
{
	long long v;

	if (parse_int(s, &v) < 0)
		return nerr_set(e, EINVAL, "--%s: invalid number \"%s\"", flag, s);
	*out = v;
	return 0;
}

static int apply_memory_flags(const struct update_opts *o, struct oci_memory *m, struct nerr *e)
{
	int r;

	if (o->flag[O_MEMORY] && (r = parse_bytes("memory", o->flag[O_MEMORY], &m->limit, e)) < 0)
		return r;
	m->has_limit |= o->flag[O_MEMORY] != NULL;
	if (o->flag[O_MEMORY_SWAP] &&
	    (r = parse_bytes("memory-swap", o->flag[O_MEMORY_SWAP], &m->swap, e)) < 0)
		return r;
	m->has_swap |= o->flag[O_MEMORY_SWAP] != NULL;
	if (o->flag[O_MEMORY_RESERVATION] &&
	    (r = parse_bytes("memory-reservation", o->flag[O_MEMORY_RESERVATION], &m->reservation,
	                     e)) < 0)
		return r;
	m->has_reservation |= o->flag[O_MEMORY_RESERVATION] != NULL;
	if (o->flag[O_KERNEL_MEMORY] &&
	    (r = parse_bytes("kernel-memory", o->flag[O_KERNEL_MEMORY], &m->kernel, e)) < 0)
		return r;
	m->has_kernel |= o->flag[O_KERNEL_MEMORY] != NULL;
	if (o->flag[O_KERNEL_MEMORY_TCP] &&
	    (r = parse_bytes("kernel-memory-tcp", o->flag[O_KERNEL_MEMORY_TCP], &m->kernel_tcp,
	                     e)) < 0)
		return r;
	m->has_kernel_tcp |= o->flag[O_KERNEL_MEMORY_TCP] != NULL;
	return 0;
}

static int apply_cpu_flags(const struct update_opts *o, struct oci_resources *res, struct nerr *e)
{
	struct oci_cpu *c = &res->cpu;
	int64_t v = 0;
	int r;

	if (o->flag[O_CPU_SHARES]) {
		if ((r = parse_num("cpu-shares", o->flag[O_CPU_SHARES], &v, e)) < 0)
			return r;
		c->shares = (uint64_t)v;
		c->has_shares = true;
	}
	if (o->flag[O_CPU_QUOTA]) {
		if ((r = parse_num("cpu-quota", o->flag[O_CPU_QUOTA], &c->quota, e)) < 0)
			return r;
		c->has_quota = true;
	}
	if (o->flag[O_CPU_PERIOD]) {
		if ((r = parse_num("cpu-period", o->flag[O_CPU_PERIOD], &v, e)) < 0)
			return r;
		c->period = (uint64_t)v;
		c->has_period = true;
	}
	if (o->flag[O_CPU_RT_PERIOD]) {
		if ((r = parse_num("cpu-rt-period", o->flag[O_CPU_RT_PERIOD], &v, e)) < 0)
			return r;
		c->realtime_period = (uint64_t)v;
		c->has_realtime_period = true;
	}
	if (o->flag[O_CPU_RT_RUNTIME]) {
		if ((r = parse_num("cpu-rt-runtime", o->flag[O_CPU_RT_RUNTIME],
		                   &c->realtime_runtime, e)) < 0)
			return r;
		c->has_realtime_runtime = true;
	}
	if (o->flag[O_CPUSET_CPUS]) {
		free(c->cpus);
		c->cpus = xstrdup(o->flag[O_CPUSET_CPUS]);
	}
	if (o->flag[O_CPUSET_MEMS]) {
		free(c->mems);
		c->mems = xstrdup(o->flag[O_CPUSET_MEMS]);
	}
	return 0;
}

static int apply_flags(const struct update_opts *o, struct oci_resources *res, struct nerr *e)
{
	int64_t v = 0;
	int r;

	if ((r = apply_memory_flags(o, &res->memory, e)) < 0 ||
	    (r = apply_cpu_flags(o, res, e)) < 0)
		return r;
	if (o->flag[O_PIDS_LIMIT]) {
		if ((r = parse_num("pids-limit", o->flag[O_PIDS_LIMIT], &res->pids.limit, e)) < 0)
			return r;
		res->pids.has_limit = true;
	}
	if (o->flag[O_BLKIO_WEIGHT]) {
		if ((r = parse_num("blkio-weight", o->flag[O_BLKIO_WEIGHT], &v, e)) < 0)
			return r;
		if (v < 10 || v > 1000)
			return nerr_set(e, EINVAL, "--blkio-weight: %lld is outside 10..1000",
			                (long long)v);
		res->blkio.weight = (uint16_t)v;
		res->blkio.has_weight = true;
	}
	return 0;
}

static int load_resources(const char *file, struct oci_resources **res, struct nerr *e)
{
	_cleanup_free_ char *buf = NULL;
	struct spec_error se;
	size_t len;
	int r;

	if (!file) {
		*res = xcalloc(1, sizeof **res);
		return 0;
	}
	r = read_file_at(AT_FDCWD, strcmp(file, "-") ? file : "/dev/stdin", &buf, &len, e);
	if (r < 0)
		return nerr_sys(e, -r, "--resources: read %s", file);
	if (oci_resources_parse(buf, len, strcmp(file, "-") ? file : "stdin", res, &se) < 0)
		return nerr_set(e, EINVAL, "%s", se.msg);
	return 0;
}

static int update(struct globals *g, const char *id, const struct update_opts *o, struct nerr *e)
{
	struct oci_resources *res = NULL;
	struct container c;
	const char *status;
	int r;

	if ((r = load_resources(o->resources, &res, e)) < 0)
		return r;
	if ((r = apply_flags(o, res, e)) < 0) {
		oci_resources_free(res);
		return r;
	}
	if ((r = lifecycle_open(g->root, id, true, &c, e)) < 0) {
		oci_resources_free(res);
		return r;
	}
	status = c.state ? lifecycle_status(&c) : "creating";
	if (!strcmp(status, "stopped") || !strcmp(status, "creating"))
		r = nerr_set(e, EINVAL, "container \"%s\" is %s: container not running", id,
		             status);
	else if ((r = rootless_need_cgroup(id, c.state->cgroup_path, "update", e)) == 0)
		r = cgroup_update(c.state->cgroup_path, res, e);
	lifecycle_close(&c);
	oci_resources_free(res);
	return r;
}

int cmd_update(struct globals *g, int argc, char **argv)
{
	struct update_opts o = {0};
	struct nerr e = {0};
	bool help;
	int first = cli_parse(argc - 1, argv + 1, opts, opt_cb, &o, &help, &e), rest;

	if (help) {
		cli_print_help("update [options] ID [options]",
		               "Update the cgroup limits of a running container.", opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	first++;
	if (first >= argc) {
		nerr_set(&e, EINVAL, "update: expected exactly one argument: the container ID");
		return command_fail(&e);
	}
	/* Flags may follow the ID too (runc's urfave/cli moves them to the front). */
	rest = cli_parse(argc - first - 1, argv + first + 1, opts, opt_cb, &o, &help, &e);
	if (rest < 0 && !help)
		return command_fail(&e);
	if (help || first + 1 + rest != argc) {
		nerr_set(&e, EINVAL, "update: expected exactly one argument: the container ID");
		return command_fail(&e);
	}
	if (update(g, argv[first], &o, &e) < 0)
		return command_fail(&e);
	return 0;
}
