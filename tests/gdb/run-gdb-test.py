#!/usr/bin/env python3
"""Run one gdb-multiarch script against mimic's gdb stub and check what gdb printed.

usage: run-gdb-test.py --mimic PATH --engine ENGINE [--arch riscv64|ppc32|i386|x86_64] --src DIR --work DIR
                      SCRIPT.gdb

The script's header comments say what to build and what to expect:
  # build: static|dynamic PROGRAM.c    a Linux program (riscv64-linux-gnu-gcc -g -O0, or
                                       powerpc-linux-gnu-gcc with --arch ppc32)
  # build: virt PROGRAM.c              a bare-metal program for the virt board (-bios none)
  # status: N                          mimic's exit status
  # stdout: REGEX                      a line the guest must print (user mode)
and after a command:
  # expect: REGEX                      a line gdb must print, in this order
  # qemu: compare                      also run the script against qemu-user's gdb stub
                                       (qemu-riscv64 -g / qemu-ppc -g) and require the same
                                       values: every "$N = ...", "Value returned", "Old/New
                                       value", breakpoint-hit and frame line, with hex
                                       addresses masked (stack and load addresses differ)
The expected values are worked out by hand from the program's source (each script says
how), never copied from a run.  mimic listens on a Unix socket in the work directory, so
tests never collide on a TCP port.  No gdb-multiarch or cross compiler: skip (77).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

SKIP = 77
COMPILERS = {"riscv64": "riscv64-linux-gnu-gcc", "ppc32": "powerpc-linux-gnu-gcc",
             "i386": "i686-linux-gnu-gcc", "x86_64": "gcc"}
CC = COMPILERS["riscv64"]
GDB = "gdb-multiarch"


def parse(script):
    build, status, stdout, expects, qemu = None, None, [], [], False
    for line in open(script):
        line = line.rstrip("\n")
        if re.match(r"#\s*qemu:\s*compare", line):
            qemu = True
            continue
        m = re.match(r"#\s*(build|status|stdout|expect):\s*(.*)$", line)
        if not m:
            continue
        key, val = m.groups()
        if key == "build":
            build = val.split()
        elif key == "status":
            status = int(val)
        elif key == "stdout":
            stdout.append(val)
        else:
            expects.append(val)
    return build, status, stdout, expects, qemu


def compile_program(src, work, kind, prog):
    out = os.path.join(work, os.path.splitext(prog)[0] + "-" + kind)
    cmd = [CC, "-g", "-O0", "-o", out]
    if kind == "static":
        cmd += ["-static", os.path.join(src, prog), "-lpthread"]
    elif kind == "dynamic":
        cmd += [os.path.join(src, prog), "-lpthread"]
    else:
        cmd = [CC, "-g", "-O1", "-march=rv64gc", "-mabi=lp64d", "-mcmodel=medany", "-nostdlib",
               "-nostartfiles", "-ffreestanding", "-static", "-Wl,--no-warn-rwx-segments",
               "-T", os.path.join(src, "virt.ld"), "-o", out,
               os.path.join(src, "virt_start.S"), os.path.join(src, prog)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.exit("FAIL: build: " + " ".join(cmd) + "\n" + r.stdout)
    return out


def check_in_order(text, patterns, what):
    lines = text.splitlines()
    pos = 0
    for pat in patterns:
        rx = re.compile(pat)
        while pos < len(lines) and not rx.search(lines[pos]):
            pos += 1
        if pos == len(lines):
            return f"{what}: no line matching /{pat}/ (in order)"
        pos += 1
    return None


QEMU = {"riscv64": "qemu-riscv64", "ppc32": "qemu-ppc", "i386": "qemu-i386", "x86_64": "qemu-x86_64"}
VALUE_LINE = re.compile(r"^(\$\d+ = |Value returned|Old value|New value|Breakpoint \d+, |#\d+ |\d+\t)")


def values(text):
    """The lines that carry values, addresses masked."""
    out = []
    for line in text.splitlines():
        if VALUE_LINE.match(line):
            out.append(re.sub(r"0x[0-9a-f]+", "0x?", line))
    return out


def compare_with_qemu(arch, script_text, prog, work, timeout, gdb_out):
    """Run the same script against qemu-user's stub; None if the values agree."""
    import socket
    qemu = QEMU[arch]
    if shutil.which(qemu) is None:
        print(f"note: {qemu} not installed: no qemu comparison")
        return None
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    text = re.sub(r"target remote \S+", f"target remote 127.0.0.1:{port}", script_text)
    path = os.path.join(work, "script-qemu.gdb")
    open(path, "w").write(text)
    q = subprocess.Popen([qemu, "-g", str(port), prog], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    time.sleep(0.3)
    try:
        g = subprocess.run([GDB, "-nx", "-batch", "-x", path, prog], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
        q.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        q.kill()
        return "qemu run timed out"
    ours, theirs = values(gdb_out), values(g.stdout)
    if ours != theirs:
        return "values differ from qemu's:\n  mimic: " + "\n  mimic: ".join(ours) + \
               "\n  qemu:  " + "\n  qemu:  ".join(theirs)
    if not ours:
        return "no value lines to compare with qemu"
    print(f"qemu agrees on {len(ours)} value lines")
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--engine", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--timeout", type=float, default=240)
    ap.add_argument("--arch", default="riscv64", choices=sorted(COMPILERS))
    ap.add_argument("script")
    a = ap.parse_args()
    global CC
    CC = COMPILERS[a.arch]
    for tool, pkg in ((GDB, "gdb-multiarch"), (CC, "gcc-" + CC[:-4])):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} not installed (apt-get install {pkg})")
            sys.exit(SKIP)
    script = os.path.join(a.src, a.script)
    build, want_status, want_stdout, expects, qemu = parse(script)
    name = os.path.splitext(a.script)[0] + "-" + a.arch + "-" + a.engine
    work = os.path.join(a.work, name)
    os.makedirs(work, exist_ok=True)
    prog = compile_program(a.src, work, build[0], build[1])
    sock = os.path.join(work, "gdb.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    if build[0] == "virt":
        run = [a.mimic, "boot", f"--engine={a.engine}", "-M", "virt", "-bios", "none", "-kernel", prog,
               "-gdb", sock, "-S"]
    else:
        run = [a.mimic, "run", f"--engine={a.engine}", "-g", sock, prog]
    text = open(script).read().replace("@TARGET@", sock)
    gdb_script = os.path.join(work, "script.gdb")
    open(gdb_script, "w").write(text)
    guest = subprocess.Popen(run, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for _ in range(200):
        if os.path.exists(sock) or guest.poll() is not None:
            break
        time.sleep(0.05)
    try:
        g = subprocess.run([GDB, "-nx", "-batch", "-x", gdb_script, prog], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=a.timeout)
        gdb_out = g.stdout
    except subprocess.TimeoutExpired as e:
        guest.kill()
        sys.exit(f"FAIL: gdb timed out after {a.timeout} s\n{e.stdout}")
    try:
        out, err = guest.communicate(timeout=a.timeout)
    except subprocess.TimeoutExpired:
        guest.kill()
        out, err = guest.communicate()
        print(gdb_out)
        sys.exit("FAIL: mimic did not end after gdb")
    out = out.decode(errors="replace")
    err = err.decode(errors="replace")
    problems = []
    p = check_in_order(gdb_out, expects, "gdb")
    if p:
        problems.append(p)
    p = check_in_order(out, want_stdout, "guest stdout")
    if p:
        problems.append(p)
    if want_status is not None and guest.returncode != want_status:
        problems.append(f"mimic exit status {guest.returncode}, expected {want_status}")
    if qemu and not problems:
        p = compare_with_qemu(a.arch, text, prog, work, a.timeout, gdb_out)
        if p:
            problems.append(p)
    if problems:
        print("--- gdb output ---\n" + gdb_out)
        print("--- guest stdout ---\n" + out)
        print("--- mimic stderr ---\n" + err)
        sys.exit("FAIL: " + "; ".join(problems))
    print(f"PASS: {a.script} ({a.engine})")


if __name__ == "__main__":
    main()
