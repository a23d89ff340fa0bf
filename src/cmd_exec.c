/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nucleus-oci exec [options] ID [COMMAND [ARGS...]]: the process comes from
 * --process FILE (a runtime-spec process.json), or is the container's own
 * process with the command line and the flags applied, as runc builds it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "exec.h"
#include "util.h"

enum {
	O_PROCESS,
	O_ENV,
	O_CWD,
	O_USER,
	O_ADDITIONAL_GIDS,
	O_TTY,
	O_CAP,
	O_NO_NEW_PRIVS,
	O_DETACH,
	O_PID_FILE,
	O_CONSOLE_SOCKET,
	O_PRESERVE_FDS,
	O_PROCESS_LABEL,
	O_APPARMOR,
	O_IGNORE_PAUSED,
	O_CGROUP,
};

static const struct cli_opt opts[] = {
    {"process", 'p', true, O_PROCESS, "path to a process.json describing the process"},
    {"env", 'e', true, O_ENV, "set an environment variable (KEY=VALUE), repeatable"},
    {"cwd", 0, true, O_CWD, "working directory in the container"},
    {"user", 'u', true, O_USER, "UID[:GID] to run as"},
    {"additional-gids", 'g', true, O_ADDITIONAL_GIDS, "an additional group ID, repeatable"},
    {"tty", 't', false, O_TTY, "allocate a pseudo-terminal"},
    {"cap", 'c', true, O_CAP, "add a capability (CAP_NAME), repeatable"},
    {"no-new-privs", 0, false, O_NO_NEW_PRIVS, "set no_new_privs for the process"},
    {"detach", 'd', false, O_DETACH, "do not wait for the process"},
    {"pid-file", 0, true, O_PID_FILE, "write the process's host pid to this file"},
    {"console-socket", 0, true, O_CONSOLE_SOCKET, "unix socket to receive the pty master"},
    {"preserve-fds", 0, true, O_PRESERVE_FDS, "pass N extra fds (3..3+N-1) to the process"},
    {"process-label", 0, true, O_PROCESS_LABEL, "SELinux label (accepted; SELinux is not enabled)"},
    {"apparmor", 0, true, O_APPARMOR, "AppArmor profile (accepted; AppArmor is not enabled)"},
    {"ignore-paused", 0, false, O_IGNORE_PAUSED, "exec even if the container is paused"},
    {"cgroup", 0, true, O_CGROUP,
     "run in this existing sub-cgroup of the container's, [CONTROLLER:]PATH, repeatable"},
    {NULL, 0, false, 0, NULL},
};

struct exec_cli {
	struct exec_opts o;
	const char *process_file;
	const char *cwd;
	const char *user;
	bool tty;
	bool no_new_privs;
	struct oci_strv env, caps, gids, cgroups;
};

static void strv_add(struct oci_strv *v, const char *s)
{
	v->items = realloc(v->items, (v->len + 1) * sizeof *v->items);
	if (!v->items)
		abort();
	v->items[v->len++] = xstrdup(s);
}

static void strv_clear(struct oci_strv *v)
{
	for (size_t i = 0; i < v->len; i++)
		free(v->items[i]);
	free(v->items);
}

static int opt_cb(void *ctx, int id, const char *arg, struct nerr *e)
{
	struct exec_cli *o = ctx;
	unsigned long long n;
	switch (id) {
	case O_PROCESS:
		o->process_file = arg;
		break;
	case O_ENV:
		if (!strchr(arg, '='))
			return nerr_set(e, EINVAL, "--env \"%s\": expected KEY=VALUE", arg);
		strv_add(&o->env, arg);
		break;
	case O_CWD:
		o->cwd = arg;
		break;
	case O_USER:
		o->user = arg;
		break;
	case O_ADDITIONAL_GIDS:
		if (parse_uint(arg, &n) < 0 || n > UINT32_MAX)
			return nerr_set(e, EINVAL, "--additional-gids: invalid group ID \"%s\"",
			                arg);
		strv_add(&o->gids, arg);
		break;
	case O_TTY:
		o->tty = true;
		break;
	case O_CAP:
		strv_add(&o->caps, arg);
		break;
	case O_NO_NEW_PRIVS:
		o->no_new_privs = true;
		break;
	case O_DETACH:
		o->o.detach = true;
		break;
	case O_PID_FILE:
		o->o.pid_file = arg;
		break;
	case O_CONSOLE_SOCKET:
		o->o.console_socket = arg;
		break;
	case O_IGNORE_PAUSED:
		o->o.ignore_paused = true;
		break;
	case O_CGROUP:
		strv_add(&o->cgroups, arg);
		break;
	case O_PRESERVE_FDS:
		if (parse_uint(arg, &n) < 0 || n > 65536)
			return nerr_set(e, EINVAL, "--preserve-fds: invalid number \"%s\"", arg);
		o->o.preserve_fds = (int)n;
		break;
	default:
		break;
	}
	return 0;
}

/* KEY=VALUE replaces an existing KEY, so the flag wins over the config. */
static void env_set(struct oci_strv *env, const char *kv)
{
	size_t klen = (size_t)(strchr(kv, '=') - kv) + 1;
	for (size_t i = 0; i < env->len; i++) {
		if (!strncmp(env->items[i], kv, klen)) {
			free(env->items[i]);
			env->items[i] = xstrdup(kv);
			return;
		}
	}
	strv_add(env, kv);
}

static int parse_user(const char *s, struct oci_user *u, struct nerr *e)
{
	unsigned long long uid, gid;
	char buf[64], *colon;
	snprintf(buf, sizeof buf, "%s", s);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (parse_uint(buf, &uid) < 0 || uid > UINT32_MAX ||
	    (colon && (parse_uint(colon + 1, &gid) < 0 || gid > UINT32_MAX)))
		return nerr_set(e, EINVAL, "--user \"%s\": expected UID[:GID] (numbers)", s);
	u->uid = (uint32_t)uid;
	if (colon)
		u->gid = (uint32_t)gid;
	return 0;
}

/* The container's process, changed by the command line as runc does. */
static int apply_flags(struct exec_cli *o, char **args, int nargs, struct oci_process *p,
                       struct nerr *e)
{
	struct oci_strv *sets[] = {&p->capabilities.bounding, &p->capabilities.effective,
	                           &p->capabilities.permitted, &p->capabilities.inheritable,
	                           &p->capabilities.ambient};
	strv_clear(&p->args);
	p->args = (struct oci_strv){0};
	for (int i = 0; i < nargs; i++)
		strv_add(&p->args, args[i]);
	for (size_t i = 0; i < o->env.len; i++)
		env_set(&p->env, o->env.items[i]);
	if (o->cwd) {
		if (o->cwd[0] != '/')
			return nerr_set(e, EINVAL, "--cwd \"%s\": must be an absolute path",
			                o->cwd);
		free(p->cwd);
		p->cwd = xstrdup(o->cwd);
	}
	if (o->user && parse_user(o->user, &p->user, e) < 0)
		return -e->errnum;
	for (size_t i = 0; i < o->gids.len; i++) {
		unsigned long long g;
		parse_uint(o->gids.items[i], &g);
		p->user.additional_gids = realloc(
		    p->user.additional_gids, (p->user.n_additional_gids + 1) * sizeof(uint32_t));
		if (!p->user.additional_gids)
			abort();
		p->user.additional_gids[p->user.n_additional_gids++] = (uint32_t)g;
	}
	if (o->caps.len)
		p->capabilities.present = true;
	for (size_t i = 0; i < o->caps.len; i++)
		for (size_t s = 0; s < ARRAY_SIZE(sets); s++)
			strv_add(sets[s], o->caps.items[i]);
	if (o->no_new_privs)
		p->no_new_privileges = true;
	p->terminal = o->tty;
	return 0;
}

static int load_process(struct exec_cli *o, char **args, int nargs, struct oci_config *cfg,
                        struct oci_process **out, struct nerr *e)
{
	_cleanup_free_ char *buf = NULL;
	struct spec_error se;
	size_t len;
	int r;

	if (!o->process_file) {
		if (nargs == 0)
			return nerr_set(e, EINVAL,
			                "exec: expected a command to run (or --process FILE)");
		*out = TAKE_PTR(cfg->process);
		return apply_flags(o, args, nargs, *out, e);
	}
	r = read_file_at(AT_FDCWD, o->process_file, &buf, &len, e);
	if (r < 0)
		return nerr_sys(e, -r, "--process \"%s\"", o->process_file);
	if (oci_process_parse(buf, len, o->process_file, out, &se) < 0)
		return nerr_set(e, EINVAL, "%s", se.msg);
	return 0;
}

int cmd_exec(struct globals *g, int argc, char **argv)
{
	struct exec_cli o = {0};
	struct oci_config *cfg = NULL;
	struct oci_process *p = NULL;
	struct container c = {.rootfd = -1, .dirfd = -1};
	struct nerr e = {0};
	int status = 1, r;
	bool help;
	int first = cli_parse(argc - 1, argv + 1, opts, opt_cb, &o, &help, &e);

	if (help) {
		cli_print_help("exec [options] ID [COMMAND [ARGS...]]",
		               "Run a process in a running container.", opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	first++;
	if (argc - first < 1) {
		nerr_set(&e, EINVAL, "exec: expected the container ID");
		command_fail(&e);
		return 255;
	}
	r = lifecycle_open(g->root, argv[first], false, &c, &e);
	if (r == 0)
		r = lifecycle_load_config(&c, &cfg, &e);
	if (r == 0)
		r = load_process(&o, argv + first + 1, argc - first - 1, cfg, &p, &e);
	o.o.cgroups = (const char *const *)o.cgroups.items;
	o.o.n_cgroups = o.cgroups.len;
	if (r == 0)
		r = exec_process(&c, cfg, p, &o.o, &status, &e);
	lifecycle_close(&c);
	oci_process_free(p);
	oci_config_free(cfg);
	strv_clear(&o.env);
	strv_clear(&o.caps);
	strv_clear(&o.gids);
	strv_clear(&o.cgroups);
	/* As runc: 255 when the runtime failed, so that it is never mistaken
	 * for the process's own status. */
	if (r < 0) {
		command_fail(&e);
		return 255;
	}
	return status;
}
