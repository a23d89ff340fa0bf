/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nucleus-oci features: the runtime-spec features.json document, telling an
 * engine what this build and this kernel support, plus annotations that
 * describe nucleus-oci's own extensions.  What only this command needs is in
 * the tables at the top of this file; the rest comes from the modules that
 * implement it, so the document cannot drift from the code.
 */
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <yajl/yajl_gen.h>

#include "cgroup.h"
#include "commands.h"
#include "landlock.h"
#include "mount_opts.h"
#include "oci_spec.h"
#include "seccomp_filter.h"
#include "util.h"

/* ---- what nucleus-oci knows -------------------------------------------------- */

static const char *const feature_hooks[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

static const char *const feature_namespaces[] = {
    "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL,
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

/* idmapped mounts (mount_setattr MOUNT_ATTR_IDMAP, "idmap"/"ridmap" options). */
static const bool feature_idmap_mounts = true;
/* Context mount options handled by nucleus-oci's context populator. */
static const char feature_context_modes[] = "bind,copy";

/* What the host supports is asked of the modules that use it: seccomp_filter,
 * landlock, mount_opts and cgroup. */

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
	gen_bool(g, "enabled", seccomp_kernel_supported());
	gen_list(g, "actions", seccomp_known_actions());
	gen_list(g, "operators", seccomp_known_operators());
	gen_list(g, "archs", seccomp_known_archs());
	gen_str(g, "knownFlags");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < ARRAY_SIZE(feature_seccomp_flags); i++)
		gen_str(g, feature_seccomp_flags[i].name);
	yajl_gen_array_close(g);
	gen_list(g, "supportedFlags", seccomp_supported_flags());
	yajl_gen_map_close(g);
}

static void gen_linux(yajl_gen g, const struct cgroup_features *cg)
{
	gen_str(g, "linux");
	yajl_gen_map_open(g);
	gen_list(g, "namespaces", feature_namespaces);
	gen_capabilities(g);
	gen_str(g, "cgroup");
	yajl_gen_map_open(g);
	/* cgroupfs drivers for what the host mounts; the systemd driver when built. */
	gen_bool(g, "v1", cg->v1);
	gen_bool(g, "v2", cg->v2);
	gen_bool(g, "systemd", cgroup_systemd_built());
	gen_bool(g, "systemdUser", false);
	gen_bool(g, "rdma", cg->rdma);
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
	snprintf(abi, sizeof abi, "%d", landlock_abi_version());
	gen_str(g, "annotations");
	yajl_gen_map_open(g);
	gen_str(g, "org.nucleus-oci.landlock.abi");
	gen_str(g, abi);
	gen_str(g, "org.nucleus-oci.landlock.enabled");
	gen_str(g, landlock_abi_version() > 0 ? "true" : "false");
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
	struct cgroup_features cg;
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
	if (cgroup_features_probe(&cg, &e) < 0)
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
	gen_list(g, "mountOptions", mounts_supported_options());
	gen_linux(g, &cg);
	gen_annotations(g);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, stdout);
	if (len && buf[len - 1] != '\n')
		putchar('\n');
	yajl_gen_free(g);
	return 0;
}
