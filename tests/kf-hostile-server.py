#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A KenFiles API server on loopback that answers with what kenfiles-sandbox
# never sends: control characters in every value, error texts that try to
# rewrite the terminal, and answers that never come. Used by test-cli.sh.
#
# Prints "URL: http://127.0.0.1:PORT" on stdout once it listens, and one line
# "REQUEST METHOD PATH" on stderr for each request it receives (the API key,
# which here only picks the behaviour, is left out).
#
# The API key chooses what it does:
#   hostile        values full of escape sequences, C1 controls, CR/LF, bidi
#   hostile-error  every call fails with such an error text
#   slow           the API answers nothing (the connection stays open)
#   slow-upload    the API answers, the file server takes the body and hangs

import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HANG_SECONDS = 120

# Clear the screen, home the cursor, print a fake line; a CSI as one C1 char;
# a right-to-left override; a bell in an OSC title.
EVIL = "\x1b[2J\x1b[H"
C1_CSI = "\x9b"
RLO = "\u202e"
OSC_TITLE = "\x1b]0;pwned\x07"

EMAIL = "evil" + EVIL + "root@example.com\r\nPremium: forever" + C1_CSI + "31m"
FOLDER_NAME = "Folder" + OSC_TITLE + "\nFake-folder"
FILE_NAME = "report" + RLO + "fdp.exe\x1b[31m\x7f\x01"
FILE_CODE = "abc" + EVIL + "def"
LINK_URL = "http://127.0.0.1/d/" + EVIL + "fake\rlink"
REMOTE_MESSAGE = "fetch failed" + EVIL + "\r\nkenfiles: all good" + C1_CSI + "2J"
ERROR_TEXT = "Refused" + EVIL + "\r\nkenfiles: everything is fine" + C1_CSI + "2J"

lock = threading.Lock()


def log(line):
    with lock:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kf-hostile/1"

    def log_message(self, format, *args):
        pass

    def send_json(self, document, status=200):
        body = json.dumps(document).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def ok(self, result, **extra):
        document = {"msg": "OK", "status": 200, "server_time": "2026-12-01 12:00:00",
                    "result": result}
        document.update(extra)
        self.send_json(document)

    def hang(self):
        # Until the client gives up; a bounded wait so that the process ends.
        deadline = time.monotonic() + HANG_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.2)
        self.close_connection = True

    def do_GET(self):
        self.handle_request()

    def do_POST(self):
        self.handle_request()

    def handle_request(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        mode = query.get("key", [""])[0]
        log("REQUEST %s %s" % (self.command, url.path))

        if url.path.startswith("/upload/"):
            self.upload(url.path[len("/upload/"):])
        elif not url.path.startswith("/api/"):
            self.send_json({"msg": "Not found", "status": 404}, 404)
        elif mode == "slow":
            self.hang()
        elif mode == "hostile-error":
            self.send_json({"msg": ERROR_TEXT, "status": 400})
        else:
            self.api(url.path[len("/api/"):], query, mode)

    def api(self, op, query, mode):
        port = self.server.server_address[1]
        if op == "account/info":
            self.ok({"email": EMAIL, "balance": "100.00000", "storage_used": "1000",
                     "storage_left": "inf", "premium_expire": "2027-01-01 00:00:00"})
        elif op == "upload/server":
            self.ok("http://127.0.0.1:%d/upload/%s" % (port, mode), sess_id="sess" + mode)
        elif op in ("folder/list", "file/list"):
            files = [{"file_code": "code1", "name": FILE_NAME, "size": "10",
                      "downloads": "1", "uploaded": "2026-12-01 12:00:00" + EVIL}]
            self.ok({"folders": [{"fld_id": 7, "name": FOLDER_NAME, "code": "fold" + EVIL}],
                     "files": files, "results_total": "1", "pages": 1})
        elif op == "file/direct_link":
            self.ok({"url": LINK_URL, "size": "10"})
        elif op == "upload/url" and "url" in query:
            self.ok({"filecode": "remote1"})
        elif op == "upload/url":
            self.ok({"file_code": "remote1", "status": "failed", "error": REMOTE_MESSAGE})
        else:
            self.send_json({"msg": "Unknown operation", "status": 400})

    def upload(self, mode):
        length = int(self.headers.get("Content-Length", "0") or "0")
        if mode == "slow-upload":
            self.hang()
            return
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                return
            remaining -= len(chunk)
        if mode == "hostile-refuse":
            self.send_json([{"file_code": "undef", "file_status": ERROR_TEXT}])
        else:
            self.send_json([{"file_code": FILE_CODE, "file_status": "OK"}])


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("URL: http://127.0.0.1:%d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
