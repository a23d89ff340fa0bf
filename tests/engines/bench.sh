#!/bin/bash
# Engine start-up times: `podman run --rm IMAGE /bin/true` and `ctr run --rm IMAGE ID
# /bin/true` with nucleus-oci, runc and crun, N runs each (default 11), median and range in
# milliseconds.  Private Podman and containerd as in the engine tests; run as root.
#
#   tests/engines/bench.sh [N] [NUCLEUS_OCI]
#
# crun 1.8 refuses a hybrid cgroup host whose cgroup2 mount holds a controller (often
# hugetlb).  Rather than move a controller for the whole machine, everything here (the
# engines, their monitors and the three runtimes) runs in a private mount namespace where
# that cgroup2 mount is gone: all of them see the same plain v1 layout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-11}
nucleus=${2:-$(cd "$here/../.." && pwd)/nucleus-oci}
if [ -z "${ENGINES_BENCH_NS:-}" ]; then
	exec env ENGINES_BENCH_NS=1 unshare -m --propagation private "$0" "$n" "$nucleus"
fi
if grep -qs ' - cgroup ' /proc/self/mountinfo; then
	for m in $(awk '$0 ~ / - cgroup2 / { print $5 }' /proc/self/mountinfo); do
		if grep -qs . "$m/cgroup.controllers"; then umount "$m"; fi
	done
fi
source "$here/engines.bash"
pm=$(mktemp -d /tmp/noci-bpm.XXXXXX)
cd_dir=$(mktemp -d /tmp/noci-bcd.XXXXXX)
trap 'engines_containerd_stop "$cd_dir"; engines_podman_teardown "$pm"' EXIT

ms() { date +%s%N; }

# median and range of the numbers on stdin
stats() {
	sort -n | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		printf "median %6.1f ms  (min %.1f, max %.1f, %d runs)\n", m, v[1], v[NR], NR }'
}

# time_runs LABEL CMD...: one warm-up run, then N timed runs; a failing command stops it.
time_runs() {
	local label=$1 i t0 t1 out
	shift
	if ! out=$("$@" 2>&1); then
		printf '%-28s failed: %s\n' "$label" "$(echo "$out" | tail -1)"
		return 0
	fi
	for i in $(seq "$n"); do
		t0=$(ms)
		"$@" >/dev/null 2>&1 || { printf '%-28s failed on run %d\n' "$label" "$i"; return 0; }
		t1=$(ms)
		echo $(((t1 - t0) / 1000))
	done | awk '{ print $1 / 1000 }' | stats | sed "s/^/$(printf '%-28s ' "$label")/"
}

engines_podman_setup "$pm" "$nucleus"
engines_containerd_start "$cd_dir"
engines_containerd_import "$pm"
mkdir -p "$cd_dir/fifo"

echo "podman run --rm $ENGINES_IMAGE /bin/true"
for rt in nucleus runc crun; do
	time_runs "  $rt" engines_podman --runtime "$rt" run --rm "$ENGINES_IMAGE" /bin/true
done
echo "ctr run --rm $ENGINES_IMAGE ID /bin/true"
for rt in nucleus runc crun; do
	case $rt in
	nucleus) bin=$nucleus ;;
	*) bin=$(command -v "$rt") ;;
	esac
	time_runs "  $rt" engines_ctr run --rm --runc-binary "$bin" --runc-root "$cd_dir/state-$rt" \
		--fifo-dir "$cd_dir/fifo" "$ENGINES_IMAGE" "bench-$rt" /bin/true
done
