#!/usr/bin/env bash
# An evaluation killed with SIGKILL midway and rerun ends with the same scores and sample
# count as an uninterrupted one, nothing lost or counted twice.
# usage: resume_after_kill.sh SEXTANT  (model: $SEXTANT_TEST_MODEL or models/...; data: $SEXTANT_DATA_DIR)
set -euo pipefail
sextant=$1
source "$(dirname "$0")/needs_model_and_arc.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(eval --model "$model" --data-dir "$data" --datasets arc_easy --limit 160 --threads 2 --json)

"$sextant" "${args[@]}" --work-dir "$work/straight" > "$work/straight.json" 2>/dev/null

count() {
  python3 -c 'import sqlite3, sys
try:
    print(sqlite3.connect(sys.argv[1]).execute("select count(*) from samples").fetchone()[0])
except Exception:
    print(0)' "$1/sextant.db"
}
"$sextant" "${args[@]}" --work-dir "$work/killed" > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [ "$(count "$work/killed")" -ge 32 ] && break
  sleep 0.1
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
at_kill=$(count "$work/killed")
if [ "$at_kill" -lt 32 ] || [ "$at_kill" -ge 160 ]; then
  echo "FAILED: the kill did not land midway ($at_kill samples stored)"
  exit 1
fi
"$sextant" "${args[@]}" --work-dir "$work/killed" > "$work/resumed.json" 2>/dev/null

python3 - "$work/straight.json" "$work/resumed.json" "$(count "$work/killed")" "$at_kill" <<'PY'
import json, sys
def task(path):
    t = json.load(open(path))["tasks"][0]
    return {k: t[k] for k in ("dataset", "mode", "task_hash", "version", "samples", "metrics")}
a, b = task(sys.argv[1]), task(sys.argv[2])
stored, at_kill = int(sys.argv[3]), int(sys.argv[4])
if a != b or stored != 160 or a["samples"] != 160:
    print(f"FAILED: straight {a}\nresumed {b}\nstored samples {stored}")
    sys.exit(1)
print(f"resumed after SIGKILL at {at_kill}/160 samples: scores identical, 160 samples stored")
PY
