#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# CI leg "asan": the core, store, command line and sandbox tests built with
# AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer (which stops
# at the first error). The sanitizer options and our suppressions of
# third-party leaks (tests/sanitizers/) come from tests/meson.build, so
# `meson test -C _build-asan` alone behaves the same. The desktop app's
# window tests are left out to keep CI short; they pass under the same
# sanitizers with `meson setup _asan -Db_sanitize=address,undefined`.
#
#   sh build-aux/ci-asan.sh            runs the leg
#   sh build-aux/ci-asan.sh --testlog  prints where its testlog.json goes
set -eu
cd "$(dirname "$0")/.."

build=_build-asan
if [ "${1:-}" = "--testlog" ]; then
  echo "$build/meson-logs/testlog.json"
  exit 0
fi

sh build-aux/install-deps.sh

options="-Db_sanitize=address,undefined -Dc_args=-fno-sanitize-recover=undefined -Dapp=disabled"
if [ -f "$build/build.ninja" ]; then
  # shellcheck disable=SC2086
  meson configure "$build" $options
else
  # shellcheck disable=SC2086
  meson setup "$build" $options
fi
meson compile -C "$build"
# The data suite checks files, not code, and is covered by the Debian 12 leg.
meson test -C "$build" --print-errorlogs --no-suite data "$@"
