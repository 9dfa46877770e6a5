#!/usr/bin/env python3
"""Command-line behaviour of mimic: errors on bad input, help, the bare emulator form,
traces that agree between engines and with qemu-riscv64, and --stats.

Usage: run-cli-tests.py MIMIC WORKDIR
Guest programs are compiled here with riscv64-linux-gnu-gcc; a missing compiler fails
the test (CI installs it)."""
import os
import shutil
import subprocess
import sys

MIMIC, WORK = sys.argv[1], sys.argv[2]
CC = "riscv64-linux-gnu-gcc"
failures = []
passed = 0


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(name)
        print(f"FAIL {name}: {detail}")


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **kw)


def compile_guest(name, src, flags):
    path = os.path.join(WORK, name)
    cfile = path + ".c"
    with open(cfile, "w") as f:
        f.write(src)
    subprocess.run([CC, "-O1", *flags, "-o", path, cfile], check=True)
    return path


def one_line_error(name, r, needle, status=1):
    lines = r.stderr.strip().splitlines()
    check(name + ": status", r.returncode == status, f"status {r.returncode}, stderr {r.stderr!r}")
    check(name + ": one line", len(lines) == 1 and lines[0].startswith("mimic: "), repr(r.stderr))
    check(name + ": says why", needle in r.stderr, f"{needle!r} not in {r.stderr!r}")


def main():
    if shutil.which(CC) is None:
        print(f"FAIL: {CC} not found (install gcc-riscv64-linux-gnu)")
        return 1
    os.makedirs(WORK, exist_ok=True)
    hello_src = '#include <stdio.h>\nint main(int c, char **v) { printf("hi %d\\n", c); return 7; }\n'
    loop_src = ("#include <stdio.h>\nint main(void) { unsigned s = 0; for (int i = 0; i < 50; i++) "
                "s = s * 31 + i; printf(\"%u\\n\", s); return 0; }\n")
    static = compile_guest("hello-static", hello_src, ["-static"])
    dyn = compile_guest("hello-dyn", hello_src, [])
    loop = compile_guest("loop-static", loop_src, ["-static"])

    # Bad input: one line, non-zero exit.
    notelf = os.path.join(WORK, "not-elf")
    with open(notelf, "w") as f:
        f.write("just some text\n")
    one_line_error("not an ELF", run([MIMIC, "run", notelf]), "not an ELF")
    one_line_error("wrong machine", run([MIMIC, "run", "/bin/true"]), "x86-64")
    trunc = os.path.join(WORK, "truncated")
    with open(static, "rb") as src, open(trunc, "wb") as dst:
        dst.write(src.read(40))
    one_line_error("truncated header", run([MIMIC, "run", trunc]), "truncated")
    with open(static, "rb") as src, open(trunc, "wb") as dst:
        dst.write(src.read(3000))
    r = run([MIMIC, "run", trunc])
    check("truncated body: fails cleanly", r.returncode == 1 and r.stderr.startswith("mimic: "), repr(r.stderr))
    one_line_error("missing interpreter", run([MIMIC, "run", "-L", "/nonexistent", dyn],
                                              env={**os.environ, "MIMIC_LD_PREFIX": ""}), "-L")
    one_line_error("missing program", run([MIMIC, "run", os.path.join(WORK, "no-such-program")]),
                   "No such file")
    one_line_error("bad option", run([MIMIC, "run", "--frobnicate", static]), "frobnicate", status=2)
    one_line_error("bad engine", run([MIMIC, "run", "--engine=warp", static]), "warp", status=2)
    one_line_error("bad trace item", run([MIMIC, "run", "--trace=everything", static]), "everything", status=2)
    one_line_error("bad trace range", run([MIMIC, "run", "--trace-range=0x10-zz", static]), "START-END", status=2)
    one_line_error("empty trace range", run([MIMIC, "run", "--trace-range=0x20-0x10", static]), "empty",
                   status=2)
    one_line_error("no program", run([MIMIC, "run"]), "PROGRAM", status=2)

    # Help is complete.
    r = run([MIMIC, "--help"])
    check("mimic --help", r.returncode == 0 and "run" in r.stdout, r.stdout)
    r = run([MIMIC, "run", "--help"])
    for opt in ["--engine", "--sysroot", "--trace", "--trace-file", "--trace-range", "--stats", "insn", "regs",
                "host"]:
        check(f"run --help mentions {opt}", opt in r.stdout, "")

    # The program's status and output; the bare form used by CMake and binfmt_misc.
    for form in (["run"], []):
        for engine in ("jit", "interp"):
            r = run([MIMIC, *form, *(["--engine=" + engine] if form else []), static, "a", "b"])
            check(f"run {form} {engine}", r.returncode == 7 and r.stdout == "hi 3\n", repr(r))
    r = run([MIMIC, dyn])
    check("bare dynamic", r.returncode == 7 and r.stdout == "hi 1\n", repr(r))

    # Traces: the two engines execute the same instructions with the same register effects.
    # One environment variable only: qemu-riscv64 passes the environment in reverse order.
    one_var = {"LC_ALL": "C"}
    traces = {}
    for engine in ("interp", "jit"):
        tf = os.path.join(WORK, f"trace-{engine}.txt")
        r = run([MIMIC, "run", f"--engine={engine}", "--seed=1", "--trace=insn,regs,mem", f"--trace-file={tf}", loop],
                env=one_var)
        check(f"trace run {engine}", r.returncode == 0, repr(r))
        with open(tf) as f:
            traces[engine] = f.read().splitlines()
    check("insn trace not empty", sum(1 for l in traces["jit"] if l.startswith("insn ")) > 1000, "")
    # With --seed, values may differ only where the two processes differ (the pid):
    # compare instructions exactly, and for regs/mem lines which registers and addresses.
    def shape(line):
        if line.startswith("regs "):
            return "regs " + " ".join(w.split("=")[0] for w in line.split()[1:])
        if line.startswith("mem "):
            return " ".join(line.split()[:4])
        return line
    a, b = [shape(l) for l in traces["interp"]], [shape(l) for l in traces["jit"]]
    check("traces agree", a == b,
          next((f"line {i}: {x!r} vs {y!r}" for i, (x, y) in enumerate(zip(a, b)) if x != y), "lengths differ"))
    differing = sum(1 for x, y in zip(traces["interp"], traces["jit"]) if x != y)
    check("trace values agree but for the pid", differing <= 4, f"{differing} lines differ")
    check("mem trace present", any(l.startswith("mem w 8 ") for l in traces["jit"]), "")

    # The executed pcs match qemu's, block by block (qemu -singlestep makes one insn per block).
    if shutil.which("qemu-riscv64"):
        log = os.path.join(WORK, "qemu-exec.log")
        run(["qemu-riscv64", "-singlestep", "-d", "exec,nochain", "-D", log, loop], env=one_var)
        qemu_pcs = []
        with open(log) as f:
            for line in f:
                # "Trace 0: 0x7f... [00000000/0000000000010430/00000000/00000000] main"
                if line.startswith("Trace ") and "[" in line:
                    qemu_pcs.append(int(line.split("[")[1].split("/")[1], 16))
        ours = [int(l.split()[1], 16) for l in traces["jit"] if l.startswith("insn ")]
        # Start at main: qemu's start-up differs from Linux's (set_robust_list fails under qemu).
        nm = run(["riscv64-linux-gnu-nm", loop]).stdout.split("\n")
        main_pc = next(int(l.split()[0], 16) for l in nm if l.endswith(" T main"))
        ours = ours[ours.index(main_pc):]
        qemu_pcs = qemu_pcs[qemu_pcs.index(main_pc):] if main_pc in qemu_pcs else []
        n = min(len(ours), len(qemu_pcs))
        first_diff = next((i for i in range(n) if ours[i] != qemu_pcs[i]), None)
        check("pcs match qemu", n > 1000 and first_diff is None,
              f"n={n}, first difference at {first_diff}: "
              f"{hex(ours[first_diff]) if first_diff is not None else ''} vs "
              f"{hex(qemu_pcs[first_diff]) if first_diff is not None else ''}")

    # mimic-tracediff: agreeing traces, then one with a register result changed at a known step.
    tracediff = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "mimic-tracediff")
    ta, tb = (os.path.join(WORK, f"trace-{e}.txt") for e in ("interp", "jit"))
    r = run([sys.executable, tracediff, ta, tb])
    check("tracediff: engines agree", r.returncode == 0 and "traces agree" in r.stdout, r.stdout + r.stderr)
    lines = traces["jit"][:]
    insn_seen, target = 0, None
    for i, l in enumerate(lines):
        if l.startswith("insn "):
            insn_seen += 1
        if l.startswith("regs a") and insn_seen > 500:
            name, value = l.split()[1].split("=")
            lines[i] = f"regs {name}={hex(int(value, 16) ^ 4)}"
            target = insn_seen - 1
            break
    bad = os.path.join(WORK, "trace-bad.txt")
    with open(bad, "w") as f:
        f.write("\n".join(lines) + "\n")
    r = run([sys.executable, tracediff, ta, bad])
    check("tracediff: finds the changed step", r.returncode == 1 and f"at step {target}:" in r.stdout,
          r.stdout + r.stderr)

    # --trace-range: exactly the lines of the full trace whose instruction lies in the range
    # (here main, up to the next symbol), under both engines; other items obey it too.
    nm_lines = run(["riscv64-linux-gnu-nm", "-n", loop]).stdout.split("\n")
    syms = [(int(l.split()[0], 16), l.split()[-1]) for l in nm_lines if len(l.split()) == 3]
    lo = next(a for a, n in syms if n == "main")
    hi = min(a for a, n in syms if a > lo)
    for engine in ("interp", "jit"):
        tf = os.path.join(WORK, f"trace-range-{engine}.txt")
        r = run([MIMIC, "run", f"--engine={engine}", "--seed=1", "--trace=insn,regs,mem",
                 f"--trace-range={hex(lo)}-{hex(hi)}", f"--trace-file={tf}", loop], env=one_var)
        with open(tf) as f:
            ranged = f.read().splitlines()
        # A state line opens each entry into the range; the full trace has one at its start.
        ranged = [l for l in ranged if not l.startswith(("state ", "end "))]
        want, keep = [], False
        for line in traces[engine]:
            if line.startswith("insn "):
                keep = lo <= int(line.split()[1], 16) < hi
            if keep:
                want.append(line)
        check(f"trace range {engine}: status", r.returncode == 0, repr(r))
        check(f"trace range {engine}: the full trace's lines in range", ranged == want and len(want) > 50,
              next((f"line {i}: {x!r} vs {y!r}" for i, (x, y) in enumerate(zip(ranged, want)) if x != y),
                   f"{len(ranged)} lines vs {len(want)}"))
    r = run([MIMIC, "run", "--trace=block,ir,host", f"--trace-range={hex(lo)}+{hi - lo}", loop])
    pcs = [int(l.split()[1], 16) for l in r.stderr.splitlines()
           if l.startswith(("block 0x", "ir-block 0x", "host-block 0x"))]
    check("trace range: block, ir, host inside it", pcs and all(lo <= pc < hi for pc in pcs), r.stderr[:300])

    # Other trace items produce their documented line kinds.
    for item, prefix in (("block", "block 0x"), ("ir", "ir-block 0x"), ("host", "host-block 0x"),
                         ("exec", "exec ")):
        r = run([MIMIC, "run", f"--trace={item}", loop])
        check(f"trace {item}", r.returncode == 0 and prefix in r.stderr, r.stderr[:200])

    # A code cache too small for the program: it is flushed and refilled, output unchanged.
    cxx_src = ("#include <iostream>\n#include <map>\n#include <regex>\n#include <sstream>\n#include <string>\n"
               "int main() { std::map<std::string, int> m; for (int i = 0; i < 200; i++) { "
               "std::ostringstream o; o << \"k\" << i * 7; m[o.str()] = i; } "
               "long s = 0; std::regex re(\"k([0-9]+)7$\"); std::smatch sm; "
               "for (auto &kv : m) if (std::regex_search(kv.first, sm, re)) s += kv.second * sm[1].length(); "
               "std::cout << m.size() << \" \" << s << std::endl; return 0; }\n")
    cxx = os.path.join(WORK, "cxx-dyn")
    with open(cxx + ".cc", "w") as f:
        f.write(cxx_src)
    subprocess.run(["riscv64-linux-gnu-g++", "-O1", "-o", cxx, cxx + ".cc"], check=True)
    want = run([MIMIC, "run", cxx])
    small = run([MIMIC, "run", "--code-cache=1", "--stats", cxx])
    flushes = [l for l in small.stderr.splitlines() if "cache flushes" in l]
    check("small code cache: same output", want.returncode == 0 and small.stdout == want.stdout,
          f"{want.stdout!r} vs {small.stdout!r}")
    check("small code cache: flushed", flushes and int(flushes[0].split()[-1]) >= 1, small.stderr)

    r = run([MIMIC, "run", "--stats", loop])
    check("--stats", "instructions executed" in r.stderr and "time translating" in r.stderr, r.stderr)

    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
