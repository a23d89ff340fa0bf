#!/usr/bin/env bats
# Control groups on this host's layout (v1 controllers, hybrid with a
# unified mount, or pure v2): every resource in the host's files and from
# inside the container, enforcement of memory, pids, devices and freeze,
# and the pause, resume, update, ps and events commands.

load helpers

setup() {
	setup_bundle
	MODE=$(cgroup_mode)
}

# v1 (also hybrid: the controllers are v1) or v2.
cgroup_mode() {
	if grep -q ' - cgroup cgroup .*memory' /proc/self/mountinfo; then echo v1; else echo v2; fi
}

# The host directory of controller $1 for cgroup path $2.
cgdir() {
	local ctrl=$1 path=$2
	if [ "$MODE" = v1 ] && [ -d "/sys/fs/cgroup/$ctrl" ]; then
		echo "/sys/fs/cgroup/$ctrl$path"
	elif [ -d /sys/fs/cgroup/unified ]; then
		echo "/sys/fs/cgroup/unified$path"
	else
		echo "/sys/fs/cgroup$path"
	fi
}

# Start a detached container running $1 (a shell snippet) and wait for it.
start_sh() {
	local id=$1 script=$2
	update_config ".process.args = [\"sh\", \"-c\", $(jq -Rn --arg s "$script" '$s')]"
	noci create "$id" 3>&-
	noci start "$id"
	wait_status "$id" running
}

# A file the container's init sees, read from the host.
ctr_file() {
	local id=$1 path=$2
	cat "/proc/$(noci state "$id" | jq -r .pid)/root$path"
}

# Wait for the container to have written a file (it writes then renames).
ctr_wait_file() {
	local f i
	f="/proc/$(noci state "$1" | jq -r .pid)/root$2"
	for i in $(seq 100); do [ -s "$f" ] && return 0; sleep 0.05; done
	return 1
}

@test "cgroups: default path /nucleus-oci/<id>, the container is inside, cgroupns makes it /" {
	[ "$MODE" = v1 ] || skip "v1/hybrid host test"
	start_sh cg-path 'cat /proc/self/cgroup > /dev/shm/t; mv /dev/shm/t /dev/shm/cg; sleep 100'
	ctr_wait_file cg-path /dev/shm/cg
	pid=$(noci state cg-path | jq -r .pid)
	grep -qx "$pid" /sys/fs/cgroup/memory/nucleus-oci/cg-path/cgroup.procs
	grep -qx "$pid" /sys/fs/cgroup/pids/nucleus-oci/cg-path/cgroup.procs
	grep -qx "$pid" /sys/fs/cgroup/unified/nucleus-oci/cg-path/cgroup.procs
	run ctr_file cg-path /dev/shm/cg
	[[ "$output" == *"memory:/"* ]]
	! grep -q nucleus-oci <<<"$output"
	noci delete --force cg-path
	[ ! -e /sys/fs/cgroup/memory/nucleus-oci/cg-path ]
	[ ! -e /sys/fs/cgroup/unified/nucleus-oci/cg-path ]
}

@test "cgroups: cgroupsPath absolute and relative" {
	update_config '.linux.cgroupsPath = "/cg-abs-test/inner" | .process.args = ["true"]'
	noci create cg-abs 3>&-
	[ -d "$(cgdir pids /cg-abs-test/inner)" ]
	noci delete --force cg-abs
	[ ! -e "$(cgdir pids /cg-abs-test/inner)" ]
	rmdir "$(cgdir pids /cg-abs-test)" 2>/dev/null || true
	update_config '.linux.cgroupsPath = "cg-rel-test"'
	noci create cg-rel 3>&-
	[ -d "$(cgdir pids /nucleus-oci/cg-rel-test)" ]
	noci delete --force cg-rel
	[ ! -e "$(cgdir pids /nucleus-oci/cg-rel-test)" ]
}

@test "cgroups: slice:prefix:name and --systemd-cgroup are clear errors" {
	update_config '.linux.cgroupsPath = "system.slice:noci:cg-sd"'
	run noci create cg-sd
	[ "$status" -eq 1 ]
	[[ "$output" == *"slice:prefix:name"*"systemd"* ]]
	[ ! -e "$ROOT/cg-sd" ]
	run noci --systemd-cgroup create cg-sd
	[ "$status" -eq 1 ]
	[[ "$output" == *"systemd"* ]]
}

@test "cgroups: a container keeps the driver it was made with (--systemd-cgroup on delete)" {
	noci create cg-sdkeep
	[ -d "$(cgdir pids /nucleus-oci/cg-sdkeep)" ]
	run noci --systemd-cgroup state cg-sdkeep
	[ "$status" -eq 0 ]
	noci --systemd-cgroup delete --force cg-sdkeep
	[ ! -e "$(cgdir pids /nucleus-oci/cg-sdkeep)" ]
	[ ! -e "$ROOT/cg-sdkeep" ]
}

@test "cgroups: v1 memory, cpu, cpuset, pids, blkio and devices files, host and inside" {
	[ "$MODE" = v1 ] || skip "v1/hybrid host test"
	dev=$(cat /sys/block/*/dev | grep -v '^7:' | head -n1)
	maj=${dev%:*} min=${dev#*:}
	update_config '.linux.resources = {
		"memory": {"limit": 67108864, "reservation": 33554432, "swap": 100663296,
			   "kernelTCP": 16777216, "swappiness": 30, "disableOOMKiller": false,
			   "useHierarchy": true},
		"cpu": {"shares": 512, "quota": 20000, "period": 100000, "burst": 1000,
			"realtimePeriod": 500000, "cpus": "0", "mems": "0", "idle": 0},
		"pids": {"limit": 42},
		"blockIO": {"throttleReadBpsDevice": [{"major": '"$maj"', "minor": '"$min"', "rate": 1048576}],
			    "throttleWriteIOPSDevice": [{"major": '"$maj"', "minor": '"$min"', "rate": 300}]},
		"devices": [{"allow": false, "access": "rwm"}]}'
	start_sh cg-v1 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpuset/cpuset.cpus > /dev/shm/t; mv /dev/shm/t /dev/shm/seen; sleep 100'
	ctr_wait_file cg-v1 /dev/shm/seen
	m=/sys/fs/cgroup/memory/nucleus-oci/cg-v1
	[ "$(cat $m/memory.limit_in_bytes)" = 67108864 ]
	[ "$(cat $m/memory.soft_limit_in_bytes)" = 33554432 ]
	[ "$(cat $m/memory.memsw.limit_in_bytes)" = 100663296 ]
	[ "$(cat $m/memory.kmem.tcp.limit_in_bytes)" = 16777216 ]
	[ "$(cat $m/memory.swappiness)" = 30 ]
	grep -qx 'oom_kill_disable 0' $m/memory.oom_control
	c=/sys/fs/cgroup/cpu/nucleus-oci/cg-v1
	[ "$(cat $c/cpu.shares)" = 512 ]
	[ "$(cat $c/cpu.cfs_quota_us)" = 20000 ]
	[ "$(cat $c/cpu.cfs_period_us)" = 100000 ]
	[ "$(cat $c/cpu.cfs_burst_us)" = 1000 ]
	[ "$(cat $c/cpu.rt_period_us)" = 500000 ]
	[ "$(cat /sys/fs/cgroup/cpuset/nucleus-oci/cg-v1/cpuset.cpus)" = 0 ]
	[ "$(cat /sys/fs/cgroup/cpuset/nucleus-oci/cg-v1/cpuset.mems)" = 0 ]
	[ "$(cat /sys/fs/cgroup/pids/nucleus-oci/cg-v1/pids.max)" = 42 ]
	grep -qx "$maj:$min 1048576" /sys/fs/cgroup/blkio/nucleus-oci/cg-v1/blkio.throttle.read_bps_device
	grep -qx "$maj:$min 300" /sys/fs/cgroup/blkio/nucleus-oci/cg-v1/blkio.throttle.write_iops_device
	grep -qx 'c 1:3 rwm' /sys/fs/cgroup/devices/nucleus-oci/cg-v1/devices.list
	! grep -q 'a \*:\* rwm' /sys/fs/cgroup/devices/nucleus-oci/cg-v1/devices.list
	run ctr_file cg-v1 /dev/shm/seen
	[ "${lines[0]}" = 67108864 ]
	[ "${lines[1]}" = 512 ]
	[ "${lines[2]}" = 42 ]
	[ "${lines[3]}" = 0 ]
}

@test "cgroups: realtimeRuntime/Period give the cgroup an RT budget; SCHED_FIFO needs it" {
	[ "$MODE" = v1 ] || skip "v1/hybrid host test"
	[ -f /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] || skip "kernel without RT group scheduling"
	# The root cpu cgroup holds the RT budget; a direct child may take part of it.
	update_config '.linux.cgroupsPath = "/cg-rt-test"
		| .linux.resources.cpu = {"realtimePeriod": 100000, "realtimeRuntime": 20000}
		| .process.capabilities.bounding += ["CAP_SYS_NICE"]
		| .process.capabilities.effective += ["CAP_SYS_NICE"]
		| .process.capabilities.permitted += ["CAP_SYS_NICE"]
		| .process.scheduler = {"policy": "SCHED_FIFO", "priority": 10}'
	start_sh cg-rt 'sleep 100'
	c=/sys/fs/cgroup/cpu/cg-rt-test
	[ "$(cat $c/cpu.rt_period_us)" = 100000 ]
	[ "$(cat $c/cpu.rt_runtime_us)" = 20000 ]
	# field 41 of /proc/PID/stat is the policy: 1 is SCHED_FIFO
	pid=$(noci state cg-rt | jq -r .pid)
	[ "$(cut -d' ' -f41 /proc/$pid/stat)" = 1 ]
	noci update --cpu-rt-runtime 30000 --cpu-rt-period 200000 cg-rt
	[ "$(cat $c/cpu.rt_period_us)" = 200000 ]
	[ "$(cat $c/cpu.rt_runtime_us)" = 30000 ]
	noci delete --force cg-rt
	[ ! -e $c ]

	# Under the default parent, which has no RT budget: the kernel refuses
	# the runtime, the error names file and value, nothing is left.
	update_config 'del(.linux.cgroupsPath)'
	run noci create cg-rt2 3>&-
	[ "$status" -eq 1 ]
	[[ "$output" == *"/nucleus-oci/cg-rt2/cpu.rt_runtime_us \"20000\""* ]]
	[ ! -e "$ROOT/cg-rt2" ]
	[ ! -e /sys/fs/cgroup/cpu/nucleus-oci/cg-rt2 ]
	# Without an RT budget the scheduler policy itself is refused.
	update_config 'del(.linux.resources.cpu)'
	run noci create cg-rt2 3>&-
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.scheduler: sched_setattr policy SCHED_FIFO"* ]]
	[ ! -e /sys/fs/cgroup/cpu/nucleus-oci/cg-rt2 ]
}

@test "cgroups: hugepageLimits and unified go to the unified hierarchy on a hybrid host" {
	[ -d /sys/fs/cgroup/unified ] || skip "no unified hierarchy"
	grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers || skip "no hugetlb on cgroup2"
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]
		| .linux.resources.unified = {"cgroup.max.descendants": "7"}'
	start_sh cg-huge 'sleep 100'
	[ "$(cat /sys/fs/cgroup/unified/nucleus-oci/cg-huge/hugetlb.2MB.max)" = 4194304 ]
	[ "$(cat /sys/fs/cgroup/unified/nucleus-oci/cg-huge/cgroup.max.descendants)" = 7 ]
}

@test "cgroups: a value the kernel refuses names the file and the value; nothing is left" {
	update_config '.linux.resources.cpu = {"cpus": "97"}'
	run noci create cg-bad
	[ "$status" -eq 1 ]
	[[ "$output" == *"write /sys/fs/cgroup/"*"/nucleus-oci/cg-bad/cpuset.cpus \"97\": "* ]]
	[ ! -e "$ROOT/cg-bad" ]
	[ ! -e "$(cgdir cpuset /nucleus-oci/cg-bad)" ]
	[ ! -e "$(cgdir memory /nucleus-oci/cg-bad)" ]
	update_config '.linux.resources = {"unified": {"no.such.file": "1"}}'
	run noci create cg-bad
	[ "$status" -eq 1 ]
	[[ "$output" == *"unified"*"no.such.file"* ]]
	[ ! -e "$(cgdir pids /nucleus-oci/cg-bad)" ]
}

@test "cgroups: controllers the host lacks are errors, not silently dropped" {
	grep -q ' - cgroup cgroup .*net_cls' /proc/self/mountinfo && skip "net_cls is mounted"
	update_config '.linux.resources.network = {"classID": 1048577}'
	run noci create cg-net
	[ "$status" -eq 1 ]
	[[ "$output" == *"network.classID"*"net_cls"* ]]
	[ ! -e "$ROOT/cg-net" ]
	grep -qw rdma /proc/self/mountinfo /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null && skip "rdma present"
	update_config 'del(.linux.resources.network) | .linux.resources.rdma = {"mlx5_0": {"hcaHandles": 3}}'
	run noci create cg-net
	[ "$status" -eq 1 ]
	[[ "$output" == *"rdma"*"not available"* ]]
}

@test "cgroups: a 32 MiB memory limit OOM-kills a 64 MiB allocation (137)" {
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}
		| .process.args = ["sh", "-c", "head -c 64m /dev/zero | tail -n 1 >/dev/null"]'
	run noci run cg-oom
	[ "$status" -eq 137 ]
	update_config '.linux.resources.memory = {"limit": 134217728, "swap": 134217728}'
	run noci run cg-oom
	[ "$status" -eq 0 ]
}

@test "cgroups: a pids limit refuses forks" {
	update_config '.linux.resources.pids = {"limit": 5}
		| .process.args = ["sh", "-c", "(for i in 1 2 3 4 5 6 7 8; do sleep 2 & done) 2>&1; echo end"]'
	run noci run cg-pids
	[ "$status" -eq 0 ]
	[[ "$output" == *end* ]]
	[[ "$output" == *"can't fork"* || "$output" == *"Resource temporarily unavailable"* ]]
	update_config '.linux.resources.pids = {"limit": 50}'
	run noci run cg-pids
	[[ "$output" == *end* ]]
	[[ "$output" != *"can't fork"* && "$output" != *"Resource temporarily unavailable"* ]]
}

@test "cgroups: a device rule denies opening a device node, an allow rule permits it" {
	update_config '.process.capabilities.bounding += ["CAP_MKNOD"]
		| .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]
		| .linux.resources.devices = [{"allow": false, "access": "rwm"}]
		| .process.args = ["sh", "-c", "mknod /dev/t-tun c 10 200 && exec 3<>/dev/t-tun && echo opened"]'
	run noci run cg-dev
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" != *opened* ]]
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 200, "access": "rw"}]'
	run noci run cg-dev
	[ "$status" -eq 0 ]
	[[ "$output" == *opened* ]]
}

@test "cgroups: pause stops the processes, resume lets them go on" {
	start_sh cg-pause 'i=0; while :; do i=$((i+1)); echo $i > /dev/shm/t; mv /dev/shm/t /dev/shm/n; done'
	ctr_wait_file cg-pause /dev/shm/n
	noci pause cg-pause
	[ "$(status_of cg-pause)" = paused ]
	[ "$(noci list --format json | jq -r '.[] | select(.id=="cg-pause") | .status')" = paused ]
	a=$(ctr_file cg-pause /dev/shm/n)
	sleep 0.5
	b=$(ctr_file cg-pause /dev/shm/n)
	[ "$a" = "$b" ]
	run noci pause cg-pause
	[ "$status" -eq 1 ]
	[[ "$output" == *"not running"* ]]
	noci resume cg-pause
	[ "$(status_of cg-pause)" = running ]
	for i in $(seq 50); do c=$(ctr_file cg-pause /dev/shm/n); [ "$c" != "$b" ] && break; sleep 0.1; done
	[ "$c" != "$b" ]
	run noci resume cg-pause
	[ "$status" -eq 1 ]
	[[ "$output" == *"not paused"* ]]
}

@test "cgroups: delete --force of a paused container kills it and removes the cgroup" {
	start_sh cg-pdel 'sleep 100 & sleep 100'
	noci pause cg-pdel
	pid=$(noci state cg-pdel | jq -r .pid)
	noci delete --force cg-pdel
	[ ! -e /proc/$pid ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
	[ ! -e "$(cgdir pids /nucleus-oci/cg-pdel)" ]
	[ ! -e "$(cgdir freezer /nucleus-oci/cg-pdel)" ]
	[ ! -e "$ROOT/cg-pdel" ]
}

@test "cgroups: kill --all signals every process in the cgroup" {
	start_sh cg-kall 'trap "" TERM; sleep 100 & sleep 100 & wait'
	run noci ps --format json cg-kall
	[ "$(jq length <<<"$output")" -eq 3 ]
	noci kill --all cg-kall KILL
	wait_status cg-kall stopped
}

@test "cgroups: update changes limits, from flags and from --resources" {
	[ "$MODE" = v1 ] || skip "v1/hybrid host test"
	update_config '.linux.resources = {"memory": {"limit": 33554432}, "pids": {"limit": 10}}'
	start_sh cg-upd 'sleep 100'
	noci update --memory 64m --memory-swap 128m --pids-limit 20 --cpu-shares 300 \
		--cpu-quota 30000 --cpu-period 60000 --cpuset-cpus 0 --cpuset-mems 0 cg-upd
	[ "$(cat /sys/fs/cgroup/memory/nucleus-oci/cg-upd/memory.limit_in_bytes)" = 67108864 ]
	[ "$(cat /sys/fs/cgroup/memory/nucleus-oci/cg-upd/memory.memsw.limit_in_bytes)" = 134217728 ]
	[ "$(cat /sys/fs/cgroup/pids/nucleus-oci/cg-upd/pids.max)" = 20 ]
	[ "$(cat /sys/fs/cgroup/cpu/nucleus-oci/cg-upd/cpu.shares)" = 300 ]
	[ "$(cat /sys/fs/cgroup/cpu/nucleus-oci/cg-upd/cpu.cfs_quota_us)" = 30000 ]
	[ "$(cat /sys/fs/cgroup/cpu/nucleus-oci/cg-upd/cpu.cfs_period_us)" = 60000 ]
	echo '{"memory": {"limit": 50331648, "swap": 50331648}, "pids": {"limit": 7}}' |
		noci update --resources - cg-upd
	[ "$(cat /sys/fs/cgroup/memory/nucleus-oci/cg-upd/memory.limit_in_bytes)" = 50331648 ]
	[ "$(cat /sys/fs/cgroup/pids/nucleus-oci/cg-upd/pids.max)" = 7 ]
	run noci update --pids-limit abc cg-upd
	[ "$status" -eq 1 ]
	[[ "$output" == *"--pids-limit"*abc* ]]
}

@test "cgroups: update below the usage with checkBeforeUpdate is refused" {
	start_sh cg-cbu 'sleep 100'
	echo '{"memory": {"limit": 4096, "checkBeforeUpdate": true}}' >"$BATS_TEST_TMPDIR/r.json"
	run noci update --resources "$BATS_TEST_TMPDIR/r.json" cg-cbu
	[ "$status" -eq 1 ]
	[[ "$output" == *"below the current usage"* ]]
}

# Ask the container (running probe_loop) to open /dev/t-tun; prints ok or denied.
probe_open() {
	local id=$1 root
	root=/proc/$(noci state "$id" | jq -r .pid)/root
	rm -f "$root/dev/shm/res"
	touch "$root/dev/shm/try"
	for i in $(seq 50); do [ -s "$root/dev/shm/res" ] && break; sleep 0.1; done
	cat "$root/dev/shm/res"
}

@test "cgroups: update replaces the device rules" {
	update_config '.process.capabilities.bounding += ["CAP_MKNOD"]
		| .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]
		| .linux.resources.devices = [{"allow": false, "access": "rwm"}]'
	start_sh cg-udev 'mknod /dev/t-tun c 10 200; while :; do if [ -e /dev/shm/try ]; then rm /dev/shm/try; if (exec 3<>/dev/t-tun) 2>/dev/null; then echo ok; else echo denied; fi > /dev/shm/res; fi; sleep 0.05; done'
	[ "$(probe_open cg-udev)" = denied ]
	echo '{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 200, "access": "rw"}]}' |
		noci update -r - cg-udev
	[ "$(probe_open cg-udev)" = ok ]
	echo '{"devices": [{"allow": false, "access": "rwm"}]}' | noci update -r - cg-udev
	[ "$(probe_open cg-udev)" = denied ]
}

@test "cgroups: ps lists the container's processes" {
	start_sh cg-ps 'sleep 100 & exec sleep 200'
	pid=$(noci state cg-ps | jq -r .pid)
	run noci ps --format json cg-ps
	[ "$status" -eq 0 ]
	jq -e "index($pid)" <<<"$output"
	[ "$(jq length <<<"$output")" -eq 2 ]
	run noci ps cg-ps
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID* ]]
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *"sleep 200"* ]]
	run noci ps cg-ps -o pid,comm
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *"$pid sleep"* ]]
}

@test "cgroups: events --stats prints one JSON object in runc's format" {
	update_config '.linux.resources = {"memory": {"limit": 33554432}, "pids": {"limit": 10}}'
	start_sh cg-ev 'sleep 100'
	run noci events --stats cg-ev
	[ "$status" -eq 0 ]
	[ "$(jq -r .type <<<"$output")" = stats ]
	[ "$(jq -r .id <<<"$output")" = cg-ev ]
	[ "$(jq -r .data.memory.usage.limit <<<"$output")" = 33554432 ]
	[ "$(jq -r .data.memory.usage.usage <<<"$output")" -gt 0 ]
	[ "$(jq -r .data.pids.current <<<"$output")" -eq 1 ]
	[ "$(jq -r .data.pids.limit <<<"$output")" -eq 10 ]
	[ "$(jq -r .data.cpu.usage.total <<<"$output")" -gt 0 ]
	jq -e '.data.blkio and .data.hugetlb and .data.memory.raw' <<<"$output"
}

@test "cgroups: events streams stats every interval and reports an OOM" {
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	start_sh cg-evs 'while [ ! -e /dev/shm/go ]; do sleep 0.1; done; head -c 64m /dev/zero | tail -n 1 >/dev/null; sleep 100'
	noci events --interval 200ms cg-evs >"$BATS_TEST_TMPDIR/ev" 3>&- &
	ev=$!
	for i in $(seq 50); do [ "$(grep -c '"stats"' "$BATS_TEST_TMPDIR/ev")" -ge 2 ] && break; sleep 0.1; done
	touch "/proc/$(noci state cg-evs | jq -r .pid)/root/dev/shm/go"
	for i in $(seq 100); do grep -q '"oom"' "$BATS_TEST_TMPDIR/ev" && break; sleep 0.1; done
	# the OOM killer may have chosen the container's shell too: then it is gone already
	noci kill cg-evs KILL || [ "$(status_of cg-evs)" = stopped ]
	wait $ev
	grep -qx '{"type":"oom","id":"cg-evs"}' "$BATS_TEST_TMPDIR/ev"
	[ "$(grep -c '"type":"stats"' "$BATS_TEST_TMPDIR/ev")" -ge 2 ]
}

@test "cgroups: network classID and priorities in v1 net_cls/net_prio hierarchies" {
	[ "$MODE" = v1 ] || skip "v1/hybrid host test"
	grep -q ' - cgroup cgroup .*net_cls' /proc/self/mountinfo && skip "net_cls already mounted"
	update_config '.linux.resources.network = {"classID": 1048577, "priorities": [{"name": "lo", "priority": 5}]}'
	# A private mount namespace with net_cls,net_prio mounted: the runtime
	# finds every hierarchy in its mountinfo, wherever it is mounted.
	run unshare -m sh -c '
		set -e
		mount --make-rprivate /
		mkdir -p "$1/netcg"
		mount -t cgroup -o net_cls,net_prio none "$1/netcg"
		"$2" --root "$3" create cg-net1 3>&-
		cat "$1/netcg/nucleus-oci/cg-net1/net_cls.classid"
		grep "^lo " "$1/netcg/nucleus-oci/cg-net1/net_prio.ifpriomap"
		"$2" --root "$3" delete --force cg-net1
		[ ! -e "$1/netcg/nucleus-oci/cg-net1" ] && echo removed
		rmdir "$1/netcg/nucleus-oci"
		umount "$1/netcg"' sh "$BATS_TEST_TMPDIR" "$NUCLEUS_OCI" "$ROOT"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1048577 ]
	[ "${lines[1]}" = "lo 5" ]
	[ "${lines[2]}" = removed ]
}

@test "cgroups: a cgroup that already has processes is refused and left alone" {
	update_config '.linux.cgroupsPath = "/cg-shared-test" | .process.args = ["sleep", "100"]'
	noci create cg-sh1 3>&-
	run noci create cg-sh2
	[ "$status" -eq 1 ]
	[[ "$output" == *"cg-shared-test is in use"* ]]
	[ ! -e "$ROOT/cg-sh2" ]
	[ "$(status_of cg-sh1)" = created ]
	grep -q . "$(cgdir pids /cg-shared-test)/cgroup.procs"
}
