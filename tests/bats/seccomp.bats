#!/usr/bin/env bats
# linux.seccomp: every action, every argument comparison, the flags, the
# notify listener with a live agent, the default profile of `spec --seccomp`.

load helpers

AGENT=${SECCOMP_AGENT:-$(dirname "$NUCLEUS_OCI")/tests/agents/seccomp-agent}

setup() {
	setup_bundle
	update_config '.root.readonly = false'
}

# A filter allowing everything but one rule: seccomp_rule NAMES ACTION [EXTRA-JQ]
seccomp_rule() {
	update_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\",
		\"syscalls\": [{\"names\": $1, \"action\": \"$2\" ${3:+, $3}}]}"
}

run_sh() {
	update_config ".process.args = [\"sh\", \"-c\", $(jq -Rn --arg s "$1" '$s')]"
	run noci run "sc-$BATS_TEST_NUMBER"
}

@test "seccomp: no filter without linux.seccomp, mode 2 with one" {
	run_sh 'grep ^Seccomp: /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:	0"* ]]
	seccomp_rule '["mkdir"]' SCMP_ACT_ERRNO
	run_sh 'grep ^Seccomp: /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:	2"* ]]
}

@test "seccomp: SCMP_ACT_ERRNO returns EPERM, or errnoRet when given" {
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_ERRNO
	run_sh 'mkdir /tmp/d; echo rc=$?'
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *"rc=1"* ]]
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_ERRNO '"errnoRet": 28'
	run_sh 'mkdir /tmp/d; echo rc=$?'
	[[ "$output" == *"No space left on device"* ]]
	[ ! -d rootfs/tmp/d ]
}

@test "seccomp: defaultAction SCMP_ACT_ERRNO with defaultErrnoRet, an allowlist and unknown names skipped" {
	allow=$(jq -c '.syscalls[0].names + ["socket", "clone", "no_such_syscall_at_all"]' \
		"$BATS_TEST_DIRNAME/../../contrib/seccomp/default.json")
	allow=$(echo "$allow" | jq -c 'map(select(. != "mkdir" and . != "mkdirat"))')
	update_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 13,
		\"syscalls\": [{\"names\": $allow, \"action\": \"SCMP_ACT_ALLOW\"}]}"
	run_sh 'echo allowed; mkdir /tmp/d; echo rc=$?'
	[ "$status" -eq 0 ]
	[[ "$output" == *"allowed"* ]]
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" == *"rc=1"* ]]
}

@test "seccomp: SCMP_ACT_KILL, KILL_PROCESS, KILL_THREAD and TRAP end the caller with SIGSYS" {
	for act in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_TRAP; do
		seccomp_rule '["mkdir", "mkdirat"]' $act
		run_sh 'busybox mkdir /tmp/d; echo "rc=$?"'
		echo "$act: $output"
		[ "$status" -eq 0 ]
		[[ "$output" == *"rc=159"* ]] # 128 + SIGSYS
		[ ! -d rootfs/tmp/d ]
	done
}

@test "seccomp: KILL_THREAD ends only the calling thread, KILL_PROCESS the whole process" {
	tk=$(dirname "$NUCLEUS_OCI")/tests/agents/threadkill
	[ -x "$tk" ] || { echo "not built: make tests/agents/threadkill" >&2; return 1; }
	cp "$tk" rootfs/bin/threadkill
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_KILL_THREAD
	run_sh 'threadkill; echo "rc=$?"'
	echo "KILL_THREAD: $output"
	[[ "$output" == *"main alive"* ]]
	[[ "$output" != *"worker survived"* ]]
	[[ "$output" == *"rc=0"* ]]
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_KILL_PROCESS
	run_sh 'threadkill; echo "rc=$?"'
	echo "KILL_PROCESS: $output"
	[[ "$output" != *"main alive"* ]]
	[[ "$output" == *"rc=159"* ]]
	[ ! -d rootfs/tmp/threadkill ]
}

@test "seccomp: SCMP_ACT_TRACE with no tracer fails the call with ENOSYS" {
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_TRACE
	run_sh 'mkdir /tmp/d; echo rc=$?'
	[[ "$output" == *"Function not implemented"* ]]
	[ ! -d rootfs/tmp/d ]
}

@test "seccomp: SCMP_ACT_LOG and SCMP_ACT_ALLOW let the call run" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"},
		{"names": ["unshare"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28}]}'
	# Everything else: the default profile's allowlist.
	update_config ".linux.seccomp.syscalls += [{\"names\": $(jq -c '.syscalls[0].names + ["clone"]' \
		"$BATS_TEST_DIRNAME/../../contrib/seccomp/default.json"), \"action\": \"SCMP_ACT_ALLOW\"}]"
	before=$(dmesg | grep -c 'comm="mkdir".*code=0x7ffc0000' || true)
	run_sh 'mkdir /tmp/logged && echo made; unshare -u true; echo rc=$?'
	echo "$output"
	# The kernel logged it (SECCOMP_RET_LOG is 0x7ffc0000).
	[ "$(dmesg | grep -c 'comm="mkdir".*code=0x7ffc0000')" -gt "$before" ]
	[ "$status" -eq 0 ]
	[[ "$output" == *"made"* ]]
	[[ "$output" == *"No space left on device"* ]]
	[ -d rootfs/tmp/logged ]
}

# kill(2)'s second argument is the signal: a value the shell controls.
# Harmless signals for a shell: 0 (probe), CHLD 17, CONT 18, URG 23, WINCH 28.
kill_probe='for s in 0 17 18 23 28; do kill -$s $$ 2>/dev/null && echo "$s:ok" || echo "$s:no"; done'

probe_op() {
	seccomp_rule '["kill"]' SCMP_ACT_ERRNO "\"args\": [$1]"
	run_sh "$kill_probe"
	echo "$1 -> $(echo $output)"
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "$2" ]
}

@test "seccomp: each argument comparison operator" {
	probe_op '{"index": 1, "value": 18, "op": "SCMP_CMP_EQ"}' "0:ok 17:ok 18:no 23:ok 28:ok"
	probe_op '{"index": 1, "value": 18, "op": "SCMP_CMP_NE"}' "0:no 17:no 18:ok 23:no 28:no"
	probe_op '{"index": 1, "value": 18, "op": "SCMP_CMP_LT"}' "0:no 17:no 18:ok 23:ok 28:ok"
	probe_op '{"index": 1, "value": 18, "op": "SCMP_CMP_LE"}' "0:no 17:no 18:no 23:ok 28:ok"
	probe_op '{"index": 1, "value": 18, "op": "SCMP_CMP_GT"}' "0:ok 17:ok 18:ok 23:no 28:no"
	probe_op '{"index": 1, "value": 18, "op": "SCMP_CMP_GE"}' "0:ok 17:ok 18:no 23:no 28:no"
	# (sig & 3) == 1: only 17
	probe_op '{"index": 1, "value": 3, "valueTwo": 1, "op": "SCMP_CMP_MASKED_EQ"}' \
		"0:ok 17:no 18:ok 23:ok 28:ok"
}

@test "seccomp: conditions on two arguments must all hold" {
	# kill(1, 18) only: the shell is pid 1; a child's pid differs.
	seccomp_rule '["kill"]' SCMP_ACT_ERRNO \
		'"args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 18, "op": "SCMP_CMP_EQ"}]'
	run_sh 'sleep 100 & c=$!; kill -18 $$ && echo self18:ok || echo self18:no;
		kill -17 $$ && echo self17:ok || echo self17:no;
		kill -18 $c && echo child18:ok || echo child18:no; kill $c'
	[ "$status" -eq 0 ]
	[[ "$output" == *"self18:no"* ]]
	[[ "$output" == *"self17:ok"* ]]
	[[ "$output" == *"child18:ok"* ]]
}

@test "seccomp: filter flags are passed to the kernel" {
	for f in SECCOMP_FILTER_FLAG_TSYNC SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW; do
		seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_ERRNO
		update_config ".linux.seccomp.flags = [\"$f\"]"
		run_sh 'grep ^Seccomp: /proc/self/status; mkdir /tmp/d'
		echo "$f: $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"Seccomp:	2"* ]]
		[[ "$output" == *"Operation not permitted"* ]]
	done
}

@test "seccomp: SPEC_ALLOW leaves speculative store bypass alone, a plain filter mitigates it" {
	grep -q "seccomp" /sys/devices/system/cpu/vulnerabilities/spec_store_bypass ||
		skip "this CPU does not offer SSB mitigation to seccomp"
	seccomp_rule '["mkdir"]' SCMP_ACT_ERRNO
	run_sh 'grep ^Speculation_Store_Bypass: /proc/self/status'
	plain=$output
	update_config '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"]'
	run_sh 'grep ^Speculation_Store_Bypass: /proc/self/status'
	echo "plain: $plain; spec_allow: $output"
	[[ "$output" == *"vulnerable"* ]]
	[ "$plain" != "$output" ]
}

@test "seccomp: the filter is loaded after the user switch (setuid and setgroups denied)" {
	seccomp_rule '["setuid", "setgid", "setresuid", "setresgid", "setgroups", "setreuid", "setregid"]' SCMP_ACT_ERRNO
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5]}'
	for nnp in true false; do
		update_config ".process.noNewPrivileges = $nnp"
		run_sh 'id -u; id -G'
		echo "nnp=$nnp: $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "1000" ]
		[ "${lines[1]}" = "1000 5" ]
	done
}

@test "seccomp: without noNewPrivileges the filter still loads and caps are dropped after" {
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_ERRNO
	update_config '.process.noNewPrivileges = false'
	run_sh 'grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status; mkdir /tmp/d'
	[[ "$output" == *"Seccomp:	2"* ]]
	[[ "$output" == *"NoNewPrivs:	0"* ]]
	[[ "$output" == *"CapEff:	0000000020000420"* ]]
	[[ "$output" == *"Operation not permitted"* ]]
}

start_agent() {
	[ -x "$AGENT" ] || { echo "seccomp agent not built: make tests/agents/seccomp-agent" >&2; return 1; }
	SOCK="$BATS_TEST_TMPDIR/agent.sock"
	STATE="$BATS_TEST_TMPDIR/agent.state"
	"$AGENT" "$SOCK" "$STATE" "$1" 3>&- &
	AGENT_PID=$!
	for i in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
	[ -S "$SOCK" ]
}

@test "seccomp notify: the agent gets the fd and the state, and answers with an errno" {
	start_agent errno:28
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_NOTIFY
	update_config ".linux.seccomp.listenerPath = \"$SOCK\" | .linux.seccomp.listenerMetadata = \"m=\\\"1\\\"\""
	update_config '.annotations = {"org.test": "yes"}'
	run_sh 'mkdir /tmp/d; echo rc=$?'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"No space left on device"* ]]
	[ ! -d rootfs/tmp/d ]
	wait $AGENT_PID
	cat "$STATE"
	[ "$(jq -r .ociVersion "$STATE")" = "1.3.0" ]
	[ "$(jq -c .fds "$STATE")" = '["seccompFd"]' ]
	[ "$(jq -r .metadata "$STATE")" = 'm="1"' ]
	[ "$(jq -r .state.id "$STATE")" = "sc-$BATS_TEST_NUMBER" ]
	[ "$(jq -r .state.status "$STATE")" = "creating" ]
	[ "$(jq -r .state.bundle "$STATE")" = "$BUNDLE" ]
	[ "$(jq -r '.state.annotations["org.test"]' "$STATE")" = "yes" ]
	[ "$(jq .pid "$STATE")" -gt 1 ]
	[ "$(jq .pid "$STATE")" = "$(jq .state.pid "$STATE")" ]
	grep -qx 'mkdir\(at\)\?' "$STATE.log"
}

@test "seccomp notify: the agent can fake success or let the kernel continue" {
	start_agent success
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_NOTIFY
	update_config ".linux.seccomp.listenerPath = \"$SOCK\""
	run_sh 'mkdir /tmp/d && echo rc=$?'
	wait $AGENT_PID
	[[ "$output" == *"rc=0"* ]]
	[ ! -d rootfs/tmp/d ] # answered, never run

	start_agent continue
	update_config ".linux.seccomp.listenerPath = \"$SOCK\""
	run_sh 'mkdir /tmp/d && echo rc=$?'
	wait $AGENT_PID
	[[ "$output" == *"rc=0"* ]]
	[ -d rootfs/tmp/d ]
}

@test "seccomp notify: WAIT_KILLABLE_RECV is accepted with a listener" {
	start_agent errno:28
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_NOTIFY
	update_config ".linux.seccomp.listenerPath = \"$SOCK\" | .linux.seccomp.flags = [\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\", \"SECCOMP_FILTER_FLAG_TSYNC\"]"
	run_sh 'mkdir /tmp/d; echo rc=$?'
	wait $AGENT_PID
	[[ "$output" == *"No space left on device"* ]]
}

@test "seccomp notify: no agent at listenerPath fails create and run with runc's words and leaves nothing" {
	seccomp_rule '["mkdir"]' SCMP_ACT_NOTIFY
	update_config ".linux.seccomp.listenerPath = \"$BATS_TEST_TMPDIR/nobody.sock\""
	update_config '.process.args = ["true"]'
	for cmd in create run; do
		run noci $cmd sc-noagent
		echo "$output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"failed to connect with seccomp agent"*"listenerPath \"$BATS_TEST_TMPDIR/nobody.sock\""*"No such file or directory"* ]]
		[ ! -e "$ROOT/sc-noagent" ]
		[ ! -d /sys/fs/cgroup/pids/nucleus-oci/sc-noagent ]
	done
}

@test "seccomp notify: a notify rule on write is refused with runc's words" {
	seccomp_rule '["mkdir", "write"]' SCMP_ACT_NOTIFY
	update_config ".linux.seccomp.listenerPath = \"$BATS_TEST_TMPDIR/nobody.sock\""
	run_sh 'true'
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"SCMP_ACT_NOTIFY cannot be used for the write syscall"* ]]
	[ ! -e "$ROOT/sc-$BATS_TEST_NUMBER" ]
}

@test "seccomp notify: SCMP_ACT_NOTIFY without listenerPath is an error" {
	seccomp_rule '["mkdir"]' SCMP_ACT_NOTIFY
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath"* ]]
}

@test "spec --seccomp: the default profile denies by default and runs a shell" {
	rm config.json
	noci spec --seccomp
	update_config '.process.terminal = false | .root.readonly = false'
	[ "$(jq -r .linux.seccomp.defaultAction config.json)" = "SCMP_ACT_ERRNO" ]
	run_sh 'grep ^Seccomp: /proc/self/status; mkdir /tmp/ok && echo mkdir:ok;
		unshare -m true || echo unshare:denied; nsenter -t 1 -m true || echo setns:denied'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:	2"* ]]
	[[ "$output" == *"mkdir:ok"* ]]
	[[ "$output" == *"unshare(0x20000): Operation not permitted"* ]]
	[[ "$output" == *"unshare:denied"* ]]
	[[ "$output" == *"setns:denied"* ]]
}

@test "seccomp: calls above the highest the profile names get ENOSYS, others the default errno" {
	sn=$(dirname "$NUCLEUS_OCI")/tests/agents/syscallnr
	[ -x "$sn" ] || { echo "not built: make tests/agents/syscallnr" >&2; return 1; }
	cp "$sn" rootfs/bin/syscallnr
	rm config.json
	noci spec --seccomp
	update_config '.process.terminal = false | .root.readonly = false'
	[ "$(uname -m)" = x86_64 ] || skip "uses x86_64 system call numbers"
	# 1000: above every named call; acct (163) is below and not named
	! jq -r '.linux.seccomp.syscalls[].names[]' config.json | grep -qx acct
	run_sh 'syscallnr 1000 163'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1000: Function not implemented" ]
	[ "${lines[1]}" = "163: Operation not permitted" ]
}

@test "seccomp: architectures are added to the filter; one libseccomp cannot build for is an error" {
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_ERRNO
	update_config '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64"]'
	run_sh 'mkdir /tmp/d'
	[ "$status" -eq 1 ]
	[[ "$output" == *"Operation not permitted"* ]]
	update_config '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_SHEB"]'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"seccomp: architecture SCMP_ARCH_SHEB: not supported by libseccomp"* ]]
	[ ! -e "$ROOT/sc-$BATS_TEST_NUMBER" ]
}

@test "seccomp cache: a compiled profile is kept under --root and reused" {
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_ERRNO '"errnoRet": 28'
	run_sh 'mkdir /tmp/d'
	[[ "$output" == *"No space left on device"* ]]
	[ "$(ls "$ROOT/.seccomp-cache" | wc -l)" -eq 1 ]
	entry=$(ls "$ROOT/.seccomp-cache")
	[ "$(stat -c %a "$ROOT/.seccomp-cache")" = "700" ]
	run_sh 'mkdir /tmp/d'
	[[ "$output" == *"No space left on device"* ]]
	[ "$(ls "$ROOT/.seccomp-cache")" = "$entry" ]
	# Not a container for list.
	run noci list -q
	[ -z "$output" ]
}

@test "seccomp cache: an entry for another profile under our name is not used" {
	# Profile A denies only rmdir; its compiled entry (same size: the stored
	# keys differ by one word) is put where profile B's goes.
	seccomp_rule '["rmdir"]' SCMP_ACT_ERRNO '"errnoRet": 28'
	run_sh 'true'
	a=$(ls "$ROOT/.seccomp-cache")
	seccomp_rule '["mkdir"]' SCMP_ACT_ERRNO '"errnoRet": 28'
	run_sh 'true'
	b=$(ls "$ROOT/.seccomp-cache" | grep -v "^$a\$")
	cp "$ROOT/.seccomp-cache/$a" "$ROOT/.seccomp-cache/$b"
	run_sh 'mkdir /tmp/d'
	[[ "$output" == *"No space left on device"* ]]
	[ ! -d rootfs/tmp/d ]
	# A truncated entry is a miss too.
	head -c 20 "$ROOT/.seccomp-cache/$a" >"$ROOT/.seccomp-cache/$b"
	run_sh 'mkdir /tmp/d'
	[[ "$output" == *"No space left on device"* ]]
}
