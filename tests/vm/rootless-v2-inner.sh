#!/bin/sh
# nucleus-oci as an unprivileged user (uid 1000) on pure cgroup v2, run as root
# inside the VM (busybox sh, cwd /payload): root delegates /deleg to the user (the
# directory and its cgroup.procs, cgroup.subtree_control and cgroup.threads, as
# systemd does) and starts the user's commands in /deleg/user.  Prints TAP.
. ./vm-lib.sh
CG=/sys/fs/cgroup
XDG=/tmp/rl-xdg

# The payload was made in a private directory: the user must read it.
chmod -R a+rX /payload
mkdir -p $XDG
chown 1000:1000 $XDG
chmod 700 $XDG
echo "+memory +pids +cpu" >$CG/cgroup.subtree_control
mkdir -p $CG/deleg/user
chown 1000:1000 $CG/deleg $CG/deleg/cgroup.procs $CG/deleg/cgroup.subtree_control \
	$CG/deleg/cgroup.threads
chown -R 1000:1000 $CG/deleg/user

# nucleus-oci as the user, from its own cgroup in the delegated subtree.
rl() {
	sh -c 'echo $$ >/sys/fs/cgroup/deleg/user/cgroup.procs && exec "$@"' rl \
		rl-setpriv --reuid 1000 --regid 1000 --clear-groups \
		env -i PATH=/bin XDG_RUNTIME_DIR=$XDG nucleus-oci "$@"
}
rl_pid_of() { rl state "$1" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'; }
rl_status_of() { rl state "$1" | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'; }
rl_cleanup() {
	for id in $(ls $XDG/nucleus-oci 2>/dev/null); do rl delete --force "$id" >/dev/null 2>&1; done
}
rl_t() {
	t "$@"
	rl_cleanup
}

test_delegated() {
	rl create --bundle $B/deleg rl1 || exit 1
	rl start rl1 || exit 1
	pid=$(rl_pid_of rl1)
	d=$CG/deleg/rl1
	check grep -qx "$pid" $d/cgroup.procs
	equal "$(stat -c %u $d)" 1000 "owner of the container's cgroup"
	equal "$(cat $d/memory.max)" 33554432 memory.max
	equal "$(cat $d/pids.max)" 20 pids.max
	check grep -q '"cgroupPath": *"/deleg/rl1"' $XDG/nucleus-oci/rl1/state.json
	equal "$(seen $pid)" "0::/" "the container's own cgroup namespace"
	rl ps --format json rl1 >/tmp/ps || exit 1
	equal "$(cat /tmp/ps)" "[$pid]" "ps"
	rl pause rl1 || exit 1
	equal "$(rl_status_of rl1)" paused status
	equal "$(cat $d/cgroup.freeze)" 1 cgroup.freeze
	rl resume rl1 || exit 1
	equal "$(rl_status_of rl1)" running status
	rl update --memory 64m --pids-limit 30 rl1 || exit 1
	equal "$(cat $d/memory.max)" 67108864 "memory.max after update"
	equal "$(cat $d/pids.max)" 30 "pids.max after update"
	rl events --stats rl1 >/tmp/st || exit 1
	check grep -q '"pids":{"current":1,"limit":30}' /tmp/st
	rl kill --all rl1 KILL || exit 1
	i=0
	while [ -e /proc/$pid ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	rl delete rl1 || exit 1
	check [ ! -e $d ]
	check [ ! -e $XDG/nucleus-oci/rl1 ]
}

test_oom() {
	rl run --bundle $B/oom rl-oom
	equal $? 137 "exit status of a 64 MiB allocation under a 32 MiB limit"
	check [ ! -e $CG/deleg/rl-oom ]
}

test_freeze() {
	rl create --bundle $B/count rl-frz || exit 1
	rl start rl-frz || exit 1
	r=/proc/$(rl_pid_of rl-frz)/root/dev/shm
	i=0
	while [ ! -s $r/n ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	rl pause rl-frz || exit 1
	a=$(cat $r/n)
	sleep 0.5
	equal "$(cat $r/n)" "$a" "counter while paused"
	rl delete --force rl-frz || exit 1
	check [ ! -e $CG/deleg/rl-frz ]
}

test_no_limits() {
	rl run --bundle $B/nolimits rl-nl >/tmp/out 2>&1
	equal $? 0 "run without a writable cgroup and no limits"
	cat /tmp/out
	check [ ! -e $CG/nucleus-oci/rl-nl ]
	check grep -qx "0::/" /tmp/out
}

test_limits_refused() {
	rl run --bundle $B/limits rl-lim >/tmp/err 2>&1 && { echo "run succeeded"; exit 1; }
	cat /tmp/err
	check grep -q "rootless container: linux.resources.memory needs a cgroup" /tmp/err
	check grep -q "create cgroup /sys/fs/cgroup/nucleus-oci: Permission denied" /tmp/err
	check [ ! -e $CG/nucleus-oci ]
	check [ ! -e $XDG/nucleus-oci/rl-lim ]
}

echo "# kernel $(uname -r), cgroup2 controllers: $(cat $CG/cgroup.controllers)"
rl_t "rootless v2: limits, pause, update, events, ps and removal in a delegated subtree" test_delegated
rl_t "rootless v2: a 32 MiB limit OOM-kills a 64 MiB allocation (137) in a delegated cgroup" test_oom
rl_t "rootless v2: pause freezes (counter stops), delete of a paused container" test_freeze
rl_t "rootless v2: no limits and no writable cgroup: the container runs without one" test_no_limits
rl_t "rootless v2: limits without a writable cgroup fail, naming cgroups, nothing left" test_limits_refused
echo "1..$N"
exit $FAILED
