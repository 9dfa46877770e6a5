#!/bin/sh
# Install everything mimic needs to build and test on Debian 12 (run as root).
# Build: compiler, CMake, Ninja and the libraries named in docs/ARCHITECTURE.md.
# Tests: Debian's cross compilers (guest programs are compiled at test time) and
# qemu-user as the reference the guest tests compare against; PowerPC binutils
# assemble the unit tests' qemu-ppc comparison program.
set -eu
export DEBIAN_FRONTEND=noninteractive
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
    build-essential cmake ninja-build pkg-config python3 \
    libglib2.0-dev libcapstone-dev libffi-dev check libfdt-dev \
    gcc-riscv64-linux-gnu g++-riscv64-linux-gnu libc6-dev-riscv64-cross binutils-riscv64-linux-gnu \
    binutils-powerpc-linux-gnu \
    qemu-user
