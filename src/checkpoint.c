/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `checkpoint`: dump a container with CRIU.  CRIU is told, as runc tells it,
 * which mounts come from outside the container (bind mounts, masked files),
 * which namespaces were joined by path (external: restored into whatever
 * the new config gives), which cgroup to freeze, and where the init's stdio
 * pointed (descriptors.json beside the images, for the restore).
 */
#include "config.h"

#include <errno.h>

#include "checkpoint.h"

#ifndef HAVE_CRIU

int checkpoint_check_built(struct nerr *e)
{
	return nerr_set(e, ENOTSUP,
	                "nucleus-oci was built without CRIU support (install the criu and "
	                "libprotobuf-c-dev packages and rebuild)");
}

int checkpoint_container(struct globals *g, struct container *c, const struct checkpoint_opts *o,
                         struct nerr *e)
{
	return checkpoint_check_built(e);
}

#else

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cgroup.h"
#include "container.h"
#include "crlib.h"
#include "util.h"

#define DESCRIPTORS_NAME "descriptors.json"
#define STDIO_TTYS_NAME  "stdio-ttys.json"

int checkpoint_check_built(struct nerr *e)
{
	return 0;
}

static int write_string_array(int images_fd, const char *name, const char *const *v, size_t n,
                              struct nerr *e)
{
	yajl_gen gen = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	int r;

	if (!gen)
		return nerr_set(e, ENOMEM, "encode %s", name);
	yajl_gen_array_open(gen);
	for (size_t i = 0; i < n; i++)
		yajl_gen_string(gen, (const unsigned char *)v[i], strlen(v[i]));
	yajl_gen_array_close(gen);
	yajl_gen_get_buf(gen, &buf, &len);
	r = write_file_atomic_at(images_fd, name, (const char *)buf, len, 0600, e);
	yajl_gen_free(gen);
	return r;
}

/* Where the init's stdin, stdout and stderr point ("pipe:[123]", a path):
 * the restore hands its own stdio in place of the pipes. */
static int write_descriptors(int images_fd, pid_t pid, struct nerr *e)
{
	char targets[3][PATH_MAX];
	const char *v[3];

	for (int fd = 0; fd < 3; fd++) {
		char link[64];
		ssize_t n;

		snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)pid, fd);
		n = readlink(link, targets[fd], sizeof targets[fd] - 1);
		if (n < 0)
			n = 0; /* closed */
		targets[fd][n] = '\0';
		v[fd] = targets[fd];
	}
	return write_string_array(images_fd, DESCRIPTORS_NAME, v, 3, e);
}

/* A pts or a virtual terminal (the majors CRIU's tty code knows). */
static bool is_terminal(dev_t rdev)
{
	unsigned maj = major(rdev);
	return (maj >= 136 && maj <= 143) || maj == 4;
}

/*
 * Without process.terminal, a terminal on the init's stdio is the caller's
 * (a shell job).  CRIU cannot dump it as a file (its devpts is no mount of
 * the container's): with --shell-job it is external, keyed as CRIU keys
 * ttys, and the keys are saved for the restore to hand its own terminal in
 * their place; without, the checkpoint is refused naming it.
 */
static int stdio_ttys(struct crlib *l, const struct oci_config *cfg,
                      const struct checkpoint_opts *o, pid_t pid, struct nerr *e)
{
	static const char *const names[] = {"stdin", "stdout", "stderr"};
	char keys[3][64] = {"", "", ""};
	const char *json[3];
	bool any = false;

	if (o->pre_dump || (cfg->process && cfg->process->terminal))
		return 0;
	for (int fd = 0; fd < 3; fd++) {
		char link[64], target[PATH_MAX];
		struct stat sb;
		ssize_t n;

		json[fd] = keys[fd];
		snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)pid, fd);
		if (stat(link, &sb) < 0 || !S_ISCHR(sb.st_mode) || !is_terminal(sb.st_rdev))
			continue;
		if (!o->cr.shell_job) {
			n = readlink(link, target, sizeof target - 1);
			target[n < 0 ? 0 : n] = '\0';
			return nerr_set(e, EINVAL,
			                "its %s is a terminal of the caller (%s), not one of its "
			                "own: checkpoint it with --shell-job",
			                names[fd], target);
		}
		snprintf(keys[fd], sizeof keys[fd], "tty[%llx:%llx]",
		         (unsigned long long)sb.st_rdev, (unsigned long long)sb.st_dev);
		any = true;
		if ((fd > 0 && !strcmp(keys[fd], keys[0])) ||
		    (fd > 1 && !strcmp(keys[fd], keys[1])))
			continue;
		if (l->add_external(l->opts, keys[fd]) < 0)
			return nerr_set(e, ENOMEM, "libcriu: external %s", keys[fd]);
	}
	return any ? write_string_array(l->images_fd, STDIO_TTYS_NAME, json, 3, e) : 0;
}

/* A network or PID namespace joined by path belongs to someone else (a pod,
 * an engine): CRIU leaves it out and the restore joins the one configured. */
static int add_external_namespaces(struct crlib *l, const struct oci_config *cfg, struct nerr *e)
{
	for (size_t i = 0; i < cfg->linux_.n_namespaces; i++) {
		const struct oci_namespace *ns = &cfg->linux_.namespaces[i];
		const char *kind;
		char key[128];
		struct stat sb;

		if (!ns->path || (ns->type != OCI_NS_NETWORK && ns->type != OCI_NS_PID))
			continue;
		kind = ns->type == OCI_NS_NETWORK ? "net" : "pid";
		if (stat(ns->path, &sb) < 0)
			return nerr_sys(e, errno,
			                "config.json: linux.namespaces: %s namespace \"%s\"",
			                oci_ns_type_name(ns->type), ns->path);
		snprintf(key, sizeof key, "%s[%lu]:%s", kind, (unsigned long)sb.st_ino,
		         ns->type == OCI_NS_NETWORK ? "extRootNetNS" : "extRootPidNS");
		if (l->add_external(l->opts, key) < 0)
			return nerr_set(e, ENOMEM, "libcriu: external %s", key);
	}
	return 0;
}

static int pre_dump_options(struct crlib *l, const struct checkpoint_opts *o, struct nerr *e)
{
	struct stat sb;

	if (o->parent_path) {
		if (o->parent_path[0] == '/')
			return nerr_set(e, EINVAL,
			                "--parent-path \"%s\": must be relative to the image path",
			                o->parent_path);
		if (fstatat(l->images_fd, o->parent_path, &sb, 0) < 0)
			return nerr_sys(e, errno, "--parent-path \"%s\" (from the image path)",
			                o->parent_path);
		if (!S_ISDIR(sb.st_mode))
			return nerr_set(e, ENOTDIR, "--parent-path \"%s\": not a directory",
			                o->parent_path);
		if (l->set_parent_images(l->opts, o->parent_path) < 0)
			return nerr_set(e, ENOMEM, "libcriu: parent images");
	}
	l->set_track_mem(l->opts, o->pre_dump || o->parent_path);
	return 0;
}

static int dump(struct globals *g, struct container *c, const struct oci_config *cfg,
                const struct checkpoint_opts *o, struct crlib *l, struct nerr *e)
{
	_cleanup_close_ int rootfd = -1;
	char path[64], freezer[PATH_MAX];
	pid_t pid = c->state->pid;
	int r;

	r = crlib_open(l, g->criu_path, e);
	if (r == 0)
		r = crlib_setup(l, &o->cr, cfg, true, o->pre_dump ? "pre-dump.log" : "dump.log", e);
	if (r == 0)
		r = pre_dump_options(l, o, e);
	if (r < 0)
		return r;
	l->set_pid(l->opts, pid);
	l->set_auto_dedup(l->opts, o->auto_dedup);
	r = cgroup_freezer_dir(c->state->cgroup_path, freezer, sizeof freezer, e);
	if (r < 0)
		return r;
	if (l->set_freeze_cgroup(l->opts, freezer) < 0)
		return nerr_set(e, ENOMEM, "libcriu: freeze cgroup");
	r = stdio_ttys(l, cfg, o, pid, e);
	if (r < 0)
		return r;
	if (o->pre_dump) {
		r = l->pre_dump(l->opts);
		return r ? crlib_fail(l, r, "pre-dump", e) : 0;
	}
	r = write_descriptors(l->images_fd, pid, e);
	if (r < 0)
		return r;
	if (l->set_root(l->opts, c->state->rootfs) < 0)
		return nerr_set(e, ENOMEM, "libcriu: root");
	/* Mounts are named by where they are in the container's own view. */
	snprintf(path, sizeof path, "/proc/%d/root", (int)pid);
	rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return nerr_sys(e, errno, "container \"%s\": open its root %s", c->id, path);
	r = crlib_add_bind_mounts(l, cfg, rootfd, NULL, e);
	if (r == 0)
		r = crlib_add_masked_paths(l, cfg, rootfd, e);
	if (r == 0)
		r = crlib_add_device_binds(l, cfg, e);
	if (r == 0)
		r = add_external_namespaces(l, cfg, e);
	if (r < 0)
		return r;
	crlib_set_empty_ns(l, o->empty_ns);
	l->set_leave_running(l->opts, o->leave_running);
	r = l->dump(l->opts);
	return r ? crlib_fail(l, r, "checkpoint", e) : 0;
}

int checkpoint_container(struct globals *g, struct container *c, const struct checkpoint_opts *o,
                         struct nerr *e)
{
	const char *status = lifecycle_status(c);
	struct oci_config *cfg = NULL;
	struct crlib l = {.images_fd = -1, .work_fd = -1};
	int r;

	if (strcmp(status, "running") && strcmp(status, "paused"))
		return nerr_set(e, EINVAL, "cannot checkpoint container \"%s\" that is %s", c->id,
		                status);
	if (geteuid() != 0)
		return nerr_set(e, EPERM, "checkpoint: CRIU needs root");
	r = lifecycle_load_config(c, &cfg, e);
	if (r == 0)
		r = dump(g, c, cfg, o, &l, e);
	crlib_close(&l);
	oci_config_free(cfg);
	if (r < 0)
		return nerr_wrap(e, "container \"%s\"", c->id);
	if (o->leave_running || o->pre_dump)
		return 0;
	/* CRIU has ended the processes; the dump now stands for the container. */
	return container_delete(c, true, e);
}

#endif /* HAVE_CRIU */
