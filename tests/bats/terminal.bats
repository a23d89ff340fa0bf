#!/usr/bin/env bats
# Terminals: a pty made in the container, its master sent over
# --console-socket (received here by tests/agents/recvtty, as an engine
# would), /dev/console and consoleSize; `run` and `exec -t` in the
# foreground relay the caller's terminal (given by `script`).

load helpers

RECVTTY=${RECVTTY:-$(dirname "$NUCLEUS_OCI")/tests/agents/recvtty}

setup() {
	[ -x "$RECVTTY" ] || skip "tests/agents/recvtty is not built (make check builds it)"
	setup_bundle
	SOCK="$BATS_TEST_TMPDIR/console.sock"
}

# Start recvtty in the background; its output goes to $BATS_TEST_TMPDIR/tty.out.
start_recvtty() {
	"$RECVTTY" "$SOCK" </dev/null >"$BATS_TEST_TMPDIR/tty.out" 2>"$BATS_TEST_TMPDIR/tty.err" &
	RECV_PID=$!
	for i in $(seq 50); do [ -S "$SOCK" ] && return 0; sleep 0.1; done
	return 1
}

# Wait for recvtty to see the end of the pty (every holder closed it).
wait_recvtty() {
	wait "$RECV_PID"
}

@test "create --console-socket: the master is sent, the slave is stdio, /dev/console and the controlling tty" {
	update_config '.process.terminal = true | .process.consoleSize = {"height": 30, "width": 100}
		| .process.args = ["sh", "-c", "tty; stty size; stat -c %t:%T /dev/console; stat -L -c %t:%T /proc/self/fd/0; set -- $(cat /proc/$$/stat); echo $7"]'
	start_recvtty
	noci create --console-socket "$SOCK" tt-a
	noci start tt-a
	wait_recvtty
	cat "$BATS_TEST_TMPDIR/tty.out"
	grep -q "received /dev/pts/0" "$BATS_TEST_TMPDIR/tty.err"
	run tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out"
	[ "${lines[0]}" = "/dev/pts/0" ]
	[ "${lines[1]}" = "30 100" ]
	# /dev/console is the pty slave (major 136), the same device as stdin
	[[ "${lines[2]}" == 88:* ]]
	[ "${lines[2]}" = "${lines[3]}" ]
	# the controlling terminal (tty_nr in /proc/PID/stat) is pts 0: 136 << 8
	[ "${lines[4]}" = "34816" ]
}

@test "the terminal belongs to process.user: run, create --console-socket, exec -t and exec --console-socket" {
	host_null=$(stat -c %u:%g:%a /dev/null)
	update_config '.process.terminal = true | .process.user = {"uid": 1000, "gid": 1000}
		| .process.args = ["sh", "-c", "stat -c owner=%u:%g $(tty); echo w >$(tty) && echo writable"]'
	run script -qec "'$NUCLEUS_OCI' --root '$ROOT' run tt-own1" /dev/null
	output=$(echo "$output" | tr -d '\r')
	echo "$output"
	[[ "$output" == *"owner=1000:5"* ]]
	[[ "$output" == *"writable"* ]]
	start_recvtty
	noci create --console-socket "$SOCK" tt-own2
	noci start tt-own2
	wait_recvtty
	run tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out"
	[ "${lines[0]}" = "owner=1000:5" ]
	update_config '.process.terminal = false | .process.user = {"uid": 0, "gid": 0} | .process.args = ["sleep", "1000"]'
	noci run -d tt-own3
	run script -qec "'$NUCLEUS_OCI' --root '$ROOT' exec -t -u 1001:1001 tt-own3 sh -c 'stat -c owner=%u \$(tty)'" /dev/null
	[[ "$output" == *"owner=1001"* ]]
	start_recvtty
	noci exec -d -t -u 1002:1002 --console-socket "$SOCK" tt-own3 sh -c 'stat -c owner=%u $(tty)'
	wait_recvtty
	run tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out"
	[ "${lines[0]}" = "owner=1002" ]
	# the caller's stdio is never touched
	[ "$(stat -c %u:%g:%a /dev/null)" = "$host_null" ]
}

@test "terminal without a console socket, or a socket without terminal, is refused" {
	update_config '.process.terminal = true'
	run noci create tt-b
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.terminal is true but no --console-socket"* ]]
	[ ! -e "$ROOT/tt-b" ]
	update_config '.process.terminal = false'
	run noci create --console-socket "$SOCK" tt-b
	[ "$status" -eq 1 ]
	[[ "$output" == *"--console-socket given but config.json: process.terminal is false"* ]]
	[ ! -e "$ROOT/tt-b" ]
	run noci create --console-socket "$BATS_TEST_TMPDIR/nobody.sock" tt-b
	[ "$status" -eq 1 ]
}

@test "run in the foreground relays the terminal, its size and the exit status" {
	update_config '.process.terminal = true | .process.args = ["sh", "-c", "tty; stty size; exit 5"]'
	run script -qec "stty rows 41 cols 132; '$NUCLEUS_OCI' --root '$ROOT' run tt-c" /dev/null
	[ "$status" -eq 5 ]
	output=$(echo "$output" | tr -d '\r')
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"41 132"* ]]
	[ ! -e "$ROOT/tt-c" ]
}

@test "run in the foreground relays input to the program" {
	update_config '.process.terminal = true | .process.args = ["sh", "-c", "read line; echo got:$line; exit 3"]'
	run script -qec "'$NUCLEUS_OCI' --root '$ROOT' run tt-d" /dev/null < <(sleep 1; echo typed-in)
	[ "$status" -eq 3 ]
	[[ "$output" == *"got:typed-in"* ]]
}

@test "run -d with a terminal needs --console-socket" {
	update_config '.process.terminal = true'
	run noci run -d tt-e
	[ "$status" -eq 1 ]
	[[ "$output" == *"--console-socket"* ]]
}

@test "exec -t in the foreground gets its own pty in the container" {
	update_config '.process.args = ["sleep", "1000"]'
	noci run -d tt-f
	run script -qec "stty rows 25 cols 90; '$NUCLEUS_OCI' --root '$ROOT' exec -t tt-f sh -c 'tty; stty size; exit 4'" /dev/null
	[ "$status" -eq 4 ]
	output=$(echo "$output" | tr -d '\r')
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *"25 90"* ]]
	# without -t the process has the caller's stdio, no pty
	run noci exec tt-f sh -c 'tty || true'
	[[ "$output" == *"not a tty"* ]]
}

@test "exec -d -t --console-socket sends the master of a pty made in the container" {
	update_config '.process.args = ["sleep", "1000"]'
	noci run -d tt-g
	start_recvtty
	noci exec -d -t --console-socket "$SOCK" --pid-file "$BATS_TEST_TMPDIR/p" tt-g sh -c 'tty; echo exec-tty'
	wait_recvtty
	grep -q "received /dev/pts/" "$BATS_TEST_TMPDIR/tty.err"
	run tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out"
	[[ "${lines[0]}" == /dev/pts/* ]]
	[ "${lines[1]}" = "exec-tty" ]
}

@test "exec -d -t without a console socket, and a socket without -t, are refused" {
	update_config '.process.args = ["sleep", "1000"]'
	noci run -d tt-h
	run noci exec -d -t tt-h true
	[ "$status" -eq 255 ]
	[[ "$output" == *"--console-socket"* ]]
	run noci exec --console-socket "$SOCK" tt-h true
	[ "$status" -eq 255 ]
	[[ "$output" == *"--console-socket"* ]]
}
