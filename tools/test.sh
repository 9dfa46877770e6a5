#!/bin/sh
# Install dependencies, build mimic and run every test (unit tests and guest
# programs under both engines, compared with qemu-riscv64).
set -eu
cd "$(dirname "$0")/.."
[ "${MIMIC_SKIP_DEPS:-0}" = 1 ] || tools/install-deps.sh
tools/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
