/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runtime-spec Process object: user, args, capabilities, rlimits,
 * scheduler, I/O priority, CPU affinity and the landlock extension.  Shared
 * by config.json ("process") and `exec --process FILE`.
 */
#include <errno.h>
#include <string.h>

#include "json.h"

static int parse_console_size(struct spec_ctx *c, yajl_val v, struct oci_box *box)
{
	int r;

	if ((r = spec_require(c, v, "height")) < 0 || (r = spec_require(c, v, "width")) < 0)
		return r;
	if ((r = spec_get_u32(c, v, "height", &box->height, NULL)) < 0 ||
	    (r = spec_get_u32(c, v, "width", &box->width, NULL)) < 0)
		return r;
	box->present = true;
	return 0;
}

static int parse_additional_gids(struct spec_ctx *c, yajl_val obj, struct oci_user *u)
{
	size_t i, mark;
	yajl_val arr;
	int r;

	r = spec_get_array(c, obj, "additionalGids", &arr);
	if (r < 0 || !arr)
		return r;
	r = spec_alloc_array(arr->u.array.len, sizeof(uint32_t), (void **)&u->additional_gids);
	if (r < 0)
		return r;
	u->n_additional_gids = arr->u.array.len;
	mark = spec_path_push_key(c, "additionalGids");
	for (i = 0; i < arr->u.array.len; i++) {
		size_t imark = spec_path_push_index(c, i);
		uint64_t gid;

		r = spec_val_u64(c, arr->u.array.values[i], 0, UINT32_MAX, &gid);
		if (r < 0)
			return r;
		u->additional_gids[i] = (uint32_t)gid;
		spec_path_pop(c, imark);
	}
	spec_path_pop(c, mark);
	return 0;
}

static int parse_user(struct spec_ctx *c, yajl_val v, struct oci_user *u)
{
	int r;

	if ((r = spec_get_u32(c, v, "uid", &u->uid, NULL)) < 0 ||
	    (r = spec_get_u32(c, v, "gid", &u->gid, NULL)) < 0 ||
	    (r = spec_get_u32(c, v, "umask", &u->umask, &u->has_umask)) < 0 ||
	    (r = parse_additional_gids(c, v, u)) < 0 ||
	    (r = spec_get_string(c, v, "username", &u->username)) < 0)
		return r;
	return 0;
}

static int parse_capabilities(struct spec_ctx *c, yajl_val v, struct oci_capabilities *caps)
{
	int r;

	if ((r = spec_get_strv(c, v, "bounding", &caps->bounding)) < 0 ||
	    (r = spec_get_strv(c, v, "effective", &caps->effective)) < 0 ||
	    (r = spec_get_strv(c, v, "inheritable", &caps->inheritable)) < 0 ||
	    (r = spec_get_strv(c, v, "permitted", &caps->permitted)) < 0 ||
	    (r = spec_get_strv(c, v, "ambient", &caps->ambient)) < 0)
		return r;
	caps->present = true;
	return 0;
}

static int parse_rlimit(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_rlimit *rl = item;
	int64_t res;
	int r;

	if ((r = spec_require(c, v, "type")) < 0 || (r = spec_require(c, v, "soft")) < 0 ||
	    (r = spec_require(c, v, "hard")) < 0)
		return r;
	if ((r = spec_get_name(c, v, "type", spec_rlimit_names, &res, NULL)) < 0 ||
	    (r = spec_get_string(c, v, "type", &rl->type)) < 0 ||
	    (r = spec_get_u64(c, v, "soft", 0, UINT64_MAX, &rl->soft, NULL)) < 0 ||
	    (r = spec_get_u64(c, v, "hard", 0, UINT64_MAX, &rl->hard, NULL)) < 0)
		return r;
	rl->resource = (int)res;
	return 0;
}

static int parse_rlimits(struct spec_ctx *c, yajl_val v, struct oci_process *p)
{
	size_t i, j, mark;
	int r;

	r = spec_get_object_array(c, v, "rlimits", sizeof(struct oci_rlimit), parse_rlimit,
	                          (void **)&p->rlimits, &p->n_rlimits);
	if (r < 0)
		return r;
	for (i = 0; i < p->n_rlimits; i++) {
		for (j = 0; j < i; j++) {
			if (p->rlimits[i].resource != p->rlimits[j].resource)
				continue;
			mark = spec_path_push_key(c, "rlimits");
			spec_path_push_index(c, i);
			r = spec_fail_at(c, "type", "duplicate rlimit \"%s\"", p->rlimits[i].type);
			spec_path_pop(c, mark);
			return r;
		}
	}
	return 0;
}

/* A list of names from `table` (or raw numbers for rights newer than us)
 * OR-ed into one mask. */
static int parse_mask(struct spec_ctx *c, yajl_val obj, const char *key,
                      const struct spec_name *table, uint64_t *mask)
{
	size_t i, mark, imark;
	yajl_val arr;
	int r;

	r = spec_get_array(c, obj, key, &arr);
	if (r < 0 || !arr)
		return r;
	mark = spec_path_push_key(c, key);
	for (i = 0; i < arr->u.array.len; i++) {
		yajl_val e = arr->u.array.values[i];
		int64_t bit;
		uint64_t raw;

		imark = spec_path_push_index(c, i);
		if (YAJL_IS_NUMBER(e)) {
			r = spec_val_u64(c, e, 0, UINT64_MAX, &raw);
			bit = (int64_t)raw;
		} else {
			r = spec_val_name(c, e, table, &bit);
		}
		if (r < 0)
			return r;
		*mask |= (uint64_t)bit;
		spec_path_pop(c, imark);
	}
	spec_path_pop(c, mark);
	return 0;
}

static int parse_landlock_path_rule(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_landlock_path_rule *rule = item;
	int r;

	if ((r = spec_require(c, v, "allowedAccess")) < 0 || (r = spec_require(c, v, "paths")) < 0)
		return r;
	if ((r = parse_mask(c, v, "allowedAccess", spec_landlock_fs_names, &rule->allowed_access)) <
	        0 ||
	    (r = spec_get_strv(c, v, "paths", &rule->paths)) < 0)
		return r;
	return 0;
}

static int parse_landlock_port_rule(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_landlock_port_rule *rule = item;
	size_t i, mark;
	yajl_val arr;
	int r;

	if ((r = spec_require(c, v, "allowedAccess")) < 0 || (r = spec_require(c, v, "ports")) < 0)
		return r;
	r = parse_mask(c, v, "allowedAccess", spec_landlock_net_names, &rule->allowed_access);
	if (r < 0)
		return r;
	r = spec_get_array(c, v, "ports", &arr);
	if (r < 0)
		return r;
	r = spec_alloc_array(arr->u.array.len, sizeof(uint64_t), (void **)&rule->ports);
	if (r < 0)
		return r;
	rule->n_ports = arr->u.array.len;
	mark = spec_path_push_key(c, "ports");
	for (i = 0; i < arr->u.array.len; i++) {
		size_t imark = spec_path_push_index(c, i);

		r = spec_val_u64(c, arr->u.array.values[i], 0, 65535, &rule->ports[i]);
		if (r < 0)
			return r;
		spec_path_pop(c, imark);
	}
	spec_path_pop(c, mark);
	return 0;
}

static int parse_landlock(struct spec_ctx *c, yajl_val v, struct oci_landlock *ll)
{
	yajl_val ruleset, rules;
	size_t mark;
	int r;

	if ((r = spec_get_object(c, v, "ruleset", &ruleset)) < 0 ||
	    (r = spec_get_object(c, v, "rules", &rules)) < 0 ||
	    (r = spec_get_bool(c, v, "disableBestEffort", &ll->disable_best_effort, NULL)) < 0)
		return r;
	if (ruleset) {
		mark = spec_path_push_key(c, "ruleset");
		if ((r = parse_mask(c, ruleset, "handledAccessFS", spec_landlock_fs_names,
		                    &ll->handled_access_fs)) < 0 ||
		    (r = parse_mask(c, ruleset, "handledAccessNetwork", spec_landlock_net_names,
		                    &ll->handled_access_net)) < 0)
			return r;
		spec_path_pop(c, mark);
	}
	if (rules) {
		mark = spec_path_push_key(c, "rules");
		if ((r = spec_get_object_array(c, rules, "pathBeneath",
		                               sizeof(struct oci_landlock_path_rule),
		                               parse_landlock_path_rule, (void **)&ll->path_beneath,
		                               &ll->n_path_beneath)) < 0 ||
		    (r = spec_get_object_array(
		         c, rules, "netPort", sizeof(struct oci_landlock_port_rule),
		         parse_landlock_port_rule, (void **)&ll->net_port, &ll->n_net_port)) < 0)
			return r;
		spec_path_pop(c, mark);
	}
	ll->present = true;
	return 0;
}

static int parse_scheduler(struct spec_ctx *c, yajl_val v, struct oci_scheduler *s)
{
	int64_t policy;
	uint64_t flags = 0;
	int r;

	if ((r = spec_require(c, v, "policy")) < 0 ||
	    (r = spec_get_name(c, v, "policy", spec_sched_policy_names, &policy, NULL)) < 0 ||
	    (r = spec_get_string(c, v, "policy", &s->policy)) < 0 ||
	    (r = spec_get_i32(c, v, "nice", &s->nice, &s->has_nice)) < 0 ||
	    (r = spec_get_i32(c, v, "priority", &s->priority, &s->has_priority)) < 0 ||
	    (r = spec_get_strv(c, v, "flags", &s->flags)) < 0 ||
	    (r = parse_mask(c, v, "flags", spec_sched_flag_names, &flags)) < 0 ||
	    (r = spec_get_u64(c, v, "runtime", 0, UINT64_MAX, &s->runtime, NULL)) < 0 ||
	    (r = spec_get_u64(c, v, "deadline", 0, UINT64_MAX, &s->deadline, NULL)) < 0 ||
	    (r = spec_get_u64(c, v, "period", 0, UINT64_MAX, &s->period, NULL)) < 0)
		return r;
	s->policy_value = (int)policy;
	s->flags_value = flags;
	s->present = true;
	return 0;
}

static int parse_io_priority(struct spec_ctx *c, yajl_val v, struct oci_io_priority *io)
{
	int64_t klass, prio = 0;
	int r;

	if ((r = spec_require(c, v, "class")) < 0 || (r = spec_require(c, v, "priority")) < 0 ||
	    (r = spec_get_name(c, v, "class", spec_ioprio_class_names, &klass, NULL)) < 0 ||
	    (r = spec_get_string(c, v, "class", &io->klass)) < 0 ||
	    (r = spec_get_i64(c, v, "priority", 0, 7, &prio, NULL)) < 0)
		return r;
	io->klass_value = (int)klass;
	io->priority = (int32_t)prio;
	io->present = true;
	return 0;
}

static int parse_cpu_affinity(struct spec_ctx *c, yajl_val v, struct oci_cpu_affinity *a)
{
	int r;

	if ((r = spec_get_string(c, v, "initial", &a->initial)) < 0 ||
	    (r = spec_get_string(c, v, "final", &a->final)) < 0)
		return r;
	return 0;
}

static int parse_args(struct spec_ctx *c, yajl_val v, struct oci_process *p)
{
	int r;

	/* On Linux args is required; commandLine is for Windows only. */
	if ((r = spec_require(c, v, "args")) < 0 || (r = spec_get_strv(c, v, "args", &p->args)) < 0)
		return r;
	if (p->args.len == 0)
		return spec_fail_at(c, "args", "must not be empty");
	if (p->args.items[0][0] == '\0')
		return spec_fail_at(c, "args[0]", "must not be empty");
	return 0;
}

int spec_parse_process(struct spec_ctx *c, yajl_val v, struct oci_process *p)
{
	int64_t oom;
	int r;

	if ((r = spec_get_bool(c, v, "terminal", &p->terminal, NULL)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "consoleSize", parse_console_size, &p->console_size)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "user", parse_user, &p->user)) < 0 ||
	    (r = parse_args(c, v, p)) < 0 ||
	    (r = spec_get_string(c, v, "commandLine", &p->command_line)) < 0 ||
	    (r = spec_get_strv(c, v, "env", &p->env)) < 0 || (r = spec_require(c, v, "cwd")) < 0 ||
	    (r = spec_get_abs_path(c, v, "cwd", &p->cwd)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "capabilities", parse_capabilities, &p->capabilities)) < 0 ||
	    (r = parse_rlimits(c, v, p)) < 0 ||
	    (r = spec_get_bool(c, v, "noNewPrivileges", &p->no_new_privileges, NULL)) < 0 ||
	    (r = spec_get_i64(c, v, "oomScoreAdj", -1000, 1000, &oom, &p->has_oom_score_adj)) < 0 ||
	    (r = spec_get_string(c, v, "apparmorProfile", &p->apparmor_profile)) < 0 ||
	    (r = spec_get_string(c, v, "selinuxLabel", &p->selinux_label)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "scheduler", parse_scheduler, &p->scheduler)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "ioPriority", parse_io_priority, &p->io_priority)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "execCPUAffinity", parse_cpu_affinity,
	                        &p->exec_cpu_affinity)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "landlock", parse_landlock, &p->landlock)) < 0)
		return r;
	if (p->has_oom_score_adj)
		p->oom_score_adj = (int)oom;
	return 0;
}

void spec_process_clear(struct oci_process *p)
{
	size_t i;

	if (!p)
		return;
	free(p->user.additional_gids);
	free(p->user.username);
	spec_strv_clear(&p->args);
	free(p->command_line);
	spec_strv_clear(&p->env);
	free(p->cwd);
	spec_strv_clear(&p->capabilities.bounding);
	spec_strv_clear(&p->capabilities.effective);
	spec_strv_clear(&p->capabilities.inheritable);
	spec_strv_clear(&p->capabilities.permitted);
	spec_strv_clear(&p->capabilities.ambient);
	for (i = 0; i < p->n_rlimits && p->rlimits; i++)
		free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p->scheduler.policy);
	spec_strv_clear(&p->scheduler.flags);
	free(p->io_priority.klass);
	free(p->exec_cpu_affinity.initial);
	free(p->exec_cpu_affinity.final);
	for (i = 0; i < p->landlock.n_path_beneath && p->landlock.path_beneath; i++)
		spec_strv_clear(&p->landlock.path_beneath[i].paths);
	free(p->landlock.path_beneath);
	for (i = 0; i < p->landlock.n_net_port && p->landlock.net_port; i++)
		free(p->landlock.net_port[i].ports);
	free(p->landlock.net_port);
	memset(p, 0, sizeof(*p));
}

void oci_process_free(struct oci_process *p)
{
	spec_process_clear(p);
	free(p);
}

static int fill_process(struct spec_ctx *c, yajl_val v, void *obj)
{
	return spec_parse_process(c, v, obj);
}

static void release_process(void *obj)
{
	oci_process_free(obj);
}

int oci_process_parse(const char *json, size_t len, const char *name, struct oci_process **out,
                      struct spec_error *err)
{
	void *obj;
	int r = spec_parse_doc(json, len, name, err, sizeof(struct oci_process), fill_process,
	                       release_process, &obj);

	*out = obj;
	return r;
}
