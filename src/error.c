/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error values: build the message at the failure site, add context on the way up. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int errnum_or_default(int errnum)
{
	return errnum > 0 ? errnum : EINVAL;
}

int nerr_set(struct nerr *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->errnum = errnum_or_default(errnum);
	return -e->errnum;
}

int nerr_sys(struct nerr *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->errnum = errnum_or_default(errnum);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(e->errnum));
	return -e->errnum;
}

int nerr_wrap(struct nerr *e, const char *fmt, ...)
{
	char old[sizeof e->msg];
	size_t n;
	va_list ap;
	memcpy(old, e->msg, sizeof old);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (n + 2 < sizeof e->msg) {
		memcpy(e->msg + n, ": ", 2);
		n += 2;
		memcpy(e->msg + n, old, strnlen(old, sizeof e->msg - n - 1));
		e->msg[n + strnlen(old, sizeof e->msg - n - 1)] = '\0';
	}
	e->errnum = errnum_or_default(e->errnum);
	return -e->errnum;
}
