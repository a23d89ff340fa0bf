#!/bin/sh
# Runs inside the VM (tests/vm/checkpoint.test): checkpoint and restore with
# Debian's CRIU on Debian's own kernel.  One TAP line per test.
. ./vm-lib.sh
export LD_LIBRARY_PATH=/payload/lib
export CR_IP_TOOL=/bin/iproute2-ip
export XTABLES_LIBDIR=/payload/xtables
mkdir -p /tmp/bin
ln -s /bin/gnutar /tmp/bin/tar
export PATH=/tmp/bin:$PATH
I=/tmp/images

# CRIU's kernel probes need these (TESTING.md "Kernels and CRIU")
modload crc32c_generic
modload nf_tables
ip link set lo up
# its iptables network lock
modload nft_compat
modload xt_mark
# the socket-diag modules it collects a network namespace's sockets with,
# and conntrack over netlink, which it dumps
for m in unix_diag inet_diag tcp_diag udp_diag raw_diag af_packet_diag netlink_diag \
	nf_conntrack_netlink; do
	modload $m
done

# Engines (conmon, the containerd shim) give a container pipes for stdio;
# CRIU dumps pipes, but not a file of a mount outside the container (such as
# the VM's /dev/null).  start: create and start with pipes as stdio.
start() {
	rm -f /tmp/rc-$2
	sleep 100000 | (noci create --bundle "$B/$1" "$2" 2>&1; echo $? >/tmp/rc-$2) | cat >/tmp/out-$2 &
	i=0
	while [ ! -s /tmp/rc-$2 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	[ "$(cat /tmp/rc-$2)" = 0 ] || { cat /tmp/out-$2; echo "create $2 failed"; exit 1; }
	noci start "$2" || exit 1
}
# restore ARGS...: its stdio takes the place of the dumped pipes
restore() {
	noci restore "$@" </dev/null >/tmp/restore.out 2>&1 || {
		cat /tmp/restore.out
		echo "restore $* failed"
		exit 1
	}
}

# the counter a container shows in its /dev/shm/n
n_of() { cat "/proc/$(pid_of "$1")/root/dev/shm/n" 2>/dev/null; }
# wait until the counter of $1 is above $2 (about 10 s at most)
above() {
	local i=0 cur
	while [ $i -lt 200 ]; do
		cur=$(n_of "$1")
		[ -n "$cur" ] && [ "$cur" -gt "$2" ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "counter of $1 stayed at \"$(n_of "$1")\", not above $2"
	return 1
}
# the container $1 is gone
gone() { ! noci state "$1" >/dev/null 2>&1 && [ ! -e "/run/noci/$1" ]; }

loop_restore() {
	start loop ck1
	check above ck1 5
	check noci checkpoint --image-path $I ck1
	check gone ck1
	check [ -s $I/inventory.img ]
	restore --detach --bundle $B/loop --image-path $I ck1
	equal "$(status_of ck1)" running "status after restore"
	# the file is restored too: only a counter that goes on from its value
	# (not a new process counting from 1) gets past it
	v=$(n_of ck1)
	check above ck1 $((v + 3))
	# state, exec, kill and delete know the restored container
	v=$(noci exec ck1 cat /dev/shm/n)
	check [ "$v" -gt 0 ]
	check noci kill ck1 KILL
	i=0
	while [ "$(status_of ck1)" != stopped ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	equal "$(status_of ck1)" stopped "status after kill"
	check noci delete ck1
	check gone ck1
	check [ ! -d /sys/fs/cgroup/nucleus-oci/ck1 ]
}

fd_and_pipe() {
	start fdpipe ck2
	check above ck2 5
	check noci checkpoint --image-path $I ck2
	restore --detach --bundle $B/fdpipe --image-path $I ck2
	v=$(n_of ck2)
	check above ck2 $((v + 3))
	# the restored writer still has its file open, and appends to it
	r=/proc/$(pid_of ck2)/root/dev/shm/log
	lines=$(wc -l <"$r")
	check above ck2 $((v + 6))
	check [ "$(wc -l <"$r")" -gt "$lines" ]
	check [ "$(tail -n1 "$r")" -gt "$v" ]
}

leave_running() {
	start loopnn ck3
	check above ck3 5
	pid=$(pid_of ck3)
	check noci checkpoint --leave-running --image-path $I ck3
	equal "$(status_of ck3)" running "status after checkpoint --leave-running"
	equal "$(pid_of ck3)" "$pid" "pid after checkpoint --leave-running"
	v=$(n_of ck3)
	check above ck3 $((v + 3))
	check [ -s $I/inventory.img ]
}

pre_dump() {
	start quiet ck4
	check above ck4 5
	check noci checkpoint --pre-dump --image-path /tmp/pre ck4
	equal "$(status_of ck4)" running "status after --pre-dump"
	check [ -s /tmp/pre/inventory.img ]
	check noci checkpoint --image-path $I --parent-path ../pre ck4
	check gone ck4
	# the final dump refers to the pre-dump for the pages that did not change
	check [ -L $I/parent ]
	restore --detach --bundle $B/quiet --image-path $I ck4
	v=$(n_of ck4)
	check above ck4 $((v + 3))
}

new_id() {
	start loopnn ck5
	check above ck5 5
	check noci checkpoint --image-path $I ck5
	restore --detach --pid-file /tmp/ck5.pid --bundle $B/loopnn --image-path $I ck5new
	check gone ck5
	equal "$(cat /tmp/ck5.pid)" "$(pid_of ck5new)" "--pid-file"
	equal "$(status_of ck5new)" running "status of the new ID"
	check [ -d /sys/fs/cgroup/nucleus-oci/ck5new ]
	check grep -qx "$(cat /tmp/ck5.pid)" /sys/fs/cgroup/nucleus-oci/ck5new/cgroup.procs
	v=$(n_of ck5new)
	check above ck5new $((v + 3))
}

binds() {
	start binds ck6
	check above ck6 5
	check noci checkpoint --image-path $I ck6
	restore --detach --bundle $B/binds --image-path $I ck6
	v=$(n_of ck6)
	check above ck6 $((v + 3))
	# each bind still goes to its own host directory: /link to a (through
	# the symlink to /real), /data to b, /data/sub (mounted on b) to c
	r=/proc/$(pid_of ck6)/root
	for d in a:/real b:/data c:/data/sub; do
		i=0
		while [ "$(cat /payload/host/${d%%:*}/n)" -le "$v" ] && [ $i -lt 200 ]; do
			sleep 0.05
			i=$((i + 1))
		done
		[ "$(cat /payload/host/${d%%:*}/n)" -gt "$v" ] || {
			echo "host/${d%%:*}/n is $(cat /payload/host/${d%%:*}/n), /dev/shm/n was $v and is $(n_of ck6)"
			echo "inodes: host $(stat -c %i /payload/host/${d%%:*}/n), container $(stat -c %i $r${d#*:}/n) $(cat $r${d#*:}/n)"
			grep -E ' /(real|data|link)' $r/../mountinfo
			cat /tmp/restore.out
			exit 1
		}
	done
	check [ ! -e /payload/rootfs/real/n ]
	check [ ! -e /payload/host/b/sub/n ]
}

criu_config() {
	start conf ck7
	check above ck7 5
	check noci checkpoint --image-path $I ck7
	check [ -s /payload/criu-config.log ]
	check grep -q "Dumping finished successfully" /payload/criu-config.log
}

bad_parent() {
	start loopnn ck8
	check above ck8 5
	pid=$(pid_of ck8)
	out=$(noci checkpoint --image-path $I --parent-path ../nonexistent ck8 2>&1)
	check [ $? -ne 0 ]
	echo "$out"
	case $out in *'--parent-path "../nonexistent"'*) ;; *) exit 1 ;; esac
	equal "$(status_of ck8)" running "status after a failed checkpoint"
	equal "$(pid_of ck8)" "$pid" "pid after a failed checkpoint"
}

foreground() {
	start loopnn ck9
	check above ck9 5
	check noci checkpoint --image-path $I ck9
	# without --detach restore waits for the container and exits with its status
	(
		noci restore --bundle $B/loopnn --image-path $I ck9 </dev/null >/tmp/fg.out 2>&1
		echo $? >/tmp/fg.rc
	) &
	i=0
	while [ "$(status_of ck9 2>/dev/null)" != running ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	equal "$(status_of ck9)" running "status while restore waits"
	check [ ! -e /tmp/fg.rc ]
	check noci kill ck9 KILL
	i=0
	while [ ! -s /tmp/fg.rc ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	equal "$(cat /tmp/fg.rc)" 137 "restore's exit status after kill -9"
	# and deletes it afterwards, as run does
	check gone ck9
}

# the terminal goes to the console socket restore is given (recvtty reads it)
terminal() {
	recvtty /tmp/tty1.sock </dev/null >/tmp/tty1.out 2>/tmp/tty1.err &
	i=0
	while [ ! -S /tmp/tty1.sock ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check noci create --bundle $B/tty --console-socket /tmp/tty1.sock ck10
	check noci start ck10
	check above ck10 5
	check noci checkpoint --image-path $I ck10
	recvtty /tmp/tty2.sock </dev/null >/tmp/tty2.out 2>/tmp/tty2.err &
	i=0
	while [ ! -S /tmp/tty2.sock ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check noci restore --detach --console-socket /tmp/tty2.sock --bundle $B/tty --image-path $I ck10
	check grep -q "received" /tmp/tty2.err
	v=$(n_of ck10)
	check above ck10 $((v + 3))
	# what the restored process writes to its terminal reaches the new master
	i=0
	while ! grep -q "tick $((v + 2))" /tmp/tty2.out && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check grep -q "tick $((v + 2))" /tmp/tty2.out
}

clean() {
	rm -rf $I /tmp/pre /tmp/ck5.pid /tmp/fg.rc /tmp/fg.out /tmp/tty*
	mkdir -p $I
}

if ! criu check >/tmp/criu-check 2>&1; then
	echo "1..0 # SKIP criu check failed: $(grep Error /tmp/criu-check | head -n1)"
	exit 0
fi
echo "1..10"
clean
t "checkpoint and restore a running loop; state, exec, kill, delete after" loop_restore
clean
t "checkpoint and restore a process with an open file and a pipe" fd_and_pipe
clean
t "checkpoint --leave-running keeps the container running" leave_running
clean
t "pre-dump, then a final dump with --parent-path, then restore" pre_dump
clean
t "restore under a new ID with --detach and --pid-file" new_id
clean
t "a bind mount whose destination is a symlink, and nested bind mounts" binds
clean
t "annotation org.criu.config: CRIU reads the container's config file" criu_config
clean
t "a bad --parent-path fails naming it, and the container runs on" bad_parent
clean
t "restore without --detach waits, exits with the container's status, deletes it" foreground
clean
if command -v recvtty >/dev/null; then
	t "restore --console-socket: the terminal goes to the new socket" terminal
else
	t "restore --console-socket: the terminal goes to the new socket" terminal "tests/agents/recvtty not built"
fi
exit $FAILED
