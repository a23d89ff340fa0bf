/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mount options.  One table per kind of option: mount(2) flags, propagation,
 * recursive attributes (mount_setattr with AT_RECURSIVE) and the extensions
 * engines send (tmpcopyup, copy-symlink, idmap) plus nucleus-oci's own
 * context options.  Anything else is mount data for a non-bind mount and is
 * ignored on a bind mount, as runc does: engines send options we do not know
 * and must keep working.
 */
#include "mount_opts.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>

#include "log.h"
#include "util.h"

static const struct {
	const char *name;
	bool clear;
	unsigned long flag;
} flag_opts[] = {
    {"defaults", false, 0},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},
    {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},
    {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},
    {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},
    {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},
    {"nomand", true, MS_MANDLOCK},
    {"atime", true, MS_NOATIME},
    {"noatime", false, MS_NOATIME},
    {"diratime", true, MS_NODIRATIME},
    {"nodiratime", false, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},
    {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"symfollow", true, MS_NOSYMFOLLOW},
};

static const struct {
	const char *name;
	unsigned long flag;
} prop_opts[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

/* The atime modes are an enum inside MOUNT_ATTR__ATIME: setting one means
 * clearing the whole field, and the "clear" forms fall back to relatime. */
static const struct {
	const char *name;
	bool clear;
	uint64_t attr;
} rec_opts[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},
    {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},
    {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", false, MOUNT_ATTR_RELATIME},
    {"rnorelatime", true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME},
    {"ratime", true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

static const char *const extension_opts[] = {
    "bind",
    "rbind",
    "idmap",
    "ridmap",
    "idmap=",
    "ridmap=",
    "tmpcopyup",
    "copy-symlink",
    "context=bind",
    "context=copy",
    "context-size=",
    "context-depth=",
    "context-files=",
    "context-secrets=include",
    "context-secrets=exclude",
};

static const char *all_options[ARRAY_SIZE(flag_opts) + ARRAY_SIZE(prop_opts) +
                               ARRAY_SIZE(rec_opts) + ARRAY_SIZE(extension_opts) + 1];

const char *const *mounts_supported_options(void)
{
	size_t n = 0;
	if (all_options[0])
		return all_options;
	for (size_t i = 0; i < ARRAY_SIZE(flag_opts); i++)
		all_options[n++] = flag_opts[i].name;
	for (size_t i = 0; i < ARRAY_SIZE(prop_opts); i++)
		all_options[n++] = prop_opts[i].name;
	for (size_t i = 0; i < ARRAY_SIZE(rec_opts); i++)
		all_options[n++] = rec_opts[i].name;
	for (size_t i = 0; i < ARRAY_SIZE(extension_opts); i++)
		all_options[n++] = extension_opts[i];
	all_options[n] = NULL;
	return all_options;
}

unsigned long mount_opts_propagation(const char *name)
{
	for (size_t j = 0; j < ARRAY_SIZE(prop_opts); j++)
		if (!strcmp(name, prop_opts[j].name))
			return prop_opts[j].flag;
	return 0;
}

static bool plan_flag(const char *o, struct mount_plan *pl)
{
	for (size_t j = 0; j < ARRAY_SIZE(flag_opts); j++) {
		if (strcmp(o, flag_opts[j].name))
			continue;
		if (flag_opts[j].clear) {
			pl->flags &= ~flag_opts[j].flag;
			pl->clear |= flag_opts[j].flag;
		} else {
			pl->flags |= flag_opts[j].flag;
			pl->clear &= ~flag_opts[j].flag;
		}
		/* The atime modes exclude each other, as in mount(8). */
		if (flag_opts[j].flag & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME) &&
		    !flag_opts[j].clear)
			pl->flags &=
			    ~((MS_NOATIME | MS_RELATIME | MS_STRICTATIME) & ~flag_opts[j].flag);
		return true;
	}
	for (size_t j = 0; j < ARRAY_SIZE(prop_opts); j++) {
		if (!strcmp(o, prop_opts[j].name)) {
			pl->propagation = prop_opts[j].flag;
			return true;
		}
	}
	return false;
}

static bool plan_recursive(const char *o, struct mount_plan *pl)
{
	for (size_t j = 0; j < ARRAY_SIZE(rec_opts); j++) {
		uint64_t a = rec_opts[j].attr;
		bool atime = a == MOUNT_ATTR_RELATIME || a == MOUNT_ATTR_NOATIME ||
		             a == MOUNT_ATTR_STRICTATIME;
		if (strcmp(o, rec_opts[j].name))
			continue;
		if (atime) {
			pl->rec_clr |= MOUNT_ATTR__ATIME;
			pl->rec_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
			if (!rec_opts[j].clear)
				pl->rec_set |= a;
		} else if (rec_opts[j].clear) {
			pl->rec_set &= ~a;
			pl->rec_clr |= a;
		} else {
			pl->rec_clr &= ~a;
			pl->rec_set |= a;
		}
		return true;
	}
	return false;
}

static int parse_count(const struct oci_mount *m, const char *o, const char *val,
                       unsigned long long *out, bool size, struct nerr *e)
{
	char *end;
	unsigned long long v;
	errno = 0;
	v = strtoull(val, &end, 10);
	if (size && end != val && *end && !end[1]) {
		int shift = *end == 'k' || *end == 'K'   ? 10
		            : *end == 'm' || *end == 'M' ? 20
		            : *end == 'g' || *end == 'G' ? 30
		                                         : -1;
		if (shift > 0) {
			v <<= shift;
			end++;
		}
	}
	if (errno || end == val || *end || *val == '-' || v == 0)
		return nerr_set(e, EINVAL, "mount %s: option \"%s\": expected a positive %s",
		                m->destination, o,
		                size ? "size (bytes, or with k, m, g)" : "number");
	*out = v;
	return 0;
}

/* nucleus-oci's own options; 1 when o is one of them. */
static int plan_context(const struct oci_mount *m, const char *o, struct mount_plan *pl,
                        struct nerr *e)
{
	if (!strncmp(o, "context=", 8)) {
		if (!strcmp(o + 8, "bind"))
			pl->context = MOUNT_CONTEXT_BIND;
		else if (!strcmp(o + 8, "copy"))
			pl->context = MOUNT_CONTEXT_COPY;
		else
			return nerr_set(
			    e, EINVAL,
			    "mount %s: option \"%s\": expected context=bind or context=copy",
			    m->destination, o);
		return 1;
	}
	if (!strncmp(o, "context-secrets=", 16)) {
		if (strcmp(o + 16, "include") && strcmp(o + 16, "exclude"))
			return nerr_set(e, EINVAL,
			                "mount %s: option \"%s\": expected include or exclude",
			                m->destination, o);
		pl->context_secrets = !strcmp(o + 16, "include");
		return 1;
	}
	if (!strncmp(o, "context-size=", 13))
		return parse_count(m, o, o + 13, &pl->context_size, true, e) ?: 1;
	if (!strncmp(o, "context-depth=", 14))
		return parse_count(m, o, o + 14, &pl->context_depth, false, e) ?: 1;
	if (!strncmp(o, "context-files=", 14))
		return parse_count(m, o, o + 14, &pl->context_files, false, e) ?: 1;
	return 0;
}

static bool plan_extension(const char *o, struct mount_plan *pl)
{
	static const struct {
		const char *name;
		size_t off;
	} bools[] = {
	    {"bind", offsetof(struct mount_plan, bind)},
	    {"idmap", offsetof(struct mount_plan, idmap)},
	    {"ridmap", offsetof(struct mount_plan, ridmap)},
	    {"tmpcopyup", offsetof(struct mount_plan, tmpcopyup)},
	    {"copy-symlink", offsetof(struct mount_plan, copy_symlink)},
	};
	if (!strcmp(o, "rbind")) {
		pl->bind = pl->rbind = true;
		return true;
	}
	/* idmap=uids=0-1000-10#...;gids=... carries the mapping (Podman's form). */
	if (!strncmp(o, "idmap=", 6) || !strncmp(o, "ridmap=", 7)) {
		*(o[0] == 'r' ? &pl->ridmap : &pl->idmap) = true;
		pl->idmap_spec = strchr(o, '=') + 1;
		return true;
	}
	for (size_t j = 0; j < ARRAY_SIZE(bools); j++) {
		if (!strcmp(o, bools[j].name)) {
			*(bool *)((char *)pl + bools[j].off) = true;
			return true;
		}
	}
	return false;
}

static void plan_data(const struct oci_mount *m, const char *o, struct mount_plan *pl)
{
	size_t dlen = strlen(pl->data);
	if (pl->bind) {
		log_debug("mount %s: option \"%s\" ignored on a bind mount", m->destination, o);
		return;
	}
	snprintf(pl->data + dlen, sizeof pl->data - dlen, "%s%s", dlen ? "," : "", o);
}

int mount_opts_plan(const struct oci_mount *m, struct mount_plan *pl, struct nerr *e)
{
	memset(pl, 0, sizeof *pl);
	pl->bind = m->type && !strcmp(m->type, "bind");
	/* A bind is a bind whatever its position in the list. */
	for (size_t i = 0; i < m->options.len; i++)
		if (!strcmp(m->options.items[i], "bind") || !strcmp(m->options.items[i], "rbind"))
			pl->bind = true;
	for (size_t i = 0; i < m->options.len; i++) {
		const char *o = m->options.items[i];
		int r;
		if (plan_flag(o, pl) || plan_recursive(o, pl) || plan_extension(o, pl))
			continue;
		r = plan_context(m, o, pl, e);
		if (r < 0)
			return r;
		if (r == 0)
			plan_data(m, o, pl);
	}
	if ((pl->idmap || pl->ridmap) && !pl->bind)
		return nerr_set(e, EINVAL, "mount %s: idmap is only supported on bind mounts",
		                m->destination);
	if (pl->context && !pl->bind)
		return nerr_set(
		    e, EINVAL, "mount %s: context=%s needs a bind mount (type \"bind\")",
		    m->destination, pl->context == MOUNT_CONTEXT_BIND ? "bind" : "copy");
	if (pl->context && (pl->idmap || pl->ridmap))
		return nerr_set(e, EINVAL, "mount %s: context= cannot be combined with idmap",
		                m->destination);
	return 0;
}
