/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nucleus-oci checkpoint [options] ID and nucleus-oci restore [options] ID,
 * with runc's options.  restore waits for the restored container and
 * deletes it when it exits, unless --detach (as `run`).
 */
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>

#include "checkpoint.h"
#include "commands.h"
#include "container.h"
#include "process.h"

enum {
	O_IMAGE_PATH,
	O_WORK_PATH,
	O_PARENT_PATH,
	O_LEAVE_RUNNING,
	O_TCP_ESTABLISHED,
	O_EXT_UNIX_SK,
	O_SHELL_JOB,
	O_FILE_LOCKS,
	O_PRE_DUMP,
	O_MANAGE_CGROUPS_MODE,
	O_EMPTY_NS,
	O_AUTO_DEDUP,
	O_BUNDLE,
	O_DETACH,
	O_PID_FILE,
	O_CONSOLE_SOCKET,
	O_NO_PIVOT,
	O_NO_SUBREAPER,
};

static int common_opt(struct cr_common_opts *o, int id, const char *arg)
{
	switch (id) {
	case O_IMAGE_PATH:
		o->image_path = arg;
		return 1;
	case O_WORK_PATH:
		o->work_path = arg;
		return 1;
	case O_MANAGE_CGROUPS_MODE:
		o->manage_cgroups_mode = arg;
		return 1;
	case O_TCP_ESTABLISHED:
		o->tcp_established = true;
		return 1;
	case O_EXT_UNIX_SK:
		o->ext_unix_sk = true;
		return 1;
	case O_SHELL_JOB:
		o->shell_job = true;
		return 1;
	case O_FILE_LOCKS:
		o->file_locks = true;
		return 1;
	default:
		return 0;
	}
}

static const unsigned long ns_clone_flag[OCI_NS_COUNT] = {
    [OCI_NS_PID] = CLONE_NEWPID,       [OCI_NS_NETWORK] = CLONE_NEWNET,
    [OCI_NS_MOUNT] = CLONE_NEWNS,      [OCI_NS_IPC] = CLONE_NEWIPC,
    [OCI_NS_UTS] = CLONE_NEWUTS,       [OCI_NS_USER] = CLONE_NEWUSER,
    [OCI_NS_CGROUP] = CLONE_NEWCGROUP,
};

static int checkpoint_opt(void *ctx, int id, const char *arg, struct nerr *e)
{
	struct checkpoint_opts *o = ctx;
	int t;

	if (common_opt(&o->cr, id, arg))
		return 0;
	switch (id) {
	case O_PARENT_PATH:
		o->parent_path = arg;
		break;
	case O_LEAVE_RUNNING:
		o->leave_running = true;
		break;
	case O_PRE_DUMP:
		o->pre_dump = true;
		break;
	case O_AUTO_DEDUP:
		o->auto_dedup = true;
		break;
	case O_EMPTY_NS:
		t = oci_ns_type_from_name(arg);
		if (t < 0 || !ns_clone_flag[t])
			return nerr_set(e, EINVAL, "--empty-ns \"%s\": not a namespace type", arg);
		o->empty_ns |= (unsigned)ns_clone_flag[t];
		break;
	default:
		break;
	}
	return 0;
}

static int one_id(int argc, char **argv, int first, const char *cmd, struct nerr *e)
{
	if (argc - first != 1)
		return nerr_set(e, EINVAL, "%s: expected exactly one argument: the container ID",
		                cmd);
	return 0;
}

int cmd_checkpoint(struct globals *g, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    {"image-path", 0, true, O_IMAGE_PATH,
	     "where to write the images (default ./checkpoint)"},
	    {"work-path", 0, true, O_WORK_PATH, "where CRIU writes its log (default: image path)"},
	    {"parent-path", 0, true, O_PARENT_PATH, "a pre-dump, relative to the image path"},
	    {"leave-running", 0, false, O_LEAVE_RUNNING, "keep the container running afterwards"},
	    {"tcp-established", 0, false, O_TCP_ESTABLISHED, "dump established TCP connections"},
	    {"ext-unix-sk", 0, false, O_EXT_UNIX_SK, "allow external unix sockets"},
	    {"shell-job", 0, false, O_SHELL_JOB, "allow a shell job (a terminal of the caller)"},
	    {"file-locks", 0, false, O_FILE_LOCKS, "dump file locks"},
	    {"pre-dump", 0, false, O_PRE_DUMP, "dump memory only, leaving the container running"},
	    {"manage-cgroups-mode", 0, true, O_MANAGE_CGROUPS_MODE, "soft, full, strict or ignore"},
	    {"empty-ns", 0, true, O_EMPTY_NS, "a namespace whose properties are not dumped"},
	    {"auto-dedup", 0, false, O_AUTO_DEDUP, "deduplicate against the parent images"},
	    {NULL, 0, false, 0, NULL},
	};
	struct checkpoint_opts o = {0};
	struct container c;
	struct nerr e = {0};
	bool help;
	int first = cli_parse(argc - 1, argv + 1, opts, checkpoint_opt, &o, &help, &e);

	if (help) {
		cli_print_help("checkpoint [options] ID",
		               "Checkpoint a running container with CRIU; it is deleted afterwards "
		               "unless --leave-running or --pre-dump.",
		               opts);
		return 0;
	}
	if (first < 0 || one_id(argc, argv, first + 1, "checkpoint", &e) < 0 ||
	    checkpoint_check_built(&e) < 0)
		return command_fail(&e);
	if (lifecycle_open(g->root, argv[first + 1], true, &c, &e) < 0)
		return command_fail(&e);
	if (checkpoint_container(g, &c, &o, &e) < 0) {
		lifecycle_close(&c);
		return command_fail(&e);
	}
	lifecycle_close(&c);
	return 0;
}

static int restore_opt(void *ctx, int id, const char *arg, struct nerr *e)
{
	struct restore_opts *o = ctx;

	if (common_opt(&o->cr, id, arg))
		return 0;
	switch (id) {
	case O_BUNDLE:
		o->bundle = arg;
		break;
	case O_DETACH:
		o->detach = true;
		break;
	case O_PID_FILE:
		o->pid_file = arg;
		break;
	case O_CONSOLE_SOCKET:
		o->console_socket = arg;
		break;
	case O_NO_PIVOT:
		o->no_pivot = true;
		break;
	case O_NO_SUBREAPER:
		o->no_subreaper = true;
		break;
	default:
		break;
	}
	return 0;
}

int cmd_restore(struct globals *g, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    {"image-path", 0, true, O_IMAGE_PATH, "where the images are (default ./checkpoint)"},
	    {"work-path", 0, true, O_WORK_PATH, "where CRIU writes its log (default: image path)"},
	    {"bundle", 'b', true, O_BUNDLE, "the bundle (default: current directory)"},
	    {"detach", 'd', false, O_DETACH, "do not wait for the restored container"},
	    {"pid-file", 0, true, O_PID_FILE, "write the restored init's pid here"},
	    {"console-socket", 0, true, O_CONSOLE_SOCKET, "where to send the terminal's master"},
	    {"no-pivot", 0, false, O_NO_PIVOT, "accepted for compatibility"},
	    {"no-subreaper", 0, false, O_NO_SUBREAPER, "do not become the subreaper while waiting"},
	    {"tcp-established", 0, false, O_TCP_ESTABLISHED, "restore established TCP connections"},
	    {"ext-unix-sk", 0, false, O_EXT_UNIX_SK, "allow external unix sockets"},
	    {"shell-job", 0, false, O_SHELL_JOB, "allow a shell job (a terminal of the caller)"},
	    {"file-locks", 0, false, O_FILE_LOCKS, "restore file locks"},
	    {"manage-cgroups-mode", 0, true, O_MANAGE_CGROUPS_MODE, "soft, full, strict or ignore"},
	    {NULL, 0, false, 0, NULL},
	};
	struct restore_opts o = {0};
	struct container c;
	struct nerr e = {0};
	pid_t pid;
	bool help;
	int status;
	int first = cli_parse(argc - 1, argv + 1, opts, restore_opt, &o, &help, &e);

	if (help) {
		cli_print_help("restore [options] ID",
		               "Restore a checkpoint as the container ID and wait for it unless "
		               "--detach.",
		               opts);
		return 0;
	}
	if (first < 0 || one_id(argc, argv, first + 1, "restore", &e) < 0 ||
	    checkpoint_check_built(&e) < 0)
		return command_fail(&e);
	o.id = argv[first + 1];
	/* The restored tree is our child; so are its orphans while we wait. */
	if (!o.detach && !o.no_subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (restore_container(g, &o, &c, &pid, &e) < 0)
		return command_fail(&e);
	if (o.detach) {
		lifecycle_close(&c);
		return 0;
	}
	flock(c.dirfd, LOCK_UN);
	status = process_wait_exit_code(pid);
	flock(c.dirfd, LOCK_EX);
	if (container_delete(&c, true, &e) < 0)
		command_fail(&e);
	lifecycle_close(&c);
	return status;
}
