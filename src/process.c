/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The last step before execve, shared by the container's init and exec:
 * argument and environment vectors, and systemd socket activation, whose
 * LISTEN_PID must name the process itself (1 in a new pid namespace).
 */
#include "process.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

int process_listen_fds(void)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	unsigned long long n, p;

	if (!fds || parse_uint(fds, &n) < 0 || n > 1024)
		return 0;
	/* Set for another process (systemd names the one it activated). */
	if (pid && (parse_uint(pid, &p) < 0 || p != (unsigned long long)getpid()))
		return 0;
	return (int)n;
}

int process_kept_fds(const struct oci_strv *env, int listen_fds, int preserve_fds)
{
	int n = listen_fds + preserve_fds;
	for (size_t i = 0; i < env->len; i++) {
		unsigned long long v;
		if (str_has_prefix(env->items[i], "LISTEN_FDS=") &&
		    parse_uint(env->items[i] + 11, &v) == 0 && v <= 1024 && (int)v > n)
			n = (int)v;
	}
	return n;
}

char **process_argv(const struct oci_strv *args)
{
	char **out = xcalloc(args->len + 1, sizeof *out);
	for (size_t i = 0; i < args->len; i++)
		out[i] = args->items[i];
	return out;
}

char **process_envp(const struct oci_strv *env, int listen_fds)
{
	char **out = xcalloc(env->len + 3, sizeof *out);
	bool has_pid = false;
	size_t n = 0;

	for (size_t i = 0; i < env->len; i++) {
		const char *v = env->items[i];
		if (listen_fds > 0 && str_has_prefix(v, "LISTEN_FDS="))
			continue;
		if (str_has_prefix(v, "LISTEN_PID=")) {
			has_pid = true;
			continue;
		}
		out[n++] = env->items[i];
	}
	if (listen_fds > 0)
		out[n++] = xasprintf("LISTEN_FDS=%d", listen_fds);
	if (listen_fds > 0 || has_pid)
		out[n++] = xasprintf("LISTEN_PID=%d", (int)getpid());
	return out;
}

const char *process_errno_text(int err)
{
	switch (err) {
	case ENOENT:
		return "no such file or directory";
	case EACCES:
		return "permission denied";
	case EPERM:
		return "operation not permitted";
	case ENOEXEC:
		return "exec format error";
	case ENOTDIR:
		return "not a directory";
	case ELOOP:
		return "too many levels of symbolic links";
	default:
		return strerror(err);
	}
}

int process_wait_exit_code(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 255;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}
