#!/usr/bin/env bats
# containerd drives nucleus-oci through its runc shim (io.containerd.runc.v2) as it drives
# runc.  One private containerd per file (tests/engines/engines.bash), started in
# setup_file and stopped by its pid in teardown_file; the busybox image comes from a
# private Podman as a docker-archive.  Every scenario runs with nucleus-oci and, as the
# reference that shows the harness itself is sound, with runc.

bats_require_minimum_version 1.5.0
load helpers
source "$BATS_TEST_DIRNAME/../engines/engines.bash"

# A missing engine is a reason each test skips with (bats 1.8 fails a file
# whose setup_file skips).
setup_file() {
	export CD_SKIP=""
	command -v containerd >/dev/null || CD_SKIP="containerd is not installed (contrib/deps.sh test)"
	command -v podman >/dev/null || CD_SKIP="podman (to build the image) is not installed"
	[ -z "$CD_SKIP" ] || return 0
	CD_DIR=$(mktemp -d /tmp/noci-cd.XXXXXX)
	CD_PM_DIR=$(mktemp -d /tmp/noci-pm.XXXXXX)
	export CD_DIR CD_PM_DIR
	engines_podman_setup "$CD_PM_DIR" "$NUCLEUS_OCI"
	engines_containerd_start "$CD_DIR"
	engines_containerd_import "$CD_PM_DIR"
	engines_podman_teardown "$CD_PM_DIR"
}

teardown_file() {
	[ -z "$CD_SKIP" ] || return 0
	engines_containerd_stop "$CD_DIR"
	engines_podman_teardown "$CD_PM_DIR"
}

setup() {
	[ -z "$CD_SKIP" ] || skip "$CD_SKIP"
	ENGINES_CONTAINERD_DIR=$CD_DIR
}

teardown() {
	local c
	[ -z "$CD_SKIP" ] || return 0
	for c in $(engines_ctr containers list -q 2>/dev/null); do
		engines_ctr tasks kill --signal KILL "$c" >/dev/null 2>&1 || true
		wait_task "$c" STOPPED >/dev/null 2>&1 || true
		engines_ctr tasks delete --force "$c" >/dev/null 2>&1 || true
		engines_ctr containers delete "$c" >/dev/null 2>&1 || true
	done
}

# run, and keep what was seen for the report of a failing test.
r() {
	run "$@"
	printf '# $ %s\n# status %s\n%s\n' "$*" "$status" "$output"
}

binary_of() {
	case $1 in
	nucleus) echo "$NUCLEUS_OCI" ;;
	runc) command -v runc ;;
	esac
}

# The shim's --root for this runtime (ctr --runc-root; the shim adds the namespace).
state_root() {
	echo "$CD_DIR/state-$RT/nucleus-test"
}

# ctr run with the runtime under test.
crun_() {
	mkdir -p "$CD_DIR/fifo"
	engines_ctr run --runc-binary "$(binary_of "$RT")" --runc-root "$CD_DIR/state-$RT" \
		--fifo-dir "$CD_DIR/fifo" "$@"
}

task_field() { # ID COLUMN (2: pid, 3: status)
	engines_ctr tasks list | awk -v id="$1" -v col="$2" '$1 == id { print $col }'
}

wait_task() {
	local i
	for i in $(seq 100); do
		[ "$(task_field "$1" 3)" = "$2" ] && return 0
		sleep 0.1
	done
	echo "task $1 did not reach $2: $(task_field "$1" 3)"
	return 1
}

# ---- scenarios, each run with RT=nucleus and RT=runc --------------------------------------

run_true() {
	r crun_ --rm "$ENGINES_IMAGE" "cd-true-$RT" /bin/true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

exit_code() {
	r crun_ --rm "$ENGINES_IMAGE" "cd-exit-$RT" sh -c 'echo out; exit 42'
	[ "$status" -eq 42 ]
	[ "$output" = out ]
}

# The shim shows the last "error" line of the runtime's --log (json): the runtime's reason.
exec_error() {
	r crun_ --rm "$ENGINES_IMAGE" "cd-noexec-$RT" no-such-command
	[ "$status" -ne 0 ]
	[[ "$output" == *'exec: "no-such-command": executable file not found in $PATH'* ]]
	# The failed create left no runtime state behind.
	[ -z "$(ls -A "$(state_root)" 2>/dev/null)" ]
}

task_exec() {
	local id=cd-exec-$RT
	r crun_ -d "$ENGINES_IMAGE" "$id" sleep 1000
	[ "$status" -eq 0 ]
	r engines_ctr tasks exec --fifo-dir "$CD_DIR/fifo" --exec-id e1 "$id" sh -c 'echo from-exec $$; exit 3'
	[ "$status" -eq 3 ]
	[[ "$output" == "from-exec "* ]]
	[ "$output" != "from-exec 1" ]
	r engines_ctr tasks exec --fifo-dir "$CD_DIR/fifo" --exec-id e2 --user 65534 --cwd /tmp "$id" sh -c 'id -u; pwd'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 65534 ]
	[ "${lines[1]}" = /tmp ]
}

kill_rm() {
	local id=cd-kill-$RT pid cg
	r crun_ -d "$ENGINES_IMAGE" "$id" sleep 1000
	[ "$status" -eq 0 ]
	[ "$(task_field "$id" 3)" = RUNNING ]
	pid=$(task_field "$id" 2)
	cg=$(engines_cgroup_dir "$pid" pids)
	[ -d "$(state_root)/$id" ]
	r engines_ctr tasks kill --signal KILL "$id"
	[ "$status" -eq 0 ]
	wait_task "$id" STOPPED
	r engines_ctr tasks delete "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exit code 137"* ]]
	r engines_ctr containers delete "$id"
	[ "$status" -eq 0 ]
	[ ! -e "$(state_root)/$id" ]
	[ ! -d "$cg" ]
	! kill -0 "$pid" 2>/dev/null
}

# kill --all reaches every process of the container, not only its init.
kill_all() {
	local id=cd-killall-$RT pid cg procs p
	r crun_ -d "$ENGINES_IMAGE" "$id" sh -c 'sleep 1000 & sleep 1001 & wait'
	[ "$status" -eq 0 ]
	pid=$(task_field "$id" 2)
	cg=$(engines_cgroup_dir "$pid" pids)
	for i in $(seq 50); do
		[ "$(wc -l <"$cg/cgroup.procs")" -ge 3 ] && break
		sleep 0.1
	done
	procs=$(cat "$cg/cgroup.procs")
	[ "$(echo "$procs" | wc -l)" -eq 3 ]
	r engines_ctr tasks kill --all --signal KILL "$id"
	[ "$status" -eq 0 ]
	wait_task "$id" STOPPED
	for p in $procs; do
		! kill -0 "$p" 2>/dev/null
	done
}

ps_() {
	local id=cd-ps-$RT pid
	r crun_ -d "$ENGINES_IMAGE" "$id" sh -c 'sleep 1000 & exec sleep 1001'
	[ "$status" -eq 0 ]
	pid=$(task_field "$id" 2)
	for i in $(seq 50); do
		[ "$(engines_ctr tasks ps "$id" | wc -l)" -ge 3 ] && break
		sleep 0.1
	done
	r engines_ctr tasks ps "$id"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ] # the header, the init, its child
	[[ "$output" == *$'\n'"$pid "* ]]
}

pause_resume() {
	local id=cd-pause-$RT pid
	r crun_ -d "$ENGINES_IMAGE" "$id" sleep 1000
	[ "$status" -eq 0 ]
	pid=$(task_field "$id" 2)
	r engines_ctr tasks pause "$id"
	[ "$status" -eq 0 ]
	[ "$(task_field "$id" 3)" = PAUSED ]
	[ "$(engines_cgroup_freezer "$pid")" = frozen ]
	r engines_ctr tasks resume "$id"
	[ "$status" -eq 0 ]
	[ "$(task_field "$id" 3)" = RUNNING ]
	[ "$(engines_cgroup_freezer "$pid")" = thawed ]
}

run_tty() {
	mkdir -p "$CD_DIR/fifo"
	# A runtime that never passes the pty master would hang the engine: bound it.
	r timeout -k 5 30 script -qec "$CD_DIR/ctr run -t --rm --runc-binary $(binary_of "$RT") \
		--runc-root $CD_DIR/state-$RT --fifo-dir $CD_DIR/fifo $ENGINES_IMAGE cd-tty-$RT \
		sh -c 'tty; test -t 0 && echo stdin-is-a-tty; exit 6'" /dev/null </dev/null
	[ "$status" -eq 6 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"stdin-is-a-tty"* ]]
}

exec_tty() {
	local id=cd-etty-$RT
	r crun_ -d "$ENGINES_IMAGE" "$id" sleep 1000
	[ "$status" -eq 0 ]
	# A runtime that never passes the pty master would hang the engine: bound it.
	r timeout -k 5 30 script -qec "$CD_DIR/ctr tasks exec -t --fifo-dir $CD_DIR/fifo --exec-id e1 $id \
		sh -c 'tty; test -t 0 && echo stdin-is-a-tty; exit 7'" /dev/null </dev/null
	[ "$status" -eq 7 ]
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *"stdin-is-a-tty"* ]]
}

memory_limit() {
	local id=cd-mem-$RT pid
	r crun_ -d --memory-limit 67108864 "$ENGINES_IMAGE" "$id" sleep 1000
	[ "$status" -eq 0 ]
	pid=$(task_field "$id" 2)
	[ "$(engines_cgroup_memory_limit "$pid")" = 67108864 ]
}

# ---- the tests ---------------------------------------------------------------------------

@test "ctr [nucleus-oci]: run /bin/true" { RT=nucleus run_true; }
@test "ctr [runc]: run /bin/true" { RT=runc run_true; }

@test "ctr [nucleus-oci]: the exit code is propagated" { RT=nucleus exit_code; }
@test "ctr [runc]: the exit code is propagated" { RT=runc exit_code; }

@test "ctr [nucleus-oci]: a missing command is reported with the runtime's reason" { RT=nucleus exec_error; }
@test "ctr [runc]: a missing command is reported with the runtime's reason" { RT=runc exec_error; }

@test "ctr [nucleus-oci]: task exec" { RT=nucleus task_exec; }
@test "ctr [runc]: task exec" { RT=runc task_exec; }

@test "ctr [nucleus-oci]: task kill, then delete leaves nothing" { RT=nucleus kill_rm; }
@test "ctr [runc]: task kill, then delete leaves nothing" { RT=runc kill_rm; }

@test "ctr [nucleus-oci]: task kill --all" { RT=nucleus kill_all; }
@test "ctr [runc]: task kill --all" { RT=runc kill_all; }

@test "ctr [nucleus-oci]: task ps" { RT=nucleus ps_; }
@test "ctr [runc]: task ps" { RT=runc ps_; }

@test "ctr [nucleus-oci]: task pause and resume" { RT=nucleus pause_resume; }
@test "ctr [runc]: task pause and resume" { RT=runc pause_resume; }

@test "ctr [nucleus-oci]: run -t gets a terminal" { RT=nucleus run_tty; }
@test "ctr [runc]: run -t gets a terminal" { RT=runc run_tty; }

@test "ctr [nucleus-oci]: task exec -t gets a terminal" { RT=nucleus exec_tty; }
@test "ctr [runc]: task exec -t gets a terminal" { RT=runc exec_tty; }

@test "ctr [nucleus-oci]: --memory-limit is applied to the cgroup" { RT=nucleus memory_limit; }
@test "ctr [runc]: --memory-limit is applied to the cgroup" { RT=runc memory_limit; }
