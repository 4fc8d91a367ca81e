#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# End-to-end test of `kenfiles` against a `kenfiles-sandbox` process, TAP
# output. Meant to run inside tests/with-keyring.sh (private D-Bus session,
# real gnome-keyring, temporary XDG folders). KENFILES_CLI and
# KENFILES_SANDBOX give the two programs.

set -u

CLI=${KENFILES_CLI:?KENFILES_CLI must name the kenfiles program}
SANDBOX=${KENFILES_SANDBOX:?KENFILES_SANDBOX must name the kenfiles-sandbox program}

work=$(mktemp -d "${TMPDIR:-/tmp}/kenfiles-cli-test.XXXXXX") || exit 99
sandbox_pid=

cleanup () {
  if [ -n "$sandbox_pid" ]; then
    kill "$sandbox_pid" 2>/dev/null
    wait "$sandbox_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
failures=0
leaks=

ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}

not_ok () {
  n=$((n + 1))
  failures=$((failures + 1))
  echo "not ok $n - $1"
  for f in "$work/out" "$work/err"; do
    [ -s "$f" ] && sed 's/^/# /' "$f"
  done
  return 0
}

# check DESCRIPTION COMMAND...: one TAP line for the command's success.
check () {
  desc=$1
  shift
  if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# kf [ARG...]: runs kenfiles with every debug message on, stdout to
# $work/out, the non-debug part of stderr to $work/err, status in $rc.
# Whatever it printed, the key must not be in it.
kf () {
  G_MESSAGES_DEBUG=all "$CLI" "$@" >"$work/out" 2>"$work/err.all" </dev/null
  rc=$?
  note_leaks "$*"
  grep -v -e '-DEBUG: ' -e '-INFO: ' -e '-DEBUG \*\*' "$work/err.all" >"$work/err"
  return 0
}

# kf_in INPUT [ARG...]: the same with INPUT on standard input.
kf_in () {
  input=$1
  shift
  printf '%s\n' "$input" | G_MESSAGES_DEBUG=all "$CLI" "$@" >"$work/out" 2>"$work/err.all"
  rc=$?
  note_leaks "$*"
  grep -v -e '-DEBUG: ' -e '-INFO: ' -e '-DEBUG \*\*' "$work/err.all" >"$work/err"
  return 0
}

note_leaks () {
  for secret in "$KEY" "$WRONG_KEY"; do
    if grep -qF -- "$secret" "$work/out" "$work/err.all"; then
      leaks="$leaks [$1]"
    fi
  done
}

# json PYTHON-STATEMENTS: runs them with the parsed stdout as `d`.
json () {
  python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$1" "$work/out" 2>>"$work/err"
}

succeeded () {
  [ "$rc" -eq 0 ] && [ ! -s "$work/err" ]
}

# Non-zero status and exactly one line on stderr, starting with "kenfiles: ".
failed_one_line () {
  [ "$rc" -ne 0 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q '^kenfiles: ' "$work/err"
}

file_mode () {
  stat -c %a "$1"
}

ledger=${XDG_DATA_HOME:?run this through with-keyring.sh}/kenfiles/vouchers.json

ledger_count () {
  if [ -e "$ledger" ]; then
    python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["vouchers"]))' "$ledger"
  else
    echo 0
  fi
}


# --- the sandbox -------------------------------------------------------------

"$SANDBOX" --port 0 >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!

URL=
KEY=
i=0
while [ $i -lt 100 ]; do
  URL=$(sed -n 's/^URL: //p' "$work/sandbox.out")
  KEY=$(sed -n 's/^Key: //p' "$work/sandbox.out")
  [ -n "$URL" ] && [ -n "$KEY" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || break
  sleep 0.1
  i=$((i + 1))
done

if [ -z "$URL" ] || [ -z "$KEY" ]; then
  echo "not ok 1 - kenfiles-sandbox did not print its URL and key"
  echo "1..1"
  sed 's/^/# /' "$work/sandbox.err"
  exit 1
fi
ok "sandbox started at $URL"

WRONG_KEY=wrongkey00000000000000000000000000000000
export KENFILES_SERVER="$URL"
export KENFILES_API_KEY="$KEY"

# --- basics ------------------------------------------------------------------

kf --version
check "--version" sh -c "[ $rc -eq 0 ] && grep -q '^kenfiles [0-9]' '$work/out'"

kf frobnicate
check "unknown command: status 2 and one line" failed_one_line

# --- account -----------------------------------------------------------------

kf --json account
check "account --json" succeeded
check "account --json is one document with the account" \
  json 'assert "@" in d["email"]; assert isinstance(d["premium"], bool); assert d["balance"] > 0'
email=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["email"])' "$work/out" 2>/dev/null)
balance_before=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["balance"])' "$work/out" 2>/dev/null)

kf account
check "account (text)" succeeded
check "account text shows the e-mail" grep -qF "$email" "$work/out"

kf account --json --server "$URL"
check "options after the command" json 'assert d["email"]'

# --- stats -------------------------------------------------------------------

kf stats --days 7
check "stats --days 7" succeeded
check "stats text has a totals line" grep -q 'Total' "$work/out"

kf --json stats --days 7
check "stats --json: at most 7 days, totals add up" \
  json 'assert len(d["days"]) <= 7 and len(d["days"]) > 0
assert d["totals"]["downloads"] == sum(r["downloads"] for r in d["days"])
assert all("day" in r for r in d["days"])'

# --- upload, files, link -----------------------------------------------------

printf 'first file\n' >"$work/one.txt"
head -c 300000 /dev/urandom >"$work/two name.bin"

kf upload "$work/one.txt" "$work/two name.bin"
check "upload of two files" succeeded
check "upload prints each file's link" \
  sh -c "grep -q '^one.txt: http' '$work/out' && grep -q '^two name.bin: http' '$work/out'"

kf --json upload --parallel 2 "$work/one.txt" "$work/two name.bin"
check "upload --json" json 'assert d["uploaded"] == 2 and d["failed"] == 0
assert [f["name"] for f in d["files"]] == ["one.txt", "two name.bin"]
assert all(f["url"].endswith(f["file_code"]) for f in d["files"])'
code_two=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["files"][1]["file_code"])' "$work/out" 2>/dev/null)

kf --json files
check "files lists the uploaded files" \
  json "names = [f['name'] for f in d['files']]
assert 'one.txt' in names and 'two name.bin' in names
assert '$code_two' in [f['file_code'] for f in d['files']]
assert isinstance(d['folders'], list)"

kf files
check "files (text)" sh -c "[ $rc -eq 0 ] && grep -q 'two name.bin' '$work/out'"

kf link "$code_two"
check "link CODE" succeeded
direct=$(head -n 1 "$work/out")
check "the direct link gives back the uploaded bytes" \
  python3 -c 'import sys, urllib.request
data = urllib.request.urlopen(sys.argv[1]).read()
assert data == open(sys.argv[2], "rb").read()' "$direct" "$work/two name.bin"

kf upload "$work/one.txt" "$work/missing.txt"
check "a missing file fails the upload, the other is uploaded" \
  sh -c "[ $rc -ne 0 ] && grep -q '^one.txt: http' '$work/out' && grep -q 'missing.txt' '$work/err'"

# --- remote upload -----------------------------------------------------------

kf --json remote-upload --wait "$direct"
check "remote-upload --wait" json 'assert d["state"] == "done" and d["file_code"]'
remote_code=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["file_code"])' "$work/out" 2>/dev/null)

kf --json remote-status "$remote_code"
check "remote-status CODE" json 'assert d["state"] == "done"'

# --- vouchers ----------------------------------------------------------------

kf voucher --yes 30p
check "voucher --yes" succeeded
voucher=$(head -n 1 "$work/out")
check "the voucher code is in the ledger" \
  python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))["vouchers"]
assert [e["code"] for e in v] == [sys.argv[2]] and v[0]["plan"] == "30p"' "$ledger" "$voucher"
check "the ledger has mode 600" sh -c "[ \"\$(stat -c %a '$ledger')\" = 600 ]"

kf --json account
check "the voucher spent balance" \
  python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["balance"] < float(sys.argv[2])' \
  "$work/out" "$balance_before"
balance_after=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["balance"])' "$work/out" 2>/dev/null)

count_before=$(ledger_count)
kf_in n voucher 30p
check "voucher answered n: non-zero, one line, nothing printed" \
  sh -c "[ $rc -ne 0 ] && [ ! -s '$work/out' ] && grep -q 'Create a voucher for 30p' '$work/err.all'"
kf --json account
check "voucher answered n: no balance spent, ledger unchanged" \
  sh -c "python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))[\"balance\"] == float(sys.argv[2])' '$work/out' '$balance_after' && [ \$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))[\"vouchers\"]))' '$ledger') -eq $count_before ]"

cp "$ledger" "$work/ledger.saved"
printf '{"vouchers": [' >"$ledger"
kf voucher --yes 30p
check "ledger cannot be written: code still printed, one loud line, non-zero" \
  sh -c "[ $rc -ne 0 ] && [ \$(wc -l <'$work/out') -eq 1 ] && [ -s '$work/out' ] && [ \$(wc -l <'$work/err') -eq 1 ] && grep -q 'NOT saved' '$work/err' && grep -qF \"\$(cat '$work/out')\" '$work/err'"
check "a damaged ledger is left as it was" sh -c "[ \"\$(cat '$ledger')\" = '{\"vouchers\": [' ]"
cp "$work/ledger.saved" "$ledger"

kf voucher --yes 7x
check "unknown plan refused" failed_one_line

# --- the key in the keyring --------------------------------------------------

export KENFILES_API_KEY=

kf account
check "no key anywhere: one-line error" failed_one_line

kf_in "$WRONG_KEY" key set
check "key set with a wrong key is refused" failed_one_line

kf_in "$KEY" key set
check "key set reads the key from stdin, checks and stores it" succeeded

kf key status
check "key status: stored and accepted" \
  sh -c "[ $rc -eq 0 ] && grep -q 'stored in the keyring' '$work/out' && grep -q 'accepts' '$work/out'"

kf --json key status
check "key status --json" json 'assert d["stored"] is True and d["valid"] == "valid" and d["environment"] is False'

kf --json account
check "account uses the key from the keyring" json 'assert d["email"]'

kf key forget
check "key forget" succeeded

kf --json key status
check "key status after forget: not stored, non-zero" \
  sh -c "[ $rc -ne 0 ] && python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))[\"stored\"] is False' '$work/out'"

export KENFILES_API_KEY="$WRONG_KEY"
kf account
export KENFILES_API_KEY=
check "a wrong key: non-zero and one line" failed_one_line

# --- the key never shows -----------------------------------------------------

if [ -z "$leaks" ]; then
  ok "the key never appears in any output, even with G_MESSAGES_DEBUG=all"
else
  not_ok "the key appeared in the output of:$leaks"
fi

echo "1..$n"
[ $failures -eq 0 ]
