/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Process credentials and confinement: rlimits, user, capabilities, no_new_privs. */
#ifndef NUCLEUS_SECURITY_H
#define NUCLEUS_SECURITY_H

#include "error.h"
#include "oci_spec.h"

int security_apply_rlimits(const struct oci_process *p, struct nerr *e);
/* Drop the bounding set while still privileged (before the user switch). */
int security_drop_bounding(const struct oci_process *p, struct nerr *e);
/* setgroups/setresgid/setresuid keeping the capabilities for the next step. */
int security_switch_user(const struct oci_process *p, struct nerr *e);
/* Effective, permitted, inheritable, then ambient. */
int security_apply_caps(const struct oci_process *p, struct nerr *e);
int security_no_new_privs(const struct oci_process *p, struct nerr *e);

#endif
