/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp (named seccomp_filter so <seccomp.h> still means libseccomp): build the filter with
 * libseccomp, load it, hand the notify fd on. */
#ifndef NUCLEUS_SECCOMP_FILTER_H
#define NUCLEUS_SECCOMP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "oci_spec.h"

/* A compiled filter: classic BPF and the flags to load it with. */
struct seccomp_prog {
	void *insns; /* struct sock_filter[] */
	size_t len;  /* number of instructions */
	unsigned int flags;
	bool notify; /* has SCMP_ACT_NOTIFY rules: load with a listener */
};

/* Compile the config's filter (before the user switch: it allocates). */
int seccomp_prepare(const struct oci_seccomp *sc, struct seccomp_prog *out, struct nerr *e);
/* Only the load flags and the listener (and its check), for a cached BPF. */
int seccomp_prepare_flags(const struct oci_seccomp *sc, struct seccomp_prog *out, struct nerr *e);
/* Load it into this process; *notify_fd gets the listener fd or -1.  Needs
 * no_new_privs or CAP_SYS_ADMIN.  Makes no allocation. */
int seccomp_install(const struct seccomp_prog *p, int *notify_fd, struct nerr *e);
void seccomp_prog_release(struct seccomp_prog *p);

/* Parent side: send the notify fd and the container process state
 * (runtime-spec "listenerPath") of process pid (the init, or an exec'd
 * process) to the agent listening on `path`. */
int seccomp_send_to_listener(const char *path, const char *metadata, const struct oci_state *st,
                             pid_t pid, int notify_fd, struct nerr *e);

/* For `features`: NULL-terminated lists of what this build and kernel support. */
const char *const *seccomp_known_actions(void);
const char *const *seccomp_known_operators(void);
/* SCMP_ARCH_* names libseccomp can build filters for. */
const char *const *seccomp_known_archs(void);
/* SECCOMP_FILTER_FLAG_* names the running kernel accepts. */
const char *const *seccomp_supported_flags(void);
/* Whether the kernel has seccomp filters at all (PR_GET_SECCOMP works). */
bool seccomp_kernel_supported(void);

#endif
