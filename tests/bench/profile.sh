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
# Kernel functions each system call of interest goes through (the syscall
# wrappers themselves may be inlined into the dispatcher), with a label.
report --children --sort sym | awk -v t="$total" '
BEGIN {
	l["__do_sys_clone3"] = "clone3: the init and its namespaces"
	l["__x64_sys_unshare"] = "unshare: namespaces the init makes"
	l["copy_net_ns"] = "  network namespace (in clone3 or unshare)"
	l["copy_mnt_ns"] = "  mount namespace (in clone3)"
	l["path_mount"] = "mount"
	l["do_mkdirat"] = "mkdir, mkdirat (cgroups, state, /dev)"
	l["do_rmdir"] = "rmdir (cgroups, state)"
	l["__libc_openat64"] = "openat (from libc)"
	l["__x64_sys_openat2"] = "openat2 (paths in the rootfs)"
	l["ksys_write"] = "write (cgroup files, state)"
	l["ksys_read"] = "read"
	l["__x64_sys_close"] = "close"
	l["do_renameat2"] = "rename (state)"
	l["do_unlinkat"] = "unlink"
	l["path_umount"] = "umount (the old root)"
	l["__x64_sys_pivot_root"] = "pivot_root"
	l["begin_new_exec"] = "execve (runtime, container)"
	l["exit_mmap"] = "exit: address space teardown"
}
($3 == "[k]" || $3 == "[.]") && ($4 in l) && !($4 in v) {
	gsub("%", "", $1)
	v[$4] = 100 * $1 / t
}
END {
	n = split("__do_sys_clone3 __x64_sys_unshare copy_net_ns copy_mnt_ns do_mkdirat do_rmdir path_mount " \
		"__libc_openat64 __x64_sys_openat2 ksys_write ksys_read __x64_sys_close " \
		"do_renameat2 do_unlinkat __x64_sys_pivot_root path_umount begin_new_exec exit_mmap", k, " ")
	for (i = 1; i <= n; i++)
		if (k[i] in v)
			printf "  %-40s %6.1f%%\n", l[k[i]], v[k[i]]
}'
user=$(report --no-children --sort sym | awk '$2 == "[.]" { gsub("%", "", $1); s += $1 } END { print s + 0 }')
awk -v u="$user" -v t="$total" 'BEGIN { printf "  %-40s %6.1f%%\n", "user space (all libraries)", 100 * u / t }'
