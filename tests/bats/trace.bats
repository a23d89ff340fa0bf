#!/usr/bin/env bats
# io.containers.trace-syscall: a seccomp profile recorded from a run, then used to
# confine the same workload; exec'd processes recorded too; an if: base profile;
# bad annotations refused before anything exists; no recorder left behind.

load helpers

setup() {
	setup_bundle
	update_config '.root.readonly = false'
	PROFILE="$BATS_TEST_TMPDIR/profile.json"
}

# The recorder lives exactly as long as its container (an exited one may wait
# to be reaped by whoever adopted it).
no_recorder() {
	! pgrep -x -r R,S,D,T nucleus-trace
}

teardown() {
	teardown_containers
	no_recorder
}

annotate() {
	update_config ".annotations[\"io.containers.trace-syscall\"] = $(jq -Rn --arg s "$1" '$s')"
}

args_sh() {
	update_config ".process.args = [\"sh\", \"-c\", $(jq -Rn --arg s "$1" '$s')]"
}

# update_config with jq options: jq_config [JQ-OPTIONS...] FILTER
jq_config() {
	jq "$@" "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# Confine with the recorded profile.
use_profile() {
	jq_config --slurpfile p "$PROFILE" '.linux.seccomp = $p[0]'
}

# The recorded names, one a line.
names() {
	jq -r '.syscalls[0].names[]' "$PROFILE"
}

@test "trace: run writes a profile of the calls made: ERRNO/EPERM by default, host arches, one sorted allow rule" {
	annotate "of:$PROFILE"
	args_sh 'echo hello; cat /etc/passwd >/dev/null; ls / >/dev/null'
	run noci run tr-basic
	[ "$status" -eq 0 ]
	[ "$output" = "hello" ]
	no_recorder
	[ -z "$(ls "$ROOT")" ]
	run jq -r '.defaultAction, .defaultErrnoRet, (.syscalls | length), .syscalls[0].action' "$PROFILE"
	[ "${lines[*]}" = "SCMP_ACT_ERRNO 1 1 SCMP_ACT_ALLOW" ]
	native=$(uname -m)
	[ "$native" != x86_64 ] || jq -e '.architectures == ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]' "$PROFILE"
	jq -e '.syscalls[0].names == (.syscalls[0].names | sort | unique)' "$PROFILE"
	# What the shell, cat and ls did, the child processes included ...
	for n in execve write openat getdents64 exit_group wait4; do
		names | grep -qx "$n"
	done
	# ... and nothing it did not do.
	for n in socket mount ptrace bpf unshare setns mkdir mkdirat; do
		! names | grep -qx "$n"
	done
}

@test "trace: recording changes nothing the workload sees, and what the config's filter denies stays denied" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28}]}'
	args_sh 'echo pid=$$; grep ^Seccomp: /proc/self/status; mkdir /tmp/d; echo mkdir=$?;
		ls /nonexistent; echo ls=$?; exit 7'
	run noci run tr-same-plain
	plain_status=$status plain_output=$output
	[ "$plain_status" -eq 7 ]
	[[ "$plain_output" == *"No space left on device"* ]]
	annotate "of:$PROFILE"
	run noci run tr-same-rec
	[ "$status" -eq "$plain_status" ]
	[ "$output" = "$plain_output" ]
	[ -s "$PROFILE" ]
	! names | grep -qx mkdir
	! names | grep -qx mkdirat
}

@test "trace: the same workload confined by the recorded profile runs; what it did not do is denied" {
	annotate "of:$PROFILE"
	work='echo start; ls /bin >/dev/null; cat /etc/group; date >/dev/null; echo done'
	args_sh "$work"
	run noci run tr-conf-rec
	[ "$status" -eq 0 ]
	recorded_output=$output
	update_config 'del(.annotations["io.containers.trace-syscall"])'
	use_profile
	run noci run tr-conf-run
	[ "$status" -eq 0 ]
	[ "$output" = "$recorded_output" ]
	# Without the profile these work (or fail for another reason) ...
	update_config 'del(.linux.seccomp)'
	args_sh 'mkdir /tmp/made && echo made; nc 127.0.0.1 9 </dev/null; echo nc=$?'
	run noci run tr-conf-free
	[[ "$output" == *made* ]]
	[[ "$output" != *"Operation not permitted"* ]]
	rmdir "$BUNDLE/rootfs/tmp/made"
	# ... with it, the kernel refuses the calls the recording never saw.
	use_profile
	run noci run tr-conf-deny
	! grep -qx made <<<"$output"
	[[ "$output" == *"mkdir: can't create directory '/tmp/made': Operation not permitted"* ]]
	[[ "$output" == *"socket: Operation not permitted"* ]]
	[ ! -e "$BUNDLE/rootfs/tmp/made" ]
}

@test "trace: processes started with exec are recorded; the profile is there when delete returns" {
	annotate "of:$PROFILE"
	update_config '.process.args = ["sleep", "1000"]'
	noci run -d tr-exec
	noci exec tr-exec mkdir /tmp/from-exec
	noci exec tr-exec sh -c 'nc 127.0.0.1 9 </dev/null; true'
	[ -d "$BUNDLE/rootfs/tmp/from-exec" ]
	[ ! -e "$PROFILE" ]
	noci kill tr-exec KILL
	noci delete --force tr-exec
	[ -s "$PROFILE" ]
	no_recorder
	names | grep -qx nanosleep || names | grep -qx clock_nanosleep
	names | grep -qx mkdir || names | grep -qx mkdirat
	names | grep -qx socket
}

@test "trace: if: extends a base profile; what the base denies stays denied" {
	cat >"$BATS_TEST_TMPDIR/base.json" <<-'EOF'
		{"defaultAction": "SCMP_ACT_ERRNO",
		 "architectures": ["SCMP_ARCH_X86_64"],
		 "syscalls": [{"names": ["sync", "getpid"], "action": "SCMP_ACT_ALLOW"},
		              {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
	EOF
	annotate "if:$BATS_TEST_TMPDIR/base.json;of:$PROFILE"
	args_sh 'kill -0 1; echo ok'
	run noci run tr-base
	[ "$status" -eq 0 ]
	names | grep -qx sync
	names | grep -qx execve
	! names | grep -qx kill
	run jq -c '.syscalls[1]' "$PROFILE"
	[ "$output" = '{"names":["kill"],"action":"SCMP_ACT_ERRNO","errnoRet":1}' ]
	jq -e '.syscalls | length == 2' "$PROFILE"
}

# A refused annotation: the message, and nothing left.
refused() {
	run noci run "$1"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$2"* ]]
	[ -z "$(ls "$ROOT" 2>/dev/null)" ]
	[ ! -e "$PROFILE" ]
	no_recorder
}

@test "trace: bad annotations fail before the container exists, naming the problem" {
	args_sh 'echo should-not-run'
	annotate "xf:$PROFILE"
	refused tr-bad1 "unknown prefix in \"xf:$PROFILE\""
	annotate "if:/etc/hostname"
	refused tr-bad2 'no output file (of:/path)'
	annotate "of:profile.json"
	refused tr-bad3 'of:"profile.json": must be an absolute path'
	annotate "of:/nonexistent-dir/p.json"
	refused tr-bad4 'output "/nonexistent-dir/p.json": directory "/nonexistent-dir": No such file or directory'
	annotate "of:/etc/passwd/p.json"
	refused tr-bad5 '"/etc/passwd" is not a directory'
	annotate "of:$BATS_TEST_TMPDIR"
	refused tr-bad6 "output \"$BATS_TEST_TMPDIR\" exists and is not a regular file"
	annotate "of:$PROFILE;of:$PROFILE"
	refused tr-bad7 '"of:" given twice'
}

@test "trace: an unwritable output directory is refused" {
	mkdir "$BATS_TEST_TMPDIR/ro"
	annotate "of:$BATS_TEST_TMPDIR/ro/p.json"
	args_sh 'echo should-not-run'
	# A read-only mount, in a mount namespace of the test's own.
	run unshare -m sh -c "mount -t tmpfs -o ro none '$BATS_TEST_TMPDIR/ro' &&
		'$NUCLEUS_OCI' --root '$ROOT' run tr-ro"
	[ "$status" -ne 0 ]
	[[ "$output" == *"directory \"$BATS_TEST_TMPDIR/ro\" is not writable: Read-only file system"* ]]
	[ -z "$(ls "$ROOT" 2>/dev/null)" ]
}

@test "trace: a malformed if: profile is refused with the file and the JSON path" {
	args_sh 'echo should-not-run'
	echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_NOPE"}]}' \
		>"$BATS_TEST_TMPDIR/bad.json"
	annotate "if:$BATS_TEST_TMPDIR/bad.json;of:$PROFILE"
	refused tr-badin1 "$BATS_TEST_TMPDIR/bad.json: syscalls[0].action: invalid value \"SCMP_ACT_NOPE\""
	echo '{"defaultAction": ' >"$BATS_TEST_TMPDIR/bad.json"
	refused tr-badin2 "input profile $BATS_TEST_TMPDIR/bad.json"
	annotate "if:$BATS_TEST_TMPDIR/missing.json;of:$PROFILE"
	refused tr-badin3 "input profile \"$BATS_TEST_TMPDIR/missing.json\": No such file or directory"
}

@test "trace: a config whose filter has a listener or SCMP_ACT_TRACE cannot be recorded" {
	args_sh 'echo should-not-run'
	annotate "of:$PROFILE"
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/tmp/x.sock",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	refused tr-notify 'uses SCMP_ACT_NOTIFY'
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_TRACE"}'
	refused tr-trace 'uses SCMP_ACT_TRACE'
}

@test "trace: a container that fails to start leaves no profile and no recorder" {
	annotate "of:$PROFILE"
	update_config '.process.args = ["no-such-program"]'
	run noci run tr-fail
	[ "$status" -ne 0 ]
	[[ "$output" == *'executable file not found'* ]]
	[ -z "$(ls "$ROOT")" ]
	[ ! -e "$PROFILE" ]
	no_recorder
}

@test "trace: create, start, and a container deleted while running" {
	annotate "of:$PROFILE"
	update_config '.process.args = ["sleep", "1000"]'
	noci create tr-cs
	pgrep -x nucleus-trace
	[ "$(status_of tr-cs)" = created ]
	noci start tr-cs
	[ "$(status_of tr-cs)" = running ]
	noci delete --force tr-cs
	no_recorder
	names | grep -qx execve
}

@test "trace: without a pid namespace of its own, the profile waits for the container's last process" {
	annotate "of:$PROFILE"
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	# The init exits at once; its child makes a directory later.
	args_sh 'echo hi; (sleep 0.3; mkdir /tmp/late) &'
	run noci run tr-nopidns
	[ "$status" -eq 0 ]
	[ -d "$BUNDLE/rootfs/tmp/late" ]
	names | grep -qx mkdir || names | grep -qx mkdirat
	no_recorder
}

@test "trace: the recommended sandbox end to end: context copy, Landlock, a profile recorded under the default one" {
	project="$BATS_TEST_TMPDIR/project"
	mkdir -p "$project"
	printf '#!/bin/sh\nwc -l < input.txt > result.txt\nls /etc > /dev/null\necho task-done\n' >"$project/run-task.sh"
	chmod +x "$project/run-task.sh"
	seq 5 >"$project/input.txt"
	echo 'TOKEN=secret' >"$project/.env"
	# Step 1 of docs/security.md: the private copy and Landlock.
	jq_config --arg src "$project" '.process.args = ["/bin/sh", "-c", "cd /workspace && sh run-task.sh"]
		| .process.noNewPrivileges = true
		| .mounts += [{"destination": "/workspace", "type": "bind", "source": $src,
		               "options": ["rbind", "context=copy", "context-size=16m"]}]
		| .process.landlock = {
		    "ruleset": {"handledAccessFS": ["execute", "read_file", "read_dir", "write_file",
		                                    "make_reg", "make_dir", "remove_file", "remove_dir",
		                                    "truncate"],
		                "handledAccessNetwork": ["bind_tcp", "connect_tcp"]},
		    "rules": {"pathBeneath": [
		      {"allowedAccess": ["execute", "read_file", "read_dir"], "paths": ["/bin", "/etc"]},
		      {"allowedAccess": ["read_file", "read_dir", "write_file", "make_reg", "make_dir",
		                         "remove_file", "remove_dir", "truncate"],
		       "paths": ["/workspace", "/tmp", "/dev/null"]}]}}'
	# Step 2: record under the default profile.
	jq_config --slurpfile p "$BATS_TEST_DIRNAME/../../contrib/seccomp/default.json" --arg o "of:$PROFILE" \
		'.linux.seccomp = $p[0] | .annotations["io.containers.trace-syscall"] = $o'
	run noci run tr-e2e-rec
	[ "$status" -eq 0 ]
	[ "$output" = task-done ]
	# Step 3: confined by what it did.
	use_profile
	update_config 'del(.annotations["io.containers.trace-syscall"])'
	run noci run tr-e2e-run
	[ "$status" -eq 0 ]
	[ "$output" = task-done ]
	# The copy was private and left the secret out; calls the task never made are refused.
	[ ! -e "$project/result.txt" ]
	update_config '.process.args = ["/bin/sh", "-c", "cat /workspace/.env; nc 127.0.0.1 9 </dev/null; echo nc=$?"]'
	run noci run tr-e2e-deny
	[[ "$output" == *"can't open '/workspace/.env': No such file or directory"* ]]
	[[ "$output" == *"socket: Operation not permitted"* ]]
}
