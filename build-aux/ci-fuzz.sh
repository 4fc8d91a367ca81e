#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# CI leg "fuzz": every fuzz target in tests/fuzz built for libFuzzer with
# clang, AddressSanitizer and UndefinedBehaviorSanitizer (-Dfuzzing=true),
# its corpus replayed (suite fuzz) and then fuzzed for KF_FUZZ_SECONDS
# (20) seconds each, two at a time (suite fuzz-run). Any crash, leak,
# undefined behaviour or input slower than 10 s fails its test; the input
# is kept in _build-fuzz/tests/fuzz/run-NAME/artifacts/. What the fuzzers
# learn stays in _build-fuzz/tests/fuzz/run-NAME/corpus/ for the next run.
#
#   sh build-aux/ci-fuzz.sh            runs the leg
#   sh build-aux/ci-fuzz.sh --testlog  prints where its testlog.json goes
set -eu
cd "$(dirname "$0")/.."

build=_build-fuzz
if [ "${1:-}" = "--testlog" ]; then
  echo "$build/meson-logs/testlog.json"
  exit 0
fi

# clang, and libFuzzer and the sanitizer runtimes (libclang-rt-14-dev on
# Debian 12, which clang only recommends).
sh build-aux/install-deps.sh --fuzz

options="-Dfuzzing=true -Dapp=disabled"
if [ -f "$build/build.ninja" ]; then
  # shellcheck disable=SC2086
  meson configure "$build" $options
else
  # shellcheck disable=SC2086
  CC=clang meson setup "$build" $options
fi
meson compile -C "$build"
meson test -C "$build" --print-errorlogs --num-processes 2 --suite fuzz --suite fuzz-run "$@"
