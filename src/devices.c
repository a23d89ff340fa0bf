/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device nodes.  They are made with mknod in a directory opened inside the
 * rootfs; in a user namespace, where mknod is not allowed, the host's node is
 * bind-mounted instead (what runc and crun do).  Each node is checked to be
 * the device asked for before anything is mounted on or from it.
 */
#include "devices.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "inroot.h"
#include "mount_opts.h"
#include "util.h"

static const struct {
	const char *path;
	unsigned maj, min;
} default_devices[] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

const char *devices_default_path(size_t i)
{
	return i < ARRAY_SIZE(default_devices) ? default_devices[i].path : NULL;
}

static const char *const dev_links[][2] = {
    {"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
    {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
};

struct devspec {
	const char *path;
	mode_t type;
	unsigned maj, min;
	mode_t perm;
	uid_t uid;
	gid_t gid;
};

/* In a user namespace: bind the host's node, which must be the same device. */
static int bind_host_device(int parent, const char *name, const struct devspec *d, struct nerr *e)
{
	_cleanup_close_ int src = -1, dst = -1;
	struct stat sb;
	char p[64];

	src = open(d->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (src < 0 || fstat(src, &sb) < 0 || (sb.st_mode & S_IFMT) != d->type ||
	    sb.st_rdev != makedev(d->maj, d->min))
		return nerr_set(
		    e, EPERM,
		    "device %s: mknod is not permitted in a user namespace and the host has no "
		    "matching node %s to bind",
		    d->path, d->path);
	dst = openat(parent, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (dst < 0)
		return nerr_sys(e, errno, "device %s: create mount point", d->path);
	snprintf(p, sizeof p, "/proc/self/fd/%d", src);
	{
		char t[64];
		snprintf(t, sizeof t, "/proc/self/fd/%d", dst);
		if (mount(p, t, NULL, MS_BIND, NULL) < 0)
			return nerr_sys(e, errno, "device %s: bind from the host", d->path);
	}
	return 0;
}

static int make_device(int rootfd, const struct devspec *d, struct nerr *e)
{
	_cleanup_close_ int parent = -1, fd = -1;
	char dir[PATH_MAX], *slash, p[64];
	const char *name;
	int r;

	if (d->path[0] != '/' || strlen(d->path) >= sizeof dir)
		return nerr_set(e, EINVAL, "device %s: the path must be absolute", d->path);
	snprintf(dir, sizeof dir, "%s", d->path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	name = slash + 1;
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return nerr_set(e, EINVAL, "device %s: not a file name", d->path);
	r = inroot_mkpath(rootfd, dir[0] ? dir : "/", false, e);
	if (r < 0)
		return nerr_wrap(e, "device %s", d->path);
	parent = inroot_open(rootfd, dir[0] ? dir : "/", O_PATH | O_DIRECTORY, false, e);
	if (parent < 0)
		return nerr_sys(e, -parent, "device %s: resolve %s", d->path, dir);
	if (unlinkat(parent, name, 0) < 0 && errno != ENOENT)
		return nerr_sys(e, errno, "device %s: remove what the image has there", d->path);
	if (mknodat(parent, name, d->type | (d->perm & 07777), makedev(d->maj, d->min)) < 0) {
		if (errno == EPERM)
			return bind_host_device(parent, name, d, e);
		return nerr_sys(e, errno, "mknod %s", d->path);
	}
	fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nerr_sys(e, errno, "device %s", d->path);
	/* mknod applied the umask; the mode asked for is exact. */
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	if (chmod(p, d->perm & 07777) < 0 || chown(p, d->uid, d->gid) < 0)
		return nerr_sys(e, errno, "device %s: set owner and mode", d->path);
	return 0;
}

static mode_t device_type(char t)
{
	switch (t) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default: /* 'c' and 'u' (unbuffered) are both character devices */
		return S_IFCHR;
	}
}

static int default_nodes(int rootfd, struct nerr *e)
{
	_cleanup_close_ int dev = -1;
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
		struct devspec d = {.path = default_devices[i].path,
		                    .type = S_IFCHR,
		                    .perm = 0666,
		                    .maj = default_devices[i].maj,
		                    .min = default_devices[i].min};
		int r = make_device(rootfd, &d, e);
		if (r < 0)
			return r;
	}
	dev = inroot_open(rootfd, "/dev", O_PATH | O_DIRECTORY, false, e);
	if (dev < 0)
		return nerr_sys(e, -dev, "open /dev in the container");
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++)
		if (symlinkat(dev_links[i][0], dev, dev_links[i][1]) < 0 && errno != EEXIST)
			return nerr_sys(e, errno, "symlink /dev/%s", dev_links[i][1]);
	return 0;
}

/* Is path on a bind mount of the config (the deepest mount covering it)?  Such a
 * directory belongs to the host or to another tree, not to the container. */
static bool on_bind_mount(const struct oci_config *cfg, const char *path)
{
	size_t best = 0;
	bool bind = false;

	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		struct mount_plan pl;
		struct nerr ignored;
		size_t n = strlen(m->destination);

		while (n > 1 && m->destination[n - 1] == '/')
			n--;
		if (strncmp(path, m->destination, n) ||
		    (path[n] != '/' && path[n] != '\0' && !(n == 1 && m->destination[0] == '/')))
			continue;
		if (n < best || mount_opts_plan(m, &pl, &ignored) < 0)
			continue;
		best = n;
		bind = pl.bind || pl.rbind;
	}
	return bind;
}

/* A device on a bind mount (a bind of the host's /dev, say) is never made,
 * removed, chowned or chmoded: the node must be there already, and is used as
 * it is.  Returns 1 when it is, 0 when the device is the container's to make. */
static int device_on_bind(const struct oci_config *cfg, int rootfd, const struct devspec *d,
                          struct nerr *e)
{
	_cleanup_close_ int fd = -1;
	struct stat sb;

	if (!on_bind_mount(cfg, d->path))
		return 0;
	fd = inroot_open(rootfd, d->path, O_PATH, true, e);
	if (fd >= 0 && fstat(fd, &sb) == 0 && (sb.st_mode & S_IFMT) == d->type &&
	    sb.st_rdev == makedev(d->maj, d->min))
		return 1;
	return nerr_set(e, EPERM,
	                "device %s: its directory is bind-mounted into the container; refusing "
	                "to create or change a node outside the container's own mounts",
	                d->path);
}

int devices_setup(const struct oci_config *cfg, int rootfd, bool dev_tmpfs, struct nerr *e)
{
	int r;
	if (dev_tmpfs) {
		r = default_nodes(rootfd, e);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < cfg->linux_.n_devices; i++) {
		const struct oci_device *od = &cfg->linux_.devices[i];
		struct devspec d = {
		    .path = od->path,
		    .type = device_type(od->type),
		    .maj = (unsigned)od->major,
		    .min = (unsigned)od->minor,
		    .perm = od->has_file_mode ? od->file_mode : 0666,
		    .uid = od->has_uid ? od->uid : 0,
		    .gid = od->has_gid ? od->gid : 0,
		};
		r = device_on_bind(cfg, rootfd, &d, e);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		r = make_device(rootfd, &d, e);
		if (r < 0)
			return r;
	}
	return 0;
}

int devices_bind_console(int rootfd, int ptyfd, struct nerr *e)
{
	_cleanup_close_ int dev = -1, target = -1;
	char src[64], dst[64];

	dev = inroot_open(rootfd, "/dev", O_PATH | O_DIRECTORY, false, e);
	if (dev < 0)
		return nerr_sys(e, -dev, "/dev/console: open /dev in the container");
	/* Whatever the image has there (a symlink perhaps) is replaced by a plain file. */
	if (unlinkat(dev, "console", 0) < 0 && errno != ENOENT)
		return nerr_sys(e, errno, "/dev/console: remove the image's entry");
	target = openat(dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (target < 0)
		return nerr_sys(e, errno, "/dev/console: create mount point");
	snprintf(src, sizeof src, "/proc/self/fd/%d", ptyfd);
	snprintf(dst, sizeof dst, "/proc/self/fd/%d", target);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return nerr_sys(e, errno, "/dev/console: bind the terminal");
	return 0;
}
