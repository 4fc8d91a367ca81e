#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian packages needed to build, run and test KenFiles Desktop,
# only those that are missing, on Debian 12 (bookworm) and Debian 13 (trixie).
# Run as root. --fuzz adds what the fuzz leg (build-aux/ci-fuzz.sh) needs.
set -eu

# at-spi2-core: the accessibility bus that GTK connects to (GTK warns, fatally
# under G_DEBUG=fatal-warnings, when it cannot be started).
# locales: the German locale that the translation tests run in.
# git, xz-utils: `meson dist` (the dist test).
# libxml2-utils: xmllint, which glib-compile-resources uses to strip the .ui files.
# ca-certificates: the system trust that TLS verification needs (glib-networking
# warns, fatally in the tests, when it is empty, as in a minimal Debian 13 root).
packages="
  meson ninja-build pkg-config gcc libc6-dev gettext
  libglib2.0-dev libglib2.0-bin libsoup-3.0-dev libjson-glib-dev libsecret-1-dev zlib1g-dev
  libgtk-4-dev libadwaita-1-dev
  desktop-file-utils appstream flatpak-builder bubblewrap
  adwaita-icon-theme fonts-cantarell
  xvfb xauth xdotool dbus dbus-x11 gnome-keyring at-spi2-core
  locales git xz-utils libxml2-utils
  curl time python3 ca-certificates
"
# clang, and libFuzzer with the sanitizer runtimes (libclang-rt-dev, which
# clang only recommends).
if [ "${1:-}" = "--fuzz" ]; then
  packages="$packages clang libclang-rt-dev"
fi

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "Installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing
fi

# The translation tests look strings up in de_DE.UTF-8: newer glibc (Debian
# 13's 2.41) ignores LANGUAGE in C.UTF-8, as every glibc does in C, so a
# real German locale is needed.
if ! locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; then
  echo "Generating the de_DE.UTF-8 locale"
  if ! grep -q '^de_DE\.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
    echo 'de_DE.UTF-8 UTF-8' >>/etc/locale.gen
  fi
  locale-gen
fi
