/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nucleus-oci pause ID / resume ID: freeze and thaw every process of the container. */
#include <string.h>

#include "cgroup.h"
#include "rootless.h"
#include "commands.h"
#include "lifecycle.h"
#include "util.h"

static int pause_or_resume(struct globals *g, int argc, char **argv, bool pause)
{
	static const struct cli_opt opts[] = {{NULL, 0, false, 0, NULL}};
	const char *name = pause ? "pause" : "resume";
	struct container c;
	struct nerr e = {0};
	const char *status;
	bool help;
	int first = cli_parse(argc - 1, argv + 1, opts, NULL, NULL, &help, &e);

	if (help) {
		cli_print_help(pause ? "pause ID" : "resume ID",
		               pause ? "Freeze every process of a running container."
		                     : "Thaw every process of a paused container.",
		               opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	first++;
	if (argc - first != 1) {
		nerr_set(&e, EINVAL, "%s: expected exactly one argument: the container ID", name);
		return command_fail(&e);
	}
	if (lifecycle_open(g->root, argv[first], true, &c, &e) < 0)
		return command_fail(&e);
	status = c.state ? lifecycle_status(&c) : "creating";
	if (pause && strcmp(status, "running"))
		nerr_set(&e, EINVAL, "container \"%s\" is %s: container not running", c.id, status);
	else if (!pause && strcmp(status, "paused"))
		nerr_set(&e, EINVAL, "container \"%s\" is %s: container not paused", c.id, status);
	else if (rootless_need_cgroup(c.id, c.state->cgroup_path, name, &e) == 0 &&
	         cgroup_freeze(c.state->cgroup_path, pause, &e) == 0) {
		free(c.state->status);
		c.state->status = xstrdup(pause ? "paused" : "running");
		lifecycle_save(&c, &e);
		lifecycle_close(&c);
		return 0;
	}
	lifecycle_close(&c);
	return command_fail(&e);
}

int cmd_pause(struct globals *g, int argc, char **argv)
{
	return pause_or_resume(g, argc, argv, true);
}

int cmd_resume(struct globals *g, int argc, char **argv)
{
	return pause_or_resume(g, argc, argv, false);
}
