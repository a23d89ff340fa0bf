/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for spec/: config.json, process.json, LinuxResources and
 * state.json documents, valid and invalid, checked for the values they parse
 * to and for the exact error each invalid one produces.  Prints TAP.
 *
 * Documents are written with single quotes for readability; they are turned
 * into JSON double quotes before parsing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "oci_spec.h"

static int test_count;
static int test_failed;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	test_count++;
	if (!cond)
		test_failed++;
	printf("%sok %d - ", cond ? "" : "not ", test_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The document with ' turned into ". */
static char *json(const char *doc)
{
	char *s = strdup(doc), *p;

	if (!s)
		abort();
	for (p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

static struct oci_config *config_ok(const char *name, const char *doc)
{
	struct spec_error err = {{0}};
	struct oci_config *cfg = NULL;
	char *s = json(doc);
	int r;

	r = oci_config_parse(s, strlen(s), "config.json", &cfg, &err);
	free(s);
	ok(r == 0 && cfg, "valid: %s", name);
	if (r < 0)
		diag("unexpected error: %s", err.msg);
	return cfg;
}

static void config_err(const char *name, const char *doc, const char *expect)
{
	struct spec_error err = {{0}};
	struct oci_config *cfg = NULL;
	char *s = json(doc);
	int r;

	r = oci_config_parse(s, strlen(s), "config.json", &cfg, &err);
	free(s);
	ok(r == -EINVAL && !cfg && strstr(err.msg, expect), "invalid: %s", name);
	if (r != -EINVAL || !strstr(err.msg, expect))
		diag("r=%d, got \"%s\", expected \"%s\"", r, err.msg, expect);
	oci_config_free(cfg);
}

/* A minimal valid config with `extra` spliced in at the top level. */
#define MIN_HEAD       "{'ociVersion': '1.3.0', 'root': {'path': 'rootfs'}"
#define DOC(extra)     MIN_HEAD ", " extra "}"
#define PROC(extra)    DOC("'process': {'args': ['sh'], 'cwd': '/', " extra "}")
#define LINUX(extra)   DOC("'linux': {" extra "}")
#define RES(extra)     LINUX("'resources': {" extra "}")
#define SECCOMP(extra) LINUX("'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', " extra "}")

static const char runc_default[] =
    "{'ociVersion': '1.0.2-dev',"
    " 'process': {'terminal': true, 'user': {'uid': 0, 'gid': 0}, 'args': ['sh'],"
    "  'env': ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',"
    "          'TERM=xterm'],"
    "  'cwd': '/',"
    "  'capabilities': {"
    "   'bounding': ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],"
    "   'effective': ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],"
    "   'permitted': ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],"
    "   'ambient': ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']},"
    "  'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1024, 'soft': 1024}],"
    "  'noNewPrivileges': true},"
    " 'root': {'path': 'rootfs', 'readonly': true},"
    " 'hostname': 'runc',"
    " 'mounts': ["
    "  {'destination': '/proc', 'type': 'proc', 'source': 'proc'},"
    "  {'destination': '/dev', 'type': 'tmpfs', 'source': 'tmpfs',"
    "   'options': ['nosuid', 'strictatime', 'mode=755', 'size=65536k']},"
    "  {'destination': '/dev/pts', 'type': 'devpts', 'source': 'devpts',"
    "   'options': ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']},"
    "  {'destination': '/dev/shm', 'type': 'tmpfs', 'source': 'shm',"
    "   'options': ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k']},"
    "  {'destination': '/dev/mqueue', 'type': 'mqueue', 'source': 'mqueue',"
    "   'options': ['nosuid', 'noexec', 'nodev']},"
    "  {'destination': '/sys', 'type': 'sysfs', 'source': 'sysfs',"
    "   'options': ['nosuid', 'noexec', 'nodev', 'ro']},"
    "  {'destination': '/sys/fs/cgroup', 'type': 'cgroup', 'source': 'cgroup',"
    "   'options': ['nosuid', 'noexec', 'nodev', 'relatime', 'ro']}],"
    " 'linux': {"
    "  'resources': {'devices': [{'allow': false, 'access': 'rwm'}]},"
    "  'namespaces': [{'type': 'pid'}, {'type': 'network'}, {'type': 'ipc'},"
    "                 {'type': 'uts'}, {'type': 'mount'}, {'type': 'cgroup'}],"
    "  'maskedPaths': ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys',"
    "                  '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats',"
    "                  '/proc/sched_debug', '/sys/firmware', '/proc/scsi'],"
    "  'readonlyPaths': ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys',"
    "                    '/proc/sysrq-trigger']}}";

static const char full_config[] =
    "{'ociVersion': '1.3.0',"
    " 'root': {'path': '/var/lib/c1/rootfs', 'readonly': false},"
    " 'hostname': 'c1', 'domainname': 'example.org',"
    " 'annotations': {'org.example.key': 'value', 'second': ''},"
    " 'unknownTopLevel': {'ignored': [1, 2, 3]},"
    " 'mounts': [{'destination': '/data', 'type': 'bind', 'source': '/srv/data',"
    "   'options': ['rbind', 'ro', 'idmap'],"
    "   'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}],"
    "   'gidMappings': [{'containerID': 0, 'hostID': 200000, 'size': 65536}]},"
    "  {'destination': '/a/../b', 'type': 'tmpfs', 'source': 'tmpfs'}],"
    " 'process': {"
    "  'terminal': true, 'consoleSize': {'height': 25, 'width': 80},"
    "  'user': {'uid': 1000, 'gid': 1000, 'umask': 18, 'additionalGids': [5, 4294967295]},"
    "  'args': ['/bin/app', '--flag'], 'env': ['A=1'], 'cwd': '/work',"
    "  'capabilities': {'bounding': ['CAP_CHOWN'], 'effective': ['CAP_CHOWN'],"
    "   'inheritable': [], 'permitted': ['CAP_CHOWN'], 'ambient': []},"
    "  'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1024, 'hard': 4096},"
    "   {'type': 'RLIMIT_CORE', 'soft': 18446744073709551615, 'hard': 18446744073709551615}],"
    "  'noNewPrivileges': true, 'oomScoreAdj': -1000,"
    "  'apparmorProfile': 'nucleus-default', 'selinuxLabel': 'system_u:system_r:c:s0',"
    "  'scheduler': {'policy': 'SCHED_DEADLINE', 'nice': -5, 'priority': 0,"
    "   'flags': ['SCHED_FLAG_RESET_ON_FORK', 'SCHED_FLAG_RECLAIM'],"
    "   'runtime': 10000000, 'deadline': 20000000, 'period': 30000000},"
    "  'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 7},"
    "  'execCPUAffinity': {'initial': '0', 'final': '0-3,7'},"
    "  'landlock': {"
    "   'ruleset': {'handledAccessFS': ['execute', 'write_file', 'read_file', 'read_dir',"
    "     'remove_dir', 'remove_file', 'make_char', 'make_dir', 'make_reg', 'make_sock',"
    "     'make_fifo', 'make_block', 'make_sym', 'refer', 'truncate', 'ioctl_dev', 65536],"
    "    'handledAccessNetwork': ['bind_tcp', 'connect_tcp']},"
    "   'rules': {'pathBeneath': [{'allowedAccess': ['execute', 'read_file', 'read_dir'],"
    "      'paths': ['/usr', '/bin']}],"
    "    'netPort': [{'allowedAccess': ['connect_tcp'], 'ports': [443, 0, 65535]}]},"
    "   'disableBestEffort': true}},"
    " 'hooks': {"
    "  'prestart': [{'path': '/usr/bin/pre'}],"
    "  'createRuntime': [{'path': '/usr/bin/net', 'args': ['net', 'up'], 'env': ['X=1'],"
    "    'timeout': 30}],"
    "  'createContainer': [{'path': '/bin/cc'}], 'startContainer': [{'path': '/bin/sc'}],"
    "  'poststart': [{'path': '/bin/ps'}], 'poststop': [{'path': '/bin/pst'}, {'path': '/x'}]},"
    " 'linux': {"
    "  'namespaces': [{'type': 'pid'}, {'type': 'network', 'path': '/run/netns/n1'},"
    "   {'type': 'mount'}, {'type': 'ipc'}, {'type': 'uts'}, {'type': 'user'},"
    "   {'type': 'cgroup'}, {'type': 'time'}],"
    "  'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}],"
    "  'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}],"
    "  'timeOffsets': {'monotonic': {'secs': -3600, 'nanosecs': 5},"
    "   'boottime': {'secs': 86400}},"
    "  'devices': [{'type': 'c', 'path': '/dev/fuse', 'major': 10, 'minor': 229,"
    "    'fileMode': 438, 'uid': 0, 'gid': 0}, {'type': 'p', 'path': '/dev/fifo'}],"
    "  'cgroupsPath': 'system.slice:nucleus:c1',"
    "  'resources': {"
    "   'devices': [{'allow': false, 'access': 'rwm'},"
    "    {'allow': true, 'type': 'c', 'major': 10, 'minor': -1, 'access': 'rw'}],"
    "   'memory': {'limit': 536870912, 'reservation': 268435456, 'swap': -1,"
    "    'kernel': 0, 'kernelTCP': 0, 'swappiness': 100, 'disableOOMKiller': false,"
    "    'useHierarchy': true, 'checkBeforeUpdate': true},"
    "   'cpu': {'shares': 1024, 'quota': -1, 'burst': 1000, 'period': 100000,"
    "    'realtimeRuntime': 950000, 'realtimePeriod': 1000000, 'cpus': '0-3',"
    "    'mems': '0', 'idle': 1},"
    "   'pids': {'limit': 100},"
    "   'blockIO': {'weight': 500, 'leafWeight': 300,"
    "    'weightDevice': [{'major': 8, 'minor': 0, 'weight': 600, 'leafWeight': 100}],"
    "    'throttleReadBpsDevice': [{'major': 8, 'minor': 0, 'rate': 1048576}],"
    "    'throttleWriteBpsDevice': [{'major': 8, 'minor': 0, 'rate': 2097152}],"
    "    'throttleReadIOPSDevice': [{'major': 8, 'minor': 0, 'rate': 100}],"
    "    'throttleWriteIOPSDevice': [{'major': 8, 'minor': 0, 'rate': 200}]},"
    "   'hugepageLimits': [{'pageSize': '2MB', 'limit': 209715200}],"
    "   'network': {'classID': 1048577, 'priorities': [{'name': 'eth0', 'priority': 500}]},"
    "   'rdma': {'mlx5_1': {'hcaHandles': 3, 'hcaObjects': 10000}},"
    "   'unified': {'memory.high': '1073741824', 'io.weight': 'default 100'}},"
    "  'rootfsPropagation': 'rslave',"
    "  'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,"
    "   'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_AARCH64'],"
    "   'flags': ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],"
    "   'listenerPath': '/run/seccomp.sock', 'listenerMetadata': 'meta',"
    "   'syscalls': [{'names': ['read', 'write'], 'action': 'SCMP_ACT_ALLOW'},"
    "    {'names': ['personality'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38,"
    "     'args': [{'index': 0, 'value': 18446744073709551615, 'valueTwo': 4,"
    "      'op': 'SCMP_CMP_MASKED_EQ'}, {'index': 5, 'value': 0, 'op': 'SCMP_CMP_NE'}]}]},"
    "  'sysctl': {'net.ipv4.ip_forward': '1'},"
    "  'maskedPaths': ['/proc/kcore'], 'readonlyPaths': ['/proc/sys'],"
    "  'mountLabel': 'system_u:object_r:c:s0',"
    "  'personality': {'domain': 'LINUX32', 'flags': []},"
    "  'intelRdt': {'closID': 'guaranteed', 'l3CacheSchema': 'L3:0=7f0',"
    "   'memBwSchema': 'MB:0=20', 'schemata': ['L2:0=ff'], 'enableMonitoring': true},"
    "  'memoryPolicy': {'mode': 'MPOL_INTERLEAVE', 'nodes': '0-1',"
    "   'flags': ['MPOL_F_STATIC_NODES']},"
    "  'netDevices': {'eth1': {'name': 'net1'}, 'eth2': {}}}}";

static void test_full_config(void)
{
	struct oci_config *cfg = config_ok("every field", full_config);
	struct oci_process *p;
	struct oci_linux *l;
	struct oci_resources *res;

	if (!cfg)
		return;
	p = cfg->process;
	l = &cfg->linux_;
	res = &l->resources;
	ok(strcmp(cfg->oci_version, "1.3.0") == 0 &&
	       strcmp(cfg->root.path, "/var/lib/c1/rootfs") == 0 &&
	       strcmp(cfg->hostname, "c1") == 0 && strcmp(cfg->domainname, "example.org") == 0,
	   "full: top level strings");
	ok(cfg->annotations.len == 2 &&
	       strcmp(cfg->annotations.items[0].key, "org.example.key") == 0 &&
	       strcmp(cfg->annotations.items[1].value, "") == 0,
	   "full: annotations");
	ok(cfg->n_mounts == 2 && cfg->mounts[0].options.len == 3 &&
	       cfg->mounts[0].n_uid_mappings == 1 &&
	       cfg->mounts[0].uid_mappings[0].host_id == 100000 &&
	       cfg->mounts[0].gid_mappings[0].host_id == 200000 &&
	       strcmp(cfg->mounts[1].destination, "/a/../b") == 0,
	   "full: mounts");
	ok(p && p->terminal && p->console_size.present && p->console_size.height == 25 &&
	       p->console_size.width == 80,
	   "full: terminal and consoleSize");
	ok(p->user.uid == 1000 && p->user.has_umask && p->user.umask == 18 &&
	       p->user.n_additional_gids == 2 && p->user.additional_gids[1] == 4294967295U,
	   "full: user");
	ok(p->args.len == 2 && strcmp(p->cwd, "/work") == 0 && p->env.len == 1, "full: args/cwd");
	ok(p->capabilities.present && p->capabilities.bounding.len == 1 &&
	       p->capabilities.ambient.len == 0,
	   "full: capabilities");
	ok(p->n_rlimits == 2 && p->rlimits[0].resource == RLIMIT_NOFILE &&
	       p->rlimits[0].hard == 4096 && p->rlimits[1].resource == RLIMIT_CORE &&
	       p->rlimits[1].soft == UINT64_MAX,
	   "full: rlimits resolved");
	ok(p->no_new_privileges && p->has_oom_score_adj && p->oom_score_adj == -1000,
	   "full: noNewPrivileges, oomScoreAdj");
	ok(p->scheduler.present && p->scheduler.policy_value == 6 && p->scheduler.has_nice &&
	       p->scheduler.nice == -5 && p->scheduler.flags_value == 0x3 &&
	       p->scheduler.period == 30000000,
	   "full: scheduler");
	ok(p->io_priority.present && p->io_priority.klass_value == 2 &&
	       p->io_priority.priority == 7,
	   "full: ioPriority");
	ok(strcmp(p->exec_cpu_affinity.final, "0-3,7") == 0, "full: execCPUAffinity");
	ok(p->landlock.present && p->landlock.handled_access_fs == 0x1ffff &&
	       p->landlock.handled_access_net == 3 && p->landlock.n_path_beneath == 1 &&
	       p->landlock.path_beneath[0].allowed_access == (1 | 4 | 8) &&
	       p->landlock.n_net_port == 1 && p->landlock.net_port[0].n_ports == 3 &&
	       p->landlock.net_port[0].ports[2] == 65535 && p->landlock.disable_best_effort,
	   "full: landlock");
	ok(cfg->hooks.prestart.len == 1 && cfg->hooks.create_runtime.items[0].has_timeout &&
	       cfg->hooks.create_runtime.items[0].timeout == 30 &&
	       cfg->hooks.create_runtime.items[0].args.len == 2 && cfg->hooks.poststop.len == 2,
	   "full: hooks");
	ok(l->present && l->n_namespaces == 8 && l->namespaces[1].type == OCI_NS_NETWORK &&
	       strcmp(l->namespaces[1].path, "/run/netns/n1") == 0 &&
	       l->namespaces[7].type == OCI_NS_TIME,
	   "full: namespaces");
	ok(l->n_time_offsets == 2 && strcmp(l->time_offsets[0].clock, "monotonic") == 0 &&
	       l->time_offsets[0].secs == -3600 && l->time_offsets[0].nanosecs == 5 &&
	       l->time_offsets[1].clock_id == 7,
	   "full: timeOffsets");
	ok(l->n_devices == 2 && l->devices[0].type == 'c' && l->devices[0].major == 10 &&
	       l->devices[0].has_file_mode && l->devices[0].file_mode == 438 &&
	       l->devices[1].type == 'p',
	   "full: devices");
	ok(res->present && res->n_devices == 2 && res->devices[0].type == 'a' &&
	       !res->devices[0].allow && res->devices[1].minor == -1 &&
	       strcmp(res->devices[1].access, "rw") == 0,
	   "full: device cgroup rules");
	ok(res->memory.has_limit && res->memory.limit == 536870912 && res->memory.swap == -1 &&
	       res->memory.swappiness == 100 && res->memory.has_check_before_update,
	   "full: memory");
	ok(res->cpu.shares == 1024 && res->cpu.quota == -1 && res->cpu.has_burst &&
	       strcmp(res->cpu.cpus, "0-3") == 0 && res->cpu.has_idle,
	   "full: cpu");
	ok(res->pids.has_limit && res->pids.limit == 100, "full: pids");
	ok(res->blkio.weight == 500 && res->blkio.n_weight_device == 1 &&
	       res->blkio.weight_device[0].weight == 600 &&
	       res->blkio.throttle_write_iops.len == 1 &&
	       res->blkio.throttle_write_iops.items[0].rate == 200,
	   "full: blockIO");
	ok(res->n_hugepage_limits == 1 && strcmp(res->hugepage_limits[0].page_size, "2MB") == 0 &&
	       res->network.class_id == 1048577 && res->network.priorities[0].priority == 500 &&
	       res->n_rdma == 1 && strcmp(res->rdma[0].device, "mlx5_1") == 0 &&
	       res->rdma[0].hca_objects == 10000 && res->unified.len == 2,
	   "full: hugepages, network, rdma, unified");
	ok(strcmp(l->rootfs_propagation, "rslave") == 0 &&
	       l->rootfs_propagation_flags == ((1UL << 19) | (1UL << 14)),
	   "full: rootfsPropagation");
	ok(l->seccomp && l->seccomp->default_action == OCI_SCMP_ACT_ERRNO &&
	       l->seccomp->default_errno_ret == 1 && l->seccomp->architectures.len == 3 &&
	       l->seccomp->flags_value == (2 | 32) && l->seccomp->n_syscalls == 2 &&
	       l->seccomp->syscalls[1].has_errno_ret && l->seccomp->syscalls[1].errno_ret == 38 &&
	       l->seccomp->syscalls[1].args[0].value == UINT64_MAX &&
	       l->seccomp->syscalls[1].args[0].op == OCI_SCMP_CMP_MASKED_EQ &&
	       l->seccomp->syscalls[1].args[1].index == 5,
	   "full: seccomp");
	ok(l->sysctl.len == 1 && l->masked_paths.len == 1 &&
	       strcmp(l->mount_label, "system_u:object_r:c:s0") == 0,
	   "full: sysctl, masked paths, mount label");
	ok(l->personality && l->personality->domain_value == 8 && l->intel_rdt &&
	       l->intel_rdt->enable_monitoring && l->intel_rdt->schemata.len == 1 &&
	       l->memory_policy && l->memory_policy->mode_value == 3 &&
	       l->memory_policy->flags_value == (1U << 15),
	   "full: personality, intelRdt, memoryPolicy");
	ok(l->n_net_devices == 2 && strcmp(l->net_devices[0].name, "net1") == 0 &&
	       strcmp(l->net_devices[1].name, "eth2") == 0,
	   "full: netDevices");
	oci_config_free(cfg);
}

static void test_valid(void)
{
	struct oci_config *cfg;

	cfg = config_ok("minimal", "{'ociVersion': '1.3.0'}");
	ok(cfg && !cfg->process && !cfg->root.path && !cfg->linux_.present,
	   "minimal: absent sections stay empty");
	oci_config_free(cfg);

	cfg = config_ok("runc spec default", runc_default);
	ok(cfg && cfg->n_mounts == 7 && cfg->linux_.n_namespaces == 6 &&
	       cfg->process->n_rlimits == 1 && cfg->root.readonly &&
	       cfg->linux_.resources.devices[0].type == 'a',
	   "runc default: contents");
	oci_config_free(cfg);

	test_full_config();

	cfg = config_ok("unknown fields ignored",
	                PROC("'futureField': {'x': 1}, 'user': {'uid': 1, 'newThing': true}"));
	ok(cfg && cfg->process->user.uid == 1, "unknown fields: known ones still read");
	oci_config_free(cfg);

	cfg = config_ok("duplicate key: the last wins", DOC("'hostname': 'a', 'hostname': 'b'"));
	ok(cfg && strcmp(cfg->hostname, "b") == 0, "duplicate key: value of the last one");
	oci_config_free(cfg);

	cfg = config_ok("empty mounts array", DOC("'mounts': []"));
	ok(cfg && cfg->n_mounts == 0 && !cfg->mounts, "empty mounts: len 0, items NULL");
	oci_config_free(cfg);

	cfg = config_ok("null optional fields",
	                DOC("'hostname': null, 'process': null, 'linux': null"));
	ok(cfg && !cfg->hostname && !cfg->process && !cfg->linux_.present, "null means absent");
	oci_config_free(cfg);

	cfg = config_ok("uid 4294967295", PROC("'user': {'uid': 4294967295, 'gid': 0}"));
	ok(cfg && cfg->process->user.uid == 4294967295U, "uid at the top of the range");
	oci_config_free(cfg);

	cfg = config_ok("landlock raw bit mask",
	                PROC("'landlock': {'ruleset': {'handledAccessFS': [1048576]}}"));
	ok(cfg && cfg->process->landlock.handled_access_fs == 1048576,
	   "landlock number taken as bits");
	oci_config_free(cfg);

	cfg = config_ok("device cgroup rule defaults", RES("'devices': [{'allow': true}]"));
	ok(cfg && cfg->linux_.resources.devices[0].type == 'a' &&
	       !cfg->linux_.resources.devices[0].access &&
	       !cfg->linux_.resources.devices[0].has_major,
	   "device rule: type a, access NULL");
	oci_config_free(cfg);
}

static void test_invalid(void)
{
	config_err("broken JSON", "{'ociVersion': '1.3.0',", "config.json:1:23: invalid JSON");
	config_err("not an object", "[1, 2]", "config.json: expected a JSON object");
	config_err("empty document", "",
	           "config.json:1:1: invalid JSON: parse error: premature EOF");
	/* syntax errors name the line and the column of the byte yajl stopped on */
	config_err("misspelled literal",
	           "{\n  'ociVersion': '1.3.0',\n  'process': {\n    'terminal': flase\n  }\n}\n",
	           "config.json:4:17: invalid JSON: lexical error: invalid string in json text.");
	config_err("extra bracket", "{\n  'a': [1, 2]]\n}",
	           "config.json:2:13: invalid JSON: parse error:");
	/* regression: yajl decodes \u0000 into a NUL that cut the string short */
	config_err("\\u0000 in a string", PROC("'env': ['A=b\\u0000c']"),
	           "config.json: invalid JSON: a string contains \\u0000");
	config_err("\\u0000 in a key", DOC("'x\\u0000': 1"), "a string contains \\u0000");
	/* regression: cgroupsPath is joined under the cgroup mounts */
	config_err("cgroupsPath with ..", LINUX("'cgroupsPath': '/a/../../b'"),
	           "config.json: linux.cgroupsPath: \"/a/../../b\": must not contain \"..\"");
	config_err("cgroupsPath ..", LINUX("'cgroupsPath': '..'"), "must not contain");
	oci_config_free(
	    config_ok("an escaped backslash before u0000 is text", PROC("'env': ['A=\\\\u0000']")));
	oci_config_free(
	    config_ok("dots inside cgroupsPath names", LINUX("'cgroupsPath': '/a..b/..c/d..'")));
	config_err("missing ociVersion", "{'root': {'path': 'rootfs'}}",
	           "config.json: ociVersion: required field missing");
	config_err("ociVersion a number", "{'ociVersion': 1}",
	           "config.json: ociVersion: expected a string");
	config_err("root.path missing", "{'ociVersion': '1.3.0', 'root': {}}",
	           "config.json: root.path: required field missing");
	config_err("root not an object", "{'ociVersion': '1.3.0', 'root': 'rootfs'}",
	           "config.json: root: expected an object");
	config_err("root.readonly a string",
	           "{'ociVersion': '1.3.0', 'root': {'path': 'r', 'readonly': 'yes'}}",
	           "config.json: root.readonly: expected a boolean");
	config_err("args not an array", DOC("'process': {'args': 'sh', 'cwd': '/'}"),
	           "config.json: process.args: expected an array of strings");
	config_err("args with a number", DOC("'process': {'args': ['sh', 1], 'cwd': '/'}"),
	           "config.json: process.args: expected an array of strings");
	config_err("empty args", DOC("'process': {'args': [], 'cwd': '/'}"),
	           "config.json: process.args: must not be empty");
	config_err("missing args", DOC("'process': {'cwd': '/'}"),
	           "config.json: process.args: required field missing");
	config_err("relative cwd", DOC("'process': {'args': ['sh'], 'cwd': 'tmp'}"),
	           "config.json: process.cwd: must be an absolute path");
	config_err("missing cwd", DOC("'process': {'args': ['sh']}"),
	           "config.json: process.cwd: required field missing");
	config_err("terminal a string", PROC("'terminal': 'yes'"),
	           "config.json: process.terminal: expected a boolean");
	config_err("env not strings", PROC("'env': [{'A': 1}]"),
	           "config.json: process.env: expected an array of strings");
	config_err("negative uid", PROC("'user': {'uid': -1, 'gid': 0}"),
	           "config.json: process.user.uid: -1 out of range (0-4294967295)");
	config_err("uid above 2^32-1", PROC("'user': {'uid': 4294967296, 'gid': 0}"),
	           "config.json: process.user.uid: 4294967296 out of range (0-4294967295)");
	config_err("uid a float", PROC("'user': {'uid': 1.5}"),
	           "config.json: process.user.uid: expected an integer");
	config_err("additionalGids negative", PROC("'user': {'additionalGids': [1, -2]}"),
	           "config.json: process.user.additionalGids[1]: -2 out of range (0-4294967295)");
	config_err("consoleSize missing width", PROC("'consoleSize': {'height': 10}"),
	           "config.json: process.consoleSize.width: required field missing");
	config_err("oomScoreAdj 1001", PROC("'oomScoreAdj': 1001"),
	           "config.json: process.oomScoreAdj: 1001 out of range (-1000-1000)");
	config_err("rlimit unknown type",
	           PROC("'rlimits': [{'type': 'RLIMIT_FOO', 'soft': 1, 'hard': 1}]"),
	           "config.json: process.rlimits[0].type: invalid value \"RLIMIT_FOO\" (expected "
	           "one of RLIMIT_AS");
	config_err("rlimit duplicate",
	           PROC("'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1},"
	                " {'type': 'RLIMIT_NOFILE', 'soft': 2, 'hard': 2}]"),
	           "config.json: process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"");
	config_err("rlimit missing hard", PROC("'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1}]"),
	           "config.json: process.rlimits[0].hard: required field missing");
	config_err("scheduler bad policy", PROC("'scheduler': {'policy': 'SCHED_FAST'}"),
	           "config.json: process.scheduler.policy: invalid value \"SCHED_FAST\"");
	config_err("scheduler bad flag",
	           PROC("'scheduler': {'policy': 'SCHED_OTHER', 'flags': ['SCHED_FLAG_X']}"),
	           "config.json: process.scheduler.flags[0]: invalid value \"SCHED_FLAG_X\"");
	config_err("ioPriority bad class",
	           PROC("'ioPriority': {'class': 'IOPRIO_CLASS_NONE', 'priority': 0}"),
	           "config.json: process.ioPriority.class: invalid value \"IOPRIO_CLASS_NONE\" "
	           "(expected one of IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE)");
	config_err("ioPriority priority 8",
	           PROC("'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 8}"),
	           "config.json: process.ioPriority.priority: 8 out of range (0-7)");
	config_err("landlock bad fs right",
	           PROC("'landlock': {'ruleset': {'handledAccessFS': ['execute', 'fly']}}"),
	           "config.json: process.landlock.ruleset.handledAccessFS[1]: invalid value "
	           "\"fly\" (expected one of execute, write_file");
	config_err("landlock bad net right",
	           PROC("'landlock': {'rules': {'netPort': [{'allowedAccess': ['bind_udp'], "
	                "'ports': [53]}]}}"),
	           "config.json: process.landlock.rules.netPort[0].allowedAccess[0]: invalid value "
	           "\"bind_udp\"");
	config_err("landlock port too big",
	           PROC("'landlock': {'rules': {'netPort': [{'allowedAccess': ['bind_tcp'], "
	                "'ports': [65536]}]}}"),
	           "config.json: process.landlock.rules.netPort[0].ports[0]: 65536 out of range "
	           "(0-65535)");
	config_err("mount relative destination",
	           DOC("'mounts': [{'destination': '/a'}, {'destination': '/b'}, {'destination': "
	               "'proc'}]"),
	           "config.json: mounts[2].destination: must be an absolute path");
	config_err("mount empty destination", DOC("'mounts': [{'destination': ''}]"),
	           "config.json: mounts[0].destination: must not be empty");
	config_err("mount missing destination", DOC("'mounts': [{'type': 'proc'}]"),
	           "config.json: mounts[0].destination: required field missing");
	config_err("mount not an object", DOC("'mounts': ['/proc']"),
	           "config.json: mounts[0]: expected an object");
	config_err("mounts not an array", DOC("'mounts': {}"),
	           "config.json: mounts: expected an array");
	config_err("mount options not strings",
	           DOC("'mounts': [{'destination': '/x', 'options': [1]}]"),
	           "config.json: mounts[0].options: expected an array of strings");
	config_err("mount uidMappings size missing",
	           DOC("'mounts': [{'destination': '/x', 'uidMappings': [{'containerID': 0, "
	               "'hostID': 1}]}]"),
	           "config.json: mounts[0].uidMappings[0].size: required field missing");
	config_err("bad namespace type", LINUX("'namespaces': [{'type': 'pid'}, {'type': 'foo'}]"),
	           "config.json: linux.namespaces[1].type: invalid value \"foo\" (expected one of "
	           "pid, network, mount, ipc, uts, user, cgroup, time)");
	config_err("duplicate namespace", LINUX("'namespaces': [{'type': 'pid'}, {'type': 'pid'}]"),
	           "config.json: linux.namespaces[1].type: duplicate namespace type \"pid\"");
	config_err("namespace relative path", LINUX("'namespaces': [{'type': 'net', 'path': 'x'}]"),
	           "config.json: linux.namespaces[0].type: invalid value \"net\"");
	config_err("namespace path relative",
	           LINUX("'namespaces': [{'type': 'network', 'path': 'netns'}]"),
	           "config.json: linux.namespaces[0].path: must be an absolute path");
	config_err("uidMappings hostID negative",
	           LINUX("'uidMappings': [{'containerID': 0, 'hostID': -5, 'size': 1}]"),
	           "config.json: linux.uidMappings[0].hostID: -5 out of range (0-4294967295)");
	config_err("timeOffsets bad clock", LINUX("'timeOffsets': {'realtime': {'secs': 1}}"),
	           "config.json: linux.timeOffsets.realtime: invalid clock (expected one of "
	           "monotonic, boottime)");
	config_err(
	    "bad device type", LINUX("'devices': [{'type': 'x', 'path': '/dev/x'}]"),
	    "config.json: linux.devices[0].type: invalid value \"x\" (expected one of c, b, u, p)");
	config_err("char device without major",
	           LINUX("'devices': [{'type': 'c', 'path': '/dev/x', 'minor': 1}]"),
	           "config.json: linux.devices[0].major: required field missing");
	config_err("device relative path", LINUX("'devices': [{'type': 'p', 'path': 'dev/x'}]"),
	           "config.json: linux.devices[0].path: must be an absolute path");
	config_err("rootfsPropagation bad", LINUX("'rootfsPropagation': 'recursive'"),
	           "config.json: linux.rootfsPropagation: invalid value \"recursive\" (expected "
	           "one of private, shared, slave");
	config_err("sysctl value not a string", LINUX("'sysctl': {'net.ipv4.ip_forward': 1}"),
	           "config.json: linux.sysctl.net.ipv4.ip_forward: expected a string");
	config_err("annotations value not a string", DOC("'annotations': {'a': true}"),
	           "config.json: annotations.a: expected a string");
	config_err("personality bad domain", LINUX("'personality': {'domain': 'BSD'}"),
	           "config.json: linux.personality.domain: invalid value \"BSD\" (expected one of "
	           "LINUX, LINUX32)");
	config_err("memoryPolicy bad mode", LINUX("'memoryPolicy': {'mode': 'MPOL_FAST'}"),
	           "config.json: linux.memoryPolicy.mode: invalid value \"MPOL_FAST\"");
	config_err("memoryPolicy bad flag",
	           LINUX("'memoryPolicy': {'mode': 'MPOL_BIND', 'flags': ['MPOL_F_X']}"),
	           "config.json: linux.memoryPolicy.flags[0]: invalid value \"MPOL_F_X\"");
	config_err("swappiness 101", RES("'memory': {'swappiness': 101}"),
	           "config.json: linux.resources.memory.swappiness: 101 out of range (0-100)");
	config_err("memory limit a string", RES("'memory': {'limit': '1G'}"),
	           "config.json: linux.resources.memory.limit: expected an integer");
	config_err(
	    "cpu shares negative", RES("'cpu': {'shares': -2}"),
	    "config.json: linux.resources.cpu.shares: -2 out of range (0-18446744073709551615)");
	config_err("device rule bad type", RES("'devices': [{'allow': true, 'type': 'u'}]"),
	           "config.json: linux.resources.devices[0].type: invalid value \"u\" (expected "
	           "one of a, c, b)");
	config_err("device rule bad access", RES("'devices': [{'allow': true, 'access': 'rwx'}]"),
	           "config.json: linux.resources.devices[0].access: invalid value \"rwx\" "
	           "(expected a subset of rwm)");
	config_err("device rule allow missing", RES("'devices': [{'access': 'r'}]"),
	           "config.json: linux.resources.devices[0].allow: required field missing");
	config_err("blkio weight above uint16", RES("'blockIO': {'weight': 70000}"),
	           "config.json: linux.resources.blockIO.weight: 70000 out of range (0-65535)");
	config_err("throttle rate missing",
	           RES("'blockIO': {'throttleReadBpsDevice': [{'major': 8, 'minor': 0}]}"),
	           "config.json: linux.resources.blockIO.throttleReadBpsDevice[0].rate: required "
	           "field missing");
	config_err(
	    "hugepage limit missing pageSize", RES("'hugepageLimits': [{'limit': 1}]"),
	    "config.json: linux.resources.hugepageLimits[0].pageSize: required field missing");
	config_err(
	    "rdma hcaHandles negative", RES("'rdma': {'mlx': {'hcaHandles': -1}}"),
	    "config.json: linux.resources.rdma.mlx.hcaHandles: -1 out of range (0-4294967295)");
	config_err("unified value not a string", RES("'unified': {'memory.max': 5}"),
	           "config.json: linux.resources.unified.memory.max: expected a string");
	config_err("seccomp missing defaultAction", LINUX("'seccomp': {}"),
	           "config.json: linux.seccomp.defaultAction: required field missing");
	config_err("seccomp bad action",
	           SECCOMP("'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_MAYBE'}]"),
	           "config.json: linux.seccomp.syscalls[0].action: invalid value "
	           "\"SCMP_ACT_MAYBE\" (expected one of SCMP_ACT_KILL");
	config_err(
	    "seccomp bad op",
	    SECCOMP("'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ALLOW',"
	            " 'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_ALMOST'}]}]"),
	    "config.json: linux.seccomp.syscalls[0].args[0].op: invalid value \"SCMP_CMP_ALMOST\"");
	config_err("seccomp arg index 6",
	           SECCOMP("'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ALLOW'},"
	                   " {'names': ['write'], 'action': 'SCMP_ACT_ALLOW',"
	                   " 'args': [{'index': 6, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]"),
	           "config.json: linux.seccomp.syscalls[1].args[0].index: 6 out of range (0-5)");
	config_err("seccomp bad arch",
	           SECCOMP("'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_Z80']"),
	           "config.json: linux.seccomp.architectures[1]: invalid value \"SCMP_ARCH_Z80\"");
	config_err(
	    "seccomp bad flag", SECCOMP("'flags': ['SECCOMP_FILTER_FLAG_FAST']"),
	    "config.json: linux.seccomp.flags[0]: invalid value \"SECCOMP_FILTER_FLAG_FAST\"");
	config_err("seccomp syscall without names",
	           SECCOMP("'syscalls': [{'action': 'SCMP_ACT_ALLOW'}]"),
	           "config.json: linux.seccomp.syscalls[0].names: required field missing");
	config_err(
	    "seccomp value above uint64",
	    SECCOMP(
	        "'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ALLOW',"
	        " 'args': [{'index': 0, 'value': 18446744073709551616, 'op': 'SCMP_CMP_EQ'}]}]"),
	    "config.json: linux.seccomp.syscalls[0].args[0].value: 18446744073709551616 out of "
	    "range");
	config_err("hook relative path", DOC("'hooks': {'prestart': [{'path': 'hook.sh'}]}"),
	           "config.json: hooks.prestart[0].path: must be an absolute path");
	config_err("hook timeout 0",
	           DOC("'hooks': {'poststop': [{'path': '/bin/true', 'timeout': 0}]}"),
	           "config.json: hooks.poststop[0].timeout: 0 out of range (1-2147483647)");
	config_err("hook missing path", DOC("'hooks': {'createRuntime': [{'args': []}]}"),
	           "config.json: hooks.createRuntime[0].path: required field missing");
	config_err("hooks not an object", DOC("'hooks': []"),
	           "config.json: hooks: expected an object");
	config_err("linux not an object", DOC("'linux': true"),
	           "config.json: linux: expected an object");
}

static void test_process_and_resources(void)
{
	struct spec_error err = {{0}};
	struct oci_process *p = NULL;
	struct oci_resources *res = NULL;
	char *s;
	int r;

	s = json("{'args': ['ls', '-l'], 'cwd': '/tmp', 'env': ['X=1'], 'terminal': false}");
	r = oci_process_parse(s, strlen(s), "process.json", &p, &err);
	ok(r == 0 && p && p->args.len == 2 && strcmp(p->cwd, "/tmp") == 0, "process.json: valid");
	oci_process_free(p);
	p = NULL;
	free(s);

	s = json("{'args': ['ls'], 'cwd': 'relative'}");
	r = oci_process_parse(s, strlen(s), "process.json", &p, &err);
	ok(r == -EINVAL && !p &&
	       strcmp(err.msg, "process.json: cwd: must be an absolute path") == 0,
	   "process.json: path is relative to the document");
	free(s);

	s = json("{'memory': {'limit': 1048576, 'swap': 2097152}, 'pids': {'limit': 10},"
	         " 'cpu': {'cpus': '1'}}");
	r = oci_resources_parse(s, strlen(s), "resources.json", &res, &err);
	ok(r == 0 && res && res->memory.has_limit && res->memory.limit == 1048576 &&
	       res->pids.limit == 10 && strcmp(res->cpu.cpus, "1") == 0 && !res->blkio.present,
	   "resources.json: valid");
	oci_resources_free(res);
	res = NULL;
	free(s);

	s = json("{'memory': {'swappiness': 200}}");
	r = oci_resources_parse(s, strlen(s), "resources.json", &res, &err);
	ok(r == -EINVAL && !res &&
	       strcmp(err.msg, "resources.json: memory.swappiness: 200 out of range (0-100)") == 0,
	   "resources.json: invalid");
	free(s);

	/* free functions take NULL */
	oci_process_free(NULL);
	oci_resources_free(NULL);
	oci_config_free(NULL);
	oci_state_free(NULL);
	ok(true, "free functions accept NULL");
}

static void test_state(void)
{
	struct oci_kv ann[] = {{(char *)"k", (char *)"v"}};
	struct oci_state st = {
	    .oci_version = (char *)"1.3.0",
	    .id = (char *)"c1",
	    .status = (char *)"running",
	    .pid = 4242,
	    .bundle = (char *)"/bundles/c1",
	    .annotations = {ann, 1},
	    .pid_start_time = 123456789012ULL,
	    .created = (char *)"2024-05-01T10:00:00.123456789Z",
	    .rootfs = (char *)"/bundles/c1/rootfs",
	    .cgroup_path = (char *)"/sys/fs/cgroup/nucleus/c1",
	    .owner = (char *)"root",
	    .systemd_cgroup = true,
	};
	struct spec_error err = {{0}};
	struct oci_state *back = NULL;
	char *out = NULL;
	size_t len = 0;
	int r;

	r = oci_state_emit(&st, &out, &len);
	ok(r == 0 && out && len == strlen(out) && !strchr(out, '\n') &&
	       strstr(out, "\"nucleus\":{"),
	   "state: private emit is compact and has the nucleus section");
	r = oci_state_parse(out, len, "state.json", &back, &err);
	ok(r == 0 && back && strcmp(back->id, "c1") == 0 && strcmp(back->status, "running") == 0 &&
	       back->pid == 4242 && strcmp(back->bundle, "/bundles/c1") == 0 &&
	       back->annotations.len == 1 && strcmp(back->annotations.items[0].value, "v") == 0 &&
	       back->pid_start_time == 123456789012ULL && strcmp(back->created, st.created) == 0 &&
	       strcmp(back->rootfs, st.rootfs) == 0 &&
	       strcmp(back->cgroup_path, st.cgroup_path) == 0 && strcmp(back->owner, "root") == 0 &&
	       back->systemd_cgroup,
	   "state: round trip keeps every field");
	oci_state_free(back);
	back = NULL;
	free(out);
	out = NULL;

	r = oci_state_emit_public(&st, &out, &len);
	ok(r == 0 && out && strchr(out, '\n') && strstr(out, "\"ociVersion\": \"1.3.0\"") &&
	       strstr(out, "\"pid\": 4242") && !strstr(out, "nucleus") && !strstr(out, "owner"),
	   "state: public emit is indented and has only OCI fields");
	r = oci_state_parse(out, len, "state.json", &back, &err);
	ok(r == 0 && back && back->pid == 4242 && !back->rootfs && !back->systemd_cgroup,
	   "state: public document parses back");
	oci_state_free(back);
	back = NULL;
	free(out);
	out = NULL;

	/* regression (found by fuzzing): a start time above INT64_MAX came back
	 * negative from the emitter and the state no longer parsed */
	st.pid_start_time = 16444414444444444474ULL;
	r = oci_state_emit(&st, &out, &len);
	ok(r == 0 && strstr(out, "\"pidStartTime\":16444414444444444474"),
	   "state: pidStartTime above INT64_MAX is emitted unsigned");
	r = oci_state_parse(out, len, "state.json", &back, &err);
	ok(r == 0 && back && back->pid_start_time == 16444414444444444474ULL,
	   "state: pidStartTime above INT64_MAX round trips");
	oci_state_free(back);
	back = NULL;
	free(out);
	out = NULL;

	st.annotations.len = 0;
	st.annotations.items = NULL;
	st.pid = 0;
	st.status = (char *)"stopped";
	r = oci_state_emit_public(&st, &out, &len);
	ok(r == 0 && !strstr(out, "annotations") && strstr(out, "\"status\": \"stopped\""),
	   "state: no annotations key when there are none");
	free(out);

	{
		char *s =
		    json("{'ociVersion': '1.3.0', 'id': 'c1', 'status': 'created', 'pid': -4}");

		r = oci_state_parse(s, strlen(s), "state.json", &back, &err);
		ok(r == -EINVAL && strstr(err.msg, "state.json: pid: -4 out of range"),
		   "state: negative pid rejected");
		free(s);
		s = json("{'ociVersion': '1.3.0', 'status': 'created'}");
		r = oci_state_parse(s, strlen(s), "state.json", &back, &err);
		ok(r == -EINVAL && strstr(err.msg, "state.json: id: required field missing"),
		   "state: id required");
		free(s);
	}
}

static void test_names(void)
{
	uint64_t bit = 0;
	int i, good = 1;

	for (i = 0; i < OCI_NS_COUNT; i++)
		if (oci_ns_type_from_name(oci_ns_type_name((enum oci_ns_type)i)) != i)
			good = 0;
	ok(good && oci_ns_type_from_name("net") == -1 && oci_ns_type_name(OCI_NS_COUNT) == NULL,
	   "namespace names round trip");
	ok(oci_landlock_fs_access_from_name("ioctl_dev", &bit) == 0 && bit == (1ULL << 15) &&
	       oci_landlock_fs_access_from_name("bogus", &bit) == -EINVAL,
	   "landlock fs names");
	ok(oci_landlock_net_access_from_name("connect_tcp", &bit) == 0 && bit == 2 &&
	       oci_landlock_net_access_from_name("execute", &bit) == -EINVAL,
	   "landlock net names");
	ok(strcmp(oci_seccomp_arch_libseccomp_name("SCMP_ARCH_X86_64"), "x86_64") == 0 &&
	       strcmp(oci_seccomp_arch_libseccomp_name("SCMP_ARCH_SHEB"), "sheb") == 0 &&
	       !oci_seccomp_arch_libseccomp_name("x86_64"),
	   "seccomp arch names map to libseccomp");
	ok(oci_rlimit_resource_from_name("RLIMIT_RTTIME") == RLIMIT_RTTIME &&
	       oci_rlimit_resource_from_name("NOFILE") == -1,
	   "rlimit names");
}

/* A seccomp profile file: parsed, emitted, parsed again to the same thing. */
static void test_seccomp_profile(void)
{
	char *doc = json("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,"
	                 " 'architectures': ['SCMP_ARCH_X86_64'],"
	                 " 'syscalls': [{'names': ['read', 'write'], 'action': 'SCMP_ACT_ALLOW'},"
	                 "  {'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
	                 "   'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'}]},"
	                 "  {'names': ['kill'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38}]}");
	struct spec_error err = {{0}};
	struct oci_seccomp *a = NULL, *b = NULL, *c = NULL;
	char *out = NULL, *out2 = NULL;
	size_t len = 0, len2 = 0;
	int r;

	r = oci_seccomp_parse(doc, strlen(doc), "p.json", &a, &err);
	ok(r == 0 && a && a->n_syscalls == 3 && a->syscalls[1].n_args == 1 &&
	       a->syscalls[2].errno_ret == 38,
	   "seccomp profile: parsed");
	if (r == 0) {
		r = oci_seccomp_emit(a, &out, &len);
		ok(r == 0 && out && out[len - 1] == '\n', "seccomp profile: emitted");
	}
	if (out && oci_seccomp_parse(out, len, "p.json", &b, &err) == 0) {
		oci_seccomp_emit(b, &out2, &len2);
		ok(len == len2 && !memcmp(out, out2, len) && b->default_errno_ret == 1 &&
		       b->syscalls[1].args[0].value == 8,
		   "seccomp profile: emit and parse round trip");
	} else {
		ok(false, "seccomp profile: emit and parse round trip");
	}
	free(doc);
	doc = json("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['read'], "
	           "'action': 'SCMP_ACT_NOPE'}]}");
	r = oci_seccomp_parse(doc, strlen(doc), "base.json", &c, &err);
	ok(r == -EINVAL && !c &&
	       strstr(err.msg, "base.json: syscalls[0].action: invalid value") != NULL,
	   "seccomp profile: a bad action names the file and the path");
	if (r < 0)
		diag("%s", err.msg);
	free(doc);
	free(out);
	free(out2);
	oci_seccomp_free(a);
	oci_seccomp_free(b);
}

int main(void)
{
	test_seccomp_profile();
	test_valid();
	test_invalid();
	test_process_and_resources();
	test_state();
	test_names();
	printf("1..%d\n", test_count);
	return test_failed ? 1 : 0;
}
