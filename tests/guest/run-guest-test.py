#!/usr/bin/env python3
"""Run one guest program under every engine and compare the outcomes.

usage: run-guest-test.py [--mimic PATH] [--arch riscv64|ppc|i386|x86_64] [--expect-exit N] [--stdin FILE]
                         [--env K=V]... -- PROGRAM [ARGS...]

Runs PROGRAM under `mimic run --engine=interp`, `mimic run --engine=jit` (tiered: new blocks run
on the interpreter until they have run often enough to be compiled), the JIT with every block
compiled at once (`jit-full`: --tier-threshold=0), the JIT compiling each block on its second run
(`jit-tier1`: every block that runs twice goes through the tier-up), and the arch's qemu
(`qemu-riscv64 -L /usr/riscv64-linux-gnu`, `qemu-ppc -L /usr/powerpc-linux-gnu`: the oracle), and
for x86 guests natively on the host as well (a second oracle). Each run gets a fresh empty
working directory, the same stdin and environment. The test passes when every run exits with
the expected status (a death by signal N counts as 128+N, like a shell) and all stdouts are
identical; otherwise it prints what differed (a unified diff against the first run) and fails.
stderr is shown on failure but not compared: engines may print warnings there.

--skip-qemu REASON leaves qemu out for a test that checks behaviour qemu gets wrong (its expected
values then come from native Linux); the mimic engines are still compared. MIMIC_GUEST_ENGINES=
interp,jit,jit-full,jit-tier1,qemu selects the runners (e.g. `qemu` alone to check the programs themselves before
mimic exists). A requested mimic engine whose binary is missing is a failure, not a skip.

Nothing missing ever turns into a pass; these exit 77 (ctest: skipped) with a one-line reason:
  - the arch's qemu is not installed and the test would have compared with it (the other runs
    still happen first: if they fail or disagree, the test fails);
  - build-guests.py could not build anything (<out>/SKIPPED: no cross compiler or sysroot), or
    not this program (PROGRAM.skip: no cross g++, no libgomp).
"""
import argparse
import difflib
import os
import resource
import shutil
import subprocess
import sys
import tempfile

SKIP_STATUS = 77        # ctest SKIP_RETURN_CODE
# The mimic runners: name -> options.  The tiered JIT is run three ways so that the cold tier
# (interpreted blocks), the compiled tier and the switch between them are all compared.
MIMIC_ENGINES = {
    "interp": ["--engine=interp"],
    "jit": ["--engine=jit"],
    "jit-full": ["--engine=jit", "--tier-threshold=0"],
    "jit-tier1": ["--engine=jit", "--tier-threshold=1"],
}
# Per guest architecture: the sysroot both mimic and qemu get with -L, and qemu's binary.
ARCHES = {
    "riscv64": {"sysroot": "/usr/riscv64-linux-gnu", "qemu": "qemu-riscv64"},
    "ppc": {"sysroot": "/usr/powerpc-linux-gnu", "qemu": "qemu-ppc"},
    # x86 guests also run natively on the host (the kernel's IA32 emulation for i386): a
    # second oracle next to qemu.  x86-64 guests use the host's libraries: no -L.
    # qemu-i386 lets the sysroot's ld.so read the host's /etc/ld.so.cache, whose i386 entries
    # name the host's /lib32 libc, another glibc build than that ld.so (fork then loops in
    # reclaim_stacks); mimic never shows a sysroot guest the host's cache.  LD_LIBRARY_PATH
    # makes qemu's guest take the sysroot's libraries too.
    "i386": {"sysroot": "/usr/i686-linux-gnu", "qemu": "qemu-i386", "native": True,
             "qemu_args": ["-E", "LD_LIBRARY_PATH=/lib"]},
    "x86_64": {"sysroot": None, "qemu": "qemu-x86_64", "native": True},
}


def no_core_dumps():
    # An uncaught SIGSEGV/abort is an expected outcome in some tests: don't litter cores.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def status_of(returncode):
    return 128 - returncode if returncode < 0 else returncode


def run_one(label, cmd, stdin_data, env, timeout):
    with tempfile.TemporaryDirectory(prefix="mimic-guest-") as cwd:
        try:
            proc = subprocess.run(cmd, input=stdin_data, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env, cwd=cwd, timeout=timeout,
                                  preexec_fn=no_core_dumps)
        except subprocess.TimeoutExpired as e:
            return {"label": label, "cmd": cmd, "status": "timeout",
                    "stdout": e.stdout or b"", "stderr": e.stderr or b""}
        except OSError as e:
            # Like a shell: the program could not be executed at all.
            return {"label": label, "cmd": cmd, "status": 126, "stdout": b"",
                    "stderr": str(e).encode()}
    return {"label": label, "cmd": cmd, "status": status_of(proc.returncode),
            "stdout": proc.stdout, "stderr": proc.stderr}


def text(b):
    return b.decode("utf-8", errors="replace")


def show_tail(title, data, lines=30):
    body = text(data).splitlines()
    if not body:
        return
    print(f"  --- {title} (last {min(lines, len(body))} of {len(body)} lines) ---")
    for line in body[-lines:]:
        print("  " + line)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mimic", default="build/mimic")
    ap.add_argument("--arch", default="riscv64", choices=sorted(ARCHES))
    ap.add_argument("--expect-exit", type=int, default=0)
    ap.add_argument("--stdin")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--skip-qemu", metavar="REASON",
                    help="do not use qemu as a reference for this test (a known qemu bug)")
    ap.add_argument("--skip-native", metavar="REASON",
                    help="do not compare with the native run (x86: behaviour that depends on the host CPU)")
    ap.add_argument("program")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    arch = ARCHES[args.arch]
    guest_path_dirs = ["-L", arch["sysroot"]] if arch["sysroot"] else []
    qemu_name = arch["qemu"]

    # CMake lists cannot hold an empty string: the test definitions write @EMPTY@ instead.
    args.args = ["" if a == "@EMPTY@" else a for a in args.args]
    program = os.path.abspath(args.program)
    # Tools the build needed were missing: say which, as a skip (build-guests.py wrote why).
    for marker in (os.path.join(os.path.dirname(program), "SKIPPED"), program + ".skip"):
        if os.path.exists(marker):
            with open(marker) as f:
                print("SKIP: " + f.read().strip())
            sys.exit(SKIP_STATUS)
    if not os.path.exists(program):
        sys.exit(f"FAIL: guest program {program} does not exist (did guest_build_{args.arch} run?)")
    default_engines = "interp,jit,jit-full,jit-tier1,qemu" + (",native" if arch.get("native") else "")
    engines = os.environ.get("MIMIC_GUEST_ENGINES", default_engines).split(",")
    engines = [e.strip() for e in engines if e.strip()]

    env = dict(os.environ)
    for kv in args.env:
        key, _, value = kv.partition("=")
        env[key] = value
    # qemu reads QEMU_* variables itself; keep the runs comparable.
    for key in [k for k in env if k.startswith("QEMU_")]:
        del env[key]
    stdin_data = b""
    if args.stdin:
        with open(args.stdin, "rb") as f:
            stdin_data = f.read()

    runs = []
    qemu_missing = False
    mimic = os.path.abspath(args.mimic)
    for engine in engines:
        if engine in MIMIC_ENGINES:
            if not os.access(mimic, os.X_OK):
                sys.exit(f"FAIL: mimic binary {mimic} not found (set MIMIC_GUEST_ENGINES=qemu "
                         "to test the guest programs alone)")
            cmd = [mimic, "run"] + MIMIC_ENGINES[engine] + guest_path_dirs + [program] + args.args
            runs.append(run_one(f"mimic-{engine}", cmd, stdin_data, env, args.timeout))
        elif engine == "qemu":
            if args.skip_qemu:
                print(f"note: not comparing with {qemu_name}: {args.skip_qemu}")
                continue
            qemu = shutil.which(qemu_name)
            if qemu is None:
                qemu_missing = True     # a skip, once the other runs have had their say
                continue
            cmd = [qemu] + guest_path_dirs + arch.get("qemu_args", []) + [program] + args.args
            runs.append(run_one("qemu", cmd, stdin_data, env, args.timeout))
        elif engine == "native":
            if not arch.get("native"):
                continue
            if args.skip_native:
                print(f"note: not comparing with the native run: {args.skip_native}")
                continue
            runs.append(run_one("native", [program] + args.args, stdin_data, env, args.timeout))
            if runs[-1]["status"] == 126 or b"Exec format error" in runs[-1]["stderr"]:
                # The host kernel cannot run it (no IA32 emulation): qemu stays the oracle.
                print("note: the host cannot run this program natively")
                runs.pop()
        else:
            sys.exit(f"FAIL: unknown engine '{engine}' in MIMIC_GUEST_ENGINES")
    if not runs:
        if qemu_missing:
            print(f"SKIP: {qemu_name} not installed")
            sys.exit(SKIP_STATUS)
        if args.skip_qemu and engines == ["qemu"]:
            print("SKIP: only qemu was requested and this test does not use it")
            sys.exit(SKIP_STATUS)
        sys.exit("FAIL: no engine ran the program")

    failed = False
    for r in runs:
        if r["status"] != args.expect_exit:
            failed = True
            print(f"FAIL [{r['label']}]: exit status {r['status']}, expected {args.expect_exit}")
            print("  command: " + " ".join(r["cmd"]))
            show_tail("stdout", r["stdout"])
            show_tail("stderr", r["stderr"])
    ref = runs[0]
    for r in runs[1:]:
        if r["stdout"] != ref["stdout"]:
            failed = True
            print(f"FAIL: stdout of {r['label']} differs from {ref['label']}:")
            diff = difflib.unified_diff(text(ref["stdout"]).splitlines(),
                                        text(r["stdout"]).splitlines(),
                                        ref["label"], r["label"], lineterm="")
            for line in list(diff)[:200]:
                print("  " + line)
            show_tail(f"stderr of {r['label']}", r["stderr"], 10)

    if failed:
        sys.exit(1)
    lines = len(text(ref["stdout"]).splitlines())
    labels = ", ".join(r["label"] for r in runs)
    if qemu_missing:
        # The reference is missing: agreement between the mimic engines alone is not a pass.
        print(f"SKIP: {qemu_name} not installed ({labels} agreed: exit {args.expect_exit}, "
              f"{lines} stdout lines)")
        sys.exit(SKIP_STATUS)
    print(f"PASS {os.path.basename(program)}: exit {args.expect_exit}, "
          f"{lines} identical stdout lines from {labels}")
    sys.stdout.write(text(ref["stdout"]))


if __name__ == "__main__":
    main()
