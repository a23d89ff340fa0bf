#!/bin/bash
# Run a script inside a throw-away QEMU VM that boots a stock Debian kernel
# with a pure cgroup v2 hierarchy (cgroup_no_v1=all), from an initramfs made
# of busybox-static, the given binaries with their shared libraries, and a
# payload directory.  The script's output is on stdout; the exit status is
# the script's.
#
# Usage: run-vm.sh [-b BINARY]... [-t TIMEOUT] PAYLOAD_DIR SCRIPT
#   PAYLOAD_DIR is copied to /payload; SCRIPT (a path inside the payload)
#   runs with busybox sh, cwd /payload.
#
# Environment:
#   NUCLEUS_VM_CACHE  where the kernel package is unpacked (default
#                     /var/tmp/nucleus-vm-cache); it is downloaded once with
#                     `apt-get download linux-image-cloud-amd64`'s dependency
#                     and never installed.
#   NUCLEUS_VM_KERNEL_DEB  use this linux-image .deb instead of downloading.
#
# Exit status: the script's; 124 timeout; 125 the VM did not report a
# status; 126 setup failed on the host; 77 something the host lacks
# (qemu, busybox-static, the kernel package) with the reason on stderr.
#
# Host packages: qemu-system-x86 (--no-install-recommends), busybox-static,
# apt, dpkg, cpio-less (busybox makes the archive), gzip, util-linux.
# /dev/kvm is used only when the CPU advertises vmx/svm; these machines'
# nested /dev/kvm cannot run a kernel, so TCG it is (a boot takes seconds).
set -euo pipefail

ME=${0##*/}
die() { echo "$ME: $*" >&2; exit 126; }
lack() { echo "$ME: $*" >&2; exit 77; }

BINS=()
TIMEOUT=300
while getopts "b:t:" opt; do
	case $opt in
	b) BINS+=("$OPTARG") ;;
	t) TIMEOUT=$OPTARG ;;
	*) exit 126 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || die "usage: $ME [-b BINARY]... [-t TIMEOUT] PAYLOAD_DIR SCRIPT"
PAYLOAD=$1 SCRIPT=$2
CACHE=${NUCLEUS_VM_CACHE:-/var/tmp/nucleus-vm-cache}
BUSYBOX=${BUSYBOX:-/bin/busybox}
QEMU=qemu-system-x86_64

command -v $QEMU >/dev/null || lack "$QEMU not installed (apt-get install --no-install-recommends qemu-system-x86)"
[ -x "$BUSYBOX" ] || lack "$BUSYBOX missing (apt-get install busybox-static)"
LC_ALL=C ldd "$BUSYBOX" 2>&1 | grep -q '=>' && lack "$BUSYBOX is not static (apt-get install busybox-static)"

# ---- the kernel, once per cache
mkdir -p "$CACHE"
KDIR=$CACHE/kernel
exec 9>"$CACHE/.lock"
flock 9
if [ ! -e "$KDIR/.done" ]; then
	rm -rf "$KDIR" "$KDIR.tmp"
	mkdir -p "$KDIR.tmp/deb"
	if [ -n "${NUCLEUS_VM_KERNEL_DEB:-}" ]; then
		cp "$NUCLEUS_VM_KERNEL_DEB" "$KDIR.tmp/deb/"
	else
		resolve() {
			apt-cache depends linux-image-cloud-amd64 2>/dev/null |
				awk '/Depends: linux-image-[0-9]/ {print $2; exit}'
		}
		fetch() { (cd "$KDIR.tmp/deb" && apt-get download "$1" >/dev/null 2>&1); }
		pkg=$(resolve)
		if [ -z "$pkg" ] || ! fetch "$pkg"; then
			# stale or missing package lists: refresh once
			apt-get update -qq >/dev/null 2>&1 || true
			pkg=$(resolve)
			[ -n "$pkg" ] || lack "cannot resolve linux-image-cloud-amd64 with apt"
			fetch "$pkg" || lack "apt-get download $pkg failed"
		fi
	fi
	dpkg-deb -x "$KDIR.tmp/deb/"*.deb "$KDIR.tmp/root"
	kver=$(ls "$KDIR.tmp/root/lib/modules" | head -n1)
	[ -f "$KDIR.tmp/root/boot/vmlinuz-$kver" ] || die "unexpected kernel package layout"
	cp "$KDIR.tmp/root/boot/vmlinuz-$kver" "$KDIR.tmp/vmlinuz"
	rm -rf "$KDIR.tmp/deb" "$KDIR.tmp/root"
	touch "$KDIR.tmp/.done"
	mv "$KDIR.tmp" "$KDIR"
fi
exec 9>&-

# ---- the initramfs
WORK=$(mktemp -d "$CACHE/run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ST=$WORK/root
mkdir -p "$ST"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,proc,sys,dev,run,tmp,payload}
for a in $("$BUSYBOX" --list); do ln -s busybox "$ST/bin/$a"; done
rm -f "$ST/bin/busybox"
cp "$BUSYBOX" "$ST/bin/busybox"

copy_abs() {
	[ -e "$ST$1" ] && return 0
	mkdir -p "$(dirname "$ST$1")"
	cp -L "$1" "$ST$1"
}
for b in "${BINS[@]}"; do
	p=$(readlink -f "$b")
	[ -f "$p" ] || die "-b $b: no such file"
	mkdir -p "$ST/bin"
	cp -L "$p" "$ST/bin/${b##*/}"
	while read -r lib; do
		[ -n "$lib" ] && copy_abs "$lib"
	done < <(LC_ALL=C ldd "$p" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
done
cp -a "$PAYLOAD"/. "$ST/payload/"
echo "$SCRIPT" >"$ST/script"

cat >"$ST/init" <<'EOF'
#!/bin/busybox sh
# pivot_root cannot leave the initramfs: copy it into a tmpfs and switch_root there.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
if [ ! -e /.stage2 ]; then
	/bin/busybox mkdir -p /new
	/bin/busybox mount -t tmpfs -o mode=0755 tmpfs /new
	for e in /*; do [ "$e" = /new ] || /bin/busybox cp -a "$e" /new/; done
	: >/new/.stage2
	exec /bin/busybox switch_root /new /init
fi
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t mqueue mqueue /dev/mqueue
mount -t tmpfs tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
ln -s /proc/self/fd /dev/fd
hostname nucleus-vm
cd /payload
echo "@@VM-START@@"
sh "$(cat /script)" </dev/null 2>&1
echo "@@VM-EXIT=$?@@"
sync
poweroff -f
EOF
chmod 755 "$ST/init"
(cd "$ST" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null | gzip -1 >"$WORK/initrd.gz")

# ---- boot
ACCEL=(-accel tcg -cpu max)
if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then ACCEL=(-accel kvm -cpu host); fi
set +e
timeout -k 5 "$TIMEOUT" $QEMU -nodefaults -no-user-config -display none -no-reboot \
	"${ACCEL[@]}" -m 1024 -smp 2 -serial stdio -kernel "$KDIR/vmlinuz" -initrd "$WORK/initrd.gz" \
	-append "console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init cgroup_no_v1=all" \
	</dev/null >"$WORK/console" 2>&1
qrc=$?
set -e
tr -d '\r' <"$WORK/console" | sed -n '/^@@VM-START@@$/,/^@@VM-EXIT=/p' | sed '1d;/^@@VM-EXIT=/d'
rc=$(tr -d '\r' <"$WORK/console" | sed -n 's/^@@VM-EXIT=\([0-9]*\)@@$/\1/p' | tail -n1)
if [ -z "$rc" ]; then
	[ "$qrc" = 124 ] && { echo "$ME: timeout after ${TIMEOUT}s" >&2; exit 124; }
	echo "$ME: the VM did not report a status (qemu $qrc); console:" >&2
	tail -n 40 "$WORK/console" >&2
	exit 125
fi
exit "$rc"
