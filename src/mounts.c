/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mounts of config.json.  Every destination is resolved from an fd of
 * the rootfs with openat2(RESOLVE_IN_ROOT), so a symlink in the image can
 * never put a mount on the host, and every mount is made onto that fd
 * (move_mount, or mount(2) on /proc/self/fd/N) so nothing can be swapped
 * between the check and the mount.  Binds are cloned with open_tree and get
 * their flags with mount_setattr while still detached: that API sets and
 * clears only what is asked, so the flags the kernel locked on the source
 * (in a user namespace) are kept, which a plain remount would lose.
 */
#include "mounts.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "context.h"
#include "devices.h"
#include "idmap.h"
#include "inroot.h"
#include "mount_cgroup.h"
#include "log.h"
#include "util.h"

static int fd_path(char buf[static 32], int fd)
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return 0;
}

/* ---- attributes ------------------------------------------------------------- */

static uint64_t attrs_of_flags(unsigned long fl)
{
	uint64_t a = 0;
	a |= (fl & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0;
	a |= (fl & MS_NOSUID) ? MOUNT_ATTR_NOSUID : 0;
	a |= (fl & MS_NODEV) ? MOUNT_ATTR_NODEV : 0;
	a |= (fl & MS_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0;
	a |= (fl & MS_NODIRATIME) ? MOUNT_ATTR_NODIRATIME : 0;
	a |= (fl & MS_NOSYMFOLLOW) ? MOUNT_ATTR_NOSYMFOLLOW : 0;
	return a;
}

/* The flags a bind asks for, applied to the (detached) clone itself.  What the
 * options clear is cleared only where the kernel did not lock it. */
static int bind_set_flags(int tree, const struct oci_mount *m, const struct mount_plan *pl,
                          bool locked, struct nerr *e)
{
	struct mount_attr a = {.attr_set = attrs_of_flags(pl->flags),
	                       .attr_clr = attrs_of_flags(pl->clear)};
	struct statvfs sv;

	if (pl->flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) {
		a.attr_clr |= MOUNT_ATTR__ATIME;
		a.attr_set |= (pl->flags & MS_NOATIME)       ? MOUNT_ATTR_NOATIME
		              : (pl->flags & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME
		                                             : MOUNT_ATTR_RELATIME;
	}
	if (fstatvfs(tree, &sv) == 0) {
		uint64_t on = attrs_of_flags((sv.f_flag & ST_RDONLY ? MS_RDONLY : 0) |
		                             (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) |
		                             (sv.f_flag & ST_NODEV ? MS_NODEV : 0) |
		                             (sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0));
		/* Clearing what is already clear is a no-op; clearing what is set may be
		 * refused (locked), so it is tried but never required. */
		a.attr_clr &= on | MOUNT_ATTR__ATIME;
	}
	if (!a.attr_set && !a.attr_clr)
		return 0;
	if (!locked && mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof a) == 0)
		return 0;
	if (locked || (errno == EPERM && a.attr_clr)) {
		log_debug("mount %s: the source has locked flags; keeping them", m->destination);
		a.attr_clr = 0;
		a.attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
		if (mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof a) == 0)
			return 0;
	}
	return nerr_sys(e, errno, "mount %s: set the bind's flags", m->destination);
}

static int set_recursive_attrs(int mnt, const struct oci_mount *m, const struct mount_plan *pl,
                               bool locked, struct nerr *e)
{
	struct mount_attr a = {.attr_set = pl->rec_set, .attr_clr = locked ? 0 : pl->rec_clr};
	if (!a.attr_set && !a.attr_clr)
		return 0;
	if (mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
		return nerr_sys(e, errno, "mount %s: recursive attributes", m->destination);
	return 0;
}

static int set_propagation(int mnt, const struct oci_mount *m, const struct mount_plan *pl,
                           struct nerr *e)
{
	char p[32];
	if (!pl->propagation)
		return 0;
	fd_path(p, mnt);
	if (mount(NULL, p, NULL, pl->propagation, NULL) < 0)
		return nerr_sys(e, errno, "mount %s: set propagation", m->destination);
	return 0;
}

/* ---- mount kinds -------------------------------------------------------------- */

/* Kernels without open_tree/mount_setattr: bind, then a remount keeping what
 * the kernel locked on the source. */
static int bind_legacy(int rootfd, int target, const struct oci_mount *m,
                       const struct mount_plan *pl, struct nerr *e)
{
	char tp[32];
	struct statvfs sv;
	unsigned long locked = 0;
	_cleanup_close_ int mnt = -1;

	fd_path(tp, target);
	if (mount(m->source, tp, NULL, MS_BIND | (pl->rbind ? MS_REC : 0), NULL) < 0)
		return nerr_sys(e, errno, "mount %s (bind from %s)", m->destination, m->source);
	if (!(pl->flags & ~MS_REMOUNT))
		return 0;
	/* target is the covered directory: reopen to reach the bind. */
	mnt = inroot_open(rootfd, m->destination, O_PATH, false, e);
	if (mnt < 0)
		return nerr_sys(e, -mnt, "mount %s: reopen", m->destination);
	fd_path(tp, mnt);
	if (fstatvfs(mnt, &sv) == 0)
		locked = (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) |
		         (sv.f_flag & ST_NODEV ? MS_NODEV : 0) |
		         (sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0) |
		         (sv.f_flag & ST_RDONLY ? MS_RDONLY : 0);
	locked &= ~pl->clear;
	if (mount(NULL, tp, NULL, MS_BIND | MS_REMOUNT | (pl->flags & ~MS_REMOUNT) | locked, NULL) <
	    0)
		return nerr_sys(e, errno, "remount %s", m->destination);
	return set_propagation(mnt, m, pl, e);
}

/* userns: the container has a user namespace.  A source cloned there has
 * the flags it carries locked by the kernel; a source the runtime cloned on the
 * host (prepared) does not, so the same locks are kept by not clearing any flag. */
static int mount_bind(int rootfd, int target, const struct oci_mount *m,
                      const struct mount_plan *pl, int prepared, bool userns, struct nerr *e)
{
	_cleanup_close_ int tree = prepared;
	bool locked = prepared >= 0 && userns;
	int r;

	if (tree < 0)
		tree =
		    open_tree(AT_FDCWD, m->source,
		              OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (pl->rbind ? AT_RECURSIVE : 0));
	if (tree < 0 && errno == ENOSYS)
		return bind_legacy(rootfd, target, m, pl, e);
	if (tree < 0)
		return nerr_sys(e, errno, "mount %s: bind source %s", m->destination, m->source);
	r = bind_set_flags(tree, m, pl, locked, e);
	if (r == 0)
		r = set_recursive_attrs(tree, m, pl, locked, e);
	if (r < 0)
		return r;
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nerr_sys(e, errno, "mount %s (bind from %s)", m->destination, m->source);
	/* After move_mount the fd is the attached mount. */
	return set_propagation(tree, m, pl, e);
}

/* tmpcopyup: what the image has at the destination is copied into the new tmpfs. */
static int copy_up(int covered, int mnt, const struct oci_mount *m, struct nerr *e)
{
	struct context_copy_opts o = {.label = m->destination};
	_cleanup_close_ int dst = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0)
		return nerr_sys(e, errno, "mount %s: tmpcopyup: open the tmpfs", m->destination);
	return context_copy_tree(covered, dst, &o, e);
}

static int mount_fs(int rootfd, int target, const struct oci_mount *m, const struct mount_plan *pl,
                    struct nerr *e)
{
	const char *type = m->type ? m->type : "none";
	const char *src = m->source ? m->source : type;
	unsigned long flags = pl->flags;
	_cleanup_close_ int covered = -1, mnt = -1;
	char tp[32];
	int r = 0;

	if (pl->tmpcopyup) {
		covered = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (covered < 0)
			return nerr_sys(e, errno, "mount %s: tmpcopyup needs a directory",
			                m->destination);
		flags &= ~MS_RDONLY; /* until the copy is in */
	}
	fd_path(tp, target);
	if (mount(src, tp, type, flags, pl->data[0] ? pl->data : NULL) < 0)
		return nerr_sys(e, errno, "mount %s (type %s%s%s)", m->destination, type,
		                pl->data[0] ? ", " : "", pl->data);
	if (!pl->tmpcopyup && !pl->rec_set && !pl->rec_clr && !pl->propagation)
		return 0;
	mnt = inroot_open(rootfd, m->destination, O_PATH | O_DIRECTORY, false, e);
	if (mnt < 0)
		return nerr_sys(e, -mnt, "mount %s: reopen", m->destination);
	if (pl->tmpcopyup) {
		struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
		r = copy_up(covered, mnt, m, e);
		if (r == 0 && (pl->flags & MS_RDONLY) &&
		    mount_setattr(mnt, "", AT_EMPTY_PATH, &ro, sizeof ro) < 0)
			r = nerr_sys(e, errno, "mount %s: make read-only after tmpcopyup",
			             m->destination);
	}
	if (r == 0)
		r = set_recursive_attrs(mnt, m, pl, false, e);
	if (r == 0)
		r = set_propagation(mnt, m, pl, e);
	return r;
}

/* copy-symlink: a bind whose source is a symlink becomes the same symlink. */
static int copy_source_symlink(int rootfd, const struct oci_mount *m, struct nerr *e)
{
	char target[PATH_MAX], parent[PATH_MAX], *slash;
	_cleanup_close_ int dir = -1;
	ssize_t n = readlink(m->source, target, sizeof target - 1);

	if (n < 0)
		return nerr_sys(e, errno, "mount %s: read symbolic link %s", m->destination,
		                m->source);
	target[n] = '\0';
	snprintf(parent, sizeof parent, "%s", m->destination);
	slash = strrchr(parent, '/');
	if (!slash || !slash[1])
		return nerr_set(e, EINVAL, "mount %s: copy-symlink needs a file name",
		                m->destination);
	*slash = '\0';
	if (inroot_mkpath(rootfd, parent[0] ? parent : "/", false, e) < 0)
		return nerr_wrap(e, "mount %s", m->destination);
	dir = inroot_open(rootfd, parent[0] ? parent : "/", O_PATH | O_DIRECTORY, false, e);
	if (dir < 0)
		return nerr_sys(e, -dir, "mount %s: resolve parent", m->destination);
	unlinkat(dir, slash + 1, 0);
	if (symlinkat(target, dir, slash + 1) < 0)
		return nerr_sys(e, errno, "mount %s: copy-symlink", m->destination);
	return 0;
}

static bool has_user_ns(const struct oci_config *cfg)
{
	return oci_config_namespace(cfg, OCI_NS_USER) != NULL;
}

/* ---- one mount ------------------------------------------------------------------ */

static bool is_type(const struct oci_mount *m, const char *t)
{
	return m->type && !strcmp(m->type, t);
}

static int open_destination(int rootfd, const struct oci_mount *m, const struct mount_plan *pl,
                            int prepared, struct nerr *e)
{
	bool as_file = false, kernel_fs = is_type(m, "proc") || is_type(m, "sysfs");
	struct stat sb;
	int fd, r;

	if (pl->bind) {
		if (!m->source)
			return nerr_set(e, EINVAL, "mount %s: a bind mount needs a source",
			                m->destination);
		/* A source opened by the parent may be out of the init's reach. */
		if ((prepared >= 0 ? fstat(prepared, &sb) : stat(m->source, &sb)) < 0)
			return nerr_sys(e, errno, "mount %s: source %s", m->destination, m->source);
		as_file = !S_ISDIR(sb.st_mode);
	}
	r = inroot_mkpath(rootfd, m->destination, as_file, e);
	if (r < 0)
		return nerr_wrap(e, "mount %s", m->destination);
	/* proc and sysfs only on a real directory, never through a symlink
	 * (the CVE-2019-16884 shape); other destinations follow links inside the root. */
	fd = inroot_open(rootfd, m->destination, O_PATH, kernel_fs, e);
	if (fd < 0)
		return nerr_sys(e, -fd, "mount %s: resolve destination", m->destination);
	if (kernel_fs && (fstat(fd, &sb) < 0 || !S_ISDIR(sb.st_mode))) {
		close(fd);
		return nerr_set(e, ENOTDIR, "mount %s: %s must be mounted on a directory, not a %s",
		                m->destination, m->type,
		                S_ISLNK(sb.st_mode) ? "symbolic link" : "file");
	}
	return fd;
}

/*
 * In a user namespace the kernel refuses a sysfs whose network namespace,
 * an mqueue whose IPC namespace, and cgroup v1 hierarchies, that the user
 * namespace does not own (EPERM): the host's view is bound instead (rbind for
 * /sys and /sys/fs/cgroup), with the flags asked for, as runc does.
 */
static int mount_host_view(int rootfd, int target, const struct oci_mount *m, struct mount_plan *pl,
                           bool userns, struct nerr *e)
{
	static const struct {
		const char *type, *source;
		bool rec;
	} views[] = {
	    {"sysfs", "/sys", true},
	    {"mqueue", "/dev/mqueue", false},
	    {"cgroup", "/sys/fs/cgroup", true},
	    {"cgroup2", "/sys/fs/cgroup", true},
	};
	struct oci_mount b = *m;
	char why[sizeof e->msg];

	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		if (!is_type(m, views[i].type))
			continue;
		snprintf(why, sizeof why, "%s", e->msg);
		log_debug("%s; binding the host's %s instead", why, views[i].source);
		b.source = (char *)views[i].source;
		pl->bind = true;
		pl->rbind = views[i].rec;
		if (views[i].rec && (pl->flags & MS_RDONLY))
			pl->rec_set |= MOUNT_ATTR_RDONLY;
		if (mount_bind(rootfd, target, &b, pl, -1, userns, e) < 0)
			return nerr_wrap(e, "%s, and the fallback failed", why);
		return 0;
	}
	return -EPERM;
}

static int mount_one(int rootfd, const struct oci_mount *m, int prepared, bool userns,
                     struct nerr *e)
{
	struct mount_plan pl;
	_cleanup_close_ int target = -1;
	struct stat sb;
	int r;

	r = mount_opts_plan(m, &pl, e);
	if (r < 0)
		return r;
	/* A read-only /dev still gets devpts, shm, mqueue, the nodes and the
	 * console: mounts_finalize makes it read-only once they are in. */
	if (!strcmp(m->destination, "/dev"))
		pl.flags &= ~(unsigned long)MS_RDONLY;
	if (pl.copy_symlink && m->source && lstat(m->source, &sb) == 0 && S_ISLNK(sb.st_mode))
		return copy_source_symlink(rootfd, m, e);
	target = open_destination(rootfd, m, &pl, prepared, e);
	if (target < 0)
		return target;
	if (pl.context == MOUNT_CONTEXT_BIND)
		return context_bind(m->source, target, m->destination, &pl, e);
	if (pl.context == MOUNT_CONTEXT_COPY)
		return context_copy(m->source, target, m->destination, &pl, e);
	if (pl.bind)
		return mount_bind(rootfd, target, m, &pl, prepared, userns, e);
	if (is_type(m, "cgroup"))
		r = mount_cgroup_setup(rootfd, target, m, &pl, e);
	else
		r = mount_fs(rootfd, target, m, &pl, e);
	return r == -EPERM ? mount_host_view(rootfd, target, m, &pl, userns, e) : r;
}

/* ---- the rootfs ------------------------------------------------------------------- */

/* pivot_root refuses a shared parent: walk up from the rootfs to the mount
 * holding it and make that private (mount(2) says EINVAL on a non-mount). */
static int rootfs_parent_private(const char *rootfs, struct nerr *e)
{
	char p[PATH_MAX], *slash;
	snprintf(p, sizeof p, "%s", rootfs);
	for (;;) {
		slash = strrchr(p, '/');
		if (!slash)
			return 0;
		slash[slash == p] = '\0';
		if (mount(NULL, p, NULL, MS_PRIVATE, NULL) == 0)
			return 0;
		if (errno != EINVAL)
			return nerr_sys(e, errno, "make the parent mount %s of the rootfs private",
			                p);
		if (!strcmp(p, "/"))
			return 0;
	}
}

/* In the container's own mount namespace: / becomes a slave (or per
 * rootfsPropagation) and the rootfs a mount of its own, ready for pivot_root. */
static int rootfs_bind(const struct oci_config *cfg, const char *rootfs, struct nerr *e)
{
	unsigned long prop = cfg->linux_.rootfs_propagation
	                         ? mount_opts_propagation(cfg->linux_.rootfs_propagation)
	                         : MS_SLAVE | MS_REC;

	/* An unbindable / would refuse the bind of the rootfs below: it is set on the
	 * new / after pivot_root, like every rootfsPropagation. */
	if (!prop || (prop & MS_UNBINDABLE))
		prop = MS_SLAVE | MS_REC;
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return nerr_sys(e, errno, "set propagation of / (rootfsPropagation)");
	/* pivot_root refuses a shared new root or a shared parent of it, which a
	 * non-recursive rootfsPropagation can leave: the parent is made private and
	 * the rootfs private (shared asked) or a slave; the propagation asked for is
	 * set again on the new / after pivot_root. */
	if ((prop & MS_SHARED) && mount(NULL, "/", NULL, MS_PRIVATE, NULL) < 0)
		return nerr_sys(e, errno, "make / private for pivot_root");
	if (rootfs_parent_private(rootfs, e) < 0)
		return -e->errnum;
	/* The rootfs may be a mount of its own (an engine's overlay), which then
	 * becomes the parent of the bind below: it must not be shared either. */
	if ((prop & MS_SHARED) && mount(NULL, rootfs, NULL, MS_PRIVATE, NULL) < 0 &&
	    errno != EINVAL)
		return nerr_sys(e, errno, "make the rootfs mount %s private", rootfs);
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return nerr_sys(e, errno, "bind rootfs %s", rootfs);
	if (mount(NULL, rootfs, NULL, (prop & MS_SHARED) ? MS_PRIVATE : MS_SLAVE, NULL) < 0)
		return nerr_sys(e, errno, "set the propagation of rootfs %s", rootfs);
	return 0;
}

bool mounts_dev_is_tmpfs(const struct oci_config *cfg)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (cfg->mounts[i].destination && !strcmp(cfg->mounts[i].destination, "/dev") &&
		    is_type(&cfg->mounts[i], "tmpfs"))
			return true;
	return false;
}

int mounts_setup(const struct oci_config *cfg, const char *rootfs, const int *prepared, int *rootfd,
                 struct nerr *e)
{
	_cleanup_close_ int fd = -1;
	int r;

	/* Without a mount namespace of its own the container shares the caller's:
	 * its mounts go under the rootfs in place and nothing else changes. */
	if (mounts_has_own_ns(cfg) && (r = rootfs_bind(cfg, rootfs, e)) < 0)
		return r;
	fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nerr_sys(e, errno, "open rootfs %s", rootfs);
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		r = mount_one(fd, m, prepared ? prepared[i] : -1, has_user_ns(cfg), e);
		if (r < 0)
			return r;
	}
	r = devices_setup(cfg, fd, mounts_dev_is_tmpfs(cfg), e);
	if (r < 0)
		return r;
	*rootfd = TAKE_FD(fd);
	return 0;
}

/* ---- in the parent ------------------------------------------------------------------ */

/* A bind source cloned by the runtime as the host's root: in a user namespace
 * the init may not reach it (a 0700 directory).  Any failure is left for the
 * init to meet and report with the mount's name. */
static int clone_source(const struct oci_mount *m, const struct mount_plan *pl)
{
	struct stat sb;
	int tree;

	if (!pl->bind || pl->context != MOUNT_CONTEXT_NONE || !m->source)
		return -1;
	if (pl->copy_symlink && lstat(m->source, &sb) == 0 && S_ISLNK(sb.st_mode))
		return -1;
	tree = open_tree(AT_FDCWD, m->source,
	                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (pl->rbind ? AT_RECURSIVE : 0));
	if (tree < 0)
		log_debug("mount %s: clone bind source %s in the runtime: %s", m->destination,
		          m->source, strerror(errno));
	return tree < 0 ? -1 : tree;
}

void mounts_close_prepared(int *fds, size_t n)
{
	if (!fds)
		return;
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

int mounts_prepare(const struct oci_config *cfg, int **fds, struct nerr *e)
{
	bool userns = has_user_ns(cfg);
	int *out = NULL;

	*fds = NULL;
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		struct mount_plan pl;
		int r = 0;

		if (!userns && !idmap_wanted(m))
			continue; /* the init parses (and logs about) the others */
		if (mount_opts_plan(m, &pl, e) < 0) {
			mounts_close_prepared(out, cfg->n_mounts);
			return -e->errnum;
		}
		if (!out) {
			out = xcalloc(cfg->n_mounts, sizeof *out);
			for (size_t j = 0; j < cfg->n_mounts; j++)
				out[j] = -1;
		}
		if (pl.idmap || pl.ridmap)
			r = out[i] = idmap_clone(cfg, m, &pl, e);
		else
			out[i] = clone_source(m, &pl);
		if (r < 0) {
			mounts_close_prepared(out, cfg->n_mounts);
			return r;
		}
	}
	*fds = out;
	return 0;
}
