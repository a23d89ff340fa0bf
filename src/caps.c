/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capabilities, in the order that works: the bounding set is dropped while the
 * process still has CAP_SETPCAP, the user switch (security.c) keeps the
 * permitted set with PR_SET_KEEPCAPS, then the effective, permitted and
 * inheritable sets are installed and finally the ambient set is raised.
 *
 * Names libcap does not know are warned about and ignored, as runc does;
 * names the running kernel does not support are dropped the same way.
 * Nothing is inheritable unless the config says so (CVE-2022-29162: an
 * inheritable set left full lets file capabilities of a binary in the image
 * grant privileges the config never asked for).
 */
#include "caps.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "log.h"

static int cap_from_name_checked(const char *name, cap_value_t *v)
{
	if (cap_from_name(name, v) < 0 || *v < 0 || *v > 63)
		return -EINVAL;
	if (!CAP_IS_SUPPORTED(*v))
		return -EINVAL;
	return 0;
}

/* Bit set of the named capabilities; unknown names are skipped (the parent
 * warned about them: the init's log fd is closed by the time it gets here). */
static uint64_t caps_mask(const struct oci_strv *names)
{
	uint64_t m = 0;
	for (size_t i = 0; i < names->len; i++) {
		cap_value_t v;
		if (cap_from_name_checked(names->items[i], &v) == 0)
			m |= 1ULL << v;
	}
	return m;
}

void caps_warn_unknown(const struct oci_capabilities *c)
{
	const struct oci_strv *sets[] = {&c->bounding, &c->effective, &c->inheritable,
	                                 &c->permitted, &c->ambient};
	for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
		for (size_t i = 0; i < sets[s]->len; i++) {
			cap_value_t v;
			const char *name = sets[s]->items[i];
			bool seen = false;
			if (cap_from_name_checked(name, &v) == 0)
				continue;
			/* Once per name, whatever the number of sets naming it. */
			for (size_t t = 0; t <= s && !seen; t++)
				for (size_t j = 0; j < (t == s ? i : sets[t]->len) && !seen; j++)
					seen = !strcmp(sets[t]->items[j], name);
			if (!seen)
				log_warn("unknown or unsupported capability \"%s\" ignored", name);
		}
	}
}

int caps_drop_bounding(const struct oci_capabilities *c, struct nerr *e)
{
	uint64_t keep = c->present ? caps_mask(&c->bounding) : 0;
	for (cap_value_t v = 0; v < 64 && CAP_IS_SUPPORTED(v); v++) {
		if (keep & (1ULL << v))
			continue;
		if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL)
			return nerr_sys(e, errno, "drop capability %s from the bounding set",
			                cap_to_name(v));
	}
	return 0;
}

static void set_flags(cap_t caps, cap_flag_t flag, uint64_t mask)
{
	for (cap_value_t v = 0; v < 64 && CAP_IS_SUPPORTED(v); v++)
		if (mask & (1ULL << v))
			cap_set_flag(caps, flag, 1, &v, CAP_SET);
}

int caps_apply(const struct oci_capabilities *c, struct nerr *e)
{
	uint64_t eff = 0, perm = 0, inh = 0, amb = 0;
	cap_t caps;

	if (c->present) {
		eff = caps_mask(&c->effective);
		perm = caps_mask(&c->permitted);
		inh = caps_mask(&c->inheritable);
		amb = caps_mask(&c->ambient);
	}
	caps = cap_init();
	if (!caps)
		return nerr_sys(e, errno, "cap_init");
	set_flags(caps, CAP_EFFECTIVE, eff);
	set_flags(caps, CAP_PERMITTED, perm);
	set_flags(caps, CAP_INHERITABLE, inh);
	if (cap_set_proc(caps) < 0) {
		int err = errno;
		cap_free(caps);
		return nerr_sys(e, err, "set capabilities");
	}
	cap_free(caps);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return nerr_sys(e, errno, "clear ambient capabilities");
	for (cap_value_t v = 0; v < 64; v++) {
		if (!(amb & (1ULL << v)))
			continue;
		/* The kernel wants it permitted and inheritable; say which is missing. */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
			return nerr_sys(
			    e, errno,
			    "raise ambient capability %s (it must also be permitted and "
			    "inheritable)",
			    cap_to_name(v));
	}
	return 0;
}

int caps_raise_sys_admin(struct nerr *e)
{
	cap_value_t v = CAP_SYS_ADMIN;
	cap_flag_value_t permitted = CAP_CLEAR;
	cap_t caps = cap_get_proc();
	int r = 0;

	if (!caps)
		return nerr_sys(e, errno, "cap_get_proc");
	cap_get_flag(caps, v, CAP_PERMITTED, &permitted);
	if (permitted != CAP_SET)
		r = nerr_set(e, EPERM,
		             "needs process.noNewPrivileges or CAP_SYS_ADMIN in the bounding set");
	else if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0 || cap_set_proc(caps) < 0)
		r = nerr_sys(e, errno, "make CAP_SYS_ADMIN effective");
	cap_free(caps);
	return r;
}
