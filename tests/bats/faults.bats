#!/usr/bin/env bats
# Faults: `create` killed with SIGKILL at each stage, then `delete --force`,
# leaves a clean machine; `state` of a half-created container says so; a full
# or read-only state directory gives a clear error.  And concurrency: many
# containers with distinct IDs at once.

load helpers

setup() {
	setup_bundle
	update_config '.process.args = ["sleep", "1000"]'
}

teardown() {
	teardown_containers
	local d
	for d in /sys/fs/cgroup/freezer/nucleus-oci/flt-*; do
		[ -d "$d" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
	done
	if [ -n "${MNT:-}" ]; then
		umount "$MNT" 2>/dev/null
		rmdir "$MNT"
	fi
	true
}

# A small tmpfs outside the test's tmpdir (assert_no_mounts looks there).
small_tmpfs() {
	MNT=$(mktemp -d /tmp/flt-mnt.XXXXXX)
	mount -t tmpfs -o "$1" tmpfs "$MNT"
}

# Nothing of container $1 is left: state dir, cgroup in any hierarchy,
# mounts, processes.
clean_machine() {
	local id=$1 d
	[ ! -e "$ROOT/$id" ]
	for d in /sys/fs/cgroup/*/nucleus-oci/"$id" /sys/fs/cgroup/nucleus-oci/"$id"; do
		if [ -e "$d" ]; then
			echo "cgroup left: $d" >&2
			return 1
		fi
	done
	assert_no_mounts
	! pgrep -f "nucleus-oci --root $ROOT" >/dev/null
	! pgrep -f "sleep 1000" -P "$(cat "$BATS_TEST_TMPDIR/init.pid" 2>/dev/null || echo 999999)" >/dev/null
}

@test "create killed while reading its config: nothing to clean" {
	rm "$BUNDLE/config.json"
	mkfifo "$BUNDLE/config.json"
	"$NUCLEUS_OCI" --root "$ROOT" create flt-cfg &
	pid=$!
	# The fifo has no writer: create blocks in open() for ever.
	until grep -qs wait_for_partner /proc/$pid/wchan; do
		kill -0 $pid
		sleep 0.05
	done
	kill -KILL $pid
	wait $pid || true
	clean_machine flt-cfg
	run noci state flt-cfg
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "flt-cfg" does not exist'* ]]
}

# The init joins its cgroup in the parent's setup stage: a frozen freezer
# cgroup made beforehand at the container's cgroupsPath stops the init right
# there, with the create process waiting for it.
@test "create killed while the init is in its setup stage, then delete --force" {
	[ -d /sys/fs/cgroup/freezer ] || skip "no v1 freezer hierarchy"
	mkdir -p /sys/fs/cgroup/freezer/nucleus-oci/flt-setup
	echo FROZEN >/sys/fs/cgroup/freezer/nucleus-oci/flt-setup/freezer.state
	"$NUCLEUS_OCI" --root "$ROOT" create flt-setup &
	pid=$!
	until grep -qs . /sys/fs/cgroup/freezer/nucleus-oci/flt-setup/cgroup.procs; do
		kill -0 $pid
		sleep 0.05
	done
	init=$(head -1 /sys/fs/cgroup/freezer/nucleus-oci/flt-setup/cgroup.procs)
	echo "$init" >"$BATS_TEST_TMPDIR/init.pid"
	kill -KILL $pid
	wait $pid || true
	# Let the init go on: it must notice that its parent is gone.
	echo THAWED >/sys/fs/cgroup/freezer/nucleus-oci/flt-setup/freezer.state
	# A half-created container: state says what it is and does not crash.
	run noci state flt-setup
	[ "$status" -eq 0 ]
	status_field=$(echo "$output" | jq -r .status)
	[ "$status_field" = creating ] || [ "$status_field" = stopped ]
	run noci list
	[ "$status" -eq 0 ]
	[[ "$output" == *flt-setup* ]]
	run noci delete --force flt-setup
	[ "$status" -eq 0 ]
	# Gone, or a zombie waiting for the host's init to reap it.
	[ ! -e "/proc/$init" ] || grep -q '^State:.*Z' "/proc/$init/status"
	clean_machine flt-setup
}

@test "create killed right after the container is created, then delete --force" {
	"$NUCLEUS_OCI" --root "$ROOT" create flt-ready &
	pid=$!
	until grep -qs '"status":"created"' "$ROOT/flt-ready/state.json"; do
		kill -0 $pid 2>/dev/null || break
		sleep 0.01
	done
	kill -KILL $pid 2>/dev/null || true
	wait $pid || true
	run noci state flt-ready
	[ "$status" -eq 0 ]
	run noci delete --force flt-ready
	[ "$status" -eq 0 ]
	clean_machine flt-ready
}

@test "create killed after its state dir exists but before any state: state and delete" {
	# What a kill between claiming the ID and writing state.json leaves.
	mkdir -p "$ROOT/flt-empty"
	run noci state flt-empty
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "flt-empty" is being created'* ]]
	run noci delete --force flt-empty
	[ "$status" -eq 0 ]
	clean_machine flt-empty
}

@test "a corrupt state.json: state names it, delete --force removes it" {
	mkdir -p "$ROOT/flt-corrupt"
	echo '{"ociVersion": "1.3.0", "id": ' >"$ROOT/flt-corrupt/state.json"
	run noci state flt-corrupt
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "flt-corrupt": state.json:2:1: invalid JSON'* ]]
	run noci delete --force flt-corrupt
	[ "$status" -eq 0 ]
	clean_machine flt-corrupt
}

@test "a full disk under --root gives a clear error and leaves nothing" {
	small_tmpfs size=64k
	dd if=/dev/zero of="$MNT/fill" bs=4k 2>/dev/null || true
	ROOT=$MNT/state
	run noci create flt-full
	[ "$status" -eq 1 ]
	[[ "$output" == *"No space left on device"* ]]
	clean_machine flt-full
	# With room again, the same ID works.
	rm "$MNT/fill"
	noci create flt-full
	noci delete --force flt-full
	clean_machine flt-full
}

@test "a full disk when writing the state: clear error, nothing left" {
	# Room for the directories (inodes), none for data.
	small_tmpfs size=4k
	dd if=/dev/zero of="$MNT/fill" bs=1k 2>/dev/null || true
	ROOT=$MNT
	run noci create flt-full2
	[ "$status" -eq 1 ]
	[[ "$output" == *"No space left on device"* ]]
	[ ! -e "$ROOT/flt-full2" ]
	clean_machine flt-full2
}

@test "a read-only state directory gives a clear error" {
	small_tmpfs ro,size=1m
	ROOT=$MNT
	run noci create flt-ro
	[ "$status" -eq 1 ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *"$ROOT"* ]]
	clean_machine flt-ro
}

@test "50 containers with distinct IDs created in parallel all succeed" {
	for i in $(seq 50); do
		noci create "flt-par-$i" >"$BATS_TEST_TMPDIR/out-$i" 2>&1 &
	done
	wait
	for i in $(seq 50); do
		if [ -s "$BATS_TEST_TMPDIR/out-$i" ]; then
			cat "$BATS_TEST_TMPDIR/out-$i" >&2
			return 1
		fi
		[ "$(status_of "flt-par-$i")" = created ]
	done
	for i in $(seq 50); do noci start "flt-par-$i" & done
	wait
	for i in $(seq 50); do [ "$(status_of "flt-par-$i")" = running ]; done
	[ "$(noci list -q | grep -c '^flt-par-')" -eq 50 ]
	for i in $(seq 50); do noci delete --force "flt-par-$i" & done
	wait
	for i in $(seq 50); do clean_machine "flt-par-$i"; done
}

@test "delete --force of a paused container leaves nothing" {
	noci create flt-paused
	noci start flt-paused
	noci pause flt-paused
	[ "$(status_of flt-paused)" = paused ]
	run noci delete --force flt-paused
	[ "$status" -eq 0 ]
	clean_machine flt-paused
}
