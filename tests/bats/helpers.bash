# Shared helpers for the bats integration tests: a busybox bundle made from
# Debian's busybox-static, a private --root per test, and cleanup that
# leaves the machine as it was.

NUCLEUS_OCI=${NUCLEUS_OCI:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/nucleus-oci}
BUSYBOX=${BUSYBOX:-/bin/busybox}

# Make $BUNDLE with a busybox rootfs and the default `spec` config,
# terminal off so it runs without a console socket.
setup_bundle() {
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	ROOT="$BATS_TEST_TMPDIR/state"
	mkdir -p "$BUNDLE/rootfs"/{bin,proc,sys,dev,etc,tmp,root}
	cp "$BUSYBOX" "$BUNDLE/rootfs/bin/busybox"
	for app in $("$BUSYBOX" --list); do
		[ -e "$BUNDLE/rootfs/bin/$app" ] || ln -s busybox "$BUNDLE/rootfs/bin/$app"
	done
	echo "root:x:0:0:root:/root:/bin/sh" >"$BUNDLE/rootfs/etc/passwd"
	echo "root:x:0:" >"$BUNDLE/rootfs/etc/group"
	"$NUCLEUS_OCI" spec --bundle "$BUNDLE"
	update_config '.process.terminal = false'
	cd "$BUNDLE"
}

# Apply a jq filter to config.json.
update_config() {
	jq "$1" "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# nucleus-oci with this test's private state directory.
noci() {
	"$NUCLEUS_OCI" --root "$ROOT" "$@"
}

# The status field of `state`.
status_of() {
	noci state "$1" | jq -r .status
}

# Wait until a container reaches a status (up to ~5 s).
wait_status() {
	local id=$1 want=$2 i
	for i in $(seq 50); do
		[ "$(status_of "$id" 2>/dev/null)" = "$want" ] && return 0
		sleep 0.1
	done
	echo "container $id did not reach $want (is $(status_of "$id" 2>&1))" >&2
	return 1
}

# Nothing of ours is mounted under the test's tmpdir.
assert_no_mounts() {
	! grep -q "$BATS_TEST_TMPDIR" /proc/self/mountinfo
}

teardown_containers() {
	local id
	[ -d "${ROOT:-/nonexistent}" ] || return 0
	for id in $(ls "$ROOT" 2>/dev/null); do
		noci delete --force "$id" >/dev/null 2>&1 || true
	done
}

teardown() {
	teardown_containers
}
