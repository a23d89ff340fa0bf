#!/bin/sh
# Install the Debian 12 packages nucleus-oci needs to build (build), to run its
# test suite (test) or its benchmarks (bench), and say which ones it installs.
# Usage: contrib/deps.sh [build|test|bench|list [build|test|bench]]
set -e
what=${1:-build}
export DEBIAN_FRONTEND=noninteractive
# compiler and autotools, the three libraries, libsystemd (the systemd
# cgroup driver), criu and libprotobuf-c-dev (checkpoint and restore),
# go-md2man for the man pages; busybox-static and jq for
# contrib/make-bundle.sh and contrib/demo.sh
build="build-essential autoconf automake libtool pkg-config libyajl-dev libseccomp-dev libcap-dev
	libsystemd-dev criu libprotobuf-c-dev go-md2man busybox-static jq"
# bats and the tools the tests call, the other runtimes and engines they
# compare with or drive, QEMU, debootstrap and e2fsprogs for the VM tests, the
# shells and man for the completion and man page tests, debhelper and lintian
# for the Debian package
test="$build bats clang clang-format valgrind runc crun util-linux bsdutils procps iproute2 python3
	qemu-system-x86 libcap2-bin podman conmon containernetworking-plugins containerd
	debootstrap e2fsprogs iptables man-db bash-completion zsh fish debhelper lintian"
# make bench: the same runtimes, timed
bench="$test hyperfine gnuplot-nox time linux-perf strace"
list=false
if [ "$what" = list ]; then
	list=true
	what=${2:-build}
fi
case $what in
test) pkgs=$test ;;
bench) pkgs=$bench ;;
build) pkgs=$build ;;
*)
	echo "usage: contrib/deps.sh [build|test|bench|list [build|test|bench]]" >&2
	exit 2
	;;
esac
if $list; then
	echo $pkgs
	exit 0
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "contrib/deps.sh: installing the Debian packages for '$what':$missing"
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "contrib/deps.sh: the $(echo $pkgs | wc -w) Debian packages for '$what' are installed"
fi
