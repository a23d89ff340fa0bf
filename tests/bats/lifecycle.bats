#!/usr/bin/env bats
# The container lifecycle: run, create/start/state/kill/delete, list.

load helpers

setup() {
	setup_bundle
}

@test "run /bin/true exits 0" {
	update_config '.process.args = ["/bin/true"]'
	run noci run t1
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/t1" ]
}

@test "run propagates the exit status" {
	update_config '.process.args = ["sh", "-c", "exit 7"]'
	run noci run t1
	[ "$status" -eq 7 ]
}

@test "run reports 128+signal for a killed process" {
	update_config '.process.args = ["sleep", "1000"]'
	(set +e; noci run t1; echo $? >"$BATS_TEST_TMPDIR/rc") 3>&- &
	bg=$!
	wait_status t1 running
	noci kill t1 KILL
	wait $bg || true
	for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/rc" ] && break; sleep 0.1; done
	[ "$(cat "$BATS_TEST_TMPDIR/rc")" -eq 137 ]
}

@test "run: the process sees its namespaces, hostname and mounts" {
	update_config '.process.args = ["sh", "-c", "hostname; echo pid=$$; cat /proc/self/mountinfo"]'
	run noci run t1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "nucleus" ]
	[ "${lines[1]}" = "pid=1" ]
	[[ "$output" == *" /proc rw"* ]]
	[[ "$output" == *" /dev/pts "* ]]
	[[ "$output" == *" /sys/fs/cgroup "* ]]
}

@test "run: PATH lookup uses the container's env" {
	update_config '.process.args = ["echo", "found"]'
	run noci run t1
	[ "$status" -eq 0 ]
	[ "$output" = "found" ]
}

@test "create, state, start, kill, delete" {
	update_config '.process.args = ["sleep", "1000"]'
	noci create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" c1
	run noci state c1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .status)" = "created" ]
	pid=$(echo "$output" | jq -r .pid)
	[ "$pid" -gt 1 ]
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$pid" ]
	[ "$(echo "$output" | jq -r .bundle)" = "$BUNDLE" ]
	[ "$(echo "$output" | jq -r .ociVersion)" = "1.3.0" ]
	# the pid file holds digits only, no newline
	[ "$(wc -c <"$BATS_TEST_TMPDIR/pid")" -eq "${#pid}" ]

	noci start c1
	[ "$(status_of c1)" = "running" ]
	[ "$(readlink /proc/$pid/exe)" != "" ]

	noci kill c1 KILL
	wait_status c1 stopped
	noci delete c1
	run noci state c1
	[ "$status" -ne 0 ]
	[[ "$output" == *'container "c1" does not exist'* ]]
	assert_no_mounts
}

@test "the init waits for start: the process has not run after create" {
	update_config '.process.args = ["sh", "-c", "echo ran > /tmp/ran; sleep 1000"]'
	update_config '.root.readonly = false'
	noci create --bundle "$BUNDLE" c1
	sleep 0.3
	[ ! -e "$BUNDLE/rootfs/tmp/ran" ]
	noci start c1
	for i in $(seq 50); do [ -e "$BUNDLE/rootfs/tmp/ran" ] && break; sleep 0.1; done
	[ -e "$BUNDLE/rootfs/tmp/ran" ]
}

@test "kill accepts numeric and named signals, with or without SIG" {
	update_config '.process.args = ["sh", "-c", "trap \"exit 3\" USR1; trap \"exit 4\" TERM; while true; do sleep 0.1; done"]'
	for sig in USR1 SIGUSR1 10; do
		noci create --bundle "$BUNDLE" k1
		noci start k1
		sleep 0.3
		noci kill k1 "$sig"
		wait_status k1 stopped
		noci delete k1
	done
	# default signal is TERM
	noci create --bundle "$BUNDLE" k2
	noci start k2
	sleep 0.3
	noci kill k2
	wait_status k2 stopped
	noci delete k2
}

@test "kill --all signals every process of the container" {
	update_config '.process.args = ["sh", "-c", "sleep 1000 & sleep 1000"]'
	noci create --bundle "$BUNDLE" c1
	noci start c1
	sleep 0.2
	noci kill --all c1 KILL
	wait_status c1 stopped
	noci delete c1
}

@test "kill --all reaches what is left in the cgroup once the init has exited" {
	# No pid namespace of its own (as a container in a pod's): the init's child outlives it.
	update_config '.linux.namespaces |= map(select(.type != "pid"))
		| .root.readonly = false | .process.args = ["sh", "-c", "sleep 1000 & echo $! >/tmp/child"]'
	noci run -d --bundle "$BUNDLE" cri-kall1
	wait_status cri-kall1 stopped
	child=$(cat "$BUNDLE/rootfs/tmp/child")
	[ "$(awk '{ print $3 }' "/proc/$child/stat")" = S ]
	noci kill --all cri-kall1 KILL
	for i in $(seq 50); do
		st=$(awk '{ print $3 }' "/proc/$child/stat" 2>/dev/null) || break
		[ "$st" = Z ] && break
		sleep 0.1
	done
	[ ! -e "/proc/$child" ] || [ "$(awk '{ print $3 }' "/proc/$child/stat")" = Z ]
	noci delete cri-kall1
}

@test "run --detach leaves the container running" {
	update_config '.process.args = ["sleep", "1000"]'
	noci run --detach --bundle "$BUNDLE" d1
	[ "$(status_of d1)" = "running" ]
	noci delete --force d1
	[ ! -e "$ROOT/d1" ]
}

@test "delete --force kills a running container and removes its cgroup" {
	update_config '.process.args = ["sleep", "1000"]'
	noci run -d --bundle "$BUNDLE" f1
	cg=$(noci state f1 >/dev/null; jq -r .nucleus.cgroupPath "$ROOT/f1/state.json")
	[ -d "/sys/fs/cgroup/pids$cg" ]
	pid=$(noci state f1 | jq .pid)
	noci delete --force f1
	[ ! -d "/sys/fs/cgroup/pids$cg" ]
	[ ! -d "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"
}

@test "delete of a created container removes it" {
	update_config '.process.args = ["true"]'
	noci create --bundle "$BUNDLE" c1
	pid=$(noci state c1 | jq .pid)
	noci delete c1
	[ ! -e "$ROOT/c1" ]
	sleep 0.1
	[ ! -d "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"
}

@test "list shows containers as a table, json and quiet" {
	update_config '.process.args = ["sleep", "1000"]'
	noci create --bundle "$BUNDLE" a1
	noci run -d --bundle "$BUNDLE" a2
	run noci list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == ID* ]]
	[[ "$output" == *"a1"*"created"* ]]
	[[ "$output" == *"a2"*"running"* ]]
	run noci list -q
	[ "${lines[0]}" = "a1" ]
	[ "${lines[1]}" = "a2" ]
	run noci list --format json
	[ "$(echo "$output" | jq -r '.[1].status')" = "running" ]
	[ "$(echo "$output" | jq -r '.[0].id')" = "a1" ]
	# "created" is RFC 3339 UTC with nanoseconds, the time of the create
	created=$(echo "$output" | jq -r '.[0].created')
	[[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$ ]]
	secs=$(date -u -d "${created%.*}Z" +%s)
	now=$(date -u +%s)
	[ "$secs" -le "$now" ] && [ "$secs" -gt $((now - 600)) ]
}

@test "state reports stopped once the process exits" {
	update_config '.process.args = ["true"]'
	noci create --bundle "$BUNDLE" s1
	noci start s1
	wait_status s1 stopped
	[ "$(noci state s1 | jq .pid)" = "0" ]
}

@test "user, cwd, env and umask are applied" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5, 7], "umask": 63}'
	update_config '.process.cwd = "/tmp" | .process.env += ["FOO=bar"]'
	update_config '.process.args = ["sh", "-c", "id -u; id -g; id -G; pwd; echo $FOO; umask"]'
	run noci run t1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1000" ]
	[ "${lines[1]}" = "1000" ]
	[ "${lines[2]}" = "1000 5 7" ]
	[ "${lines[3]}" = "/tmp" ]
	[ "${lines[4]}" = "bar" ]
	[ "${lines[5]}" = "0077" ]
}

@test "root.readonly makes / read-only" {
	update_config '.process.args = ["sh", "-c", "touch /x"]'
	run noci run t1
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	update_config '.root.readonly = false | .process.args = ["sh", "-c", "touch /x && echo ok"]'
	run noci run t2
	[ "$output" = "ok" ]
}

@test "--no-pivot runs the container with MS_MOVE and chroot" {
	update_config '.process.args = ["sh", "-c", "cat /etc/passwd | head -1"]'
	run noci run --no-pivot t1
	[ "$status" -eq 0 ]
	[ "$output" = "root:x:0:0:root:/root:/bin/sh" ]
}

@test "a user namespace with mappings" {
	update_config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	update_config '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map"]'
	update_config 'del(.linux.resources)'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	# the mapped root must be able to reach the bundle
	d=$BUNDLE; while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
	run noci run t1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0" ]
	[[ "${lines[1]}" == *"0"*"100000"*"65536"* ]]
}

@test "a time namespace with offsets" {
	update_config '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}, "boottime": {"secs": 172800, "nanosecs": 0}}'
	update_config '.process.args = ["cat", "/proc/uptime"]'
	run noci run t1
	[ "$status" -eq 0 ]
	up=${output%%.*}
	[ "$up" -gt 172800 ]
}

@test "joining an existing namespace by path" {
	unshare --uts --fork sh -c 'hostname joined-uts; sleep 100' &
	upid=$!
	sleep 0.3
	child=$(pgrep -P $upid || true)
	[ -n "$child" ]
	update_config 'del(.hostname) | .linux.namespaces = [.linux.namespaces[] | if .type == "uts" then .path = "/proc/'"$child"'/ns/uts" else . end]'
	update_config '.process.args = ["hostname"]'
	run noci run t1
	kill $upid $child || true
	[ "$status" -eq 0 ]
	[ "$output" = "joined-uts" ]
}
