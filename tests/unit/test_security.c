/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of what `features` reports about confinement: the Landlock ABI
 * and rights, the seccomp actions, operators, architectures and flags; and of
 * the seccomp compiler on its own (no filter is loaded).  Prints TAP.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "landlock.h"
#include "seccomp_filter.h"

static int test_count, failed;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	test_count++;
	if (!cond)
		failed++;
	printf("%sok %d - ", cond ? "" : "not ", test_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static bool list_has(const char *const *l, const char *name)
{
	for (; *l; l++)
		if (!strcmp(*l, name))
			return true;
	return false;
}

static size_t list_len(const char *const *l)
{
	size_t n = 0;
	while (l[n])
		n++;
	return n;
}

static void test_landlock(void)
{
	int abi = landlock_abi_version();
	ok(abi >= 0, "landlock ABI is a version or 0 (%d)", abi);
	ok(landlock_abi_fs_rights(0) == 0 && landlock_abi_net_rights(0) == 0,
	   "ABI 0 has no rights");
	ok(landlock_abi_fs_rights(1) == 0x1fff, "ABI 1: execute .. make_sym");
	ok(landlock_abi_fs_rights(2) == 0x3fff, "ABI 2 adds refer");
	ok(landlock_abi_fs_rights(3) == 0x7fff, "ABI 3 adds truncate");
	ok(landlock_abi_net_rights(3) == 0 && landlock_abi_net_rights(4) == 3, "ABI 4 adds TCP");
	ok(landlock_abi_fs_rights(5) == 0xffff, "ABI 5 adds ioctl_dev");
	ok(!strcmp(landlock_fs_right_name(1ULL << 2), "read_file"), "name of read_file");
	ok(!strcmp(landlock_fs_right_name(1ULL << 15), "ioctl_dev"), "name of ioctl_dev");
	ok(!strcmp(landlock_net_right_name(1ULL << 1), "connect_tcp"), "name of connect_tcp");
	ok(landlock_fs_right_name(1ULL << 40) == NULL, "no name for an unknown right");
}

static void test_seccomp_lists(void)
{
	ok(list_len(seccomp_known_actions()) == 9, "nine seccomp actions");
	ok(list_has(seccomp_known_actions(), "SCMP_ACT_NOTIFY"), "SCMP_ACT_NOTIFY known");
	ok(list_len(seccomp_known_operators()) == 7, "seven operators");
	ok(list_has(seccomp_known_operators(), "SCMP_CMP_MASKED_EQ"), "SCMP_CMP_MASKED_EQ known");
	ok(list_has(seccomp_known_archs(), "SCMP_ARCH_X86_64"), "libseccomp builds for x86_64");
	ok(list_has(seccomp_known_archs(), "SCMP_ARCH_AARCH64"), "libseccomp builds for aarch64");
	ok(seccomp_kernel_supported(), "the kernel has seccomp");
	ok(list_has(seccomp_supported_flags(), "SECCOMP_FILTER_FLAG_TSYNC"), "TSYNC supported");
	ok(list_has(seccomp_supported_flags(), "SECCOMP_FILTER_FLAG_LOG"), "LOG supported");
}

static void test_seccomp_compile(void)
{
	char *names[] = {"mkdir", "no_such_syscall"};
	struct oci_seccomp_syscall rule = {.names = {names, 2}, .action = OCI_SCMP_ACT_NOTIFY};
	struct oci_seccomp sc = {.default_action = OCI_SCMP_ACT_ALLOW,
	                         .syscalls = &rule,
	                         .n_syscalls = 1,
	                         .flags_value = 1 /* TSYNC */};
	struct seccomp_prog p;
	struct nerr e = {0};

	ok(seccomp_prepare(&sc, &p, &e) == -EINVAL &&
	       strstr(e.msg, "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath"),
	   "notify without a listener: %s", e.msg);
	sc.listener_path = "/run/agent.sock";
	ok(seccomp_prepare(&sc, &p, &e) == 0 && p.len > 0, "compiles, unknown name skipped");
	ok(p.notify && (p.flags & (1U << 3)) && (p.flags & (1U << 4)) && (p.flags & 1U),
	   "listener flag, TSYNC with TSYNC_ESRCH (flags 0x%x)", p.flags);
	seccomp_prog_release(&p);
	rule.action = OCI_SCMP_ACT_ALLOW;
	ok(seccomp_prepare(&sc, &p, &e) == 0 && !p.notify && p.flags == 1U,
	   "a rule equal to the default is skipped; no listener");
	seccomp_prog_release(&p);
}

int main(void)
{
	test_landlock();
	test_seccomp_lists();
	test_seccomp_compile();
	printf("1..%d\n", test_count);
	return failed ? 1 : 0;
}
