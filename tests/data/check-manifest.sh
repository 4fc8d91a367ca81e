#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The Flatpak manifest asks for exactly the permissions the app needs and nothing broader.
# TAP output.  Usage: check-manifest.sh SRCDIR
set -u

srcdir=${1:-$(dirname "$0")/../..}
app_id=com.kenfiles.Desktop
manifest=$srcdir/flatpak/$app_id.json
allowed='--device=dri
--share=ipc
--share=network
--socket=fallback-x11
--socket=wayland'

n=0
status=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; status=1; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; echo "#   got '$2', want '$3'"; fi; }

if [ ! -f "$manifest" ]; then
  echo "1..1"
  echo "not ok 1 - $manifest exists"
  exit 1
fi

# Use flatpak-builder's own parser when there is one, so the test sees what a build would see.
if command -v flatpak-builder >/dev/null 2>&1; then
  parser="flatpak-builder --show-manifest"
  # flatpak-builder leaves a .flatpak-builder state folder in its working directory.
  state=$(mktemp -d "${TMPDIR:-/tmp}/kf-manifest.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
  trap 'rm -rf "$state"' EXIT INT TERM
  case $manifest in /*) ;; *) manifest=$PWD/$manifest ;; esac
  if ! json=$(cd "$state" && flatpak-builder --show-manifest "$manifest" 2>&1); then
    echo "1..1"
    echo "not ok 1 - flatpak-builder parses the manifest"
    printf '%s\n' "$json" | sed 's/^/#   /'
    exit 1
  fi
else
  parser="the manifest file as JSON"
  json=$(cat "$manifest")
fi
echo "# reading $parser"

# Prints one line "key<TAB>value" per fact; lists print one line per element.
extract_python() {
  python3 -c '
import json, sys
m = json.load(sys.stdin)
def out(k, v): print("%s\t%s" % (k, v))
out("id", m.get("id", m.get("app-id", "")))
out("command", m.get("command", ""))
out("runtime", m.get("runtime", ""))
out("sdk", m.get("sdk", ""))
for a in m.get("finish-args", []): out("finish-arg", a)
mods = m.get("modules", [])
last = mods[-1] if mods else {}
if isinstance(last, dict):
    out("module-name", last.get("name", ""))
    out("module-buildsystem", last.get("buildsystem", ""))
    for s in last.get("sources", []):
        if isinstance(s, dict): out("module-source", "%s %s" % (s.get("type", ""), s.get("path", "")))
'
}

# Without python3: flatpak-builder's output and our manifest put one key or list item per line.
extract_grep() {
  printf '%s\n' "$json" | sed -n \
    -e 's/^ *"\(id\|app-id\)" *: *"\([^"]*\)".*/id\t\2/p' \
    -e 's/^ *"\(command\|runtime\|sdk\)" *: *"\([^"]*\)".*/\1\t\2/p'
  printf '%s\n' "$json" | sed -n '/"finish-args" *: *\[/,/\]/p' |
    sed -n 's/^ *"\([^"]*\)",\{0,1\} *$/finish-arg\t\1/p'
  printf '%s\n' "$json" | sed -n 's/^ *"name" *: *"\([^"]*\)".*/module-name\t\1/p' | tail -n 1
  printf '%s\n' "$json" | sed -n 's/^ *"buildsystem" *: *"\([^"]*\)".*/module-buildsystem\t\1/p' | tail -n 1
  if printf '%s\n' "$json" | grep -qE '"type" *: *"dir"' &&
     printf '%s\n' "$json" | grep -qE '"path" *: *"\.\."'; then
    printf 'module-source\tdir ..\n'
  fi
}

tab=$(printf '\t')
if command -v python3 >/dev/null 2>&1; then
  if ! facts=$(printf '%s\n' "$json" | extract_python 2>&1); then
    echo "1..1"
    echo "not ok 1 - the manifest is valid JSON"
    printf '%s\n' "$facts" | sed 's/^/#   /'
    exit 1
  fi
else
  echo "# python3 not found: reading the manifest line by line"
  facts=$(extract_grep)
fi
fact() { printf '%s\n' "$facts" | sed -n "s/^$1$tab//p"; }

finish_args=$(fact finish-arg)
sorted_args=$(printf '%s\n' "$finish_args" | grep -v '^$' | LC_ALL=C sort)

echo "1..14"
check "app id is $app_id" "$(fact id)" "$app_id"
check "command is kenfiles-desktop" "$(fact command)" "kenfiles-desktop"
check "runtime is org.gnome.Platform" "$(fact runtime)" "org.gnome.Platform"
check "sdk is org.gnome.Sdk" "$(fact sdk)" "org.gnome.Sdk"
check "the app module is kenfiles-desktop" "$(fact module-name | tail -n 1)" "kenfiles-desktop"
check "the app module builds with meson" "$(fact module-buildsystem | tail -n 1)" "meson"
check "the app module is built from this repository" "$(fact module-source | tail -n 1)" "dir .."

if [ "$sorted_args" = "$allowed" ]; then
  ok "finish-args are exactly network, ipc, wayland, fallback-x11, dri"
else
  not_ok "finish-args are exactly network, ipc, wayland, fallback-x11, dri"
  printf '%s\n' "$finish_args" | sed 's/^/#   got: /'
fi

# Each broader permission gets its own line so a failure names what crept in.
forbid() {
  found=$(printf '%s\n' "$finish_args" | grep -E -- "$2" | grep -vxE -- "${3:-^$}" || true)
  if [ -z "$found" ]; then
    ok "$1"
  else
    not_ok "$1"
    printf '%s\n' "$found" | sed 's/^/#   found: /'
  fi
}
forbid "no filesystem access" '^--(filesystem|persist)'
forbid "no D-Bus names beyond the portals" '^--(talk|own|system-talk|system-own)-name'
forbid "no socket beyond wayland and fallback-x11" '^--socket=' '--socket=(wayland|fallback-x11)'
forbid "no device beyond dri" '^--device=' '--device=dri'
forbid "no share beyond network and ipc" '^--share=' '--share=(network|ipc)'
forbid "no extra environment or features" '^--(env|allow|unset-env)'

exit "$status"
