/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state machine and the state directory.  Liveness is decided from the
 * pid and its start time together, so a reused pid is never taken for the
 * container; signals go through a pidfd opened and then verified.
 */
#include "lifecycle.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "cgroup.h"
#include "log.h"
#include "util.h"

int lifecycle_check_id(const char *id, struct nerr *e)
{
	size_t len = strlen(id);
	/* A too long ID is not echoed: the reason would not fit in the message. */
	if (len == 0 || len > 1024)
		return nerr_set(
		    e, EINVAL,
		    "invalid container ID (%zu characters): must be 1 to 1024 characters", len);
	if (!strcmp(id, ".") || !strcmp(id, ".."))
		return nerr_set(e, EINVAL, "invalid container ID \"%s\"", id);
	for (const char *p = id; *p; p++) {
		char ch = *p;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' || ch == '-' || ch == '.')
			continue;
		return nerr_set(
		    e, EINVAL,
		    "invalid container ID \"%s\": only letters, digits and _+-. are allowed", id);
	}
	return 0;
}

int lifecycle_open_root(const char *root, bool create, int *rootfd, struct nerr *e)
{
	int fd;
	if (create) {
		int r = mkdir_p(root, 0700);
		if (r < 0)
			return nerr_sys(e, -r, "create state directory %s", root);
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nerr_sys(e, errno, "open state directory %s", root);
	*rootfd = fd;
	return 0;
}

static int load_state(struct container *c, struct nerr *e)
{
	_cleanup_free_ char *buf = NULL;
	struct spec_error se;
	size_t len;
	int r = read_file_at(c->dirfd, STATE_NAME, &buf, &len, e);
	if (r == -ENOENT) {
		c->state = NULL;
		return 0;
	}
	if (r < 0)
		return r;
	/* EBADMSG, not EINVAL: `delete --force` tells a damaged state from a bad ID. */
	if (oci_state_parse(buf, len, STATE_NAME, &c->state, &se) < 0)
		return nerr_set(e, EBADMSG, "container \"%s\": %s", c->id, se.msg);
	/* The container's cgroup stays with the driver that made it. */
	cgroup_use_systemd(c->state->systemd_cgroup);
	return 0;
}

int lifecycle_claim(const char *root, const char *id, struct container *c, struct nerr *e)
{
	int r;
	memset(c, 0, sizeof *c);
	c->rootfd = c->dirfd = -1;
	r = lifecycle_check_id(id, e);
	if (r < 0)
		return r;
	r = lifecycle_open_root(root, true, &c->rootfd, e);
	if (r < 0)
		return r;
	c->id = xstrdup(id);
	if (mkdirat(c->rootfd, id, 0711) < 0) {
		r = errno;
		lifecycle_close(c);
		if (r == EEXIST)
			return nerr_set(e, EEXIST, "container \"%s\" already exists", id);
		return nerr_sys(e, r, "create %s/%s", root, id);
	}
	c->dirfd = openat(c->rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->dirfd < 0 || flock(c->dirfd, LOCK_EX) < 0) {
		r = errno;
		unlinkat(c->rootfd, id, AT_REMOVEDIR);
		lifecycle_close(c);
		return nerr_sys(e, r, "lock %s/%s", root, id);
	}
	return 0;
}

int lifecycle_open(const char *root, const char *id, bool exclusive, struct container *c,
                   struct nerr *e)
{
	int r;
	memset(c, 0, sizeof *c);
	c->rootfd = c->dirfd = -1;
	r = lifecycle_check_id(id, e);
	if (r < 0)
		return r;
	c->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0) {
		if (errno == ENOENT)
			return nerr_set(e, ENOENT, "container \"%s\" does not exist", id);
		return nerr_sys(e, errno, "open state directory %s", root);
	}
	c->id = xstrdup(id);
	c->dirfd = openat(c->rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->dirfd < 0) {
		r = errno;
		lifecycle_close(c);
		if (r == ENOENT)
			return nerr_set(e, ENOENT, "container \"%s\" does not exist", id);
		return nerr_sys(e, r, "open %s/%s", root, id);
	}
	if (flock(c->dirfd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		r = errno;
		lifecycle_close(c);
		return nerr_sys(e, r, "lock container \"%s\"", id);
	}
	r = load_state(c, e);
	if (r < 0) {
		lifecycle_close(c);
		return r;
	}
	return 0;
}

void lifecycle_close(struct container *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	if (c->rootfd >= 0)
		close(c->rootfd);
	c->dirfd = c->rootfd = -1;
	free(c->id);
	c->id = NULL;
	oci_state_free(c->state);
	c->state = NULL;
}

int lifecycle_save(struct container *c, struct nerr *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = oci_state_emit(c->state, &buf, &len);
	if (r < 0)
		return nerr_sys(e, -r, "encode state of \"%s\"", c->id);
	return write_file_atomic_at(c->dirfd, STATE_NAME, buf, len, 0600, e);
}

int lifecycle_destroy(struct container *c)
{
	return rm_rf_at(c->rootfd, c->id);
}

int lifecycle_discard(const char *root, const char *id, struct nerr *e)
{
	struct container c = {.rootfd = -1, .dirfd = -1};
	int r = lifecycle_check_id(id, e);
	if (r < 0)
		return r;
	c.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.rootfd < 0)
		return nerr_sys(e, errno, "open state directory %s", root);
	c.id = xstrdup(id);
	c.dirfd = openat(c.rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c.dirfd < 0 || flock(c.dirfd, LOCK_EX) < 0) {
		r = nerr_sys(e, errno, "open %s/%s", root, id);
		lifecycle_close(&c);
		return r;
	}
	r = lifecycle_destroy(&c);
	if (r < 0)
		nerr_sys(e, -r, "remove state of \"%s\"", id);
	lifecycle_close(&c);
	return r;
}

static bool init_alive(const struct oci_state *st)
{
	uint64_t start;
	char state;
	if (!st || st->pid <= 0)
		return false;
	if (proc_start_time(st->pid, &start, &state) < 0)
		return false;
	if (st->pid_start_time && start != st->pid_start_time)
		return false;
	return state != 'Z' && state != 'X';
}

const char *lifecycle_status(struct container *c)
{
	struct stat sb;
	if (!c->state)
		return "creating";
	if (!init_alive(c->state))
		return "stopped";
	if (!strcmp(c->state->status, "creating"))
		return "creating";
	if (fstatat(c->dirfd, EXEC_FIFO_NAME, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		return "created";
	if (c->state->cgroup_path && cgroup_is_frozen(c->state->cgroup_path))
		return "paused";
	return "running";
}

int lifecycle_pidfd(const struct oci_state *st)
{
	uint64_t start;
	char state;
	int fd;
	if (!st || st->pid <= 0)
		return -ESRCH;
	fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd < 0)
		return -errno;
	/* Verified after opening: the pidfd now pins this very process. */
	if (proc_start_time(st->pid, &start, &state) < 0 ||
	    (st->pid_start_time && start != st->pid_start_time) || state == 'Z' || state == 'X') {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

int lifecycle_load_config(struct container *c, struct oci_config **cfg, struct nerr *e)
{
	_cleanup_free_ char *buf = NULL;
	struct spec_error se;
	size_t len;
	int r = read_file_at(c->dirfd, CONFIG_NAME, &buf, &len, e);
	if (r < 0)
		return nerr_sys(e, -r, "config of container \"%s\"", c->id);
	if (oci_config_parse(buf, len, "config.json", cfg, &se) < 0)
		return nerr_set(e, EINVAL, "%s", se.msg);
	return 0;
}

char *lifecycle_now(void)
{
	char buf[64];

	log_rfc3339_now(buf, sizeof buf);
	return xstrdup(buf);
}
