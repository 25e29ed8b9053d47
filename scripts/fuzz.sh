#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (address + undefined-behaviour sanitizers) into
# build-fuzz/ and runs each for a while, seeded with the test fixtures. Any crash fails.
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
  -DSEXTANT_CUDA=OFF -DSEXTANT_TESTS=OFF -DSEXTANT_FUZZ=ON -DSEXTANT_SANITIZE=address,undefined >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target gguf_fuzz safetensors_fuzz pre_tokenizer_fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/gguf" "$work/safetensors" "$work/text"
cp tests/fixtures/gguf/*.gguf "$work/gguf/"
python3 - "$work/safetensors/seed.safetensors" <<'PY'
import json, struct, sys
header = {"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
          "b": {"dtype": "BF16", "shape": [3], "data_offsets": [16, 22]}, "__metadata__": {"format": "pt"}}
h = json.dumps(header).encode()
open(sys.argv[1], "wb").write(struct.pack("<Q", len(h)) + h + bytes(range(22)))
PY
cp tests/fixtures/tokenizer/*.txt "$work/text/"
for target in gguf:gguf_fuzz safetensors:safetensors_fuzz text:pre_tokenizer_fuzz; do
  corpus=${target%%:*}
  bin=${target##*:}
  echo "fuzz: $bin for ${seconds}s" >&2
  UBSAN_OPTIONS=halt_on_error=1 build-fuzz/tests/fuzz/$bin -max_total_time="$seconds" -max_len=65536 \
    -print_final_stats=0 "$work/$corpus" 2>"$work/$bin.log" || { tail -n 40 "$work/$bin.log" >&2; exit 1; }
  grep -E "^#[0-9]+.*DONE" "$work/$bin.log" >&2 || tail -n 2 "$work/$bin.log" >&2
done
