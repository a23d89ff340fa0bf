/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup v1 driver: resources written to the per-controller files of
 * v1 hierarchies (memory.limit_in_bytes, cpu.cfs_quota_us, devices.allow,
 * freezer.state ...), and statistics read back from them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_driver.h"
#include "util.h"

static int write_i64(const char *dir, const char *file, int64_t v, struct nerr *e)
{
	return cg_writef(dir, file, e, "%" PRId64, v);
}

/* memory+swap must never be below memory: order the two writes so that
 * every intermediate state is valid, whether the limits grow or shrink. */
static int set_limit_and_swap(const char *dir, const struct oci_memory *m, struct nerr *e)
{
	uint64_t cur_swap = 0;
	bool swap_first;
	int r;

	if (!m->has_swap)
		return m->has_limit ? write_i64(dir, "memory.limit_in_bytes", m->limit, e) : 0;
	if (!cg_file_exists(dir, "memory.memsw.limit_in_bytes"))
		return nerr_set(
		    e, ENOTSUP,
		    "linux.resources.memory.swap: swap accounting is not enabled on this "
		    "host (%s/memory.memsw.limit_in_bytes is missing)",
		    dir);
	if (!m->has_limit)
		return write_i64(dir, "memory.memsw.limit_in_bytes", m->swap, e);
	cg_read_u64(dir, "memory.memsw.limit_in_bytes", &cur_swap);
	swap_first = m->swap < 0 || (uint64_t)m->swap > cur_swap;
	if (swap_first && (r = write_i64(dir, "memory.memsw.limit_in_bytes", m->swap, e)) < 0)
		return r;
	if ((r = write_i64(dir, "memory.limit_in_bytes", m->limit, e)) < 0)
		return r;
	if (!swap_first && (r = write_i64(dir, "memory.memsw.limit_in_bytes", m->swap, e)) < 0)
		return r;
	return 0;
}

static int cg1_set_memory(const char *dir, const struct oci_memory *m, bool update, struct nerr *e)
{
	int r;

	if (update && m->has_check_before_update && m->check_before_update && m->has_limit &&
	    m->limit > 0) {
		uint64_t usage = 0;
		if (cg_read_u64(dir, "memory.usage_in_bytes", &usage) == 0 &&
		    usage > (uint64_t)m->limit)
			return nerr_set(e, EBUSY,
			                "memory.limit %" PRId64
			                " is below the current usage %" PRIu64
			                " (checkBeforeUpdate)",
			                m->limit, usage);
	}
	if ((r = set_limit_and_swap(dir, m, e)) < 0)
		return r;
	if (m->has_reservation &&
	    (r = write_i64(dir, "memory.soft_limit_in_bytes", m->reservation, e)) < 0)
		return r;
	/* memory.kernel is deprecated by the runtime-spec and the kernel (5.16+)
	 * no longer enforces it: ignored, as runc does. */
	if (m->has_kernel_tcp &&
	    (r = write_i64(dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, e)) < 0)
		return r;
	if (m->has_swappiness &&
	    (r = cg_writef(dir, "memory.swappiness", e, "%" PRIu64, m->swappiness)) < 0)
		return r;
	if (m->has_disable_oom_killer &&
	    (r = cg_write(dir, "memory.oom_control", m->disable_oom_killer ? "1" : "0", e)) < 0)
		return r;
	if (m->has_use_hierarchy &&
	    (r = cg_write(dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0", e)) < 0)
		return r;
	return 0;
}

static int cg1_set_cpu(const char *dir, const struct oci_cpu *c, struct nerr *e)
{
	int r;

	if (c->has_shares && c->shares &&
	    (r = cg_writef(dir, "cpu.shares", e, "%" PRIu64, c->shares)) < 0)
		return r;
	if (c->has_period && c->period) {
		/* A shorter period can conflict with the current quota: quota first then. */
		struct nerr ignored;
		if (cg_writef(dir, "cpu.cfs_period_us", &ignored, "%" PRIu64, c->period) < 0) {
			if (c->has_quota &&
			    (r = write_i64(dir, "cpu.cfs_quota_us", c->quota, e)) < 0)
				return r;
			if ((r = cg_writef(dir, "cpu.cfs_period_us", e, "%" PRIu64, c->period)) < 0)
				return r;
		}
	}
	if (c->has_quota && c->quota && (r = write_i64(dir, "cpu.cfs_quota_us", c->quota, e)) < 0)
		return r;
	if (c->has_burst && (r = cg_writef(dir, "cpu.cfs_burst_us", e, "%" PRIu64, c->burst)) < 0)
		return r;
	if (c->has_realtime_period && c->realtime_period &&
	    (r = cg_writef(dir, "cpu.rt_period_us", e, "%" PRIu64, c->realtime_period)) < 0)
		return r;
	if (c->has_realtime_runtime && c->realtime_runtime &&
	    (r = write_i64(dir, "cpu.rt_runtime_us", c->realtime_runtime, e)) < 0)
		return r;
	if (c->has_idle && (r = write_i64(dir, "cpu.idle", c->idle, e)) < 0)
		return r;
	return 0;
}

static int write_throttle(const char *dir, const char *file, const struct oci_throttle_list *l,
                          struct nerr *e)
{
	for (size_t i = 0; i < l->len; i++) {
		const struct oci_throttle_device *t = &l->items[i];
		int r = cg_writef(dir, file, e, "%" PRId64 ":%" PRId64 " %" PRIu64, t->major,
		                  t->minor, t->rate);
		if (r < 0)
			return r;
	}
	return 0;
}

/* CFQ (blkio.weight, blkio.leaf_weight) left the kernel with the legacy block
 * layer in 5.0; BFQ has weights under its own names and no leaf weight.  A
 * missing file is reported against the field, not as a failed write. */
static int blkio_file(const char *dir, const char *file, const char *field, struct nerr *e)
{
	if (cg_file_exists(dir, file))
		return 0;
	if (!strcmp(file, "blkio.leaf_weight") || !strcmp(file, "blkio.leaf_weight_device"))
		return nerr_set(
		    e, ENOTSUP,
		    "linux.resources.blockIO.%s: leaf weights are not supported by this "
		    "kernel (%s/%s is missing: CFQ is gone since Linux 5.0 and BFQ has "
		    "no leaf weight)",
		    field, dir, file);
	return nerr_set(e, ENOTSUP,
	                "linux.resources.blockIO.%s: %s/%s is missing: this kernel has no CFQ and "
	                "the BFQ I/O scheduler is not loaded (modprobe bfq, then select it for the "
	                "device in /sys/block/<dev>/queue/scheduler)",
	                field, dir, file);
}

static int set_blkio_weights(const char *dir, const struct oci_blkio *b, struct nerr *e)
{
	bool bfq = !cg_file_exists(dir, "blkio.weight") && cg_file_exists(dir, "blkio.bfq.weight");
	const char *weight = bfq ? "blkio.bfq.weight" : "blkio.weight";
	const char *weight_dev = bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";
	char field[64];
	int r;

	if (b->has_weight && b->weight &&
	    ((r = blkio_file(dir, weight, "weight", e)) < 0 ||
	     (r = cg_writef(dir, weight, e, "%u", b->weight)) < 0))
		return r;
	if (b->has_leaf_weight && b->leaf_weight &&
	    ((r = blkio_file(dir, "blkio.leaf_weight", "leafWeight", e)) < 0 ||
	     (r = cg_writef(dir, "blkio.leaf_weight", e, "%u", b->leaf_weight)) < 0))
		return r;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct oci_weight_device *w = &b->weight_device[i];
		snprintf(field, sizeof field, "weightDevice[%zu].weight", i);
		if (w->has_weight &&
		    ((r = blkio_file(dir, weight_dev, field, e)) < 0 ||
		     (r = cg_writef(dir, weight_dev, e, "%" PRId64 ":%" PRId64 " %u", w->major,
		                    w->minor, w->weight)) < 0))
			return r;
		snprintf(field, sizeof field, "weightDevice[%zu].leafWeight", i);
		if (w->has_leaf_weight &&
		    ((r = blkio_file(dir, "blkio.leaf_weight_device", field, e)) < 0 ||
		     (r = cg_writef(dir, "blkio.leaf_weight_device", e,
		                    "%" PRId64 ":%" PRId64 " %u", w->major, w->minor,
		                    w->leaf_weight)) < 0))
			return r;
	}
	return 0;
}

static int cg1_set_blkio(const char *dir, const struct oci_blkio *b, struct nerr *e)
{
	int r;

	if ((r = set_blkio_weights(dir, b, e)) < 0)
		return r;
	if ((r = write_throttle(dir, "blkio.throttle.read_bps_device", &b->throttle_read_bps, e)) <
	        0 ||
	    (r = write_throttle(dir, "blkio.throttle.write_bps_device", &b->throttle_write_bps,
	                        e)) < 0 ||
	    (r = write_throttle(dir, "blkio.throttle.read_iops_device", &b->throttle_read_iops,
	                        e)) < 0 ||
	    (r = write_throttle(dir, "blkio.throttle.write_iops_device", &b->throttle_write_iops,
	                        e)) < 0)
		return r;
	return 0;
}

static int cg1_set_hugetlb(const char *dir, const struct oci_hugepage_limit *h, size_t n,
                           struct nerr *e)
{
	for (size_t i = 0; i < n; i++) {
		char file[64];
		int r;
		snprintf(file, sizeof file, "hugetlb.%s.limit_in_bytes", h[i].page_size);
		if ((r = cg_writef(dir, file, e, "%" PRIu64, h[i].limit)) < 0)
			return r;
	}
	return 0;
}

static int cg1_set_net_cls(const char *dir, const struct oci_network *n, struct nerr *e)
{
	return cg_writef(dir, "net_cls.classid", e, "%u", n->class_id);
}

static int cg1_set_net_prio(const char *dir, const struct oci_network *n, struct nerr *e)
{
	for (size_t i = 0; i < n->n_priorities; i++) {
		int r = cg_writef(dir, "net_prio.ifpriomap", e, "%s %u", n->priorities[i].name,
		                  n->priorities[i].priority);
		if (r < 0)
			return r;
	}
	return 0;
}

static void format_rule(const struct oci_device_rule *d, char *buf, size_t size)
{
	char maj[24] = "*", min[24] = "*";

	if (d->type == 'a') {
		snprintf(buf, size, "a");
		return;
	}
	if (d->has_major && d->major >= 0)
		snprintf(maj, sizeof maj, "%" PRId64, d->major);
	if (d->has_minor && d->minor >= 0)
		snprintf(min, sizeof min, "%" PRId64, d->minor);
	snprintf(buf, size, "%c %s:%s %s", d->type, maj, min, d->access ? d->access : "rwm");
}

/* Each write(2) to devices.allow or devices.deny is one rule: keep each file
 * open for all of them rather than opening it again for the dozen or so
 * rules of a default config. */
static int write_rule(int *fd, const char *dir, const char *file, const char *rule, struct nerr *e)
{
	char path[PATH_MAX + 64];
	size_t len = strlen(rule);

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (*fd < 0 && (*fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return nerr_sys(e, errno, "write %s \"%s\"", path, rule);
	if (write(*fd, rule, len) != (ssize_t)len)
		return nerr_sys(e, errno ? errno : EIO, "write %s \"%s\"", path, rule);
	return 0;
}

static int cg1_set_devices(const char *dir, const struct oci_device_rule *rules, size_t n,
                           bool update, struct nerr *e)
{
	_cleanup_free_ struct oci_device_rule *all = NULL;
	_cleanup_close_ int allow_fd = -1, deny_fd = -1;
	size_t total = cg_device_rules(rules, n, &all);
	char buf[96];
	int r;

	/* An update replaces the rules: start again from "deny everything". */
	if (update && (r = write_rule(&deny_fd, dir, "devices.deny", "a", e)) < 0)
		return r;
	for (size_t i = 0; i < total; i++) {
		format_rule(&all[i], buf, sizeof buf);
		errno = 0;
		r = all[i].allow ? write_rule(&allow_fd, dir, "devices.allow", buf, e)
		                 : write_rule(&deny_fd, dir, "devices.deny", buf, e);
		if (r < 0)
			return nerr_wrap(e, "linux.resources.devices[%zu]", i < n ? i : n);
	}
	return 0;
}

static int cg1_freeze(const char *dir, bool freeze, struct nerr *e)
{
	const char *want = freeze ? "FROZEN" : "THAWED";
	char buf[32];
	int r;

	/* FREEZING can stall on a task that is forking: write again until FROZEN. */
	for (int i = 0; i < 1000; i++) {
		if (i % 50 == 0 && (r = cg_write(dir, "freezer.state", want, e)) < 0)
			return r;
		if (cg_read(dir, "freezer.state", buf, sizeof buf) > 0 && !strcmp(buf, want))
			return 0;
		nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
	}
	if (freeze) {
		struct nerr ignored;
		cg_write(dir, "freezer.state", "THAWED", &ignored);
	}
	return nerr_set(e, ETIMEDOUT, "%s/freezer.state did not become %s", dir, want);
}

/* ---- statistics ------------------------------------------------------------------ */

static void mem_entry(const char *dir, const char *prefix, struct cgroup_mem_entry *m)
{
	char file[96];

	snprintf(file, sizeof file, "%s.usage_in_bytes", prefix);
	cg_read_u64(dir, file, &m->usage);
	snprintf(file, sizeof file, "%s.max_usage_in_bytes", prefix);
	cg_read_u64(dir, file, &m->max);
	snprintf(file, sizeof file, "%s.limit_in_bytes", prefix);
	cg_read_u64(dir, file, &m->limit);
	snprintf(file, sizeof file, "%s.failcnt", prefix);
	cg_read_u64(dir, file, &m->failcnt);
}

static void cg1_stats_memory(const char *dir, struct cgroup_stats *st)
{
	char buf[8192], *save = NULL;

	mem_entry(dir, "memory", &st->memory.usage);
	mem_entry(dir, "memory.memsw", &st->memory.swap);
	mem_entry(dir, "memory.kmem", &st->memory.kernel);
	mem_entry(dir, "memory.kmem.tcp", &st->memory.kernel_tcp);
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
		if (!strcmp(line, "total_cache"))
			st->memory.cache = strtoull(sp + 1, NULL, 10);
	}
}

static void cg1_stats_cpu(const char *dir, const char *acct_dir, struct cgroup_stats *st)
{
	char buf[4096], *save = NULL;
	uint64_t v;
	/* cpuacct.stat counts USER_HZ ticks */
	const uint64_t tick_ns = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);

	if (dir) {
		cg_read_keyed(dir, "cpu.stat", "nr_periods", &st->cpu.periods);
		cg_read_keyed(dir, "cpu.stat", "nr_throttled", &st->cpu.throttled_periods);
		cg_read_keyed(dir, "cpu.stat", "throttled_time", &st->cpu.throttled_time);
	}
	if (!acct_dir)
		return;
	cg_read_u64(acct_dir, "cpuacct.usage", &st->cpu.total);
	if (cg_read_keyed(acct_dir, "cpuacct.stat", "user", &v) == 0)
		st->cpu.user = v * tick_ns;
	if (cg_read_keyed(acct_dir, "cpuacct.stat", "system", &v) == 0)
		st->cpu.kernel = v * tick_ns;
	if (cg_read(acct_dir, "cpuacct.usage_percpu", buf, sizeof buf) < 0)
		return;
	for (char *tok = strtok_r(buf, " ", &save); tok && st->cpu.n_percpu < CGROUP_MAX_CPUS;
	     tok = strtok_r(NULL, " ", &save))
		st->cpu.percpu[st->cpu.n_percpu++] = strtoull(tok, NULL, 10);
}

static void blkio_entries(const char *dir, const char *file, struct cgroup_blkio_entry *out,
                          size_t *n)
{
	char buf[8192], *save = NULL;

	if (cg_read(dir, file, buf, sizeof buf) < 0)
		return;
	for (char *line = strtok_r(buf, "\n", &save); line && *n < CGROUP_MAX_BLKIO;
	     line = strtok_r(NULL, "\n", &save)) {
		struct cgroup_blkio_entry *b = &out[*n];
		unsigned long long maj, min, val;
		if (sscanf(line, "%llu:%llu %15s %llu", &maj, &min, b->op, &val) != 4)
			continue;
		b->major = maj;
		b->minor = min;
		b->value = val;
		(*n)++;
	}
}

static void cg1_stats_blkio(const char *dir, struct cgroup_stats *st)
{
	blkio_entries(dir, "blkio.throttle.io_service_bytes_recursive", st->bytes, &st->n_bytes);
	blkio_entries(dir, "blkio.throttle.io_serviced_recursive", st->ios, &st->n_ios);
}

/* ---- the table ------------------------------------------------------------------ */

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

static int cg1_init_dir(const struct cg_hierarchy *h, const char *dir, struct nerr *e)
{
	if (h->ctrl & (1u << CG_CPUSET))
		return cpuset_copy_from_parent(dir, e);
	return 0;
}

static bool cg1_is_frozen(const char *dir)
{
	char buf[64];

	return cg_read(dir, "freezer.state", buf, sizeof buf) > 0 &&
	       (!strcmp(buf, "FROZEN") || !strcmp(buf, "FREEZING"));
}

const struct cg_driver cg_driver_v1 = {
    .name = "v1",
    .init_dir = cg1_init_dir,
    .set_memory = cg1_set_memory,
    .set_cpu = cg1_set_cpu,
    .set_blkio = cg1_set_blkio,
    .set_hugetlb = cg1_set_hugetlb,
    .set_net_cls = cg1_set_net_cls,
    .set_net_prio = cg1_set_net_prio,
    .set_devices = cg1_set_devices,
    .freeze = cg1_freeze,
    .is_frozen = cg1_is_frozen,
    .stats_memory = cg1_stats_memory,
    .stats_cpu = cg1_stats_cpu,
    .stats_blkio = cg1_stats_blkio,
};
