#!/usr/bin/env python3
"""Cross-compile mimic's RISC-V guest test programs (the ctest fixture guest_build_riscv64).

Reads the manifest written by tests/guest/CMakeLists.txt (one line per binary:
name, variant, extra flags, sources) and builds every binary into --out as <name>-<variant>.
A binary newer than its sources, the shared headers and this script, and built with the same
command line (kept in <binary>.cmd), is not rebuilt.

Fails loudly when riscv64-linux-gnu-gcc/g++ or the sysroot are missing: the guest tests
must never pass because nothing was built.
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys

SYSROOT = "/usr/riscv64-linux-gnu"
VARIANT_FLAGS = {
    "static": ["-O2", "-static"],
    "dyn": ["-O2"],
    "O0": ["-O0", "-static"],
    # static-pie without libc: Debian's riscv64 glibc has no rcrt1.o for -static-pie.
    "spie": ["-O2", "-fPIE", "-pie", "-Wl,--no-dynamic-linker"],
}
COMMON_FLAGS = ["-g", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fno-strict-aliasing"]


def parse_manifest(path):
    builds = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, variant, flags, srcs = line.split("\t")
            builds.append((name, variant, flags.split(), srcs.split()))
    return builds


def compiler_for(srcs, cc, cxx):
    return cxx if any(s.endswith((".cc", ".cpp")) for s in srcs) else cc


def build_one(args, name, variant, flags, srcs):
    out = os.path.join(args.out, f"{name}-{variant}")
    paths = [os.path.join(args.src, s) for s in srcs]
    compiler = compiler_for(srcs, args.cc, args.cxx)
    libs = [f for f in flags if f.startswith("-l")]     # libraries go after the sources
    flags = [f for f in flags if not f.startswith("-l")]
    cmd = [compiler] + COMMON_FLAGS + VARIANT_FLAGS[variant] + flags + ["-I", args.src]
    cmd += ["-o", out] + paths + libs + ["-lm"]
    # Up to date when newer than every input and built with the same command line.
    stamp = out + ".cmd"
    deps = paths + [os.path.abspath(__file__)]
    deps += [os.path.join(args.src, h) for h in os.listdir(args.src) if h.endswith(".h")]
    if os.path.exists(out) and os.path.exists(stamp):
        with open(stamp) as f:
            same_cmd = f.read() == " ".join(cmd)
        if same_cmd and os.path.getmtime(out) >= max(os.path.getmtime(d) for d in deps):
            return out, True, "up to date"
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        if os.path.exists(out):
            os.unlink(out)
        return out, False, " ".join(cmd) + "\n" + proc.stdout
    with open(stamp, "w") as f:
        f.write(" ".join(cmd))
    return out, True, proc.stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cc", default=os.environ.get("MIMIC_GUEST_CC", "riscv64-linux-gnu-gcc"))
    ap.add_argument("--cxx", default=os.environ.get("MIMIC_GUEST_CXX", "riscv64-linux-gnu-g++"))
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()

    missing = [c for c in (args.cc, args.cxx) if shutil.which(c) is None]
    if missing:
        sys.exit("guest tests: cross compiler not found: " + ", ".join(missing) +
                 "\n  install it with: apt-get install gcc-riscv64-linux-gnu g++-riscv64-linux-gnu")
    if not os.path.isdir(os.path.join(SYSROOT, "lib")):
        sys.exit(f"guest tests: riscv64 sysroot {SYSROOT} not found (libc6-dev-riscv64-cross)")

    os.makedirs(args.out, exist_ok=True)
    builds = parse_manifest(args.manifest)
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(build_one, args, *b) for b in builds]
        for fut in futures:
            out, ok, msg = fut.result()
            if not ok:
                failed += 1
                print(f"FAILED {out}\n{msg}")
            elif msg == "up to date":
                print(f"up to date {out}")
            elif msg:
                print(f"built {out} (with warnings)\n{msg}")
            else:
                print(f"built {out}")
    if failed:
        sys.exit(f"guest tests: {failed} of {len(builds)} programs failed to build")
    print(f"guest tests: {len(builds)} programs ready in {args.out}")


if __name__ == "__main__":
    main()
