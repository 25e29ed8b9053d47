#!/usr/bin/env bash
# Sets up, builds and runs every test: system packages, the default model, the build, a short
# fuzzing run of each parser, then ctest.
# Tests that need ../shared/datasets read them from $SEXTANT_DATA_DIR when it is set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/fetch-model.sh
scripts/build.sh
scripts/fuzz.sh 20
ctest --test-dir build --output-on-failure -j "$(nproc)"
