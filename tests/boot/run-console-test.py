#!/usr/bin/env python3
"""The serial console on a real terminal: `mimic boot` on a pseudo-terminal, as a user runs it.

usage: run-console-test.py --mimic PATH [--timeout S] --needs FILE... -- BOOT-ARGS...

Boots BOOT-ARGS (firmware that ends at a prompt) with stdin, stdout and stderr on a pty and
checks what QEMU's -nographic users rely on: the terminal is in raw mode while the guest
runs (a typed line reaches the guest without local echo, Ctrl-C goes to the guest instead
of killing mimic), Ctrl-A H lists the escape keys, Ctrl-A X quits with status 0, and the
terminal's settings are back as they were once mimic has exited.
A missing --needs file is a skip (77), never a pass.
"""
import argparse
import os
import select
import subprocess
import sys
import termios
import time

SKIP = 77


class Console:
    def __init__(self, cmd, timeout):
        self.master, self.slave = os.openpty()
        self.before = termios.tcgetattr(self.slave)
        self.proc = subprocess.Popen(cmd, stdin=self.slave, stdout=self.slave, stderr=self.slave,
                                     start_new_session=True)
        self.out = b""
        self.deadline = time.monotonic() + timeout

    def read_some(self, wait):
        r, _, _ = select.select([self.master], [], [], wait)
        if r:
            try:
                data = os.read(self.master, 65536)
            except OSError:         # the last writer has gone
                data = b""
            self.out += data
            return bool(data)
        return False

    def expect(self, text, start=0):
        """Offset just past text's first appearance at or after start."""
        want = text.encode()
        while True:
            pos = self.out.find(want, start)
            if pos >= 0:
                return pos + len(want)
            left = self.deadline - time.monotonic()
            if left <= 0 or (self.proc.poll() is not None and not self.read_some(0)):
                self.fail(f"never saw {text!r}")
            self.read_some(min(left, 0.5))

    def send(self, data):
        os.write(self.master, data)

    def fail(self, why):
        self.proc.kill()
        tail = self.out.decode(errors="replace")[-1500:]
        sys.exit(f"FAIL: {why}\n--- console (last 1500 bytes) ---\n{tail}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--needs", action="append", default=[])
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    args = a.args[1:] if a.args and a.args[0] == "--" else a.args
    for f in a.needs:
        if not os.path.exists(f):
            print(f"SKIP: {f} is missing")
            sys.exit(SKIP)

    c = Console([a.mimic, "boot"] + args, a.timeout)
    at = c.expect("=> ")
    # A typed command reaches the guest, which echoes it and runs it.
    c.send(b"setenv mc console; echo mimic-${mc}-ok\r")
    at = c.expect("\nmimic-console-ok", c.expect("echo mimic-${mc}-ok", at))
    at = c.expect("=> ", at)
    raw = termios.tcgetattr(c.slave)
    if raw[3] & (termios.ECHO | termios.ICANON | termios.ISIG):
        c.fail("the terminal is not in raw mode while the guest runs")
    # Ctrl-C is the guest's: U-Boot prints "<INTERRUPT>" and a new prompt; mimic lives on.
    c.send(b"\x03")
    at = c.expect("=> ", at)
    if c.proc.poll() is not None:
        c.fail("Ctrl-C ended mimic")
    c.send(b"\x01h")
    at = c.expect("C-a x    exit emulator", at)
    c.send(b"\x01x")
    try:
        status = c.proc.wait(timeout=max(1.0, c.deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        c.fail("Ctrl-A X did not end mimic")
    if status != 0:
        c.fail(f"Ctrl-A X: status {status}, not 0")
    after = termios.tcgetattr(c.slave)
    if after != c.before:
        c.fail("the terminal's settings were not restored at exit")
    print("PASS: raw console, Ctrl-C to the guest, Ctrl-A H, Ctrl-A X, terminal restored")


if __name__ == "__main__":
    main()
