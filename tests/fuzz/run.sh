#!/bin/sh
# Build the libFuzzer targets with clang (ASan + UBSan + leak detection) and
# run each for a bounded time on a copy of the seed corpus.
# Usage: tests/fuzz/run.sh [SECONDS]   (env: CLANG, FUZZ_RUNS, FUZZ_WORKDIR)
# Exit status is non-zero when the fuzzer found a crash, leak or UB report;
# the reproducer is left in $FUZZ_WORKDIR.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-${FUZZ_SECONDS:-60}}
cc=${CLANG:-clang}
work=${FUZZ_WORKDIR:-$PWD/fuzz-work}
mkdir -p "$work/corpus"
yajl=$(pkg-config --cflags --libs yajl)
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
# spec/ needs nothing from config.h but _GNU_SOURCE; build it apart from the
# tree's objects so a normal build is never mixed with sanitizer objects.
# shellcheck disable=SC2086
$cc $flags -D_GNU_SOURCE -I"$src/spec" -o "$work/fuzz-spec" \
	"$src/tests/fuzz/fuzz_spec.c" "$src"/spec/*.c $yajl
cd "$work"
# -max_len: the biggest real config (podman's, with its seccomp profile) is ~23 KB.
rc=0
./fuzz-spec -max_total_time="$secs" -runs="${FUZZ_RUNS:--1}" -max_len=32768 -timeout=10 \
	-rss_limit_mb=1024 -print_final_stats=1 corpus "$src/tests/fuzz/seeds" >fuzz.log 2>&1 || rc=$?
grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|ERROR|SUMMARY|crash-|leak-' fuzz.log || true
if [ "$rc" -ne 0 ]; then
	echo "fuzz-spec: failure (exit $rc); see $work/fuzz.log" >&2
	exit 1
fi
echo "fuzz-spec: ok"
