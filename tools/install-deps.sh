#!/bin/sh
# Install everything mimic needs to build and test on Debian 12 (run as root).
# Build: compiler, CMake, Ninja and the libraries named in docs/ARCHITECTURE.md.
# Tests: Debian's cross compilers (guest programs are compiled at test time), libgomp for
# the riscv64 OpenMP guest test, PowerPC binutils (the ppc unit tests' qemu-ppc comparison
# program) and the powerpc-linux-gnu cross compilers and sysroot (the ppc guest tests), the
# i686-linux-gnu ones (the i386 guest tests) with libc6-i386 to run those natively as a second
# oracle, device-tree-compiler, opensbi and u-boot-qemu (board tests decode the tree and
# boot real firmware), qemu-user as the reference the guest tests compare against,
# qemu-system-misc (qemu-system-riscv64) as the reference the bare-metal tests compare against,
# and gdb-multiarch (the gdb stub tests drive it in batch mode).  The i386 architecture is
# enabled in apt (nothing i386 is installed) and Debian's i386 builds of Python, Perl, SQLite
# and the compressors are downloaded into /var/cache/mimic/debs-i386, from which the
# distribution-binary tests (tests/distro) unpack a guest root; their x86-64 runs use the
# host's own perl, sqlite3 and compressors.
set -eu
export DEBIAN_FRONTEND=noninteractive
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
if ! dpkg --print-foreign-architectures | grep -qx i386; then
    $SUDO dpkg --add-architecture i386
fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
    build-essential cmake ninja-build pkg-config python3 \
    libglib2.0-dev libcapstone-dev libffi-dev check libfdt-dev device-tree-compiler \
    gcc-riscv64-linux-gnu g++-riscv64-linux-gnu libc6-dev-riscv64-cross binutils-riscv64-linux-gnu \
    libgomp1-riscv64-cross opensbi u-boot-qemu binutils-powerpc-linux-gnu \
    gcc-powerpc-linux-gnu g++-powerpc-linux-gnu libc6-dev-powerpc-cross \
    gcc-i686-linux-gnu g++-i686-linux-gnu libc6-dev-i386-cross libc6-i386 \
    qemu-user qemu-system-misc gdb-multiarch \
    perl sqlite3 zstd xz-utils bzip2 gzip
$SUDO python3 "$(dirname "$0")/../tests/distro/fetch-sysroot.py" --arch i386 \
    --debs /var/cache/mimic/debs-i386 --download "$(dirname "$0")/../tests/distro/i386-packages.txt"
