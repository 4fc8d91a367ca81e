#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `meson dist` makes a tarball of the committed tree that configures and
# builds on its own.  TAP output.
#   check-dist.sh BUILDDIR
set -u

builddir=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kf-dist.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "1..3"
if ! command -v git >/dev/null 2>&1 || ! git -C "$(dirname "$0")" rev-parse HEAD >/dev/null 2>&1; then
  for i in 1 2 3; do echo "ok $i - dist # SKIP not a git checkout"; done
  exit 0
fi

# --allow-dirty: the tarball is made from HEAD either way; a developer's
# uncommitted edits only make meson refuse, they do not go in.
if meson dist -C "$builddir" --no-tests --allow-dirty --formats xztar >"$tmp/dist.log" 2>&1; then
  echo "ok 1 - meson dist made a tarball"
else
  echo "not ok 1 - meson dist made a tarball"; sed 's/^/#   /' "$tmp/dist.log"; exit 1
fi

tarball=$(ls "$builddir"/meson-dist/*.tar.xz | head -n 1)
mkdir "$tmp/src"
tar -xJf "$tarball" -C "$tmp/src" --strip-components=1
if meson setup "$tmp/build" "$tmp/src" >"$tmp/setup.log" 2>&1; then
  echo "ok 2 - the tarball configures"
else
  echo "not ok 2 - the tarball configures"; sed 's/^/#   /' "$tmp/setup.log"; exit 1
fi
if meson compile -C "$tmp/build" >"$tmp/compile.log" 2>&1; then
  echo "ok 3 - the tarball builds"
else
  echo "not ok 3 - the tarball builds"; tail -n 30 "$tmp/compile.log" | sed 's/^/#   /'; exit 1
fi
