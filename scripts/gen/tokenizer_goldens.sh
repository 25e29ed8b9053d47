#!/usr/bin/env bash
# Regenerates the tokenizer goldens in tests/fixtures/tokenizer/ with llama.cpp's
# llama-tokenize (built outside this repository).
# usage: scripts/gen/tokenizer_goldens.sh /path/to/llama-tokenize models/SmolLM2-135M-Instruct.Q4_1.gguf
set -euo pipefail
tokenize=$1
model=$2
dir=tests/fixtures/tokenizer
for text in "$dir"/*.txt; do
  base=${text%.txt}
  "$tokenize" -m "$model" -f "$text" --ids --log-disable 2>/dev/null | tail -n 1 | tr -d '[],' > "$base.smollm2.ids"
  "$tokenize" -m "$model" -f "$text" --ids --no-parse-special --log-disable 2>/dev/null | tail -n 1 | tr -d '[],' \
    > "$base.smollm2.no-special.ids"
done
