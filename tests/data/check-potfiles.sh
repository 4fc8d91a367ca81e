#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every file with translatable strings is in po/POTFILES.in (or po/POTFILES.skip),
# and every POTFILES.in entry exists.  TAP output.
#   check-potfiles.sh SRCDIR          run the check
#   check-potfiles.sh --list SRCDIR   print the files POTFILES.in should list
set -u

list_only=0
if [ "${1-}" = "--list" ]; then
  list_only=1
  shift
fi
srcdir=${1:-$(dirname "$0")/../..}
cd "$srcdir" || { echo "Bail out! cannot enter $srcdir"; exit 1; }

# _() N_() C_() NC_() Q_() and the plural forms, not as the tail of a longer name.
c_marks='(^|[^[:alnum:]_])(N?C?_|Q_|ngettext|g_dngettext|g_dpgettext2?)[[:space:]]*\('

translatable_files() {
  find src data -type f \( -name '*.c' -o -name '*.h' \) -print 2>/dev/null |
    while IFS= read -r f; do
      grep -qE "$c_marks" "$f" && printf '%s\n' "$f"
    done
  find src data -type f -name '*.ui' -print 2>/dev/null |
    while IFS= read -r f; do
      grep -q 'translatable="yes"' "$f" && printf '%s\n' "$f"
    done
  # Templates and schemas carry translatable keys by their format, not by a marker.
  find src data -type f \( -name '*.desktop.in' -o -name '*.desktop.in.in' \
      -o -name '*.metainfo.xml.in' -o -name '*.metainfo.xml.in.in' \
      -o -name '*.gschema.xml' \) -print 2>/dev/null
}

entries() {
  [ -f "$1" ] || return 0
  sed -e 's/#.*//' -e 's/^\[[^]]*\][[:space:]]*//' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' "$1" |
    grep -v '^$'
}

expected=$(translatable_files | LC_ALL=C sort -u)

if [ "$list_only" -eq 1 ]; then
  printf '%s\n' "$expected"
  exit 0
fi

if [ ! -f po/POTFILES.in ]; then
  echo "1..1"
  echo "not ok 1 - po/POTFILES.in exists"
  exit 1
fi

listed=$(entries po/POTFILES.in | LC_ALL=C sort)
skipped=$(entries po/POTFILES.skip | LC_ALL=C sort -u)
known=$(printf '%s\n%s\n' "$listed" "$skipped" | grep -v '^$' | LC_ALL=C sort -u)

status=0
echo "1..4"

missing=$(printf '%s\n' "$expected" | grep -v '^$' | while IFS= read -r f; do
  printf '%s\n' "$known" | grep -qxF "$f" || printf '%s\n' "$f"
done)
if [ -z "$missing" ]; then
  echo "ok 1 - every file with translatable strings is in po/POTFILES.in"
else
  echo "not ok 1 - files with translatable strings missing from po/POTFILES.in"
  printf '%s\n' "$missing" | sed 's/^/#   /'
  status=1
fi

gone=$(printf '%s\n' "$listed" | grep -v '^$' | while IFS= read -r f; do
  [ -f "$f" ] || printf '%s\n' "$f"
done)
if [ -z "$gone" ]; then
  echo "ok 2 - every po/POTFILES.in entry exists"
else
  echo "not ok 2 - po/POTFILES.in lists files that do not exist"
  printf '%s\n' "$gone" | sed 's/^/#   /'
  status=1
fi

dups=$(printf '%s\n' "$listed" | grep -v '^$' | uniq -d)
if [ -z "$dups" ]; then
  echo "ok 3 - no duplicate po/POTFILES.in entries"
else
  echo "not ok 3 - duplicate po/POTFILES.in entries"
  printf '%s\n' "$dups" | sed 's/^/#   /'
  status=1
fi

both=$(printf '%s\n' "$listed" | grep -v '^$' | while IFS= read -r f; do
  printf '%s\n' "$skipped" | grep -qxF "$f" && printf '%s\n' "$f"
done)
if [ -z "$both" ]; then
  echo "ok 4 - no file is both in po/POTFILES.in and po/POTFILES.skip"
else
  echo "not ok 4 - files in both po/POTFILES.in and po/POTFILES.skip"
  printf '%s\n' "$both" | sed 's/^/#   /'
  status=1
fi

exit "$status"
