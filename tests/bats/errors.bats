#!/usr/bin/env bats
# Every error path: a clear message naming the object, a status below 128,
# and nothing left behind (state dir, mount, process).

load helpers

setup() {
	setup_bundle
	update_config '.process.args = ["sleep", "1000"]'
}

nothing_left() {
	[ ! -e "$ROOT/${1:-c1}" ]
	assert_no_mounts
	! pgrep -f "nucleus-oci.*$ROOT" >/dev/null
}

@test "broken JSON in config.json" {
	echo '{"ociVersion": "1.3.0", "process": ' >"$BUNDLE/config.json"
	run noci create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == config.json:* ]]
	nothing_left
}

@test "a wrong type names the JSON path" {
	update_config '.process.args = "sh"'
	run noci create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json: process.args: expected an array of strings"* ]]
	nothing_left
}

@test "empty args, relative cwd and relative mount destination are refused" {
	update_config '.process.args = []'
	run noci create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.args"* ]]
	update_config '.process.args = ["true"] | .process.cwd = "tmp"'
	run noci create --bundle "$BUNDLE" c1
	[[ "$output" == *"process.cwd"* ]]
	update_config '.process.cwd = "/" | .mounts[0].destination = "proc"'
	run noci create --bundle "$BUNDLE" c1
	[[ "$output" == *"mounts[0].destination"* ]]
	nothing_left
}

@test "missing config.json" {
	rm "$BUNDLE/config.json"
	run noci create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json"*"No such file or directory"* ]]
	nothing_left
}

@test "missing rootfs" {
	rm -rf "$BUNDLE/rootfs"
	run noci create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"rootfs"*"rootfs"*"No such file or directory"* ]]
	nothing_left
}

@test "bad container IDs" {
	for id in "a/b" ".." "." "with space" 'x$y'; do
		run noci create --bundle "$BUNDLE" "$id"
		[ "$status" -eq 1 ]
		[[ "$output" == *"invalid container ID"* ]]
	done
	[ ! -d "$ROOT" ] || [ -z "$(ls "$ROOT")" ]
}

@test "duplicate ID" {
	noci create --bundle "$BUNDLE" c1
	run noci create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "c1" already exists'* ]]
	[ "$(status_of c1)" = "created" ]
}

@test "operations on a container that does not exist" {
	for cmd in start state delete kill; do
		run noci $cmd nope
		[ "$status" -eq 1 ]
		[[ "$output" == *'container "nope" does not exist'* ]]
	done
}

# Engines clean up with delete --force after a failed create: as runc, no error then.
@test "delete --force of a container that does not exist succeeds silently" {
	run noci delete --force nope
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run noci --log "$BATS_TEST_TMPDIR/log.json" --log-format json delete --force nope
	[ "$status" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/log.json" ]
}

@test "start twice" {
	noci create --bundle "$BUNDLE" c1
	noci start c1
	run noci start c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"not in created state"* ]]
}

@test "kill a stopped container" {
	update_config '.process.args = ["true"]'
	noci create --bundle "$BUNDLE" c1
	noci start c1
	wait_status c1 stopped
	run noci kill c1 KILL
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
}

@test "delete a running container without --force" {
	noci run -d --bundle "$BUNDLE" c1
	run noci delete c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"not stopped"* ]]
	[ "$(status_of c1)" = "running" ]
}

@test "invalid signal names" {
	noci create --bundle "$BUNDLE" c1
	for sig in FOO SIGFOO 65 -1; do
		run noci kill c1 "$sig"
		[ "$status" -eq 1 ]
		[[ "$output" == *"invalid signal"* ]]
	done
	[ "$(status_of c1)" = "created" ]
}

@test "an executable that does not exist fails create" {
	update_config '.process.args = ["no-such-binary"]'
	run noci create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *'exec: "no-such-binary": executable file not found in $PATH'* ]]
	nothing_left
}

@test "a failing mount is reported with its destination and leaves nothing behind" {
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/no/such/dir", "options": ["bind"]}]'
	run noci create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"/mnt"*"/no/such/dir"* ]]
	nothing_left
	! ls -d /sys/fs/cgroup/pids/nucleus-oci/c1 2>/dev/null
}

@test "a bad namespace path fails cleanly" {
	update_config '.linux.namespaces += [{"type": "ipc", "path": "/no/such/ns"}] | .linux.namespaces |= (map(select(.type != "ipc" or .path)))'
	run noci create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"/no/such/ns"* ]]
	nothing_left
}

@test "an rlimit above the hard limit fails with its name" {
	hard=$(ulimit -Hn)
	update_config ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"hard\": $((hard + 1)), \"soft\": $((hard + 1))}]"
	run noci create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"setrlimit RLIMIT_NOFILE: Operation not permitted"* ]]
	nothing_left
}

@test "terminal without --console-socket and the reverse" {
	update_config '.process.terminal = true'
	run noci create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"terminal"* ]]
	update_config '.process.terminal = false'
	run noci create --bundle "$BUNDLE" --console-socket /tmp/nope.sock c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"console-socket"* ]]
	nothing_left
}

@test "50 parallel creates of one ID: exactly one wins" {
	for i in $(seq 50); do
		(noci create --bundle "$BUNDLE" same >"$BATS_TEST_TMPDIR/out.$i" 2>&1; echo $? >"$BATS_TEST_TMPDIR/rc.$i") &
	done
	wait
	[ "$(cat "$BATS_TEST_TMPDIR"/rc.* | grep -c '^0$')" -eq 1 ]
	[ "$(grep -l 'already exists' "$BATS_TEST_TMPDIR"/out.* | wc -l)" -eq 49 ]
	[ "$(status_of same)" = "created" ]
}
