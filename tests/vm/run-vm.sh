#!/bin/bash
# Run a script inside a throw-away QEMU VM that boots Debian's generic
# kernel with a pure cgroup v2 hierarchy (cgroup_no_v1=all) or a pure
# cgroup v1 layout (one hierarchy per controller, no cgroup2 anywhere), from
# an initramfs made of busybox-static, the given binaries with their shared
# libraries, chosen kernel modules, and a payload directory.  The script's
# output is on stdout; the exit status is the script's.
#
# Usage: run-vm.sh [-c v1|v2|hybrid] [-s IMAGE] [-b BINARY]... [-m MODULE]...
#                  [-M MEGABYTES] [-t TIMEOUT] PAYLOAD_DIR SCRIPT
#   -c  the cgroup layout (default v2).  v1: a tmpfs on /sys/fs/cgroup and
#       every controller of /proc/cgroups mounted on /sys/fs/cgroup/<name>,
#       cpu,cpuacct and net_cls,net_prio co-mounted with symlinks as
#       systemd does.
#   -s  boot systemd as PID 1 from IMAGE, an ext4 image of a Debian system
#       (opened with snapshot=on: the image is never written).  The
#       initramfs mounts it, copies the payload to /payload and the -b
#       binaries to /usr/local/bin, and switches to /lib/systemd/systemd,
#       which runs SCRIPT from a unit once the system is up (multi-user).
#       -c v2 (the default) boots systemd's unified layout, -c hybrid its
#       hybrid one (v1 controllers, cgroup2 at /sys/fs/cgroup/unified).
#       tests/vm/debian-image.sh makes such an image, with the kernel's
#       modules in it (modprobe works there; -m is not needed).
#   -M  the VM's memory (default 1024).
#   -m  a kernel module (name as in /proc/modules) copied into the initramfs
#       with its dependencies (the depends= of each module's .modinfo, which
#       is what depmod writes to modules.dep); inside, `modload NAME [ARG]...`
#       insmods the dependencies then the module.  A module the kernel
#       package lacks is left out with a note on stderr: modload then fails
#       with "not in the initramfs" and the test can SKIP.
#   PAYLOAD_DIR is copied to /payload; SCRIPT (a path inside the payload)
#   runs with busybox sh, cwd /payload.
#
# Environment:
#   NUCLEUS_VM_CACHE  where the kernel is unpacked (tests/vm/vm-kernel.sh;
#                     default /var/tmp/nucleus-vm-cache).
#   NUCLEUS_VM_KERNEL_DEB  use this linux-image .deb instead of downloading.
#
# Exit status: the script's; 124 timeout; 125 the VM did not report a
# status; 126 setup failed on the host; 77 something the host lacks
# (qemu, busybox-static, the kernel package) with the reason on stderr.
#
# Host packages: qemu-system-x86 (--no-install-recommends), busybox-static,
# apt, dpkg, cpio-less (busybox makes the archive), gzip, util-linux; xz-utils
# or zstd only if the kernel package compresses its modules (Debian 12's
# does not).
# /dev/kvm is used only when the CPU advertises vmx/svm; these machines'
# nested /dev/kvm cannot run a kernel, so TCG it is (a boot takes seconds).
set -euo pipefail

ME=${0##*/}
die() { echo "$ME: $*" >&2; exit 126; }
lack() { echo "$ME: $*" >&2; exit 77; }

BINS=()
MODS=()
TIMEOUT=300
MEM=1024
LAYOUT=v2
IMAGE=""
while getopts "b:c:m:M:s:t:" opt; do
	case $opt in
	b) BINS+=("$OPTARG") ;;
	c) LAYOUT=$OPTARG ;;
	m) MODS+=("$OPTARG") ;;
	M) MEM=$OPTARG ;;
	s) IMAGE=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	*) exit 126 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || die "usage: $ME [-c v1|v2|hybrid] [-s IMAGE] [-b BINARY]... [-m MODULE]... [-M MEGABYTES] [-t TIMEOUT] PAYLOAD_DIR SCRIPT"
case $LAYOUT/${IMAGE:+systemd} in
v1/) CMDLINE_CG="" ;;
v2/) CMDLINE_CG="cgroup_no_v1=all" ;;
v2/systemd) CMDLINE_CG="systemd.unified_cgroup_hierarchy=1" ;;
hybrid/systemd) CMDLINE_CG="systemd.unified_cgroup_hierarchy=0" ;;
*) die "-c $LAYOUT: v1 or v2, or with -s v2 or hybrid" ;;
esac
if [ -n "$IMAGE" ]; then
	[ -f "$IMAGE" ] || die "-s $IMAGE: no such file"
	MODS+=(virtio_pci virtio_blk crc32c_generic ext4)
	CMDLINE_CG="$CMDLINE_CG systemd.show_status=0 systemd.log_level=warning"
fi
PAYLOAD=$1 SCRIPT=$2
CACHE=${NUCLEUS_VM_CACHE:-/var/tmp/nucleus-vm-cache}
BUSYBOX=${BUSYBOX:-/bin/busybox}
QEMU=qemu-system-x86_64

command -v $QEMU >/dev/null || lack "$QEMU not installed (apt-get install --no-install-recommends qemu-system-x86)"
[ -x "$BUSYBOX" ] || lack "$BUSYBOX missing (apt-get install busybox-static)"
LC_ALL=C ldd "$BUSYBOX" 2>&1 | grep -q '=>' && lack "$BUSYBOX is not static (apt-get install busybox-static)"

# ---- the kernel, once per cache
KDIR=$("$(dirname "$0")/vm-kernel.sh") || exit $?

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

# ---- kernel modules: /lib/modules/nucleus/NAME.ko and NAME.deps
MD=$ST/lib/modules/nucleus
mkdir -p "$MD"
# module file names may spell '_' as '-'; /proc/modules always says '_'
find "$KDIR/modules/kernel" -name '*.ko*' >"$WORK/ko-list"
add_module() {
	local name=$1 f deps d
	[ -e "$MD/$name.ko" ] && return 0
	grep -qE "/${name//_/[-_]}\.ko(\.[a-z]+)?\$" "$KDIR/modules/modules.builtin" 2>/dev/null && return 0
	f=$(grep -E "/${name//_/[-_]}\.ko(\.xz|\.zst|\.gz)?\$" "$WORK/ko-list" | head -n1 || true)
	if [ -z "$f" ]; then
		echo "$ME: note: module $name is not in the kernel package $(cat "$KDIR/modules/.version")" >&2
		return 0
	fi
	# busybox insmod reads plain ELF only
	case $f in
	*.xz) xz -dc "$f" >"$MD/$name.ko" || die "cannot decompress $f (xz-utils)" ;;
	*.zst) zstd -qdc "$f" >"$MD/$name.ko" || die "cannot decompress $f (zstd)" ;;
	*.gz) gzip -dc "$f" >"$MD/$name.ko" ;;
	*) cp "$f" "$MD/$name.ko" ;;
	esac
	deps=$(tr '\0' '\n' <"$MD/$name.ko" | sed -n 's/^depends=//p' | tr ',' ' ')
	echo "$deps" >"$MD/$name.deps"
	for d in $deps; do add_module "${d//-/_}"; done
}
for m in "${MODS[@]}"; do add_module "${m//-/_}"; done
cat >"$ST/bin/modload" <<'EOF'
#!/bin/sh
# modload NAME [ARG]...: insmod NAME after its dependencies (once each)
d=/lib/modules/nucleus
name=$1
shift
loaded() { grep -q "^$1 " /proc/modules; }
loaded "$name" && exit 0
[ -f "$d/$name.ko" ] || { echo "modload: module $name is not in the initramfs" >&2; exit 1; }
for dep in $(cat "$d/$name.deps"); do
	[ -f "$d/$dep.ko" ] || continue # built in
	modload "$dep" || exit 1
done
insmod "$d/$name.ko" "$@"
EOF
chmod 755 "$ST/bin/modload"
echo "$LAYOUT" >"$ST/cgroup-layout"
echo "$SCRIPT" >"$ST/script"
if [ -n "$IMAGE" ]; then
	# stage 1 of a systemd boot: the image's root, the payload, then systemd
	cat >"$ST/init" <<'EOF'
#!/bin/busybox sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in virtio_pci virtio_blk crc32c_generic ext4; do modload $m; done
mkdir -p /new
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if ! mount -t ext4 /dev/vda /new; then
	echo "@@VM-START@@"
	echo "cannot mount the system image (/dev/vda):"
	ls /lib/modules/nucleus
	dmesg | tail -n 20
	echo "@@VM-EXIT=125@@"
	poweroff -f
fi
mkdir -p /new/payload /new/usr/local/bin
cp -a /payload/. /new/payload/
for b in /bin/*; do
	[ -L "$b" ] || [ "$b" = /bin/busybox ] || [ "$b" = /bin/modload ] || cp "$b" /new/usr/local/bin/
done
# their shared libraries that the image lacks (a sanitizer runtime, say)
for f in $(find /lib /lib64 /usr/lib -type f 2>/dev/null | grep -v '^/lib/modules/'); do
	[ -e "/new$f" ] || { mkdir -p "/new${f%/*}" && cp "$f" "/new$f"; }
done
cp /script /new/script
cat >/new/etc/systemd/system/nucleus-vm-test.service <<UNIT
[Unit]
Description=nucleus-oci VM test script
After=multi-user.target
[Service]
Type=oneshot
WorkingDirectory=/payload
StandardInput=null
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/ttyS0
ExecStart=/bin/sh -c 'echo @@VM-START@@; sh "\$(cat /script)" 2>&1; echo "@@VM-EXIT=\$?@@"; sync; systemctl poweroff --force --force'
[Install]
WantedBy=default.target
UNIT
mkdir -p /new/etc/systemd/system/default.target.wants
ln -sf ../nucleus-vm-test.service /new/etc/systemd/system/default.target.wants/
umount /proc /sys /dev
exec switch_root /new /lib/systemd/systemd
EOF
	chmod 755 "$ST/init"
fi

[ -n "$IMAGE" ] || cat >"$ST/init" <<'EOF'
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
if [ "$(cat /cgroup-layout)" = v2 ]; then
	mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
else
	# systemd's v1 layout, without its name=systemd hierarchy
	mount -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup
	ctrls=$(awk 'NR > 1 && $4 == 1 {print $1}' /proc/cgroups)
	for c in $ctrls; do
		case $c in
		cpu | cpuacct | net_cls | net_prio) ;;
		*) mkdir /sys/fs/cgroup/$c && mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c ;;
		esac
	done
	for pair in cpu,cpuacct net_cls,net_prio; do
		a=${pair%,*} b=${pair#*,}
		if echo "$ctrls" | grep -qx $a && echo "$ctrls" | grep -qx $b; then
			mkdir /sys/fs/cgroup/$pair
			mount -t cgroup -o $pair cgroup /sys/fs/cgroup/$pair
			ln -s $pair /sys/fs/cgroup/$a
			ln -s $pair /sys/fs/cgroup/$b
		else
			for c in $a $b; do
				echo "$ctrls" | grep -qx $c || continue
				mkdir /sys/fs/cgroup/$c && mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c
			done
		fi
	done
fi
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
[ -n "$IMAGE" ] || chmod 755 "$ST/init"
(cd "$ST" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null | gzip -1 >"$WORK/initrd.gz")

# ---- boot
ACCEL=(-accel tcg -cpu max)
if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then ACCEL=(-accel kvm -cpu host); fi
DISK=()
[ -n "$IMAGE" ] && DISK=(-drive "file=$IMAGE,format=raw,if=virtio,snapshot=on")
set +e
timeout -k 5 "$TIMEOUT" $QEMU -nodefaults -no-user-config -display none -no-reboot \
	"${ACCEL[@]}" -m "$MEM" -smp 2 -serial stdio -kernel "$KDIR/vmlinuz" -initrd "$WORK/initrd.gz" "${DISK[@]}" \
	-append "console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init $CMDLINE_CG" \
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
