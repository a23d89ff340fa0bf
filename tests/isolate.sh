#!/bin/sh
# Run one test file (bats, or any TAP-speaking command) in its own pid, mount
# and network namespace, so that a runtime bug under test (a pivot_root or a
# propagation change in the wrong mount namespace, a signal to the wrong
# process group) stays inside it.  Cgroupfs and /dev are shared with the host,
# so after the file the host side is checked against a snapshot taken before:
#   - /dev/null, zero, full, random, urandom and tty keep owner and mode;
#   - the runner's / and its mount table are unchanged;
#   - no cgroup directory, no nucleus-oci state directory and no process of
#     the file is left behind;
#   - the cgroup2 root's cgroup.subtree_control is unchanged.
# A failed check is reported as a TAP "Bail out!" line, which fails the file.
#
# Usage: tests/isolate.sh COMMAND [ARGS...]   (e.g. tests/isolate.sh bats --tap f.bats)
set -u

snap=$(mktemp -d "${TMPDIR:-/tmp}/noci-isolate.XXXXXX") || exit 99
trap 'rm -rf "$snap"' EXIT

devices="/dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty"
cg2=""
for m in /sys/fs/cgroup/unified /sys/fs/cgroup; do
	if [ -e "$m/cgroup.subtree_control" ]; then
		cg2=$m
		break
	fi
done

snapshot() {
	# $1: a name for this snapshot
	stat -c '%n %u:%g %a %t:%T' $devices >"$snap/$1.dev" 2>&1
	stat -L -c '%d:%i' / >"$snap/$1.root"
	# Mount IDs and targets of the runner's own mount table.
	awk '{print $1, $5}' /proc/self/mountinfo >"$snap/$1.mounts"
	find /sys/fs/cgroup -mindepth 1 -type d 2>/dev/null | sort >"$snap/$1.cgroups"
	ls -A /run/nucleus-oci 2>/dev/null | sort >"$snap/$1.state"
	if [ -n "$cg2" ]; then
		cat "$cg2/cgroup.subtree_control" >"$snap/$1.subtree"
	else
		: >"$snap/$1.subtree"
	fi
}

snapshot before

# Inside: the command, then every process it left in the namespace (zombies
# aside) is listed as a failure before pid 1 exits and the kernel kills them.
# shellcheck disable=SC2016
inner='
ip link set lo up 2>/dev/null
"$@"
rc=$?
left=""
for p in /proc/[0-9]*; do
	pid=${p#/proc/}
	[ "$pid" = 1 ] && continue
	[ "$pid" = "$$" ] && continue
	st=""
	read -r st <"$p/stat" 2>/dev/null || continue
	set -- $st
	[ "${3:-}" = Z ] && continue
	left="$left $pid$2"
done
if [ -n "$left" ]; then
	echo "Bail out! host check: processes left in the test file'\''s pid namespace:$left"
	[ $rc -eq 0 ] && rc=1
fi
exit $rc'
unshare --pid --fork --mount-proc --mount --propagation private --net -- sh -c "$inner" isolate "$@"
rc=$?

# The parents that runtimes and engines keep by design (a container's own
# cgroup below them is a leak, they are not).
parents='^/sys/fs/cgroup(/[^/]+)?/(nucleus-oci|libpod_parent|k8s.io|machine.slice)$'
# Cgroup removal can trail the last process by a moment.
settle=0
while [ $settle -lt 20 ]; do
	snapshot after
	comm -13 "$snap/before.cgroups" "$snap/after.cgroups" | grep -q -E -v "$parents" || break
	settle=$((settle + 1))
	sleep 0.1
done

fail=0
bail() {
	echo "Bail out! host check: $*"
	fail=1
}
cmp -s "$snap/before.dev" "$snap/after.dev" ||
	bail "device nodes changed: $(diff "$snap/before.dev" "$snap/after.dev" | grep '^>' | tr '\n' ' ')"
cmp -s "$snap/before.root" "$snap/after.root" || bail "the runner's / changed"
cmp -s "$snap/before.mounts" "$snap/after.mounts" ||
	bail "the runner's mount table changed: $(diff "$snap/before.mounts" "$snap/after.mounts" | grep '^[<>]' | head -5 | tr '\n' ' ')"
new=$(comm -13 "$snap/before.cgroups" "$snap/after.cgroups" | grep -E -v "$parents" | head -10 | tr '\n' ' ')
[ -z "$new" ] || bail "cgroups left behind: $new"
new=$(comm -13 "$snap/before.state" "$snap/after.state" | tr '\n' ' ')
[ -z "$new" ] || bail "state directories left in /run/nucleus-oci: $new"
cmp -s "$snap/before.subtree" "$snap/after.subtree" ||
	bail "$cg2/cgroup.subtree_control changed from '$(cat "$snap/before.subtree")' to '$(cat "$snap/after.subtree")'"
if [ $fail -ne 0 ] && [ $rc -eq 0 ]; then
	rc=1
fi
exit $rc
