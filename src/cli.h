/* SPDX-License-Identifier: GPL-2.0-or-later */
/* runc-compatible argument parsing: --flag value, --flag=value, -f value, -f. */
#ifndef NUCLEUS_CLI_H
#define NUCLEUS_CLI_H

#include <stdbool.h>

#include "error.h"

struct globals {
	const char *root;
	const char *log_path;
	const char *log_format;
	bool debug;
	bool systemd_cgroup;
	bool rootless_env;     /* not running as root */
	const char *criu_path; /* --criu: the criu binary (default: criu from PATH) */
};

struct cli_opt {
	const char *name; /* long name without dashes */
	char short_name;  /* 0 when none */
	bool has_arg;
	int id;
	const char *help;
};

/* Called for each option; arg is NULL for flags.  Return <0 (and fill e) to stop. */
typedef int (*cli_opt_cb)(void *ctx, int id, const char *arg, struct nerr *e);

/*
 * Parse options from argv[0..argc) until the first positional argument
 * (or after "--").  Returns the index of the first positional argument, or
 * <0 with e filled.  "-h"/"--help" returns -ECANCELED after setting *help.
 */
int cli_parse(int argc, char **argv, const struct cli_opt *opts, cli_opt_cb cb, void *ctx,
              bool *help, struct nerr *e);
/* "-f, --flag ARG" as --help shows it (a static buffer); ARG is arg_name,
 * or VALUE when that is NULL. */
const char *cli_format_flag(const struct cli_opt *o, const char *arg_name);
void cli_print_help(const char *usage, const char *description, const struct cli_opt *opts);

/* Each command: argc/argv start at the command name. Returns the exit status. */
typedef int (*command_fn)(struct globals *g, int argc, char **argv);

#endif
