/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `restore`: a dump brought back as a new container.  The ID is claimed and
 * the cgroup made and limited as for `create`; CRIU then rebuilds the
 * process tree (as our child) with the bundle's rootfs as its root, the
 * external mounts mapped to this config's sources, namespaces given by path
 * joined, the tasks placed in the new cgroup, and stdio pipes replaced by
 * ours.  The state saved is that of a running container, for state, exec,
 * kill and delete.
 */
#include "config.h"

#include <errno.h>

#include "checkpoint.h"

#ifndef HAVE_CRIU

int restore_container(struct globals *g, const struct restore_opts *o, struct container *c,
                      pid_t *pid, struct nerr *e)
{
	return checkpoint_check_built(e);
}

#else

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "bundle.h"
#include "cgroup.h"
#include "crlib.h"
#include "inroot.h"
#include "mount_opts.h"
#include "terminal.h"
#include "unixsock.h"
#include "util.h"

#define DESCRIPTORS_NAME "descriptors.json"
#define STDIO_TTYS_NAME  "stdio-ttys.json"
#define CRIU_ROOT_NAME   "criu-root"

struct restore_ctx {
	struct oci_config *cfg;
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];
	char criu_root[PATH_MAX];
	char *cgroup_path;
	char *config_raw;
	size_t config_len;
	bool cgroup_made;
	bool root_mounted;
	int ns_fds[OCI_NS_COUNT];
	int tty_fds[3]; /* a shell job's terminal, handed to CRIU */
	pid_t pid;
};

static int load_bundle(const struct restore_opts *o, struct restore_ctx *x, struct nerr *e)
{
	int r;

	r = bundle_load(o->bundle, x->bundle, &x->config_raw, &x->config_len, &x->cfg, e);
	if (r < 0)
		return r;
	r = bundle_check_terminal(x->cfg, o->console_socket, false, e);
	if (r < 0)
		return r;
	return bundle_rootfs(x->bundle, x->cfg, x->rootfs, e);
}

/* The JSON array of three strings `name` in the images, as v (empty
 * strings for what is missing); 0 when there is no such file. */
static int read_stdio_array(struct crlib *l, const char *name, char v[3][PATH_MAX], bool *found,
                            struct nerr *e)
{
	_cleanup_free_ char *buf = NULL;
	char err[256];
	yajl_val tree;
	size_t len;
	int r = read_file_at(l->images_fd, name, &buf, &len, e);

	memset(v, 0, sizeof(char[3][PATH_MAX]));
	*found = false;
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return nerr_sys(e, -r, "image path: %s", name);
	tree = yajl_tree_parse(buf, err, sizeof err);
	if (!tree || !YAJL_IS_ARRAY(tree)) {
		yajl_tree_free(tree);
		return nerr_set(e, EINVAL, "image path: %s: not a JSON array", name);
	}
	for (size_t i = 0; i < tree->u.array.len && i < 3; i++) {
		const char *s = YAJL_GET_STRING(tree->u.array.values[i]);
		snprintf(v[i], PATH_MAX, "%s", s ? s : "");
	}
	yajl_tree_free(tree);
	*found = true;
	return 0;
}

/*
 * Give each pipe the init had as stdio (descriptors.json) our own fd of the
 * same number.  A shell job's terminal (stdio-ttys.json, external in the
 * dump) becomes ours, which must then be a terminal too.
 */
static int inherit_stdio(struct crlib *l, const struct restore_opts *o, int tty_fds[3],
                         struct nerr *e)
{
	static const char *const names[] = {"stdin", "stdout", "stderr"};
	char v[3][PATH_MAX];
	bool found;
	int r = read_stdio_array(l, DESCRIPTORS_NAME, v, &found, e);

	for (int i = 0; r == 0 && i < 3; i++)
		if (str_has_prefix(v[i], "pipe:") && l->add_inherit_fd(l->opts, i, v[i]) < 0)
			return nerr_set(e, ENOMEM, "libcriu: inherit fd %d", i);
	if (r == 0)
		r = read_stdio_array(l, STDIO_TTYS_NAME, v, &found, e);
	if (r < 0 || !found)
		return r;
	if (!o->cr.shell_job)
		return nerr_set(e, EINVAL,
		                "the checkpoint was of a shell job (a terminal of the caller on "
		                "stdio): restore it with --shell-job from a terminal");
	for (int i = 0; i < 3; i++) {
		if (!v[i][0] || (i > 0 && !strcmp(v[i], v[0])) || (i > 1 && !strcmp(v[i], v[1])))
			continue;
		if (!isatty(i))
			return nerr_set(
			    e, ENOTTY,
			    "--shell-job: the checkpointed process had a terminal on %s, "
			    "and ours is none",
			    names[i]);
		/* A copy: with --shell-job CRIU takes its stdin for itself. Not
		 * O_CLOEXEC: CRIU, our child, takes it by number. */
		tty_fds[i] = fcntl(i, F_DUPFD, 3);
		if (tty_fds[i] < 0)
			return nerr_sys(e, errno, "--shell-job: duplicate our %s", names[i]);
		if (l->add_inherit_fd(l->opts, tty_fds[i], v[i]) < 0)
			return nerr_set(e, ENOMEM, "libcriu: inherit fd %d", i);
	}
	return 0;
}

/* Namespaces given by path: the network and PID ones were left out of the
 * dump as external and are handed over as fds; the others are joined. */
static int join_namespaces(struct crlib *l, struct restore_ctx *x, struct nerr *e)
{
	for (size_t i = 0; i < x->cfg->linux_.n_namespaces; i++) {
		const struct oci_namespace *ns = &x->cfg->linux_.namespaces[i];
		const char *name = oci_ns_type_name(ns->type);
		int fd;

		if (!ns->path)
			continue;
		if (ns->type == OCI_NS_NETWORK || ns->type == OCI_NS_PID) {
			/* Not O_CLOEXEC: CRIU (our child) takes it by number. */
			fd = open(ns->path, O_RDONLY);
			if (fd < 0)
				return nerr_sys(e, errno,
				                "config.json: linux.namespaces: %s \"%s\"", name,
				                ns->path);
			x->ns_fds[ns->type] = fd;
			if (l->add_inherit_fd(l->opts, fd,
			                      ns->type == OCI_NS_NETWORK ? "extRootNetNS"
			                                                 : "extRootPidNS") < 0)
				return nerr_set(e, ENOMEM, "libcriu: inherit %s namespace", name);
		} else if (ns->type == OCI_NS_IPC || ns->type == OCI_NS_UTS ||
		           ns->type == OCI_NS_TIME) {
			if (l->join_ns_add(l->opts, ns->type == OCI_NS_UTS ? "uts" : name, ns->path,
			                   NULL) < 0)
				return nerr_set(e, EINVAL, "libcriu: join %s namespace \"%s\"",
				                name, ns->path);
		} else {
			return nerr_set(e, ENOTSUP,
			                "config.json: linux.namespaces: restore cannot join a %s "
			                "namespace by path",
			                name);
		}
	}
	return 0;
}

static bool under_tmpfs(const struct oci_config *cfg, const char *dest)
{
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		size_t n = m->destination ? strlen(m->destination) : 0;

		if (n && m->type && !strcmp(m->type, "tmpfs") &&
		    !strncmp(dest, m->destination, n) &&
		    (dest[n] == '/' || m->destination[n - 1] == '/'))
			return true;
	}
	return false;
}

/*
 * CRIU mounts on the mountpoints it finds in the rootfs; a rootfs made anew
 * (Podman's restore --import: the image plus the saved changes) lacks the
 * ones the first create made.  They are made again, inside the root: a file
 * for a bind of a file, a directory otherwise.  Those on a tmpfs come back
 * with the tmpfs CRIU restores; cgroup mounts are CRIU's own.
 */
static int make_mountpoints(struct restore_ctx *x, int rootfd, struct nerr *e)
{
	for (size_t i = 0; i < x->cfg->n_mounts; i++) {
		const struct oci_mount *m = &x->cfg->mounts[i];
		char src[PATH_MAX * 2];
		struct mount_plan pl;
		bool as_file = false;
		struct stat sb;
		int r = mount_opts_plan(m, &pl, e);

		if (r < 0)
			return r;
		if (!m->destination ||
		    (m->type && (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2"))) ||
		    under_tmpfs(x->cfg, m->destination))
			continue;
		if ((pl.bind || pl.rbind) && m->source) {
			if (m->source[0] == '/')
				snprintf(src, sizeof src, "%s", m->source);
			else
				snprintf(src, sizeof src, "%s/%s", x->bundle, m->source);
			if (stat(src, &sb) < 0)
				return nerr_sys(e, errno, "config.json: mount %s: source %s",
				                m->destination, src);
			as_file = !S_ISDIR(sb.st_mode);
		}
		r = inroot_mkpath(rootfd, m->destination, as_file, e);
		if (r < 0)
			return nerr_wrap(e, "restore: mountpoint %s", m->destination);
	}
	return 0;
}

/*
 * CRIU needs the rootfs as a mount point of its own.  The bind is made in a
 * mount namespace private to this process (CRIU, our child, shares it), so
 * the host never sees it and it goes when we exit, whatever happens.  The
 * namespace comes first: CRIU mounts in its work directory (its cgroup
 * yard), which must then be opened in this namespace, not the host's.
 */
static int private_mount_ns(struct nerr *e)
{
	if (unshare(CLONE_NEWNS) < 0)
		return nerr_sys(e, errno, "restore: private mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return nerr_sys(e, errno, "restore: make / private");
	return 0;
}

static int mount_criu_root(struct globals *g, struct container *c, struct restore_ctx *x,
                           struct nerr *e)
{
	char root[PATH_MAX];

	if (!realpath(g->root, root))
		return nerr_sys(e, errno, "state directory %s", g->root);
	snprintf(x->criu_root, sizeof x->criu_root, "%s/%s/%s", root, c->id, CRIU_ROOT_NAME);
	if (mkdirat(c->dirfd, CRIU_ROOT_NAME, 0755) < 0)
		return nerr_sys(e, errno, "create %s", x->criu_root);
	if (mount(x->rootfs, x->criu_root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return nerr_sys(e, errno, "bind rootfs %s at %s", x->rootfs, x->criu_root);
	x->root_mounted = true;
	return 0;
}

static void unmount_criu_root(struct container *c, struct restore_ctx *x)
{
	if (x->root_mounted)
		umount2(x->criu_root, MNT_DETACH);
	x->root_mounted = false;
	if (x->criu_root[0])
		unlinkat(c->dirfd, CRIU_ROOT_NAME, AT_REMOVEDIR);
}

/* CRIU's notify callback has no context argument. */
static const char *notify_console_socket;

static int notify_cb(char *action, criu_notify_arg_t na)
{
	return 0;
}

static int send_console(struct crlib *l, struct nerr *e)
{
	_cleanup_close_ int sock = -1;
	int master = l->get_orphan_pts_master_fd ? l->get_orphan_pts_master_fd() : -1;
	int r;

	if (master < 0)
		return nerr_set(e, EIO,
		                "restore: CRIU returned no terminal for the console socket");
	sock = terminal_connect(notify_console_socket, e);
	if (sock < 0)
		return sock;
	r = unixsock_send(sock, "/dev/ptmx", strlen("/dev/ptmx"), master);
	close(master);
	return r < 0 ? nerr_sys(e, -r, "console socket %s", notify_console_socket) : 0;
}

static int run_criu(struct globals *g, const struct restore_opts *o, struct container *c,
                    struct restore_ctx *x, struct crlib *l, struct nerr *e)
{
	_cleanup_close_ int rootfd = -1;
	int r;

	r = private_mount_ns(e);
	if (r == 0)
		r = crlib_open(l, g->criu_path, e);
	if (r == 0)
		r = crlib_setup(l, &o->cr, x->cfg, false, "restore.log", e);
	if (r == 0)
		r = inherit_stdio(l, o, x->tty_fds, e);
	if (r < 0)
		return r;
	rootfd = open(x->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return nerr_sys(e, errno, "rootfs \"%s\"", x->rootfs);
	r = make_mountpoints(x, rootfd, e);
	if (r == 0)
		r = crlib_add_bind_mounts(l, x->cfg, rootfd, x->bundle, e);
	if (r == 0)
		r = crlib_add_masked_paths(l, x->cfg, -1, e);
	if (r == 0)
		r = crlib_add_device_binds(l, x->cfg, e);
	if (r == 0)
		r = join_namespaces(l, x, e);
	if (r == 0)
		r = mount_criu_root(g, c, x, e);
	if (r < 0)
		return r;
	if (l->set_root(l->opts, x->criu_root) < 0)
		return nerr_set(e, ENOMEM, "libcriu: root");
	if (l->add_cg_root(l->opts, NULL, x->cgroup_path) < 0)
		return nerr_set(e, ENOMEM, "libcriu: cgroup root");
	notify_console_socket = o->console_socket;
	l->set_notify_cb(l->opts, notify_cb);
	r = l->restore_child(l->opts);
	if (r <= 0)
		return crlib_fail(l, r, "restore", e);
	x->pid = r;
	if (o->console_socket)
		return send_console(l, e);
	return 0;
}

static void copy_annotations(struct oci_state *st, const struct oci_config *cfg)
{
	if (!cfg->annotations.len)
		return;
	st->annotations.items = xcalloc(cfg->annotations.len, sizeof(struct oci_kv));
	for (size_t i = 0; i < cfg->annotations.len; i++) {
		st->annotations.items[i].key = xstrdup(cfg->annotations.items[i].key);
		st->annotations.items[i].value = xstrdup(cfg->annotations.items[i].value);
	}
	st->annotations.len = cfg->annotations.len;
}

static int save_state(struct container *c, struct restore_ctx *x, struct nerr *e)
{
	uint64_t start_time = 0;

	proc_start_time(x->pid, &start_time, NULL);
	c->state = xcalloc(1, sizeof *c->state);
	c->state->oci_version = xstrdup(OCI_SPEC_VERSION);
	c->state->id = xstrdup(c->id);
	c->state->status = xstrdup("running");
	c->state->pid = x->pid;
	c->state->pid_start_time = start_time;
	c->state->bundle = xstrdup(x->bundle);
	c->state->rootfs = xstrdup(x->rootfs);
	c->state->cgroup_path = xstrdup(x->cgroup_path);
	c->state->created = lifecycle_now();
	c->state->owner = xstrdup("");
	copy_annotations(c->state, x->cfg);
	return lifecycle_save(c, e);
}

static int write_pid_file(const char *path, pid_t pid, struct nerr *e)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d", (int)pid);
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int dfd = -1;

	if (!slash)
		return write_file_atomic_at(AT_FDCWD, path, buf, (size_t)n, 0644, e);
	dir = xasprintf("%.*s", (int)(slash - path), path);
	dfd = open(dir[0] ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return nerr_sys(e, errno, "pid file %s", path);
	return write_file_atomic_at(dfd, slash + 1, buf, (size_t)n, 0644, e);
}

static int restore_steps(struct globals *g, const struct restore_opts *o, struct container *c,
                         struct restore_ctx *x, struct crlib *l, struct nerr *e)
{
	int cgfd = -1;
	int r;

	r = write_file_atomic_at(c->dirfd, CONFIG_NAME, x->config_raw, x->config_len, 0600, e);
	if (r < 0)
		return r;
	r = cgroup_path_for(x->cfg->linux_.cgroups_path, c->id, &x->cgroup_path, e);
	if (r < 0)
		return r;
	x->cgroup_made = true;
	r = cgroup_create(x->cgroup_path, &cgfd, e);
	if (cgfd >= 0)
		close(cgfd);
	if (r == -EBUSY || r > 0)
		x->cgroup_made = false; /* frozen or in use: not ours to remove */
	if (r > 0)
		close(openat(c->dirfd, CGROUP_SHARED_MARK, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	if (r < 0)
		return r;
	/* No process yet (CRIU places the restored ones): pid 0. */
	r = cgroup_apply_config(x->cgroup_path, 0, &x->cfg->linux_.resources, e);
	if (r < 0)
		return r;
	r = run_criu(g, o, c, x, l, e);
	unmount_criu_root(c, x);
	if (r < 0)
		return r;
	r = save_state(c, x, e);
	if (r == 0 && o->pid_file)
		r = write_pid_file(o->pid_file, x->pid, e);
	return r;
}

int restore_container(struct globals *g, const struct restore_opts *o, struct container *c,
                      pid_t *pid, struct nerr *e)
{
	struct restore_ctx x = {0};
	struct crlib l = {.images_fd = -1, .work_fd = -1};
	int r;

	for (int t = 0; t < OCI_NS_COUNT; t++)
		x.ns_fds[t] = -1;
	for (int i = 0; i < 3; i++)
		x.tty_fds[i] = -1;
	c->rootfd = c->dirfd = -1;
	c->state = NULL;
	if (geteuid() != 0)
		return nerr_set(e, EPERM, "restore: CRIU needs root");
	/* A systemd scope is started around a live process; CRIU makes them. */
	if (cgroup_uses_systemd())
		return nerr_set(e, ENOTSUP,
		                "restore: not supported with the systemd cgroup driver "
		                "(--systemd-cgroup): use the cgroupfs driver");
	r = lifecycle_check_id(o->id, e);
	if (r == 0)
		r = load_bundle(o, &x, e);
	if (r == 0) {
		r = lifecycle_claim(g->root, o->id, c, e);
		if (r == 0) {
			r = restore_steps(g, o, c, &x, &l, e);
			if (r < 0) {
				struct nerr ignored;
				if (x.pid > 0) {
					kill(x.pid, SIGKILL);
					waitpid(x.pid, NULL, 0);
				}
				if (x.cgroup_made)
					cgroup_destroy(x.cgroup_path, &ignored);
				lifecycle_destroy(c);
				lifecycle_close(c);
			}
		}
	}
	crlib_close(&l);
	for (int t = 0; t < OCI_NS_COUNT; t++)
		if (x.ns_fds[t] >= 0)
			close(x.ns_fds[t]);
	for (int i = 0; i < 3; i++)
		if (x.tty_fds[i] >= 0)
			close(x.tty_fds[i]);
	free(x.cgroup_path);
	free(x.config_raw);
	oci_config_free(x.cfg);
	if (r < 0)
		return nerr_wrap(e, "restore container \"%s\"", o->id);
	*pid = x.pid;
	return 0;
}

#endif /* HAVE_CRIU */
