#!/usr/bin/env bats
# Host safety: no config may change the machine the runtime runs on.  Each
# test that could reach the caller's mount namespace runs nucleus-oci inside
# one more throw-away mount namespace (unshare -m), so that even a regression
# stays there, and asserts what that namespace's shell sees afterwards.

load helpers

setup() {
	setup_bundle
	echo marker >"$BUNDLE/rootfs/etc/noci-marker"
}

# The config of runtime-tools' linux_ns_itype: no mount namespace.
no_mount_ns() {
	update_config 'del(.hostname) | .linux.namespaces = [{"type": "pid"}]'
}

no_mount_ns_runnable() {
	no_mount_ns
	update_config '.linux.maskedPaths = [] | .linux.readonlyPaths = [] | .root.readonly = false'
}

# Run a script in a private mount namespace of its own, with $N set to the runtime.
in_mntns() {
	N="$NUCLEUS_OCI --root $ROOT" unshare -m --propagation private -- bash -c "$1"
}

cgroup_dirs() {
	find /sys/fs/cgroup -mindepth 1 -type d -path "*$1*" 2>/dev/null
}

@test "no mount namespace: the caller's / and mount table stay as they were" {
	no_mount_ns_runnable
	update_config '.process.args = ["sh", "-c", "cat /etc/noci-marker; test -e /bin/busybox && echo in-rootfs"]'
	run in_mntns '
		before_root=$(stat -L -c %d:%i /)
		before_mounts=$(awk "{print \$1, \$5}" /proc/self/mountinfo | md5sum)
		$N run hs-nomnt
		echo "rc=$?"
		[ "$(stat -L -c %d:%i /)" = "$before_root" ] && echo root-unchanged
		[ "$(awk "{print \$1, \$5}" /proc/self/mountinfo | md5sum)" = "$before_mounts" ] && echo mounts-unchanged
		test -e /etc/noci-marker || echo host-root'
	echo "$output"
	[[ "$output" == *"marker"* ]]
	[[ "$output" == *"in-rootfs"* ]]
	[[ "$output" == *"rc=0"* ]]
	[[ "$output" == *"root-unchanged"* ]]
	[[ "$output" == *"mounts-unchanged"* ]]
	[[ "$output" == *"host-root"* ]]
	[ -z "$(cgroup_dirs nucleus-oci/hs-nomnt)" ]
	[ -z "$(ls "$ROOT")" ]
}

@test "no mount namespace: the config's mounts are under the rootfs while it runs, and gone after delete" {
	no_mount_ns_runnable
	update_config '.process.args = ["sleep", "100"]'
	run in_mntns '
		rootfs=$(realpath rootfs)
		$N run -d hs-mnts || exit 1
		echo "procs=$(grep -c " $rootfs/" /proc/self/mountinfo)"
		$N exec hs-mnts sh -c "cat /etc/noci-marker; ls /proc/1/cmdline >/dev/null && echo proc-ok"
		$N delete --force hs-mnts
		echo "after=$(grep -c " $rootfs/" /proc/self/mountinfo)"'
	echo "$output"
	[[ "$output" == *"marker"* ]]
	[[ "$output" == *"proc-ok"* ]]
	[[ "$output" =~ procs=[1-9] ]]
	[[ "$output" == *"after=0"* ]]
	[ -z "$(cgroup_dirs nucleus-oci/hs-mnts)" ]
}

@test "no mount namespace: a create that fails half-way unmounts what it mounted" {
	no_mount_ns_runnable
	# /proc mounts, then a bind of a missing source fails.
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/nonexistent/noci", "options": ["bind"]}]'
	run in_mntns '
		rootfs=$(realpath rootfs)
		$N run hs-fail
		echo "rc=$?"
		echo "left=$(grep -c " $rootfs/" /proc/self/mountinfo)"'
	echo "$output"
	[[ "$output" == *"/nonexistent/noci"* ]]
	[[ "$output" != *"rc=0"* ]]
	[[ "$output" == *"left=0"* ]]
	[ -z "$(ls "$ROOT")" ]
	[ -z "$(cgroup_dirs nucleus-oci/hs-fail)" ]
}

@test "no mount namespace: maskedPaths and readonlyPaths are refused, naming the missing mount namespace" {
	no_mount_ns
	run in_mntns '$N run hs-masked; echo "rc=$?"; ls /etc/noci-marker 2>/dev/null || echo host-root'
	echo "$output"
	[[ "$output" == *"maskedPaths"*"private mount namespace"* ]]
	[[ "$output" == *"rc=1"* ]]
	[[ "$output" == *"host-root"* ]]
	update_config '.linux.maskedPaths = []'
	run in_mntns '$N run hs-masked'
	[ "$status" -ne 0 ]
	[[ "$output" == *"readonlyPaths"*"private mount namespace"* ]]
	update_config '.linux.readonlyPaths = [] | .root.readonly = true'
	run in_mntns '$N run hs-masked'
	[ "$status" -ne 0 ]
	[[ "$output" == *"root.readonly"*"private mount namespace"* ]]
	[ -z "$(ls "$ROOT")" ]
	[ -z "$(cgroup_dirs nucleus-oci/hs-masked)" ]
}

@test "no mount namespace: exec enters the container's root, not the caller's" {
	no_mount_ns_runnable
	update_config '.process.args = ["sleep", "100"]'
	run in_mntns '
		$N run -d hs-exec || exit 1
		$N exec hs-exec sh -c "cat /etc/noci-marker; test -e /usr/lib/os-release || echo no-host-files"
		$N delete --force hs-exec'
	echo "$output"
	[[ "$output" == *"marker"* ]]
	[[ "$output" == *"no-host-files"* ]]
}

@test "a device bound from outside the container is never chowned, chmoded or replaced" {
	# A stand-in for the host's /dev: a tmpfs of this test with a null device.
	hostdev="$BATS_TEST_TMPDIR/hostdev"
	mkdir -p "$hostdev"
	mount -t tmpfs -o mode=755 tmpfs "$hostdev"
	mknod -m 666 "$hostdev/null" c 1 3
	before=$(stat -c '%u:%g %a %i' "$hostdev/null")
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))
		| .mounts += [{"destination": "/dev", "type": "bind", "source": "'"$hostdev"'", "options": ["rbind"]}]
		| .linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 384, "uid": 1000, "gid": 1000}]
		| .process.args = ["sh", "-c", "echo hi >/dev/null && echo wrote"]'
	run noci run hs-dev
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"wrote"* ]]
	[ "$(stat -c '%u:%g %a %i' "$hostdev/null")" = "$before" ]
	# A node the bound directory lacks is not made there.
	update_config '.linux.devices = [{"path": "/dev/full", "type": "c", "major": 1, "minor": 7}]'
	run noci run hs-dev
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/dev/full"*"bind-mounted"* ]]
	[ ! -e "$hostdev/full" ]
	umount "$hostdev"
}

@test "the host's device nodes keep owner and mode after a container of uid 1000 with stdio on /dev/null" {
	before=$(stat -c '%u:%g %a' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty)
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.args = ["sh", "-c", "ls -l /dev/null"]'
	noci run hs-null </dev/null >/dev/null 2>&1
	noci run -d hs-null2 </dev/null >/dev/null 2>&1 || true
	noci delete --force hs-null2 >/dev/null 2>&1 || true
	[ "$(stat -c '%u:%g %a' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty)" = "$before" ]
}

hybrid_cg2() {
	[ -e /sys/fs/cgroup/unified/cgroup.subtree_control ] || skip "not a hybrid host"
	grep -q ' /sys/fs/cgroup/memory ' /proc/self/mountinfo || skip "not a hybrid host"
	CG2=/sys/fs/cgroup/unified
}

@test "hybrid host: a run leaves the cgroup2 root's subtree_control as it was" {
	hybrid_cg2
	before=$(cat $CG2/cgroup.subtree_control)
	update_config '.process.args = ["sh", "-c", "cat /sys/fs/cgroup/unified/cgroup.subtree_control; echo done"]'
	run noci run hs-sub
	[ "$status" -eq 0 ]
	[ "$(cat $CG2/cgroup.subtree_control)" = "$before" ]
	update_config '.process.args = ["sleep", "100"]'
	noci run -d hs-sub2
	during=$(cat $CG2/cgroup.subtree_control)
	noci delete --force hs-sub2
	[ "$during" = "$before" ]
}

@test "hybrid host: hugepageLimits enable hugetlb on cgroup2 only while needed" {
	hybrid_cg2
	grep -qw hugetlb $CG2/cgroup.controllers || skip "no hugetlb on cgroup2"
	grep -q ' - cgroup .*hugetlb' /proc/self/mountinfo && skip "hugetlb is a v1 hierarchy here"
	before=$(cat $CG2/cgroup.subtree_control)
	[[ "$before" != *hugetlb* ]] || skip "hugetlb already enabled by someone else"
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}] | .process.args = ["sleep", "100"]'
	noci run -d hs-huge
	[ "$(cat $CG2/nucleus-oci/hs-huge/hugetlb.2MB.max)" = 4194304 ]
	noci delete --force hs-huge
	[ "$(cat $CG2/cgroup.subtree_control)" = "$before" ]
}

@test "cgroup v1 without a cgroup namespace: the container sees its own cgroup, not the host's tree" {
	grep -q ' - cgroup .*memory' /proc/self/mountinfo || skip "no v1 memory hierarchy"
	update_config '.linux.namespaces |= map(select(.type != "cgroup"))
		| .linux.resources.memory = {"limit": 33554432}
		| .process.args = ["sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes; ls /sys/fs/cgroup/memory | grep -c nucleus-oci; ls /sys/fs/cgroup/pids"]'
	run noci run hs-cgv1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 33554432 ]
	[ "${lines[1]}" = 0 ]
	[[ "$output" == *"pids.max"* ]]
}
