#!/bin/sh
# Install dependencies, build mimic, cross-compile the demo RISC-V program and run it.
set -eu
cd "$(dirname "$0")/.."
[ "${MIMIC_SKIP_DEPS:-0}" = 1 ] || tools/install-deps.sh
tools/build.sh
mkdir -p build/demo
riscv64-linux-gnu-gcc -O2 -o build/demo/demo tools/demo/demo.c -lm
echo "--- build/mimic run build/demo/demo (riscv64, dynamically linked)"
build/mimic run build/demo/demo "hello from riscv64"
