#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs "$@" in a private D-Bus session with its own unlocked gnome-keyring
# and fresh HOME/XDG folders, so tests never touch the user's real keyring
# or data. Needs no display and works as root. Keeps the command's exit code.

set -u

if [ "${KF_WITH_KEYRING_INNER:-}" != "1" ]; then
  if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
  fi

  tmp=$(mktemp -d "${TMPDIR:-/tmp}/kenfiles-keyring.XXXXXX") || exit 99
  chmod 0700 "$tmp"
  mkdir -m 0700 "$tmp/home" "$tmp/runtime" "$tmp/data" "$tmp/config" "$tmp/cache"

  # dbus-run-session stops its bus when the command ends; whatever happens
  # the temporary folder goes too.
  trap 'rm -rf "$tmp"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  env -u DBUS_SESSION_BUS_ADDRESS -u GNOME_KEYRING_CONTROL -u DISPLAY -u WAYLAND_DISPLAY \
    KF_WITH_KEYRING_INNER=1 \
    HOME="$tmp/home" \
    XDG_RUNTIME_DIR="$tmp/runtime" \
    XDG_DATA_HOME="$tmp/data" \
    XDG_CONFIG_HOME="$tmp/config" \
    XDG_CACHE_HOME="$tmp/cache" \
    dbus-run-session -- /bin/sh "$0" "$@"
  exit $?
fi

unset KF_WITH_KEYRING_INNER

# In the foreground the daemon stays our child, so we can stop it and reap
# it instead of leaving it to whoever adopts orphans.
keyring_env="$XDG_RUNTIME_DIR/keyring.env"
# The daemon gets none of the test's debugging variables: with the test
# suite's MALLOC_PERTURB_ it crashes when an item is replaced, and the
# sanitizer options (and suppression files) are for our programs only.
echo "" | env -u MALLOC_PERTURB_ -u G_DEBUG -u G_MESSAGES_DEBUG -u G_SLICE \
  -u ASAN_OPTIONS -u LSAN_OPTIONS -u UBSAN_OPTIONS \
  gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$keyring_env" 2>"$XDG_RUNTIME_DIR/keyring.log" &
keyring_pid=$!

# Wait until the daemon owns the secret service name on our bus.
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.GetNameOwner string:org.freedesktop.secrets >/dev/null 2>&1; do
  i=$((i + 1))
  if [ $i -gt 100 ] || ! kill -0 "$keyring_pid" 2>/dev/null; then
    echo "with-keyring.sh: gnome-keyring-daemon did not start:" >&2
    cat "$XDG_RUNTIME_DIR/keyring.log" >&2
    exit 99
  fi
  sleep 0.1
done

# The daemon prints NAME=VALUE lines (e.g. GNOME_KEYRING_CONTROL).
while IFS= read -r line; do
  case "$line" in
    GNOME_KEYRING_*=*|SSH_AUTH_SOCK=*) export "$line" ;;
  esac
done <"$keyring_env"

"$@"
status=$?

kill "$keyring_pid" 2>/dev/null
wait "$keyring_pid" 2>/dev/null
exit $status
