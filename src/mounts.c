/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's filesystem.  Every destination is resolved from an fd of
 * the rootfs with openat2(RESOLVE_IN_ROOT), so a symlink in the image can
 * never put a mount on the host, and every mount is made onto that fd
 * (/proc/self/fd/N or move_mount) so nothing can be swapped between the
 * check and the mount.
 */
#include "mounts.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

static int sys_openat2(int dirfd, const char *path, struct open_how *how)
{
	return (int)syscall(SYS_openat2, dirfd, path, how, sizeof *how);
}

int mounts_open_in_root(int rootfd, const char *path, int flags, bool nofollow_last, struct nerr *e)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | (nofollow_last ? O_NOFOLLOW : 0)),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	const char *rel = path;
	int fd;
	while (*rel == '/')
		rel++;
	if (*rel == '\0')
		rel = ".";
	fd = sys_openat2(rootfd, rel, &how);
	if (fd < 0)
		return -errno;
	return fd;
}

static int mkdir_component(int parentfd, const char *name, bool as_file)
{
	if (as_file) {
		int fd = openat(parentfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			return errno == EEXIST ? 0 : -errno;
		close(fd);
		return 0;
	}
	if (mkdirat(parentfd, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int mounts_mkpath_in_root(int rootfd, const char *path, bool as_file, struct nerr *e)
{
	char buf[PATH_MAX];
	char *p, *slash;
	int r;

	if (strlen(path) >= sizeof buf)
		return nerr_set(e, ENAMETOOLONG, "path %s is too long", path);
	snprintf(buf, sizeof buf, "%s", path);
	p = buf;
	while (*p == '/')
		p++;
	while (*p) {
		_cleanup_close_ int parent = -1;
		bool last;
		slash = strchr(p, '/');
		last = slash == NULL || slash[strspn(slash, "/")] == '\0';
		if (slash)
			*slash = '\0';
		if (strcmp(p, ".") && strcmp(p, "..")) {
			/* parent directory of this component, resolved inside the root */
			char saved = *(p - (p > buf));
			if (p > buf)
				*(p - 1) = '\0';
			parent = mounts_open_in_root(rootfd, p > buf ? buf : "/", O_PATH | O_DIRECTORY,
						     false, e);
			if (p > buf)
				*(p - 1) = saved;
			if (parent < 0)
				return nerr_sys(e, -parent, "resolve %s in the container", path);
			r = mkdir_component(parent, p, as_file && last);
			if (r < 0)
				return nerr_sys(e, -r, "create %s in the container", path);
		}
		if (!slash)
			break;
		*slash = '/';
		p = slash + 1;
		while (*p == '/')
			p++;
	}
	return 0;
}

/* ---- mount options ------------------------------------------------------ */

struct mount_plan {
	unsigned long flags;	   /* MS_* set at mount time */
	unsigned long clear;	   /* MS_* cleared */
	unsigned long propagation; /* MS_SHARED etc., with MS_REC for r-forms */
	bool bind, rbind;
	char data[4096];
};

static const struct {
	const char *name;
	bool clear;
	unsigned long flag;
} flag_opts[] = {
	{"defaults", false, 0},	    {"ro", false, MS_RDONLY},	    {"rw", true, MS_RDONLY},
	{"nosuid", false, MS_NOSUID}, {"suid", true, MS_NOSUID},     {"nodev", false, MS_NODEV},
	{"dev", true, MS_NODEV},      {"noexec", false, MS_NOEXEC},  {"exec", true, MS_NOEXEC},
	{"sync", false, MS_SYNCHRONOUS}, {"async", true, MS_SYNCHRONOUS},
	{"dirsync", false, MS_DIRSYNC}, {"remount", false, MS_REMOUNT}, {"mand", false, MS_MANDLOCK},
	{"nomand", true, MS_MANDLOCK}, {"atime", true, MS_NOATIME},    {"noatime", false, MS_NOATIME},
	{"diratime", true, MS_NODIRATIME}, {"nodiratime", false, MS_NODIRATIME},
	{"relatime", false, MS_RELATIME}, {"norelatime", true, MS_RELATIME},
	{"strictatime", false, MS_STRICTATIME}, {"nostrictatime", true, MS_STRICTATIME},
};

static const struct {
	const char *name;
	unsigned long flag;
} prop_opts[] = {
	{"private", MS_PRIVATE},	      {"rprivate", MS_PRIVATE | MS_REC},
	{"shared", MS_SHARED},		      {"rshared", MS_SHARED | MS_REC},
	{"slave", MS_SLAVE},		      {"rslave", MS_SLAVE | MS_REC},
	{"unbindable", MS_UNBINDABLE},	      {"runbindable", MS_UNBINDABLE | MS_REC},
};

static void plan_options(const struct oci_mount *m, struct mount_plan *pl)
{
	size_t dlen = 0;
	memset(pl, 0, sizeof *pl);
	if (m->type && !strcmp(m->type, "bind"))
		pl->bind = true;
	for (size_t i = 0; i < m->options.len; i++) {
		const char *o = m->options.items[i];
		bool known = false;
		if (!strcmp(o, "bind")) {
			pl->bind = true;
			continue;
		}
		if (!strcmp(o, "rbind")) {
			pl->bind = pl->rbind = true;
			continue;
		}
		for (size_t j = 0; j < ARRAY_SIZE(flag_opts) && !known; j++) {
			if (strcmp(o, flag_opts[j].name))
				continue;
			known = true;
			if (flag_opts[j].clear) {
				pl->flags &= ~flag_opts[j].flag;
				pl->clear |= flag_opts[j].flag;
			} else {
				pl->flags |= flag_opts[j].flag;
				pl->clear &= ~flag_opts[j].flag;
			}
		}
		for (size_t j = 0; j < ARRAY_SIZE(prop_opts) && !known; j++) {
			if (!strcmp(o, prop_opts[j].name)) {
				pl->propagation = prop_opts[j].flag;
				known = true;
			}
		}
		if (known)
			continue;
		if (pl->bind || (m->type && !strcmp(m->type, "bind"))) {
			log_debug("mount %s: option \"%s\" ignored on a bind mount", m->destination, o);
			continue;
		}
		if (!strcmp(o, "tmpcopyup") || !strcmp(o, "copy-symlink") || !strcmp(o, "idmap") ||
		    !strncmp(o, "context", 7)) {
			log_debug("mount %s: option \"%s\" not handled here", m->destination, o);
			continue;
		}
		dlen += (size_t)snprintf(pl->data + dlen, sizeof pl->data - dlen, "%s%s", dlen ? "," : "", o);
		if (dlen >= sizeof pl->data)
			dlen = sizeof pl->data - 1;
	}
}

static bool source_is_dir(const struct oci_mount *m)
{
	struct stat sb;
	if (!m->source || stat(m->source, &sb) < 0)
		return true;
	return S_ISDIR(sb.st_mode);
}

/*
 * A "cgroup" mount shows the container its own cgroups.  On a pure v2 host
 * that is one cgroup2 mount; on v1 and hybrid hosts it is a tmpfs holding one
 * mount per host hierarchy (and cgroup2 at "unified"), as runc lays it out.
 */
static int mount_cgroup(int rootfd, int target, const struct oci_mount *m,
			const struct mount_plan *pl, struct nerr *e)
{
	FILE *f;
	char *line = NULL, tpath[64];
	size_t cap = 0;
	bool v1 = false;
	unsigned long fl = pl->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
	_cleanup_close_ int dir = -1;

	snprintf(tpath, sizeof tpath, "/proc/self/fd/%d", target);
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return nerr_sys(e, errno, "mount %s: read mountinfo", m->destination);
	while (getline(&line, &cap, f) > 0)
		if (strstr(line, " - cgroup ")) {
			v1 = true;
			break;
		}
	if (!v1) {
		fclose(f);
		free(line);
		if (mount("cgroup2", tpath, "cgroup2", pl->flags, NULL) < 0)
			return nerr_sys(e, errno, "mount %s (cgroup2)", m->destination);
		return 0;
	}
	rewind(f);
	if (mount("tmpfs", tpath, "tmpfs", fl, "mode=755") < 0) {
		fclose(f);
		free(line);
		return nerr_sys(e, errno, "mount %s (tmpfs for cgroups)", m->destination);
	}
	/* The fd we mounted on is the covered directory: reopen to reach the tmpfs. */
	dir = mounts_open_in_root(rootfd, m->destination, O_PATH | O_DIRECTORY, false, e);
	snprintf(tpath, sizeof tpath, "/proc/self/fd/%d", dir);
	while (dir >= 0 && getline(&line, &cap, f) > 0) {
		char mnt[PATH_MAX], fstype[32], src[64], opts[512], sub[PATH_MAX], data[512];
		const char *name, *sep = strstr(line, " - ");
		size_t dl = 0;
		_cleanup_close_ int sfd = -1;
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%31s %63s %511s", fstype, src, opts) != 3)
			continue;
		if (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2"))
			continue;
		if (!str_has_prefix(mnt, "/sys/fs/cgroup/"))
			continue;
		name = mnt + strlen("/sys/fs/cgroup/");
		if (strchr(name, '/'))
			continue;
		data[0] = '\0';
		for (char *tok = strtok(opts, ","); tok && !strcmp(fstype, "cgroup"); tok = strtok(NULL, ",")) {
			if (!strcmp(tok, "rw") || !strcmp(tok, "ro"))
				continue;
			dl += (size_t)snprintf(data + dl, sizeof data - dl, "%s%s", dl ? "," : "", tok);
		}
		if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
			continue;
		sfd = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sfd < 0)
			continue;
		snprintf(sub, sizeof sub, "/proc/self/fd/%d", sfd);
		if (mount(fstype, sub, fstype, pl->flags & ~MS_RDONLY, data[0] ? data : NULL) < 0) {
			int err = errno;
			fclose(f);
			free(line);
			return nerr_sys(e, err, "mount %s/%s (%s %s)", m->destination, name, fstype, data);
		}
		close(sfd);
		sfd = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		snprintf(sub, sizeof sub, "/proc/self/fd/%d", sfd);
		if ((pl->flags & MS_RDONLY) &&
		    mount(NULL, sub, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | fl, NULL) < 0) {
			int err = errno;
			fclose(f);
			free(line);
			return nerr_sys(e, err, "remount %s/%s read-only", m->destination, name);
		}
		/* cpu,cpuacct -> links cpu and cpuacct, as on the host */
		if (strchr(name, ',')) {
			char copy[256];
			snprintf(copy, sizeof copy, "%s", name);
			for (char *t = strtok(copy, ","); t; t = strtok(NULL, ","))
				symlinkat(name, dir, t);
		}
	}
	fclose(f);
	free(line);
	if ((pl->flags & MS_RDONLY) && mount(NULL, tpath, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | fl, NULL) < 0)
		return nerr_sys(e, errno, "remount %s read-only", m->destination);
	return 0;
}

static int mount_one(int rootfd, const struct oci_mount *m, struct nerr *e)
{
	struct mount_plan pl;
	_cleanup_close_ int target = -1;
	char tpath[64];
	bool as_file = false;
	int r;

	plan_options(m, &pl);
	if (pl.bind) {
		if (!m->source)
			return nerr_set(e, EINVAL, "mount %s: bind mount needs a source", m->destination);
		if (access(m->source, F_OK) < 0)
			return nerr_sys(e, errno, "mount %s: source %s", m->destination, m->source);
		as_file = !source_is_dir(m);
	}
	r = mounts_mkpath_in_root(rootfd, m->destination, as_file, e);
	if (r < 0)
		return nerr_wrap(e, "mount %s", m->destination);
	target = mounts_open_in_root(rootfd, m->destination, O_PATH, false, e);
	if (target < 0)
		return nerr_sys(e, -target, "mount %s: resolve destination", m->destination);
	/* /proc on anything but a real directory is refused (CVE-2019-16884 shape). */
	if (m->type && (!strcmp(m->type, "proc") || !strcmp(m->type, "sysfs"))) {
		struct stat sb;
		if (fstat(target, &sb) < 0 || !S_ISDIR(sb.st_mode))
			return nerr_set(e, ENOTDIR, "mount %s: %s must be mounted on a directory",
					m->destination, m->type);
	}
	snprintf(tpath, sizeof tpath, "/proc/self/fd/%d", target);

	if (pl.bind) {
		unsigned long bflags = MS_BIND | (pl.rbind ? MS_REC : 0);
		if (mount(m->source, tpath, NULL, bflags, NULL) < 0)
			return nerr_sys(e, errno, "mount %s (bind from %s)", m->destination, m->source);
		if (pl.flags & ~MS_REMOUNT) {
			/* A remount must keep the flags the kernel locked on the source. */
			_cleanup_close_ int mfd =
				mounts_open_in_root(rootfd, m->destination, O_PATH, false, e);
			unsigned long locked = 0;
			struct statvfs sv;
			if (mfd < 0)
				return nerr_sys(e, -mfd, "mount %s: reopen", m->destination);
			snprintf(tpath, sizeof tpath, "/proc/self/fd/%d", mfd);
			if (fstatvfs(mfd, &sv) == 0) {
				locked |= (sv.f_flag & ST_NOSUID) ? MS_NOSUID : 0;
				locked |= (sv.f_flag & ST_NODEV) ? MS_NODEV : 0;
				locked |= (sv.f_flag & ST_NOEXEC) ? MS_NOEXEC : 0;
				locked |= (sv.f_flag & ST_RDONLY) ? MS_RDONLY : 0;
			}
			locked &= ~pl.clear;
			if (mount(NULL, tpath, NULL,
				  MS_BIND | MS_REMOUNT | (pl.flags & ~MS_REMOUNT) | locked, NULL) < 0)
				return nerr_sys(e, errno, "remount %s", m->destination);
		}
	} else if (m->type && !strcmp(m->type, "cgroup")) {
		r = mount_cgroup(rootfd, target, m, &pl, e);
		if (r < 0)
			return r;
	} else {
		const char *type = m->type ? m->type : "none";
		const char *src = m->source ? m->source : type;
		if (mount(src, tpath, type, pl.flags, pl.data[0] ? pl.data : NULL) < 0)
			return nerr_sys(e, errno, "mount %s (type %s)", m->destination, type);
	}
	if (pl.propagation) {
		_cleanup_close_ int mfd = mounts_open_in_root(rootfd, m->destination, O_PATH, false, e);
		if (mfd >= 0) {
			snprintf(tpath, sizeof tpath, "/proc/self/fd/%d", mfd);
			if (mount(NULL, tpath, NULL, pl.propagation, NULL) < 0)
				return nerr_sys(e, errno, "set propagation of %s", m->destination);
		}
	}
	return 0;
}

/* ---- devices -------------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned maj, min;
} default_devices[] = {
	{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

static int make_device(int rootfd, const char *path, mode_t type, unsigned maj, unsigned min,
		       mode_t perm, uid_t uid, gid_t gid, struct nerr *e)
{
	_cleanup_close_ int parent = -1;
	char dir[PATH_MAX], *slash;
	const char *name;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return nerr_set(e, EINVAL, "device path %s must be absolute", path);
	*slash = '\0';
	name = slash + 1;
	if (mounts_mkpath_in_root(rootfd, dir[0] ? dir : "/", false, e) < 0)
		return -e->errnum;
	parent = mounts_open_in_root(rootfd, dir[0] ? dir : "/", O_PATH | O_DIRECTORY, false, e);
	if (parent < 0)
		return nerr_sys(e, -parent, "device %s: resolve %s", path, dir);
	unlinkat(parent, name, 0);
	if (mknodat(parent, name, type | (perm & 07777), makedev(maj, min)) == 0) {
		_cleanup_close_ int fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		char p[64];
		if (fd < 0)
			return nerr_sys(e, errno, "device %s", path);
		snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
		if (chmod(p, perm & 07777) < 0 || chown(p, uid, gid) < 0)
			return nerr_sys(e, errno, "device %s: set owner and mode", path);
		return 0;
	}
	if (errno != EPERM)
		return nerr_sys(e, errno, "mknod %s", path);
	/* In a user namespace mknod is not allowed: bind the host's node instead. */
	{
		char host[64], p[64];
		_cleanup_close_ int fd = -1;
		struct stat sb;
		snprintf(host, sizeof host, "/dev/%s", name);
		if (stat(path, &sb) == 0 && (sb.st_mode & S_IFMT) == type &&
		    major(sb.st_rdev) == maj && minor(sb.st_rdev) == min)
			snprintf(host, sizeof host, "%s", path);
		else if (stat(host, &sb) < 0 || major(sb.st_rdev) != maj || minor(sb.st_rdev) != min)
			return nerr_set(e, EPERM, "device %s: mknod not permitted and no matching host node", path);
		fd = openat(parent, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			return nerr_sys(e, errno, "device %s: create mount point", path);
		snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
		if (mount(host, p, NULL, MS_BIND, NULL) < 0)
			return nerr_sys(e, errno, "device %s: bind from %s", path, host);
	}
	return 0;
}

static int setup_devices(const struct oci_config *cfg, int rootfd, bool dev_tmpfs, struct nerr *e)
{
	static const char *links[][2] = {
		{"/proc/self/fd", "fd"},    {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
		{"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
	};
	int r;
	if (dev_tmpfs) {
		_cleanup_close_ int dev = -1;
		for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
			char path[64];
			snprintf(path, sizeof path, "/dev/%s", default_devices[i].name);
			r = make_device(rootfd, path, S_IFCHR, default_devices[i].maj, default_devices[i].min,
					0666, 0, 0, e);
			if (r < 0)
				return r;
		}
		dev = mounts_open_in_root(rootfd, "/dev", O_PATH | O_DIRECTORY, false, e);
		if (dev < 0)
			return nerr_sys(e, -dev, "open /dev in the container");
		for (size_t i = 0; i < ARRAY_SIZE(links); i++)
			if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
				return nerr_sys(e, errno, "symlink /dev/%s", links[i][1]);
	}
	for (size_t i = 0; i < cfg->linux_.n_devices; i++) {
		const struct oci_device *d = &cfg->linux_.devices[i];
		mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
		r = make_device(rootfd, d->path, type, (unsigned)d->major, (unsigned)d->minor,
				d->has_file_mode ? d->file_mode : 0666, d->has_uid ? d->uid : 0,
				d->has_gid ? d->gid : 0, e);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- rootfs ---------------------------------------------------------------- */

static unsigned long root_propagation(const char *name)
{
	if (!name)
		return MS_SLAVE | MS_REC;
	for (size_t j = 0; j < ARRAY_SIZE(prop_opts); j++)
		if (!strcmp(name, prop_opts[j].name))
			return prop_opts[j].flag;
	return MS_SLAVE | MS_REC;
}

int mounts_setup(const struct oci_config *cfg, const char *rootfs, int *rootfd, struct nerr *e)
{
	_cleanup_close_ int fd = -1;
	bool dev_tmpfs = false;
	int r;

	if (mount(NULL, "/", NULL, root_propagation(cfg->linux_.rootfs_propagation), NULL) < 0)
		return nerr_sys(e, errno, "set propagation of /");
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return nerr_sys(e, errno, "bind rootfs %s", rootfs);
	fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nerr_sys(e, errno, "open rootfs %s", rootfs);
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		r = mount_one(fd, m, e);
		if (r < 0)
			return r;
		if (!strcmp(m->destination, "/dev") && m->type && !strcmp(m->type, "tmpfs"))
			dev_tmpfs = true;
	}
	r = setup_devices(cfg, fd, dev_tmpfs, e);
	if (r < 0)
		return r;
	*rootfd = TAKE_FD(fd);
	return 0;
}

int mounts_enter_root(int rootfd, const char *rootfs, bool no_pivot, struct nerr *e)
{
	if (fchdir(rootfd) < 0)
		return nerr_sys(e, errno, "chdir to rootfs %s", rootfs);
	if (no_pivot) {
		if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
			return nerr_sys(e, errno, "move rootfs %s to /", rootfs);
		if (chroot(".") < 0)
			return nerr_sys(e, errno, "chroot %s", rootfs);
	} else {
		/* pivot_root(".", ".") stacks the old root under the new one; detach it. */
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return nerr_sys(e, errno, "pivot_root %s", rootfs);
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return nerr_sys(e, errno, "make the old root a slave");
		if (umount2(".", MNT_DETACH) < 0)
			return nerr_sys(e, errno, "detach the old root");
	}
	if (chdir("/") < 0)
		return nerr_sys(e, errno, "chdir /");
	return 0;
}

static int mask_path(int rootfd, const char *path, struct nerr *e)
{
	_cleanup_close_ int fd = -1, null = -1;
	struct stat sb, nb;
	char p[64];

	fd = mounts_open_in_root(rootfd, path, O_PATH, true, e);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return nerr_sys(e, -fd, "masked path %s", path);
	if (fstat(fd, &sb) < 0)
		return nerr_sys(e, errno, "masked path %s", path);
	if (S_ISLNK(sb.st_mode))
		return nerr_set(e, ELOOP, "masked path %s is a symbolic link", path);
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	if (S_ISDIR(sb.st_mode)) {
		if (mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0k") < 0)
			return nerr_sys(e, errno, "mask %s", path);
		return 0;
	}
	/* The /dev/null we bind must really be the null device (CVE-2025-31133 shape). */
	null = mounts_open_in_root(rootfd, "/dev/null", O_PATH, true, e);
	if (null < 0 || fstat(null, &nb) < 0 || !S_ISCHR(nb.st_mode) || nb.st_rdev != makedev(1, 3))
		return nerr_set(e, EPERM, "mask %s: /dev/null in the container is not the null device", path);
	{
		char np[64];
		snprintf(np, sizeof np, "/proc/self/fd/%d", null);
		if (mount(np, p, NULL, MS_BIND, NULL) < 0)
			return nerr_sys(e, errno, "mask %s", path);
	}
	return 0;
}

static int readonly_path(int rootfd, const char *path, struct nerr *e)
{
	_cleanup_close_ int fd = mounts_open_in_root(rootfd, path, O_PATH, true, e);
	char p[64];
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return nerr_sys(e, -fd, "read-only path %s", path);
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
		return nerr_sys(e, errno, "read-only path %s: bind", path);
	close(fd);
	fd = mounts_open_in_root(rootfd, path, O_PATH, true, e);
	if (fd < 0)
		return nerr_sys(e, -fd, "read-only path %s", path);
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	if (mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
		    0 &&
	    mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
		return nerr_sys(e, errno, "read-only path %s: remount", path);
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
		if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
			return nerr_sys(e, errno, "remount / read-only");
	}
	return 0;
}
