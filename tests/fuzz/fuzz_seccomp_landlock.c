/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the translation of a config's linux.seccomp into a
 * BPF program (libseccomp) and of process.landlock into a ruleset.  The input
 * is a config.json; what the parser accepts goes through seccomp_prepare and
 * landlock_prepare, and everything they return is released: a crash, a
 * sanitizer report or a leak is a finding.  Nothing is loaded into this
 * process (no seccomp_install, no landlock_enforce).
 */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "landlock.h"
#include "oci_spec.h"
#include "seccomp_filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_config *cfg = NULL;
	struct spec_error err;
	struct nerr e = {0};

	if (oci_config_parse((const char *)data, size, "config.json", &cfg, &err) < 0)
		return 0;
	if (cfg->linux_.seccomp) {
		struct seccomp_prog prog = {0};
		if (seccomp_prepare(cfg->linux_.seccomp, &prog, &e) == 0)
			seccomp_prog_release(&prog);
	}
	if (cfg->process && cfg->process->landlock.present) {
		int fd = -1;
		if (landlock_prepare(&cfg->process->landlock, -1, &fd, &e) == 0 && fd >= 0)
			close(fd);
	}
	oci_config_free(cfg);
	return 0;
}
