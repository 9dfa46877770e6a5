#!/usr/bin/env python3
"""Build a bare-metal RISC-V test program and run it on a mimic board and on QEMU.

usage: run-baremetal.py --mimic PATH --engine ENGINE --src DIR --out FILE.elf
                        [--board spike|virt] PROGRAM.c

Compiles DIR/crt.S and PROGRAM.c with riscv64-linux-gnu-gcc (freestanding, _start at the
first byte of RAM, 0x80000000, by DIR/link.ld), then runs
`mimic boot -M BOARD -bios none -kernel FILE.elf`.  The program reports its result as
an exit status -- through HTIF on spike, through the sifive_test device on virt
(crt.S, BM_VIRT) -- 0 is a pass, anything else is the line of the failed CHECK.

The same ELF then runs on qemu-system-riscv64 with the same board, which must end with
the same status: the programs check the Privileged Spec's rules, and QEMU is the second
implementation that keeps those checks honest.  A missing cross compiler or QEMU is a
skip (77), never a pass.  --qemu-differs names a known QEMU 7.2 deviation from the
spec that the program checks; the QEMU run is left out then, saying why.
"""
import argparse
import os
import shutil
import subprocess
import sys

SKIP = 77
CC = "riscv64-linux-gnu-gcc"
QEMU = "qemu-system-riscv64"
CFLAGS = ["-O2", "-march=rv64gc", "-mabi=lp64d", "-mcmodel=medany", "-nostdlib", "-nostartfiles",
          "-ffreestanding", "-static", "-Wl,--build-id=none", "-Wall", "-Wextra",
          "-Wno-unused-parameter"]


def run(cmd, timeout):
    """(status, output) of cmd; status None on a timeout."""
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, ""
    return r.returncode, r.stdout.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--engine", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--board", default="spike", choices=["spike", "virt"])
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--qemu-differs", metavar="WHY",
                    help="QEMU is known to break one of the program's checks: say why, skip its run")
    ap.add_argument("program")
    a = ap.parse_args()
    if shutil.which(CC) is None:
        print(f"SKIP: {CC} not installed (apt-get install gcc-riscv64-linux-gnu)")
        sys.exit(SKIP)
    defs = ["-DBM_VIRT"] if a.board == "virt" else []
    cmd = [CC] + CFLAGS + defs + ["-T", os.path.join(a.src, "link.ld"), "-I", a.src, "-o", a.out,
                                  os.path.join(a.src, "crt.S"), os.path.join(a.src, a.program)]
    build = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if build.returncode != 0:
        sys.exit("FAIL: build: " + " ".join(cmd) + "\n" + build.stdout)

    mimic = [a.mimic, "boot", f"--engine={a.engine}", "-M", a.board, "-bios", "none", "-kernel", a.out]
    status, out = run(mimic, a.timeout)
    if status is None:
        sys.exit(f"FAIL: timeout after {a.timeout} s: {' '.join(mimic)}")
    if status != 0:
        print(out[-2000:])
        sys.exit(f"FAIL: {a.program}: mimic status {status} (the failed CHECK's line, or mimic's error)")
    print(f"PASS: {a.program} on {a.board} ({a.engine})")

    if a.qemu_differs:
        print(f"NOTE: no {QEMU} run: {a.qemu_differs}")
        return
    if shutil.which(QEMU) is None:
        print(f"SKIP: {QEMU} not installed (apt-get install qemu-system-misc): no oracle run")
        sys.exit(SKIP)
    qemu = [QEMU, "-M", a.board, "-bios", "none", "-kernel", a.out, "-nographic", "-monitor", "none"]
    status, out = run(qemu, a.timeout)
    if status != 0:
        print(out[-2000:])
        sys.exit(f"FAIL: {a.program}: QEMU's status is {status} where mimic's is 0 "
                 "(a check that only mimic passes)")
    print(f"PASS: {a.program} on {QEMU} -M {a.board}")


if __name__ == "__main__":
    main()
