/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * io.containers.trace-syscall: the annotation, the recording filter loaded by
 * each process of the container, and the parent's side of the recorder
 * (start, commit, abort, connect, wait).  The recorder itself is in
 * trace_recorder.c.
 *
 * Why a user-notification filter: it needs no eBPF, no tracer attached to
 * the workload (which could then still use ptrace itself) and no package;
 * every call of every process that carries the filter reaches the recorder,
 * and SECCOMP_USER_NOTIF_FLAG_CONTINUE lets the call run exactly as it
 * would have.  The filter is loaded before the config's own filter: a call
 * the config denies is decided by it (an error beats a notification) and is
 * not recorded, so the recorded profile denies it too.
 */
#include "trace.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sync.h"
#include "util.h"

/* ---- the annotation ------------------------------------------------------- */

static int check_output(const char *path, struct nerr *e)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat sb;

	if (!slash[1])
		return nerr_set(e, EISDIR, "annotation %s: output \"%s\": not a file name",
		                TRACE_ANNOTATION, path);
	snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if (stat(dir, &sb) < 0)
		return nerr_sys(e, errno, "annotation %s: output \"%s\": directory \"%s\"",
		                TRACE_ANNOTATION, path, dir);
	if (!S_ISDIR(sb.st_mode))
		return nerr_set(e, ENOTDIR,
		                "annotation %s: output \"%s\": \"%s\" is not a directory",
		                TRACE_ANNOTATION, path, dir);
	if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) < 0)
		return nerr_sys(e, errno,
		                "annotation %s: output \"%s\": directory \"%s\" is not writable",
		                TRACE_ANNOTATION, path, dir);
	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return nerr_set(e, S_ISDIR(sb.st_mode) ? EISDIR : EINVAL,
		                "annotation %s: output \"%s\" exists and is not a regular file",
		                TRACE_ANNOTATION, path);
	return 0;
}

static int load_base(struct trace_opts *t, struct nerr *e)
{
	_cleanup_free_ char *buf = NULL;
	struct spec_error se;
	size_t len;
	int r;

	r = read_file_at(AT_FDCWD, t->in_path, &buf, &len, e);
	if (r < 0)
		return nerr_sys(e, -r, "annotation %s: input profile \"%s\"", TRACE_ANNOTATION,
		                t->in_path);
	if (oci_seccomp_parse(buf, len, t->in_path, &t->base, &se) < 0)
		return nerr_set(e, EINVAL, "annotation %s: input profile %s", TRACE_ANNOTATION,
		                se.msg);
	return 0;
}

/* The kernel allows one listener per process, and a notification outranks
 * SCMP_ACT_TRACE: either would change what the workload sees. */
static int check_config_seccomp(const struct oci_seccomp *sc, struct nerr *e)
{
	const char *bad = NULL;

	if (!sc)
		return 0;
	if (sc->default_action == OCI_SCMP_ACT_NOTIFY || sc->default_action == OCI_SCMP_ACT_TRACE)
		bad = sc->default_action == OCI_SCMP_ACT_NOTIFY ? "SCMP_ACT_NOTIFY"
		                                                : "SCMP_ACT_TRACE";
	for (size_t i = 0; !bad && i < sc->n_syscalls; i++)
		if (sc->syscalls[i].action == OCI_SCMP_ACT_NOTIFY ||
		    sc->syscalls[i].action == OCI_SCMP_ACT_TRACE)
			bad = sc->syscalls[i].action == OCI_SCMP_ACT_NOTIFY ? "SCMP_ACT_NOTIFY"
			                                                    : "SCMP_ACT_TRACE";
	if (bad)
		return nerr_set(e, EINVAL,
		                "annotation %s: cannot record a container whose linux.seccomp "
		                "uses %s (the recorder's filter would take its place)",
		                TRACE_ANNOTATION, bad);
	return 0;
}

static int set_path(char **slot, const char *prefix, const char *value, struct nerr *e)
{
	if (*slot)
		return nerr_set(e, EINVAL, "annotation %s: \"%s\" given twice", TRACE_ANNOTATION,
		                prefix);
	if (value[0] != '/')
		return nerr_set(e, EINVAL, "annotation %s: %s\"%s\": must be an absolute path",
		                TRACE_ANNOTATION, prefix, value);
	*slot = xstrdup(value);
	return 0;
}

static int parse_value(const char *value, struct trace_opts *t, struct nerr *e)
{
	_cleanup_free_ char *copy = xstrdup(value);
	char *save = NULL;
	int r = 0;

	for (char *part = strtok_r(copy, ";", &save); part && r == 0;
	     part = strtok_r(NULL, ";", &save)) {
		if (str_has_prefix(part, "of:"))
			r = set_path(&t->out_path, "of:", part + 3, e);
		else if (str_has_prefix(part, "if:"))
			r = set_path(&t->in_path, "if:", part + 3, e);
		else
			r = nerr_set(e, EINVAL,
			             "annotation %s: unknown prefix in \"%s\" (expected "
			             "\"of:/output.json\" and optionally \"if:/base.json\", "
			             "separated by \";\")",
			             TRACE_ANNOTATION, part);
	}
	if (r == 0 && !t->out_path)
		r = nerr_set(e, EINVAL, "annotation %s=\"%s\": no output file (of:/path)",
		             TRACE_ANNOTATION, value);
	return r;
}

int trace_opts_from_config(const struct oci_config *cfg, bool check, struct trace_opts *t,
                           struct nerr *e)
{
	const char *value = NULL;
	int r;

	*t = (struct trace_opts){0};
	for (size_t i = 0; i < cfg->annotations.len; i++)
		if (!strcmp(cfg->annotations.items[i].key, TRACE_ANNOTATION))
			value = cfg->annotations.items[i].value;
	if (!value)
		return 0;
	r = parse_value(value, t, e);
	if (r == 0 && check)
		r = check_config_seccomp(cfg->linux_.seccomp, e);
	if (r == 0 && check)
		r = check_output(t->out_path, e);
	if (r == 0 && check && t->in_path)
		r = load_base(t, e);
	if (r < 0)
		trace_opts_clear(t);
	return r;
}

void trace_opts_clear(struct trace_opts *t)
{
	free(t->out_path);
	free(t->in_path);
	oci_seccomp_free(t->base);
	*t = (struct trace_opts){0};
}

/* ---- the recorded process -------------------------------------------------------- */

/* Once the filter is on, each of our own calls would wait for the recorder,
 * which only gets the listener from the call that sends it.  So the filter
 * lets through any call whose unused sixth argument is a random cookie, and
 * we make the two calls that hand the listener over with it.  A program
 * cannot know the cookie: it is gone from memory with execve. */
int trace_filter_install(int sock, struct nerr *e)
{
	const uint32_t lo = offsetof(struct seccomp_data, args[5]);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint32_t off_lo = lo, off_hi = lo + 4;
#else
	const uint32_t off_lo = lo + 4, off_hi = lo;
#endif
	uint64_t cookie = 0;
	struct sync_msg m = {.type = SYNC_TRACE_LISTENER};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = {0};
	struct iovec iov = {.iov_base = &m, .iov_len = sizeof m};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	long listener, r;

	/* Both halves non-zero: a 32-bit call (zero-extended) never matches. */
	while ((uint32_t)cookie == 0 || (uint32_t)(cookie >> 32) == 0)
		if (getrandom(&cookie, sizeof cookie, 0) != sizeof cookie)
			return nerr_sys(e, errno, "seccomp recorder: getrandom");
	struct sock_filter insns[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off_lo),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)cookie, 0, 2),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off_hi),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(cookie >> 32), 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = ARRAY_SIZE(insns), .filter = insns};

	listener =
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (listener < 0)
		return nerr_sys(e, errno, "seccomp recorder: load the recording filter");
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &(int){(int)listener}, sizeof(int));
	do
		r = syscall(SYS_sendmsg, sock, &mh, MSG_NOSIGNAL, 0, 0, cookie);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		r = -errno;
	syscall(SYS_close, listener, 0, 0, 0, 0, cookie);
	syscall(SYS_close, sock, 0, 0, 0, 0, cookie);
	if (r < 0)
		return nerr_sys(e, (int)-r, "seccomp recorder: send the listener");
	return 0;
}

/* ---- the parent's side ------------------------------------------------------------- */

static void sock_path(struct sockaddr_un *sa, int dirfd)
{
	*sa = (struct sockaddr_un){.sun_family = AF_UNIX};
	/* Through the state dir's fd: short whatever --root and the ID are. */
	snprintf(sa->sun_path, sizeof sa->sun_path, "/proc/self/fd/%d/" TRACE_SOCK_NAME, dirfd);
}

static pid_t spawn_recorder(struct trace_recorder_args *a)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		/* Twice, so it is nobody's child here and outlives us. */
		setsid();
		if (fork() == 0)
			trace_recorder_main(a);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	return pid;
}

/* The lock goes when the recorder closes its files, a moment before it is
 * gone: wait for that too, through a pidfd checked against its start time. */
static void wait_exit(int lockfd)
{
	char buf[64] = {0};
	unsigned long long start = 0;
	uint64_t now = 0;
	int pid = 0;
	_cleanup_close_ int pidfd = -1;
	struct pollfd p = {.events = POLLIN};

	if (pread(lockfd, buf, sizeof buf - 1, 0) <= 0 ||
	    sscanf(buf, "%d %llu", &pid, &start) != 2 || pid <= 0)
		return;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 || proc_start_time(pid, &now, NULL) < 0 || now != start)
		return;
	p.fd = pidfd;
	poll(&p, 1, 1000);
}

int trace_recorder_start(const struct trace_opts *t, int dirfd, bool own_pidns,
                         struct trace_recorder *rec, struct nerr *e)
{
	_cleanup_close_ int listen_fd = -1, held = -1, dir = -1;
	struct trace_recorder_args a = {.opts = t, .own_pidns = own_pidns};
	struct sockaddr_un sa;
	int sv[2];

	rec->ctl = rec->lock = -1;
	listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (listen_fd < 0)
		return nerr_sys(e, errno, "seccomp recorder: socket");
	sock_path(&sa, dirfd);
	if (bind(listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(listen_fd, 16) < 0)
		return nerr_sys(e, errno, "seccomp recorder: listen on " TRACE_SOCK_NAME);
	held = openat(dirfd, TRACE_LOCK_NAME, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (held < 0 || flock(held, LOCK_EX) < 0)
		return nerr_sys(e, errno, "seccomp recorder: " TRACE_LOCK_NAME);
	/* Our own open file: it waits for the recorder's lock to go. */
	rec->lock = openat(dirfd, TRACE_LOCK_NAME, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (rec->lock < 0)
		return nerr_sys(e, errno, "seccomp recorder: " TRACE_LOCK_NAME);
	/* dirfd carries the container's lock: the recorder gets a file of its own. */
	dir = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return nerr_sys(e, errno, "seccomp recorder: open the state directory");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return nerr_sys(e, errno, "seccomp recorder: socketpair");
	a.dirfd = dir;
	a.listen = listen_fd;
	a.ctl = sv[1];
	a.lock = held;
	if (spawn_recorder(&a) < 0) {
		close(sv[0]);
		close(sv[1]);
		return nerr_sys(e, errno, "seccomp recorder: fork");
	}
	close(sv[1]);
	rec->ctl = sv[0];
	return 0;
}

int trace_recorder_watch(struct trace_recorder *rec, int init_pidfd, struct nerr *e)
{
	int r = sync_send_fd(rec->ctl, SYNC_TRACE_INIT, init_pidfd);
	return r < 0 ? nerr_sys(e, -r, "seccomp recorder: send the init's pidfd") : 0;
}

int trace_recorder_commit(struct trace_recorder *rec, struct nerr *e)
{
	int r = sync_send(rec->ctl, SYNC_TRACE_COMMIT);

	close(TAKE_FD(rec->ctl));
	close(TAKE_FD(rec->lock));
	return r < 0 ? nerr_sys(e, -r, "seccomp recorder: commit") : 0;
}

void trace_recorder_abort(struct trace_recorder *rec)
{
	if (rec->ctl >= 0)
		close(TAKE_FD(rec->ctl));
	if (rec->lock >= 0) {
		/* Without a commit the recorder exits at once. */
		flock(rec->lock, LOCK_EX);
		wait_exit(rec->lock);
		close(TAKE_FD(rec->lock));
	}
}

int trace_connect(int dirfd, const char *id, struct nerr *e)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa;

	if (fd < 0)
		return nerr_sys(e, errno, "seccomp recorder: socket");
	sock_path(&sa, dirfd);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return nerr_sys(e, errno,
		                "the seccomp recorder of container \"%s\" (annotation %s) is "
		                "not running",
		                id, TRACE_ANNOTATION);
	return TAKE_FD(fd);
}

int trace_wait_recorder(int dirfd, struct nerr *e)
{
	_cleanup_close_ int fd = openat(dirfd, TRACE_LOCK_NAME, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *msg = NULL;
	struct timespec tick = {.tv_nsec = 1000 * 1000};
	size_t len;
	int i;

	if (fd < 0)
		return 0; /* not recorded */
	/* It writes as soon as the last process is gone, typically within a
	 * millisecond or two: 10 s is generous. */
	for (i = 0; i < 10000 && flock(fd, LOCK_EX | LOCK_NB) < 0; i++)
		nanosleep(&tick, NULL);
	if (i == 10000)
		return nerr_set(e, ETIMEDOUT,
		                "seccomp recorder: the profile was not written within 10 s");
	wait_exit(fd);
	if (read_file_at(dirfd, TRACE_ERROR_NAME, &msg, &len, e) == 0 && len)
		return nerr_set(e, EIO, "seccomp recorder: %s", msg);
	return 0;
}
