# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the benchmarks in this folder (POSIX sh): a work folder that is
# removed on exit (KEEP=1 keeps it), and kenfiles-sandbox started on
# loopback, storing into $DATA.
#
#   kf_bench_start NAME SANDBOX
#     sets WORK, DATA (the sandbox's stored copies, safe to clear between
#     runs), URL and KEY (the sandbox's API address and key), SANDBOX_PID.

kf_bench_cleanup () {
  if [ -n "${SANDBOX_PID:-}" ]; then
    kill "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "work folder kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}

kf_bench_start () {
  kf_bench_name=$1
  kf_bench_sandbox=$2

  WORK=$(mktemp -d "${TMPDIR:-/tmp}/kf-bench-$kf_bench_name-XXXXXX")
  DATA=$WORK/sandbox-data
  mkdir -p "$DATA"
  SANDBOX_PID=
  trap kf_bench_cleanup EXIT
  trap 'exit 130' INT TERM

  "$kf_bench_sandbox" --port 0 --data-dir "$DATA" >"$WORK/sandbox.out" 2>"$WORK/sandbox.err" &
  SANDBOX_PID=$!

  URL=
  KEY=
  kf_bench_i=0
  while [ $kf_bench_i -lt 100 ]; do
    URL=$(sed -n 's/^URL: //p' "$WORK/sandbox.out")
    KEY=$(sed -n 's/^Key: //p' "$WORK/sandbox.out")
    [ -n "$URL" ] && [ -n "$KEY" ] && return 0
    kill -0 "$SANDBOX_PID" 2>/dev/null || break
    sleep 0.1
    kf_bench_i=$((kf_bench_i + 1))
  done
  echo "$kf_bench_name: kenfiles-sandbox printed no URL and Key lines" >&2
  cat "$WORK/sandbox.out" "$WORK/sandbox.err" >&2
  exit 1
}
