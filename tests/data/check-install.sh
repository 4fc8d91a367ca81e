#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `meson install` into a temporary DESTDIR yields a working app: binaries that run, desktop
# file, metainfo, icons, D-Bus service, a schema that compiles, and the German catalogue that
# the installed binary really uses.  TAP output.
#   check-install.sh BUILDDIR PREFIX BINDIR DATADIR LOCALEDIR VERSION APP(true|false)
set -u

if [ $# -ne 7 ]; then
  echo "Bail out! usage: $0 BUILDDIR PREFIX BINDIR DATADIR LOCALEDIR VERSION APP"
  exit 1
fi
builddir=$1 prefix=$2 bindir=$3 datadir=$4 localedir=$5 version=$6 app=$7
app_id=com.kenfiles.Desktop
domain=kenfiles-desktop

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kf-install.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT INT TERM
dest=$tmp/dest
# Files land in DESTDIR + their absolute installed path.
d() { printf '%s%s' "$dest" "$1"; }

n=0
status=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; status=1; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
comment() { sed 's/^/#   /'; }
file_ok() { if [ -f "$2" ]; then ok "$1"; else not_ok "$1"; echo "#   missing: $2"; fi; }
output_ok() {  # NAME WANT COMMAND...: COMMAND succeeds and prints WANT
  name=$1 want=$2
  shift 2
  if out=$("$@" 2>&1) && printf '%s\n' "$out" | grep -qF -- "$want"; then
    ok "$name"
  else
    not_ok "$name"
    echo "#   want a line with: $want"
    printf '%s\n' "$out" | head -n 20 | comment
  fi
}

# German look-ups run in de_DE.UTF-8: glibc ignores LANGUAGE in the C locale, and newer glibc
# (Debian 13's) in C.UTF-8 too. build-aux/install-deps.sh generates the locale.
de_locale=""
if locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; then
  de_locale=de_DE.UTF-8
fi
german() {  # NAME WANT COMMAND...: output_ok in the German locale
  if [ -z "$de_locale" ]; then
    not_ok "$1"
    echo "#   no de_DE.UTF-8 locale: build-aux/install-deps.sh generates it"
    return
  fi
  name=$1 want=$2
  shift 2
  if [ "$1" = run_installed ]; then
    shift
    output_ok "$name" "$want" run_installed env LANGUAGE= LC_ALL="$de_locale" "$@"
  else
    output_ok "$name" "$want" env LANGUAGE= LC_ALL="$de_locale" "$@"
  fi
}

# The compiled schema is not installed under a DESTDIR (gnome.post_install skips it, as
# packagers' triggers and flatpak-builder compile it), so the test compiles it like they do.
schemadir=$(d "$datadir/glib-2.0/schemas")

echo "1..16"

if meson install -C "$builddir" --destdir "$dest" --no-rebuild >"$tmp/install.log" 2>&1; then
  ok "meson install --destdir"
else
  not_ok "meson install --destdir"
  tail -n 30 "$tmp/install.log" | comment
  echo "Bail out! nothing installed"
  exit 1
fi

output_ok "installed kenfiles --version" "kenfiles $version" \
  env -u KENFILES_API_KEY "$(d "$bindir/kenfiles")" --version

file_ok "settings schema installed" "$schemadir/$app_id.gschema.xml"
if out=$(glib-compile-schemas --strict "$schemadir" 2>&1) && [ -f "$schemadir/gschemas.compiled" ]; then
  ok "installed schema compiles (--strict)"
else
  not_ok "installed schema compiles (--strict)"
  printf '%s\n' "$out" | comment
fi

file_ok "German catalogue installed" "$(d "$localedir/de/LC_MESSAGES/$domain.mo")"
if command -v gettext >/dev/null 2>&1; then
  german "the installed catalogue translates to German" "Befehle:" \
    env TEXTDOMAINDIR="$(d "$localedir")" gettext -d "$domain" "Commands:"
else
  skip "the installed catalogue translates to German" "gettext(1) not found"
fi

# The binary opens LOCALEDIR by its configured absolute path, so it only sees the DESTDIR
# files when they appear at PREFIX: a private mount namespace puts them there.
overlay=""
if [ -d "$prefix" ]; then
  if command -v bwrap >/dev/null 2>&1 &&
     bwrap --dev-bind / / --bind "$(d "$prefix")" "$prefix" -- true >/dev/null 2>&1; then
    overlay=bwrap
  elif command -v unshare >/dev/null 2>&1 &&
       unshare --mount --map-root-user sh -c 'mount --bind "$1" "$2"' sh "$(d "$prefix")" "$prefix" >/dev/null 2>&1; then
    overlay=unshare
  fi
fi
run_installed() {
  case $overlay in
    bwrap) bwrap --dev-bind / / --bind "$(d "$prefix")" "$prefix" -- "$@" ;;
    unshare) unshare --mount --map-root-user sh -c 'src=$1 dst=$2; shift 2; mount --bind "$src" "$dst" && exec "$@"' \
               sh "$(d "$prefix")" "$prefix" "$@" ;;
  esac
}
if [ -n "$overlay" ]; then
  german "installed kenfiles --help speaks German" \
    "Ihr KenFiles-Konto auf der Befehlszeile verwenden." \
    run_installed "$bindir/kenfiles" --help
else
  skip "installed kenfiles --help speaks German" \
    "no bwrap or unshare to show the DESTDIR at $prefix"
fi

if [ "$app" != true ]; then
  for what in "kenfiles-desktop --version" "kenfiles-desktop --help in German" "desktop file" \
      "desktop file translated" "D-Bus service" "metainfo" "metainfo translated" \
      "application icon" "symbolic icon"; do
    skip "$what" "built without the desktop app"
  done
  exit "$status"
fi

output_ok "installed kenfiles-desktop --version" "kenfiles-desktop $version" \
  env GSETTINGS_SCHEMA_DIR="$schemadir" "$(d "$bindir/kenfiles-desktop")" --version
if [ -n "$overlay" ]; then
  german "installed kenfiles-desktop --help speaks German" \
    "Einen lokalen Testserver starten" \
    run_installed env GSETTINGS_SCHEMA_DIR="$schemadir" "$bindir/kenfiles-desktop" --help
else
  skip "installed kenfiles-desktop --help speaks German" \
    "no bwrap or unshare to show the DESTDIR at $prefix"
fi

desktop=$(d "$datadir/applications/$app_id.desktop")
out=""
if [ -f "$desktop" ] && grep -qxF "Exec=kenfiles-desktop %U" "$desktop" &&
   { ! command -v desktop-file-validate >/dev/null 2>&1 || out=$(desktop-file-validate "$desktop" 2>&1); }; then
  ok "desktop file installed, valid, opens files"
else
  not_ok "desktop file installed, valid, opens files"
  echo "#   $desktop"
  printf '%s\n' "$out" | comment
fi
if grep -qF "Comment[de]=Dateien auf KenFiles hochladen" "$desktop" 2>/dev/null; then
  ok "desktop file carries the German translation"
else
  not_ok "desktop file carries the German translation"
fi

service=$(d "$datadir/dbus-1/services/$app_id.service")
if grep -qxF "Exec=$bindir/kenfiles-desktop --gapplication-service" "$service" 2>/dev/null; then
  ok "D-Bus service starts the installed binary"
else
  not_ok "D-Bus service starts the installed binary"
  echo "#   $service"
fi

metainfo=$(d "$datadir/metainfo/$app_id.metainfo.xml")
file_ok "metainfo installed" "$metainfo"
if grep -qF 'xml:lang="de"' "$metainfo" 2>/dev/null; then
  ok "metainfo carries the German translation"
else
  not_ok "metainfo carries the German translation"
fi

file_ok "application icon installed" "$(d "$datadir/icons/hicolor/scalable/apps/$app_id.svg")"
file_ok "symbolic icon installed" "$(d "$datadir/icons/hicolor/symbolic/apps/$app_id-symbolic.svg")"

exit "$status"
