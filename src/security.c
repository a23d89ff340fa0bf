/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Credentials, in the order that works: the bounding set is dropped while the
 * process still has CAP_SETPCAP, the user switch keeps the permitted set
 * (PR_SET_KEEPCAPS), then the requested effective/permitted/inheritable sets
 * are installed and finally the ambient set is raised.
 */
#include "security.h"

#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

int security_apply_rlimits(const struct oci_process *p, struct nerr *e)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct oci_rlimit *rl = &p->rlimits[i];
		struct rlimit lim = {.rlim_cur = rl->soft, .rlim_max = rl->hard};
		if (setrlimit(rl->resource, &lim) < 0)
			return nerr_sys(e, errno, "setrlimit %s", rl->type);
	}
	return 0;
}

static int cap_from_name_checked(const char *name, cap_value_t *v)
{
	if (cap_from_name(name, v) < 0)
		return -EINVAL;
	if (*v > CAP_LAST_CAP && !CAP_IS_SUPPORTED(*v))
		return -EINVAL;
	if (!CAP_IS_SUPPORTED(*v))
		return -EINVAL;
	return 0;
}

/* Bit set of the named capabilities; unknown names are warned about and skipped. */
static uint64_t caps_mask(const struct oci_strv *names)
{
	uint64_t m = 0;
	for (size_t i = 0; i < names->len; i++) {
		cap_value_t v;
		if (cap_from_name_checked(names->items[i], &v) < 0) {
			log_warn("unknown or unsupported capability \"%s\" ignored", names->items[i]);
			continue;
		}
		m |= 1ULL << v;
	}
	return m;
}

int security_drop_bounding(const struct oci_process *p, struct nerr *e)
{
	uint64_t keep;
	if (!p->capabilities.present)
		keep = 0;
	else
		keep = caps_mask(&p->capabilities.bounding);
	for (cap_value_t c = 0; c <= CAP_LAST_CAP || CAP_IS_SUPPORTED(c); c++) {
		if (!CAP_IS_SUPPORTED(c))
			break;
		if (keep & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return nerr_sys(e, errno, "drop capability %s from the bounding set",
					cap_to_name(c));
	}
	return 0;
}

int security_switch_user(const struct oci_process *p, struct nerr *e)
{
	const struct oci_user *u = &p->user;
	gid_t *gids = NULL;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return nerr_sys(e, errno, "prctl(PR_SET_KEEPCAPS)");
	if (u->n_additional_gids > 0) {
		gids = xcalloc(u->n_additional_gids, sizeof *gids);
		for (size_t i = 0; i < u->n_additional_gids; i++)
			gids[i] = u->additional_gids[i];
	}
	if (setgroups(u->n_additional_gids, gids) < 0 && !(errno == EPERM && u->n_additional_gids == 0)) {
		int err = errno;
		free(gids);
		return nerr_sys(e, err, "setgroups");
	}
	free(gids);
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return nerr_sys(e, errno, "setresgid %u", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return nerr_sys(e, errno, "setresuid %u", u->uid);
	if (u->has_umask)
		umask((mode_t)u->umask);
	else
		umask(022);
	return 0;
}

int security_apply_caps(const struct oci_process *p, struct nerr *e)
{
	const struct oci_capabilities *c = &p->capabilities;
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
	for (cap_value_t v = 0; v < 64; v++) {
		if (!CAP_IS_SUPPORTED(v))
			break;
		if (eff & (1ULL << v))
			cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
		if (perm & (1ULL << v))
			cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET);
		if (inh & (1ULL << v))
			cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET);
	}
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
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
			return nerr_sys(e, errno, "raise ambient capability %s", cap_to_name(v));
	}
	return 0;
}

int security_no_new_privs(const struct oci_process *p, struct nerr *e)
{
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nerr_sys(e, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}
