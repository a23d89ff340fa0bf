#!/bin/sh
# Build nucleus-oci with ASan + UBSan in a separate directory and run the unit
# tests and the bats tests of the runtime's own paths (see LIST below) with it.  Any
# sanitizer report fails the run: reports go to files (the runtime's stderr is
# what the tests look at) and a non-empty report file is a failure.
# Usage: tests/sanitize.sh [BUILDDIR]   (default: ./build-sanitizers)
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$PWD/build-sanitizers}
mkdir -p "$build"
build=$(cd "$build" && pwd)
reports=$build/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
# A source tree configured in place cannot host a second (VPATH) build:
# build from a copy of the tracked files instead.
tree=$build/src
rm -rf "$tree"
mkdir -p "$tree"
if [ -e "$src/.git" ]; then
	(cd "$src" && git ls-files -z -c -o --exclude-standard | xargs -0 tar -cf -) | tar -C "$tree" -xf -
else
	(cd "$src" && tar --exclude=./build-sanitizers -cf - .) | tar -C "$tree" -xf -
fi
cd "$tree"
{ ./autogen.sh && ./configure -q --enable-sanitizers; } >configure.log 2>&1 || { cat configure.log; exit 1; }
# `check TESTS=` builds the unit test programs without running anything.
{ make -j2 && make -j2 check TESTS=; } >make.log 2>&1 || { tail -30 make.log; exit 1; }

# log_path: one file per process (pid suffix); exitcode: a report fails the
# process too.  The init is a forked child: a report there ends up in a file
# as well.  Leak checking stays on (the runtime frees what it allocates).
export ASAN_OPTIONS="log_path=$reports/asan:exitcode=86:abort_on_error=0:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1:exitcode=87"
export NUCLEUS_OCI="$tree/nucleus-oci" NUCLEUS_SRCDIR="$src"
rc=0
for t in "$tree"/tests/unit/test-*; do
	[ -x "$t" ] || continue
	"$t" >"unit-$(basename "$t").log" 2>&1 || {
		echo "unit test $(basename "$t") failed:"
		grep -v '^ok' "unit-$(basename "$t").log" | head -20
		rc=1
	}
done
LIST="cli lifecycle errors bad-input faults exec terminal hostsafety mounts context security seccomp parity-cgroups
	cgroups features landlock trace checkpoint podman containerd"
for t in $LIST; do
	sh "$src/tests/isolate.sh" bats --tap "$src/tests/bats/$t.bats" >"bats-$t.log" 2>&1 || {
		echo "bats $t failed:"
		grep -A5 -E '^(not ok|Bail out)' "bats-$t.log" | head -40
		rc=1
	}
done
if [ -n "$(ls -A "$reports")" ]; then
	echo "sanitizer reports:"
	for f in "$reports"/*; do echo "== $f"; head -40 "$f"; done
	rc=1
fi
[ $rc -eq 0 ] && echo "sanitizers: unit and bats ($(echo $LIST | tr ' ' ,)) clean"
exit $rc
