/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Process attributes that are not credentials: linux.sysctl (only the keys a
 * namespace of the container isolates, so a container cannot change the
 * host's kernel), the scheduler (sched_setattr), the I/O priority, the CPU
 * affinity before and after joining the cgroup, and the personality.
 * Also the refusal of apparmorProfile and selinuxLabel when the kernel has
 * neither LSM enabled: silently running unconfined would be worse.
 */
#include "process_attrs.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

static bool has_ns(const struct oci_config *cfg, enum oci_ns_type t)
{
	for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
		if (cfg->linux_.namespaces[i].type == t)
			return true;
	return false;
}

static bool lsm_enabled(const char *name)
{
	_cleanup_free_ char *lsms = NULL;
	size_t len;
	struct nerr ignored;
	char *tok, *save;

	if (read_file_at(AT_FDCWD, "/sys/kernel/security/lsm", &lsms, &len, &ignored) < 0) {
		/* securityfs not mounted: ask the LSMs themselves. */
		if (!strcmp(name, "selinux"))
			return access("/sys/fs/selinux/enforce", F_OK) == 0;
		if (read_file_at(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", &lsms, &len,
		                 &ignored) < 0)
			return false;
		return lsms[0] == 'Y';
	}
	for (tok = strtok_r(lsms, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save))
		if (!strcmp(tok, name))
			return true;
	return false;
}

/* The namespace a sysctl key belongs to, or -1 for a key of the whole host. */
static int sysctl_namespace(const char *key)
{
	static const char *const ipc_keys[] = {
	    "kernel.msgmax", "kernel.msgmnb",          "kernel.msgmni",
	    "kernel.sem",    "kernel.shmall",          "kernel.shmmax",
	    "kernel.shmmni", "kernel.shm_rmid_forced", NULL};
	for (size_t i = 0; ipc_keys[i]; i++)
		if (!strcmp(key, ipc_keys[i]))
			return OCI_NS_IPC;
	if (str_has_prefix(key, "fs.mqueue."))
		return OCI_NS_IPC;
	if (str_has_prefix(key, "net."))
		return OCI_NS_NETWORK;
	if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
		return OCI_NS_UTS;
	return -1;
}

/* "net/ipv4/ip_forward" and "net.ipv4.ip_forward" are the same key. */
static void sysctl_normalize(const char *key, char *out, size_t size)
{
	snprintf(out, size, "%s", key);
	for (char *p = out; *p; p++)
		if (*p == '/')
			*p = '.';
}

static int check_sysctl(const struct oci_config *cfg, struct nerr *e)
{
	const struct oci_kv_list *s = &cfg->linux_.sysctl;
	for (size_t i = 0; i < s->len; i++) {
		char key[256];
		int ns;
		sysctl_normalize(s->items[i].key, key, sizeof key);
		ns = sysctl_namespace(key);
		if (ns < 0)
			return nerr_set(
			    e, EINVAL,
			    "linux.sysctl: \"%s\" is not namespaced: it would change the "
			    "host's kernel",
			    s->items[i].key);
		if (!has_ns(cfg, (enum oci_ns_type)ns))
			return nerr_set(
			    e, EINVAL,
			    "linux.sysctl: \"%s\" needs the container to have its own %s "
			    "namespace",
			    s->items[i].key, oci_ns_type_name((enum oci_ns_type)ns));
	}
	return 0;
}

int process_attrs_check_lsm(const struct oci_process *p, struct nerr *e)
{
	if (p && p->apparmor_profile && p->apparmor_profile[0])
		return nerr_set(e, EOPNOTSUPP, "process.apparmorProfile \"%s\": %s",
		                p->apparmor_profile,
		                lsm_enabled("apparmor") ? "AppArmor profiles are not supported by "
		                                          "nucleus-oci"
		                                        : "AppArmor is not enabled on this kernel");
	if (p && p->selinux_label && p->selinux_label[0])
		return nerr_set(e, EOPNOTSUPP, "process.selinuxLabel \"%s\": %s", p->selinux_label,
		                lsm_enabled("selinux") ? "SELinux labels are not supported by "
		                                         "nucleus-oci"
		                                       : "SELinux is not enabled on this kernel");
	return 0;
}

int process_attrs_check(const struct oci_config *cfg, struct nerr *e)
{
	int r = process_attrs_check_lsm(cfg->process, e);
	if (r < 0)
		return r;
	if (cfg->linux_.mount_label && cfg->linux_.mount_label[0] && !lsm_enabled("selinux"))
		return nerr_set(e, EOPNOTSUPP,
		                "linux.mountLabel \"%s\": SELinux is not enabled on this kernel",
		                cfg->linux_.mount_label);
	/* The runtime-spec defines no personality flag yet: refuse rather than ignore. */
	if (cfg->linux_.personality && cfg->linux_.personality->flags.len)
		return nerr_set(e, EINVAL, "linux.personality.flags \"%s\": no flags are supported",
		                cfg->linux_.personality->flags.items[0]);
	return check_sysctl(cfg, e);
}

int process_attrs_apply_sysctl(const struct oci_config *cfg, struct nerr *e)
{
	const struct oci_kv_list *s = &cfg->linux_.sysctl;
	for (size_t i = 0; i < s->len; i++) {
		char key[256], path[300];
		int r;
		sysctl_normalize(s->items[i].key, key, sizeof key);
		for (char *p = key; *p; p++)
			if (*p == '.')
				*p = '/';
		snprintf(path, sizeof path, "/proc/sys/%s", key);
		r = write_file_at(AT_FDCWD, path, s->items[i].value, strlen(s->items[i].value));
		if (r < 0)
			return nerr_sys(e, -r, "linux.sysctl: write %s=%s", s->items[i].key,
			                s->items[i].value);
	}
	return 0;
}

/* include/uapi/linux/sched/types.h, SCHED_ATTR_SIZE_VER0 */
struct proc_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

static int apply_scheduler(const struct oci_scheduler *s, struct nerr *e)
{
	struct proc_sched_attr attr = {
	    .size = sizeof attr,
	    .sched_policy = (uint32_t)s->policy_value,
	    .sched_flags = s->flags_value,
	    .sched_nice = s->has_nice ? s->nice : 0,
	    .sched_priority = s->has_priority ? (uint32_t)s->priority : 0,
	    .sched_runtime = s->runtime,
	    .sched_deadline = s->deadline,
	    .sched_period = s->period,
	};
	if (!s->present)
		return 0;
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return nerr_sys(e, errno, "process.scheduler: sched_setattr policy %s", s->policy);
	return 0;
}

static int apply_ioprio(const struct oci_io_priority *io, struct nerr *e)
{
	if (!io->present)
		return 0;
	/* IOPRIO_WHO_PROCESS, this process; IOPRIO_PRIO_VALUE(class, data) */
	if (syscall(SYS_ioprio_set, 1, 0, (io->klass_value << 13) | io->priority) < 0)
		return nerr_sys(e, errno, "process.ioPriority: ioprio_set %s %d", io->klass,
		                io->priority);
	return 0;
}

int process_attrs_apply(const struct oci_process *p, const struct oci_personality *pers,
                        struct nerr *e)
{
	int r = apply_scheduler(&p->scheduler, e);
	if (r == 0)
		r = apply_ioprio(&p->io_priority, e);
	if (r == 0 && pers && personality(pers->domain_value) < 0)
		return nerr_sys(e, errno, "linux.personality: domain %s", pers->domain);
	return r;
}

/* "0-3,7" into a cpu set. */
static int parse_cpu_list(const char *list, cpu_set_t *set)
{
	const char *p = list;
	CPU_ZERO(set);
	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b;
		if (end == p)
			return -EINVAL;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			if (end == p || b < a)
				return -EINVAL;
		}
		if (b >= CPU_SETSIZE)
			return -EINVAL;
		for (unsigned long c = a; c <= b; c++)
			CPU_SET(c, set);
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			return -EINVAL;
	}
	return 0;
}

int process_attrs_cpu_affinity(const struct oci_process *p, bool final, struct nerr *e)
{
	const char *list = final ? p->exec_cpu_affinity.final : p->exec_cpu_affinity.initial;
	const char *field = final ? "final" : "initial";
	cpu_set_t set;

	if (!list || !list[0])
		return 0;
	if (parse_cpu_list(list, &set) < 0)
		return nerr_set(e, EINVAL, "process.execCPUAffinity.%s \"%s\": not a CPU list",
		                field, list);
	if (sched_setaffinity(0, sizeof set, &set) < 0)
		return nerr_sys(e, errno, "process.execCPUAffinity.%s \"%s\"", field, list);
	return 0;
}

int process_attrs_set_oom_score_adj(pid_t pid, int value, struct nerr *e)
{
	char path[64], buf[32], now[32] = "";
	_cleanup_free_ char *cur = NULL;
	size_t len = 0;
	int n = snprintf(buf, sizeof buf, "%d", value), r;

	if (pid)
		snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/self/oom_score_adj");
	r = write_file_at(AT_FDCWD, path, buf, (size_t)n);
	if (r == 0)
		return 0;
	if ((r == -EACCES || r == -EPERM) && read_file_at(AT_FDCWD, path, &cur, &len, e) == 0)
		snprintf(now, sizeof now, "%.*s", (int)strcspn(cur, "\n"), cur);
	if (now[0])
		return nerr_set(e, -r,
		                "write oom_score_adj %d: %s (process.oomScoreAdj: the current "
		                "value is %s; only a privileged process may set a lower one)",
		                value, strerror(-r), now);
	return nerr_sys(e, -r, "write oom_score_adj %d", value);
}
