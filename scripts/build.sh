#!/usr/bin/env bash
# Configures and builds Sextant into build/ (Release, Ninja, ccache when present).
# Extra arguments go to CMake, e.g. scripts/build.sh -DSEXTANT_CUDA=OFF
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j "$(nproc)"
