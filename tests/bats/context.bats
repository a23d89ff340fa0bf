#!/usr/bin/env bats
# The context populator: a host folder handed to the container as a hardened
# read-only bind (context=bind) or as a private copy (context=copy), that
# never lets the container reach a host special file or leave the folder.

load helpers

setup() {
	setup_bundle
	WS="$BATS_TEST_TMPDIR/workspace"
	mkdir -p "$WS/src/deep"
	echo "print('hi')" >"$WS/src/main.py"
	echo data >"$WS/data.txt"
	chmod 640 "$WS/data.txt"
	touch -d "2001-02-03 04:05:06" "$WS/data.txt"
	ln "$WS/data.txt" "$WS/src/hardlink.txt"
	ln -s ../data.txt "$WS/src/rel-link"
	printf '#!/bin/sh\necho ran\n' >"$WS/tool.sh"
	chmod 755 "$WS/tool.sh"
}

# Add the context mount with the given options (a JSON list body).
ctx_mount() {
	update_config '.mounts += [{"destination": "/workspace", "type": "bind", "source": "'"$WS"'", "options": ['"$1"']}]'
}

in_container() {
	jq --arg s "$1" '.process.args = ["sh", "-c", $s]' "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
	run noci run "ctx-$BATS_TEST_NUMBER"
	echo "$output"
}

assert_nothing_left() {
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
	! grep -q "$BATS_TEST_TMPDIR" /proc/self/mountinfo
}

@test "context=copy: contents, modes, times, hard links and inner symlinks are kept" {
	ctx_mount '"rbind", "context=copy"'
	in_container 'cd /workspace; cat data.txt src/main.py; stat -c "%a %Y %h %i" data.txt; stat -c "%h %i" src/hardlink.txt; readlink src/rel-link; cat src/rel-link; ls -d src/deep'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = data ]
	[ "${lines[1]}" = "print('hi')" ]
	set -- ${lines[2]}
	[ "$1" = 640 ]
	[ "$2" = "$(stat -c %Y "$WS/data.txt")" ]
	[ "$3" = 2 ]
	# one inode, two names
	[ "${lines[3]}" = "2 $4" ]
	[ "${lines[4]}" = ../data.txt ]
	[ "${lines[5]}" = data ]
	[ "${lines[6]}" = src/deep ]
}

@test "context=copy: a private writable tmpfs; the host folder is untouched" {
	ctx_mount '"rbind", "context=copy", "context-size=2m"'
	in_container 'grep " /workspace " /proc/self/mountinfo; echo changed > /workspace/data.txt; echo new > /workspace/new; cat /workspace/data.txt; /workspace/tool.sh'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" /workspace rw,nosuid,nodev"*" - tmpfs "*"size=2048k"* ]]
	[ "${lines[1]}" = changed ]
	[ "${lines[2]}" = ran ]
	[ "$(cat "$WS/data.txt")" = data ]
	[ ! -e "$WS/new" ]
}

@test "context=copy with ro gives a read-only copy" {
	ctx_mount '"rbind", "context=copy", "ro"'
	in_container 'grep " /workspace " /proc/self/mountinfo; touch /workspace/x 2>/dev/null || echo ro'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" /workspace ro,"* ]]
	[ "${lines[1]}" = ro ]
}

@test "context=copy leaves out files that look like secrets" {
	mkdir -p "$WS/.ssh" "$WS/.aws" "$WS/.gnupg" "$WS/sub"
	for f in .ssh/id_x .aws/config .gnupg/k .env .env.local sub/cert.pem sub/tls.key id_rsa id_rsa.pub id_ed25519 sub/my-secret.txt sub/Credentials.json; do
		echo s >"$WS/$f"
	done
	ctx_mount '"rbind", "context=copy"'
	in_container 'cd /workspace && find . | sort'
	[ "$status" -eq 0 ]
	for f in .ssh .aws .gnupg .env .env.local cert.pem tls.key id_rsa id_rsa.pub id_ed25519 my-secret.txt Credentials.json; do
		[[ "$output" != *"/$f"* ]]
	done
	[[ "$output" == *./data.txt* ]]
	[[ "$output" == *./sub* ]]
}

@test "context=copy with context-secrets=include keeps them" {
	mkdir -p "$WS/.ssh"
	echo k >"$WS/.ssh/id_x"
	echo e >"$WS/.env"
	ctx_mount '"rbind", "context=copy", "context-secrets=include"'
	in_container 'cat /workspace/.ssh/id_x /workspace/.env'
	[ "$status" -eq 0 ]
	[ "$output" = $'k\ne' ]
}

@test "context=copy limits: size, depth and number of entries, with clear errors" {
	head -c 300000 /dev/zero >"$WS/big"
	ctx_mount '"rbind", "context=copy", "context-size=100k"'
	in_container true
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /workspace: context $WS: the folder holds more than 102400 bytes"*"raise context-size="* ]]
	assert_nothing_left
	rm "$WS/big"
	mkdir -p "$WS/a/b/c/d/e"
	update_config '.mounts[-1].options = ["rbind", "context=copy", "context-depth=3"]'
	in_container true
	[ "$status" -ne 0 ]
	[[ "$output" == *"\"a/b/c/d\" is nested deeper than 3 levels"* ]]
	assert_nothing_left
	update_config '.mounts[-1].options = ["rbind", "context=copy", "context-files=5"]'
	in_container true
	[ "$status" -ne 0 ]
	[[ "$output" == *"the folder holds more than 5 entries"* ]]
	assert_nothing_left
	update_config '.mounts[-1].options = ["rbind", "context=copy", "context-depth=10", "context-files=100"]'
	in_container 'ls -d /workspace/a/b/c/d/e'
	[ "$status" -eq 0 ]
}

@test "context=bind: read-only, nosuid, nodev and noexec whatever the options say" {
	mkdir -p "$WS/sub"
	mount -t tmpfs -o size=1m tmpfs "$WS/sub"
	echo inner >"$WS/sub/f"
	ctx_mount '"rbind", "rw", "exec", "suid", "dev", "context=bind"'
	in_container 'grep " /workspace" /proc/self/mountinfo; cat /workspace/data.txt /workspace/sub/f'
	umount -l "$WS/sub"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" /workspace ro,nosuid,nodev,noexec,"* ]]
	[[ "${lines[1]}" == *" /workspace/sub ro,nosuid,nodev,noexec,"* ]]
	[ "${lines[2]}" = data ]
	[ "${lines[3]}" = inner ]
}

@test "context=bind: a write from the container fails and the host is unchanged" {
	ctx_mount '"rbind", "context=bind"'
	in_container 'echo evil > /workspace/data.txt; echo evil > /workspace/new; rm /workspace/src/main.py; true'
	[ "$status" -eq 0 ]
	[[ "$output" == *"can't create /workspace/data.txt: Read-only file system"* ]]
	[[ "$output" == *"can't create /workspace/new: Read-only file system"* ]]
	[ "$(cat "$WS/data.txt")" = data ]
	[ ! -e "$WS/new" ]
	[ -e "$WS/src/main.py" ]
}

@test "context=bind: exec from the context fails" {
	ctx_mount '"rbind", "context=bind"'
	in_container '/workspace/tool.sh; echo "rc=$?"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" == *"rc=126"* ]]
	[[ "$output" != *ran* ]]
}

@test "context=bind refuses a folder holding secrets unless context-secrets=include" {
	echo s >"$WS/src/.env"
	ctx_mount '"rbind", "context=bind"'
	in_container true
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /workspace: context $WS: \"src/.env\" looks like a secret and a bind cannot leave it out"* ]]
	assert_nothing_left
	update_config '.mounts[-1].options = ["rbind", "context=bind", "context-secrets=include"]'
	in_container 'cat /workspace/src/.env'
	[ "$status" -eq 0 ]
	[ "$output" = s ]
}

@test "a context FIFO is refused, naming it, in both modes" {
	mkfifo "$WS/src/deep/pipe"
	for mode in bind copy; do
		update_config 'del(.mounts[] | select(.destination == "/workspace"))'
		ctx_mount '"rbind", "context='$mode'"'
		in_container true
		[ "$status" -ne 0 ]
		[[ "$output" == *"mount /workspace: context $WS: \"src/deep/pipe\" is a FIFO: special files are not allowed"* ]]
		assert_nothing_left
	done
}

@test "context device nodes and sockets are refused" {
	mknod "$WS/src/disk" b 7 0
	ctx_mount '"rbind", "context=copy"'
	in_container true
	[ "$status" -ne 0 ]
	[[ "$output" == *"\"src/disk\" is a block device"* ]]
	assert_nothing_left
	rm "$WS/src/disk"
	mknod "$WS/mem" c 1 1
	in_container true
	[[ "$output" == *"\"mem\" is a character device"* ]]
	assert_nothing_left
	rm "$WS/mem"
	python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$WS/src/sock"
	update_config '.mounts[-1].options = ["rbind", "context=bind"]'
	in_container true
	[ "$status" -ne 0 ]
	[[ "$output" == *"\"src/sock\" is a socket"* ]]
	assert_nothing_left
}

@test "a context symlink to /etc/shadow is refused in both modes" {
	ln -s /etc/shadow "$WS/src/shadow"
	for mode in bind copy; do
		update_config 'del(.mounts[] | select(.destination == "/workspace"))'
		ctx_mount '"rbind", "context='$mode'"'
		in_container 'cat /workspace/src/shadow'
		[ "$status" -ne 0 ]
		[[ "$output" == *"mount /workspace: context $WS: \"src/shadow\" is a symbolic link that leads outside the folder"* ]]
		[[ "$output" != *"root:"* ]]
		assert_nothing_left
	done
}

@test "a relative context symlink climbing out of the folder is refused" {
	ln -s ../../../../../../../etc/shadow "$WS/src/deep/up"
	ctx_mount '"rbind", "context=copy"'
	in_container true
	[ "$status" -ne 0 ]
	[[ "$output" == *"\"src/deep/up\" is a symbolic link that leads outside the folder"* ]]
	assert_nothing_left
}

@test "a context source that is itself a symlink is not followed" {
	ln -s /etc "$BATS_TEST_TMPDIR/etc-link"
	update_config '.mounts += [{"destination": "/workspace", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/etc-link"'", "options": ["rbind", "context=copy"]}]'
	in_container true
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /workspace: context source $BATS_TEST_TMPDIR/etc-link"* ]]
	assert_nothing_left
	update_config '.mounts[-1].options = ["rbind", "context=bind"]'
	in_container true
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /workspace: context source $BATS_TEST_TMPDIR/etc-link must be a directory"* ]]
	assert_nothing_left
}

@test "malformed context options are refused before anything is made" {
	ctx_mount '"rbind", "context=share"'
	in_container true
	[ "$status" -ne 0 ]
	[[ "$output" == *'mount /workspace: option "context=share": expected context=bind or context=copy'* ]]
	assert_nothing_left
	update_config '.mounts[-1].options = ["rbind", "context=copy", "context-size=lots"]'
	in_container true
	[ "$status" -ne 0 ]
	[[ "$output" == *'option "context-size=lots": expected a positive size'* ]]
	update_config '.mounts[-1] = {"destination": "/workspace", "type": "tmpfs", "source": "tmpfs", "options": ["context=copy"]}'
	in_container true
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /workspace: context=copy needs a bind mount"* ]]
	assert_nothing_left
}

@test "context=copy in a user namespace: unmapped owners become the container's root" {
	chmod -R o+rX "$WS"
	chmod o+x "$BATS_TEST_TMPDIR"
	update_config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | del(.linux.resources)'
	mkdir -p "$BUNDLE/rootfs/workspace"
	chown -R 100000:100000 "$BUNDLE/rootfs"
	chown 100007:100007 "$WS/src/main.py"
	d=$BUNDLE; while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
	ctx_mount '"rbind", "context=copy"'
	in_container 'stat -c "%u:%g" /workspace/data.txt /workspace/src/main.py; echo more >> /workspace/data.txt && echo appended'
	[ "$status" -eq 0 ]
	# host root's file (unmapped) is root's in the copy; a mapped owner is kept
	[ "${lines[0]}" = "0:0" ]
	[ "${lines[1]}" = "7:7" ]
	[ "${lines[2]}" = appended ]
}
