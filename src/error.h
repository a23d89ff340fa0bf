/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Errors as values: a negative errno plus a message that names the object. */
#ifndef NUCLEUS_ERROR_H
#define NUCLEUS_ERROR_H

#include <errno.h>

struct nerr {
	int errnum;
	char msg[1024];
};

/* Set the message and return -errnum.  nerr_sys appends ": strerror(errnum)". */
int nerr_set(struct nerr *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int nerr_sys(struct nerr *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefix the existing message with context: "ctx: old message".  Returns -errnum. */
int nerr_wrap(struct nerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
