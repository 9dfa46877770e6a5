#!/usr/bin/env python3
"""Cross-compile mimic's guest test programs for one arch (the ctest fixtures guest_build_<arch>).

Reads the manifest written by tests/guest/CMakeLists.txt (one line per binary:
name, variant, extra flags, sources) and builds every binary into --out as <name>-<variant>.
A binary newer than its sources, the shared headers and this script, and built with the same
command line (kept in <binary>.cmd), is not rebuilt.

Missing tools never turn into passes. Without the arch's cross gcc or its sysroot nothing can
be built: this script writes the reason to <out>/SKIPPED and exits 77 (ctest: skipped), and
run-guest-test.py reports every guest test as skipped with that reason. A program that needs
a tool only some programs need (the cross g++ for C++, libgomp for -fopenmp) gets
<binary>.skip with the reason instead, and its tests are skipped alone. A program that fails
to compile with the tools present is a failure.
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile

# Per guest architecture: compilers, sysroot and the Debian packages that provide them.
ARCHES = {
    "riscv64": {"cc": "riscv64-linux-gnu-gcc", "cxx": "riscv64-linux-gnu-g++",
                "sysroot": "/usr/riscv64-linux-gnu", "pkg": "riscv64-linux-gnu",
                "libc_pkg": "libc6-dev-riscv64-cross", "gomp_pkg": "libgomp1-riscv64-cross"},
    "ppc": {"cc": "powerpc-linux-gnu-gcc", "cxx": "powerpc-linux-gnu-g++",
            "sysroot": "/usr/powerpc-linux-gnu", "pkg": "powerpc-linux-gnu",
            "libc_pkg": "libc6-dev-powerpc-cross", "gomp_pkg": "libgomp1-powerpc-cross",
            # 64-bit inode numbers overflow a 32-bit readdir on the host's file systems.
            "flags": ["-D_FILE_OFFSET_BITS=64", "-D_TIME_BITS=64"]},
    # 32-bit x86: large-file and time64 calls as current i386 distributions build them.
    "i386": {"cc": "i686-linux-gnu-gcc", "cxx": "i686-linux-gnu-g++",
             "sysroot": "/usr/i686-linux-gnu", "pkg": "i686-linux-gnu",
             "libc_pkg": "libc6-dev-i386-cross", "gomp_pkg": "libgomp1-i386-cross",
             "flags": ["-D_FILE_OFFSET_BITS=64", "-D_TIME_BITS=64"]},
    # x86-64 guests are the host's own toolchain and libraries.
    "x86_64": {"cc": "gcc", "cxx": "g++", "sysroot": "/usr", "pkg": "x86-64-linux-gnu",
               "libc_pkg": "libc6-dev", "gomp_pkg": "libgomp1", "flags": ["-m64"]},
}
VARIANT_FLAGS = {
    "static": ["-O2", "-static"],
    "dyn": ["-O2"],
    "O0": ["-O0", "-static"],
    # static-pie without libc: Debian's riscv64 glibc has no rcrt1.o for -static-pie.
    "spie": ["-O2", "-fPIE", "-pie", "-Wl,--no-dynamic-linker"],
}
COMMON_FLAGS = ["-g", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fno-strict-aliasing"]
SKIP_STATUS = 77        # ctest SKIP_RETURN_CODE
SKIP_MARKER = "SKIPPED"  # in --out: every guest test is skipped, for the reason inside


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


def write_file(path, text):
    with open(path, "w") as f:
        f.write(text)


def remove(path):
    if os.path.exists(path):
        os.unlink(path)


_probe_cache = {}


def openmp_missing(args, variant):
    """Why -fopenmp cannot build a `variant` program (None when it can): a tiny program is
    compiled and linked, which needs libgomp.spec, libgomp.a (static) or libgomp.so (dyn)."""
    key = ("openmp", variant)
    if key not in _probe_cache:
        with tempfile.TemporaryDirectory(prefix="mimic-probe-") as tmp:
            src = os.path.join(tmp, "omp.c")
            write_file(src, "#include <omp.h>\nint main(void) { return omp_get_max_threads() < 1; }\n")
            cmd = [args.cc, "-fopenmp"] + VARIANT_FLAGS[variant] + ["-o", os.path.join(tmp, "omp"), src]
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        _probe_cache[key] = None if proc.returncode == 0 else (
            f"libgomp for {args.arch} not installed (apt-get install {ARCHES[args.arch]['gomp_pkg']}): " +
            (proc.stdout.strip().splitlines() or ["probe failed"])[-1])
    return _probe_cache[key]


def missing_tool(args, variant, flags, srcs):
    """The reason this program cannot be built with the tools installed, or None."""
    if compiler_for(srcs, args.cc, args.cxx) == args.cxx and shutil.which(args.cxx) is None:
        return f"{args.cxx} not installed (apt-get install g++-{ARCHES[args.arch]['pkg']})"
    if "-fopenmp" in flags:
        return openmp_missing(args, variant)
    return None


def build_one(args, name, variant, flags, srcs):
    out = os.path.join(args.out, f"{name}-{variant}")
    paths = [os.path.join(args.src, s) for s in srcs]
    # A tool only this program needs is missing: its tests report a skip with the reason.
    why = missing_tool(args, variant, flags, srcs)
    if why:
        write_file(out + ".skip", why + "\n")
        return out, "skip", why
    remove(out + ".skip")
    compiler = compiler_for(srcs, args.cc, args.cxx)
    libs = [f for f in flags if f.startswith("-l")]     # libraries go after the sources
    flags = [f for f in flags if not f.startswith("-l")]
    cmd = [compiler] + COMMON_FLAGS + ARCHES[args.arch].get("flags", []) + VARIANT_FLAGS[variant]
    cmd += flags + ["-I", args.src]
    cmd += ["-o", out] + paths + libs + ["-lm"]
    # Up to date when newer than every input and built with the same command line.
    stamp = out + ".cmd"
    deps = paths + [os.path.abspath(__file__)]
    deps += [os.path.join(args.src, h) for h in os.listdir(args.src) if h.endswith(".h")]
    if os.path.exists(out) and os.path.exists(stamp):
        with open(stamp) as f:
            same_cmd = f.read() == " ".join(cmd)
        if same_cmd and os.path.getmtime(out) >= max(os.path.getmtime(d) for d in deps):
            return out, "ok", "up to date"
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        remove(out)
        return out, "failed", " ".join(cmd) + "\n" + proc.stdout
    write_file(stamp, " ".join(cmd))
    return out, "ok", proc.stdout.strip()


def skip_all(out_dir, reason):
    """Nothing can be built: record why for run-guest-test.py and report a ctest skip."""
    os.makedirs(out_dir, exist_ok=True)
    write_file(os.path.join(out_dir, SKIP_MARKER), reason + "\n")
    print(f"SKIP: {reason}")
    sys.exit(SKIP_STATUS)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--arch", default="riscv64", choices=sorted(ARCHES))
    ap.add_argument("--cc", help="default: the arch's cross gcc (or $MIMIC_GUEST_CC for riscv64)")
    ap.add_argument("--cxx", help="default: the arch's cross g++ (or $MIMIC_GUEST_CXX for riscv64)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()
    arch = ARCHES[args.arch]
    env_cc = os.environ.get("MIMIC_GUEST_CC") if args.arch == "riscv64" else None
    env_cxx = os.environ.get("MIMIC_GUEST_CXX") if args.arch == "riscv64" else None
    args.cc = args.cc or env_cc or arch["cc"]
    args.cxx = args.cxx or env_cxx or arch["cxx"]
    sysroot = arch["sysroot"]

    if shutil.which(args.cc) is None:
        skip_all(args.out, f"cross compiler {args.cc} not installed (apt-get install gcc-{arch['pkg']})")
    if not os.path.isdir(os.path.join(sysroot, "lib")):
        skip_all(args.out, f"{args.arch} sysroot {sysroot} not installed (apt-get install {arch['libc_pkg']})")

    os.makedirs(args.out, exist_ok=True)
    remove(os.path.join(args.out, SKIP_MARKER))
    builds = parse_manifest(args.manifest)
    failed = skipped = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(build_one, args, *b) for b in builds]
        for fut in futures:
            out, state, msg = fut.result()
            if state == "failed":
                failed += 1
                print(f"FAILED {out}\n{msg}")
            elif state == "skip":
                skipped += 1
                print(f"SKIP {out}: {msg}")
            elif msg == "up to date":
                print(f"up to date {out}")
            elif msg:
                print(f"built {out} (with warnings)\n{msg}")
            else:
                print(f"built {out}")
    if failed:
        sys.exit(f"guest tests: {failed} of {len(builds)} programs failed to build")
    print(f"guest tests: {len(builds) - skipped} programs ready in {args.out}" +
          (f", {skipped} skipped for missing tools (their tests report skips)" if skipped else ""))


if __name__ == "__main__":
    main()
