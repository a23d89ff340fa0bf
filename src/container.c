/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parent side of a container's life.  create: parse and validate the
 * config once, claim the ID, clone3 the init into its namespaces, place it
 * in its cgroup, write its id maps and time offsets, and follow its report
 * over the sync socket until "ready".  Any failure kills and reaps the init
 * and removes the cgroup and the state directory.
 */
#include "container.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bundle.h"
#include "caps.h"
#include "cgroup.h"
#include "hooks.h"
#include "init.h"
#include "log.h"
#include "mounts.h"
#include "process.h"
#include "process_attrs.h"
#include "rootless.h"
#include "seccomp_cache.h"
#include "seccomp_filter.h"
#include "trace.h"
#include "sync.h"
#include "terminal.h"
#include "userns.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const unsigned long ns_flag[OCI_NS_COUNT] = {
    [OCI_NS_PID] = CLONE_NEWPID,       [OCI_NS_NETWORK] = CLONE_NEWNET,
    [OCI_NS_MOUNT] = CLONE_NEWNS,      [OCI_NS_IPC] = CLONE_NEWIPC,
    [OCI_NS_UTS] = CLONE_NEWUTS,       [OCI_NS_USER] = CLONE_NEWUSER,
    [OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
};

/* ---- create ----------------------------------------------------------------- */

struct create_ctx {
	struct oci_config *cfg;
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];
	char *cgroup_path;
	pid_t pid;
	int pidfd;
	int sync_fd;
	int fifo_fd;
	int console_fd;
	int cgroup_fd; /* cgroup2 directory for CLONE_INTO_CGROUP, or -1 */
	bool cgroup_made;
	bool in_cgroup;   /* clone3 placed the init in its cgroup2 cgroup */
	char *config_raw; /* config.json as read, kept in the state dir */
	size_t config_len;
	struct trace_opts trace;        /* io.containers.trace-syscall */
	struct trace_recorder recorder; /* ctl -1 when not recorded */
};

static int load_config(const struct create_opts *o, struct create_ctx *x, struct nerr *e)
{
	int r;

	r = bundle_load(o->bundle, x->bundle, &x->config_raw, &x->config_len, &x->cfg, e);
	if (r < 0)
		return r;
	r = process_attrs_check(x->cfg, e);
	if (r < 0)
		return nerr_wrap(e, "config.json");
	r = mounts_check_hostns(x->cfg, o->no_pivot, e);
	if (r < 0)
		return r;
	r = trace_opts_from_config(x->cfg, true, &x->trace, e);
	if (r < 0)
		return r;
	caps_warn_unknown(&x->cfg->process->capabilities);
	r = bundle_check_terminal(x->cfg, o->console_socket, o->has_console_fd, e);
	if (r < 0)
		return r;
	return bundle_rootfs(x->bundle, x->cfg, x->rootfs, e);
}

static bool has_new_pid_ns(const struct oci_config *cfg)
{
	for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
		if (cfg->linux_.namespaces[i].type == OCI_NS_PID && !cfg->linux_.namespaces[i].path)
			return true;
	return false;
}

static bool has_user_ns(const struct oci_config *cfg)
{
	return oci_config_namespace(cfg, OCI_NS_USER) != NULL;
}

static int open_ns_paths(const struct oci_config *cfg, struct init_args *a, struct nerr *e)
{
	for (int t = 0; t < OCI_NS_COUNT; t++)
		a->ns_fds[t] = -1;
	for (size_t i = 0; i < cfg->linux_.n_namespaces; i++) {
		const struct oci_namespace *ns = &cfg->linux_.namespaces[i];
		if (!ns->path)
			continue;
		a->ns_fds[ns->type] = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (a->ns_fds[ns->type] < 0)
			return nerr_sys(e, errno,
			                "config.json: linux.namespaces: %s namespace path \"%s\"",
			                oci_ns_type_name(ns->type), ns->path);
	}
	return 0;
}

static void close_ns_fds(struct init_args *a)
{
	for (int t = 0; t < OCI_NS_COUNT; t++)
		if (a->ns_fds[t] >= 0)
			close(a->ns_fds[t]);
}

static pid_t spawn_init(struct create_ctx *x, struct init_args *a, const int close_in_child[],
                        size_t n_close, struct nerr *e)
{
	const struct oci_config *cfg = x->cfg;
	unsigned long newns = 0, clone_flags;
	struct clone_args ca = {0};
	_cleanup_close_ int own_pidns = -1;
	int pidfd = -1;
	pid_t pid;

	for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
		if (!cfg->linux_.namespaces[i].path)
			newns |= ns_flag[cfg->linux_.namespaces[i].type];
	if ((newns & CLONE_NEWUSER) && (!cfg->linux_.n_uid_mappings || !cfg->linux_.n_gid_mappings))
		return nerr_set(
		    e, EINVAL,
		    "config.json: linux.uidMappings/gidMappings: a new user namespace needs both");
	/* Time and cgroup namespaces are made by the init itself (see init.c).
	 * So is the network namespace when there is no user namespace to own
	 * it: its creation, the longest part of a clone, then runs while the
	 * parent applies the cgroup limits. */
	if (a->ns_fds[OCI_NS_USER] >= 0)
		clone_flags = newns & CLONE_NEWPID;
	else if (!(newns & CLONE_NEWUSER))
		clone_flags = newns & ~(CLONE_NEWTIME | CLONE_NEWCGROUP | CLONE_NEWNET);
	else
		clone_flags = newns & ~(CLONE_NEWTIME | CLONE_NEWCGROUP);
	a->unshare_flags = newns & ~clone_flags;
	if (a->ns_fds[OCI_NS_PID] >= 0) {
		own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own_pidns < 0)
			return nerr_sys(e, errno, "open /proc/self/ns/pid");
		if (setns(a->ns_fds[OCI_NS_PID], CLONE_NEWPID) < 0)
			return nerr_sys(e, errno, "join pid namespace");
	}

	ca.flags = clone_flags | CLONE_PIDFD;
	ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
	ca.exit_signal = SIGCHLD;
	if (x->cgroup_fd >= 0) {
		/* Born in its cgroup: no instant of the init runs outside it. */
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)x->cgroup_fd;
	}
	a->cgroup_in_unified = x->cgroup_fd >= 0;
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
	x->in_cgroup = pid >= 0 && x->cgroup_fd >= 0;
	if (pid < 0 && x->cgroup_fd >= 0 && errno != ENOSYS) {
		/* kernels before 5.7, or a cgroup2 that refuses it: join after the clone */
		ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		ca.cgroup = 0;
		a->cgroup_in_unified = false;
		pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
	}
	if (pid < 0 && errno == ENOSYS) {
		pid = fork();
		if (pid == 0 && unshare((int)clone_flags) < 0)
			_exit(1);
		if (pid > 0)
			pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	}
	/* Only the init is born in the pid namespace joined by path: hooks and
	 * every later child of ours stay in our own. */
	if (own_pidns >= 0 && pid > 0 && setns(own_pidns, CLONE_NEWPID) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (pidfd >= 0)
			close(pidfd);
		return nerr_sys(e, errno, "return to our own pid namespace");
	}
	if (pid < 0)
		return nerr_sys(e, errno, "clone the container init");
	if (pid == 0) {
		for (size_t i = 0; i < n_close; i++)
			if (close_in_child[i] >= 0)
				close(close_in_child[i]);
		init_main(a);
	}
	x->pidfd = pidfd;
	return pid;
}

static int parent_setup(struct create_ctx *x, struct nerr *e)
{
	const struct oci_config *cfg = x->cfg;
	char path[64], buf[256];
	int r;

	r = sync_expect(x->sync_fd, SYNC_NEED_SETUP, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < cfg->linux_.n_namespaces; i++) {
		const struct oci_namespace *ns = &cfg->linux_.namespaces[i];
		if (ns->type == OCI_NS_USER && !ns->path &&
		    userns_write_maps(x->pid, &cfg->linux_, e) < 0)
			return nerr_wrap(e, "user namespace");
		if (ns->type == OCI_NS_TIME && !ns->path) {
			for (size_t j = 0; j < cfg->linux_.n_time_offsets; j++) {
				const struct oci_time_offset *t = &cfg->linux_.time_offsets[j];
				int n = snprintf(buf, sizeof buf, "%s %lld %u\n", t->clock,
				                 (long long)t->secs, t->nanosecs);
				snprintf(path, sizeof path, "/proc/%d/timens_offsets", (int)x->pid);
				r = write_file_at(AT_FDCWD, path, buf, (size_t)n);
				if (r < 0)
					return nerr_sys(e, -r, "time namespace: write offset %s",
					                t->clock);
			}
		}
	}
	if (cfg->process->has_oom_score_adj &&
	    (r = process_attrs_set_oom_score_adj(x->pid, cfg->process->oom_score_adj, e)) < 0)
		return r;
	r = sync_send(x->sync_fd, SYNC_GO);
	return r < 0 ? nerr_sys(e, -r, "write to container init") : 0;
}

/*
 * prestart (deprecated, run as createRuntime was before it existed) and
 * createRuntime run here, in the runtime's namespaces, once the init has its
 * namespaces and mounts.  The init gets back a memfd with the state for the
 * hooks it runs itself (createContainer, startContainer).
 */
static int run_create_runtime_hooks(struct create_ctx *x, const struct oci_state *st,
                                    struct nerr *e)
{
	const struct oci_hooks *h = &x->cfg->hooks;
	_cleanup_close_ int state_fd = -1;
	int r;

	if (h->prestart.len || h->create_runtime.len || h->create_container.len ||
	    h->start_container.len) {
		state_fd = hooks_state_memfd(st, NULL, e);
		if (state_fd < 0)
			return state_fd;
	}
	r = hooks_run(&h->prestart, "prestart", state_fd, e);
	if (r == 0)
		r = hooks_run(&h->create_runtime, "createRuntime", state_fd, e);
	if (r < 0)
		return r;
	if (h->create_container.len || h->start_container.len)
		r = sync_send_fd(x->sync_fd, SYNC_CONTINUE, state_fd);
	else
		r = sync_send(x->sync_fd, SYNC_CONTINUE);
	return r < 0 ? nerr_sys(e, -r, "write to container init") : 0;
}

/* The init loaded a seccomp filter with a listener: hand its fd on. */
static int seccomp_listener(struct create_ctx *x, const struct oci_state *st, int fd,
                            struct nerr *e)
{
	const struct oci_seccomp *sc = x->cfg->linux_.seccomp;
	int r;

	if (fd < 0 || !sc || !sc->listener_path) {
		if (fd >= 0)
			close(fd);
		return nerr_set(e, EPROTO, "container init: unexpected seccomp notify fd");
	}
	r = seccomp_send_to_listener(sc->listener_path, sc->listener_metadata, st, st->pid, fd, e);
	close(fd);
	if (r < 0)
		return r;
	r = sync_send(x->sync_fd, SYNC_CONTINUE);
	return r < 0 ? nerr_sys(e, -r, "write to container init") : 0;
}

static int follow_init(struct create_ctx *x, const struct oci_state *st, struct nerr *e)
{
	for (;;) {
		struct sync_msg m;
		int passfd = -1;
		int r = sync_recv(x->sync_fd, &m, &passfd);
		if (r == -EPIPE)
			return nerr_set(e, EPIPE,
			                "container init exited before reporting its state");
		if (r < 0)
			return nerr_sys(e, -r, "read from container init");
		switch (m.type) {
		case SYNC_ERROR:
			return nerr_set(e, m.errnum, "container init (%s): %s", m.stage, m.text);
		case SYNC_CREATE_RUNTIME:
			r = run_create_runtime_hooks(x, st, e);
			if (r < 0)
				return r;
			break;
		case SYNC_SECCOMP_FD:
			r = seccomp_listener(x, st, passfd, e);
			if (r < 0)
				return r;
			break;
		case SYNC_READY:
			return 0;
		default:
			if (passfd >= 0)
				close(passfd);
			return nerr_set(e, EPROTO, "container init: unexpected message %u", m.type);
		}
	}
}

static int write_pid_file(const char *path, pid_t pid, struct nerr *e)
{
	char abs[PATH_MAX], buf[32], *slash;
	_cleanup_close_ int dfd = -1;
	int n = snprintf(buf, sizeof buf, "%d", (int)pid);

	snprintf(abs, sizeof abs, "%s", path);
	slash = strrchr(abs, '/');
	if (slash) {
		*slash = '\0';
		dfd = open(abs[0] ? abs : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return nerr_sys(e, errno, "pid file %s", path);
		return write_file_atomic_at(dfd, slash + 1, buf, (size_t)n, 0644, e);
	}
	return write_file_atomic_at(AT_FDCWD, path, buf, (size_t)n, 0644, e);
}

static void create_cleanup(struct create_ctx *x, struct container *c)
{
	struct nerr ignored;
	if (x->pid > 0) {
		if (x->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, x->pidfd, SIGKILL, NULL, 0);
		else
			kill(x->pid, SIGKILL);
		waitpid(x->pid, NULL, 0);
	}
	trace_recorder_abort(&x->recorder);
	if (x->cgroup_made && x->cgroup_path)
		cgroup_destroy(x->cgroup_path, &ignored);
	if (c->dirfd >= 0) {
		if (mounts_hostns_release(c->dirfd, x->rootfs, &ignored) < 0)
			log_warn("%s", ignored.msg);
		lifecycle_destroy(c);
	}
}

int container_create(struct globals *g, const struct create_opts *o, struct container *c,
                     int *pidfd_out, struct nerr *e)
{
	struct create_ctx x = {.pidfd = -1,
	                       .sync_fd = -1,
	                       .fifo_fd = -1,
	                       .console_fd = -1,
	                       .cgroup_fd = -1,
	                       .recorder = {.ctl = -1, .lock = -1}};
	struct init_args a = {.trace_fd = -1};
	struct seccomp_prog sprog = {0};
	int sv[2] = {-1, -1};
	uint64_t start_time = 0;
	int r;

	c->rootfd = c->dirfd = -1;
	c->state = NULL;
	r = lifecycle_check_id(o->id, e);
	if (r < 0)
		return r;
	r = load_config(o, &x, e);
	if (r < 0)
		goto out_cfg;
	r = lifecycle_claim(g->root, o->id, c, e);
	if (r < 0)
		goto out_cfg;
	if (mkfifoat(c->dirfd, EXEC_FIFO_NAME, 0622) < 0 ||
	    fchmodat(c->dirfd, EXEC_FIFO_NAME, 0622, 0) < 0) {
		r = nerr_sys(e, errno, "create exec fifo");
		goto fail;
	}
	r = write_file_atomic_at(c->dirfd, CONFIG_NAME, x.config_raw, x.config_len, 0600, e);
	if (r < 0)
		goto fail;
	if (!mounts_has_own_ns(x.cfg)) {
		r = mounts_hostns_record(c->dirfd, x.rootfs, e);
		if (r < 0)
			goto fail;
	}
	if (o->has_console_fd && x.cfg->process->terminal) {
		x.console_fd = fcntl(o->console_fd, F_DUPFD_CLOEXEC, 3);
		if (x.console_fd < 0) {
			r = nerr_sys(e, errno, "console socket");
			goto fail;
		}
	} else if (o->console_socket) {
		x.console_fd = terminal_connect(o->console_socket, e);
		if (x.console_fd < 0) {
			r = x.console_fd;
			goto fail;
		}
	}
	x.fifo_fd = openat(c->dirfd, EXEC_FIFO_NAME, O_PATH | O_CLOEXEC);
	if (x.fifo_fd < 0) {
		r = nerr_sys(e, errno, "open exec fifo");
		goto fail;
	}
	if (x.cfg->linux_.n_uid_mappings) {
		/* The init runs as the container's root: let it open the fifo. */
		for (size_t i = 0; i < x.cfg->linux_.n_uid_mappings; i++)
			if (x.cfg->linux_.uid_mappings[i].container_id == 0 &&
			    fchownat(c->dirfd, EXEC_FIFO_NAME,
			             x.cfg->linux_.uid_mappings[i].host_id, (gid_t)-1,
			             AT_SYMLINK_NOFOLLOW) < 0)
				log_debug("chown exec.fifo to uid %u: %s",
				          (unsigned)x.cfg->linux_.uid_mappings[i].host_id,
				          strerror(errno));
	}
	if (x.cfg->linux_.seccomp) {
		/* Compiled here, before the init exists: it inherits the BPF. */
		r = seccomp_cache_prepare(c->rootfd, x.cfg->linux_.seccomp, &sprog, e);
		if (r < 0)
			goto fail;
		a.seccomp = &sprog;
	}
	if (x.trace.out_path) {
		r = trace_recorder_start(&x.trace, c->dirfd, has_new_pid_ns(x.cfg), &x.recorder, e);
		if (r == 0)
			r = a.trace_fd = trace_connect(c->dirfd, o->id, e);
		if (r < 0)
			goto fail;
	}
	r = sync_socketpair(sv);
	if (r < 0) {
		r = nerr_sys(e, -r, "socketpair");
		goto fail;
	}
	r = open_ns_paths(x.cfg, &a, e);
	if (r < 0)
		goto fail;
	r = mounts_prepare(x.cfg, &a.prepared_mounts, e);
	if (r < 0)
		goto fail;
	a.cfg = x.cfg;
	a.rootfs = x.rootfs;
	a.sync_fd = sv[1];
	a.fifo_fd = x.fifo_fd;
	a.no_pivot = o->no_pivot;
	a.tied = o->tied;
	a.no_new_keyring = o->no_new_keyring;
	a.preserve_fds = o->preserve_fds;
	a.console_fd = x.console_fd;
	a.state_fd = -1;
	a.listen_fds = process_listen_fds();
	r = cgroup_path_for(x.cfg->linux_.cgroups_path, o->id, &x.cgroup_path, e);
	if (r < 0)
		goto fail;
	/* The cgroup exists before the init does (it is born in it on cgroup2
	 * and joins it first thing on v1); its limits are applied below, while
	 * the init makes its network namespace, and before the init may go on. */
	x.cgroup_made = true;
	r = cgroup_create(x.cgroup_path, &x.cgroup_fd, e);
	if (r == -EBUSY || r > 0)
		x.cgroup_made = false; /* frozen or in use: not ours to remove */
	if (r > 0)
		close(openat(c->dirfd, CGROUP_SHARED_MARK, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	else if (r < 0 && r != -EBUSY && g->rootless)
		r = rootless_cgroup_fallback(&x.cgroup_path, &x.cfg->linux_.resources, r, e);
	if (r < 0)
		goto fail;
	a.cgroup_path = x.cgroup_path;
	/* With systemd the cgroup exists only once the init does: the parent
	 * starts the scope with it and joins it to the other hierarchies. */
	a.cgroup_self_join = x.cgroup_path && !has_user_ns(x.cfg) && !cgroup_uses_systemd();
	a.dumpable_until_setup = geteuid() != 0;
	{
		const int close_in_child[] = {c->dirfd, c->rootfd, sv[0]};
		x.pid = spawn_init(&x, &a, close_in_child, ARRAY_SIZE(close_in_child), e);
	}
	close_ns_fds(&a);
	if (a.trace_fd >= 0)
		close(TAKE_FD(a.trace_fd));
	if (x.console_fd >= 0)
		close(TAKE_FD(x.console_fd));
	mounts_close_prepared(a.prepared_mounts, x.cfg->n_mounts);
	a.prepared_mounts = NULL;
	close(sv[1]);
	sv[1] = -1;
	if (x.pid < 0) {
		r = x.pid;
		x.pid = 0;
		goto fail;
	}
	x.sync_fd = sv[0];
	if (x.recorder.ctl >= 0) {
		r = trace_recorder_watch(&x.recorder, x.pidfd, e);
		if (r < 0)
			goto fail;
	}
	if (x.cgroup_path) {
		/* Rootless, device rules cannot be enforced (and the host's
		 * permissions on the nodes apply): only the limits are. */
		struct oci_resources res = x.cfg->linux_.resources;
		if (g->rootless)
			res.n_devices = 0;
		r = cgroup_apply_config(x.cgroup_path, x.pid, &res, e);
		if (r == -EEXIST)
			x.cgroup_made = false; /* a systemd unit of that name: not ours to stop */
		if (r < 0)
			goto fail;
	}
	proc_start_time(x.pid, &start_time, NULL);

	c->state = xcalloc(1, sizeof *c->state);
	c->state->oci_version = xstrdup(OCI_SPEC_VERSION);
	c->state->id = xstrdup(o->id);
	c->state->status = xstrdup("creating");
	c->state->pid = x.pid;
	c->state->pid_start_time = start_time;
	c->state->bundle = xstrdup(x.bundle);
	c->state->rootfs = xstrdup(x.rootfs);
	c->state->cgroup_path = xstrdup(x.cgroup_path);
	c->state->systemd_cgroup = cgroup_uses_systemd();
	c->state->created = lifecycle_now();
	c->state->owner = rootless_owner_name();
	for (size_t i = 0; i < x.cfg->annotations.len; i++)
		; /* annotations are copied below */
	if (x.cfg->annotations.len) {
		c->state->annotations.items =
		    xcalloc(x.cfg->annotations.len, sizeof(struct oci_kv));
		for (size_t i = 0; i < x.cfg->annotations.len; i++) {
			c->state->annotations.items[i].key =
			    xstrdup(x.cfg->annotations.items[i].key);
			c->state->annotations.items[i].value =
			    xstrdup(x.cfg->annotations.items[i].value);
		}
		c->state->annotations.len = x.cfg->annotations.len;
	}
	r = lifecycle_save(c, e);
	if (r < 0)
		goto fail;

	/* Without a user namespace the init moves itself into the v1
	 * hierarchies (see init.c); otherwise it may lack the permission. */
	if (x.cgroup_path && !a.cgroup_self_join) {
		r = cgroup_enter(x.cgroup_path, x.pid, x.in_cgroup, e);
		if (r < 0)
			goto fail;
	}
	r = parent_setup(&x, e);
	if (r < 0)
		goto fail;
	r = follow_init(&x, c->state, e);
	if (r < 0)
		goto fail;

	free(c->state->status);
	c->state->status = xstrdup("created");
	r = lifecycle_save(c, e);
	if (r < 0)
		goto fail;
	if (o->pid_file) {
		r = write_pid_file(o->pid_file, x.pid, e);
		if (r < 0)
			goto fail;
	}
	if (x.recorder.ctl >= 0) {
		r = trace_recorder_commit(&x.recorder, e);
		if (r < 0)
			goto fail;
	}
	r = sync_send(x.sync_fd, SYNC_ACK);
	if (r < 0) {
		r = nerr_sys(e, -r, "write to container init");
		goto fail;
	}
	{
		/* The init closes its end once it no longer dies with us. */
		struct sync_msg m;
		sync_recv(x.sync_fd, &m, NULL);
	}
	close(x.sync_fd);
	close(x.fifo_fd);
	seccomp_prog_release(&sprog);
	trace_opts_clear(&x.trace);
	if (x.cgroup_fd >= 0)
		close(x.cgroup_fd);
	free(x.cgroup_path);
	free(x.config_raw);
	oci_config_free(x.cfg);
	if (pidfd_out)
		*pidfd_out = x.pidfd;
	else if (x.pidfd >= 0)
		close(x.pidfd);
	return 0;

fail:
	seccomp_prog_release(&sprog);
	if (a.trace_fd >= 0)
		close(a.trace_fd);
	create_cleanup(&x, c);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (x.fifo_fd >= 0)
		close(x.fifo_fd);
	if (x.console_fd >= 0)
		close(x.console_fd);
	if (x.pidfd >= 0)
		close(x.pidfd);
	if (x.cgroup_fd >= 0)
		close(x.cgroup_fd);
	free(x.cgroup_path);
	lifecycle_close(c);
out_cfg:
	trace_opts_clear(&x.trace);
	free(x.config_raw);
	oci_config_free(x.cfg);
	return r;
}
