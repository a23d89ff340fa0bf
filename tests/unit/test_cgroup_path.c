/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests (TAP) for the systemd driver's cgroupsPath ("slice:prefix:name"). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_systemd.h"

static int test_count, test_failed;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	test_count++;
	if (!cond)
		test_failed++;
	printf("%sok %d - ", cond ? "" : "not ", test_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* want: the cgroup path, or NULL for an error whose message contains err. */
static void path_is(const char *in, const char *want, const char *err)
{
	struct nerr e = {0};
	char *out = NULL;
	int r = cg_systemd_path(in, "c1", &out, &e);

	if (want)
		ok(r == 0 && out && !strcmp(out, want), "\"%s\" -> %s (got %s%s)",
		   in ? in : "(null)", want, out ? out : "error: ", out ? "" : e.msg);
	else
		ok(r < 0 && !out && strstr(e.msg, err) && strstr(e.msg, "linux.cgroupsPath"),
		   "\"%s\" is refused naming the field: %s", in, e.msg);
	free(out);
}

int main(void)
{
	path_is(NULL, "/system.slice/nucleus-oci-c1.scope", NULL);
	path_is("", "/system.slice/nucleus-oci-c1.scope", NULL);
	path_is("system.slice:docker:abc", "/system.slice/docker-abc.scope", NULL);
	path_is(":nci:x", "/system.slice/nci-x.scope", NULL);
	path_is("a-b.slice:p:n", "/a.slice/a-b.slice/p-n.scope", NULL);
	path_is("kubepods-burstable-pod1.slice:cri-containerd:id",
	        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
	        "cri-containerd-id.scope",
	        NULL);
	path_is("user.slice::n", "/user.slice/n.scope", NULL);
	path_is("-.slice:p:n", "/p-n.scope", NULL);
	path_is("/a/b", NULL, "slice:prefix:name");
	path_is("a:b", NULL, "slice:prefix:name");
	path_is("a:b:c:d", NULL, "slice:prefix:name");
	path_is("system:p:n", NULL, "not a slice name");
	path_is("a--b.slice:p:n", NULL, "not a slice name");
	path_is("-a.slice:p:n", NULL, "not a slice name");
	path_is("a-.slice:p:n", NULL, "not a slice name");
	path_is("a/b.slice:p:n", NULL, "not a slice name");
	path_is("system.slice:p:", NULL, "name must be non-empty");
	path_is("system.slice:p:a/b", NULL, "\"/\"");
	path_is("system.slice:p/q:n", NULL, "\"/\"");
	path_is("system.slice:p:x.slice", NULL, "slice of its own");
	printf("1..%d\n", test_count);
	return test_failed ? 1 : 0;
}
