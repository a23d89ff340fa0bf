#!/bin/sh
# Shared by the VM test sets (cgroup-v1-inner.sh, cgroup-v2-inner.sh), sourced
# inside the VM from /payload: running nucleus-oci, TAP output, checks, and
# the block and RDMA devices some tests need.
N=0
FAILED=0
B=/payload/bundles

noci() { nucleus-oci --root /run/noci "$@"; }
pid_of() { noci state "$1" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'; }
status_of() { noci state "$1" | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'; }
# check CMD...: fail the current test (a subshell) when CMD fails
check() { "$@" || { echo "check failed: $*"; exit 1; }; }
equal() { [ "$1" = "$2" ] || { echo "expected \"$2\", got \"$1\" ($3)"; exit 1; }; }
# t NAME FUNCTION [SKIP-REASON]: one TAP line; the function runs in a subshell
t() {
	N=$((N + 1))
	if [ -n "$3" ]; then
		echo "ok $N - $1 # SKIP $3"
		return
	fi
	if ("$2") >/tmp/log 2>&1; then
		echo "ok $N - $1"
	else
		echo "not ok $N - $1"
		sed 's/^/# /' /tmp/log
		FAILED=1
	fi
	for id in $(ls /run/noci 2>/dev/null); do noci delete --force "$id" >/dev/null 2>&1; done
}
start() {
	noci create --bundle "$B/$1" "$2" || exit 1
	noci start "$2" || exit 1
}
# the file a container wrote to its /dev/shm
seen() {
	i=0
	while [ ! -s /proc/$1/root/dev/shm/seen ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	cat /proc/$1/root/dev/shm/seen
}
# ask a container running the probe loop to open /dev/t-kmsg for writing
probe() {
	r=/proc/$(pid_of "$1")/root/dev/shm
	rm -f "$r/res"
	touch "$r/try"
	i=0
	while [ ! -s "$r/res" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	cat "$r/res"
}

# A null_blk disk with the BFQ scheduler: sets NULLB (major:minor) and puts
# its major into the bundles (placeholder 4242), or sets blk_skip to why not.
setup_nullb_bfq() {
	blk_skip=""
	if ! modload null_blk nr_devices=1 2>/tmp/mod; then
		blk_skip="null_blk: $(cat /tmp/mod)"
	elif ! modload bfq 2>/tmp/mod; then
		blk_skip="bfq: $(cat /tmp/mod)"
	elif ! echo bfq >/sys/block/nullb0/queue/scheduler; then
		blk_skip="nullb0 does not take the bfq scheduler"
	else
		NULLB=$(cat /sys/block/nullb0/dev)
		sed -i "s/\"major\": 4242,/\"major\": ${NULLB%:*},/" $B/*/config.json
	fi
}

# A software RDMA device rxe0 (rdma_rxe on a dummy netdev), or rdma_skip set
# to why not.
setup_rxe() {
	rdma_skip=""
	if ! command -v rdma >/dev/null; then
		rdma_skip="iproute2's rdma was not on the host"
	elif ! { modload crc32_generic && modload rdma_rxe; } 2>/tmp/mod; then
		rdma_skip="rdma_rxe: $(cat /tmp/mod)"
	elif ! { modload dummy numdummies=1 && ip link set dummy0 up &&
		rdma link add rxe0 type rxe netdev dummy0; } >/tmp/mod 2>&1; then
		rdma_skip="rdma link add rxe0 failed: $(cat /tmp/mod)"
	fi
}
