/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Entry point: global flags, then dispatch to one command. Only main prints and exits. */
#include "config.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "commands.h"
#include "log.h"
#include "oci_spec.h"

enum { G_ROOT, G_LOG, G_LOG_FORMAT, G_DEBUG, G_SYSTEMD_CGROUP, G_VERSION, G_CRIU, G_ROOTLESS };

static const struct cli_opt global_opts[] = {
    {"root", 0, true, G_ROOT,
     "state directory (default /run/nucleus-oci, or $XDG_RUNTIME_DIR/nucleus-oci if not root)"},
    {"log", 0, true, G_LOG, "write messages to this file (errors also go to stderr)"},
    {"log-format", 0, true, G_LOG_FORMAT, "format of --log: text (default) or json"},
    {"debug", 0, false, G_DEBUG, "log debug messages too"},
    {"systemd-cgroup", 0, false, G_SYSTEMD_CGROUP,
     "make cgroups as systemd units (needs systemd as PID 1 and libsystemd)"},
    {"version", 'v', false, G_VERSION, "print the version"},
    {"criu", 0, true, G_CRIU, "the criu binary for checkpoint and restore"},
    {"rootless", 0, true, G_ROOTLESS,
     "accepted for compatibility and ignored: true, false or auto"},
    {NULL, 0, false, 0, NULL},
};
/* What each global option's value is, for --help, in the order above. */
static const char *const global_args[] = {"DIR", "FILE", "FORMAT", NULL,
                                          NULL,  NULL,   "PATH",   "MODE"};

static const struct {
	const char *name;
	command_fn fn;
	const char *help;
} commands[] = {
    {"create", cmd_create, "create a container"},
    {"start", cmd_start, "start the user process of a created container"},
    {"state", cmd_state, "print the state of a container"},
    {"kill", cmd_kill, "send a signal to the container's init"},
    {"delete", cmd_delete, "delete a container"},
    {"run", cmd_run, "create and start a container"},
    {"list", cmd_list, "list containers"},
    {"spec", cmd_spec, "write a default config.json"},
    {"exec", cmd_exec, "run a process in a running container"},
    {"features", cmd_features, "print the features of this runtime (features.json)"},
    {"pause", cmd_pause, "freeze every process of a container"},
    {"resume", cmd_resume, "thaw every process of a paused container"},
    {"update", cmd_update, "update the cgroup limits of a container"},
    {"ps", cmd_ps, "list the processes of a container"},
    {"events", cmd_events, "print cgroup statistics and OOM events"},
    {"checkpoint", cmd_checkpoint, "checkpoint a running container with CRIU"},
    {"restore", cmd_restore, "restore a container from a checkpoint"},
    {"help", NULL, "show the commands, or the help of one command"},
};

struct global_ctx {
	struct globals *g;
	bool version;
};

static int global_cb(void *vctx, int id, const char *arg, struct nerr *e)
{
	struct global_ctx *ctx = vctx;
	switch (id) {
	case G_ROOT:
		ctx->g->root = arg;
		break;
	case G_LOG:
		ctx->g->log_path = arg;
		break;
	case G_LOG_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return nerr_set(e, EINVAL,
			                "invalid log format \"%s\": expected text or json", arg);
		ctx->g->log_format = arg;
		break;
	case G_DEBUG:
		ctx->g->debug = true;
		break;
	case G_SYSTEMD_CGROUP:
		ctx->g->systemd_cgroup = true;
		break;
	case G_VERSION:
		ctx->version = true;
		break;
	case G_CRIU:
		ctx->g->criu_path = arg;
		break;
	default:
		break;
	}
	return 0;
}

static void print_version(void)
{
	const struct scmp_version *v = seccomp_version();
	printf("nucleus-oci version %s\nspec: %s\n", PACKAGE_VERSION, OCI_SPEC_VERSION);
	if (v)
		printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
}

static void print_usage(void)
{
	printf("Usage: nucleus-oci [global options] COMMAND [options] [arguments]\n\n"
	       "nucleus-oci is a low-level OCI container runtime.\n\nCommands:\n");
	for (size_t i = 0; i < (sizeof commands / sizeof commands[0]); i++)
		printf("  %-10s %s\n", commands[i].name, commands[i].help);
	printf("\nGlobal options:\n");
	for (size_t i = 0; global_opts[i].name; i++)
		printf("  %-30s %s\n", cli_format_flag(&global_opts[i], global_args[i]),
		       global_opts[i].help);
	printf("  %-30s %s\n", "-h, --help", "show this help");
	printf("\nRun 'nucleus-oci help COMMAND' for the options of a command.\n");
}

/* help [COMMAND]: the command's own --help, so both always agree. */
static int cmd_help(struct globals *g, int argc, char **argv)
{
	char help_flag[] = "--help";
	struct nerr e = {0};

	if (argc < 2 || !strcmp(argv[1], "help")) {
		print_usage();
		return 0;
	}
	for (size_t i = 0; i < (sizeof commands / sizeof commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) || !commands[i].fn)
			continue;
		char *sub_argv[] = {argv[1], help_flag, NULL};
		return commands[i].fn(g, 2, sub_argv);
	}
	nerr_set(&e, EINVAL, "help: unknown command \"%s\" (see nucleus-oci --help)", argv[1]);
	return command_fail(&e);
}

int command_fail(const struct nerr *e)
{
	log_fatal(e->msg);
	return 1;
}

int main(int argc, char **argv)
{
	static char default_root[4096];
	struct globals g = {0};
	struct global_ctx ctx = {.g = &g};
	struct nerr e = {0};
	bool help;
	int first, r;

	g.rootless_env = geteuid() != 0;
	if (g.rootless_env && getenv("XDG_RUNTIME_DIR")) {
		snprintf(default_root, sizeof default_root, "%s/nucleus-oci",
		         getenv("XDG_RUNTIME_DIR"));
		g.root = default_root;
	} else {
		g.root = "/run/nucleus-oci";
	}

	first = cli_parse(argc - 1, argv + 1, global_opts, global_cb, &ctx, &help, &e);
	if (help) {
		print_usage();
		return 0;
	}
	if (first < 0) {
		log_fatal(e.msg);
		return 1;
	}
	if (ctx.version) {
		print_version();
		return 0;
	}
	first += 1;
	r = log_open(g.log_path, g.log_format && !strcmp(g.log_format, "json"), g.debug);
	if (r < 0) {
		fprintf(stderr, "open log file %s: %s\n", g.log_path, strerror(-r));
		return 1;
	}
	if (first >= argc) {
		print_usage();
		return 1;
	}
	for (size_t i = 0; i < (sizeof commands / sizeof commands[0]); i++) {
		if (strcmp(argv[first], commands[i].name))
			continue;
		if (!commands[i].fn) {
			r = cmd_help(&g, argc - first, argv + first);
			log_close();
			return r;
		}
		if (g.systemd_cgroup) {
			/* Commands that make a cgroup need systemd; the others follow the
			 * driver a container was made with (its state). */
			if ((!strcmp(argv[first], "create") || !strcmp(argv[first], "run")) &&
			    cgroup_systemd_check(&e) < 0)
				return command_fail(&e);
			cgroup_use_systemd(true);
		}
		r = commands[i].fn(&g, argc - first, argv + first);
		log_close();
		return r;
	}
	nerr_set(&e, EINVAL, "unknown command \"%s\" (see nucleus-oci --help)", argv[first]);
	return command_fail(&e);
}
