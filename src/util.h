/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers: cleanup attributes, whole-file I/O, number parsing, /proc readers. */
#ifndef NUCLEUS_UTIL_H
#define NUCLEUS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "error.h"

static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}
static inline void cleanup_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
#define _cleanup_free_  __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_ __attribute__((cleanup(cleanup_closep)))

/* Take ownership out of a cleanup variable. */
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _t = (fd);                                                                     \
		(fd) = -1;                                                                         \
		_t;                                                                                \
	})
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _t = (p);                                                            \
		(p) = NULL;                                                                        \
		_t;                                                                                \
	})

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole file (relative to dirfd or AT_FDCWD); NUL-terminates. */
int read_file_at(int dirfd, const char *path, char **out, size_t *len, struct nerr *e);
/* Write through a temporary file and rename(2) so readers never see half a file. */
int write_file_atomic_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                         struct nerr *e);
int write_file_at(int dirfd, const char *path, const char *data, size_t len);
int write_all(int fd, const void *buf, size_t len);

int parse_int(const char *s, long long *out);
int parse_uint(const char *s, unsigned long long *out);

/* Start time (clock ticks since boot, field 22 of /proc/PID/stat) and state char. */
int proc_start_time(pid_t pid, uint64_t *start_time, char *state);

int mkdir_p(const char *path, mode_t mode);
/* Remove a directory tree under dirfd without following symlinks. */
int rm_rf_at(int dirfd, const char *name);

bool str_has_prefix(const char *s, const char *prefix);
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
