/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: a second thread makes mkdir(2) while the main thread waits.
 * Under SCMP_ACT_KILL_THREAD only that thread dies and the main thread prints
 * "main alive"; under SCMP_ACT_KILL_PROCESS the whole process dies of SIGSYS.
 * Built static so it runs in the busybox rootfs.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void *worker(void *arg)
{
	(void)arg;
	mkdir("/tmp/threadkill", 0755);
	puts("worker survived");
	fflush(stdout);
	return NULL;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 2;
	/* A killed thread is not joinable in every libc: just give it time. */
	usleep(300000);
	puts("main alive");
	return 0;
}
