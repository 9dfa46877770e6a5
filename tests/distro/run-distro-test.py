#!/usr/bin/env python3
"""Run an unmodified Debian binary under mimic and compare it with the real thing.

usage: run-distro-test.py --arch i386|x86_64 --mimic PATH --engine interp|jit --case NAME
                          [--root DIR]

The programs are Debian's own builds: for x86-64 the host's /usr/bin, for i386 a root file
system unpacked from Debian's i386 packages by fetch-sysroot.py (--root).  Every step of the
case runs natively (i386 in a chroot into --root, which needs root privileges), under
`mimic run --engine=ENGINE` and under qemu-i386/qemu-x86_64.  The step passes when stdout and
exit status agree across all runners and the status is the one expected; stderr is shown on
failure but not compared.  Exits 77 (ctest: skipped) when the i386 root is missing or no
oracle can run (no native run and no qemu): nothing missing ever turns into a pass.
"""
import argparse
import difflib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

SKIP_STATUS = 77
HERE = os.path.dirname(os.path.abspath(__file__))
QEMU = {"i386": "qemu-i386", "x86_64": "qemu-x86_64"}
# The interpreter gets a lighter load: (script scale, sqlite rows, compressor input bytes).
SCALE = {"interp": ("1", 4000, 100000), "jit": ("4", 20000, 400000)}
# Cases where qemu-user itself is wrong; the native run remains the oracle.
QEMU_WRONG = {
    ("i386", "perl"): "qemu-i386 7.2 does not apply -L to statx paths, so perl finds no modules",
}


def compressor(prog, level):
    return [("compress", [prog, level, "-c", "data.bin"], 0, None),
            ("decompress", [prog, "-d", "-c", "data.bin.ref"], 0, None)]


# name -> (program, steps); a step is (label, argv, expected status, stdin file or None).
# argv[0] is looked up under /usr/bin then /bin of the guest's root.
def cases(scale):
    return {
        "python": [("script", ["python3.11", "work.py", "words.txt", scale], 3, None)],
        "perl": [("script", ["perl", "work.pl", "words.txt", scale], 4, None)],
        "sqlite": [("script", ["sqlite3", ":memory:"], 0, "work.sql")],
        "gzip": compressor("gzip", "-9"),
        "xz": compressor("xz", "-6"),
        "bzip2": compressor("bzip2", "-9"),
        "zstd": compressor("zstd", "-19"),
    }


def words(n):
    # Deterministic English-like text: the same bytes on every machine.
    vocab = ("emulator translate guest host block register memory cache branch signal "
             "thread kernel loader library syscall float vector decode lift optimize").split()
    x, out = 12345, []
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0x7fffffff
        out.append(vocab[x % len(vocab)] + ("\n" if i % 11 == 10 else " "))
    return "".join(out)


def data_bytes(n):
    # Half text, half skewed noise: compressible but not trivially so.
    x, noise = 99, bytearray()
    while len(noise) < n // 2:
        x = (x * 6364136223846793005 + 1442695040888963407) & (2**64 - 1)
        noise.append((x >> 59) * 7 & 0xff)
    return words(n // 14).encode()[: n // 2] + bytes(noise)


def guest_path(root, name):
    for d in ("/usr/bin/", "/bin/"):
        if os.path.exists((root or "") + d + name):
            return d + name
    sys.exit(f"run-distro-test: {name} not found under {root or '/'}usr/bin or bin")


def runners(args, root):
    """(name, function(argv) -> (argv to exec, "chroot" or None)) for every runner."""
    out = []
    mimic = [args.mimic, "run", f"--engine={args.engine}"] + (["-L", root] if root else [])
    out.append((f"mimic-{args.engine}",
                lambda argv: (mimic + [(root or "") + argv[0]] + argv[1:], None)))
    if root is None:
        out.append(("native", lambda argv: (argv, None)))
    elif os.geteuid() == 0:
        out.append(("native", lambda argv: (argv, "chroot")))
    qemu = shutil.which(QEMU[args.arch])
    wrong = QEMU_WRONG.get((args.arch, args.case))
    if wrong:
        print(f"note: not comparing with {QEMU[args.arch]}: {wrong}")
    elif qemu:
        out.append((QEMU[args.arch],
                    lambda argv: ([qemu] + (["-L", root] if root else []) +
                                  [(root or "") + argv[0]] + argv[1:], None)))
    return out


def run(argv, how, cwd, cwd_in_root, root, stdin_path, env):
    preexec = None
    if how == "chroot":
        def preexec():
            os.chroot(root)
            os.chdir(cwd_in_root)
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        p = subprocess.run(argv, cwd=None if how == "chroot" else cwd, stdin=stdin,
                           capture_output=True, env=env, timeout=600, preexec_fn=preexec)
    except subprocess.TimeoutExpired:
        return None, b"", b"timed out after 600 s"
    status = 128 - p.returncode if p.returncode < 0 else p.returncode
    return status, p.stdout, p.stderr


def show(data):
    try:
        return data.decode().splitlines(keepends=True)
    except UnicodeDecodeError:
        return [f"<{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}>\n"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arch", required=True, choices=sorted(QEMU))
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--engine", required=True, choices=sorted(SCALE))
    ap.add_argument("--case", required=True)
    ap.add_argument("--root", help="guest root file system (i386)")
    args = ap.parse_args()
    root = os.path.abspath(args.root) if args.arch == "i386" else None
    if root and not os.path.exists(os.path.join(root, ".complete")):
        print(f"SKIP: no i386 Debian root at {root} (the fetch step skipped or failed)")
        sys.exit(SKIP_STATUS)
    scale, rows, data_size = SCALE[args.engine]
    steps = cases(scale)[args.case]
    run_list = runners(args, root)
    if len(run_list) < 2:
        print(f"SKIP: no oracle: not root (no chroot for the native i386 run) and "
              f"{QEMU[args.arch]} not installed")
        sys.exit(SKIP_STATUS)

    base = os.path.join(root, "tmp") if root else None
    wd = tempfile.mkdtemp(prefix=f"mimic-distro-{args.case}-", dir=base)
    wd_in_root = wd[len(root):] if root else wd
    try:
        for f in ("work.py", "work.pl"):
            shutil.copy(os.path.join(HERE, "cases", f), wd)
        with open(os.path.join(HERE, "cases", "work.sql")) as src, \
                open(os.path.join(wd, "work.sql"), "w") as dst:
            dst.write(src.read().replace("@ROWS@", str(rows)))
        with open(os.path.join(wd, "words.txt"), "w") as f:
            f.write(words(20000))
        with open(os.path.join(wd, "data.bin"), "wb") as f:
            f.write(data_bytes(data_size))
        env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC", "HOME": wd_in_root,
               "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
        failed = False
        for label, argv, expect, stdin in steps:
            argv = [guest_path(root, argv[0])] + argv[1:]
            results = []
            for name, make in run_list:
                cmd, how = make(argv)
                st, out, err = run(cmd, how, wd, wd_in_root, root,
                                   os.path.join(wd, stdin) if stdin else None, env)
                results.append((name, st, out, err))
            # The reference is the native run, else qemu's (the last runner).
            ref_name, _, ref_out, _ = next((r for r in results if r[0] == "native"), results[-1])
            if label == "compress":
                # The decompress step reads what the reference compressor wrote.
                with open(os.path.join(wd, "data.bin.ref"), "wb") as f:
                    f.write(ref_out)
            for name, st, out, err in results:
                ok = st == expect and out == ref_out
                print(f"{args.case} {label}: {name}: status {st}, {len(out)} bytes of output"
                      f"{'' if ok else ' -- MISMATCH'}")
                if not ok:
                    failed = True
                    if st != expect:
                        print(f"  expected status {expect}")
                    if out != ref_out:
                        sys.stdout.writelines(difflib.unified_diff(
                            show(ref_out), show(out), ref_name, name, n=1))
                    if err:
                        print("  stderr: " + err.decode(errors="replace")[-2000:])
        sys.exit(1 if failed else 0)
    finally:
        shutil.rmtree(wd, ignore_errors=True)


if __name__ == "__main__":
    main()
