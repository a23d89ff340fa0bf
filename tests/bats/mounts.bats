#!/usr/bin/env bats
# The container's filesystem: every mount type and option as seen from inside
# (/proc/self/mountinfo), devices, masked and read-only paths, propagation,
# idmapped mounts, rejections that leave nothing behind, and escape attempts.

load helpers

setup() {
	setup_bundle
	SRC="$BATS_TEST_TMPDIR/src"
	mkdir -p "$SRC/dir"
	echo hello >"$SRC/file"
}

teardown() {
	teardown_containers
	# submounts made by tests on their sources
	grep -o " $BATS_TEST_TMPDIR[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
}

# Run a container printing its mountinfo (plus the output of an optional
# shell command) into $MI; fails the test if the container fails.
mountinfo_of() {
	jq --arg s "cat /proc/self/mountinfo; echo ===; ${1:-true}" '.process.args = ["sh", "-c", $s]' \
		"$BUNDLE/config.json" >"$BUNDLE/config.json.new"
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
	run noci run "mnt-$BATS_TEST_NUMBER"
	echo "$output"
	[ "$status" -eq 0 ]
	MI="$BATS_TEST_TMPDIR/mi"
	echo "$output" | sed '/^===$/,$d' >"$MI"
	AFTER=$(echo "$output" | sed '1,/^===$/d')
}

# The mountinfo line of a mount point (the last one mounted there).
mline() {
	awk -v d="$1" '$5 == d' "$MI" | tail -1
}

# Per-mount options of a mount point, e.g. "ro,nosuid,relatime".
mopts() {
	mline "$1" | awk '{print $6}'
}

# Superblock options (after " - fstype source ").
sopts() {
	mline "$1" | sed 's/.* - [^ ]* [^ ]* //'
}

fstype() {
	mline "$1" | sed 's/.* - \([^ ]*\) .*/\1/'
}

has_opt() {
	[[ ",$1," == *",$2,"* ]]
}

add_mount() {
	update_config ".mounts += [$1]"
}

# The error path leaves nothing: no state dir, no mount under the test dir.
assert_nothing_left() {
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
	! grep -q "$BATS_TEST_TMPDIR" /proc/self/mountinfo
}

@test "the default spec config mounts proc, dev, devpts, shm, mqueue, sys and cgroups" {
	mountinfo_of 'ls -l /dev; for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done'
	[ "$(fstype /proc)" = proc ]
	[ "$(fstype /dev)" = tmpfs ]
	has_opt "$(mopts /dev)" nosuid
	has_opt "$(sopts /dev)" size=65536k
	has_opt "$(sopts /dev)" mode=755
	[ "$(fstype /dev/pts)" = devpts ]
	has_opt "$(sopts /dev/pts)" ptmxmode=666
	has_opt "$(sopts /dev/pts)" mode=620
	has_opt "$(sopts /dev/pts)" gid=5
	has_opt "$(mopts /dev/pts)" noexec
	[ "$(fstype /dev/shm)" = tmpfs ]
	has_opt "$(mopts /dev/shm)" nodev
	[ "$(fstype /dev/mqueue)" = mqueue ]
	[ "$(fstype /sys)" = sysfs ]
	has_opt "$(mopts /sys)" ro
	grep -q " /sys/fs/cgroup " "$MI"
	# the root is read-only as the default config asks
	has_opt "$(mopts /)" ro
	for d in null zero full random urandom tty; do
		[[ "$AFTER" == *"rw-rw-rw-"*" $d"* ]]
	done
	[[ "$AFTER" == *"pts/ptmx"* ]]
	[[ "$AFTER" == *"/proc/self/fd/0"* ]]
	[[ "$AFTER" == *"/proc/self/fd/2"* ]]
}

@test "the default devices are the real ones" {
	update_config '.process.args = ["sh", "-c", "echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1 && stat -c \"%t:%T\" /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty"]'
	run noci run mnt-dev
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"00 00 00 00"* ]]
	[ "${lines[1]}" = "1:3" ]
	[ "${lines[2]}" = "1:5" ]
	[ "${lines[3]}" = "1:7" ]
	[ "${lines[4]}" = "1:8" ]
	[ "${lines[5]}" = "1:9" ]
	[ "${lines[6]}" = "5:0" ]
}

@test "mount flags: ro nosuid nodev noexec sync dirsync noatime nodiratime nosymfollow" {
	add_mount '{"destination": "/m/a", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "nosuid", "nodev", "noexec"]}'
	add_mount '{"destination": "/m/b", "type": "tmpfs", "source": "tmpfs", "options": ["sync", "dirsync", "noatime", "nodiratime"]}'
	add_mount '{"destination": "/m/c", "type": "tmpfs", "source": "tmpfs", "options": ["strictatime", "nosymfollow"]}'
	add_mount '{"destination": "/m/d", "type": "tmpfs", "source": "tmpfs", "options": ["relatime", "mand"]}'
	mountinfo_of
	for o in ro nosuid nodev noexec; do has_opt "$(mopts /m/a)" $o; done
	for o in noatime nodiratime; do has_opt "$(mopts /m/b)" $o; done
	# tmpfs shows sync and dirsync with its superblock options
	for o in sync dirsync; do has_opt "$(sopts /m/b)" $o; done
	has_opt "$(mopts /m/c)" nosymfollow
	! has_opt "$(mopts /m/c)" relatime
	! has_opt "$(mopts /m/c)" noatime
	has_opt "$(mopts /m/d)" relatime
	has_opt "$(sopts /m/d)" mand
}

@test "mount flags: the clearing forms rw suid dev exec async atime diratime norelatime nostrictatime nomand symfollow" {
	add_mount '{"destination": "/m/a", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "nosuid", "nodev", "noexec", "rw", "suid", "dev", "exec"]}'
	add_mount '{"destination": "/m/b", "type": "tmpfs", "source": "tmpfs", "options": ["sync", "noatime", "nodiratime", "async", "atime", "diratime", "nomand"]}'
	add_mount '{"destination": "/m/c", "type": "tmpfs", "source": "tmpfs", "options": ["strictatime", "nostrictatime", "nosymfollow", "symfollow"]}'
	add_mount '{"destination": "/m/d", "type": "tmpfs", "source": "tmpfs", "options": ["relatime", "norelatime", "defaults"]}'
	mountinfo_of
	[ "$(mopts /m/a)" = "rw,relatime" ]
	[ "$(mopts /m/b)" = "rw,relatime" ]
	! has_opt "$(sopts /m/b)" mand
	! has_opt "$(sopts /m/b)" sync
	[ "$(mopts /m/c)" = "rw,relatime" ]
	[ "$(mopts /m/d)" = "rw,relatime" ]
}

@test "remount changes the flags of an earlier mount" {
	add_mount '{"destination": "/m/a", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
	add_mount '{"destination": "/m/a", "type": "tmpfs", "source": "tmpfs", "options": ["remount", "ro", "size=2m"]}'
	mountinfo_of
	[ "$(grep -c ' /m/a ' "$MI")" -eq 1 ]
	has_opt "$(mopts /m/a)" ro
	has_opt "$(sopts /m/a)" size=2048k
}

@test "tmpfs data: size and mode" {
	add_mount '{"destination": "/m/t", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=700", "nosuid"]}'
	mountinfo_of 'stat -c %a /m/t'
	has_opt "$(sopts /m/t)" size=1024k
	has_opt "$(sopts /m/t)" mode=700
	[ "$AFTER" = 700 ]
}

@test "other types: proc, sysfs, mqueue, devpts newinstance, cgroup2 and a pass-through type with its data" {
	add_mount '{"destination": "/m/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev", "hidepid=2"]}'
	add_mount '{"destination": "/m/sys", "type": "sysfs", "source": "sysfs", "options": ["ro"]}'
	add_mount '{"destination": "/m/mq", "type": "mqueue", "source": "mqueue", "options": ["nodev"]}'
	add_mount '{"destination": "/m/pts", "type": "devpts", "source": "devpts", "options": ["newinstance", "ptmxmode=0600", "mode=0600"]}'
	add_mount '{"destination": "/m/cg2", "type": "cgroup2", "source": "cgroup2", "options": ["nosuid", "nodev", "noexec", "rprivate"]}'
	add_mount '{"destination": "/m/ramfs", "type": "ramfs", "source": "ramfs", "options": ["mode=711"]}'
	mountinfo_of 'stat -c %a /m/ramfs'
	[ "$(fstype /m/proc)" = proc ]
	has_opt "$(sopts /m/proc)" hidepid=invisible
	[ "$(fstype /m/sys)" = sysfs ]
	has_opt "$(mopts /m/sys)" ro
	[ "$(fstype /m/mq)" = mqueue ]
	[ "$(fstype /m/pts)" = devpts ]
	has_opt "$(sopts /m/pts)" ptmxmode=600
	[ "$(fstype /m/cg2)" = cgroup2 ]
	[ "$(fstype /m/ramfs)" = ramfs ]
	has_opt "$(sopts /m/ramfs)" mode=711
	[ "$AFTER" = 711 ]
}

@test "cgroup type: one mount per host hierarchy, read-only, with cpu,cpuacct links" {
	mountinfo_of 'ls /sys/fs/cgroup'
	if grep -q ' - cgroup ' /proc/self/mountinfo; then
		[ "$(fstype /sys/fs/cgroup)" = tmpfs ]
		[ "$(fstype /sys/fs/cgroup/memory)" = cgroup ]
		has_opt "$(mopts /sys/fs/cgroup/memory)" ro
		has_opt "$(sopts /sys/fs/cgroup/memory)" memory
		[[ "$AFTER" == *memory* ]]
	else
		[ "$(fstype /sys/fs/cgroup)" = cgroup2 ]
	fi
	has_opt "$(mopts /sys/fs/cgroup)" ro
}

@test "bind mounts: a directory, a file, read-only, and rbind versus bind" {
	mkdir -p "$SRC/dir/sub"
	mount -t tmpfs -o size=1m tmpfs "$SRC/dir/sub"
	echo inner >"$SRC/dir/sub/inner"
	add_mount '{"destination": "/m/dir", "type": "bind", "source": "'"$SRC/dir"'", "options": ["bind"]}'
	add_mount '{"destination": "/m/rdir", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "ro", "nosuid", "nodev", "noexec"]}'
	add_mount '{"destination": "/etc/hosts", "type": "bind", "source": "'"$SRC/file"'", "options": ["bind", "ro"]}'
	add_mount '{"destination": "/m/none", "type": "none", "source": "'"$SRC/dir"'", "options": ["rbind"]}'
	mountinfo_of 'cat /etc/hosts; ls /m/dir/sub; cat /m/rdir/sub/inner; cat /m/none/sub/inner; echo x > /etc/hosts || echo ro-file; echo x > /m/rdir/new || echo ro-dir'
	[ -n "$(mline /m/dir)" ]
	[ -z "$(mline /m/dir/sub)" ]
	[ "$(fstype /m/rdir/sub)" = tmpfs ]
	[ "$(fstype /m/none/sub)" = tmpfs ]
	for o in ro nosuid nodev noexec; do has_opt "$(mopts /m/rdir)" $o; done
	# ro without the r- prefix is for the top mount only
	! has_opt "$(mopts /m/rdir/sub)" ro
	has_opt "$(mopts /etc/hosts)" ro
	[ "${AFTER%%$'\n'*}" = hello ]
	[[ "$AFTER" == *$'inner\ninner'* ]]
	[[ "$AFTER" == *ro-file* ]]
	[[ "$AFTER" == *ro-dir* ]]
	[ ! -e "$SRC/dir/new" ]
	# the destination of a file bind is a file in the image
	[ -f "$BUNDLE/rootfs/etc/hosts" ]
}

@test "bind options clear what the source has: rw suid dev exec" {
	mount -t tmpfs -o ro,nosuid,nodev,noexec,size=1m tmpfs "$SRC/dir"
	add_mount '{"destination": "/m/b", "type": "bind", "source": "'"$SRC/dir"'", "options": ["bind", "rw", "suid", "dev", "exec"]}'
	add_mount '{"destination": "/m/k", "type": "bind", "source": "'"$SRC/dir"'", "options": ["bind"]}'
	mountinfo_of
	[ "$(mopts /m/b)" = "rw,relatime" ]
	# without options a bind keeps the source's flags
	for o in ro nosuid nodev noexec; do has_opt "$(mopts /m/k)" $o; done
}

@test "a read-only bind keeps the flags locked on the source (user namespace)" {
	mount -t tmpfs -o nosuid,nodev,noexec,size=1m tmpfs "$SRC/dir"
	chmod 755 "$SRC/dir" "$SRC"
	update_config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}] | del(.linux.resources)'
	add_mount '{"destination": "/m/locked", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "ro", "exec", "suid"]}'
	mountinfo_of
	for o in ro nosuid nodev noexec; do has_opt "$(mopts /m/locked)" $o; done
}

@test "recursive attributes rro rnosuid rnodev rnoexec rnoatime rnodiratime rnosymfollow reach submounts" {
	mkdir -p "$SRC/dir/sub"
	mount -t tmpfs -o size=1m tmpfs "$SRC/dir/sub"
	add_mount '{"destination": "/m/r", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "rro", "rnosuid", "rnodev", "rnoexec", "rnoatime", "rnodiratime", "rnosymfollow"]}'
	add_mount '{"destination": "/m/s", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "rstrictatime"]}'
	mountinfo_of 'echo x > /m/r/sub/f || echo ro-sub'
	for m in /m/r /m/r/sub; do
		for o in ro nosuid nodev noexec noatime nodiratime nosymfollow; do has_opt "$(mopts $m)" $o; done
	done
	! has_opt "$(mopts /m/s/sub)" relatime
	! has_opt "$(mopts /m/s/sub)" noatime
	[[ "$AFTER" == *ro-sub* ]]
}

@test "recursive clearing attributes rrw rsuid rdev rexec ratime rdiratime rsymfollow rrelatime" {
	mkdir -p "$SRC/dir/sub"
	mount -t tmpfs -o ro,nosuid,nodev,noexec,noatime,nodiratime,nosymfollow,size=1m tmpfs "$SRC/dir/sub"
	add_mount '{"destination": "/m/r", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "rrw", "rsuid", "rdev", "rexec", "ratime", "rdiratime", "rsymfollow"]}'
	add_mount '{"destination": "/m/q", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "rrelatime", "rnorelatime", "rnostrictatime"]}'
	mountinfo_of
	[ "$(mopts /m/r/sub)" = "rw,relatime" ]
	for o in ro nosuid nodev noexec relatime nodiratime nosymfollow; do has_opt "$(mopts /m/q/sub)" $o; done
}

@test "propagation options: shared, slave, private, unbindable and their r-forms" {
	add_mount '{"destination": "/m/sh", "type": "tmpfs", "source": "tmpfs", "options": ["shared"]}'
	add_mount '{"destination": "/m/rsh", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "rshared"]}'
	add_mount '{"destination": "/m/ub", "type": "tmpfs", "source": "tmpfs", "options": ["unbindable"]}'
	add_mount '{"destination": "/m/rub", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "runbindable"]}'
	add_mount '{"destination": "/m/pr", "type": "tmpfs", "source": "tmpfs", "options": ["shared", "private"]}'
	add_mount '{"destination": "/m/rpr", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "rshared", "rprivate"]}'
	add_mount '{"destination": "/m/sl", "type": "tmpfs", "source": "tmpfs", "options": ["slave"]}'
	add_mount '{"destination": "/m/rsl", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "rslave"]}'
	mountinfo_of
	[[ "$(mline /m/sh)" == *" shared:"* ]]
	[[ "$(mline /m/rsh)" == *" shared:"* ]]
	[[ "$(mline /m/ub)" == *" unbindable "* ]]
	[[ "$(mline /m/rub)" == *" unbindable "* ]]
	[[ "$(mline /m/pr)" == *"relatime - tmpfs"* ]]
	[[ "$(mline /m/rpr)" != *"shared:"* ]]
	[[ "$(mline /m/sl)" != *"shared:"* ]]
}

@test "rootfsPropagation shared makes / shared; the default is not" {
	mountinfo_of
	[[ "$(mline /)" != *"shared:"* ]]
	update_config '.linux.rootfsPropagation = "rshared"'
	mountinfo_of
	[[ "$(mline /)" == *"shared:"* ]]
	update_config '.linux.rootfsPropagation = "private"'
	mountinfo_of
	[[ "$(mline /)" != *"shared:"* ]]
	[[ "$(mline /)" != *"master:"* ]]
}

@test "rootfsPropagation shared, rshared, slave and unbindable work below a shared mount" {
	# pivot_root refuses a shared parent: the rootfs sits in a shared mount here
	mount --bind "$BUNDLE" "$BUNDLE"
	mount --make-shared "$BUNDLE"
	for p in shared rshared slave rslave unbindable runbindable; do
		update_config ".linux.rootfsPropagation = \"$p\""
		mountinfo_of
		case $p in
		*shared) [[ "$(mline /)" == *" shared:"* ]] ;;
		*slave) [[ "$(mline /)" != *" shared:"* ]] ;;
		*unbindable) [[ "$(mline /)" == *" unbindable "* ]] ;;
		esac
	done
}

@test "rootfsPropagation rshared when the rootfs is a shared mount of its own (an engine's overlay)" {
	# containerd's rootfs is an overlay mount under a shared /: the bind of the
	# rootfs sits on it, and pivot_root refuses a shared parent (EINVAL).
	mount --bind "$BUNDLE/rootfs" "$BUNDLE/rootfs"
	mount --make-rshared "$BUNDLE/rootfs"
	update_config '.linux.rootfsPropagation = "rshared"'
	mountinfo_of
	[[ "$(mline /)" == *" shared:"* ]]
}

@test "rshared bind with rootfsPropagation rshared: mounts propagate host to container and back" {
	# Kubernetes' Bidirectional mount propagation
	mount --bind "$SRC" "$SRC"
	mount --make-rshared "$SRC"
	mkdir "$SRC/h2c" "$SRC/c2h"
	update_config '.linux.rootfsPropagation = "rshared" | .process.args = ["sleep", "300"]'
	update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	add_mount '{"destination": "/m/prop", "type": "bind", "source": "'"$SRC"'", "options": ["rbind", "rshared"]}'
	noci run -d mnt-bidir
	mount -t tmpfs -o size=1m fromhost "$SRC/h2c"
	echo h >"$SRC/h2c/from-host"
	run noci exec mnt-bidir cat /m/prop/h2c/from-host
	[ "$status" -eq 0 ]
	[ "$output" = h ]
	noci exec mnt-bidir sh -c 'mount -t tmpfs -o size=1m fromctr /m/prop/c2h && echo c >/m/prop/c2h/from-container'
	[ "$(cat "$SRC/c2h/from-container")" = c ]
	grep -q " $SRC/c2h .* - tmpfs fromctr " /proc/self/mountinfo
}

@test "root.readonly false gives a writable root; --no-pivot works" {
	update_config '.root.readonly = false'
	update_config '.process.args = ["sh", "-c", "echo w > /written && cat /written"]'
	run noci run mnt-rw
	[ "$status" -eq 0 ]
	[ "$output" = w ]
	update_config '.root.readonly = true'
	run noci run mnt-ro
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	update_config '.process.args = ["sh", "-c", "ls /; grep -c . /proc/self/mountinfo"]'
	run noci run --no-pivot mnt-np
	[ "$status" -eq 0 ]
	[[ "$output" == *proc* ]]
}

@test "--no-pivot: the container cannot mount a fresh procfs through the host's" {
	# what runc checks: the host's /proc outside the chroot must not count as
	# a visible procfs for a user namespace made inside
	update_config '.process.capabilities.bounding += ["CAP_SETFCAP", "CAP_SETUID", "CAP_SETGID"] | .process.capabilities.permitted = .process.capabilities.bounding | .process.capabilities.effective = .process.capabilities.bounding'
	update_config '.process.args = ["sh", "-c", "unshare -mrpf sh -c \"mount -t proc none /proc && echo mounted\"; echo rc=$?; cat /proc/self/mountinfo"]'
	run noci run --no-pivot mnt-np-proc
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"rc=1"* ]]
	[[ "$output" != *mounted* ]]
	# the container's own /proc and /sys are still there
	[[ "$output" == *" /proc rw,"*" - proc "* ]]
	[[ "$output" == *" /sys ro,"*" - sysfs "* ]]
	# and nothing of the host's is left behind
	assert_no_mounts
	grep -q " /proc .* - proc " /proc/self/mountinfo
}

@test "masked paths: a file gets /dev/null, a directory an empty read-only tmpfs" {
	mkdir -p "$BUNDLE/rootfs/secretdir"
	echo s >"$BUNDLE/rootfs/secretdir/s"
	echo s >"$BUNDLE/rootfs/secretfile"
	update_config '.linux.maskedPaths += ["/secretdir", "/secretfile", "/does/not/exist"]'
	mountinfo_of 'ls -A /secretdir | wc -l; cat /secretfile | wc -c; cat /proc/timer_list | wc -c; touch /secretdir/x 2>/dev/null || echo ro'
	[ "$(fstype /secretdir)" = tmpfs ]
	has_opt "$(mopts /secretdir)" ro
	[[ "$(mline /secretfile)" == *" /null /secretfile "* ]]
	[[ "$(mline /proc/timer_list)" == *" /null /proc/timer_list "* ]]
	[[ "$AFTER" == $'0\n0\n0\n'* ]]
	[[ "$AFTER" == *ro ]]
}

@test "read-only paths are read-only, with their submounts" {
	mkdir -p "$BUNDLE/rootfs/rodir"
	update_config '.root.readonly = false | .linux.readonlyPaths += ["/rodir"]'
	mountinfo_of 'echo 1 > /proc/sys/kernel/ns_last_pid || echo ro-sys; touch /rodir/x || echo ro-dir'
	has_opt "$(mopts /proc/sys)" ro
	has_opt "$(mopts /rodir)" ro
	[[ "$AFTER" == *ro-sys* ]]
	[[ "$AFTER" == *ro-dir* ]]
}

@test "a read-only /dev gets devpts, shm, mqueue and the nodes first, then turns read-only" {
	update_config '.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)'
	update_config '.linux.devices = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3}]'
	mountinfo_of 'stat -c %t:%T /dev/null /dev/mynull; touch /dev/x 2>&1; echo hi >/dev/null && echo null:ok'
	has_opt "$(mopts /dev)" ro
	[ "$(fstype /dev/pts)" = devpts ]
	[ "$(fstype /dev/shm)" = tmpfs ]
	[ "$(fstype /dev/mqueue)" = mqueue ]
	! has_opt "$(mopts /dev/shm)" ro
	[[ "$AFTER" == $'1:3\n1:3\n'*"Read-only file system"*$'\nnull:ok' ]]
}

@test "linux.devices: c, b, u and p with mode, uid and gid" {
	update_config '.linux.devices = [
		{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 384, "uid": 1000, "gid": 1001},
		{"path": "/dev/myloop", "type": "b", "major": 7, "minor": 0, "fileMode": 432},
		{"path": "/dev/sub/myzero", "type": "u", "major": 1, "minor": 5},
		{"path": "/dev/myfifo", "type": "p", "major": 0, "minor": 0, "fileMode": 420}]'
	update_config '.process.args = ["sh", "-c", "stat -c \"%F %t:%T %a %u:%g\" /dev/mynull /dev/myloop /dev/sub/myzero /dev/myfifo"]'
	run noci run mnt-devs
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "character special file 1:3 600 1000:1001" ]
	[ "${lines[1]}" = "block special file 7:0 660 0:0" ]
	[ "${lines[2]}" = "character special file 1:5 666 0:0" ]
	[ "${lines[3]}" = "fifo 0:0 644 0:0" ]
}

@test "linux.devices in a user namespace are bound from the host" {
	update_config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}] | del(.linux.resources)'
	update_config '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]'
	mountinfo_of 'stat -c "%t:%T" /dev/fuse /dev/null'
	[[ "$(mline /dev/fuse)" == *" /fuse /dev/fuse "* ]]
	[[ "$(mline /dev/null)" == *" /null /dev/null "* ]]
	[ "$AFTER" = $'a:e5\n1:3' ]
	# a node the host does not have cannot be made: clear error
	update_config '.linux.devices = [{"path": "/dev/nosuch", "type": "c", "major": 250, "minor": 250}]'
	run noci run mnt-dev2
	[ "$status" -ne 0 ]
	[[ "$output" == *"device /dev/nosuch"* ]]
	assert_nothing_left
}

@test "idmap: a bind shows the files with the mount's mapping" {
	chown 1000:1000 "$SRC/file"
	add_mount '{"destination": "/m/id", "type": "bind", "source": "'"$SRC"'", "options": ["bind", "idmap"],
		"uidMappings": [{"containerID": 1000, "hostID": 2000, "size": 10}],
		"gidMappings": [{"containerID": 1000, "hostID": 3000, "size": 10}]}'
	mountinfo_of 'stat -c "%u:%g" /m/id/file'
	has_opt "$(mopts /m/id)" idmapped
	[ "$AFTER" = "2000:3000" ]
	# the host is untouched
	[ "$(stat -c %u:%g "$SRC/file")" = "1000:1000" ]
}

@test "idmap=uids=...;gids=... (Podman's form) carries the mapping in the option" {
	chown 3:4 "$SRC/file"
	add_mount '{"destination": "/m/id", "type": "bind", "source": "'"$SRC"'", "options": ["idmap=uids=0-1000-10#100-5000-1;gids=0-2000-10", "rw", "rprivate", "rbind"]}'
	mountinfo_of 'stat -c "%u:%g" /m/id/file'
	has_opt "$(mopts /m/id)" idmapped
	[ "$AFTER" = "1003:2004" ]
	update_config '.mounts[-1].options = ["rbind", "idmap=uids=0-1000"]'
	run noci run mnt-idspec
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /m/id: idmap=uids=0-1000: expected uids=FROM-TO-LEN"* ]]
	assert_nothing_left
}

@test "ridmap maps submounts too; idmap does not" {
	mkdir -p "$SRC/dir/sub"
	mount -t tmpfs -o size=1m tmpfs "$SRC/dir/sub"
	touch "$SRC/dir/sub/f"
	chown 5:5 "$SRC/dir/sub/f"
	maps='"uidMappings": [{"containerID": 0, "hostID": 100, "size": 10}], "gidMappings": [{"containerID": 0, "hostID": 100, "size": 10}]'
	add_mount '{"destination": "/m/r", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "ridmap"], '"$maps"'}'
	add_mount '{"destination": "/m/n", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "idmap"], '"$maps"'}'
	mountinfo_of 'stat -c %u /m/r/sub/f /m/n/sub/f'
	has_opt "$(mopts /m/r/sub)" idmapped
	! has_opt "$(mopts /m/n/sub)" idmapped
	[ "$AFTER" = $'105\n5' ]
}

@test "idmap in a user namespace container: the image's owners appear as the container's" {
	chown 0:0 "$SRC/file"
	chmod 755 "$SRC"
	update_config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | del(.linux.resources)'
	add_mount '{"destination": "/m/id", "type": "bind", "source": "'"$SRC"'", "options": ["rbind", "idmap"]}'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	d=$BUNDLE; while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
	mountinfo_of 'stat -c %u /m/id/file; cat /m/id/file'
	has_opt "$(mopts /m/id)" idmapped
	[ "$AFTER" = $'0\nhello' ]
}

@test "user namespace: a bind source only the host's root can reach (0700) is mounted" {
	mkdir -m 0700 "$BATS_TEST_TMPDIR/private"
	mkdir "$BATS_TEST_TMPDIR/private/d"
	echo secret >"$BATS_TEST_TMPDIR/private/d/f"
	echo file >"$BATS_TEST_TMPDIR/private/file"
	chmod 755 "$BATS_TEST_TMPDIR/private/d"
	update_config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | del(.linux.resources)'
	add_mount '{"destination": "/m/d", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/private/d"'", "options": ["rbind", "ro", "nosuid"]}'
	add_mount '{"destination": "/m/file", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/private/file"'", "options": ["bind"]}'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	d=$BUNDLE; while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
	mountinfo_of 'cat /m/d/f /m/file'
	[ "$AFTER" = $'secret\nfile' ]
	has_opt "$(mopts /m/d)" ro
	has_opt "$(mopts /m/d)" nosuid
}

@test "user namespace without a cgroup namespace: the cgroup mount binds the container's own cgroups" {
	update_config '.linux.namespaces |= map(select(.type != "cgroup")) | .linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | del(.linux.resources)'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	d=$BUNDLE; while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
	mountinfo_of 'cat /sys/fs/cgroup/pids/cgroup.procs'
	for c in pids memory; do
		# the root of the bind is the container's cgroup, not the host's /
		[[ "$(mline /sys/fs/cgroup/$c | awk '{print $4}')" == */mnt-$BATS_TEST_NUMBER ]]
		has_opt "$(mopts /sys/fs/cgroup/$c)" ro
	done
	[ "$AFTER" = 1 ]
}

@test "idmap on a non-bind mount or without mappings is refused" {
	add_mount '{"destination": "/m/t", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}'
	run noci run mnt-idm
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /m/t: idmap is only supported on bind mounts"* ]]
	assert_nothing_left
	update_config '.mounts[-1] = {"destination": "/m/i", "type": "bind", "source": "'"$SRC"'", "options": ["bind", "idmap"]}'
	run noci run mnt-idm
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /m/i: idmap needs uidMappings and gidMappings"* ]]
	assert_nothing_left
}

@test "tmpcopyup copies the image's content into the new tmpfs" {
	mkdir -p "$BUNDLE/rootfs/run/sub"
	echo img >"$BUNDLE/rootfs/run/sub/f"
	chmod 640 "$BUNDLE/rootfs/run/sub/f"
	ln -s sub/f "$BUNDLE/rootfs/run/link"
	add_mount '{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["rw", "rprivate", "nosuid", "nodev", "tmpcopyup", "size=1m"]}'
	mountinfo_of 'cat /run/link; stat -c %a /run/sub/f; echo new > /run/sub/g && echo written'
	[ "$(fstype /run)" = tmpfs ]
	[ "$AFTER" = $'img\n640\nwritten' ]
	# the image is untouched
	[ ! -e "$BUNDLE/rootfs/run/sub/g" ]
}

@test "tmpcopyup with ro makes the copy read-only after it is in" {
	mkdir -p "$BUNDLE/rootfs/opt"
	echo img >"$BUNDLE/rootfs/opt/f"
	add_mount '{"destination": "/opt", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "tmpcopyup"]}'
	mountinfo_of 'cat /opt/f; touch /opt/g 2>/dev/null || echo ro'
	has_opt "$(mopts /opt)" ro
	[ "$AFTER" = $'img\nro' ]
}

@test "copy-symlink: a symlink source becomes the same symlink" {
	ln -s ../run/systemd/resolve/stub-resolv.conf "$SRC/resolv.conf"
	add_mount '{"destination": "/etc/resolv.conf", "type": "bind", "source": "'"$SRC/resolv.conf"'", "options": ["bind", "copy-symlink"]}'
	mountinfo_of 'readlink /etc/resolv.conf'
	[ -z "$(mline /etc/resolv.conf)" ]
	[ "$AFTER" = ../run/systemd/resolve/stub-resolv.conf ]
}

@test "unknown options: ignored on a bind, passed as data otherwise" {
	add_mount '{"destination": "/m/b", "type": "bind", "source": "'"$SRC/dir"'", "options": ["bind", "x-engine-private", "z"]}'
	mountinfo_of
	[ -n "$(mline /m/b)" ]
	# said once, at debug level
	update_config '.process.args = ["true"]'
	noci --debug --log "$BATS_TEST_TMPDIR/log" run mnt-dbg
	[ "$(grep -c 'level=debug msg="mount /m/b: option \\"x-engine-private\\" ignored on a bind mount"' "$BATS_TEST_TMPDIR/log")" -eq 1 ]
	update_config '.mounts[-1] = {"destination": "/m/t", "type": "tmpfs", "source": "tmpfs", "options": ["nosuch_tmpfs_opt"]}'
	run noci run mnt-data
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /m/t (type tmpfs, nosuch_tmpfs_opt)"* ]]
	assert_nothing_left
}

@test "a missing bind source is an error naming the destination and the source" {
	add_mount '{"destination": "/m/x", "type": "bind", "source": "/nonexistent/src", "options": ["bind"]}'
	run noci run mnt-miss
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /m/x: source /nonexistent/src: No such file or directory"* ]]
	assert_nothing_left
}

@test "escape: a destination through a symlink to / stays in the rootfs" {
	ln -s / "$BUNDLE/rootfs/escape"
	target="/tmp/noci-escape-$BATS_TEST_NUMBER-$$"
	add_mount '{"destination": "/escape'"$target"'", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
	mountinfo_of
	[ -n "$(mline "$target")" ]
	# made inside the rootfs, never on the host
	[ -d "$BUNDLE/rootfs$target" ]
	[ ! -e "$target" ]
	! grep -q " $target " /proc/self/mountinfo
}

@test "escape: an absolute symlink in a bind destination's parent stays in the rootfs" {
	mkdir -p "$BUNDLE/rootfs/a"
	ln -s /../../../../tmp "$BUNDLE/rootfs/a/link"
	target="noci-escape2-$BATS_TEST_NUMBER-$$"
	add_mount '{"destination": "/a/link/'"$target"'", "type": "bind", "source": "'"$SRC/dir"'", "options": ["bind"]}'
	mountinfo_of
	[ -n "$(mline "/tmp/$target")" ]
	[ ! -e "/tmp/$target" ]
}

@test "escape: ../ in a destination cannot leave the rootfs" {
	target="noci-dotdot-$BATS_TEST_NUMBER-$$"
	add_mount '{"destination": "/../../../../../tmp/'"$target"'", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
	add_mount '{"destination": "/tmp/../../../x-'"$target"'", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
	mountinfo_of
	[ -n "$(mline "/tmp/$target")" ]
	[ -n "$(mline "/x-$target")" ]
	[ -d "$BUNDLE/rootfs/tmp/$target" ]
	[ ! -e "/tmp/$target" ]
	[ ! -e "/x-$target" ]
}

@test "escape: /proc over a symlink is refused (CVE-2019-16884 shape)" {
	rmdir "$BUNDLE/rootfs/proc"
	mkdir -p "$BUNDLE/rootfs/fakeproc"
	ln -s fakeproc "$BUNDLE/rootfs/proc"
	run noci run mnt-proc
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /proc: proc must be mounted on a directory, not a symbolic link"* ]]
	assert_nothing_left
}

@test "escape: a masked path replaced by a symlink in the image is refused" {
	ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/masked"
	update_config '.linux.maskedPaths += ["/masked"]'
	run noci run mnt-mask
	[ "$status" -ne 0 ]
	[[ "$output" == *"masked path /masked is a symbolic link"* ]]
	assert_nothing_left
	[ "$(cat /proc/sys/kernel/core_pattern)" != "" ]
}

@test "escape: a read-only path replaced by a symlink in the image is refused" {
	mkdir -p "$BUNDLE/rootfs/real"
	ln -s real "$BUNDLE/rootfs/rolink"
	update_config '.linux.readonlyPaths += ["/rolink"]'
	run noci run mnt-ro
	[ "$status" -ne 0 ]
	[[ "$output" == *"read-only path /rolink is a symbolic link"* ]]
	assert_nothing_left
}

@test "escape: /dev/null replaced by a symlink in the image is never bound (CVE-2025-31133 shape)" {
	# no /dev tmpfs: the image's /dev is what the container gets
	update_config 'del(.mounts[] | select(.destination | startswith("/dev")))'
	ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/null"
	run noci run mnt-null
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"mask /proc/"*"/dev/null in the container is not the null device"* ]]
	assert_nothing_left
	# a regular file in its place is refused the same way
	rm "$BUNDLE/rootfs/dev/null"
	echo x >"$BUNDLE/rootfs/dev/null"
	run noci run mnt-null
	[ "$status" -ne 0 ]
	[[ "$output" == *"is not the null device"* ]]
	assert_nothing_left
}

@test "a Podman-style mount list works" {
	ud="$BATS_TEST_TMPDIR/userdata"
	mkdir -p "$ud/shm"
	mount -t tmpfs -o nosuid,nodev,noexec,size=64000k shm "$ud/shm"
	echo "127.0.0.1 localhost" >"$ud/hosts"
	echo "nameserver 10.0.0.1" >"$ud/resolv.conf"
	echo podman-ctr >"$ud/hostname"
	: >"$ud/.containerenv"
	mkdir -p "$BUNDLE/rootfs/run/lock"
	update_config '.mounts = [
		{"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
		{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
		{"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
		{"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
		{"destination": "/etc/hostname", "type": "bind", "source": "'"$ud/hostname"'", "options": ["bind", "rprivate"]},
		{"destination": "/etc/resolv.conf", "type": "bind", "source": "'"$ud/resolv.conf"'", "options": ["bind", "rprivate"]},
		{"destination": "/etc/hosts", "type": "bind", "source": "'"$ud/hosts"'", "options": ["bind", "rprivate"]},
		{"destination": "/dev/shm", "type": "bind", "source": "'"$ud/shm"'", "options": ["bind", "rprivate", "nosuid", "noexec", "nodev"]},
		{"destination": "/run/.containerenv", "type": "bind", "source": "'"$ud/.containerenv"'", "options": ["bind", "rprivate"]},
		{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["rprivate", "nosuid", "noexec", "nodev", "relatime", "ro"]},
		{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["rw", "rprivate", "nosuid", "nodev", "tmpcopyup"]},
		{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["rw", "rprivate", "nosuid", "nodev", "tmpcopyup"]}]'
	mountinfo_of 'cat /etc/hosts /etc/resolv.conf /etc/hostname; ls -d /run/lock; test -e /run/.containerenv && echo env'
	[ "$(fstype /dev/shm)" = tmpfs ]
	has_opt "$(sopts /dev/shm)" size=64000k
	for o in nosuid nodev noexec; do has_opt "$(mopts /dev/shm)" $o; done
	[ -n "$(mline /etc/hosts)" ]
	[ -n "$(mline /etc/resolv.conf)" ]
	[ "$(fstype /run)" = tmpfs ]
	[ "$(fstype /tmp)" = tmpfs ]
	has_opt "$(mopts /sys/fs/cgroup)" ro
	[ "$AFTER" = $'127.0.0.1 localhost\nnameserver 10.0.0.1\npodman-ctr\n/run/lock\nenv' ]
}

@test "a containerd-style mount list works" {
	echo "nameserver 10.0.0.2" >"$SRC/resolv.conf"
	echo "ctr-host" >"$SRC/hostname"
	update_config '.mounts = [
		{"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
		{"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
		{"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
		{"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
		{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
		{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
		{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["ro", "nosuid", "noexec", "nodev"]},
		{"destination": "/etc/resolv.conf", "type": "bind", "source": "'"$SRC/resolv.conf"'", "options": ["rbind", "ro", "nosuid", "nodev", "noexec"]},
		{"destination": "/etc/hostname", "type": "bind", "source": "'"$SRC/hostname"'", "options": ["rbind", "rprivate"]}]'
	mountinfo_of 'cat /etc/resolv.conf /etc/hostname; stat -c %a /dev/shm'
	[ "$(fstype /dev/shm)" = tmpfs ]
	[ "$(fstype /run)" = tmpfs ]
	has_opt "$(mopts /etc/resolv.conf)" ro
	[ "$AFTER" = $'nameserver 10.0.0.2\nctr-host\n1777' ]
}

@test "the rootless spec config (sys as an rbind) works in a user namespace" {
	d="$BATS_TEST_TMPDIR/rl"
	mkdir -p "$d"
	noci spec --rootless --bundle "$d"
	jq --arg r "$BUNDLE/rootfs" '.root.path = $r | .process.terminal = false | .process.args = ["cat", "/proc/self/mountinfo"] | .linux.uidMappings[0] = {"containerID": 0, "hostID": 0, "size": 65536} | .linux.gidMappings[0] = {"containerID": 0, "hostID": 0, "size": 65536}' "$d/config.json" >"$BUNDLE/config.json"
	run noci run mnt-rootless
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" /sys ro,nosuid,nodev,noexec"*" - sysfs "* ]]
}

@test "mounts_supported_options is what features lists: every option parses" {
	# Each option of the table is accepted on a tmpfs or a bind without error.
	for o in ro rw nosuid suid nodev dev noexec exec sync async dirsync mand nomand atime noatime diratime nodiratime relatime norelatime strictatime nostrictatime nosymfollow symfollow private rprivate shared rshared slave rslave unbindable runbindable rro rrw rnosuid rsuid rnodev rdev rnoexec rexec rnodiratime rdiratime rrelatime rnorelatime rnoatime ratime rstrictatime rnostrictatime rnosymfollow rsymfollow; do
		add_mount '{"destination": "/m/'"$o"'", "type": "bind", "source": "'"$SRC/dir"'", "options": ["rbind", "'"$o"'"]}'
	done
	mountinfo_of
	[ "$(grep -c ' /m/' "$MI")" -eq 49 ]
}
