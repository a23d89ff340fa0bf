/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp: linux.seccomp compiled with libseccomp into classic BPF before the
 * user switch (compiling allocates), then loaded with the seccomp(2) syscall
 * as the very last step before the init reports ready, so the filter need not
 * allow what the runtime itself does earlier (setuid, setgroups, mounts).
 *
 * Loading with the raw syscall rather than seccomp_load() lets us pass every
 * SECCOMP_FILTER_FLAG_* the config names, whatever libseccomp version we were
 * built with, and ask for a notify listener (NEW_LISTENER) exactly when the
 * filter has SCMP_ACT_NOTIFY rules.  The listener fd goes to the parent over
 * the sync socket, and the parent sends it on to listenerPath together with
 * the container process state, as the runtime-spec describes.
 */
#include "seccomp_filter.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "json.h"
#include "log.h"
#include "unixsock.h"
#include "util.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

static uint32_t scmp_action(enum oci_seccomp_action a, bool has_errno, uint32_t errno_ret)
{
	uint32_t ret = has_errno ? errno_ret : EPERM;
	switch (a) {
	case OCI_SCMP_ACT_KILL:
		return SCMP_ACT_KILL;
	case OCI_SCMP_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case OCI_SCMP_ACT_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case OCI_SCMP_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case OCI_SCMP_ACT_ERRNO:
		return SCMP_ACT_ERRNO(ret);
	case OCI_SCMP_ACT_TRACE:
		return SCMP_ACT_TRACE(ret);
	case OCI_SCMP_ACT_ALLOW:
		return SCMP_ACT_ALLOW;
	case OCI_SCMP_ACT_LOG:
		return SCMP_ACT_LOG;
	case OCI_SCMP_ACT_NOTIFY:
		return SCMP_ACT_NOTIFY;
	}
	return SCMP_ACT_KILL_PROCESS;
}

static const enum scmp_compare scmp_ops[] = {
    [OCI_SCMP_CMP_NE] = SCMP_CMP_NE,
    [OCI_SCMP_CMP_LT] = SCMP_CMP_LT,
    [OCI_SCMP_CMP_LE] = SCMP_CMP_LE,
    [OCI_SCMP_CMP_EQ] = SCMP_CMP_EQ,
    [OCI_SCMP_CMP_GE] = SCMP_CMP_GE,
    [OCI_SCMP_CMP_GT] = SCMP_CMP_GT,
    [OCI_SCMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static struct scmp_arg_cmp arg_cmp(const struct oci_seccomp_arg *a)
{
	struct scmp_arg_cmp c = {
	    .arg = a->index, .op = scmp_ops[a->op], .datum_a = a->value, .datum_b = a->value_two};
	return c;
}

static bool args_repeat_an_index(const struct oci_seccomp_syscall *s)
{
	unsigned int seen = 0;
	for (size_t i = 0; i < s->n_args; i++) {
		if (seen & (1U << s->args[i].index))
			return true;
		seen |= 1U << s->args[i].index;
	}
	return false;
}

/* All conditions of a rule must hold.  libseccomp takes one condition per
 * argument index, so a rule naming an index twice becomes one rule per
 * condition (each matching on its own), the way runc reads such a rule. */
static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const struct oci_seccomp_syscall *s,
                    const char *name, struct nerr *e)
{
	struct scmp_arg_cmp cmps[6];
	int r;

	if (s->n_args > 0 && args_repeat_an_index(s)) {
		for (size_t i = 0; i < s->n_args; i++) {
			cmps[0] = arg_cmp(&s->args[i]);
			r = seccomp_rule_add_array(ctx, act, nr, 1, cmps);
			if (r < 0)
				return nerr_sys(e, -r, "seccomp: add rule for syscall \"%s\"",
				                name);
		}
		return 0;
	}
	if (s->n_args > 6)
		return nerr_set(e, EINVAL, "seccomp: syscall \"%s\": more than 6 args", name);
	for (size_t i = 0; i < s->n_args; i++)
		cmps[i] = arg_cmp(&s->args[i]);
	r = seccomp_rule_add_array(ctx, act, nr, (unsigned int)s->n_args, cmps);
	if (r < 0)
		return nerr_sys(e, -r, "seccomp: add rule for syscall \"%s\"", name);
	return 0;
}

static int add_syscalls(scmp_filter_ctx ctx, const struct oci_seccomp *sc, uint32_t def,
                        struct nerr *e)
{
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct oci_seccomp_syscall *s = &sc->syscalls[i];
		uint32_t act = scmp_action(s->action, s->has_errno_ret, s->errno_ret);
		/* libseccomp refuses a rule that repeats the default; it changes nothing. */
		if (act == def)
			continue;
		for (size_t j = 0; j < s->names.len; j++) {
			int nr = seccomp_syscall_resolve_name(s->names.items[j]);
			if (nr == __NR_SCMP_ERROR) {
				log_debug("seccomp: unknown syscall \"%s\" skipped",
				          s->names.items[j]);
				continue;
			}
			int r = add_rule(ctx, act, nr, s, s->names.items[j], e);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int add_archs(scmp_filter_ctx ctx, const struct oci_seccomp *sc, struct nerr *e)
{
	for (size_t i = 0; i < sc->architectures.len; i++) {
		const char *lib = oci_seccomp_arch_libseccomp_name(sc->architectures.items[i]);
		uint32_t arch = lib ? seccomp_arch_resolve_name(lib) : 0;
		int r;
		if (!arch)
			return nerr_set(e, EINVAL,
			                "seccomp: architecture %s: not supported by libseccomp",
			                sc->architectures.items[i]);
		r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST)
			return nerr_sys(e, -r, "seccomp: add architecture %s",
			                sc->architectures.items[i]);
	}
	return 0;
}

/* seccomp_export_bpf() writes to an fd: a memfd, read back into memory. */
static int export_bpf(scmp_filter_ctx ctx, struct seccomp_prog *out, struct nerr *e)
{
	_cleanup_close_ int fd = memfd_create("nucleus-seccomp", MFD_CLOEXEC);
	struct stat sb;
	int r;

	if (fd < 0)
		return nerr_sys(e, errno, "seccomp: memfd_create");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return nerr_sys(e, -r, "seccomp: export the filter");
	if (fstat(fd, &sb) < 0)
		return nerr_sys(e, errno, "seccomp: fstat");
	out->len = (size_t)sb.st_size / sizeof(struct sock_filter);
	log_debug("seccomp: filter of %zu BPF instructions", out->len);
	if (out->len > BPF_MAXINSNS)
		return nerr_set(e, E2BIG,
		                "seccomp: the filter has %zu BPF instructions, more than the "
		                "kernel's %d",
		                out->len, BPF_MAXINSNS);
	out->insns = xmalloc((size_t)sb.st_size);
	if (pread(fd, out->insns, (size_t)sb.st_size, 0) != sb.st_size)
		return nerr_sys(e, errno ? errno : EIO, "seccomp: read the filter back");
	return 0;
}

/* ---- the ENOSYS stub ------------------------------------------------------------------- */

#define STUB_MAX_ARCHS  16
#define X32_SYSCALL_BIT 0x40000000u

struct stub_arch {
	uint32_t arch; /* AUDIT_ARCH_* (libseccomp's SCMP_ARCH_* tokens are the same values) */
	int max_nr;    /* the highest syscall number the profile names on it */
};

static size_t stub_archs(const struct oci_seccomp *sc, struct stub_arch *a)
{
	size_t n = 0;
	a[n++].arch = seccomp_arch_native();
	for (size_t i = 0; i < sc->architectures.len && n < STUB_MAX_ARCHS; i++) {
		const char *lib = oci_seccomp_arch_libseccomp_name(sc->architectures.items[i]);
		uint32_t arch = lib ? seccomp_arch_resolve_name(lib) : 0;
		bool seen = false;
		for (size_t j = 0; j < n; j++)
			seen |= a[j].arch == arch;
		if (arch && !seen)
			a[n++].arch = arch;
	}
	for (size_t k = 0; k < n; k++) {
		a[k].max_nr = -1;
		for (size_t i = 0; i < sc->n_syscalls; i++)
			for (size_t j = 0; j < sc->syscalls[i].names.len; j++) {
				int nr = seccomp_syscall_resolve_name_arch(
				    a[k].arch, sc->syscalls[i].names.items[j]);
				if (nr > a[k].max_nr)
					a[k].max_nr = nr;
			}
	}
	return n;
}

/* Jump targets while the stub is built, resolved once its length is known. */
#define STUB_TO_FILTER 0xfe
#define STUB_TO_ENOSYS 0xfd

static uint8_t stub_resolve(uint8_t jump, size_t at, size_t enosys)
{
	if (jump == STUB_TO_ENOSYS)
		return (uint8_t)(enosys - at - 1);
	if (jump == STUB_TO_FILTER)
		return (uint8_t)(enosys + 1 - at - 1);
	return jump;
}

/* System calls newer than every one the profile names get ENOSYS, not the
 * default action: the profile cannot mean to deny what it has never heard
 * of, and programs fall back to an older call only on ENOSYS (glibc from
 * clone3 to clone).  The stub runs before libseccomp's program, which loads
 * what it needs itself; x32 calls on x86_64 are left to that program. */
static void prepend_enosys_stub(const struct oci_seccomp *sc, struct seccomp_prog *out)
{
	struct stub_arch a[STUB_MAX_ARCHS];
	struct sock_filter stub[1 + STUB_MAX_ARCHS * 4 + 2], *prog;
	size_t n = stub_archs(sc, a), len = 0;

	if (sc->default_action == OCI_SCMP_ACT_ALLOW || sc->default_action == OCI_SCMP_ACT_LOG ||
	    (sc->default_action == OCI_SCMP_ACT_ERRNO && sc->has_default_errno_ret &&
	     sc->default_errno_ret == ENOSYS))
		return;
	stub[len++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	                                           offsetof(struct seccomp_data, arch));
	for (size_t k = 0; k < n; k++) {
		bool x86_64 = a[k].arch == SCMP_ARCH_X86_64;
		if (a[k].max_nr < 0)
			continue;
		/* not this arch: skip the rest of the block (A still holds the arch) */
		stub[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, a[k].arch, 0,
		                                           x86_64 ? 3 : 2);
		stub[len++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		                                           offsetof(struct seccomp_data, nr));
		if (x86_64)
			stub[len++] = (struct sock_filter)BPF_JUMP(
			    BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, STUB_TO_FILTER, 0);
		stub[len++] =
		    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)a[k].max_nr,
		                                 STUB_TO_ENOSYS, STUB_TO_FILTER);
	}
	stub[len++] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, 1);
	stub[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	for (size_t i = 0; i < len; i++) {
		if (BPF_CLASS(stub[i].code) != BPF_JMP || BPF_OP(stub[i].code) == BPF_JA)
			continue;
		stub[i].jt = stub_resolve(stub[i].jt, i, len - 1);
		stub[i].jf = stub_resolve(stub[i].jf, i, len - 1);
	}
	if (len + out->len > BPF_MAXINSNS) {
		log_debug("seccomp: no room for the ENOSYS stub");
		return;
	}
	prog = xmalloc((len + out->len) * sizeof *prog);
	memcpy(prog, stub, len * sizeof *prog);
	memcpy(prog + len, out->insns, out->len * sizeof *prog);
	free(out->insns);
	out->insns = prog;
	out->len += len;
	log_debug("seccomp: ENOSYS stub of %zu instructions for %zu architectures", len, n);
}

int seccomp_prepare_flags(const struct oci_seccomp *sc, struct seccomp_prog *out, struct nerr *e)
{
	out->flags = sc->flags_value;
	out->notify = sc->default_action == OCI_SCMP_ACT_NOTIFY;
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct oci_seccomp_syscall *s = &sc->syscalls[i];
		if (s->action != OCI_SCMP_ACT_NOTIFY)
			continue;
		out->notify = true;
		/* The init writes to the sync socket after loading the filter and
		 * before the agent has the listener fd: it would wait forever. */
		for (size_t j = 0; j < s->names.len; j++)
			if (!strcmp(s->names.items[j], "write"))
				return nerr_set(e, EINVAL,
				                "seccomp: SCMP_ACT_NOTIFY cannot be used for the "
				                "write syscall");
	}
	if (!out->notify)
		return 0;
	if (!sc->listener_path)
		return nerr_set(e, EINVAL,
		                "seccomp: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
	out->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	/* TSYNC and a listener only go together with TSYNC_ESRCH. */
	if (out->flags & SECCOMP_FILTER_FLAG_TSYNC)
		out->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	return 0;
}

int seccomp_prepare(const struct oci_seccomp *sc, struct seccomp_prog *out, struct nerr *e)
{
	uint32_t def =
	    scmp_action(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret);
	scmp_filter_ctx ctx;
	int r;

	memset(out, 0, sizeof *out);
	r = seccomp_prepare_flags(sc, out, e);
	if (r < 0)
		return r;
	ctx = seccomp_init(def);
	if (!ctx)
		return nerr_set(e, EINVAL, "seccomp: defaultAction not supported by libseccomp");
	r = add_archs(ctx, sc, e);
	if (r == 0)
		r = add_syscalls(ctx, sc, def, e);
	if (r == 0)
		r = export_bpf(ctx, out, e);
	if (r == 0)
		prepend_enosys_stub(sc, out);
	seccomp_release(ctx);
	if (r < 0)
		seccomp_prog_release(out);
	return r;
}

int seccomp_install(const struct seccomp_prog *p, int *notify_fd, struct nerr *e)
{
	struct sock_fprog prog = {.len = (unsigned short)p->len, .filter = p->insns};
	long r;

	*notify_fd = -1;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);
	if (r < 0) {
		if (errno == EINVAL && p->flags)
			return nerr_sys(e, errno, "seccomp: load the filter (flags 0x%x)",
			                p->flags);
		return nerr_sys(e, errno, "seccomp: load the filter");
	}
	if (p->notify)
		*notify_fd = (int)r;
	return 0;
}

void seccomp_prog_release(struct seccomp_prog *p)
{
	free(p->insns);
	p->insns = NULL;
	p->len = 0;
}

/* ---- parent side: the listener --------------------------------------------------------- */

static int gen_ok(yajl_gen_status s)
{
	return s == yajl_gen_status_ok ? 0 : -EINVAL;
}

static int gen_str(yajl_gen g, const char *s)
{
	return gen_ok(yajl_gen_string(g, (const unsigned char *)s, strlen(s)));
}

static int gen_state(yajl_gen g, const struct oci_state *st)
{
	int r = gen_ok(yajl_gen_map_open(g));
	if (r == 0)
		r = gen_str(g, "ociVersion") ?: gen_str(g, st->oci_version);
	if (r == 0)
		r = gen_str(g, "id") ?: gen_str(g, st->id);
	if (r == 0)
		r = gen_str(g, "status") ?: gen_str(g, st->status);
	if (r == 0)
		r = gen_str(g, "pid") ?: gen_ok(yajl_gen_integer(g, st->pid));
	if (r == 0)
		r = gen_str(g, "bundle") ?: gen_str(g, st->bundle);
	if (r == 0 && st->annotations.len) {
		r = gen_str(g, "annotations") ?: gen_ok(yajl_gen_map_open(g));
		for (size_t i = 0; r == 0 && i < st->annotations.len; i++)
			r = gen_str(g, st->annotations.items[i].key)
			        ?: gen_str(g, st->annotations.items[i].value);
		if (r == 0)
			r = gen_ok(yajl_gen_map_close(g));
	}
	return r ?: gen_ok(yajl_gen_map_close(g));
}

/* The runtime-spec "container process state": the fds sent alongside, the
 * container state and the listenerMetadata. */
static char *process_state_json(const char *metadata, const struct oci_state *st, pid_t pid)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	char *out = NULL;
	size_t len;
	int r;

	if (!g)
		return NULL;
	r = gen_ok(yajl_gen_map_open(g));
	if (r == 0)
		r = gen_str(g, "ociVersion") ?: gen_str(g, OCI_SPEC_VERSION);
	if (r == 0)
		r = gen_str(g, "fds") ?: gen_ok(yajl_gen_array_open(g)) ?: gen_str(g, "seccompFd")
						?: gen_ok(yajl_gen_array_close(g));
	if (r == 0)
		r = gen_str(g, "pid") ?: gen_ok(yajl_gen_integer(g, pid));
	if (r == 0 && metadata)
		r = gen_str(g, "metadata") ?: gen_str(g, metadata);
	if (r == 0)
		r = gen_str(g, "state") ?: gen_state(g, st);
	if (r == 0)
		r = gen_ok(yajl_gen_map_close(g));
	if (r == 0 && yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
		out = xmalloc(len + 1);
		memcpy(out, buf, len);
		out[len] = '\0';
	}
	yajl_gen_free(g);
	return out;
}

int seccomp_send_to_listener(const char *path, const char *metadata, const struct oci_state *st,
                             pid_t pid, int notify_fd, struct nerr *e)
{
	_cleanup_free_ char *json = process_state_json(metadata, st, pid);
	_cleanup_close_ int sock = -1;
	int r;

	if (!json)
		return nerr_set(e, EINVAL, "seccomp: container process state: invalid string");
	sock = unixsock_connect(path);
	if (sock == -ENAMETOOLONG)
		return nerr_set(e, ENAMETOOLONG, "seccomp: listenerPath \"%s\": too long", path);
	if (sock < 0)
		return nerr_sys(e, -sock,
		                "seccomp: failed to connect with seccomp agent specified in the "
		                "seccomp profile (listenerPath \"%s\")",
		                path);
	r = unixsock_send(sock, json, strlen(json), notify_fd);
	if (r < 0)
		return nerr_sys(e, -r, "seccomp: send the notify fd to \"%s\"", path);
	return 0;
}

/* ---- features -------------------------------------------------------------------------- */

static const char *const *table_names(const struct spec_name *t, const char **out, size_t max)
{
	size_t n = 0;
	for (; t->name && n + 1 < max; t++)
		out[n++] = t->name;
	out[n] = NULL;
	return out;
}

const char *const *seccomp_known_actions(void)
{
	static const char *names[16];
	return table_names(spec_seccomp_action_names, names, ARRAY_SIZE(names));
}

const char *const *seccomp_known_operators(void)
{
	static const char *names[16];
	return table_names(spec_seccomp_op_names, names, ARRAY_SIZE(names));
}

const char *const *seccomp_known_archs(void)
{
	static const char *names[40];
	size_t n = 0;
	for (const struct spec_name *t = spec_seccomp_arch_names; t->name; t++) {
		const char *lib = oci_seccomp_arch_libseccomp_name(t->name);
		if (lib && seccomp_arch_resolve_name(lib) && n + 1 < ARRAY_SIZE(names))
			names[n++] = t->name;
	}
	names[n] = NULL;
	return names;
}

const char *const *seccomp_supported_flags(void)
{
	static const char *names[16];
	size_t n = 0;
	for (const struct spec_name *t = spec_seccomp_flag_names; t->name; t++) {
		/* With a NULL program a known flag fails on the pointer (EFAULT),
		 * an unknown one on the flag (EINVAL); nothing is loaded either way. */
		unsigned long f = (unsigned long)t->value;
		/* WAIT_KILLABLE_RECV is only valid with a listener. */
		if (f == (1UL << 5))
			f |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f, NULL) < 0 && errno == EFAULT &&
		    n + 1 < ARRAY_SIZE(names))
			names[n++] = t->name;
	}
	names[n] = NULL;
	return names;
}

bool seccomp_kernel_supported(void)
{
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
}
