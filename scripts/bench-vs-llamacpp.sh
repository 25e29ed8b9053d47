#!/usr/bin/env bash
# Prompt-processing and generation speed of `sextant bench` against llama.cpp's llama-bench
# on the same GGUF file and thread count. The two alternate for several rounds (this kind of
# machine drifts by tens of percent between runs) and the medians are compared.
#
# usage: scripts/bench-vs-llamacpp.sh LLAMA_BENCH [MODEL] [ROUNDS] [THREADS]
#   LLAMA_BENCH  path to llama.cpp's llama-bench (built outside this repository)
set -euo pipefail
cd "$(dirname "$0")/.."
llama_bench=${1:?usage: $0 LLAMA_BENCH [MODEL] [ROUNDS] [THREADS]}
model=${2:-models/SmolLM2-135M-Instruct.Q4_1.gguf}
rounds=${3:-5}
threads=${4:-2}
sextant=${SEXTANT:-build/harness/sextant}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds" >&2
  "$sextant" bench --model "$model" --threads "$threads" --prompt-tokens 512 --gen-tokens 128 --repetitions 1 --json \
    > "$out/sextant.$r.json"
  "$llama_bench" -m "$model" -t "$threads" -p 512 -n 128 -r 1 -o json > "$out/llama.$r.json" 2>/dev/null
done

python3 - "$out" "$rounds" "$model" <<'PY'
import json, os, statistics, sys
out, rounds, model = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s_pp, s_tg, l_pp, l_tg, rss = [], [], [], [], []
for r in range(1, rounds + 1):
    s = json.load(open(f"{out}/sextant.{r}.json"))
    s_pp.append(s["pp"]["tokens_per_s"]); s_tg.append(s["tg"]["tokens_per_s"]); rss.append(s["peak_rss_mb"])
    for test in json.load(open(f"{out}/llama.{r}.json")):
        (l_pp if test["n_prompt"] > 0 else l_tg).append(test["avg_ts"])
med = statistics.median
kv_mb = s["kv_cache_mb"]
file_mb = os.path.getsize(model) / 2**20
print(f"model {model}, {rounds} alternating rounds, medians (tokens/s)")
print(f"  pp512  sextant {med(s_pp):8.1f}  llama.cpp {med(l_pp):8.1f}  ratio {med(s_pp) / med(l_pp):.2f}x")
print(f"  tg128  sextant {med(s_tg):8.1f}  llama.cpp {med(l_tg):8.1f}  ratio {med(s_tg) / med(l_tg):.2f}x")
print(f"  peak memory {max(rss):.0f} MiB; model file {file_mb:.0f} MiB + KV cache {kv_mb:.0f} MiB + 64 MiB = "
      f"{file_mb + kv_mb + 64:.0f} MiB")
PY
