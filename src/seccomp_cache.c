/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A cache of compiled seccomp filters.  libseccomp takes tens of
 * milliseconds to compile a profile of a few hundred syscalls for three
 * architectures, several times the rest of `create`; the result only depends
 * on the profile, the libseccomp version and the kernel (libseccomp asks the
 * kernel what it supports).
 *
 * An entry is <root>/.seccomp-cache/<fnv64 of the key>.bpf holding the whole
 * key (a canonical text of everything that shapes the filter) and the BPF.  A
 * hit needs the stored key to equal ours byte for byte, so a hash collision,
 * crafted or not, is only a miss.  The directory is the runtime's own (mode
 * 0700 under --root), so only the runtime's user could write an entry.
 */
#include "seccomp_cache.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define CACHE_DIR   ".seccomp-cache"
#define CACHE_MAGIC 0x4e534331u /* "NSC1" */

struct cache_header {
	uint32_t magic;
	uint32_t key_len;
	uint32_t n_insns;
};

/* Everything the compiled BPF depends on (flags and the listener are not in
 * the BPF: they are taken from the config every time). */
static char *cache_key(const struct oci_seccomp *sc)
{
	const struct scmp_version *v = seccomp_version();
	struct utsname u;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	uname(&u);
	/* "stub": programs compiled before the ENOSYS stub must not be reused */
	fprintf(f, "libseccomp %u.%u.%u\nkernel %s %s\napi %u\nstub 1\n", v->major, v->minor,
	        v->micro, u.release, u.machine, seccomp_api_get());
	fprintf(f, "default %d %d %u\n", sc->default_action, sc->has_default_errno_ret,
	        sc->default_errno_ret);
	for (size_t i = 0; i < sc->architectures.len; i++)
		fprintf(f, "arch %s\n", sc->architectures.items[i]);
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct oci_seccomp_syscall *s = &sc->syscalls[i];
		fprintf(f, "rule %d %d %u %zu", s->action, s->has_errno_ret, s->errno_ret,
		        s->n_args);
		for (size_t j = 0; j < s->n_args; j++)
			fprintf(f, " %u:%d:%llu:%llu", s->args[j].index, s->args[j].op,
			        (unsigned long long)s->args[j].value,
			        (unsigned long long)s->args[j].value_two);
		for (size_t j = 0; j < s->names.len; j++)
			fprintf(f, " %s", s->names.items[j]);
		fputc('\n', f);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static int cache_load(int dfd, const char *name, const char *key, struct seccomp_prog *out)
{
	_cleanup_free_ char *buf = NULL;
	struct cache_header h;
	struct nerr ignored;
	size_t len, key_len = strlen(key);

	if (read_file_at(dfd, name, &buf, &len, &ignored) < 0 || len < sizeof h)
		return -ENOENT;
	memcpy(&h, buf, sizeof h);
	if (h.magic != CACHE_MAGIC || h.key_len != key_len || h.n_insns == 0 ||
	    h.n_insns > BPF_MAXINSNS ||
	    len != sizeof h + key_len + h.n_insns * sizeof(struct sock_filter) ||
	    memcmp(buf + sizeof h, key, key_len) != 0)
		return -ENOENT;
	out->len = h.n_insns;
	out->insns = xmalloc(out->len * sizeof(struct sock_filter));
	memcpy(out->insns, buf + sizeof h + key_len, out->len * sizeof(struct sock_filter));
	return 0;
}

static void cache_store(int dfd, const char *name, const char *key, const struct seccomp_prog *p)
{
	struct cache_header h = {CACHE_MAGIC, (uint32_t)strlen(key), (uint32_t)p->len};
	size_t bpf = p->len * sizeof(struct sock_filter);
	size_t len = sizeof h + h.key_len + bpf;
	_cleanup_free_ char *buf = xmalloc(len);
	struct nerr e;

	memcpy(buf, &h, sizeof h);
	memcpy(buf + sizeof h, key, h.key_len);
	memcpy(buf + sizeof h + h.key_len, p->insns, bpf);
	if (write_file_atomic_at(dfd, name, buf, len, 0600, &e) < 0)
		log_debug("seccomp cache: %s", e.msg);
}

int seccomp_cache_prepare(int rootfd, const struct oci_seccomp *sc, struct seccomp_prog *out,
                          struct nerr *e)
{
	_cleanup_free_ char *key = NULL;
	_cleanup_close_ int dfd = -1;
	char name[64];
	int r;

	/* Compile first: it validates the config and sets flags and notify. */
	if (rootfd < 0 || !(key = cache_key(sc)))
		return seccomp_prepare(sc, out, e);
	snprintf(name, sizeof name, "%016llx.bpf", (unsigned long long)fnv1a64(key));
	if (mkdirat(rootfd, CACHE_DIR, 0700) < 0 && errno != EEXIST)
		return seccomp_prepare(sc, out, e);
	dfd = openat(rootfd, CACHE_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return seccomp_prepare(sc, out, e);
	memset(out, 0, sizeof *out);
	if (cache_load(dfd, name, key, out) == 0) {
		/* Flags, the listener and their checks come from the config. */
		r = seccomp_prepare_flags(sc, out, e);
		if (r < 0)
			seccomp_prog_release(out);
		return r;
	}
	r = seccomp_prepare(sc, out, e);
	if (r == 0)
		cache_store(dfd, name, key, out);
	return r;
}
