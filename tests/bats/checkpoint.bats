#!/usr/bin/env bats
# checkpoint and restore on this host: bad input, and a CRIU that cannot run
# here (Debian's criu 3.17 on a newer kernel) failing with CRIU's own reason
# while the container runs on untouched.  The working checkpoint/restore
# cycle is tests/vm/checkpoint.test, on a kernel where CRIU works.

load helpers

setup() {
	setup_bundle
	update_config '.process.args = ["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /dev/shm/t; mv /dev/shm/t /dev/shm/n; sleep 0.05; done"]'
	IMG="$BATS_TEST_TMPDIR/images"
}

need_criu_build() {
	run noci checkpoint ckb-none
	[[ "$output" != *"built without CRIU"* ]] || skip "nucleus-oci was built without CRIU"
}

counter() {
	cat "/proc/$(noci state "$1" | jq -r .pid)/root/dev/shm/n" 2>/dev/null
}

# wait until the counter of $1 is above $2
counter_above() {
	local i v
	for i in $(seq 100); do
		v=$(counter "$1")
		[ -n "$v" ] && [ "$v" -gt "$2" ] && return 0
		sleep 0.05
	done
	echo "counter of $1 is \"$(counter "$1")\", not above $2" >&2
	return 1
}

# Nothing of container $1 in any cgroup hierarchy.
assert_no_cgroup() {
	! ls -d /sys/fs/cgroup/*/nucleus-oci/"$1" /sys/fs/cgroup/nucleus-oci/"$1" 2>/dev/null
}

@test "checkpoint where CRIU cannot run: CRIU's reason, and the container runs on" {
	need_criu_build
	command -v criu >/dev/null || skip "criu is not installed"
	if criu check >"$BATS_TEST_TMPDIR/check" 2>&1; then
		skip "CRIU works on this kernel (tests/vm/checkpoint.test covers it)"
	fi
	# CRIU's own first error, without its "Error (file:line): " prefix
	reason=$(grep -m1 '^Error' "$BATS_TEST_TMPDIR/check" | sed 's/^Error ([^)]*): //')
	[ -n "$reason" ]
	noci run -d ckb-host
	counter_above ckb-host 3
	pid=$(noci state ckb-host | jq -r .pid)
	run noci checkpoint --image-path "$IMG" ckb-host
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container \"ckb-host\": checkpoint: criu: $reason (log: $IMG/dump.log)"* ]]
	[ -s "$IMG/dump.log" ]
	[ "$(status_of ckb-host)" = running ]
	[ "$(noci state ckb-host | jq -r .pid)" = "$pid" ]
	v=$(counter ckb-host)
	counter_above ckb-host $((v + 3))
	# and the same for a pre-dump and --leave-running
	run noci checkpoint --pre-dump --image-path "$IMG" ckb-host
	[ "$status" -eq 1 ]
	[[ "$output" == *"pre-dump: criu: $reason"* ]]
	run noci checkpoint --leave-running --image-path "$IMG" ckb-host
	[ "$status" -eq 1 ]
	[ "$(status_of ckb-host)" = running ]
	v=$(counter ckb-host)
	counter_above ckb-host $((v + 3))
}

@test "restore where CRIU cannot run: CRIU's reason, and nothing is left" {
	need_criu_build
	command -v criu >/dev/null || skip "criu is not installed"
	criu check >/dev/null 2>&1 && skip "CRIU works on this kernel (tests/vm/checkpoint.test covers it)"
	mkdir -p "$IMG"
	run noci restore --detach --image-path "$IMG" --work-path "$BATS_TEST_TMPDIR/work" ckb-rst
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"restore container \"ckb-rst\": restore: criu: "*"(log: $BATS_TEST_TMPDIR/work/restore.log)"* ]]
	[ ! -e "$ROOT/ckb-rst" ]
	assert_no_cgroup ckb-rst
	! grep -q criu-root /proc/self/mountinfo
}

@test "checkpoint of a container that is not running fails and changes nothing" {
	need_criu_build
	noci create ckb-created
	run noci checkpoint --image-path "$IMG" ckb-created
	[ "$status" -eq 1 ]
	[[ "$output" == *'cannot checkpoint container "ckb-created" that is created'* ]]
	[ "$(status_of ckb-created)" = created ]
	[ ! -e "$IMG" ]
	run noci checkpoint --image-path "$IMG" ckb-missing
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "ckb-missing" does not exist'* ]]
}

@test "checkpoint: bad options are named, and the container runs on" {
	need_criu_build
	noci run -d ckb-opts
	counter_above ckb-opts 3
	run noci checkpoint --image-path "$IMG" --manage-cgroups-mode bogus ckb-opts
	[ "$status" -eq 1 ]
	[[ "$output" == *'--manage-cgroups-mode "bogus": expected soft, full, strict or ignore'* ]]
	run noci checkpoint --image-path "$IMG" --parent-path /abs ckb-opts
	[ "$status" -eq 1 ]
	[[ "$output" == *'--parent-path "/abs": must be relative to the image path'* ]]
	run noci checkpoint --image-path "$IMG" --parent-path ../none ckb-opts
	[ "$status" -eq 1 ]
	[[ "$output" == *'--parent-path "../none" (from the image path): No such file or directory'* ]]
	run noci checkpoint --image-path "$IMG" --empty-ns bogus ckb-opts
	[ "$status" -eq 1 ]
	[[ "$output" == *'--empty-ns "bogus": not a namespace type'* ]]
	run noci checkpoint --image-path /proc/nonexistent/images ckb-opts
	[ "$status" -eq 1 ]
	[[ "$output" == *'create image path "/proc/nonexistent/images"'* ]]
	[ "$(status_of ckb-opts)" = running ]
	v=$(counter ckb-opts)
	counter_above ckb-opts $((v + 3))
}

@test "checkpoint: annotation org.criu.config naming a missing file is an error" {
	need_criu_build
	update_config '.annotations["org.criu.config"] = "/nonexistent/criu.conf"'
	noci run -d ckb-conf
	run noci checkpoint --image-path "$IMG" ckb-conf
	[ "$status" -eq 1 ]
	[[ "$output" == *'annotation org.criu.config: CRIU config file "/nonexistent/criu.conf": No such file or directory'* ]]
	[ "$(status_of ckb-conf)" = running ]
}

@test "restore: bad input is named and leaves no state or cgroup" {
	need_criu_build
	run noci restore --detach --image-path "$BATS_TEST_TMPDIR/none" ckb-bad
	[ "$status" -eq 1 ]
	[[ "$output" == *"image path \"$BATS_TEST_TMPDIR/none\": No such file or directory"* ]]
	[ ! -e "$ROOT/ckb-bad" ]
	assert_no_cgroup ckb-bad
	mkdir -p "$IMG"
	run noci restore --detach --image-path "$IMG" --manage-cgroups-mode bogus ckb-bad
	[ "$status" -eq 1 ]
	[[ "$output" == *'--manage-cgroups-mode "bogus"'* ]]
	[ ! -e "$ROOT/ckb-bad" ]
	assert_no_cgroup ckb-bad
	run noci restore --detach --bundle "$BATS_TEST_TMPDIR/nobundle" --image-path "$IMG" ckb-bad
	[ "$status" -eq 1 ]
	[[ "$output" == *"bundle \"$BATS_TEST_TMPDIR/nobundle\": No such file or directory"* ]]
	noci run -d ckb-taken
	run noci restore --detach --image-path "$IMG" ckb-taken
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "ckb-taken" already exists'* ]]
	[ "$(status_of ckb-taken)" = running ]
}

@test "checkpoint and restore take runc's options (help)" {
	run noci checkpoint --help
	[ "$status" -eq 0 ]
	for o in image-path work-path parent-path leave-running tcp-established ext-unix-sk \
		shell-job file-locks pre-dump manage-cgroups-mode empty-ns auto-dedup; do
		[[ "$output" == *"--$o"* ]] || { echo "no --$o"; false; }
	done
	run noci restore --help
	[ "$status" -eq 0 ]
	for o in image-path work-path bundle detach pid-file console-socket no-pivot \
		no-subreaper tcp-established ext-unix-sk shell-job file-locks manage-cgroups-mode; do
		[[ "$output" == *"--$o"* ]] || { echo "no --$o"; false; }
	done
}

@test "podman container checkpoint where CRIU cannot run: CRIU's reason, and it runs on" {
	need_criu_build
	command -v podman >/dev/null || skip "podman is not installed (contrib/deps.sh test)"
	command -v conmon >/dev/null || skip "conmon is not installed (contrib/deps.sh test)"
	criu check >"$BATS_TEST_TMPDIR/check" 2>&1 && skip "CRIU works on this kernel"
	reason=$(grep -m1 '^Error' "$BATS_TEST_TMPDIR/check" | sed 's/^Error ([^)]*): //')
	source "$BATS_TEST_DIRNAME/../engines/engines.bash"
	# the run root must stay under 50 characters
	PM_DIR=$(mktemp -d /tmp/noci-ckpm.XXXXXX)
	engines_podman_setup "$PM_DIR" "$NUCLEUS_OCI"
	engines_podman_env "$PM_DIR"
	engines_podman --runtime nucleus run -d --name ckb-pm "$ENGINES_IMAGE" \
		sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.05; done'
	run engines_podman container checkpoint ckb-pm
	echo "$output"
	ok=0
	[ "$status" -ne 0 ] && [[ "$output" == *"checkpoint: criu: $reason"* ]] && ok=1
	state=$(engines_podman inspect --format '{{.State.Status}}' ckb-pm)
	n1=$(engines_podman exec ckb-pm cat /tmp/n)
	for i in $(seq 50); do
		n2=$(engines_podman exec ckb-pm cat /tmp/n)
		[ "$n2" -gt "$n1" ] && break
	done
	engines_podman rm --all --force --time 0 >/dev/null 2>&1 || true
	engines_podman_teardown "$PM_DIR"
	[ "$ok" = 1 ]
	[ "$state" = running ]
	[ "$n2" -gt "$n1" ]
}

@test "stdio on the caller's /dev/null is the container's own /dev/null (CRIU can dump it)" {
	# the mount of fd 0 against that of /dev/null opened in the container
	update_config '.process.args = ["sh", "-c", "exec 3</dev/null; for fd in 0 1 3; do sed -n \"s/^mnt_id:[[:space:]]*//p\" /proc/self/fdinfo/$fd; done"]'
	run noci run --bundle "$BUNDLE" ckb-null </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	mapfile -t m <<<"$output"
	# stdin (the host's /dev/null) now is on the container's /dev; stdout,
	# a pipe here, is left alone
	[ "${m[0]}" = "${m[2]}" ]
	[ "${m[1]}" != "${m[2]}" ]
}

@test "checkpoint of a shell job (the caller's terminal on stdio) without --shell-job is refused naming it" {
	need_criu_build
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	script -qfec "$NUCLEUS_OCI --root $ROOT run -d --bundle $BUNDLE ckb-sj" /dev/null </dev/null
	wait_status ckb-sj running
	pid=$(noci state ckb-sj | jq -r .pid)
	[[ "$(readlink /proc/$pid/fd/0)" == /dev/pts/* ]]
	run noci checkpoint --image-path "$IMG" ckb-sj
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "ckb-sj": its stdin is a terminal of the caller (/dev/pts/'*'), not one of its own: checkpoint it with --shell-job'* ]]
	[ "$(status_of ckb-sj)" = running ]
	[ "$(noci state ckb-sj | jq -r .pid)" = "$pid" ]
	noci delete --force ckb-sj
}
