#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The Flatpak manifests are ready for Flathub: flatpak-builder reads them, the
# release manifest builds a pinned commit, both ask for exactly the permissions
# the app needs, and the metainfo carries what the Flathub review asks for.
# TAP output.  Usage: check-manifest.sh SRCDIR VERSION
set -u

srcdir=${1:-$(dirname "$0")/../..}
version=${2:-}
app_id=com.kenfiles.Desktop
release=$srcdir/flatpak/$app_id.json
local_manifest=$srcdir/flatpak/$app_id.local.json
metainfo=$srcdir/data/$app_id.metainfo.xml.in.in
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

if ! command -v python3 >/dev/null 2>&1; then
  echo "1..0 # SKIP python3 not found"
  exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kf-manifest.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT INT TERM

# read_manifest FILE OUT: what flatpak-builder sees (its own parser), or the
# file itself where flatpak-builder is missing.
parser="the manifest files as JSON"
command -v flatpak-builder >/dev/null 2>&1 && parser="flatpak-builder --show-manifest"
read_manifest() {
  case $1 in /*) file=$1 ;; *) file=$PWD/$1 ;; esac
  if [ "$parser" = "flatpak-builder --show-manifest" ]; then
    # flatpak-builder leaves a .flatpak-builder state folder in its working directory.
    (cd "$tmp" && flatpak-builder --show-manifest "$file") >"$2" 2>"$2.err"
  else
    cat "$file" >"$2" 2>"$2.err"
  fi
}
for m in "$release" "$local_manifest"; do
  if [ ! -f "$m" ] || ! read_manifest "$m" "$tmp/$(basename "$m")"; then
    echo "1..1"
    echo "not ok 1 - flatpak-builder reads $m"
    sed 's/^/#   /' "$tmp/$(basename "$m").err" 2>/dev/null
    exit 1
  fi
done
echo "# reading $parser"

# One line "key<TAB>value" per fact; lists give one line per element.
facts() {
  python3 - "$1" <<'PY'
import json, re, sys
m = json.load(open(sys.argv[1]))
def out(k, v): print("%s\t%s" % (k, v))
for key in ("id", "command", "runtime", "runtime-version", "sdk"):
    out(key, m.get(key, m.get("app-id", "") if key == "id" else ""))
for a in m.get("finish-args", []): out("finish-arg", a)
mods = m.get("modules", [])
last = mods[-1] if mods else {}
if isinstance(last, dict):
    out("module-name", last.get("name", ""))
    out("module-buildsystem", last.get("buildsystem", ""))
    for s in last.get("sources", []):
        if isinstance(s, dict):
            out("module-source", "%s %s" % (s.get("type", ""), s.get("path", s.get("url", ""))))
            out("module-tag", s.get("tag", ""))
            out("module-commit", s.get("commit", ""))
# Every source of every module is pinned: git by commit, downloads by sha256.
def walk(mods):
    for mod in mods:
        if not isinstance(mod, dict):
            out("unpinned", "module file %s" % mod); continue
        for s in mod.get("sources", []):
            if not isinstance(s, dict):
                out("unpinned", "%s: source file %s" % (mod.get("name"), s)); continue
            t = s.get("type", "")
            if t == "git" and not re.fullmatch(r"[0-9a-f]{40}", s.get("commit", "")):
                out("unpinned", "%s: git %s without a full commit" % (mod.get("name"), s.get("url")))
            elif t in ("archive", "file") and "url" in s and not re.fullmatch(r"[0-9a-f]{64}", s.get("sha256", "")):
                out("unpinned", "%s: %s %s without sha256" % (mod.get("name"), t, s.get("url")))
            elif t == "dir":
                out("dir-source", "%s: %s" % (mod.get("name"), s.get("path")))
        walk(mod.get("modules", []))
walk(mods)
PY
}
tab=$(printf '\t')
rel_facts=$(facts "$tmp/$(basename "$release")") || { echo "1..1"; echo "not ok 1 - the release manifest is JSON"; exit 1; }
loc_facts=$(facts "$tmp/$(basename "$local_manifest")") || { echo "1..1"; echo "not ok 1 - the local manifest is JSON"; exit 1; }
fact() { printf '%s\n' "$rel_facts" | sed -n "s/^$1$tab//p"; }
loc_fact() { printf '%s\n' "$loc_facts" | sed -n "s/^$1$tab//p"; }

finish_args=$(fact finish-arg)
sorted_args=$(printf '%s\n' "$finish_args" | grep -v '^$' | LC_ALL=C sort)

echo "1..25"
check "app id is $app_id" "$(fact id)" "$app_id"
check "command is kenfiles-desktop" "$(fact command)" "kenfiles-desktop"
check "runtime is org.gnome.Platform" "$(fact runtime)" "org.gnome.Platform"
check "sdk is org.gnome.Sdk" "$(fact sdk)" "org.gnome.Sdk"
rv=$(fact runtime-version)
if printf '%s' "$rv" | grep -qxE '[0-9]+' && [ "$rv" -ge 51 ]; then
  ok "runtime is a numbered stable GNOME release, 51 or newer ($rv)"
else
  not_ok "runtime is a numbered stable GNOME release, 51 or newer"
  echo "#   got '$rv'"
fi
check "the app module is kenfiles-desktop" "$(fact module-name | tail -n 1)" "kenfiles-desktop"
check "the app module builds with meson" "$(fact module-buildsystem | tail -n 1)" "meson"
check "the app module is the project's public git repository" "$(fact module-source | tail -n 1)" \
  "git https://github.com/kenfiles/kenfiles-desktop.git"
if [ -n "$version" ]; then
  check "the release manifest builds the tag of this version" "$(fact module-tag | tail -n 1)" "v$version"
else
  ok "the release manifest builds the tag of this version # SKIP no version given"
fi
unpinned=$(fact unpinned; fact dir-source)
if [ -z "$unpinned" ]; then
  ok "every module of the release manifest is pinned (git commit or sha256)"
else
  not_ok "every module of the release manifest is pinned (git commit or sha256)"
  printf '%s\n' "$unpinned" | sed 's/^/#   /'
fi

# The pinned commit is one of ours, and the one its tag names once the tag exists.
commit=$(fact module-commit | tail -n 1)
tag=$(fact module-tag | tail -n 1)
if ! command -v git >/dev/null 2>&1 || ! git -C "$srcdir" rev-parse HEAD >/dev/null 2>&1; then
  ok "the pinned commit is in this repository # SKIP not a git checkout"
elif [ "$(git -C "$srcdir" rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
  ok "the pinned commit is in this repository # SKIP shallow clone"
elif tagged=$(git -C "$srcdir" rev-parse --verify -q "$tag^{commit}"); then
  check "the pinned commit is the one tag $tag names" "$commit" "$tagged"
elif git -C "$srcdir" cat-file -e "$commit^{commit}" 2>/dev/null; then
  ok "the pinned commit is in this repository (tag $tag not made yet)"
else
  not_ok "the pinned commit is in this repository"
  echo "#   $commit"
fi

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

# The local manifest builds this checkout and differs in nothing else.
same=$(printf '%s\n' "$rel_facts" | grep -vE "^(module-source|module-tag|module-commit|dir-source|unpinned)$tab")
loc_same=$(printf '%s\n' "$loc_facts" | grep -vE "^(module-source|module-tag|module-commit|dir-source|unpinned)$tab")
if [ "$same" = "$loc_same" ]; then
  ok "the local manifest has the release manifest's runtime, permissions and module"
else
  not_ok "the local manifest has the release manifest's runtime, permissions and module"
  diff "$(printf '%s\n' "$same" >"$tmp/a"; echo "$tmp/a")" "$(printf '%s\n' "$loc_same" >"$tmp/b"; echo "$tmp/b")" | sed 's/^/#   /'
fi
check "the local manifest builds this checkout" "$(loc_fact module-source | tail -n 1)" "dir .."

# What the Flathub review reads in the metainfo (appstreamcli validates it in the
# metainfo test): screenshots with captions, notes for this release, OARS.
meta=$(python3 - "$metainfo" "$version" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
version = sys.argv[2]
shots = root.findall("./screenshots/screenshot")
print("screenshots\t%d" % len(shots))
print("captions\t%d" % sum(1 for s in shots if (s.findtext("caption") or "").strip()))
print("default-shot\t%d" % sum(1 for s in shots if s.get("type") == "default"))
rels = root.findall("./releases/release")
newest = rels[0] if rels else None
print("newest-release\t%s" % (newest.get("version") if newest is not None else ""))
print("release-notes\t%d" % (1 if newest is not None and newest.find("description") is not None else 0))
print("release-date\t%s" % (newest.get("date", "") if newest is not None else ""))
cr = root.find("content_rating")
print("oars\t%s" % (cr.get("type") if cr is not None else ""))
print("launchable\t%s" % (root.findtext("launchable") or ""))
PY
) || { not_ok "the metainfo is XML"; exit 1; }
mfact() { printf '%s\n' "$meta" | sed -n "s/^$1$tab//p"; }
if [ "$(mfact screenshots)" -ge 1 ] && [ "$(mfact captions)" = "$(mfact screenshots)" ] && [ "$(mfact default-shot)" = 1 ]; then
  ok "metainfo: $(mfact screenshots) screenshots, each with a caption, one default"
else
  not_ok "metainfo: screenshots, each with a caption, one default"
  printf '%s\n' "$meta" | sed 's/^/#   /'
fi
if [ -n "$version" ]; then
  check "metainfo: the newest release is this version" "$(mfact newest-release)" "$version"
else
  ok "metainfo: the newest release is this version # SKIP no version given"
fi
if [ "$(mfact release-notes)" = 1 ] && printf '%s' "$(mfact release-date)" | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'; then
  ok "metainfo: the newest release has a date and release notes"
else
  not_ok "metainfo: the newest release has a date and release notes"
fi
check "metainfo: OARS content rating" "$(mfact oars)" "oars-1.1"
check "metainfo: launchable is the desktop file" "$(mfact launchable)" "@APP_ID@.desktop"

exit "$status"
