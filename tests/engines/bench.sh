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

# A runtime's command line for each engine: ENGINE RUNTIME
cmd_for() {
	local bin
	case $2 in
	nucleus) bin=$nucleus ;;
	*) bin=$(command -v "$2") ;;
	esac
	case $1 in
	podman) echo engines_podman --runtime "$2" run --rm "$ENGINES_IMAGE" /bin/true ;;
	ctr) echo engines_ctr run --rm --runc-binary "$bin" --runc-root "$cd_dir/state-$2" \
		--fifo-dir "$cd_dir/fifo" "$ENGINES_IMAGE" "bench-$2" /bin/true ;;
	esac
}

# measure ENGINE: a warm-up run per runtime (a failing runtime is reported and left out),
# then N rounds, each timing the runtimes one after the other so that load on the machine
# falls on all of them alike.
measure() {
	local engine=$1 rt i t0 t1 out ok=()
	echo "$engine run --rm $ENGINES_IMAGE /bin/true"
	for rt in nucleus runc crun; do
		if out=$($(cmd_for "$engine" "$rt") 2>&1); then
			ok+=("$rt")
			: >"$cd_dir/times-$engine-$rt"
		else
			printf '  %-10s failed: %s\n' "$rt" "$(echo "$out" | tail -1)"
		fi
	done
	for i in $(seq "$n"); do
		for rt in "${ok[@]}"; do
			t0=$(ms)
			$(cmd_for "$engine" "$rt") >/dev/null 2>&1 || echo "  $rt: run $i failed" >&2
			t1=$(ms)
			echo $(((t1 - t0) / 1000)) >>"$cd_dir/times-$engine-$rt"
		done
	done
	for rt in "${ok[@]}"; do
		printf '  %-10s ' "$rt"
		awk '{ print $1 / 1000 }' "$cd_dir/times-$engine-$rt" | stats
	done
}

engines_podman_setup "$pm" "$nucleus"
engines_containerd_start "$cd_dir"
engines_containerd_import "$pm"
mkdir -p "$cd_dir/fifo"

measure podman
measure ctr
