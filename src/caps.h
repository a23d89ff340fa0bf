/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capabilities with libcap: the bounding set, the user-visible sets, ambient. */
#ifndef NUCLEUS_CAPS_H
#define NUCLEUS_CAPS_H

#include "error.h"
#include "oci_spec.h"

/* Warn once about each name libcap or the kernel does not know (they are
 * ignored, as runc does).  Called by the parent, which has the log. */
void caps_warn_unknown(const struct oci_capabilities *c);
/* Drop from the bounding set everything not listed (while still privileged). */
int caps_drop_bounding(const struct oci_capabilities *c, struct nerr *e);
/* Install effective, permitted and inheritable, then raise the ambient set. */
int caps_apply(const struct oci_capabilities *c, struct nerr *e);
/* Make CAP_SYS_ADMIN effective again after a user switch (from the permitted
 * set), so a seccomp filter or Landlock domain can be installed without
 * no_new_privs.  Fails with EPERM when it is not permitted. */
int caps_raise_sys_admin(struct nerr *e);

#endif
