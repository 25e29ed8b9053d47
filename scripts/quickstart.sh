#!/usr/bin/env bash
# Sets up, builds, fetches the default model and runs it: a chat answer, a score, a short
# evaluation (when benchmark files are in $SEXTANT_DATA_DIR or ./data) and a benchmark.
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
echo "== sextant eval (first 50 items of each dataset)" >&2
build/harness/sextant eval --model "$model" --data-dir "${SEXTANT_DATA_DIR:-data}" --limit 50
echo "== sextant bench" >&2
build/harness/sextant bench --model "$model"
