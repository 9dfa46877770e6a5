#!/usr/bin/env python3
"""Build a guest root file system from Debian's own binary packages.

usage: fetch-sysroot.py --arch i386 --debs DEBDIR --download PACKAGE_LIST
       fetch-sysroot.py --arch i386 --debs DEBDIR --out DIR PACKAGE_LIST

PACKAGE_LIST is a file naming one package per line (# starts a comment).  Both forms resolve
the dependency closure of those packages for the Debian architecture ARCH with apt-cache.
--download fetches the .debs with `apt-get download` into DEBDIR (tools/install-deps.sh does
this; it is the only step that needs the network).  --out unpacks them from DEBDIR into
DIR/root and writes DIR/root/etc/ld.so.cache with the host's ldconfig, so the guest's loader
finds its libraries without the host's cache; DIR/root/.complete records the package list and
a later run with the same list does nothing.

The foreign architecture must be known to dpkg (`dpkg --add-architecture i386; apt-get
update`, which tools/install-deps.sh does).  Unpacking exits 77 (ctest: skipped) with a
one-line reason when apt does not know the packages or a .deb was not downloaded, so a
machine without them skips rather than passes.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys

SKIP_STATUS = 77
# Architecture-independent packages the closure needs but apt-cache lists without a suffix.
ARCH_ALL = {"perl": ["perl-modules-5.36"]}


def closure(arch, packages):
    cmd = ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
           "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"]
    out = subprocess.run(cmd + [f"{p}:{arch}" for p in packages], capture_output=True,
                         text=True)
    if out.returncode != 0:
        skip(f"apt-cache cannot resolve {' '.join(packages)} for {arch}: "
             f"{out.stderr.strip().splitlines()[-1] if out.stderr.strip() else 'no output'}"
             f" (dpkg --add-architecture {arch}; apt-get update)")
    names = set()
    for line in out.stdout.splitlines():
        # Package names start a line; dependency lines are indented.
        if line and not line[0].isspace() and line.endswith(f":{arch}"):
            names.add(line)
    # dpkg, tar and install-info come in through Pre-Depends of the packaging machinery,
    # which a guest root that is never maintained by dpkg does not need.
    names -= {f"{n}:{arch}" for n in ("dpkg", "tar", "install-info")}
    for p in packages:
        names.update(ARCH_ALL.get(p, []))
    return sorted(names)


def skip(reason):
    print("SKIP: " + reason)
    sys.exit(SKIP_STATUS)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arch", required=True)
    ap.add_argument("--debs", required=True, help="where the .deb files are kept")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--download", action="store_true", help="fetch the .debs (network)")
    mode.add_argument("--out", help="unpack into OUT/root")
    ap.add_argument("package_list")
    args = ap.parse_args()
    for tool in ("apt-cache", "apt-get", "dpkg-deb", "ldconfig"):
        if not shutil.which(tool) and not os.path.exists("/sbin/" + tool):
            skip(f"{tool} not found: a Debian host is needed for guest packages")
    with open(args.package_list) as f:
        packages = [line.split("#")[0].strip() for line in f if line.split("#")[0].strip()]
    wanted = closure(args.arch, packages)
    if args.download:
        os.makedirs(args.debs, exist_ok=True)
        r = subprocess.run(["apt-get", "download", "-q"] + wanted, cwd=args.debs,
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"fetch-sysroot: apt-get download failed: {r.stderr.strip()}")
        print(f"{args.debs}: {len(wanted)} {args.arch} packages")
        return
    root = os.path.join(args.out, "root")
    stamp = os.path.join(root, ".complete")
    if os.path.exists(stamp) and open(stamp).read().split() == wanted:
        print(f"{root}: up to date ({len(wanted)} packages)")
        return
    files = []
    for name in wanted:
        pkg = name.split(":")[0]
        found = sorted(glob.glob(os.path.join(args.debs, f"{pkg}_*.deb")))
        if not found:
            skip(f"{name} is not in {args.debs}: run tools/install-deps.sh, which downloads "
                 f"the {args.arch} packages")
        files.append(found[-1])     # the newest version when an older one is still there
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    for deb in files:
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    os.makedirs(os.path.join(root, "etc"), exist_ok=True)
    with open(os.path.join(root, "etc", "ld.so.conf"), "w") as f:
        f.write("include /etc/ld.so.conf.d/*.conf\n")
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    subprocess.run([ldconfig, "-r", root], check=True)
    os.makedirs(os.path.join(root, "tmp"), exist_ok=True)
    with open(stamp, "w") as f:
        f.write("\n".join(wanted) + "\n")
    print(f"{root}: {len(wanted)} packages unpacked")


if __name__ == "__main__":
    main()
