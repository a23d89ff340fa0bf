#!/bin/sh
# Build a busybox bundle and run one container that shows what it sees from
# inside its namespaces.  Usage: contrib/demo.sh [path/to/nucleus-oci]
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/nucleus-oci}
dir=$(mktemp -d /tmp/nucleus-demo.XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$here/contrib/make-bundle.sh" "$dir" "$bin"
script='echo "hostname: $(hostname)"; echo "my pid: $$"; echo "processes:"; ps -o pid,user,args;
echo "user: $(id)"; echo "capabilities: $(grep CapEff /proc/self/status)";
echo "mounts:"; cut -d" " -f5,9 /proc/self/mountinfo | head -12; echo "cgroup: $(head -1 /proc/self/cgroup)"'
jq --arg s "$script" '.process.terminal = false | .process.args = ["sh", "-c", $s]' \
	"$dir/config.json" >"$dir/config.json.new"
mv "$dir/config.json.new" "$dir/config.json"
cd "$dir"
"$bin" --root "$dir/state" run "demo-$$"
