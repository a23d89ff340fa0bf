#!/usr/bin/env bats
# OCI hooks: order, namespaces, state on stdin, args, env, timeout, and what
# a failure does to each operation.

load helpers

setup() {
	setup_bundle
	update_config '.process.args = ["sleep", "1000"]'
	HOOKS="$BATS_TEST_TMPDIR/hooks"
	mkdir -p "$HOOKS"
	chmod 777 "$HOOKS"
	LOG="$HOOKS/log"
	# A host hook: logs its name (first argument), its env, its mount
	# namespace and the state it read; exits with $HOOK_EXIT.
	cat >"$HOOKS/hook" <<-EOF
	#!/bin/sh
	state=\$(cat)
	echo "\$1 ns=\$(readlink /proc/self/ns/mnt) env=\$HOOK_ENV status=\$(echo "\$state" | jq -r .status) id=\$(echo "\$state" | jq -r .id) pid=\$(echo "\$state" | jq -r .pid)" >>"$LOG"
	[ -n "\$2" ] && sleep "\$2"
	exit \${HOOK_EXIT:-0}
	EOF
	chmod +x "$HOOKS/hook"
	# The container sees the log directory at /hooks (startContainer runs inside).
	update_config ".mounts += [{\"destination\": \"/hooks\", \"type\": \"bind\", \"source\": \"$HOOKS\", \"options\": [\"rbind\"]}]"
}

# hook NAME [EXIT] [SLEEP]: the JSON of one host hook.
hook() {
	echo "{\"path\": \"$HOOKS/hook\", \"args\": [\"hook\", \"$1\"${3:+, \"$3\"}], \"env\": [\"HOOK_ENV=$1-env\", \"HOOK_EXIT=${2:-0}\", \"PATH=/usr/bin:/bin\"]}"
}

# The startContainer hook runs in the container: its path is the container's.
start_hook() {
	echo "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"read s; echo startContainer ns=\$(readlink /proc/self/ns/mnt) >>/hooks/log; exit ${1:-0}\"]}"
}

nothing_left() {
	[ ! -e "$ROOT/$1" ]
	[ ! -e "/sys/fs/cgroup/pids/nucleus-oci/$1" ]
	[ ! -e "/sys/fs/cgroup/unified/nucleus-oci/$1" ]
	assert_no_mounts
	! pgrep -f "$HOOKS/hook" >/dev/null
}

@test "every hook runs in order, where the spec says, with the state on stdin" {
	update_config ".hooks = {prestart: [$(hook prestart)], createRuntime: [$(hook createRuntime)],
		createContainer: [$(hook createContainer)], startContainer: [$(start_hook)],
		poststart: [$(hook poststart)], poststop: [$(hook poststop)]}"
	noci create hk-a
	pid=$(noci state hk-a | jq -r .pid)
	cmnt=$(readlink /proc/$pid/ns/mnt)
	hmnt=$(readlink /proc/self/ns/mnt)
	noci start hk-a
	noci kill hk-a KILL
	wait_status hk-a stopped
	noci delete hk-a
	cat "$LOG"
	run cut -d' ' -f1 "$LOG"
	[ "$(echo $output)" = "prestart createRuntime createContainer startContainer poststart poststop" ]
	# runtime namespace: prestart, createRuntime, poststart, poststop; container: the other two
	grep -qxF "prestart ns=$hmnt env=prestart-env status=creating id=hk-a pid=$pid" "$LOG"
	grep -qxF "createRuntime ns=$hmnt env=createRuntime-env status=creating id=hk-a pid=$pid" "$LOG"
	grep -qxF "createContainer ns=$cmnt env=createContainer-env status=creating id=hk-a pid=$pid" "$LOG"
	grep -qxF "startContainer ns=$cmnt" "$LOG"
	grep -qxF "poststart ns=$hmnt env=poststart-env status=running id=hk-a pid=$pid" "$LOG"
	grep -qF "poststop ns=$hmnt env=poststop-env status=stopped id=hk-a" "$LOG"
}

@test "with a pid namespace joined by path, the runtime's hooks still run in its own" {
	noci create hk-p1
	p1=$(noci state hk-p1 | jq -r .pid)
	# the second container joins the first's pid namespace by path
	cat >"$HOOKS/pidns" <<-EOF
	#!/bin/sh
	cat >/dev/null
	echo "\$1 pidns=\$(readlink /proc/self/ns/pid)" >>"$LOG"
	EOF
	chmod +x "$HOOKS/pidns"
	mkdir "$BATS_TEST_TMPDIR/b"
	jq --arg ns "/proc/$p1/ns/pid" --arg root "$BUNDLE/rootfs" --arg h "$HOOKS/pidns" \
		'.root.path = $root |
		 .linux.namespaces = [.linux.namespaces[] | if .type == "pid" then .path = $ns else . end] |
		 .hooks = {prestart: [{path: $h, args: ["pidns", "prestart"]}],
		           createRuntime: [{path: $h, args: ["pidns", "createRuntime"]}],
		           poststart: [{path: $h, args: ["pidns", "poststart"]}]}' \
		config.json >"$BATS_TEST_TMPDIR/b/config.json"
	noci create --bundle "$BATS_TEST_TMPDIR/b" hk-p2
	p2=$(noci state hk-p2 | jq -r .pid)
	[ "$(readlink /proc/$p2/ns/pid)" = "$(readlink /proc/$p1/ns/pid)" ]
	noci start hk-p2
	cat "$LOG"
	own=$(readlink /proc/self/ns/pid)
	for h in prestart createRuntime poststart; do
		grep -qxF "$h pidns=$own" "$LOG"
	done
	noci delete --force hk-p2
	noci delete --force hk-p1
}

@test "a failing prestart or createRuntime hook fails create and leaves nothing" {
	for kind in prestart createRuntime; do
		update_config ".hooks = {$kind: [$(hook $kind 3)]}"
		run noci create hk-b
		[ "$status" -eq 1 ]
		[[ "$output" == *"$kind hook \"$HOOKS/hook\" exited with status 3"* ]]
		nothing_left hk-b
	done
}

@test "a failing createContainer hook fails create and leaves nothing" {
	update_config ".hooks = {createContainer: [$(hook createContainer 4)]}"
	run noci --log "$BATS_TEST_TMPDIR/log.json" --log-format json create hk-c
	[ "$status" -eq 1 ]
	[[ "$output" == *"createContainer hook \"$HOOKS/hook\" exited with status 4"* ]]
	[ "$(grep -c '"level":"error"' "$BATS_TEST_TMPDIR/log.json")" -eq 1 ]
	nothing_left hk-c
}

@test "a hook past its timeout is killed and fails the operation" {
	update_config ".hooks = {createRuntime: [$(hook createRuntime 0 100) + {timeout: 1}]}"
	run noci create hk-d
	[ "$status" -eq 1 ]
	[[ "$output" == *"createRuntime hook \"$HOOKS/hook\" timed out after 1 seconds"* ]]
	nothing_left hk-d
}

@test "a failing startContainer hook fails start; the process never runs" {
	update_config ".hooks = {startContainer: [$(start_hook 5)]}"
	noci create hk-e
	run noci start hk-e
	[ "$status" -eq 1 ]
	[[ "$output" == *"startContainer hook \"/bin/sh\" exited with status 5"* ]]
	wait_status hk-e stopped
	grep -q "^startContainer" "$LOG"
}

@test "a startContainer hook killed by the container's seccomp filter: runc's words" {
	update_config '.root.readonly = false | .process.args = ["true"]'
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL"}]}'
	update_config '.hooks = {startContainer: [{"path": "/bin/mkdir", "args": ["mkdir", "/tmp/hk-sys"]}]}'
	run noci run hk-sys
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"error running hook #0"*"/bin/mkdir"*": bad system call"* ]]
	[ ! -d rootfs/tmp/hk-sys ]
}

@test "createContainer hooks run in the container's rootfs" {
	update_config '.root.readonly = false | .process.args = ["true"]'
	update_config '.hooks = {createContainer: [{"path": "/bin/sh", "args": ["sh", "-c", "touch ./lib/hk-cwd && pwd >'"$HOOKS"'/cwd"]}]}'
	mkdir -p rootfs/lib
	noci run hk-cwd
	[ -f rootfs/lib/hk-cwd ]
	[ "$(cat "$HOOKS/cwd")" = "$BUNDLE/rootfs" ]
}

@test "a failing poststart hook fails start and stops the container" {
	update_config ".hooks = {poststart: [$(hook poststart 6)]}"
	noci create hk-f
	run noci start hk-f
	[ "$status" -eq 1 ]
	[[ "$output" == *"poststart hook \"$HOOKS/hook\" exited with status 6"* ]]
	wait_status hk-f stopped
}

@test "a failing poststop hook is logged and deletion goes on" {
	update_config ".hooks = {poststop: [$(hook first 7), $(hook second)]}"
	noci run -d hk-g
	run noci --log "$BATS_TEST_TMPDIR/log.json" --log-format json delete --force hk-g
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/hk-g" ]
	# both ran; the failure is a warning
	grep -q "^first" "$LOG"
	grep -q "^second" "$LOG"
	jq -e 'select(.level == "warning") | .msg | contains("poststop hook")' "$BATS_TEST_TMPDIR/log.json"
}

@test "a hook whose path does not exist: no such file or directory" {
	update_config '.hooks = {createRuntime: [{"path": "/no/such/hook"}]}'
	run noci create hk-h
	[ "$status" -eq 1 ]
	[[ "$output" == *"createRuntime hook \"/no/such/hook\": no such file or directory"* ]]
	nothing_left hk-h
}

@test "run: hooks around a foreground container" {
	update_config '.process.args = ["true"]'
	update_config ".hooks = {poststart: [$(hook poststart)], poststop: [$(hook poststop)]}"
	run noci run hk-i
	[ "$status" -eq 0 ]
	run cut -d' ' -f1 "$LOG"
	[ "$(echo $output)" = "poststart poststop" ]
}
