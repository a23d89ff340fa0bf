/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compiled seccomp filters kept under <root>/.seccomp-cache, so a profile is
 * compiled by libseccomp once, not on every create. */
#ifndef NUCLEUS_SECCOMP_CACHE_H
#define NUCLEUS_SECCOMP_CACHE_H

#include "error.h"
#include "oci_spec.h"
#include "seccomp_filter.h"

/* seccomp_prepare(), through the cache in the --root directory `rootfd`
 * (-1: no cache).  A cache that cannot be read or written only costs time. */
int seccomp_cache_prepare(int rootfd, const struct oci_seccomp *sc, struct seccomp_prog *out,
                          struct nerr *e);

#endif
