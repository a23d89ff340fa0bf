#!/bin/sh
# Runs inside the VM (tests/vm/podman-checkpoint.test), from a unit of
# systemd: Podman checkpoints and restores containers whose runtime is
# nucleus-oci.  One TAP line per test; the runtime calls podman and conmon
# made follow as TAP comments.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. /payload/vm-lib.sh
D=/tmp/pm
IMG=localhost/busybox:latest
# counts in memory; the file shows it; /tmp/starts has a line per start
LOOP_TTY='echo start >>/tmp/starts; i=0; while :; do i=$((i+1)); echo $i >/tmp/t; mv /tmp/t /tmp/n; echo tick $i; sleep 0.05; done'
LOOP='echo start >>/tmp/starts; i=0; while :; do i=$((i+1)); echo $i >/tmp/t; mv /tmp/t /tmp/n; sleep 0.05; done'

# CRIU's kernel probes and its network lock (TESTING.md "Kernels and CRIU")
for m in crc32c_generic nf_tables nft_compat xt_mark unix_diag inet_diag tcp_diag udp_diag \
	netlink_diag packet_diag nf_conntrack_netlink overlay; do
	modprobe -q $m
done
ip link set lo up
if ! criu check >/tmp/criu-check 2>&1; then
	echo "1..0 # SKIP criu check failed: $(grep Error /tmp/criu-check | head -n1)"
	exit 0
fi

# Podman with every path private; nucleus-oci registered as "nucleus",
# through a wrapper that logs each call
mkdir -p $D/root $D/rr $D/tmp $D/conmon
cat >$D/nucleus <<SH
#!/bin/sh
echo "\$*" >>$D/calls
exec /usr/local/bin/nucleus-oci "\$@"
SH
chmod 755 $D/nucleus
cat >$D/containers.conf <<CONF
[containers]
netns = "none"
log_driver = "k8s-file"
default_ulimits = [ "nofile=1024:1024" ]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$D/events.log"
lock_type = "file"
tmp_dir = "$D/tmp"
conmon_env_vars = [ "TMPDIR=$D/conmon" ]
runtime = "nucleus"
runtime_supports_json = [ "crun", "runc", "nucleus" ]

[engine.runtimes]
nucleus = [ "$D/nucleus" ]
CONF
cat >$D/storage.conf <<CONF
[storage]
driver = "overlay"
graphroot = "$D/root"
runroot = "$D/rr"
CONF
: >$D/registries.conf
export CONTAINERS_CONF=$D/containers.conf CONTAINERS_STORAGE_CONF=$D/storage.conf
export CONTAINERS_REGISTRIES_CONF=$D/registries.conf
pm() {
	timeout -k 10 120 podman --root $D/root --runroot $D/rr --tmpdir $D/tmp \
		--storage-driver overlay --cgroup-manager cgroupfs --events-backend file "$@"
}
if ! pm import --quiet /payload/busybox.tar $IMG >/tmp/import.out 2>&1; then
	echo "1..0 # SKIP podman import failed: $(tail -n1 /tmp/import.out)"
	exit 0
fi

status() { pm inspect --format '{{.State.Status}}' "$1"; }
cpid() { pm inspect --format '{{.State.Pid}}' "$1"; }
# the counter of container $1, read through its init's root
n_of() { cat "/proc/$(cpid "$1")/root/tmp/n" 2>/dev/null; }
# wait until the counter of $1 is above $2 (about 20 s at most)
above() {
	local i=0 cur
	while [ $i -lt 200 ]; do
		cur=$(n_of "$1")
		[ -n "$cur" ] && [ "$cur" -gt "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "counter of $1 stayed at \"$(n_of "$1")\", not above $2"
	return 1
}
# run CMD...: fail the test with podman's output when it fails
run() {
	"$@" >/tmp/run.out 2>&1 || {
		cat /tmp/run.out
		echo "failed: $*"
		exit 1
	}
}
# the restored process goes on from where it was, never started again
continues() {
	local w
	w=$(pm exec "$1" cat /tmp/n) || { echo "podman exec into $1 failed"; exit 1; }
	[ "$w" -ge "$2" ] || { echo "counter of $1 is $w after the restore, was $2"; exit 1; }
	equal "$(pm exec "$1" cat /tmp/starts | wc -l)" 1 "starts of $1"
	check above "$1" $((w + 3))
}

in_place() {
	run pm run -d --runtime nucleus --name pc1 $IMG sh -c "$LOOP"
	check above pc1 5
	run pm container checkpoint pc1
	equal "$(status pc1)" exited "status after checkpoint"
	v=$(cat "$(pm inspect --format '{{.GraphDriver.Data.MergedDir}}' pc1)/tmp/n" 2>/dev/null)
	run pm container restore pc1
	equal "$(status pc1)" running "status after restore"
	continues pc1 "${v:-6}"
	check grep -q "checkpoint .*pc1\|checkpoint .*$(pm inspect --format '{{.Id}}' pc1)" $D/calls
	check grep -q "restore " $D/calls
}

leave_running() {
	pid=$(cpid pc1)
	v=$(n_of pc1)
	run pm container checkpoint --leave-running pc1
	equal "$(status pc1)" running "status after checkpoint --leave-running"
	equal "$(cpid pc1)" "$pid" "pid after checkpoint --leave-running"
	check above pc1 $((v + 3))
}

export_import() {
	v=$(n_of pc1)
	run pm container checkpoint --export=/tmp/pc1.tar.gz pc1
	equal "$(status pc1)" exited "status after checkpoint --export"
	check [ -s /tmp/pc1.tar.gz ]
	run pm rm pc1
	run pm container restore --import=/tmp/pc1.tar.gz --name pc2
	equal "$(status pc2)" running "status of the imported container"
	continues pc2 "$v"
}

exec_restored() {
	equal "$(pm exec pc2 sh -c 'echo $((6 * 7))')" 42 "podman exec into the restored container"
	equal "$(pm exec pc2 cat /proc/1/cmdline | tr '\0' ' ')" "sh -c $LOOP " "its pid 1"
}

rm_force() {
	id=$(pm inspect --format '{{.Id}}' pc2)
	pid=$(cpid pc2)
	check [ -d /proc/$pid ]
	run pm rm -f pc2
	check [ ! -d /proc/$pid ]
	left=$(find /sys/fs/cgroup -name "*$id*" 2>/dev/null)
	[ -z "$left" ] || { echo "cgroups left: $left"; exit 1; }
	# neither the container's processes nor its conmon
	left=$(ps -eo pid,args | grep -v grep | grep -e "while :" -e "$id" || true)
	[ -z "$left" ] || { echo "processes left: $left"; exit 1; }
}

# a terminal (podman run -t): conmon hands restore a console socket, and
# what the restored process writes reaches conmon's log through the new one
terminal() {
	run pm run -d -t --name pt1 $IMG sh -c "$LOOP_TTY"
	check above pt1 5
	run pm container checkpoint pt1
	equal "$(status pt1)" exited "status after checkpoint"
	v=$(cat "$(pm inspect --format '{{.GraphDriver.Data.MergedDir}}' pt1)/tmp/n" 2>/dev/null)
	run pm container restore pt1
	equal "$(status pt1)" running "status after restore"
	continues pt1 "${v:-6}"
	check grep -q "restore .*--console-socket" $D/calls
	w=$(n_of pt1)
	i=0
	while [ $i -lt 30 ]; do
		last=$(pm logs pt1 2>/dev/null | tr -d '\r' | grep tick | tail -n1)
		[ "${last#tick }" -gt "$w" ] 2>/dev/null && break
		sleep 0.5
		i=$((i + 1))
	done
	[ "${last#tick }" -gt "$w" ] 2>/dev/null || { echo "last log line \"$last\", counter was $w"; exit 1; }
	run pm rm -f pt1
}

# a network namespace given by path (podman --network ns:PATH): left out
# of the dump, the restored container is in it again
netns_path() {
	check ip netns add pcnet
	run pm run -d --network ns:/run/netns/pcnet --name pn1 $IMG sh -c "$LOOP"
	check above pn1 5
	ino=$(stat -L -c %i /run/netns/pcnet)
	equal "$(stat -L -c %i /proc/$(cpid pn1)/ns/net)" "$ino" "network namespace"
	run pm container checkpoint pn1
	run pm container restore pn1
	equal "$(status pn1)" running "status after restore"
	equal "$(stat -L -c %i /proc/$(cpid pn1)/ns/net)" "$ino" "network namespace after restore"
	continues pn1 6
	run pm rm -f pn1
}

echo "1..7"
t "podman container checkpoint and restore: the counter goes on, running again" in_place
t "podman container checkpoint --leave-running" leave_running
t "checkpoint --export, podman rm, restore --import --name: a new container" export_import
t "podman exec into the restored container" exec_restored
t "podman rm -f of the restored container leaves no process or cgroup" rm_force
t "podman run -t: restored with a console socket, its output reaches podman logs" terminal
t "podman --network ns:PATH: restored into that network namespace" netns_path
# shortened: UD(id) for a container's userdata directory, ids to 12 digits
echo "# the runtime calls podman and conmon made:"
sed -E "s#$D/(root|rr)/overlay-containers/([0-9a-f]{12})[0-9a-f]*/userdata#UD(\2)#g
	s#([0-9a-f]{12})[0-9a-f]{52}#\1#g; s/^/#   /" $D/calls
pm rm --all --force --time 0 >/dev/null 2>&1
exit $FAILED
