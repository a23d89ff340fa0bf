#!/bin/bash
# Print the path of the Debian 12 system image that the systemd VM tests
# boot (run-vm.sh -s IMAGE), made once per cache by debootstrap from the
# package mirror into an ext4 file: systemd as PID 1, dbus, udev and kmod,
# the VM kernel's modules in /lib/modules (modprobe works inside), the
# libraries nucleus-oci links, and the engines and tools the VM tests drive
# (containerd, runc and the CNI plugins; podman and conmon; criu; iptables,
# iproute2, python3, bats, busybox-static, procps, jq).  containerd's own
# service is masked: a test starts it with its own configuration.
#
# The image's name carries a digest of the package list, the kernel version
# and this script, so a change to any of them makes a new image; older ones
# are removed.  Builds are serialised with flock.
#
# Environment:
#   NUCLEUS_VM_CACHE       the cache (default /var/tmp/nucleus-vm-cache)
#   NUCLEUS_DEBIAN_MIRROR  the mirror (default http://deb.debian.org/debian)
#
# Exit status: 0; 77 with the reason on stderr when the image cannot be made
# here (no debootstrap or mke2fs, the mirror unreachable, no kernel).
set -u
ME=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${NUCLEUS_VM_CACHE:-/var/tmp/nucleus-vm-cache}
MIRROR=${NUCLEUS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
lack() {
	echo "$ME: $*" >&2
	exit 77
}

PACKAGES="systemd systemd-sysv dbus udev kmod libyajl2 libseccomp2 libcap2 libsystemd0
	procps iproute2 iptables jq python3 bats busybox-static
	containerd runc containernetworking-plugins podman conmon criu"
# the modules a container host needs (net: bridge, veth, netfilter; fs:
# overlay; virtio and block devices); sound, graphics and the like are left out
MODDIRS="kernel/arch kernel/block kernel/crypto kernel/fs kernel/lib kernel/mm kernel/net
	kernel/virt kernel/drivers/net kernel/drivers/block kernel/drivers/virtio
	kernel/drivers/char kernel/drivers/md"

command -v debootstrap >/dev/null || lack "debootstrap is not installed (contrib/deps.sh test)"
command -v mke2fs >/dev/null || lack "mke2fs is not installed (e2fsprogs)"
KDIR=$("$HERE/vm-kernel.sh") || exit 77
kver=$(cat "$KDIR/modules/.version")
key=$( (echo "$PACKAGES $MODDIRS $kver" && cat "$0") | sha256sum | cut -c1-12)
IMAGE=$CACHE/debian12-$key.img

build() {
	local root=$CACHE/debian12-root.tmp log=$CACHE/debian12-debootstrap.log d u
	rm -rf "$root" "$IMAGE.tmp"
	echo "debootstrap of $MIRROR into $root" >"$log"
	# shellcheck disable=SC2086
	debootstrap --variant=minbase --include="$(echo $PACKAGES | tr ' ' ,)" \
		bookworm "$root" "$MIRROR" >>"$log" 2>&1 || return 1
	# quiet and quick: no gettys, timers or first-boot questions; no
	# containerd started by the system
	for u in getty@tty1 serial-getty@ttyS0 apt-daily.timer apt-daily-upgrade.timer \
		dpkg-db-backup.timer e2scrub_all.timer fstrim.timer e2scrub_reap systemd-pstore \
		systemd-firstboot containerd podman-auto-update.timer podman-restart \
		podman-clean-transient podman podman.socket; do
		case $u in *.*) ;; *) u=$u.service ;; esac
		ln -sf /dev/null "$root/etc/systemd/system/$u"
	done
	mkdir -p "$root/lib/modules/$kver"
	for d in $MODDIRS; do
		[ -d "$KDIR/modules/$d" ] || continue
		mkdir -p "$root/lib/modules/$kver/${d%/*}"
		cp -a "$KDIR/modules/$d" "$root/lib/modules/$kver/$d"
	done
	cp "$KDIR/modules"/modules.order "$KDIR/modules"/modules.builtin* "$root/lib/modules/$kver/"
	chroot "$root" depmod "$kver" >>"$log" 2>&1 || return 1
	echo 0123456789abcdef0123456789abcdef >"$root/etc/machine-id"
	echo nucleus-vm >"$root/etc/hostname"
	: >"$root/etc/fstab"
	rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*
	mke2fs -q -t ext4 -d "$root" "$IMAGE.tmp" 3G >>"$log" 2>&1 || return 1
	rm -rf "$root"
	mv "$IMAGE.tmp" "$IMAGE"
	for d in "$CACHE"/debian12-*.img "$CACHE"/systemd-bookworm.img; do
		[ "$d" = "$IMAGE" ] || rm -f "$d"
	done
}

mkdir -p "$CACHE"
(
	flock 9
	[ -f "$IMAGE" ] || build
) 9>"$CACHE/.debian12-image.lock"
[ -f "$IMAGE" ] || lack "no Debian 12 system image: debootstrap from $MIRROR failed (see $CACHE/debian12-debootstrap.log)"
echo "$IMAGE"
