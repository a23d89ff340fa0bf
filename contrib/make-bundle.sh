#!/bin/sh
# Make an OCI bundle with a busybox rootfs (from Debian's busybox-static)
# and nucleus-oci's default config.  Usage: contrib/make-bundle.sh DIR [NUCLEUS_OCI]
set -e
dir=${1:?usage: make-bundle.sh DIR [nucleus-oci]}
bin=${2:-nucleus-oci}
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/sys" "$dir/rootfs/dev" \
	"$dir/rootfs/etc" "$dir/rootfs/tmp" "$dir/rootfs/root"
cp /bin/busybox "$dir/rootfs/bin/busybox"
for app in $(/bin/busybox --list); do
	[ -e "$dir/rootfs/bin/$app" ] || ln -s busybox "$dir/rootfs/bin/$app"
done
echo "root:x:0:0:root:/root:/bin/sh" >"$dir/rootfs/etc/passwd"
echo "root:x:0:" >"$dir/rootfs/etc/group"
rm -f "$dir/config.json"
"$bin" spec --bundle "$dir"
