#!/usr/bin/env bats
# Soak: many create/start/delete cycles leave no mount, cgroup, state dir,
# process or fd behind (tests/soak.sh counts them before and after).
# SOAK_N cycles (default 200; the CI script runs 1000).

load helpers

@test "soak: ${SOAK_N:-200} create/start/delete cycles leave nothing behind" {
	run "$BATS_TEST_DIRNAME/../soak.sh" "${SOAK_N:-200}"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"nothing left behind"* ]]
}
