/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nucleus-oci delete [--force] ID */
#include "commands.h"
#include "container.h"
#include "lifecycle.h"
#include "log.h"

enum { O_FORCE };

static int opt_cb(void *ctx, int id, const char *arg, struct nerr *e)
{
	if (id == O_FORCE)
		*(bool *)ctx = true;
	return 0;
}

int cmd_delete(struct globals *g, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    {"force", 'f', false, O_FORCE, "kill the container first if it is running"},
	    {NULL, 0, false, 0, NULL},
	};
	struct container c;
	struct nerr e = {0};
	bool help, force = false;
	int r;
	int first = cli_parse(argc - 1, argv + 1, opts, opt_cb, &force, &help, &e);
	if (help) {
		cli_print_help("delete [--force] ID", "Delete a container and everything it holds.",
		               opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	first++;
	if (argc - first != 1) {
		nerr_set(&e, EINVAL, "delete: expected exactly one argument: the container ID");
		return command_fail(&e);
	}
	r = lifecycle_open(g->root, argv[first], true, &c, &e);
	/* As runc: engines clean up with --force after a failed create; that is no error. */
	if (r == -ENOENT && force)
		return 0;
	if (r == -EBADMSG && force) {
		/* A damaged state.json must not pin the ID for ever. */
		log_warn("%s: removing its state directory", e.msg);
		return lifecycle_discard(g->root, argv[first], &e) < 0 ? command_fail(&e) : 0;
	}
	if (r < 0)
		return command_fail(&e);
	if (container_delete(&c, force, &e) < 0) {
		lifecycle_close(&c);
		return command_fail(&e);
	}
	lifecycle_close(&c);
	return 0;
}
