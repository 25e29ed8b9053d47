#!/usr/bin/env bash
# `sextant train` killed with SIGKILL at a random step and resumed with --resume logs the same
# losses, gradient norms and learning rates, bit for bit, as an uninterrupted run, and ends
# with the same weights. The corpus is the licence texts every Debian system installs.
# usage: train_resume_after_kill.sh SEXTANT SOURCE_DIR
set -euo pipefail
sextant=$1
source_dir=$2
corpus=/usr/share/common-licenses
if [ ! -d "$corpus" ]; then
  echo "skipped: $corpus (Debian's base-files) is absent"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/train.json" <<JSON
{
  "name": "licences",
  "seed": 3,
  "tokenizer": "$source_dir/tests/fixtures/hf/llama_f32_tied/tokenizer.json",
  "model": {"hidden_size": 64, "layers": 2, "heads": 4, "kv_heads": 2, "ffn_size": 160},
  "batch": {"sequence_length": 64, "micro_batch": 4, "accumulation": 2},
  "sources": {
    "gpl": {"files": ["GPL-*", "LGPL-*"]},
    "other": {"files": ["Apache-2.0", "MPL-2.0", "Artistic", "GFDL-1.3"]}
  },
  "stages": [
    {"name": "one", "tokens": 61440, "lr": 4e-3, "mixture": {"gpl": 1}},
    {"name": "two", "tokens": 61440, "lr": 3e-3, "mixture": {"gpl": 1, "other": 1}}
  ],
  "checkpoint_every": 10
}
JSON
args=(train --config "$work/train.json" --corpora-dir "$corpus")
"$sextant" "${args[@]}" --out "$work/straight" --threads 2 > /dev/null 2>&1

# Kill at a random moment after the first checkpoint and before the end.
"$sextant" "${args[@]}" --out "$work/killed" --threads 2 > /dev/null 2>&1 &
pid=$!
target=$((15 + RANDOM % 200))
for _ in $(seq 1 3000); do
  lines=0
  [ -f "$work/killed/train_log.jsonl" ] && lines=$(wc -l < "$work/killed/train_log.jsonl")
  [ "$lines" -ge "$target" ] && break
  sleep 0.01
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
at_kill=$(wc -l < "$work/killed/train_log.jsonl")
if [ "$at_kill" -lt 10 ] || [ "$at_kill" -ge 240 ]; then
  echo "FAILED: the kill did not land midway (step $at_kill of 240)"
  exit 1
fi
"$sextant" "${args[@]}" --out "$work/killed" --threads 1 --resume > /dev/null 2> "$work/resume.err"

python3 - "$work" "$at_kill" <<'PY'
import json, sys
work, at_kill = sys.argv[1], sys.argv[2]
def log(run):
    rows = [json.loads(l) for l in open(f"{work}/{run}/train_log.jsonl")]
    return [(r["step"], r["loss"], r["grad_norm"], r["lr"]) for r in rows]
straight, resumed = log("straight"), log("killed")
if straight != resumed or len(straight) != 240:
    print(f"FAILED: killed at step {at_kill}; {len(resumed)} steps after resuming vs {len(straight)}")
    for a, b in zip(straight, resumed):
        if a != b:
            print("first difference:", a, b)
            break
    sys.exit(1)
w1 = open(f"{work}/straight/checkpoints/step-000240/model.safetensors", "rb").read()
w2 = open(f"{work}/killed/checkpoints/step-000240/model.safetensors", "rb").read()
if w1 != w2:
    print("FAILED: the final weights differ")
    sys.exit(1)
print(f"ok: killed at step {at_kill}, resumed; 240 losses and the final weights identical "
      f"(loss {straight[0][1]:.4f} -> {straight[-1][1]:.4f})")
PY
