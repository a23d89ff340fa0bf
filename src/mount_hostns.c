/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Containers without a mount namespace of their own.  Such a container shares
 * the caller's mount namespace (runtime-spec: no "mount" entry in
 * linux.namespaces), so nothing may be done there that reaches beyond the
 * rootfs: no pivot_root, no MS_MOVE, no propagation change, no remount of a
 * mount the rootfs merely sits on.  The init mounts the config's mounts under
 * the rootfs and enters it with chroot; what it mounted is unmounted again when
 * the container is deleted or its creation fails, using the list of mounts
 * that were under the rootfs before (kept in the state directory).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mounts.h"
#include "util.h"

#define HOSTNS_MOUNTS_NAME "host-mounts"

bool mounts_has_own_ns(const struct oci_config *cfg)
{
	for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
		if (cfg->linux_.namespaces[i].type == OCI_NS_MOUNT)
			return true;
	return false;
}

int mounts_check_hostns(const struct oci_config *cfg, bool no_pivot, struct nerr *e)
{
	const char *what = NULL;

	if (mounts_has_own_ns(cfg))
		return 0;
	if (cfg->linux_.masked_paths.len || cfg->linux_.readonly_paths.len)
		return nerr_set(e, EINVAL,
		                "config.json: linux.%s: unable to restrict sys entries without a "
		                "private mount namespace (linux.namespaces has no \"mount\")",
		                cfg->linux_.masked_paths.len ? "maskedPaths" : "readonlyPaths");
	if (cfg->root.readonly)
		what = "root.readonly";
	else if (cfg->linux_.rootfs_propagation)
		what = "linux.rootfsPropagation";
	else if (no_pivot)
		what = "--no-pivot";
	if (what)
		return nerr_set(e, EINVAL,
		                "config.json: %s needs a private mount namespace (linux.namespaces "
		                "has no \"mount\"): it would change a mount of the host",
		                what);
	return 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

struct hostns_mount {
	int id;
	char *path;
};

/* The mounts strictly below rootfs in our mount namespace, in mountinfo order
 * (a parent before what is mounted on it). */
static int mounts_below(const char *rootfs, struct hostns_mount **out, size_t *n, struct nerr *e)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	size_t len = strlen(rootfs), cap = 0;
	char *line = NULL;
	size_t lsz = 0;

	*out = NULL;
	*n = 0;
	if (!f)
		return nerr_sys(e, errno, "open /proc/self/mountinfo");
	while (getline(&line, &lsz, f) > 0) {
		char mnt[PATH_MAX];
		int id;
		if (sscanf(line, "%d %*d %*s %*s %4095s", &id, mnt) != 2)
			continue;
		unescape(mnt);
		if (strncmp(mnt, rootfs, len) || mnt[len] != '/')
			continue;
		if (*n == cap) {
			struct hostns_mount *grown;
			cap = cap ? cap * 2 : 16;
			grown = realloc(*out, cap * sizeof **out);
			if (!grown)
				abort();
			*out = grown;
		}
		(*out)[(*n)++] = (struct hostns_mount){.id = id, .path = xstrdup(mnt)};
	}
	free(line);
	fclose(f);
	return 0;
}

static void free_mounts(struct hostns_mount *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].path);
	free(m);
}

int mounts_hostns_record(int dirfd, const char *rootfs, struct nerr *e)
{
	struct hostns_mount *m;
	size_t n, len = 0;
	_cleanup_free_ char *buf = NULL;
	int r;

	r = mounts_below(rootfs, &m, &n, e);
	if (r < 0)
		return r;
	buf = xmalloc(n * 12 + 1);
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(buf + len, "%d\n", m[i].id);
	free_mounts(m, n);
	return write_file_atomic_at(dirfd, HOSTNS_MOUNTS_NAME, buf, len, 0600, e);
}

static bool listed(const char *list, int id)
{
	char want[16];
	int wl = snprintf(want, sizeof want, "%d\n", id);
	for (const char *p = list; p && *p;) {
		if (!strncmp(p, want, (size_t)wl))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

int mounts_hostns_release(int dirfd, const char *rootfs, struct nerr *e)
{
	_cleanup_free_ char *list = NULL;
	struct hostns_mount *m;
	size_t n, len;
	int r, failed = 0;

	r = read_file_at(dirfd, HOSTNS_MOUNTS_NAME, &list, &len, e);
	if (r == -ENOENT)
		return 0; /* a container with its own mount namespace */
	if (r < 0)
		return nerr_sys(e, -r, "read the list of mounts under %s", rootfs);
	r = mounts_below(rootfs, &m, &n, e);
	if (r < 0)
		return r;
	/* Deepest first: mountinfo lists a mount before the ones stacked on it. */
	for (size_t i = n; i-- > 0;) {
		if (listed(list, m[i].id))
			continue;
		if (umount2(m[i].path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL &&
		    !failed) {
			failed = errno;
			nerr_sys(e, errno, "unmount %s", m[i].path);
		}
	}
	free_mounts(m, n);
	return failed ? -failed : 0;
}

/* Without a mount namespace: the mounts go under the rootfs in place (no bind of
 * the rootfs on itself, no propagation change), then chroot into it. */
int mounts_enter_root_hostns(int rootfd, const char *rootfs, struct nerr *e)
{
	if (fchdir(rootfd) < 0)
		return nerr_sys(e, errno, "chdir to rootfs %s", rootfs);
	if (chroot(".") < 0)
		return nerr_sys(e, errno, "chroot %s", rootfs);
	if (chdir("/") < 0)
		return nerr_sys(e, errno, "chdir /");
	return 0;
}
