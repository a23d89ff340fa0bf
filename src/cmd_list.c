/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nucleus-oci list [--format table|json] [-q] */
#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>

#include "commands.h"
#include "lifecycle.h"
#include "util.h"

enum { O_FORMAT, O_QUIET };

struct list_opts {
	bool json;
	bool quiet;
};

static int opt_cb(void *ctx, int id, const char *arg, struct nerr *e)
{
	struct list_opts *o = ctx;
	if (id == O_QUIET) {
		o->quiet = true;
	} else if (id == O_FORMAT) {
		if (!strcmp(arg, "json"))
			o->json = true;
		else if (strcmp(arg, "table"))
			return nerr_set(e, EINVAL, "invalid format \"%s\": expected table or json",
			                arg);
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The owner as runc shows it: the user owning the container's state
 * directory, by name, or "#UID" when it has none. */
static const char *container_owner(int root_fd, const struct container *c, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char pwbuf[1024];
	struct stat st;

	if (c->state->owner && *c->state->owner)
		return c->state->owner;
	if (root_fd < 0 || fstatat(root_fd, c->id, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return "";
	if (getpwuid_r(st.st_uid, &pw, pwbuf, sizeof pwbuf, &res) == 0 && res)
		snprintf(buf, size, "%s", res->pw_name);
	else
		snprintf(buf, size, "#%u", (unsigned)st.st_uid);
	return buf;
}

#define GEN_STR(gen, s) yajl_gen_string(gen, (const unsigned char *)(s), strlen(s))

int cmd_list(struct globals *g, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    {"format", 'f', true, O_FORMAT, "table or json"},
	    {"quiet", 'q', false, O_QUIET, "print only the IDs"},
	    {NULL, 0, false, 0, NULL},
	};
	struct list_opts o = {0};
	struct nerr e = {0};
	char **names = NULL;
	size_t n = 0, cap = 0;
	yajl_gen gen = NULL;
	_cleanup_close_ int root_fd = -1;
	struct dirent *de;
	DIR *d;
	bool help;
	int first = cli_parse(argc - 1, argv + 1, opts, opt_cb, &o, &help, &e);
	if (help) {
		cli_print_help("list [options]", "List the containers under --root.", opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	if (first + 1 < argc) {
		nerr_set(&e, EINVAL, "list: takes no arguments (got \"%s\")", argv[first + 1]);
		return command_fail(&e);
	}
	d = opendir(g->root);
	if (d) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				names = realloc(names, cap * sizeof *names);
				if (!names)
					abort();
			}
			names[n++] = xstrdup(de->d_name);
		}
		closedir(d);
	}
	root_fd = open(g->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	if (o.json) {
		gen = yajl_gen_alloc(NULL);
		yajl_gen_array_open(gen);
	} else if (!o.quiet) {
		printf("%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	}
	for (size_t i = 0; i < n; i++) {
		struct container c;
		struct nerr ignored;
		const char *status, *owner;
		char owner_buf[256];
		if (lifecycle_open(g->root, names[i], false, &c, &ignored) < 0)
			continue;
		if (!c.state) {
			lifecycle_close(&c);
			continue;
		}
		status = lifecycle_status(&c);
		owner = container_owner(root_fd, &c, owner_buf, sizeof owner_buf);
		if (o.quiet && !o.json) {
			printf("%s\n", c.id);
		} else if (o.json) {
			yajl_gen_map_open(gen);
			GEN_STR(gen, "ociVersion");
			GEN_STR(gen,
			        c.state->oci_version ? c.state->oci_version : OCI_SPEC_VERSION);
			GEN_STR(gen, "id");
			GEN_STR(gen, c.id);
			GEN_STR(gen, "pid");
			yajl_gen_integer(gen, strcmp(status, "stopped") ? c.state->pid : 0);
			GEN_STR(gen, "status");
			GEN_STR(gen, status);
			GEN_STR(gen, "bundle");
			GEN_STR(gen, c.state->bundle ? c.state->bundle : "");
			GEN_STR(gen, "rootfs");
			GEN_STR(gen, c.state->rootfs ? c.state->rootfs : "");
			GEN_STR(gen, "created");
			GEN_STR(gen, c.state->created ? c.state->created : "");
			GEN_STR(gen, "owner");
			GEN_STR(gen, owner);
			yajl_gen_map_close(gen);
		} else {
			printf("%-20s %-8d %-10s %-40s %-30s %s\n", c.id,
			       strcmp(status, "stopped") ? c.state->pid : 0, status,
			       c.state->bundle ? c.state->bundle : "",
			       c.state->created ? c.state->created : "", owner);
		}
		lifecycle_close(&c);
	}
	if (o.json) {
		const unsigned char *buf;
		size_t len;
		yajl_gen_array_close(gen);
		yajl_gen_get_buf(gen, &buf, &len);
		fwrite(buf, 1, len, stdout);
		putchar('\n');
		yajl_gen_free(gen);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 0;
}
