#!/bin/sh
# Make an OCI bundle with a busybox rootfs (from Debian's busybox-static)
# and nucleus-oci's default config.  Usage: contrib/make-bundle.sh DIR [NUCLEUS_OCI]
# Works from any directory; NUCLEUS_OCI defaults to the nucleus-oci on PATH,
# or else the one built in this source tree.
set -e
dir=${1:?usage: make-bundle.sh DIR [nucleus-oci]}
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${2:-}" ]; then
	bin=$2
elif command -v nucleus-oci >/dev/null; then
	bin=nucleus-oci
elif [ -x "$here/nucleus-oci" ]; then
	bin=$here/nucleus-oci
else
	echo "make-bundle.sh: nucleus-oci is not on PATH and not built in $here" >&2
	exit 1
fi
[ -x /bin/busybox ] || { echo "make-bundle.sh: /bin/busybox is missing (Debian package busybox-static)" >&2; exit 1; }
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
