/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Terminals.  The pty is made inside the container, from its own devpts,
 * so the slave's owner and path are the container's; the master goes to
 * the engine over the --console-socket unix socket with SCM_RIGHTS (the
 * payload is the slave's path, as runc sends it).  Without a socket, `run`
 * and `exec -t` in the foreground receive the master themselves over a
 * socketpair and relay it to the caller's terminal.
 */
#include "terminal.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>

#include "unixsock.h"
#include "util.h"

#ifndef UNIX98_PTY_SLAVE_MAJOR
#define UNIX98_PTY_SLAVE_MAJOR 136
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int terminal_connect(const char *path, struct nerr *e)
{
	int fd = unixsock_connect(path);

	if (fd == -ENAMETOOLONG)
		return nerr_set(e, ENAMETOOLONG, "--console-socket \"%s\": path too long", path);
	if (fd < 0)
		return nerr_sys(e, -fd, "--console-socket \"%s\": connect", path);
	return fd;
}

/* The payload is the slave's path, as runc sends it. */
static int send_master(int sock, int master, const char *name, struct nerr *e)
{
	int r = unixsock_send(sock, name, strlen(name), master);
	if (r < 0)
		return nerr_sys(e, -r, "send the pty master over the console socket");
	return 0;
}

int terminal_recv(int sock, struct nerr *e)
{
	char name[PATH_MAX];
	int fd;
	ssize_t n = unixsock_recv(sock, name, sizeof name, &fd);

	if (n < 0)
		return nerr_sys(e, (int)-n, "receive the pty master");
	if (fd < 0)
		return nerr_set(e, EPROTO, "receive the pty master: no file descriptor came");
	return fd;
}

static void copy_winsize(int from, int to)
{
	struct winsize ws;
	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

/* /dev/console is the slave, bound over a file the mount can cover. */
static int bind_console(const char *slave_path, struct nerr *e)
{
	_cleanup_close_ int fd =
	    open("/dev/console", O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	char p[64];

	if (fd < 0 && errno == ELOOP) {
		unlink("/dev/console");
		fd = open("/dev/console", O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		return nerr_sys(e, errno, "create /dev/console");
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	if (mount(slave_path, p, NULL, MS_BIND, NULL) < 0)
		return nerr_sys(e, errno, "bind %s on /dev/console", slave_path);
	return 0;
}

/* The process's terminal is its own (runc gives it to process.user too), not
 * the root's that made it; the group stays devpts' (tty).  Only this fd is
 * changed, after checking it is a pty slave: never whatever stdio the
 * runtime was given, which may be a host device. */
static int give_pty(int slave, const char *name, uid_t owner, struct nerr *e)
{
	struct stat sb;

	if (fstat(slave, &sb) < 0)
		return nerr_sys(e, errno, "stat the pty slave %s", name);
	if (!S_ISCHR(sb.st_mode) || major(sb.st_rdev) < UNIX98_PTY_SLAVE_MAJOR ||
	    major(sb.st_rdev) >= UNIX98_PTY_SLAVE_MAJOR + 8)
		return nerr_set(e, EINVAL, "%s is not a pty slave; refusing to change its owner",
		                name);
	if (sb.st_uid != owner && fchown(slave, owner, (gid_t)-1) < 0)
		return nerr_sys(e, errno, "give the pty %s to uid %u (process.user)", name,
		                (unsigned)owner);
	return 0;
}

int terminal_setup(int sock, const struct oci_box *size, uid_t owner, bool console,
                   bool size_from_stdin, struct nerr *e)
{
	_cleanup_close_ int master = -1, slave = -1;
	char name[PATH_MAX];
	int unlock = 0;

	/* Relative to our root: the container's /dev/ptmx, i.e. its devpts. */
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return nerr_sys(e, errno, "open /dev/ptmx in the container");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return nerr_sys(e, errno, "unlock the pty");
	if (ptsname_r(master, name, sizeof name) != 0)
		return nerr_sys(e, errno, "name of the pty");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return nerr_sys(e, errno, "open the pty slave %s", name);
	if (give_pty(slave, name, owner, e) < 0)
		return -e->errnum;
	if (size && size->present) {
		struct winsize ws = {.ws_row = (unsigned short)size->height,
		                     .ws_col = (unsigned short)size->width};
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return nerr_sys(e, errno, "set the console size");
	}
	/* Relayed to the caller's terminal: its size, before the program runs. */
	if (size_from_stdin && isatty(STDIN_FILENO))
		copy_winsize(STDIN_FILENO, slave);
	if (console && bind_console(name, e) < 0)
		return -e->errnum;
	if (send_master(sock, master, name, e) < 0)
		return -e->errnum;
	if (setsid() < 0 && errno != EPERM)
		return nerr_sys(e, errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return nerr_sys(e, errno, "make %s the controlling terminal", name);
	for (int i = 0; i < 3; i++)
		if (dup2(slave, i) < 0)
			return nerr_sys(e, errno, "use %s as stdio", name);
	return 0;
}

/* ---- the caller's side: relay between our terminal and the master ---------- */

void terminal_copy_size(int master)
{
	if (isatty(STDIN_FILENO))
		copy_winsize(STDIN_FILENO, master);
}

/* Copy what is readable now; returns false at end of file or error. */
static bool pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	return write_all(to, buf, (size_t)n) == 0;
}

static void drain(int master)
{
	int fl = fcntl(master, F_GETFL);
	fcntl(master, F_SETFL, fl | O_NONBLOCK);
	while (pump(master, STDOUT_FILENO)) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		if (poll(&p, 1, 0) <= 0)
			break;
	}
}

int terminal_relay(int master, int pidfd)
{
	bool tty = isatty(STDIN_FILENO), in_open = true;
	struct termios saved, raw;
	sigset_t winch;
	int sfd;

	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, NULL);
	sfd = signalfd(-1, &winch, SFD_CLOEXEC);
	if (tty) {
		copy_winsize(STDIN_FILENO, master);
		tcgetattr(STDIN_FILENO, &saved);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	for (;;) {
		struct pollfd p[4] = {
		    {.fd = master, .events = POLLIN},
		    {.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN},
		    {.fd = sfd, .events = POLLIN},
		    {.fd = pidfd, .events = POLLIN},
		};
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(master, STDOUT_FILENO))
			break;
		/* When our input ends we stop reading it and leave the pty open, as runc does. */
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR) && !pump(STDIN_FILENO, master))
			in_open = false;
		if (p[2].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) > 0 && tty)
				copy_winsize(STDIN_FILENO, master);
		}
		if (p[3].revents & POLLIN) {
			drain(master);
			break;
		}
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_UNBLOCK, &winch, NULL);
	return 0;
}
