/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nucleus-oci start ID */
#include "commands.h"
#include "container.h"

int cmd_start(struct globals *g, int argc, char **argv)
{
	static const struct cli_opt opts[] = {{NULL, 0, false, 0, NULL}};
	struct container c;
	struct nerr e = {0};
	bool help;
	int first = cli_parse(argc - 1, argv + 1, opts, NULL, NULL, &help, &e);
	if (help) {
		cli_print_help("start ID", "Start the process of a created container.", opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	first++;
	if (argc - first != 1) {
		nerr_set(&e, EINVAL, "start: expected exactly one argument: the container ID");
		return command_fail(&e);
	}
	if (lifecycle_open(g->root, argv[first], true, &c, &e) < 0)
		return command_fail(&e);
	if (container_start(&c, &e) < 0) {
		lifecycle_close(&c);
		return command_fail(&e);
	}
	lifecycle_close(&c);
	return 0;
}
