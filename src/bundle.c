/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "util.h"

int bundle_load(const char *dir, char path[PATH_MAX], char **raw, size_t *len,
                struct oci_config **cfg, struct nerr *e)
{
	_cleanup_close_ int dfd = -1;
	struct spec_error se;
	int r;

	if (!realpath(dir ? dir : ".", path))
		return nerr_sys(e, errno, "bundle \"%s\"", dir ? dir : ".");
	dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return nerr_sys(e, errno, "bundle \"%s\"", path);
	r = read_file_at(dfd, "config.json", raw, len, e);
	if (r < 0)
		return nerr_sys(e, -r, "open %s/config.json", path);
	if (oci_config_parse(*raw, *len, "config.json", cfg, &se) < 0)
		return nerr_set(e, EINVAL, "%s", se.msg);
	if (!(*cfg)->process)
		return nerr_set(e, EINVAL, "config.json: process: required field missing");
	if (!(*cfg)->root.path)
		return nerr_set(e, EINVAL, "config.json: root.path: required field missing");
	return 0;
}

int bundle_rootfs(const char *path, const struct oci_config *cfg, char rootfs[PATH_MAX],
                  struct nerr *e)
{
	char tmp[PATH_MAX * 2];
	const char *rp = cfg->root.path;
	struct stat sb;

	if (rp[0] != '/') {
		snprintf(tmp, sizeof tmp, "%s/%s", path, rp);
		rp = tmp;
	}
	if (!realpath(rp, rootfs) || stat(rootfs, &sb) < 0)
		return nerr_sys(e, errno, "rootfs \"%s\"", rp);
	if (!S_ISDIR(sb.st_mode))
		return nerr_set(e, ENOTDIR, "rootfs \"%s\" is not a directory", rp);
	return 0;
}

int bundle_check_terminal(const struct oci_config *cfg, bool socket_given, bool fd_given,
                          struct nerr *e)
{
	if (cfg->process->terminal && !socket_given && !fd_given)
		return nerr_set(
		    e, EINVAL,
		    "config.json: process.terminal is true but no --console-socket was given");
	if (!cfg->process->terminal && socket_given)
		return nerr_set(
		    e, EINVAL, "--console-socket given but config.json: process.terminal is false");
	return 0;
}
