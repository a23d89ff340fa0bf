#!/bin/bash
# Soak: N create/start/delete cycles must leave nothing behind.  Counts, before
# and after: mounts, cgroups (every hierarchy), state dirs, processes, and the
# open fds of this shell; also checks every container's process starts with
# only fds 0-2 open.  Usage: tests/soak.sh [N] (env NUCLEUS_OCI)
# Prints "soak: N cycles in S s, nothing left behind" or what was left.
set -euo pipefail
n=${1:-1000}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${NUCLEUS_OCI:-$here/nucleus-oci}
work=$(mktemp -d /tmp/nucleus-soak.XXXXXX)
root=$work/state
prefix=soak-$$-
cleanup() {
	local d
	for d in "$root"/*/; do
		[ -d "$d" ] && "$bin" --root "$root" delete --force "$(basename "$d")" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
"$here/contrib/make-bundle.sh" "$work/bundle" "$bin" >/dev/null
cd "$work/bundle"
# The process lists its own fds then exits: a leaked runtime fd shows here.
jq '.process.terminal = false | .process.args = ["sh", "-c", "ls /proc/self/fd"]' \
	config.json >config.json.new && mv config.json.new config.json

count() {
	local cg=0 d
	for d in /sys/fs/cgroup/*/nucleus-oci /sys/fs/cgroup/nucleus-oci; do
		[ -d "$d" ] && cg=$((cg + $(find "$d" -mindepth 1 -maxdepth 1 -type d -name "$prefix*" | wc -l)))
	done
	# Only what is ours: other containers may come and go on this host.
	echo "mounts=$(grep -c -e "$work" -e "$prefix" /proc/self/mountinfo || true) cgroups=$cg" \
		"statedirs=$(find "$root" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" \
		"processes=$(pgrep -c -f "$work" || true) fds=$(ls /proc/$$/fd | wc -l)"
}

before=$(count)
start=$(date +%s)
for i in $(seq "$n"); do
	id=$prefix$i
	"$bin" --root "$root" create "$id" >"$work/fds"
	"$bin" --root "$root" start "$id"
	# Wait for the process to finish, then delete without --force.
	while [ "$("$bin" --root "$root" state "$id" | jq -r .status)" != stopped ]; do :; done
	fds=$(tr '\n' ' ' <"$work/fds")
	if [ "$fds" != "0 1 2 3 " ]; then # 3: the fd ls reads /proc/self/fd with
		echo "soak: cycle $i: the container's process had fds: $fds" >&2
		exit 1
	fi
	"$bin" --root "$root" delete "$id"
done
elapsed=$(($(date +%s) - start))
after=$(count)
if [ "$before" != "$after" ]; then
	echo "soak: $n cycles left something behind:" >&2
	echo "  before: $before" >&2
	echo "  after:  $after" >&2
	exit 1
fi
echo "soak: $n cycles in $elapsed s, nothing left behind ($after)"
