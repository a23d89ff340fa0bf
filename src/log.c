/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging.  Without --log, warnings and errors go to stderr, and with --debug
 * the debug lines too, as text lines.  With --log FILE every line goes to the
 * file, as text lines (time="..." level=... msg="...", as runc writes them)
 * or as one JSON object per line {"level","msg","time"}, which is what
 * containerd's shim and Podman parse; errors go to stderr as well so a person
 * sees them.
 */
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static int log_stderr_fd = STDERR_FILENO;
static bool log_json;
static bool log_debug_on;

int log_open(const char *path, bool json, bool debug)
{
	log_json = json;
	log_debug_on = debug;
	if (path == NULL || *path == '\0')
		return 0;
	log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	return log_fd < 0 ? -errno : 0;
}

void log_close(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
}

bool log_debug_enabled(void)
{
	return log_debug_on;
}

void log_keep_stderr(void)
{
	int fd;
	if (!log_debug_on || log_fd >= 0)
		return;
	fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (fd >= 0)
		log_stderr_fd = fd;
}

void log_stop(void)
{
	log_debug_on = false;
	log_fd = -1;
	log_stderr_fd = STDERR_FILENO;
}

static const char *level_name(enum log_level l)
{
	switch (l) {
	case LOG_LEVEL_ERROR:
		return "error";
	case LOG_LEVEL_WARN:
		return "warning";
	case LOG_LEVEL_INFO:
		return "info";
	default:
		return "debug";
	}
}

static void json_escape(char *out, size_t outsz, const char *in)
{
	size_t o = 0;
	for (; *in && o + 7 < outsz; in++) {
		unsigned char c = (unsigned char)*in;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (c < 0x20) {
			o += (size_t)snprintf(out + o, outsz - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
}

/*
 * RFC 3339 UTC time with nanoseconds.  The calendar date is computed here
 * (days to civil date): glibc's gmtime_r and strftime both load the time
 * zone, a read of /etc/localtime on every create.
 */
void log_rfc3339_now(char *buf, size_t size)
{
	struct timespec ts;
	long long days, secs, era, doe, yoe, doy, mp, y;
	unsigned d, m;

	clock_gettime(CLOCK_REALTIME, &ts);
	days = (long long)ts.tv_sec / 86400;
	secs = (long long)ts.tv_sec % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468; /* from 1970-01-01 to 0000-03-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	y = yoe + era * 400 + (m <= 2);
	snprintf(buf, size, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%09ldZ", y, m, d, secs / 3600,
	         secs / 60 % 60, secs % 60, ts.tv_nsec);
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Text lines as runc writes them: time="..." level=debug msg="...". */
static int text_line(char *line, size_t size, enum log_level level, const char *msg, const char *ts)
{
	char esc[3072];
	json_escape(esc, sizeof esc, msg);
	return snprintf(line, size, "time=\"%s\" level=%s msg=\"%s\"\n", ts, level_name(level),
	                esc);
}

static void log_write(enum log_level level, const char *msg, bool to_stderr)
{
	char line[4096], esc[3072], ts[64];
	int n;

	if (log_fd >= 0) {
		log_rfc3339_now(ts, sizeof ts);
		if (log_json) {
			json_escape(esc, sizeof esc, msg);
			n = snprintf(line, sizeof line,
			             "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
			             level_name(level), esc, ts);
		} else {
			n = text_line(line, sizeof line, level, msg, ts);
		}
		if (n > (int)sizeof line - 1)
			n = (int)sizeof line - 1;
		write_all(log_fd, line, (size_t)n);
	}
	if (level == LOG_LEVEL_DEBUG && log_fd < 0) {
		log_rfc3339_now(ts, sizeof ts);
		n = text_line(line, sizeof line, level, msg, ts);
		if (n > (int)sizeof line - 1)
			n = (int)sizeof line - 1;
		write_all(log_stderr_fd, line, (size_t)n);
	} else if (to_stderr || log_fd < 0) {
		n = snprintf(
		    line, sizeof line, "%s%s\n",
		    level == LOG_LEVEL_ERROR ? "" : (level == LOG_LEVEL_WARN ? "warning: " : ""),
		    msg);
		if (n > (int)sizeof line - 1)
			n = (int)sizeof line - 1;
		write_all(STDERR_FILENO, line, (size_t)n);
	}
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_write(level, msg, false);
}

void log_fatal(const char *msg)
{
	log_write(LOG_LEVEL_ERROR, msg, true);
}
