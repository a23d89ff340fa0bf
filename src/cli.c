/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option parsing shaped like runc's: engines call us exactly as they call
 * runc, so both "--flag value" and "--flag=value" work, single-dash long
 * options ("-bundle") are accepted as urfave/cli does, and parsing stops at
 * the first positional argument.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const struct cli_opt *find_long(const struct cli_opt *opts, const char *name, size_t len)
{
	for (; opts->name; opts++)
		if (strlen(opts->name) == len && !strncmp(opts->name, name, len))
			return opts;
	return NULL;
}

static const struct cli_opt *find_short(const struct cli_opt *opts, char c)
{
	for (; opts->name; opts++)
		if (opts->short_name && opts->short_name == c)
			return opts;
	return NULL;
}

int cli_parse(int argc, char **argv, const struct cli_opt *opts, cli_opt_cb cb, void *ctx,
              bool *help, struct nerr *e)
{
	int i;
	*help = false;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *name, *eq, *val = NULL;
		const struct cli_opt *o;
		size_t len;
		int r;

		if (a[0] != '-' || a[1] == '\0')
			return i;
		if (!strcmp(a, "--"))
			return i + 1;
		if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-help")) {
			*help = true;
			return -ECANCELED;
		}
		name = a + 1 + (a[1] == '-');
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		o = find_long(opts, name, len);
		if (!o && len == 1 && a[1] != '-')
			o = find_short(opts, name[0]);
		if (!o)
			return nerr_set(e, EINVAL, "flag provided but not defined: %.*s",
			                (int)len + 1 + (a[1] == '-'), a);
		if (o->has_arg) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return nerr_set(e, EINVAL, "flag needs an argument: %s", a);
		} else if (eq) {
			/* --flag=true / --flag=false, as urfave/cli accepts */
			if (!strcmp(eq + 1, "false"))
				continue;
			if (strcmp(eq + 1, "true"))
				return nerr_set(e, EINVAL, "invalid boolean value \"%s\" for %s",
				                eq + 1, a);
		}
		r = cb(ctx, o->id, val, e);
		if (r < 0)
			return r;
	}
	return i;
}

const char *cli_format_flag(const struct cli_opt *o, const char *arg_name)
{
	static char flag[64];
	const char *arg = o->has_arg ? (arg_name ? arg_name : "VALUE") : NULL;

	if (o->short_name)
		snprintf(flag, sizeof flag, "-%c, --%s%s%s", o->short_name, o->name, arg ? " " : "",
		         arg ? arg : "");
	else
		snprintf(flag, sizeof flag, "    --%s%s%s", o->name, arg ? " " : "",
		         arg ? arg : "");
	return flag;
}

void cli_print_help(const char *usage, const char *description, const struct cli_opt *opts)
{
	printf("Usage: nucleus-oci %s\n\n%s\n\nOptions:\n", usage, description);
	for (; opts && opts->name; opts++)
		printf("  %-30s %s\n", cli_format_flag(opts, NULL), opts->help ? opts->help : "");
	printf("  %-30s %s\n", "-h, --help", "show this help");
}
