#!/usr/bin/env bash
# HellaSwag accuracy of `sextant eval` against llama.cpp's `llama-perplexity --hellaswag` on
# the same GGUF file and the same first N tasks (llama.cpp built outside this repository).
# llama.cpp picks the ending with the highest mean log-probability per token; sextant
# reports that normalisation as token_mean beside the others.
#
# usage: scripts/check/hellaswag_vs_llamacpp.sh LLAMA_PERPLEXITY DATA_DIR [MODEL] [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
perplexity=${1:?usage: $0 LLAMA_PERPLEXITY DATA_DIR [MODEL] [N]}
data=${2:?usage: $0 LLAMA_PERPLEXITY DATA_DIR [MODEL] [N]}
model=${3:-models/SmolLM2-135M-Instruct.Q4_1.gguf}
n=${4:-1000}
sextant=${SEXTANT:-build/harness/sextant}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

head -n $((6 * n)) "$data/hellaswag/hellaswag_val_full.txt" > "$work/tasks.txt"
mkdir -p "$work/data/hellaswag"
cp "$work/tasks.txt" "$work/data/hellaswag/hellaswag_val_full.txt"

start=$(date +%s.%N)
"$perplexity" -m "$model" -f "$work/tasks.txt" --hellaswag --hellaswag-tasks "$n" -t 2 -c 512 -b 512 \
  > "$work/llama.out" 2> "$work/llama.err"
llama_seconds=$(echo "$(date +%s.%N) - $start" | bc)
# The last progress line holds the final accuracy: "<task>  <acc_norm>  [<ci>]".
llama_acc=$(grep -E "^[0-9]+\s+[0-9.]+" "$work/llama.out" | tail -n 1 | awk '{print $2}' | tr -d '%')

start=$(date +%s.%N)
"$sextant" eval --model "$model" --data-dir "$work/data" --datasets hellaswag --chat off --threads 2 --work-dir "$work/store" --json \
  > "$work/sextant.json" \
  2> "$work/sextant.err"
sextant_seconds=$(echo "$(date +%s.%N) - $start" | bc)

python3 - "$work/sextant.json" "$llama_acc" "$llama_seconds" "$sextant_seconds" "$n" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["tasks"][0]["metrics"]
llama, t_llama, t_sextant, n = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
ours = 100 * s["acc_token_mean"]["value"]
print(f"HellaSwag, first {n} tasks, mean log-prob per token:")
print(f"  llama-perplexity {llama:6.2f}   sextant {ours:6.2f}   difference {ours - llama:+.2f} points")
print(f"  wall time: llama-perplexity {t_llama:.1f} s, sextant eval {t_sextant:.1f} s (ratio {t_llama / t_sextant:.2f}x)")
for k in ("acc", "acc_norm", "acc_norm_nospace"):
    print(f"  sextant {k}: {100 * s[k]['value']:.2f}")
PY
