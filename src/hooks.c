/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OCI hooks: each hook is forked and exec'd with the container's state JSON
 * on its stdin, its own args and env, and killed when its timeout passes.
 * The caller decides where a hook runs (the runtime for createRuntime,
 * poststart and poststop; the container's init for createContainer and
 * startContainer) and what a failure means for the lifecycle.
 */
#include "hooks.h"

#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "util.h"

extern char **environ;

int hooks_state_memfd(const struct oci_state *st, const char *status, struct nerr *e)
{
	_cleanup_free_ char *json = NULL;
	struct oci_state copy = *st;
	size_t len;
	int fd, r;

	if (status)
		copy.status = (char *)status;
	r = oci_state_emit_public(&copy, &json, &len);
	if (r < 0)
		return nerr_sys(e, -r, "encode the state for hooks");
	fd = (int)syscall(SYS_memfd_create, "oci-state", MFD_CLOEXEC);
	if (fd < 0)
		return nerr_sys(e, errno, "memfd_create");
	r = write_all(fd, json, len);
	if (r < 0) {
		close(fd);
		return nerr_sys(e, -r, "write the state for hooks");
	}
	return fd;
}

/* NULL-terminated copy of a {items, len} vector, with a fallback when empty. */
static char **hook_vector(const struct oci_strv *v, char *fallback)
{
	char **out = xcalloc(v->len + 2, sizeof *out);
	for (size_t i = 0; i < v->len; i++)
		out[i] = v->items[i];
	if (v->len == 0)
		out[0] = fallback;
	return out;
}

__attribute__((noreturn)) static void hook_child(const struct oci_hook *h, int state_fd)
{
	char **argv = hook_vector(&h->args, h->path);
	/* Without an env list the hook inherits ours, as runc does. */
	char **envp = h->env.len ? hook_vector(&h->env, NULL) : environ;

	if (state_fd >= 0) {
		if (dup2(state_fd, STDIN_FILENO) < 0)
			_exit(126);
	} else {
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0 && null != STDIN_FILENO)
			dup2(null, STDIN_FILENO);
	}
	/* Nothing of the runtime's reaches the hook. */
	syscall(SYS_close_range, 3, ~0U, 0);
	signal(SIGPIPE, SIG_DFL);
	execve(h->path, argv, envp);
	fprintf(stderr, "exec hook \"%s\": %s\n", h->path, strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* Wait for the hook, up to its timeout; kill it when the time is up. */
static int hook_wait(const struct oci_hook *h, pid_t pid, int pidfd, int *status)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	int timeout_ms = h->has_timeout ? h->timeout * 1000 : -1;
	int r;

	while (pidfd >= 0) {
		r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
			waitpid(pid, status, 0);
			return -ETIMEDOUT;
		}
		break;
	}
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* runc's words ("error running hook #0: ... signal: bad system call"), which
 * engines and scripts match, with the signal's name in lower case as Go has it. */
static int hook_signaled(const struct oci_hook *h, const char *kind, size_t index, int sig,
                         struct nerr *e)
{
	const char *desc = strsignal(sig);
	char name[64];
	size_t i;

	for (i = 0; desc && desc[i] && i + 1 < sizeof name; i++)
		name[i] = (char)tolower((unsigned char)desc[i]);
	name[i] = '\0';
	return nerr_set(e, ECANCELED,
	                "error running hook #%zu (%s hook \"%s\"): killed by signal %d: %s", index,
	                kind, h->path, sig, name);
}

static int hook_run_one(const struct oci_hook *h, size_t index, const char *kind, int state_fd,
                        struct nerr *e)
{
	_cleanup_close_ int pidfd = -1;
	int status = 0, r;
	pid_t pid;

	if (state_fd >= 0 && lseek(state_fd, 0, SEEK_SET) < 0)
		return nerr_sys(e, errno, "%s hook \"%s\": rewind the state", kind, h->path);
	pid = fork();
	if (pid < 0)
		return nerr_sys(e, errno, "%s hook \"%s\": fork", kind, h->path);
	if (pid == 0)
		hook_child(h, state_fd);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	r = hook_wait(h, pid, pidfd, &status);
	if (r == -ETIMEDOUT)
		return nerr_set(e, ETIMEDOUT,
		                "%s hook \"%s\" timed out after %d seconds and was killed", kind,
		                h->path, h->timeout);
	if (r < 0)
		return nerr_sys(e, -r, "%s hook \"%s\": wait", kind, h->path);
	if (WIFSIGNALED(status))
		return hook_signaled(h, kind, index, WTERMSIG(status), e);
	if (WEXITSTATUS(status) == 127)
		return nerr_set(e, ENOENT, "%s hook \"%s\": no such file or directory", kind,
		                h->path);
	if (WEXITSTATUS(status) != 0)
		return nerr_set(e, ECANCELED, "%s hook \"%s\" exited with status %d", kind, h->path,
		                WEXITSTATUS(status));
	return 0;
}

int hooks_run(const struct oci_hook_list *l, const char *kind, int state_fd, struct nerr *e)
{
	for (size_t i = 0; i < l->len; i++) {
		int r = hook_run_one(&l->items[i], i, kind, state_fd, e);
		if (r < 0)
			return r;
	}
	return 0;
}

int hooks_run_all(const struct oci_hook_list *l, const char *kind, int state_fd,
                  void (*report)(const struct nerr *e))
{
	int failed = 0;
	for (size_t i = 0; i < l->len; i++) {
		struct nerr e = {0};
		if (hook_run_one(&l->items[i], i, kind, state_fd, &e) < 0) {
			report(&e);
			failed++;
		}
	}
	return failed;
}
