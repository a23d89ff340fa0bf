/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The names the runtime-spec uses for kernel constants (namespaces, rlimits,
 * scheduler policies, seccomp actions, landlock rights, ...) and the values
 * they stand for.  Values are written out here rather than taken from kernel
 * headers so that a config is judged the same way whatever headers we were
 * built against; the headers are checked against them when present.
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "json.h"

/* Same order as enum oci_ns_type. */
const struct spec_name spec_ns_names[] = {
    {"pid", OCI_NS_PID},       {"network", OCI_NS_NETWORK}, {"mount", OCI_NS_MOUNT},
    {"ipc", OCI_NS_IPC},       {"uts", OCI_NS_UTS},         {"user", OCI_NS_USER},
    {"cgroup", OCI_NS_CGROUP}, {"time", OCI_NS_TIME},       {NULL, 0},
};

const struct spec_name spec_rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
    {NULL, 0},
};

/* include/uapi/linux/sched.h */
const struct spec_name spec_sched_policy_names[] = {
    {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},       {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6}, {NULL, 0},
};

const struct spec_name spec_sched_flag_names[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40}, {NULL, 0},
};

/* include/uapi/linux/ioprio.h */
const struct spec_name spec_ioprio_class_names[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
    {NULL, 0},
};

/* include/uapi/linux/landlock.h, LANDLOCK_ACCESS_FS_* */
const struct spec_name spec_landlock_fs_names[] = {
    {"execute", 1ULL << 0},
    {"write_file", 1ULL << 1},
    {"read_file", 1ULL << 2},
    {"read_dir", 1ULL << 3},
    {"remove_dir", 1ULL << 4},
    {"remove_file", 1ULL << 5},
    {"make_char", 1ULL << 6},
    {"make_dir", 1ULL << 7},
    {"make_reg", 1ULL << 8},
    {"make_sock", 1ULL << 9},
    {"make_fifo", 1ULL << 10},
    {"make_block", 1ULL << 11},
    {"make_sym", 1ULL << 12},
    {"refer", 1ULL << 13},
    {"truncate", 1ULL << 14},
    {"ioctl_dev", 1ULL << 15},
    {NULL, 0},
};

/* LANDLOCK_ACCESS_NET_* */
const struct spec_name spec_landlock_net_names[] = {
    {"bind_tcp", 1ULL << 0},
    {"connect_tcp", 1ULL << 1},
    {NULL, 0},
};

#if defined(__has_include)
#if __has_include(<linux/landlock.h>)
#include <linux/landlock.h>
#ifdef LANDLOCK_ACCESS_FS_EXECUTE
_Static_assert(LANDLOCK_ACCESS_FS_EXECUTE == 1ULL << 0, "landlock execute");
_Static_assert(LANDLOCK_ACCESS_FS_MAKE_SYM == 1ULL << 12, "landlock make_sym");
#endif
#ifdef LANDLOCK_ACCESS_FS_REFER
_Static_assert(LANDLOCK_ACCESS_FS_REFER == 1ULL << 13, "landlock refer");
#endif
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
_Static_assert(LANDLOCK_ACCESS_FS_TRUNCATE == 1ULL << 14, "landlock truncate");
#endif
#ifdef LANDLOCK_ACCESS_FS_IOCTL_DEV
_Static_assert(LANDLOCK_ACCESS_FS_IOCTL_DEV == 1ULL << 15, "landlock ioctl_dev");
#endif
#ifdef LANDLOCK_ACCESS_NET_CONNECT_TCP
_Static_assert(LANDLOCK_ACCESS_NET_BIND_TCP == 1ULL << 0, "landlock bind_tcp");
_Static_assert(LANDLOCK_ACCESS_NET_CONNECT_TCP == 1ULL << 1, "landlock connect_tcp");
#endif
#endif
#endif

/* Same order as enum oci_seccomp_action. */
const struct spec_name spec_seccomp_action_names[] = {
    {"SCMP_ACT_KILL", OCI_SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", OCI_SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", OCI_SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", OCI_SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", OCI_SCMP_ACT_ERRNO},
    {"SCMP_ACT_TRACE", OCI_SCMP_ACT_TRACE},
    {"SCMP_ACT_ALLOW", OCI_SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", OCI_SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", OCI_SCMP_ACT_NOTIFY},
    {NULL, 0},
};

const struct spec_name spec_seccomp_op_names[] = {
    {"SCMP_CMP_NE", OCI_SCMP_CMP_NE},
    {"SCMP_CMP_LT", OCI_SCMP_CMP_LT},
    {"SCMP_CMP_LE", OCI_SCMP_CMP_LE},
    {"SCMP_CMP_EQ", OCI_SCMP_CMP_EQ},
    {"SCMP_CMP_GE", OCI_SCMP_CMP_GE},
    {"SCMP_CMP_GT", OCI_SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", OCI_SCMP_CMP_MASKED_EQ},
    {NULL, 0},
};

/* The value is an index into spec_seccomp_arch_lib. */
const struct spec_name spec_seccomp_arch_names[] = {
    {"SCMP_ARCH_X86", 0},      {"SCMP_ARCH_X86_64", 1},       {"SCMP_ARCH_X32", 2},
    {"SCMP_ARCH_ARM", 3},      {"SCMP_ARCH_AARCH64", 4},      {"SCMP_ARCH_MIPS", 5},
    {"SCMP_ARCH_MIPS64", 6},   {"SCMP_ARCH_MIPS64N32", 7},    {"SCMP_ARCH_MIPSEL", 8},
    {"SCMP_ARCH_MIPSEL64", 9}, {"SCMP_ARCH_MIPSEL64N32", 10}, {"SCMP_ARCH_PPC", 11},
    {"SCMP_ARCH_PPC64", 12},   {"SCMP_ARCH_PPC64LE", 13},     {"SCMP_ARCH_S390", 14},
    {"SCMP_ARCH_S390X", 15},   {"SCMP_ARCH_PARISC", 16},      {"SCMP_ARCH_PARISC64", 17},
    {"SCMP_ARCH_RISCV64", 18}, {"SCMP_ARCH_LOONGARCH64", 19}, {"SCMP_ARCH_M68K", 20},
    {"SCMP_ARCH_SH", 21},      {"SCMP_ARCH_SHEB", 22},        {NULL, 0},
};

/* libseccomp's seccomp_arch_resolve_name() spelling of the names above. */
static const char *const spec_seccomp_arch_lib[] = {
    "x86",    "x86_64",   "x32",         "arm",         "aarch64", "mips",    "mips64", "mips64n32",
    "mipsel", "mipsel64", "mipsel64n32", "ppc",         "ppc64",   "ppc64le", "s390",   "s390x",
    "parisc", "parisc64", "riscv64",     "loongarch64", "m68k",    "sh",      "sheb",
};

/* include/uapi/linux/seccomp.h */
const struct spec_name spec_seccomp_flag_names[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", 1 << 0},
    {"SECCOMP_FILTER_FLAG_LOG", 1 << 1},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1 << 2},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1 << 5},
    {NULL, 0},
};

/* mount(2) propagation flags */
const struct spec_name spec_propagation_names[] = {
    {"private", 1 << 18},
    {"shared", 1 << 20},
    {"slave", 1 << 19},
    {"unbindable", 1 << 17},
    {"rprivate", (1 << 18) | (1 << 14)},
    {"rshared", (1 << 20) | (1 << 14)},
    {"rslave", (1 << 19) | (1 << 14)},
    {"runbindable", (1 << 17) | (1 << 14)},
    {NULL, 0},
};

/* include/uapi/linux/mempolicy.h */
const struct spec_name spec_mpol_mode_names[] = {
    {"MPOL_DEFAULT", 0},
    {"MPOL_PREFERRED", 1},
    {"MPOL_BIND", 2},
    {"MPOL_INTERLEAVE", 3},
    {"MPOL_LOCAL", 4},
    {"MPOL_PREFERRED_MANY", 5},
    {"MPOL_WEIGHTED_INTERLEAVE", 6},
    {NULL, 0},
};

const struct spec_name spec_mpol_flag_names[] = {
    {"MPOL_F_NUMA_BALANCING", 1 << 13},
    {"MPOL_F_RELATIVE_NODES", 1 << 14},
    {"MPOL_F_STATIC_NODES", 1 << 15},
    {NULL, 0},
};

/* include/uapi/linux/personality.h */
const struct spec_name spec_personality_names[] = {
    {"LINUX", 0x0000},
    {"LINUX32", 0x0008},
    {NULL, 0},
};

const struct spec_name spec_time_clock_names[] = {
    {"monotonic", 1},
    {"boottime", 7},
    {NULL, 0},
};

int spec_name_lookup(const struct spec_name *table, const char *name, int64_t *value)
{
	for (; table->name; table++) {
		if (strcmp(table->name, name) == 0) {
			*value = table->value;
			return 0;
		}
	}
	return -ENOENT;
}

const char *oci_ns_type_name(enum oci_ns_type t)
{
	if ((int)t < 0 || t >= OCI_NS_COUNT)
		return NULL;
	return spec_ns_names[t].name;
}

int oci_ns_type_from_name(const char *name)
{
	int64_t v;

	if (!name || spec_name_lookup(spec_ns_names, name, &v) < 0)
		return -1;
	return (int)v;
}

int oci_landlock_fs_access_from_name(const char *name, uint64_t *bit)
{
	int64_t v;

	if (!name || spec_name_lookup(spec_landlock_fs_names, name, &v) < 0)
		return -EINVAL;
	*bit = (uint64_t)v;
	return 0;
}

int oci_landlock_net_access_from_name(const char *name, uint64_t *bit)
{
	int64_t v;

	if (!name || spec_name_lookup(spec_landlock_net_names, name, &v) < 0)
		return -EINVAL;
	*bit = (uint64_t)v;
	return 0;
}

const char *oci_seccomp_arch_libseccomp_name(const char *scmp_arch)
{
	int64_t v;

	if (!scmp_arch || spec_name_lookup(spec_seccomp_arch_names, scmp_arch, &v) < 0)
		return NULL;
	return spec_seccomp_arch_lib[v];
}

int oci_rlimit_resource_from_name(const char *name)
{
	int64_t v;

	if (!name || spec_name_lookup(spec_rlimit_names, name, &v) < 0)
		return -1;
	return (int)v;
}
