#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what is missing, builds, and runs the whole test suite.
set -eu
cd "$(dirname "$0")/.."
sh build-aux/install-deps.sh
[ -f _build/build.ninja ] || meson setup _build
meson compile -C _build
meson test -C _build --print-errorlogs "$@"
