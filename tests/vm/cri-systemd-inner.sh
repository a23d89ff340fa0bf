#!/bin/sh
# Kubernetes' CRI with the systemd cgroup driver, run by tests/vm/cri-systemd.test
# from a unit of a VM whose PID 1 is systemd: tests/bats/cri.bats itself, with
# CRI_SYSTEMD_CGROUP=1 (containerd's handlers with SystemdCgroup = true, pods in
# slices as the kubelet's systemd driver puts them).  Prints bats' TAP.
# A sanitizer build of nucleus-oci reports to files, checked at the end.
mkdir -p /tmp/san
export ASAN_OPTIONS=log_path=/tmp/san/asan UBSAN_OPTIONS=log_path=/tmp/san/ubsan:print_stacktrace=1
export NUCLEUS_OCI=/usr/local/bin/nucleus-oci NUCLEUS_SRCDIR=/payload/src
export CRI_TOOLS=/usr/local/bin CRI_SYSTEMD_CGROUP=1
# The one network namespace that matters is the test's own; its bridge and veth
# modules load on demand (modprobe of the image).
cd /payload/src || exit 1
bats --tap tests/bats/cri.bats
rc=$?
for f in /tmp/san/*; do
	[ -e "$f" ] || continue
	sed 's/^/# /' "$f"
	echo "Bail out! sanitizer report $f"
	rc=1
done
exit $rc
