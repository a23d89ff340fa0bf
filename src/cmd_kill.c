/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nucleus-oci kill [--all] ID [SIGNAL] */
#include <string.h>

#include "commands.h"
#include "container.h"

enum { O_ALL, O_PID };

static int opt_cb(void *ctx, int id, const char *arg, struct nerr *e)
{
	if (id == O_ALL)
		*(bool *)ctx = true;
	return 0;
}

int cmd_kill(struct globals *g, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    {"all", 'a', false, O_ALL, "signal every process in the container's cgroup"},
	    {NULL, 0, false, 0, NULL},
	};
	struct container c;
	struct nerr e = {0};
	bool help, all = false;
	int sig = 15;
	int first = cli_parse(argc - 1, argv + 1, opts, opt_cb, &all, &help, &e);
	if (help) {
		cli_print_help("kill [--all] ID [SIGNAL]",
		               "Send a signal (default TERM) to the container.", opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	first++;
	if (argc - first < 1 || argc - first > 2) {
		nerr_set(&e, EINVAL, "kill: expected the container ID and an optional signal");
		return command_fail(&e);
	}
	if (argc - first == 2) {
		/* 0 checks that the container is alive, as kill(1) and runc do. */
		sig = strcmp(argv[first + 1], "0") ? signal_parse(argv[first + 1]) : 0;
		if (sig < 0) {
			nerr_set(&e, EINVAL, "invalid signal \"%s\"", argv[first + 1]);
			return command_fail(&e);
		}
	}
	if (lifecycle_open(g->root, argv[first], false, &c, &e) < 0)
		return command_fail(&e);
	if (container_kill(&c, sig, all, &e) < 0) {
		lifecycle_close(&c);
		return command_fail(&e);
	}
	lifecycle_close(&c);
	return 0;
}
