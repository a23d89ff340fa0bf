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
