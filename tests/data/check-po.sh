#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every language in po/LINGUAS is complete and its format strings match the English ones, and
# the catalogue meson built translates.  TAP output.  Usage: check-po.sh SRCDIR BUILDDIR DOMAIN
set -u

srcdir=$1 builddir=$2 domain=$3
langs=$(sed -e 's/#.*//' "$srcdir/po/LINGUAS" | tr -s ' \t' '\n\n' | grep -v '^$')
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kf-po.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
status=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; status=1; }

echo "1..$(($(printf '%s\n' "$langs" | wc -l) * 2 + 1))"

for lang in $langs; do
  if stats=$(LC_ALL=C msgfmt --check-format -c --statistics -o "$tmp/$lang.mo" "$srcdir/po/$lang.po" 2>&1) &&
     ! printf '%s\n' "$stats" | grep -qE 'fuzzy|untranslated'; then
    ok "$lang.po: $stats"
  else
    not_ok "$lang.po is complete and msgfmt -c --check-format passes"
    printf '%s\n' "$stats" | sed 's/^/#   /'
  fi
  if [ -f "$builddir/po/$lang/LC_MESSAGES/$domain.mo" ]; then
    ok "$lang catalogue built in the build tree"
  else
    not_ok "$lang catalogue built in the build tree"
  fi
done

# One known string through the built German catalogue, as the programs look it up, in a
# German locale: glibc ignores LANGUAGE in the C locale, and newer glibc in C.UTF-8 too.
if ! command -v gettext >/dev/null 2>&1; then
  n=$((n + 1)); echo "ok $n - German lookup # SKIP gettext(1) not found"
elif ! locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; then
  not_ok "German lookup through the built catalogue"
  echo "#   no de_DE.UTF-8 locale: build-aux/install-deps.sh generates it"
elif out=$(TEXTDOMAINDIR="$builddir/po" LANGUAGE= LC_ALL=de_DE.UTF-8 gettext -d "$domain" "Upload files and print their links") &&
     [ "$out" = "Dateien hochladen und ihre Links ausgeben" ]; then
  ok "German lookup through the built catalogue"
else
  not_ok "German lookup through the built catalogue"
  echo "#   got: $out"
fi

exit "$status"
