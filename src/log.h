/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The runtime's log: stderr for people, --log FILE (text or json lines) for engines. */
#ifndef NUCLEUS_LOG_H
#define NUCLEUS_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

int log_open(const char *path, bool json, bool debug);
void log_close(void);
bool log_debug_enabled(void);
/* In the container's init: debug lines without --log keep going to the stderr
 * the runtime was started with, even once a terminal replaces it. */
void log_keep_stderr(void);
/* No more logging from this process (the init, before it closes our fds). */
void log_stop(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The one error line of a failed command: to the log file and to stderr. */
void log_fatal(const char *msg);

#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_debug_enabled())                                                           \
			log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__);                                     \
	} while (0)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)

/* The current time as RFC 3339 UTC with nanoseconds (buf of 40 bytes or more). */
void log_rfc3339_now(char *buf, size_t size);

#endif
