#!/usr/bin/env bats
# The bad input corpus (tests/bad-input/): malformed configs and command
# lines.  Each one is refused with its clear message, an exit status below
# 128 (never a crash), and leaves nothing behind: no state dir, cgroup,
# mount or process.

load helpers

CORPUS="$BATS_TEST_DIRNAME/../bad-input"

setup() {
	setup_bundle
	update_config '.process.args = ["true"]'
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/base.json"
}

# Nothing of ours anywhere: the state dir is empty, no cgroup named badin-*,
# no mount under the test dir, no runtime process for our --root.
nothing_left() {
	local d
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || { echo "left in $ROOT: $(ls -A "$ROOT")" >&2; return 1; }
	for d in /sys/fs/cgroup/*/nucleus-oci/badin-* /sys/fs/cgroup/nucleus-oci/badin-*; do
		[ -e "$d" ] && { echo "cgroup left: $d" >&2; return 1; }
	done
	assert_no_mounts
	! pgrep -f "nucleus-oci --root $ROOT" >/dev/null
}

@test "bad-input: every malformed config is refused clearly and leaves nothing" {
	local f name expect n=0
	for f in "$CORPUS"/configs/*.json "$CORPUS"/configs/*.jq; do
		name=$(basename "${f%.*}")
		case $f in
		*.json) cp "$f" "$BUNDLE/config.json" ;;
		*.jq) jq "$(cat "$f")" "$BATS_TEST_TMPDIR/base.json" >"$BUNDLE/config.json" ;;
		esac
		expect=$(cat "${f%.*}.expect")
		run noci create --bundle "$BUNDLE" "badin-$name"
		if [ "$status" -lt 1 ] || [ "$status" -ge 128 ] || [[ "$output" != *"$expect"* ]]; then
			echo "$name: status $status, output: $output" >&2
			echo "$name: expected: $expect" >&2
			return 1
		fi
		nothing_left
		n=$((n + 1))
	done
	[ "$n" -ge 40 ]
}

@test "bad-input: every bad command line is refused clearly and leaves nothing" {
	local args expect n=0
	while IFS=$'\t' read -r args expect; do
		case $args in '#'* | '') continue ;; esac
		eval "set -- $args"
		run noci "$@"
		if [ "$status" -lt 1 ] || [ "$status" -ge 128 ] || [[ "$output" != *"$expect"* ]]; then
			echo "$args: status $status, output: $output" >&2
			echo "$args: expected: $expect" >&2
			return 1
		fi
		nothing_left
		n=$((n + 1))
	done <"$CORPUS/args.txt"
	[ "$n" -ge 30 ]
}
