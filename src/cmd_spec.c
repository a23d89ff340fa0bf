/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nucleus-oci spec [--bundle DIR] [--rootless] [--seccomp]: write a default config.json. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "util.h"

enum { O_BUNDLE, O_ROOTLESS, O_SECCOMP };

struct spec_opts {
	const char *bundle;
	bool rootless;
	bool seccomp;
};

/* contrib/seccomp/default.json */
static const char seccomp_default[] =
#include "seccomp_default.inc"
    ;

static int opt_cb(void *ctx, int id, const char *arg, struct nerr *e)
{
	struct spec_opts *o = ctx;
	if (id == O_BUNDLE)
		o->bundle = arg;
	else if (id == O_ROOTLESS)
		o->rootless = true;
	else if (id == O_SECCOMP)
		o->seccomp = true;
	return 0;
}

static const char caps[] = "[\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]";

static const char masked[] =
    "\t\t\"maskedPaths\": [\n"
    "\t\t\t\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\",\n"
    "\t\t\t\"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\",\n"
    "\t\t\t\"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"\n"
    "\t\t],\n"
    "\t\t\"readonlyPaths\": [\n"
    "\t\t\t\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"\n"
    "\t\t]\n";

static char *default_spec(bool rootless, bool seccomp)
{
	char *sys_mount, *linux_part, *out;
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (rootless)
		sys_mount = xstrdup(
		    "\t\t{\"destination\": \"/sys\", \"type\": \"none\", \"source\": \"/sys\",\n"
		    "\t\t \"options\": [\"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\"]}\n");
	else
		sys_mount = xstrdup(
		    "\t\t{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
		    "\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},\n"
		    "\t\t{\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": "
		    "\"cgroup\",\n"
		    "\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", "
		    "\"ro\"]}\n");
	if (rootless)
		linux_part = xasprintf(
		    "\t\t\"uidMappings\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],\n"
		    "\t\t\"gidMappings\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],\n"
		    "\t\t\"namespaces\": [\n"
		    "\t\t\t{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"},\n"
		    "\t\t\t{\"type\": \"mount\"}, {\"type\": \"cgroup\"}, {\"type\": \"user\"}\n"
		    "\t\t],\n",
		    (unsigned)uid, (unsigned)gid);
	else
		linux_part = xstrdup(
		    "\t\t\"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},\n"
		    "\t\t\"namespaces\": [\n"
		    "\t\t\t{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},\n"
		    "\t\t\t{\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}\n"
		    "\t\t],\n");
	out = xasprintf(
	    "{\n"
	    "\t\"ociVersion\": \"1.3.0\",\n"
	    "\t\"process\": {\n"
	    "\t\t\"terminal\": true,\n"
	    "\t\t\"user\": {\"uid\": 0, \"gid\": 0},\n"
	    "\t\t\"args\": [\"sh\"],\n"
	    "\t\t\"env\": [\n"
	    "\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
	    "\t\t\t\"TERM=xterm\"\n"
	    "\t\t],\n"
	    "\t\t\"cwd\": \"/\",\n"
	    "\t\t\"capabilities\": {\n"
	    "\t\t\t\"bounding\": %s,\n"
	    "\t\t\t\"effective\": %s,\n"
	    "\t\t\t\"permitted\": %s\n"
	    "\t\t},\n"
	    "\t\t\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],\n"
	    "\t\t\"noNewPrivileges\": true\n"
	    "\t},\n"
	    "\t\"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
	    "\t\"hostname\": \"nucleus\",\n"
	    "\t\"mounts\": [\n"
	    "\t\t{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
	    "\t\t{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
	    "\t\t \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
	    "\t\t{\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
	    "\t\t \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", "
	    "\"mode=0620\"%s]},\n"
	    "\t\t{\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
	    "\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", "
	    "\"size=65536k\"]},\n"
	    "\t\t{\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
	    "\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},\n"
	    "%s"
	    "\t],\n"
	    "\t\"linux\": {\n"
	    "%s"
	    "%s"
	    "\t}\n"
	    "}\n",
	    caps, caps, caps, rootless ? "" : ", \"gid=5\"", sys_mount, linux_part, masked);
	if (seccomp) {
		/* linux is the last member: the profile goes in before its closing brace. */
		char *end = strrchr(out, '}'), *with;
		while (end > out && *--end != '}')
			;
		*end = '\0';
		with = xasprintf("%s\t\t,\"seccomp\": %.*s\n\t}\n}\n", out,
		                 (int)(strlen(seccomp_default) - 1), seccomp_default);
		free(out);
		out = with;
	}
	free(sys_mount);
	free(linux_part);
	return out;
}

int cmd_spec(struct globals *g, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    {"bundle", 'b', true, O_BUNDLE, "write config.json in this directory"},
	    {"rootless", 0, false, O_ROOTLESS, "a config for a container run without root"},
	    {"seccomp", 0, false, O_SECCOMP,
	     "include the default seccomp profile (contrib/seccomp/default.json)"},
	    {NULL, 0, false, 0, NULL},
	};
	struct spec_opts o = {0};
	_cleanup_free_ char *json = NULL;
	_cleanup_close_ int dfd = -1, fd = -1;
	struct nerr e = {0};
	bool help;
	int first = cli_parse(argc - 1, argv + 1, opts, opt_cb, &o, &help, &e);
	if (help) {
		cli_print_help("spec [--bundle DIR] [--rootless] [--seccomp]",
		               "Write a default config.json.", opts);
		return 0;
	}
	if (first < 0)
		return command_fail(&e);
	dfd = open(o.bundle ? o.bundle : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		nerr_sys(&e, errno, "bundle \"%s\"", o.bundle ? o.bundle : ".");
		return command_fail(&e);
	}
	fd = openat(dfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			nerr_set(&e, EEXIST, "File config.json exists. Remove it first");
		else
			nerr_sys(&e, errno, "create config.json");
		return command_fail(&e);
	}
	json = default_spec(o.rootless, o.seccomp);
	if (write_all(fd, json, strlen(json)) < 0) {
		nerr_sys(&e, errno, "write config.json");
		return command_fail(&e);
	}
	return 0;
}
