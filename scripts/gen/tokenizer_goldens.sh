#!/usr/bin/env bash
# Regenerates the tokenizer goldens in tests/fixtures/tokenizer/ with llama.cpp's
# llama-tokenize (built outside this repository): every text through SmolLM2's byte-level
# BPE (with and without special-token parsing) and through the SentencePiece fixture
# spm_tiny.gguf (made by scripts/gen/spm_vocab_fixture.py).
# usage: scripts/gen/tokenizer_goldens.sh /path/to/llama-tokenize models/SmolLM2-135M-Instruct.Q4_1.gguf
set -euo pipefail
tokenize=$1
model=$2
dir=tests/fixtures/tokenizer
ids() { "$tokenize" -m "$1" -f "$2" --ids --log-disable "${@:3}" 2>/dev/null | tail -n 1 | tr -d '[],'; }
for text in "$dir"/*.txt; do
  base=${text%.txt}
  ids "$model" "$text" > "$base.smollm2.ids"
  ids "$model" "$text" --no-parse-special > "$base.smollm2.no-special.ids"
  ids "$dir/spm_tiny.gguf" "$text" > "$base.spm_tiny.ids"
done
