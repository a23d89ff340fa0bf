#!/bin/bash
# Print the directory of Debian 12's generic kernel for the project's VMs,
# unpacked once per cache: vmlinuz, and modules/ (the package's
# lib/modules/VERSION, with the version in modules/.version).  The package
# is the one linux-image-amd64 depends on, fetched with `apt-get download`
# and never installed; the generic kernel, not the cloud one, ships software
# RDMA (rdma_rxe), null_blk and the like as modules.
#
# Environment:
#   NUCLEUS_VM_CACHE       the cache (default /var/tmp/nucleus-vm-cache)
#   NUCLEUS_VM_KERNEL_DEB  use this linux-image .deb instead of downloading
#
# Exit status: 0; 77 with the reason on stderr when apt cannot get the
# package; 126 when the package is not laid out as expected.
set -euo pipefail
ME=${0##*/}
die() { echo "$ME: $*" >&2; exit 126; }
lack() { echo "$ME: $*" >&2; exit 77; }

CACHE=${NUCLEUS_VM_CACHE:-/var/tmp/nucleus-vm-cache}
mkdir -p "$CACHE"
KDIR=$CACHE/kernel-amd64
exec 9>"$CACHE/.lock"
flock 9
if [ ! -e "$KDIR/.done" ]; then
	rm -rf "$KDIR" "$KDIR.tmp"
	mkdir -p "$KDIR.tmp/deb"
	if [ -n "${NUCLEUS_VM_KERNEL_DEB:-}" ]; then
		cp "$NUCLEUS_VM_KERNEL_DEB" "$KDIR.tmp/deb/"
	else
		resolve() {
			apt-cache depends linux-image-amd64 2>/dev/null |
				awk '/Depends: linux-image-[0-9]/ {print $2; exit}'
		}
		fetch() { (cd "$KDIR.tmp/deb" && apt-get download "$1" >/dev/null 2>&1); }
		pkg=$(resolve)
		if [ -z "$pkg" ] || ! fetch "$pkg"; then
			# stale or missing package lists: refresh once
			apt-get update -qq >/dev/null 2>&1 || true
			pkg=$(resolve)
			[ -n "$pkg" ] || lack "cannot resolve linux-image-amd64 with apt"
			fetch "$pkg" || lack "apt-get download $pkg failed"
		fi
	fi
	dpkg-deb -x "$KDIR.tmp/deb/"*.deb "$KDIR.tmp/root"
	kver=$(ls "$KDIR.tmp/root/lib/modules" | head -n1)
	[ -f "$KDIR.tmp/root/boot/vmlinuz-$kver" ] || die "unexpected kernel package layout"
	cp "$KDIR.tmp/root/boot/vmlinuz-$kver" "$KDIR.tmp/vmlinuz"
	mv "$KDIR.tmp/root/lib/modules/$kver" "$KDIR.tmp/modules"
	echo "$kver" >"$KDIR.tmp/modules/.version"
	rm -rf "$KDIR.tmp/deb" "$KDIR.tmp/root"
	touch "$KDIR.tmp/.done"
	mv "$KDIR.tmp" "$KDIR"
fi
echo "$KDIR"
