/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Idmapped bind mounts (options idmap and ridmap).  The kernel only lets a
 * process that owns the source filesystem's user namespace idmap a mount, so
 * this runs in the parent, on the host, before the init is cloned: the
 * source is cloned with open_tree, a throwaway user namespace carrying the
 * mount's uidMappings/gidMappings (or the container's) is made, and the
 * clone is idmapped with mount_setattr(MOUNT_ATTR_IDMAP).  The init inherits
 * the detached mount's fd and attaches it with move_mount.
 */
#include "idmap.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static int write_map(pid_t pid, const char *file, const struct oci_id_mapping *m, size_t n)
{
	char path[64], buf[4096];
	size_t len = 0;
	for (size_t i = 0; i < n && len < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%u %u %u\n",
		                        m[i].container_id, m[i].host_id, m[i].size);
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	return write_file_at(AT_FDCWD, path, buf, len);
}

#define IDMAP_MAX 64

struct idmap_maps {
	struct oci_id_mapping uid[IDMAP_MAX], gid[IDMAP_MAX];
	size_t nu, ng;
};

/* "0-1000-10#10-2000-5": on-disk start, host start, length; '#' between ranges. */
static int parse_ranges(const char *s, size_t len, struct oci_id_mapping *out, size_t *n)
{
	char buf[1024], *save = NULL;
	if (len >= sizeof buf)
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (char *t = strtok_r(buf, "#", &save); t; t = strtok_r(NULL, "#", &save)) {
		unsigned a, b, c;
		int used = 0;
		if (*n >= IDMAP_MAX || sscanf(t, "%u-%u-%u%n", &a, &b, &c, &used) != 3 || t[used] ||
		    !c)
			return -EINVAL;
		out[(*n)++] = (struct oci_id_mapping){a, b, c};
	}
	return *n ? 0 : -EINVAL;
}

static int parse_spec(const struct oci_mount *m, const char *spec, struct idmap_maps *mp,
                      struct nerr *e)
{
	const char *p = spec;
	while (*p) {
		size_t len = strcspn(p, ";");
		int r = -EINVAL;
		if (!strncmp(p, "uids=", 5))
			r = parse_ranges(p + 5, len - 5, mp->uid, &mp->nu);
		else if (!strncmp(p, "gids=", 5))
			r = parse_ranges(p + 5, len - 5, mp->gid, &mp->ng);
		if (r < 0)
			return nerr_set(e, EINVAL,
			                "mount %s: idmap=%s: expected "
			                "uids=FROM-TO-LEN[#...];gids=FROM-TO-LEN[#...]",
			                m->destination, spec);
		p += len + (p[len] == ';');
	}
	return 0;
}

/* The mapping of an idmapped mount: idmap=uids=...;gids=..., else the mount's
 * uidMappings/gidMappings, else the container's. */
static int mount_maps(const struct oci_mount *m, const struct mount_plan *pl,
                      const struct oci_config *cfg, struct idmap_maps *mp, struct nerr *e)
{
	const struct oci_linux *l = &cfg->linux_;
	memset(mp, 0, sizeof *mp);
	if (pl->idmap_spec && parse_spec(m, pl->idmap_spec, mp, e) < 0)
		return -EINVAL;
	if (!mp->nu) {
		const struct oci_id_mapping *u =
		    m->n_uid_mappings ? m->uid_mappings : l->uid_mappings;
		mp->nu = m->n_uid_mappings ? m->n_uid_mappings : l->n_uid_mappings;
		mp->nu = mp->nu > IDMAP_MAX ? IDMAP_MAX : mp->nu;
		if (mp->nu)
			memcpy(mp->uid, u, mp->nu * sizeof *u);
	}
	if (!mp->ng) {
		const struct oci_id_mapping *g =
		    m->n_gid_mappings ? m->gid_mappings : l->gid_mappings;
		mp->ng = m->n_gid_mappings ? m->n_gid_mappings : l->n_gid_mappings;
		mp->ng = mp->ng > IDMAP_MAX ? IDMAP_MAX : mp->ng;
		if (mp->ng)
			memcpy(mp->gid, g, mp->ng * sizeof *g);
	}
	if (!mp->nu || !mp->ng)
		return nerr_set(
		    e, EINVAL,
		    "mount %s: idmap needs uidMappings and gidMappings (on the mount or in linux)",
		    m->destination);
	return 0;
}

/* A user namespace fd with these maps: a child is forked into a new user
 * namespace, stops itself while we write its maps, and is reaped. */
static int make_userns(const struct oci_mount *m, const struct idmap_maps *mp, struct nerr *e)
{
	int pfd[2], fd = -1, r;
	char path[64];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return nerr_sys(e, errno, "mount %s: idmap: pipe", m->destination);
	pid = fork();
	if (pid == 0) {
		char c;
		close(pfd[1]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		/* Tell the parent we are in, then wait for it to be done with us. */
		kill(getpid(), SIGSTOP);
		(void)!read(pfd[0], &c, 1);
		_exit(0);
	}
	close(pfd[0]);
	if (pid < 0) {
		close(pfd[1]);
		return nerr_sys(e, errno, "mount %s: idmap: fork", m->destination);
	}
	r = waitpid(pid, NULL, WUNTRACED) == pid ? 0 : -errno;
	if (r == 0)
		r = write_map(pid, "uid_map", mp->uid, mp->nu);
	if (r == 0)
		r = write_map(pid, "gid_map", mp->gid, mp->ng);
	if (r == 0) {
		snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			r = -errno;
	}
	close(pfd[1]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (r < 0)
		return nerr_sys(e, -r, "mount %s: idmap: make a user namespace with the mappings",
		                m->destination);
	return fd;
}

int idmap_clone(const struct oci_config *cfg, const struct oci_mount *m,
                const struct mount_plan *pl, struct nerr *e)
{
	_cleanup_close_ int tree = -1, userns = -1;
	struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP};
	struct idmap_maps mp;

	if (!m->source)
		return nerr_set(e, EINVAL, "mount %s: a bind mount needs a source", m->destination);
	if (mount_maps(m, pl, cfg, &mp, e) < 0)
		return -EINVAL;
	tree = open_tree(AT_FDCWD, m->source,
	                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (pl->rbind ? AT_RECURSIVE : 0));
	if (tree < 0)
		return nerr_sys(e, errno, "mount %s: bind source %s", m->destination, m->source);
	userns = make_userns(m, &mp, e);
	if (userns < 0)
		return userns;
	a.userns_fd = (uint64_t)userns;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (pl->ridmap ? AT_RECURSIVE : 0), &a, sizeof a) <
	    0)
		return nerr_sys(e, errno,
		                "mount %s: idmap %s (does its filesystem support idmapped mounts?)",
		                m->destination, m->source);
	return TAKE_FD(tree);
}

bool idmap_wanted(const struct oci_mount *m)
{
	for (size_t i = 0; i < m->options.len; i++)
		if (!strncmp(m->options.items[i], "idmap", 5) ||
		    !strncmp(m->options.items[i], "ridmap", 6))
			return true;
	return false;
}
