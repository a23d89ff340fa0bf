/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ptys made in the container, their master sent over a console socket, and the relay. */
#ifndef NUCLEUS_TERMINAL_H
#define NUCLEUS_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci_spec.h"

/* Connect to the engine's --console-socket; returns the fd or -errno. */
int terminal_connect(const char *path, struct nerr *e);
/* Inside the container (its /dev is ours): make a pty owned by uid owner,
 * apply size, bind the slave on /dev/console when console is true, send the
 * master over sock, and make the slave our controlling terminal and stdio.
 * size_from_stdin: the size of our stdin, when a tty, wins (the pty is
 * relayed to it). */
int terminal_setup(int sock, const struct oci_box *size, uid_t owner, bool console,
                   bool size_from_stdin, struct nerr *e);
/* Give the pty behind master the window size of our stdin when it is a tty. */
void terminal_copy_size(int master);
/* Receive a pty master sent by terminal_setup; returns the fd or -errno. */
int terminal_recv(int sock, struct nerr *e);
/* Relay the caller's stdin/stdout to the master (raw mode and window size
 * when stdin is a tty) until the process behind pidfd exits. */
int terminal_relay(int master, int pidfd);

#endif
