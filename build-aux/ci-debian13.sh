#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# CI leg "debian13": the whole test suite in a Debian 13 (trixie) root, GUI
# tests under Xvfb included. .ci/run runs it after the other legs; run it by
# hand as root from any folder:
#
#   sh build-aux/ci-debian13.sh            # exits non-zero when anything failed
#   sh build-aux/ci-debian13.sh --testlog  # prints where the meson testlog lands
#   sh build-aux/ci-debian13.sh --prepare  # only makes (or updates) the root
#   sh build-aux/ci-debian13.sh --run CMD… # runs CMD in the root, in the checkout
#                                          # (e.g. one test: --run meson test -C
#                                          # _build-debian13 purchase)
#
# The root is made with debootstrap (--variant=minbase) from the Debian mirror
# that this machine's apt already uses (nothing else is downloaded), and kept
# in $KENFILES_CI_CACHE/trixie, by default /var/cache/kenfiles-ci/trixie; where
# there is no /var/cache to keep it in, it is made in a temporary folder and
# removed afterwards. The build and test dependencies come from
# build-aux/install-deps.sh, run inside the root whenever that script changes.
# The checkout is bind-mounted into the root at its own path and built in
# _build-debian13. /proc, /dev and a fresh /tmp are mounted for the run and
# unmounted on every way out (success, failure, Ctrl-C, TERM); nothing stays
# mounted afterwards.
set -eu

suite=trixie
build=_build-debian13

if [ "${1-}" = --testlog ]; then
  echo "$build/meson-logs/testlog.json"
  exit 0
fi
run_mode=false
prepare_only=false
if [ "${1-}" = --run ] && [ $# -gt 1 ]; then
  run_mode=true
  shift
elif [ "${1-}" = --prepare ] && [ $# -eq 1 ]; then
  prepare_only=true
elif [ $# -ne 0 ]; then
  echo "usage: $0 [--testlog | --prepare | --run COMMAND...]" >&2
  exit 2
fi

srcdir=$(cd "$(dirname "$0")/.." && pwd -P)

say () { echo "debian13: $*"; }
die () { echo "debian13: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, mount, chroot)"

# Where the root is kept between runs: outside the checkout, so that neither
# git nor meson dist sees it. Without a place to keep it, a temporary one.
keep_cache=true
if [ -n "${KENFILES_CI_CACHE-}" ]; then
  cache=$KENFILES_CI_CACHE
elif [ -d /var/cache ] && [ -w /var/cache ]; then
  cache=/var/cache/kenfiles-ci
else
  cache=$(mktemp -d "${TMPDIR:-/var/tmp}/kenfiles-ci.XXXXXX")
  keep_cache=false
fi
root=$cache/$suite

# The mirror of the first Debian archive (not security, not updates) in apt's
# own sources: deb822 .sources files first, then one-line .list files.
host_mirror () {
  host_suite=$(. /etc/os-release && echo "${VERSION_CODENAME-}")
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v want="$host_suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ") && uris != "") {
          split(uris, u, " "); print u[1]; found = 1; exit
        }
        types = ""; suites = ""; uris = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "types:" { $1 = ""; types = $0 }
      tolower($1) == "suites:" { $1 = ""; suites = $0 }
      tolower($1) == "uris:" { $1 = ""; sub(/^ +/, ""); uris = $0 }
      END { if (!found) flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # deb [options] URI SUITE COMPONENT...
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
      awk -v want="$host_suite" '$1 == "deb" && $3 == want { print $2 }'
  done
}
mirror=$(host_mirror | head -n 1)
[ -n "$mirror" ] || die "found no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources"

mkdir -p "$cache"
# Until the cleanup is set up below, a temporary cache only needs removing.
$keep_cache || trap 'rm -rf "$cache"' EXIT

# One run at a time per cache (two runs would share one root's mounts).
exec 9>"$cache/$suite.lock"
if ! flock -n 9; then
  say "waiting for another run that uses $root"
  flock 9
fi

# mounts_under DIR: what is mounted at DIR or below it (unescaped paths).
mounts_under () {
  findmnt -rn -o TARGET | awk -v d="$1" '$0 == d || index($0, d "/") == 1'
}

# The roots this run works in (the one being made and the cached one), the
# command running now, and the cleanup that every way out runs.
roots="$root.new $root"
child=""
# in_roots: the PIDs of processes whose root is one of ours: this run's
# own children (a daemon a test left behind, say).
in_roots () {
  for want in $roots; do
    find /proc -mindepth 2 -maxdepth 2 -name root -lname "$want" 2>/dev/null
  done | cut -d/ -f3
}
cleanup () {
  status=$?
  set +e
  trap - EXIT INT TERM HUP
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
  pids=$(in_roots)
  [ -n "$pids" ] && kill -TERM $pids 2>/dev/null
  n=0
  while [ $n -lt 50 ] && { [ -n "$(in_roots)" ] || { [ -n "$child" ] && kill -0 "$child" 2>/dev/null; }; }; do
    sleep 0.1
    n=$((n + 1))
  done
  pids=$(in_roots)
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  # Deepest first: a path sorts after the folder that holds it.
  for r in $roots; do
    mounts_under "$r" | sort -r | while read -r m; do
      umount "$m" 2>/dev/null || umount -l "$m"
    done
  done
  for r in $roots; do
    if [ -n "$(mounts_under "$r")" ]; then
      echo "debian13: still mounted under $r:" >&2
      mounts_under "$r" >&2
      [ "$status" -ne 0 ] || status=1
    fi
  done
  # A temporary root goes, once nothing is mounted in it (--one-file-system
  # too: never through a mount into the checkout).
  if ! $keep_cache && [ -z "$(mounts_under "$cache")" ]; then
    rm -rf --one-file-system "$cache"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# do_mount DIR MOUNT-ARGS...: mounts at DIR (inside a root).
do_mount () {
  target=$1
  shift
  mkdir -p "$target"
  mount "$@" "$target"
}

mount_root () {  # ROOT
  r=$1
  # The root is a mount point of its own, so that bwrap and unshare work in it.
  do_mount "$r" --bind "$r"
  do_mount "$r/proc" -t proc proc
  do_mount "$r/dev" --rbind /dev
  mount --make-rslave "$r/dev"
  do_mount "$r/tmp" -t tmpfs -o mode=1777,size=4g tmpfs
}

unmount_root () {  # ROOT
  mounts_under "$1" | sort -r | while read -r m; do umount "$m"; done
}

in_root () {  # ROOT COMMAND...: runs COMMAND in the root with a plain environment
  r=$1
  shift
  env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI-}" \
    chroot "$r" "$@" &
  # wait (not a foreground child) so that INT/TERM run the cleanup at once.
  child=$!
  wait "$child"
  st=$?
  child=""
  return "$st"
}

deps_hash=$(sha256sum "$srcdir/build-aux/install-deps.sh" | cut -d' ' -f1)

install_deps () {  # ROOT
  r=$1
  cp -L /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
  cp "$srcdir/build-aux/install-deps.sh" "$r/tmp/install-deps.sh"
  in_root "$r" sh /tmp/install-deps.sh >"$cache/$suite-deps.log" 2>&1 ||
    { tail -n 30 "$cache/$suite-deps.log" >&2; die "install-deps.sh failed in the root (log: $cache/$suite-deps.log)"; }
  echo "$deps_hash" >"$r/.kenfiles-deps"
}

start=$(date +%s)

# A root is used only once it is complete; a half-made one is made again.
if [ ! -f "$root/.kenfiles-deps" ]; then
  new=$root.new
  [ -z "$(mounts_under "$new")$(mounts_under "$root")" ] || die "something is still mounted under $root"
  rm -rf "$new" "$root"
  command -v debootstrap >/dev/null 2>&1 || {
    say "installing debootstrap on the host"
    # It may share the host's apt with another leg: wait for dpkg's lock.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o DPkg::Lock::Timeout=600 debootstrap
  }
  say "making a $suite root in $root from $mirror"
  debootstrap --variant=minbase "$suite" "$new" "$mirror" >"$cache/$suite-debootstrap.log" 2>&1 &
  child=$!
  wait "$child" ||
    { tail -n 30 "$cache/$suite-debootstrap.log" >&2; die "debootstrap failed (log: $cache/$suite-debootstrap.log)"; }
  child=""
  # Nothing in the suite reads the AppStream catalogue of the archive.
  cat >"$new/etc/apt/apt.conf.d/90kenfiles-ci" <<'EOF'
// kenfiles CI root: no AppStream (DEP-11) catalogue downloads, no recommends
Acquire::IndexTargets::deb::DEP-11 { DefaultEnabled "false"; };
Acquire::IndexTargets::deb::DEP-11-icons { DefaultEnabled "false"; };
Acquire::IndexTargets::deb::DEP-11-icons-small { DefaultEnabled "false"; };
Acquire::IndexTargets::deb::DEP-11-icons-large { DefaultEnabled "false"; };
Acquire::IndexTargets::deb::DEP-11-icons-hidpi { DefaultEnabled "false"; };
Acquire::IndexTargets::deb::DEP-11-icons-large-hidpi { DefaultEnabled "false"; };
APT::Install-Recommends "false";
EOF
  # A root for CI only: dpkg need not sync each file it unpacks, nor unpack
  # manuals and docs.
  cat >"$new/etc/dpkg/dpkg.cfg.d/90kenfiles-ci" <<'EOF'
force-unsafe-io
path-exclude=/usr/share/man/*
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
EOF
  rm -f "$new/var/cache/apt/archives/"*.deb
  mount_root "$new"
  say "installing the dependencies in the root (build-aux/install-deps.sh)"
  install_deps "$new"
  in_root "$new" apt-get clean
  unmount_root "$new"
  mv "$new" "$root"
  say "root made after $(( $(date +%s) - start )) s"
fi

mount_root "$root"
if [ "$(cat "$root/.kenfiles-deps")" != "$deps_hash" ]; then
  say "build-aux/install-deps.sh changed: running it in the root"
  install_deps "$root"
  in_root "$root" apt-get clean
fi

# The checkout at its own path, and the git folder too when it lies outside
# (a git worktree), so that `meson dist` finds the repository.
do_mount "$root$srcdir" --bind "$srcdir"
gitdir=$(git -C "$srcdir" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
case $gitdir in
  "" | "$srcdir"/*) ;;
  *)
    do_mount "$root$gitdir" --bind "$gitdir"
    ;;
esac

if $prepare_only; then
  say "root ready in $root ($(( $(date +%s) - start )) s)"
  exit 0
fi

if $run_mode; then
  status=0
  in_root "$root" sh -c 'cd "$1" && shift && exec "$@"' sh "$srcdir" "$@" || status=$?
  exit "$status"
fi

rm -f "$srcdir/$build/meson-logs/testlog.json"
say "building and testing in $build"
status=0
in_root "$root" sh -eu -c '
  cd "$1"
  if [ -f "$2/build.ninja" ]; then
    meson setup --reconfigure "$2" >/dev/null || meson setup --wipe "$2"
  else
    meson setup "$2"
  fi
  meson compile -C "$2"
  # The dist test builds the whole tree a second time: the Debian 12 leg runs it.
  meson test -C "$2" --print-errorlogs --no-suite dist
' sh "$srcdir" "$build" || status=$?

say "versions: $(in_root "$root" pkg-config --modversion gtk4 libadwaita-1 libsoup-3.0 glib-2.0 | tr '\n' ' ')"
say "done in $(( $(date +%s) - start )) s, status $status"
exit "$status"
