/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup v2 driver: controllers handed down with cgroup.subtree_control,
 * resources written to the unified files (memory.max, cpu.max, io.max ...)
 * with the runtime-spec's v1-shaped values converted as runc and crun do,
 * cgroup.freeze, and statistics read back.  Devices are in cgroup_bpf.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cgroup_driver.h"
#include "cgroup_bpf.h"
#include "util.h"

/* Hand every controller the parent has down to its children. */
static int cg2_enable_controllers(const char *dir, struct nerr *e)
{
	char avail[1024], enabled[1024], *save = NULL;

	if (cg_read(dir, "cgroup.controllers", avail, sizeof avail) < 0 ||
	    cg_read(dir, "cgroup.subtree_control", enabled, sizeof enabled) < 0)
		return 0;
	for (char *tok = strtok_r(avail, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char plus[64];
		struct nerr ignored;
		size_t n = strlen(tok);
		const char *hit = strstr(enabled, tok);
		if (hit && (hit == enabled || hit[-1] == ' ') && (hit[n] == ' ' || hit[n] == '\0'))
			continue;
		/* Best effort: a controller that cannot be enabled shows up as a
		 * missing file, with its name, when a resource needs it. */
		snprintf(plus, sizeof plus, "+%s", tok);
		cg_write(dir, "cgroup.subtree_control", plus, &ignored);
	}
	(void)e;
	return 0;
}

static void max_or_num(int64_t v, char *buf, size_t size)
{
	if (v < 0)
		snprintf(buf, size, "max");
	else
		snprintf(buf, size, "%" PRId64, v);
}

static int set_swap(const char *dir, const struct oci_memory *m, struct nerr *e)
{
	char buf[32];

	/* The runtime-spec's swap is memory+swap (v1); memory.swap.max is swap alone. */
	if (m->swap < 0)
		return cg_write(dir, "memory.swap.max", "max", e);
	if (!m->has_limit || m->limit < 0) {
		if (m->swap == 0)
			return cg_write(dir, "memory.swap.max", "0", e);
		return nerr_set(e, EINVAL,
		                "linux.resources.memory.swap %" PRId64
		                ": cgroup v2 needs memory.limit to set a swap limit",
		                m->swap);
	}
	if (m->swap < m->limit)
		return nerr_set(e, EINVAL,
		                "linux.resources.memory.swap %" PRId64
		                " is below memory.limit %" PRId64,
		                m->swap, m->limit);
	snprintf(buf, sizeof buf, "%" PRId64, m->swap - m->limit);
	return cg_write(dir, "memory.swap.max", buf, e);
}

static int memory_unsupported(const struct oci_memory *m, struct nerr *e)
{
	const char *what = NULL;

	if (m->has_kernel_tcp)
		what = "kernelTCP";
	else if (m->has_swappiness)
		what = "swappiness";
	else if (m->has_disable_oom_killer && m->disable_oom_killer)
		what = "disableOOMKiller";
	else if (m->has_use_hierarchy && !m->use_hierarchy)
		what = "useHierarchy=false";
	if (!what)
		return 0;
	return nerr_set(e, ENOTSUP, "linux.resources.memory.%s: not supported on cgroup v2", what);
}

static int cg2_set_memory(const char *dir, const struct oci_memory *m, bool update, struct nerr *e)
{
	char buf[32];
	int r;

	if ((r = memory_unsupported(m, e)) < 0)
		return r;
	if (update && m->has_check_before_update && m->check_before_update && m->has_limit &&
	    m->limit > 0) {
		uint64_t usage = 0;
		if (cg_read_u64(dir, "memory.current", &usage) == 0 && usage > (uint64_t)m->limit)
			return nerr_set(e, EBUSY,
			                "memory.limit %" PRId64
			                " is below the current usage %" PRIu64
			                " (checkBeforeUpdate)",
			                m->limit, usage);
	}
	if (m->has_limit) {
		max_or_num(m->limit, buf, sizeof buf);
		if ((r = cg_write(dir, "memory.max", buf, e)) < 0)
			return r;
	}
	if (m->has_swap && (r = set_swap(dir, m, e)) < 0)
		return r;
	if (m->has_reservation) {
		max_or_num(m->reservation, buf, sizeof buf);
		if ((r = cg_write(dir, "memory.low", buf, e)) < 0)
			return r;
	}
	return 0;
}

static int cg2_set_cpu(const char *dir, const struct oci_cpu *c, struct nerr *e)
{
	int r;

	if (c->has_realtime_runtime || c->has_realtime_period)
		return nerr_set(e, ENOTSUP,
		                "linux.resources.cpu.realtimeRuntime/realtimePeriod: not supported "
		                "on cgroup v2");
	if (c->has_shares && c->shares) {
		/* shares 2..262144 onto weight 1..10000, the conversion runc and crun use */
		uint64_t s = c->shares < 2 ? 2 : c->shares > 262144 ? 262144 : c->shares;
		if ((r = cg_writef(dir, "cpu.weight", e, "%" PRIu64,
		                   1 + ((s - 2) * 9999) / 262142)) < 0)
			return r;
	}
	if ((c->has_quota && c->quota) || (c->has_period && c->period)) {
		char cur[64] = "max 100000", quota[32];
		unsigned long long period = 100000;
		cg_read(dir, "cpu.max", cur, sizeof cur);
		sscanf(cur, "%31s %llu", quota, &period);
		if (c->has_quota && c->quota)
			max_or_num(c->quota, quota, sizeof quota);
		if (c->has_period && c->period)
			period = c->period;
		if ((r = cg_writef(dir, "cpu.max", e, "%s %llu", quota, period)) < 0)
			return r;
	}
	if (c->has_burst && (r = cg_writef(dir, "cpu.max.burst", e, "%" PRIu64, c->burst)) < 0)
		return r;
	if (c->has_idle && (r = cg_writef(dir, "cpu.idle", e, "%" PRId64, c->idle)) < 0)
		return r;
	return 0;
}

static int io_max(const char *dir, const char *key, const struct oci_throttle_list *l,
                  struct nerr *e)
{
	for (size_t i = 0; i < l->len; i++) {
		const struct oci_throttle_device *t = &l->items[i];
		int r = cg_writef(dir, "io.max", e, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t->major,
		                  t->minor, key, t->rate);
		if (r < 0)
			return r;
	}
	return 0;
}

static int cg2_set_io(const char *dir, const struct oci_blkio *b, struct nerr *e)
{
	/* With BFQ the v1 weight scale (10..1000) is kept; io.weight is 1..10000. */
	bool bfq = cg_file_exists(dir, "io.bfq.weight");
	const char *file = bfq ? "io.bfq.weight" : "io.weight";
	int r;

	if (b->has_leaf_weight || (b->n_weight_device && b->weight_device[0].has_leaf_weight))
		return nerr_set(e, ENOTSUP,
		                "linux.resources.blockIO.leafWeight: not supported on cgroup v2");
	if (b->has_weight && b->weight) {
		unsigned w = bfq ? b->weight : 1 + ((unsigned)b->weight - 10) * 9999 / 990;
		if ((r = cg_writef(dir, file, e, bfq ? "%u" : "default %u", w)) < 0)
			return r;
	}
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct oci_weight_device *d = &b->weight_device[i];
		unsigned w;
		if (!d->has_weight)
			continue;
		w = bfq ? d->weight : 1 + ((unsigned)d->weight - 10) * 9999 / 990;
		if ((r = cg_writef(dir, file, e, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
		                   w)) < 0)
			return r;
	}
	if ((r = io_max(dir, "rbps", &b->throttle_read_bps, e)) < 0 ||
	    (r = io_max(dir, "wbps", &b->throttle_write_bps, e)) < 0 ||
	    (r = io_max(dir, "riops", &b->throttle_read_iops, e)) < 0 ||
	    (r = io_max(dir, "wiops", &b->throttle_write_iops, e)) < 0)
		return r;
	return 0;
}

static int cg2_set_hugetlb(const char *dir, const struct oci_hugepage_limit *h, size_t n,
                           struct nerr *e)
{
	for (size_t i = 0; i < n; i++) {
		char file[64];
		int r;
		snprintf(file, sizeof file, "hugetlb.%s.max", h[i].page_size);
		if ((r = cg_writef(dir, file, e, "%" PRIu64, h[i].limit)) < 0)
			return r;
	}
	return 0;
}

static int cg2_set_unified(const char *dir, const struct oci_kv_list *u, struct nerr *e)
{
	for (size_t i = 0; i < u->len; i++) {
		const char *key = u->items[i].key;
		int r;
		if (!*key || strchr(key, '/') || key[0] == '.')
			return nerr_set(e, EINVAL, "linux.resources.unified: invalid key \"%s\"",
			                key);
		if (!cg_file_exists(dir, key))
			return nerr_set(
			    e, ENOENT,
			    "linux.resources.unified: \"%s\": no such file in %s (is its "
			    "controller enabled on cgroup v2?)",
			    key, dir);
		if ((r = cg_write(dir, key, u->items[i].value, e)) < 0)
			return nerr_wrap(e, "linux.resources.unified");
	}
	return 0;
}

static int cg2_freeze(const char *dir, bool freeze, struct nerr *e)
{
	uint64_t frozen = !freeze;
	int r = cg_write(dir, "cgroup.freeze", freeze ? "1" : "0", e);

	if (r < 0)
		return r;
	/* cgroup.freeze is a request; cgroup.events says when it is done. */
	for (int i = 0; i < 2500; i++) {
		if (cg_read_keyed(dir, "cgroup.events", "frozen", &frozen) == 0 &&
		    frozen == (uint64_t)freeze)
			return 0;
		nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
	}
	return nerr_set(e, ETIMEDOUT, "%s/cgroup.events did not report frozen %d", dir, freeze);
}

/* ---- statistics ------------------------------------------------------------------ */

static void cg2_stats_memory(const char *dir, struct cgroup_stats *st)
{
	char buf[8192], *save = NULL;
	uint64_t swap = 0;

	cg_read_u64(dir, "memory.current", &st->memory.usage.usage);
	cg_read_u64(dir, "memory.peak", &st->memory.usage.max);
	cg_read_u64(dir, "memory.max", &st->memory.usage.limit);
	cg_read_keyed(dir, "memory.events", "max", &st->memory.usage.failcnt);
	/* runc reports swap as memory+swap, the v1 meaning */
	if (cg_read_u64(dir, "memory.swap.current", &swap) == 0)
		st->memory.swap.usage = swap + st->memory.usage.usage;
	if (cg_read_u64(dir, "memory.swap.max", &swap) == 0)
		st->memory.swap.limit = swap == UINT64_MAX || st->memory.usage.limit == UINT64_MAX
		                            ? UINT64_MAX
		                            : swap + st->memory.usage.limit;
	if (cg_read(dir, "memory.stat", buf, sizeof buf) < 0)
		return;
	for (char *line = strtok_r(buf, "\n", &save); line && st->memory.n_raw < CGROUP_MAX_RAW;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		snprintf(st->memory.raw[st->memory.n_raw].key, sizeof st->memory.raw[0].key, "%s",
		         line);
		st->memory.raw[st->memory.n_raw++].value = strtoull(sp + 1, NULL, 10);
		if (!strcmp(line, "file"))
			st->memory.cache = strtoull(sp + 1, NULL, 10);
	}
}

static void cg2_stats_cpu(const char *dir, struct cgroup_stats *st)
{
	uint64_t v;

	if (cg_read_keyed(dir, "cpu.stat", "usage_usec", &v) == 0)
		st->cpu.total = v * 1000;
	if (cg_read_keyed(dir, "cpu.stat", "user_usec", &v) == 0)
		st->cpu.user = v * 1000;
	if (cg_read_keyed(dir, "cpu.stat", "system_usec", &v) == 0)
		st->cpu.kernel = v * 1000;
	cg_read_keyed(dir, "cpu.stat", "nr_periods", &st->cpu.periods);
	cg_read_keyed(dir, "cpu.stat", "nr_throttled", &st->cpu.throttled_periods);
	if (cg_read_keyed(dir, "cpu.stat", "throttled_usec", &v) == 0)
		st->cpu.throttled_time = v * 1000;
}

static void io_entry(struct cgroup_blkio_entry *out, size_t *n, unsigned long long maj,
                     unsigned long long min, const char *op, uint64_t v)
{
	if (*n >= CGROUP_MAX_BLKIO)
		return;
	out[*n] = (struct cgroup_blkio_entry){.major = maj, .minor = min, .value = v};
	snprintf(out[*n].op, sizeof out[*n].op, "%s", op);
	(*n)++;
}

static void cg2_stats_io(const char *dir, struct cgroup_stats *st)
{
	char buf[8192], *save = NULL;

	if (cg_read(dir, "io.stat", buf, sizeof buf) < 0)
		return;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long maj, min, rb = 0, wb = 0, ri = 0, wi = 0;
		char *p;
		if (sscanf(line, "%llu:%llu", &maj, &min) != 2)
			continue;
		if ((p = strstr(line, "rbytes=")))
			rb = strtoull(p + 7, NULL, 10);
		if ((p = strstr(line, "wbytes=")))
			wb = strtoull(p + 7, NULL, 10);
		if ((p = strstr(line, "rios=")))
			ri = strtoull(p + 5, NULL, 10);
		if ((p = strstr(line, "wios=")))
			wi = strtoull(p + 5, NULL, 10);
		io_entry(st->bytes, &st->n_bytes, maj, min, "Read", rb);
		io_entry(st->bytes, &st->n_bytes, maj, min, "Write", wb);
		io_entry(st->ios, &st->n_ios, maj, min, "Read", ri);
		io_entry(st->ios, &st->n_ios, maj, min, "Write", wi);
	}
}

/* ---- the table ------------------------------------------------------------------ */

static int cg2_set_devices(const char *dir, const struct oci_device_rule *rules, size_t n,
                           bool update, struct nerr *e)
{
	(void)update; /* the program is replaced as a whole either way */
	return cg_bpf_set_devices(dir, rules, n, e);
}

static bool cg2_is_frozen(const char *dir)
{
	uint64_t v = 0;

	return cg_read_u64(dir, "cgroup.freeze", &v) == 0 && v == 1;
}

static void cg2_stats_cpu_acct(const char *dir, const char *acct_dir, struct cgroup_stats *st)
{
	(void)acct_dir; /* cpu.stat has the accounting on v2 */
	cg2_stats_cpu(dir, st);
}

const struct cg_driver cg_driver_v2 = {
    .name = "v2",
    .prepare_parent = cg2_enable_controllers,
    .set_memory = cg2_set_memory,
    .set_cpu = cg2_set_cpu,
    .set_blkio = cg2_set_io,
    .set_hugetlb = cg2_set_hugetlb,
    .set_unified = cg2_set_unified,
    .set_devices = cg2_set_devices,
    .freeze = cg2_freeze,
    .is_frozen = cg2_is_frozen,
    .stats_memory = cg2_stats_memory,
    .stats_cpu = cg2_stats_cpu_acct,
    .stats_blkio = cg2_stats_io,
};
