/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup2 device filter, under the v2 driver: an eBPF program built from
 * the device rules and attached to the cgroup directory.
 */
#ifndef NUCLEUS_CGROUP_BPF_H
#define NUCLEUS_CGROUP_BPF_H

#include "cgroup_fs.h"

/* Attach the program for rules to dir, replacing what nucleus-oci attached before. */
int cg_bpf_set_devices(const char *dir, const struct oci_device_rule *rules, size_t n,
                       struct nerr *e);

#endif
