#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Upload benchmark (not a test): `kenfiles upload` against the API page's
# own two curl steps, both talking to kenfiles-sandbox on loopback.
#
#   tests/bench/upload.sh BUILD_DIR        (e.g. tests/bench/upload.sh _build)
#
# Builds nothing. Environment: RUNS (default 3), N_SMALL (default 1000),
# BIG_SIZE (default 2G), KEEP=1 to keep the work folder.
# Needs curl, /usr/bin/time (GNU time) and about 2x BIG_SIZE of free disk
# for the sandbox's stored copies (removed between runs).

set -eu

BUILD=${1:?usage: $0 BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
RUNS=${RUNS:-3}
N_SMALL=${N_SMALL:-1000}
BIG_SIZE=${BIG_SIZE:-2G}
SANDBOX=$BUILD/src/sandbox/kenfiles-sandbox
CLI=$BUILD/src/cli/kenfiles
TIME=/usr/bin/time

for tool in curl "$TIME" "$SANDBOX"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "upload.sh: $tool is missing" >&2
    exit 1
  fi
done

# --- the sandbox -----------------------------------------------------------

. "$(dirname "$0")/kf-bench-sandbox.sh"
kf_bench_start upload "$SANDBOX"
mkdir -p "$WORK/small"

HAVE_CLI=0
if [ -x "$CLI" ] && KENFILES_SERVER=$URL KENFILES_API_KEY=$KEY "$CLI" account >/dev/null 2>&1; then
  HAVE_CLI=1
fi

# --- the two sides ---------------------------------------------------------

# The API page's step 1 and step 2 for one file, as a user would type them.
cat >"$WORK/curl-upload.sh" <<'EOF'
#!/bin/sh
set -eu
for file in "$@"; do
  answer=$(curl -s "$KF_URL/api/upload/server?key=$KF_KEY")
  sess=$(printf '%s' "$answer" | sed -n 's/.*"sess_id"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
  upload_url=$(printf '%s' "$answer" | sed -n 's/.*"result"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' | sed 's#\\/#/#g')
  out=$(curl -s -S --fail -F "sess_id=$sess" -F "utype=prem" -F "file_0=@$file" "$upload_url")
  case "$out" in
    *file_code*) ;;
    *) echo "curl upload failed: $out" >&2; exit 1 ;;
  esac
done
EOF
chmod +x "$WORK/curl-upload.sh"

# Each measurement starts with the previous copies gone and written back,
# so neither side pays for the other's disk writes.
clear_stored () {
  find "$DATA" -type f -delete 2>/dev/null || true
  sync
}

# measure NAME CMD...: runs CMD under GNU time; appends "seconds kib" to
# $WORK/NAME.times.
measure () {
  name=$1
  shift
  clear_stored
  if ! KF_URL=$URL KF_KEY=$KEY KENFILES_SERVER=$URL KENFILES_API_KEY=$KEY \
       "$TIME" -v -o "$WORK/time.txt" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
    echo "upload.sh: $name failed:" >&2
    tail -n 5 "$WORK/$name.err" >&2
    exit 1
  fi
  awk -F': ' '
    /Elapsed \(wall clock\)/ {
      n = split ($2, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
      wall = s
    }
    /Maximum resident set size/ { rss = $2 }
    END { printf "%.3f %d\n", wall, rss }' "$WORK/time.txt" >>"$WORK/$name.times"
}

mean_wall () { awk '{ s += $1; n++ } END { if (n) printf "%.2f", s / n; else print "-" }' "$WORK/$1.times"; }
max_rss_mib () { awk '$2 > m { m = $2 } END { if (NR) printf "%.1f", m / 1024; else print "-" }' "$WORK/$1.times"; }
ratio () { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }

# --- runs ------------------------------------------------------------------

BIG=$WORK/big.bin
MID=$WORK/mid.bin
truncate -s "$BIG_SIZE" "$BIG"
# The first read of a sparse file fills the page cache; keep that out of
# whichever side happens to go first.
cat "$BIG" >/dev/null
head -c 16777216 /dev/urandom >"$MID"
head -c 65536 /dev/urandom >"$WORK/chunk"
n=1
while [ $n -le "$N_SMALL" ]; do
  # Distinct contents per file, so nothing can be deduplicated.
  { printf '%08d' "$n"; tail -c +9 "$WORK/chunk"; } >"$WORK/small/f$(printf '%04d' "$n").bin"
  n=$((n + 1))
done

echo "KenFiles upload benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m), $(nproc) CPU"
echo "server: kenfiles-sandbox at $URL (loopback); $RUNS runs each, alternating"
[ $HAVE_CLI = 1 ] || echo "note: $CLI is missing or cannot reach the sandbox; only the curl side is measured"
echo

run=1
while [ $run -le "$RUNS" ]; do
  echo "run $run/$RUNS: $BIG_SIZE sparse file" >&2
  # Alternate who goes first, so a warm-up effect hits both sides.
  if [ $((run % 2)) = 0 ]; then
    measure big-curl "$WORK/curl-upload.sh" "$BIG"
  fi
  [ $HAVE_CLI = 1 ] && measure big-kenfiles "$CLI" upload "$BIG"
  if [ $((run % 2)) = 1 ]; then
    measure big-curl "$WORK/curl-upload.sh" "$BIG"
  fi
  run=$((run + 1))
done

if [ $HAVE_CLI = 1 ]; then
  echo "16 MiB file" >&2
  measure mid-kenfiles "$CLI" upload "$MID"
fi

echo "$N_SMALL files of 64 KiB" >&2
[ $HAVE_CLI = 1 ] && measure small-kenfiles "$CLI" upload "$WORK"/small/*.bin
measure small-curl "$WORK/curl-upload.sh" "$WORK"/small/*.bin

for name in big-kenfiles mid-kenfiles small-kenfiles; do
  [ -f "$WORK/$name.times" ] || : >"$WORK/$name.times"
done

BIG_K=$(mean_wall big-kenfiles)
BIG_C=$(mean_wall big-curl)
SMALL_K=$(mean_wall small-kenfiles)
SMALL_C=$(mean_wall small-curl)
RSS_BIG_K=$(max_rss_mib big-kenfiles)
RSS_BIG_C=$(max_rss_mib big-curl)
RSS_MID_K=$(max_rss_mib mid-kenfiles)

printf '%-34s %14s %14s %10s\n' "measure" "kenfiles" "curl (2 steps)" "ratio k/c"
printf '%-34s %14s %14s %10s\n' "----------------------------------" "--------------" "--------------" "----------"
printf '%-34s %12s s %12s s %10s\n' "$BIG_SIZE sparse: wall, mean of $RUNS" "$BIG_K" "$BIG_C" "$(ratio "$BIG_K" "$BIG_C")"
printf '%-34s %10s MiB %10s MiB %10s\n' "$BIG_SIZE sparse: peak RSS, max" "$RSS_BIG_K" "$RSS_BIG_C" ""
printf '%-34s %10s MiB %14s %10s\n' "16 MiB file: peak RSS" "$RSS_MID_K" "" ""
printf '%-34s %12s s %12s s %10s\n' "$N_SMALL x 64 KiB: wall" "$SMALL_K" "$SMALL_C" "$(ratio "$SMALL_K" "$SMALL_C")"
echo
echo "runs (seconds, peak RSS KiB):"
for name in big-kenfiles big-curl mid-kenfiles small-kenfiles small-curl; do
  printf '  %-15s %s\n' "$name" "$(tr '\n' ';' <"$WORK/$name.times")"
done
echo

verdict () { if [ "$1" = 1 ]; then echo "met"; else echo "NOT met"; fi; }
if [ $HAVE_CLI = 1 ]; then
  t1=$(awk -v k="$BIG_K" -v c="$BIG_C" 'BEGIN { print (k <= c) ? 1 : 0 }')
  t2=$(awk -v b="$RSS_BIG_K" -v m="$RSS_MID_K" 'BEGIN { print (b - m <= 8) ? 1 : 0 }')
  t3=$(awk -v k="$SMALL_K" -v c="$SMALL_C" 'BEGIN { print (k * 3 <= c) ? 1 : 0 }')
  echo "targets:"
  echo "  $BIG_SIZE wall time at most curl's:                $(verdict "$t1")"
  echo "  $BIG_SIZE peak RSS within 8 MiB of the 16 MiB run: $(verdict "$t2")"
  echo "  $N_SMALL files in at most a third of curl's time: $(verdict "$t3")"
fi
