/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json as a whole: ociVersion, root, mounts, hostname, hooks,
 * annotations, and the process and linux sections (parsed in process.c and
 * linux.c).
 */
#include <errno.h>
#include <string.h>

#include "json.h"

static int parse_root(struct spec_ctx *c, yajl_val v, struct oci_root *root)
{
	int r;

	if ((r = spec_require(c, v, "path")) < 0 ||
	    (r = spec_get_string(c, v, "path", &root->path)) < 0 ||
	    (r = spec_get_bool(c, v, "readonly", &root->readonly, NULL)) < 0)
		return r;
	if (root->path[0] == '\0')
		return spec_fail_at(c, "path", "must not be empty");
	return 0;
}

static int parse_mount(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_mount *m = item;
	int r;

	/* A destination may hold ".." components: it is resolved inside the
	 * rootfs, never above it. */
	if ((r = spec_require(c, v, "destination")) < 0 ||
	    (r = spec_get_abs_path(c, v, "destination", &m->destination)) < 0 ||
	    (r = spec_get_string(c, v, "type", &m->type)) < 0 ||
	    (r = spec_get_string(c, v, "source", &m->source)) < 0 ||
	    (r = spec_get_strv(c, v, "options", &m->options)) < 0 ||
	    (r = spec_get_object_array(c, v, "uidMappings", sizeof(struct oci_id_mapping),
	                               spec_parse_id_mapping, (void **)&m->uid_mappings,
	                               &m->n_uid_mappings)) < 0 ||
	    (r = spec_get_object_array(c, v, "gidMappings", sizeof(struct oci_id_mapping),
	                               spec_parse_id_mapping, (void **)&m->gid_mappings,
	                               &m->n_gid_mappings)) < 0)
		return r;
	return 0;
}

static int parse_hook(struct spec_ctx *c, const char *key, yajl_val v, void *item)
{
	struct oci_hook *h = item;
	int64_t timeout;
	int r;

	if ((r = spec_require(c, v, "path")) < 0 ||
	    (r = spec_get_abs_path(c, v, "path", &h->path)) < 0 ||
	    (r = spec_get_strv(c, v, "args", &h->args)) < 0 ||
	    (r = spec_get_strv(c, v, "env", &h->env)) < 0 ||
	    (r = spec_get_i64(c, v, "timeout", 1, INT32_MAX, &timeout, &h->has_timeout)) < 0)
		return r;
	if (h->has_timeout)
		h->timeout = (int)timeout;
	return 0;
}

static int parse_hook_list(struct spec_ctx *c, yajl_val v, const char *key, struct oci_hook_list *l)
{
	return spec_get_object_array(c, v, key, sizeof(struct oci_hook), parse_hook,
	                             (void **)&l->items, &l->len);
}

static int parse_hooks(struct spec_ctx *c, yajl_val v, struct oci_hooks *h)
{
	int r;

	if ((r = parse_hook_list(c, v, "prestart", &h->prestart)) < 0 ||
	    (r = parse_hook_list(c, v, "createRuntime", &h->create_runtime)) < 0 ||
	    (r = parse_hook_list(c, v, "createContainer", &h->create_container)) < 0 ||
	    (r = parse_hook_list(c, v, "startContainer", &h->start_container)) < 0 ||
	    (r = parse_hook_list(c, v, "poststart", &h->poststart)) < 0 ||
	    (r = parse_hook_list(c, v, "poststop", &h->poststop)) < 0)
		return r;
	return 0;
}

static int parse_process_section(struct spec_ctx *c, yajl_val v, struct oci_config *cfg)
{
	cfg->process = calloc(1, sizeof(*cfg->process));
	if (!cfg->process)
		return -ENOMEM;
	return spec_parse_process(c, v, cfg->process);
}

static int parse_config(struct spec_ctx *c, yajl_val v, struct oci_config *cfg)
{
	int r;

	if ((r = spec_require(c, v, "ociVersion")) < 0 ||
	    (r = spec_get_string(c, v, "ociVersion", &cfg->oci_version)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "root", parse_root, &cfg->root)) < 0 ||
	    (r = spec_get_object_array(c, v, "mounts", sizeof(struct oci_mount), parse_mount,
	                               (void **)&cfg->mounts, &cfg->n_mounts)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "process", parse_process_section, cfg)) < 0 ||
	    (r = spec_get_string(c, v, "hostname", &cfg->hostname)) < 0 ||
	    (r = spec_get_string(c, v, "domainname", &cfg->domainname)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "hooks", parse_hooks, &cfg->hooks)) < 0 ||
	    (r = spec_get_kv(c, v, "annotations", &cfg->annotations)) < 0 ||
	    (r = SPEC_PARSE_SUB(c, v, "linux", spec_parse_linux, &cfg->linux_)) < 0)
		return r;
	if (cfg->oci_version[0] == '\0')
		return spec_fail_at(c, "ociVersion", "must not be empty");
	return 0;
}

static void hook_list_clear(struct oci_hook_list *l)
{
	size_t i;

	for (i = 0; i < l->len && l->items; i++) {
		free(l->items[i].path);
		spec_strv_clear(&l->items[i].args);
		spec_strv_clear(&l->items[i].env);
	}
	free(l->items);
}

const struct oci_namespace *oci_config_namespace(const struct oci_config *cfg, enum oci_ns_type t)
{
	for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
		if (cfg->linux_.namespaces[i].type == t)
			return &cfg->linux_.namespaces[i];
	return NULL;
}

void oci_config_free(struct oci_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	free(cfg->oci_version);
	oci_process_free(cfg->process);
	free(cfg->root.path);
	for (i = 0; i < cfg->n_mounts && cfg->mounts; i++) {
		free(cfg->mounts[i].destination);
		free(cfg->mounts[i].type);
		free(cfg->mounts[i].source);
		spec_strv_clear(&cfg->mounts[i].options);
		free(cfg->mounts[i].uid_mappings);
		free(cfg->mounts[i].gid_mappings);
	}
	free(cfg->mounts);
	free(cfg->hostname);
	free(cfg->domainname);
	hook_list_clear(&cfg->hooks.prestart);
	hook_list_clear(&cfg->hooks.create_runtime);
	hook_list_clear(&cfg->hooks.create_container);
	hook_list_clear(&cfg->hooks.start_container);
	hook_list_clear(&cfg->hooks.poststart);
	hook_list_clear(&cfg->hooks.poststop);
	spec_kv_clear(&cfg->annotations);
	spec_linux_clear(&cfg->linux_);
	free(cfg);
}

static int fill_config(struct spec_ctx *c, yajl_val v, void *obj)
{
	return parse_config(c, v, obj);
}

static void release_config(void *obj)
{
	oci_config_free(obj);
}

int oci_config_parse(const char *json, size_t len, const char *name, struct oci_config **out,
                     struct spec_error *err)
{
	void *obj;
	int r = spec_parse_doc(json, len, name, err, sizeof(struct oci_config), fill_config,
	                       release_config, &obj);

	*out = obj;
	return r;
}
