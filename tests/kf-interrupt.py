#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a command, waits until a file shows that the command is busy, sends it
# a signal the way a terminal does on Ctrl-C, and prints the command's exit
# status as a shell would ($?: 128 + N when killed by signal N; 124 when it
# did not end within the time allowed after the signal, and was killed).
#
#   kf-interrupt.py [--stdin-fifo PATH] SIGNAL WATCH-FILE PATTERN OUT ERR -- COMMAND...
#
# The command's stdout and stderr go to OUT and ERR. With --stdin-fifo, its
# standard input is that named pipe, held open for writing and never written
# to: a reader waits on it for ever. The signal is sent once PATTERN appears
# in what WATCH-FILE gains after the command starts (WATCH-FILE may be
# ERR, or a server's request log).

import argparse
import os
import signal
import subprocess
import sys
import time

WAIT_BUSY_S = 60
WAIT_EXIT_S = 20


def default_signals():
    # As in a terminal's foreground job, whatever this script inherited.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stdin-fifo")
    parser.add_argument("signal")
    parser.add_argument("watch")
    parser.add_argument("pattern")
    parser.add_argument("out")
    parser.add_argument("err")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()

    signum = getattr(signal, args.signal)
    stdin = subprocess.DEVNULL
    writer = None
    if args.stdin_fifo:
        os.mkfifo(args.stdin_fifo)
        # O_RDWR does not wait for a reader; the child's O_RDONLY then does
        # not wait for a writer.
        writer = os.open(args.stdin_fifo, os.O_RDWR)
        stdin = open(args.stdin_fifo, "rb")

    # Only what the watched file gains from now on counts.
    try:
        offset = os.path.getsize(args.watch)
    except FileNotFoundError:
        offset = 0
    if os.path.abspath(args.watch) in (os.path.abspath(args.out), os.path.abspath(args.err)):
        offset = 0

    with open(args.out, "wb") as out, open(args.err, "wb") as err:
        child = subprocess.Popen(args.command, stdin=stdin, stdout=out, stderr=err,
                                 preexec_fn=default_signals)

    deadline = time.monotonic() + WAIT_BUSY_S
    while time.monotonic() < deadline and child.poll() is None:
        try:
            with open(args.watch, "rb") as f:
                f.seek(offset)
                if args.pattern.encode() in f.read():
                    break
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    else:
        if child.poll() is None:
            child.kill()
            child.wait()
            print("never busy", file=sys.stderr)
            print(125)
            return
        print("ended before the signal", file=sys.stderr)
        print(126)
        return

    child.send_signal(signum)
    try:
        status = child.wait(timeout=WAIT_EXIT_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        print(124)
        return
    finally:
        if writer is not None:
            os.close(writer)

    print(128 - status if status < 0 else status)


if __name__ == "__main__":
    main()
