#!/bin/sh
# The cgroup v1 test set, run as root inside the VM (busybox sh, cwd
# /payload) with one v1 hierarchy per controller and no cgroup2:
# bundles/<name>/config.json were made on the host with jq.  Prints TAP.
. ./vm-lib.sh
C=/sys/fs/cgroup

# the container's cgroup directory in the hierarchy of controller $1
cg() { echo "$C/$1/nucleus-oci/$2"; }
# no directory of the container in any hierarchy, no state
gone() {
	left=$(ls -d $C/*/nucleus-oci/$1 2>/dev/null)
	[ -z "$left" ] || { echo "left behind: $left"; exit 1; }
	check [ ! -e /run/noci/$1 ]
}
# create must fail with a message holding $3
refused() {
	noci create --bundle $B/$1 $2 >/tmp/err 2>&1 && { echo "create succeeded"; exit 1; }
	cat /tmp/err
	check grep -qF "$3" /tmp/err
	gone $2
}

test_resources() {
	start res v1res
	pid=$(pid_of v1res)
	for h in $C/*/; do
		[ -L ${h%/} ] && continue
		check grep -qx "$pid" ${h}nucleus-oci/v1res/cgroup.procs
	done
	m=$(cg memory v1res)
	equal "$(cat $m/memory.limit_in_bytes)" 33554432 memory.limit_in_bytes
	equal "$(cat $m/memory.soft_limit_in_bytes)" 16777216 memory.soft_limit_in_bytes
	equal "$(cat $m/memory.memsw.limit_in_bytes)" 50331648 memory.memsw.limit_in_bytes
	equal "$(cat $m/memory.kmem.tcp.limit_in_bytes)" 8388608 memory.kmem.tcp.limit_in_bytes
	equal "$(cat $m/memory.swappiness)" 30 memory.swappiness
	check grep -qx "oom_kill_disable 1" $m/memory.oom_control
	if [ -e $m/memory.use_hierarchy ]; then
		equal "$(cat $m/memory.use_hierarchy)" 1 memory.use_hierarchy
	fi
	c=$(cg cpu v1res)
	equal "$(cat $c/cpu.shares)" 512 cpu.shares
	equal "$(cat $c/cpu.cfs_quota_us)" 20000 cpu.cfs_quota_us
	equal "$(cat $c/cpu.cfs_period_us)" 100000 cpu.cfs_period_us
	if [ -e $c/cpu.cfs_burst_us ]; then
		equal "$(cat $c/cpu.cfs_burst_us)" 1000 cpu.cfs_burst_us
	fi
	if [ -e $c/cpu.idle ]; then equal "$(cat $c/cpu.idle)" 0 cpu.idle; fi
	equal "$(cat $(cg cpuset v1res)/cpuset.cpus)" 0 cpuset.cpus
	equal "$(cat $(cg cpuset v1res)/cpuset.mems)" 0 cpuset.mems
	equal "$(cat $(cg pids v1res)/pids.max)" 20 pids.max
	equal "$(cat $(cg hugetlb v1res)/hugetlb.2MB.limit_in_bytes)" 4194304 hugetlb.2MB
	equal "$(cat $(cg net_cls v1res)/net_cls.classid)" 1048577 net_cls.classid
	check grep -qx "lo 5" $(cg net_prio v1res)/net_prio.ifpriomap
	d=$(cg devices v1res)
	cat $d/devices.list
	check grep -qx "c 1:3 rwm" $d/devices.list
	check grep -qx "c 136:\* rwm" $d/devices.list
	grep -q "^a " $d/devices.list && { echo "devices.list allows everything"; exit 1; }
	# with its cgroup namespace the container is at / in every hierarchy, as this shell is
	equal "$(seen $pid)" "$(cat /proc/self/cgroup)
33554432
50331648
20
20000
512
0
1048577
4194304" "inside the container"
}

test_weight_without_bfq() {
	refused weight v1wt "linux.resources.blockIO.weight: $C/blkio/nucleus-oci/v1wt/blkio.weight is missing"
}

test_leaf_weight() {
	refused leaf v1leaf "linux.resources.blockIO.leafWeight: leaf weights are not supported"
	refused leafdev v1leaf "linux.resources.blockIO.weightDevice[0].leafWeight: leaf weights"
}

test_blkio() {
	start blkio v1blk
	b=$(cg blkio v1blk)
	equal "$(cat $b/blkio.bfq.weight)" 500 blkio.bfq.weight
	cat $b/blkio.bfq.weight_device
	check grep -qx "$NULLB 300" $b/blkio.bfq.weight_device
	equal "$(cat $b/blkio.throttle.read_bps_device)" "$NULLB 1048576" read_bps_device
	equal "$(cat $b/blkio.throttle.write_bps_device)" "$NULLB 2097152" write_bps_device
	equal "$(cat $b/blkio.throttle.read_iops_device)" "$NULLB 100" read_iops_device
	equal "$(cat $b/blkio.throttle.write_iops_device)" "$NULLB 200" write_iops_device
	equal "$(seen $(pid_of v1blk))" "$NULLB 1048576
500" "inside the container"
	noci update --blkio-weight 700 v1blk || exit 1
	equal "$(cat $b/blkio.bfq.weight)" 700 "blkio.bfq.weight after update --blkio-weight"
}

test_rdma() {
	start rdma v1rdma
	r=$(cg rdma v1rdma)
	cat $r/rdma.max
	check grep -qx "rxe0 hca_handle=2 hca_object=100 *" $r/rdma.max
	seen $(pid_of v1rdma) | grep -qx "rxe0 hca_handle=2 hca_object=100 *" ||
		{ echo "not seen inside"; exit 1; }
}

test_unified() {
	refused unified v1uni "invalid configuration: linux.resources.unified: cannot be used"
}

test_bad_value() {
	refused bad v1bad 'cpuset.cpus "97"'
	check grep -qF "$C/cpuset/nucleus-oci/v1bad/cpuset.cpus" /tmp/err
}

test_oom() {
	noci run --bundle $B/oom v1oom
	equal $? 137 "exit status of a 64 MiB allocation under a 32 MiB limit"
	gone v1oom
}

test_pids() {
	noci run --bundle $B/pids v1pids >/tmp/out 2>&1
	cat /tmp/out
	check grep -q "can't fork" /tmp/out
	check grep -q end /tmp/out
}

test_devices() {
	noci run --bundle $B/devdeny v1dd >/tmp/out 2>&1 && { echo "open allowed"; exit 1; }
	cat /tmp/out
	check grep -q "Operation not permitted" /tmp/out
	noci run --bundle $B/devallow v1da >/tmp/out 2>&1
	equal $? 0 "open of an allowed device"
	check grep -q opened /tmp/out
}

test_freeze() {
	start count v1frz
	r=/proc/$(pid_of v1frz)/root/dev/shm
	i=0
	while [ ! -s $r/n ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	noci pause v1frz || exit 1
	equal "$(status_of v1frz)" paused status
	equal "$(cat $(cg freezer v1frz)/freezer.state)" FROZEN freezer.state
	a=$(cat $r/n)
	sleep 0.5
	equal "$(cat $r/n)" "$a" "counter while paused"
	noci resume v1frz || exit 1
	equal "$(status_of v1frz)" running status
	equal "$(cat $(cg freezer v1frz)/freezer.state)" THAWED freezer.state
	i=0
	while [ "$(cat $r/n)" = "$a" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check [ "$(cat $r/n)" != "$a" ]
	noci pause v1frz || exit 1
	noci delete --force v1frz || exit 1
	gone v1frz
}

test_update() {
	start probe v1upd
	m=$(cg memory v1upd)
	c=$(cg cpu v1upd)
	equal "$(probe v1upd)" denied "device before update"
	# growing: memsw must be raised before the limit
	noci update --memory 64m --memory-swap 96m --memory-reservation 32m --pids-limit 30 \
		--cpu-shares 2048 --cpu-quota 50000 --cpu-period 200000 --cpuset-cpus 0-1 \
		--kernel-memory-tcp 16m v1upd || exit 1
	equal "$(cat $m/memory.limit_in_bytes)" 67108864 memory.limit_in_bytes
	equal "$(cat $m/memory.memsw.limit_in_bytes)" 100663296 memory.memsw.limit_in_bytes
	equal "$(cat $m/memory.soft_limit_in_bytes)" 33554432 memory.soft_limit_in_bytes
	equal "$(cat $m/memory.kmem.tcp.limit_in_bytes)" 16777216 memory.kmem.tcp.limit_in_bytes
	equal "$(cat $(cg pids v1upd)/pids.max)" 30 pids.max
	equal "$(cat $c/cpu.shares)" 2048 cpu.shares
	equal "$(cat $c/cpu.cfs_quota_us)" 50000 cpu.cfs_quota_us
	equal "$(cat $c/cpu.cfs_period_us)" 200000 cpu.cfs_period_us
	equal "$(cat $(cg cpuset v1upd)/cpuset.cpus)" 0-1 cpuset.cpus
	# shrinking: the limit must be lowered before memsw
	noci update --memory 16m --memory-swap 24m v1upd || exit 1
	equal "$(cat $m/memory.limit_in_bytes)" 16777216 memory.limit_in_bytes
	equal "$(cat $m/memory.memsw.limit_in_bytes)" 25165824 memory.memsw.limit_in_bytes
	noci update --resources /payload/update.json v1upd || exit 1
	equal "$(cat $(cg pids v1upd)/pids.max)" 40 pids.max
	if [ -e $c/cpu.cfs_burst_us ]; then
		equal "$(cat $c/cpu.cfs_burst_us)" 2000 cpu.cfs_burst_us
	fi
	# an idle group's shares read back as the idle weight (3): the kernel's doing
	if [ -e $c/cpu.idle ]; then equal "$(cat $c/cpu.idle)" 1 cpu.idle; fi
	equal "$(cat $(cg net_cls v1upd)/net_cls.classid)" 42 net_cls.classid
	equal "$(probe v1upd)" ok "device after the update allowed it"
	check grep -qx "c 1:11 w" $(cg devices v1upd)/devices.list
	noci update --resources /payload/deny-all.json v1upd || exit 1
	equal "$(probe v1upd)" denied "device after the update denied it again"
}

test_stats() {
	start res v1st
	noci events --stats v1st >/tmp/st || exit 1
	cat /tmp/st
	check grep -q '^{"type":"stats","id":"v1st","data":{"cpu":{"usage":{"total":[1-9]' /tmp/st
	check grep -q '"usage":{"limit":33554432,"usage":[1-9]' /tmp/st
	check grep -q '"pids":{"current":[1-9],"limit":20}' /tmp/st
	check grep -q '"hugetlb":{"2MB":' /tmp/st
}

test_removal() {
	start res v1rm
	pid=$(pid_of v1rm)
	noci kill --all v1rm KILL || exit 1
	i=0
	while [ -e /proc/$pid ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	equal "$(status_of v1rm)" stopped status
	check [ -d $(cg memory v1rm) ]
	noci delete v1rm || exit 1
	gone v1rm
}

grep -q cgroup2 /proc/self/mountinfo && { echo "Bail out! cgroup2 is mounted"; exit 1; }
echo "# kernel $(uname -r), v1 hierarchies: $(ls $C | tr '\n' ' ')"
t "v1: every resource in the host's files and inside the container" test_resources
# before bfq is loaded: the v1 weight files do not exist yet
t "v1: blockIO.weight without BFQ is an error naming the field" test_weight_without_bfq
t "v1: blockIO leafWeight (no CFQ) is an error naming the field, nothing left" test_leaf_weight

setup_nullb_bfq
t "v1: blockIO weight, weightDevice (BFQ) and throttles on a null_blk device" test_blkio "$blk_skip"

setup_rxe
t "v1: rdma hcaHandles/hcaObjects in rdma.max (software RDMA device rxe0)" test_rdma "$rdma_skip"
t "v1: linux.resources.unified is an error naming the field, nothing left" test_unified
t "v1: a refused value names the file and value, nothing left in any hierarchy" test_bad_value
t "v1: a 32 MiB limit OOM-kills a 64 MiB allocation (137), cgroups removed" test_oom
t "v1: a pids limit refuses forks" test_pids
t "v1: devices.deny denies and devices.allow allows opening a device node" test_devices
t "v1: pause freezes (FROZEN, counter stops), resume thaws, delete of paused" test_freeze
t "v1: update (runc flags and --resources) read back, devices replaced" test_update
t "v1: events --stats prints memory, cpu and pids data" test_stats
t "v1: kill --all, delete removes the cgroup in every hierarchy" test_removal
echo "1..$N"
exit $FAILED
