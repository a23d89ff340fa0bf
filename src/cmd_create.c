/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nucleus-oci create [options] ID */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "container.h"
#include "util.h"

static const struct cli_opt opts[] = {
    {"bundle", 'b', true, CREATE_OPT_BUNDLE, "path to the bundle (default: current directory)"},
    {"pid-file", 0, true, CREATE_OPT_PID_FILE, "write the init's pid to this file"},
    {"console-socket", 0, true, CREATE_OPT_CONSOLE_SOCKET, "unix socket to receive the pty master"},
    {"no-pivot", 0, false, CREATE_OPT_NO_PIVOT, "use MS_MOVE and chroot instead of pivot_root"},
    {"no-new-keyring", 0, false, CREATE_OPT_NO_NEW_KEYRING, "keep the session keyring"},
    {"preserve-fds", 0, true, CREATE_OPT_PRESERVE_FDS,
     "pass N extra fds (3..3+N-1) to the process"},
    {NULL, 0, false, 0, NULL},
};

/* Shared with `run`, whose table starts with the same options. */
int create_opt_cb(void *ctx, int id, const char *arg, struct nerr *e)
{
	struct create_opts *o = ctx;
	unsigned long long n;
	switch (id) {
	case CREATE_OPT_BUNDLE:
		o->bundle = arg;
		break;
	case CREATE_OPT_PID_FILE:
		o->pid_file = arg;
		break;
	case CREATE_OPT_CONSOLE_SOCKET:
		o->console_socket = arg;
		break;
	case CREATE_OPT_NO_PIVOT:
		o->no_pivot = true;
		break;
	case CREATE_OPT_NO_NEW_KEYRING:
		o->no_new_keyring = true;
		break;
	case CREATE_OPT_PRESERVE_FDS:
		if (parse_uint(arg, &n) < 0 || n > 65536)
			return nerr_set(e, EINVAL, "--preserve-fds: invalid number \"%s\"", arg);
		o->preserve_fds = (int)n;
		break;
	}
	return 0;
}

int cmd_create(struct globals *g, int argc, char **argv)
{
	struct create_opts o = {0};
	struct container c;
	struct nerr e = {0};
	bool help;
	int first = cli_parse(argc - 1, argv + 1, opts, create_opt_cb, &o, &help, &e);
	if (help) {
		cli_print_help("create [options] ID",
		               "Create a container from a bundle; its process waits for `start`.",
		               opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	first++;
	if (argc - first != 1) {
		nerr_set(&e, EINVAL, "create: expected exactly one argument: the container ID");
		return command_fail(&e);
	}
	o.id = argv[first];
	if (container_create(g, &o, &c, NULL, &e) < 0)
		return command_fail(&e);
	lifecycle_close(&c);
	return 0;
}
