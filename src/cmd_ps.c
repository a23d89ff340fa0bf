/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nucleus-oci ps [--format table|json] ID [ps options]: the processes of a
 * container.  json prints the pids; table runs ps(1) (default "-ef") and
 * keeps the header and the lines whose PID column is in the container.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "rootless.h"
#include "commands.h"
#include "lifecycle.h"
#include "util.h"

extern char **environ;

enum { O_FORMAT };

static int opt_cb(void *ctx, int id, const char *arg, struct nerr *e)
{
	if (strcmp(arg, "table") && strcmp(arg, "json"))
		return nerr_set(e, EINVAL,
		                "--format: invalid value \"%s\" (expected table or json)", arg);
	*(const char **)ctx = arg;
	(void)id;
	return 0;
}

/* Run ps with args, its standard output into *out. */
static int run_ps(char **args, int nargs, char **out, struct nerr *e)
{
	_cleanup_free_ char **argv = xcalloc((size_t)nargs + 3, sizeof *argv);
	posix_spawn_file_actions_t fa;
	size_t len = 0, cap = 65536;
	int pfd[2], status, r;
	pid_t pid;
	ssize_t n;

	argv[0] = "ps";
	if (nargs == 0)
		argv[1] = "-ef";
	for (int i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return nerr_sys(e, errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	r = posix_spawnp(&pid, "ps", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (r != 0) {
		close(pfd[0]);
		return nerr_sys(e, r, "run ps");
	}
	*out = xmalloc(cap);
	while ((n = read(pfd[0], *out + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 4096) {
			cap *= 2;
			if (!(*out = realloc(*out, cap)))
				abort();
		}
	}
	(*out)[len] = '\0';
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return nerr_set(e, ECHILD, "ps %s: failed (exit status %d)", argv[1],
		                WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}

static int pid_column(const char *header)
{
	char buf[4096], *save = NULL;
	int i = 0;

	snprintf(buf, sizeof buf, "%s", header);
	for (char *tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save), i++)
		if (!strcmp(tok, "PID"))
			return i;
	return -1;
}

static bool line_pid_in(const char *line, int col, const pid_t *pids, size_t n)
{
	char buf[4096], *save = NULL, *tok;
	int i = 0;

	snprintf(buf, sizeof buf, "%s", line);
	for (tok = strtok_r(buf, " \t", &save); tok && i < col; tok = strtok_r(NULL, " \t", &save))
		i++;
	if (!tok)
		return false;
	for (size_t k = 0; k < n; k++)
		if (atoi(tok) == pids[k])
			return true;
	return false;
}

static int print_table(char **args, int nargs, const pid_t *pids, size_t n, struct nerr *e)
{
	_cleanup_free_ char *out = NULL;
	char *line, *save = NULL;
	int col, r = run_ps(args, nargs, &out, e);

	if (r < 0)
		return r;
	line = strtok_r(out, "\n", &save);
	if (!line || (col = pid_column(line)) < 0)
		return nerr_set(e, EINVAL, "ps: no PID column in its output (%s)",
		                line ? line : "");
	printf("%s\n", line);
	while ((line = strtok_r(NULL, "\n", &save)))
		if (line_pid_in(line, col, pids, n))
			printf("%s\n", line);
	return 0;
}

static int ps(struct globals *g, const char *id, const char *format, char **args, int nargs,
              struct nerr *e)
{
	_cleanup_free_ pid_t *pids = NULL;
	struct container c;
	size_t n = 0;
	int r = lifecycle_open(g->root, id, false, &c, e);

	if (r < 0)
		return r;
	if (!c.state) {
		r = nerr_set(e, ESRCH, "container \"%s\": container not running", id);
	} else if (c.state->cgroup_path) {
		/* As runc: a stopped container lists what its cgroup still holds
		 * (processes on their way out), or nothing once it is gone. */
		r = cgroup_pids(c.state->cgroup_path, &pids, &n, e);
		if (r == -ENOENT && !strcmp(lifecycle_status(&c), "stopped"))
			r = 0;
	} else {
		r = rootless_container_pids(c.state->pid, &pids, &n, e);
	}
	lifecycle_close(&c);
	if (r < 0)
		return r;
	if (!strcmp(format, "table"))
		return print_table(args, nargs, pids, n, e);
	putchar('[');
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)pids[i]);
	printf("]\n");
	return 0;
}

int cmd_ps(struct globals *g, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    {"format", 'f', true, O_FORMAT, "table (runs ps) or json (the pids)"},
	    {NULL, 0, false, 0, NULL},
	};
	const char *format = "table";
	struct nerr e = {0};
	bool help;
	int first = cli_parse(argc - 1, argv + 1, opts, opt_cb, &format, &help, &e);

	if (help) {
		cli_print_help("ps [--format table|json] ID [ps options]",
		               "List the processes of a container.", opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	first++;
	if (argc - first < 1) {
		nerr_set(&e, EINVAL, "ps: expected the container ID");
		return command_fail(&e);
	}
	if (!strcmp(format, "json") && argc - first > 1) {
		nerr_set(&e, EINVAL, "ps: ps options cannot be given with --format json");
		return command_fail(&e);
	}
	if (ps(g, argv[first], format, argv + first + 1, argc - first - 1, &e) < 0)
		return command_fail(&e);
	return 0;
}
