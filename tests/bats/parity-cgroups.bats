#!/usr/bin/env bats
# Behaviours that engines, Kubernetes and scripts rely on, made to match
# runc's: exec exit codes, paused containers and cgroups; kill, delete and
# ps; cgroup paths, shared and frozen cgroups, device rules and update.

load helpers

setup() {
	setup_bundle
}

# v1 controllers (pure v1 or hybrid) or pure v2.
cgroup_mode() {
	if grep -q ' - cgroup cgroup .*memory' /proc/self/mountinfo; then echo v1; else echo v2; fi
}

@test "parity: a linux.devices node denied by the device rules cannot be opened" {
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438}]
		| .linux.resources.devices = [{"allow": false, "access": "rwm"}]
		| .process.args = ["sh", "-c", "ls -l /dev/kmsg; exec 3>/dev/kmsg && echo wrote"]'
	run noci run pa-dev-deny
	[ "$status" -ne 0 ]
	[[ "$output" == *"/dev/kmsg"* ]]
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" != *wrote* ]]
	# An allow rule for it lets it be opened.
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]
		| .process.args = ["sh", "-c", "exec 3>/dev/kmsg && echo opened"]'
	run noci run pa-dev-deny
	[ "$status" -eq 0 ]
	[[ "$output" == *opened* ]]
}

@test "parity: linux.resources.unified where the controllers are cgroup v1 is an invalid configuration" {
	[ "$(cgroup_mode)" = v1 ] || skip "needs v1 controllers"
	update_config '.linux.resources.unified = {"pids.max": "10"} | .process.args = ["true"]'
	# On this host's layout: a key of a v1 controller.
	run noci run pa-unified
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid configuration: linux.resources.unified: \"pids.max\""*"cgroup v1"* ]]
	[ ! -e "$ROOT/pa-unified" ]
	[ ! -e /sys/fs/cgroup/pids/nucleus-oci/pa-unified ]
	# Without the cgroup2 mount every controller is v1: any key is refused.
	update_config '.linux.resources.unified = {"cgroup.max.descendants": "7"}'
	run unshare -m sh -c "umount -l /sys/fs/cgroup/unified 2>/dev/null; $NUCLEUS_OCI --root $ROOT run pa-unified"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid configuration: linux.resources.unified: cannot be used"*"all cgroup v1"* ]]
	[ ! -e "$ROOT/pa-unified" ]
	[ ! -e /sys/fs/cgroup/pids/nucleus-oci/pa-unified ]
}

@test "parity: a systemd-looking cgroupsPath is a plain directory name to the cgroupfs driver" {
	update_config '.linux.cgroupsPath = "test.slice:cri-containerd:pa-slice"
		| .process.args = ["sleep", "100"]'
	noci run -d pa-slice 3>&-
	pid=$(noci state pa-slice | jq -r .pid)
	grep -q ":/nucleus-oci/test.slice:cri-containerd:pa-slice\$" /proc/$pid/cgroup
	if [ "$(cgroup_mode)" = v1 ]; then
		grep -qx "$pid" "/sys/fs/cgroup/pids/nucleus-oci/test.slice:cri-containerd:pa-slice/cgroup.procs"
	fi
	noci delete --force pa-slice
	! ls -d /sys/fs/cgroup/*/nucleus-oci/test.slice:cri-containerd:pa-slice 2>/dev/null
}

@test "parity: update takes flags after the ID and device rules with any access string" {
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438}]
		| .linux.resources.pids = {"limit": 20}
		| .process.args = ["sleep", "100"]'
	noci run -d pa-update 3>&-
	noci update pa-update --pids-limit 100
	pid=$(noci state pa-update | jq -r .pid)
	cg=$(grep '^[0-9]*:pids:' /proc/$pid/cgroup | cut -d: -f3)
	if [ -n "$cg" ]; then
		[ "$(cat /sys/fs/cgroup/pids$cg/pids.max)" = 100 ]
	fi
	noci update --pids-limit 50 pa-update --memory 64M
	[ -z "$cg" ] || [ "$(cat /sys/fs/cgroup/pids$cg/pids.max)" = 50 ]
	run noci update pa-update extra
	[ "$status" -ne 0 ]
	[[ "$output" == *"exactly one argument"* ]]
	# Access strings in any order; "wr" denies opening for writing.
	noci update -r - pa-update <<<'{"devices": [{"allow": true, "access": "mrw"},
		{"allow": false, "type": "c", "major": 1, "minor": 11, "access": "wr"}]}'
	run noci exec pa-update sh -c 'exec 3>/dev/kmsg && echo opened'
	[ "$status" -ne 0 ]
	[[ "$output" != *opened* ]]
	noci update -r - pa-update <<<'{"devices": [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "wr"}]}'
	run noci exec pa-update sh -c 'exec 3>/dev/kmsg && echo opened'
	[ "$status" -eq 0 ]
	[[ "$output" == *opened* ]]
	# An empty access set matches nothing; the rest of the update applies.
	noci update -r - pa-update <<<'{"devices": [{"allow": false, "type": "c", "major": 1, "minor": 3, "access": ""}]}'
	noci exec pa-update sh -c 'echo x > /dev/null'
	run noci exec pa-update sh -c 'exec 3>/dev/kmsg && echo opened'
	[[ "$output" != *opened* ]]
}

@test "parity: exec exits 255 when the runtime fails, with the process's status otherwise" {
	update_config '.process.args = ["sleep", "100"]'
	noci run -d pa-exit 3>&-
	run noci exec pa-nosuch true
	[ "$status" -eq 255 ]
	[[ "$output" == *'container "pa-nosuch" does not exist'* ]]
	run noci exec pa-exit /no/such/program
	[ "$status" -eq 255 ]
	[[ "$output" == *"no such file or directory"* ]]
	run noci exec --pid-file "$BATS_TEST_TMPDIR/no/dir/pid" pa-exit true
	[ "$status" -eq 255 ]
	[[ "$output" == *"$BATS_TEST_TMPDIR/no/dir/pid"* ]]
	run noci exec pa-exit sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run noci exec pa-exit sh -c 'exit 255'
	[ "$status" -eq 255 ]
	[ -z "$output" ]
	run noci exec pa-exit sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ]
}

@test "parity: exec into a paused container is refused (255) unless --ignore-paused" {
	update_config '.process.args = ["sleep", "100"]'
	noci run -d pa-paused 3>&-
	noci pause pa-paused
	run noci exec pa-paused true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot exec in a paused container (use --ignore-paused to override)"* ]]
	# Honoured: the process is started and runs once the container resumes.
	noci exec --ignore-paused -d --pid-file "$BATS_TEST_TMPDIR/pid" pa-paused \
		sh -c 'echo ran > /dev/shm/ran; sleep 100' 3>&- &
	# It joins the freezer last, so once ps lists it it cannot have run.
	for i in $(seq 100); do
		[ "$(noci ps --format json pa-paused | jq length)" -eq 2 ] && break
		sleep 0.05
	done
	[ "$(noci ps --format json pa-paused | jq length)" -eq 2 ]
	[ "$(status_of pa-paused)" = paused ]
	init=$(noci state pa-paused | jq -r .pid)
	[ ! -e /proc/$init/root/dev/shm/ran ]
	noci resume pa-paused
	wait $!
	for i in $(seq 100); do [ -s /proc/$init/root/dev/shm/ran ] && break; sleep 0.05; done
	[ "$(cat /proc/$init/root/dev/shm/ran)" = ran ]
}

@test "parity: exec --cgroup runs the process in a sub-cgroup; .. is refused" {
	[ "$(cgroup_mode)" = v1 ] || skip "v1 controller:sub form"
	update_config '.process.args = ["sleep", "100"] | .linux.cgroupsPath = "/pa-excg"'
	noci run -d pa-excg 3>&-
	mkdir /sys/fs/cgroup/memory/pa-excg/sub /sys/fs/cgroup/pids/pa-excg/sub
	run noci exec --cgroup memory:sub pa-excg cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	grep -qx '[0-9]*:memory:/pa-excg/sub' <<<"$output" || grep -qx '[0-9]*:memory:/sub' <<<"$output"
	grep -q ':pids:/\(pa-excg\)\?$' <<<"$output"
	run noci exec --cgroup memory:sub --cgroup pids:/sub pa-excg cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	grep -q ':pids:.*/sub$' <<<"$output"
	grep -q ':memory:.*/sub$' <<<"$output"
	run noci exec --cgroup memory:../x pa-excg true
	[ "$status" -eq 255 ]
	[[ "$output" == *'--cgroup "memory:../x": not a sub-cgroup path'* ]]
	run noci exec --cgroup sub/../../x pa-excg true
	[ "$status" -eq 255 ]
	[[ "$output" == *"not a sub-cgroup path"* ]]
	run noci exec --cgroup nosuchctl:sub pa-excg true
	[ "$status" -eq 255 ]
	[[ "$output" == *'unknown controller "nosuchctl"'* ]]
	run noci exec --cgroup memory:nosuch pa-excg true
	[ "$status" -eq 255 ]
	[[ "$output" == *"/sys/fs/cgroup/memory/pa-excg/nosuch/"* ]]
	noci delete --force pa-excg
	rmdir /sys/fs/cgroup/memory/pa-excg/sub /sys/fs/cgroup/pids/pa-excg/sub 2>/dev/null || true
	for d in /sys/fs/cgroup/*/pa-excg; do [ ! -d "$d" ] || rmdir "$d"; done
}

@test "parity: the exec'd process is in the init's cgroups and cgroup namespace" {
	update_config '.process.args = ["sleep", "100"]'
	noci run -d pa-samecg 3>&-
	init=$(noci state pa-samecg | jq -r .pid)
	run noci exec pa-samecg cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[ "$output" = "$(noci exec pa-samecg cat /proc/1/cgroup)" ]
	[[ "$output" == *"memory:/"* || "$output" == "0::/" ]]
	noci exec -d --pid-file "$BATS_TEST_TMPDIR/pid" pa-samecg sleep 100
	xpid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$(readlink /proc/$xpid/ns/cgroup)" = "$(readlink /proc/$init/ns/cgroup)" ]
	[ "$(cat /proc/$xpid/cgroup)" = "$(cat /proc/$init/cgroup)" ]
}

# A seccomp notify agent on $SOCK answering $1; its state goes to $2.
start_agent() {
	local agent
	agent=$(dirname "$NUCLEUS_OCI")/tests/agents/seccomp-agent
	[ -x "$agent" ] || { echo "not built: make tests/agents/seccomp-agent" >&2; return 1; }
	SOCK="$BATS_TEST_TMPDIR/agent.sock"
	"$agent" "$SOCK" "$2" "$1" 3>&- &
	AGENT_PID=$!
	for i in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
	[ -S "$SOCK" ]
}

@test "parity: SCMP_ACT_NOTIFY works for exec'd processes, noNewPrivileges true and false" {
	for nnp in true false; do
		start_agent errno:28 "$BATS_TEST_TMPDIR/init.state"
		update_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\",
				\"listenerPath\": \"$SOCK\",
				\"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}
			| .process.noNewPrivileges = $nnp | .root.readonly = false
			| .process.args = [\"sleep\", \"100\"]"
		noci run -d pa-notify 3>&-
		[ "$(jq -r .state.id "$BATS_TEST_TMPDIR/init.state")" = pa-notify ]
		# The init's agent took its fd and left the socket path: a second one
		# listens there for the exec'd process.
		start_agent errno:28 "$BATS_TEST_TMPDIR/exec.state"
		run noci exec pa-notify sh -c 'grep ^NoNewPrivs: /proc/self/status; mkdir /tmp/d; echo rc=$?'
		[ "$status" -eq 0 ]
		[[ "$output" == *"No space left on device"* ]]
		[[ "$output" == *"rc=1"* ]]
		if [ "$nnp" = true ]; then
			[[ "$output" == *"NoNewPrivs:	1"* ]]
		else
			[[ "$output" == *"NoNewPrivs:	0"* ]]
		fi
		[ "$(jq -r .state.id "$BATS_TEST_TMPDIR/exec.state")" = pa-notify ]
		# pid is the exec'd process's (a host pid), state.pid the init's.
		[ "$(jq .state.pid "$BATS_TEST_TMPDIR/exec.state")" = "$(noci state pa-notify | jq .pid)" ]
		[ "$(jq .pid "$BATS_TEST_TMPDIR/exec.state")" != "$(jq .state.pid "$BATS_TEST_TMPDIR/exec.state")" ]
		[ "$(jq -c .fds "$BATS_TEST_TMPDIR/exec.state")" = '["seccompFd"]' ]
		grep -qx 'mkdir\(at\)\?' "$BATS_TEST_TMPDIR/exec.state.log"
		noci delete --force pa-notify
		wait
	done
}

@test "parity: kill --all, ps and delete --force reach the sub-cgroups a container made" {
	[ "$(cgroup_mode)" = v1 ] || skip "v1 hierarchies"
	# No pid namespace: only the runtime's kill can end the moved process.
	update_config '.mounts |= map(if .type == "cgroup" then .options = ["nosuid", "noexec", "nodev", "rw"] else . end)
		| .linux.namespaces |= map(select(.type != "pid"))
		| .linux.cgroupsPath = "/pa-subcg"
		| .process.args = ["sh", "-c", "for d in /sys/fs/cgroup/*/; do mkdir -p $d/sub/deeper; done; sleep 100 & for d in /sys/fs/cgroup/*/; do echo $! > $d/sub/deeper/cgroup.procs; done 2>/dev/null; echo $! > /dev/shm/t; mv /dev/shm/t /dev/shm/subpid; sleep 100"]'
	noci run -d pa-subcg 3>&-
	init=$(noci state pa-subcg | jq -r .pid)
	for i in $(seq 100); do [ -s /proc/$init/root/dev/shm/subpid ] && break; sleep 0.05; done
	sub=$(cat /proc/$init/root/dev/shm/subpid)
	grep -q ":memory:/pa-subcg/sub/deeper\$" /proc/$sub/cgroup
	! grep -qx "$sub" /sys/fs/cgroup/memory/pa-subcg/cgroup.procs
	noci ps --format json pa-subcg | jq -e "index($sub) != null"
	noci kill --all pa-subcg STOP
	# the signal is queued; the process stops when it next runs
	for i in $(seq 100); do grep -q '^State:.*stopped' /proc/$sub/status && break; sleep 0.05; done
	grep -q '^State:.*stopped' /proc/$sub/status
	noci kill --all pa-subcg CONT
	noci delete --force pa-subcg
	for i in $(seq 100); do [ -e /proc/$sub ] || break; sleep 0.05; done
	[ ! -e /proc/$sub ]
	! ls -d /sys/fs/cgroup/*/pa-subcg 2>/dev/null
}

@test "parity: kill ID 0 checks liveness; ps right after the container stopped" {
	update_config '.process.args = ["sleep", "100"]'
	noci run -d pa-kill0 3>&-
	noci kill pa-kill0 0
	[ "$(status_of pa-kill0)" = running ]
	noci kill pa-kill0 KILL
	# As runc: an empty list, not an error, whether the cgroup still
	# holds the exiting process or not.
	run noci ps pa-kill0
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID*CMD* ]]
	wait_status pa-kill0 stopped
	run noci kill pa-kill0 0
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
	run noci ps pa-kill0
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == *PID*CMD* ]]
	run noci ps --format json pa-kill0
	[ "$status" -eq 0 ]
	[ "$output" = "[]" ]
}

@test "parity: run into a cgroup that has processes warns and goes on; delete leaves the others" {
	update_config '.linux.cgroupsPath = "/pa-shared" | .process.args = ["sleep", "100"]'
	noci run -d pa-shared1 3>&-
	other=$(noci state pa-shared1 | jq -r .pid)
	noci run -d pa-shared2 3>&- </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err"
	grep -q "warning.*pa-shared is not empty" "$BATS_TEST_TMPDIR/err"
	[ "$(status_of pa-shared2)" = running ]
	mine=$(noci state pa-shared2 | jq -r .pid)
	noci exec -d pa-shared2 sleep 100 </dev/null >/dev/null 2>&1
	[ "$(noci ps --format json pa-shared2 | jq length)" -eq 3 ]
	# Only the second container's processes go; the cgroup stays for the first.
	noci kill --all pa-shared2 KILL
	for i in $(seq 100); do [ -e /proc/$mine ] || break; sleep 0.05; done
	[ ! -e /proc/$mine ]
	noci delete --force pa-shared2
	kill -0 "$other"
	[ "$(status_of pa-shared1)" = running ]
	[ "$(noci ps --format json pa-shared1 | jq length)" -eq 1 ]
	noci delete --force pa-shared1
	! ls -d /sys/fs/cgroup/*/pa-shared 2>/dev/null
}

@test "parity: run into a frozen cgroup is refused clearly and leaves nothing" {
	[ "$(cgroup_mode)" = v1 ] || skip "v1 freezer"
	mkdir /sys/fs/cgroup/freezer/pa-frozen
	echo FROZEN >/sys/fs/cgroup/freezer/pa-frozen/freezer.state
	update_config '.linux.cgroupsPath = "/pa-frozen" | .process.args = ["true"]'
	run timeout 20 "$NUCLEUS_OCI" --root "$ROOT" run pa-frozen
	echo THAWED >/sys/fs/cgroup/freezer/pa-frozen/freezer.state
	rmdir /sys/fs/cgroup/freezer/pa-frozen
	[ "$status" -eq 1 ]
	[[ "$output" == *"cgroup /pa-frozen is frozen"* ]]
	[ ! -e "$ROOT/pa-frozen" ]
	! ls -d /sys/fs/cgroup/*/pa-frozen 2>/dev/null
	# A new cgroup under a frozen parent is frozen too.
	mkdir /sys/fs/cgroup/freezer/pa-frozen
	echo FROZEN >/sys/fs/cgroup/freezer/pa-frozen/freezer.state
	update_config '.linux.cgroupsPath = "/pa-frozen/inner"'
	run timeout 20 "$NUCLEUS_OCI" --root "$ROOT" run pa-frozen
	echo THAWED >/sys/fs/cgroup/freezer/pa-frozen/freezer.state
	rmdir /sys/fs/cgroup/freezer/pa-frozen/inner 2>/dev/null || true
	rmdir /sys/fs/cgroup/freezer/pa-frozen
	[ "$status" -eq 1 ]
	[[ "$output" == *"cgroup /pa-frozen/inner is frozen (its parent is)"* ]]
	[ ! -e "$ROOT/pa-frozen" ]
	! ls -d /sys/fs/cgroup/*/pa-frozen/inner 2>/dev/null
	for d in /sys/fs/cgroup/*/pa-frozen; do [ ! -d "$d" ] || rmdir "$d"; done
}
