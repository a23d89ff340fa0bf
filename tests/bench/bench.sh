#!/bin/bash
# Benchmark nucleus-oci against crun and runc on one busybox bundle made from
# nucleus-oci's default `spec` config (process.terminal=false, args=/bin/true).
# Measures: sequential `run` (hyperfine, median and p90), create/start/delete
# each on its own, 100 concurrent `run`s (throughput), peak RSS of the runtime
# process, binary size, and `unshare` with the same namespaces as the floor.
# Usage: tests/bench/bench.sh [NUCLEUS_OCI] [OUTDIR]   (env: RUNS, CONCURRENT)
# Also splits one run's wall time into setup / container / teardown with perf
# tracepoints (tests/bench/phases.py).
# Writes OUTDIR/results.txt (the table), OUTDIR/*.json (hyperfine exports),
# OUTDIR/run-times.dat and OUTDIR/bench-run.png (distribution chart).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
nucleus=$(realpath "${1:-$here/nucleus-oci}")
out=$(realpath -m "${2:-$PWD/bench-results}")
runs=${RUNS:-60}
conc=${CONCURRENT:-100}

[ "$(id -u)" = 0 ] || { echo "bench: must run as root" >&2; exit 1; }
for t in hyperfine gnuplot jq crun runc unshare /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing (contrib/deps.sh bench)" >&2; exit 1; }
done

# Everything runs in a private mount namespace: the state dirs and bundle go
# on a tmpfs (where runtimes keep state, /run, usually is one; a disk adds
# journal noise), and crun 1.8, which refuses a hybrid host whose cgroup2
# mount still holds a controller (often hugetlb), gets a view without that
# mount rather than the whole machine a moved controller: all three
# runtimes then see the same plain cgroup v1 layout.
if [ -z "${BENCH_IN_NS:-}" ]; then
	exec env BENCH_IN_NS=1 unshare -m --propagation private "$0" "$nucleus" "$out"
fi
if grep -qs . /sys/fs/cgroup/unified/cgroup.controllers; then
	umount /sys/fs/cgroup/unified
fi

mkdir -p "$out"
: >"$out/hyperfine.err"
work=$(mktemp -d /tmp/nucleus-bench.XXXXXX)
mount -t tmpfs -o size=256m tmpfs "$work"
cleanup() {
	for rt in nucleus crun runc; do
		for d in "$work/root-$rt"/*/; do
			[ -d "$d" ] && "$(rt_bin $rt)" --root "$work/root-$rt" delete --force "$(basename "$d")" 2>/dev/null
		done
	done
	cd /
	umount "$work" && rmdir "$work"
}
rt_bin() { case $1 in nucleus) echo "$nucleus" ;; *) command -v "$1" ;; esac; }
name() { case $1 in nucleus) echo nucleus-oci ;; *) echo "$1" ;; esac; }
trap cleanup EXIT

bundle=$work/bundle
"$here/contrib/make-bundle.sh" "$bundle" "$nucleus" >/dev/null
# crun 1.8 rejects ociVersion 1.3.0; 1.0.2 means the same for this config.
jq '.ociVersion = "1.0.2" | .process.terminal = false | .process.args = ["/bin/true"]' \
	"$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"
cd "$bundle"

# The floor: the namespaces of the default config, no runtime.
ns_flags=()
for ns in $(jq -r '.linux.namespaces[].type' config.json); do
	case $ns in
	pid) ns_flags+=(--pid --fork) ;; network) ns_flags+=(--net) ;; mount) ns_flags+=(--mount) ;;
	ipc) ns_flags+=(--ipc) ;; uts) ns_flags+=(--uts) ;; cgroup) ns_flags+=(--cgroup) ;;
	user) ns_flags+=(--user) ;; time) ns_flags+=(--time) ;;
	esac
done
unshare_cmd="unshare ${ns_flags[*]} /bin/true"

runtimes=(nucleus crun runc)
cmd() { echo "$(rt_bin "$1") --root $work/root-$1"; }

echo "== sequential run of /bin/true ($runs runs each)"
# The runtimes' own output (errors included) goes to runtime-output.log.
hf_args=(-N --warmup 5 --runs "$runs" --style basic --output "$out/runtime-output.log")
# A runtime that fails one run fails the benchmark: say so, and try again
# (twice at most) so a transient failure on a busy host does not lose the run.
hf() {
	local try
	for try in 1 2 3; do
		hyperfine "$@" && return 0
		echo "bench: a runtime failed (try $try); its output: $out/runtime-output.log" >&2
		tail -3 "$out/runtime-output.log" >&2
	done
	return 1
}
hf "${hf_args[@]}" --export-json "$out/run.json" 2>>"$out/hyperfine.err" \
	-n nucleus-oci "$(cmd nucleus) run bench-run" \
	-n crun "$(cmd crun) run bench-run" \
	-n runc "$(cmd runc) run bench-run" \
	-n unshare "$unshare_cmd" >"$out/run.log"

echo "== create, start, delete ($runs runs each)"
for rt in "${runtimes[@]}"; do
	c=$(cmd "$rt")
	hf "${hf_args[@]}" --export-json "$out/create-$rt.json" \
		--prepare "sh -c '$c delete --force bench-c 2>/dev/null; true'" \
		-n "$rt" "$c create bench-c" >/dev/null 2>>"$out/hyperfine.err"
	hf "${hf_args[@]}" --export-json "$out/start-$rt.json" \
		--prepare "sh -c '$c delete --force bench-c 2>/dev/null; $c create bench-c'" \
		-n "$rt" "$c start bench-c" >/dev/null 2>>"$out/hyperfine.err"
	# delete of a stopped container: wait until the started /bin/true is gone.
	hf "${hf_args[@]}" --export-json "$out/delete-$rt.json" \
		--prepare "sh -c '$c delete --force bench-c 2>/dev/null; $c create bench-c && $c start bench-c; \
			while $c state bench-c | grep -q running; do :; done'" \
		-n "$rt" "$c delete bench-c" >/dev/null 2>>"$out/hyperfine.err"
	$c delete --force bench-c 2>/dev/null || true
done

echo "== recording a seccomp profile (io.containers.trace-syscall, $runs runs each)"
# The same run with and without recording, for /bin/true and for a workload of
# 40000 system calls (dd copying 20000 single bytes), where the per-call cost
# of the recorder shows.
trace_bundle() { # dir args-json annotate
	mkdir -p "$work/$1"
	ln -sfn "$bundle/rootfs" "$work/$1/rootfs"
	jq --argjson a "$2" --arg t "of:$work/trace-$1.json" \
		".process.args = \$a | if $3 then .annotations[\"io.containers.trace-syscall\"] = \$t else . end" \
		"$bundle/config.json" >"$work/$1/config.json"
}
dd_args='["dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=20000"]'
trace_bundle tr-true-rec '["/bin/true"]' true
trace_bundle tr-dd-plain "$dd_args" false
trace_bundle tr-dd-rec "$dd_args" true
c=$(cmd nucleus)
hf "${hf_args[@]}" --export-json "$out/trace.json" 2>>"$out/hyperfine.err" \
	-n true-plain "$c run bench-tr" \
	-n true-recorded "$c run -b $work/tr-true-rec bench-tr" \
	-n dd-plain "$c run -b $work/tr-dd-plain bench-tr" \
	-n dd-recorded "$c run -b $work/tr-dd-rec bench-tr" >"$out/trace.log"

echo "== phases of a run (perf sched_process_exec/exit tracepoints, $runs runs each)"
# Where the wall time of one `run` goes, the same way for all three: before the
# container's /bin/true starts, while it runs, and after it exits.
phases() {
	local rt=$1 c
	c=$(cmd "$rt")
	perf record -q -o "$work/phases-$rt.data" -e sched:sched_process_exec,sched:sched_process_exit \
		-- sh -c "for i in \$(seq $runs); do $c run bench-ph >/dev/null 2>&1; done" &&
		perf script -i "$work/phases-$rt.data" -F pid,tid,time,event,trace 2>/dev/null |
		python3 "$here/tests/bench/phases.py" "$(name "$rt")" "$(rt_bin "$rt")"
	rm -f "$work/phases-$rt.data"
}
if command -v perf >/dev/null && command -v python3 >/dev/null; then
	{
		printf '%-12s %9s %9s %9s %9s   (median ms)\n' runtime setup container teardown total
		for rt in "${runtimes[@]}"; do phases "$rt"; done
	} >"$out/phases.txt"
else
	echo "perf or python3 missing (contrib/deps.sh bench): phases not measured" >"$out/phases.txt"
fi

echo "== $conc concurrent runs"
throughput() {
	local c=$1 t0 t1 i
	t0=$(date +%s%N)
	for i in $(seq "$conc"); do $c run "bench-par-$i" >/dev/null 2>&1 & done
	wait
	t1=$(date +%s%N)
	echo "$conc $t0 $t1" | awk '{ printf "%.1f", $1 / (($3 - $2) / 1e9) }'
}
declare -A tput rss
for rt in "${runtimes[@]}"; do
	best=0
	for rep in 1 2 3; do
		v=$(throughput "$(cmd "$rt")")
		best=$(echo "$best $v" | awk '{ print ($2 > $1) ? $2 : $1 }')
	done
	tput[$rt]=$best
done

echo "== peak RSS"
for rt in "${runtimes[@]}"; do
	vals=()
	for rep in 1 2 3 4 5; do
		vals+=("$(/usr/bin/time -f %M $(cmd "$rt") run bench-rss 2>&1 >/dev/null | tail -1)")
	done
	rss[$rt]=$(printf '%s\n' "${vals[@]}" | sort -n | sed -n 3p)
done

# ---- the table ------------------------------------------------------------------
stat_of() { # file name -> "median p90" in ms
	jq -r --arg n "$2" '.results[] | select(.command == $n) | .times | sort |
		[.[length / 2 | floor], .[(length * 0.9) | floor]] | map(. * 1000) |
		"\(.[0]) \(.[1])"' "$1"
}
med() { stat_of "$1" "$2" | awk '{ printf "%.2f", $1 }'; }
p90() { stat_of "$1" "$2" | awk '{ printf "%.2f", $2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0) ? a / b : 0 }'; }

{
	echo "host: $(uname -r), $(nproc) CPUs; runs: $runs; $(crun --version | head -1); $(runc --version | head -1)"
	printf '%-28s %12s %12s %12s %10s %10s\n' metric nucleus-oci crun runc "nucleus/crun" "runc/crun"
	row() { # label unit v_nucleus v_crun v_runc
		printf '%-28s %12s %12s %12s %10s %10s\n' "$1" "$3" "$4" "$5" "$(ratio "$3" "$4")" "$(ratio "$5" "$4")"
	}
	row "run median (ms)" ms "$(med "$out/run.json" nucleus-oci)" "$(med "$out/run.json" crun)" "$(med "$out/run.json" runc)"
	row "run p90 (ms)" ms "$(p90 "$out/run.json" nucleus-oci)" "$(p90 "$out/run.json" crun)" "$(p90 "$out/run.json" runc)"
	for op in create start delete; do
		row "$op median (ms)" ms "$(med "$out/$op-nucleus.json" nucleus)" "$(med "$out/$op-crun.json" crun)" \
			"$(med "$out/$op-runc.json" runc)"
	done
	row "$conc concurrent (runs/s)" "" "${tput[nucleus]}" "${tput[crun]}" "${tput[runc]}"
	row "peak RSS (KB)" "" "${rss[nucleus]}" "${rss[crun]}" "${rss[runc]}"
	# Debian's binaries are stripped: compare with a stripped copy.
	strip -o "$work/nucleus-stripped" "$nucleus"
	row "binary size (KB, stripped)" "" "$(($(stat -Lc %s "$work/nucleus-stripped") / 1024))" \
		"$(($(stat -Lc %s "$(command -v crun)") / 1024))" "$(($(stat -Lc %s "$(command -v runc)") / 1024))"
	printf '%-28s %12s   (floor: %s)\n' "unshare median (ms)" "$(med "$out/run.json" unshare)" "$unshare_cmd"
	awk -v n="$(med "$out/run.json" nucleus-oci)" -v u="$(med "$out/run.json" unshare)" \
		'BEGIN { printf "%-28s %12.2fx\n", "nucleus-oci / unshare", n / u }'
	echo
	echo "nucleus-oci recording a profile (io.containers.trace-syscall), run median (ms):"
	printf '%-28s %12s %12s %10s\n' workload plain recorded added
	for w in true dd; do
		pl=$(med "$out/trace.json" "$w-plain") rc=$(med "$out/trace.json" "$w-recorded")
		printf '%-28s %12s %12s %10s\n' "$w" "$pl" "$rc" "$(awk -v a="$rc" -v b="$pl" 'BEGIN { printf "%.2f", a - b }')"
	done
	awk -v a="$(med "$out/trace.json" dd-recorded)" -v b="$(med "$out/trace.json" dd-plain)" \
		'BEGIN { printf "%-28s %12.2f\n", "per recorded call (us)", (a - b) * 1000 / 40000 }'
	echo
	cat "$out/phases.txt"
} | tee "$out/results.txt"

# ---- the chart: the distribution (CDF) of `run` wall times ---------------------------
jq -r '.results[] | .command as $n | (.times | sort) as $t | ($t | length) as $len |
	($t | to_entries[] | "\(.value * 1000) \((.key + 1) / $len)"), "", ""' \
	"$out/run.json" >"$out/run-times.dat"
gnuplot <<GP
set terminal pngcairo size 900,500 font ",11" noenhanced
set output "$out/bench-run.png"
set title "run of /bin/true: wall time distribution ($runs runs each, $(uname -r))"
set xlabel "wall time (ms)"
set ylabel "fraction of runs at or below"
set key bottom right
set grid
set logscale x
set yrange [0:1.02]
plot for [i=0:3] "$out/run-times.dat" index i using 1:2 with steps lw 2 title word("nucleus-oci crun runc unshare", i + 1)
GP
echo "results: $out/results.txt, chart: $out/bench-run.png"
