#!/usr/bin/env bash
# `mpirun -np 2 sextant train` against one process with the same global batch (two
# micro-batches a step): each rank runs one micro-batch and updates half of the parameters
# (ZeRO-1), so both add the same gradient terms and update every parameter alike; the losses,
# gradient norms and final weights must be bit-identical. Corpus: the licence texts every
# Debian system installs.
# usage: train_mpi.sh SEXTANT SOURCE_DIR
set -euo pipefail
sextant=$1
source_dir=$2
corpus=/usr/share/common-licenses
if ! command -v mpirun >/dev/null; then
  echo "skipped: mpirun is absent (scripts/setup.sh installs openmpi-bin)"
  exit 0
fi
if ! "$sextant" train --help | grep -q "mpirun"; then
  echo "skipped: this sextant was built without MPI (libopenmpi-dev)"
  exit 0
fi
[ -d "$corpus" ] || { echo "skipped: $corpus (Debian's base-files) is absent"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/train.json" <<JSON
{
  "name": "licences",
  "seed": 5,
  "tokenizer": "$source_dir/tests/fixtures/hf/llama_f32_tied/tokenizer.json",
  "model": {"hidden_size": 64, "layers": 2, "heads": 4, "kv_heads": 2, "ffn_size": 160},
  "batch": {"sequence_length": 64, "micro_batch": 2, "accumulation": 2},
  "sources": {"gpl": {"files": ["GPL-*", "LGPL-*"]}, "other": {"files": ["Apache-2.0", "MPL-2.0", "Artistic"]}},
  "stages": [
    {"name": "one", "tokens": 10240, "lr": 4e-3, "mixture": {"gpl": 1}},
    {"name": "two", "tokens": 10240, "lr": 3e-3, "mixture": {"gpl": 1, "other": 1}}
  ],
  "checkpoint_every": 25
}
JSON
args=(train --config "$work/train.json" --corpora-dir "$corpus" --threads 1)
"$sextant" "${args[@]}" --out "$work/one" > /dev/null 2>&1
# Open MPI refuses root unless told; oversubscribe: two ranks may exceed the cores it counts.
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
  mpirun --oversubscribe -np 2 "$sextant" "${args[@]}" --out "$work/two" > "$work/mpi.out" 2>&1 || {
  echo "FAILED: mpirun exited non-zero"; cat "$work/mpi.out"; exit 1; }

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def log(run):
    return [(r["step"], r["loss"], r["grad_norm"], r["lr"]) for r in map(json.loads, open(f"{work}/{run}/train_log.jsonl"))]
one, two = log("one"), log("two")
if one != two or len(one) != 80:
    print(f"FAILED: {len(one)} vs {len(two)} steps")
    for a, b in zip(one, two):
        if a != b:
            print("first difference:", a, b)
            break
    sys.exit(1)
w1 = open(f"{work}/one/checkpoints/step-000080/model.safetensors", "rb").read()
w2 = open(f"{work}/two/checkpoints/step-000080/model.safetensors", "rb").read()
o1 = open(f"{work}/one/checkpoints/step-000080/optimizer.safetensors", "rb").read()
o2 = open(f"{work}/two/checkpoints/step-000080/optimizer.safetensors", "rb").read()
if w1 != w2 or o1 != o2:
    print("FAILED: the final weights or optimizer moments differ")
    sys.exit(1)
print(f"ok: 2 ranks = 1 process over 80 steps, bit for bit (loss {one[0][1]:.4f} -> {one[-1][1]:.4f}), "
      "weights and gathered moments identical")
PY
