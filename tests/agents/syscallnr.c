/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: makes each system call given by number (no arguments) and
 * prints "NR: ok" or "NR: <strerror>", to see what a seccomp filter answers
 * for calls it does not name.  Built static so it runs in the busybox rootfs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		long nr = strtol(argv[i], NULL, 0);
		errno = 0;
		if (syscall(nr, 0, 0, 0, 0, 0, 0) < 0)
			printf("%ld: %s\n", nr, strerror(errno));
		else
			printf("%ld: ok\n", nr);
	}
	return 0;
}
