#!/usr/bin/env bats
# process.landlock (nucleus-oci extension): files, exec and TCP on loopback,
# best effort against the kernel's ABI, errors.

load helpers

setup() {
	setup_bundle
	update_config '.root.readonly = false'
	mkdir -p rootfs/data rootfs/secret rootfs/opt
	echo public >rootfs/data/file
	echo hidden >rootfs/secret/file
	cp "$BUSYBOX" rootfs/opt/busybox
}

run_sh() {
	update_config ".process.args = [\"sh\", \"-c\", $(jq -Rn --arg s "$1" '$s')]"
	run noci run "ll-$BATS_TEST_NUMBER"
	echo "$output"
}

# Reads, writes and exec confined: /bin may be read and run, /data read and
# written, /secret nothing, /opt read only.
fs_policy() {
	update_config '.process.landlock = {
		"ruleset": {"handledAccessFS": ["execute", "read_file", "read_dir", "write_file",
			"make_reg", "remove_file", "truncate"]},
		"rules": {"pathBeneath": [
			{"allowedAccess": ["execute", "read_file", "read_dir"], "paths": ["/bin"]},
			{"allowedAccess": ["read_file", "read_dir", "write_file", "make_reg", "truncate"],
			 "paths": ["/data", "/dev/null"]},
			{"allowedAccess": ["read_file", "read_dir"], "paths": ["/opt", "/proc"]}]}}'
}

@test "landlock: files: reading and writing where allowed, denied elsewhere" {
	fs_policy
	run_sh 'cat /data/file; echo new >/data/new && echo write:ok;
		cat /secret/file || echo read:denied; ls /secret || echo list:denied;
		echo x >/secret/new || echo create:denied; echo y >/opt/busybox || echo write:denied'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "public" ]
	[[ "$output" == *"write:ok"* ]]
	[[ "$output" == *"can't open '/secret/file': Permission denied"* ]]
	[[ "$output" == *"read:denied"* ]]
	[[ "$output" == *"list:denied"* ]]
	[[ "$output" == *"create:denied"* ]]
	[[ "$output" == *"write:denied"* ]]
	[ "$(cat rootfs/data/new)" = "new" ]
	[ ! -e rootfs/secret/new ]
}

@test "landlock: exec only from allowed paths" {
	fs_policy
	run_sh '/bin/busybox true && echo bin:ok; /opt/busybox true; echo opt=$?'
	[ "$status" -eq 0 ]
	[[ "$output" == *"bin:ok"* ]]
	[[ "$output" == *"/opt/busybox: Permission denied"* ]]
	[[ "$output" == *"opt=126"* ]]
}

@test "landlock: without landlock the same commands succeed" {
	run_sh 'cat /secret/file; /opt/busybox true && echo opt:ok'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hidden" ]
	[[ "$output" == *"opt:ok"* ]]
}

@test "landlock: TCP bind and connect on loopback are confined to the allowed ports" {
	update_config '.linux.namespaces += [{"type": "network"}] | .linux.namespaces |= unique_by(.type)'
	update_config '.process.capabilities.bounding += ["CAP_NET_ADMIN"] | .process.capabilities.effective += ["CAP_NET_ADMIN"] | .process.capabilities.permitted += ["CAP_NET_ADMIN"]'
	update_config '.process.landlock = {
		"ruleset": {"handledAccessNetwork": ["bind_tcp", "connect_tcp"]},
		"rules": {"netPort": [
			{"allowedAccess": ["bind_tcp"], "ports": [8080]},
			{"allowedAccess": ["connect_tcp"], "ports": [8080]}]}}'
	run_sh 'ip link set lo up
		timeout 5 nc -l -p 7070 </dev/null; echo bind7070=$?
		nc -l -p 8080 -e echo hello &
		for i in $(seq 50); do nc 127.0.0.1 8080 </dev/null >/tmp/got 2>/dev/null && break; sleep 0.1; done
		echo connect8080=$?
		wait; echo "got $(cat /tmp/got)"
		echo hello | nc 127.0.0.1 9090; echo connect9090=$?'
	[ "$status" -eq 0 ]
	[[ "$output" == *"bind: Permission denied"* ]]
	[[ "$output" == *"bind7070=1"* ]]
	[[ "$output" == *"connect8080=0"* ]]
	[[ "$output" == *"got hello"* ]]
	# Without Landlock this would be "Connection refused": nobody listens there.
	[[ "$output" == *"can't connect to remote host (127.0.0.1): Permission denied"* ]]
	[[ "$output" == *"connect9090=1"* ]]
}

@test "landlock: best effort drops rights the kernel does not know; disableBestEffort refuses them" {
	# 1<<40 is no Landlock right of any kernel yet.
	update_config '.process.landlock = {"ruleset": {"handledAccessFS": ["read_file", 1099511627776]},
		"rules": {"pathBeneath": [{"allowedAccess": ["read_file"], "paths": ["/"]}]}}'
	run_sh 'cat /data/file'
	[ "$status" -eq 0 ]
	[ "$output" = "public" ]
	update_config '.process.landlock.disableBestEffort = true'
	run_sh 'cat /data/file'
	[ "$status" -eq 1 ]
	[[ "$output" == *"landlock: ruleset.handledAccessFS: right \"0x10000000000\" not supported here"*"disableBestEffort is set"* ]]
	[ ! -e "$ROOT/ll-$BATS_TEST_NUMBER" ]
}

@test "landlock: best effort narrows rights on a file; disableBestEffort refuses them" {
	update_config '.process.landlock = {"ruleset": {"handledAccessFS": ["read_file", "read_dir", "execute"]},
		"rules": {"pathBeneath": [{"allowedAccess": ["read_file", "read_dir", "execute"], "paths": ["/bin", "/data/file"]}]}}'
	run_sh 'cat /data/file; cat /secret/file || echo denied'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "public" ]
	[[ "$output" == *"denied"* ]]
	update_config '.process.landlock.disableBestEffort = true'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"\"/data/file\" is not a directory"* ]]
}

@test "landlock: paths are resolved inside the container" {
	# /etc/hostname exists on the host; /etc in this rootfs has no hostname.
	update_config '.process.landlock = {"ruleset": {"handledAccessFS": ["read_file"]},
		"rules": {"pathBeneath": [{"allowedAccess": ["read_file"], "paths": ["/etc/hostname"]}]}}'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"landlock: rules.pathBeneath[0]: path \"/etc/hostname\": No such file or directory"* ]]
	[ ! -e "$ROOT/ll-$BATS_TEST_NUMBER" ]
}

@test "landlock: a symlink in the rootfs cannot point a rule at the host" {
	ln -s /../../../../etc rootfs/hostetc
	update_config '.process.landlock = {"ruleset": {"handledAccessFS": ["read_file", "read_dir"]},
		"rules": {"pathBeneath": [{"allowedAccess": ["read_file", "read_dir"], "paths": ["/hostetc", "/bin", "/data"]}]}}'
	run_sh 'cat /etc/passwd; cat /data/file'
	[ "$status" -eq 0 ]
	# /hostetc is the container's /etc: the rule allows it, nothing of the host.
	[ "${lines[0]}" = "root:x:0:0:root:/root:/bin/sh" ]
	[ "${lines[1]}" = "public" ]
}

@test "landlock: enforced without noNewPrivileges too" {
	fs_policy
	update_config '.process.noNewPrivileges = false'
	run_sh 'grep NoNewPrivs /proc/self/status; cat /secret/file || echo denied'
	[ "$status" -eq 0 ]
	[[ "$output" == *"NoNewPrivs:	0"* ]]
	[[ "$output" == *"denied"* ]]
}

@test "landlock: with seccomp as well, both are in force" {
	fs_policy
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28}]}'
	run_sh 'mkdir /data/d; cat /secret/file || echo denied'
	[[ "$output" == *"No space left on device"* ]]
	[[ "$output" == *"denied"* ]]
}

@test "landlock: a rule path through a /proc magic link is refused" {
	update_config '.process.landlock = {"ruleset": {"handledAccessFS": ["read_file"]},
		"rules": {"pathBeneath": [{"allowedAccess": ["read_file"], "paths": ["/proc/self/root/etc"]}]}}'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *'landlock: rules.pathBeneath[0]: path "/proc/self/root/etc": Too many levels of symbolic links'* ]]
	[ ! -e "$ROOT/ll-$BATS_TEST_NUMBER" ]
}
