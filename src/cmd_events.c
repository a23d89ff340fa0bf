/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nucleus-oci events [--stats] [--interval D] ID: the container's cgroup
 * statistics as runc prints them ({"type":"stats","id":...,"data":{...}}),
 * once with --stats, else every interval plus {"type":"oom"} events, one
 * JSON object a line, until the container stops.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "cgroup.h"
#include "rootless.h"
#include "commands.h"
#include "lifecycle.h"
#include "util.h"

enum { O_STATS, O_INTERVAL };

struct events_opts {
	bool stats;
	long interval_ms;
};

#define STR(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))
#define KV(g, k, v)                                                                                \
	do {                                                                                       \
		STR(g, k);                                                                         \
		yajl_gen_integer(g, (long long)(v));                                               \
	} while (0)

/* "5s", "100ms", "1m", "2" (seconds): Go's duration units, the ones that matter. */
static int parse_interval(const char *s, long *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		return -EINVAL;
	if (!strcmp(end, "ms"))
		*ms = (long)v;
	else if (!strcmp(end, "s") || !*end)
		*ms = (long)(v * 1000);
	else if (!strcmp(end, "m"))
		*ms = (long)(v * 60000);
	else
		return -EINVAL;
	return *ms > 0 ? 0 : -EINVAL;
}

static int opt_cb(void *ctx, int id, const char *arg, struct nerr *e)
{
	struct events_opts *o = ctx;

	if (id == O_STATS)
		o->stats = true;
	else if (parse_interval(arg, &o->interval_ms) < 0)
		return nerr_set(e, EINVAL, "--interval: invalid duration \"%s\"", arg);
	return 0;
}

static void gen_mem_entry(yajl_gen g, const char *key, const struct cgroup_mem_entry *m)
{
	STR(g, key);
	yajl_gen_map_open(g);
	/* runc prints unlimited as the largest uint64; yajl integers are signed */
	STR(g, "limit");
	if (m->limit > INT64_MAX)
		yajl_gen_number(g, "18446744073709551615", 20);
	else
		yajl_gen_integer(g, (long long)m->limit);
	KV(g, "usage", m->usage);
	KV(g, "max", m->max);
	KV(g, "failcnt", m->failcnt);
	yajl_gen_map_close(g);
}

static void gen_blkio(yajl_gen g, const char *key, const struct cgroup_blkio_entry *b, size_t n)
{
	STR(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		KV(g, "major", b[i].major);
		KV(g, "minor", b[i].minor);
		STR(g, "op");
		STR(g, b[i].op);
		KV(g, "value", b[i].value);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_cpu(yajl_gen g, const struct cgroup_stats *st)
{
	STR(g, "cpu");
	yajl_gen_map_open(g);
	STR(g, "usage");
	yajl_gen_map_open(g);
	KV(g, "total", st->cpu.total);
	STR(g, "percpu");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < st->cpu.n_percpu; i++)
		yajl_gen_integer(g, (long long)st->cpu.percpu[i]);
	yajl_gen_array_close(g);
	KV(g, "kernel", st->cpu.kernel);
	KV(g, "user", st->cpu.user);
	yajl_gen_map_close(g);
	STR(g, "throttling");
	yajl_gen_map_open(g);
	KV(g, "periods", st->cpu.periods);
	KV(g, "throttled_periods", st->cpu.throttled_periods);
	KV(g, "throttled_time", st->cpu.throttled_time);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

static void gen_memory(yajl_gen g, const struct cgroup_stats *st)
{
	STR(g, "memory");
	yajl_gen_map_open(g);
	KV(g, "cache", st->memory.cache);
	gen_mem_entry(g, "usage", &st->memory.usage);
	gen_mem_entry(g, "swap", &st->memory.swap);
	gen_mem_entry(g, "kernel", &st->memory.kernel);
	gen_mem_entry(g, "kernelTCP", &st->memory.kernel_tcp);
	STR(g, "raw");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < st->memory.n_raw; i++)
		KV(g, st->memory.raw[i].key, st->memory.raw[i].value);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

static void gen_stats(yajl_gen g, const char *id, const struct cgroup_stats *st)
{
	yajl_gen_map_open(g);
	STR(g, "type");
	STR(g, "stats");
	STR(g, "id");
	STR(g, id);
	STR(g, "data");
	yajl_gen_map_open(g);
	gen_cpu(g, st);
	gen_memory(g, st);
	STR(g, "pids");
	yajl_gen_map_open(g);
	KV(g, "current", st->pids.current);
	KV(g, "limit", st->pids.limit);
	yajl_gen_map_close(g);
	STR(g, "blkio");
	yajl_gen_map_open(g);
	gen_blkio(g, "ioServiceBytesRecursive", st->bytes, st->n_bytes);
	gen_blkio(g, "ioServicedRecursive", st->ios, st->n_ios);
	yajl_gen_map_close(g);
	STR(g, "hugetlb");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < st->n_hugetlb; i++) {
		STR(g, st->hugetlb[i].size);
		yajl_gen_map_open(g);
		KV(g, "usage", st->hugetlb[i].usage);
		KV(g, "max", st->hugetlb[i].max);
		KV(g, "failcnt", st->hugetlb[i].failcnt);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

static void print_event(const char *id, const struct cgroup_stats *st)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (st) {
		gen_stats(g, id, st);
	} else {
		yajl_gen_map_open(g);
		STR(g, "type");
		STR(g, "oom");
		STR(g, "id");
		STR(g, id);
		yajl_gen_map_close(g);
	}
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, stdout);
	putchar('\n');
	fflush(stdout);
	yajl_gen_free(g);
}

static int print_stats(const char *id, const char *path, struct nerr *e)
{
	_cleanup_free_ struct cgroup_stats *st = xcalloc(1, sizeof *st);
	int r = cgroup_stats(path, st, e);

	if (r == 0)
		print_event(id, st);
	return r;
}

/* Until the init exits: stats every interval, oom events as they come. */
static int stream(const char *id, const char *path, int pidfd, long interval_ms, struct nerr *e)
{
	struct cgroup_oom_watch w;
	struct timespec next, now;
	int r = cgroup_oom_watch_open(path, &w, e);

	if (r < 0)
		return r;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN},
		                      {.fd = w.fd, .events = POLLIN}};
		long wait;
		clock_gettime(CLOCK_MONOTONIC, &now);
		wait = (next.tv_sec - now.tv_sec) * 1000 + (next.tv_nsec - now.tv_nsec) / 1000000;
		if (wait <= 0) {
			if ((r = print_stats(id, path, e)) < 0)
				break;
			next.tv_sec += interval_ms / 1000;
			next.tv_nsec += (interval_ms % 1000) * 1000000;
			if (next.tv_nsec >= 1000000000) {
				next.tv_sec++;
				next.tv_nsec -= 1000000000;
			}
			continue;
		}
		if (poll(p, 2, (int)wait) < 0 && errno != EINTR) {
			r = nerr_sys(e, errno, "poll");
			break;
		}
		if (p[1].revents & POLLIN)
			for (int n = cgroup_oom_watch_read(&w); n > 0; n--)
				print_event(id, NULL);
		if (p[0].revents) {
			r = 0;
			break;
		}
	}
	cgroup_oom_watch_close(&w);
	return r;
}

static int events(struct globals *g, const char *id, const struct events_opts *o, struct nerr *e)
{
	_cleanup_close_ int pidfd = -1;
	_cleanup_free_ char *path = NULL;
	struct container c;
	int r = lifecycle_open(g->root, id, false, &c, e);

	if (r < 0)
		return r;
	if (!c.state || !strcmp(lifecycle_status(&c), "stopped")) {
		lifecycle_close(&c);
		return nerr_set(e, ESRCH, "container \"%s\": container not running", id);
	}
	if ((r = rootless_need_cgroup(id, c.state->cgroup_path, "events", e)) < 0) {
		lifecycle_close(&c);
		return r;
	}
	path = xstrdup(c.state->cgroup_path);
	pidfd = lifecycle_pidfd(c.state);
	/* Do not hold the lock while streaming: other commands must go on. */
	lifecycle_close(&c);
	if (pidfd < 0)
		return nerr_set(e, ESRCH, "container \"%s\": container not running", id);
	if (o->stats)
		return print_stats(id, path, e);
	return stream(id, path, pidfd, o->interval_ms, e);
}

int cmd_events(struct globals *g, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    {"stats", 0, false, O_STATS, "print the statistics once and exit"},
	    {"interval", 0, true, O_INTERVAL, "time between statistics (default 5s)"},
	    {NULL, 0, false, 0, NULL},
	};
	struct events_opts o = {.interval_ms = 5000};
	struct nerr e = {0};
	bool help;
	int first = cli_parse(argc - 1, argv + 1, opts, opt_cb, &o, &help, &e);

	if (help) {
		cli_print_help("events [--stats] [--interval 5s] ID",
		               "Print cgroup statistics and OOM events of a container as JSON.",
		               opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	first++;
	if (argc - first != 1) {
		nerr_set(&e, EINVAL, "events: expected exactly one argument: the container ID");
		return command_fail(&e);
	}
	if (events(g, argv[first], &o, &e) < 0)
		return command_fail(&e);
	return 0;
}
