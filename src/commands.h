/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One function per CLI command, each in its own cmd_*.c file. */
#ifndef NUCLEUS_COMMANDS_H
#define NUCLEUS_COMMANDS_H

#include "cli.h"

/* The options create and run share; create_opt_cb fills a struct create_opts. */
enum {
	CREATE_OPT_BUNDLE,
	CREATE_OPT_PID_FILE,
	CREATE_OPT_CONSOLE_SOCKET,
	CREATE_OPT_NO_PIVOT,
	CREATE_OPT_NO_NEW_KEYRING,
	CREATE_OPT_PRESERVE_FDS,
	CREATE_OPT_LAST
};
struct nerr;
int create_opt_cb(void *ctx, int id, const char *arg, struct nerr *e);

int cmd_create(struct globals *g, int argc, char **argv);
int cmd_start(struct globals *g, int argc, char **argv);
int cmd_state(struct globals *g, int argc, char **argv);
int cmd_kill(struct globals *g, int argc, char **argv);
int cmd_delete(struct globals *g, int argc, char **argv);
int cmd_run(struct globals *g, int argc, char **argv);
int cmd_list(struct globals *g, int argc, char **argv);
int cmd_spec(struct globals *g, int argc, char **argv);
int cmd_exec(struct globals *g, int argc, char **argv);
int cmd_features(struct globals *g, int argc, char **argv);
int cmd_pause(struct globals *g, int argc, char **argv);
int cmd_resume(struct globals *g, int argc, char **argv);
int cmd_update(struct globals *g, int argc, char **argv);
int cmd_ps(struct globals *g, int argc, char **argv);
int cmd_events(struct globals *g, int argc, char **argv);
int cmd_checkpoint(struct globals *g, int argc, char **argv);
int cmd_restore(struct globals *g, int argc, char **argv);

/* Print the error (log file + stderr) and return the exit status 1. */
int command_fail(const struct nerr *e);

#endif
