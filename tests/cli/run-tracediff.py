#!/usr/bin/env python3
"""tools/mimic-tracediff on x86 and ppc traces: mimic's trace of tracediff/work.c, under each
engine, against the host CPU's own run (tools/mimic-nativetrace, x86 only) and against
qemu-user's `-singlestep -d cpu` log, over the whole of work() (integer, SSE and x87 or the
ppc FPU).  They must agree instruction by instruction, register by register; a trace with
one value changed must be reported at that step; a 32-bit guest's stack cannot be placed
above 4 GiB.

usage: run-tracediff.py MIMIC WORKDIR ARCH   (ARCH: x86_64, i386 or ppc)
A missing compiler or qemu makes the test exit 77 (skipped), never pass.
"""
import os
import shutil
import subprocess
import sys

MIMIC, WORK, ARCH = sys.argv[1], sys.argv[2], sys.argv[3]
HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, "..", "..", "tools")
TRACEDIFF = os.path.join(TOOLS, "mimic-tracediff")
NATIVETRACE = os.path.join(TOOLS, "mimic-nativetrace")
SKIP = 77
CC = {"x86_64": "gcc", "i386": "i686-linux-gnu-gcc", "ppc": "powerpc-linux-gnu-gcc"}[ARCH]
QEMU = {"x86_64": "qemu-x86_64", "i386": "qemu-i386", "ppc": "qemu-ppc"}[ARCH]
X86 = ARCH != "ppc"
failures = []


def check(name, cond, detail=""):
    if not cond:
        failures.append(name)
        print(f"FAIL {name}: {detail}")


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, **kw)


def steps_of(trace, func):
    """The number of instructions from the first entry to func until it returns to main."""
    n, inside = 0, False
    with open(trace) as f:
        for line in f:
            if not line.startswith("insn "):
                continue
            if not inside:
                inside = f"<{func}+0x0>" in line
                n = int(inside)
            elif "<main+" in line:
                return n
            else:
                n += 1
    return n


def tracediff(*args):
    return run([sys.executable, TRACEDIFF, *args])


def main():
    for tool in (CC, QEMU):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} not installed (tools/install-deps.sh installs it)")
            return SKIP
    os.makedirs(WORK, exist_ok=True)
    prog = os.path.join(WORK, f"work-{ARCH}")
    subprocess.run([CC, "-O2", "-static", "-o", prog, os.path.join(HERE, "tracediff", "work.c")], check=True)
    nm = run(["nm", prog]).stdout.split("\n")
    work_addr = next(int(l.split()[0], 16) for l in nm if l.endswith(" work"))
    xflags = ["--x86-defined-flags"] if X86 else []

    qlog = os.path.join(WORK, f"qemu-{ARCH}.log")
    run([QEMU, "-singlestep", "-d", "cpu,nochain", "-D", qlog, prog])
    native = os.path.join(WORK, f"native-{ARCH}.trace")
    if X86:
        r = run([sys.executable, NATIVETRACE, "-o", native, "--from-sym", "work", "--max-insns", "50000", prog])
        check("nativetrace runs", r.returncode == 0 and os.path.getsize(native) > 0, r.stderr)

    for engine in ("interp", "jit"):
        mine = os.path.join(WORK, f"mimic-{ARCH}-{engine}.trace")
        r = run([MIMIC, "run", f"--engine={engine}", "--trace=insn,regs", f"--trace-file={mine}", prog])
        check(f"{engine}: mimic runs", r.returncode == 0, r.stderr)
        n = steps_of(mine, "work")
        check(f"{engine}: work() traced", n > 500, f"{n} steps")
        if X86:
            r = tracediff("--from-sym", "work", "--stack-offset", "auto", *xflags, "--steps", str(n), mine, native)
            check(f"{engine}: agrees with the host CPU over work()",
                  r.returncode == 0 and f"agree over {n} " in r.stdout, r.stdout[-1500:] + r.stderr)
        # qemu's log has no symbols: start at work's address; its stack is where
        # --stack-top=qemu puts mimic's (within the few bytes auxv sizes move it).
        mq = os.path.join(WORK, f"mimic-{ARCH}-{engine}-qstack.trace")
        run([MIMIC, "run", f"--engine={engine}", "--stack-top=qemu", "--trace=insn,regs",
             f"--trace-file={mq}", prog])
        r = tracediff("--from-pc", hex(work_addr), "--stack-offset", "auto", *xflags, "--steps", str(n), mq, qlog)
        check(f"{engine}: agrees with {QEMU} over work()",
              r.returncode == 0 and f"agree over {n} " in r.stdout, r.stdout[-1500:] + r.stderr)

        # One register value changed half-way through work(): found, at that step.
        lines = open(mine).read().split("\n")
        start = next(i for i, l in enumerate(lines) if f"<work+0x0>" in l and l.startswith("insn "))
        k, seen = start, 0
        while True:
            if lines[k].startswith("insn "):
                seen += 1
            if seen > n // 2 and lines[k].startswith("regs "):
                break
            k += 1
        name, _, value = lines[k].split()[1].partition("=")
        lines[k] = lines[k].replace(f"{name}={value}", f"{name}=0x{int(value, 16) ^ 0x10:x}", 1)
        bad = mine + ".changed"
        with open(bad, "w") as f:
            f.write("\n".join(lines))
        r = tracediff("--from-sym", "work", mine, bad)
        check(f"{engine}: a changed value is found", r.returncode == 1 and
              f"at step {seen - 1}: register results differ: {name}" in r.stdout, r.stdout[:600])

    if ARCH == "x86_64":
        # A PIE, loaded at another address by mimic than by the kernel: --pc-offset.
        pie = os.path.join(WORK, "work-pie")
        subprocess.run([CC, "-O2", "-fpie", "-pie", "-o", pie, os.path.join(HERE, "tracediff", "work.c")],
                       check=True)
        mine, native = pie + "-mimic.trace", pie + "-native.trace"
        run([MIMIC, "run", "--trace=insn,regs", f"--trace-file={mine}", pie])
        run([sys.executable, NATIVETRACE, "-o", native, "--from-sym", "work", "--max-insns", "50000", pie])
        n = steps_of(mine, "work")
        r = tracediff("--from-sym", "work", "--pc-offset", "auto", "--stack-offset", "auto", *xflags,
                      "--steps", str(n), mine, native)
        check("PIE: agrees with the host CPU over work()", n > 500 and r.returncode == 0 and
              f"agree over {n} " in r.stdout, r.stdout[-1500:] + r.stderr)
        r = tracediff("--from-sym", "work", "--stack-offset", "auto", *xflags, "--steps", str(n), mine, native)
        check("PIE: pcs differ without --pc-offset", r.returncode == 1 and "at step 0: pc" in r.stdout,
              r.stdout[:300])
    else:
        r = run([MIMIC, "run", "--stack-top=0x100002000", prog])
        lines = r.stderr.strip().splitlines()
        check("32-bit guest: stack above 4 GiB refused", r.returncode != 0 and len(lines) == 1 and
              "outside the 32-bit guest's address space" in r.stderr, r.stderr)

    if failures:
        print(f"{len(failures)} check(s) failed: " + ", ".join(failures))
        return 1
    print(f"PASS: tracediff on {ARCH} traces")
    return 0


if __name__ == "__main__":
    sys.exit(main())
