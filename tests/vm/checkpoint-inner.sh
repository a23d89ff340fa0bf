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
# restore ARGS...: its stdio (pipes again, so that the restored container
# can be checkpointed once more) takes the place of the dumped pipes
restore() {
	rm -f /tmp/restore.rc
	sleep 100000 | (noci restore "$@" 2>&1; echo $? >/tmp/restore.rc) | cat >/tmp/restore.out &
	i=0
	while [ ! -s /tmp/restore.rc ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
	[ "$(cat /tmp/restore.rc)" = 0 ] || {
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
	cat /tmp/out-$1 2>/dev/null
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

# the last field of the last line of FILE (a counter) goes above N (about 10 s at most)
last_above() {
	local i=0 l
	while [ $i -lt 200 ]; do
		l=$(tail -n1 "$1" 2>/dev/null | tr -d '\r' | awk '{print $NF}')
		case $l in '' | *[!0-9]*) ;; *) [ "$l" -gt "$2" ] && return 0 ;; esac
		sleep 0.05
		i=$((i + 1))
	done
	echo "the last line of $1 is \"$(tail -n1 "$1")\", not above $2"
	return 1
}
# wait until the container $1 is running (about 10 s at most)
running() {
	local i=0
	while [ "$(status_of "$1" 2>/dev/null)" != running ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(status_of "$1")" = running ] || { echo "$1 is not running"; return 1; }
}
# refused ID TEXT: checkpoint without the option under test fails with
# CRIU's reason (which says TEXT), and the container runs on untouched
refused() {
	local pid out rc v
	pid=$(pid_of "$1")
	out=$(noci checkpoint --image-path /tmp/refused "$1" 2>&1)
	rc=$?
	echo "without the option: $out"
	check [ $rc -ne 0 ]
	case $out in *"$2"*) ;; *) echo "no \"$2\" in the error"; exit 1 ;; esac
	equal "$(status_of "$1")" running "status after the refused checkpoint"
	equal "$(pid_of "$1")" "$pid" "pid after the refused checkpoint"
	v=$(n_of "$1")
	check above "$1" $((v + 2))
	rm -rf /tmp/refused
}

tcp_established() {
	start tcp ck11
	check above ck11 5
	refused ck11 "consider using --tcp-established"
	check noci checkpoint --tcp-established --image-path $I ck11
	check gone ck11
	restore --detach --tcp-established --bundle $B/tcp --image-path $I ck11
	v=$(n_of ck11)
	check above ck11 $((v + 3))
	# the listener receives what the restored writer sends on the connection
	check last_above /proc/$(pid_of ck11)/root/dev/shm/got $((v + 2))
}

ext_unix_sk() {
	syslogd -n -O /tmp/syslog &
	i=0
	while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	start extsk ck12
	check above ck12 5
	check last_above /tmp/syslog 3
	refused ck12 "Consider using --ext-unix-sk"
	check noci checkpoint --ext-unix-sk --image-path $I ck12
	check gone ck12
	restore --detach --ext-unix-sk --bundle $B/extsk --image-path $I ck12
	v=$(n_of ck12)
	check above ck12 $((v + 3))
	# the restored socket is connected to the same syslogd again
	check last_above /tmp/syslog $((v + 2))
}

shell_job() {
	script -qfc "nucleus-oci --root /run/noci create --bundle $B/shell ck13 &&
		nucleus-oci --root /run/noci start ck13 && sleep 100000" /tmp/ts1 </dev/null >/dev/null 2>&1 &
	check running ck13
	check above ck13 5
	check last_above /tmp/ts1 3
	refused ck13 "checkpoint it with --shell-job"
	check noci checkpoint --shell-job --image-path $I ck13
	check gone ck13
	# a shell job's dump needs restore --shell-job too: refused, nothing left
	out=$(noci restore --detach --bundle $B/shell --image-path $I ck13 2>&1)
	check [ $? -ne 0 ]
	case $out in *"restore it with --shell-job"*) ;; *) echo "$out"; exit 1 ;; esac
	check gone ck13
	# restored onto the terminal restore is run from
	script -qfc "nucleus-oci --root /run/noci restore --shell-job --detach --bundle $B/shell \
		--image-path $I ck13 && sleep 100000" /tmp/ts2 </dev/null >/dev/null 2>&1 &
	running ck13 || { cat /tmp/ts2; exit 1; }
	v=$(n_of ck13)
	check above ck13 $((v + 3))
	check last_above /tmp/ts2 $((v + 2))
}

# the flock on FILE is held by someone else
locked() {
	flock -n -E 42 "$1" true
	[ $? -eq 42 ]
}
file_locks() {
	start flock ck14
	check above ck14 5
	check locked /proc/$(pid_of ck14)/root/dev/shm/lock
	refused ck14 "try --file-locks"
	check noci checkpoint --file-locks --image-path $I ck14
	check gone ck14
	restore --detach --file-locks --bundle $B/flock --image-path $I ck14
	v=$(n_of ck14)
	check above ck14 $((v + 3))
	check locked /proc/$(pid_of ck14)/root/dev/shm/lock
}

# KiB allocated to a directory (du counts blocks: a punched hole frees them)
kib() { du -sk "$1" | cut -f1; }
auto_dedup() {
	D=/tmp/dedup
	mkdir -p $D
	mount -t tmpfs tmpfs $D
	start quiet ck15
	check above ck15 5
	# without --auto-dedup the pre-dump keeps every page it had
	check noci checkpoint --pre-dump --image-path $D/pre1 ck15
	a=$(kib $D/pre1)
	check noci checkpoint --image-path $D/img1 --parent-path ../pre1 ck15
	b=$(kib $D/pre1)
	echo "without --auto-dedup: pre-dump $a KiB, after the dump $b KiB" | tee /tmp/dedup.txt
	equal "$b" "$a" "pre-dump size after a dump without --auto-dedup"
	restore --detach --bundle $B/quiet --image-path $D/img1 ck15
	v=$(n_of ck15)
	check above ck15 $((v + 3))
	# with it, the pages dumped again are punched out of the pre-dump
	check noci checkpoint --pre-dump --image-path $D/pre2 ck15
	a=$(kib $D/pre2)
	check noci checkpoint --auto-dedup --image-path $D/img2 --parent-path ../pre2 ck15
	b=$(kib $D/pre2)
	echo "with --auto-dedup: pre-dump $a KiB, after the dump $b KiB" | tee -a /tmp/dedup.txt
	check [ "$b" -lt "$a" ]
	restore --detach --bundle $B/quiet --image-path $D/img2 ck15
	v=$(n_of ck15)
	check above ck15 $((v + 3))
}

empty_ns() {
	check modload dummy
	start dummy ck16
	check above ck16 5
	pid=$(pid_of ck16)
	check iproute2-ip link add ckd0 type dummy
	check iproute2-ip link set ckd0 netns $pid
	check nsenter -t $pid -n ip link show ckd0
	refused ck16 "Unsupported link"
	check noci checkpoint --empty-ns network --image-path $I ck16
	check gone ck16
	restore --detach --bundle $B/dummy --image-path $I ck16
	v=$(n_of ck16)
	check above ck16 $((v + 3))
	# a network namespace of its own again, with nothing of the old one in it
	pid=$(pid_of ck16)
	check [ "$(stat -L -c %i /proc/$pid/ns/net)" != "$(stat -L -c %i /proc/1/ns/net)" ]
	if nsenter -t $pid -n ip link show ckd0; then
		echo "ckd0 is in the restored namespace"
		exit 1
	fi
}

# the container $1 is in the network namespace $2
in_netns() { [ "$(stat -L -c %i /proc/$(pid_of "$1")/ns/net)" = "$(stat -L -c %i "$2")" ]; }
netns_path() {
	check iproute2-ip netns add cknet1
	check iproute2-ip netns add cknet2
	start cknet1 ck17
	check above ck17 5
	check in_netns ck17 /run/netns/cknet1
	check noci checkpoint --image-path $I ck17
	check gone ck17
	restore --detach --bundle $B/cknet1 --image-path $I ck17
	check in_netns ck17 /run/netns/cknet1
	v=$(n_of ck17)
	check above ck17 $((v + 3))
	# the namespace is not part of the dump: restored into the one the
	# restore's config names
	rm -rf $I
	check noci checkpoint --image-path $I ck17
	restore --detach --bundle $B/cknet2 --image-path $I ck17
	check in_netns ck17 /run/netns/cknet2
	v=$(n_of ck17)
	check above ck17 $((v + 3))
}

userns_devices() {
	# the container's root (uid 100000 here) reaches its rootfs
	chmod o+x /payload
	start userns ck18
	check above ck18 5
	# the default nodes are binds of the VM's, which CRIU must be told of
	check grep -q ' /dev/null ' /proc/$(pid_of ck18)/mountinfo
	check noci checkpoint --image-path $I ck18
	check gone ck18
	restore --detach --bundle $B/userns --image-path $I ck18
	v=$(n_of ck18)
	check above ck18 $((v + 3))
	check grep -q ' /dev/null ' /proc/$(pid_of ck18)/mountinfo
	equal "$(noci exec ck18 sh -c 'echo x >/dev/null && head -c 3 /dev/zero | wc -c')" 3 \
		"/dev/null and /dev/zero after restore"
	equal "$(awk '$1 == 0 {print $2}' /proc/$(pid_of ck18)/uid_map)" 100000 "uid map after restore"
}

clean() {
	rm -rf $I /tmp/pre /tmp/ck5.pid /tmp/fg.rc /tmp/fg.out /tmp/tty*
	mkdir -p $I
}

if ! criu check >/tmp/criu-check 2>&1; then
	echo "1..0 # SKIP criu check failed: $(grep Error /tmp/criu-check | head -n1)"
	exit 0
fi
echo "1..18"
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
clean
t "--tcp-established: a TCP connection inside the container survives" tcp_established
clean
t "--ext-unix-sk: a datagram socket connected to the VM's syslogd survives" ext_unix_sk
clean
t "--shell-job: a process on the caller's terminal, restored onto the new one" shell_job
clean
t "--file-locks: a held flock survives" file_locks
clean
t "--auto-dedup: the final dump frees the pre-dump's pages it saves again" auto_dedup
sed 's/^/# /' /tmp/dedup.txt 2>/dev/null
clean
t "--empty-ns network: a namespace CRIU cannot dump is restored empty" empty_ns
clean
t "a network namespace given by path: left out, restored into the configured one" netns_path
clean
t "a user namespace: the nodes bound from the host are external mounts" userns_devices
exit $FAILED
