#!/usr/bin/env bats
# Podman drives nucleus-oci as it drives runc.  A private Podman (storage, run root,
# containers.conf: see tests/engines/engines.bash) with nucleus-oci registered as runtime
# "nucleus" and runc as "runc"; every scenario runs with nucleus-oci and, as the
# reference that shows the harness itself is sound, with runc.

bats_require_minimum_version 1.5.0
load helpers
source "$BATS_TEST_DIRNAME/../engines/engines.bash"

# A missing engine is a reason each test skips with (bats 1.8 fails a file
# whose setup_file skips).
setup_file() {
	export PM_SKIP=""
	command -v podman >/dev/null || PM_SKIP="podman is not installed (contrib/deps.sh test)"
	command -v conmon >/dev/null || PM_SKIP="conmon is not installed (contrib/deps.sh test)"
	[ -z "$PM_SKIP" ] || return 0
	# The run root must stay under 50 characters: a short directory of our own.
	PM_DIR=$(mktemp -d /tmp/noci-pm.XXXXXX)
	export PM_DIR
	engines_podman_setup "$PM_DIR" "$NUCLEUS_OCI"
}

teardown_file() {
	[ -n "$PM_SKIP" ] || engines_podman_teardown "$PM_DIR"
}

setup() {
	[ -z "$PM_SKIP" ] || skip "$PM_SKIP"
	engines_podman_env "$PM_DIR"
}

teardown() {
	[ -z "$PM_SKIP" ] || return 0
	engines_podman rm --all --force --time 0 >/dev/null 2>&1 || true
}

# Where each runtime keeps its state when Podman passes no --root.
state_dir_of() {
	case $1 in
	nucleus) echo /run/nucleus-oci ;;
	runc) echo /run/runc ;;
	esac
}

# run, and keep what was seen for the report of a failing test.
r() {
	run "$@"
	printf '# $ %s\n# status %s\n%s\n' "$*" "$status" "$output"
}

pm() {
	engines_podman --runtime "$RT" "$@"
}

inspect() {
	engines_podman inspect --format "$2" "$1"
}

# ---- scenarios, each run with RT=nucleus and RT=runc --------------------------------------

run_true() {
	r pm run --rm "$ENGINES_IMAGE" /bin/true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

exit_codes() {
	r pm run --rm "$ENGINES_IMAGE" sh -c 'exit 42'
	[ "$status" -eq 42 ]
	r pm run --rm "$ENGINES_IMAGE" sh -c 'exit 255'
	[ "$status" -eq 255 ]
}

# Podman maps the runtime's error text to 127 and 126; it reads the runtime's --log file as
# one JSON object and must not be told a missing container is an error on cleanup.
exec_errors() {
	r -127 pm run --rm "$ENGINES_IMAGE" no-such-command
	[ "$status" -eq 127 ]
	[[ "$output" == *'exec: "no-such-command": executable file not found in $PATH'* ]]
	[[ "$output" != *"Removing container"* ]]
	r -127 pm run --rm "$ENGINES_IMAGE" /no/such/file
	[ "$status" -eq 127 ]
	[[ "$output" == *"no such file or directory"* ]]
	r pm run --rm "$ENGINES_IMAGE" /etc/passwd
	[ "$status" -eq 126 ]
	[[ "$output" == *'exec: "/etc/passwd": permission denied'* ]]
	[[ "$output" != *"Removing container"* ]]
}

detach_exec_kill_rm() {
	local name=pm-life-$RT id pid cg
	r pm run -d --name "$name" "$ENGINES_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	id=$(inspect "$name" '{{.Id}}')
	pid=$(inspect "$name" '{{.State.Pid}}')
	[ "$(inspect "$name" '{{.State.Status}}')" = running ]
	[ -d "$(state_dir_of "$RT")/$id" ]
	cg=$(engines_cgroup_dir "$pid" pids)

	r pm exec "$name" sh -c 'echo from-exec $$; exit 3'
	[ "$status" -eq 3 ]
	[[ "$output" == "from-exec "* ]]
	[ "$output" != "from-exec 1" ]

	r pm kill "$name"
	[ "$status" -eq 0 ]
	r pm wait "$name"
	[ "$output" = 137 ]
	[ "$(inspect "$name" '{{.State.Status}}')" = exited ]

	r pm rm "$name"
	[ "$status" -eq 0 ]
	r engines_podman ps -a --filter "name=$name" --format '{{.Names}}'
	[ -z "$output" ]
	# Nothing left of it: no runtime state, no cgroup, no process.
	[ ! -e "$(state_dir_of "$RT")/$id" ]
	[ ! -d "$cg" ]
	! kill -0 "$pid" 2>/dev/null
}

# podman stop sends SIGTERM to the init; the process's own exit code is kept.
stop_sigterm() {
	local name=pm-stop-$RT
	pm run -d --name "$name" "$ENGINES_IMAGE" \
		sh -c 'trap "exit 42" TERM; echo up; while :; do sleep 0.1; done'
	r pm stop --time 60 "$name"
	[ "$status" -eq 0 ]
	[ "$(inspect "$name" '{{.State.Status}}')" = exited ]
	[ "$(inspect "$name" '{{.State.ExitCode}}')" = 42 ]
}

# The pty podman asks for (--console-socket), with podman itself on a pty from script.
run_tty() {
	# A runtime that never passes the pty master would hang the engine: bound it.
	# Podman 4.3 can connect its attach stream after a fast process has already
	# written and exited (then `podman logs` has the output, the terminal not),
	# with runc as with nucleus-oci; --rm makes it more likely.  The process
	# first sleeps, as an interactive session would be waiting for input.
	r timeout -k 5 30 script -qec "$PM_DIR/podman --runtime $RT run -it --name pm-tty-$RT $ENGINES_IMAGE \
		sh -c 'sleep 1; tty; test -t 0 && echo stdin-is-a-tty; exit 4'" /dev/null </dev/null
	[ "$status" -eq 4 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"stdin-is-a-tty"* ]]
}

exec_tty() {
	local name=pm-etty-$RT
	pm run -d --name "$name" "$ENGINES_IMAGE" sleep 1000
	# A runtime that never passes the pty master would hang the engine: bound it.
	r timeout -k 5 30 script -qec "$PM_DIR/podman --runtime $RT exec -it $name \
		sh -c 'tty; test -t 0 && echo stdin-is-a-tty; exit 5'" /dev/null </dev/null
	[ "$status" -eq 5 ]
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *"stdin-is-a-tty"* ]]
}

pause_unpause() {
	local name=pm-pause-$RT pid
	pm run -d --name "$name" "$ENGINES_IMAGE" sleep 1000
	pid=$(inspect "$name" '{{.State.Pid}}')
	[ "$(engines_cgroup_freezer "$pid")" = thawed ]
	r pm pause "$name"
	[ "$status" -eq 0 ]
	[ "$(inspect "$name" '{{.State.Status}}')" = paused ]
	[ "$(engines_cgroup_freezer "$pid")" = frozen ]
	r pm unpause "$name"
	[ "$status" -eq 0 ]
	[ "$(inspect "$name" '{{.State.Status}}')" = running ]
	[ "$(engines_cgroup_freezer "$pid")" = thawed ]
	r pm kill "$name"
	[ "$status" -eq 0 ]
	r pm wait "$name"
	[ "$output" = 137 ]
}

memory_limit() {
	local name=pm-mem-$RT pid
	pm run -d --name "$name" --memory 64m "$ENGINES_IMAGE" sleep 1000
	pid=$(inspect "$name" '{{.State.Pid}}')
	[ "$(engines_cgroup_memory_limit "$pid")" = 67108864 ]
}

read_only() {
	r pm run --rm --read-only "$ENGINES_IMAGE" sh -c 'touch /new-file'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	# Podman still gives a read-only container a writable /tmp.
	r pm run --rm --read-only "$ENGINES_IMAGE" sh -c 'touch /tmp/new-file && echo ok'
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

env_user_workdir() {
	r pm run --rm -e NOCI_FOO=bar -u 65534:65534 -w /tmp "$ENGINES_IMAGE" \
		sh -c 'echo "$NOCI_FOO"; id -u; id -g; pwd'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = bar ]
	[ "${lines[1]}" = 65534 ]
	[ "${lines[2]}" = 65534 ]
	[ "${lines[3]}" = /tmp ]
}

# ---- the tests ---------------------------------------------------------------------------

@test "podman [nucleus-oci]: run /bin/true" { RT=nucleus run_true; }
@test "podman [runc]: run /bin/true" { RT=runc run_true; }

@test "podman [nucleus-oci]: the exit code is propagated" { RT=nucleus exit_codes; }
@test "podman [runc]: the exit code is propagated" { RT=runc exit_codes; }

@test "podman [nucleus-oci]: a missing or non-executable command gives 127 or 126" { RT=nucleus exec_errors; }
@test "podman [runc]: a missing or non-executable command gives 127 or 126" { RT=runc exec_errors; }

@test "podman [nucleus-oci]: run -d, exec, kill, rm" { RT=nucleus detach_exec_kill_rm; }
@test "podman [runc]: run -d, exec, kill, rm" { RT=runc detach_exec_kill_rm; }

@test "podman [nucleus-oci]: stop delivers SIGTERM" { RT=nucleus stop_sigterm; }
@test "podman [runc]: stop delivers SIGTERM" { RT=runc stop_sigterm; }

@test "podman [nucleus-oci]: run -it gets a terminal" { RT=nucleus run_tty; }
@test "podman [runc]: run -it gets a terminal" { RT=runc run_tty; }

@test "podman [nucleus-oci]: exec -it gets a terminal" { RT=nucleus exec_tty; }
@test "podman [runc]: exec -it gets a terminal" { RT=runc exec_tty; }

@test "podman [nucleus-oci]: pause and unpause freeze and thaw the cgroup" { RT=nucleus pause_unpause; }
@test "podman [runc]: pause and unpause freeze and thaw the cgroup" { RT=runc pause_unpause; }

@test "podman [nucleus-oci]: --memory is applied to the cgroup" { RT=nucleus memory_limit; }
@test "podman [runc]: --memory is applied to the cgroup" { RT=runc memory_limit; }

@test "podman [nucleus-oci]: --read-only" { RT=nucleus read_only; }
@test "podman [runc]: --read-only" { RT=runc read_only; }

@test "podman [nucleus-oci]: -e, -u and -w" { RT=nucleus env_user_workdir; }
@test "podman [runc]: -e, -u and -w" { RT=runc env_user_workdir; }

# io.containers.trace-syscall is served by nucleus-oci itself (runc has no such thing): the
# profile recorded under Podman confines the same workload through --security-opt seccomp=.
trace_syscall() {
	local out=$PM_DIR/trace-profile.json work='echo hi; ls / >/dev/null; cat /etc/passwd >/dev/null'
	rm -f "$out"
	r pm run --rm --annotation "io.containers.trace-syscall=of:$out" "$ENGINES_IMAGE" sh -c "$work"
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	jq -e '.defaultAction == "SCMP_ACT_ERRNO" and (.syscalls | length) == 1' "$out"
	jq -e '.syscalls[0].names | index("execve") and index("getdents64") and (index("mkdir") | not)' "$out"
	! pgrep -x -r R,S,D,T nucleus-trace
	r pm run --rm --security-opt "seccomp=$out" "$ENGINES_IMAGE" sh -c "$work"
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	r pm run --rm --security-opt "seccomp=$out" "$ENGINES_IMAGE" sh -c "$work; mkdir /tmp/d"
	[ "$status" -ne 0 ]
	[[ "$output" == *"can't create directory '/tmp/d': Operation not permitted"* ]]
	# podman exec'd processes are recorded too; the profile is written when the container stops.
	rm -f "$out"
	r pm run -d --name pm-trace --annotation "io.containers.trace-syscall=of:$out" "$ENGINES_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	r pm exec pm-trace mkdir /tmp/from-exec
	[ "$status" -eq 0 ]
	r pm rm --force --time 0 pm-trace
	[ "$status" -eq 0 ]
	jq -e '.syscalls[0].names | index("mkdir") or index("mkdirat")' "$out"
	! pgrep -x -r R,S,D,T nucleus-trace
	# A bad annotation is Podman's error too, and leaves nothing.
	r pm run --rm --annotation "io.containers.trace-syscall=xf:$out" "$ENGINES_IMAGE" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"unknown prefix in \"xf:$out\""* ]]
}

@test "podman [nucleus-oci]: --annotation io.containers.trace-syscall records a profile that confines" { RT=nucleus trace_syscall; }
