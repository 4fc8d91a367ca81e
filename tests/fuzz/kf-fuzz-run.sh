#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# kf-fuzz-run.sh FUZZER SEEDS WORKDIR: fuzzes one libFuzzer target for
# KF_FUZZ_SECONDS (default 20) seconds, starting from the seed corpus and
# from what earlier runs found (WORKDIR/corpus, in the build folder, so the
# source tree is never written). A crash, leak, undefined behaviour or an
# input slower than 10 s fails the test; the input is kept in
# WORKDIR/artifacts, to be fixed and added to the seeds as a regression test.
#
# kf-fuzz-run.sh --replay FUZZER SEEDS: runs every seed once, as files:
# libFuzzer checks each file for leaks, but not a folder's inputs.
set -eu

# libFuzzer's own exit code for a finding is 77, which meson takes as a skip.
codes="-error_exitcode=1 -timeout_exitcode=1"

if [ "$1" = "--replay" ]; then
  # shellcheck disable=SC2086
  exec "$2" $codes -runs=1 "$3"/*
fi

fuzzer=$1
seeds=$2
work=$3
seconds=${KF_FUZZ_SECONDS:-20}

mkdir -p "$work/corpus" "$work/artifacts"
status=0
# shellcheck disable=SC2086
"$fuzzer" $codes -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
  "$work/corpus" "$seeds" || status=$?
if [ "$status" -ne 0 ]; then
  echo "Finding kept in $work/artifacts/: reproduce with $fuzzer FILE," >&2
  echo "fix it, and add FILE to $seeds as a regression input." >&2
fi
exit "$status"
