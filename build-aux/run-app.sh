#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what is missing, builds, and runs KenFiles Desktop against the
# local sandbox server (no account needed).
set -eu
cd "$(dirname "$0")/.."
sh build-aux/install-deps.sh
[ -f _build/build.ninja ] || meson setup _build
meson compile -C _build

if [ -x _build/src/app/kenfiles-desktop ]; then
  # devenv finds the compiled settings schema and resources in the build tree.
  exec meson devenv -C _build src/app/kenfiles-desktop --sandbox "$@"
fi

# Without the desktop app: start the sandbox and use it from the command line.
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
_build/src/sandbox/kenfiles-sandbox > "$tmp/sandbox.out" &
pid=$!
while ! grep -q '^Key:' "$tmp/sandbox.out" 2>/dev/null; do sleep 0.1; done
KENFILES_SERVER=$(sed -n 's/^URL: //p' "$tmp/sandbox.out")
KENFILES_API_KEY=$(sed -n 's/^Key: //p' "$tmp/sandbox.out")
export KENFILES_SERVER KENFILES_API_KEY
echo "Sandbox server at $KENFILES_SERVER"
_build/src/cli/kenfiles account
head -c 1048576 /dev/urandom > "$tmp/example.bin"
_build/src/cli/kenfiles upload "$tmp/example.bin"
