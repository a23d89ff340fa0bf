#!/bin/sh
# Install everything the tests need, build nucleus-oci and run the whole suite
# (unit tests and bats integration tests) as root; ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
"$here/contrib/deps.sh" test || exit 1
{ ./autogen.sh && ./configure -q && make -j"$(nproc)"; } >build.log 2>&1 || { cat build.log; exit 1; }
# The CI runs the full 1000-cycle soak (about 2 minutes).
SOAK_N=${SOAK_N:-1000} make -k check >check.log 2>&1
rc=$?
grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' check.log | grep -v '^PASS' | head -100
if [ $rc -ne 0 ]; then
	for f in $(grep -l -E ':test-result: (FAIL|ERROR)' $(find tests -name '*.trs')); do
		echo "=== ${f%.trs}.log"; grep -A6 -E '^(not ok|# )' "${f%.trs}.log" | head -60
	done
fi
# ASan + UBSan build: unit tests and the core bats tests (a few minutes),
# counted as one more test.
sh tests/sanitize.sh "$here/build-sanitizers"
san=$?
passed=$(cat $(find tests -name '*.trs') | grep -c -E '^:test-result: (PASS|XFAIL)')
failed=$(cat $(find tests -name '*.trs') | grep -c -E '^:test-result: (FAIL|XPASS|ERROR)')
skipped=$(cat $(find tests -name '*.trs') | grep -c -E '^:test-result: SKIP')
if [ $san -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
# The tree follows .clang-format, counted as one more test.
if make -s check-format; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ $rc -eq 0 ]
