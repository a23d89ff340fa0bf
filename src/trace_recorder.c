/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The recorder process of io.containers.trace-syscall.  Started by `create`
 * before the init (so the init's listener has somewhere to go), it lives
 * outside the container, holds trace.lock in the state dir while it runs,
 * and serves the seccomp listeners of the container's processes: each call
 * is noted (architecture and number) and let through unchanged.  When the
 * last process is gone (the init's exit when the container has its own pid
 * namespace, otherwise every listener hung up) it writes the profile and
 * exits; `delete` waits for that.  If `create` fails it exits at once and
 * writes nothing.
 */
#include "trace.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "sync.h"
#include "util.h"

#define MAX_SLOTS 1024
#define NR_SPAN   4096 /* numbers per architecture block; x32 adds a high bit */

/* Linux 6.6: wake the caller on the recorder's CPU and back, as a direct
 * hand-off; older kernels refuse it and the calls just cost more. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

enum slot_kind { SLOT_CTL, SLOT_LISTEN, SLOT_CONN, SLOT_NOTIF, SLOT_INIT };

struct nr_set {
	uint32_t arch;
	uint32_t base; /* nr & ~(NR_SPAN - 1) */
	uint64_t bits[NR_SPAN / 64];
};

/* The main thread polls create's socket, the init's pidfd, trace.sock and
 * the listeners' hang-ups; one thread per listener waits in
 * SECCOMP_IOCTL_NOTIF_RECV, so a call costs two ioctls and no poll. */
struct recorder {
	const struct trace_recorder_args *a;
	struct pollfd pfd[MAX_SLOTS];
	enum slot_kind kind[MAX_SLOTS];
	size_t n, n_notif;
	bool committed, init_gone;
	struct seccomp_notif_sizes sizes;
	pthread_mutex_t lock; /* the sets */
	struct nr_set sets[16];
	size_t n_sets;
};

struct server {
	struct recorder *r;
	int fd;
};

static void add_slot(struct recorder *r, int fd, enum slot_kind kind)
{
	if (r->n == MAX_SLOTS) {
		close(fd);
		return;
	}
	r->pfd[r->n] = (struct pollfd){.fd = fd, .events = POLLIN};
	r->kind[r->n++] = kind;
	if (kind == SLOT_NOTIF)
		r->n_notif++;
}

static void drop_slot(struct recorder *r, size_t i)
{
	/* A listener's server may still be in an ioctl on it: the fd stays. */
	if (r->kind[i] != SLOT_NOTIF)
		close(r->pfd[i].fd);
	if (r->kind[i] == SLOT_NOTIF)
		r->n_notif--;
	r->n--;
	r->pfd[i] = r->pfd[r->n];
	r->kind[i] = r->kind[r->n];
}

static void note(struct recorder *r, uint32_t arch, uint32_t nr)
{
	uint32_t base = nr & ~(uint32_t)(NR_SPAN - 1), off = nr & (NR_SPAN - 1);
	size_t i;

	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->n_sets; i++)
		if (r->sets[i].arch == arch && r->sets[i].base == base)
			break;
	if (i == r->n_sets && i < ARRAY_SIZE(r->sets))
		r->sets[r->n_sets++] = (struct nr_set){.arch = arch, .base = base};
	if (i < r->n_sets)
		r->sets[i].bits[off / 64] |= 1ULL << (off % 64);
	pthread_mutex_unlock(&r->lock);
}

static void *serve(void *arg)
{
	struct server *s = arg;
	struct seccomp_notif *req = xcalloc(1, s->r->sizes.seccomp_notif);
	struct seccomp_notif_resp *resp = xcalloc(1, s->r->sizes.seccomp_notif_resp);

	ioctl(s->fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	for (;;) {
		memset(req, 0, s->r->sizes.seccomp_notif);
		if (ioctl(s->fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			/* ENOENT: the caller died meanwhile. */
			if (errno == EINTR || errno == ENOENT)
				continue;
			return NULL;
		}
		note(s->r, req->data.arch, (uint32_t)req->data.nr);
		memset(resp, 0, s->r->sizes.seccomp_notif_resp);
		resp->id = req->id;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(s->fd, SECCOMP_IOCTL_NOTIF_SEND, resp);
	}
}

static void add_listener(struct recorder *r, int fd)
{
	struct server *s = xcalloc(1, sizeof *s);
	pthread_attr_t attr;
	pthread_t t;

	*s = (struct server){.r = r, .fd = fd};
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	if (pthread_create(&t, &attr, serve, s) != 0) {
		close(fd); /* its calls fail with ENOSYS rather than wait forever */
		free(s);
		return;
	}
	add_slot(r, fd, SLOT_NOTIF);
	r->pfd[r->n - 1].events = 0; /* hang-ups only */
}

/* A message from create, or the listener of a recorded process. */
static void receive(struct recorder *r, size_t i)
{
	struct sync_msg m;
	int fd = -1;
	int got = sync_recv(r->pfd[i].fd, &m, &fd);

	if (got == 0 && m.type == SYNC_TRACE_COMMIT)
		r->committed = true;
	else if (got == 0 && fd >= 0 && m.type == SYNC_TRACE_INIT)
		add_slot(r, TAKE_FD(fd), SLOT_INIT);
	else if (got == 0 && fd >= 0 && m.type == SYNC_TRACE_LISTENER)
		add_listener(r, TAKE_FD(fd));
	if (fd >= 0)
		close(fd);
	if (r->kind[i] == SLOT_CTL && got < 0 && !r->committed)
		_exit(0); /* create failed: nothing to write */
	if (r->kind[i] == SLOT_CONN || got < 0)
		drop_slot(r, i);
}

static void handle(struct recorder *r, size_t i)
{
	short ev = r->pfd[i].revents;
	int fd;

	switch (r->kind[i]) {
	case SLOT_NOTIF:
		if (ev & (POLLHUP | POLLERR))
			drop_slot(r, i); /* every process with this filter is gone */
		break;
	case SLOT_LISTEN:
		fd = accept4(r->pfd[i].fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			add_slot(r, fd, SLOT_CONN);
		break;
	case SLOT_INIT:
		r->init_gone = true;
		drop_slot(r, i);
		break;
	case SLOT_CTL:
	case SLOT_CONN:
		receive(r, i);
		break;
	}
}

static bool finished(const struct recorder *r)
{
	/* With its own pid namespace the init exits last: the kernel kills
	 * and reaps the rest first.  Otherwise wait for every listener. */
	return r->committed && r->init_gone && (r->a->own_pidns || r->n_notif == 0);
}

/* ---- the profile ----------------------------------------------------------- */

static const struct {
	uint32_t native;
	const char *names[3];
} host_archs[] = {
    {SCMP_ARCH_X86_64, {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
    {SCMP_ARCH_AARCH64, {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL}},
    {SCMP_ARCH_X86, {"SCMP_ARCH_X86", NULL, NULL}},
    {SCMP_ARCH_ARM, {"SCMP_ARCH_ARM", NULL, NULL}},
    {SCMP_ARCH_PPC64LE, {"SCMP_ARCH_PPC64LE", NULL, NULL}},
    {SCMP_ARCH_S390X, {"SCMP_ARCH_S390X", "SCMP_ARCH_S390", NULL}},
    {SCMP_ARCH_RISCV64, {"SCMP_ARCH_RISCV64", NULL, NULL}},
};

static bool strv_has(const struct oci_strv *v, const char *s)
{
	for (size_t i = 0; i < v->len; i++)
		if (!strcmp(v->items[i], s))
			return true;
	return false;
}

static void strv_add(struct oci_strv *v, const char *s)
{
	if (strv_has(v, s))
		return;
	v->items = realloc(v->items, (v->len + 2) * sizeof *v->items);
	if (!v->items)
		abort();
	v->items[v->len++] = xstrdup(s);
	v->items[v->len] = NULL;
}

static void strv_free(struct oci_strv *v)
{
	for (size_t i = 0; i < v->len; i++)
		free(v->items[i]);
	free(v->items);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool plain_allow(const struct oci_seccomp_syscall *s)
{
	return s->action == OCI_SCMP_ACT_ALLOW && s->n_args == 0;
}

/* Recorded names, plus the base's plainly allowed ones, less any the base
 * decides otherwise (denies, or allows only with conditions). */
static void collect_names(const struct recorder *r, const struct oci_seccomp *base,
                          struct oci_strv *names)
{
	struct oci_strv other = {0};

	for (size_t i = 0; base && i < base->n_syscalls; i++)
		for (size_t j = 0; j < base->syscalls[i].names.len; j++)
			if (plain_allow(&base->syscalls[i]))
				strv_add(names, base->syscalls[i].names.items[j]);
			else
				strv_add(&other, base->syscalls[i].names.items[j]);
	for (size_t i = 0; i < r->n_sets; i++)
		for (uint32_t off = 0; off < NR_SPAN; off++) {
			char *name;
			if (!(r->sets[i].bits[off / 64] & (1ULL << (off % 64))))
				continue;
			name = seccomp_syscall_resolve_num_arch(r->sets[i].arch,
			                                        (int)(r->sets[i].base + off));
			if (name && !strv_has(&other, name))
				strv_add(names, name);
			free(name);
		}
	strv_free(&other);
	if (names->len)
		qsort(names->items, names->len, sizeof *names->items, cmp_str);
}

static int write_profile(const struct recorder *r, struct nerr *e)
{
	const struct oci_seccomp *base = r->a->opts->base;
	const char *out_path = r->a->opts->out_path, *slash = strrchr(out_path, '/');
	struct oci_seccomp_syscall *rules =
	    xcalloc(1 + (base ? base->n_syscalls : 0), sizeof *rules);
	struct oci_seccomp p = {.default_action = OCI_SCMP_ACT_ERRNO,
	                        .has_default_errno_ret = true,
	                        .default_errno_ret = EPERM,
	                        .syscalls = rules};
	uint32_t native = seccomp_arch_native();
	_cleanup_free_ char *json = NULL, *dir = NULL;
	_cleanup_close_ int dfd = -1;
	size_t len;
	int rc;

	rules[0].action = OCI_SCMP_ACT_ALLOW;
	collect_names(r, base, &rules[0].names);
	p.n_syscalls = rules[0].names.len ? 1 : 0;
	if (p.n_syscalls == 0)
		p.syscalls = rules + 1;
	/* The base's other rules follow, as they were. */
	for (size_t i = 0; base && i < base->n_syscalls; i++)
		if (!plain_allow(&base->syscalls[i]))
			p.syscalls[p.n_syscalls++] = base->syscalls[i];
	for (size_t i = 0; i < ARRAY_SIZE(host_archs); i++)
		for (size_t j = 0; host_archs[i].native == native && j < 3; j++)
			if (host_archs[i].names[j])
				strv_add(&p.architectures, host_archs[i].names[j]);
	for (size_t i = 0; base && i < base->architectures.len; i++)
		strv_add(&p.architectures, base->architectures.items[i]);
	if (base)
		p.flags = base->flags;
	rc = oci_seccomp_emit(&p, &json, &len);
	strv_free(&rules[0].names);
	strv_free(&p.architectures);
	free(rules);
	if (rc < 0)
		return nerr_sys(e, -rc, "build the profile for \"%s\"", out_path);
	dir = xasprintf("%.*s", slash == out_path ? 1 : (int)(slash - out_path), out_path);
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return nerr_sys(e, errno, "write \"%s\": directory \"%s\"", out_path, dir);
	rc = write_file_atomic_at(dfd, slash + 1, json, len, 0644, e);
	return rc < 0 ? nerr_wrap(e, "write \"%s\"", out_path) : 0;
}

/* ---- the process --------------------------------------------------------------- */

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Nothing of create's reaches the recorder: an engine reading create's
 * output until it closes must not wait for us. */
static void detach(const struct trace_recorder_args *a)
{
	int keep[] = {a->dirfd, a->listen, a->ctl, a->lock};
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), from = 3;
	sigset_t all;

	log_close();
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	qsort(keep, ARRAY_SIZE(keep), sizeof *keep, cmp_int);
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		if (keep[i] > from)
			syscall(SYS_close_range, from, keep[i] - 1, 0);
		from = keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
	/* A terminal's ^C is for the container, not for us. */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	prctl(PR_SET_NAME, "nucleus-trace", 0, 0, 0);
}

void trace_recorder_main(struct trace_recorder_args *a)
{
	static struct recorder r;
	struct nerr e = {0};

	detach(a);
	/* Who we are, for delete to wait for our very end (see trace.c). */
	{
		uint64_t start = 0;
		char who[64];
		int n;
		proc_start_time(getpid(), &start, NULL);
		n = snprintf(who, sizeof who, "%d %llu\n", (int)getpid(),
		             (unsigned long long)start);
		if (pwrite(a->lock, who, (size_t)n, 0) < 0)
			_exit(1);
	}
	r.a = a;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &r.sizes) < 0)
		_exit(1);
	pthread_mutex_init(&r.lock, NULL);
	add_slot(&r, a->ctl, SLOT_CTL);
	add_slot(&r, a->listen, SLOT_LISTEN);
	while (!finished(&r)) {
		if (poll(r.pfd, r.n, -1) < 0)
			continue;
		for (size_t i = r.n; i-- > 0;)
			if (r.pfd[i].revents)
				handle(&r, i);
		for (size_t i = 0; i < r.n; i++)
			r.pfd[i].revents = 0;
	}
	if (write_profile(&r, &e) < 0)
		write_file_atomic_at(a->dirfd, TRACE_ERROR_NAME, e.msg, strlen(e.msg), 0600, &e);
	_exit(0);
}
