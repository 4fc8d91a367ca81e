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
hostile_pid=

cleanup () {
  for pid in $sandbox_pid $hostile_pid; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
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
check "account text shows money with two decimals" grep -qE '^Balance: +\$100\.00$' "$work/out"

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

# --- link formats ------------------------------------------------------------

# py PYTHON-STATEMENTS [ARG...]: `out` is stdout as text, `argv` the arguments.
py () {
  code=$1
  shift
  python3 -c "import json, re, sys, urllib.request
out = open(sys.argv[1], encoding='utf-8').read()
argv = sys.argv[2:]
$code" "$work/out" "$@" 2>>"$work/err"
}

nasty='Grüße [1] <a> & "b" x.txt'
printf 'formats\n' >"$work/$nasty"

kf --json upload --format markdown "$work/$nasty"
check "upload --format markdown --json: a formatted field beside the link" \
  py 'f = json.loads(out)["files"][0]
assert f["name"] == argv[0]
assert f["formatted"] == "[Grüße \\[1\\] \\<a\\> \\& \"b\" x.txt](" + f["url"] + ")", f["formatted"]' "$nasty"
code_nasty=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1], encoding="utf-8"))["files"][0]["file_code"])' "$work/out" 2>/dev/null)

kf upload --format bbcode "$work/$nasty" "$work/one.txt"
check "upload --format bbcode: each file's line is its BBCode link alone" \
  py 'lines = out.splitlines()
assert len(lines) == 2, lines
nasty = [l for l in lines if "Grüße" in l]
plain = [l for l in lines if "one.txt" in l]
assert len(nasty) == 1 and len(plain) == 1, lines
assert re.fullmatch(r"\[url=" + re.escape(argv[0]) + r"/\w+\]Grüße ［1］ <a> & \"b\" x\.txt\[/url\]", nasty[0]), nasty[0]
assert re.fullmatch(r"\[url=" + re.escape(argv[0]) + r"/\w+\]one\.txt\[/url\]", plain[0]), plain[0]' "$URL"

kf upload --format direct "$work/one.txt"
check "upload --format direct: not available yet, status 2, nothing uploaded" \
  sh -c "[ $rc -eq 2 ] && [ ! -s '$work/out' ] && [ \$(wc -l <'$work/err') -eq 1 ]"

kf upload --format qr "$work/one.txt"
check "upload --format with an unknown format: status 2, one line" \
  sh -c "[ $rc -eq 2 ] && [ ! -s '$work/out' ] && [ \$(wc -l <'$work/err') -eq 1 ]"

kf link --format html "$code_nasty"
check "link --format html: the page link and the name, escaped" \
  py 'assert out == "<a href=\"" + argv[0] + "/" + argv[1] + "\">Grüße [1] &lt;a&gt; &amp; &quot;b&quot; x.txt</a>\n", out' \
  "$URL" "$code_nasty"

kf link --format plain "$code_nasty"
check "link --format plain: the page link" py 'assert out == argv[0] + "/" + argv[1] + "\n", out' "$URL" "$code_nasty"

kf --json link --format bbcode "$code_nasty"
check "link --format bbcode --json: name, page link and formatted" \
  py 'd = json.loads(out)
assert d["file_code"] == argv[1] and d["url"] == argv[0] + "/" + argv[1] and d["format"] == "bbcode"
assert d["name"] == "Grüße [1] <a> & \"b\" x.txt"
assert d["formatted"] == "[url=" + d["url"] + "]Grüße ［1］ <a> & \"b\" x.txt[/url]", d["formatted"]' \
  "$URL" "$code_nasty"

kf link --format markdown "$code_two"
check "link --format markdown" \
  py 'assert out == "[two name.bin](" + argv[0] + "/" + argv[1] + ")\n", out' "$URL" "$code_two"

kf link --format direct "$code_two"
check "link --format direct is the direct link" py 'assert out == argv[0] + "\n", out' "$direct"

kf link --format html nosuchcode00
check "link --format html of an unknown file: non-zero, one line" failed_one_line

kf link --format rtf "$code_two"
check "link --format with an unknown format: status 2" sh -c "[ $rc -eq 2 ] && [ ! -s '$work/out' ]"

# --- speed limit -------------------------------------------------------------

for bad in 4X -1 4MB "" 2T 0.1; do
  kf upload --limit-rate "$bad" "$work/one.txt"
  check "upload --limit-rate '$bad': refused before anything is sent, status 2, one line" \
    sh -c "[ $rc -eq 2 ] && [ ! -s '$work/out' ] && [ \$(wc -l <'$work/err') -eq 1 ] && grep -q 'limit-rate' '$work/err'"
done

head -c 786432 /dev/urandom >"$work/limited.bin"
started=$(date +%s%N)
kf --json upload --limit-rate 256K "$work/limited.bin"
ended=$(date +%s%N)
check "upload --limit-rate 256K" json 'assert d["uploaded"] == 1 and d["failed"] == 0'
# 768 KiB at 256 KiB/s: 3 s, less what the bucket may hold (an eighth of a second).
check "upload --limit-rate 256K of 768 KiB takes at least 2.8 s" \
  sh -c "[ \$(( ($ended - $started) / 1000000 )) -ge 2800 ]"
code_limited=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["files"][0]["file_code"])' "$work/out" 2>/dev/null)
kf link "$code_limited"
check "the limited upload's bytes arrived exactly" \
  python3 -c 'import sys, urllib.request
data = urllib.request.urlopen(sys.argv[1]).read()
assert data == open(sys.argv[2], "rb").read()' "$(head -n 1 "$work/out")" "$work/limited.bin"

kf --json upload --limit-rate 0 "$work/one.txt"
check "upload --limit-rate 0 is no limit" json 'assert d["uploaded"] == 1'

# --- remote upload -----------------------------------------------------------

kf --json remote-upload --wait "$direct"
check "remote-upload --wait" json 'assert d["state"] == "done" and d["file_code"]'
remote_code=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["file_code"])' "$work/out" 2>/dev/null)

kf --json remote-status "$remote_code"
check "remote-status CODE" json 'assert d["state"] == "done"'

# --- a hostile server: escaped output --------------------------------------

TESTS_DIR=$(dirname "$0")

python3 "$TESTS_DIR/kf-hostile-server.py" >"$work/hostile.out" 2>"$work/hostile.log" &
hostile_pid=$!
HURL=
i=0
while [ $i -lt 100 ]; do
  HURL=$(sed -n 's/^URL: //p' "$work/hostile.out")
  [ -n "$HURL" ] && break
  kill -0 "$hostile_pid" 2>/dev/null || break
  sleep 0.1
  i=$((i + 1))
done
check "hostile server started" test -n "$HURL"

# hkf MODE [ARG...]: like kf, against the hostile server, MODE as the key
# (which picks its behaviour). Killed after 60 s: a hang is a failure.
hkf () {
  mode=$1
  shift
  KENFILES_SERVER="$HURL" KENFILES_API_KEY="$mode" G_MESSAGES_DEBUG=all \
    timeout -s KILL 60 "$CLI" "$@" >"$work/out" 2>"$work/err.all" </dev/null
  rc=$?
  note_leaks "$*"
  grep -v -e '-DEBUG: ' -e '-INFO: ' -e '-DEBUG \*\*' "$work/err.all" >"$work/err"
  return 0
}

# terminal_safe FILE...: valid UTF-8 with no character a terminal acts on
# (C0 but the line ends, DEL, C1, bidirectional and line separators).
terminal_safe () {
  python3 -c 'import sys
for name in sys.argv[1:]:
    text = open(name, "rb").read().decode("utf-8")
    bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) < 0xa0
           or c in "\u061c\u200e\u200f\u2028\u2029" or 0x202a <= ord(c) <= 0x202e
           or 0x2066 <= ord(c) <= 0x2069]
    assert not bad, "%s: %r" % (name, bad)' "$@" 2>>"$work/err"
}

# Requests the hostile server logged, as a count of lines matching $1.
hostile_count () {
  grep -c -e "$1" "$work/hostile.log"
}

# Waits until the hostile server has logged every request sent before now:
# one more request, and its line in the log.
hostile_sync () {
  marker="/sync-$(date +%s%N)"
  python3 -c 'import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1] + sys.argv[2]).read()
except urllib.error.HTTPError:
    pass' "$HURL" "$marker" 2>/dev/null
  i=0
  while [ $i -lt 100 ] && ! grep -q -e "$marker" "$work/hostile.log"; do
    sleep 0.1
    i=$((i + 1))
  done
}

# all_ok COMMAND...: each COMMAND (a string, evaluated here so that the
# functions above can be used) succeeds.
all_ok () {
  for command in "$@"; do
    eval "$command" || return 1
  done
}

one_err_line () {
  [ "$rc" -ne 0 ] && [ "$(wc -l <"$work/err")" -eq 1 ]
}

hkf hostile account
check "account: server text escaped, five lines" \
  all_ok '[ "$rc" -eq 0 ]' '[ ! -s "$work/err" ]' '[ "$(wc -l <"$work/out")" -eq 5 ]'
check "account: the e-mail is shown escaped" \
  grep -qF 'evil\x1B[2J\x1B[Hroot@example.com\r\nPremium: forever\u009B31m' "$work/out"
check "account: nothing a terminal acts on" terminal_safe "$work/out" "$work/err"

hkf hostile --json account
check "account --json: valid UTF-8, no raw C1" terminal_safe "$work/out"
check "account --json: the exact e-mail" \
  json 'assert d["email"] == "evil\x1b[2J\x1b[Hroot@example.com\r\nPremium: forever\x9b31m", d'

hkf hostile files
check "files: folder and file names escaped" \
  all_ok '[ "$rc" -eq 0 ]' \
    "grep -qF 'Folder\\x1B]0;pwned\\x07\\nFake-folder/' \"\$work/out\"" \
    "grep -qF 'report\\u202Efdp.exe\\x1B[31m\\x7F\\x01' \"\$work/out\""
check "files: nothing a terminal acts on" terminal_safe "$work/out" "$work/err"

hkf hostile --json files
check "files --json: valid UTF-8, no raw C1 or bidi" terminal_safe "$work/out"
check "files --json: names as the server sent them" \
  json 'assert d["files"][0]["name"] == "report\u202efdp.exe\x1b[31m\x7f\x01"
assert d["folders"][0]["name"] == "Folder\x1b]0;pwned\x07\nFake-folder"'

hkf hostile link code1
check "link: the link is one escaped line" \
  all_ok '[ "$rc" -eq 0 ]' "[ \"\$(cat \"\$work/out\")\" = 'http://127.0.0.1/d/\\x1B[2J\\x1B[Hfake\\rlink' ]" \
    'terminal_safe "$work/out"'

hkf hostile upload "$work/one.txt"
check "upload: a file code with escapes is shown escaped" \
  all_ok '[ "$rc" -eq 0 ]' "grep -qF \"one.txt: \$HURL/abc\\\\x1B[2J\\\\x1B[Hdef\" \"\$work/out\"" \
    'terminal_safe "$work/out" "$work/err"'

hkf hostile-refuse upload "$work/one.txt"
check "upload refused: the server's reason is one line, nothing a terminal acts on" \
  all_ok one_err_line 'grep -q "Refused.*everything is fine" "$work/err"' 'terminal_safe "$work/err"'

hkf hostile-error account
check "an error text from the server: one line, nothing a terminal acts on" \
  all_ok one_err_line 'grep -q "Refused.*everything is fine" "$work/err"' 'terminal_safe "$work/err"'

hkf hostile-error --json account
check "an error text from the server, --json: valid, no raw controls" \
  all_ok '[ "$rc" -ne 0 ]' 'terminal_safe "$work/out" "$work/err"' \
    'json "assert \"Refused\" in d[\"error\"][\"message\"]"'

hkf hostile remote-status remote1
check "remote-status: the server's failure message is one line, nothing a terminal acts on" \
  all_ok one_err_line 'grep -q "fetch failed" "$work/err"' 'terminal_safe "$work/out" "$work/err"'

hkf hostile --json remote-status remote1
check "remote-status --json: valid, no raw controls" \
  all_ok 'terminal_safe "$work/out"' 'json "assert d[\"state\"] == \"failed\""'

# Local file names are input too.
esc_name=$(printf 'esc\033[2Jname.txt')
printf 'escaped\n' >"$work/$esc_name"
kf upload "$work/$esc_name"
check "a local file name with an escape is shown escaped" \
  all_ok '[ "$rc" -eq 0 ]' "grep -qF 'esc\\x1B[2Jname.txt: http' \"\$work/out\"" 'terminal_safe "$work/out"'

kf upload "$work/missing$esc_name"
check "an error naming a local file is escaped" \
  all_ok '[ "$rc" -ne 0 ]' "grep -qF 'missingesc\\x1B[2Jname.txt' \"\$work/err\"" 'terminal_safe "$work/err"'

bad_name=$(printf 'bad\377name.txt')
printf 'not utf-8\n' >"$work/$bad_name"
kf --json upload "$work/$bad_name"
check "upload --json of a file name that is not UTF-8: valid UTF-8" \
  all_ok '[ "$rc" -eq 0 ]' 'terminal_safe "$work/out"'
check "upload --json of a file name that is not UTF-8: the byte escaped in the path" \
  json 'assert d["uploaded"] == 1
assert d["files"][0]["path"].endswith("/bad\\xFFname.txt"), d["files"][0]["path"]'

kf upload "$work/$bad_name"
check "upload of a file name that is not UTF-8: text output is UTF-8" \
  all_ok '[ "$rc" -eq 0 ]' 'grep -q "name.txt: http" "$work/out"' 'terminal_safe "$work/out"'

# --- local input: only regular files, names not URIs ------------------------

mkfifo "$work/fifo"
requests_before=$(hostile_count REQUEST)
hkf hostile upload "$work/fifo"
hostile_sync
check "a named pipe is refused at once with one clear line" \
  all_ok '[ "$rc" -eq 1 ]' one_err_line 'grep -q "named pipe" "$work/err"'
check "a named pipe alone: no request is sent" \
  test "$(($(hostile_count REQUEST) - requests_before))" -eq 1

kf --json upload /dev/zero /dev/urandom /proc/self/status
check "devices and kernel files are refused, not uploaded empty" \
  json 'assert d["uploaded"] == 0 and d["failed"] == 3, d
assert [f["error"]["code"] for f in d["files"]] == ["local-file"] * 3
assert not any("url" in f for f in d["files"])'
check "devices and kernel files: non-zero" test "$rc" -eq 1

kf upload "$work/one.txt" /dev/zero /proc/self/status
check "beside a device and a kernel file, a regular file is uploaded" \
  all_ok '[ "$rc" -eq 1 ]' 'grep -q "^one.txt: http" "$work/out"' '[ "$(wc -l <"$work/out")" -eq 1 ]' \
    'grep -q "device" "$work/err"' 'grep -q "system file" "$work/err"'

printf 'notes\n' >"$work/notes:2024.txt"
printf 'dash\n' >"$work/-dash.txt"
cd "$work" || exit 99
kf upload notes:2024.txt
check "notes:2024.txt is a file name, not a URI" \
  all_ok succeeded 'grep -q "^notes:2024.txt: http" "$work/out"'
kf upload -- -dash.txt
check "upload -- -dash.txt uploads -dash.txt and nothing else" \
  all_ok succeeded '[ "$(wc -l <"$work/out")" -eq 1 ]' 'grep -q "^-dash.txt: http" "$work/out"'
cd - >/dev/null || exit 99
kf upload "file://$work/one.txt"
check "a file:// URI is still a URI" all_ok succeeded 'grep -q "^one.txt: http" "$work/out"'

# --- Ctrl-C and --timeout ----------------------------------------------------

# interrupt SIGNAL WATCH PATTERN MODE [ARG...]: kenfiles against the hostile
# server in MODE, signalled once PATTERN is in WATCH; status in $rc.
interrupt () {
  sig=$1 watch=$2 pattern=$3 mode=$4
  shift 4
  rc=$(KENFILES_SERVER="$HURL" KENFILES_API_KEY="$mode" \
       python3 "$TESTS_DIR/kf-interrupt.py" "$sig" "$watch" "$pattern" "$work/out" "$work/err" \
       -- "$CLI" "$@" 2>>"$work/err.driver")
}

requests_before=$(hostile_count 'REQUEST POST /upload/slow-upload')
servers_before=$(hostile_count 'REQUEST GET /api/upload/server')
interrupt SIGINT "$work/hostile.log" "REQUEST POST /upload/slow-upload" slow-upload \
  --json upload --parallel 1 "$work/one.txt" "$work/two name.bin"
hostile_sync
check "Ctrl-C during an upload: exit status 130" test "$rc" = 130
check "Ctrl-C during an upload: a whole JSON document, nothing uploaded" \
  json 'assert d["uploaded"] == 0 and d["failed"] == 2, d'
check "Ctrl-C during an upload: no further request" \
  test "$(($(hostile_count 'REQUEST POST /upload/slow-upload') - requests_before))" -eq 1 -a \
       "$(($(hostile_count 'REQUEST GET /api/upload/server') - servers_before))" -eq 1

requests_before=$(hostile_count 'REQUEST POST /upload/slow-upload')
interrupt SIGTERM "$work/hostile.log" "REQUEST POST /upload/slow-upload" slow-upload \
  upload --parallel 1 "$work/one.txt" "$work/two name.bin"
hostile_sync
check "SIGTERM during an upload: exit status 143, no further request" \
  all_ok '[ "$rc" = 143 ]' '[ ! -s "$work/out" ]' \
    '[ "$(($(hostile_count "REQUEST POST /upload/slow-upload") - requests_before))" -eq 1 ]'

requests_before=$(hostile_count 'REQUEST GET /api/account/info')
interrupt SIGINT "$work/hostile.log" "REQUEST GET /api/account/info" slow account
check "Ctrl-C while the server does not answer: exit status 130, one line" \
  all_ok '[ "$rc" = 130 ]' '[ ! -s "$work/out" ]' '[ "$(wc -l <"$work/err")" -le 1 ]'

count_before=$(ledger_count)
requests_before=$(hostile_count REQUEST)
interrupt_fifo () {
  rc=$(KENFILES_SERVER="$HURL" KENFILES_API_KEY=hostile \
       python3 "$TESTS_DIR/kf-interrupt.py" --stdin-fifo "$work/stdin.fifo" SIGINT "$work/err" \
       "Create a voucher" "$work/out" "$work/err" -- "$CLI" voucher 30p 2>>"$work/err.driver")
}
interrupt_fifo
hostile_sync
check "Ctrl-C at the voucher question (stdin a waiting FIFO): exit status 130" test "$rc" = 130
check "Ctrl-C at the voucher question: nothing sent, nothing saved" \
  test "$(($(hostile_count REQUEST) - requests_before))" -eq 1 -a "$(ledger_count)" -eq "$count_before"

start=$(date +%s)
hkf slow --json --timeout 1 account
elapsed=$(($(date +%s) - start))
check "--timeout 1 against a server that never answers: timed-out" \
  all_ok '[ "$rc" -eq 1 ]' 'json "assert d[\"error\"][\"code\"] == \"timed-out\", d"'
check "--timeout 1: gives up long before the default (4 x 30 s)" test "$elapsed" -lt 40

hkf slow account --timeout 0
check "--timeout 0 is a usage error" all_ok '[ "$rc" -eq 2 ]' 'grep -q -- "--timeout" "$work/err"'

kill "$hostile_pid" 2>/dev/null
wait "$hostile_pid" 2>/dev/null
hostile_pid=

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
check "damaged ledger: nothing bought, one line naming the file, non-zero" \
  sh -c "[ $rc -ne 0 ] && [ ! -s '$work/out' ] && [ \$(wc -l <'$work/err') -eq 1 ] && grep -q '^kenfiles: Nothing was bought' '$work/err' && grep -qF '$ledger' '$work/err'"
check "a damaged ledger is left as it was" sh -c "[ \"\$(cat '$ledger')\" = '{\"vouchers\": [' ]"
kf --json account
check "damaged ledger: no balance spent" \
  python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["balance"] == float(sys.argv[2])' \
  "$work/out" "$balance_after"
kf vouchers
check "vouchers on a damaged ledger: one line naming the file" \
  sh -c "[ $rc -ne 0 ] && [ \$(wc -l <'$work/err') -eq 1 ] && grep -qF '$ledger' '$work/err'"
cp "$work/ledger.saved" "$ledger"

kf vouchers
check "vouchers lists the ledger" sh -c "[ $rc -eq 0 ] && grep -qF '$voucher' '$work/out'"
kf --json vouchers
check "vouchers --json" json 'assert d["vouchers"][0]["code"] and d["vouchers"][0]["state"] == "bought" and d["ledger"].endswith("vouchers.json")'

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
