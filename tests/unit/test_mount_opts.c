/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests (TAP) for the mount option table and the context secret filter. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "context.h"
#include "mount_opts.h"

static int test_count, test_failed;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	test_count++;
	if (!cond)
		test_failed++;
	printf("%sok %d - ", cond ? "" : "not ", test_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int plan(const char *type, const char *const *opts, size_t n, struct mount_plan *pl,
                struct nerr *e)
{
	struct oci_mount m = {.destination = "/d", .type = (char *)type};
	m.options.items = (char **)opts;
	m.options.len = n;
	return mount_opts_plan(&m, pl, e);
}

#define PLAN(type, pl, e, ...)                                                                     \
	({                                                                                         \
		static const char *const o_[] = {__VA_ARGS__};                                     \
		plan(type, o_, sizeof o_ / sizeof o_[0], pl, e);                                   \
	})

int main(void)
{
	struct mount_plan pl;
	struct nerr e = {0};
	const char *const *all = mounts_supported_options();
	size_t n = 0;
	bool seen_rro = false, seen_ctx = false, seen_idmap = false;

	ok(PLAN("tmpfs", &pl, &e, "ro", "nosuid", "size=1m", "mode=755") == 0,
	   "tmpfs options parse");
	ok(pl.flags == (MS_RDONLY | MS_NOSUID), "ro,nosuid become flags");
	ok(!strcmp(pl.data, "size=1m,mode=755"), "the rest is data: %s", pl.data);
	ok(!pl.bind, "tmpfs is not a bind");

	PLAN("tmpfs", &pl, &e, "ro", "rw", "noexec", "exec");
	ok(pl.flags == 0 && (pl.clear & (MS_RDONLY | MS_NOEXEC)) == (MS_RDONLY | MS_NOEXEC),
	   "a later option wins");
	PLAN("tmpfs", &pl, &e, "noatime", "strictatime");
	ok(pl.flags == MS_STRICTATIME, "atime modes exclude each other");

	PLAN("none", &pl, &e, "x-unknown", "rbind", "rprivate");
	ok(pl.bind && pl.rbind && !pl.data[0], "unknown options are ignored on a bind");
	ok(pl.propagation == (MS_PRIVATE | MS_REC), "rprivate is recursive private");

	PLAN("bind", &pl, &e, "rro", "rnosuid", "rnoatime");
	ok(pl.rec_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME),
	   "recursive attributes set");
	ok(pl.rec_clr == MOUNT_ATTR__ATIME, "an atime mode clears the whole atime field");
	PLAN("bind", &pl, &e, "rro", "rrw");
	ok(pl.rec_set == 0 && pl.rec_clr == MOUNT_ATTR_RDONLY, "rrw undoes rro");

	ok(PLAN("bind", &pl, &e, "idmap", "tmpcopyup", "copy-symlink") == 0 && pl.idmap &&
	       pl.tmpcopyup && pl.copy_symlink,
	   "extensions are flags of the plan");
	ok(PLAN("tmpfs", &pl, &e, "idmap") < 0 && strstr(e.msg, "only supported on bind"),
	   "idmap on tmpfs is refused: %s", e.msg);

	ok(PLAN("bind", &pl, &e, "context=copy", "context-size=2m", "context-depth=4",
	        "context-files=9", "context-secrets=include") == 0,
	   "context options parse");
	ok(pl.context == MOUNT_CONTEXT_COPY && pl.context_size == 2 << 20 &&
	       pl.context_depth == 4 && pl.context_files == 9 && pl.context_secrets,
	   "context values");
	ok(PLAN("bind", &pl, &e, "context=foo") < 0 && strstr(e.msg, "\"context=foo\""),
	   "bad context mode: %s", e.msg);
	ok(PLAN("bind", &pl, &e, "context=copy", "context-size=-1") < 0, "negative size refused");
	ok(PLAN("bind", &pl, &e, "context=copy", "context-depth=0") < 0, "zero depth refused");
	ok(PLAN("tmpfs", &pl, &e, "context=bind") < 0 && strstr(e.msg, "needs a bind"),
	   "context on tmpfs refused");

	for (; all[n]; n++) {
		seen_rro |= !strcmp(all[n], "rro");
		seen_ctx |= !strcmp(all[n], "context=bind");
		seen_idmap |= !strcmp(all[n], "ridmap");
	}
	ok(n > 60 && seen_rro && seen_ctx && seen_idmap, "supported options listed (%zu)", n);
	ok(mounts_supported_options() == all, "the list is built once");

	ok(context_name_is_secret(".env") && context_name_is_secret(".env.production") &&
	       context_name_is_secret(".ssh") && context_name_is_secret("server.PEM") &&
	       context_name_is_secret("tls.key") && context_name_is_secret("id_rsa.pub") &&
	       context_name_is_secret("id_ed25519") && context_name_is_secret("MySecrets.txt") &&
	       context_name_is_secret("aws_credentials"),
	   "secret-looking names");
	ok(!context_name_is_secret("main.py") && !context_name_is_secret("environment.md") &&
	       !context_name_is_secret("keys.txt"),
	   "ordinary names are kept");

	printf("1..%d\n", test_count);
	return test_failed ? 1 : 0;
}
