/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Landlock: process.landlock (shape of runtime-spec PR #1241) turned into a
 * kernel ruleset with the raw syscalls, so no library or kernel headers newer
 * than the build machine's are needed.
 *
 * Best effort by default, like the Landlock documentation recommends: rights
 * the running kernel's ABI lacks are dropped from the handled set and from
 * every rule, so a config written for a newer kernel still confines as much
 * as this one can.  With disableBestEffort any such right is an error.
 * Paths are opened inside the container (after pivot_root) and the ruleset
 * is enforced last before seccomp, so the runtime's own setup is not confined.
 */
#include "landlock.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "util.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule       445
#define SYS_landlock_restrict_self  446
#endif

#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH      1
#define LL_RULE_NET_PORT          2

/* Rights that make sense on a file (not a directory) in a path rule. */
#define LL_FS_FILE_RIGHTS ((1ULL << 0) | (1ULL << 1) | (1ULL << 2) | (1ULL << 14) | (1ULL << 15))

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
};

struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

int landlock_abi_version(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
	return v < 0 ? 0 : (int)v;
}

uint64_t landlock_abi_fs_rights(int abi)
{
	uint64_t m = 0;
	if (abi >= 1)
		m |= (1ULL << 13) - 1; /* execute .. make_sym */
	if (abi >= 2)
		m |= 1ULL << 13; /* refer */
	if (abi >= 3)
		m |= 1ULL << 14; /* truncate */
	if (abi >= 5)
		m |= 1ULL << 15; /* ioctl_dev */
	return m;
}

uint64_t landlock_abi_net_rights(int abi)
{
	return abi >= 4 ? 3 : 0; /* bind_tcp, connect_tcp */
}

static const char *right_name(const struct spec_name *t, uint64_t bit)
{
	for (; t->name; t++)
		if ((uint64_t)t->value == bit)
			return t->name;
	return NULL;
}

const char *landlock_fs_right_name(uint64_t bit)
{
	return right_name(spec_landlock_fs_names, bit);
}

const char *landlock_net_right_name(uint64_t bit)
{
	return right_name(spec_landlock_net_names, bit);
}

/* Strict mode: the first right of `asked` outside `have`, named for the error. */
static int unsupported(uint64_t asked, uint64_t have, bool net, const char *where, int abi,
                       struct nerr *e)
{
	uint64_t extra = asked & ~have;
	uint64_t bit = extra & -extra;
	const char *name = net ? landlock_net_right_name(bit) : landlock_fs_right_name(bit);
	char num[32];

	if (!name) {
		snprintf(num, sizeof num, "0x%llx", (unsigned long long)bit);
		name = num;
	}
	return nerr_set(e, EOPNOTSUPP,
	                "landlock: %s: right \"%s\" not supported here (kernel Landlock ABI %d) "
	                "and disableBestEffort is set",
	                where, name, abi);
}

/* Handled rights after best effort: the asked ones this kernel knows. */
static int handled_rights(const struct oci_landlock *ll, int abi, struct ll_ruleset_attr *attr,
                          struct nerr *e)
{
	uint64_t fs = landlock_abi_fs_rights(abi), net = landlock_abi_net_rights(abi);

	if (ll->disable_best_effort) {
		if (ll->handled_access_fs & ~fs)
			return unsupported(ll->handled_access_fs, fs, false,
			                   "ruleset.handledAccessFS", abi, e);
		if (ll->handled_access_net & ~net)
			return unsupported(ll->handled_access_net, net, true,
			                   "ruleset.handledAccessNetwork", abi, e);
	}
	attr->handled_access_fs = ll->handled_access_fs & fs;
	attr->handled_access_net = ll->handled_access_net & net;
	return 0;
}

/* After pivot_root "/" is the container's root; resolve from it so that
 * neither ".." nor a symlink nor a /proc magic link leads elsewhere. */
static int open_in_root(const char *path)
{
	struct open_how how = {
	    .flags = O_PATH | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -1;
	return (int)syscall(SYS_openat2, root, path, &how, sizeof how);
}

static int add_path_rule(int rfd, const struct oci_landlock *ll, const struct ll_ruleset_attr *h,
                         size_t i, size_t j, struct nerr *e)
{
	const struct oci_landlock_path_rule *rule = &ll->path_beneath[i];
	const char *path = rule->paths.items[j];
	struct ll_path_beneath_attr pb = {.allowed_access = rule->allowed_access};
	_cleanup_close_ int fd = -1;
	struct stat sb;
	char where[96];

	snprintf(where, sizeof where, "rules.pathBeneath[%zu].allowedAccess", i);
	if (ll->disable_best_effort && (pb.allowed_access & ~h->handled_access_fs))
		return unsupported(pb.allowed_access, h->handled_access_fs, false, where,
		                   landlock_abi_version(), e);
	fd = open_in_root(path);
	if (fd < 0 || fstat(fd, &sb) < 0)
		return nerr_sys(e, errno, "landlock: rules.pathBeneath[%zu]: path \"%s\"", i, path);
	pb.allowed_access &= h->handled_access_fs;
	if (!S_ISDIR(sb.st_mode)) {
		if (ll->disable_best_effort && (pb.allowed_access & ~LL_FS_FILE_RIGHTS))
			return nerr_set(
			    e, EINVAL,
			    "landlock: rules.pathBeneath[%zu]: \"%s\" is not a directory: "
			    "only execute, write_file, read_file, truncate and ioctl_dev "
			    "apply to it",
			    i, path);
		pb.allowed_access &= LL_FS_FILE_RIGHTS;
	}
	if (!pb.allowed_access)
		return 0;
	pb.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_PATH_BENEATH, &pb, 0) < 0)
		return nerr_sys(e, errno, "landlock: rules.pathBeneath[%zu]: add rule for \"%s\"",
		                i, path);
	return 0;
}

static int add_port_rule(int rfd, const struct oci_landlock *ll, const struct ll_ruleset_attr *h,
                         size_t i, struct nerr *e)
{
	const struct oci_landlock_port_rule *rule = &ll->net_port[i];
	char where[96];

	snprintf(where, sizeof where, "rules.netPort[%zu].allowedAccess", i);
	if (ll->disable_best_effort && (rule->allowed_access & ~h->handled_access_net))
		return unsupported(rule->allowed_access, h->handled_access_net, true, where,
		                   landlock_abi_version(), e);
	for (size_t j = 0; j < rule->n_ports; j++) {
		struct ll_net_port_attr np = {
		    .allowed_access = rule->allowed_access & h->handled_access_net,
		    .port = rule->ports[j],
		};
		if (!np.allowed_access)
			return 0;
		if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_NET_PORT, &np, 0) < 0)
			return nerr_sys(e, errno,
			                "landlock: rules.netPort[%zu]: add rule for port %llu", i,
			                (unsigned long long)rule->ports[j]);
	}
	return 0;
}

/* The init itself opens exec.fifo for writing after the ruleset is enforced
 * (that open is what waits for `start`); the fifo is the runtime's, outside
 * the container, so allowing it gives the container nothing. */
static int allow_runtime_fifo(int rfd, const struct ll_ruleset_attr *h, int fifo_fd, struct nerr *e)
{
	struct ll_path_beneath_attr pb = {.allowed_access = h->handled_access_fs & (1ULL << 1),
	                                  .parent_fd = fifo_fd};
	if (fifo_fd < 0 || !pb.allowed_access)
		return 0;
	if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_PATH_BENEATH, &pb, 0) < 0)
		return nerr_sys(e, errno, "landlock: allow the runtime's exec fifo");
	return 0;
}

int landlock_prepare(const struct oci_landlock *ll, int fifo_fd, int *ruleset_fd, struct nerr *e)
{
	struct ll_ruleset_attr attr = {0};
	_cleanup_close_ int rfd = -1;
	int abi, r;

	*ruleset_fd = -1;
	if (!ll->present)
		return 0;
	abi = landlock_abi_version();
	if (abi < 1 && ll->disable_best_effort)
		return nerr_set(
		    e, EOPNOTSUPP,
		    "landlock: not supported by this kernel and disableBestEffort is set");
	r = handled_rights(ll, abi, &attr, e);
	if (r < 0)
		return r;
	if (!attr.handled_access_fs && !attr.handled_access_net) {
		log_warn("landlock: nothing this kernel (ABI %d) can enforce; not applied", abi);
		return 0;
	}
	rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (rfd < 0)
		return nerr_sys(e, errno, "landlock: create ruleset");
	for (size_t i = 0; i < ll->n_path_beneath; i++)
		for (size_t j = 0; j < ll->path_beneath[i].paths.len; j++)
			if ((r = add_path_rule(rfd, ll, &attr, i, j, e)) < 0)
				return r;
	for (size_t i = 0; i < ll->n_net_port; i++)
		if ((r = add_port_rule(rfd, ll, &attr, i, e)) < 0)
			return r;
	r = allow_runtime_fifo(rfd, &attr, fifo_fd, e);
	if (r < 0)
		return r;
	*ruleset_fd = TAKE_FD(rfd);
	return 0;
}

int landlock_enforce(int ruleset_fd, struct nerr *e)
{
	_cleanup_close_ int fd = ruleset_fd;
	if (fd < 0)
		return 0;
	if (syscall(SYS_landlock_restrict_self, fd, 0) < 0)
		return nerr_sys(e, errno, "landlock: enforce the ruleset");
	return 0;
}
