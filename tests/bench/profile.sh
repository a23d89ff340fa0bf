#!/bin/bash
# Where the CPU time of `nucleus-oci run` of /bin/true goes: perf samples
# (with call graphs) of N sequential runs, summed by the system call or kernel
# entry point they were taken under, plus the user-space share.
# Usage: tests/bench/profile.sh [NUCLEUS_OCI] [N]   (as root; needs perf)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
nucleus=$(realpath "${1:-$here/nucleus-oci}")
n=${2:-200}

[ "$(id -u)" = 0 ] || { echo "profile: must run as root" >&2; exit 1; }
command -v perf >/dev/null || { echo "profile: perf is missing (apt-get install linux-perf)" >&2; exit 1; }

work=$(mktemp -d /tmp/nucleus-profile.XXXXXX)
trap 'umount "$work" 2>/dev/null; rm -rf "$work"' EXIT
mount -t tmpfs -o size=256m tmpfs "$work"
"$here/contrib/make-bundle.sh" "$work/bundle" "$nucleus" >/dev/null
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$work/bundle/config.json" \
	>"$work/c.json"
mv "$work/c.json" "$work/bundle/config.json"
cd "$work/bundle"

perf record -q -F 10000 -g -o "$work/perf.data" -- \
	sh -c "for i in \$(seq $n); do $nucleus --root $work/root run prof >/dev/null; done"

report() { perf report -i "$work/perf.data" --comm nucleus-oci -q --stdio -g none "$@" 2>/dev/null; }
total=$(report --no-children --sort comm | awk '{ gsub("%", "", $1); s += $1 } END { print s }')
echo "nucleus-oci processes: ${total}% of all samples ($n runs); shares of those samples:"
# Entry points: every system call, plus exec (begin_new_exec) and the
# teardown of an exiting process's memory (exit_mmap).
report --children --sort sym |
	awk -v t="$total" '$3 == "[k]" && ($4 ~ /^(__x64_sys_|__do_sys_|__ia32_sys_)/ ||
		$4 == "begin_new_exec" || $4 == "exit_mmap") {
		gsub("%", "", $1); name = $4; sub(/^(__x64_sys_|__do_sys_|__ia32_sys_)/, "", name)
		if (!(name in seen)) { seen[name] = 1; printf "  %-22s %6.1f%%\n", name, 100 * $1 / t } }' |
	sort -k2 -rn | head -n 25
user=$(report --no-children --sort sym | awk '$2 == "[.]" { gsub("%", "", $1); s += $1 } END { print s + 0 }')
awk -v u="$user" -v t="$total" 'BEGIN { printf "  %-22s %6.1f%%\n", "(user space)", 100 * u / t }'
# The kernel functions below clone3 that make the namespaces.
echo "below clone3:"
report --children --sort sym |
	awk -v t="$total" '$4 ~ /^(copy_net_ns|copy_mnt_ns|copy_pid_ns|copy_ipc|copy_utsname|copy_cgroup_ns)$/ {
		gsub("%", "", $1); printf "  %-22s %6.1f%%\n", $4, 100 * $1 / t }'
