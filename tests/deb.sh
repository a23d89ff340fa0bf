#!/bin/sh
# Build the Debian package (debian/) from a copy of the source and check it:
# dpkg-buildpackage -us -uc -b, the files the package must hold, and lintian
# with no error.  Usage: tests/deb.sh [WORKDIR]   (default: ./build-deb)
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$PWD/build-deb}
mkdir -p "$work"
work=$(cd "$work" && pwd)
version=$(sed -n 's/^nucleus-oci (\([^)]*\)).*/\1/p;q' "$src/debian/changelog")
tree=$work/nucleus-oci-$version
rm -rf "$work"/nucleus-oci*
mkdir -p "$tree"
# The tracked files (a tree configured in place would clash with the build).
if [ -e "$src/.git" ]; then
	(cd "$src" && git ls-files -z -c -o --exclude-standard | xargs -0 tar -cf -) | tar -C "$tree" -xf -
else
	(cd "$src" && tar --exclude=./build-deb --exclude=./build-tests --exclude=./build-sanitizers -cf - .) |
		tar -C "$tree" -xf -
	(cd "$tree" && { [ ! -f Makefile ] || make -s distclean >/dev/null 2>&1; })
fi
start=$(date +%s)
(cd "$tree" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
	echo "deb: dpkg-buildpackage failed:"
	tail -30 "$work/build.log"
	exit 1
}
deb=$work/nucleus-oci_${version}_$(dpkg --print-architecture).deb
rc=0
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
for f in ./usr/bin/nucleus-oci ./usr/share/man/man8/nucleus-oci.8.gz \
	./usr/share/man/man8/nucleus-oci-run.8.gz ./usr/share/bash-completion/completions/nucleus-oci \
	./usr/share/zsh/vendor-completions/_nucleus-oci \
	./usr/share/fish/vendor_completions.d/nucleus-oci.fish ./usr/share/doc/nucleus-oci/README.md.gz \
	./usr/share/doc/nucleus-oci/copyright; do
	echo "$contents" | grep -qx "$f" || { echo "deb: $f is missing from $deb"; rc=1; }
done
pages=$(echo "$contents" | grep -c '^\./usr/share/man/man8/nucleus-oci.*\.8\.gz$')
[ "$pages" -ge 16 ] || { echo "deb: $pages man pages, expected 16"; rc=1; }
lintian --fail-on error "$deb" >"$work/lintian.log" 2>&1 || {
	echo "deb: lintian reports errors:"
	grep -v 'root privileges' "$work/lintian.log"
	rc=1
}
[ $rc -eq 0 ] && echo "deb: $(basename "$deb") built in $(($(date +%s) - start)) s, $pages man pages, lintian: no errors"
exit $rc
