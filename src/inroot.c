/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-root path resolution: every path inside the container is opened or
 * created from an fd of its root with openat2(RESOLVE_IN_ROOT), one component
 * at a time, so ".." stops at the root and a symlink in the image resolves as
 * if the root were "/".  The mounts, the devices and the cgroup mount build on it.
 */
#include "inroot.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

int inroot_open(int rootfd, const char *path, int flags, bool nofollow_last, struct nerr *e)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC | (nofollow_last ? O_NOFOLLOW : 0)),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	const char *rel = path;
	int fd;
	(void)e;
	while (*rel == '/')
		rel++;
	if (*rel == '\0')
		rel = ".";
	fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
	return fd < 0 ? -errno : fd;
}

static int mkdir_component(int parentfd, const char *name, bool as_file)
{
	if (as_file) {
		int fd = openat(parentfd, name,
		                O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			return errno == EEXIST ? 0 : -errno;
		close(fd);
		return 0;
	}
	if (mkdirat(parentfd, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int inroot_mkpath(int rootfd, const char *path, bool as_file, struct nerr *e)
{
	char buf[PATH_MAX];
	char *p, *slash;

	if (strlen(path) >= sizeof buf)
		return nerr_set(e, ENAMETOOLONG, "path %s is too long", path);
	snprintf(buf, sizeof buf, "%s", path);
	p = buf;
	while (*p == '/')
		p++;
	while (*p) {
		bool last;
		slash = strchr(p, '/');
		last = slash == NULL || slash[strspn(slash, "/")] == '\0';
		if (slash)
			*slash = '\0';
		if (strcmp(p, ".") && strcmp(p, "..")) {
			/* the parent of this component, resolved inside the root */
			_cleanup_close_ int parent = -1;
			char saved = p > buf ? p[-1] : 0;
			int r;
			if (p > buf)
				p[-1] = '\0';
			parent = inroot_open(rootfd, p > buf ? buf : "/", O_PATH | O_DIRECTORY,
			                     false, e);
			if (p > buf)
				p[-1] = saved;
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
