#!/usr/bin/env bash
# Training speed against PyTorch on the same model shape, sequence length and batch: `sextant
# train` (configs/train/tiny-staged.json's model, first stage, no evaluation) and
# transformers' LlamaForCausalLM with torch.optim.AdamW, both on 2 threads, in alternating
# rounds (this machine's speed drifts); prints each round and the ratio of the medians of
# training tokens per second (steady-state steps only). Sextant runs in the config's precision
# (tiny-staged: bfloat16 products, float32 everything else); PyTorch runs twice, in float32
# (its default) and under torch.autocast(bfloat16) (its CPU mixed precision).
# usage: scripts/bench-train-vs-pytorch.sh [ROUNDS] [STEPS]   (needs: build/, corpora, pip torch transformers)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
steps=${2:-30}
sextant=build/harness/sextant
corpora=${SEXTANT_CORPORA_DIR:-../shared/corpora}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$steps" <<'PY'
import json, sys
work, steps = sys.argv[1], int(sys.argv[2])
text = open("configs/train/tiny-staged.json").read()
lines = [l for l in text.splitlines() if not l.lstrip().startswith("//")]
config = json.loads("\n".join(lines))
tokens = steps * config["batch"]["sequence_length"] * config["batch"]["micro_batch"] * config["batch"].get("accumulation", 1)
config["stages"] = [dict(config["stages"][0], tokens=tokens)]
config.pop("eval", None)
config["checkpoint_every"] = 0
json.dump(config, open(f"{work}/bench.json", "w"), indent=1)
PY

sextant_round() {
  rm -rf "$work/out"
  "$sextant" train --config "$work/bench.json" --corpora-dir "$corpora" --out "$work/out" --threads 2 --no-eval > /dev/null 2>&1
  python3 - "$work/out/train_log.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
per_step = rows[1]["tokens"] - rows[0]["tokens"]
print(per_step / statistics.median(r["seconds"] for r in rows[3:]))
PY
}

pytorch_round() {
  python3 scripts/check/train_step_pytorch.py "$work/bench.json" "$work/out/tokenizer.json" "$steps" "$1"
}

precision=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("precision", "fp32"))' "$work/bench.json")
ours=()
fp32=()
bf16=()
for r in $(seq 1 "$rounds"); do
  a=$(sextant_round)
  b=$(pytorch_round fp32)
  c=$(pytorch_round bf16)
  ours+=("$a")
  fp32+=("$b")
  bf16+=("$c")
  printf 'round %d: sextant (%s) %.0f tokens/s, pytorch fp32 %.0f tokens/s, pytorch autocast bf16 %.0f tokens/s\n' \
    "$r" "$precision" "$a" "$b" "$c"
done
python3 - "$precision" "${ours[*]}" "${fp32[*]}" "${bf16[*]}" <<'PY'
import statistics, sys
median = lambda text: statistics.median(float(x) for x in text.split())
a, b, c = median(sys.argv[2]), median(sys.argv[3]), median(sys.argv[4])
print(f"median training tokens/s: sextant ({sys.argv[1]}) {a:.0f}; pytorch fp32 {b:.0f}, ratio {a / b:.2f}x; "
      f"pytorch autocast bf16 {c:.0f}, ratio {a / c:.2f}x")
PY
