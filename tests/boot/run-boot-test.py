#!/usr/bin/env python3
"""Boot a board under `mimic boot` and check what its serial console says.

usage: run-boot-test.py --mimic PATH [--timeout S] [--expect TEXT]... [--send AFTER::TEXT]...
                        [--stop-at TEXT] [--expect-exit N] [--same-line-as LOG:PREFIX]
                        [--needs FILE]... -- BOOT-ARGS...

Runs `mimic boot BOOT-ARGS` with the serial port on a pipe. Every --expect text must appear
in the output, in order. --send AFTER::TEXT types TEXT (plus a newline) once AFTER has
appeared. --stop-at TEXT ends the run (killing mimic) once TEXT appears: for firmware that
never powers off; otherwise the guest must power off by itself with --expect-exit's status
(default 0). --same-line-as LOG:PREFIX takes the line starting with PREFIX (after any
"[   1.234] " timestamp) from a reference log of QEMU booting the same images and requires
the identical line in mimic's output (the guest's own checksums of its self-test).
--disk PATH:TEXT writes a 1 MiB raw disk image starting with TEXT before the run and
expects the guest's report of its first 4 KiB (the Linux guest's init prints a CRC-32 of
them, computed here with zlib).
A missing --needs file (firmware package, guest image) is a skip (exit 77), never a pass.
"""
import argparse
import os
import re
import select
import subprocess
import sys
import time
import zlib

SKIP = 77


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--send", action="append", default=[])
    ap.add_argument("--stop-at")
    ap.add_argument("--expect-exit", type=int, default=0)
    ap.add_argument("--same-line-as", action="append", default=[])
    ap.add_argument("--needs", action="append", default=[])
    ap.add_argument("--disk")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    args = a.args[1:] if a.args and a.args[0] == "--" else a.args
    for f in a.needs:
        if not os.path.exists(f):
            print(f"SKIP: {f} is missing")
            sys.exit(SKIP)
    expects = list(a.expect)
    if a.disk:
        path, _, text = a.disk.partition(":")
        data = text.encode().ljust(1 << 20, b"\0")
        with open(path, "wb") as fh:
            fh.write(data)
        head = data[:4096]
        shown = "".join(chr(c) if 32 <= c < 127 else "." for c in head[:32])
        expects.insert(0, f'vda: read 4096 bytes crc32=0x{zlib.crc32(head):08x} text="{shown}"')
    same_lines = []
    for spec in a.same_line_as:
        log, _, prefix = spec.partition(":")
        with open(log, errors="replace") as fh:
            for line in fh:
                line = re.sub(r"^\[\s*[0-9.]+\]\s*", "", line.rstrip())
                if line.startswith(prefix):
                    same_lines.append(line)
                    break
            else:
                sys.exit(f"FAIL: no line starting with {prefix!r} in the reference log {log}")
    sends = [s.split("::", 1) for s in a.send]
    cmd = [a.mimic, "boot"] + args
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out = b""
    start = time.monotonic()
    stopped = False
    while True:
        if time.monotonic() - start > a.timeout:
            proc.kill()
            proc.wait()
            print(out.decode(errors="replace")[-4000:])
            sys.exit(f"FAIL: timeout after {a.timeout} s: {' '.join(cmd)}")
        r, _, _ = select.select([proc.stdout], [], [], 0.2)
        if r:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
            text = out.decode(errors="replace")
            for s in list(sends):
                if s[0] in text:
                    proc.stdin.write(s[1].encode() + b"\n")
                    proc.stdin.flush()
                    sends.remove(s)
            if a.stop_at and a.stop_at in text:
                proc.kill()
                stopped = True
                break
        elif proc.poll() is not None:
            break
    status = proc.wait()
    text = out.decode(errors="replace")
    pos = 0
    for e in expects:
        i = text.find(e, pos)
        if i < 0:
            print(text[-4000:])
            sys.exit(f"FAIL: expected {e!r} in the console output (in order)")
        pos = i + len(e)
    for line in same_lines:
        if line not in text:
            print(text[-4000:])
            sys.exit(f"FAIL: the reference run printed {line!r}; this run did not")
    if not stopped and status != a.expect_exit:
        print(text[-4000:])
        sys.exit(f"FAIL: exit status {status}, expected {a.expect_exit}")
    print(f"PASS: {len(expects) + len(same_lines)} expected lines seen{' (stopped at marker)' if stopped else ', exit ' + str(status)}")


if __name__ == "__main__":
    main()
