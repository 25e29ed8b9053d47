#!/usr/bin/env bash
# `sextant eval --watch` beside a running `sextant train --no-eval` evaluates every checkpoint
# once, in step order, stores each with its step and scores, and stops by itself after the final
# one. The corpus is the licence texts every Debian system installs; the suite is held-out bits
# per byte of the run's two sources (configs written here, read through --configs).
# usage: eval_watch.sh SEXTANT SOURCE_DIR
set -euo pipefail
sextant=$1
source_dir=$2
corpus=/usr/share/common-licenses
if [ ! -d "$corpus" ]; then
  echo "skipped: $corpus (Debian's base-files) is absent"
  exit 0
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/train.json" <<JSON
{
  "name": "licences-watch",
  "seed": 3,
  "tokenizer": "$source_dir/tests/fixtures/hf/llama_f32_tied/tokenizer.json",
  "model": {"hidden_size": 32, "layers": 2, "heads": 4, "kv_heads": 2, "ffn_size": 64},
  "batch": {"sequence_length": 64, "micro_batch": 4, "accumulation": 1},
  "sources": {
    "gpl": {"files": ["GPL-*", "LGPL-*"], "held_out": 0.05, "held_out_bytes": 4000},
    "other": {"files": ["Apache-2.0", "MPL-2.0"], "held_out": 0.05, "held_out_bytes": 4000}
  },
  "stages": [
    {"name": "one", "tokens": 5120, "lr": 4e-3, "mixture": {"gpl": 1}},
    {"name": "two", "tokens": 2560, "lr": 3e-3, "mixture": {"gpl": 1, "other": 1}}
  ],
  "checkpoint_every": 8
}
JSON
# Steps: 20 + 10; checkpoints at 8, 16, 20 (end of stage one), 24 and 30 (the final one).
expected="8 16 20 24 30"

configs="$work/configs"
mkdir -p "$configs/suites" "$configs/datasets" "$configs/models"
for source in gpl other; do
  cat > "$configs/datasets/heldout_$source.json" <<JSON
{
  "name": "heldout_$source",
  "dimension": "Perplexity",
  "description": "bits per byte on the held-out $source licences",
  "test": {"format": "jsonl", "path": "heldout/$source.jsonl"},
  "modes": {"zero-shot": {"inferencer": "rolling", "prompt": "{text}", "metric": "bits_per_byte"}}
}
JSON
done
echo '{"name": "licences", "description": "held-out licences", "tasks": ["heldout_gpl:zero-shot", "heldout_other:zero-shot"]}' \
  > "$configs/suites/licences.json"

out="$work/out"
# The watcher starts first, before the run's folder exists.
"$sextant" eval --watch "$out" --configs "$configs" --suite licences --data-dir "$out" --threads 1 --quiet \
  --watch-timeout 300 > "$work/watch.out" 2> "$work/watch.err" &
watcher=$!
pids+=("$watcher")
sleep 1
"$sextant" train --config "$work/train.json" --corpora-dir "$corpus" --out "$out" --threads 1 --no-eval \
  > /dev/null 2> "$work/train.err" &
trainer=$!
pids+=("$trainer")
wait "$trainer" || { echo "FAILED: train exited with $?"; tail -5 "$work/train.err"; exit 1; }

# The watcher must stop by itself once the final checkpoint is evaluated.
for _ in $(seq 1 1200); do
  kill -0 "$watcher" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$watcher" 2>/dev/null; then
  echo "FAILED: eval --watch still runs 120 s after the final checkpoint"
  tail -5 "$work/watch.err"
  exit 1
fi
status=0
wait "$watcher" || status=$?
if [ "$status" -ne 0 ] || ! grep -q "final checkpoint is evaluated" "$work/watch.err"; then
  echo "FAILED: eval --watch exited with $status"
  tail -5 "$work/watch.err"
  exit 1
fi

check_store() {  # STORE WATCH_STDERR
python3 - "$1" "$expected" "$2" <<'PY'
import math, re, sqlite3, sys
db, expected, err = sys.argv[1], [int(s) for s in sys.argv[2].split()], sys.argv[3]
con = sqlite3.connect(db)
models = con.execute("SELECT name, step, identity FROM models ORDER BY step").fetchall()
steps = [m[1] for m in models]
if steps != expected or {m[0] for m in models} != {"licences-watch"}:
    sys.exit(f"FAILED: models {[(m[0], m[1]) for m in models]}, expected licences-watch at steps {expected}")
bpb = {}
for name, step, identity in models:
    rows = con.execute(
        "SELECT s.dataset, s.value FROM scores s JOIN runs r ON r.id = s.run_id "
        "WHERE r.model_identity = ? AND r.finished_at IS NOT NULL AND s.metric = 'bits_per_byte'", (identity,)).fetchall()
    datasets = {d: v for d, v in rows}
    if set(datasets) != {"heldout_gpl", "heldout_other"} or not all(math.isfinite(v) and v > 0 for v in datasets.values()):
        sys.exit(f"FAILED: step {step} has scores {rows}")
    bpb[step] = datasets["heldout_gpl"]
runs = con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
if runs != len(expected):
    sys.exit(f"FAILED: {runs} runs for {len(expected)} checkpoints (one evaluation each expected)")
# In step order, as the checkpoints landed.
order = [int(s) for s in re.findall(r"\(step (\d+)", open(err).read())]
if order != expected:
    sys.exit(f"FAILED: evaluated in the order {order}")
if not bpb[expected[-1]] < bpb[expected[0]]:
    sys.exit(f"FAILED: held-out bits per byte did not fall: {bpb}")
print("ok: steps " + ", ".join(f"{s}: {bpb[s]:.3f} bpb" for s in expected) + " of heldout_gpl")
PY
}
check_store "$out/sextant.db" "$work/watch.err"

# Watched again, the run has nothing left to evaluate: no new run, and it stops at once.
timeout 60 "$sextant" eval --watch "$out" --configs "$configs" --suite licences --data-dir "$out" --quiet \
  > /dev/null 2> "$work/again.err"
runs=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM runs').fetchone()[0])" "$out/sextant.db")
if [ "$runs" -ne 5 ] || [ "$(grep -c "already evaluated" "$work/again.err")" -ne 5 ]; then
  echo "FAILED: watching the finished run again made $runs runs in all"
  tail -5 "$work/again.err"
  exit 1
fi

# The tiny run may finish before the watcher's first look. Here the checkpoints land one at a
# time, each after the previous one's evaluation is stored, in a checkpoints/ folder watched
# directly: the watcher waits for each, and stops after the one marked final.
staged="$work/staged"
mkdir -p "$staged/checkpoints"
cp -r "$out/heldout" "$staged/"
"$sextant" eval --watch "$staged/checkpoints" --configs "$configs" --suite licences --threads 1 --quiet \
  --watch-timeout 300 > /dev/null 2> "$work/staged.err" &
watcher=$!
pids+=("$watcher")
stored() {
  python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); \
print(c.execute('SELECT COUNT(*) FROM runs WHERE finished_at IS NOT NULL').fetchone()[0])" "$staged/sextant.db" 2>/dev/null || echo 0
}
n=0
for step in $expected; do
  sleep 3  # longer than a poll: the watcher is waiting, not finding them all at once
  name=$(printf "step-%06d" "$step")
  cp -r "$out/checkpoints/$name" "$staged/checkpoints/.$name.tmp"
  mv "$staged/checkpoints/.$name.tmp" "$staged/checkpoints/$name"
  n=$((n + 1))
  for _ in $(seq 1 600); do
    [ "$(stored)" -ge "$n" ] && break
    kill -0 "$watcher" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$(stored)" -lt "$n" ]; then
    echo "FAILED: the watcher did not evaluate $name within 60 s of its landing"
    tail -5 "$work/staged.err"
    exit 1
  fi
done
status=0
for _ in $(seq 1 600); do kill -0 "$watcher" 2>/dev/null || break; sleep 0.1; done
wait "$watcher" || status=$?
if [ "$status" -ne 0 ] || ! grep -q "final checkpoint is evaluated" "$work/staged.err"; then
  echo "FAILED: eval --watch on the staged checkpoints exited with $status"
  tail -5 "$work/staged.err"
  exit 1
fi
check_store "$staged/sextant.db" "$work/staged.err"
