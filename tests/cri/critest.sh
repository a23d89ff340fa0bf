#!/bin/bash
# critest (cri-tools v1.28) through containerd 1.6's CRI plugin, once per runtime handler:
# "nucleus" (nucleus-oci) and "runc" as the reference.  Prints, per handler, how many specs
# passed, failed and were skipped, then every spec that passes with runc and not with
# nucleus-oci; exits 1 when there is such a spec, 77 when the tools are missing.
#
#   tests/cri/critest.sh NUCLEUS_OCI OUTDIR [critest options, e.g. --ginkgo.focus=REGEX]
#
# OUTDIR keeps each handler's critest log and ginkgo JSON report.  The set-up is the one of
# tests/bats/cri.bats (tests/cri/cri.bash): a private containerd in a network namespace of
# its own, images from tests/cri/registry.py.  The whole run happens in private pid, mount
# and network namespaces, so a runtime bug cannot reach the host's processes or mounts.
set -u
runtime=$1 out=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
NUCLEUS_SRCDIR=${NUCLEUS_SRCDIR:-$(cd "$here/../.." && pwd)}
export NUCLEUS_SRCDIR

if [ -z "${NOCI_CRITEST_INSIDE:-}" ]; then
	NOCI_CRITEST_INSIDE=1 exec unshare --pid --fork --mount-proc --mount --propagation private \
		--net -- "$0" "$runtime" "$out" "$@"
fi
ip link set lo up

# shellcheck source=../engines/engines.bash
source "$NUCLEUS_SRCDIR/tests/engines/engines.bash"
# shellcheck source=cri.bash
source "$NUCLEUS_SRCDIR/tests/cri/cri.bash"

mkdir -p "$out"
out=$(cd "$out" && pwd)
env=$(mktemp -d /tmp/noci-critest.XXXXXX)
trap 'cri_stop "$env"' EXIT
if ! why=$(cri_tools "$env/tools"); then
	echo "SKIP: $why"
	exit 77
fi
cri_start "$env" "$runtime" || exit 1

for h in nucleus runc; do
	echo "critest with the runtime handler \"$h\" (log: $out/critest-$h.log)"
	rm -f "$out/critest-$h.json"
	# In containerd's network and mount namespaces: the mount propagation specs mount on
	# the "host" and look for it in the container, and the other way round.
	timeout -k 10 3600 nsenter -t "$(cat "$env/containerd.pid")" -n -m "$env/tools/critest" \
		--runtime-endpoint "unix://$env/c.sock" --image-endpoint "unix://$env/c.sock" \
		--runtime-handler "$h" --ginkgo.no-color --ginkgo.json-report "$out/critest-$h.json" \
		"$@" >"$out/critest-$h.log" 2>&1
	# Whatever a failing spec left behind must not count against the next handler.
	CRI_TIMEOUT=60 cri_crictl rmp --force --all >/dev/null 2>&1
done

# name<TAB>state for every spec of a report.
specs() {
	jq -r '.[].SpecReports[] | select(.LeafNodeType == "It")
		| [((.ContainerHierarchyTexts + [.LeafNodeText]) | join(" ")), .State] | @tsv' "$1" | sort
}
status=0
for h in nucleus runc; do
	if [ ! -s "$out/critest-$h.json" ]; then
		echo "$h: critest wrote no report; the end of its log:"
		tail -20 "$out/critest-$h.log"
		status=1
		continue
	fi
	specs "$out/critest-$h.json" >"$out/specs-$h.tsv"
	printf '%s: %s passed, %s failed, %s skipped\n' "$h" \
		"$(grep -c $'\tpassed$' "$out/specs-$h.tsv")" \
		"$(grep -c -E $'\t(failed|panicked|timedout|interrupted|aborted)$' "$out/specs-$h.tsv")" \
		"$(grep -c -E $'\t(skipped|pending)$' "$out/specs-$h.tsv")"
done
[ $status -eq 0 ] || exit 1
grep $'\tpassed$' "$out/specs-runc.tsv" | cut -f1 >"$out/passed-runc.txt"
grep $'\tpassed$' "$out/specs-nucleus.tsv" | cut -f1 >"$out/passed-nucleus.txt"
comm -23 "$out/passed-runc.txt" "$out/passed-nucleus.txt" >"$out/regressions.txt"
comm -13 "$out/passed-runc.txt" "$out/passed-nucleus.txt" >"$out/better.txt"
if [ -s "$out/better.txt" ]; then
	echo "passes with nucleus-oci and not with runc:"
	sed 's/^/  /' "$out/better.txt"
fi
if [ -s "$out/regressions.txt" ]; then
	echo "passes with runc and not with nucleus-oci:"
	sed 's/^/  /' "$out/regressions.txt"
	exit 1
fi
echo "nucleus-oci passes every critest spec that runc passes"
