/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The id maps of a new user namespace, written by the parent.  Root writes
 * them itself.  An unprivileged user may map only its own uid and gid, one
 * ID each, and only after setgroups is denied (the kernel's rule, so that a
 * process cannot drop a group it was denied by); anything wider goes
 * through the setuid helpers newuidmap and newgidmap (Debian's uidmap
 * package), which check the ranges in /etc/subuid and /etc/subgid.
 */
#include "userns.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static int write_map(pid_t pid, const char *file, const struct oci_id_mapping *m, size_t n,
                     struct nerr *e)
{
	char path[64], buf[4096];
	size_t len = 0;
	int r;

	for (size_t i = 0; i < n && len < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%u %u %u\n",
		                        m[i].container_id, m[i].host_id, m[i].size);
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	r = write_file_at(AT_FDCWD, path, buf, len);
	if (r < 0)
		return nerr_sys(e, -r, "write %s", file);
	return 0;
}

/* newuidmap PID ID HOSTID COUNT ... (and newgidmap): the helper's own
 * message goes to our stderr; ours names the helper and the field. */
static int run_map_helper(const char *helper, const char *field, pid_t pid,
                          const struct oci_id_mapping *m, size_t n, struct nerr *e)
{
	_cleanup_free_ char **argv = xcalloc(3 * n + 3, sizeof *argv);
	char nums[3 * 32 * 16 + 32];
	size_t used = 0, k = 0;
	int status;
	pid_t child;

	if (n > 16)
		return nerr_set(e, EINVAL, "config.json: %s: more than 16 ranges", field);
	argv[k++] = (char *)helper;
	argv[k++] = nums + used;
	used += (size_t)snprintf(nums + used, sizeof nums - used, "%d", (int)pid) + 1;
	for (size_t i = 0; i < n; i++) {
		const unsigned v[3] = {m[i].container_id, m[i].host_id, m[i].size};
		for (int j = 0; j < 3; j++) {
			argv[k++] = nums + used;
			used += (size_t)snprintf(nums + used, sizeof nums - used, "%u", v[j]) + 1;
		}
	}
	child = fork();
	if (child < 0)
		return nerr_sys(e, errno, "%s: fork", helper);
	if (child == 0) {
		execvp(helper, argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return nerr_sys(e, errno, "%s: wait", helper);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return nerr_set(e, ENOENT,
		                "config.json: %s: mapping more than the caller's own ID needs %s "
		                "(Debian package uidmap) and a range in /etc/sub%cid, and %s was "
		                "not found in $PATH",
		                field, helper, helper[3], helper);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return nerr_set(e, EPERM,
		                "config.json: %s: %s refused the mapping (is it within the "
		                "caller's range in /etc/sub%cid?)",
		                field, helper, helper[3]);
	return 0;
}

static bool only_own_id(const struct oci_id_mapping *m, size_t n, unsigned id)
{
	return n == 1 && m[0].size == 1 && m[0].host_id == id;
}

int userns_write_maps(pid_t pid, const struct oci_linux *lx, struct nerr *e)
{
	char path[64];
	int r;

	if (geteuid() == 0) {
		r = write_map(pid, "uid_map", lx->uid_mappings, lx->n_uid_mappings, e);
		if (r == 0)
			r = write_map(pid, "gid_map", lx->gid_mappings, lx->n_gid_mappings, e);
		return r;
	}
	if (only_own_id(lx->uid_mappings, lx->n_uid_mappings, geteuid()))
		r = write_map(pid, "uid_map", lx->uid_mappings, 1, e);
	else
		r = run_map_helper("newuidmap", "linux.uidMappings", pid, lx->uid_mappings,
		                   lx->n_uid_mappings, e);
	if (r < 0)
		return r;
	if (!only_own_id(lx->gid_mappings, lx->n_gid_mappings, getegid()))
		return run_map_helper("newgidmap", "linux.gidMappings", pid, lx->gid_mappings,
		                      lx->n_gid_mappings, e);
	/* Without CAP_SETGID the kernel takes a gid map only once setgroups is denied. */
	snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
	r = write_file_at(AT_FDCWD, path, "deny", 4);
	if (r < 0)
		return nerr_sys(e, -r, "write setgroups \"deny\"");
	return write_map(pid, "gid_map", lx->gid_mappings, 1, e);
}
