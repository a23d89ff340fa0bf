/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libcriu loaded on demand, and the parts of a CRIU request that the dump
 * and the restore build alike (see crlib.h).
 */
#include "config.h"

#ifdef HAVE_CRIU

#include "crlib.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"
#include "mount_opts.h"
#include "mounts.h"
#include "util.h"

#define LIBCRIU_SONAME "libcriu.so.2"
/* Without the annotation org.criu.config, this file when it exists. */
#define CRIU_DEFAULT_CONFIG "/etc/criu/nucleus-oci.conf"

int crlib_open(struct crlib *l, const char *criu_path, struct nerr *e)
{
	memset(l, 0, sizeof *l);
	l->images_fd = l->work_fd = -1;
	l->handle = dlopen(LIBCRIU_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!l->handle)
		return nerr_set(e, ENOENT, "cannot load %s (install the criu package): %s",
		                LIBCRIU_SONAME, dlerror());
#define CRLIB_LOAD(name)                                                                           \
	*(void **)&l->name = dlsym(l->handle, "criu_local_" #name);                                \
	if (!l->name)                                                                              \
		return nerr_set(e, ENOSYS, "%s has no criu_local_" #name ": CRIU is too old",      \
		                LIBCRIU_SONAME);
	CRLIB_FUNCS(CRLIB_LOAD)
#undef CRLIB_LOAD
	*(void **)&l->get_orphan_pts_master_fd = dlsym(l->handle, "criu_get_orphan_pts_master_fd");
	if (l->init_opts(&l->opts) < 0) {
		l->opts = NULL;
		return nerr_set(e, ENOMEM, "libcriu: cannot initialise a request");
	}
	if (criu_path && l->set_service_binary(l->opts, criu_path) < 0)
		return nerr_set(e, ENOMEM, "libcriu: criu binary \"%s\"", criu_path);
	return 0;
}

/* libcriu before 4.2 has no setter for config_file or empty_ns; the RPC
 * request they belong in is the first member of its criu_opts in every
 * release (3.x and 4.x). */
static CriuOpts *request_of(struct crlib *l)
{
	return *(CriuOpts **)l->opts;
}

void crlib_close(struct crlib *l)
{
	if (l->opts) {
		if (l->config_file)
			request_of(l)->config_file = NULL;
		l->free_opts(l->opts);
	}
	free(l->config_file);
	if (l->images_fd >= 0)
		close(l->images_fd);
	if (l->work_fd >= 0)
		close(l->work_fd);
	if (l->handle)
		dlclose(l->handle);
	memset(l, 0, sizeof *l);
	l->images_fd = l->work_fd = -1;
}

void crlib_set_empty_ns(struct crlib *l, unsigned mask)
{
	if (!mask)
		return;
	request_of(l)->has_empty_ns = true;
	request_of(l)->empty_ns = mask;
}

static int open_dir(const char *path, bool create, const char *what, struct nerr *e)
{
	int fd;
	if (create && mkdir(path, 0700) < 0 && errno != EEXIST)
		return nerr_sys(e, errno, "create %s \"%s\"", what, path);
	/* libcriu hands CRIU the fd number; CRIU opens it through /proc/<our pid>/fd. */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nerr_sys(e, errno, "%s \"%s\"", what, path);
	return fd;
}

static int cgroup_mode_of(const char *name, enum criu_cg_mode *mode)
{
	static const struct {
		const char *name;
		enum criu_cg_mode mode;
	} modes[] = {{"soft", CRIU_CG_MODE_SOFT},
	             {"full", CRIU_CG_MODE_FULL},
	             {"strict", CRIU_CG_MODE_STRICT},
	             {"ignore", CRIU_CG_MODE_IGNORE}};
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strcmp(name, modes[i].name)) {
			*mode = modes[i].mode;
			return 0;
		}
	return -EINVAL;
}

static const char *annotation(const struct oci_config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->annotations.len; i++)
		if (!strcmp(cfg->annotations.items[i].key, key))
			return cfg->annotations.items[i].value;
	return NULL;
}

static int set_config_file(struct crlib *l, const struct oci_config *cfg, struct nerr *e)
{
	const char *path = annotation(cfg, "org.criu.config");
	struct stat sb;

	if (!path) {
		if (access(CRIU_DEFAULT_CONFIG, F_OK) < 0)
			return 0;
		path = CRIU_DEFAULT_CONFIG;
	}
	if (!*path)
		return 0; /* an empty value turns the default file off, as with runc */
	if (stat(path, &sb) < 0)
		return nerr_sys(e, errno, "annotation org.criu.config: CRIU config file \"%s\"",
		                path);
	if (!S_ISREG(sb.st_mode))
		return nerr_set(e, EINVAL,
		                "annotation org.criu.config: CRIU config file \"%s\" is not a file",
		                path);
	l->config_file = xstrdup(path);
	request_of(l)->config_file = l->config_file;
	return 0;
}

int crlib_setup(struct crlib *l, const struct cr_common_opts *o, const struct oci_config *cfg,
                bool create_images, const char *log_name, struct nerr *e)
{
	const char *images = o->image_path ? o->image_path : "checkpoint";
	enum criu_cg_mode mode = CRIU_CG_MODE_SOFT;
	int r;

	if (o->manage_cgroups_mode && cgroup_mode_of(o->manage_cgroups_mode, &mode) < 0)
		return nerr_set(
		    e, EINVAL,
		    "--manage-cgroups-mode \"%s\": expected soft, full, strict or ignore",
		    o->manage_cgroups_mode);
	l->images_fd = open_dir(images, create_images, "image path", e);
	if (l->images_fd < 0)
		return l->images_fd;
	l->set_images_dir_fd(l->opts, l->images_fd);
	snprintf(l->log_dir, sizeof l->log_dir, "%s", o->work_path ? o->work_path : images);
	if (o->work_path) {
		l->work_fd = open_dir(o->work_path, true, "work path", e);
		if (l->work_fd < 0)
			return l->work_fd;
		l->set_work_dir_fd(l->opts, l->work_fd);
	}
	snprintf(l->log_name, sizeof l->log_name, "%s", log_name);
	l->set_log_level(l->opts, 4);
	if (l->set_log_file(l->opts, log_name) < 0)
		return nerr_set(e, ENOMEM, "libcriu: log file %s", log_name);
	l->set_tcp_established(l->opts, o->tcp_established);
	l->set_ext_unix_sk(l->opts, o->ext_unix_sk);
	l->set_shell_job(l->opts, o->shell_job);
	l->set_file_locks(l->opts, o->file_locks);
	l->set_manage_cgroups(l->opts, true);
	l->set_manage_cgroups_mode(l->opts, mode);
	if (cfg->process && cfg->process->terminal)
		l->set_orphan_pts_master(l->opts, true);
	r = set_config_file(l, cfg, e);
	return r;
}

void crlib_resolve_in_root(int rootfd, const char *path, char *out, size_t size)
{
	char done[PATH_MAX] = "", todo[PATH_MAX], link[PATH_MAX], tmp[PATH_MAX * 2];
	const char *p;
	int hops = 0;

	snprintf(todo, sizeof todo, "%s", path);
	p = todo;
	while (*p) {
		const char *end;
		size_t len, dl;
		ssize_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			char *s = strrchr(done, '/');
			if (s)
				*s = '\0';
			p = end;
			continue;
		}
		dl = strlen(done);
		snprintf(done + dl, sizeof done - dl, "/%.*s", (int)len, p);
		p = end;
		/* Every component before this one is a directory checked here: the
		 * walk from rootfd cannot leave the tree. */
		n = readlinkat(rootfd, done + 1, link, sizeof link - 1);
		if (n < 0) {
			if (errno == EINVAL)
				continue; /* not a symlink */
			break;            /* missing: the rest stays as written */
		}
		if (++hops > 40)
			break;
		link[n] = '\0';
		if (link[0] == '/')
			done[0] = '\0';
		else
			*strrchr(done, '/') = '\0';
		snprintf(tmp, sizeof tmp, "%s/%s", link, p);
		snprintf(todo, sizeof todo, "%s", tmp);
		p = todo;
	}
	if (*p) {
		size_t dl = strlen(done);
		snprintf(done + dl, sizeof done - dl, "%s%s", *p == '/' ? "" : "/", p);
	}
	snprintf(out, size, "%s", done[0] ? done : "/");
}

int crlib_add_bind_mounts(struct crlib *l, const struct oci_config *cfg, int rootfd,
                          const char *bundle, struct nerr *e)
{
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		char key[PATH_MAX], src[PATH_MAX * 2];
		struct mount_plan pl;
		int r = mount_opts_plan(m, &pl, e);

		if (r < 0)
			return r;
		if (!(pl.bind || pl.rbind) || !m->destination || !m->source)
			continue;
		crlib_resolve_in_root(rootfd, m->destination, key, sizeof key);
		if (!bundle)
			snprintf(src, sizeof src, "%s", key);
		else if (m->source[0] == '/')
			snprintf(src, sizeof src, "%s", m->source);
		else
			snprintf(src, sizeof src, "%s/%s", bundle, m->source);
		if (l->add_ext_mount(l->opts, key, src) < 0)
			return nerr_set(e, ENOMEM, "libcriu: external mount %s", m->destination);
	}
	return 0;
}

int crlib_add_device_binds(struct crlib *l, const struct oci_config *cfg, struct nerr *e)
{
	bool dev_tmpfs = mounts_dev_is_tmpfs(cfg);
	const char *p;

	if (!oci_config_namespace(cfg, OCI_NS_USER))
		return 0;
	/* the default set exists only on a /dev of the container's own */
	for (size_t i = 0; dev_tmpfs && (p = devices_default_path(i)); i++)
		if (l->add_ext_mount(l->opts, p, p) < 0)
			return nerr_set(e, ENOMEM, "libcriu: external mount %s", p);
	for (size_t i = 0; i < cfg->linux_.n_devices; i++) {
		bool dup = false;

		p = cfg->linux_.devices[i].path;
		for (size_t j = 0; dev_tmpfs && devices_default_path(j); j++)
			dup |= !strcmp(devices_default_path(j), p);
		if (!dup && l->add_ext_mount(l->opts, p, p) < 0)
			return nerr_set(e, ENOMEM, "libcriu: external mount %s", p);
	}
	return 0;
}

int crlib_add_masked_paths(struct crlib *l, const struct oci_config *cfg, int rootfd,
                           struct nerr *e)
{
	for (size_t i = 0; i < cfg->linux_.masked_paths.len; i++) {
		const char *path = cfg->linux_.masked_paths.items[i];
		const char *val = "/dev/null";
		struct stat sb;

		if (rootfd >= 0) {
			char in_root[PATH_MAX];

			/* The container's symlinks resolved in its root, never ours. */
			crlib_resolve_in_root(rootfd, path, in_root, sizeof in_root);
			if (fstatat(rootfd, in_root + 1, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
			    S_ISDIR(sb.st_mode))
				continue; /* missing, or masked with a tmpfs CRIU dumps itself */
			val = path;
		}
		if (l->add_ext_mount(l->opts, path, val) < 0)
			return nerr_set(e, ENOMEM, "libcriu: external mount %s", path);
	}
	return 0;
}

/* CRIU's first error line, without its "Error (file:line): " prefix: the
 * cause; the lines after it are its consequences.  A helper's exit status
 * alone says nothing: the line CRIU writes about it next does. */
static void first_error(const char *log, char *out, size_t size)
{
	out[0] = '\0';
	for (const char *p = strstr(log, "Error ("); p; p = strstr(p, "Error (")) {
		const char *end = strchrnul(p, '\n'), *colon = strstr(p, "): ");

		if (colon && colon < end)
			p = colon + 3;
		if (!str_has_prefix(p, "exited, status=")) {
			snprintf(out, size, "%.*s", (int)(end - p), p);
			return;
		}
		p = end;
	}
}

int crlib_fail(struct crlib *l, int rc, const char *what, struct nerr *e)
{
	_cleanup_free_ char *log = NULL;
	int dirfd = l->work_fd >= 0 ? l->work_fd : l->images_fd;
	char reason[512] = "";
	struct nerr ignored;
	size_t len;

	if (dirfd >= 0 && read_file_at(dirfd, l->log_name, &log, &len, &ignored) == 0)
		first_error(log, reason, sizeof reason);
	if (!reason[0])
		snprintf(reason, sizeof reason, "libcriu returned %d (%s)", rc,
		         strerror(rc < 0 ? -rc : EIO));
	return nerr_set(e, EIO, "%s: criu: %s (log: %s/%s)", what, reason, l->log_dir, l->log_name);
}

#endif /* HAVE_CRIU */
