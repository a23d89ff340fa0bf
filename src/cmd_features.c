/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nucleus-oci features: the runtime-spec features.json document, telling an
 * engine what this build and this kernel support, plus annotations that
 * describe nucleus-oci's own extensions.  What the runtime knows is kept in
 * the tables at the top of this file, in one place; what the host supports
 * (seccomp flags, Landlock ABI, cgroup layout) is probed when asked.
 */
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <yajl/yajl_gen.h>

#include "commands.h"
#include "oci_spec.h"
#include "util.h"

/* ---- what nucleus-oci knows -------------------------------------------------- */

static const char *const feature_hooks[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

static const char *const feature_mount_options[] = {
    "async",      "atime",         "bind",    "defaults",    "dev",        "diratime", "dirsync",
    "exec",       "mand",          "noatime", "nodev",       "nodiratime", "noexec",   "nomand",
    "norelatime", "nostrictatime", "nosuid",  "private",     "rbind",      "relatime", "remount",
    "rprivate",   "rshared",       "rslave",  "runbindable", "ro",         "rw",       "shared",
    "slave",      "strictatime",   "suid",    "sync",        "unbindable", NULL,
};

static const char *const feature_namespaces[] = {
    "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL,
};

static const char *const feature_seccomp_actions[] = {
    "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",
    "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",      "SCMP_ACT_TRACE",
    "SCMP_ACT_TRAP",        NULL,
};

static const char *const feature_seccomp_operators[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE",        "SCMP_CMP_GT", "SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL,
};

/* The OCI name and libseccomp's name of each architecture. */
static const char *const feature_seccomp_archs[][2] = {
    {"SCMP_ARCH_X86", "x86"},
    {"SCMP_ARCH_X86_64", "x86_64"},
    {"SCMP_ARCH_X32", "x32"},
    {"SCMP_ARCH_ARM", "arm"},
    {"SCMP_ARCH_AARCH64", "aarch64"},
    {"SCMP_ARCH_MIPS", "mips"},
    {"SCMP_ARCH_MIPS64", "mips64"},
    {"SCMP_ARCH_MIPS64N32", "mips64n32"},
    {"SCMP_ARCH_MIPSEL", "mipsel"},
    {"SCMP_ARCH_MIPSEL64", "mipsel64"},
    {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32"},
    {"SCMP_ARCH_PPC", "ppc"},
    {"SCMP_ARCH_PPC64", "ppc64"},
    {"SCMP_ARCH_PPC64LE", "ppc64le"},
    {"SCMP_ARCH_S390", "s390"},
    {"SCMP_ARCH_S390X", "s390x"},
    {"SCMP_ARCH_PARISC", "parisc"},
    {"SCMP_ARCH_PARISC64", "parisc64"},
    {"SCMP_ARCH_RISCV64", "riscv64"},
    {"SCMP_ARCH_LOONGARCH64", "loongarch64"},
    {"SCMP_ARCH_M68K", "m68k"},
    {"SCMP_ARCH_SH", "sh"},
    {"SCMP_ARCH_SHEB", "sheb"},
};

static const struct {
	const char *name;
	unsigned int flag;
} feature_seccomp_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", 1U << 0},
    {"SECCOMP_FILTER_FLAG_LOG", 1U << 1},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1U << 2},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1U << 5},
};

/* idmapped mounts (mount_setattr MOUNT_ATTR_IDMAP) are not applied yet. */
static const bool feature_idmap_mounts = false;
/* The cgroup drivers: cgroupfs v1 and v2 (and both at once); no systemd driver. */
static const bool feature_cgroup_v1 = true, feature_cgroup_v2 = true, feature_cgroup_rdma = false;
/* Context mount options handled by nucleus-oci's context populator. */
static const char feature_context_modes[] = "bind,copy";

/* ---- what the host supports ---------------------------------------------------- */

/* A flag the kernel knows fails with EFAULT on a NULL program, an unknown one
 * with EINVAL.  WAIT_KILLABLE_RECV is only valid with NEW_LISTENER. */
static bool seccomp_flag_supported(unsigned int flag)
{
	if (flag == (1U << 5))
		flag |= 1U << 3;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

/* ---- output ----------------------------------------------------------------------- */

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_list(yajl_gen g, const char *key, const char *const *list)
{
	gen_str(g, key);
	yajl_gen_array_open(g);
	for (; *list; list++)
		gen_str(g, *list);
	yajl_gen_array_close(g);
}

static void gen_bool(yajl_gen g, const char *key, bool v)
{
	gen_str(g, key);
	yajl_gen_bool(g, v);
}

static void gen_enabled(yajl_gen g, const char *key, bool v)
{
	gen_str(g, key);
	yajl_gen_map_open(g);
	gen_bool(g, "enabled", v);
	yajl_gen_map_close(g);
}

static void gen_capabilities(yajl_gen g)
{
	gen_str(g, "capabilities");
	yajl_gen_array_open(g);
	/* libcap names every capability it knows "cap_..."; past those, numbers. */
	for (cap_value_t c = 0; c < 64; c++) {
		char *name = cap_to_name(c), upper[64];
		size_t i;
		if (!name || strncmp(name, "cap_", 4) != 0) {
			cap_free(name);
			break;
		}
		for (i = 0; name[i] && i < sizeof upper - 1; i++)
			upper[i] =
			    (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
		upper[i] = '\0';
		cap_free(name);
		gen_str(g, upper);
	}
	yajl_gen_array_close(g);
}

static void gen_seccomp(yajl_gen g)
{
	gen_str(g, "seccomp");
	yajl_gen_map_open(g);
	gen_bool(g, "enabled", true);
	gen_list(g, "actions", feature_seccomp_actions);
	gen_list(g, "operators", feature_seccomp_operators);
	gen_str(g, "archs");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < ARRAY_SIZE(feature_seccomp_archs); i++)
		if (seccomp_arch_resolve_name(feature_seccomp_archs[i][1]))
			gen_str(g, feature_seccomp_archs[i][0]);
	yajl_gen_array_close(g);
	for (int pass = 0; pass < 2; pass++) {
		gen_str(g, pass ? "supportedFlags" : "knownFlags");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < ARRAY_SIZE(feature_seccomp_flags); i++)
			if (!pass || seccomp_flag_supported(feature_seccomp_flags[i].flag))
				gen_str(g, feature_seccomp_flags[i].name);
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
}

static void gen_linux(yajl_gen g)
{
	gen_str(g, "linux");
	yajl_gen_map_open(g);
	gen_list(g, "namespaces", feature_namespaces);
	gen_capabilities(g);
	gen_str(g, "cgroup");
	yajl_gen_map_open(g);
	gen_bool(g, "v1", feature_cgroup_v1);
	gen_bool(g, "v2", feature_cgroup_v2);
	gen_bool(g, "systemd", false);
	gen_bool(g, "systemdUser", false);
	gen_bool(g, "rdma", feature_cgroup_rdma);
	yajl_gen_map_close(g);
	gen_seccomp(g);
	gen_enabled(g, "apparmor", false);
	gen_enabled(g, "selinux", false);
	gen_enabled(g, "intelRdt", false);
	gen_str(g, "mountExtensions");
	yajl_gen_map_open(g);
	gen_enabled(g, "idmap", feature_idmap_mounts);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

static void gen_annotations(yajl_gen g)
{
	char abi[16];
	snprintf(abi, sizeof abi, "%d", landlock_abi());
	gen_str(g, "annotations");
	yajl_gen_map_open(g);
	gen_str(g, "org.nucleus-oci.landlock.abi");
	gen_str(g, abi);
	gen_str(g, "org.nucleus-oci.landlock.enabled");
	gen_str(g, landlock_abi() > 0 ? "true" : "false");
	gen_str(g, "org.nucleus-oci.mount.context");
	gen_str(g, feature_context_modes);
	gen_str(g, "org.nucleus-oci.version");
	gen_str(g, PACKAGE_VERSION);
	gen_str(g, "org.nucleus-oci.libseccomp.version");
	{
		const struct scmp_version *v = seccomp_version();
		char buf[48];
		snprintf(buf, sizeof buf, "%u.%u.%u", v ? v->major : 0, v ? v->minor : 0,
		         v ? v->micro : 0);
		gen_str(g, buf);
	}
	yajl_gen_map_close(g);
}

int cmd_features(struct globals *gl, int argc, char **argv)
{
	static const struct cli_opt opts[] = {{NULL, 0, false, 0, NULL}};
	const unsigned char *buf;
	struct nerr e = {0};
	size_t len;
	bool help;
	yajl_gen g;
	int first = cli_parse(argc - 1, argv + 1, opts, NULL, NULL, &help, &e);
	(void)gl;

	if (help) {
		cli_print_help("features",
		               "Print the features of this runtime (runtime-spec features.json).",
		               opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	g = yajl_gen_alloc(NULL);
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "    ");
	yajl_gen_map_open(g);
	gen_str(g, "ociVersionMin");
	gen_str(g, "1.0.0");
	gen_str(g, "ociVersionMax");
	gen_str(g, OCI_SPEC_VERSION);
	gen_list(g, "hooks", feature_hooks);
	gen_list(g, "mountOptions", feature_mount_options);
	gen_linux(g);
	gen_annotations(g);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, stdout);
	if (len && buf[len - 1] != '\n')
		putchar('\n');
	yajl_gen_free(g);
	return 0;
}
