#!/usr/bin/env bats
# exec: a process in the namespaces and cgroup of a running container, with
# the process settings of the config or of --process, and the exit status,
# pid file and fds an engine relies on.

load helpers

setup() {
	setup_bundle
	update_config '.process.args = ["sleep", "1000"] | .hostname = "exec-box"'
}

start_box() {
	noci run -d "${1:-ex-a}"
	wait_status "${1:-ex-a}" running
}

init_pid() {
	noci state "${1:-ex-a}" | jq -r .pid
}

@test "exec joins every namespace of the container's init" {
	start_box
	pid=$(init_pid)
	noci exec -d --pid-file "$BATS_TEST_TMPDIR/p" ex-a sleep 1000 </dev/null >/dev/null 2>&1
	xpid=$(cat "$BATS_TEST_TMPDIR/p")
	for ns in mnt uts ipc pid net cgroup; do
		[ "$(readlink /proc/$xpid/ns/$ns)" = "$(readlink /proc/$pid/ns/$ns)" ]
	done
	run noci exec ex-a sh -c 'hostname; cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "exec-box" ]
	[ "${lines[1]}" = "sleep 1000 " ]
}

@test "exec joins the container's cgroup in every hierarchy" {
	start_box
	noci exec -d --pid-file "$BATS_TEST_TMPDIR/p" ex-a sleep 1000 </dev/null >/dev/null 2>&1
	xpid=$(cat "$BATS_TEST_TMPDIR/p")
	[ "$(cat /proc/$xpid/cgroup)" = "$(cat /proc/$(init_pid)/cgroup)" ]
	grep -q "/nucleus-oci/ex-a" /proc/$xpid/cgroup
}

@test "exec returns the process's exit status, 128+signal when killed" {
	start_box
	run noci exec ex-a sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run noci exec ex-a sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	run noci exec ex-a true
	[ "$status" -eq 0 ]
}

@test "exec uses the caller's stdio" {
	start_box
	run bash -c "echo from-stdin | '$NUCLEUS_OCI' --root '$ROOT' exec ex-a sh -c 'cat; echo to-stderr >&2'"
	[ "$status" -eq 0 ]
	[[ "$output" == *"from-stdin"* ]]
	[[ "$output" == *"to-stderr"* ]]
}

@test "exec -e, --cwd, -u and --additional-gids" {
	update_config '.process.env += ["KEEP=config", "OVER=config"]'
	start_box
	run noci exec -e OVER=flag -e NEW=1 --cwd /tmp -u 1000:1001 --additional-gids 44 --additional-gids 45 \
		ex-a sh -c 'echo $KEEP $OVER $NEW; pwd; id -u; id -g; id -G'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "config flag 1" ]
	[ "${lines[1]}" = "/tmp" ]
	[ "${lines[2]}" = "1000" ]
	[ "${lines[3]}" = "1001" ]
	[[ "${lines[4]}" == *44*45* ]]
}

@test "exec applies the config's rlimits and capabilities, and --cap adds one" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1234, "hard": 1234}]'
	start_box
	run noci exec ex-a sh -c 'ulimit -n; grep CapEff /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1234" ]
	# CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE
	[ "${lines[1]}" = "CapEff:	0000000020000420" ]
	run noci exec --cap CAP_SYS_ADMIN ex-a grep CapEff /proc/self/status
	[ "$output" = "CapEff:	0000000020200420" ]
}

@test "exec --no-new-privs sets no_new_privs" {
	update_config '.process.noNewPrivileges = false'
	start_box
	run noci exec ex-a grep NoNewPrivs /proc/self/status
	[ "$output" = "NoNewPrivs:	0" ]
	run noci exec --no-new-privs ex-a grep NoNewPrivs /proc/self/status
	[ "$output" = "NoNewPrivs:	1" ]
}

@test "exec --process FILE runs a runtime-spec process" {
	start_box
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'EOF'
	{"args": ["sh", "-c", "echo $WHO; pwd; id -u; exit 3"], "env": ["WHO=process-json"],
	 "cwd": "/etc", "user": {"uid": 65534, "gid": 65534}}
	EOF
	run noci exec --process "$BATS_TEST_TMPDIR/process.json" ex-a
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "process-json" ]
	[ "${lines[1]}" = "/etc" ]
	[ "${lines[2]}" = "65534" ]
}

@test "exec --process with a broken file names it" {
	start_box
	echo '{"args": "sh"}' >"$BATS_TEST_TMPDIR/process.json"
	run noci exec --process "$BATS_TEST_TMPDIR/process.json" ex-a
	[ "$status" -eq 255 ]
	[[ "$output" == *"process.json"*"args"* ]]
}

@test "exec -d writes the process's host pid and leaves it running" {
	start_box
	# Its stdio is ours: give it files so nothing waits for its end of a pipe.
	noci exec -d --pid-file "$BATS_TEST_TMPDIR/p" ex-a sleep 1000 </dev/null >/dev/null 2>&1
	xpid=$(cat "$BATS_TEST_TMPDIR/p")
	[ "$(cat /proc/$xpid/cmdline | tr '\0' ' ')" = "sleep 1000 " ]
	# Inside, it is a member of the container's pid namespace.
	run noci exec ex-a sh -c 'ps -o comm | grep -c sleep'
	[ "$output" = "2" ]
}

@test "no fd of the runtime reaches the process; --preserve-fds passes fds on" {
	start_box
	# Seen from the host, so nothing in the container opens fds while we look.
	noci exec -d --pid-file "$BATS_TEST_TMPDIR/p" ex-a sleep 1000 </dev/null >/dev/null 2>&1 5</dev/null
	[ "$(ls /proc/$(cat "$BATS_TEST_TMPDIR/p")/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
	echo preserved >"$BATS_TEST_TMPDIR/f"
	noci exec -d --preserve-fds 2 --pid-file "$BATS_TEST_TMPDIR/p" ex-a sleep 1000 \
		</dev/null >/dev/null 2>&1 3</dev/null 4<"$BATS_TEST_TMPDIR/f" 5</dev/null
	xpid=$(cat "$BATS_TEST_TMPDIR/p")
	[ "$(ls /proc/$xpid/fd | sort -n | tr '\n' ' ')" = "0 1 2 3 4 " ]
	[ "$(readlink /proc/$xpid/fd/4)" = "$BATS_TEST_TMPDIR/f" ]
	run bash -c "'$NUCLEUS_OCI' --root '$ROOT' exec --preserve-fds 2 ex-a sh -c 'cat <&4' 3</dev/null 4<'$BATS_TEST_TMPDIR/f'"
	[ "$status" -eq 0 ]
	[ "$output" = "preserved" ]
}

@test "socket activation: LISTEN_FDS fds are passed and LISTEN_PID names the process" {
	echo activated >"$BATS_TEST_TMPDIR/f"
	update_config '.process.args = ["sh", "-c", "echo fds=$LISTEN_FDS pid=$LISTEN_PID; cat <&3"]'
	run bash -c "LISTEN_PID=\$\$ LISTEN_FDS=1 exec '$NUCLEUS_OCI' --root '$ROOT' run ex-l 3<'$BATS_TEST_TMPDIR/f'"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds=1 pid=1" ]
	[ "${lines[1]}" = "activated" ]
	# Meant for another process (LISTEN_PID is not ours): nothing is passed.
	run bash -c "LISTEN_PID=1 LISTEN_FDS=1 exec '$NUCLEUS_OCI' --root '$ROOT' run ex-m 3<'$BATS_TEST_TMPDIR/f'"
	[ "$status" -ne 0 ]
	[ "${lines[0]}" = "fds= pid=" ]
}

@test "LISTEN_FDS in the process's env keeps those fds and LISTEN_PID names the process" {
	echo engine-passed >"$BATS_TEST_TMPDIR/f"
	update_config '.process.env += ["LISTEN_FDS=1", "LISTEN_PID=4242"]
		| .process.args = ["sh", "-c", "echo fds=$LISTEN_FDS pid=$LISTEN_PID; cat <&3"]'
	run bash -c "exec '$NUCLEUS_OCI' --root '$ROOT' run ex-n 3<'$BATS_TEST_TMPDIR/f'"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds=1 pid=1" ]
	[ "${lines[1]}" = "engine-passed" ]
}

@test "exec of a missing program: runc's wording, one error line in the json log" {
	start_box
	run noci --log "$BATS_TEST_TMPDIR/log.json" --log-format json exec ex-a no-such-program
	[ "$status" -eq 255 ]
	[[ "$output" == *'exec: "no-such-program": executable file not found in $PATH'* ]]
	[ "$(grep -c '"level":"error"' "$BATS_TEST_TMPDIR/log.json")" -eq 1 ]
	jq -e '.msg | contains("executable file not found in $PATH")' "$BATS_TEST_TMPDIR/log.json"
	run noci exec ex-a /no/such/file
	[ "$status" -eq 255 ]
	[ "$output" = 'exec: "/no/such/file": stat /no/such/file: no such file or directory' ]
	run noci exec ex-a /etc
	[ "$status" -eq 255 ]
	[[ "$output" == *"permission denied"* ]]
	run noci exec ex-a /etc/passwd
	[ "$status" -eq 255 ]
	[ "$output" = 'exec: "/etc/passwd": permission denied' ]
}

@test "exec in a stopped or missing container" {
	start_box
	noci kill ex-a KILL
	wait_status ex-a stopped
	run noci exec ex-a true
	[ "$status" -eq 255 ]
	[[ "$output" == *"container not running"* ]]
	run noci exec ex-nope true
	[ "$status" -eq 255 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "exec in a container with a user namespace" {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| del(.linux.resources)'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	# the mapped root must be able to reach the bundle
	d=$BUNDLE; while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
	start_box ex-u
	noci exec -d --pid-file "$BATS_TEST_TMPDIR/p" ex-u sleep 1000 </dev/null >/dev/null 2>&1
	xpid=$(cat "$BATS_TEST_TMPDIR/p")
	[ "$(readlink /proc/$xpid/ns/user)" = "$(readlink /proc/$(init_pid ex-u)/ns/user)" ]
	[ "$(awk '/^Uid:/ {print $2}' /proc/$xpid/status)" = "100000" ]
	run noci exec ex-u id -u
	[ "$output" = "0" ]
}

@test "exec applies the config's seccomp filter" {
	update_config '.root.readonly = false
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	start_box
	run noci exec ex-a sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/x && echo made || echo refused'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Seccomp:	2" ]
	[[ "$output" == *"refused"* ]]
	# --process brings its own process but the container's filter still holds
	echo '{"args": ["mkdir", "/tmp/y"], "cwd": "/"}' >"$BATS_TEST_TMPDIR/process.json"
	run noci exec --process "$BATS_TEST_TMPDIR/process.json" ex-a
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "exec applies the process's Landlock rules" {
	update_config '.process.landlock = {
		"ruleset": {"handledAccessFS": ["read_file", "read_dir"]},
		"rules": {"pathBeneath": [{"allowedAccess": ["read_file", "read_dir"], "paths": ["/bin", "/proc", "/dev"]}]}}'
	start_box
	run noci exec ex-a sh -c 'cat /etc/passwd || echo denied'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" == *"denied"* ]]
}
