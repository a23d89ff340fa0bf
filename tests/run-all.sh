#!/bin/sh
# The whole test suite, as root: install the Debian packages the tests need
# (contrib/deps.sh test says which it installs), build nucleus-oci in a build
# directory from a copy of the source (the source tree and its own configure
# are left alone), run make check (unit tests, every bats file, the VM tests),
# a sanitizer build, the Debian package build and the format check.  Each
# test file's result is printed as it finishes; the last line is
# "N passed, N failed, N skipped".
# Usage: sh tests/run-all.sh   (NUCLEUS_BUILD_DIR: the build directory,
# default build-tests/ in the source tree; SOAK_N: soak cycles, default 1000;
# RUN_ALL_TESTS: run only these tests of make check, e.g. "tests/bats/cli.bats")
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
build=${NUCLEUS_BUILD_DIR:-$here/build-tests}
t0=$(date +%s)
elapsed() {
	s=$(($(date +%s) - t0))
	printf '%d:%02d' $((s / 60)) $((s % 60))
}

"$here/contrib/deps.sh" test || exit 1

# The tracked (and new, unignored) files of the source tree, copied.
mkdir -p "$build"
build=$(cd "$build" && pwd)
src=$build/src
rm -rf "$src"
mkdir -p "$src"
if [ -e "$here/.git" ] && command -v git >/dev/null; then
	(cd "$here" && git ls-files -z -c -o --exclude-standard | xargs -0 tar -cf -) | tar -C "$src" -xf -
else
	(cd "$here" && tar --exclude=./build-tests --exclude=./build-sanitizers --exclude=./build-deb -cf - .) |
		tar -C "$src" -xf -
fi
cd "$src"
# crictl and critest for cri.bats (Debian has no cri-tools package): the shared
# tools beside this checkout, which the copy above no longer sits beside.
if [ -z "${CRI_TOOLS:-}" ] && [ -d "$here/../shared/tools/cri" ]; then
	CRI_TOOLS=$(cd "$here/../shared/tools/cri" && pwd)
	export CRI_TOOLS
fi
echo "building in $src (log: $build/build.log)"
{ [ ! -f Makefile ] || make -s distclean; } >/dev/null 2>&1
{ ./autogen.sh && ./configure -q && make -j"$(nproc)"; } >"$build/build.log" 2>&1 || {
	tail -40 "$build/build.log"
	exit 1
}

# One line per test file as its result lands (a .trs is written whole when the
# file ends; one older than the previous look is complete).
reported=" "
mark=$build/.trs-mark
report() {
	for trs in $(find tests -name '*.trs' $1 2>/dev/null | sort); do
		case $reported in *" $trs "*) continue ;; esac
		reported="$reported$trs "
		p=$(grep -c -E '^:test-result: (PASS|XFAIL)' "$trs")
		f=$(grep -c -E '^:test-result: (FAIL|XPASS|ERROR)' "$trs")
		s=$(grep -c -E '^:test-result: SKIP' "$trs")
		res=$(sed -n 's/^:global-test-result: //p' "$trs")
		printf '%-5s %-32s %3d passed, %d failed, %d skipped  [%s]\n' "${res:-?}" "${trs%.trs}" \
			"$p" "$f" "$s" "$(elapsed)"
	done
}
echo "make check (log: $src/check.log)"
touch "$mark"
# The CI runs the full 1000-cycle soak (about 2 minutes).
if [ -n "${RUN_ALL_TESTS:-}" ]; then
	SOAK_N=${SOAK_N:-1000} make -k check TESTS="$RUN_ALL_TESTS" >check.log 2>&1 &
else
	SOAK_N=${SOAK_N:-1000} make -k check >check.log 2>&1 &
fi
check_pid=$!
while kill -0 "$check_pid" 2>/dev/null; do
	report "! -newer $mark"
	touch "$mark"
	sleep 2
done
wait "$check_pid"
rc=$?
report ""
if [ $rc -ne 0 ]; then
	for f in $(grep -l -E ':test-result: (FAIL|ERROR)' $(find tests -name '*.trs')); do
		echo "=== ${f%.trs}.log"
		grep -A6 -E '^(not ok|# )' "${f%.trs}.log" | head -60
	done
fi

passed=$(cat $(find tests -name '*.trs') | grep -c -E '^:test-result: (PASS|XFAIL)')
failed=$(cat $(find tests -name '*.trs') | grep -c -E '^:test-result: (FAIL|XPASS|ERROR)')
skipped=$(cat $(find tests -name '*.trs') | grep -c -E '^:test-result: SKIP')
# Each of these counts as one more test.
extra() {
	name=$1
	shift
	if "$@" >"$build/$name.log" 2>&1; then
		passed=$((passed + 1))
		printf '%-5s %-32s %s  [%s]\n' PASS "$name" "$(tail -1 "$build/$name.log")" "$(elapsed)"
	else
		failed=$((failed + 1))
		printf '%-5s %-32s (log: %s)  [%s]\n' FAIL "$name" "$build/$name.log" "$(elapsed)"
		tail -30 "$build/$name.log"
	fi
}
# ASan + UBSan build: unit tests and the core bats tests (a few minutes).
extra sanitizers sh "$here/tests/sanitize.sh" "$build/sanitizers"
# The Debian package builds and lintian finds no error (about half a minute).
extra debian-package sh "$here/tests/deb.sh" "$build/deb"
# The tree follows .clang-format.
extra check-format make -s check-format
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ $rc -eq 0 ]
