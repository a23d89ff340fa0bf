#!/bin/sh
# The cgroup v2 test set, run as root inside the VM (busybox sh, cwd
# /payload): bundles/<name>/config.json were made on the host with jq.
# Prints TAP.
. ./vm-lib.sh
CG=/sys/fs/cgroup/nucleus-oci


test_resources() {
	start res v2res
	pid=$(pid_of v2res)
	d=$CG/v2res
	check grep -qx "$pid" $d/cgroup.procs
	equal "$(cat $d/memory.max)" 33554432 memory.max
	equal "$(cat $d/memory.low)" 16777216 memory.low
	equal "$(cat $d/memory.swap.max)" 16777216 "memory.swap.max (swap - limit)"
	equal "$(cat $d/memory.high)" 29360128 "memory.high (unified)"
	equal "$(cat $d/cpu.weight)" 39 "cpu.weight from shares 1024"
	equal "$(cat $d/cpu.max)" "20000 100000" cpu.max
	equal "$(cat $d/cpu.max.burst)" 1000 cpu.max.burst
	equal "$(cat $d/cpuset.cpus)" 0 cpuset.cpus
	equal "$(cat $d/cpuset.mems)" 0 cpuset.mems
	equal "$(cat $d/pids.max)" 20 pids.max
	equal "$(cat $d/hugetlb.2MB.max)" 4194304 hugetlb.2MB.max
	if [ -e $d/io.weight ]; then equal "$(cat $d/io.weight)" "default 4950" io.weight; fi
	i=0
	while [ ! -s /proc/$pid/root/dev/shm/seen ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	equal "$(cat /proc/$pid/root/dev/shm/seen)" "0::/
33554432
20
20000 100000" "inside the container"
}

test_bad_value() {
	noci create --bundle $B/bad v2bad >/tmp/err 2>&1 && { echo "create succeeded"; exit 1; }
	check grep -q 'cpuset.cpus "97"' /tmp/err
	cat /tmp/err
	check [ ! -e $CG/v2bad ]
	check [ ! -e /run/noci/v2bad ]
}

test_oom() {
	noci run --bundle $B/oom v2oom
	equal $? 137 "exit status of a 64 MiB allocation under a 32 MiB limit"
	check [ ! -e $CG/v2oom ]
}

test_pids() {
	noci run --bundle $B/pids v2pids >/tmp/out 2>&1
	cat /tmp/out
	check grep -q "can't fork" /tmp/out
	check grep -q end /tmp/out
}

test_devices() {
	noci run --bundle $B/devdeny v2dd >/tmp/out 2>&1 && { echo "open allowed"; exit 1; }
	cat /tmp/out
	check grep -q "Operation not permitted" /tmp/out
	noci run --bundle $B/devallow v2da >/tmp/out 2>&1
	equal $? 0 "open of an allowed device"
	check grep -q opened /tmp/out
}

test_freeze() {
	start count v2frz
	r=/proc/$(pid_of v2frz)/root/dev/shm
	i=0
	while [ ! -s $r/n ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	noci pause v2frz || exit 1
	equal "$(status_of v2frz)" paused status
	equal "$(cat $CG/v2frz/cgroup.freeze)" 1 cgroup.freeze
	check grep -qx "frozen 1" $CG/v2frz/cgroup.events
	a=$(cat $r/n)
	sleep 0.5
	equal "$(cat $r/n)" "$a" "counter while paused"
	noci resume v2frz || exit 1
	equal "$(status_of v2frz)" running status
	i=0
	while [ "$(cat $r/n)" = "$a" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check [ "$(cat $r/n)" != "$a" ]
	noci pause v2frz || exit 1
	noci delete --force v2frz || exit 1
	check [ ! -e $CG/v2frz ]
}

test_update() {
	start probe v2upd
	equal "$(probe v2upd)" denied "device before update"
	noci update --memory 64m --memory-swap 96m --pids-limit 30 --cpu-shares 2048 \
		--cpu-quota 50000 --cpu-period 100000 v2upd || exit 1
	equal "$(cat $CG/v2upd/memory.max)" 67108864 memory.max
	equal "$(cat $CG/v2upd/memory.swap.max)" 33554432 memory.swap.max
	equal "$(cat $CG/v2upd/pids.max)" 30 pids.max
	equal "$(cat $CG/v2upd/cpu.weight)" 79 cpu.weight
	equal "$(cat $CG/v2upd/cpu.max)" "50000 100000" cpu.max
	noci update --resources /payload/allow-kmsg.json v2upd || exit 1
	equal "$(probe v2upd)" ok "device after the update allowed it"
	noci update --resources /payload/deny-all.json v2upd || exit 1
	equal "$(probe v2upd)" denied "device after the update denied it again"
}

test_stats() {
	start res v2st
	noci events --stats v2st >/tmp/st || exit 1
	cat /tmp/st
	check grep -q '^{"type":"stats","id":"v2st","data":{"cpu":{"usage":{"total":' /tmp/st
	check grep -q '"usage":{"limit":33554432,"usage":[1-9]' /tmp/st
	check grep -q '"pids":{"current":[1-9],"limit":20}' /tmp/st
	check grep -q '"hugetlb":{"2MB":' /tmp/st
}

test_events_oom() {
	start oomlater v2ev
	noci events --interval 200ms v2ev >/tmp/ev &
	ev=$!
	i=0
	while [ "$(grep -c '"type":"stats"' /tmp/ev)" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	touch /proc/$(pid_of v2ev)/root/dev/shm/go
	i=0
	while ! grep -q '"oom"' /tmp/ev && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	noci kill v2ev KILL
	wait $ev
	equal $? 0 "events exits 0 when the container stops"
	check grep -qx '{"type":"oom","id":"v2ev"}' /tmp/ev
}

test_removal() {
	start res v2rm
	pid=$(pid_of v2rm)
	noci kill --all v2rm KILL || exit 1
	i=0
	while [ -e /proc/$pid ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	equal "$(status_of v2rm)" stopped status
	noci delete v2rm || exit 1
	check [ ! -e $CG/v2rm ]
	check [ ! -e /run/noci/v2rm ]
}


test_bfq() {
	start bfq v2bfq
	d=$CG/v2bfq
	cat $d/io.bfq.weight
	check grep -qx "default 500" $d/io.bfq.weight
	check grep -qx "$NULLB 300" $d/io.bfq.weight
	equal "$(cat $d/io.max)" "$NULLB rbps=1048576 wbps=2097152 riops=100 wiops=200" io.max
	equal "$(seen $(pid_of v2bfq))" "default 500
$NULLB 300
$NULLB rbps=1048576 wbps=2097152 riops=100 wiops=200" "inside the container"
	noci update --blkio-weight 700 v2bfq || exit 1
	check grep -qx "default 700" $d/io.bfq.weight
}

test_rdma() {
	start rdma v2rdma
	check grep -qw rdma $CG/cgroup.subtree_control
	cat $CG/v2rdma/rdma.max
	check grep -qx "rxe0 hca_handle=2 hca_object=100 *" $CG/v2rdma/rdma.max
	seen $(pid_of v2rdma) | grep -qx "rxe0 hca_handle=2 hca_object=100 *" ||
		{ echo "not seen inside the container"; exit 1; }
}

echo "# kernel $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
t "v2: every resource in the host's files and inside the container" test_resources
t "v2: a refused value names the file and value, nothing left" test_bad_value
t "v2: a 32 MiB limit OOM-kills a 64 MiB allocation (137), cgroup removed" test_oom
t "v2: a pids limit refuses forks" test_pids
t "v2: eBPF device filter denies and allows opening a device node" test_devices
t "v2: pause freezes (counter stops), resume thaws, delete of paused" test_freeze
t "v2: update changes limits and replaces the eBPF device program" test_update
t "v2: events --stats prints runc's JSON" test_stats
t "v2: events streams stats and reports an OOM kill (memory.events)" test_events_oom
t "v2: kill --all and removal of the cgroup" test_removal

setup_nullb_bfq
t "v2: blockIO weights in io.bfq.weight (BFQ) and throttles in io.max, null_blk" test_bfq "$blk_skip"

setup_rxe
t "v2: rdma hcaHandles/hcaObjects in rdma.max (software RDMA device rxe0)" test_rdma "$rdma_skip"
echo "1..$N"
exit $FAILED
