#!/bin/sh
# Build the libFuzzer targets with clang (ASan + UBSan + leak detection) and
# run each for a bounded time on a copy of its seed corpus:
#   fuzz-spec      spec/ parsers: config, process, resources, state (seeds/)
#   fuzz-seccomp   linux.seccomp -> BPF and process.landlock -> ruleset
#                  (seeds-seccomp/)
# Usage: tests/fuzz/run.sh [SECONDS]  (each target; env: CLANG, FUZZ_RUNS,
# FUZZ_WORKDIR, FUZZ_TARGETS="spec seccomp", CONFIG_H: the build's config.h)
# Exit status is non-zero when a fuzzer found a crash, leak or UB report;
# the reproducer is left in $FUZZ_WORKDIR/<target>.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-${FUZZ_SECONDS:-60}}
cc=${CLANG:-clang}
work=${FUZZ_WORKDIR:-$PWD/fuzz-work}
config_h=${CONFIG_H:-$src/config.h}
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
libs=$(pkg-config --cflags --libs yajl libseccomp)
# libseccomp keeps 384 bytes of global state for the life of the process
# (allocated once, whatever the input): not ours to free.
mkdir -p "$work"
printf 'leak:libseccomp.so\n' >"$work/lsan.supp"
export LSAN_OPTIONS="suppressions=$work/lsan.supp"
rc=0

build() { # name sources...
	name=$1
	shift
	# Built apart from the tree's objects, so a normal build never mixes
	# with sanitizer objects.
	# shellcheck disable=SC2086
	$cc $flags -include "$config_h" -I"$src/spec" -I"$src/src" -o "$work/$name/fuzz-$name" "$@" \
		"$src"/spec/*.c $libs
}

run() { # name seeds
	name=$1
	(
		cd "$work/$name"
		# -max_len: the biggest real config (podman's, with its seccomp
		# profile) is ~23 KB.
		./fuzz-"$name" -max_total_time="$secs" -runs="${FUZZ_RUNS:--1}" -max_len=32768 \
			-timeout=10 -rss_limit_mb=1024 -print_final_stats=1 corpus "$2" >fuzz.log 2>&1
	) || rc=1
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|ERROR|SUMMARY|crash-|leak-' \
		"$work/$name/fuzz.log" | sed "s/^/fuzz-$name: /" || true
}

[ -f "$config_h" ] || { echo "fuzz: $config_h missing: run configure first" >&2; exit 1; }
for t in ${FUZZ_TARGETS:-spec seccomp}; do
	mkdir -p "$work/$t/corpus"
	case $t in
	spec)
		build spec "$src/tests/fuzz/fuzz_spec.c"
		run spec "$src/tests/fuzz/seeds"
		;;
	seccomp)
		build seccomp "$src/tests/fuzz/fuzz_seccomp_landlock.c" "$src/src/seccomp_filter.c" \
			"$src/src/landlock.c" "$src/src/unixsock.c" "$src/src/util.c" "$src/src/log.c" "$src/src/error.c"
		run seccomp "$src/tests/fuzz/seeds-seccomp"
		;;
	esac
done
if [ "$rc" -ne 0 ]; then
	echo "fuzz: failure; see $work/*/fuzz.log" >&2
	exit 1
fi
echo "fuzz: ok"
