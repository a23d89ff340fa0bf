#!/usr/bin/env bats
# nucleus-oci without root: an unprivileged user that the suite makes itself (useradd, a
# range in /etc/subuid and /etc/subgid) runs containers by hand and through rootless
# Podman.  On this hybrid host the user cannot make cgroups: containers without limits
# run without one, limits are refused, and mounts the kernel refuses in a user namespace
# fall back to the host's view.  Everything runs from a directory of the user's own;
# the user's containers, state, Podman storage and processes go at the end.

bats_require_minimum_version 1.5.0
load helpers

RL_USER=noci-rl

setup_file() {
	command -v setpriv >/dev/null || skip "setpriv is not installed (util-linux)"
	id -u "$RL_USER" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$RL_USER"
	if ! grep -q "^$RL_USER:" /etc/subuid || ! grep -q "^$RL_USER:" /etc/subgid; then
		# A range after every range already given out.
		local start
		start=$(cat /etc/subuid /etc/subgid 2>/dev/null |
			awk -F: 'BEGIN { m = 100000 } $2 + $3 > m { m = $2 + $3 } END { print m }')
		grep -q "^$RL_USER:" /etc/subuid || echo "$RL_USER:$start:65536" >>/etc/subuid
		grep -q "^$RL_USER:" /etc/subgid || echo "$RL_USER:$start:65536" >>/etc/subgid
	fi
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	RL_SUB=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subuid)
	RL_DIR=$(mktemp -d /tmp/noci-rl.XXXXXX)
	chmod 755 "$RL_DIR"
	mkdir -p "$RL_DIR"/{xdg,home,bundle/rootfs}
	chmod 700 "$RL_DIR/xdg"
	# The user runs its own copy: the build tree may be in a directory it cannot enter.
	cp "$NUCLEUS_OCI" "$RL_DIR/nucleus-oci"
	chmod 755 "$RL_DIR/nucleus-oci"
	mkdir -p "$RL_DIR/bundle/rootfs"/{bin,proc,sys,dev,etc,tmp,root}
	cp "$BUSYBOX" "$RL_DIR/bundle/rootfs/bin/busybox"
	for app in $("$BUSYBOX" --list); do
		[ -e "$RL_DIR/bundle/rootfs/bin/$app" ] || ln -s busybox "$RL_DIR/bundle/rootfs/bin/$app"
	done
	echo "root:x:0:0:root:/root:/bin/sh" >"$RL_DIR/bundle/rootfs/etc/passwd"
	echo "root:x:0:" >"$RL_DIR/bundle/rootfs/etc/group"
	chown -R "$RL_UID:$RL_GID" "$RL_DIR"
	# This host has no /dev/mqueue; the mqueue fallback binds it.  Made here (and its
	# mount, in the test's private mount namespace) and removed at the end.
	RL_MQ=
	if [ ! -e /dev/mqueue ]; then
		mkdir /dev/mqueue && RL_MQ=made
	fi
	if ! grep -q " /dev/mqueue " /proc/self/mountinfo; then
		mount -t mqueue mqueue /dev/mqueue && RL_MQ="$RL_MQ mounted"
	fi
	export RL_UID RL_GID RL_SUB RL_DIR RL_MQ
}

teardown_file() {
	[ -n "${RL_DIR:-}" ] && [ -d "$RL_DIR" ] || return 0
	rl_podman_cleanup
	for id in $(as_user "$RL_DIR/nucleus-oci" list -q 2>/dev/null); do
		as_user "$RL_DIR/nucleus-oci" delete --force "$id" >/dev/null 2>&1 || true
	done
	grep -o " $RL_DIR[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$RL_DIR"
	[[ "$RL_MQ" != *mounted* ]] || umount /dev/mqueue
	[[ "$RL_MQ" != *made* ]] || rmdir /dev/mqueue
}

setup() {
	B="$RL_DIR/bundle"
	rm -f "$B/config.json"
	as_user "$RL_DIR/nucleus-oci" spec --rootless --bundle "$B"
	rl_config '.process.terminal = false'
}

teardown() {
	local id
	for id in $(as_user "$RL_DIR/nucleus-oci" list -q 2>/dev/null); do
		as_user "$RL_DIR/nucleus-oci" delete --force "$id" >/dev/null 2>&1 || true
	done
	rm -f "$RL_DIR/bundle/config.json"
}

# COMMAND as the unprivileged user, with a clean environment of its own.
as_user() {
	setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups \
		env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$RL_DIR/home" \
		USER="$RL_USER" XDG_RUNTIME_DIR="$RL_DIR/xdg" "$@"
}

# nucleus-oci as the user, with the default (XDG_RUNTIME_DIR) state directory.
rl() {
	as_user "$RL_DIR/nucleus-oci" "$@"
}

# Commands whose container outlives them (create, run -d, exec -d) must not hand it the
# test's output pipe: their errors go to a file shown on failure.
rl_bg() {
	rl "$@" </dev/null >"$RL_DIR/bg.log" 2>&1 || {
		cat "$RL_DIR/bg.log"
		return 1
	}
}

rl_config() {
	jq "$1" "$B/config.json" >"$B/config.json.new"
	mv "$B/config.json.new" "$B/config.json"
	chown "$RL_UID:$RL_GID" "$B/config.json"
}

# run, and keep what was seen for the report of a failing test.
r() {
	run "$@"
	printf '# $ %s\n# status %s\n%s\n' "$*" "$status" "$output"
}

# No state directory and no cgroup of the user's containers is left.
assert_nothing_left() {
	[ -z "$(ls "$RL_DIR/xdg/nucleus-oci" 2>/dev/null)" ]
	[ -z "$(ls -d /sys/fs/cgroup/*/nucleus-oci/rl-* 2>/dev/null)" ]
}

# ---- detection and by-hand use ----------------------------------------------------------

@test "rootless: run as a user makes no cgroup, keeps state under XDG_RUNTIME_DIR, maps the user to root" {
	rl_config '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map /proc/self/setgroups; ls -d /run/x 2>&1; sleep 100"]'
	rl_bg create --bundle "$B" rl-run
	[ -f "$RL_DIR/xdg/nucleus-oci/rl-run/state.json" ]
	[ -z "$(ls -d /sys/fs/cgroup/*/nucleus-oci/rl-run 2>/dev/null)" ]
	r rl state rl-run
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .cgroupPath <<<"$output")" = null ]
	r rl list
	[[ "$output" == *"rl-run "*"created"*"$RL_USER"* ]]
	r rl delete --force rl-run
	[ "$status" -eq 0 ]
	rl_config '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map /proc/self/setgroups"]'
	r rl run --bundle "$B" rl-run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[[ "${lines[1]}" =~ ^\ +0\ +$RL_UID\ +1$ ]]
	# One ID mapped without CAP_SETGID: the kernel takes the gid map only with setgroups denied.
	[ "${lines[2]}" = deny ]
	assert_nothing_left
}

@test "rootless: create, start, exec, ps, kill, delete by hand" {
	rl_config '.process.args = ["sleep", "1000"]'
	rl_bg create --bundle "$B" rl-life
	r rl start rl-life
	[ "$status" -eq 0 ]
	[ "$(rl state rl-life | jq -r .status)" = running ]
	r rl exec rl-life sh -c 'id -u; echo $$; cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[2]}" = "sleep 1000 " ]
	rl_bg exec -d rl-life sleep 500
	r rl ps --format json rl-life
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" -eq 2 ]
	r rl ps rl-life
	[ "$status" -eq 0 ]
	[[ "$output" == *"sleep 1000"* ]]
	[[ "$output" == *"sleep 500"* ]]
	# pid 1 ignores TERM without a handler: --all reaches the exec'd sleep as well.
	r rl kill --all rl-life KILL
	[ "$status" -eq 0 ]
	wait_rl_status rl-life stopped
	r rl delete rl-life
	[ "$status" -eq 0 ]
	r rl state rl-life
	[ "$status" -ne 0 ]
	[[ "$output" == *'container "rl-life" does not exist'* ]]
	assert_nothing_left
}

wait_rl_status() {
	local i
	for i in $(seq 50); do
		[ "$(rl state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

@test "rootless: pause, update and events say the container has no cgroup" {
	rl_config '.process.args = ["sleep", "1000"]'
	rl_bg run -d --bundle "$B" rl-nocg
	for cmd in pause "update --memory 64M" "events --stats"; do
		r rl $cmd rl-nocg
		[ "$status" -ne 0 ]
		[[ "$output" == *'container "rl-nocg" has no cgroup'*"${cmd%% *} needs one"* ]]
	done
	[ "$(rl state rl-nocg | jq -r .status)" = running ]
}

@test "rootless: --rootless overrides the detection, and takes only auto, true or false" {
	r rl --rootless false run --bundle "$B" rl-force
	[ "$status" -ne 0 ]
	[[ "$output" == *"create cgroup /sys/fs/cgroup/"*"/nucleus-oci/rl-force: Permission denied"* ]]
	assert_nothing_left
	r rl --rootless maybe list
	[ "$status" -ne 0 ]
	[[ "$output" == *'--rootless "maybe": expected auto, true or false'* ]]
	rl_config '.process.args = ["true"]'
	r rl --rootless true run --bundle "$B" rl-force
	[ "$status" -eq 0 ]
}

@test "rootless: root of a user namespace that does not own the host is rootless" {
	# What Podman does: the runtime is root of the user's namespace, the config has none.
	rl_config 'del(.linux.uidMappings, .linux.gidMappings) |
		.linux.namespaces |= map(select(.type != "user")) |
		.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map"]'
	r as_user unshare --user --map-root-user "$RL_DIR/nucleus-oci" run --bundle "$B" rl-userns
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[[ "${lines[1]}" =~ ^\ +0\ +$RL_UID\ +1$ ]]
	assert_nothing_left
	r as_user unshare --user --map-root-user "$RL_DIR/nucleus-oci" --rootless false run --bundle "$B" rl-userns
	[ "$status" -ne 0 ]
	[[ "$output" == *"create cgroup"*"Permission denied"* ]]
	assert_nothing_left
}

# ---- cgroups ----------------------------------------------------------------------------

@test "rootless: limits that need a cgroup fail, naming the limit, cgroups and the permission" {
	rl_config '.linux.resources = {"memory": {"limit": 67108864}}'
	r rl run --bundle "$B" rl-limit
	[ "$status" -ne 0 ]
	[[ "$output" == *"rootless container: linux.resources.memory needs a cgroup"* ]]
	[[ "$output" == *"create cgroup /sys/fs/cgroup/"*"rl-limit: Permission denied"* ]]
	[[ "$output" == *"delegated cgroup v2"* ]]
	assert_nothing_left
	rl_config '.linux.resources = {"pids": {"limit": 20}}'
	! rl_bg create --bundle "$B" rl-limit
	output=$(cat "$RL_DIR/bg.log")
	[[ "$output" == *"linux.resources.pids needs a cgroup"* ]]
	assert_nothing_left
	# Device rules are not limits: they cannot be enforced without root, and the
	# host's permissions on the bound nodes apply.
	rl_config '.linux.resources = {"devices": [{"allow": false, "access": "rwm"}]} | .process.args = ["true"]'
	r rl run --bundle "$B" rl-limit
	[ "$status" -eq 0 ]
	assert_nothing_left
}

# ---- mounts and privileges --------------------------------------------------------------

@test "rootless: sysfs is the host's, read-only, without a network namespace of its own" {
	rl_config '.mounts |= map(if .destination == "/sys" then
			{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
		else . end) |
		.process.args = ["sh", "-c", "ls /sys/kernel >/dev/null && echo sys-ok; touch /sys/x 2>&1; ls /sys/class/net"]'
	r rl --debug run --bundle "$B" rl-sysfs
	[ "$status" -eq 0 ]
	[[ "$output" == *"mount /sys (type sysfs): Operation not permitted; binding the host's /sys instead"* ]]
	[[ "$output" == *sys-ok* ]]
	[[ "$output" == *"Read-only file system"* ]]
	# With a network namespace of its own the container gets a real sysfs: its only
	# interface is its own loopback.
	rl_config '.linux.namespaces += [{"type": "network"}]'
	r rl --debug run --bundle "$B" rl-sysfs
	[ "$status" -eq 0 ]
	[[ "$output" != *"binding the host's /sys"* ]]
	[ "${lines[-1]}" = lo ]
}

@test "rootless: device nodes are the host's, bound" {
	rl_config '.process.args = ["sh", "-c", "stat -c \"%t:%T %F\" /dev/null /dev/zero /dev/full /dev/tty; echo x >/dev/null && head -c 3 /dev/zero | wc -c; grep -c \" /dev/null \" /proc/self/mountinfo"]'
	r rl run --bundle "$B" rl-dev
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1:3 character special file" ]
	[ "${lines[1]}" = "1:5 character special file" ]
	[ "${lines[2]}" = "1:7 character special file" ]
	[ "${lines[3]}" = "5:0 character special file" ]
	[ "${lines[4]}" = 3 ]
	[ "${lines[5]}" = 1 ]
	# Only the host's own nodes can be bound.
	rl_config '.linux.devices = [{"path": "/dev/rl-odd", "type": "c", "major": 1, "minor": 3}]'
	r rl run --bundle "$B" rl-dev
	[ "$status" -ne 0 ]
	[[ "$output" == *"device /dev/rl-odd: mknod is not permitted in a user namespace and the host has no matching node /dev/rl-odd to bind"* ]]
	assert_nothing_left
	# The host's nodes are untouched.
	[ "$(stat -c '%u:%g %a' /dev/null)" = "0:0 666" ]
}

@test "rootless: mqueue and cgroup mounts refused by the kernel fall back to the host's" {
	# Without an IPC namespace of its own, mqueue cannot be mounted: /dev/mqueue is bound.
	rl_config '.linux.namespaces |= map(select(.type != "ipc" and .type != "cgroup")) |
		.mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
			"options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}] |
		.process.args = ["sh", "-c", "grep \" /dev/mqueue \" /proc/self/mountinfo; grep \" /sys/fs/cgroup/memory \" /proc/self/mountinfo | tail -1; ls /sys/fs/cgroup/memory/memory.limit_in_bytes; mkdir /sys/fs/cgroup/memory/x 2>&1; true"]'
	r rl --debug run --bundle "$B" rl-fallback
	[ "$status" -eq 0 ]
	[[ "$output" == *"mount /dev/mqueue (type mqueue): Operation not permitted; binding the host's /dev/mqueue instead"* ]]
	[[ "$output" == *"Operation not permitted; binding the host's /sys/fs/cgroup instead"* ]]
	[[ "$output" == *" /dev/mqueue "*" - mqueue "* ]]
	[[ "$output" == *" /sys/fs/cgroup/memory ro,"*" - cgroup "* ]]
	[[ "$output" == */sys/fs/cgroup/memory/memory.limit_in_bytes* ]]
	[[ "$output" == *"Read-only file system"* ]]
	# With IPC and cgroup namespaces of its own, both are mounted for real.
	rl_config '.linux.namespaces += [{"type": "ipc"}, {"type": "cgroup"}]'
	r rl --debug run --bundle "$B" rl-fallback
	[ "$status" -eq 0 ]
	[[ "$output" != *"binding the host's"* ]]
	assert_nothing_left
}

@test "rootless: a map wider than the user's own ID goes through newuidmap, within /etc/subuid" {
	command -v newuidmap >/dev/null || skip "newuidmap is not installed (Debian package uidmap)"
	rl_config ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RL_UID, \"size\": 1},
			{\"containerID\": 1, \"hostID\": $RL_SUB, \"size\": 1000}] |
		.linux.gidMappings = [{\"containerID\": 0, \"hostID\": $RL_GID, \"size\": 1},
			{\"containerID\": 1, \"hostID\": $RL_SUB, \"size\": 1000}] |
		.process.capabilities.bounding += [\"CAP_CHOWN\"] | .process.capabilities.effective += [\"CAP_CHOWN\"] |
		.process.capabilities.permitted += [\"CAP_CHOWN\"] |
		.process.args = [\"sh\", \"-c\", \"cat /proc/self/uid_map /proc/self/setgroups; touch /dev/shm/f; chown 5:5 /dev/shm/f && stat -c %u:%g /dev/shm/f\"]"
	r rl run --bundle "$B" rl-map
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" =~ ^\ +1\ +$RL_SUB\ +1000$ ]]
	# newgidmap leaves setgroups allowed.
	[ "${lines[2]}" = allow ]
	[ "${lines[3]}" = 5:5 ]
	# Outside the user's range: newuidmap refuses, and nothing is left.
	rl_config ".linux.uidMappings[1].hostID = 7"
	r rl run --bundle "$B" rl-map
	[ "$status" -ne 0 ]
	[[ "$output" == *"config.json: linux.uidMappings: newuidmap refused the mapping"*"/etc/subuid"* ]]
	assert_nothing_left
}

@test "rootless: rlimits and oom_score_adj only within what the user may set" {
	local hard
	hard=$(as_user sh -c 'ulimit -Hn')
	rl_config ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"hard\": $((hard + 1)), \"soft\": 1024}]"
	r rl run --bundle "$B" rl-limits
	[ "$status" -ne 0 ]
	[[ "$output" == *"setrlimit RLIMIT_NOFILE: Operation not permitted (process.rlimits: hard $((hard + 1)) is above the current hard limit $hard"* ]]
	assert_nothing_left
	rl_config ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"hard\": $hard, \"soft\": 512}] |
		.process.oomScoreAdj = 500 | .process.args = [\"sh\", \"-c\", \"ulimit -n; cat /proc/self/oom_score_adj\"]"
	r rl run --bundle "$B" rl-limits
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 512 ]
	[ "${lines[1]}" = 500 ]
	local cur
	cur=$(cat /proc/self/oom_score_adj)
	rl_config ".process.oomScoreAdj = $((cur - 1))"
	r rl run --bundle "$B" rl-limits
	[ "$status" -ne 0 ]
	[[ "$output" == *"write oom_score_adj $((cur - 1)): Permission denied (process.oomScoreAdj: the current value is $cur"* ]]
	assert_nothing_left
}

# ---- rootless Podman --------------------------------------------------------------------

# A private rootless Podman of the user's (storage DRIVER under $RL_DIR/pm-DRIVER), with
# nucleus-oci registered as "nucleus"; podman and conmon get stdio only.
rl_podman_setup() {
	local d="$RL_DIR/pm" driver=$1
	mkdir -p "$d"/{root-$driver,rr-$driver,tmp}
	cat >"$d/containers.conf" <<-CONF
	[containers]
	netns = "none"
	log_driver = "k8s-file"

	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	events_logfile_path = "$d/events.log"
	lock_type = "file"
	tmp_dir = "$d/tmp"
	runtime_supports_json = [ "crun", "runc", "nucleus" ]

	[engine.runtimes]
	nucleus = [ "$RL_DIR/nucleus-oci" ]
	CONF
	: >"$d/registries.conf"
	printf '[storage]\ndriver = "%s"\ngraphroot = "%s"\nrunroot = "%s"\n' "$driver" \
		"$d/root-$driver" "$d/rr-$driver" >"$d/storage-$driver.conf"
	cat >"$d/podman-$driver" <<-SH
	#!/bin/bash
	for fd in \$(ls /proc/\$\$/fd); do [ "\$fd" -gt 2 ] && eval "exec \$fd>&-"; done
	export CONTAINERS_CONF="$d/containers.conf" CONTAINERS_REGISTRIES_CONF="$d/registries.conf"
	export CONTAINERS_STORAGE_CONF="$d/storage-$driver.conf"
	exec podman --root "$d/root-$driver" --runroot "$d/rr-$driver" --tmpdir "$d/tmp" \\
		--storage-driver $driver --cgroup-manager cgroupfs --events-backend file "\$@"
	SH
	chmod +x "$d/podman-$driver"
	chown -R "$RL_UID:$RL_GID" "$d"
	[ -f "$d/rootfs.tar" ] || {
		source "$BATS_TEST_DIRNAME/../engines/engines.bash"
		engines_make_rootfs_tar "$d/rootfs.tar"
		chown "$RL_UID:$RL_GID" "$d/rootfs.tar"
	}
	PM="$d/podman-$driver"
	as_user timeout 120 "$PM" import --quiet "$d/rootfs.tar" localhost/rl/busybox:latest >"$d/import.log" 2>&1 ||
		{ cat "$d/import.log"; return 1; }
}

pm() {
	as_user timeout -k 10 120 "$PM" --runtime nucleus "$@"
}

# Podman's containers, then the process that holds its user namespace (by its pid file).
rl_podman_cleanup() {
	local p pid
	for p in "$RL_DIR"/pm/podman-*; do
		[ -x "$p" ] || continue
		as_user timeout -k 10 120 "$p" rm --all --force --time 0 >/dev/null 2>&1 || true
	done
	for p in "$RL_DIR/pm/tmp/pause.pid" "$RL_DIR/xdg/libpod/tmp/pause.pid"; do
		pid=$(cat "$p" 2>/dev/null) || continue
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
	done
}

podman_cycle() {
	r pm run --rm "$IMAGE" sh -c 'id -u; cat /proc/self/uid_map | wc -l'
	[ "$status" -eq 0 ]
	[[ "$output" == *$'0\n2'* ]]
	r pm run -d --name rl-pm-c "$IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	r pm exec rl-pm-c sh -c 'echo in-exec; id -u'
	[ "$status" -eq 0 ]
	[[ "$output" == *$'in-exec\n0'* ]]
	r pm inspect --format '{{.State.Status}} {{.OCIRuntime}}' rl-pm-c
	[ "$output" = "running nucleus" ]
	r pm stop --time 1 rl-pm-c
	[ "$status" -eq 0 ]
	r pm inspect --format '{{.State.Status}}' rl-pm-c
	[ "$output" = exited ]
	r pm rm rl-pm-c
	[ "$status" -eq 0 ]
	[ -z "$(ls "$RL_DIR/xdg/nucleus-oci" 2>/dev/null)" ]
	r -127 pm run --rm "$IMAGE" no-such-command
	[ "$status" -eq 127 ]
	[[ "$output" == *'exec: "no-such-command": executable file not found in $PATH'* ]]
}

@test "rootless Podman (vfs storage): run, exec, stop, rm" {
	command -v podman >/dev/null || skip "podman is not installed (contrib/deps.sh test)"
	command -v newuidmap >/dev/null || skip "rootless Podman needs newuidmap (Debian package uidmap)"
	rl_podman_setup vfs
	IMAGE=localhost/rl/busybox:latest
	podman_cycle
}

@test "rootless Podman (native overlay storage): run, exec, stop, rm" {
	command -v podman >/dev/null || skip "podman is not installed (contrib/deps.sh test)"
	command -v newuidmap >/dev/null || skip "rootless Podman needs newuidmap (Debian package uidmap)"
	rl_podman_setup overlay
	IMAGE=localhost/rl/busybox:latest
	r pm run --rm "$IMAGE" sh -c 'grep " / " /proc/mounts'
	[ "$status" -eq 0 ]
	[[ "$output" == "overlay / overlay "* ]]
	podman_cycle
}
