#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Speed limit accuracy (not a test): `kenfiles upload --limit-rate RATE`
# against `curl --limit-rate RATE`, both sending to kenfiles-sandbox on
# loopback, in the same run, alternating.
#
#   tests/bench/limit.sh BUILD_DIR        (e.g. tests/bench/limit.sh _build)
#
# Measures: one file of SIZE, and four files of SIZE/4 at once. kenfiles
# shares one limit among its four uploads (--parallel 4). curl has no limit
# shared between processes, so its "four" is one request carrying the four
# files (file_0..file_3, as the API allows) under one --limit-rate.
# Target: wall time within 5 % of SIZE / RATE.
#
# Environment: RUNS (default 3), SIZE (MiB, default 64), RATE (default 4M,
# curl's syntax), KEEP=1 to keep the work folder. Needs curl and GNU time.

set -eu

BUILD=${1:?usage: $0 BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
RUNS=${RUNS:-3}
SIZE=${SIZE:-64}
RATE=${RATE:-4M}
SANDBOX=$BUILD/src/sandbox/kenfiles-sandbox
CLI=$BUILD/src/cli/kenfiles
TIME=/usr/bin/time

for tool in curl "$TIME" "$SANDBOX" "$CLI"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "limit.sh: $tool is missing" >&2
    exit 1
  fi
done

# RATE in bytes per second, as curl reads it (K, M, G: powers of 1024).
RATE_BYTES=$(awk -v r="$RATE" 'BEGIN {
  u = substr (r, length (r)); n = r + 0; m = 1
  if (u == "k" || u == "K") m = 1024
  else if (u == "m" || u == "M") m = 1024 * 1024
  else if (u == "g" || u == "G") m = 1024 * 1024 * 1024
  printf "%d", n * m }')
TARGET=$(awk -v s="$SIZE" -v r="$RATE_BYTES" 'BEGIN { printf "%.2f", s * 1048576 / r }')

. "$(dirname "$0")/kf-bench-sandbox.sh"
kf_bench_start limit "$SANDBOX"

# The API page's two steps, all files in one request, with curl's limit.
cat >"$WORK/curl-upload.sh" <<'EOF'
#!/bin/sh
set -eu
answer=$(curl -s "$KF_URL/api/upload/server?key=$KF_KEY")
sess=$(printf '%s' "$answer" | sed -n 's/.*"sess_id"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
upload_url=$(printf '%s' "$answer" | sed -n 's/.*"result"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' | sed 's#\\/#/#g')
set -- -F "sess_id=$sess" -F "utype=prem" "$@"
i=0
for file in $KF_FILES; do
  set -- "$@" -F "file_$i=@$file"
  i=$((i + 1))
done
out=$(curl -s -S --fail --limit-rate "$KF_RATE" "$@" "$upload_url")
case "$out" in
  *file_code*) ;;
  *) echo "curl upload failed: $out" >&2; exit 1 ;;
esac
EOF
chmod +x "$WORK/curl-upload.sh"

# measure NAME CMD...: appends the wall seconds to $WORK/NAME.times.
measure () {
  name=$1
  shift
  find "$DATA" -type f -delete 2>/dev/null || true
  if ! KF_URL=$URL KF_KEY=$KEY KF_RATE=$RATE KENFILES_SERVER=$URL KENFILES_API_KEY=$KEY \
       "$TIME" -f '%e' -o "$WORK/time.txt" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
    echo "limit.sh: $name failed:" >&2
    tail -n 5 "$WORK/$name.err" >&2
    exit 1
  fi
  tail -n 1 "$WORK/time.txt" >>"$WORK/$name.times"
}

ONE=$WORK/one.bin
head -c $((SIZE * 1048576)) /dev/urandom >"$ONE"
QUARTERS=
for q in 1 2 3 4; do
  head -c $((SIZE * 1048576 / 4)) /dev/urandom >"$WORK/quarter$q.bin"
  QUARTERS="$QUARTERS $WORK/quarter$q.bin"
done

echo "KenFiles speed limit benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m), $(nproc) CPU"
echo "server: kenfiles-sandbox at $URL (loopback); limit $RATE ($RATE_BYTES bytes/s);" \
     "$SIZE MiB: target $TARGET s; $RUNS runs each, alternating"
echo

run=1
while [ $run -le "$RUNS" ]; do
  echo "run $run/$RUNS" >&2
  measure one-kenfiles "$CLI" upload --limit-rate "$RATE" "$ONE"
  KF_FILES=$ONE measure one-curl "$WORK/curl-upload.sh"
  # shellcheck disable=SC2086
  measure four-kenfiles "$CLI" upload --parallel 4 --limit-rate "$RATE" $QUARTERS
  KF_FILES=$QUARTERS measure four-curl "$WORK/curl-upload.sh"
  run=$((run + 1))
done

median () { sort -n "$WORK/$1.times" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
off () { awk -v t="$1" -v target="$TARGET" 'BEGIN { printf "%+.1f %%", (t - target) * 100 / target }'; }
within () { awk -v t="$1" -v target="$TARGET" 'BEGIN { d = (t - target) / target; if (d < 0) d = -d; print (d <= 0.05) ? "yes" : "NO" }'; }

printf '%-34s %10s %10s %10s\n' "measure (median)" "wall s" "vs target" "within 5%"
printf '%-34s %10s %10s %10s\n' "----------------------------------" "------" "---------" "---------"
for name in one-kenfiles one-curl four-kenfiles four-curl; do
  m=$(median "$name")
  case $name in
    one-*) what="1 x $SIZE MiB" ;;
    four-*) what="4 x $((SIZE / 4)) MiB at once" ;;
  esac
  printf '%-34s %10s %10s %10s\n' "${name#*-}, $what" "$m" "$(off "$m")" "$(within "$m")"
done
echo
echo "runs (wall seconds):"
for name in one-kenfiles one-curl four-kenfiles four-curl; do
  printf '  %-14s %s\n' "$name" "$(tr '\n' ' ' <"$WORK/$name.times")"
done
