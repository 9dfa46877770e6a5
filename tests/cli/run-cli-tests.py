#!/usr/bin/env python3
"""Command-line behaviour of mimic: errors on bad input, help, the bare emulator form,
traces that agree between engines and with qemu-riscv64, and --stats.

Usage: run-cli-tests.py MIMIC WORKDIR
Guest programs are compiled here with riscv64-linux-gnu-gcc/g++. A tool a sub-check needs but
cannot find (the cross compiler, qemu-riscv64) never counts as a pass: the remaining checks
still run, and if none failed the whole test exits 77 (ctest: skipped) naming what did not run.
A failed check fails the test either way."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

MIMIC, WORK = sys.argv[1], sys.argv[2]
CC = "riscv64-linux-gnu-gcc"
CXX = "riscv64-linux-gnu-g++"
NM = "riscv64-linux-gnu-nm"
SKIP_STATUS = 77        # ctest SKIP_RETURN_CODE (tests/cli/CMakeLists.txt)
failures = []
skipped = []            # sub-checks that could not run, with the reason
passed = 0


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(name)
        print(f"FAIL {name}: {detail}")


def skip(name, why):
    skipped.append(f"{name} ({why})")
    print(f"SKIP {name}: {why}")


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


def objdump_funcs(path):
    """{function: [(pc, word, mnemonic)]} from riscv64-linux-gnu-objdump -d."""
    funcs, cur = {}, None
    for line in run(["riscv64-linux-gnu-objdump", "-d", path]).stdout.splitlines():
        if line.endswith(">:"):
            cur = line.split("<")[1][:-2]
            funcs[cur] = []
        elif cur and line.startswith(" ") and ":\t" in line:
            parts = line.split("\t")
            funcs[cur].append((int(parts[0].strip()[:-1], 16), parts[1].strip(), parts[2].split()[0]))
    return funcs


def nm_syms(path):
    return {l.split()[2]: int(l.split()[0], 16) for l in run(["riscv64-linux-gnu-nm", path]).stdout.splitlines()
            if len(l.split()) == 3}


def read_lines(path):
    with open(path) as f:
        return f.read().splitlines()


def trace_round_two(tracediff, static):
    """Crash-safe traces, --trace-last, symbols, watch, windows, syscalls, tracediff options."""
    crash_src = ("#include <stdio.h>\nint counter;\nvolatile int *bad = (int *)0x10;\n"
                 "__attribute__((noinline)) void record(int v) { counter += v; }\n"
                 "__attribute__((noinline)) void corrupt(int *p) { p[1] = 99; }\n"
                 "int other[1];\n"
                 "__attribute__((noinline)) int crash(int x) { record(x); return *bad + x; }\n"
                 "int main(int c, char **v) { printf(\"start\\n\"); for (int i = 0; i < 3; i++) record(i);\n"
                 "  if (c > 2) { corrupt(other - 1 + (&counter - other)); return counter; }\n"
                 "  if (c > 1) { for (;;) record(1); }\n"
                 "  return crash(c); }\n")
    crash = compile_guest("crash-static", crash_src, ["-static"])
    crash_pie = compile_guest("crash-pie", crash_src, ["-fPIE", "-pie"])
    funcs = objdump_funcs(crash)
    fault_pc, fault_word, _ = next(i for i in funcs["crash"] if i[2] in ("lw", "c.lw"))
    syms = nm_syms(crash)

    # 1. The trace file ends with the faulting instruction, the signal and the end line.
    for engine in ("interp", "jit"):
        for name, extra in (("full", ["--trace=insn,regs,mem"]),
                            ("range", ["--trace=insn,regs", "--trace-range=crash"]),
                            ("numeric range", ["--trace=insn", f"--trace-range={hex(syms['crash'])}+0x40"]),
                            ("last", ["--trace-last=50"])):
            tf = os.path.join(WORK, f"crash-{engine}-{name.replace(' ', '-')}.txt")
            r = run([MIMIC, "run", f"--engine={engine}", "--seed=1", *extra, f"--trace-file={tf}", crash])
            lines = read_lines(tf)
            insns = [l for l in lines if l.startswith("insn ")]
            tag = f"crash {name} {engine}"
            check(tag + ": killed by SIGSEGV", r.returncode == -11, repr(r))
            check(tag + ": ends with the faulting insn", insns and insns[-1].split()[1] == hex(fault_pc) and
                  insns[-1].split()[2] == fault_word, insns[-1:])
            check(tag + ": signal line", any(l.startswith(f"signal SIGSEGV pc={hex(fault_pc)} addr=0x10 ")
                                             for l in lines[-3:]), lines[-3:])
            check(tag + ": end line", lines[-1] == "end signal SIGSEGV", lines[-1:])
            if name == "last":
                check(tag + ": 50 instructions", len(insns) == 50, len(insns))
                check(tag + ": full state", any(l.startswith("state pc=") for l in lines), "")
            if name == "range":
                check(tag + ": only crash", all("<crash+0x" in l for l in insns), insns[:3])
                check(tag + ": state on entry", lines[0].startswith("state pc=" + hex(syms["crash"])), lines[:1])

    # Block and exec traces run several instructions per block: the signal line still has
    # the step of the faulting instruction, as in the one-instruction-per-block insn trace.
    def signal_line(extra, engine):
        tf = os.path.join(WORK, f"crash-step-{engine}.txt")
        run([MIMIC, "run", f"--engine={engine}", "--seed=1", *extra, f"--trace-file={tf}", crash])
        lines = read_lines(tf)
        return lines[-2] if len(lines) >= 2 else "", lines
    for engine in ("interp", "jit"):
        want, insn_lines = signal_line(["--trace=insn"], engine)
        fault_step = next((l.split()[-1] for l in reversed(insn_lines) if l.startswith(f"insn {hex(fault_pc)} ")), "")
        check(f"crash step {engine}: insn trace's signal step is the faulting insn's",
              want.startswith("signal SIGSEGV") and want.split()[-1] == fault_step, (want, fault_step))
        # Outside a range blocks chain and run whole: the faulting one is found all the same.
        for item in ("block", "exec", "insn --trace-range=main", "mem --trace-range=record"):
            got, lines = signal_line(f"--trace={item}".split(), engine)
            blocks = [l for l in lines if l.startswith("block ")]
            check(f"crash step {engine} {item}: same signal line as the insn trace", got == want, (got, want))
            if item == "block":
                # The faulting block runs on past the fault: the test shows the fix at work.
                n = int(blocks[-1].split()[2]) if blocks else 0
                start = int(blocks[-1].split()[-1][1:]) if blocks else 0
                check(f"crash step {engine}: faulting block has instructions after the fault",
                      start + n - 1 > int(fault_step[1:] or 0), blocks[-1:])

    # Faults a handler survives: every block line's step is its first instruction's step in
    # the insn trace, also after the handlers (the faulting blocks counted only up to the fault).
    caught_src = ("#include <setjmp.h>\n#include <signal.h>\n#include <stdio.h>\nstatic sigjmp_buf env;\n"
                  "volatile int *bad = (int *)0x10; volatile int sink;\n"
                  "static void on_segv(int s) { (void)s; siglongjmp(env, 1); }\n"
                  "__attribute__((noinline)) int touch(int x) { sink = x; return *bad + x * 3; }\n"
                  "int main(void) { signal(SIGSEGV, on_segv); int n = 0;\n"
                  "  for (int i = 0; i < 3; i++) if (sigsetjmp(env, 1) == 0) n += touch(i); else n++;\n"
                  "  printf(\"%d\\n\", n); return 0; }\n")
    caught = compile_guest("caught-static", caught_src, ["-static", "-O2"])
    for engine in ("interp", "jit"):
        steps = {}
        for item in ("insn", "block"):
            tf = os.path.join(WORK, f"caught-{item}-{engine}.txt")
            r = run([MIMIC, "run", f"--engine={engine}", "--seed=1", f"--trace={item}", f"--trace-file={tf}", caught])
            check(f"caught {item} {engine}: runs to the end", r.returncode == 0 and r.stdout == "3\n", repr(r))
            steps[item] = [(l.split()[1], l.split()[-1]) for l in read_lines(tf) if l.startswith(item + " ")]
        insn_steps = set(steps["insn"])
        wrong = [b for b in steps["block"] if b not in insn_steps]
        check(f"caught {engine}: block steps are their first instruction's", steps["block"] and not wrong,
              wrong[:3])

    # The ring rebuilds the whole run exactly as the full trace shows it (pcs, words, steps).
    tl = os.path.join(WORK, "last-all.txt")
    tf = os.path.join(WORK, "full-all.txt")
    run([MIMIC, "run", "--seed=1", "--trace-last=1000000", f"--trace-file={tl}", crash])
    run([MIMIC, "run", "--seed=1", "--trace=insn", f"--trace-file={tf}", crash])
    ring = [l for l in read_lines(tl) if l.startswith("insn ")]
    full = [l for l in read_lines(tf) if l.startswith("insn ")]
    check("trace-last: the whole run as the full trace", ring == full and len(ring) > 10000,
          f"{len(ring)} vs {len(full)}")

    # 2. Symbols and instruction words as objdump prints them; steps count from 0.
    tf = os.path.join(WORK, "sym.txt")
    run([MIMIC, "run", "--seed=1", "--trace=insn", f"--trace-file={tf}", crash])
    lines = read_lines(tf)
    main_pc, main_word, _ = funcs["main"][0]
    first_main = next((l for l in lines if l.startswith(f"insn {hex(main_pc)} ")), "")
    check("insn word as objdump", first_main.split()[2:3] == [main_word], first_main)
    check("insn symbol", first_main.split()[-2:-1] == ["<main+0x0>"], first_main)
    steps = [int(l.split("#")[-1]) for l in lines if l.startswith("insn ")]
    check("step counter", steps[:3] == [0, 1, 2] and all(b == a + 1 for a, b in zip(steps, steps[1:])), steps[:5])
    # Generic syscall numbers (asm-generic/unistd.h): brk is 214; its first call asks for the break.
    check("syscall line", any(re.match(r"syscall 214 brk\(0x0, .*\) = \d+ #\d+$", l) for l in lines), "")
    # The window: exactly the full trace's lines of steps 100..109.
    tw = os.path.join(WORK, "window.txt")
    run([MIMIC, "run", "--seed=1", "--trace=insn", "--trace-after=100", "--trace-count=10",
         f"--trace-file={tw}", crash])
    got = [l for l in read_lines(tw) if l.startswith("insn ")]
    want = [l for l in lines if l.startswith("insn ") and 100 <= int(l.split("#")[-1]) < 110]
    check("trace window", got == want and len(got) == 10, got[:2])

    # PIE and a library: symbols resolve at the load bases mimic chose.
    tf = os.path.join(WORK, "pie.txt")
    r = run([MIMIC, "run", "--seed=1", "--trace=insn", "--trace-range=crash", "--trace-range=libc.so.6:puts",
             f"--trace-file={tf}", crash_pie])
    lines = read_lines(tf)
    check("pie: crash traced", any("<crash+0x0>" in l for l in lines), lines[:3])
    check("pie: libc puts traced", any("<puts+0x0>" in l for l in lines), "")
    check("pie: ends with the signal", lines[-1] == "end signal SIGSEGV" and lines[-2].startswith("signal SIGSEGV"),
          lines[-2:])

    # 3. --trace-watch names the function and pc of the store that corrupted counter.
    corrupt_store = next(i for i in funcs["corrupt"] if i[2] in ("sw", "c.sw"))[0]
    for engine in ("interp", "jit"):
        r = run([MIMIC, "run", f"--engine={engine}", "--trace-watch=counter", crash, "a", "b"])
        watch = [l for l in r.stderr.splitlines() if l.startswith("watch w ")]
        check(f"watch {engine}: status", r.returncode == 99, repr(r))
        check(f"watch {engine}: the corrupting store",
              watch and f"pc={hex(corrupt_store)} <corrupt+0x" in watch[-1] and "new=0x63" in watch[-1], watch)
        check(f"watch {engine}: record's updates", sum("<record+0x" in l for l in watch) == 3, watch)
    check("exit end line", r.stderr.splitlines()[-1] == "end exit 99", r.stderr[-100:])

    # Threads: lines stay whole; every call of the branch-free work() is traced once per
    # instruction (objdump's count), 4 threads x 2000 calls; abort() ends the trace too.
    thr_src = ("#include <pthread.h>\n#include <stdio.h>\n#include <stdlib.h>\nvolatile long total;\n"
               "__attribute__((noinline)) void work(long *s, int i) { *s += i * 3; }\n"
               "void *run(void *arg) { long s = 0; for (int i = 0; i < 2000; i++) work(&s, i);\n"
               "  __atomic_add_fetch(&total, s, __ATOMIC_SEQ_CST); return NULL; }\n"
               "int main(int c, char **v) { pthread_t t[4];\n"
               "  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, run, NULL);\n"
               "  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);\n"
               "  printf(\"%ld\\n\", total); if (c > 1) abort(); return 0; }\n")
    thr = compile_guest("threads-trace", thr_src, ["-static", "-pthread"])
    work_len = len(objdump_funcs(thr)["work"])
    line_re = re.compile(r"^(insn 0x[0-9a-f]+ [0-9a-f]+ \S+.* <work\+0x[0-9a-f]+> #\d+|regs( [a-z0-9]+=0x[0-9a-f]+)+ #\d+|"
                         r"mem [rw] [1248] 0x[0-9a-f]+ 0x[0-9a-f]+ #\d+|state pc=.* #\d+|end exit 0)$")
    for engine in ("interp", "jit"):
        tf = os.path.join(WORK, f"threads-{engine}.txt")
        r = run([MIMIC, "run", f"--engine={engine}", "--trace=insn,regs,mem", "--trace-range=work",
                 f"--trace-file={tf}", thr])
        lines = read_lines(tf)
        bad = [l for l in lines if not line_re.match(l)]
        check(f"threads {engine}: status", r.returncode == 0 and r.stdout == f"{4 * 3 * 1999 * 2000 // 2}\n", repr(r))
        check(f"threads {engine}: lines whole", not bad, bad[:3])
        check(f"threads {engine}: every instruction", sum(l.startswith("insn ") for l in lines) == 4 * 2000 * work_len,
              sum(l.startswith("insn ") for l in lines))
    tf = os.path.join(WORK, "abort.txt")
    r = run([MIMIC, "run", "--trace-last=20", f"--trace-file={tf}", thr, "abort"])
    lines = read_lines(tf)
    check("abort: killed", r.returncode == -signal.SIGABRT, repr(r))
    check("abort: signal and end lines", lines[-1] == "end signal SIGABRT" and lines[-2].startswith("signal SIGABRT "),
          lines[-3:])
    r = run([MIMIC, "run", "--trace=insn", "--trace-range=no_such_function", static])
    check("unknown symbol: warned", "no_such_function" in r.stderr and r.stderr.endswith("end exit 7\n"),
          r.stderr[-200:])

    # A wider store that only overlaps the watched word is seen whole; a forked child's
    # exit does not end the parent's trace.
    wide_src = ("#include <unistd.h>\n#include <sys/wait.h>\nstruct { int a; int b; } pair;\n"
                "__attribute__((noinline)) void wide(long *p) { *p = 0x1122334455667788L; }\n"
                "int main(void) { if (fork() == 0) _exit(3); wait(0); wide((long *)&pair); return pair.b == 0x11223344 ? 5 : 1; }\n")
    wide = compile_guest("wide-store", wide_src, ["-static"])
    pair = nm_syms(wide)["pair"]
    wide_sd = next(i for i in objdump_funcs(wide)["wide"] if i[2] in ("sd", "c.sd"))[0]
    tf = os.path.join(WORK, "wide.txt")
    r = run([MIMIC, "run", f"--trace-watch={hex(pair + 4)}+4", f"--trace-file={tf}", wide])
    lines = read_lines(tf)
    check("watch: wide store", r.returncode == 5 and any(
        l.startswith(f"watch w 8 {hex(pair)} old=0x0 new=0x1122334455667788 pc={hex(wide_sd)} <wide+0x") for l in lines),
        lines)
    check("fork: one end line, the parent's", [l for l in lines if l.startswith("end ")] == ["end exit 5"], lines)

    # 4. Ctrl-C: the trace is flushed, ends with the signal, and mimic dies of it.
    tf = os.path.join(WORK, "sigint.txt")
    proc = subprocess.Popen([MIMIC, "run", "--trace=insn", "--trace-range=record", f"--trace-file={tf}",
                             crash, "a"], stdout=subprocess.DEVNULL)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    rc = proc.wait(timeout=30)
    lines = read_lines(tf)
    check("sigint: dies of it", rc == -signal.SIGINT, rc)
    check("sigint: end line", lines and lines[-1] == "end signal SIGINT", lines[-2:])
    check("sigint: lines kept", len(lines) > 1000 and all(l.startswith(("insn ", "state ", "signal ", "end "))
                                                          for l in lines), len(lines))

    # 5. tracediff: a trace that ends early, --from-sym, Spike logs, a closed pipe.
    ta = os.path.join(WORK, "sym.txt")
    short = os.path.join(WORK, "short.txt")
    with open(short, "w") as f:
        f.write("\n".join(read_lines(ta)[:200]) + "\n")
    r = run([sys.executable, tracediff, ta, short])
    check("tracediff: ends early", r.returncode == 3 and "ends early" in r.stdout, r.stdout + r.stderr)
    r = run([sys.executable, tracediff, "--from-sym", "crash", os.path.join(WORK, "crash-interp-full.txt"),
             os.path.join(WORK, "crash-jit-full.txt")])
    check("tracediff: --from-sym", r.returncode == 0 and "traces agree" in r.stdout, r.stdout + r.stderr)
    spike = os.path.join(WORK, "spike.log")
    mim = os.path.join(WORK, "spike-mimic.txt")
    with open(spike, "w") as f:
        f.write("core   0: 3 0x0000000000010430 (0x00a50533) x10 0x0000000000000006\n"
                "core   0: 3 0x0000000000010434 (0x00813023) mem 0x0000003ffffff000 0x0000000000000001\n"
                "core   0: 3 0x0000000000010438 (0x00008067)\n")
    with open(mim, "w") as f:
        f.write("insn 0x10430 00a50533 add a0,a0,a0 #0\nregs a0=0x6 #0\n"
                "insn 0x10434 00813023 sd s0,0(sp) #1\ninsn 0x10438 00008067 ret #2\n")
    r = run([sys.executable, tracediff, spike, mim])
    check("tracediff: spike log", r.returncode == 0, r.stdout + r.stderr)
    with open(mim, "w") as f:
        f.write("insn 0x10430 00a50533 add a0,a0,a0 #0\nregs a0=0x7 #0\n"
                "insn 0x10434 00813023 sd s0,0(sp) #1\ninsn 0x10438 00008067 ret #2\n")
    r = run([sys.executable, tracediff, spike, mim])
    check("tracediff: spike divergence", r.returncode == 1 and "at step 0:" in r.stdout, r.stdout)
    r = subprocess.run(f"{sys.executable} {tracediff} --context 100000 {ta} {short} | head -1", shell=True,
                       capture_output=True, text=True, timeout=120)
    check("tracediff: closed pipe", "Traceback" not in r.stderr, r.stderr[-300:])


def boot_errors():
    """mimic boot: bad boards, firmware, kernels and options each give one line and a status."""
    def boot(*args):
        return run([MIMIC, "boot"] + list(args), stdin=subprocess.DEVNULL)
    one_line_error("boot: unknown board", boot("-M", "no-such-board"), "unknown board 'no-such-board'")
    one_line_error("boot: missing firmware", boot("-bios", "/nonexistent/fw.bin"), "/nonexistent/fw.bin")
    elf = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf"
    if os.path.exists(elf):
        trunc = os.path.join(WORK, "trunc-fw.elf")
        with open(elf, "rb") as src, open(trunc, "wb") as dst:
            dst.write(src.read(100))
        one_line_error("boot: truncated firmware", boot("-bios", trunc), "truncated")
    big = os.path.join(WORK, "big-kernel")
    with open(big, "wb") as f:
        f.truncate(40 << 20)
    one_line_error("boot: kernel larger than RAM", boot("-bios", "none", "-m", "16M", "-kernel", big),
                   "does not fit in RAM")
    board = ("[board]\nname=t\ncpu=rv64\nharts=1\nram-base=0x80000000\nram-size=16M\n\n"
             "[device uart0]\nclass=ns16550a\nbase=0x10000000\nsize=0x100\n\n"
             "[device uart1]\nclass=CLASS\nbase=BASE\nsize=0x100\n")
    overlap = os.path.join(WORK, "overlap.board")
    with open(overlap, "w") as f:
        f.write(board.replace("CLASS", "ns16550a").replace("BASE", "0x10000080"))
    one_line_error("boot: overlapping board regions", boot("-M", overlap, "-bios", "none"), "overlaps")
    unknown = os.path.join(WORK, "unknown.board")
    with open(unknown, "w") as f:
        f.write(board.replace("CLASS", "no-such-device").replace("BASE", "0x20000000"))
    one_line_error("boot: unknown device class", boot("-M", unknown, "-bios", "none"),
                   "unknown device class 'no-such-device'")
    one_line_error("boot: bad -drive", boot("-drive", "nonsense"), "-drive", status=2)
    one_line_error("boot: bad -m", boot("-m", "12Q"), "memory size", status=2)
    one_line_error("boot: bad option", boot("-frobnicate"), "-frobnicate", status=2)
    r = run([MIMIC, "machines"])
    check("machines: lists virt and spike with devices",
          r.returncode == 0 and "virt" in r.stdout and "spike" in r.stdout and "ns16550a" in r.stdout, r.stdout)


def exec_policy():
    """Which exec'd programs run under mimic: an x86-64 guest's children are x86-64 guests
    too; a riscv64 guest's host /bin/sh runs natively.  MIMIC_STRACE=1 tells them apart: it
    is inherited, and only a child running under mimic logs its syscalls."""
    src = ('#include <unistd.h>\n#include <stdio.h>\nint main(void) { fflush(stdout); '
           'execl("/bin/sh", "sh", "-c", "echo from-sh; exit 3", (char *)0); return 1; }\n')
    env = dict(os.environ, MIMIC_STRACE="1")
    rv = compile_guest("exec-sh", src, ["-static"])
    r = run([MIMIC, "run", rv], env=env)
    after = r.stderr.split("execve(", 1)[-1]
    check("exec from riscv64: host sh runs natively", r.returncode == 3 and r.stdout == "from-sh\n"
          and "mimic-strace: write(" not in after, repr((r.returncode, r.stdout, r.stderr[-300:])))
    if shutil.which("gcc") is None:
        skip("exec from x86-64", "host gcc not installed")
        return
    path = os.path.join(WORK, "exec-sh-x64")
    with open(path + ".c", "w") as f:
        f.write(src)
    subprocess.run(["gcc", "-O1", "-o", path, path + ".c"], check=True)
    r = run([MIMIC, "run", path], env=env)
    after = r.stderr.split("execve(", 1)[-1]
    check("exec from x86-64: sh runs under mimic", r.returncode == 3 and r.stdout == "from-sh\n"
          and "mimic-strace: write(" in after, repr((r.returncode, r.stdout, r.stderr[-300:])))


def fixed_address():
    """An mmap that insists on an address beyond the guest range gets ENOMEM, as from a
    kernel with a smaller address space, and mimic says why once on stderr."""
    src = ('#include <stdio.h>\n#include <errno.h>\n#include <sys/mman.h>\nint main(void) {\n'
           '  for (int i = 0; i < 2; i++) {\n'
           '    void *p = mmap((void *)(0x300000000000ul + 4096 * i), 4096, PROT_READ,\n'
           '                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);\n'
           '    printf("%d\\n", p == MAP_FAILED ? errno : 0);\n  }\n  return 0;\n}\n')
    rv = compile_guest("mmap-fixed-high", src, ["-static"])
    r = run([MIMIC, "run", rv])
    check("fixed mmap beyond the guest range: ENOMEM", r.returncode == 0 and r.stdout == "12\n12\n",
          repr((r.returncode, r.stdout)))
    check("fixed mmap beyond the guest range: said once",
          r.stderr.count("is outside the guest address space") == 1, repr(r.stderr))


def main():
    # Every check needs a guest program: without the cross tools nothing here can run.
    missing = [t for t in (CC, NM) if shutil.which(t) is None]
    if missing:
        print(f"SKIP: {', '.join(missing)} not installed (apt-get install gcc-riscv64-linux-gnu)")
        return SKIP_STATUS
    os.makedirs(WORK, exist_ok=True)
    hello_src = '#include <stdio.h>\nint main(int c, char **v) { printf("hi %d\\n", c); return 7; }\n'
    loop_src = ("#include <stdio.h>\nint main(void) { unsigned s = 0; for (int i = 0; i < 50; i++) "
                "s = s * 31 + i; printf(\"%u\\n\", s); return 0; }\n")
    static = compile_guest("hello-static", hello_src, ["-static"])
    dyn = compile_guest("hello-dyn", hello_src, [])
    loop = compile_guest("loop-static", loop_src, ["-static"])

    boot_errors()
    exec_policy()
    fixed_address()

    # Bad input: one line, non-zero exit.
    notelf = os.path.join(WORK, "not-elf")
    with open(notelf, "w") as f:
        f.write("just some text\n")
    one_line_error("not an ELF", run([MIMIC, "run", notelf]), "not an ELF")
    # An ELF for a machine no frontend handles (the host's own x86-64 is a guest now):
    # the riscv64 program with e_machine set to AArch64.
    wrong = os.path.join(WORK, "aarch64-elf")
    with open(static, "rb") as src, open(wrong, "wb") as dst:
        data = bytearray(src.read())
        data[18:20] = (183).to_bytes(2, "little")   # EM_AARCH64
        dst.write(data)
    one_line_error("wrong machine", run([MIMIC, "run", wrong]), "AArch64")
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
    one_line_error("bad trace watch", run([MIMIC, "run", "--trace-watch=lib:", static]), "--trace-watch", status=2)
    one_line_error("bad trace-after", run([MIMIC, "run", "--trace-after=x", static]), "--trace-after", status=2)
    one_line_error("bad stack-top", run([MIMIC, "run", "--stack-top=0x10", static]), "--stack-top", status=2)

    # Help is complete.
    r = run([MIMIC, "--help"])
    check("mimic --help", r.returncode == 0 and "run" in r.stdout, r.stdout)
    r = run([MIMIC, "run", "--help"])
    for opt in ["--engine", "--sysroot", "--trace", "--trace-file", "--trace-range", "--stats", "insn", "regs",
                "host", "--trace-last", "--trace-watch", "--trace-after", "--trace-count", "--stack-top"]:
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
        if line.startswith("syscall "):
            return line.split(" = ")[0]
        if line.startswith("regs "):
            return "regs " + " ".join(w.split("=")[0] for w in line.split()[1:])
        if line.startswith("mem "):
            return " ".join(line.split()[:4])
        return line
    a, b = [shape(l) for l in traces["interp"]], [shape(l) for l in traces["jit"]]
    check("traces agree", a == b,
          next((f"line {i}: {x!r} vs {y!r}" for i, (x, y) in enumerate(zip(a, b)) if x != y), "lengths differ"))
    differing = sum(1 for x, y in zip(traces["interp"], traces["jit"]) if x != y and not x.startswith("syscall "))
    check("trace values agree but for the pid", differing <= 4, f"{differing} lines differ")
    check("mem trace present", any(l.startswith("mem w 8 ") for l in traces["jit"]), "")
    # --trace=mem alone: the same mem lines, steps included, as with insn and regs.
    def mem_steps(lines):
        return [" ".join(l.split()[:4]) + " " + l.split()[-1] for l in lines if l.startswith("mem ")]
    for engine in ("interp", "jit"):
        r = run([MIMIC, "run", f"--engine={engine}", "--seed=1", "--trace=mem", loop], env=one_var)
        got, want = mem_steps(r.stderr.splitlines()), mem_steps(traces[engine])
        check(f"mem trace alone {engine}: same accesses and steps", got == want and len(want) > 100,
              next((f"line {i}: {x!r} vs {y!r}" for i, (x, y) in enumerate(zip(got, want)) if x != y),
                   f"{len(got)} lines vs {len(want)}"))

    # The executed pcs match qemu's, block by block (qemu -singlestep makes one insn per block).
    if shutil.which("qemu-riscv64") is None:
        skip("pcs match qemu", "qemu-riscv64 not installed")
    else:
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
        nm = run([NM, loop]).stdout.split("\n")
        main_pc = next(int(l.split()[0], 16) for l in nm if l.endswith(" T main"))
        ours = ours[ours.index(main_pc):]
        qemu_pcs = qemu_pcs[qemu_pcs.index(main_pc):] if main_pc in qemu_pcs else []
        n = min(len(ours), len(qemu_pcs))
        first_diff = next((i for i in range(n) if ours[i] != qemu_pcs[i]), None)
        check("pcs match qemu", n > 1000 and first_diff is None,
              f"n={n}, first difference at {first_diff}: "
              f"{hex(ours[first_diff]) if first_diff is not None else ''} vs "
              f"{hex(qemu_pcs[first_diff]) if first_diff is not None else ''}")

    # Register values against qemu from main: with the stack where qemu puts it, or compared
    # modulo the stack displacement, they agree until printf reads the stack canary (from
    # AT_RANDOM, random under qemu); without either, sp differs at main's first instruction.
    if shutil.which("qemu-riscv64"):
        qlog = os.path.join(WORK, "qemu-cpu.log")
        run(["qemu-riscv64", "-singlestep", "-d", "cpu,nochain", "-D", qlog, loop], env=one_var)
        td = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "mimic-tracediff")
        for name, extra, opt in (("plain", [], []), ("stack-top", ["--stack-top=qemu"], []),
                                 ("stack-offset", [], ["--stack-offset", "auto"])):
            tf = os.path.join(WORK, f"vs-qemu-{name}.txt")
            run([MIMIC, "run", "--seed=1", *extra, "--trace=insn,regs", f"--trace-file={tf}", loop], env=one_var)
            r = run([sys.executable, td, "--from-pc", hex(main_pc), *opt, tf, qlog])
            m = re.search(r"first divergence at step (\d+)", r.stdout)
            at = int(m.group(1)) if m else None
            if name == "plain":
                check("vs qemu: sp differs without a stack option", at == 0, r.stdout[:200])
            else:
                check(f"vs qemu: registers agree past main's start ({name})", at is not None and at > 100,
                      r.stdout[:300])

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
    nm_lines = run([NM, "-n", loop]).stdout.split("\n")
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

    # --trace-whole-blocks: the ir trace shows the blocks an untraced run compiles, so a loop
    # with an if inside is one block instead of one per branch; the program runs the same.
    wb_src = ("#include <stdio.h>\nint main(void) { unsigned s = 0; for (int i = 0; i < 5000; i++) "
              "{ if ((i * 7) & 4) s ^= i * 3; s = s * 31 + i; } printf(\"%u\\n\", s); return 0; }\n")
    wb = compile_guest("whole-blocks", wb_src, ["-O2", "-static"])
    blocks = {}
    for flag in ([], ["--trace-whole-blocks"]):
        r = run([MIMIC, "run", "--trace=ir", "--trace-range=main"] + flag + [wb])
        blocks[bool(flag)] = (r.returncode, r.stdout,
                              {l.split()[1] for l in r.stderr.splitlines() if l.startswith("ir-block 0x")})
    check("trace whole blocks: same run", blocks[True][:2] == blocks[False][:2] and blocks[True][0] == 0,
          repr((blocks[True][:2], blocks[False][:2])))
    check("trace whole blocks: fewer blocks in main", 0 < len(blocks[True][2]) < len(blocks[False][2]) and
          blocks[True][2] <= blocks[False][2], repr((sorted(blocks[True][2]), sorted(blocks[False][2]))))
    for bad in (["--trace=insn"], [], ["--trace=ir", "--trace-last=10"], ["--trace=host", "--trace-after=5"]):
        r = run([MIMIC, "run", "--trace-whole-blocks"] + bad + [wb])
        check(f"trace whole blocks with {bad}: usage error", r.returncode == 2 and r.stdout == "" and
              r.stderr.count("\n") == 1 and "--trace-whole-blocks" in r.stderr, repr((r.returncode, r.stderr)))

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
    if shutil.which(CXX) is None:
        skip("small code cache", f"{CXX} not installed")
    else:
        cxx = os.path.join(WORK, "cxx-dyn")
        with open(cxx + ".cc", "w") as f:
            f.write(cxx_src)
        # -O0: about 1.8 MiB of host code, well past the 1 MiB cache (at -O1 it is just under).
        subprocess.run([CXX, "-O0", "-o", cxx, cxx + ".cc"], check=True)
        want = run([MIMIC, "run", cxx])
        # Every block compiled (no cold tier), so the host code surely overflows the cache.
        small = run([MIMIC, "run", "--code-cache=1", "--tier-threshold=0", "--stats", cxx])
        flushes = [l for l in small.stderr.splitlines() if "cache flushes" in l]
        check("small code cache: same output", want.returncode == 0 and small.stdout == want.stdout,
              f"{want.stdout!r} vs {small.stdout!r}")
        check("small code cache: flushed", flushes and int(flushes[0].split()[-1]) >= 1, small.stderr)
        # Tiered, compiling on the second run: flushes also drop cold blocks mid-run.
        small = run([MIMIC, "run", "--code-cache=1", "--tier-threshold=1", cxx])
        check("small code cache, tiered: same output", small.returncode == 0 and small.stdout == want.stdout,
              f"{want.stdout!r} vs {small.stdout!r}")

    trace_round_two(tracediff, static)

    r = run([MIMIC, "run", "--stats", loop])
    check("--stats", "instructions executed" in r.stderr and "time translating" in r.stderr, r.stderr)
    # Tiered translation: blocks per tier; a loop's block is compiled after the threshold.
    tiers = {l.split()[1]: l for l in r.stderr.splitlines() if l.strip().startswith("tier ")}
    check("--stats: tiers", set(tiers) == {"cold", "full"} and "from cold" in tiers.get("full", ""), r.stderr)
    r = run([MIMIC, "run", "--stats", "--tier-threshold=0", loop])
    check("--tier-threshold=0: no cold tier", r.returncode == 0 and "tier cold" not in r.stderr, r.stderr)
    r = run([MIMIC, "run", "--tier-threshold=-1", loop])
    check("--tier-threshold=-1: refused", r.returncode == 2 and r.stderr.startswith("mimic: ")
          and r.stderr.count("\n") == 1, r.stderr)

    print(f"{passed} passed, {len(failures)} failed, {len(skipped)} not run")
    if failures:
        return 1
    if skipped:
        print("SKIP: not run: " + "; ".join(skipped))
        return SKIP_STATUS
    return 0


if __name__ == "__main__":
    sys.exit(main())
