/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The context populator (mount option context=bind|copy on a bind mount).
 *
 * context=bind closes the check-then-mount race by validating what is
 * mounted: the source is cloned with open_tree(OPEN_TREE_CLONE), made
 * read-only, nosuid, nodev and noexec recursively while still detached,
 * walked through that clone's fd, and only then attached with move_mount.
 * A path swapped on the host after the clone changes nothing we mount.
 *
 * context=copy walks the source through fds opened with O_NOFOLLOW, checks
 * each opened file is what lstat saw, and writes into a detached tmpfs made
 * with fsopen/fsmount, which is attached only when the copy is complete.
 */
#include "context.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

struct hardlink {
	dev_t dev;
	ino_t ino;
	char *path; /* relative to the destination root */
};

struct walk {
	const struct context_copy_opts *o;
	int src_root, dst_root; /* dst_root -1: validate only */
	char rel[PATH_MAX];     /* path of the current entry below the root */
	unsigned long long bytes, files;
	struct hardlink *links;
	size_t n_links;
};

bool context_name_is_secret(const char *name)
{
	static const char *const exact[] = {".ssh",   ".aws",   ".gnupg",
	                                    ".netrc", ".npmrc", ".pgpass"};
	static const char *const prefix[] = {".env", "id_rsa", "id_ed25519", "id_ecdsa", "id_dsa"};
	static const char *const suffix[] = {".pem", ".key", ".p12", ".pfx"};
	size_t n = strlen(name);
	for (size_t i = 0; i < ARRAY_SIZE(exact); i++)
		if (!strcmp(name, exact[i]))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(prefix); i++)
		if (str_has_prefix(name, prefix[i]))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(suffix); i++) {
		size_t l = strlen(suffix[i]);
		if (n > l && !strcasecmp(name + n - l, suffix[i]))
			return true;
	}
	return strcasestr(name, "secret") || strcasestr(name, "credential");
}

static const char *kind_name(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	default:
		return "a special file";
	}
}

/* A symlink must resolve beneath the tree: RESOLVE_BENEATH fails with EXDEV on
 * ".." above the root and on absolute targets (which would name the container's
 * root, not the folder). */
static int check_symlink(struct walk *w, struct nerr *e)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
	                       .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, w->src_root, w->rel, &how, sizeof how);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)
		return 0; /* dangling or looping, but never outside */
	if (errno == EXDEV)
		return nerr_set(
		    e, EXDEV, "context %s: \"%s\" is a symbolic link that leads outside the folder",
		    w->o->label, w->rel);
	return nerr_sys(e, errno, "context %s: resolve symbolic link \"%s\"", w->o->label, w->rel);
}

static int copy_bytes(int in, int out, off_t size)
{
	off_t done = 0;
	while (done < size) {
		ssize_t n = sendfile(out, in, NULL,
		                     (size_t)(size - done > (1 << 30) ? 1 << 30 : size - done));
		if (n < 0)
			return -errno;
		if (n == 0)
			break; /* the file shrank while we copied: keep what was there */
		done += n;
	}
	return 0;
}

/* In a user namespace a source owner that is not mapped reads as the overflow
 * id (nobody); giving the copy to nobody would lock the container out of it, so
 * such a copy stays the container root's. */
static bool unmapped_id(unsigned id)
{
	static int in_userns = -1;
	if (in_userns < 0) {
		char buf[64] = "";
		FILE *f = fopen("/proc/self/uid_map", "re");
		if (f) {
			if (!fgets(buf, sizeof buf, f))
				buf[0] = '\0';
			fclose(f);
		}
		in_userns = strspn(buf, " 0") < 2 || !strstr(buf, "4294967295");
	}
	return in_userns && id == 65534;
}

static void keep_owner_and_times(int fd, const struct stat *st)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	uid_t uid = unmapped_id(st->st_uid) ? (uid_t)-1 : st->st_uid;
	gid_t gid = unmapped_id(st->st_gid) ? (gid_t)-1 : st->st_gid;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0)
		log_debug("context: keep owner of a copied file: %s", strerror(errno));
	fchmod(fd, st->st_mode & 07777);
	futimens(fd, ts);
}

static int find_hardlink(struct walk *w, const struct stat *st, const char *name, int dstdir)
{
	for (size_t i = 0; i < w->n_links; i++)
		if (w->links[i].dev == st->st_dev && w->links[i].ino == st->st_ino)
			return linkat(w->dst_root, w->links[i].path, dstdir, name, 0) < 0 ? -errno
			                                                                  : 1;
	w->links = realloc(w->links, (w->n_links + 1) * sizeof *w->links);
	if (!w->links)
		abort();
	w->links[w->n_links++] = (struct hardlink){st->st_dev, st->st_ino, xstrdup(w->rel)};
	return 0;
}

static int copy_file(struct walk *w, int srcdir, int dstdir, const char *name,
                     const struct stat *st, struct nerr *e)
{
	_cleanup_close_ int in = -1, out = -1;
	struct stat now;
	int r;

	/* O_NONBLOCK: a file swapped for a FIFO on the host must not hang us. */
	in = openat(srcdir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (in < 0)
		return nerr_sys(e, errno, "context %s: open \"%s\"", w->o->label, w->rel);
	if (fstat(in, &now) < 0 || !S_ISREG(now.st_mode) || now.st_ino != st->st_ino ||
	    now.st_dev != st->st_dev)
		return nerr_set(e, EAGAIN, "context %s: \"%s\" changed while it was copied",
		                w->o->label, w->rel);
	w->bytes += (unsigned long long)now.st_size;
	if (w->o->max_bytes && w->bytes > w->o->max_bytes)
		return nerr_set(e, EFBIG,
		                "context %s: the folder holds more than %llu bytes (at \"%s\"); "
		                "raise context-size=",
		                w->o->label, w->o->max_bytes, w->rel);
	if (now.st_nlink > 1) {
		r = find_hardlink(w, &now, name, dstdir);
		if (r < 0)
			return nerr_sys(e, -r, "context %s: hard link \"%s\"", w->o->label, w->rel);
		if (r > 0)
			return 0;
	}
	out = openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return nerr_sys(e, errno, "context %s: create \"%s\"", w->o->label, w->rel);
	r = copy_bytes(in, out, now.st_size);
	if (r < 0)
		return nerr_sys(e, -r, "context %s: copy \"%s\"", w->o->label, w->rel);
	keep_owner_and_times(out, &now);
	return 0;
}

static int copy_symlink(struct walk *w, int srcdir, int dstdir, const char *name,
                        const struct stat *st, struct nerr *e)
{
	char target[PATH_MAX];
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	ssize_t n;

	if (w->o->strict) {
		int r = check_symlink(w, e);
		if (r < 0)
			return r;
	}
	if (w->dst_root < 0)
		return 0;
	n = readlinkat(srcdir, name, target, sizeof target - 1);
	if (n < 0)
		return nerr_sys(e, errno, "context %s: read symbolic link \"%s\"", w->o->label,
		                w->rel);
	target[n] = '\0';
	if (symlinkat(target, dstdir, name) < 0)
		return nerr_sys(e, errno, "context %s: create symbolic link \"%s\"", w->o->label,
		                w->rel);
	if (fchownat(dstdir, name, unmapped_id(st->st_uid) ? (uid_t)-1 : st->st_uid,
	             unmapped_id(st->st_gid) ? (gid_t)-1 : st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		log_debug("context: keep owner of a copied symbolic link: %s", strerror(errno));
	utimensat(dstdir, name, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

static int copy_special(struct walk *w, int dstdir, const char *name, const struct stat *st,
                        struct nerr *e)
{
	if (w->o->strict)
		return nerr_set(e, EPERM, "context %s: \"%s\" is %s: special files are not allowed",
		                w->o->label, w->rel, kind_name(st->st_mode));
	/* tmpcopyup of an image: keep what the kernel lets us make, skip the rest. */
	if (w->dst_root >= 0 && !S_ISSOCK(st->st_mode) &&
	    mknodat(dstdir, name, st->st_mode, st->st_rdev) < 0)
		log_debug("copy %s/%s: %s", w->o->label, w->rel, strerror(errno));
	return 0;
}

static int walk_dir(struct walk *w, int srcdir, int dstdir, unsigned long long depth,
                    struct nerr *e);

static int copy_subdir(struct walk *w, int srcdir, int dstdir, const char *name,
                       const struct stat *st, unsigned long long depth, struct nerr *e)
{
	_cleanup_close_ int s = -1, d = -1;
	struct stat now;
	int r;

	if (w->o->max_depth && depth >= w->o->max_depth)
		return nerr_set(
		    e, ELOOP,
		    "context %s: \"%s\" is nested deeper than %llu levels; raise context-depth=",
		    w->o->label, w->rel, w->o->max_depth);
	s = openat(srcdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s < 0 || fstat(s, &now) < 0 || now.st_ino != st->st_ino || now.st_dev != st->st_dev)
		return nerr_set(e, EAGAIN, "context %s: \"%s\" changed while it was read",
		                w->o->label, w->rel);
	if (dstdir >= 0) {
		if (mkdirat(dstdir, name, 0700) < 0 && errno != EEXIST)
			return nerr_sys(e, errno, "context %s: create \"%s\"", w->o->label, w->rel);
		d = openat(dstdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d < 0)
			return nerr_sys(e, errno, "context %s: open copy of \"%s\"", w->o->label,
			                w->rel);
	}
	r = walk_dir(w, s, d, depth + 1, e);
	if (r == 0 && d >= 0)
		keep_owner_and_times(d, &now);
	return r;
}

static int walk_entry(struct walk *w, int srcdir, int dstdir, const char *name,
                      unsigned long long depth, struct nerr *e)
{
	struct stat st;
	if (fstatat(srcdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return nerr_sys(e, errno, "context %s: stat \"%s\"", w->o->label, w->rel);
	if (w->o->max_files && ++w->files > w->o->max_files)
		return nerr_set(e, EMFILE,
		                "context %s: the folder holds more than %llu entries (at \"%s\"); "
		                "raise context-files=",
		                w->o->label, w->o->max_files, w->rel);
	if (w->o->skip_secrets && context_name_is_secret(name)) {
		if (w->dst_root < 0)
			return nerr_set(e, EACCES,
			                "context %s: \"%s\" looks like a secret and a bind cannot "
			                "leave it out; use context=copy or context-secrets=include",
			                w->o->label, w->rel);
		log_debug("context %s: \"%s\" looks like a secret: left out", w->o->label, w->rel);
		return 0;
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return copy_subdir(w, srcdir, dstdir, name, &st, depth, e);
	case S_IFREG:
		return w->dst_root < 0 ? 0 : copy_file(w, srcdir, dstdir, name, &st, e);
	case S_IFLNK:
		return copy_symlink(w, srcdir, dstdir, name, &st, e);
	default:
		return copy_special(w, dstdir, name, &st, e);
	}
}

static int walk_dir(struct walk *w, int srcdir, int dstdir, unsigned long long depth,
                    struct nerr *e)
{
	DIR *d;
	struct dirent *de;
	size_t base = strlen(w->rel);
	int fd = openat(srcdir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		r = nerr_sys(e, errno, "context %s: read directory \"%s\"", w->o->label,
		             base ? w->rel : ".");
		if (fd >= 0)
			close(fd);
		return r;
	}
	while (r == 0 && (errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (base + strlen(de->d_name) + 2 >= sizeof w->rel) {
			r = nerr_set(e, ENAMETOOLONG, "context %s: path too long under \"%s\"",
			             w->o->label, w->rel);
			break;
		}
		snprintf(w->rel + base, sizeof w->rel - base, "%s%s", base ? "/" : "", de->d_name);
		r = walk_entry(w, srcdir, dstdir, de->d_name, depth, e);
		w->rel[base] = '\0';
	}
	if (r == 0 && errno)
		r = nerr_sys(e, errno, "context %s: read directory \"%s\"", w->o->label,
		             base ? w->rel : ".");
	closedir(d);
	return r;
}

static int run_walk(int srcdir, int dstdir, const struct context_copy_opts *o, struct nerr *e)
{
	struct walk w = {.o = o, .src_root = srcdir, .dst_root = dstdir};
	int r = walk_dir(&w, srcdir, dstdir, 0, e);
	for (size_t i = 0; i < w.n_links; i++)
		free(w.links[i].path);
	free(w.links);
	return r;
}

int context_copy_tree(int srcdir, int dstdir, const struct context_copy_opts *o, struct nerr *e)
{
	return run_walk(srcdir, dstdir, o, e);
}

static void context_limits(const char *source, const struct mount_plan *pl,
                           struct context_copy_opts *o)
{
	o->label = source;
	o->strict = true;
	o->skip_secrets = !pl->context_secrets;
	o->max_bytes = pl->context_size ? pl->context_size : CONTEXT_DEFAULT_SIZE;
	o->max_depth = pl->context_depth ? pl->context_depth : CONTEXT_DEFAULT_DEPTH;
	o->max_files = pl->context_files ? pl->context_files : CONTEXT_DEFAULT_FILES;
}

static int attach(int mntfd, int targetfd, const char *dest, struct nerr *e)
{
	if (move_mount(mntfd, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return nerr_sys(e, errno, "mount %s: attach the context", dest);
	return 0;
}

int context_bind(const char *source, int targetfd, const char *dest, const struct mount_plan *pl,
                 struct nerr *e)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
	                                      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
	struct context_copy_opts o;
	_cleanup_close_ int tree = -1;
	struct stat st;
	int r;

	context_limits(source, pl, &o);
	o.max_bytes = 0; /* nothing is copied */
	tree = open_tree(AT_FDCWD, source,
	                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW);
	if (tree < 0)
		return nerr_sys(e, errno, "mount %s: context source %s", dest, source);
	if (fstat(tree, &st) < 0 || !S_ISDIR(st.st_mode))
		return nerr_set(e, ENOTDIR, "mount %s: context source %s must be a directory", dest,
		                source);
	/* Hardened before it is looked at, so what is checked is what is attached. */
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
		return nerr_sys(e, errno, "mount %s: make the context read-only", dest);
	r = run_walk(tree, -1, &o, e);
	if (r < 0)
		return nerr_wrap(e, "mount %s", dest);
	return attach(tree, targetfd, dest, e);
}

static int make_tmpfs(unsigned long long size, mode_t mode, struct nerr *e, const char *dest)
{
	_cleanup_close_ int fs = -1;
	char val[32];
	int mnt;

	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return nerr_sys(e, errno, "mount %s: create a tmpfs for the context", dest);
	snprintf(val, sizeof val, "%llu", size);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "size", val, 0) < 0)
		return nerr_sys(e, errno, "mount %s: tmpfs size=%s", dest, val);
	snprintf(val, sizeof val, "%o", mode & 07777);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", val, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return nerr_sys(e, errno, "mount %s: create a tmpfs for the context", dest);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mnt < 0)
		return nerr_sys(e, errno, "mount %s: mount a tmpfs for the context", dest);
	return mnt;
}

int context_copy(const char *source, int targetfd, const char *dest, const struct mount_plan *pl,
                 struct nerr *e)
{
	struct context_copy_opts o;
	struct mount_attr attr = {0};
	_cleanup_close_ int src = -1, mnt = -1, dst = -1;
	struct stat st;
	int r;

	context_limits(source, pl, &o);
	src = open(source, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (src < 0)
		return nerr_sys(e, errno,
		                "mount %s: context source %s (a directory, not a symbolic link)",
		                dest, source);
	if (fstat(src, &st) < 0)
		return nerr_sys(e, errno, "mount %s: context source %s", dest, source);
	mnt = make_tmpfs(o.max_bytes, st.st_mode, e, dest);
	if (mnt < 0)
		return mnt;
	dst = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0)
		return nerr_sys(e, errno, "mount %s: open the context tmpfs", dest);
	r = run_walk(src, dst, &o, e);
	if (r < 0)
		return nerr_wrap(e, "mount %s", dest);
	keep_owner_and_times(dst, &st);
	/* The options asked for (ro, noexec...) apply to the finished copy. */
	attr.attr_set = ((pl->flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0) |
	                ((pl->flags & MS_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0) | pl->rec_set;
	attr.attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
	if (attr.attr_set &&
	    mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
		return nerr_sys(e, errno, "mount %s: set the context's mount options", dest);
	return attach(mnt, targetfd, dest, e);
}
