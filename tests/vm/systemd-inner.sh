#!/bin/sh
# The systemd cgroup driver, run by tests/vm/systemd.test from a unit of a VM
# whose PID 1 is systemd (unified or hybrid layout).  Prints TAP lines; the
# plan is printed by systemd.test for both boots together.
. /payload/vm-lib.sh
# A sanitizer build of nucleus-oci reports to files, checked at the end.
mkdir -p /tmp/san
export ASAN_OPTIONS=log_path=/tmp/san/asan UBSAN_OPTIONS=log_path=/tmp/san/ubsan:print_stacktrace=1
sd() { nucleus-oci --root /run/noci --systemd-cgroup "$@"; }
# prop UNIT NAME: one property as systemctl show has it
prop() { systemctl show -p "$2" --value "$1"; }
sdstart() {
	sd create --bundle "$B/$1" "$2" || exit 1
	sd start "$2" || exit 1
}

if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
	L=v2
	MEM=/sys/fs/cgroup PIDS=/sys/fs/cgroup CPU=/sys/fs/cgroup FRZ=/sys/fs/cgroup
	PROCS=/sys/fs/cgroup
else
	L=hybrid
	MEM=/sys/fs/cgroup/memory PIDS=/sys/fs/cgroup/pids CPU=/sys/fs/cgroup/cpu
	FRZ=/sys/fs/cgroup/freezer PROCS=/sys/fs/cgroup/systemd
fi
RES=/nucleus.slice/nucleus-a.slice/nucleus-a-b.slice/nci-res.scope

test_run_limits() {
	sdstart res sdres
	u=nci-res.scope
	equal "$(prop $u ActiveState)" active ActiveState
	equal "$(prop $u Slice)" nucleus-a-b.slice Slice
	equal "$(prop $u ControlGroup)" $RES ControlGroup
	equal "$(prop $u Delegate)" yes Delegate
	equal "$(prop $u TasksMax)" 20 TasksMax
	equal "$(prop $u CPUQuotaPerSecUSec)" 200ms CPUQuotaPerSecUSec
	equal "$(prop $u DevicePolicy)" strict DevicePolicy
	prop $u DeviceAllow | grep -q '/dev/char/1:3 rwm' || { echo "DeviceAllow: $(prop $u DeviceAllow)"; exit 1; }
	check grep -q "0::$RES\|:name=systemd:$RES" /proc/$(pid_of sdres)/cgroup
	equal "$(cat $PIDS$RES/pids.max)" 20 pids.max
	if [ $L = v2 ]; then
		equal "$(prop $u MemoryMax)" 33554432 MemoryMax
		equal "$(prop $u MemoryLow)" 16777216 MemoryLow
		equal "$(prop $u MemorySwapMax)" 16777216 MemorySwapMax
		equal "$(prop $u CPUWeight)" 39 CPUWeight
		equal "$(prop $u IOWeight)" 4950 IOWeight
		equal "$(prop $u AllowedCPUs)" 0 AllowedCPUs
		equal "$(cat $MEM$RES/memory.max)" 33554432 memory.max
		equal "$(cat $MEM$RES/memory.low)" 16777216 memory.low
		equal "$(cat $MEM$RES/memory.swap.max)" 16777216 memory.swap.max
		equal "$(cat $CPU$RES/cpu.weight)" 39 cpu.weight
		equal "$(cat $CPU$RES/cpu.max)" "20000 100000" cpu.max
		equal "$(cat $CPU$RES/cpuset.cpus)" 0 cpuset.cpus
	else
		equal "$(prop $u MemoryLimit)" 33554432 MemoryLimit
		equal "$(prop $u CPUShares)" 1024 CPUShares
		equal "$(prop $u BlockIOWeight)" 500 BlockIOWeight
		equal "$(cat $MEM$RES/memory.limit_in_bytes)" 33554432 memory.limit_in_bytes
		equal "$(cat $MEM$RES/memory.memsw.limit_in_bytes)" 50331648 memory.memsw.limit_in_bytes
		equal "$(cat $CPU$RES/cpu.shares)" 1024 cpu.shares
		equal "$(cat $CPU$RES/cpu.cfs_quota_us)" 20000 cpu.cfs_quota_us
		equal "$(cat /sys/fs/cgroup/cpuset$RES/cpuset.cpus)" 0 cpuset.cpus
		check grep -qx "$(pid_of sdres)" /sys/fs/cgroup/cpuset$RES/cgroup.procs
	fi
}

test_update_reload() {
	sdstart res sdres
	u=nci-res.scope
	sd update --memory 64m --memory-swap 96m --pids-limit 30 --cpu-quota 50000 \
		--cpu-period 100000 sdres || exit 1
	equal "$(prop $u TasksMax)" 30 "TasksMax after update"
	equal "$(prop $u CPUQuotaPerSecUSec)" 500ms "CPUQuotaPerSecUSec after update"
	sd update --resources /payload/allow-kmsg.json sdres || exit 1
	prop $u DeviceAllow | grep -q '/dev/char/1:11 w' || { echo "DeviceAllow: $(prop $u DeviceAllow)"; exit 1; }
	# what a write behind systemd's back would get: undone by the reload
	echo 25 >$PIDS$RES/pids.max
	systemctl daemon-reload || exit 1
	# the default devices are in systemd's list too: still usable after the reload
	sd exec sdres sh -c 'echo x >/dev/null' || exit 1
	equal "$(cat $PIDS$RES/pids.max)" 30 "pids.max after daemon-reload"
	if [ $L = v2 ]; then
		equal "$(prop $u MemoryMax)" 67108864 "MemoryMax after update"
		equal "$(cat $MEM$RES/memory.max)" 67108864 "memory.max after daemon-reload"
		equal "$(cat $CPU$RES/cpu.max)" "50000 100000" "cpu.max after daemon-reload"
	else
		equal "$(prop $u MemoryLimit)" 67108864 "MemoryLimit after update"
		equal "$(cat $MEM$RES/memory.limit_in_bytes)" 67108864 \
			"memory.limit_in_bytes after daemon-reload"
		equal "$(cat $CPU$RES/cpu.cfs_quota_us)" 50000 "cpu.cfs_quota_us after daemon-reload"
	fi
}

test_exec() {
	sdstart res sdres
	sd exec --detach sdres sleep 60 || exit 1
	n=$(wc -l <$PROCS$RES/cgroup.procs)
	equal "$n" 2 "processes in the scope's cgroup.procs after exec"
	equal "$(sd ps --format json sdres | tr -cd , | wc -c)" 1 "two pids listed by ps"
	equal "$(wc -l <$MEM$RES/cgroup.procs)" 2 "processes in the memory cgroup"
}

test_pause() {
	sdstart count sdcount
	cg=/system.slice/nci-count.scope
	r=/proc/$(pid_of sdcount)/root/dev/shm
	i=0
	while [ ! -s $r/n ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	sd pause sdcount || exit 1
	equal "$(status_of sdcount)" paused status
	if [ $L = v2 ]; then
		equal "$(cat $FRZ$cg/cgroup.freeze)" 1 cgroup.freeze
	else
		equal "$(cat $FRZ$cg/freezer.state)" FROZEN freezer.state
	fi
	a=$(cat $r/n)
	sleep 0.5
	equal "$(cat $r/n)" "$a" "counter while paused"
	sd resume sdcount || exit 1
	equal "$(status_of sdcount)" running status
	i=0
	while [ "$(cat $r/n)" = "$a" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check [ "$(cat $r/n)" != "$a" ]
}

test_delete() {
	sdstart res sdres
	sdstart plain sdplain
	equal "$(prop nci-plain.scope Slice)" system.slice "default slice"
	sd kill sdplain KILL || exit 1
	sd delete --force sdres || exit 1
	sd delete sdplain || exit 1
	for u in nci-res.scope nci-plain.scope; do
		equal "$(prop $u LoadState)" not-found "LoadState of $u after delete"
	done
	check [ -z "$(systemctl list-units --all --no-legend 'nci-*')" ]
	for h in /sys/fs/cgroup /sys/fs/cgroup/*; do
		check [ ! -e $h$RES ]
	done
}

test_bad_input() {
	sd create --bundle $B/bad sdbad 2>/tmp/err && exit 1
	cat /tmp/err
	check grep -q 'cpuset.cpus' /tmp/err
	sd create --bundle $B/notsd sdnotsd 2>/tmp/err && exit 1
	cat /tmp/err
	check grep -q 'linux.cgroupsPath "/not/a/slice".*slice:prefix:name' /tmp/err
	# Without --systemd-cgroup the cgroupfs driver takes a systemd-looking path
	# as a plain directory name, as runc does: no unit is made.
	noci create --bundle $B/plain sdplain2 || exit 1
	check [ -n "$(find /sys/fs/cgroup -type d -name ':nci:plain' | head -1)" ]
	noci delete --force sdplain2 || exit 1
	check [ -z "$(find /sys/fs/cgroup -type d -name ':nci:plain' | head -1)" ]
	check [ -z "$(systemctl list-units --all --no-legend 'nci-*')" ]
	check [ -z "$(ls /run/noci)" ]
	for h in /sys/fs/cgroup /sys/fs/cgroup/*; do
		check [ ! -e $h/nucleus.slice/nci-bad.scope ]
	done
}

test_clash() {
	sdstart res sdres
	sd create --bundle $B/clash sdclash 2>/tmp/err && exit 1
	cat /tmp/err
	check grep -q 'nci-res.scope' /tmp/err
	equal "$(prop nci-res.scope ActiveState)" active "the other container's unit"
	equal "$(status_of sdres)" running "the other container"
	check [ ! -e /run/noci/sdclash ]
}

t "systemd $L: run with limits, read back from systemctl show and the cgroup files" test_run_limits
t "systemd $L: update goes through systemd, daemon-reload keeps it" test_update_reload
t "systemd $L: exec joins the scope" test_exec
t "systemd $L: pause freezes the scope, resume thaws it" test_pause
t "systemd $L: delete stops the units, none is left, default slice" test_delete
t "systemd $L: bad input is a clear error and leaves no unit, state or cgroup" test_bad_input
t "systemd $L: a scope name in use elsewhere is refused, that unit left running" test_clash
for f in /tmp/san/*; do
	[ -e "$f" ] || continue
	sed 's/^/# /' "$f"
	echo "Bail out! sanitizer report $f"
	FAILED=1
done
exit $FAILED
