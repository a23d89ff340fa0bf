/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nucleus-oci state ID: the OCI state JSON with the live status. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "lifecycle.h"
#include "util.h"

int cmd_state(struct globals *g, int argc, char **argv)
{
	static const struct cli_opt opts[] = {{NULL, 0, false, 0, NULL}};
	_cleanup_free_ char *out = NULL;
	struct container c;
	struct nerr e = {0};
	size_t len;
	bool help;
	int first = cli_parse(argc - 1, argv + 1, opts, NULL, NULL, &help, &e);
	if (help) {
		cli_print_help("state ID", "Print the state of a container as JSON.", opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	first++;
	if (argc - first != 1) {
		nerr_set(&e, EINVAL, "state: expected exactly one argument: the container ID");
		return command_fail(&e);
	}
	if (lifecycle_open(g->root, argv[first], false, &c, &e) < 0)
		return command_fail(&e);
	if (!c.state) {
		nerr_set(&e, EAGAIN, "container \"%s\" is being created (no state yet)", c.id);
		lifecycle_close(&c);
		return command_fail(&e);
	}
	{
		const char *status = lifecycle_status(&c);
		free(c.state->status);
		c.state->status = xstrdup(status);
		if (!strcmp(status, "stopped"))
			c.state->pid = 0;
	}
	if (oci_state_emit_public(c.state, &out, &len) < 0) {
		nerr_set(&e, ENOMEM, "encode state");
		lifecycle_close(&c);
		return command_fail(&e);
	}
	fwrite(out, 1, len, stdout);
	if (len && out[len - 1] != '\n')
		putchar('\n');
	lifecycle_close(&c);
	return 0;
}
