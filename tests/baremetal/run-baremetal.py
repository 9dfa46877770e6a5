#!/usr/bin/env python3
"""Build a bare-metal RISC-V test program and run it on mimic's spike board.

usage: run-baremetal.py --mimic PATH --engine ENGINE --src DIR --out FILE.elf PROGRAM.c

Compiles DIR/crt.S and PROGRAM.c with riscv64-linux-gnu-gcc (freestanding, linked at
0x80000000 by DIR/link.ld), then runs `mimic boot -M spike -bios none -kernel FILE.elf`.
The program reports through HTIF: exit status 0 is a pass, anything else is the line of
the failed CHECK. A missing cross compiler is a skip (77), never a pass.
"""
import argparse
import os
import shutil
import subprocess
import sys

SKIP = 77
CC = "riscv64-linux-gnu-gcc"
CFLAGS = ["-O2", "-march=rv64gc", "-mabi=lp64d", "-mcmodel=medany", "-nostdlib", "-nostartfiles",
          "-ffreestanding", "-static", "-Wall", "-Wextra", "-Wno-unused-parameter"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--engine", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("program")
    a = ap.parse_args()
    if shutil.which(CC) is None:
        print(f"SKIP: {CC} not installed (apt-get install gcc-riscv64-linux-gnu)")
        sys.exit(SKIP)
    cmd = [CC] + CFLAGS + ["-T", os.path.join(a.src, "link.ld"), "-I", a.src, "-o", a.out,
                           os.path.join(a.src, "crt.S"), os.path.join(a.src, a.program)]
    build = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if build.returncode != 0:
        sys.exit("FAIL: build: " + " ".join(cmd) + "\n" + build.stdout)
    run = [a.mimic, "boot", f"--engine={a.engine}", "-M", "spike", "-bios", "none", "-kernel", a.out]
    try:
        r = subprocess.run(run, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=a.timeout)
    except subprocess.TimeoutExpired:
        sys.exit(f"FAIL: timeout after {a.timeout} s: {' '.join(run)}")
    if r.returncode != 0:
        print(r.stdout.decode(errors="replace")[-2000:])
        sys.exit(f"FAIL: {a.program}: status {r.returncode} (the failed CHECK's line, or mimic's error)")
    print(f"PASS: {a.program} on spike ({a.engine})")


if __name__ == "__main__":
    main()
