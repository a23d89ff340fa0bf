#!/bin/sh
# Regenerate the build system.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf -fi
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/
