#!/bin/sh
# Install what nucleus-oci needs to build and to run its test suite on Debian 12.
# Usage: contrib/deps.sh [build|test|bench]
set -e
what=${1:-build}
export DEBIAN_FRONTEND=noninteractive
build="build-essential autoconf automake libtool pkg-config libyajl-dev libseccomp-dev libcap-dev libsystemd-dev busybox-static jq"
test="$build bats clang clang-format valgrind runc crun util-linux bsdutils procps iproute2 python3 qemu-system-x86 libcap2-bin
	podman conmon containernetworking-plugins containerd debootstrap e2fsprogs"
# make bench: the same runtimes, timed
bench="$test hyperfine gnuplot-nox time linux-perf strace"
case $what in
test) pkgs=$test ;;
bench) pkgs=$bench ;;
*) pkgs=$build ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
