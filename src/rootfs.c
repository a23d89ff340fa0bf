/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entering the rootfs and what is done once inside: pivot_root (or MS_MOVE +
 * chroot with --no-pivot), rootfsPropagation on the new /, masked paths,
 * read-only paths and root.readonly.  Masked and read-only paths are opened
 * with O_NOFOLLOW inside the root and mounted through that fd, so a symlink
 * the image put there cannot redirect them (the CVE-2025-31133 and
 * CVE-2025-52881 shapes), and /dev/null is checked to be the null device
 * before it is bound anywhere.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mounts.h"
#include "util.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

int mounts_enter_root(const struct oci_config *cfg, int rootfd, const char *rootfs, bool no_pivot,
                      struct nerr *e)
{
	unsigned long prop = cfg->linux_.rootfs_propagation
	                         ? mount_opts_propagation(cfg->linux_.rootfs_propagation)
	                         : 0;
	if (!mounts_has_own_ns(cfg))
		return mounts_enter_root_hostns(rootfd, rootfs, e);
	if (fchdir(rootfd) < 0)
		return nerr_sys(e, errno, "chdir to rootfs %s", rootfs);
	if (no_pivot) {
		if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
			return nerr_sys(e, errno, "move rootfs %s to /", rootfs);
		if (chroot(".") < 0)
			return nerr_sys(e, errno, "chroot %s", rootfs);
	} else {
		/* pivot_root(".", ".") stacks the old root on the new one; detach it.
		 * The slave/detach must reach the old root, not the new tree (which
		 * would lose its mounts' propagation): work from an fd of the old root. */
		_cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (oldroot < 0)
			return nerr_sys(e, errno, "open the old root");
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return nerr_sys(e, errno, "pivot_root %s", rootfs);
		if (fchdir(oldroot) < 0)
			return nerr_sys(e, errno, "chdir to the old root");
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return nerr_sys(e, errno, "make the old root a slave");
		if (umount2(".", MNT_DETACH) < 0)
			return nerr_sys(e, errno, "detach the old root");
	}
	if (chdir("/") < 0)
		return nerr_sys(e, errno, "chdir /");
	if (prop && mount(NULL, "/", NULL, prop, NULL) < 0)
		return nerr_sys(e, errno, "rootfsPropagation \"%s\" on /",
		                cfg->linux_.rootfs_propagation);
	return 0;
}

/* A path under /proc must still be on procfs: nothing may have been mounted or
 * linked over it to turn our mask into a write somewhere else. */
static int check_proc(int fd, const char *path, const char *what, struct nerr *e)
{
	struct statfs sf;
	if (!str_has_prefix(path, "/proc/"))
		return 0;
	if (fstatfs(fd, &sf) < 0)
		return nerr_sys(e, errno, "%s %s", what, path);
	if ((unsigned long)sf.f_type != PROC_SUPER_MAGIC)
		return nerr_set(e, EXDEV, "%s %s: not on procfs; refusing to mount over it", what,
		                path);
	return 0;
}

static int open_path(int rootfd, const char *path, const char *what, struct stat *sb,
                     struct nerr *e)
{
	int fd = mounts_open_in_root(rootfd, path, O_PATH, true, e);
	if (fd == -ENOENT)
		return fd;
	if (fd < 0)
		return nerr_sys(e, -fd, "%s %s", what, path);
	if (fstat(fd, sb) < 0 || check_proc(fd, path, what, e) < 0) {
		int r = e->errnum ? -e->errnum : nerr_sys(e, errno, "%s %s", what, path);
		close(fd);
		return r;
	}
	if (S_ISLNK(sb->st_mode)) {
		close(fd);
		return nerr_set(e, ELOOP, "%s %s is a symbolic link; refusing to follow it", what,
		                path);
	}
	return fd;
}

static int mask_path(int rootfd, const char *path, struct nerr *e)
{
	_cleanup_close_ int fd = -1, null = -1;
	struct stat sb, nb;
	char p[32], np[32];

	e->errnum = 0;
	fd = open_path(rootfd, path, "masked path", &sb, e);
	if (fd == -ENOENT && e->errnum == 0)
		return 0;
	if (fd < 0)
		return fd;
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	if (S_ISDIR(sb.st_mode)) {
		if (mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		          "size=0k,mode=0555") < 0)
			return nerr_sys(e, errno, "mask %s", path);
		return 0;
	}
	/* The /dev/null we bind must really be the null device (CVE-2025-31133 shape). */
	null = mounts_open_in_root(rootfd, "/dev/null", O_PATH, true, e);
	if (null < 0 || fstat(null, &nb) < 0 || !S_ISCHR(nb.st_mode) || nb.st_rdev != makedev(1, 3))
		return nerr_set(e, EPERM,
		                "mask %s: /dev/null in the container is not the null device", path);
	snprintf(np, sizeof np, "/proc/self/fd/%d", null);
	if (mount(np, p, NULL, MS_BIND, NULL) < 0)
		return nerr_sys(e, errno, "mask %s", path);
	return 0;
}

static int readonly_path(int rootfd, const char *path, struct nerr *e)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
	                                    MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
	_cleanup_close_ int fd = -1, tree = -1;
	struct stat sb;

	e->errnum = 0;
	fd = open_path(rootfd, path, "read-only path", &sb, e);
	if (fd == -ENOENT && e->errnum == 0)
		return 0;
	if (fd < 0)
		return fd;
	/* Clone exactly what fd is, make the clone read-only, put it back on fd. */
	tree =
	    open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return nerr_sys(e, errno, "read-only path %s: clone", path);
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof ro) < 0) {
		ro.attr_set = MOUNT_ATTR_RDONLY;
		if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof ro) < 0)
			return nerr_sys(e, errno, "read-only path %s: make read-only", path);
	}
	if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nerr_sys(e, errno, "read-only path %s: mount", path);
	return 0;
}

int mounts_finalize(const struct oci_config *cfg, struct nerr *e)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;
	if (root < 0)
		return nerr_sys(e, errno, "open /");
	for (size_t i = 0; i < cfg->linux_.masked_paths.len; i++) {
		r = mask_path(root, cfg->linux_.masked_paths.items[i], e);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < cfg->linux_.readonly_paths.len; i++) {
		r = readonly_path(root, cfg->linux_.readonly_paths.items[i], e);
		if (r < 0)
			return r;
	}
	if (cfg->root.readonly) {
		/* mount_setattr keeps every other flag, including the locked ones. */
		struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
		if (mount_setattr(root, "", AT_EMPTY_PATH, &ro, sizeof ro) < 0 &&
		    mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
			return nerr_sys(e, errno, "remount / read-only (root.readonly)");
	}
	return 0;
}
